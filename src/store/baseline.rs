//! The ingest benchmark's comparator: the same rows an import writes (order,
//! lines, search text, audit event) written into bare tables (no
//! constraints, no indexes, no triggers, no look-ups, no sanitising) with the
//! same pragmas and batch size. Never used for real data.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, params};

use super::Result;
use super::orders::search_words;
use crate::domain::NewOrder;

/// Inserts `orders` into a new file at `path`, `batch` orders per transaction;
/// returns the time the inserts took.
pub fn raw_insert(path: &Path, orders: &[NewOrder], batch: usize) -> Result<Duration> {
    let mut conn = Connection::open(path)?;
    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
    conn.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 10000;
         CREATE TABLE orders (id INTEGER PRIMARY KEY, channel, external_id, channel_ref, status, priority,
             created_at, updated_at, ship_by, customer_name, address1, address2, city, region, postcode, country,
             phone, email, service, financial_status, total_minor, currency, note);
         CREATE TABLE order_lines (order_id, line_no, sku_id, sku_code, title, qty, unit_price_minor, requires_shipping);
         CREATE TABLE order_search (order_id, words);
         CREATE TABLE events (id INTEGER PRIMARY KEY, at_ms, station, operator, kind, subject, details);",
    )?;
    let started = Instant::now();
    for chunk in orders.chunks(batch.max(1)) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut order_stmt = tx.prepare_cached(
                "INSERT INTO orders (channel, external_id, channel_ref, status, priority, created_at, updated_at, ship_by,
                    customer_name, address1, address2, city, region, postcode, country, phone, email, service,
                    financial_status, total_minor, currency, note)
                 VALUES (?1, ?2, ?3, 'new', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
            )?;
            let mut line_stmt = tx.prepare_cached(
                "INSERT INTO order_lines (order_id, line_no, sku_id, sku_code, title, qty, unit_price_minor, requires_shipping)
                 VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, ?7)",
            )?;
            let mut words_stmt = tx.prepare_cached("INSERT INTO order_search (order_id, words) VALUES (?1, ?2)")?;
            let mut event_stmt = tx.prepare_cached(
                "INSERT INTO events (at_ms, station, operator, kind, subject, details) VALUES (?1, 'bench', 'system', 'order_imported', ?2, ?3)",
            )?;
            for o in chunk {
                let a = &o.address;
                order_stmt.execute(params![
                    o.channel,
                    o.external_id,
                    o.channel_ref,
                    o.priority,
                    o.created_at.timestamp(),
                    o.updated_at.timestamp(),
                    o.ship_by.timestamp(),
                    a.name,
                    a.address1,
                    a.address2,
                    a.city,
                    a.region,
                    a.postcode,
                    a.country,
                    a.phone,
                    a.email,
                    o.service,
                    o.financial_status,
                    o.total_minor,
                    o.currency,
                    o.note
                ])?;
                let id = tx.last_insert_rowid();
                for (no, line) in o.lines.iter().enumerate() {
                    line_stmt.execute(params![
                        id,
                        no as i64 + 1,
                        line.sku,
                        line.title,
                        line.qty,
                        line.unit_price_minor,
                        line.requires_shipping
                    ])?;
                }
                words_stmt.execute(params![id, search_words(&a.name, &o.channel_ref)])?;
                let details = format!("{} {} from {}", o.channel_ref, o.external_id, o.channel);
                event_stmt.execute(params![o.created_at.timestamp_millis(), format!("order:{id}"), details])?;
            }
        }
        tx.commit()?;
    }
    Ok(started.elapsed())
}
