//! packline: a terminal console for the pick-pack-ship floor.
//!
//! The binary (`main.rs`) only sets up errors and logging and calls [`cli::run`].
//! See ARCHITECTURE.md for the module map and the dependency rule.

// `unwrap_used` is denied outside tests (Cargo.toml); tests may unwrap.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod app;
pub mod bench;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod errors;
pub mod labels;
pub mod logging;
pub mod planning;
pub mod report;
pub mod scan;
pub mod screens;
pub mod store;
pub mod sync;
pub mod tui;
pub mod widgets;
