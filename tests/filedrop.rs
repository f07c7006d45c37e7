//! The file-drop channel through a real store and real folders: good files
//! stored and moved to done/, bad ones rejected whole with their errors, a
//! file read twice storing nothing new, cancelled JSONL orders stored
//! cancelled, and shipment files written whole, once, and marked sent.

#![allow(clippy::unwrap_used)]

mod common;
mod pg;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::Utc;
use common::{bin, ship, sku};
use packline::domain::sync::OutboxState;
use packline::domain::{Actor, Bin, OrderNumber, OrderStatus, Zone};
use packline::planning::rules::RulesConfig;
use packline::store::Store;
use packline::sync::config::{ChannelConfig, ChannelKind};
use packline::sync::filedrop::{self, FileOutcome, SETTLE, SHIPMENT_COLUMNS};
use tempfile::TempDir;

fn sync() -> Actor {
    Actor::new("SYNC", "sync")
}

fn rules() -> RulesConfig {
    packline::config::Config::from_texts(None, "test").unwrap().config.rules
}

struct Env {
    dir: TempDir,
    store: Store,
    channel: ChannelConfig,
}

impl Env {
    fn inbox(&self) -> PathBuf {
        self.dir.path().join("in")
    }

    fn outbox(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn drop_file(&self, name: &str, text: &str) {
        fs::write(self.inbox().join(name), text).unwrap();
    }

    fn poll(&mut self) -> filedrop::InboxReport {
        filedrop::poll_inbox(&mut self.store, &sync(), &self.channel, &rules(), Duration::ZERO).unwrap()
    }

    fn orders(&self) -> u64 {
        self.store.totals().unwrap().orders
    }
}

/// A store with MUG and TEE in stock (10 each) and the file channel `b2b`.
fn env(backend: &pg::Backend) -> Env {
    let dir = TempDir::new().unwrap();
    let mut store = Store::open(&backend.location(dir.path(), "f.db")).unwrap();
    let a = sync();
    store.add_bins(&a, &[Bin { code: bin("01-001-A"), zone: Zone::A }]).unwrap();
    store.add_skus(&a, &[sku("MUG"), sku("TEE")]).unwrap();
    store.receive_stock(&a, bin("01-001-A"), "MUG", None, 10, "PO-1").unwrap();
    store.receive_stock(&a, bin("01-001-A"), "TEE", None, 10, "PO-1").unwrap();
    fs::create_dir_all(dir.path().join("in")).unwrap();
    let channel = ChannelConfig {
        name: "b2b".into(),
        kind: ChannelKind::File,
        title: Some("Wholesale".into()),
        base_url: None,
        token_file: None,
        inbox: Some(dir.path().join("in")),
        outbox: Some(dir.path().join("out")),
        enabled: true,
    };
    Env { dir, store, channel }
}

const HEADER: &str = "order_ref,channel,created_at,ship_by,customer_name,address1,address2,city,region,postcode,country,phone,email,service,sku,qty,unit_price,currency";

fn row(order_ref: &str, sku: &str, qty: &str) -> String {
    format!(
        "{order_ref},b2b,2026-11-20T09:00:00Z,,Jonas Berg,Hauptstr. 5,,Berlin,,10115,DE,,jonas@example.com,standard,{sku},{qty},12.50,EUR"
    )
}

fn csv(rows: &[String]) -> String {
    std::iter::once(HEADER.to_owned()).chain(rows.iter().cloned()).collect::<Vec<_>>().join("\n") + "\n"
}

/// Two orders: B-1 (2 MUG, 1 TEE) and B-2 (1 TEE).
fn good_file() -> String {
    csv(&[row("B-1", "MUG", "2"), row("B-2", "TEE", "1"), row("B-1", "TEE", "1")])
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

fn a_good_csv_is_stored_and_moved_to_done(backend: &pg::Backend) {
    let mut env = env(backend);
    env.drop_file("orders.csv", &good_file());
    let report = env.poll();
    assert_eq!(report.files.len(), 1);
    let FileOutcome::Imported { orders, summary, moved_to } = &report.files[0].outcome else { panic!("{report:?}") };
    assert_eq!((*orders, summary.inserted, summary.ready), (2, 2, 2));
    assert_eq!(moved_to, &env.inbox().join("done/orders.csv"));
    assert_eq!(names(&env.inbox()), ["done"]);
    assert_eq!(fs::read_to_string(moved_to).unwrap(), good_file());
    assert_eq!(env.orders(), 2);
    let detail = env.store.order_detail(OrderNumber(1), 0).unwrap().unwrap();
    assert_eq!((detail.row.channel.as_str(), detail.row.channel_ref.as_str()), ("b2b", "B-1"));
    assert_eq!((detail.row.units, detail.row.status), (3, OrderStatus::Ready));
    assert!(report.problems().is_empty());
}

fn a_file_with_one_bad_row_is_rejected_with_its_errors_and_stores_nothing(backend: &pg::Backend) {
    let mut env = env(backend);
    let text = csv(&[row("B-1", "MUG", "2"), row("B-2", "TEE", "two"), row("B-3", "MUG", "1")]);
    env.drop_file("orders.csv", &text);
    let report = env.poll();
    let FileOutcome::Rejected { errors, moved_to } = &report.files[0].outcome else { panic!("{report:?}") };
    assert_eq!(errors.len(), 1);
    assert_eq!(moved_to, &env.inbox().join("rejected/orders.csv"));
    assert_eq!(names(&env.inbox().join("rejected")), ["orders.csv", "orders.csv.errors.txt"]);
    let listed = fs::read_to_string(env.inbox().join("rejected/orders.csv.errors.txt")).unwrap();
    assert!(listed.contains("orders.csv row 3, field qty: \"two\" is not a whole number above 0"), "{listed}");
    assert_eq!(listed.lines().filter(|l| !l.starts_with('#')).count(), 1, "{listed}");
    assert_eq!(env.orders(), 0);
    assert_eq!(report.problems().len(), 1);
    // A row of another channel is refused too: one folder, one channel.
    env.drop_file("mixed.csv", &csv(&[row("B-4", "MUG", "1").replace(",b2b,", ",shop,")]));
    let report = env.poll();
    let FileOutcome::Rejected { errors, .. } = &report.files[0].outcome else { panic!("{report:?}") };
    assert_eq!((errors[0].row, errors[0].field.as_deref()), (2, Some("channel")));
    assert_eq!(env.orders(), 0);
    // The same name rejected again never overwrites the first.
    env.drop_file("orders.csv", &text);
    env.poll();
    assert!(env.inbox().join("rejected/orders-2.csv.errors.txt").exists());
    assert_eq!(fs::read_to_string(env.inbox().join("rejected/orders.csv.errors.txt")).unwrap(), listed);
}

fn the_same_orders_dropped_twice_import_nothing_the_second_time(backend: &pg::Backend) {
    let mut env = env(backend);
    env.drop_file("monday.csv", &good_file());
    assert_eq!(env.poll().summary.inserted, 2);
    env.drop_file("monday-again.csv", &good_file());
    let report = env.poll();
    assert_eq!((report.summary.inserted, report.summary.unchanged), (0, 2));
    assert_eq!(env.orders(), 2);
    assert_eq!(names(&env.inbox().join("done")), ["monday-again.csv", "monday.csv"]);
}

fn a_file_stored_but_not_moved_before_a_crash_is_read_again_as_unchanged(backend: &pg::Backend) {
    let mut env = env(backend);
    env.drop_file("orders.csv", &good_file());
    env.poll();
    // The process died between the commit and the move: the file is still in the inbox.
    fs::copy(env.inbox().join("done/orders.csv"), env.inbox().join("orders.csv")).unwrap();
    let report = env.poll();
    let FileOutcome::Imported { summary, moved_to, .. } = &report.files[0].outcome else { panic!("{report:?}") };
    assert_eq!((summary.inserted, summary.updated, summary.unchanged), (0, 0, 2));
    assert_eq!(moved_to, &env.inbox().join("done/orders-2.csv"));
    assert_eq!(env.orders(), 2);
    assert_eq!(env.store.order_status(OrderNumber(1)).unwrap(), OrderStatus::Ready);
}

fn a_cancelled_jsonl_order_is_stored_cancelled(backend: &pg::Backend) {
    let mut env = env(backend);
    let order = |id: u32, cancelled: &str| {
        format!(
            r##"{{"id": {id}, "name": "#{id}", "created_at": "2026-11-20T09:00:00Z", "updated_at": "2026-11-20T10:00:00Z", "cancelled_at": {cancelled}, "financial_status": "paid", "currency": "EUR", "shipping_address": {{"name": "Jonas Berg", "address1": "Hauptstr. 5", "city": "Berlin", "zip": "10115", "country_code": "DE"}}, "line_items": [{{"sku": "MUG", "title": "Mug", "quantity": 1, "price": "12.50"}}]}}"##
        )
    };
    env.drop_file("orders.ndjson", &format!("{}\n{}\n", order(501, "null"), order(502, r#""2026-11-20T10:00:00Z""#)));
    let report = env.poll();
    let FileOutcome::Imported { orders, summary, .. } = &report.files[0].outcome else { panic!("{report:?}") };
    assert_eq!((*orders, summary.inserted, summary.cancelled), (2, 2, 1));
    let status = |env: &Env, id: &str| {
        let number = (1..=2)
            .map(OrderNumber)
            .find(|n| env.store.order_detail(*n, 0).unwrap().unwrap().row.channel_ref == format!("#{id}"))
            .unwrap();
        env.store.order_status(number).unwrap()
    };
    assert_eq!(status(&env, "501"), OrderStatus::Ready);
    assert_eq!(status(&env, "502"), OrderStatus::Cancelled);
}

fn files_being_written_dotfiles_and_other_names_are_left_alone(backend: &pg::Backend) {
    let mut env = env(backend);
    env.drop_file("fresh.csv", &good_file());
    env.drop_file(".hidden.csv", &good_file());
    env.drop_file(".orders.csv.tmp", "order_ref,chan");
    env.drop_file("orders.csv.tmp", "order_ref,chan");
    env.drop_file("notes.txt", "hello");
    fs::create_dir_all(env.inbox().join("sub.csv")).unwrap();
    let settled = filedrop::poll_inbox(&mut env.store, &sync(), &env.channel, &rules(), SETTLE).unwrap();
    assert_eq!((settled.files.len(), settled.waiting), (0, 1));
    assert_eq!(env.orders(), 0);
    // Two minutes later the writer is long done.
    let file = fs::File::options().write(true).open(env.inbox().join("fresh.csv")).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(120)).unwrap();
    let report = filedrop::poll_inbox(&mut env.store, &sync(), &env.channel, &rules(), SETTLE).unwrap();
    assert_eq!((report.files.len(), report.waiting, report.summary.inserted), (1, 0, 2));
    assert_eq!(
        names(&env.inbox()),
        [".hidden.csv", ".orders.csv.tmp", "done", "notes.txt", "orders.csv.tmp", "sub.csv"]
    );
}

/// Imports the good file and ships B-1 in two packages and B-2 in one.
fn shipped(backend: &pg::Backend) -> Env {
    let mut env = env(backend);
    env.drop_file("orders.csv", &good_file());
    env.poll();
    ship(&mut env.store, OrderNumber(1), 2);
    ship(&mut env.store, OrderNumber(2), 1);
    env
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_path(path).unwrap();
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

fn shipments_are_written_as_one_csv_and_their_rows_marked_sent(backend: &pg::Backend) {
    let mut env = shipped(backend);
    let due = env.store.outbox_due("b2b", "shipment", Utc::now(), 10).unwrap();
    assert_eq!(due.len(), 2);
    let sent = filedrop::write_shipments(&mut env.store, &sync(), &env.channel, Utc::now()).unwrap();
    assert_eq!(sent, 2);
    let files = names(&env.outbox());
    assert_eq!(files.len(), 1, "{files:?}");
    let name = &files[0];
    assert!(name.starts_with("shipments-") && name.ends_with(&format!("Z-{}.csv", due[0].id)), "{name}");
    let rows = read_csv(&env.outbox().join(name));
    assert_eq!(rows[0], SHIPMENT_COLUMNS);
    let picked: Vec<(&str, &str, &str, &str, &str)> =
        rows[1..].iter().map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str(), r[4].as_str(), r[6].as_str())).collect();
    assert_eq!(
        picked,
        [
            ("B-1", "B-1", "ORD-000001", "DHL Paket", "1"),
            ("B-1", "B-1", "ORD-000001", "DHL Paket", "2"),
            ("B-2", "B-2", "ORD-000002", "DHL Paket", "1"),
        ]
    );
    let tracking: Vec<String> = rows[1..].iter().map(|r| r[5].clone()).collect();
    let expected: Vec<String> = [OrderNumber(1), OrderNumber(2)]
        .into_iter()
        .flat_map(|n| env.store.shipments(n).unwrap().into_iter().map(|p| p.tracking))
        .collect();
    assert_eq!(tracking, expected);
    for row in &due {
        let row = env.store.outbox_row(row.id).unwrap().unwrap();
        assert_eq!((row.state, row.remote_id.as_deref(), row.attempts), (OutboxState::Sent, Some(name.as_str()), 1));
    }
    // Nothing more is due: no second file.
    assert_eq!(filedrop::write_shipments(&mut env.store, &sync(), &env.channel, Utc::now()).unwrap(), 0);
    assert_eq!(names(&env.outbox()).len(), 1);
}

fn nothing_is_written_when_nothing_is_pending(backend: &pg::Backend) {
    let mut env = env(backend);
    env.drop_file("orders.csv", &good_file());
    env.poll();
    assert_eq!(filedrop::write_shipments(&mut env.store, &sync(), &env.channel, Utc::now()).unwrap(), 0);
    assert_eq!(names(&env.outbox()), Vec::<String>::new());
}

fn rows_a_dead_run_already_wrote_are_marked_from_its_file_not_written_again(backend: &pg::Backend) {
    let mut env = shipped(backend);
    let due = env.store.outbox_due("b2b", "shipment", Utc::now(), 10).unwrap();
    // A run wrote the first row's file and died before marking it.
    env.store.outbox_begin_attempt(due[0].id).unwrap();
    fs::create_dir_all(env.outbox()).unwrap();
    let earlier = format!("shipments-20261120T091403Z-{}.csv", due[0].id);
    let line = format!("B-1,B-1,ORD-000001,DHL,DHL Paket,TRACK0001,1,2,2026-11-20T09:14:03Z,{}", due[0].id);
    fs::write(env.outbox().join(&earlier), format!("{}\n{line}\n", SHIPMENT_COLUMNS.join(","))).unwrap();
    // ...and a run that died mid-write left half a temporary file.
    let half = format!(".shipments-20261120T091500Z-{}.csv.tmp", due[1].id);
    fs::write(env.outbox().join(&half), "order_ref,exter").unwrap();
    let sent = filedrop::write_shipments(&mut env.store, &sync(), &env.channel, Utc::now()).unwrap();
    assert_eq!(sent, 2);
    let first = env.store.outbox_row(due[0].id).unwrap().unwrap();
    assert_eq!((first.state, first.remote_id.as_deref()), (OutboxState::Sent, Some(earlier.as_str())));
    let files = names(&env.outbox());
    assert_eq!(files.len(), 2, "{files:?}");
    let new = files.iter().find(|f| **f != earlier).unwrap();
    assert!(new.ends_with(&format!("-{}.csv", due[1].id)), "{new}");
    let rows = read_csv(&env.outbox().join(new));
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][9], due[1].id.to_string());
    let second = env.store.outbox_row(due[1].id).unwrap().unwrap();
    assert_eq!((second.state, second.remote_id.as_deref()), (OutboxState::Sent, Some(new.as_str())));
}

fn a_row_whose_file_was_taken_away_is_written_again(backend: &pg::Backend) {
    let mut env = shipped(backend);
    let due = env.store.outbox_due("b2b", "shipment", Utc::now(), 10).unwrap();
    env.store.outbox_begin_attempt(due[0].id).unwrap();
    let sent = filedrop::write_shipments(&mut env.store, &sync(), &env.channel, Utc::now()).unwrap();
    assert_eq!(sent, 2);
    let files = names(&env.outbox());
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(read_csv(&env.outbox().join(&files[0])).len(), 4);
    assert_eq!(env.store.outbox_row(due[0].id).unwrap().unwrap().attempts, 2);
}

fn a_missing_inbox_is_an_error_the_supervisor_sees(backend: &pg::Backend) {
    let mut env = env(backend);
    fs::remove_dir(env.inbox()).unwrap();
    let err = filedrop::poll_inbox(&mut env.store, &sync(), &env.channel, &rules(), Duration::ZERO).unwrap_err();
    assert!(err.to_string().starts_with("cannot list the inbox"), "{err}");
}

on_both_backends!(
    a_good_csv_is_stored_and_moved_to_done,
    a_file_with_one_bad_row_is_rejected_with_its_errors_and_stores_nothing,
    the_same_orders_dropped_twice_import_nothing_the_second_time,
    a_file_stored_but_not_moved_before_a_crash_is_read_again_as_unchanged,
    a_cancelled_jsonl_order_is_stored_cancelled,
    files_being_written_dotfiles_and_other_names_are_left_alone,
    shipments_are_written_as_one_csv_and_their_rows_marked_sent,
    nothing_is_written_when_nothing_is_pending,
    rows_a_dead_run_already_wrote_are_marked_from_its_file_not_written_again,
    a_row_whose_file_was_taken_away_is_written_again,
    a_missing_inbox_is_an_error_the_supervisor_sees,
);
