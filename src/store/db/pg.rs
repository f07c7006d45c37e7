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
use std::sync::{OnceLock, mpsc};
use std::thread::JoinHandle;

use postgres::types::{ToSql, Type};
use postgres::{NoTls, Statement};

use super::DbError;
use super::notices::{CHANNEL, Notices};
use super::pg_sql::translate;
use super::pg_types::Decoded;
use super::value::{Arg, Kind, Value};

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
