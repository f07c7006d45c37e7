//! Plain SQL reads straight from a store's database, on either backend, for
//! the tests that check invariants below the store's API (the stock ledger,
//! scan rows, packages) with queries of their own. Read-only: a test never
//! writes behind the store's back through this.
//!
//! The SQL must mean the same on both databases: a derived table needs an
//! alias, a boolean is `CASE WHEN .. THEN 1 ELSE 0 END`, and a `sum()` the
//! test reads is `CAST(sum(..) AS BIGINT)` (PostgreSQL sums BIGINTs into
//! NUMERIC). Values are written into the statement by the test (its own
//! numbers and ids), so there are no parameters.

#![allow(dead_code, clippy::unwrap_used)]

use std::cell::RefCell;
use std::path::Path;

/// One value of a result row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
}

impl Cell {
    /// The integer; panics on anything else (a NULL too).
    #[must_use]
    pub fn int(&self) -> i64 {
        match self {
            Self::Int(n) => *n,
            other => panic!("expected an integer, found {other:?}"),
        }
    }

    /// The text; panics on anything else.
    #[must_use]
    pub fn text(&self) -> &str {
        match self {
            Self::Text(s) => s,
            other => panic!("expected text, found {other:?}"),
        }
    }
}

/// A connection of its own to the store's database.
pub enum Raw {
    Sqlite(rusqlite::Connection),
    Postgres(RefCell<postgres::Client>),
}

impl Raw {
    /// Connects to the store at `location` (a file, or a `postgres://` URL).
    #[must_use]
    pub fn open(location: &Path) -> Self {
        if let Some(url) = location.to_str().filter(|l| packline::store::is_postgres_url(l)) {
            let client =
                postgres::Client::connect(url, postgres::NoTls).unwrap_or_else(|e| panic!("connecting to {url}: {e}"));
            Self::Postgres(RefCell::new(client))
        } else {
            let conn = rusqlite::Connection::open(location).unwrap();
            conn.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
            Self::Sqlite(conn)
        }
    }

    #[must_use]
    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    /// Every row of `sql`, in order.
    #[must_use]
    pub fn rows(&self, sql: &str) -> Vec<Vec<Cell>> {
        match self {
            Self::Sqlite(conn) => {
                let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
                let width = stmt.column_count();
                stmt.query_map([], |r| (0..width).map(|i| Ok(sqlite_cell(r.get_ref(i)?))).collect())
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
                    .collect::<Result<_, _>>()
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
            Self::Postgres(client) => {
                let rows = client.borrow_mut().query(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}"));
                rows.iter().map(|r| (0..r.len()).map(|i| pg_cell(r, i, sql)).collect()).collect()
            }
        }
    }

    /// The first row of `sql`.
    #[must_use]
    pub fn row(&self, sql: &str) -> Vec<Cell> {
        self.rows(sql).into_iter().next().unwrap_or_else(|| panic!("{sql}: no rows"))
    }

    /// The integer in the first column of the first row of `sql`.
    #[must_use]
    pub fn int(&self, sql: &str) -> i64 {
        self.row(sql)[0].int()
    }
}

fn sqlite_cell(value: rusqlite::types::ValueRef<'_>) -> Cell {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => Cell::Null,
        ValueRef::Integer(n) => Cell::Int(n),
        ValueRef::Text(t) => Cell::Text(String::from_utf8_lossy(t).into_owned()),
        other => panic!("a test query returned {other:?}"),
    }
}

fn pg_cell(row: &postgres::Row, i: usize, sql: &str) -> Cell {
    use postgres::types::Type;
    let ty = row.columns()[i].type_().clone();
    let cell = if ty == Type::INT8 {
        row.get::<_, Option<i64>>(i).map(Cell::Int)
    } else if ty == Type::INT4 {
        row.get::<_, Option<i32>>(i).map(|n| Cell::Int(n.into()))
    } else if ty == Type::INT2 {
        row.get::<_, Option<i16>>(i).map(|n| Cell::Int(n.into()))
    } else if ty == Type::BOOL {
        row.get::<_, Option<bool>>(i).map(|b| Cell::Int(b.into()))
    } else if [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME].contains(&ty) {
        row.get::<_, Option<String>>(i).map(Cell::Text)
    } else {
        panic!("{sql}: column {i} is {ty}; cast it to BIGINT or TEXT")
    };
    cell.unwrap_or(Cell::Null)
}
