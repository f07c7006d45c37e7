//! The file drop's pure parts: which names are read, free names, temporary
//! names no reader takes, and rows of another channel.

use super::*;
use crate::sync::config::ChannelKind;

fn channel(dir: &Path) -> ChannelConfig {
    ChannelConfig {
        name: "b2b".into(),
        kind: ChannelKind::File,
        title: None,
        base_url: None,
        token_file: None,
        inbox: Some(dir.join("in")),
        outbox: Some(dir.join("out")),
        enabled: true,
    }
}

fn rules() -> RulesConfig {
    crate::config::Config::from_texts(None, "test").unwrap().config.rules
}

const HEADER: &str = "order_ref,channel,created_at,ship_by,customer_name,address1,address2,city,region,postcode,country,phone,email,service,sku,qty,unit_price,currency";

fn row(order_ref: &str, channel: &str, qty: &str) -> String {
    format!(
        "{order_ref},{channel},2026-11-20T09:00:00Z,,Jonas Berg,Hauptstr. 5,,Berlin,,10115,DE,,,standard,MUG,{qty},12.50,EUR"
    )
}

#[test]
fn only_order_files_that_are_not_dotfiles_are_read() {
    for name in ["orders.csv", "ORDERS.CSV", "a.jsonl", "b.ndjson", "x.y.csv"] {
        assert!(is_order_file(name), "{name}");
    }
    for name in [".orders.csv", ".orders.csv.tmp", "orders.csv.tmp", "orders.txt", "csv", "orders.csv.part", "done"] {
        assert!(!is_order_file(name), "{name}");
    }
}

#[test]
fn a_temporary_name_is_a_dotfile_no_reader_takes() {
    let name = "shipments-20261120T091403Z-17.csv";
    let temp = temp_name(name);
    assert_eq!(temp, ".shipments-20261120T091403Z-17.csv.tmp");
    assert!(!is_order_file(&temp));
    assert!(!is_shipment_file(&temp));
    assert!(is_shipment_file(name));
}

#[test]
fn a_taken_name_gets_a_number_and_nothing_is_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(free_name(dir.path(), "orders.csv"), "orders.csv");
    fs::write(dir.path().join("orders.csv"), "a").unwrap();
    assert_eq!(free_name(dir.path(), "orders.csv"), "orders-2.csv");
    fs::write(dir.path().join("orders-2.csv"), "b").unwrap();
    assert_eq!(free_name(dir.path(), "orders.csv"), "orders-3.csv");
    fs::write(dir.path().join("README"), "c").unwrap();
    assert_eq!(free_name(dir.path(), "README"), "README-2");
    let source = dir.path().join("new.csv");
    fs::write(&source, "new").unwrap();
    let moved = move_into(&source, &dir.path().join("done"), "orders.csv").unwrap();
    assert_eq!(moved, dir.path().join("done/orders.csv"));
    fs::write(&source, "newer").unwrap();
    let again = move_into(&source, &dir.path().join("done"), "orders.csv").unwrap();
    assert_eq!(again, dir.path().join("done/orders-2.csv"));
    assert_eq!(fs::read_to_string(moved).unwrap(), "new");
}

#[test]
fn a_row_of_another_channel_is_an_error_of_that_row() {
    let dir = tempfile::tempdir().unwrap();
    let text = [HEADER.to_owned(), row("1", "b2b", "1"), row("2", "shop", "1"), row("3", "b2b", "x")].join("\n");
    let errors = read_orders("o.csv", text.as_bytes(), &channel(dir.path()), &rules()).unwrap_err();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 2, "{shown:?}");
    assert!(shown[0].starts_with("o.csv row 3, field channel: \"shop\" is not \"b2b\""), "{shown:?}");
    assert!(shown[1].starts_with("o.csv row 4, field qty:"), "{shown:?}");
    let good = [HEADER.to_owned(), row("1", "b2b", "1"), row("1", "b2b", "2")].join("\n");
    let orders = read_orders("o.csv", good.as_bytes(), &channel(dir.path()), &rules()).unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!((orders[0].order.channel.as_str(), orders[0].order.lines.len()), ("b2b", 2));
    assert_eq!(orders[0].cancelled_at, None);
}

#[test]
fn a_byte_order_mark_is_read_and_bad_bytes_are_named_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("\u{feff}{HEADER}\n{}", row("1", "b2b", "1"));
    assert_eq!(read_orders("o.csv", text.as_bytes(), &channel(dir.path()), &rules()).unwrap().len(), 1);
    let mut bytes = format!("{HEADER}\n{}\n", row("1", "b2b", "1")).into_bytes();
    bytes.extend_from_slice(b"2,b2b,\xff\n");
    let errors = read_orders("o.csv", &bytes, &channel(dir.path()), &rules()).unwrap_err();
    assert_eq!(errors[0].to_string(), "o.csv row 3: is not UTF-8 text");
}

#[test]
fn a_channel_without_folders_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut rest = channel(dir.path());
    rest.inbox = None;
    assert!(matches!(folders(&rest), Err(FileDropError::NotAFileChannel(name)) if name == "b2b"));
}
