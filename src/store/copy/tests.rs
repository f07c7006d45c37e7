//! The copy's pure parts: table order, statements, values, digests.

use super::plan::*;
use super::verify::*;
use super::*;

fn table(name: &str, parents: &[&str]) -> Table {
    Table {
        name: name.into(),
        columns: vec!["id".into(), "note".into()],
        kinds: vec![Kind::Int, Kind::Text],
        key: vec!["id".into()],
        identity: vec!["id".into()],
        source: Source::Rows { rowid: true },
        parents: parents.iter().map(|p| (*p).to_owned()).collect(),
    }
}

#[test]
fn parents_come_before_the_tables_that_reference_them() {
    let tables = vec![
        table("reservations", &["order_lines", "stock"]),
        table("order_lines", &["orders", "skus"]),
        table("orders", &["channels"]),
        table("stock", &["skus"]),
        table("skus", &[]),
        table("channels", &[]),
    ];
    let order: Vec<String> = parents_first(tables).unwrap().into_iter().map(|t| t.name).collect();
    assert_eq!(order, ["channels", "orders", "skus", "order_lines", "stock", "reservations"]);
}

#[test]
fn a_cycle_or_a_missing_parent_is_refused() {
    let cycle = parents_first(vec![table("a", &["b"]), table("b", &["a"])]).unwrap_err();
    assert!(cycle.to_string().contains("cycle"), "{cycle}");
    let missing = parents_first(vec![table("a", &["nowhere"])]).unwrap_err();
    assert!(missing.to_string().contains("nowhere"), "{missing}");
}

#[test]
fn inserts_number_every_parameter_and_quote_every_name() {
    assert_eq!(
        insert_sql(&table("order_holds", &[]), 2),
        r#"INSERT INTO "order_holds" ("id", "note") VALUES (?1, ?2), (?3, ?4)"#
    );
    assert_eq!(quote(r#"we"ird"#), r#""we""ird""#);
}

#[test]
fn values_fit_their_postgres_column_or_are_refused() {
    assert_eq!(fit(Value::Int(3), Kind::Real), Ok(Value::Real(3.0)));
    assert_eq!(fit(Value::Null, Kind::Int), Ok(Value::Null));
    assert_eq!(fit(Value::Text("x".into()), Kind::Blob), Ok(Value::Blob(b"x".to_vec())));
    let refused = fit(Value::Text("soon".into()), Kind::Int).unwrap_err();
    assert_eq!(refused, r#"holds the text "soon" where PostgreSQL keeps an integer"#);
    assert!(fit(Value::Real(1.5), Kind::Int).is_err());
}

#[test]
fn the_digest_ignores_row_order_but_not_contents() {
    let (a, b) = (vec![Value::Int(1), Value::Text("x".into())], vec![Value::Int(2), Value::Null]);
    let (mut one, mut two, mut other) = (Tally::default(), Tally::default(), Tally::default());
    one.add(&a);
    one.add(&b);
    two.add(&b);
    two.add(&a);
    other.add(&a);
    other.add(&[Value::Int(2), Value::Text(String::new())]);
    assert_eq!(one, two);
    assert_ne!(one.digest, other.digest);
}
