//! Channels, SKUs with their GTINs, bins and operators.

use crate::store::db::{OptionalExt, params};

use super::{Result, Store, StoreError, events, now_ms};
use std::collections::HashMap;

use crate::domain::sku::SkuFacts;
use crate::domain::{Actor, Bin, NewSku, Operator};

impl Store {
    /// Registers a sales channel (`kind`: rest, file or manual).
    pub fn add_channel(&mut self, actor: &Actor, code: &str, name: &str, kind: &str) -> Result<i64> {
        self.write(|tx| {
            let id = tx
                .insert_row("INSERT INTO channels (code, name, kind) VALUES (?1, ?2, ?3)", params![code, name, kind])?;
            events::append(tx, now_ms(), actor, "channel_added", &format!("channel:{code}"), name)?;
            Ok(id)
        })
    }

    /// Registers a channel unless one with this code exists; returns whether it was added.
    pub fn ensure_channel(&mut self, actor: &Actor, code: &str, name: &str, kind: &str) -> Result<bool> {
        self.write(|tx| {
            let added = tx.execute(
                "INSERT INTO channels (code, name, kind) VALUES (?1, ?2, ?3) ON CONFLICT (code) DO NOTHING",
                params![code, name, kind],
            )?;
            if added > 0 {
                events::append(tx, now_ms(), actor, "channel_added", &format!("channel:{code}"), name)?;
            }
            Ok(added > 0)
        })
    }

    /// Registers a channel as the config describes it: added if new, its
    /// name and kind brought up to date (audited) if the config changed them.
    pub fn configure_channel(&mut self, actor: &Actor, code: &str, name: &str, kind: &str) -> Result<()> {
        self.write(|tx| {
            let stored: Option<(String, String)> = tx
                .query_row("SELECT name, kind FROM channels WHERE code = ?1", [code], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let subject = format!("channel:{code}");
            match stored {
                None => {
                    tx.execute(
                        "INSERT INTO channels (code, name, kind) VALUES (?1, ?2, ?3)",
                        params![code, name, kind],
                    )?;
                    events::append(tx, now_ms(), actor, "channel_added", &subject, name)?;
                }
                Some((old_name, old_kind)) if old_name != name || old_kind != kind => {
                    tx.execute("UPDATE channels SET name = ?2, kind = ?3 WHERE code = ?1", params![code, name, kind])?;
                    let details = format!("{old_name} ({old_kind}) -> {name} ({kind})");
                    events::append(tx, now_ms(), actor, "channel_configured", &subject, &details)?;
                }
                Some(_) => {}
            }
            Ok(())
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
                let id = sku_stmt
                    .insert(params![
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
                    ])?
                    .ok_or_else(|| StoreError::Invalid(format!("SKU {} was not added", sku.code)))?;
                for gtin in &sku.gtins {
                    gtin_stmt.execute(params![gtin.as_str(), id]).map_err(|e| {
                        if e.is_constraint_violation() {
                            StoreError::Invalid(format!("GTIN {gtin} of {} already belongs to another SKU", sku.code))
                        } else {
                            e
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

    /// Sets (or replaces) an operator's PIN, stored as an Argon2 hash.
    pub fn set_pin(&mut self, actor: &Actor, badge: &str, pin: &str) -> Result<()> {
        use argon2::password_hash::{PasswordHasher, SaltString};
        if pin.len() < 4 || pin.len() > 12 || !pin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(StoreError::Invalid("a PIN is 4 to 12 digits".into()));
        }
        // rand's thread generator is a CSPRNG seeded from the OS.
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
            .map_err(|e| StoreError::Invalid(format!("cannot make a salt: {e}")))?;
        let hash = argon2::Argon2::default()
            .hash_password(pin.as_bytes(), &salt)
            .map_err(|e| StoreError::Invalid(format!("cannot hash the PIN: {e}")))?
            .to_string();
        self.write(|tx| {
            let changed = tx.execute("UPDATE operators SET pin_hash = ?2 WHERE badge = ?1", params![badge, hash])?;
            if changed == 0 {
                return Err(StoreError::Invalid(format!("no operator has badge {badge}")));
            }
            events::append(tx, now_ms(), actor, "pin_set", &format!("operator:{badge}"), "")?;
            Ok(())
        })
    }

    /// Whether `pin` is the operator's PIN (false when none is set).
    pub fn verify_pin(&self, badge: &str, pin: &str) -> Result<bool> {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        let stored: Option<String> = self
            .conn
            .query_row("SELECT pin_hash FROM operators WHERE badge = ?1 AND active = 1", [badge], |r| r.get(0))
            .optional()?
            .flatten();
        let Some(stored) = stored else { return Ok(false) };
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| StoreError::Invalid(format!("stored PIN of {badge} is unreadable: {e}")))?;
        Ok(argon2::Argon2::default().verify_password(pin.as_bytes(), &parsed).is_ok())
    }

    /// Records a sign-in, sign-out or refused sign-in in the audit trail.
    pub fn record_session(&mut self, actor: &Actor, kind: SessionEvent, badge: &str, details: &str) -> Result<()> {
        self.write(|tx| {
            let subject = format!("operator:{}", crate::domain::text::sanitize(badge));
            events::append(tx, now_ms(), actor, kind.as_str(), &subject, &crate::domain::text::sanitize(details))?;
            Ok(())
        })
    }

    /// The newest `limit` audit events about an operator (sign-ins, PINs).
    pub fn operator_events(&self, badge: &str, limit: usize) -> Result<Vec<crate::domain::queue::EventRecord>> {
        events::for_subject(&self.conn, &format!("operator:{badge}"), limit)
    }

    /// Validation facts of the SKUs among `codes` that the catalogue knows.
    pub fn sku_facts(&self, codes: &[&str]) -> Result<HashMap<String, SkuFacts>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, hs_code IS NOT NULL AND origin_country IS NOT NULL AND customs_value_minor IS NOT NULL
             FROM skus WHERE code = ?1",
        )?;
        let mut facts = HashMap::with_capacity(codes.len());
        for code in codes {
            let found = stmt.query_row([code], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?))).optional()?;
            if let Some((code, customs_complete)) = found {
                facts.insert(code, SkuFacts { customs_complete });
            }
        }
        Ok(facts)
    }

    /// Every SKU code in the catalogue, in code order (the channel simulator's line items).
    pub fn sku_codes(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached("SELECT code FROM skus ORDER BY code")?;
        let codes = stmt.query_map((), |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>>>()?;
        Ok(codes)
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
        let count = |sql: &str| -> Result<u64> { Ok(self.conn.query_row(sql, (), |r| r.get::<_, i64>(0))? as u64) };
        Ok(Totals {
            skus: count("SELECT count(*) FROM skus")?,
            bins: count("SELECT count(*) FROM bins")?,
            orders: count("SELECT coalesce(sum(n), 0) FROM order_counts")?,
            channels: count("SELECT count(*) FROM channels")?,
            operators: count("SELECT count(*) FROM operators")?,
        })
    }
}

/// What happened to a session, for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEvent {
    SignIn,
    SignOut,
    SignInRefused,
}

impl SessionEvent {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::SignOut => "sign_out",
            Self::SignInRefused => "sign_in_refused",
        }
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
