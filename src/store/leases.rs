//! Leases: a wave being picked belongs to one station at a time, renewed by
//! a heartbeat, released when it expires, taken over by a supervisor.

use crate::store::db::{Db, OptionalExt, params};
use chrono::{DateTime, Utc};

use super::waves::{wave_status, wave_subject};
use super::{Result, Store, StoreError, events, now_ms};
use crate::domain::wave::Lease;
use crate::domain::{Actor, WaveNumber, WaveStatus};

impl Store {
    /// Takes a released or started wave for picking at the actor's station,
    /// leased until `lease_ms` from now. Refused while another station's
    /// lease runs, unless `take_over` (a supervisor's decision, audited).
    /// The first take starts the wave: its orders go to `picking`.
    pub fn take_wave(&mut self, actor: &Actor, wave: WaveNumber, lease_ms: i64, take_over: bool) -> Result<()> {
        self.write(|tx| {
            let status = wave_status(tx, wave)?;
            if !matches!(status, WaveStatus::Released | WaveStatus::Picking) {
                return Err(StoreError::Invalid(format!("{wave} is {status}: there is nothing to pick")));
            }
            let at = now_ms();
            let previous = lease_of(tx, wave)?;
            let changed = tx
                .prepare_cached(
                    "UPDATE waves SET status = 'picking', lease_station = ?2, lease_operator = ?3,
                         lease_since_ms = CASE WHEN lease_station = ?2 AND lease_operator = ?3 AND lease_until_ms > ?4
                                               THEN lease_since_ms ELSE ?4 END,
                         lease_until_ms = ?4 + ?5
                     WHERE id = ?1 AND status IN ('released', 'picking')
                       AND (lease_until_ms IS NULL OR lease_until_ms <= ?4
                            OR (lease_station = ?2 AND lease_operator = ?3) OR ?6 = 1)",
                )?
                .execute(params![wave.0, actor.station, actor.operator, at, lease_ms, take_over])?;
            if changed != 1 {
                // Short enough for one 80-column message line.
                let holder = previous.map_or_else(String::new, |l| {
                    format!(" by {} at {} since {}", l.operator, l.station, l.since.format("%H:%M"))
                });
                return Err(StoreError::Invalid(format!("{wave} is held{holder} (a supervisor may take it over)")));
            }
            if status == WaveStatus::Released {
                let orders: Vec<i64> = tx
                    .prepare_cached("SELECT order_id FROM wave_orders WHERE wave_id = ?1 ORDER BY order_id")?
                    .query_map([wave.0], |r| r.get(0))?
                    .collect::<Result<_>>()?;
                for id in orders {
                    if tx.execute("UPDATE orders SET status = 'picking' WHERE id = ?1 AND status = 'waved'", [id])? == 1
                    {
                        let details = format!("waved -> picking: {wave}");
                        events::append(tx, at, actor, "status_changed", &events::order_subject(id), &details)?;
                    }
                }
            }
            let (kind, details) = match previous {
                Some(l) if !l.expired(time_ms(at)) && (l.station != actor.station || l.operator != actor.operator) => {
                    ("wave_taken_over", format!("from {} at {}", l.operator, l.station))
                }
                Some(l) if l.station == actor.station && l.operator == actor.operator => return Ok(()),
                _ => ("wave_taken", format!("{status} -> picking")),
            };
            events::append(tx, at, actor, kind, &wave_subject(wave), &details)?;
            Ok(())
        })
    }

    /// Renews the actor's lease on a wave; `false` if it is no longer theirs
    /// (expired and taken by another station, or taken over).
    pub fn renew_lease(&mut self, actor: &Actor, wave: WaveNumber, lease_ms: i64) -> Result<bool> {
        self.write(|tx| {
            let at = now_ms();
            let changed = tx.execute(
                "UPDATE waves SET lease_until_ms = ?4 + ?5
                 WHERE id = ?1 AND status = 'picking' AND lease_station = ?2 AND lease_operator = ?3",
                params![wave.0, actor.station, actor.operator, at, lease_ms],
            )?;
            Ok(changed == 1)
        })
    }

    /// Gives a wave back to the floor (the picker leaves it unfinished).
    pub fn leave_wave(&mut self, actor: &Actor, wave: WaveNumber) -> Result<()> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE waves SET lease_station = NULL, lease_operator = NULL, lease_since_ms = NULL, lease_until_ms = NULL
                 WHERE id = ?1 AND lease_station = ?2 AND lease_operator = ?3",
                params![wave.0, actor.station, actor.operator],
            )?;
            if changed == 1 {
                events::append(tx, now_ms(), actor, "wave_left", &wave_subject(wave), "lease given back")?;
            }
            Ok(())
        })
    }

    /// Expired leases are released: other stations may take those waves.
    /// Returns how many were released.
    pub fn release_expired_leases(&mut self, actor: &Actor) -> Result<u64> {
        self.write(|tx| {
            let at = now_ms();
            let expired: Vec<(i64, String, String)> = tx
                .prepare_cached(
                    "SELECT id, lease_station, lease_operator FROM waves WHERE lease_until_ms IS NOT NULL AND lease_until_ms <= ?1",
                )?
                .query_map([at], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_>>()?;
            for (id, station, operator) in &expired {
                tx.execute(
                    "UPDATE waves SET lease_station = NULL, lease_operator = NULL, lease_since_ms = NULL, lease_until_ms = NULL
                     WHERE id = ?1 AND lease_until_ms <= ?2",
                    params![id, at],
                )?;
                let details = format!("lease of {operator} at {station} expired");
                events::append(tx, at, actor, "wave_lease_expired", &wave_subject(WaveNumber(*id)), &details)?;
            }
            Ok(expired.len() as u64)
        })
    }
}

pub(super) fn lease_of(conn: &Db, wave: WaveNumber) -> Result<Option<Lease>> {
    type Row = (Option<String>, Option<String>, Option<i64>, Option<i64>);
    let row: Option<Row> = conn
        .prepare_cached(
            "SELECT lease_station, lease_operator, lease_since_ms, lease_until_ms FROM waves WHERE id = ?1",
        )?
        .query_row([wave.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    Ok(match row {
        Some((Some(station), Some(operator), since, Some(until))) => {
            Some(Lease { station, operator, since: time_ms(since.unwrap_or(until)), until: time_ms(until) })
        }
        _ => None,
    })
}

fn time_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}
