-- 0009: goods in and stock truth. Expected deliveries (purchase orders, or
-- advance ship notices with their packages' SSCCs) and what was counted
-- against them; units received and waiting for a bin (not stock yet: stock
-- only exists in a bin); cycle-count tasks per bin with their blind counts.

CREATE TABLE receipts (
    id          INTEGER PRIMARY KEY,
    reference   TEXT NOT NULL UNIQUE,
    supplier    TEXT NOT NULL DEFAULT '',
    expected_on TEXT,
    status      TEXT NOT NULL DEFAULT 'expected' CHECK (status IN ('expected', 'receiving', 'closed')),
    created_at  INTEGER NOT NULL,
    closed_at   INTEGER
);
CREATE INDEX receipts_open ON receipts (status, id);

-- One line per SKU of a delivery. `expected` is 0 for a SKU that came
-- without being announced. `reason` explains the line's difference (at close).
CREATE TABLE receipt_lines (
    receipt_id INTEGER NOT NULL REFERENCES receipts (id),
    line_no    INTEGER NOT NULL,
    sku_id     INTEGER NOT NULL REFERENCES skus (id),
    expected   INTEGER NOT NULL CHECK (expected >= 0),
    received   INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0),
    damaged    INTEGER NOT NULL DEFAULT 0 CHECK (damaged >= 0),
    reason     TEXT,
    PRIMARY KEY (receipt_id, line_no),
    UNIQUE (receipt_id, sku_id)
) WITHOUT ROWID;
CREATE INDEX receipt_lines_sku ON receipt_lines (sku_id);

-- What an advance ship notice says each package holds.
CREATE TABLE receipt_packages (
    sscc        TEXT NOT NULL CHECK (length(sscc) = 18 AND sscc NOT GLOB '*[^0-9]*'),
    receipt_id  INTEGER NOT NULL REFERENCES receipts (id),
    line_no     INTEGER NOT NULL,
    qty         INTEGER NOT NULL CHECK (qty > 0),
    lot         TEXT,
    expires_on  TEXT,
    received_at INTEGER,
    FOREIGN KEY (receipt_id, line_no) REFERENCES receipt_lines (receipt_id, line_no)
);
CREATE UNIQUE INDEX receipt_packages_place ON receipt_packages (sscc, line_no, ifnull(lot, ''));
CREATE INDEX receipt_packages_receipt ON receipt_packages (receipt_id);

-- Every receiving scan, so that the last one can be taken back while its
-- units still wait for putaway. `undone_at` marks a taken-back scan.
CREATE TABLE receipt_scans (
    id         INTEGER PRIMARY KEY,
    receipt_id INTEGER NOT NULL REFERENCES receipts (id),
    line_no    INTEGER NOT NULL,
    station    TEXT NOT NULL,
    qty        INTEGER NOT NULL CHECK (qty > 0),
    lot        TEXT,
    damaged    TEXT,
    putaway_id INTEGER REFERENCES putaway (id),
    sscc       TEXT,
    at_ms      INTEGER NOT NULL,
    undone_at  INTEGER
);
CREATE INDEX receipt_scans_receipt ON receipt_scans (receipt_id, station, id);

-- Good units received and not yet in a bin, per delivery line and lot.
CREATE TABLE putaway (
    id         INTEGER PRIMARY KEY,
    receipt_id INTEGER NOT NULL REFERENCES receipts (id),
    line_no    INTEGER NOT NULL,
    sku_id     INTEGER NOT NULL REFERENCES skus (id),
    lot        TEXT,
    expires_on TEXT,
    qty        INTEGER NOT NULL CHECK (qty >= 0)
);
CREATE UNIQUE INDEX putaway_place ON putaway (receipt_id, line_no, ifnull(lot, ''));
CREATE INDEX putaway_waiting ON putaway (qty) WHERE qty > 0;

-- Cycle counts per bin: from short picks, the schedule or a supervisor. At
-- most one open task per bin.
CREATE TABLE bin_counts (
    id         INTEGER PRIMARY KEY,
    bin_id     INTEGER NOT NULL REFERENCES bins (id),
    source     TEXT NOT NULL CHECK (source IN ('short_pick', 'schedule', 'supervisor')),
    reason     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'recount', 'review', 'done')),
    counted_by TEXT,
    done_at    INTEGER
);
CREATE UNIQUE INDEX bin_counts_open ON bin_counts (bin_id) WHERE status <> 'done';
CREATE INDEX bin_counts_created ON bin_counts (source, created_at);

-- What each count found per SKU, blind: `system` is the on-hand when the
-- first count was submitted, `first` and `second` the counter's figures.
CREATE TABLE count_lines (
    count_id INTEGER NOT NULL REFERENCES bin_counts (id),
    sku_id   INTEGER NOT NULL REFERENCES skus (id),
    system   INTEGER NOT NULL,
    first    INTEGER NOT NULL CHECK (first >= 0),
    second   INTEGER CHECK (second >= 0),
    PRIMARY KEY (count_id, sku_id)
) WITHOUT ROWID;

-- When each bin was last counted (a finished count, whatever it found).
CREATE TABLE bin_last_counted (
    bin_id INTEGER PRIMARY KEY REFERENCES bins (id),
    day    TEXT NOT NULL
);

-- The short-pick count requests so far become bin tasks (one per bin).
INSERT INTO bin_counts (bin_id, source, reason, created_at, status)
SELECT bin_id, 'short_pick', min(reason), min(created_at), 'open'
FROM count_tasks WHERE done_at IS NULL GROUP BY bin_id;
DROP TABLE count_tasks;
