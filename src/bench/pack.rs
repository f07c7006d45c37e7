//! The pack station's figures:
//!
//! - `pack_scan_p99`: a real console on a pseudo-terminal (as
//!   `scan_to_frame_p99` drives it), signed in by a packer's badge, opens
//!   picked orders by their order number and is sent every unit's SKU as a
//!   wedge scanner types it; each sample runs from the write to the read
//!   after which the screen shows the order's new count ("k of n units").
//!   The floor is the same bytes echoed through a raw pseudo-terminal.
//! - `label_time`: one package's documents, its shipping label and the
//!   packing slip in ZPL, against formatting the same fields into a plain
//!   string.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::Utc;

use super::latency::{COLS, PtyChild, ROWS, echo_floor};
use super::report::{Budget, Figure};
use super::{Plan, percentile};
use crate::config::Config;
use crate::domain::queue::{PageFrom, QueueFilter, QueueQuery, QueueSort};
use crate::domain::{Address, OrderNumber, OrderStatus};
use crate::errors::{Error, Result};
use crate::labels::{LabelData, ShipperConfig, SlipData, SlipLine, packing_slip, shipping_label};
use crate::scan::{ParseOptions, Scan};
use crate::store::Store;

/// The pack figures, in the order they are measured.
pub(super) const NAMES: [&str; 2] = ["pack_scan_p99", "label_time"];

/// Measures the pack figures wanted; `db` is the demo store of the queue figures.
pub(super) fn measure(plan: &Plan, db: &Path, wanted: &dyn Fn(&str) -> bool) -> Result<Vec<Figure>> {
    let mut figures = Vec::new();
    if wanted(NAMES[0]) {
        figures.push(pack_scan(db, plan.scans, &plan.note())?);
    }
    if wanted(NAMES[1]) {
        figures.push(label_time(plan)?);
    }
    Ok(figures)
}

/// A picked order to pack: its number, units already verified, and one
/// scan per missing unit.
struct ToPack {
    number: OrderNumber,
    verified: u32,
    expected: u32,
    units: Vec<String>,
}

/// Picked orders whose every unit can be verified by scanning its SKU code
/// (no lot or serial number to capture), most urgent first, until they
/// hold `units` units.
fn orders_to_pack(db: &Path, units: usize) -> Result<Vec<ToPack>> {
    let store = Store::open(db)?;
    let options = ParseOptions { gs_substitute: None, today: Utc::now().date_naive() };
    let scans_as_sku = |code: &str| matches!(crate::scan::parse(code, &options), Ok(Scan::Sku(s)) if s == code);
    let mut query = QueueQuery {
        filter: QueueFilter::Status(OrderStatus::Picked),
        sort: QueueSort::ShipBy,
        from: PageFrom::Start,
        limit: 200,
    };
    let mut found = Vec::new();
    let mut total = 0;
    while total < units {
        let page = store.queue_page(&query)?;
        let Some(last) = page.last() else { break };
        query.from = PageFrom::After(last.key());
        for row in &page {
            let order = store.pack_order(row.number())?;
            let plain = order.lines.iter().all(|l| !l.lot_tracked && !l.serial_tracked && scans_as_sku(&l.sku));
            if order.status != OrderStatus::Picked || !plain || order.complete() {
                continue;
            }
            let scans: Vec<String> = order
                .lines
                .iter()
                .flat_map(|l| std::iter::repeat_n(l.sku.clone(), l.expected.saturating_sub(l.scanned) as usize))
                .collect();
            total += scans.len();
            found.push(ToPack {
                number: order.number,
                verified: order.scanned_units(),
                expected: order.expected_units(),
                units: scans,
            });
            if total >= units {
                break;
            }
        }
    }
    Ok(found)
}

