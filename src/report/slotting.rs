//! `packline report slotting`: stock whose bin zone does not match its SKU's
//! ABC class (`planning::abc`), most urgent first, each with a suggested bin.

use chrono::{DateTime, Duration, Utc};

use super::{Column, Report, Value};
use crate::domain::{Layout, Zone};
use crate::planning::abc::{self, Placement};
use crate::store::{self, Store};
use crate::widgets::format::count;

/// The report's columns, in JSON, CSV and table order.
pub const COLUMNS: [Column; 8] = [
    Column::left("sku", "SKU"),
    Column::left("class", "CLASS"),
    Column::right("units_shipped", "SHIPPED"),
    Column::left("bin", "BIN"),
    Column::left("zone", "ZONE"),
    Column::right("on_hand", "ON HAND"),
    Column::left("suggested_bin", "MOVE TO"),
    Column::left("note", "NOTE"),
];

/// Classes the store's SKUs by units shipped in the `window_days` before
/// `now` and lists the misplaced stock; `layout` gives the distances that
/// decide which free bin is nearest.
pub fn build(store: &Store, layout: &Layout, window_days: u32, now: DateTime<Utc>) -> store::Result<Report> {
    let since = now - Duration::days(i64::from(window_days));
    let inputs = store.slotting_inputs(since)?;
    let classes = abc::classify(&inputs.units);
    let placements: Vec<Placement> =
        inputs.placements.into_iter().map(|p| Placement { sku: p.sku, bin: p.bin, on_hand: p.on_hand }).collect();
    let suggestions = abc::slotting(&classes, &placements, &inputs.free_bins, layout);

    let of_class = |zone: Zone| classes.iter().filter(|c| c.class == zone).count() as u64;
    let moves = suggestions.iter().filter(|s| s.suggested_bin().is_some()).count() as u64;
    let summary = format!(
        "Slotting: {} of {} stock placements sit outside their SKU's zone; {} have a bin to move to.\n\
         Classes by units shipped since {} ({window_days} days): {} A, {} B, {} C. Free bins: {}.",
        count(suggestions.len() as u64),
        count(placements.len() as u64),
        count(moves),
        since.format("%Y-%m-%d"),
        count(of_class(Zone::A)),
        count(of_class(Zone::B)),
        count(of_class(Zone::C)),
        count(inputs.free_bins.len() as u64),
    );
    let rows = suggestions
        .iter()
        .map(|s| {
            vec![
                Value::Text(s.sku.clone()),
                Value::Text(s.class.as_str().to_owned()),
                Value::Count(s.units),
                Value::Text(s.bin.code.to_string()),
                Value::Text(s.bin.zone.as_str().to_owned()),
                Value::Count(s.on_hand),
                Value::text_or_null(s.suggested_bin()),
                Value::Text(s.note()),
            ]
        })
        .collect();
    Ok(Report {
        name: "slotting",
        facts: vec![
            ("window_days", Value::Count(u64::from(window_days))),
            ("since", Value::Text(since.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))),
        ],
        summary,
        empty: "Nothing to move: all stock sits in its SKU's zone.".to_owned(),
        columns: COLUMNS.to_vec(),
        rows,
    })
}
