//! Order files (DESIGN section 9): CSV with one row per line and JSONL with one
//! channel-API order per line, read into [`NewOrder`]s. Pure: nothing is
//! stored here. A file with any bad row yields its errors, each naming the
//! file, the row and the field, and no orders. Without a ship-by from the
//! channel, an order's ship-by and its priority come from its service's rule
//! ([`ServiceBook`], `[rules.services]`).

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;

use crate::domain::sync::ChannelOrder;
use crate::domain::{Address, NewOrder, NewOrderLine, ServiceBook, money};

/// The CSV columns, in DESIGN's order.
pub const CSV_COLUMNS: [&str; 18] = [
    "order_ref",
    "channel",
    "created_at",
    "ship_by",
    "customer_name",
    "address1",
    "address2",
    "city",
    "region",
    "postcode",
    "country",
    "phone",
    "email",
    "service",
    "sku",
    "qty",
    "unit_price",
    "currency",
];

/// Columns every row needs a value in.
const CSV_REQUIRED: [&str; 6] = ["order_ref", "channel", "created_at", "sku", "qty", "currency"];

/// Whether a column describes the order (the same in every row of an
/// order) rather than one of its lines.
fn is_order_column(name: &str) -> bool {
    !matches!(name, "order_ref" | "sku" | "qty" | "unit_price")
}

/// One problem in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub file: String,
    /// 1-based: the CSV header is row 1; a JSONL file's first line is row 1.
    pub row: usize,
    pub field: Option<String>,
    pub reason: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{} row {}, field {field}: {}", self.file, self.row, self.reason),
            None => write!(f, "{} row {}: {}", self.file, self.row, self.reason),
        }
    }
}

/// What a file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub orders: Vec<NewOrder>,
    /// Orders the channel had already cancelled: not imported.
    pub cancelled: usize,
}

/// Reads a CSV order file; `file` names it in errors.
pub fn parse_csv(file: &str, text: &str, services: ServiceBook<'_>) -> Result<Parsed, Vec<FileError>> {
    let err = |row: usize, field: Option<&str>, reason: String| FileError {
        file: file.to_owned(),
        row,
        field: field.map(str::to_owned),
        reason,
    };
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| vec![err(1, None, e.to_string())])?.clone();
    let position: HashMap<&str, usize> = header.iter().enumerate().map(|(i, name)| (name.trim(), i)).collect();
    let missing: Vec<FileError> = CSV_COLUMNS
        .iter()
        .filter(|c| !position.contains_key(*c))
        .map(|c| err(1, Some(c), "the header has no such column".into()))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut errors = Vec::new();
    // Orders in the order their first row appears, keyed by (channel, order_ref).
    let mut orders: Vec<NewOrder> = Vec::new();
    let mut firsts: Vec<(usize, csv::StringRecord)> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(err(row, None, e.to_string()));
                continue;
            }
        };
        let view = RowView { record: &record, position: &position };
        let get = |name: &str| view.get(name);
        let before = errors.len();
        for name in CSV_REQUIRED {
            if get(name).is_empty() {
                errors.push(err(row, Some(name), "is empty".into()));
            }
        }
        if errors.len() > before {
            continue;
        }
        let currency = get("currency").to_ascii_uppercase();
        let line = (|| {
            let qty = get("qty")
                .parse::<u32>()
                .ok()
                .filter(|q| *q > 0)
                .ok_or(("qty", format!("{:?} is not a whole number above 0", get("qty"))))?;
            let unit_price_minor = money(get("unit_price"), &currency).map_err(|e| ("unit_price", e))?;
            Ok::<_, (&str, String)>(NewOrderLine {
                sku: get("sku").to_owned(),
                title: String::new(),
                qty,
                unit_price_minor,
                requires_shipping: true,
            })
        })();
        let line = match line {
            Ok(line) => line,
            Err((field, reason)) => {
                errors.push(err(row, Some(field), reason));
                continue;
            }
        };
        let key = (get("channel").to_owned(), get("order_ref").to_owned());
        if let Some(&at) = index.get(&key) {
            // Later rows of an order must agree with its first row.
            let (first_row, first) = &firsts[at];
            for name in CSV_COLUMNS.into_iter().filter(|c| is_order_column(c)) {
                if first.get(position[name]).unwrap_or("").trim() != get(name) {
                    errors.push(err(row, Some(name), format!("differs from row {first_row} of order {}", key.1)));
                }
            }
            orders[at].total_minor += line.unit_price_minor * i64::from(line.qty);
            orders[at].lines.push(line);
            continue;
        }
        match csv_order(&view, line, &currency, services) {
            Ok(order) => {
                index.insert(key, orders.len());
                firsts.push((row, record.clone()));
                orders.push(order);
            }
            Err((field, reason)) => errors.push(err(row, Some(field), reason)),
        }
    }
    if errors.is_empty() { Ok(Parsed { orders, cancelled: 0 }) } else { Err(errors) }
}

