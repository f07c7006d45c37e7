//! The supervisor's dashboard in the console: who may open it, a second
//! process's work showing within one refresh, and each alert's Enter
//! landing on the screen that resolves it.

#![allow(clippy::unwrap_used)]

#[path = "common/mod.rs"]
mod common;
#[path = "console/mod.rs"]
mod console;
#[path = "pg/mod.rs"]
mod pg;

use chrono::Utc;
use crossterm::event::KeyCode;
use packline::app::Active;
use packline::app::action::Action;
use packline::app::event::Event;
use packline::domain::OrderStatus;
use packline::domain::dashboard::{AlertTarget, Dashboard};
use packline::domain::queue::QueueFilter;

use console::{app, demo_store, press, screen, supervisor};

fn shown(app: &packline::app::App) -> &Dashboard {
    app.dashboard().dashboard.as_ref().expect("the dashboard has been read")
}

#[test]
fn only_a_supervisor_opens_the_dashboard_and_f7_goes_back() {
    let (_dir, path) = demo_store(300);
    let mut picker = app(&path, (120, 40));
    press(&mut picker, KeyCode::F(7));
    assert_eq!(picker.active(), Active::Queue);
    assert!(picker.take_bell(), "a refusal rings");
    assert!(screen(&picker, (120, 40)).contains("Only a supervisor can open the dashboard."));

    let mut boss = supervisor(&path);
    press(&mut boss, KeyCode::F(7));
    assert_eq!(boss.active(), Active::Dashboard);
    let text = screen(&boss, (120, 40));
    assert!(text.contains("Open orders") && text.contains("Alerts") && text.contains("KPIs"), "{text}");
    let d = shown(&boss);
    assert_eq!(d.open_total, d.open.iter().map(|(_, n)| n).sum::<u64>());
    assert!(d.open_total > 0 && !d.alerts.is_empty(), "the demo has open orders and problems: {d:?}");
    press(&mut boss, KeyCode::F(7));
    assert_eq!(boss.active(), Active::Queue, "F7 again goes back");
    press(&mut boss, KeyCode::F(7));
    press(&mut boss, KeyCode::Esc);
    assert_eq!(boss.active(), Active::Queue, "so does Esc");
}

