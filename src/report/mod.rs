//! `packline report NAME --format table|json|csv` (DESIGN section 2): each
//! report builds a [`Report`] (named columns, rows of plain values, a few
//! facts about the whole) and one set of writers prints any report as an
//! aligned terminal table, one JSON object, or CSV with a header. Today
//! `slotting`, `manifest`, `returns`, `orders`, `audit`, `inventory`, `kpis` and
//! `operators`; `waves` comes with its issue.
//!
//! An edge like `cli`: reports read the store and call `planning`.

pub mod audit;
pub mod inbound;
pub mod inventory;
pub mod kpis;
pub mod manifest;
pub mod operators;
pub mod orders;
pub mod returns;
pub mod slotting;

use std::io::{self, Write};
use std::path::Path;

use serde::ser::{Serialize, SerializeMap, Serializer};
use unicode_width::UnicodeWidthStr;

use crate::config::Loaded;
use crate::errors::{Error, Result};
use crate::store::Store;

/// The reports that exist (clap lists them and refuses any other name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportName {
    /// Stock whose bin zone does not match its SKU's ABC class, with a move.
    Slotting,
    /// Packages waiting for the carrier, and today's handed-over manifests.
    Manifest,
    /// RMAs open or closed in the last 30 days with their refunds, and return rates.
    Returns,
    /// Open orders as the console's queue lists them (--status, --channel, --late, --limit).
    Orders,
    /// The audit trail, newest first (--since, --kind, --subject, --operator, --limit).
    Audit,
    /// Stock health per SKU: reorder points, days of cover, stockouts, slow movers, turnover.
    Inventory,
    /// The dashboard's figures: open and late orders, shipped today, units per hour, cycle
    /// time p50/p90, on-time rate, picking accuracy, returns rate (today and the KPI window).
    Kpis,
    /// Today's work per operator: picks and packs per hour, shorts, scan error rate.
    Operators,
    /// SKUs at or below their reorder point, with what to order less what open deliveries bring.
    Replenishment,
}

/// Rows a list report (`orders`, `audit`) prints without `--limit`.
pub const DEFAULT_LIMIT: usize = 1_000;

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal, with a summary line.
    #[default]
    Table,
    /// One JSON object: `{"report": NAME, facts..., "rows": [{column: value}]}`.
    Json,
    /// A header row, then one row per line (RFC 4180 quoting).
    Csv,
}

/// One cell (or one fact about the whole report).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Count(u64),
    /// A share (0.25 is 25%): `25.0%` in a table, the percent to one decimal in JSON and CSV.
    Percent(f64),
    /// A rate or average: one decimal everywhere.
    Decimal(f64),
    /// Nothing: JSON `null`, an empty CSV field, `-` in a table.
    Null,
}

impl Value {
    /// Text, or `Null` when there is none.
    pub fn text_or_null(text: Option<impl ToString>) -> Self {
        text.map_or(Self::Null, |t| Self::Text(t.to_string()))
    }

    /// As a table shows it (counts with thousands separators; never a
    /// control character or escape sequence, whatever the text holds).
    fn shown(&self) -> String {
        match self {
            Self::Text(text) => crate::domain::text::sanitize(text).into_owned(),
            Self::Count(n) => crate::widgets::format::count(*n),
            Self::Percent(share) => format!("{:.1}%", share * 100.0),
            Self::Decimal(x) => format!("{x:.1}"),
            Self::Null => "-".to_owned(),
        }
    }

    /// A share, or `Null` when there is none.
    #[must_use]
    pub fn percent_or_null(share: Option<f64>) -> Self {
        share.map_or(Self::Null, Self::Percent)
    }

    /// One decimal of `x` (JSON and CSV carry the rounded value, as the table shows it).
    fn rounded(x: f64) -> f64 {
        (x * 10.0).round() / 10.0
    }

    /// As a CSV field holds it.
    fn field(&self) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Count(n) => n.to_string(),
            Self::Percent(share) => format!("{:.1}", share * 100.0),
            Self::Decimal(x) => format!("{x:.1}"),
            Self::Null => String::new(),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(text) => serializer.serialize_str(text),
            Self::Count(n) => serializer.serialize_u64(*n),
            Self::Percent(share) => serializer.serialize_f64(Self::rounded(share * 100.0)),
            Self::Decimal(x) => serializer.serialize_f64(Self::rounded(*x)),
            Self::Null => serializer.serialize_none(),
        }
    }
}

/// A column: its key in JSON and CSV, its heading in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub heading: &'static str,
    /// Right-aligned in a table (numbers).
    pub right: bool,
}

impl Column {
    #[must_use]
    pub const fn left(key: &'static str, heading: &'static str) -> Self {
        Self { key, heading, right: false }
    }

    #[must_use]
    pub const fn right(key: &'static str, heading: &'static str) -> Self {
        Self { key, heading, right: true }
    }
}

/// A report ready to print in any format.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Its name on the command line (`"slotting"`), the JSON `report` field.
    pub name: &'static str,
    /// Facts about the whole report: JSON fields between `report` and `rows`.
    pub facts: Vec<(&'static str, Value)>,
    /// The table's first line, a summary for people.
    pub summary: String,
    /// What the table says instead of an empty table.
    pub empty: String,
    pub columns: Vec<Column>,
    /// One value per column in each row.
    pub rows: Vec<Vec<Value>>,
}

impl Report {
    /// Prints the report in `format`.
    pub fn write(&self, format: Format, out: &mut impl Write) -> io::Result<()> {
        match format {
            Format::Table => self.write_table(out),
            Format::Json => {
                serde_json::to_writer(&mut *out, self)?;
                writeln!(out)
            }
            Format::Csv => self.write_csv(out),
        }
    }

