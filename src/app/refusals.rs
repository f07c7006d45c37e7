//! Refused scans into the audit trail: what the pick screen and the pack
//! station refuse (wrong bin, item, lot or tote; an item of no line, one unit
//! too many, another order's item...) becomes one `scan_refused` event with
//! the operator's badge, for scan error rates. One small insert per refused
//! scan; accepted scans are not touched. A failure to record is logged and
//! never stops the operator.
//!
//! Not recorded: unreadable barcodes (refused before any screen sees them),
//! scans ignored while the pack station's red banner waits to be
//! acknowledged, and orders refused for their state (held, cancelled, not
//! picked yet): nothing was scanned wrongly there.

use super::App;
use crate::domain::OrderNumber;
use crate::domain::pack::PackRefusal;
use crate::screens::order_queue::Tone;

impl App {
    /// Writes a refused scan about `subject` to the audit trail.
    pub(super) fn record_refused_scan(&mut self, subject: &str, code: &str, why: &str) {
        let actor = self.actor();
        if let Err(e) = self.store.record_scan_refusal(&actor, subject, code, why) {
            tracing::warn!(error = %e, subject, "recording a refused scan failed");
        }
    }

    /// A scan the pick screen refused, before the screen saw it (a scan kind
    /// that does nothing there): recorded against the wave.
    pub(super) fn record_pick_refusal(&mut self, code: &str, why: &str) {
        let subject = self.pick_subject();
        self.record_refused_scan(&subject, code, why);
    }

    /// Records the pick screen's refusal of the scan it just handled, if it refused it.
    pub(super) fn record_pick_screen_refusal(&mut self, code: &str) {
        let why = self.pick.as_ref().and_then(|pick| match &pick.message {
            Some((Tone::Error, why)) => Some(why.clone()),
            _ => None,
        });
        if let Some(why) = why {
            self.record_pick_refusal(code, &why);
        }
    }

    /// A scan the pack station refused before its screen saw it: recorded
    /// against the open order, else the station.
    pub(super) fn record_pack_refusal(&mut self, code: &str, why: &str) {
        let subject = self.pack.number().map_or_else(|| format!("station:{}", self.station), order_subject);
        self.record_refused_scan(&subject, code, why);
    }

    /// Records the pack screen's refusal of the scan it just handled (a new
    /// red banner or an error), unless a banner was already up: then the
    /// scan was only ignored until the banner is acknowledged.
    pub(super) fn record_pack_screen_refusal(&mut self, had_alert: bool, code: &str) {
        if had_alert {
            return;
        }
        let why = match (&self.pack.alert, &self.pack.message) {
            (Some(why), _) | (None, Some((Tone::Error, why))) => Some(why.clone()),
            _ => None,
        };
        if let Some(why) = why {
            self.record_pack_refusal(code, &why);
        }
    }

    /// Records the store's refusal of a verified pack scan of `sku` when the
    /// item was wrong (not when the order's state forbids packing).
    pub(super) fn record_verify_refusal(&mut self, order: OrderNumber, sku: &str, refusal: &PackRefusal) {
        if !matches!(refusal, PackRefusal::NotPackable { .. } | PackRefusal::ChannelCancelled { .. }) {
            self.record_refused_scan(&order_subject(order), sku, &refusal.to_string());
        }
    }

    /// What a refused scan on the pick screen is about: its wave.
    fn pick_subject(&self) -> String {
        self.pick.as_ref().map_or_else(|| format!("station:{}", self.station), |pick| format!("wave:{}", pick.wave().0))
    }
}

/// The subject of an order's events.
fn order_subject(number: OrderNumber) -> String {
    format!("order:{}", number.0)
}
