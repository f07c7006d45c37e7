//! Planning: pure rules and algorithms over domain data: `rules` (order
//! validation), `routing` (pick routes), `batching` (wave planning),
//! `abc` (SKU classes and slotting), `inventory` (reorder points, cover,
//! slow movers) and `shipping` (weight check, scale lines, carrier service
//! choice).
//! Per the dependency rule this module imports only `domain`.

pub mod abc;
pub mod batching;
pub mod cartonization;
pub mod counts;
pub mod dashboard;
pub mod inventory;
pub mod putaway;
pub mod returns;
pub mod routing;
pub mod rules;
pub mod shipping;
