//! Queue reads: keyset pages, status counts and search. Every query here is
//! driven by an index and bounded by LIMIT, so a page costs the same with a
//! thousand orders or a million.

use std::collections::BTreeMap;

use chrono::DateTime;
use rusqlite::{Connection, OptionalExtension, Row};

use super::{Result, Store, orders::search_tokens, status_from_sql};
use crate::domain::queue::{PageFrom, QueueFilter, QueueQuery, QueueRow, QueueSort, SearchQuery, StatusCounts};

/// The columns of a queue row; lines, units and holds come from small
/// per-row lookups on their own primary keys.
const ROW_SELECT: &str = "SELECT o.id, (SELECT code FROM channels WHERE id = o.channel_id), o.channel_ref,
        o.customer_name, o.country,
        (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id),
        (SELECT coalesce(sum(qty), 0) FROM order_lines l WHERE l.order_id = o.id AND l.requires_shipping = 1),
        o.ship_by, o.priority, o.service, o.status,
        (SELECT group_concat(reason, ',') FROM order_holds h WHERE h.order_id = o.id AND h.released_at IS NULL)
    FROM orders o";

/// Must match the WHERE clause of the partial indexes `orders_open_*` word for word.
const OPEN_CLAUSE: &str = "o.status NOT IN ('shipped', 'in_transit', 'delivered', 'delivery_exception', 'cancelled')";

fn read_row(r: &Row<'_>) -> rusqlite::Result<QueueRow> {
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

pub(super) fn row_by_id(conn: &Connection, id: i64) -> Result<Option<QueueRow>> {
    Ok(conn.prepare_cached(&format!("{ROW_SELECT} WHERE o.id = ?1"))?.query_row([id], read_row).optional()?)
}

impl Store {
    /// One page of the queue. Keyset paging: the cost does not grow with depth.
    pub fn queue_page(&self, query: &QueueQuery) -> Result<Vec<QueueRow>> {
        let filter = match query.filter {
            QueueFilter::Open => OPEN_CLAUSE,
            QueueFilter::Status(_) => "o.status = :status",
        };
        let (key_cols, order_asc, order_desc) = match query.sort {
            QueueSort::ShipBy => ("(o.ship_by, o.id)", "o.ship_by, o.id", "o.ship_by DESC, o.id DESC"),
            QueueSort::Priority => (
                "(o.priority, o.ship_by, o.id)",
                "o.priority, o.ship_by, o.id",
                "o.priority DESC, o.ship_by DESC, o.id DESC",
            ),
        };
        let key_vals = match query.sort {
            QueueSort::ShipBy => "(:ship_by, :id)",
            QueueSort::Priority => "(:priority, :ship_by, :id)",
        };
        let (bound, backwards) = match query.from {
            PageFrom::Start => (String::new(), false),
            PageFrom::End => (String::new(), true),
            PageFrom::AtOrAfter(_) => (format!(" AND {key_cols} >= {key_vals}"), false),
            PageFrom::After(_) => (format!(" AND {key_cols} > {key_vals}"), false),
            PageFrom::Before(_) => (format!(" AND {key_cols} < {key_vals}"), true),
        };
        let order = if backwards { order_desc } else { order_asc };
        let sql = format!("{ROW_SELECT} WHERE {filter}{bound} ORDER BY {order} LIMIT :limit");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        // Bind only the parameters this statement names.
        let key = match query.from {
            PageFrom::AtOrAfter(k) | PageFrom::After(k) | PageFrom::Before(k) => Some(k),
            PageFrom::Start | PageFrom::End => None,
        };
        let status = match query.filter {
            QueueFilter::Status(s) => Some(s.as_str()),
            QueueFilter::Open => None,
        };
        let limit = query.limit as i64;
        let mut named: Vec<(&str, &dyn rusqlite::ToSql)> = vec![(":limit", &limit)];
        if let Some(status) = &status {
            named.push((":status", status));
        }
        if let Some(key) = &key {
            named.push((":ship_by", &key.ship_by));
            named.push((":id", &key.id));
            if query.sort == QueueSort::Priority {
                named.push((":priority", &key.priority));
            }
        }
        let mut rows: Vec<QueueRow> = stmt.query_map(named.as_slice(), read_row)?.collect::<rusqlite::Result<_>>()?;
        if backwards {
            rows.reverse();
        }
        Ok(rows)
    }

    /// Orders per status, from the counts the triggers keep.
    pub fn status_counts(&self) -> Result<StatusCounts> {
        let mut stmt = self.conn.prepare_cached("SELECT status, n FROM order_counts WHERE n > 0")?;
        let counts = stmt
            .query_map([], |r| Ok((status_from_sql(&r.get::<_, String>(0)?)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<BTreeMap<_, _>>>()?;
        Ok(StatusCounts(counts))
    }

    /// Orders matching a search, earliest ship-by first, at most `limit`.
    /// Text matches a channel reference word, a SKU code exactly, or the start
    /// of any word of the customer's name (case-insensitive).
    pub fn search_orders(&self, query: &SearchQuery, limit: usize) -> Result<Vec<QueueRow>> {
        let limit = limit as i64;
        let rows = match query {
            SearchQuery::Number(number) => row_by_id(&self.conn, number.0)?.into_iter().collect(),
            SearchQuery::Text(text) => {
                // Every word must start a word of the name or reference (one
                // index range per word, intersected), or the whole text is a
                // SKU code.
                let words: Vec<String> = search_tokens(text).collect();
                if words.is_empty() {
                    return Ok(Vec::new());
                }
                let bounds: Vec<String> = words.iter().flat_map(|w| [w.clone(), format!("{w}\u{10ffff}")]).collect();
                let by_word = (0..words.len())
                    .map(|i| {
                        format!(
                            "SELECT order_id FROM order_search WHERE token >= ?{} AND token < ?{}",
                            2 * i + 1,
                            2 * i + 2
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(" INTERSECT ");
                let (sku_param, limit_param) = (bounds.len() + 1, bounds.len() + 2);
                let sql = format!(
                    "{ROW_SELECT} WHERE o.id IN ({by_word}
                         UNION SELECT order_id FROM order_lines WHERE sku_code = ?{sku_param})
                     ORDER BY o.ship_by, o.id LIMIT ?{limit_param}"
                );
                let sku = text.trim().to_uppercase();
                let mut values: Vec<&dyn rusqlite::ToSql> = bounds.iter().map(|b| b as &dyn rusqlite::ToSql).collect();
                values.push(&sku);
                values.push(&limit);
                let mut stmt = self.conn.prepare_cached(&sql)?;
                stmt.query_map(values.as_slice(), read_row)?.collect::<rusqlite::Result<Vec<_>>>()?
            }
        };
        Ok(rows)
    }
}
