//! Waves: ready orders grouped for one picker's cart, each order in its own
//! tote, and the pick list the picker walks.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};

use super::{BinCode, OrderNumber, Zone};

/// A wave's number, printed and scanned as `WAVE-000007`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WaveNumber(pub i64);

impl fmt::Display for WaveNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WAVE-{:06}", self.0)
    }
}

/// Where a wave is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WaveStatus {
    /// Planned by a supervisor, not yet on the floor.
    Planned,
    /// On the floor, waiting for a picker.
    Released,
    /// A picker has started it.
    Picking,
    /// Every task is picked or settled.
    Picked,
    Cancelled,
}

impl WaveStatus {
    pub const ALL: [WaveStatus; 5] = [Self::Planned, Self::Released, Self::Picking, Self::Picked, Self::Cancelled];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Released => "released",
            Self::Picking => "picking",
            Self::Picked => "picked",
            Self::Cancelled => "cancelled",
        }
    }

    /// Still work for the floor.
    #[must_use]
    pub const fn is_active(self) -> bool {
        matches!(self, Self::Planned | Self::Released | Self::Picking)
    }
}

impl fmt::Display for WaveStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WaveStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|w| w.as_str() == s).ok_or_else(|| format!("unknown wave status {s:?}"))
    }
}

/// The station working a wave, and until when (renewed by a heartbeat).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub station: String,
    pub operator: String,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl Lease {
    #[must_use]
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.until <= now
    }
}

/// One line of the waves screen.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveSummary {
    pub number: WaveNumber,
    pub status: WaveStatus,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub orders: u32,
    pub lines: u32,
    pub units: u32,
    /// Units picked so far (settled short units count as done for progress).
    pub done_units: u32,
    pub route_m: f64,
    pub baseline_m: f64,
    pub lease: Option<Lease>,
}

/// A ready order a wave could take: its urgency and where its units wait.
#[derive(Debug, Clone, PartialEq)]
pub struct WaveCandidate {
    pub number: OrderNumber,
    pub priority: i64,
    pub ship_by: DateTime<Utc>,
    pub carrier_service: String,
    pub units: u32,
    pub lines: u32,
    /// The bins its reserved units are in (each once).
    pub bins: Vec<BinCode>,
}

/// A wave as planned, before it is stored.
#[derive(Debug, Clone, PartialEq)]
pub struct WavePlan {
    /// The orders, most urgent first.
    pub orders: Vec<OrderNumber>,
    /// Every bin of the wave in walk order.
    pub walk: Vec<BinCode>,
    pub route_m: f64,
    /// The same orders under first-come batching with S-shape routing.
    pub baseline_m: f64,
    pub lines: u32,
    pub units: u32,
}

/// What the picker puts into one tote at a stop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToteShare {
    pub tote: String,
    pub order: OrderNumber,
    pub qty: u32,
    pub picked: u32,
}

/// How a stop stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopState {
    Open,
    Done,
    /// Not found: moved to another bin or left short.
    Short,
}

/// One stop of a pick list: a SKU (and lot) in a bin, for one or more totes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickStop {
    /// Position in walk order (1 is the first stop).
    pub seq: u32,
    pub stock_id: i64,
    pub bin: BinCode,
    pub zone: Zone,
    pub sku: String,
    pub title: String,
    pub lot: Option<String>,
    pub expires_on: Option<NaiveDate>,
    pub shares: Vec<ToteShare>,
    pub state: StopState,
}

impl PickStop {
    #[must_use]
    pub fn qty(&self) -> u32 {
        self.shares.iter().map(|s| s.qty).sum()
    }

    #[must_use]
    pub fn picked(&self) -> u32 {
        self.shares.iter().map(|s| s.picked).sum()
    }

    /// The first tote still waiting for units here.
    #[must_use]
    pub fn next_share(&self) -> Option<&ToteShare> {
        self.shares.iter().find(|s| s.picked < s.qty)
    }
}

/// A wave's pick list, stops in walk order.
#[derive(Debug, Clone, PartialEq)]
pub struct PickList {
    pub wave: WaveSummary,
    pub stops: Vec<PickStop>,
}

impl PickList {
    /// The next stop to work, in walk order.
    #[must_use]
    pub fn next_stop(&self) -> Option<&PickStop> {
        self.stops.iter().find(|s| s.state == StopState::Open)
    }

    /// The stops grouped by zone (A, then B, then C), each group in walk order.
    #[must_use]
    pub fn by_zone(&self) -> Vec<&PickStop> {
        let mut stops: Vec<&PickStop> = self.stops.iter().collect();
        stops.sort_by_key(|s| (s.zone, s.seq));
        stops
    }
}

/// Why a picker could not pick what the list asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShortReason {
    Stockout,
    Damaged,
    CannotFind,
    WrongItem,
}

impl ShortReason {
    pub const ALL: [ShortReason; 4] = [Self::Stockout, Self::Damaged, Self::CannotFind, Self::WrongItem];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Stockout => "stockout",
            Self::Damaged => "damaged",
            Self::CannotFind => "cannot_find",
            Self::WrongItem => "wrong_item",
        }
    }

    /// What the picker reads: `stockout`, `damaged`...
    #[must_use]
    pub const fn label(self) -> &'static str {
        match self {
            Self::Stockout => "bin empty",
            Self::Damaged => "damaged",
            Self::CannotFind => "cannot find",
            Self::WrongItem => "wrong item in bin",
        }
    }
}

impl fmt::Display for ShortReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a short pick led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortOutcome {
    /// Bins the missing units were found in instead (new stops of the wave).
    pub moved_to: Vec<BinCode>,
    /// Orders left short for the supervisor.
    pub short_orders: Vec<OrderNumber>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_statuses_read_well() {
        assert_eq!(WaveNumber(7).to_string(), "WAVE-000007");
        for status in WaveStatus::ALL {
            assert_eq!(status.as_str().parse::<WaveStatus>(), Ok(status));
        }
        assert!("gone".parse::<WaveStatus>().is_err());
        assert!(WaveStatus::Picking.is_active() && !WaveStatus::Picked.is_active());
    }

    fn stop(seq: u32, zone: Zone, qty: u32, picked: u32) -> PickStop {
        PickStop {
            seq,
            stock_id: i64::from(seq),
            bin: BinCode::new(1, u16::try_from(seq).unwrap(), 'A').unwrap(),
            zone,
            sku: format!("SKU-{seq}"),
            title: String::new(),
            lot: None,
            expires_on: None,
            shares: vec![ToteShare { tote: "T0001".into(), order: OrderNumber(1), qty, picked }],
            state: if picked == qty { StopState::Done } else { StopState::Open },
        }
    }

    #[test]
    fn lists_group_by_zone_in_walk_order_and_find_the_next_stop() {
        let wave = WaveSummary {
            number: WaveNumber(1),
            status: WaveStatus::Picking,
            created_at: DateTime::default(),
            created_by: String::new(),
            orders: 1,
            lines: 4,
            units: 8,
            done_units: 2,
            route_m: 0.0,
            baseline_m: 0.0,
            lease: None,
        };
        let list = PickList {
            wave,
            stops: vec![stop(1, Zone::C, 2, 2), stop(2, Zone::A, 2, 0), stop(3, Zone::B, 2, 0), stop(4, Zone::A, 2, 0)],
        };
        let grouped: Vec<u32> = list.by_zone().iter().map(|s| s.seq).collect();
        assert_eq!(grouped, [2, 4, 3, 1]);
        assert_eq!(list.next_stop().map(|s| s.seq), Some(2));
    }
}