/// The figure: about `samples` unit scans at the pack screen of the store at `db`.
fn pack_scan(db: &Path, samples: usize, note: &str) -> Result<Figure> {
    const NAME: &str = "pack_scan_p99";
    const COMPARATOR: &str = "pty echo p99";
    const BUDGET: (&str, Budget) = ("<= 16.7 ms", Budget::AtMost(16.7));
    let orders = orders_to_pack(db, samples)?;
    if orders.is_empty() {
        return Ok(Figure::new(
            NAME,
            (None, "ms"),
            (COMPARATOR, None),
            BUDGET,
            Some(format!("{note}; not measured: the store has no picked order whose items scan by SKU code")),
        ));
    }
    let exe = std::env::current_exe().map_err(Error::io("cannot find the packline executable"))?;
    let mut command = Command::new(&exe);
    command.arg("--db").arg(db);
    let mut console = PtyChild::spawn(command, false)?;
    console.wait_until(Duration::from_secs(30), |c| c.shows("Scan your badge"))?;
    // A packer's badge lands on the pack station.
    console.send(b"EMP-0004\r")?;
    console.wait_until(Duration::from_secs(30), |c| c.shows("Scan a tote or an order number"))?;
    let (mut scans, mut opens, mut codes) = (Vec::new(), Vec::new(), Vec::new());
    for order in &orders {
        if scans.len() >= samples {
            break;
        }
        let number = order.number;
        let title = |k: u32| format!("{number} · Packing · {k} of {} units", order.expected);
        let sent = console.send(format!("{number}\r").as_bytes())?;
        let shown = console.wait_until(Duration::from_secs(10), |c| c.shows(&title(order.verified)))?;
        opens.push((shown - sent).as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(15));
        for (i, sku) in order.units.iter().enumerate().take(samples - scans.len()) {
            let count = title(order.verified + i as u32 + 1);
            let sent = console.send(format!("{sku}\r").as_bytes())?;
            let shown = console.wait_until(Duration::from_secs(10), |c| c.shows(&count))?;
            scans.push((shown - sent).as_secs_f64() * 1000.0);
            codes.push(sku.clone());
            // Let the console settle so samples do not overlap.
            std::thread::sleep(Duration::from_millis(15));
        }
    }
    drop(console);
    let mut floors = echo_floor(&codes)?;
    let p50 = percentile(&mut scans.clone(), 50.0).unwrap_or(f64::NAN);
    let open_p50 = percentile(&mut opens, 50.0).unwrap_or(f64::NAN);
    Ok(Figure::new(
        NAME,
        (percentile(&mut scans, 99.0), "ms"),
        (COMPARATOR, percentile(&mut floors, 99.0)),
        BUDGET,
        Some(format!(
            "{note}; {} unit scans (SKU codes) on {} picked orders at {COLS}x{ROWS}, p50 {p50:.2} ms; \
             opening an order by its number p50 {open_p50:.2} ms",
            scans.len(),
            opens.len()
        )),
    ))
}

/// Packages whose documents the label figure makes.
const LABELS: usize = 2_000;

/// One package's shipping label plus the packing slip, p99 in microseconds,
/// against the same fields formatted into one plain string.
fn label_time(plan: &Plan) -> Result<Figure> {
    let shipper = Config::from_texts(None, "(built-in defaults)")?.config.shipper;
    let docs = documents(&shipper, LABELS)?;
    let (mut both, mut labels, mut slips, mut strings) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (label, slip) in &docs {
        let started = Instant::now();
        let zpl = shipping_label(std::hint::black_box(label));
        let label_done = Instant::now();
        let slip_zpl = packing_slip(std::hint::black_box(slip));
        let done = Instant::now();
        std::hint::black_box((zpl, slip_zpl));
        both.push(us(done - started));
        labels.push(us(label_done - started));
        slips.push(us(done - label_done));
        let started = Instant::now();
        std::hint::black_box(plain_text(std::hint::black_box(label), std::hint::black_box(slip)));
        strings.push(us(started.elapsed()));
    }
    let p = |samples: &mut Vec<f64>, q: f64| percentile(samples, q).unwrap_or(f64::NAN);
    let quick = if plan.quick { "quick run: " } else { "" };
    let lines: usize = docs.iter().map(|(_, s)| s.lines.len()).sum();
    Ok(Figure::new(
        "label_time",
        (percentile(&mut both, 99.0), "us"),
        ("same fields into a plain string, p99", percentile(&mut strings, 99.0)),
        ("<= 5 ms", Budget::AtMost(5_000.0)),
        Some(format!(
            "{quick}{} packages, one 4x6 label and the packing slip ({:.1} lines) each; label alone p50 {:.1} us, \
             p99 {:.1} us; slip alone p50 {:.1} us; both p50 {:.1} us",
            docs.len(),
            lines as f64 / docs.len() as f64,
            p(&mut labels, 50.0),
            p(&mut labels, 99.0),
            p(&mut slips, 50.0),
            p(&mut both, 50.0),
        )),
    ))
}

