//! Labels proven by reading them back: the ZPL is rendered to an image
//! (labelize, at 8 dots per mm = 203 dpi) and every barcode on it decoded
//! (rxing); the printer paths are checked against a loopback listener and a
//! temporary spool folder.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use packline::domain::shipment::{Sscc, TrackingNumber};
use packline::domain::{Address, OrderNumber};
use packline::labels::zpl::SHEET_QUANTITIES;
use packline::labels::{LabelData, Printer, SlipData, SlipLine, command_sheet, packing_slip, send, shipping_label};
use packline::scan::{self, ParseOptions, Scan};
use rxing::{BarcodeFormat, DecodeHints, RXingResultMetadataType, RXingResultMetadataValue};

/// One decoded barcode: its text and AIM symbology identifier (`]C1` is GS1-128).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Read1d {
    text: String,
    symbology: String,
}

/// Renders every label in `zpl` as a 4x6 inch, 203 dpi image (PNG bytes),
/// 812 x 1218 dots. With `LABELS_PNG_DIR` set, the images are also written
/// there as `<name>-<page>.png` to look at.
fn render(name: &str, zpl: &str) -> Vec<Vec<u8>> {
    let labels = labelize::parse_labels(labelize::Language::Zpl, zpl.as_bytes(), 8).expect("the ZPL parses");
    // 8 dots per mm: 812 / 8 and 1218 / 8 mm give the printer's whole dots.
    let options =
        labelize::DrawerOptions { label_width_mm: 101.5, label_height_mm: 152.25, dpmm: 8, ..Default::default() };
    let keep = std::env::var_os("LABELS_PNG_DIR").map(std::path::PathBuf::from);
    labels
        .iter()
        .enumerate()
        .map(|(page, label)| {
            let mut png = Cursor::new(Vec::new());
            labelize::Renderer::new().draw_label_as_png(label, &mut png, options.clone()).expect("the label renders");
            if let Some(dir) = &keep {
                std::fs::write(dir.join(format!("{name}-{}.png", page + 1)), png.get_ref()).unwrap();
            }
            png.into_inner()
        })
        .collect()
}

/// Every Code 128 symbol rxing finds on one rendered label.
fn decode(png: &[u8]) -> Vec<Read1d> {
    let mut hints = DecodeHints {
        PossibleFormats: Some([BarcodeFormat::CODE_128].into_iter().collect()),
        TryHarder: Some(true),
        ..Default::default()
    };
    let results = rxing::helpers::detect_multiple_in_buffer_with_hints(png, &mut hints).unwrap_or_default();
    let mut reads: Vec<Read1d> = results
        .iter()
        .map(|r| {
            let symbology = match r.getRXingResultMetadata().get(&RXingResultMetadataType::SYMBOLOGY_IDENTIFIER) {
                Some(RXingResultMetadataValue::SymbologyIdentifier(id)) => id.clone(),
                _ => String::new(),
            };
            Read1d { text: r.getText().to_owned(), symbology }
        })
        .collect();
    reads.sort();
    reads.dedup();
    reads
}

/// What the console makes of a decoded symbol, sent as a scanner would (AIM prefix first).
fn as_scanned(read: &Read1d) -> Scan {
    let options = ParseOptions { gs_substitute: None, today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() };
    let raw = if read.symbology == "]C1" { format!("]C1{}", read.text) } else { read.text.clone() };
    scan::parse(&raw, &options).unwrap_or_else(|e| panic!("{raw:?} does not scan: {e}"))
}

fn address(name: &str, address1: &str, city: &str, postcode: &str, country: &str) -> Address {
    Address {
        name: name.into(),
        address1: address1.into(),
        address2: String::new(),
        city: city.into(),
        region: String::new(),
        postcode: postcode.into(),
        country: country.into(),
        phone: String::new(),
        email: String::new(),
    }
}

fn label_data() -> LabelData {
    let mut ship_to = address("Zoë ^XZ~JA Müller_", "Hauptstraße 5 ^FO0,0", "Łódź", "90-001", "PL");
    ship_to.address2 = "Hinterhaus, 3. OG links, bei Schmidt-Nowak".into();
    LabelData {
        ship_from: address("Packline Demo Warehouse", "Lagerweg 1", "Hamburg", "20457", "DE"),
        ship_to,
        carrier: "UPS Standard".into(),
        service: "standard".into(),
        order: OrderNumber(123),
        package: 1,
        packages: 2,
        weight_grams: Some(2_350),
        tracking: TrackingNumber::ups("999AA1", 1, 2_345_678).unwrap(),
        sscc: Sscc::new("4012345", 3, 1).unwrap(),
    }
}

