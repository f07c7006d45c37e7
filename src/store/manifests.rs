//! The end-of-day manifest: handing a carrier's packed packages over, and
//! what the manifest report lists.

use crate::store::db::params;

use super::counters::{self, Shipped};
use super::packing::set_status_at;
use super::{Result, Store, StoreError, events, now_ms};
use crate::domain::{Actor, OrderNumber, OrderStatus};

/// One package on a manifest: (order, package no, tracking, SSCC, weight g).
pub type ManifestPackage = (OrderNumber, u32, String, String, u32);

/// One package in the manifest report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestRow {
    pub carrier: String,
    /// `None`: packed, not yet handed over.
    pub manifest: Option<i64>,
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub order: OrderNumber,
    pub package_no: u32,
    pub packages: u32,
    pub service: String,
    pub tracking: String,
    pub sscc: String,
    pub weight_g: u32,
}

/// What a manifest handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestSummary {
    pub id: i64,
    pub carrier: String,
    pub packages: u32,
    pub orders: u32,
    /// Packed orders of this carrier held back: the channel cancelled them
    /// (the supervisor decides; their packages do not go out).
    pub held_back: u32,
}

impl Store {
    /// Carriers with packed packages not yet handed over, with how many.
    pub fn open_manifests(&self) -> Result<Vec<(String, u32)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.carrier, count(*) FROM shipments s JOIN orders o ON o.id = s.order_id
             WHERE s.manifest_id IS NULL AND o.status = 'packed' AND o.channel_cancelled_at IS NULL
             GROUP BY s.carrier ORDER BY s.carrier",
        )?;
        let rows = stmt.query_map((), |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_>>()
    }

    /// The end-of-day manifest: hands every packed package of `carrier` not
    /// yet on a manifest over, and marks those orders shipped (their
    /// `shipped_at`, and the dashboard's counters), in one transaction. Orders the channel cancelled after they were packed stay
    /// behind (counted in `held_back`). Nothing to hand over is an error,
    /// not an empty manifest.
    pub fn close_manifest(&mut self, actor: &Actor, carrier: &str) -> Result<ManifestSummary> {
        self.write(|tx| {
            let at = now_ms();
            let orders: Vec<i64> = tx
                .prepare_cached(
                    "SELECT DISTINCT s.order_id FROM shipments s JOIN orders o ON o.id = s.order_id
                     WHERE s.carrier = ?1 AND s.manifest_id IS NULL AND o.status = 'packed'
                       AND o.channel_cancelled_at IS NULL ORDER BY s.order_id",
                )?
                .query_map([carrier], |r| r.get(0))?
                .collect::<Result<_>>()?;
            let held_back: u32 = tx
                .prepare_cached(
                    "SELECT count(DISTINCT s.order_id) FROM shipments s JOIN orders o ON o.id = s.order_id
                     WHERE s.carrier = ?1 AND s.manifest_id IS NULL AND o.status = 'packed'
                       AND o.channel_cancelled_at IS NOT NULL",
                )?
                .query_row([carrier], |r| r.get(0))?;
            if orders.is_empty() {
                return Err(StoreError::Invalid(format!("no packed {carrier} packages are waiting for a manifest")));
            }
            let id = tx.insert_row(
                "INSERT INTO manifests (carrier, closed_at, closed_by) VALUES (?1, ?2, ?3)",
                params![carrier, at / 1000, actor.operator],
            )?;
            let mut packages = 0;
            for order in &orders {
                packages += tx.execute(
                    "UPDATE shipments SET manifest_id = ?2 WHERE order_id = ?1 AND manifest_id IS NULL",
                    params![order, id],
                )? as u32;
                let details = format!("manifest {id} ({carrier})");
                let moved = (OrderStatus::Packed, OrderStatus::Shipped);
                set_status_at(tx, actor, OrderNumber(*order), moved, &details, at)?;
            }
            counters::mark_shipped(tx, &Shipped::Manifest(id), at / 1000)?;
            let details = format!("{packages} packages of {} orders handed to {carrier}", orders.len());
            events::append(tx, at, actor, "manifest_closed", &format!("manifest:{id}"), &details)?;
            Ok(ManifestSummary { id, carrier: carrier.to_owned(), packages, orders: orders.len() as u32, held_back })
        })
    }

    /// A manifest's packages: (order, package no, tracking, SSCC, weight g).
    pub fn manifest_packages(&self, id: i64) -> Result<Vec<ManifestPackage>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT order_id, package_no, tracking, sscc, coalesce(measured_g, weight_g) FROM shipments
             WHERE manifest_id = ?1 ORDER BY order_id, package_no",
        )?;
        let rows =
            stmt.query_map([id], |r| Ok((OrderNumber(r.get(0)?), r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
        rows.collect::<Result<_>>()
    }

    /// Packages for the manifest report: those not yet handed over (packed
    /// orders) and those on manifests closed since `since`, by carrier,
    /// manifest (open first) and order.
    pub fn manifest_report(&self, since: chrono::DateTime<chrono::Utc>) -> Result<Vec<ManifestRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.carrier, s.manifest_id, m.closed_at, s.order_id, s.package_no, s.packages, s.service, s.tracking,
                    s.sscc, coalesce(s.measured_g, s.weight_g)
             FROM shipments s JOIN orders o ON o.id = s.order_id LEFT JOIN manifests m ON m.id = s.manifest_id
             WHERE (s.manifest_id IS NULL AND o.status = 'packed') OR m.closed_at >= ?1
             ORDER BY s.carrier, s.manifest_id IS NOT NULL, s.manifest_id, s.order_id, s.package_no",
        )?;
        let rows = stmt.query_map([since.timestamp()], |r| {
            Ok(ManifestRow {
                carrier: r.get(0)?,
                manifest: r.get(1)?,
                closed_at: r.get::<_, Option<i64>>(2)?.and_then(|t| chrono::DateTime::from_timestamp(t, 0)),
                order: OrderNumber(r.get(3)?),
                package_no: r.get(4)?,
                packages: r.get(5)?,
                service: r.get(6)?,
                tracking: r.get(7)?,
                sscc: r.get(8)?,
                weight_g: r.get(9)?,
            })
        })?;
        rows.collect::<Result<_>>()
    }
}
