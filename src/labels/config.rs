//! The `[printer]` and `[shipper]` config sections (read by `crate::config`,
//! defined here so the label code owns what it needs).

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::printer::Printer;
use crate::domain::Address;
use crate::domain::shipment::{ShipmentIdError, Sscc, TrackingNumber};

/// How labels reach the printer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrinterKind {
    /// ZPL files in a folder another program prints from.
    Spool,
    /// Raw ZPL to a network printer.
    Tcp,
}

/// `[printer]`: where labels go.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrinterConfig {
    pub kind: PrinterKind,
    /// The spool folder; default: `spool` beside the store file.
    pub spool_dir: Option<PathBuf>,
    /// The network printer's name or address (`kind = "tcp"`).
    pub host: String,
    pub port: u16,
    /// How long a network printer may take to accept a job.
    pub timeout_ms: u64,
}

impl PrinterConfig {
    /// The printer; a spool folder left unset is `spool` beside `store_path`.
    #[must_use]
    pub fn printer(&self, store_path: &Path) -> Printer {
        match self.kind {
            PrinterKind::Tcp => Printer::Tcp {
                host: self.host.trim().to_owned(),
                port: self.port,
                timeout: Duration::from_millis(self.timeout_ms),
            },
            PrinterKind::Spool => {
                Printer::Spool { dir: self.spool_dir.clone().unwrap_or_else(|| default_spool(store_path)) }
            }
        }
    }

    /// What is wrong with the section, if anything, naming the key.
    pub fn check(&self) -> Result<(), String> {
        if self.kind == PrinterKind::Tcp && self.host.trim().is_empty() {
            return Err("printer.host must name the label printer when printer.kind is \"tcp\"".into());
        }
        if self.port == 0 {
            return Err("printer.port must be 1 to 65535, not 0".into());
        }
        if !(100..=60_000).contains(&self.timeout_ms) {
            return Err(format!("printer.timeout_ms must be 100 to 60000, not {}", self.timeout_ms));
        }
        Ok(())
    }
}

/// `[shipper]`: the warehouse as sender, and the numbers its packages carry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShipperConfig {
    pub name: String,
    pub address1: String,
    pub address2: String,
    pub city: String,
    pub postcode: String,
    pub region: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// The GS1 company prefix (4-12 digits) every SSCC starts with.
    pub gs1_company_prefix: String,
    /// The SSCC's leading extension digit (0-9).
    pub sscc_extension: u8,
    /// The carrier account (shipper number) in every tracking number.
    pub carrier_account: String,
}

impl ShipperConfig {
    /// The ship-from address printed on labels.
    #[must_use]
    pub fn ship_from(&self) -> Address {
        Address {
            name: self.name.clone(),
            address1: self.address1.clone(),
            address2: self.address2.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postcode: self.postcode.clone(),
            country: self.country.clone(),
            phone: String::new(),
            email: String::new(),
        }
    }

    /// The SSCC for package `serial` (the store's sequence number).
    pub fn sscc(&self, serial: u64) -> Result<Sscc, ShipmentIdError> {
        Sscc::new(&self.gs1_company_prefix, self.sscc_extension, serial)
    }

    /// The demo carrier's tracking number for package `reference` (its last
    /// seven digits) by `service` (a two-digit code).
    pub fn tracking(&self, service: u8, reference: u64) -> Result<TrackingNumber, ShipmentIdError> {
        TrackingNumber::ups(&self.carrier_account, service, reference % 10_000_000)
    }

    /// What is wrong with the section, if anything, naming the key.
    pub fn check(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("shipper.name must not be empty: it is printed as the sender on every label".into());
        }
        let country = self.country.as_bytes();
        if country.len() != 2 || !country.iter().all(u8::is_ascii_uppercase) {
            return Err(format!("shipper.country must be an ISO country code like \"DE\", not {:?}", self.country));
        }
        Sscc::new(&self.gs1_company_prefix, 0, 0).map_err(|e| format!("shipper.gs1_company_prefix: {e}"))?;
        if self.sscc_extension > 9 {
            return Err(format!("shipper.sscc_extension must be 0 to 9, not {}", self.sscc_extension));
        }
        TrackingNumber::ups(&self.carrier_account, 0, 0).map_err(|e| format!("shipper.carrier_account: {e}"))?;
        Ok(())
    }
}

