//! The channel API subset (shared/contracts/channel-api.md): routing, the
//! order listing with its opaque `page_info` cursors, and the listing faults.

use serde::Deserialize;
use serde_json::{Value, json};

use super::faults::FaultState;
use super::http::{Request, Response};
use super::state::{Filter, From, NewFulfillment, State, Status};

/// Every API path starts with this.
pub const PREFIX: &str = "/admin/api/2025-01/";

/// Orders per page without `limit`, and the most a page may hold.
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 250;

/// Which endpoint a request is for (counted in the stats).
pub(super) fn endpoint(request: &Request) -> &'static str {
    let rest = request.path.strip_prefix(PREFIX).unwrap_or("");
    let parts: Vec<&str> = rest.split('/').collect();
    match (request.method.as_str(), parts.as_slice()) {
        ("GET", ["orders.json"]) => "list_orders",
        ("GET", ["orders", _, "fulfillment_orders.json"]) => "fulfillment_orders",
        ("GET", ["orders", _, "fulfillments.json"]) => "list_fulfillments",
        ("POST", ["fulfillments.json"]) => "create_fulfillment",
        _ => "other",
    }
}

/// Answers an authenticated API request.
pub(super) fn route(state: &mut State, faults: &mut FaultState, request: &Request) -> Response {
    let rest = request.path.strip_prefix(PREFIX).unwrap_or("");
    let parts: Vec<&str> = rest.split('/').collect();
    let order_id = |id: &str| id.parse::<u64>().ok();
    let method = request.method.as_str();
    match (method, parts.as_slice()) {
        ("GET", ["orders.json"]) => list_orders(state, faults, request),
        ("GET", ["orders", id, "fulfillment_orders.json"]) => {
            found(order_id(id).and_then(|id| state.fulfillment_orders_json(id)))
        }
        ("GET", ["orders", id, "fulfillments.json"]) => found(order_id(id).and_then(|id| state.fulfillments_json(id))),
        ("POST", ["fulfillments.json"]) => create_fulfillment(state, request),
        (_, ["orders.json" | "fulfillments.json"] | ["orders", _, "fulfillment_orders.json" | "fulfillments.json"]) => {
            let allow = if parts == ["fulfillments.json"] { "POST" } else { "GET" };
            Response::json(405, &json!({"errors": "Method Not Allowed"})).header("Allow", allow)
        }
        _ => not_found(),
    }
}

fn not_found() -> Response {
    Response::json(404, &json!({"errors": "Not Found"}))
}

fn found(body: Option<Value>) -> Response {
    body.map_or_else(not_found, |body| Response::json(200, &body))
}

fn bad_request(message: &str) -> Response {
    Response::json(400, &json!({ "errors": message }))
}

fn create_fulfillment(state: &mut State, request: &Request) -> Response {
    #[derive(Deserialize)]
    struct Body {
        fulfillment: NewFulfillment,
    }
    let body: Body = match request.json() {
        Ok(body) => body,
        Err(e) => {
            let message = format!("Required parameter missing or invalid: {e}");
            return Response::json(400, &json!({"errors": {"fulfillment": message}}));
        }
    };
    match state.fulfill(body.fulfillment) {
        Ok(created) => Response::json(201, &created),
        Err((422, message)) => Response::json(422, &json!({"errors": [message]})),
        Err((status, message)) => Response::json(status, &json!({"errors": message})),
    }
}

/// Where a listing continues: the direction, the key and the original filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PageInfo {
    pub from: From,
    pub filter: Filter,
}

impl PageInfo {
    /// Opaque text (hex of a versioned record) for the `page_info` parameter.
    pub fn encode(&self) -> String {
        let (direction, (at, id)) = match self.from {
            From::After(key) => ('n', key),
            From::Before(key) => ('p', key),
            From::Start => ('n', (i64::MIN, 0)),
        };
        let status = match self.filter.status {
            Status::Any => "any",
            Status::Open => "open",
            Status::Cancelled => "cancelled",
        };
        let bound = |b: Option<i64>| b.map(|t| t.to_string()).unwrap_or_default();
        hex(&format!("1|{direction}|{at}|{id}|{status}|{}|{}", bound(self.filter.min), bound(self.filter.max)))
    }

