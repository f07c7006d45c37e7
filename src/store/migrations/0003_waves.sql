-- 0003: waves and picking. A wave groups ready orders for one picker's cart,
-- each order in its own tote; its pick tasks say which units of which order
-- line come from which stock row, in walk order. A wave being picked is
-- leased to one station at a time. Short picks leave a cycle-count task.

CREATE TABLE waves (
    id             INTEGER PRIMARY KEY,
    status         TEXT NOT NULL CHECK (status IN ('planned', 'released', 'picking', 'picked', 'cancelled')),
    created_at     INTEGER NOT NULL,
    created_by     TEXT NOT NULL,
    -- Planned walk of the whole wave, and the same orders' walk under
    -- first-come batching with S-shape routing (the preview's comparison).
    route_m        REAL NOT NULL CHECK (route_m >= 0),
    baseline_m     REAL NOT NULL CHECK (baseline_m >= 0),
    -- The station picking it, while the lease lasts.
    lease_station  TEXT,
    lease_operator TEXT,
    lease_since_ms INTEGER,
    lease_until_ms INTEGER,
    CHECK ((lease_station IS NULL) = (lease_until_ms IS NULL))
);
CREATE INDEX waves_status ON waves (status, id);

CREATE TABLE wave_orders (
    wave_id  INTEGER NOT NULL REFERENCES waves (id),
    order_id INTEGER NOT NULL REFERENCES orders (id),
    tote     TEXT NOT NULL CHECK (tote GLOB 'T[0-9][0-9][0-9][0-9]*'),
    PRIMARY KEY (wave_id, order_id)
) WITHOUT ROWID;
CREATE INDEX wave_orders_order ON wave_orders (order_id);
CREATE INDEX wave_orders_tote ON wave_orders (tote);

-- One task per (order line, stock row): `seq` is its stop in walk order;
-- several tasks share a stop when orders need the same SKU from one bin.
CREATE TABLE pick_tasks (
    id       INTEGER PRIMARY KEY,
    wave_id  INTEGER NOT NULL REFERENCES waves (id),
    seq      INTEGER NOT NULL,
    order_id INTEGER NOT NULL,
    line_no  INTEGER NOT NULL,
    stock_id INTEGER NOT NULL REFERENCES stock (id),
    qty      INTEGER NOT NULL CHECK (qty > 0),
    picked   INTEGER NOT NULL DEFAULT 0 CHECK (picked >= 0 AND picked <= qty),
    status   TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'short', 'moved', 'cancelled')),
    FOREIGN KEY (order_id, line_no) REFERENCES order_lines (order_id, line_no)
);
CREATE INDEX pick_tasks_wave ON pick_tasks (wave_id, seq);

-- Bins to count again: a short pick says the system and the shelf disagree.
CREATE TABLE count_tasks (
    id         INTEGER PRIMARY KEY,
    bin_id     INTEGER NOT NULL REFERENCES bins (id),
    sku_id     INTEGER NOT NULL REFERENCES skus (id),
    reason     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    done_at    INTEGER
);
CREATE INDEX count_tasks_open ON count_tasks (done_at, bin_id);
