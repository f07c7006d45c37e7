//! Planning: pure rules and algorithms over domain data: `rules` (order
//! validation), `routing` (pick routes), `batching` (wave planning) and
//! `abc` (SKU classes and slotting).
//! Per the dependency rule this module imports only `domain`.

pub mod abc;
pub mod batching;
pub mod routing;
pub mod rules;
