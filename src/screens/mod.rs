//! The console's screens. Each is state + update + `impl Widget for &State`;
//! none of them touches the store: they get plain data and return commands.

pub mod address_form;
pub mod dashboard;
pub mod help;
pub mod order_queue;
pub mod pack;
pub mod pick;
pub mod returns;
pub mod scanner_test;
pub mod sign_in;
pub mod sync;
pub mod waves;
pub mod why;
