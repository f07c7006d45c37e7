//! Shipments out: pending shipment outbox rows written as one CSV file per
//! run, whole or not at all, and marked sent (see the parent module).

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};

use super::{FileDropError, folders, free_name, io_error, is_shipment_file, write_atomically};
use crate::domain::sync::{OutboxRow, ShipmentPush};
use crate::domain::{Actor, OrderNumber};
use crate::store::{Store, StoreError};
use crate::sync::config::ChannelConfig;

/// The columns of a shipment file. `order_ref` is the channel's reference
/// (the CSV `order_ref`, a JSONL order's `name`), `external_id` the
/// channel's order id, `order` packline's number; one line per package
/// (`package` of `packages`); `shipped_at` is when the pack was completed
/// (UTC, RFC 3339); `outbox_id` lets a later run see what a file holds.
pub const SHIPMENT_COLUMNS: [&str; 10] = [
    "order_ref",
    "external_id",
    "order",
    "carrier",
    "service",
    "tracking_number",
    "package",
    "packages",
    "shipped_at",
    "outbox_id",
];

/// Outbox rows per shipment file (one file per run; the rest go next run).
pub const ROWS_PER_FILE: usize = 1_000;

/// Writes the channel's pending shipments as one file in its outbox and
/// marks them sent (see the `filedrop` module documentation); returns the outbox rows
/// marked sent (rows found in an earlier file included). Nothing is written
/// when nothing is due. A payload that cannot be read fails its row.
pub fn write_shipments(
    store: &mut Store,
    actor: &Actor,
    channel: &ChannelConfig,
    now: DateTime<Utc>,
) -> Result<u32, FileDropError> {
    let (_, outbox) = folders(channel)?;
    let due = store.outbox_due(&channel.name, "shipment", now, ROWS_PER_FILE)?;
    if due.is_empty() {
        return Ok(0);
    }
    fs::create_dir_all(outbox).map_err(io_error(format!("cannot make {}", outbox.display())))?;
    let mut sent = 0;
    // Rows with an attempt may be in a file already: a run died before marking them.
    let written = if due.iter().any(|r| r.attempts > 0) { written_ids(outbox) } else { HashMap::new() };
    let mut rows: Vec<(OutboxRow, ShipmentPush)> = Vec::with_capacity(due.len());
    for row in due {
        if let Some(file) = written.get(&row.id).filter(|_| row.attempts > 0) {
            sent += u32::from(store.outbox_sent(actor, row.id, file, &format!("found in {file}"))?);
            continue;
        }
        match serde_json::from_str::<ShipmentPush>(&row.payload) {
            Ok(push) if !push.tracking_numbers.is_empty() => rows.push((row, push)),
            Ok(_) => store.outbox_fail(actor, row.id, "the shipment has no tracking numbers")?,
            Err(e) => store.outbox_fail(actor, row.id, &format!("unreadable shipment payload: {e}"))?,
        }
    }
    let Some((first, _)) = rows.first() else { return Ok(sent) };
    let name = free_name(outbox, &format!("shipments-{}-{}.csv", now.format("%Y%m%dT%H%M%SZ"), first.id));
    let bytes = shipment_csv(store, &rows)?;
    for (row, _) in &rows {
        store.outbox_begin_attempt(row.id)?;
    }
    remove_stale_temps(outbox);
    write_atomically(outbox, &name, &bytes)?;
    for (row, _) in &rows {
        sent += u32::from(store.outbox_sent(actor, row.id, &name, &format!("written to {name}"))?);
    }
    tracing::info!(channel = %channel.name, file = %name, rows = rows.len(), "shipment file written");
    Ok(sent)
}

/// The shipment file's bytes: a header and one line per package.
fn shipment_csv(store: &Store, rows: &[(OutboxRow, ShipmentPush)]) -> Result<Vec<u8>, FileDropError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let failed = |e: csv::Error| FileDropError::Io { context: "cannot build a shipment file".into(), source: e.into() };
    out.write_record(SHIPMENT_COLUMNS).map_err(failed)?;
    for (row, push) in rows {
        let order_ref = channel_ref(store, &push.order)?.unwrap_or_else(|| push.external_id.clone());
        let shipped_at = row.created_at.to_rfc3339_opts(SecondsFormat::Secs, true);
        let packages = push.tracking_numbers.len().to_string();
        for (i, tracking) in push.tracking_numbers.iter().enumerate() {
            let package = (i + 1).to_string();
            let id = row.id.to_string();
            out.write_record([
                order_ref.as_str(),
                &push.external_id,
                &push.order,
                &push.carrier,
                &push.service,
                tracking,
                &package,
                &packages,
                &shipped_at,
                &id,
            ])
            .map_err(failed)?;
        }
    }
    out.into_inner()
        .map_err(|e| FileDropError::Io { context: "cannot build a shipment file".into(), source: e.into_error() })
}

/// The channel's own reference of one of our orders (`ORD-…`), if stored.
fn channel_ref(store: &Store, order: &str) -> Result<Option<String>, StoreError> {
    let Ok(number) = order.parse::<OrderNumber>() else { return Ok(None) };
    Ok(store.order_detail(number, 0)?.map(|d| d.row.channel_ref).filter(|r| !r.is_empty()))
}

/// Outbox ids found in the folder's shipment files, with the file each is in.
/// Files that cannot be read are passed over (and logged).
fn written_ids(outbox: &Path) -> HashMap<i64, String> {
    let mut found = HashMap::new();
    let Ok(entries) = fs::read_dir(outbox) else { return found };
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
        if !is_shipment_file(&name) {
            continue;
        }
        let mut reader = match csv::Reader::from_path(entry.path()) {
            Ok(reader) => reader,
            Err(error) => {
                tracing::warn!(file = %name, %error, "cannot read a shipment file");
                continue;
            }
        };
        let Some(column) = reader.headers().ok().and_then(|h| h.iter().position(|c| c == "outbox_id")) else {
            continue;
        };
        for record in reader.records().flatten() {
            if let Some(id) = record.get(column).and_then(|v| v.parse().ok()) {
                found.insert(id, name.clone());
            }
        }
    }
    found
}

/// Removes temporary shipment files a run that died left behind (they were
/// never complete, so never delivered; their rows are still pending).
fn remove_stale_temps(outbox: &Path) {
    let Ok(entries) = fs::read_dir(outbox) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with(".shipments-") && name.ends_with(".csv.tmp") {
            let _ = fs::remove_file(entry.path());
        }
    }
}
