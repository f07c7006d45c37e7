//! The channel REST connector's client: exactly the requests of
//! shared/contracts/channel-api.md, each answer sorted into what the sync
//! does next (store it, wait and retry, stop the channel, or give up on one
//! row). No retry policy lives here: see `pull` and `push`.

use std::fmt::Write as _;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LINK, RETRY_AFTER};
use serde::{Deserialize, Serialize};

use super::config::Token;

/// The API version path the contract fixes.
pub const API: &str = "admin/api/2025-01";

/// How much of an error body is kept for the supervisor.
const BODY_SHOWN: usize = 300;

/// Why a request did not give what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 429: wait this long, then retry.
    #[error("rate limited (429): retry after {}s", retry_after.as_secs_f64())]
    RateLimited { retry_after: Duration },
    /// 5xx, a reset, a timeout: the request may or may not have reached the
    /// channel; retry later, looking first at what the channel has.
    #[error("{0}")]
    Transient(String),
    /// 401/403: the token is not accepted; stop the channel.
    #[error("token rejected ({status})")]
    TokenRejected { status: u16 },
    /// 422 saying the line items are already fulfilled: an earlier attempt got through.
    #[error("already fulfilled at the channel")]
    AlreadyFulfilled,
    /// Any other 4xx: this request will never work as it is.
    #[error("refused ({status}): {body}")]
    Refused { status: u16, body: String },
}

/// One fulfillment order of a channel order (what can be shipped, by line).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FulfillmentOrder {
    pub id: u64,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub line_items: Vec<FulfillmentOrderLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FulfillmentOrderLine {
    pub id: u64,
    #[serde(default)]
    pub line_item_id: u64,
    #[serde(default)]
    pub quantity: u32,
    #[serde(default)]
    pub fulfillable_quantity: u32,
}

/// A fulfillment the channel holds.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Fulfillment {
    pub id: u64,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub tracking_number: Option<String>,
}

/// What a shipment tells the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFulfillment {
    pub tracking_number: String,
    pub company: String,
    pub url: Option<String>,
    pub notify_customer: bool,
}

/// A page of orders: each order's JSON as the channel sent it, and the next page's URL.
#[derive(Debug)]
pub struct OrderPage {
    pub orders: Vec<Box<serde_json::value::RawValue>>,
    pub next: Option<String>,
}

/// One channel's client.
#[derive(Debug, Clone)]
pub struct RestChannel {
    base: String,
    token: Token,
    http: reqwest::Client,
}

impl RestChannel {
    /// A client for `base_url` (no trailing slash needed), every request
    /// bounded by `timeout`.
    pub fn new(base_url: &str, token: Token, timeout: Duration) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("packline/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(Self { base: base_url.trim_end_matches('/').to_owned(), token, http })
    }

    /// The first page's URL: every order changed at or after `cursor`.
    #[must_use]
    pub fn orders_url(&self, cursor: Option<&str>, limit: u32) -> String {
        let mut url = format!("{}/{API}/orders.json?status=any&limit={limit}", self.base);
        if let Some(cursor) = cursor {
            url.push_str("&updated_at_min=");
            url.push_str(&encode(cursor));
        }
        url
    }

    /// One page of orders: `url` is [`RestChannel::orders_url`] or a `next` link, exactly.
    pub async fn orders(&self, url: &str) -> Result<OrderPage, ApiError> {
        #[derive(Deserialize)]
        struct Orders {
            orders: Vec<Box<serde_json::value::RawValue>>,
        }
        let (headers, body) = self.send(self.http.get(url)).await?;
        let page: Orders = parse(&body)?;
        Ok(OrderPage { orders: page.orders, next: next_link(&headers) })
    }

    /// The fulfillment orders of a channel order.
    pub async fn fulfillment_orders(&self, order_id: &str) -> Result<Vec<FulfillmentOrder>, ApiError> {
        #[derive(Deserialize)]
        struct Body {
            fulfillment_orders: Vec<FulfillmentOrder>,
        }
        let url = format!("{}/{API}/orders/{}/fulfillment_orders.json", self.base, encode(order_id));
        let (_, body) = self.send(self.http.get(url)).await?;
        Ok(parse::<Body>(&body)?.fulfillment_orders)
    }

