//! `packline report`: the store reads behind the slotting report on small
//! stores built here (what counts as shipped in the window, placements, free
//! bins, the query plan), and the binary on a demo warehouse (JSON, CSV,
//! table, unknown report names, a missing store).

#![allow(clippy::unwrap_used)]

mod common;
mod pg;

use common::{bin, line, seeded as order, sku};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::{DateTime, Utc};
use packline::domain::{Actor, Bin, OrderStatus, Zone};
use packline::store::{StockPlacement, Store};
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Helpers (after tests/store.rs)
// ---------------------------------------------------------------------------

/// 2025-06-15 15:06:40 UTC; every time in these tests is relative to it.
const T0: i64 = 1_750_000_000;
const DAY: i64 = 86_400;

fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

fn actor() -> Actor {
    Actor::new("test-01", "EMP-0001")
}

/// A store in its own directory with the `shop` channel, bins 01-001-A (A),
/// 05-001-A (B), 10-001-A and 10-002-A (C), SKUs CUP, MUG and TEA.
struct Env {
    _dir: TempDir,
    store: Store,
}

impl Env {
    fn new(backend: &pg::Backend) -> Self {
        let dir = TempDir::new().unwrap();
        let mut store = Store::open(&backend.location(dir.path(), "packline.db")).unwrap();
        store.add_channel(&actor(), "shop", "Web shop", "rest").unwrap();
        let bins = [("01-001-A", Zone::A), ("05-001-A", Zone::B), ("10-001-A", Zone::C), ("10-002-A", Zone::C)];
        let bins: Vec<Bin> = bins.iter().map(|(code, zone)| Bin { code: bin(code), zone: *zone }).collect();
        store.add_bins(&actor(), &bins).unwrap();
        store.add_skus(&actor(), &[sku("TEA"), sku("MUG"), sku("CUP")]).unwrap();
        Self { _dir: dir, store }
    }
}

// ---------------------------------------------------------------------------
// 1. Store reads
// ---------------------------------------------------------------------------

fn units_shipped_count_shipped_orders_due_in_the_window(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let since = T0 - 30 * DAY;
    let mut digital = line("CUP", 100);
    digital.requires_shipping = false;
    env.store
        .seed_orders(
            &actor(),
            &[
                order("1", OrderStatus::Shipped, T0, vec![line("MUG", 2), line("TEA", 1)]),
                order("2", OrderStatus::InTransit, T0 - DAY, vec![line("MUG", 3)]),
                order("3", OrderStatus::Delivered, since, vec![line("MUG", 5)]), // on the boundary: counts
                order("4", OrderStatus::DeliveryException, T0, vec![line("TEA", 7)]),
                order("5", OrderStatus::Delivered, since - 1, vec![line("MUG", 1_000)]), // before the window
                order("6", OrderStatus::Ready, T0, vec![line("MUG", 1_000)]),            // not shipped yet
                order("7", OrderStatus::Cancelled, T0, vec![line("TEA", 1_000)]),
                order("8", OrderStatus::Shipped, T0, vec![line("GHOST", 9), digital]), // unknown SKU, no shipping
            ],
        )
        .unwrap();
    let units = env.store.units_shipped_since(at(since)).unwrap();
    let expected = [("CUP", 0), ("MUG", 10), ("TEA", 8)];
    assert_eq!(units, expected.map(|(s, n)| (s.to_owned(), n)), "every catalogue SKU, by code");
    let older = env.store.units_shipped_since(at(since - 1)).unwrap();
    assert_eq!(older[1], ("MUG".to_owned(), 1_010));
    assert!(env.store.units_shipped_since(at(T0 + 1)).unwrap().iter().all(|(_, n)| *n == 0));
}

#[test]
fn units_shipped_seek_the_window_rather_than_scan_orders() {
    let env = Env::new(&pg::Backend::Sqlite);
    let plan = env.store.explain_units_shipped().unwrap();
    assert!(plan.iter().any(|l| l.contains("orders_status_ship")), "{plan:#?}");
    assert!(plan.iter().all(|l| !l.starts_with("SCAN") && !l.contains("TEMP B-TREE")), "{plan:#?}");
}

