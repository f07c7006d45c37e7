//! The PostgreSQL connection. The `postgres` client drives its own small
//! runtime, which must not run inside the console's tokio runtime: a
//! connection used there lives on a thread of its own and the store talks to
//! it over channels (two hops beside the server's round trip); elsewhere it
//! runs on the caller's thread.
//!
//! The store's SQL numbers its parameters `?1`, `?2`...; they become `$1`,
//! `$2`... here, and every parameter is prepared with its type (BIGINT,
//! DOUBLE PRECISION, TEXT or BYTEA), also when it is NULL.

use std::collections::HashMap;
use std::error::Error;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, OnceLock, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};
use postgres::{NoTls, Statement};

use super::DbError;
use super::value::{Arg, Kind, Value};

/// The channel every store's writes are announced on.
const CHANNEL: &str = "packline_changes";

/// How a PostgreSQL error reads in a message: the server's words and its code.
pub(super) fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        match db.detail() {
            Some(detail) => format!("{} ({detail}; SQLSTATE {})", db.message(), db.code().code()),
            None => format!("{} (SQLSTATE {})", db.message(), db.code().code()),
        }
    } else {
        {
            // Connection errors keep their cause (refused, no such host...) in the source chain.
            let mut text = e.to_string();
            let mut cause = e.source();
            while let Some(c) = cause {
                text.push_str(": ");
                text.push_str(&c.to_string());
                cause = c.source();
            }
            text
        }
    }
}

enum Request {
    Execute(String, Vec<(Kind, Value)>),
    Query(String, Vec<(Kind, Value)>),
    Batch(String),
}

enum Reply {
    Count(u64),
    Rows(Vec<Vec<Value>>),
    Done,
    Failed(postgres::Error),
}

/// A connection and its prepared statements.
struct Session {
    client: postgres::Client,
    statements: HashMap<(String, Vec<Kind>), Statement>,
}

impl Session {
    fn connect(url: &str) -> Result<(Self, i32), postgres::Error> {
        let mut client = postgres::Client::connect(url, NoTls)?;
        let pid = client.query_one("SELECT pg_backend_pid()", &[])?.get::<_, i32>(0);
        Ok((Self { client, statements: HashMap::new() }, pid))
    }

    fn handle(&mut self, request: Request) -> Reply {
        let client = &mut self.client;
        let reply = match request {
            Request::Batch(sql) => client.batch_execute(&sql).map(|()| Reply::Done),
            Request::Execute(sql, args) => prepared(client, &mut self.statements, &sql, &args)
                .and_then(|stmt| client.execute(&stmt, &bound(&args)))
                .map(Reply::Count),
            Request::Query(sql, args) => prepared(client, &mut self.statements, &sql, &args)
                .and_then(|stmt| client.query(&stmt, &bound(&args)))
                .and_then(|rows| {
                    rows.iter()
                        .map(|row| (0..row.len()).map(|i| row.try_get::<_, Decoded>(i).map(|d| d.0)).collect())
                        .collect::<Result<Vec<Vec<Value>>, _>>()
                })
                .map(Reply::Rows),
        };
        reply.unwrap_or_else(Reply::Failed)
    }
}

/// A session on a thread of its own, reached over channels.
struct Worker {
    requests: Option<mpsc::Sender<Request>>,
    replies: mpsc::Receiver<Reply>,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    fn spawn(mut session: Session) -> Result<Self, DbError> {
        let (requests, inbox) = mpsc::channel::<Request>();
        let (outbox, replies) = mpsc::channel::<Reply>();
        let thread = std::thread::Builder::new()
            .name("packline-pg".into())
            .spawn(move || {
                for request in inbox {
                    if outbox.send(session.handle(request)).is_err() {
                        return;
                    }
                }
            })
            .map_err(|e| DbError::Disconnected(e.to_string()))?;
        Ok(Self { requests: Some(requests), replies, thread: Some(thread) })
    }

