//! Pure types and rules of the warehouse: no I/O, no terminal, no SQL.
//!
//! Everything else in the crate speaks these types. Per the dependency rule in
//! ARCHITECTURE.md this module imports nothing from the rest of the crate.

pub mod allocation;
pub mod dashboard;
pub mod ids;
pub mod inbound;
pub mod layout;
pub mod location;
pub mod money;
pub mod operator;
pub mod order;
pub mod pack;
pub mod queue;
pub mod rma;
pub mod service;
pub mod shipment;
pub mod sku;
pub mod status;
pub mod sync;
pub mod text;
pub mod wave;

pub use allocation::BackorderPolicy;
pub use ids::OrderNumber;
pub use layout::{Layout, LayoutError};
pub use location::{Bin, BinCode, Zone};
pub use operator::{Actor, Operator, Role};
pub use order::{Address, HoldReason, NewOrder, NewOrderLine, Verdict};
pub use service::{ServiceBook, ServiceRule};
pub use sku::{Gtin, NewSku};
pub use status::{OrderStatus, TransitionError};
pub use wave::{WaveNumber, WaveStatus};
