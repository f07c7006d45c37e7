//! Refused scans in the audit trail (`Store::record_scan_refusal`): one
//! `scan_refused` event per refused scan with the operator's badge, the
//! station, the scanned code (sanitised and cut) and the reason shown.

#![allow(clippy::unwrap_used)]

mod pg;

use chrono::{Duration, Utc};
use packline::domain::Actor;
use packline::store::{AuditQuery, SCAN_REFUSED, Store};
use tempfile::TempDir;

fn refusals(store: &Store, since: chrono::DateTime<Utc>) -> Vec<packline::store::AuditEvent> {
    let query = AuditQuery { kind: Some(SCAN_REFUSED.into()), ..AuditQuery::since(since, 100) };
    store.audit_events(&query).unwrap()
}

fn a_refused_scan_is_one_event_with_the_badge_the_code_and_why(backend: &pg::Backend) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "packline.db")).unwrap();
    let before = Utc::now() - Duration::seconds(1);
    let picker = Actor::new("HANDHELD-1", "EMP-0002");
    let packer_2 = Actor::new("PACK-2", "EMP-0004");
    store.record_scan_refusal(&picker, "wave:3", "01-002-A", "Wrong bin: this is 01-002-A; go to 01-003-B.").unwrap();
    store.record_scan_refusal(&packer_2, "order:12", "MUG-RED", "WRONG ITEM: MUG-RED is not in this order.").unwrap();

    let events = refusals(&store, before);
    assert_eq!(events.len(), 2);
    let (newest, oldest) = (&events[0], &events[1]);
    assert_eq!(newest.subject, "order:12", "newest first");
    assert_eq!((newest.event.station.as_str(), newest.event.operator.as_str()), ("PACK-2", "EMP-0004"));
    assert_eq!(newest.event.kind, SCAN_REFUSED);
    assert_eq!(newest.event.details, "\"MUG-RED\": WRONG ITEM: MUG-RED is not in this order.");
    assert_eq!((oldest.subject.as_str(), oldest.event.operator.as_str()), ("wave:3", "EMP-0002"));
    assert_eq!(oldest.event.details, "\"01-002-A\": Wrong bin: this is 01-002-A; go to 01-003-B.");
    assert!(oldest.event.at >= before && oldest.event.at <= Utc::now());
    assert!(oldest.id < newest.id);

    // Per operator, as the scan error rate counts them.
    let query = AuditQuery { operator: Some("EMP-0002".into()), ..AuditQuery::since(before, 100) };
    let by_picker = store.audit_events(&query).unwrap();
    assert_eq!(by_picker.iter().map(|e| e.subject.as_str()).collect::<Vec<_>>(), ["wave:3"]);
}

fn a_hostile_or_endless_code_is_sanitised_and_cut(backend: &pg::Backend) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "packline.db")).unwrap();
    let before = Utc::now() - Duration::seconds(1);
    let actor = Actor::new("PACK-1", "EMP-0004");
    let code = format!("\u{1b}]0;pwned\u{7}\u{202e}{}", "9".repeat(500));
    store.record_scan_refusal(&actor, "station:PACK-1", &code, "UNKNOWN ITEM:\n\u{1b}[2Jcleared").unwrap();
    store.record_scan_refusal(&actor, "station:PACK-1", "", "A bin scan does nothing at the pack station.").unwrap();

    let events = refusals(&store, before);
    let details: Vec<&str> = events.iter().map(|e| e.event.details.as_str()).collect();
    let kept = format!("{}…", "9".repeat(59));
    assert_eq!(
        details,
        ["\"\": A bin scan does nothing at the pack station.".to_owned(), format!("\"{kept}\": UNKNOWN ITEM: cleared"),]
    );
    assert!(details.iter().all(|d| !d.chars().any(char::is_control) && !d.contains('\u{202e}')));
}

fn recording_refusals_leaves_the_rest_of_the_trail_alone(backend: &pg::Backend) {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "packline.db")).unwrap();
    let before = Utc::now() - Duration::seconds(1);
    let actor = Actor::new("PACK-1", "EMP-0004");
    store.add_channel(&actor, "shop", "Web shop", "rest").unwrap();
    for n in 0..3 {
        store.record_scan_refusal(&actor, &format!("order:{n}"), "X", "why").unwrap();
    }
    let all = store.audit_events(&AuditQuery::since(before, 100)).unwrap();
    assert_eq!(all.len(), 4);
    assert_eq!(all.iter().filter(|e| e.event.kind == SCAN_REFUSED).count(), 3);
    assert_eq!(all.last().unwrap().event.kind, "channel_added");
}

on_both_backends!(
    a_refused_scan_is_one_event_with_the_badge_the_code_and_why,
    a_hostile_or_endless_code_is_sanitised_and_cut,
    recording_refusals_leaves_the_rest_of_the_trail_alone,
);
