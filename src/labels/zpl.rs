//! The station's documents in ZPL, each 4x6 inches at 203 dpi (812 x 1218
//! dots): the shipping label, the packing slip and the command sheet.
//!
//! Barcodes are Code 128 in ZPL mode N with explicit subsets, so every
//! printer encodes the same symbol: the tracking number in subset B with its
//! digit run in subset C, the SSCC as GS1-128 (start C, FNC1, AI `00` and the
//! 18 digits) with its human-readable line `(00) 3 4012345 000000001 7`.

use std::ops::RangeInclusive;

use super::canvas::{Canvas, Code128, HEIGHT, WIDTH};
use super::{LabelData, SlipData};
use crate::domain::Address;

/// Left margin in dots.
const MARGIN: u32 = 30;
/// Usable width between the margins.
const INNER: u32 = WIDTH - 2 * MARGIN;

/// The quantity barcodes a command sheet carries by default: `QTY-2` to `QTY-12`.
pub const SHEET_QUANTITIES: RangeInclusive<u32> = 2..=12;

/// One package's shipping label: ship-from and carrier service at the top,
/// the ship-to address large, order, package n of m and weight, the tracking
/// number (Code 128) and the SSCC (GS1-128, AI 00) with their readable lines.
#[must_use]
pub fn shipping_label(data: &LabelData) -> String {
    let mut c = Canvas::new();
    // Ship-from (left) and carrier service (right).
    let half = WIDTH / 2;
    let mut y = 30;
    c.text(MARGIN, y, 22, half - MARGIN, "FROM");
    y += 28;
    c.text(MARGIN, y, 26, half - MARGIN, &data.ship_from.name);
    y += 32;
    let from = &data.ship_from;
    let place = [from.postcode.trim(), from.city.trim(), from.country.trim()].join(" ");
    for line in [from.address1.trim(), from.address2.trim(), place.trim()] {
        if !line.is_empty() {
            c.text(MARGIN, y, 24, half - MARGIN, line);
            y += 28;
        }
    }
    c.text(half + 10, 30, 48, half - 40, &data.carrier);
    c.text(half + 10, 90, 30, half - 40, &data.service.to_uppercase());
    c.rule(0, 190, WIDTH, 4, 4);

    // Ship-to.
    let mut y = 205;
    c.text(MARGIN, y, 24, INNER, "SHIP TO");
    y += 34;
    c.text(MARGIN, y, 50, INNER, &data.ship_to.name);
    y += 58;
    for line in address_lines(&data.ship_to) {
        c.text(MARGIN, y, 40, INNER, &line);
        y += 45;
    }
    c.rule(0, 530, WIDTH, 4, 4);

    // Order, package, weight.
    c.text(MARGIN, 548, 32, half, &format!("ORDER {}", data.order));
    c.text(half + 10, 548, 32, half - 40, &format!("PACKAGE {} OF {}", data.package, data.packages));
    // Kilograms to two places, rounded.
    let weight = data.weight_grams.map_or_else(String::new, |g| {
        let centi = (u64::from(g) + 5) / 10;
        format!("WEIGHT {}.{:02} KG", centi / 100, centi % 100)
    });
    c.text(MARGIN, 590, 32, INNER, &weight);
    c.rule(0, 635, WIDTH, 4, 4);

    // Tracking number.
    c.text(MARGIN, 650, 28, INNER, &format!("TRACKING # {}", data.tracking.human_readable()));
    let t = data.tracking.as_str();
    // 1Z and the account in subset B, the ten digits after them in subset C
    // (a number with letters there, which packline never issues, stays in B).
    if let Some(symbol) = Code128::text_then_digits(&t[..8], &t[8..]).or_else(|| Code128::text(t)) {
        let module = 3;
        c.code128(centre(symbol.width(module)), 695, module, 150, false, &symbol);
    }
    c.rule(0, 870, WIDTH, 4, 4);

    // SSCC.
    c.text(MARGIN, 885, 24, INNER, "SSCC");
    if let Some(symbol) = Code128::gs1_digits(&data.sscc.element_string()) {
        let module = 4;
        c.code128(centre(symbol.width(module)), 920, module, 200, false, &symbol);
    }
    c.centred(0, 1135, 44, WIDTH, &data.sscc.human_readable());
    c.finish()
}

