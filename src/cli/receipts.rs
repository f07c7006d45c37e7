//! `packline receipts`: expected deliveries (purchase orders or advance ship
//! notices) from a CSV file or entered by a supervisor, and the list of
//! those still open. Counting them in happens on the stock screen (F8).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Cli, open_store};
use crate::config::Loaded;
use crate::domain::inbound::{NewReceipt, NewReceiptLine};
use crate::errors::{Error, Result};

#[derive(Debug, Args)]
pub struct ReceiptsArgs {
    #[command(subcommand)]
    pub command: ReceiptsCommand,
}

#[derive(Debug, Subcommand)]
pub enum ReceiptsCommand {
    /// Import expected deliveries from CSV
    /// (reference,supplier,expected_on,sku,qty,sscc,lot,expiry): all of the
    /// file or, on any bad row, nothing.
    Import { file: PathBuf },
    /// Enter one expected delivery: `packline receipts expect PO-123 --supplier Acme MUG=10 TEE=5`.
    Expect {
        /// The supplier's PO or ASN number.
        reference: String,
        #[arg(long, default_value = "")]
        supplier: String,
        /// The day it is due (YYYY-MM-DD).
        #[arg(long, value_name = "DAY")]
        expected_on: Option<chrono::NaiveDate>,
        /// The badge of the supervisor entering it (recorded in the audit trail).
        #[arg(long, default_value = "cli")]
        by: String,
        /// What is expected, as SKU=QTY.
        #[arg(required = true, value_name = "SKU=QTY", value_parser = sku_qty)]
        lines: Vec<(String, u32)>,
    },
    /// The deliveries not closed yet.
    List,
}

fn sku_qty(text: &str) -> std::result::Result<(String, u32), String> {
    let (sku, qty) = text.split_once('=').ok_or_else(|| format!("{text:?}: write SKU=QTY, e.g. MUG=10"))?;
    let qty: u32 = qty.trim().parse().map_err(|_| format!("{text:?}: the quantity must be a whole number"))?;
    if sku.trim().is_empty() || qty == 0 {
        return Err(format!("{text:?}: name a SKU and at least one unit"));
    }
    Ok((sku.trim().to_owned(), qty))
}

pub fn run(cli: &Cli, loaded: &Loaded, args: &ReceiptsArgs) -> Result<()> {
    let station = loaded.config.station.name.clone();
    match &args.command {
        ReceiptsCommand::Import { file } => {
            let name = file.display().to_string();
            let text = std::fs::read_to_string(file).map_err(Error::io(format!("cannot read {name}")))?;
            let receipts = match crate::sync::receipts_file::parse_receipts(&name, &text) {
                Ok(receipts) => receipts,
                Err(errors) => {
                    for error in errors.iter().take(super::SHOWN_ERRORS) {
                        eprintln!("{error}");
                    }
                    if errors.len() > super::SHOWN_ERRORS {
                        eprintln!("... and {} more", errors.len() - super::SHOWN_ERRORS);
                    }
                    return Err(Error::Other(format!("{name}: bad rows; nothing was imported")));
                }
            };
            let mut store = open_store(cli, loaded)?;
            let actor = crate::domain::Actor::new(station, "import");
            store
                .import_receipts(&actor, &receipts)
                .map_err(|e| Error::Other(format!("{name}: {e}; nothing was imported")))?;
            let units: u64 = receipts.iter().flat_map(|r| &r.lines).map(|l| u64::from(l.qty)).sum();
            println!("{name}: {} deliveries expected, {units} units", receipts.len());
            Ok(())
        }
        ReceiptsCommand::Expect { reference, supplier, expected_on, by, lines } => {
            let receipt = NewReceipt {
                reference: crate::domain::text::sanitize(reference.trim()).into_owned(),
                supplier: crate::domain::text::sanitize(supplier.trim()).into_owned(),
                expected_on: *expected_on,
                lines: lines
                    .iter()
                    .map(|(sku, qty)| NewReceiptLine {
                        sku: sku.clone(),
                        qty: *qty,
                        sscc: None,
                        lot: None,
                        expires_on: None,
                    })
                    .collect(),
            };
            let mut store = open_store(cli, loaded)?;
            store.import_receipts(&crate::domain::Actor::new(station, by.clone()), std::slice::from_ref(&receipt))?;
            let units: u64 = lines.iter().map(|(_, q)| u64::from(*q)).sum();
            println!("{}: expected from {}, {} lines, {units} units", receipt.reference, receipt.supplier, lines.len());
            Ok(())
        }
        ReceiptsCommand::List => {
            let store = open_store(cli, loaded)?;
            let open = store.open_receipts()?;
            if open.is_empty() {
                println!("No delivery is open.");
            }
            for r in open {
                let due = r.expected_on.map_or_else(|| "-".to_owned(), |d| d.to_string());
                println!(
                    "{}\t{}\t{due}\t{}\t{} lines\t{} expected\t{} received\t{} damaged",
                    r.reference, r.supplier, r.status, r.lines, r.expected, r.received, r.damaged
                );
            }
            Ok(())
        }
    }
}
