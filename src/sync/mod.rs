//! Getting orders in and shipments out: the sync task and its connectors
//! (channel REST, file drop), carrier tracking, the channel simulator, order
//! files (`file`, also read by `packline import`) and the pack station's
//! scale (`scale`).
//! Per the dependency rule this module imports only `store` and `domain`.

pub mod carrier;
pub mod config;
pub mod file;
pub mod filedrop;
pub mod pull;
pub mod push;
pub mod receipts_file;
pub mod rest;
pub mod scale;
pub mod sim;
pub mod worker;