#[test]
fn another_process_ships_an_order_and_the_dashboard_shows_it_on_the_next_tick() {
    let (dir, path) = demo_store(300);
    // The console's clock is the real one: the other process ships now.
    let mut boss = console::supervisor_at(&path, Utc::now());
    press(&mut boss, KeyCode::F(7));
    let before = shown(&boss).clone();

    let out = common::packline(dir.path(), &path)
        .args(["probe", "pack-loop", "--orders", "1", "--manifest-every", "1", "--undo-one-in", "0"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(log.contains("manifest "), "the other process closed a manifest: {log}");

    assert!(boss.handle(Event::Tick(Utc::now())), "the changed store redraws");
    let after = shown(&boss);
    assert_eq!(after.shipped_today_orders, before.shipped_today_orders + 1, "{log}");
    assert!(after.shipped_today_units > before.shipped_today_units);
    let packer =
        |d: &Dashboard| d.operators.iter().find(|o| o.facts.badge == "EMP-0004").map_or(0, |o| o.facts.packed_orders);
    assert_eq!(packer(after), packer(&before) + 1, "the packer's order counts in the operator table");
    assert_eq!(after.today.shipped_orders, before.today.shipped_orders + 1);
    assert_eq!(after.open_total + 1, before.open_total, "one open order fewer");
}

/// Selects the first alert whose target `matches` and presses Enter.
fn open_alert(app: &mut packline::app::App, matches: impl Fn(&AlertTarget) -> bool) -> AlertTarget {
    press(app, KeyCode::F(7));
    press(app, KeyCode::Home);
    let alerts = app.dashboard().alerts();
    let index =
        alerts.iter().position(|a| matches(&a.target)).unwrap_or_else(|| panic!("no such alert in {alerts:#?}"));
    for _ in 0..index {
        press(app, KeyCode::Down);
    }
    let target = app.dashboard().selected_alert().unwrap().target.clone();
    press(app, KeyCode::Enter);
    target
}

#[test]
fn each_alert_jumps_to_the_screen_that_resolves_it() {
    let (_dir, path) = demo_store(300);
    // The demo's handhelds took their waves with two-minute leases: five
    // minutes on, they have run out.
    let mut boss = console::supervisor_at(&path, Utc::now() + chrono::Duration::minutes(5));

    open_alert(&mut boss, |t| matches!(t, AlertTarget::Status(OrderStatus::Short)));
    assert_eq!(boss.active(), Active::Queue);
    assert_eq!(boss.queue().filter, QueueFilter::Status(OrderStatus::Short));
    assert!(!boss.queue().visible_rows().is_empty());
    assert!(boss.queue().visible_rows().iter().all(|r| r.status == OrderStatus::Short));

    let AlertTarget::Sku(code) = open_alert(&mut boss, |t| matches!(t, AlertTarget::Sku(_))) else { unreachable!() };
    assert_eq!(boss.active(), Active::Queue);
    let results = boss.queue().results.as_ref().expect("a search by SKU");
    assert_eq!(results.query, code);

    let AlertTarget::Wave(wave) = open_alert(&mut boss, |t| matches!(t, AlertTarget::Wave(_))) else { unreachable!() };
    assert_eq!(boss.active(), Active::Waves);
    assert_eq!(boss.waves().selected_wave().map(|w| w.number), Some(wave));

    // A scanned order on the dashboard opens that order.
    press(&mut boss, KeyCode::F(7));
    let number = boss.queue().visible_rows().first().map(|r| r.id);
    let short = packline::domain::OrderNumber(number.unwrap_or(1));
    console::scan(&mut boss, &short.to_string());
    assert_eq!(boss.active(), Active::Queue);
    assert_eq!(boss.queue().detail.as_ref().map(|d| d.row.id), Some(short.0));
    boss.dispatch(Action::Dashboard);
    assert_eq!(boss.active(), Active::Dashboard);
}

// ---------------------------------------------------------------------------
// The facts on a small fixed store: counters against the full scan, KPIs by hand
// ---------------------------------------------------------------------------

mod fixed {
    use chrono::{DateTime, Duration, TimeZone, Utc};
    use packline::domain::dashboard::FactsRequest;
    use packline::domain::{Actor, Bin, OrderNumber, OrderStatus, Verdict, Zone};
    use packline::planning::dashboard::{self, DashboardConfig};
    use packline::planning::inventory::InventoryConfig;
    use packline::store::{DashboardCache, SeedOrder, Store};

    use super::common::{bin, line, order, seeded, ship, sku};

    fn actor() -> Actor {
        Actor::new("test-01", "EMP-0001")
    }

    /// A history order created `created_min` minutes before `shipped`
    /// (unix seconds), due `due_min` minutes after creation.
    fn shipped(id: &str, shipped: i64, created_min: i64, due_min: i64, sku: &str, qty: u32) -> SeedOrder {
        let at = |secs: i64| DateTime::<Utc>::from_timestamp(secs, 0).unwrap();
        let created = shipped - created_min * 60;
        let mut o = seeded(id, OrderStatus::Delivered, created + due_min * 60, vec![line(sku, qty)]);
        o.order.created_at = at(created);
        o.shipped_at = Some(at(shipped));
        o
    }

    fn request(now: DateTime<Utc>) -> FactsRequest {
        DashboardConfig::default().request(
            now,
            chrono::NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
            &InventoryConfig::default(),
        )
    }

    /// Yesterday noon (UTC) of the real clock: the real-path ships happen today.
    fn yesterday_noon() -> i64 {
        let today = Utc::now().date_naive();
        Utc.from_utc_datetime(&(today - Duration::days(1)).and_hms_opt(12, 0, 0).unwrap()).timestamp()
    }

    fn the_counters_agree_with_a_full_scan_and_the_kpis_with_a_hand_count(backend: &crate::pg::Backend) {
        let dir = tempfile::TempDir::new().unwrap();
        let mut s = Store::open(&backend.location(dir.path(), "d.db")).unwrap();
        let a = actor();
        s.add_channel(&a, "shop", "Web shop", "rest").unwrap();
        s.add_bins(&a, &[Bin { code: bin("01-001-A"), zone: Zone::A }, Bin { code: bin("02-001-A"), zone: Zone::A }])
            .unwrap();
        s.add_skus(&a, &["CUP", "MUG", "TEA"].map(sku)).unwrap();
        s.receive_stock(&a, bin("01-001-A"), "CUP", None, 40, "PO-1").unwrap();
        s.receive_stock(&a, bin("02-001-A"), "MUG", None, 3, "PO-1").unwrap();
        // Today through the real path: two orders picked, packed and shipped by EMP-0004.
        let import = |s: &mut Store, orders: &[packline::domain::NewOrder]| {
            s.import_checked(&a, orders, &mut |_| Verdict::default(), &mut |_| {}).unwrap();
        };
        import(&mut s, &[order("1", &[("CUP", 3)]), order("2", &[("CUP", 1), ("MUG", 2)])]);
        ship(&mut s, OrderNumber(1), 1);
        ship(&mut s, OrderNumber(2), 2);
        // Yesterday: cycle times 30, 60, 90 and 600 minutes; the 600 was due after 480: late.
        let noon = yesterday_noon();
        s.seed_orders(
            &a,
            &[
                shipped("H1", noon, 30, 600, "CUP", 2),
                shipped("H2", noon + 60, 60, 600, "CUP", 1),
                shipped("H3", noon + 120, 90, 600, "MUG", 4),
                shipped("H4", noon + 180, 600, 480, "TEA", 5),
            ],
        )
        .unwrap();
        // A backordered order waits for 5 TEA, of which there is none.
        import(&mut s, &[order("3", &[("TEA", 5)])]);
        s.record_scan_refusal(&Actor::new("TEST", "EMP-0004"), "station:PACK-1", "SKU-X", "not on the order").unwrap();

        let now = Utc::now();
        let counted = s.dashboard_facts(&mut DashboardCache::default(), &request(now)).unwrap();
        let scanned = s.dashboard_facts_by_scan(&request(now)).unwrap();
        assert_eq!(counted, scanned, "the counters and the full scan agree");
        // `report inventory`'s read of the SKUs is the dashboard's (28-day demand, 14-day returns).
        assert_eq!(s.sku_health(now.date_naive(), 28, 14).unwrap(), counted.skus);

        let days = &counted.days;
        assert_eq!(days.len(), 7);
        let yesterday = &days[5];
        assert_eq!((yesterday.shipped_orders, yesterday.shipped_units, yesterday.on_time_orders), (4, 12, 3));
        assert_eq!(yesterday.cycle_minutes, [(30, 1), (60, 1), (90, 1), (600, 1)]);
        let k = dashboard::kpis(&days[..6]);
        // Four cycle times: p50 is rank 2 (60), p90 rank ceil(3.6) = 4 (600).
        assert_eq!((k.cycle_p50_minutes, k.cycle_p90_minutes, k.on_time_rate), (Some(60), Some(600), Some(0.75)));

        let today = days.last().unwrap();
        // Orders 1 and 2: 3 + 3 units, both shipped today.
        assert_eq!((today.shipped_orders, today.shipped_units), (2, 6));
        // Three pick lines (CUP, CUP, MUG), no shorts, one refused scan at the pack station (not a pick error).
        assert_eq!((today.pick_lines, today.short_lines, today.pick_refusals), (3, 0, 0));
        let packer = counted.operators.iter().find(|o| o.badge == "EMP-0004").unwrap();
        assert_eq!(
            (packer.picked_units, packer.packed_units, packer.packed_orders, packer.refused_scans),
            (6, 6, 2, 1),
            "{packer:?}"
        );

        let built = dashboard::build(&counted, &InventoryConfig::default(), &DashboardConfig::default());
        assert_eq!((built.shipped_today_orders, built.shipped_today_units), (2, 6));
        // Demand in the window: TEA 5 yesterday and none on hand: a stockout with 5 waiting.
        let tea = built.alerts.iter().find(|a| a.message.starts_with("TEA ")).expect("a TEA alert");
        assert_eq!(tea.kind, packline::domain::dashboard::AlertKind::Stockout);
        assert!(tea.message.contains("out of stock, 5 backordered"), "{}", tea.message);
        // MUG: 4 + 2 shipped in 28 days, 1 left: reorder point ceil(6 x 15 / 28) = 4, cover 1 x 28 / 6 < 10 days.
        let mug = built.alerts.iter().find(|a| a.message.starts_with("MUG ")).expect("a MUG alert");
        assert_eq!(mug.kind, packline::domain::dashboard::AlertKind::LowCover, "{}", mug.message);
        assert!(built.alerts.iter().all(|a| !a.message.starts_with("CUP ")), "CUP has plenty: {:?}", built.alerts);

        // The reports print the same numbers.
        let home = tempfile::TempDir::new().unwrap();
        let run = |args: &[&str]| {
            let out = super::common::packline(home.path(), s.path()).args(args).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).unwrap()
        };
        let kpis: serde_json::Value = serde_json::from_str(&run(&["report", "kpis", "--format", "json"])).unwrap();
        let figure =
            |name: &str| kpis["rows"].as_array().unwrap().iter().find(|r| r["figure"] == name).unwrap().clone();
        assert_eq!(
            (figure("shipped_orders")["today"].clone(), figure("shipped_orders")["window"].clone()),
            (2.into(), 6.into())
        );
        // Yesterday's 3 of 4 on time; today's two were due in 2025.
        assert_eq!(figure("on_time_rate")["window"], serde_json::json!(50.0));
        assert_eq!(figure("on_time_rate")["today"], serde_json::json!(0.0));
        assert_eq!(figure("open_orders")["today"], serde_json::json!(built.open_total));
        assert_eq!(kpis["window_days"], 7);
        let operators = run(&["report", "operators", "--format", "csv"]);
        let packer_row = operators.lines().find(|l| l.starts_with("EMP-0004,")).expect(&operators);
        // badge,name,role,hours,lines,picked,picks/h,short,packed,orders,packs/h,refused,error%:
        // 1 refused of 1 + 3 pick lines + 6 packed units = 10 scans.
        let cells: Vec<&str> = packer_row.split(',').collect();
        assert_eq!((cells[4], cells[5], cells[8], cells[9], cells[11], cells[12]), ("3", "6", "6", "2", "1", "10.0"));
    }

    crate::on_both_backends!(the_counters_agree_with_a_full_scan_and_the_kpis_with_a_hand_count);
}