fn placements_sum_lots_per_bin_and_free_bins_hold_nothing(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let s = &mut env.store;
    s.receive_stock(&actor(), bin("10-001-A"), "MUG", Some("L1"), 4, "in").unwrap();
    s.receive_stock(&actor(), bin("10-001-A"), "MUG", Some("L2"), 6, "in").unwrap();
    s.receive_stock(&actor(), bin("01-001-A"), "TEA", None, 3, "in").unwrap();
    s.receive_stock(&actor(), bin("05-001-A"), "CUP", None, 2, "in").unwrap();
    // Counted out to nothing: the row stays, the bin is free again.
    s.adjust_stock(&actor(), bin("05-001-A"), "CUP", None, -2, "count").unwrap();
    let placements = s.stock_placements().unwrap();
    let place = |sku: &str, code: &str, zone, on_hand| StockPlacement {
        sku: sku.into(),
        bin: Bin { code: bin(code), zone },
        on_hand,
    };
    assert_eq!(placements, [place("MUG", "10-001-A", Zone::C, 10), place("TEA", "01-001-A", Zone::A, 3)]);
    let free = s.free_bins().unwrap();
    assert_eq!(free, [Bin { code: bin("05-001-A"), zone: Zone::B }, Bin { code: bin("10-002-A"), zone: Zone::C }]);
    let inputs = s.slotting_inputs(at(T0)).unwrap();
    assert_eq!((inputs.placements, inputs.free_bins), (placements, free));
    assert_eq!(inputs.units.len(), 3);
}

fn the_slotting_report_moves_a_best_seller_out_of_zone_c(backend: &pg::Backend) {
    let mut env = Env::new(backend);
    let s = &mut env.store;
    s.receive_stock(&actor(), bin("10-001-A"), "MUG", None, 10, "in").unwrap(); // best seller in C
    s.receive_stock(&actor(), bin("01-001-A"), "TEA", None, 10, "in").unwrap(); // unsold in A
    s.seed_orders(&actor(), &[order("1", OrderStatus::Delivered, T0 - DAY, vec![line("MUG", 4)])]).unwrap();
    // Bins 05-001-A (B) and 10-002-A (C) are free; zone A has no free bin.
    let layout = packline::domain::Layout::demo();
    let report = packline::report::slotting::build(s, &layout, 90, at(T0)).unwrap();
    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["report"], "slotting");
    assert_eq!(json["window_days"], 90);
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{json:#}");
    assert_eq!(rows[0]["sku"], "MUG");
    assert_eq!((&rows[0]["class"], &rows[0]["zone"], &rows[0]["bin"]), (&"A".into(), &"C".into(), &"10-001-A".into()));
    assert_eq!(rows[0]["suggested_bin"], serde_json::Value::Null);
    assert_eq!(rows[0]["note"], "no free bin in zone A");
    assert_eq!((&rows[1]["sku"], &rows[1]["class"], &rows[1]["zone"]), (&"TEA".into(), &"C".into(), &"A".into()));
    assert_eq!(rows[1]["suggested_bin"], "10-002-A");
}

// ---------------------------------------------------------------------------
// 2. The binary
// ---------------------------------------------------------------------------

/// `packline` with HOME and XDG dirs inside `home`, so nothing touches the real ones.
fn packline(home: &Path) -> Command {
    common::packline_in(home)
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().unwrap()
}

fn demo_store(backend: &pg::Backend, home: &Path) -> PathBuf {
    let db = backend.location(home, "demo.db");
    let output = run(packline(home).arg("--db").arg(&db).args(["demo", "--orders", "2000"]));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    db
}