    /// The fulfillments a channel order already has.
    pub async fn fulfillments(&self, order_id: &str) -> Result<Vec<Fulfillment>, ApiError> {
        #[derive(Deserialize)]
        struct Body {
            fulfillments: Vec<Fulfillment>,
        }
        let url = format!("{}/{API}/orders/{}/fulfillments.json", self.base, encode(order_id));
        let (_, body) = self.send(self.http.get(url)).await?;
        Ok(parse::<Body>(&body)?.fulfillments)
    }

    /// Creates a fulfillment of every fulfillable unit of `orders`.
    pub async fn create_fulfillment(
        &self,
        orders: &[FulfillmentOrder],
        shipment: &NewFulfillment,
    ) -> Result<Fulfillment, ApiError> {
        #[derive(Deserialize)]
        struct Body {
            fulfillment: Fulfillment,
        }
        let url = format!("{}/{API}/fulfillments.json", self.base);
        let request =
            self.http.post(url).header("Content-Type", "application/json").body(fulfillment_body(orders, shipment));
        let (_, body) = self.send(request).await?;
        Ok(parse::<Body>(&body)?.fulfillment)
    }

    /// Sends a request with the token and sorts the answer.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<(HeaderMap, String), ApiError> {
        let response = request
            .header("X-Shopify-Access-Token", self.token.expose())
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| ApiError::Transient(describe(&e)))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.text().await.map_err(|e| ApiError::Transient(describe(&e)))?;
        if status.is_success() {
            return Ok((headers, body));
        }
        Err(classify(status, &headers, &body))
    }
}

/// Sorts a failed answer.
fn classify(status: StatusCode, headers: &HeaderMap, body: &str) -> ApiError {
    match status.as_u16() {
        429 => ApiError::RateLimited { retry_after: retry_after(headers) },
        401 | 403 => ApiError::TokenRejected { status: status.as_u16() },
        422 if body.to_ascii_lowercase().contains("already fulfilled") => ApiError::AlreadyFulfilled,
        code if status.is_server_error() => {
            ApiError::Transient(format!("the channel answered {code}: {}", shown(body)))
        }
        code => ApiError::Refused { status: code, body: shown(body) },
    }
}

/// `Retry-After` in seconds (the contract's form); 1 s when missing or unreadable.
fn retry_after(headers: &HeaderMap) -> Duration {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(Duration::from_secs(1), |s| Duration::from_secs_f64(s.min(3_600.0)))
}

/// The `rel="next"` URL of a `Link` header, if any.
fn next_link(headers: &HeaderMap) -> Option<String> {
    headers.get_all(LINK).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim().replace(' ', "");
            p == "rel=\"next\"" || p == "rel=next"
        });
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| url.to_owned())
    })
}

/// A body for the supervisor: one line, sanitised, bounded.
fn shown(body: &str) -> String {
    let line: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let clean = crate::domain::text::sanitize(&line);
    if clean.chars().count() <= BODY_SHOWN {
        return clean.into_owned();
    }
    let mut cut: String = clean.chars().take(BODY_SHOWN - 1).collect();
    cut.push('…');
    cut
}

/// A transport error in words (never the token: it travels in a header).
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_body() || e.is_decode() {
        "the answer was cut off"
    } else {
        "the connection failed"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if cause.is_empty() || e.is_timeout() { what.to_owned() } else { format!("{what} ({cause})") }
}

fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    // A success with a body we cannot read is treated like a cut-off answer.
    serde_json::from_str(body).map_err(|e| ApiError::Transient(format!("unreadable answer: {e}")))
}

/// The POST body: every fulfillable unit of every open fulfillment order.
fn fulfillment_body(orders: &[FulfillmentOrder], shipment: &NewFulfillment) -> String {
    #[derive(Serialize)]
    struct Line {
        id: u64,
        quantity: u32,
    }
    #[derive(Serialize)]
    struct ByOrder {
        fulfillment_order_id: u64,
        fulfillment_order_line_items: Vec<Line>,
    }
    let by_order: Vec<ByOrder> = orders
        .iter()
        .map(|fo| ByOrder {
            fulfillment_order_id: fo.id,
            fulfillment_order_line_items: fo
                .line_items
                .iter()
                .filter(|l| l.fulfillable_quantity > 0)
                .map(|l| Line { id: l.id, quantity: l.fulfillable_quantity })
                .collect(),
        })
        .filter(|o| !o.fulfillment_order_line_items.is_empty())
        .collect();
    serde_json::json!({"fulfillment": {
        "notify_customer": shipment.notify_customer,
        "tracking_info": {"number": shipment.tracking_number, "company": shipment.company, "url": shipment.url},
        "line_items_by_fulfillment_order": by_order,
    }})
    .to_string()
}