    fn call(&self, request: Request) -> Result<Reply, DbError> {
        let gone = || DbError::Disconnected("the connection thread ended".into());
        self.requests.as_ref().ok_or_else(gone)?.send(request).map_err(|_| gone())?;
        self.replies.recv().map_err(|_| gone())
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing the request channel ends the thread, which closes the connection.
        self.requests = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Where the session runs: on the caller's thread (a command, a probe, a
/// test), or on a thread of its own once the store is used inside a tokio
/// runtime (the console, the sync worker), where the `postgres` client's
/// own runtime cannot run.
enum Mode {
    Here(Box<Session>),
    Apart(Worker),
    /// Only while moving from one to the other.
    Moving,
}

/// One connection to the server.
pub struct Client {
    mode: std::cell::RefCell<Mode>,
    url: String,
    /// The server process serving this connection: its notices are its own.
    pid: i32,
    notices: OnceLock<Notices>,
}

fn in_runtime() -> bool {
    tokio::runtime::Handle::try_current().is_ok()
}

impl Client {
    pub(super) fn connect(url: &str) -> Result<Self, DbError> {
        let (mode, pid) = if in_runtime() {
            let target = url.to_owned();
            let connected = std::thread::spawn(move || Session::connect(&target))
                .join()
                .map_err(|_| DbError::Disconnected("the connection thread ended".into()))?;
            let (session, pid) = connected?;
            (Mode::Apart(Worker::spawn(session)?), pid)
        } else {
            let (session, pid) = Session::connect(url)?;
            (Mode::Here(Box::new(session)), pid)
        };
        Ok(Self { mode: std::cell::RefCell::new(mode), url: url.to_owned(), pid, notices: OnceLock::new() })
    }

    fn call(&self, request: Request) -> Result<Reply, DbError> {
        let mut mode = self.mode.borrow_mut();
        if in_runtime()
            && matches!(*mode, Mode::Here(_))
            && let Mode::Here(session) = std::mem::replace(&mut *mode, Mode::Moving)
        {
            *mode = Mode::Apart(Worker::spawn(*session)?);
        }
        let reply = match &mut *mode {
            Mode::Here(session) => session.handle(request),
            Mode::Apart(worker) => worker.call(request)?,
            Mode::Moving => return Err(DbError::Disconnected("the connection was lost while moving".into())),
        };
        match reply {
            Reply::Failed(e) => Err(DbError::Postgres(e)),
            reply => Ok(reply),
        }
    }

    pub(super) fn execute(&self, sql: &str, args: &[Arg<'_>]) -> Result<u64, DbError> {
        match self.call(Request::Execute(sql.to_owned(), owned(args))).map_err(|e| in_statement(e, sql))? {
            Reply::Count(n) => Ok(n),
            _ => Err(DbError::Disconnected("a reply out of order".into())),
        }
    }

    pub(super) fn query(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<Vec<Value>>, DbError> {
        match self.call(Request::Query(sql.to_owned(), owned(args))).map_err(|e| in_statement(e, sql))? {
            Reply::Rows(rows) => Ok(rows),
            _ => Err(DbError::Disconnected("a reply out of order".into())),
        }
    }

    pub(super) fn batch(&self, sql: &str) -> Result<(), DbError> {
        match self.call(Request::Batch(sql.to_owned()))? {
            Reply::Done => Ok(()),
            _ => Err(DbError::Disconnected("a reply out of order".into())),
        }
    }

    /// Announces this transaction's changes to every other connection; the
    /// server delivers the notice only if the transaction commits.
    pub(super) fn notify_change(&self) -> Result<(), DbError> {
        // Both values are integers and a constant we own.
        self.batch(&format!("NOTIFY {CHANNEL}, '{}'", self.pid))
    }

    pub(super) fn explain(&self, sql: &str, args: &[Arg<'_>]) -> Result<Vec<String>, DbError> {
        let rows = self.query(&format!("EXPLAIN {sql}"), args)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| match r.into_iter().next() {
                Some(Value::Text(t)) => Some(t),
                _ => None,
            })
            .collect())
    }

    /// Goes up whenever another connection commits a change (after the
    /// first call, which starts listening).
    pub(super) fn change_version(&self) -> Result<i64, DbError> {
        if let Some(notices) = self.notices.get() {
            return Ok(notices.version());
        }
        let notices = Notices::start(&self.url, self.pid)?;
        Ok(self.notices.get_or_init(|| notices).version())
    }
}

fn in_statement(e: DbError, sql: &str) -> DbError {
    match e {
        DbError::Postgres(error) => DbError::PostgresStatement { error, statement: sql.to_owned() },
        other => other,
    }
}

/// A statement shortened for a message: one line, at most 300 characters.
pub(super) fn clip(sql: &str) -> String {
    let one_line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(300) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

fn owned(args: &[Arg<'_>]) -> Vec<(Kind, Value)> {
    args.iter().map(|a| (a.kind(), a.to_value())).collect()
}

/// Statements kept prepared per connection, by text and parameter types.
const STATEMENT_CACHE: usize = 512;

fn prepared(
    client: &mut postgres::Client,
    statements: &mut HashMap<(String, Vec<Kind>), Statement>,
    sql: &str,
    args: &[(Kind, Value)],
) -> Result<Statement, postgres::Error> {
    let key = (sql.to_owned(), args.iter().map(|(k, _)| *k).collect::<Vec<_>>());
    if let Some(stmt) = statements.get(&key) {
        return Ok(stmt.clone());
    }
    let types: Vec<Type> = key.1.iter().map(|k| pg_type(*k)).collect();
    let stmt = client.prepare_typed(&translate(sql), &types)?;
    if statements.len() >= STATEMENT_CACHE {
        statements.clear();
    }
    statements.insert(key, stmt.clone());
    Ok(stmt)
}

fn pg_type(kind: Kind) -> Type {
    match kind {
        Kind::Int => Type::INT8,
        Kind::Real => Type::FLOAT8,
        Kind::Text => Type::TEXT,
        Kind::Blob => Type::BYTEA,
    }
}

fn bound(args: &[(Kind, Value)]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|(_, v)| v as &(dyn ToSql + Sync)).collect()
}

/// The store's SQL as PostgreSQL reads it: `?N` parameters become `$N`;
/// SQLite's `ifnull` and `group_concat` take their standard names, and
/// its scalar `max(a, b)` and `min(a, b)` (two or more arguments) become
/// `greatest` and `least`; `CROSS JOIN ... ON` becomes `INNER JOIN`. Quoted text and identifiers are left alone.
#[must_use]
pub fn translate(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                out.push(c);
            }
            '?' if chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) => out.push('$'),
            _ if c.is_ascii_alphabetic() && !sql[..i].ends_with(|p: char| p.is_ascii_alphanumeric() || p == '_') => {
                let rest = &sql[i..];
                let word_end = rest.find(|p: char| !(p.is_ascii_alphanumeric() || p == '_')).unwrap_or(rest.len());
                let word = &rest[..word_end];
                let after = &rest[word_end..];
                let renamed = match word.to_ascii_lowercase().as_str() {
                    "ifnull" => Some("coalesce"),
                    "group_concat" => Some("string_agg"),
                    "max" if has_two_arguments(after) => Some("greatest"),
                    "min" if has_two_arguments(after) => Some("least"),
                    // SQLite's CROSS JOIN ... ON fixes the join order; PostgreSQL
                    // takes ON only after a plain JOIN (and plans the order itself).
                    "cross" if after.trim_start().get(..4).is_some_and(|w| w.eq_ignore_ascii_case("join")) => {
                        Some("INNER")
                    }
                    _ => None,
                };
                out.push_str(renamed.unwrap_or(word));
                for _ in 1..word.chars().count() {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Whether `text` starts with a parenthesised list with a comma at its top level.
fn has_two_arguments(text: &str) -> bool {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth == 0 {
                    return false;
                }
            }
            (None, ',') if depth == 1 => return true,
            (None, c) if depth == 0 && !c.is_whitespace() => return false,
            // Inside quotes, or anything else inside the parentheses.
            _ => {}
        }
    }
    false
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        use bytes::BufMut;
        match (self, ty) {
            (Value::Null, _) => return Ok(IsNull::Yes),
            (Value::Int(i), &Type::INT8) => out.put_i64(*i),
            (Value::Int(i), &Type::INT4) => out.put_i32(i32::try_from(*i)?),
            (Value::Int(i), &Type::INT2) => out.put_i16(i16::try_from(*i)?),
            (Value::Int(i), &Type::FLOAT8) => out.put_f64(*i as f64),
            (Value::Int(i), &Type::BOOL) => out.put_u8(u8::from(*i != 0)),
            (Value::Int(i), &Type::TEXT | &Type::VARCHAR) => out.put_slice(i.to_string().as_bytes()),
            (Value::Real(r), &Type::FLOAT8) => out.put_f64(*r),
            (Value::Real(r), &Type::FLOAT4) => out.put_f32(*r as f32),
            (
                Value::Text(t),
                &Type::TEXT | &Type::VARCHAR | &Type::BPCHAR | &Type::NAME | &Type::UNKNOWN | &Type::JSON,
            ) => {
                out.put_slice(t.as_bytes());
            }
            (Value::Text(t), &Type::JSONB) => {
                out.put_u8(1);
                out.put_slice(t.as_bytes());
            }
            (Value::Blob(b), &Type::BYTEA) => out.put_slice(b),
            (value, ty) => return Err(format!("cannot send {value:?} as {ty}").into()),
        }
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A column of any type the store's SQL produces, read as a [`Value`].
struct Decoded(Value);

impl<'a> FromSql<'a> for Decoded {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn Error + Sync + Send>> {
        let fixed = |n: usize| -> Result<&[u8], Box<dyn Error + Sync + Send>> {
            raw.get(..n).filter(|_| raw.len() == n).ok_or_else(|| format!("a {ty} of {} bytes", raw.len()).into())
        };
        let value = match *ty {
            Type::BOOL => Value::Int(i64::from(fixed(1)?[0] != 0)),
            Type::INT2 => Value::Int(i64::from(i16::from_be_bytes(fixed(2)?.try_into()?))),
            Type::INT4 => Value::Int(i64::from(i32::from_be_bytes(fixed(4)?.try_into()?))),
            Type::OID => Value::Int(i64::from(u32::from_be_bytes(fixed(4)?.try_into()?))),
            Type::INT8 => Value::Int(i64::from_be_bytes(fixed(8)?.try_into()?)),
            Type::FLOAT4 => Value::Real(f64::from(f32::from_be_bytes(fixed(4)?.try_into()?))),
            Type::FLOAT8 => Value::Real(f64::from_be_bytes(fixed(8)?.try_into()?)),
            Type::NUMERIC => numeric(raw)?,
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::JSON => {
                Value::Text(std::str::from_utf8(raw)?.to_owned())
            }
            Type::JSONB => Value::Text(std::str::from_utf8(raw.get(1..).unwrap_or_default())?.to_owned()),
            Type::BYTEA => Value::Blob(raw.to_owned()),
            _ => return Err(format!("the store does not read columns of type {ty}").into()),
        };
        Ok(Decoded(value))
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn Error + Sync + Send>> {
        Ok(Decoded(Value::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A NUMERIC (what `sum` and `avg` of integers give) in its binary form:
/// base-10000 digits with a weight; whole numbers become integers.
fn numeric(raw: &[u8]) -> Result<Value, Box<dyn Error + Sync + Send>> {
    let word = |i: usize| -> Result<i16, Box<dyn Error + Sync + Send>> {
        Ok(i16::from_be_bytes(raw.get(i * 2..i * 2 + 2).ok_or("a short NUMERIC")?.try_into()?))
    };
    let (ndigits, weight, sign, dscale) = (word(0)?, word(1)?, word(2)? as u16, word(3)?);
    if sign == 0xC000 {
        return Ok(Value::Real(f64::NAN));
    }
    let digit = |k: i32| -> Result<i64, Box<dyn Error + Sync + Send>> {
        Ok(if (0..i32::from(ndigits)).contains(&k) { i64::from(word(4 + k as usize)?) } else { 0 })
    };
    let negative = sign == 0x4000;
    if dscale == 0 {
        let mut whole: i64 = 0;
        for k in 0..=i32::from(weight) {
            let d = digit(k)?;
            whole = whole.checked_mul(10_000).and_then(|w| w.checked_add(d)).ok_or("a NUMERIC too large")?;
        }
        return Ok(Value::Int(if negative { -whole } else { whole }));
    }
    let mut real = 0.0;
    for k in 0..i32::from(ndigits) {
        real += digit(k)? as f64 * 10_000f64.powi(i32::from(weight) - k);
    }
    Ok(Value::Real(if negative { -real } else { real }))
}

/// Counts other connections' committed changes, heard with LISTEN on a
/// connection of its own; the console compares the count on its tick, as
/// it compares SQLite's `data_version`.
pub struct Notices {
    version: Arc<AtomicI64>,
    stop: Arc<AtomicBool>,
}

impl Notices {
    fn start(url: &str, own_pid: i32) -> Result<Self, DbError> {
        let version = Arc::new(AtomicI64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (ready_tx, ready_rx) = mpsc::channel::<Result<(), postgres::Error>>();
        let (url, counter, stopping) = (url.to_owned(), Arc::clone(&version), Arc::clone(&stop));
        std::thread::Builder::new()
            .name("packline-pg-listen".into())
            .spawn(move || listen(&url, own_pid, &counter, &stopping, &ready_tx))
            .map_err(|e| DbError::Disconnected(e.to_string()))?;
        match ready_rx.recv() {
            Ok(Ok(())) => Ok(Self { version, stop }),
            Ok(Err(e)) => Err(DbError::Postgres(e)),
            Err(_) => Err(DbError::Disconnected("the listening thread ended".into())),
        }
    }

    #[must_use]
    pub fn version(&self) -> i64 {
        self.version.load(Ordering::Acquire)
    }
}

impl Drop for Notices {
    fn drop(&mut self) {
        // The thread sees this within one wait and closes its connection.
        self.stop.store(true, Ordering::Release);
    }
}

/// How long the listener waits for a notice before looking at `stop`.
const LISTEN_WAIT: Duration = Duration::from_millis(200);

fn listen(
    url: &str,
    own_pid: i32,
    version: &AtomicI64,
    stop: &AtomicBool,
    ready: &mpsc::Sender<Result<(), postgres::Error>>,
) {
    let mut first = true;
    while !stop.load(Ordering::Acquire) {
        let connected = postgres::Client::connect(url, NoTls)
            .and_then(|mut c| c.batch_execute(&format!("LISTEN {CHANNEL}")).map(|()| c));
        let mut client = match connected {
            Ok(client) => client,
            Err(e) => {
                if first {
                    let _ = ready.send(Err(e));
                    return;
                }
                tracing::warn!(error = %describe(&e), "listening for other terminals' changes failed; retrying");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        if first {
            first = false;
            let _ = ready.send(Ok(()));
        } else {
            // Changes may have been missed while reconnecting: reload once.
            version.fetch_add(1, Ordering::AcqRel);
        }
        let own = own_pid.to_string();
        while !stop.load(Ordering::Acquire) {
            let mut notices = client.notifications();
            let mut heard = notices.timeout_iter(LISTEN_WAIT);
            match heard.next() {
                Ok(Some(n)) if n.payload() != own => {
                    version.fetch_add(1, Ordering::AcqRel);
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %describe(&e), "the change-notice connection closed; reconnecting");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_and_sqlite_names_are_translated_outside_quotes() {
        assert_eq!(
            translate("SELECT ifnull(a, '?1'), group_concat(b, ',') FROM t WHERE c = ?12 AND d = \"?2\""),
            "SELECT coalesce(a, '?1'), string_agg(b, ',') FROM t WHERE c = $12 AND d = \"?2\""
        );
        assert_eq!(translate("SELECT myifnull(x) FROM ifnull_t"), "SELECT myifnull(x) FROM ifnull_t");
        assert_eq!(
            translate("SELECT max(a), sum(max(b - c, 0)), min(f(x, y)), MIN(d,(e)) FROM t"),
            "SELECT max(a), sum(greatest(b - c, 0)), min(f(x, y)), least(d,(e)) FROM t"
        );
        assert_eq!(translate("FROM a cross  join b ON b.x = a.x"), "FROM a INNER  join b ON b.x = a.x");
    }

    fn numeric_bytes(ndigits: i16, weight: i16, sign: u16, dscale: i16, digits: &[i16]) -> Vec<u8> {
        let mut raw = Vec::new();
        for w in [ndigits, weight, sign as i16, dscale] {
            raw.extend_from_slice(&w.to_be_bytes());
        }
        for d in digits {
            raw.extend_from_slice(&d.to_be_bytes());
        }
        raw
    }

    #[test]
    fn numeric_sums_read_as_integers() {
        // 123456789 = 1|2345|6789 in base 10000, weight 2.
        assert_eq!(numeric(&numeric_bytes(3, 2, 0, 0, &[1, 2345, 6789])).unwrap(), Value::Int(123_456_789));
        // 20000 = 2 with weight 1 (the trailing zero digit is not sent).
        assert_eq!(numeric(&numeric_bytes(1, 1, 0, 0, &[2])).unwrap(), Value::Int(20_000));
        assert_eq!(numeric(&numeric_bytes(1, 0, 0x4000, 0, &[7])).unwrap(), Value::Int(-7));
        assert_eq!(numeric(&numeric_bytes(0, 0, 0, 0, &[])).unwrap(), Value::Int(0));
        // 2.5 = 2 . 5000
        assert_eq!(numeric(&numeric_bytes(2, 0, 0, 1, &[2, 5000])).unwrap(), Value::Real(2.5));
    }
}