fn report(home: &Path, db: &Path, args: &[&str]) -> String {
    let output = run(packline(home).arg("--db").arg(db).arg("report").args(args));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn report_slotting_on_a_demo_store_in_every_format(backend: &pg::Backend) {
    let home = TempDir::new().unwrap();
    let db = demo_store(backend, home.path());

    let json: serde_json::Value =
        serde_json::from_str(&report(home.path(), &db, &["slotting", "--format", "json"])).unwrap();
    assert_eq!(json["report"], "slotting");
    assert_eq!(json["window_days"], 90);
    let rows = json["rows"].as_array().unwrap();
    assert!(rows.len() > 50, "the demo misplaces some stock on purpose: {} rows", rows.len());
    let keys = ["sku", "class", "units_shipped", "bin", "zone", "on_hand", "suggested_bin", "note"];
    for row in rows {
        let row = row.as_object().unwrap();
        assert_eq!(row.keys().map(String::as_str).collect::<Vec<_>>().len(), keys.len());
        assert!(keys.iter().all(|k| row.contains_key(*k)), "{row:?}");
        assert_ne!(row["class"], row["zone"], "only mismatches are listed: {row:?}");
        assert!(row["suggested_bin"].is_null() || row["suggested_bin"].as_str().unwrap().len() == 8, "{row:?}");
    }
    assert_eq!((&rows[0]["class"], &rows[0]["zone"]), (&"A".into(), &"C".into()), "A in C comes first");
    // No free bin is offered twice.
    let mut targets: Vec<&str> = rows
        .iter()
        .filter(|r| r["note"].as_str().unwrap().starts_with("free bin"))
        .map(|r| r["suggested_bin"].as_str().unwrap())
        .collect();
    let offered = targets.len();
    targets.sort_unstable();
    targets.dedup();
    assert_eq!(targets.len(), offered);

    let csv = report(home.path(), &db, &["slotting", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("sku,class,units_shipped,bin,zone,on_hand,suggested_bin,note"));
    assert_eq!(lines.count(), rows.len());

    let table = report(home.path(), &db, &["slotting"]);
    assert!(table.starts_with("Slotting: "), "{table}");
    let header = table.lines().find(|l| l.starts_with("SKU")).unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>().join(" "),
        "SKU CLASS SHIPPED BIN ZONE ON HAND MOVE TO NOTE"
    );
    assert_eq!(table.lines().filter(|l| l.ends_with(' ')).count(), 0, "no trailing spaces");
}

#[test]
fn unknown_report_names_are_bad_usage_listing_what_exists() {
    let home = TempDir::new().unwrap();
    let output = run(packline(home.path()).args(["report", "waves"]));
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("slotting"), "{stderr}");
    let output = run(packline(home.path()).args(["report", "slotting", "--format", "xml"]));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_report_never_creates_a_store() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("typo.db");
    let output = run(packline(home.path()).arg("--db").arg(&db).args(["report", "slotting"]));
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("typo.db") && stderr.contains("no store"), "{stderr}");
    assert!(!db.exists());
}

// ---------------------------------------------------------------------------
// 3. The orders and audit reports on small stores
// ---------------------------------------------------------------------------