/// One CSV record, read by column name.
struct RowView<'a> {
    record: &'a csv::StringRecord,
    position: &'a HashMap<&'a str, usize>,
}

impl<'a> RowView<'a> {
    fn get(&self, name: &str) -> &'a str {
        self.position.get(name).and_then(|i| self.record.get(*i)).unwrap_or("").trim()
    }
}

fn csv_order(
    row: &RowView<'_>,
    line: NewOrderLine,
    currency: &str,
    services: ServiceBook<'_>,
) -> Result<NewOrder, (&'static str, String)> {
    let get = |name: &str| row.get(name);
    let created_at = timestamp(get("created_at")).map_err(|e| ("created_at", e))?;
    let service = if get("service").is_empty() { "standard".to_owned() } else { get("service").to_ascii_lowercase() };
    let channel = get("channel");
    let ship_by = match get("ship_by") {
        "" => services.ship_by(channel, &service, created_at),
        value => timestamp(value).map_err(|e| ("ship_by", e))?,
    };
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(("currency", format!("{currency:?} is not an ISO 4217 code such as EUR")));
    }
    Ok(NewOrder {
        channel: channel.to_owned(),
        external_id: get("order_ref").to_owned(),
        channel_ref: get("order_ref").to_owned(),
        created_at,
        updated_at: created_at,
        ship_by,
        address: Address {
            name: get("customer_name").to_owned(),
            address1: get("address1").to_owned(),
            address2: get("address2").to_owned(),
            city: get("city").to_owned(),
            region: get("region").to_owned(),
            postcode: get("postcode").to_owned(),
            country: get("country").to_ascii_uppercase(),
            phone: get("phone").to_owned(),
            email: get("email").to_owned(),
        },
        priority: services.priority(channel, &service),
        service,
        // A CSV file has no payment column: files come from systems that send paid orders.
        financial_status: "paid".to_owned(),
        total_minor: line.unit_price_minor * i64::from(line.qty),
        currency: currency.to_owned(),
        note: String::new(),
        lines: vec![line],
    })
}

