//! The binary as a user meets it: bad input gets one line and exit code 1 and
//! changes nothing; the console ends cleanly on SIGTERM and when its terminal
//! hangs up (run in a real pseudo-terminal).

#![allow(clippy::unwrap_used)]

mod common;

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// `packline` with HOME and XDG dirs inside `home`, so nothing touches the real ones.
fn packline(home: &Path) -> Command {
    common::packline_in(home)
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().unwrap()
}

fn stderr_line(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(text.trim_end().lines().count(), 1, "one line on stderr: {text:?}");
    text.trim_end().to_owned()
}

#[test]
fn a_file_that_is_not_a_store_is_refused_untouched() {
    let home = TempDir::new().unwrap();
    let file = home.path().join("notes.txt");
    std::fs::write(&file, "shopping list\n".repeat(200)).unwrap();
    let output = run(packline(home.path()).arg("--db").arg(&file).args(["demo", "--orders", "10"]));
    assert_eq!(output.status.code(), Some(1));
    let line = stderr_line(&output);
    assert!(line.contains("notes.txt") && line.contains("is not a packline store"), "{line}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "shopping list\n".repeat(200));
    assert!(!home.path().join("notes.txt-wal").exists());
}

#[test]
fn a_missing_directory_is_named() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("no/such/dir/p.db");
    let output = run(packline(home.path()).arg("--db").arg(&db).args(["demo", "--orders", "10"]));
    assert_eq!(output.status.code(), Some(1));
    let line = stderr_line(&output);
    assert!(line.contains("no/such/dir") && line.contains("does not exist"), "{line}");
}

#[test]
fn a_corrupt_config_names_the_file_and_line_and_writes_nothing() {
    let home = TempDir::new().unwrap();
    let config = home.path().join("bad.toml");
    std::fs::write(&config, "[station]\nname = \"PACK-1\"\nlevel = = 3\n").unwrap();
    let db = home.path().join("p.db");
    let output =
        run(packline(home.path()).arg("--config").arg(&config).arg("--db").arg(&db).args(["demo", "--orders", "10"]));
    assert_eq!(output.status.code(), Some(1));
    let line = stderr_line(&output);
    assert!(line.contains("bad.toml") && line.contains("line 3"), "{line}");
    assert!(!db.exists(), "nothing is written");
}

#[test]
fn a_missing_layout_file_is_named_and_nothing_is_written() {
    let home = TempDir::new().unwrap();
    let config = home.path().join("c.toml");
    std::fs::write(&config, "[layout]\nfile = \"/nonexistent/site.toml\"\n").unwrap();
    let db = home.path().join("p.db");
    let output = run(packline(home.path()).arg("--config").arg(&config).arg("--db").arg(&db));
    assert_eq!(output.status.code(), Some(1));
    let line = stderr_line(&output);
    assert!(line.contains("/nonexistent/site.toml") && line.contains("layout"), "{line}");
    assert!(!db.exists(), "nothing is written");
}

#[test]
fn bad_usage_exits_2() {
    let home = TempDir::new().unwrap();
    let output = run(packline(home.path()).args(["demo", "--orders", "many"]));
    assert_eq!(output.status.code(), Some(2));
    let output = run(packline(home.path()).arg("--frobnicate"));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn demo_prints_a_summary_and_tops_up() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("p.db");
    let output = run(packline(home.path()).arg("--db").arg(&db).args(["demo", "--orders", "400", "--seed", "7"]));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let first = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(first.contains("400"), "{first}");
    let output = run(packline(home.path()).arg("--db").arg(&db).args(["demo", "--orders", "100", "--seed", "7"]));
    assert!(output.status.success());
    let store = packline::store::Store::open(&db).unwrap();
    assert_eq!(store.totals().unwrap().orders, 500);
}

/// A console process on a pseudo-terminal of 100x30. The test holds the only
/// master fd (non-blocking, drained while waiting), so dropping it hangs up.
struct Console {
    child: Child,
    master: Option<std::fs::File>,
    screen: Vec<u8>,
}

