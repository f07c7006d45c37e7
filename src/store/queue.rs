//! Queue reads: keyset pages, status counts and search. Every query here is
//! driven by an index and bounded by LIMIT, so a page costs the same with a
//! thousand orders or a million. The Open tab reads a page from each open
//! status and merges them.

use std::collections::BTreeMap;

use crate::store::db::{Backend, Db, OptionalExt, Row, params};
use chrono::DateTime;

use super::{Result, Store, status_from_sql};
use crate::domain::queue::{
    PageFrom, QueueFilter, QueueKey, QueueQuery, QueueRow, QueueSort, SearchQuery, StatusCounts,
};
use crate::domain::{HoldReason, OrderStatus};

/// The columns of a queue row; lines, units and holds come from small
/// per-row lookups on their own primary keys.
const ROW_SELECT: &str = "SELECT o.id, (SELECT code FROM channels WHERE id = o.channel_id), o.channel_ref,
        o.customer_name, o.country,
        (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id),
        (SELECT coalesce(sum(qty), 0) FROM order_lines l WHERE l.order_id = o.id AND l.requires_shipping = 1),
        o.ship_by, o.priority, o.service, o.status,
        (SELECT group_concat(reason, ',') FROM order_holds h WHERE h.order_id = o.id AND h.released_at IS NULL)
    FROM orders o";

/// Search results: open orders first by ship-by, then history newest first.
const SEARCH_ORDER: &str =
    "NOT (o.status NOT IN ('shipped', 'in_transit', 'delivered', 'delivery_exception', 'cancelled')),
    CASE WHEN o.status NOT IN ('shipped', 'in_transit', 'delivered', 'delivery_exception', 'cancelled')
         THEN o.ship_by ELSE -o.ship_by END, o.id";

/// The statuses a filter reads from.
fn statuses(filter: QueueFilter) -> Vec<OrderStatus> {
    match filter {
        QueueFilter::Open => OrderStatus::ALL.into_iter().filter(|s| s.is_open()).collect(),
        QueueFilter::Status(status) => vec![status],
        QueueFilter::HeldFor(_) => vec![OrderStatus::Held],
    }
}

/// The statements that read one page of one status, in key order, with their values.
struct PagePlan {
    statements: Vec<String>,
    status: &'static str,
    /// For a Held-tab view: only orders with an active hold for this reason.
    reason: Option<&'static str>,
    key: Option<QueueKey>,
}

impl PagePlan {
    fn new(query: &QueueQuery, status: OrderStatus) -> Self {
        let backwards = matches!(query.from, PageFrom::End | PageFrom::Before(_));
        let order = match (query.sort, backwards) {
            (QueueSort::ShipBy, false) => "o.ship_by, o.id",
            (QueueSort::ShipBy, true) => "o.ship_by DESC, o.id DESC",
            (QueueSort::Priority, false) => "o.priority, o.ship_by, o.id",
            (QueueSort::Priority, true) => "o.priority DESC, o.ship_by DESC, o.id DESC",
        };
        let (key, branches) = match query.from {
            PageFrom::Start | PageFrom::End => (None, vec![String::new()]),
            PageFrom::AtOrAfter(k) => (Some(k), key_branches(query.sort, ">=", ">")),
            PageFrom::After(k) => (Some(k), key_branches(query.sort, ">", ">")),
            PageFrom::Before(k) => (Some(k), key_branches(query.sort, "<", "<")),
        };
        let reason = match query.filter {
            QueueFilter::HeldFor(reason) => Some(reason.as_str()),
            _ => None,
        };
        // Held orders are few; their holds are looked up per order by its index.
        let held_for = if reason.is_some() {
            " AND EXISTS (SELECT 1 FROM order_holds h WHERE h.order_id = o.id AND h.released_at IS NULL AND h.reason = :reason)"
        } else {
            ""
        };
        let statements = branches
            .iter()
            .map(|branch| {
                format!("{ROW_SELECT} WHERE o.status = :status{held_for}{branch} ORDER BY {order} LIMIT :limit")
            })
            .collect();
        Self { statements, status: status.as_str(), reason, key }
    }