fn written(report: &packline::report::Report, format: packline::report::Format) -> String {
    let mut out = Vec::new();
    report.write(format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn rows_of(report: &packline::report::Report) -> Vec<serde_json::Value> {
    serde_json::to_value(report).unwrap()["rows"].as_array().unwrap().clone()
}

/// Four open orders of two channels around T0 (two late), one shipped.
fn orders_env(backend: &pg::Backend) -> Env {
    let mut env = Env::new(backend);
    env.store.add_channel(&actor(), "market", "Marketplace", "rest").unwrap();
    let mut held = order("3", OrderStatus::Held, T0 + DAY, vec![line("TEA", 1)]);
    held.holds = vec![packline::domain::HoldReason::BadAddress];
    let mut market = order("5", OrderStatus::Ready, T0 - 2 * 3_600, vec![line("MUG", 1), line("CUP", 2)]);
    market.order.channel = "market".into();
    market.order.priority = 2;
    let orders = [
        order("1", OrderStatus::Ready, T0 - DAY, vec![line("MUG", 2), line("TEA", 1)]),
        order("2", OrderStatus::Packing, T0 + 3_600, vec![line("CUP", 4)]),
        held,
        order("4", OrderStatus::Shipped, T0 - 3 * DAY, vec![line("MUG", 1)]),
        market,
    ];
    env.store.seed_orders(&actor(), &orders).unwrap();
    env
}

fn orders_report(env: &Env, filters: &packline::report::orders::Filters) -> packline::report::Report {
    packline::report::orders::build(&env.store, filters, at(T0)).unwrap()
}

fn refs(report: &packline::report::Report) -> Vec<String> {
    rows_of(report).iter().map(|r| r["channel_ref"].as_str().unwrap().to_owned()).collect()
}

fn the_orders_report_lists_open_orders_as_the_queue_does(backend: &pg::Backend) {
    use packline::domain::queue::{PageFrom, QueueFilter, QueueQuery, QueueSort};
    use packline::report::orders::Filters;
    let env = orders_env(backend);
    let report = orders_report(&env, &Filters::default());
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["report"], "orders");
    assert_eq!(
        (&json["status"], &json["in_status"], &json["late"], &json["more"]),
        (&"open".into(), &4.into(), &2.into(), &"no".into())
    );
    assert_eq!(refs(&report), ["#1", "#5", "#2", "#3"], "earliest ship-by first, shipped left out");
    let rows = rows_of(&report);
    let first = rows[0].as_object().unwrap();
    let expected = serde_json::json!({
        "order": "ORD-000001", "channel": "shop", "channel_ref": "#1", "customer": "Ana Lima", "country": "PT",
        "lines": 2, "units": 3, "ship_by": "2025-06-14 15:06", "due": "late 1d00h", "late": "yes",
        "service": "standard", "priority": 5, "status": "ready", "holds": "",
    });
    assert_eq!(&serde_json::Value::Object(first.clone()), &expected);
    let mut keys = packline::report::orders::COLUMNS.map(|c| c.key);
    keys.sort_unstable();
    assert_eq!(first.keys().map(String::as_str).collect::<Vec<_>>(), keys, "every column, nothing else");
    assert_eq!(
        (&rows[1]["channel"], &rows[1]["priority"], &rows[1]["due"]),
        (&"market".into(), &2.into(), &"late 2h00m".into())
    );
    assert_eq!(
        (&rows[2]["due"], &rows[2]["late"], &rows[2]["status"]),
        (&"in 1h00m".into(), &"no".into(), &"packing".into())
    );
    assert_eq!(
        (&rows[3]["holds"], &rows[3]["status"], &rows[3]["units"]),
        (&"bad_address".into(), &"held".into(), &1.into())
    );

    // The same orders, lines and units as the console's Open tab.
    let query = QueueQuery { filter: QueueFilter::Open, sort: QueueSort::ShipBy, from: PageFrom::Start, limit: 50 };
    let queue = env.store.queue_page(&query).unwrap();
    let shown: Vec<(String, u64, u64)> = rows
        .iter()
        .map(|r| (r["order"].as_str().unwrap().to_owned(), r["lines"].as_u64().unwrap(), r["units"].as_u64().unwrap()))
        .collect();
    let queued: Vec<(String, u64, u64)> =
        queue.iter().map(|r| (r.number().to_string(), u64::from(r.lines), u64::from(r.units))).collect();
    assert_eq!(shown, queued);
}

fn the_orders_report_filters_by_status_channel_lateness_and_limit(backend: &pg::Backend) {
    use packline::report::orders::Filters;
    let env = orders_env(backend);
    let shipped = orders_report(&env, &Filters { status: Some(OrderStatus::Shipped), ..Filters::default() });
    assert_eq!(refs(&shipped), ["#4"]);
    let row = &rows_of(&shipped)[0];
    assert_eq!(
        (&row["due"], &row["late"], &row["status"]),
        (&serde_json::Value::Null, &"no".into(), &"shipped".into())
    );
    let market = orders_report(&env, &Filters { channel: Some("market".into()), ..Filters::default() });
    assert_eq!(refs(&market), ["#5"]);
    let late = orders_report(&env, &Filters { late: true, ..Filters::default() });
    assert_eq!(refs(&late), ["#1", "#5"]);
    let late_shop = orders_report(&env, &Filters { late: true, channel: Some("shop".into()), ..Filters::default() });
    assert_eq!(refs(&late_shop), ["#1"]);
    let first_two = orders_report(&env, &Filters { limit: 2, ..Filters::default() });
    assert_eq!(refs(&first_two), ["#1", "#5"]);
    assert_eq!(serde_json::to_value(&first_two).unwrap()["more"], "yes");
    assert!(first_two.summary.contains("Only the first 2"), "{}", first_two.summary);
    let nothing = orders_report(&env, &Filters { channel: Some("nowhere".into()), ..Filters::default() });
    assert_eq!(written(&nothing, packline::report::Format::Table).lines().last(), Some("No order matches."));
}

fn the_orders_report_in_every_format(backend: &pg::Backend) {
    use packline::report::Format;
    let env = orders_env(backend);
    let report = orders_report(&env, &packline::report::orders::Filters::default());
    let csv = written(&report, Format::Csv);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("order,channel,channel_ref,customer,country,lines,units,ship_by,due,late,service,priority,status,holds")
    );
    assert_eq!(
        lines.next(),
        Some("ORD-000001,shop,#1,Ana Lima,PT,2,3,2025-06-14 15:06,late 1d00h,yes,standard,5,ready,")
    );
    assert_eq!(lines.count(), 3);
    let table = written(&report, Format::Table);
    assert!(table.starts_with("Orders open: 4 of 4 listed, 2 late, earliest ship-by first.\n"), "{table}");
    let header = table.lines().find(|l| l.starts_with("ORDER")).unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>().join(" "),
        "ORDER CHANNEL REF CUSTOMER CTRY LINES UNITS SHIP BY (UTC) DUE LATE SERVICE P STATUS HOLDS"
    );
    assert_eq!(table.lines().filter(|l| l.ends_with(' ')).count(), 0, "no trailing spaces");
    let json: serde_json::Value = serde_json::from_str(&written(&report, Format::Json)).unwrap();
    assert_eq!(json["rows"].as_array().unwrap().len(), 4);
}

