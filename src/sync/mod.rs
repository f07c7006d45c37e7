//! Getting orders in and shipments out. Today: order files (`file`), read by
//! `packline import`, and the pack station's scale (`scale`); the channel
//! connector and the worker come with issue 8.
//! Per the dependency rule this module imports only `store` and `domain`.

pub mod file;
pub mod scale;
