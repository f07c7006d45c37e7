//! `packline route` as a user meets it: one JSON line in DESIGN's shape, the
//! configured layout when `--layout` is left out, one-line errors.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

const DEMO_LAYOUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/layouts/demo.toml");

/// `packline` with HOME and XDG dirs inside `home`, so nothing touches the real ones.
fn packline(home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_packline"));
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    cmd
}

fn route(home: &Path, args: &[&str]) -> Output {
    packline(home).arg("route").args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr_line(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(text.trim_end().lines().count(), 1, "one line on stderr: {text:?}");
    text.trim_end().to_owned()
}

const BINS: [&str; 6] = ["07-012-A", "03-017-B", "01-002-A", "11-024-C", "03-017-B", "05-003-D"];

#[test]
fn prints_one_json_line_in_the_designed_shape() {
    let home = TempDir::new().unwrap();
    let out = stdout(&route(home.path(), &[&["--layout", DEMO_LAYOUT], &BINS[..]].concat()));
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("{\"method\": \"optimal\", \"distance_m\": "), "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 3);
    let sequence: Vec<&str> = json["sequence"].as_array().unwrap().iter().map(|b| b.as_str().unwrap()).collect();
    let mut sorted = sequence.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["01-002-A", "03-017-B", "05-003-D", "07-012-A", "11-024-C"], "each bin once");
    let distance = json["distance_m"].as_f64().unwrap();
    assert!(distance > 0.0 && (distance * 10.0 - (distance * 10.0).round()).abs() < 1e-9, "{distance}");
}

#[test]
fn every_method_is_accepted_and_optimal_is_shortest() {
    let home = TempDir::new().unwrap();
    let distance = |method: &str| {
        let out = stdout(&route(home.path(), &[&["--layout", DEMO_LAYOUT, "--method", method], &BINS[..]].concat()));
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(json["method"], method);
        assert_eq!(json["sequence"].as_array().unwrap().len(), 5);
        json["distance_m"].as_f64().unwrap()
    };
    let optimal = distance("optimal");
    for method in ["s-shape", "largest-gap", "zone"] {
        assert!(optimal <= distance(method), "{method}");
    }
}

#[test]
fn the_configured_layout_is_used_without_layout() {
    let home = TempDir::new().unwrap();
    // Without a config: the bundled demo layout, the same route as the file.
    let bundled = stdout(&route(home.path(), &BINS));
    assert_eq!(bundled, stdout(&route(home.path(), &[&["--layout", DEMO_LAYOUT], &BINS[..]].concat())));
    // A configured two-aisle layout refuses aisle 7.
    let site = home.path().join("site.toml");
    std::fs::write(
        &site,
        "[layout]\naisles = 2\nbays = 30\naisle_pitch_m = 3.0\nbay_depth_m = 1.0\ncross_aisle_m = 2.0\n\
         depot_aisle = 1\nlevels = \"ABCD\"\n",
    )
    .unwrap();
    let config = home.path().join("c.toml");
    std::fs::write(&config, format!("[layout]\nfile = {:?}\n", site.display().to_string())).unwrap();
    let output = packline(home.path()).arg("--config").arg(&config).args(["route", "07-012-A"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let line = stderr_line(&output);
    assert!(line.contains("07-012-A") && line.contains("aisles 01-02"), "{line}");
    let ok = packline(home.path()).arg("--config").arg(&config).args(["route", "02-030-D"]).output().unwrap();
    // Aisle 2 at 3 m, bay 30 at y = 1 + 29.5 = 30.5 of Y = 32: there and back by the front.
    assert_eq!(stdout(&ok), "{\"method\": \"optimal\", \"distance_m\": 67.0, \"sequence\": [\"02-030-D\"]}\n");
}

#[test]
fn bad_bins_and_methods_are_refused() {
    let home = TempDir::new().unwrap();
    let output = route(home.path(), &["--layout", DEMO_LAYOUT, "03-017-B", "3-17-B"]);
    assert_eq!(output.status.code(), Some(1));
    let line = stderr_line(&output);
    assert!(line.contains("\"3-17-B\" is not a bin code"), "{line}");
    let output = route(home.path(), &["--layout", DEMO_LAYOUT, "13-001-A"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_line(&output).contains("bin 13-001-A is not in the layout"));
    let output = route(home.path(), &["--layout", DEMO_LAYOUT, "--method", "shortest", "03-017-B"]);
    assert_eq!(output.status.code(), Some(2), "bad usage");
    let output = route(home.path(), &["--layout", "/nonexistent/site.toml", "03-017-B"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_line(&output).contains("/nonexistent/site.toml"));
}

#[test]
fn no_bins_is_an_empty_route() {
    let home = TempDir::new().unwrap();
    let out = stdout(&route(home.path(), &["--layout", DEMO_LAYOUT]));
    assert_eq!(out, "{\"method\": \"optimal\", \"distance_m\": 0.0, \"sequence\": []}\n");
}
