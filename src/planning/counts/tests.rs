//! The count schedule by hand (defaults: A 7 days, B 30, C 90, 40 a day):
//! intervals per zone, the due boundary day, never-counted bins first, the
//! daily cap, skipped bins; and what `check` refuses.

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 15).unwrap()
}

fn day(days_ago: i64) -> NaiveDate {
    today() - chrono::Duration::days(days_ago)
}

/// A bin with stock and no open task, last counted `days_ago` (never: `None`).
fn bin(bin_id: i64, zone: Zone, days_ago: Option<i64>) -> BinCountState {
    BinCountState { bin_id, zone, last_counted: days_ago.map(day), has_stock: true, open_task: false }
}

fn schedule(per_day: u32) -> CountSchedule {
    CountSchedule { per_day, ..CountSchedule::default() }
}

#[test]
fn each_zone_has_its_interval() {
    let s = CountSchedule::default();
    assert_eq!((s.interval(Zone::A), s.interval(Zone::B), s.interval(Zone::C)), (7, 30, 90));
    assert_eq!(s.check(), Ok(()));
    assert_eq!(ReceivingConfig::default().check(), Ok(()));
    assert_eq!(ReceivingConfig::default().reasons.len(), 6);
}

#[test]
fn a_bin_is_due_once_its_zones_interval_has_passed() {
    let bins = [
        bin(1, Zone::A, Some(6)),
        bin(2, Zone::A, Some(7)),
        bin(3, Zone::B, Some(29)),
        bin(4, Zone::B, Some(30)),
        bin(5, Zone::C, Some(89)),
        bin(6, Zone::C, Some(90)),
        // Counted "in the future" (a clock moved back): not due.
        bin(7, Zone::A, Some(-3)),
    ];
    let mut due = due_bins(&bins, today(), &schedule(40), 0);
    due.sort_unstable();
    assert_eq!(due, vec![2, 4, 6]);
}

#[test]
fn never_counted_first_then_most_overdue_then_zone_then_id() {
    let bins = [
        bin(10, Zone::C, Some(100)), // 10 days over
        bin(11, Zone::A, Some(17)),  // 10 days over, A before C
        bin(12, Zone::B, Some(50)),  // 20 days over
        bin(13, Zone::C, None),
        bin(14, Zone::A, None),
        bin(15, Zone::A, Some(7)),  // 0 days over
        bin(9, Zone::C, Some(100)), // 10 days over, id before 10
    ];
    assert_eq!(due_bins(&bins, today(), &schedule(40), 0), vec![14, 13, 12, 11, 9, 10, 15]);
}

#[test]
fn the_daily_cap_counts_what_was_already_scheduled_today() {
    let bins: Vec<BinCountState> = (1..=6).map(|id| bin(id, Zone::B, Some(30 + id))).collect();
    assert_eq!(due_bins(&bins, today(), &schedule(4), 0), vec![6, 5, 4, 3]);
    assert_eq!(due_bins(&bins, today(), &schedule(4), 3), vec![6]);
    assert_eq!(due_bins(&bins, today(), &schedule(4), 4), Vec::<i64>::new());
    assert_eq!(due_bins(&bins, today(), &schedule(4), 9), Vec::<i64>::new());
}

#[test]
fn bins_without_stock_or_with_an_open_task_are_skipped() {
    let empty = BinCountState { has_stock: false, ..bin(1, Zone::A, None) };
    let open = BinCountState { open_task: true, ..bin(2, Zone::A, Some(60)) };
    let bins = [empty, open, bin(3, Zone::C, Some(365))];
    assert_eq!(due_bins(&bins, today(), &schedule(40), 0), vec![3]);
}

#[test]
fn per_day_zero_schedules_nothing() {
    let bins = [bin(1, Zone::A, None), bin(2, Zone::B, Some(400))];
    assert_eq!(due_bins(&bins, today(), &schedule(0), 0), Vec::<i64>::new());
}

#[test]
fn check_refuses_out_of_range_values() {
    let refused = |s: CountSchedule| s.check().unwrap_err();
    let d = CountSchedule::default;
    assert_eq!(refused(CountSchedule { a_days: 0, ..d() }), "counts.a_days must be 1 to 3650, not 0");
    assert_eq!(refused(CountSchedule { c_days: 3_651, ..d() }), "counts.c_days must be 1 to 3650, not 3651");
    assert_eq!(refused(CountSchedule { per_day: 10_001, ..d() }), "counts.per_day must be 0 to 10000, not 10001");
    assert_eq!(CountSchedule { per_day: 0, a_days: 3_650, ..d() }.check(), Ok(()));
    assert_eq!(
        refused(CountSchedule { adjust_reasons: vec![], ..d() }),
        "counts.adjust_reasons must list 1 to 9 reasons, not 0"
    );
    let ten = (1..=10).map(|i| format!("reason {i}")).collect();
    assert_eq!(
        refused(CountSchedule { adjust_reasons: ten, ..d() }),
        "counts.adjust_reasons must list 1 to 9 reasons, not 10"
    );
    let blank = vec!["found stock".to_owned(), "  ".to_owned()];
    assert_eq!(refused(CountSchedule { adjust_reasons: blank, ..d() }), "counts.adjust_reasons: reason 2 is empty");
}

#[test]
fn reasons_may_be_60_characters_not_61() {
    let sixty = "é".repeat(60);
    assert_eq!(ReceivingConfig { reasons: vec![sixty.clone()] }.check(), Ok(()));
    let long = format!("{sixty}x");
    assert_eq!(
        ReceivingConfig { reasons: vec![long.clone()] }.check(),
        Err(format!("receiving.reasons: reason {long:?} is 61 characters, the most is 60"))
    );
    assert_eq!(
        ReceivingConfig { reasons: vec![] }.check(),
        Err("receiving.reasons must list 1 to 9 reasons, not 0".to_owned())
    );
}

#[test]
fn sections_are_read_from_toml_and_unknown_keys_refused() {
    let s: CountSchedule =
        toml::from_str("a_days = 5\nb_days = 20\nc_days = 60\nper_day = 0\nadjust_reasons = [\"found stock\"]")
            .unwrap();
    assert_eq!(
        s,
        CountSchedule { a_days: 5, b_days: 20, c_days: 60, per_day: 0, adjust_reasons: vec!["found stock".into()] }
    );
    assert!(toml::from_str::<ReceivingConfig>("reasons = [\"x\"]\nextra = 1").is_err());
}
