//! A minimal HTTP/1.1 server for the channel simulator and for tests that
//! script a mock channel: one request per connection, `Content-Length` bodies
//! only, every answer `Connection: close`.
//!
//! It is hand-written on purpose: a handler may answer with a fault instead of
//! a response ([`Reply::Reset`] drops the socket with `SO_LINGER` 0, so the
//! client sees a connection reset; [`Reply::Delay`] waits before answering),
//! which a framework would not let it do.
//!
//! ```no_run
//! use packline::sync::sim::http::{self, Reply, Response};
//! # async fn demo() -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let handler = http::handler_fn(|req| match req.path.as_str() {
//!     "/ping" => Response::json(200, &serde_json::json!({"pong": true})).into(),
//!     _ => Reply::Reset,
//! });
//! tokio::spawn(http::serve(listener, handler));
//! # Ok(()) }
//! ```

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

/// The largest request head (request line and headers) accepted.
pub const MAX_HEAD: usize = 16 * 1024;
/// The largest request body accepted.
pub const MAX_BODY: usize = 1024 * 1024;
/// A client that sends nothing for this long is dropped.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// One parsed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, ... as sent.
    pub method: String,
    /// The request target as sent, e.g. `/admin/api/2025-01/orders.json?limit=5`.
    pub target: String,
    /// The target's path, before any `?` (not decoded).
    pub path: String,
    /// The query's pairs in order, percent-decoded (`+` is a space).
    pub query: Vec<(String, String)>,
    /// Header names and values as sent.
    pub headers: Vec<(String, String)>,
    /// The body (empty without `Content-Length`).
    pub body: Vec<u8>,
    /// The client's address.
    pub peer: Option<SocketAddr>,
}

impl Request {
    /// A header's value; the name is matched ignoring case.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The first value of a query parameter.
    #[must_use]
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> serde_json::Result<T> {
        serde_json::from_slice(&self.body)
    }
}

/// An answer: status, headers and body. `Content-Length` and
/// `Connection: close` are always written by the server (any given here are
/// dropped); `Content-Type` defaults to `application/json` when there is a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// An empty answer with this status.
    #[must_use]
    pub fn new(status: u16) -> Self {
        Self { status, headers: Vec::new(), body: Vec::new() }
    }

    /// A JSON answer.
    #[must_use]
    pub fn json(status: u16, body: &impl serde::Serialize) -> Self {
        let body = serde_json::to_vec(body).unwrap_or_else(|e| format!("{{\"errors\":\"{e}\"}}").into_bytes());
        Self::new(status).header("Content-Type", "application/json; charset=utf-8").body(body)
    }

    /// A plain-text answer.
    #[must_use]
    pub fn text(status: u16, body: &str) -> Self {
        Self::new(status).header("Content-Type", "text/plain; charset=utf-8").body(body.as_bytes().to_vec())
    }

    /// Adds a header (replacing one of the same name).
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: Vec<u8>) -> Self {
        self.body = body;
        self
    }

    /// The first header of this name (ignoring case).
    #[must_use]
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What a handler does with a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Answer and close.
    Response(Response),
    /// Close abruptly without answering (`SO_LINGER` 0: the client sees a reset).
    Reset,
    /// Close cleanly without answering (the client sees an empty reply).
    Close,
    /// Wait, then do the inner reply (the connection stays open meanwhile).
    Delay(Duration, Box<Reply>),
}

impl From<Response> for Reply {
    fn from(response: Response) -> Self {
        Self::Response(response)
    }
}

/// A boxed, sendable future.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What the server calls for every request.
pub type Handler = Arc<dyn Fn(Request) -> BoxFuture<Reply> + Send + Sync>;

/// A [`Handler`] from a closure that answers at once.
pub fn handler_fn(f: impl Fn(Request) -> Reply + Send + Sync + 'static) -> Handler {
    Arc::new(move |request| {
        let reply = f(request);
        Box::pin(async move { reply })
    })
}

