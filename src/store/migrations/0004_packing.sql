-- 0004: packing and shipping. Every verified unit is a row (scan by scan, so
-- a crash loses nothing already scanned); a completed pack is one shipment
-- row per package with its tracking number and SSCC, plus an outbox entry
-- for the sync, in the same transaction; an end-of-day manifest hands a
-- carrier's packages over.

CREATE TABLE pack_scans (
    id       INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    line_no  INTEGER NOT NULL,
    qty      INTEGER NOT NULL CHECK (qty > 0),
    lot      TEXT,
    serial   TEXT,
    at_ms    INTEGER NOT NULL,
    station  TEXT NOT NULL,
    operator TEXT NOT NULL,
    undone   INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
    FOREIGN KEY (order_id, line_no) REFERENCES order_lines (order_id, line_no)
);
CREATE INDEX pack_scans_order ON pack_scans (order_id, id);

CREATE TABLE manifests (
    id        INTEGER PRIMARY KEY,
    carrier   TEXT NOT NULL,
    closed_at INTEGER NOT NULL,
    closed_by TEXT NOT NULL
);

CREATE TABLE shipments (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    package_no  INTEGER NOT NULL CHECK (package_no > 0),
    packages    INTEGER NOT NULL CHECK (packages >= package_no),
    carton      TEXT NOT NULL,
    weight_g    INTEGER NOT NULL CHECK (weight_g > 0),
    measured_g  INTEGER CHECK (measured_g IS NULL OR measured_g > 0),
    carrier     TEXT NOT NULL,
    service     TEXT NOT NULL,
    tracking    TEXT NOT NULL UNIQUE,
    sscc        TEXT NOT NULL UNIQUE CHECK (length(sscc) = 18),
    created_at  INTEGER NOT NULL,
    manifest_id INTEGER REFERENCES manifests (id),
    UNIQUE (order_id, package_no)
);
CREATE INDEX shipments_open ON shipments (carrier, manifest_id);

-- Work for the sync, written in the same transaction as what it reports.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT
);
CREATE INDEX outbox_pending ON outbox (sent_at, id);

-- Counters that must never repeat (SSCC serials, tracking references).
CREATE TABLE sequences (
    name TEXT PRIMARY KEY,
    next INTEGER NOT NULL CHECK (next > 0)
) WITHOUT ROWID;