/// The channel API's order shape (shared/contracts/channel-api.md); other fields are ignored.
#[derive(Debug, Deserialize)]
struct ApiOrder {
    id: u64,
    name: String,
    #[serde(default)]
    email: Option<String>,
    created_at: String,
    updated_at: String,
    #[serde(default)]
    cancelled_at: Option<String>,
    #[serde(default)]
    financial_status: Option<String>,
    currency: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    shipping_address: Option<ApiAddress>,
    line_items: Vec<ApiLine>,
    #[serde(default)]
    shipping_lines: Vec<ApiShipping>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ApiAddress {
    name: Option<String>,
    company: Option<String>,
    address1: Option<String>,
    address2: Option<String>,
    city: Option<String>,
    province_code: Option<String>,
    zip: Option<String>,
    country_code: Option<String>,
    phone: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ApiLine {
    #[serde(default)]
    sku: Option<String>,
    #[serde(default)]
    title: String,
    #[serde(default)]
    variant_title: Option<String>,
    quantity: u32,
    price: String,
    #[serde(default = "yes")]
    requires_shipping: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
struct ApiShipping {
    #[serde(default)]
    code: Option<String>,
}

/// Reads a JSONL file of channel-API orders from channel `channel`, for
/// `packline import`: orders the channel has cancelled are counted and
/// skipped unread (see [`parse_jsonl_orders`] to keep them).
pub fn parse_jsonl(file: &str, text: &str, channel: &str, services: ServiceBook<'_>) -> Result<Parsed, Vec<FileError>> {
    let (orders, cancelled) = read_jsonl(file, text, channel, services, false)?;
    Ok(Parsed { orders: orders.into_iter().map(|o| o.order).collect(), cancelled })
}

/// Reads a JSONL file of channel-API orders from channel `channel`, in file
/// order, cancelled ones included (with `cancelled_at`), so a sync stores
/// them as cancelled. A cancelled order is read by the same rules as any
/// other (it needs its lines), plus a readable `cancelled_at`.
pub fn parse_jsonl_orders(
    file: &str,
    text: &str,
    channel: &str,
    services: ServiceBook<'_>,
) -> Result<Vec<ChannelOrder>, Vec<FileError>> {
    read_jsonl(file, text, channel, services, true).map(|(orders, _)| orders)
}

/// The orders of a JSONL file and how many cancelled ones were skipped
/// (none when `keep_cancelled`).
fn read_jsonl(
    file: &str,
    text: &str,
    channel: &str,
    services: ServiceBook<'_>,
    keep_cancelled: bool,
) -> Result<(Vec<ChannelOrder>, usize), Vec<FileError>> {
    let mut orders = Vec::new();
    let mut skipped = 0;
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let row = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let err = |field: Option<&str>, reason: String| FileError {
            file: file.to_owned(),
            row,
            field: field.map(str::to_owned),
            reason,
        };
        let api: ApiOrder = match serde_json::from_str(line) {
            Ok(order) => order,
            Err(e) => {
                errors.push(err(None, e.to_string()));
                continue;
            }
        };
        let cancelled_at = match api.cancelled_at.as_deref() {
            None => None,
            Some(_) if !keep_cancelled => {
                skipped += 1;
                continue;
            }
            Some(value) => match timestamp(value) {
                Ok(at) => Some(at),
                Err(reason) => {
                    errors.push(err(Some("cancelled_at"), reason));
                    continue;
                }
            },
        };
        match api_order(api, channel, services) {
            Ok(order) => orders.push(ChannelOrder { order, cancelled_at }),
            Err((field, reason)) => errors.push(err(Some(&field), reason)),
        }
    }
    if errors.is_empty() { Ok((orders, skipped)) } else { Err(errors) }
}

fn api_order(api: ApiOrder, channel: &str, services: ServiceBook<'_>) -> Result<NewOrder, (String, String)> {
    let currency = api.currency.to_ascii_uppercase();
    let created_at = timestamp(&api.created_at).map_err(|e| ("created_at".to_owned(), e))?;
    let updated_at = timestamp(&api.updated_at).map_err(|e| ("updated_at".to_owned(), e))?;
    let service = api.shipping_lines.first().and_then(|s| s.code.clone()).unwrap_or_else(|| "standard".into());
    let service = service.to_ascii_lowercase();
    let mut lines = Vec::with_capacity(api.line_items.len());
    for (i, item) in api.line_items.into_iter().enumerate() {
        let field = |name: &str| format!("line_items[{i}].{name}");
        let unit_price_minor = money(&item.price, &currency).map_err(|e| (field("price"), e))?;
        if item.quantity == 0 {
            return Err((field("quantity"), "must be at least 1".into()));
        }
        let sku = item.sku.filter(|s| !s.trim().is_empty()).ok_or_else(|| (field("sku"), "is empty".into()))?;
        let title = match item.variant_title.filter(|v| !v.is_empty()) {
            Some(variant) => format!("{}, {variant}", item.title),
            None => item.title,
        };
        lines.push(NewOrderLine {
            sku,
            title,
            qty: item.quantity,
            unit_price_minor,
            requires_shipping: item.requires_shipping,
        });
    }
    if lines.is_empty() {
        return Err(("line_items".into(), "the order has no lines".into()));
    }
    let a = api.shipping_address.unwrap_or_default();
    let name = match (a.name, a.company) {
        (Some(name), _) if !name.is_empty() => name,
        (_, Some(company)) => company,
        _ => String::new(),
    };
    let total_minor = lines.iter().map(|l| l.unit_price_minor * i64::from(l.qty)).sum();
    Ok(NewOrder {
        channel: channel.to_owned(),
        external_id: api.id.to_string(),
        channel_ref: api.name,
        created_at,
        updated_at,
        // The channel API has no ship-by: the service's rule gives it.
        ship_by: services.ship_by(channel, &service, created_at),
        address: Address {
            name,
            address1: a.address1.unwrap_or_default(),
            address2: a.address2.unwrap_or_default(),
            city: a.city.unwrap_or_default(),
            region: a.province_code.unwrap_or_default(),
            postcode: a.zip.unwrap_or_default(),
            country: a.country_code.unwrap_or_default().to_ascii_uppercase(),
            phone: a.phone.unwrap_or_default(),
            email: api.email.unwrap_or_default(),
        },
        priority: services.priority(channel, &service),
        service,
        financial_status: api.financial_status.unwrap_or_else(|| "pending".into()),
        total_minor,
        currency,
        note: api.note.unwrap_or_default(),
        lines,
    })
}

/// ISO-8601 with an offset, or a plain date-time or date taken as UTC.
fn timestamp(value: &str) -> Result<DateTime<Utc>, String> {
    let value = value.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Ok(at.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(value, format) {
            return Ok(at.and_utc());
        }
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or_else(|| format!("{value:?} is not a date and time (e.g. 2026-11-20T09:14:03+01:00)"))
}

/// Decimal text as integer minor units: `"12.50"` EUR -> 1250, `"1200"` JPY -> 1200.
/// Never through floating point.
fn money(value: &str, currency: &str) -> Result<i64, String> {
    let value = value.trim();
    let places = money::exponent(currency) as usize;
    let bad = || format!("{value:?} is not an amount in {currency} (e.g. 12.50)");
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > places || whole.len() > 12 {
        return Err(bad());
    }
    let fraction = format!("{fraction:0<places$}");
    format!("{whole}{fraction}").parse().map_err(|_| bad())
}

#[cfg(test)]
mod tests;