/// A store whose trail holds Env's setup (by EMP-0001), three refused scans
/// and one event written past the store with control characters in it.
fn audit_env() -> Env {
    let mut env = Env::new(&pg::Backend::Sqlite);
    let handheld = Actor::new("HANDHELD-1", "EMP-0002");
    let packer = Actor::new("PACK-1", "EMP-0004");
    env.store.record_scan_refusal(&handheld, "wave:3", "01-002-A", "Wrong bin: go to 01-003-B.").unwrap();
    env.store.record_scan_refusal(&packer, "order:1", "MUG", "WRONG ITEM: MUG is not in this order.").unwrap();
    env.store.record_scan_refusal(&packer, "order:2", "TEA", "ONE TOO MANY: the order has only 1 × TEA.").unwrap();
    let raw = rusqlite::Connection::open(env.store.path()).unwrap();
    raw.execute(
        "INSERT INTO events (at_ms, station, operator, kind, subject, details) VALUES (?1, 'X', 'EMP-0009', 'note', 'order:2', ?2)",
        rusqlite::params![Utc::now().timestamp_millis() + 1_000, "\u{1b}[2Jgone\u{7} \u{202e}reversed\r\nline"],
    )
    .unwrap();
    env
}

fn audit_report(env: &Env, filters: &packline::report::audit::Filters) -> packline::report::Report {
    packline::report::audit::build(&env.store, filters, Utc::now()).unwrap()
}

fn column(report: &packline::report::Report, key: &str) -> Vec<String> {
    rows_of(report).iter().map(|r| r[key].as_str().unwrap().to_owned()).collect()
}