impl Console {
    fn start(home: &Path, db: &Path) -> Self {
        use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC).unwrap();
        grantpt(&master).unwrap();
        unlockpt(&master).unwrap();
        let name = ptsname(&master, Vec::new()).unwrap();
        let size = rustix::termios::Winsize { ws_row: 30, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0 };
        rustix::termios::tcsetwinsize(&master, size).unwrap();
        rustix::fs::fcntl_setfl(&master, rustix::fs::OFlags::NONBLOCK).unwrap();
        let slave = std::fs::OpenOptions::new().read(true).write(true).open(name.to_str().unwrap()).unwrap();
        let child = packline(home)
            .arg("--db")
            .arg(db)
            .env("TERM", "xterm-256color")
            .stdin(slave.try_clone().unwrap())
            .stdout(slave.try_clone().unwrap())
            .stderr(slave)
            .spawn()
            .unwrap();
        Self { child, master: Some(std::fs::File::from(master)), screen: Vec::new() }
    }

    /// Reads whatever the console has written so far.
    fn pump(&mut self) {
        let Some(master) = self.master.as_mut() else { return };
        let mut buf = [0u8; 8192];
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            self.screen.extend_from_slice(&buf[..n]);
        }
    }

    /// Waits until the output contains `text` (or fails after 20 s).
    fn wait_for(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            self.pump();
            if String::from_utf8_lossy(&self.screen).contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("{text:?} never appeared: {:?}", String::from_utf8_lossy(&self.screen));
    }

    /// Waits for the process to end; returns how long it took and its exit status.
    fn wait_exit(&mut self, limit: Duration) -> (Duration, std::process::ExitStatus) {
        let started = Instant::now();
        loop {
            self.pump();
            if let Some(status) = self.child.try_wait().unwrap() {
                self.pump();
                return (started.elapsed(), status);
            }
            if started.elapsed() > limit {
                let _ = self.child.kill();
                panic!("still running after {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

fn seeded_store(home: &Path) -> std::path::PathBuf {
    let db = home.join("p.db");
    let output = run(packline(home).arg("--db").arg(&db).args(["demo", "--orders", "300"]));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    db
}

#[test]
fn sigterm_and_sighup_end_the_console_cleanly_within_a_second() {
    let home = TempDir::new().unwrap();
    let db = seeded_store(home.path());
    for signal in ["-TERM", "-HUP"] {
        let mut console = Console::start(home.path(), &db);
        console.wait_for("Sign in");
        let pid = console.child.id().to_string();
        assert!(Command::new("kill").args([signal, &pid]).status().unwrap().success());
        let (took, status) = console.wait_exit(Duration::from_secs(5));
        assert!(took < Duration::from_secs(1), "{signal}: took {took:?}");
        assert!(status.success(), "{signal}: {status:?}");
        // The terminal was given back: the alternate screen was left.
        assert!(
            String::from_utf8_lossy(&console.screen).contains("\u{1b}[?1049l"),
            "{signal}: alternate screen not left"
        );
    }
}

#[test]
fn a_hung_up_terminal_ends_the_console() {
    let home = TempDir::new().unwrap();
    let db = seeded_store(home.path());
    let mut console = Console::start(home.path(), &db);
    console.wait_for("Sign in");
    // Closing the master side is what a dropped SSH session does to the pty.
    drop(console.master.take());
    let (took, status) = console.wait_exit(Duration::from_secs(5));
    assert!(took < Duration::from_secs(2), "took {took:?}");
    // A clean exit, not an abort from writing to the dead terminal.
    assert!(status.success(), "{status:?}");
}

#[test]
fn ctrl_c_quits_from_sign_in_and_q_quits_once_signed_in() {
    use std::io::Write;
    let home = TempDir::new().unwrap();
    let db = seeded_store(home.path());
    let mut console = Console::start(home.path(), &db);
    console.wait_for("Sign in");
    console.master.as_mut().unwrap().write_all(b"\x03").unwrap();
    let (_took, status) = console.wait_exit(Duration::from_secs(5));
    assert!(status.success(), "{status:?}");
    // A badge typed as a scanner would (one burst and CR), then q.
    let mut console = Console::start(home.path(), &db);
    console.wait_for("Sign in");
    console.master.as_mut().unwrap().write_all(b"EMP-0002\r").unwrap();
    console.wait_for("Waves");
    std::thread::sleep(Duration::from_millis(200));
    console.master.as_mut().unwrap().write_all(b"q").unwrap();
    let (_took, status) = console.wait_exit(Duration::from_secs(5));
    assert!(status.success(), "{status:?}");
}

#[test]
fn scan_prints_one_json_line_per_input() {
    let home = TempDir::new().unwrap();
    let inputs =
        ["4006381333931", "]C1010950110153000317260630102402", "00106141411234567897", "4006381333932", "T0042"];
    let output = run(packline(home.path()).arg("scan").args(inputs).args(["--gs", "^"]));
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), inputs.len());
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["gtin", "gs1", "sscc", "gtin", "tote"]);
    assert_eq!(lines[1]["elements"][1]["date"], "2026-06-30");
    assert_eq!(lines[3]["error"], "check digit of 4006381333932 should be 1");
    assert!(lines[0]["error"].is_null() && lines[0].get("elements").is_none());
}

const CSV_HEADER: &str = "order_ref,channel,created_at,ship_by,customer_name,address1,address2,city,region,postcode,country,phone,email,service,sku,qty,unit_price,currency";

#[test]
fn import_is_all_or_nothing_and_idempotent() {
    let home = TempDir::new().unwrap();
    let db = home.path().join("p.db");
    let good = home.path().join("orders.csv");
    std::fs::write(
        &good,
        format!(
            "{CSV_HEADER}\n\
             A-1,webshop,2026-11-20T09:00:00Z,,Ana Lima,Rua Augusta 12,,Lisboa,,1100-053,PT,,,express,MUG-RED,2,12.50,EUR\n\
             A-1,webshop,2026-11-20T09:00:00Z,,Ana Lima,Rua Augusta 12,,Lisboa,,1100-053,PT,,,express,TEE-BLK-M,1,19.90,EUR\n\
             A-2,webshop,2026-11-20T10:00:00Z,,Jonas Berg,Hauptstr. 5,,Berlin,,10115,DE,,,standard,MUG-RED,1,12.50,EUR\n"
        ),
    )
    .unwrap();
    let output = run(packline(home.path()).arg("--db").arg(&db).arg("import").arg(&good));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let out = String::from_utf8_lossy(&output.stdout);
    // Neither order's SKUs are in this empty catalogue: both arrive held.
    assert!(out.contains("2 orders: 2 new (2 held, 0 ready, 0 backordered), 0 updated, 0 unchanged"), "{out}");
    // The same file again changes nothing.
    let output = run(packline(home.path()).arg("--db").arg(&db).arg("import").arg(&good));
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(out.contains("2 orders: 0 new (0 held, 0 ready, 0 backordered), 0 updated, 2 unchanged"), "{out}");
    // One bad row: named, and nothing from the file is imported.
    let bad = home.path().join("more.csv");
    std::fs::write(
        &bad,
        format!(
            "{CSV_HEADER}\n\
             B-1,webshop,2026-11-21T09:00:00Z,,Eva Novak,Main 1,,Praha,,11000,CZ,,,standard,MUG-RED,1,12.50,EUR\n\
             B-2,webshop,2026-11-21T09:00:00Z,,Liam Smith,High St 2,,London,,SW1A 1AA,GB,,,standard,MUG-RED,many,12.50,GBP\n"
        ),
    )
    .unwrap();
    let output = run(packline(home.path()).arg("--db").arg(&db).arg("import").arg(&bad));
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("more.csv row 3, field qty: \"many\" is not a whole number above 0"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    let store = packline::store::Store::open(&db).unwrap();
    assert_eq!(store.totals().unwrap().orders, 2);
}

#[test]
fn receipts_are_imported_all_or_nothing_entered_and_listed() {
    let home = TempDir::new().unwrap();
    let db = seeded_store(home.path());
    let list = |home: &Path| {
        let output = run(packline(home).arg("--db").arg(&db).args(["receipts", "list"]));
        assert!(output.status.success());
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let before = list(home.path());
    assert!(before.contains("PO-4500012") && before.contains("ASN-77801"), "the demo's deliveries: {before}");

    let header = "reference,supplier,expected_on,sku,qty,sscc,lot,expiry";
    let good = home.path().join("deliveries.csv");
    std::fs::write(
        &good,
        format!(
            "{header}\n\
             PO-1,Acme,2026-11-24,MUG-CER-250-SAG,24,,,\n\
             PO-1,Acme,2026-11-24,MUG-CER-250-MUS,12,,,\n\
             ASN-9,Baltic Textiles,,MUG-CER-250-SAG,6,106141411234567897,L1,2027-06-30\n"
        ),
    )
    .unwrap();
    let output = run(packline(home.path()).arg("--db").arg(&db).args(["receipts", "import"]).arg(&good));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("2 deliveries expected, 42 units"));
    let after = list(home.path());
    assert!(after.contains("PO-1\tAcme\t2026-11-24\texpected\t2 lines\t36 expected"), "{after}");
    assert!(after.contains("ASN-9\tBaltic Textiles\t-\texpected\t1 lines\t6 expected"), "{after}");

    // The same file again: the references are known, nothing is added.
    let output = run(packline(home.path()).arg("--db").arg(&db).args(["receipts", "import"]).arg(&good));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_line(&output).contains("delivery PO-1 is already known; nothing was imported"));
    // A bad row is named and the file imports nothing.
    let bad = home.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("{header}\nPO-2,Acme,,MUG-CER-250-SAG,5,,,\nPO-3,Acme,,MUG-CER-250-SAG,5,106141411234567890,,\n"),
    )
    .unwrap();
    let output = run(packline(home.path()).arg("--db").arg(&db).args(["receipts", "import"]).arg(&bad));
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("bad.csv row 3, field sscc"), "{err}");
    assert_eq!(list(home.path()), after, "nothing imported");

    // A supervisor enters one by hand.
    let expect = |home: &Path| {
        run(packline(home).arg("--db").arg(&db).args([
            "receipts",
            "expect",
            "PO-77",
            "--supplier",
            "Acme",
            "--by",
            "EMP-0001",
            "MUG-CER-250-SAG=10",
        ]))
    };
    let output = expect(home.path());
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("PO-77: expected from Acme, 1 lines, 10 units"));
    assert_eq!(expect(home.path()).status.code(), Some(1), "a reference is entered once");
    let output = run(packline(home.path()).arg("--db").arg(&db).args(["receipts", "expect", "PO-78", "MUG=lots"]));
    assert_eq!(output.status.code(), Some(2), "bad usage");

    // The replenishment report counts what open deliveries bring.
    let output = run(packline(home.path()).arg("--db").arg(&db).args(["report", "replenishment", "--format", "json"]));
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["report"], "replenishment");
    let rows = json["rows"].as_array().unwrap();
    assert_eq!(json["skus"].as_u64().unwrap() as usize, rows.len());
    assert!(rows.iter().any(|r| r["inbound"].as_u64().unwrap() > 0), "the demo orders what runs low: {json}");
    // Each row is the inventory report's reorder, less what is on its way.
    let output = run(packline(home.path()).arg("--db").arg(&db).args(["report", "inventory", "--format", "json"]));
    let inventory: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    for row in rows {
        let sku = row["sku"].as_str().unwrap();
        let health = inventory["rows"].as_array().unwrap().iter().find(|r| r["sku"] == sku).unwrap();
        assert_eq!(row["reorder_point"], health["reorder_point"], "{sku}");
        let wanted = health["suggested_order"].as_u64().unwrap();
        assert_eq!(
            row["suggested_order"].as_u64().unwrap(),
            wanted.saturating_sub(row["inbound"].as_u64().unwrap()),
            "{sku}"
        );
    }
}
