//! The three writers on one small report: alignment by terminal width,
//! JSON shape and key order, CSV quoting and empty fields.

use super::*;

fn sample(rows: Vec<Vec<Value>>) -> Report {
    Report {
        name: "sample",
        facts: vec![("window_days", Value::Count(90))],
        summary: "Sample: two rows.".to_owned(),
        empty: "Nothing here.".to_owned(),
        columns: vec![Column::left("sku", "SKU"), Column::right("units", "UNITS"), Column::left("note", "NOTE")],
        rows,
    }
}

fn rows() -> Vec<Vec<Value>> {
    vec![
        vec![Value::Text("TEE-BLK-M".into()), Value::Count(12_345), Value::Text("free bin, \"near\"".into())],
        vec![Value::Text("MÜSLI-日本".into()), Value::Count(7), Value::Null],
    ]
}

fn written(report: &Report, format: Format) -> String {
    let mut out = Vec::new();
    report.write(format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_table_aligns_by_terminal_width() {
    let text = written(&sample(rows()), Format::Table);
    let expected = "\
Sample: two rows.

SKU          UNITS  NOTE
TEE-BLK-M   12,345  free bin, \"near\"
MÜSLI-日本       7  -
";
    assert_eq!(text, expected);
    // Every line's NOTE column starts at the same terminal column.
    let starts: Vec<usize> = text.lines().skip(2).map(|l| l.split("  ").next().unwrap().width()).collect();
    assert!(starts.iter().all(|&w| w <= 12), "{starts:?}");
}

#[test]
fn an_empty_table_says_so() {
    assert_eq!(written(&sample(Vec::new()), Format::Table), "Sample: two rows.\nNothing here.\n");
}

#[test]
fn json_is_one_object_with_rows_keyed_by_column() {
    let text = written(&sample(rows()), Format::Json);
    assert_eq!(text.lines().count(), 1);
    assert!(text.starts_with(r#"{"report":"sample","window_days":90,"rows":[{"sku":"TEE-BLK-M","units":12345,"#));
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["rows"][1]["sku"], "MÜSLI-日本");
    assert_eq!(value["rows"][1]["note"], serde_json::Value::Null);
    assert_eq!(value["rows"].as_array().unwrap().len(), 2);
    let empty: serde_json::Value = serde_json::from_str(&written(&sample(Vec::new()), Format::Json)).unwrap();
    assert_eq!(empty["rows"], serde_json::json!([]));
}

#[test]
fn csv_has_a_header_and_quotes_what_needs_it() {
    let text = written(&sample(rows()), Format::Csv);
    assert_eq!(text, "sku,units,note\nTEE-BLK-M,12345,\"free bin, \"\"near\"\"\"\nMÜSLI-日本,7,\n");
    assert_eq!(written(&sample(Vec::new()), Format::Csv), "sku,units,note\n");
}

/// A reader that went away (`packline report slotting | head`).
struct ClosedPipe;

impl Write for ClosedPipe {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        Err(io::ErrorKind::BrokenPipe.into())
    }

    fn flush(&mut self) -> io::Result<()> {
        Err(io::ErrorKind::BrokenPipe.into())
    }
}

#[test]
fn a_closed_pipe_is_reported_as_one_in_every_format() {
    let many: Vec<Vec<Value>> = (0..5_000).flat_map(|_| rows()).collect();
    for format in [Format::Table, Format::Json, Format::Csv] {
        let e = sample(many.clone()).write(format, &mut io::BufWriter::new(ClosedPipe)).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::BrokenPipe, "{format:?}: {e}");
    }
}
