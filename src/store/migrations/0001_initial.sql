-- 0001: the first schema. Catalogue (SKUs, GTINs, bins, lots), stock per bin
-- and lot with its movement ledger, orders with lines and holds, operators,
-- and the append-only audit trail. Invariants live here as CHECKs and
-- triggers so that no code path can break them.

CREATE TABLE channels (
    id    INTEGER PRIMARY KEY,
    code  TEXT NOT NULL UNIQUE,
    name  TEXT NOT NULL,
    kind  TEXT NOT NULL CHECK (kind IN ('rest', 'file', 'manual'))
);

CREATE TABLE skus (
    id                  INTEGER PRIMARY KEY,
    code                TEXT NOT NULL UNIQUE,
    title               TEXT NOT NULL,
    length_mm           INTEGER NOT NULL CHECK (length_mm > 0),
    width_mm            INTEGER NOT NULL CHECK (width_mm > 0),
    height_mm           INTEGER NOT NULL CHECK (height_mm > 0),
    weight_g            INTEGER NOT NULL CHECK (weight_g > 0),
    lot_tracked         INTEGER NOT NULL DEFAULT 0 CHECK (lot_tracked IN (0, 1)),
    expiry_tracked      INTEGER NOT NULL DEFAULT 0 CHECK (expiry_tracked IN (0, 1)),
    serial_tracked      INTEGER NOT NULL DEFAULT 0 CHECK (serial_tracked IN (0, 1)),
    hs_code             TEXT,
    origin_country      TEXT CHECK (origin_country IS NULL OR length(origin_country) = 2),
    customs_value_minor INTEGER CHECK (customs_value_minor IS NULL OR customs_value_minor >= 0)
);

CREATE TABLE gtins (
    gtin   TEXT PRIMARY KEY CHECK (length(gtin) = 14 AND gtin NOT GLOB '*[^0-9]*'),
    sku_id INTEGER NOT NULL REFERENCES skus (id)
) WITHOUT ROWID;
CREATE INDEX gtins_sku ON gtins (sku_id);

CREATE TABLE bins (
    id    INTEGER PRIMARY KEY,
    code  TEXT NOT NULL UNIQUE,
    aisle INTEGER NOT NULL CHECK (aisle BETWEEN 1 AND 99),
    bay   INTEGER NOT NULL CHECK (bay BETWEEN 1 AND 999),
    level TEXT NOT NULL CHECK (level IN ('A', 'B', 'C', 'D', 'E', 'F')),
    zone  TEXT NOT NULL CHECK (zone IN ('A', 'B', 'C'))
);

CREATE TABLE lots (
    id         INTEGER PRIMARY KEY,
    sku_id     INTEGER NOT NULL REFERENCES skus (id),
    lot_code   TEXT NOT NULL,
    expires_on TEXT,
    UNIQUE (sku_id, lot_code)
);

-- One row per (bin, SKU, lot). Reservations can never exceed what is on hand.
CREATE TABLE stock (
    id       INTEGER PRIMARY KEY,
    bin_id   INTEGER NOT NULL REFERENCES bins (id),
    sku_id   INTEGER NOT NULL REFERENCES skus (id),
    lot_id   INTEGER REFERENCES lots (id),
    on_hand  INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= on_hand)
);
CREATE UNIQUE INDEX stock_place ON stock (bin_id, sku_id, ifnull(lot_id, 0));
CREATE INDEX stock_sku ON stock (sku_id);