/// Without `spool_dir`: `spool` beside a store file, or in the working
/// directory for a store on a database server (a URL has no folder).
fn default_spool(store_path: &Path) -> std::path::PathBuf {
    let remote = store_path.to_str().is_some_and(|p| p.starts_with("postgres://") || p.starts_with("postgresql://"));
    if remote {
        return Path::new("spool").to_owned();
    }
    store_path.parent().unwrap_or_else(|| Path::new(".")).join("spool")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printer(text: &str) -> PrinterConfig {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn the_default_spool_is_beside_a_store_file_and_never_inside_a_url() {
        assert_eq!(default_spool(Path::new("/srv/packline/p.db")), Path::new("/srv/packline/spool"));
        assert_eq!(default_spool(Path::new("postgres://wms@db.local/floor")), Path::new("spool"));
    }

    #[test]
    fn spool_defaults_beside_the_store_and_tcp_needs_a_host() {
        let spool = printer("kind = \"spool\"\nhost = \"\"\nport = 9100\ntimeout_ms = 5000\n");
        assert_eq!(spool.check(), Ok(()));
        assert_eq!(
            spool.printer(Path::new("/srv/packline/packline.db")),
            Printer::Spool { dir: PathBuf::from("/srv/packline/spool") }
        );
        let tcp = printer("kind = \"tcp\"\nhost = \"zebra-3\"\nport = 9100\ntimeout_ms = 2500\n");
        assert_eq!(
            tcp.printer(Path::new("x.db")),
            Printer::Tcp { host: "zebra-3".into(), port: 9100, timeout: Duration::from_millis(2500) }
        );
        let no_host = printer("kind = \"tcp\"\nhost = \" \"\nport = 9100\ntimeout_ms = 5000\n");
        assert!(no_host.check().unwrap_err().contains("printer.host"));
        let slow = printer("kind = \"tcp\"\nhost = \"p\"\nport = 9100\ntimeout_ms = 0\n");
        assert_eq!(slow.check().unwrap_err(), "printer.timeout_ms must be 100 to 60000, not 0");
        assert!(toml::from_str::<PrinterConfig>("kind = \"lpt\"\nhost = \"\"\nport = 1\ntimeout_ms = 1\n").is_err());
    }

    #[test]
    fn shipper_numbers_are_checked() {
        let mut shipper = ShipperConfig {
            name: "Warehouse".into(),
            address1: "Lagerweg 1".into(),
            address2: String::new(),
            city: "Hamburg".into(),
            postcode: "20457".into(),
            region: String::new(),
            country: "DE".into(),
            gs1_company_prefix: "4012345".into(),
            sscc_extension: 3,
            carrier_account: "999AA1".into(),
        };
        assert_eq!(shipper.check(), Ok(()));
        assert_eq!(shipper.sscc(1).unwrap().as_str(), "340123450000000017");
        assert_eq!(shipper.tracking(1, 2_345_678).unwrap().as_str(), "1Z999AA10123456784");
        shipper.gs1_company_prefix = "40-12".into();
        assert!(shipper.check().unwrap_err().starts_with("shipper.gs1_company_prefix: "));
        shipper.gs1_company_prefix = "4012345".into();
        shipper.carrier_account = "999".into();
        assert!(shipper.check().unwrap_err().starts_with("shipper.carrier_account: "));
        shipper.carrier_account = "999AA1".into();
        shipper.country = "Germany".into();
        assert!(shipper.check().unwrap_err().starts_with("shipper.country"));
    }
}
