-- 0008: the dashboard's counters. The supervisor's dashboard refreshes
-- whenever another terminal changes the store, so its figures must not be
-- computed by scanning orders, lines and events: the operations that change
-- them (a pick, a refused scan, a verified pack scan, a closed manifest, a
-- returned unit) add to these counters in their own transaction. Hours are
-- UTC clock hours (unix seconds / 3600), days UTC days (unix seconds / 86400).
-- `store::dashboard` reads them; `Store::dashboard_facts_by_scan` computes
-- the same facts from the base tables (the benchmark's comparator and the
-- tests' oracle).

-- When the order was handed to the carrier (unix seconds; NULL before).
ALTER TABLE orders ADD COLUMN shipped_at INTEGER;

-- Each operator's work per hour.
CREATE TABLE operator_hourly (
    hour          INTEGER NOT NULL,
    operator      TEXT NOT NULL,
    pick_lines    INTEGER NOT NULL DEFAULT 0 CHECK (pick_lines >= 0),
    picked_units  INTEGER NOT NULL DEFAULT 0 CHECK (picked_units >= 0),
    short_lines   INTEGER NOT NULL DEFAULT 0 CHECK (short_lines >= 0),
    pick_refusals INTEGER NOT NULL DEFAULT 0 CHECK (pick_refusals >= 0),
    packed_units  INTEGER NOT NULL DEFAULT 0 CHECK (packed_units >= 0),
    packed_orders INTEGER NOT NULL DEFAULT 0 CHECK (packed_orders >= 0),
    pack_refusals INTEGER NOT NULL DEFAULT 0 CHECK (pack_refusals >= 0),
    PRIMARY KEY (hour, operator)
) WITHOUT ROWID;

-- Orders shipped per hour: how many, their units, how many by their ship-by.
CREATE TABLE shipped_hourly (
    hour           INTEGER PRIMARY KEY,
    orders         INTEGER NOT NULL DEFAULT 0 CHECK (orders >= 0),
    units          INTEGER NOT NULL DEFAULT 0 CHECK (units >= 0),
    on_time_orders INTEGER NOT NULL DEFAULT 0 CHECK (on_time_orders >= 0)
);

-- Cycle times (created to shipped, whole minutes) of the orders shipped each day.
CREATE TABLE cycle_daily (
    day     INTEGER NOT NULL,
    minutes INTEGER NOT NULL CHECK (minutes >= 0),
    orders  INTEGER NOT NULL CHECK (orders >= 0),
    PRIMARY KEY (day, minutes)
) WITHOUT ROWID;

-- Units of each SKU shipped and returned each day (demand and return rates).
CREATE TABLE sku_daily (
    day            INTEGER NOT NULL,
    sku_id         INTEGER NOT NULL REFERENCES skus (id),
    shipped_units  INTEGER NOT NULL DEFAULT 0 CHECK (shipped_units >= 0),
    returned_units INTEGER NOT NULL DEFAULT 0 CHECK (returned_units >= 0),
    PRIMARY KEY (day, sku_id)
) WITHOUT ROWID;

-- The last day each SKU shipped (slow movers).
CREATE TABLE sku_last_shipped (
    sku_id INTEGER PRIMARY KEY REFERENCES skus (id),
    day    INTEGER NOT NULL
);

-- Backfill from what an older store knows. The ship time is the event that
-- shipped the order (its details start `FROM -> shipped`, a note after a
-- colon); orders that arrived shipped (a demo's history, imports) have none
-- and take their last change if still `shipped`, else their ship-by (or
-- their last change, if earlier).
UPDATE orders SET shipped_at = coalesce(
    (SELECT max(e.at_ms) / 1000 FROM events e
      WHERE e.subject = 'order:' || orders.id AND e.kind = 'status_changed'
        AND substr(e.details, 1, instr(e.details || ':', ':') - 1) GLOB '* -> shipped'),
    CASE WHEN status = 'shipped' THEN updated_at ELSE min(ship_by, updated_at) END)
WHERE status IN ('shipped', 'in_transit', 'delivered', 'delivery_exception');

INSERT INTO shipped_hourly (hour, orders, units, on_time_orders)
SELECT o.shipped_at / 3600, count(*),
       sum((SELECT ifnull(sum(l.qty), 0) FROM order_lines l
             WHERE l.order_id = o.id AND l.sku_id IS NOT NULL AND l.requires_shipping = 1)),
       sum(o.shipped_at <= o.ship_by)
FROM orders o WHERE o.shipped_at IS NOT NULL GROUP BY o.shipped_at / 3600;

INSERT INTO cycle_daily (day, minutes, orders)
SELECT shipped_at / 86400, max(shipped_at - created_at, 0) / 60, count(*)
FROM orders WHERE shipped_at IS NOT NULL GROUP BY 1, 2;

INSERT INTO sku_daily (day, sku_id, shipped_units)
SELECT o.shipped_at / 86400, l.sku_id, sum(l.qty)
FROM orders o JOIN order_lines l ON l.order_id = o.id
WHERE o.shipped_at IS NOT NULL AND l.sku_id IS NOT NULL AND l.requires_shipping = 1
GROUP BY 1, 2;

INSERT INTO sku_daily (day, sku_id, returned_units)
SELECT u.at_ms / 86400000, l.sku_id, count(*)
FROM rma_units u JOIN order_lines l ON l.order_id = u.order_id AND l.line_no = u.line_no
WHERE l.sku_id IS NOT NULL
GROUP BY 1, 2
ON CONFLICT (day, sku_id) DO UPDATE SET returned_units = returned_units + excluded.returned_units;

INSERT INTO sku_last_shipped (sku_id, day)
SELECT sku_id, max(day) FROM sku_daily WHERE shipped_units > 0 GROUP BY sku_id;

-- Operators' work from the audit trail: `units_picked` details start with
-- the quantity (as do `unit_verified` details; an undone scan still counts),
-- a short pick writes one `pick_short` per pick task it reports short, a
-- refused scan about a wave (case matters: GLOB, not LIKE) was at the pick
-- screen, any other at the pack station, and an order is packed by the one
-- moving it `packing -> packed` (not a seed's `new -> packed`).
INSERT INTO operator_hourly (hour, operator, pick_lines, picked_units, short_lines, pick_refusals,
                             packed_units, packed_orders, pack_refusals)
SELECT at_ms / 3600000, operator,
       sum(kind = 'units_picked'),
       sum(CASE WHEN kind = 'units_picked' THEN max(CAST(details AS INTEGER), 0) ELSE 0 END),
       sum(kind = 'pick_short'),
       sum(kind = 'scan_refused' AND subject GLOB 'wave:*'),
       sum(CASE WHEN kind = 'unit_verified' THEN max(CAST(details AS INTEGER), 0) ELSE 0 END),
       sum(kind = 'status_changed'),
       sum(kind = 'scan_refused' AND NOT subject GLOB 'wave:*')
FROM events
WHERE kind IN ('units_picked', 'pick_short', 'scan_refused', 'unit_verified')
   OR (kind = 'status_changed' AND substr(details, 1, instr(details || ':', ':') - 1) = 'packing -> packed')
GROUP BY 1, 2;

-- The dashboard's due-by-cut-off tile reads the open orders due soon with
-- their carrier service: this small partial index (open orders only) holds
-- all three, so the read never touches the order rows.
CREATE INDEX orders_open_due ON orders (ship_by, carrier_service, status)
WHERE status IN ('new', 'ready', 'held', 'backordered', 'waved', 'picking', 'short', 'picked', 'packing', 'packed');