    /// The values for `sql`: only the names it uses.
    fn params<'a>(&'a self, sql: &str, limit: &'a i64) -> Vec<(&'static str, &'a dyn crate::store::db::Param)> {
        let mut named: Vec<(&'static str, &dyn crate::store::db::Param)> =
            vec![(":limit", limit), (":status", &self.status)];
        if let Some(reason) = &self.reason {
            named.push((":reason", reason));
        }
        if let Some(key) = &self.key {
            for (name, value) in [(":priority", &key.priority), (":ship_by", &key.ship_by), (":id", &key.id)] {
                if sql.contains(name) {
                    named.push((name, value));
                }
            }
        }
        named
    }
}

/// A keyset bound `(key) OP (:key)` split into branches that each seek on an
/// index prefix: SQLite seeks a row-value comparison only on its first column
/// when the last one is the rowid, so a page deep inside a run of equal
/// ship-by times would otherwise scan the whole run. `last` compares the id
/// (`>=` includes the key row), `step` the other columns.
fn key_branches(sort: QueueSort, last: &str, step: &str) -> Vec<String> {
    match sort {
        QueueSort::ShipBy => {
            vec![format!(" AND o.ship_by = :ship_by AND o.id {last} :id"), format!(" AND o.ship_by {step} :ship_by")]
        }
        QueueSort::Priority => vec![
            format!(" AND o.priority = :priority AND o.ship_by = :ship_by AND o.id {last} :id"),
            format!(" AND o.priority = :priority AND o.ship_by {step} :ship_by"),
            format!(" AND o.priority {step} :priority"),
        ],
    }
}

/// A text search: every typed word must start a word of the name or
/// reference (?1, an FTS5 query), or the whole text is a SKU code (?2), known
/// to the catalogue or not. `UNION ALL`, since `IN` removes duplicates anyway
/// and a `UNION` made SQLite scan every line in order to merge.
fn search_sql(backend: Backend) -> String {
    // PostgreSQL keeps the words in a plain table with a full-text index.
    let words = match backend {
        Backend::Sqlite => "SELECT rowid FROM order_search WHERE ?1 <> '' AND order_search MATCH ?1",
        Backend::Postgres => {
            "SELECT rowid FROM order_search WHERE ?1 <> '' AND to_tsvector('simple', words) @@ to_tsquery('simple', ?1)"
        }
    };
    // Hits are ordered and cut to the limit on the bare order rows first
    // (CROSS JOIN keeps SQLite driving from the hits, not scanning orders;
    // the hits are made distinct before the join, as PostgreSQL orders a
    // SELECT DISTINCT only by its selected columns); the full queue row,
    // with its per-row look-ups, is built only for the orders kept. A common
    // name with thousands of hits then costs a sort.
    format!(
        "WITH hits(id) AS (
             {words}
             UNION ALL SELECT order_id FROM order_lines
                 WHERE sku_id = (SELECT id FROM skus WHERE code = ?2) AND sku_id IS NOT NULL
             UNION ALL SELECT order_id FROM order_lines WHERE sku_code = ?2 AND sku_id IS NULL),
         kept(id) AS (
             SELECT o.id FROM (SELECT DISTINCT id FROM hits) hit CROSS JOIN orders o ON o.id = hit.id
             ORDER BY {SEARCH_ORDER} LIMIT ?3)
         {ROW_SELECT} WHERE o.id IN (SELECT id FROM kept)
         ORDER BY {SEARCH_ORDER}"
    )
}

/// The values of [`search_sql`] for what was typed.
fn search_values(text: &str, backend: Backend) -> (String, String) {
    let words = match backend {
        Backend::Sqlite => fts_prefix_query(text),
        Backend::Postgres => ts_prefix_query(text),
    };
    (words, text.trim().to_uppercase())
}

/// The same query for PostgreSQL's `to_tsquery`: `ana:* & lima:*` (each
/// word is letters and digits only, so nothing in it is query syntax),
/// folded as the indexed words are ([`search_fold`]).
fn ts_prefix_query(text: &str) -> String {
    search_fold(text).split(' ').filter(|w| !w.is_empty()).map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & ")
}