#[test]
fn shipping_label_tracking_and_sscc_read_back_exactly() {
    let data = label_data();
    let zpl = shipping_label(&data);
    let pages = render("shipping-label", &zpl);
    assert_eq!(pages.len(), 1);
    let image = image_size(&pages[0]);
    assert_eq!(image, (812, 1218), "4x6 inches at 203 dpi");
    let reads = decode(&pages[0]);
    assert_eq!(reads.len(), 2, "two barcodes: {reads:?}");

    let tracking = reads.iter().find(|r| r.text.starts_with("1Z")).expect("the tracking number reads");
    assert_eq!(tracking.text, "1Z999AA10123456784");
    assert_eq!(tracking.text, data.tracking.as_str());
    assert_eq!(as_scanned(tracking), Scan::Tracking("1Z999AA10123456784".into()));

    // GS1-128: FNC1 first (symbology ]C1), then AI 00 and the 18 digits.
    let sscc = reads.iter().find(|r| r.symbology == "]C1").expect("a GS1-128 symbol reads");
    let element = sscc.text.trim_start_matches("]C1").replace('\u{1d}', "");
    assert_eq!(element, "00340123450000000017");
    assert_eq!(element, data.sscc.element_string());
    assert_eq!(as_scanned(sscc), Scan::Sscc("340123450000000017".into()));
    assert!(zpl.contains("^FD(00) 3 4012345 000000001 7^FS"), "human-readable SSCC line");
}

#[test]
fn untrusted_text_cannot_end_the_label() {
    let zpl = shipping_label(&label_data());
    assert_eq!(zpl.matches("^XA").count(), 1);
    assert_eq!(zpl.matches("^XZ").count(), 1);
    assert!(zpl.trim_end().ends_with("^XZ"));
    assert!(!zpl.contains('~'), "no control command can appear");
    assert!(!zpl.contains("^FO0,0"), "no field can be injected");
    assert!(zpl.contains("^CI28"), "UTF-8 field data");
    assert!(zpl.contains("^FH_^FDZoë _5EXZ_7EJA Müller_5F^FS"), "{zpl}");
    assert!(zpl.contains("^FH_^FD90-001 Łódź^FS"), "non-ASCII survives");
    assert!(
        zpl.contains("^FH_^FDHinterhaus, 3. OG links, bei Schmidt-Nowak^FS"),
        "a long line is set smaller, not cut"
    );
    // Every field placed is closed.
    assert_eq!(zpl.matches("^FO").count(), zpl.matches("^FS").count());
}

#[test]
fn command_sheet_reads_back_every_code() {
    let quantities: Vec<u32> = SHEET_QUANTITIES.collect();
    let cartons: Vec<String> = ["XS", "S", "M", "L", "XL", "MAILER-LARGE-2", "bad code"].map(String::from).to_vec();
    let zpl = command_sheet(&scan::barcode::COMMANDS, &quantities, &cartons);
    let mut want: BTreeSet<String> = scan::barcode::COMMANDS.iter().map(|c| format!("CMD-{c}")).collect();
    want.extend(quantities.iter().map(|q| format!("QTY-{q}")));
    want.extend(["XS", "S", "M", "L", "XL", "MAILER-LARGE-2"].map(|c| format!("BOX-{c}")));
    let pages = render("command-sheet", &zpl);
    assert!(pages.len() >= 2, "{} pages", pages.len());
    let mut got = BTreeSet::new();
    for page in &pages {
        for read in decode(page) {
            assert!(got.insert(read.text.clone()), "{} printed twice", read.text);
        }
    }
    assert_eq!(got, want);
    for code in &got {
        let scan = as_scanned(&Read1d { text: code.clone(), symbology: "]C0".into() });
        assert!(matches!(scan, Scan::Command(_) | Scan::Quantity(_) | Scan::Carton(_)), "{code}: {scan:?}");
    }
}

#[test]
fn packing_slip_runs_onto_more_pages_with_the_order_barcode_on_each() {
    let lines = (1..=27)
        .map(|i| SlipLine { sku: format!("SKU-{i:03}"), title: format!("Mug ~ red {i}"), qty: i % 3 + 1 })
        .collect();
    let data = SlipData {
        order: OrderNumber(4_711),
        customer: "Zoë Müller".into(),
        lines,
        gift_note: Some("Happy birthday! ^XZ Love, Grandma".into()),
    };
    let zpl = packing_slip(&data);
    let pages = render("packing-slip", &zpl);
    assert_eq!(pages.len(), 2);
    for (i, page) in pages.iter().enumerate() {
        let reads = decode(page);
        assert_eq!(reads.iter().map(|r| r.text.as_str()).collect::<Vec<_>>(), ["ORD-004711"], "page {}", i + 1);
    }
    assert!(zpl.contains("page 2 of 2"));
    assert!(zpl.contains("Happy birthday! _5EXZ Love, Grandma"));
    assert!(zpl.contains("Mug _7E red 27"));
    assert_eq!(zpl.matches("^XZ").count(), 2);
}