-- Every change to a stock row; per row the sums equal its balances.
CREATE TABLE movements (
    id             INTEGER PRIMARY KEY,
    at_ms          INTEGER NOT NULL,
    stock_id       INTEGER NOT NULL REFERENCES stock (id),
    delta_on_hand  INTEGER NOT NULL,
    delta_reserved INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    reference      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX movements_stock ON movements (stock_id);
CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements
BEGIN SELECT RAISE(ABORT, 'the movement ledger is append-only'); END;
CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements
BEGIN SELECT RAISE(ABORT, 'the movement ledger is append-only'); END;

CREATE TABLE operators (
    id     INTEGER PRIMARY KEY,
    badge  TEXT NOT NULL UNIQUE CHECK (badge GLOB 'EMP-[0-9]*'),
    name   TEXT NOT NULL,
    role   TEXT NOT NULL CHECK (role IN ('picker', 'packer', 'supervisor')),
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Argon2 PHC string; supervisors sign in with a PIN as well as a badge.
    pin_hash TEXT
);

-- Times are UTC unix seconds. Priority 1 is the most urgent.
CREATE TABLE orders (
    id               INTEGER PRIMARY KEY,
    channel_id       INTEGER NOT NULL REFERENCES channels (id),
    external_id      TEXT NOT NULL,
    channel_ref      TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('new', 'ready', 'held', 'backordered', 'waved',
                         'picking', 'short', 'picked', 'packing', 'packed', 'shipped', 'in_transit',
                         'delivered', 'delivery_exception', 'cancelled')),
    priority         INTEGER NOT NULL DEFAULT 5 CHECK (priority BETWEEN 1 AND 9),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    ship_by          INTEGER NOT NULL,
    customer_name    TEXT NOT NULL,
    address1         TEXT NOT NULL,
    address2         TEXT NOT NULL,
    city             TEXT NOT NULL,
    region           TEXT NOT NULL,
    postcode         TEXT NOT NULL,
    country          TEXT NOT NULL,
    phone            TEXT NOT NULL,
    email            TEXT NOT NULL,
    service          TEXT NOT NULL,
    financial_status TEXT NOT NULL,
    total_minor      INTEGER NOT NULL CHECK (total_minor >= 0),
    currency         TEXT NOT NULL CHECK (length(currency) = 3),
    note             TEXT NOT NULL,
    UNIQUE (channel_id, external_id)
);
-- Queue pages, per status in both sort orders (the Open tab merges the pages
-- of the open statuses, so it needs no index of its own).
CREATE INDEX orders_status_ship ON orders (status, ship_by, id);
CREATE INDEX orders_status_priority ON orders (status, priority, ship_by, id);

CREATE TABLE order_lines (
    order_id          INTEGER NOT NULL REFERENCES orders (id),
    line_no           INTEGER NOT NULL,
    sku_id            INTEGER REFERENCES skus (id),
    sku_code          TEXT NOT NULL,
    title             TEXT NOT NULL,
    qty               INTEGER NOT NULL CHECK (qty > 0),
    unit_price_minor  INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    requires_shipping INTEGER NOT NULL CHECK (requires_shipping IN (0, 1)),
    PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;
-- SKU search: by the catalogue's id (small integer entries, cheaper to keep
-- up during imports than codes), and by code only for the few lines whose SKU
-- the catalogue does not know.
CREATE INDEX order_lines_sku ON order_lines (sku_id) WHERE sku_id IS NOT NULL;
CREATE INDEX order_lines_unknown_sku ON order_lines (sku_code) WHERE sku_id IS NULL;

CREATE TABLE order_holds (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    reason      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    released_at INTEGER
);
CREATE INDEX order_holds_order ON order_holds (order_id);

-- Customer names and channel references, for search (rowid = order id).
-- FTS5 buffers a transaction's words and writes them at commit as one
-- segment, so an import pays no random B-tree insert per word; contentless
-- with row ids only (detail none): the text itself lives in orders.
CREATE VIRTUAL TABLE order_search USING fts5 (
    words, content = '', contentless_delete = 1, detail = 'none',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Orders per status, so the queue tabs never count a million rows. Changes
-- and deletions are counted by triggers; inserts come in batches and are
-- counted once per transaction by the store (a per-row trigger would double
-- the cost of an import).
CREATE TABLE order_counts (
    status TEXT PRIMARY KEY,
    n      INTEGER NOT NULL CHECK (n >= 0)
) WITHOUT ROWID;
CREATE TRIGGER order_counts_update AFTER UPDATE OF status ON orders WHEN OLD.status <> NEW.status
BEGIN
    UPDATE order_counts SET n = n - 1 WHERE status = OLD.status;
    INSERT INTO order_counts (status, n) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER order_counts_delete AFTER DELETE ON orders
BEGIN
    UPDATE order_counts SET n = n - 1 WHERE status = OLD.status;
END;

-- The audit trail: who did what, where and when. Never changed, never deleted.
CREATE TABLE events (
    id       INTEGER PRIMARY KEY,
    at_ms    INTEGER NOT NULL,
    station  TEXT NOT NULL,
    operator TEXT NOT NULL,
    kind     TEXT NOT NULL,
    subject  TEXT NOT NULL,
    details  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_subject ON events (subject, id);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