#[test]
fn the_audit_report_lists_the_trail_newest_first_with_filters() {
    use packline::report::audit::Filters;
    let env = audit_env();
    let all = audit_report(&env, &Filters::default());
    assert_eq!(
        column(&all, "kind"),
        ["note", "scan_refused", "scan_refused", "scan_refused", "skus_added", "bins_added", "channel_added"]
    );
    assert_eq!(column(&all, "subject")[..4], ["order:2", "order:2", "order:1", "wave:3"]);
    let row = &rows_of(&all)[1];
    assert_eq!((&row["station"], &row["operator"]), (&"PACK-1".into(), &"EMP-0004".into()));
    assert_eq!(row["details"], "\"TEA\": ONE TOO MANY: the order has only 1 × TEA.");
    assert_eq!(row["at"].as_str().unwrap().len(), "2025-06-15 15:06:40".len());
    assert_eq!(serde_json::to_value(&all).unwrap()["more"], "no");

    let refused = audit_report(&env, &Filters { kind: Some("scan_refused".into()), ..Filters::default() });
    assert_eq!(column(&refused, "subject"), ["order:2", "order:1", "wave:3"]);
    let packer = Filters { kind: Some("scan_refused".into()), operator: Some("EMP-0004".into()), ..Filters::default() };
    assert_eq!(column(&audit_report(&env, &packer), "subject"), ["order:2", "order:1"]);
    let by_number = audit_report(&env, &Filters { subject: Some("ORD-000002".into()), ..Filters::default() });
    assert_eq!(column(&by_number, "kind"), ["note", "scan_refused"]);
    assert_eq!(serde_json::to_value(&by_number).unwrap()["subject"], "order:2");
    let wave = audit_report(&env, &Filters { subject: Some("WAVE-000003".into()), ..Filters::default() });
    assert_eq!(column(&wave, "operator"), ["EMP-0002"]);
    let newest = audit_report(&env, &Filters { limit: 2, ..Filters::default() });
    assert_eq!(column(&newest, "kind"), ["note", "scan_refused"]);
    assert_eq!(serde_json::to_value(&newest).unwrap()["more"], "yes");
    assert!(newest.summary.contains("Only the newest 2"), "{}", newest.summary);
    let tomorrow = Utc::now().date_naive().succ_opt().unwrap();
    let none = audit_report(&env, &Filters { since: Some(tomorrow), ..Filters::default() });
    assert!(rows_of(&none).is_empty());
    assert_eq!(written(&none, packline::report::Format::Table).lines().last(), Some("No event matches."));
    let old = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    assert_eq!(rows_of(&audit_report(&env, &Filters { since: Some(old), ..Filters::default() })).len(), 7);
}

