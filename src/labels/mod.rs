//! What the pack station prints (DESIGN section 1): a 4x6 inch ZPL shipping
//! label per package, a packing slip, the station's sheet of command,
//! quantity and carton barcodes, and getting ZPL to a printer (a spool folder
//! or a raw TCP socket, port 9100).
//!
//! Per the dependency rule this module imports only `domain`: callers hand it
//! plain data ([`LabelData`], [`SlipData`]) and a [`printer::Printer`] built
//! from the config.

mod canvas;
pub mod config;
pub mod printer;
pub mod zpl;

use crate::domain::shipment::{Sscc, TrackingNumber};
use crate::domain::{Address, OrderNumber};

pub use config::{PrinterConfig, ShipperConfig};
pub use printer::{PrintError, Printer, send};
pub use zpl::{command_sheet, packing_slip, shipping_label};

/// Everything on one package's shipping label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelData {
    /// The warehouse (`[shipping]` in the config); `phone` and `email` are not printed.
    pub ship_from: Address,
    /// The customer's address as stored (untrusted text: made ZPL-safe when printed).
    pub ship_to: Address,
    /// The carrier service, e.g. `DHL Paket`.
    pub carrier: String,
    /// The channel's service name, e.g. `express`.
    pub service: String,
    pub order: OrderNumber,
    /// This package's number, from 1.
    pub package: u32,
    /// How many packages the shipment has.
    pub packages: u32,
    /// Weighed or estimated; `None` leaves the field blank.
    pub weight_grams: Option<u32>,
    pub tracking: TrackingNumber,
    pub sscc: Sscc,
}

/// Everything on a packing slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipData {
    pub order: OrderNumber,
    /// The customer's name (untrusted text).
    pub customer: String,
    pub lines: Vec<SlipLine>,
    /// The customer's gift message, printed in a box at the end.
    pub gift_note: Option<String>,
}

/// One line of a packing slip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlipLine {
    pub sku: String,
    pub title: String,
    pub qty: u32,
}