    /// The summary, a blank line, then columns two spaces apart, each as wide
    /// as its widest cell in terminal columns (so accents and wide characters
    /// line up); the last column is not padded, so no line ends in spaces.
    fn write_table(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "{}", crate::domain::text::sanitize(&self.summary))?;
        if self.rows.is_empty() {
            return writeln!(out, "{}", self.empty);
        }
        writeln!(out)?;
        let cells: Vec<Vec<String>> = self.rows.iter().map(|row| row.iter().map(Value::shown).collect()).collect();
        let widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, column)| {
                cells.iter().filter_map(|row| row.get(i)).map(|c| c.width()).chain([column.heading.width()]).max()
            })
            .map(Option::unwrap_or_default)
            .collect();
        let headings: Vec<String> = self.columns.iter().map(|c| c.heading.to_owned()).collect();
        for row in std::iter::once(&headings).chain(&cells) {
            let mut line = String::new();
            for (i, (column, cell)) in self.columns.iter().zip(row).enumerate() {
                let pad = " ".repeat(widths[i].saturating_sub(cell.width()));
                if i > 0 {
                    line.push_str("  ");
                }
                if column.right {
                    line.push_str(&pad);
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    if i + 1 < self.columns.len() {
                        line.push_str(&pad);
                    }
                }
            }
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }

    fn write_csv(&self, out: &mut impl Write) -> io::Result<()> {
        // csv's own conversion makes every error `Other`; a closed pipe must stay one.
        let io_error = |e: csv::Error| match e.into_kind() {
            csv::ErrorKind::Io(e) => e,
            other => io::Error::other(format!("{other:?}")),
        };
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(self.columns.iter().map(|c| c.key)).map_err(io_error)?;
        for row in &self.rows {
            csv.write_record(row.iter().map(Value::field)).map_err(io_error)?;
        }
        csv.flush()
    }
}

/// `{"report": name, facts..., "rows": [{key: value, ...}]}`, keys in column order.
impl Serialize for Report {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Row<'a>(&'a [Column], &'a [Value]);
        impl Serialize for Row<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(self.0.len()))?;
                for (column, value) in self.0.iter().zip(self.1) {
                    map.serialize_entry(column.key, value)?;
                }
                map.end()
            }
        }
        struct Rows<'a>(&'a Report);
        impl Serialize for Rows<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.rows.iter().map(|row| Row(&self.0.columns, row)))
            }
        }
        let mut map = serializer.serialize_map(Some(self.facts.len() + 2))?;
        map.serialize_entry("report", self.name)?;
        for (key, value) in &self.facts {
            map.serialize_entry(key, value)?;
        }
        map.serialize_entry("rows", &Rows(self))?;
        map.end()
    }
}

/// `packline report`: reads the store at `db` (or the configured one, which
/// must exist: a report never creates a store) and prints the report
/// `args` names, with its filters (`cli::ReportArgs`).
pub fn run(db: Option<&Path>, loaded: &Loaded, args: &crate::cli::ReportArgs) -> Result<()> {
    let layout = crate::cli::layout(loaded)?;
    let path = loaded.config.store_path(db)?;
    let remote = path.to_str().is_some_and(crate::store::is_postgres_url);
    if !remote && !path.exists() {
        return Err(Error::Other(format!(
            "there is no store at {}; point --db at a packline store, or make one with `packline demo`",
            path.display()
        )));
    }
    let store = Store::open(&path)?;
    let report = match args.name {
        ReportName::Slotting => slotting::build(&store, &layout, loaded.config.abc.window_days, chrono::Utc::now())?,
        ReportName::Manifest => manifest::build(&store, chrono::Utc::now())?,
        ReportName::Returns => returns::build(&store, chrono::Utc::now())?,
        ReportName::Orders => {
            let filters = orders::Filters {
                status: args.status,
                channel: args.channel.clone(),
                late: args.late,
                limit: args.limit.unwrap_or(DEFAULT_LIMIT),
            };
            orders::build(&store, &filters, chrono::Utc::now())?
        }
        ReportName::Audit => {
            let filters = audit::Filters {
                since: args.since,
                kind: args.kind.clone(),
                subject: args.subject.clone(),
                operator: args.operator.clone(),
                limit: args.limit.unwrap_or(DEFAULT_LIMIT),
            };
            audit::build(&store, &filters, chrono::Utc::now())?
        }
        ReportName::Inventory => {
            let config = &loaded.config;
            inventory::build(&store, &layout, config.abc.window_days, &config.inventory, chrono::Utc::now())?
        }
        ReportName::Kpis => kpis::build(&dashboard(&store, loaded, chrono::Utc::now())?),
        ReportName::Operators => operators::build(&dashboard(&store, loaded, chrono::Utc::now())?),
        ReportName::Replenishment => {
            let config = &loaded.config;
            inbound::build(&store, &config.inventory, config.abc.window_days, chrono::Utc::now().date_naive())?
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    match report.write(args.format, &mut out).and_then(|()| out.flush()) {
        // `packline report slotting | head`: the reader has all it wanted.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        result => result.map_err(Error::io("cannot write the report")),
    }
}

/// The dashboard at `now`, as the console's F7 builds it.
pub fn dashboard(
    store: &Store,
    loaded: &Loaded,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<crate::domain::dashboard::Dashboard> {
    let config = &loaded.config;
    let request = config.dashboard.request(now, config.waves.cutoff, &config.inventory);
    let facts = store.dashboard_facts(&mut crate::store::DashboardCache::default(), &request)?;
    Ok(crate::planning::dashboard::build(&facts, &config.inventory, &config.dashboard))
}

#[cfg(test)]
mod tests;