    /// The cursor back from its text; `None` for anything not made by `encode`.
    pub fn decode(text: &str) -> Option<Self> {
        if !text.len().is_multiple_of(2) || !text.is_ascii() {
            return None;
        }
        let bytes: Option<Vec<u8>> =
            (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect();
        let text = String::from_utf8(bytes?).ok()?;
        let fields: Vec<&str> = text.split('|').collect();
        let ["1", direction, at, id, status, min, max] = fields.as_slice() else {
            return None;
        };
        let key = (at.parse().ok()?, id.parse().ok()?);
        let from = match *direction {
            "n" => From::After(key),
            "p" => From::Before(key),
            _ => return None,
        };
        let bound = |b: &str| if b.is_empty() { Some(None) } else { b.parse().ok().map(Some) };
        let filter = Filter { status: status_named(status)?, min: bound(min)?, max: bound(max)? };
        Some(Self { from, filter })
    }
}

fn hex(text: &str) -> String {
    use std::fmt::Write as _;
    text.bytes().fold(String::with_capacity(text.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

fn status_named(name: &str) -> Option<Status> {
    match name {
        "any" => Some(Status::Any),
        "open" => Some(Status::Open),
        "cancelled" => Some(Status::Cancelled),
        _ => None,
    }
}

/// An ISO-8601 time as unix seconds (a `+` sent unencoded arrives as a space).
pub(super) fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim().replace(' ', "+");
    chrono::DateTime::parse_from_rfc3339(&text).ok().map(|t| t.timestamp())
}

fn list_orders(state: &State, faults: &mut FaultState, request: &Request) -> Response {
    let limit = match request.query_value("limit") {
        None => DEFAULT_LIMIT,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
            _ => return bad_request(&format!("limit must be a number from 1 to {MAX_LIMIT}")),
        },
    };
    let (filter, from) = if let Some(text) = request.query_value("page_info") {
        if let Some((name, _)) =
            request.query.iter().find(|(n, _)| !matches!(n.as_str(), "limit" | "page_info" | "fields"))
        {
            return bad_request(&format!(
                "{name} cannot be passed with page_info: only limit and fields may accompany page_info"
            ));
        }
        match PageInfo::decode(text) {
            Some(info) => (info.filter, info.from),
            None => return bad_request("page_info - Invalid value."),
        }
    } else {
        let status = request.query_value("status").unwrap_or("open");
        let Some(status) = status_named(status) else {
            return bad_request("status must be any, open or cancelled");
        };
        let mut bounds = [None, None];
        for (bound, name) in bounds.iter_mut().zip(["updated_at_min", "updated_at_max"]) {
            if let Some(text) = request.query_value(name) {
                match parse_time(text) {
                    Some(at) => *bound = Some(at),
                    None => {
                        return bad_request(&format!(
                            "{name} must be an ISO-8601 time, e.g. 2026-11-20T09:14:03-05:00"
                        ));
                    }
                }
            }
        }
        (Filter { status, min: bounds[0], max: bounds[1] }, From::Start)
    };
    let (page, more) = state.list(filter, from, limit);
    let key = |i: usize| (page[i].current.updated_at, page[i].current.id);
    let (next, previous) = match (from, page.is_empty()) {
        (_, true) => (None, None),
        (From::Before(_), false) => (Some(From::After(key(page.len() - 1))), more.then(|| From::Before(key(0)))),
        (From::After(_), false) => (more.then(|| From::After(key(page.len() - 1))), Some(From::Before(key(0)))),
        (From::Start, false) => (more.then(|| From::After(key(page.len() - 1))), None),
    };
    let mut orders: Vec<Value> = page
        .iter()
        .map(|record| {
            if !record.versions.is_empty() && faults.hit(faults.settings.stale_rate) {
                faults.counts.stale += 1;
                let old = faults.below(record.versions.len());
                record.versions[old].to_json(state.offset)
            } else {
                record.current.to_json(state.offset)
            }
        })
        .collect();
    for i in (0..orders.len()).rev() {
        if faults.hit(faults.settings.duplicate_rate) {
            faults.counts.duplicate += 1;
            let at = i + 1 + faults.below(orders.len() - i);
            orders.insert(at, orders[i].clone());
        }
    }
    if orders.len() > 1 && faults.hit(faults.settings.reorder_rate) {
        faults.counts.reorder += 1;
        faults.shuffle(&mut orders);
    }
    let base = format!("http://{}", request.header("Host").unwrap_or("127.0.0.1"));
    let link = |from: From, rel: &str| {
        let info = PageInfo { from, filter }.encode();
        format!("<{base}{PREFIX}orders.json?limit={limit}&page_info={info}>; rel=\"{rel}\"")
    };
    let links: Vec<String> =
        previous.map(|f| link(f, "previous")).into_iter().chain(next.map(|f| link(f, "next"))).collect();
    let response = Response::json(200, &json!({ "orders": orders }));
    if links.is_empty() { response } else { response.header("Link", &links.join(", ")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_info_round_trips_and_rejects_anything_else() {
        let filter = Filter { status: Status::Open, min: Some(1_790_000_000), max: None };
        for from in [From::After((1_790_000_123, u64::MAX)), From::Before((-5, 9_013_022_671_470_353))] {
            let info = PageInfo { from, filter };
            let text = info.encode();
            assert!(text.bytes().all(|b| b.is_ascii_hexdigit()), "{text}");
            assert!(!text.contains("1790000123"), "opaque: {text}");
            assert_eq!(PageInfo::decode(&text), Some(info));
        }
        let any = PageInfo { from: From::After((0, 1)), filter: Filter { status: Status::Any, min: None, max: None } };
        assert_eq!(PageInfo::decode(&any.encode()), Some(any));
        for bad in ["", "zz", "abc", "7c7c", &hex("1|x|0|1|any||"), &hex("1|n|0|1|closed||"), &hex("2|n|0|1|any||")] {
            assert_eq!(PageInfo::decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn times_parse_with_any_offset() {
        assert_eq!(parse_time("2026-11-20T09:14:03-05:00"), parse_time("2026-11-20T14:14:03Z"));
        assert_eq!(parse_time("2026-11-20T15:14:03 01:00"), parse_time("2026-11-20T14:14:03Z"));
        assert_eq!(parse_time("yesterday"), None);
    }
}