/// Labels and slips of `count` made-up single-package shipments (1-6 lines).
fn documents(shipper: &ShipperConfig, count: usize) -> Result<Vec<(LabelData, SlipData)>> {
    const PEOPLE: [(&str, &str, &str, &str, &str); 4] = [
        ("Ana Lima", "Rua Augusta 12", "Lisboa", "1100-048", "PT"),
        ("Jonas Müller", "Königsallee 27, 3. OG", "Düsseldorf", "40212", "DE"),
        ("Marie Dubois", "14 rue de la République", "Lyon", "69002", "FR"),
        ("Piotr Nowak", "ul. Długa 5/7", "Gdańsk", "80-827", "PL"),
    ];
    let id_err = |e: crate::domain::shipment::ShipmentIdError| Error::Other(format!("label figure: {e}"));
    (0..count)
        .map(|i| {
            let (name, address1, city, postcode, country) = PEOPLE[i % PEOPLE.len()];
            let serial = 1_000 + i as u64;
            let order = OrderNumber(100_000 + i as i64);
            let label = LabelData {
                ship_from: shipper.ship_from(),
                ship_to: Address {
                    name: name.into(),
                    address1: address1.into(),
                    address2: if i % 3 == 0 { "c/o Reception".into() } else { String::new() },
                    city: city.into(),
                    region: String::new(),
                    postcode: postcode.into(),
                    country: country.into(),
                    phone: "+49 30 1234567".into(),
                    email: "customer@example.com".into(),
                },
                carrier: "DHL Paket".into(),
                service: "standard".into(),
                order,
                package: 1,
                packages: 1,
                weight_grams: Some(400 + (i as u32 * 37) % 5_000),
                tracking: shipper.tracking(3, serial).map_err(id_err)?,
                sscc: shipper.sscc(serial).map_err(id_err)?,
            };
            let slip = SlipData {
                order,
                customer: name.into(),
                lines: (0..=i % 6)
                    .map(|l| SlipLine {
                        sku: format!("MUG-{:03}-RED", (i + l) % 500),
                        title: format!("Stoneware mug, red, 350 ml (set {l})"),
                        qty: 1 + (l % 3) as u32,
                    })
                    .collect(),
                gift_note: (i % 5 == 0).then(|| "Happy birthday! Love, Ana".to_owned()),
            };
            Ok((label, slip))
        })
        .collect()
}

/// The comparator: the label's and the slip's fields, one per line.
fn plain_text(label: &LabelData, slip: &SlipData) -> String {
    use std::fmt::Write as _;
    let (from, to) = (&label.ship_from, &label.ship_to);
    let mut out = String::with_capacity(512);
    let _ = writeln!(out, "FROM {}\n{}\n{} {} {}", from.name, from.address1, from.postcode, from.city, from.country);
    let _ = writeln!(out, "{} {}", label.carrier, label.service.to_uppercase());
    let _ = writeln!(
        out,
        "SHIP TO {}\n{}\n{}\n{} {} {}",
        to.name, to.address1, to.address2, to.postcode, to.city, to.country
    );
    let _ = writeln!(out, "ORDER {} PACKAGE {} OF {}", label.order, label.package, label.packages);
    if let Some(g) = label.weight_grams {
        let _ = writeln!(out, "WEIGHT {}.{:02} KG", g / 1000, (g % 1000) / 10);
    }
    let _ = writeln!(out, "TRACKING # {}\nSSCC {}", label.tracking.human_readable(), label.sscc.human_readable());
    let _ = writeln!(out, "PACKING SLIP {}\nCustomer: {}", slip.order, slip.customer);
    for line in &slip.lines {
        let _ = writeln!(out, "{} {} {}", line.qty, line.sku, line.title);
    }
    if let Some(note) = &slip.gift_note {
        let _ = writeln!(out, "{note}");
    }
    out
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
