//! Builders the integration tests share: a SKU, a bin code, a paid order of
//! the `shop` channel to Lisbon. Each test crate uses some of them.

#![allow(dead_code, clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use packline::domain::rma::Grade;
use packline::domain::{Actor, Address, BinCode, NewOrder, NewOrderLine, NewSku, OrderNumber, OrderStatus};
use packline::store::{Inspection, NewPackage, PackageIds, SeedOrder, Store};

pub fn bin(code: &str) -> BinCode {
    code.parse().unwrap()
}

/// A plain SKU (no lots, no customs data) titled `Item CODE`.
pub fn sku(code: &str) -> NewSku {
    NewSku {
        code: code.into(),
        title: format!("Item {code}"),
        gtins: Vec::new(),
        length_mm: 120,
        width_mm: 90,
        height_mm: 100,
        weight_g: 350,
        lot_tracked: false,
        expiry_tracked: false,
        serial_tracked: false,
        hs_code: None,
        origin_country: None,
        customs_value_minor: None,
    }
}

/// A valid, paid order `#ID` of the `shop` channel with `qty` units per SKU,
/// created 2025-11-21 04:40 UTC and due a day later.
pub fn order<S: AsRef<str>>(id: &str, lines: &[(S, u32)]) -> NewOrder {
    let at = DateTime::<Utc>::from_timestamp(1_763_700_000, 0).unwrap();
    NewOrder {
        channel: "shop".into(),
        external_id: id.into(),
        channel_ref: format!("#{id}"),
        created_at: at,
        updated_at: at,
        ship_by: at + chrono::Duration::days(1),
        address: Address {
            name: "Ana Lima".into(),
            address1: "Rua Augusta 12".into(),
            city: "Lisboa".into(),
            postcode: "1100-048".into(),
            country: "PT".into(),
            ..Address::default()
        },
        service: "standard".into(),
        financial_status: "paid".into(),
        total_minor: 1_000,
        currency: "EUR".into(),
        note: String::new(),
        priority: 5,
        lines: lines
            .iter()
            .map(|(sku, qty)| NewOrderLine {
                sku: sku.as_ref().to_owned(),
                title: sku.as_ref().to_owned(),
                qty: *qty,
                unit_price_minor: 500,
                requires_shipping: true,
            })
            .collect(),
    }
}

/// Moves an allocated order through a one-order wave, picking and packing
/// (in `packages` packages) to shipped on a DHL manifest.
pub fn ship(store: &mut Store, number: OrderNumber, packages: usize) {
    let a = Actor::new("TEST", "EMP-0004");
    let mut candidates = store.wave_candidates(10).unwrap();
    candidates.retain(|c| c.number == number);
    let plan = packline::domain::wave::WavePlan {
        orders: vec![number],
        walk: candidates[0].bins.clone(),
        route_m: 1.0,
        baseline_m: 1.0,
        lines: candidates[0].lines,
        units: candidates[0].units,
    };
    let wave = store.create_wave(&a, &plan).unwrap();
    store.release_wave(&a, wave).unwrap();
    store.take_wave(&a, wave, 60_000, false).unwrap();
    for stop in store.pick_list(wave).unwrap().stops {
        for share in stop.shares {
            store.confirm_pick(&a, wave, stop.stock_id, &share.tote, share.qty).unwrap();
        }
    }
    let packed = store.pack_open(&a, number).unwrap().unwrap();
    for line in packed.lines {
        store.pack_scan(&a, number, &line.sku, line.expected, None, None).unwrap().unwrap();
    }
    let mut ids = |n: i64| PackageIds { tracking: format!("TRACK{n:04}"), sscc: format!("{n:018}") };
    let package = NewPackage { carton: "S".into(), weight_g: 900, measured_g: None };
    let all = vec![package; packages.max(1)];
    store.complete_pack(&a, number, &all, ("DHL", "DHL Paket"), "", &mut ids).unwrap();
    store.close_manifest(&a, "DHL").unwrap();
    assert_eq!(store.order_status(number).unwrap(), OrderStatus::Shipped);
}

/// One returned unit judged as the default `[returns]` rules say, priced 5.00.
pub fn returned_unit(sku: &str, reason: &str, grade: Grade) -> Inspection {
    let rules = packline::config::Config::from_texts(None, "test").unwrap().config.returns;
    Inspection {
        sku: sku.into(),
        lot: None,
        serial: None,
        reason: reason.into(),
        grade,
        disposition: rules.rule(grade).disposition,
        note: String::new(),
        refund_minor: rules.unit_refund(grade, 500),
    }
}

/// `packline` with HOME and the XDG dirs inside `home`, so the built-in
/// default config applies and nothing of the machine's leaks in.
pub fn packline_in(home: &std::path::Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_packline"));
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LOG");
    cmd
}

/// [`packline_in`] `home`, on the store `db`.
pub fn packline(home: &std::path::Path, db: &std::path::Path) -> std::process::Command {
    let mut cmd = packline_in(home);
    cmd.arg("--db").arg(db);
    cmd
}

/// One line of `qty` units of `sku` (titled by its code) at 5.00.
pub fn line(sku: &str, qty: u32) -> NewOrderLine {
    NewOrderLine { sku: sku.into(), title: sku.into(), qty, unit_price_minor: 500, requires_shipping: true }
}

/// A paid order `#ID` of the `shop` channel to Lisbon, seeded in `status`
/// (reached at `ship_by`), created a day before it is due to ship at
/// `ship_by` (unix seconds).
pub fn seeded(id: &str, status: OrderStatus, ship_by: i64, lines: Vec<NewOrderLine>) -> SeedOrder {
    let at = |secs: i64| DateTime::<Utc>::from_timestamp(secs, 0).unwrap();
    SeedOrder {
        order: NewOrder {
            channel: "shop".into(),
            external_id: id.into(),
            channel_ref: format!("#{id}"),
            created_at: at(ship_by - 86_400),
            updated_at: at(ship_by),
            ship_by: at(ship_by),
            address: Address {
                name: "Ana Lima".into(),
                address1: "Rua Augusta 12".into(),
                city: "Lisboa".into(),
                postcode: "1100-048".into(),
                country: "PT".into(),
                ..Address::default()
            },
            service: "standard".into(),
            financial_status: "paid".into(),
            total_minor: 2_500,
            currency: "EUR".into(),
            note: String::new(),
            priority: 5,
            lines,
        },
        status,
        holds: Vec::new(),
        status_at: at(ship_by),
        carrier_service: String::new(),
        signature_required: false,
        shipped_at: None,
    }
}