#[test]
fn the_audit_report_in_every_format_never_prints_control_characters() {
    use packline::report::Format;
    let env = audit_env();
    let report = audit_report(&env, &packline::report::audit::Filters::default());
    let clean = |text: &str| !text.chars().any(|c| (c.is_control() && c != '\n') || c == '\u{202e}');
    let table = written(&report, Format::Table);
    assert!(clean(&table), "{table:?}");
    assert!(table.contains("gone reversed line"), "{table}");
    let header = table.lines().find(|l| l.starts_with("TIME")).unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>().join(" "),
        "TIME (UTC) STATION OPERATOR KIND SUBJECT DETAILS"
    );
    assert_eq!(table.lines().filter(|l| l.ends_with(' ')).count(), 0, "no trailing spaces");
    let csv = written(&report, Format::Csv);
    assert!(clean(&csv), "{csv:?}");
    assert_eq!(csv.lines().next(), Some("at,station,operator,kind,subject,details"));
    assert_eq!(csv.lines().count(), 8);
    let json = written(&report, Format::Json);
    assert!(clean(&json.replace("\\u001b", "")), "{json}");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["report"], "audit");
    assert_eq!(value["rows"][0]["details"], "gone reversed line");
    let mut keys = packline::report::audit::COLUMNS.map(|c| c.key);
    keys.sort_unstable();
    assert_eq!(value["rows"][0].as_object().unwrap().keys().map(String::as_str).collect::<Vec<_>>(), keys);
    assert!(json.contains(r#""rows":[{"at":"#), "keys in column order: {json}");
}

#[test]
fn the_audit_trail_is_sought_through_an_index_never_scanned() {
    use packline::store::AuditQuery;
    let env = audit_env();
    let since = at(T0);
    let text = |s: &str| Some(s.to_owned());
    let queries = [
        AuditQuery::since(since, 1_000),
        AuditQuery { kind: text("scan_refused"), ..AuditQuery::since(since, 1_000) },
        AuditQuery { operator: text("EMP-0004"), ..AuditQuery::since(since, 1_000) },
        AuditQuery { subject: text("order:2"), ..AuditQuery::since(since, 1_000) },
        AuditQuery {
            kind: text("scan_refused"),
            subject: text("order:2"),
            operator: text("EMP-0004"),
            ..AuditQuery::since(since, 1_000)
        },
    ];
    for query in &queries {
        let plan = env.store.explain_audit_events(query).unwrap();
        assert!(plan.iter().all(|l| !l.starts_with("SCAN")), "{query:?}: {plan:#?}");
        let index = if query.subject.is_some() { "USING INDEX events_subject" } else { "USING INDEX events_at" };
        assert!(plan.iter().any(|l| l.contains(index)), "{query:?}: {plan:#?}");
        if query.subject.is_none() {
            assert!(plan.iter().all(|l| !l.contains("TEMP B-TREE")), "newest first is the index order: {plan:#?}");
        }
    }
}

fn report_orders_and_audit_on_a_demo_store_in_every_format(backend: &pg::Backend) {
    let home = TempDir::new().unwrap();
    let db = demo_store(backend, home.path());

    let json: serde_json::Value =
        serde_json::from_str(&report(home.path(), &db, &["orders", "--format", "json"])).unwrap();
    let rows = json["rows"].as_array().unwrap();
    let open = json["in_status"].as_u64().unwrap();
    assert_eq!(rows.len() as u64, open.min(1_000), "every open order up to the limit");
    assert!(rows.windows(2).all(|w| w[0]["ship_by"].as_str() <= w[1]["ship_by"].as_str()), "earliest first");
    assert!(rows.iter().all(|r| r["late"] == "yes" || r["due"].as_str().unwrap().starts_with("in ")));
    let late: serde_json::Value =
        serde_json::from_str(&report(home.path(), &db, &["orders", "--late", "--format", "json"])).unwrap();
    let late_rows = late["rows"].as_array().unwrap();
    assert_eq!(late_rows.len() as u64, json["late"].as_u64().unwrap());
    assert!(late_rows.iter().all(|r| r["late"] == "yes"));
    let csv = report(home.path(), &db, &["orders", "--status", "held", "--limit", "3", "--format", "csv"]);
    assert!(csv.lines().skip(1).all(|l| l.contains(",held,")), "{csv}");
    assert_eq!(csv.lines().count(), 4, "{csv}");
    let table = report(home.path(), &db, &["orders", "--channel", "shop"]);
    assert!(table.starts_with("Orders open: "), "{table}");
    assert_eq!(table.lines().filter(|l| l.ends_with(' ')).count(), 0, "no trailing spaces");

    let json: serde_json::Value = serde_json::from_str(&report(
        home.path(),
        &db,
        &["audit", "--kind", "status_changed", "--limit", "5", "--format", "json"],
    ))
    .unwrap();
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r["kind"] == "status_changed"));
    assert!(rows.windows(2).all(|w| w[0]["at"].as_str() >= w[1]["at"].as_str()), "newest first");
    assert_eq!(json["more"], "yes");
    let subject = rows[0]["subject"].as_str().unwrap();
    let id: i64 = subject.strip_prefix("order:").unwrap().parse().unwrap();
    let number = packline::domain::OrderNumber(id).to_string();
    let csv = report(home.path(), &db, &["audit", "--subject", &number, "--since", "2000-01-01", "--format", "csv"]);
    assert_eq!(csv.lines().next(), Some("at,station,operator,kind,subject,details"));
    assert!(csv.lines().count() > 1 && csv.lines().skip(1).all(|l| l.contains(&format!(",{subject},"))), "{csv}");
    let table = report(home.path(), &db, &["audit", "--limit", "20"]);
    assert!(table.starts_with("Audit trail since "), "{table}");

    // A filter of another report is bad usage.
    for args in [&["orders", "--kind", "x"][..], &["audit", "--late"], &["slotting", "--limit", "5"]] {
        let output = run(packline(home.path()).arg("--db").arg(&db).arg("report").args(args));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("is not an option of"), "{args:?}");
    }
}

on_both_backends!(
    units_shipped_count_shipped_orders_due_in_the_window,
    placements_sum_lots_per_bin_and_free_bins_hold_nothing,
    the_slotting_report_moves_a_best_seller_out_of_zone_c,
    report_slotting_on_a_demo_store_in_every_format,
    the_orders_report_lists_open_orders_as_the_queue_does,
    the_orders_report_filters_by_status_channel_lateness_and_limit,
    the_orders_report_in_every_format,
    report_orders_and_audit_on_a_demo_store_in_every_format,
);