/// Lowercase letters with diacritics, and the letters SQLite's FTS5
/// tokenizer (`unicode61 remove_diacritics 2`, as `order_search` uses it)
/// folds them to, char for char: Latin-1, Latin Extended-A and -B, Latin
/// Extended Additional. Letters of their own (ø, æ, ß, ...) are not folded,
/// as there.
const FOLD_FROM: &str = concat!(
    "àáâãäåçèéêëìíîïñòóôõöùúûüýÿāăąćĉċčďēĕėęěĝğġģĥĩīĭįĵķĺļľńņňōŏő",
    "ŕŗřśŝşšţťũūŭůűųŵŷźżžſơưǎǐǒǔǖǘǚǜǟǧǩǫǭǰǵǹǻȁȃȅȇȉȋȍȏȑȓȕȗșțȟȧȩȫȭȯ",
    "ȱȳḁḃḅḇḉḋḍḏḑḓḕḗḙḛḝḟḡḣḥḧḩḫḭḯḱḳḵḷḹḻḽḿṁṃṅṇṉṋṍṏṑṓṕṗṙṛṝṟṡṣṥṧṩṫṭṯṱṳ",
    "ṵṷṹṻṽṿẁẃẅẇẉẋẍẏẑẓẕẖẗẘẙẛạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừ",
    "ửữựỳỵỷỹ",
);
const FOLD_TO: &str = concat!(
    "aaaaaaceeeeiiiinooooouuuuyyaaaccccdeeeeegggghiiiijklllnnnooo",
    "rrrssssttuuuuuuwyzzzsouaiouuuuuagkoojgnaaaeeiioorruusthaeooo",
    "oyabbbcdddddeeeeefghhhhhiikkkllllmmmnnnnoooopprrrrsssssttttu",
    "uuuuvvwwwwwxxyzzzhtwysaaaaaaaaaaaaeeeeeeeeiioooooooooooouuuu",
    "uuuyyyy",
);