#[test]
fn a_tcp_printer_receives_exactly_the_job() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let printer = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        socket.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut job = Vec::new();
        socket.read_to_end(&mut job).unwrap();
        job
    });
    let zpl = shipping_label(&label_data());
    let tcp = Printer::Tcp { host: "127.0.0.1".into(), port, timeout: Duration::from_secs(5) };
    send(&tcp, "label-ORD-000123-1", &zpl).unwrap();
    assert_eq!(printer.join().unwrap(), zpl.as_bytes());
}

#[test]
fn a_printer_that_keeps_the_connection_open_does_not_hold_the_station() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut job = Vec::new();
        socket.read_to_end(&mut job).unwrap();
        tx.send(job).unwrap();
        // Never closes its side until the test is long over.
        std::thread::sleep(Duration::from_secs(10));
    });
    let started = Instant::now();
    let tcp = Printer::Tcp { host: "127.0.0.1".into(), port, timeout: Duration::from_secs(5) };
    send(&tcp, "job", "^XA^XZ").unwrap();
    assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
    assert_eq!(rx.recv_timeout(Duration::from_secs(5)).unwrap(), b"^XA^XZ");
}

#[test]
fn a_refused_connection_names_the_printer_promptly() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let started = Instant::now();
    let tcp = Printer::Tcp { host: "127.0.0.1".into(), port, timeout: Duration::from_secs(3) };
    let err = send(&tcp, "job", "^XA^XZ").unwrap_err().to_string();
    assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(err.starts_with("cannot reach the printer at"), "{err}");
}

#[test]
fn a_spooled_job_is_one_complete_file() {
    let dir = tempfile::tempdir().unwrap();
    let spool_dir = dir.path().join("spool");
    let zpl = shipping_label(&label_data());
    send(&Printer::Spool { dir: spool_dir.clone() }, "label-ORD-000123-1", &zpl).unwrap();
    let files: Vec<_> = std::fs::read_dir(&spool_dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_str().unwrap();
    assert!(name.ends_with("-label-ORD-000123-1.zpl"), "{name}");
    assert_eq!(std::fs::read_to_string(&files[0]).unwrap(), zpl);
}

#[test]
fn an_unwritable_spool_folder_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "").unwrap();
    let err = send(&Printer::Spool { dir: blocker.clone() }, "job", "^XA^XZ").unwrap_err().to_string();
    assert!(err.contains(&blocker.display().to_string()), "{err}");
}

#[test]
fn print_commands_writes_the_sheet_with_the_configured_cartons() {
    let home = tempfile::tempdir().unwrap();
    let packline = || {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_packline"));
        cmd.env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .stdin(std::process::Stdio::null());
        cmd
    };
    let output = packline().args(["print", "commands"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let zpl = String::from_utf8(output.stdout).unwrap();
    assert!(zpl.starts_with("^XA") && zpl.trim_end().ends_with("^XZ"), "{zpl}");
    for code in ["CMD-CONFIRM", "CMD-REPRINT", "QTY-2", "QTY-12", "BOX-M"] {
        assert!(zpl.contains(&format!(">:{code}^FS")), "{code} is on the sheet");
    }
    let file = home.path().join("sheet.zpl");
    let output = packline().args(["print", "commands", "--out"]).arg(&file).output().unwrap();
    assert!(output.status.success() && output.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), zpl);
}

#[test]
fn printer_and_shipper_come_from_the_config() {
    use packline::config::Config;
    let config = Config::from_texts(Some("[store]\npath = \"/srv/p/packline.db\"\n"), "u").unwrap().config;
    let store = config.store_path(None).unwrap();
    assert_eq!(config.printer.printer(&store), Printer::Spool { dir: "/srv/p/spool".into() });
    assert_eq!(config.shipper.ship_from().country, "DE");
    let sscc = config.shipper.sscc(42).unwrap();
    assert_eq!(sscc.as_str(), "006141410000000425", "GS1's example prefix until one is set");
    assert_eq!(sscc.as_str().parse::<Sscc>(), Ok(sscc));
    let text = "[printer]\nkind = \"tcp\"\nhost = \"10.1.2.3\"\ntimeout_ms = 800\n";
    let config = Config::from_texts(Some(text), "u").unwrap().config;
    let want = Printer::Tcp { host: "10.1.2.3".into(), port: 9100, timeout: Duration::from_millis(800) };
    assert_eq!(config.printer.printer(&store), want);
    let err = |text: &str| Config::from_texts(Some(text), "u.toml").unwrap_err().to_string();
    assert!(err("[printer]\nkind = \"tcp\"\n").contains("printer.host must name the label printer"));
    assert!(err("[printer]\nkind = \"usb\"\n").contains("unknown variant `usb`"));
    assert!(err("[shipper]\ngs1_company_prefix = \"12\"\n").contains("shipper.gs1_company_prefix: "));
    assert!(err("[shipper]\ncarrier_account = \"ACCOUNT-1\"\n").contains("shipper.carrier_account: "));
}

/// Width and height of a PNG (from its header).
fn image_size(png: &[u8]) -> (u32, u32) {
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!(&png[1..4], b"PNG");
    (word(16), word(20))
}
