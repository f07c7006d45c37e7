//! packline: a terminal console for the pick-pack-ship floor.
//!
//! The binary (`main.rs`) only sets up errors and logging and calls [`cli::run`].
//! See ARCHITECTURE.md for the module map and the dependency rule.

pub mod domain;
pub mod store;