/// The packing slip: order number (also as a barcode), customer, one row per
/// line (quantity, SKU, title) and the gift note; long orders continue on
/// further labels, each saying "page n of m".
#[must_use]
pub fn packing_slip(data: &SlipData) -> String {
    let mut pages: Vec<Vec<SlipRow>> = vec![Vec::new()];
    let mut used = 0;
    let rows = (0..data.lines.len()).map(SlipRow::Line).chain(data.gift_note.as_ref().map(|_| SlipRow::Note));
    for row in rows {
        if used + row.height() > SLIP_ROWS {
            pages.push(Vec::new());
            used = 0;
        }
        used += row.height();
        pages.last_mut().expect("there is always a page").push(row);
    }
    let units: u64 = data.lines.iter().map(|l| u64::from(l.qty)).sum();
    let order = data.order.to_string();
    let mut out = String::new();
    let count = pages.len();
    for (index, page) in pages.into_iter().enumerate() {
        let mut c = Canvas::new();
        c.text(MARGIN, 30, 44, INNER, "PACKING SLIP");
        c.text(MARGIN, 85, 36, WIDTH / 2, &order);
        if let Some(symbol) = Code128::text(&order) {
            c.code128(WIDTH / 2, 80, 2, 60, false, &symbol);
        }
        c.text(MARGIN, 160, 30, INNER, &format!("Customer: {}", data.customer));
        c.rule(0, 205, WIDTH, 3, 3);
        c.text(MARGIN, 220, 24, 80, "QTY");
        c.text(120, 220, 24, 220, "SKU");
        c.text(350, 220, 24, 430, "ITEM");
        c.rule(MARGIN, 255, INNER, 2, 2);
        let mut y = 270;
        for row in page {
            match row {
                SlipRow::Line(i) => {
                    let line = &data.lines[i];
                    c.text(MARGIN, y, 28, 80, &line.qty.to_string());
                    c.text(120, y, 24, 220, &line.sku);
                    c.text(350, y, 24, WIDTH - 350 - MARGIN, &line.title);
                }
                SlipRow::Note => {
                    let note = data.gift_note.as_deref().unwrap_or_default();
                    let rows = row.height() as u32;
                    c.rule(MARGIN, y + 5, INNER, rows * SLIP_ROW - 10, 3);
                    c.text(MARGIN + 15, y + 15, 26, INNER - 30, "GIFT NOTE");
                    c.paragraph(MARGIN + 15, y + 50, 28, INNER - 30, rows - 2, note);
                }
            }
            y += row.height() as u32 * SLIP_ROW;
        }
        c.rule(0, HEIGHT - 80, WIDTH, 3, 3);
        let footer = format!("{} lines, {units} units, page {} of {count}", data.lines.len(), index + 1);
        c.text(MARGIN, HEIGHT - 60, 26, INNER, &footer);
        out.push_str(&c.finish());
    }
    out
}

/// Height of one packing-slip row in dots.
const SLIP_ROW: u32 = 40;
/// Rows on one packing slip label.
const SLIP_ROWS: usize = 20;

/// What fills packing-slip rows: an order line, or the gift note's box.
#[derive(Debug, Clone, Copy)]
enum SlipRow {
    Line(usize),
    Note,
}

impl SlipRow {
    /// Rows taken; the gift note is never split across labels.
    fn height(self) -> usize {
        match self {
            Self::Line(_) => 1,
            Self::Note => 7,
        }
    }
}

