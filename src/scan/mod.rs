//! Barcodes: what a scan is (DESIGN section 5). `barcode` classifies a scanned
//! string and parses it, `gs1` reads GS1 element strings with the AI table in
//! `ai`. Pure code: this module imports only `domain`.

pub mod ai;
pub mod barcode;
pub mod gs1;
#[cfg(test)]
mod tests;
pub mod wedge;

pub use barcode::{ParseOptions, Scan, ScanError, ScanReport, parse, report};