/// Text folded as FTS5 folds `order_search` on SQLite: lowercase,
/// diacritics removed ([`FOLD_FROM`], combining marks dropped), words (runs
/// of letters and digits) joined by single spaces. PostgreSQL's `simple`
/// full-text configuration folds no accents (and lowercases only ASCII in
/// the C locale), so on PostgreSQL the store indexes folded words and
/// searches for folded words: both backends find the same orders.
pub(super) fn search_fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii() {
            folded.push(c);
        } else if !('\u{300}'..='\u{36f}').contains(&c) {
            folded.push(FOLD_FROM.chars().position(|f| f == c).and_then(|i| FOLD_TO.chars().nth(i)).unwrap_or(c));
        }
    }
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// An FTS5 query that needs every typed word as a word prefix: `"ana"* "lima"*`.
/// Text is split where the tokenizer splits it (anything not a letter or
/// digit), so each term is one token; an empty result matches no order.
fn fts_prefix_query(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

fn read_row(r: &Row<'_>) -> Result<QueueRow> {
    let holds: Option<String> = r.get(11)?;
    Ok(QueueRow {
        id: r.get(0)?,
        channel: r.get(1)?,
        channel_ref: r.get(2)?,
        customer: r.get(3)?,
        country: r.get(4)?,
        lines: r.get(5)?,
        units: r.get(6)?,
        ship_by: DateTime::from_timestamp(r.get(7)?, 0).unwrap_or_default(),
        priority: r.get(8)?,
        service: r.get(9)?,
        status: status_from_sql(&r.get::<_, String>(10)?)?,
        holds: holds.iter().flat_map(|h| h.split(',')).filter_map(|h| h.parse().ok()).collect(),
    })
}

pub(super) fn row_by_id(conn: &Db, id: i64) -> Result<Option<QueueRow>> {
    conn.prepare_cached(&format!("{ROW_SELECT} WHERE o.id = ?1"))?.query_row([id], read_row).optional()
}

impl Store {
    /// One page of the queue. Keyset paging: the cost does not grow with depth.
    pub fn queue_page(&self, query: &QueueQuery) -> Result<Vec<QueueRow>> {
        let backwards = matches!(query.from, PageFrom::End | PageFrom::Before(_));
        let mut rows = Vec::with_capacity(query.limit);
        for status in statuses(query.filter) {
            let plan = PagePlan::new(query, status);
            // The branches are disjoint and in key order, so their pages concatenate.
            let mut found = 0;
            for sql in &plan.statements {
                let wanted = (query.limit - found) as i64;
                if wanted == 0 {
                    break;
                }
                let mut stmt = self.conn.prepare_cached(sql)?;
                let named = plan.params(sql, &wanted);
                for row in stmt.query_map(named.as_slice(), read_row)? {
                    rows.push(row?);
                    found += 1;
                }
            }
        }
        // The Open tab is a merge of one page per open status.
        let key = |r: &QueueRow| match query.sort {
            QueueSort::ShipBy => (0, r.ship_by.timestamp(), r.id),
            QueueSort::Priority => (r.priority, r.ship_by.timestamp(), r.id),
        };
        rows.sort_by_key(key);
        if backwards {
            let skip = rows.len().saturating_sub(query.limit);
            rows.drain(..skip);
        } else {
            rows.truncate(query.limit);
        }
        Ok(rows)
    }

    /// SQLite's query plan for each statement [`Store::queue_page`] would run
    /// (a diagnostic: the tests check every page is an index seek).
    pub fn explain_queue_page(&self, query: &QueueQuery) -> Result<Vec<Vec<String>>> {
        let limit = query.limit as i64;
        let mut plans = Vec::new();
        for status in statuses(query.filter) {
            let plan = PagePlan::new(query, status);
            for sql in &plan.statements {
                let named = plan.params(sql, &limit);
                plans.push(self.conn.explain(sql, named.as_slice())?);
            }
        }
        Ok(plans)
    }

    /// Held orders per active hold reason (for the Held tab's views).
    pub fn hold_counts(&self) -> Result<BTreeMap<HoldReason, u64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.reason, count(DISTINCT h.order_id) FROM order_holds h JOIN orders o ON o.id = h.order_id
             WHERE h.released_at IS NULL AND o.status = 'held' GROUP BY h.reason",
        )?;
        let rows = stmt.query_map((), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut counts = BTreeMap::new();
        for row in rows {
            let (reason, n) = row?;
            if let Ok(reason) = reason.parse::<HoldReason>() {
                counts.insert(reason, n as u64);
            }
        }
        Ok(counts)
    }

    /// Orders per status, from the counts the triggers keep.
    pub fn status_counts(&self) -> Result<StatusCounts> {
        let mut stmt = self.conn.prepare_cached("SELECT status, n FROM order_counts WHERE n > 0")?;
        let counts = stmt
            .query_map((), |r| Ok((status_from_sql(&r.get::<_, String>(0)?)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<Result<BTreeMap<_, _>>>()?;
        Ok(StatusCounts(counts))
    }

    /// SQLite's query plan for a text search (a diagnostic: the tests check
    /// that no table is scanned whole).
    pub fn explain_search(&self, text: &str) -> Result<Vec<String>> {
        let (by_words, sku) = search_values(text, self.conn.backend());
        self.conn.explain(&search_sql(self.conn.backend()), params![by_words, sku, 200])
    }

    /// Orders matching a search, at most `limit`: open orders first (earliest
    /// ship-by first), then history (newest first).
    /// Text matches a channel reference word, a SKU code exactly, or the start
    /// of any word of the customer's name (case-insensitive).
    pub fn search_orders(&self, query: &SearchQuery, limit: usize) -> Result<Vec<QueueRow>> {
        let limit = limit as i64;
        let rows = match query {
            SearchQuery::Number(number) => row_by_id(&self.conn, number.0)?.into_iter().collect(),
            SearchQuery::Text(text) => {
                let mut stmt = self.conn.prepare_cached(&search_sql(self.conn.backend()))?;
                let (by_words, sku) = search_values(text, self.conn.backend());
                stmt.query_map(params![by_words, sku, limit], read_row)?.collect::<Result<Vec<_>>>()?
            }
        };
        Ok(rows)
    }
}