/// The station sheet: a Code 128 barcode with a caption for every command
/// word (`CMD-` + word), every quantity (`QTY-` + n) and every carton
/// (`BOX-` + code), two to a row (a code too wide for half the label takes
/// a whole row), as many 4x6 labels as it takes. Carton codes are
/// upper-cased; one that is not letters, digits and `-` (which the scanner
/// would refuse) is left out.
#[must_use]
pub fn command_sheet(commands: &[&str], quantities: &[u32], cartons: &[String]) -> String {
    let mut cells: Vec<SheetCell> = Vec::new();
    cells.extend(
        commands.iter().map(|word| SheetCell::new(word.to_uppercase(), &format!("CMD-{}", word.to_uppercase()))),
    );
    cells.extend(quantities.iter().map(|n| SheetCell::new(format!("QUANTITY {n}"), &format!("QTY-{n}"))));
    for code in cartons {
        let code = code.to_uppercase();
        if !code.is_empty() && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            cells.push(SheetCell::new(format!("CARTON {code}"), &format!("BOX-{code}")));
        }
    }
    let column = WIDTH / 2;
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let (mut row, mut col) = (0, 0);
    for cell in cells {
        let wide = cell.symbol.as_ref().map_or(0, |s| s.width(SHEET_MODULE)) + 2 * MARGIN > column;
        if col == 1 && wide {
            (row, col) = (row + 1, 0);
        }
        if row == SHEET_ROWS {
            pages.push(Vec::new());
            (row, col) = (0, 0);
        }
        let (x, y) = (MARGIN + col * column, SHEET_TOP + row * SHEET_CELL);
        let width = if wide { INNER } else { column - MARGIN };
        pages.last_mut().expect("there is always a page").push(Placed { x, y, width, cell });
        (row, col) = if wide || col == 1 { (row + 1, 0) } else { (row, 1) };
    }
    let count = pages.len();
    let mut out = String::new();
    for (index, page) in pages.into_iter().enumerate() {
        let mut c = Canvas::new();
        c.text(MARGIN, 30, 32, INNER, &format!("packline station sheet, {} of {count}", index + 1));
        c.rule(0, 75, WIDTH, 3, 3);
        for Placed { x, y, width, cell } in page {
            c.text(x, y + 10, 32, width, &cell.caption);
            if let Some(symbol) = &cell.symbol {
                c.code128(x + 10, y + 55, SHEET_MODULE, 80, true, symbol);
            }
        }
        out.push_str(&c.finish());
    }
    out
}

/// Where the first row of a command sheet starts, in dots.
const SHEET_TOP: u32 = 90;
/// Height of one row of a command sheet.
const SHEET_CELL: u32 = 185;
/// Rows on one command sheet label.
const SHEET_ROWS: u32 = 6;
/// Narrow bar width on the command sheet (0.25 mm).
const SHEET_MODULE: u32 = 2;

/// One barcode on the command sheet, with its caption.
struct SheetCell {
    caption: String,
    symbol: Option<Code128>,
}

impl SheetCell {
    fn new(caption: String, code: &str) -> Self {
        Self { caption, symbol: Code128::text(code) }
    }
}

/// A cell's place on its label: top-left corner and the caption's width.
struct Placed {
    x: u32,
    y: u32,
    width: u32,
    cell: SheetCell,
}

/// The lines under a name: address lines, "postcode city", region, country.
fn address_lines(a: &Address) -> Vec<String> {
    let city = [a.postcode.trim(), a.city.trim()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>();
    [a.address1.trim().to_owned(), a.address2.trim().to_owned(), city.join(" "), a.region.trim().to_owned()]
        .into_iter()
        .chain(std::iter::once(a.country.trim().to_uppercase()))
        .filter(|line| !line.is_empty())
        .collect()
}

/// The x that centres `width` dots on the label.
fn centre(width: u32) -> u32 {
    WIDTH.saturating_sub(width) / 2
}