/// Percent-encodes a query value or path segment (RFC 3986 unreserved kept).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(reqwest::header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn the_next_link_is_found_beside_a_previous_one() {
        let h = headers(&[(
            LINK,
            "<https://s/admin/api/2025-01/orders.json?limit=250&page_info=abc>; rel=\"previous\", \
             <https://s/admin/api/2025-01/orders.json?limit=250&page_info=def>; rel=\"next\"",
        )]);
        assert_eq!(next_link(&h).as_deref(), Some("https://s/admin/api/2025-01/orders.json?limit=250&page_info=def"));
        let only_previous = headers(&[(LINK, "<https://s/x?page_info=abc>; rel=\"previous\"")]);
        assert_eq!(next_link(&only_previous), None);
        assert_eq!(next_link(&HeaderMap::new()), None);
    }

    #[test]
    fn answers_are_sorted_into_what_happens_next() {
        let none = HeaderMap::new();
        let wait = headers(&[(RETRY_AFTER, "2")]);
        assert_eq!(
            classify(StatusCode::TOO_MANY_REQUESTS, &wait, ""),
            ApiError::RateLimited { retry_after: Duration::from_secs(2) }
        );
        assert_eq!(
            classify(StatusCode::TOO_MANY_REQUESTS, &none, ""),
            ApiError::RateLimited { retry_after: Duration::from_secs(1) }
        );
        assert_eq!(classify(StatusCode::UNAUTHORIZED, &none, "x"), ApiError::TokenRejected { status: 401 });
        assert_eq!(classify(StatusCode::FORBIDDEN, &none, "x"), ApiError::TokenRejected { status: 403 });
        assert_eq!(
            classify(StatusCode::UNPROCESSABLE_ENTITY, &none, r#"{"errors":["Line items are already fulfilled"]}"#),
            ApiError::AlreadyFulfilled
        );
        assert!(
            matches!(classify(StatusCode::BAD_GATEWAY, &none, "oops"), ApiError::Transient(m) if m.contains("502"))
        );
        let refused = classify(StatusCode::UNPROCESSABLE_ENTITY, &none, "{\"errors\":\"order is\ncancelled\"}");
        assert_eq!(refused, ApiError::Refused { status: 422, body: "{\"errors\":\"order is cancelled\"}".into() });
    }

    #[test]
    fn the_cursor_is_encoded_so_an_offset_survives() {
        let channel = RestChannel::new("http://127.0.0.1:9/", Token::new("t".into()), Duration::from_secs(1)).unwrap();
        assert_eq!(
            channel.orders_url(Some("2026-11-20T09:20:11+01:00"), 250),
            "http://127.0.0.1:9/admin/api/2025-01/orders.json?status=any&limit=250&updated_at_min=2026-11-20T09%3A20%3A11%2B01%3A00"
        );
        assert!(!channel.orders_url(None, 50).contains("updated_at_min"));
    }

    #[test]
    fn the_body_fulfils_every_fulfillable_unit_and_nothing_else() {
        let orders = vec![
            FulfillmentOrder {
                id: 9001,
                status: "open".into(),
                line_items: vec![
                    FulfillmentOrderLine { id: 7001, line_item_id: 14111, quantity: 2, fulfillable_quantity: 2 },
                    FulfillmentOrderLine { id: 7002, line_item_id: 14112, quantity: 1, fulfillable_quantity: 0 },
                ],
            },
            FulfillmentOrder { id: 9002, status: "closed".into(), line_items: vec![] },
        ];
        let shipment = NewFulfillment {
            tracking_number: "1Z999AA10123456784".into(),
            company: "UPS".into(),
            url: None,
            notify_customer: true,
        };
        let body: serde_json::Value = serde_json::from_str(&fulfillment_body(&orders, &shipment)).unwrap();
        let by_order = &body["fulfillment"]["line_items_by_fulfillment_order"];
        assert_eq!(by_order.as_array().unwrap().len(), 1);
        assert_eq!(by_order[0]["fulfillment_order_id"], 9001);
        assert_eq!(by_order[0]["fulfillment_order_line_items"], serde_json::json!([{"id": 7001, "quantity": 2}]));
        assert_eq!(body["fulfillment"]["tracking_info"]["number"], "1Z999AA10123456784");
    }
}
