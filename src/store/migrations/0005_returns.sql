-- 0005: returns. An RMA per returned shipment (announced ahead by a
-- supervisor, or opened on the bench when a box arrives unannounced), and one
-- row per inspected unit with its reason, grade, disposition and refund
-- share; a restocked unit names the stock row it went back to.

CREATE TABLE rmas (
    id           INTEGER PRIMARY KEY,
    order_id     INTEGER NOT NULL REFERENCES orders (id),
    status       TEXT NOT NULL CHECK (status IN ('expected', 'received', 'inspected', 'closed')),
    announced    INTEGER NOT NULL CHECK (announced IN (0, 1)),
    created_at   INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    refund_kind  TEXT CHECK (refund_kind IS NULL OR refund_kind IN ('full', 'partial', 'none')),
    refund_minor INTEGER CHECK (refund_minor IS NULL OR refund_minor >= 0),
    closed_at    INTEGER
);
CREATE INDEX rmas_order ON rmas (order_id);

CREATE TABLE rma_units (
    id           INTEGER PRIMARY KEY,
    rma_id       INTEGER NOT NULL REFERENCES rmas (id),
    order_id     INTEGER NOT NULL,
    line_no      INTEGER NOT NULL,
    reason       TEXT NOT NULL CHECK (length(reason) > 0),
    grade        TEXT NOT NULL CHECK (grade IN ('sealed', 'opened_as_new', 'used', 'damaged', 'defective', 'missing_parts')),
    disposition  TEXT NOT NULL CHECK (disposition IN ('restock', 'quarantine', 'refurbish', 'scrap', 'return_to_vendor')),
    lot          TEXT,
    serial       TEXT,
    note         TEXT NOT NULL DEFAULT '',
    refund_minor INTEGER NOT NULL CHECK (refund_minor >= 0),
    stock_id     INTEGER REFERENCES stock (id),
    at_ms        INTEGER NOT NULL,
    station      TEXT NOT NULL,
    operator     TEXT NOT NULL,
    FOREIGN KEY (order_id, line_no) REFERENCES order_lines (order_id, line_no)
);
CREATE INDEX rma_units_rma ON rma_units (rma_id, id);
CREATE INDEX rma_units_line ON rma_units (order_id, line_no);
