//! Channels, SKUs with their GTINs, bins and operators.

use rusqlite::{OptionalExtension, params};

use super::{Result, Store, StoreError, events, now_ms};
use crate::domain::{Actor, Bin, NewSku, Operator};

impl Store {
    /// Registers a sales channel (`kind`: rest, file or manual).
    pub fn add_channel(&mut self, actor: &Actor, code: &str, name: &str, kind: &str) -> Result<i64> {
        self.write(|tx| {
            tx.execute("INSERT INTO channels (code, name, kind) VALUES (?1, ?2, ?3)", params![code, name, kind])?;
            let id = tx.last_insert_rowid();
            events::append(tx, now_ms(), actor, "channel_added", &format!("channel:{code}"), name)?;
            Ok(id)
        })
    }

    /// Adds SKUs and their GTINs in one transaction.
    pub fn add_skus(&mut self, actor: &Actor, skus: &[NewSku]) -> Result<()> {
        self.write(|tx| {
            let mut sku_stmt = tx.prepare_cached(
                "INSERT INTO skus (code, title, length_mm, width_mm, height_mm, weight_g, lot_tracked,
                    expiry_tracked, serial_tracked, hs_code, origin_country, customs_value_minor)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            let mut gtin_stmt = tx.prepare_cached("INSERT INTO gtins (gtin, sku_id) VALUES (?1, ?2)")?;
            let at = now_ms();
            for sku in skus {
                sku_stmt.execute(params![
                    sku.code,
                    crate::domain::text::sanitize(&sku.title),
                    sku.length_mm,
                    sku.width_mm,
                    sku.height_mm,
                    sku.weight_g,
                    sku.lot_tracked,
                    sku.expiry_tracked,
                    sku.serial_tracked,
                    sku.hs_code,
                    sku.origin_country,
                    sku.customs_value_minor,
                ])?;
                let id = tx.last_insert_rowid();
                for gtin in &sku.gtins {
                    gtin_stmt.execute(params![gtin.as_str(), id]).map_err(|e| {
                        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) {
                            StoreError::Invalid(format!("GTIN {gtin} of {} already belongs to another SKU", sku.code))
                        } else {
                            e.into()
                        }
                    })?;
                }
            }
            events::append(tx, at, actor, "skus_added", "catalog", &format!("{} SKUs", skus.len()))?;
            Ok(())
        })
    }

    /// Adds bins with their ABC zones.
    pub fn add_bins(&mut self, actor: &Actor, bins: &[Bin]) -> Result<()> {
        self.write(|tx| {
            let mut stmt =
                tx.prepare_cached("INSERT INTO bins (code, aisle, bay, level, zone) VALUES (?1, ?2, ?3, ?4, ?5)")?;
            for Bin { code, zone } in bins {
                stmt.execute(params![code.to_string(), code.aisle, code.bay, code.level.to_string(), zone.as_str()])?;
            }
            events::append(tx, now_ms(), actor, "bins_added", "layout", &format!("{} bins", bins.len()))?;
            Ok(())
        })
    }

    /// Adds an operator.
    pub fn add_operator(&mut self, actor: &Actor, operator: &Operator) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO operators (badge, name, role) VALUES (?1, ?2, ?3)",
                params![operator.badge, crate::domain::text::sanitize(&operator.name), operator.role.as_str()],
            )?;
            events::append(
                tx,
                now_ms(),
                actor,
                "operator_added",
                &format!("operator:{}", operator.badge),
                operator.role.as_str(),
            )?;
            Ok(())
        })
    }

    /// The active operator with this badge, if any.
    pub fn operator(&self, badge: &str) -> Result<Option<Operator>> {
        let found = self
            .conn
            .query_row("SELECT badge, name, role FROM operators WHERE badge = ?1 AND active = 1", [badge], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
            })
            .optional()?;
        found
            .map(|(badge, name, role)| {
                let role = role.parse().map_err(StoreError::Invalid)?;
                Ok(Operator { badge, name, role })
            })
            .transpose()
    }

    /// How many SKUs, bins and orders the store holds (for summaries).
    pub fn totals(&self) -> Result<Totals> {
        let count = |sql: &str| -> Result<u64> { Ok(self.conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64) };
        Ok(Totals {
            skus: count("SELECT count(*) FROM skus")?,
            bins: count("SELECT count(*) FROM bins")?,
            orders: count("SELECT coalesce(sum(n), 0) FROM order_counts")?,
            channels: count("SELECT count(*) FROM channels")?,
            operators: count("SELECT count(*) FROM operators")?,
        })
    }
}

/// Sizes of the main tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub skus: u64,
    pub bins: u64,
    pub orders: u64,
    pub channels: u64,
    pub operators: u64,
}