/// Serves connections from `listener` until the task is dropped or aborted,
/// each on its own task. Requests the server cannot read are answered 400
/// (413, 431, 501) by the server itself, without calling the handler.
pub async fn serve(listener: TcpListener, handler: Handler) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                tokio::spawn(connection(stream, peer, Arc::clone(&handler)));
            }
            Err(e) => {
                // Out of file descriptors and the like: wait, do not spin.
                tracing::warn!(error = %e, "channel-sim: accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

async fn connection(mut stream: TcpStream, peer: SocketAddr, handler: Handler) {
    let reply = match tokio::time::timeout(READ_TIMEOUT, read_request(&mut stream, peer)).await {
        Ok(Ok(Some(request))) => handler(request).await,
        Ok(Ok(None)) | Err(_) => return,
        Ok(Err(refusal)) => Reply::Response(refusal),
    };
    deliver(stream, reply).await;
}

/// Carries out a reply on the connection.
async fn deliver(mut stream: TcpStream, mut reply: Reply) {
    loop {
        match reply {
            Reply::Response(response) => {
                let _ = stream.write_all(&encode(&response)).await;
                let _ = stream.shutdown().await;
                return;
            }
            Reply::Reset => {
                let _ = stream.set_zero_linger();
                return;
            }
            Reply::Close => {
                let _ = stream.shutdown().await;
                return;
            }
            Reply::Delay(wait, inner) => {
                tokio::time::sleep(wait).await;
                reply = *inner;
            }
        }
    }
}

/// Reads one request: `Ok(None)` when the client closed before sending one,
/// `Err` with the answer for a request the server refuses.
async fn read_request(stream: &mut TcpStream, peer: SocketAddr) -> Result<Option<Request>, Response> {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let (mut request, head_len, length) = loop {
        let n = stream.read(&mut chunk).await.map_err(|_| Response::new(400))?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(&buf) {
            Ok(httparse::Status::Complete(head_len)) => {
                let (request, length) = head(&parsed, peer)?;
                break (request, head_len, length);
            }
            Ok(httparse::Status::Partial) if buf.len() <= MAX_HEAD => {}
            Ok(httparse::Status::Partial) => return Err(error(431, "the request head is too large")),
            Err(e) => return Err(error(400, &format!("bad request: {e}"))),
        }
    };
    while buf.len() < head_len + length {
        let n = stream.read(&mut chunk).await.map_err(|_| Response::new(400))?;
        if n == 0 {
            return Err(error(400, "the body is shorter than Content-Length"));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    request.body = buf[head_len..head_len + length].to_vec();
    Ok(Some(request))
}

fn head(parsed: &httparse::Request<'_, '_>, peer: SocketAddr) -> Result<(Request, usize), Response> {
    let target = parsed.path.unwrap_or("/").to_owned();
    let headers: Vec<(String, String)> =
        parsed.headers.iter().map(|h| (h.name.to_owned(), String::from_utf8_lossy(h.value).into_owned())).collect();
    let find = |name: &str| headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim());
    if find("Transfer-Encoding").is_some_and(|v| !v.eq_ignore_ascii_case("identity")) {
        return Err(error(501, "chunked bodies are not supported: send Content-Length"));
    }
    let length = match find("Content-Length") {
        None => 0,
        Some(v) => v.parse::<usize>().map_err(|_| error(400, "bad Content-Length"))?,
    };
    if length > MAX_BODY {
        return Err(error(413, "the body is too large"));
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let request = Request {
        method: parsed.method.unwrap_or("GET").to_owned(),
        path: path.to_owned(),
        query: parse_query(query),
        target: target.clone(),
        headers,
        body: Vec::new(),
        peer: Some(peer),
    };
    Ok((request, length))
}

fn error(status: u16, message: &str) -> Response {
    Response::json(status, &serde_json::json!({ "errors": message }))
}

/// `a=1&b=x%20y` as pairs, percent-decoded, `+` as a space.
#[must_use]
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes a query value (unreserved characters stay as they are).
#[must_use]
pub fn encode_component(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn encode(response: &Response) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, reason(response.status));
    let mut typed = false;
    for (name, value) in &response.headers {
        if name.eq_ignore_ascii_case("content-length") || name.eq_ignore_ascii_case("connection") {
            continue;
        }
        typed |= name.eq_ignore_ascii_case("content-type");
        let _ = write!(head, "{name}: {value}\r\n");
    }
    if !typed && !response.body.is_empty() {
        head.push_str("Content-Type: application/json; charset=utf-8\r\n");
    }
    let _ = write!(head, "Content-Length: {}\r\nConnection: close\r\n\r\n", response.body.len());
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&response.body);
    bytes
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_decoded() {
        let pairs = parse_query("status=any&updated_at_min=2026-11-20T09%3A14%3A03%2B01%3A00&x=a+b&flag&bad=%zz%4");
        assert_eq!(pairs[0], ("status".into(), "any".into()));
        assert_eq!(pairs[1].1, "2026-11-20T09:14:03+01:00");
        assert_eq!(pairs[2].1, "a b");
        assert_eq!(pairs[3], ("flag".into(), String::new()));
        assert_eq!(pairs[4].1, "%zz%4");
        assert_eq!(decode(&encode_component("2026-11-20T09:14:03+01:00 ü")), "2026-11-20T09:14:03+01:00 ü");
    }

    #[test]
    fn responses_always_close() {
        let bytes = encode(&Response::json(201, &serde_json::json!({"id": 1})).header("Connection", "keep-alive"));
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("HTTP/1.1 201 Created\r\n"), "{text}");
        assert!(text.contains("Connection: close\r\n") && !text.contains("keep-alive"), "{text}");
        assert!(text.ends_with("Content-Length: 8\r\nConnection: close\r\n\r\n{\"id\":1}"), "{text}");
    }
}
