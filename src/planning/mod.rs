//! Planning: pure rules and algorithms over domain data. Today `rules`
//! (order validation); ABC zoning, routing and batching come with issue 5.
//! Per the dependency rule this module imports only `domain`.

pub mod abc;
pub mod batching;
pub mod routing;
pub mod rules;
