-- 0006: the background sync. Each channel's cursor and health; orders the
-- channel cancelled after work started (flagged, not cancelled); the outbox
-- gets its channel, an explicit state, backoff and the channel's id for what
-- it created; one sync worker per store by lease; carrier tracking events
-- per package; alerts for the supervisor, at most one open per subject.
-- Times: unix seconds, except the lease (ms, like the wave leases).

-- Set when the channel cancelled an order that was already being worked on.
ALTER TABLE orders ADD COLUMN channel_cancelled_at INTEGER;

CREATE TABLE channel_sync (
    channel_id      INTEGER PRIMARY KEY REFERENCES channels (id),
    -- The channel's updated_at of the newest order fully stored, verbatim.
    cursor          TEXT,
    last_pull_at    INTEGER,
    last_success_at INTEGER,
    orders_imported INTEGER NOT NULL DEFAULT 0 CHECK (orders_imported >= 0),
    state           TEXT NOT NULL DEFAULT 'ok' CHECK (state IN ('ok', 'failing', 'token_rejected')),
    last_error      TEXT,
    last_error_at   INTEGER
);

ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'sent', 'failed', 'skipped'));
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE outbox ADD COLUMN remote_id TEXT;

UPDATE outbox SET state = CASE WHEN sent_at IS NULL THEN 'pending' ELSE 'sent' END;
-- Shipments name their channel in the key (shipment:CHANNEL:EXTERNAL_ID);
-- other rows (refunds) through the order in their payload.
UPDATE outbox SET channel = CASE
    WHEN idempotency_key LIKE 'shipment:%:%'
        THEN substr(idempotency_key, 10, instr(substr(idempotency_key, 10), ':') - 1)
    WHEN json_valid(payload)
        THEN coalesce((SELECT c.code FROM orders o JOIN channels c ON c.id = o.channel_id
                       WHERE o.id = CAST(substr(json_extract(outbox.payload, '$.order'), 5) AS INTEGER)), '')
    ELSE '' END;

-- A row written without its channel (a refund) takes its order's channel.
CREATE TRIGGER outbox_channel_of_order AFTER INSERT ON outbox
WHEN NEW.channel = '' AND json_valid(NEW.payload)
BEGIN
    UPDATE outbox SET channel = coalesce((SELECT c.code FROM orders o JOIN channels c ON c.id = o.channel_id
                                          WHERE o.id = CAST(substr(json_extract(NEW.payload, '$.order'), 5) AS INTEGER)), '')
    WHERE id = NEW.id;
END;

-- The state replaces sent_at as what the sync looks at.
DROP INDEX outbox_pending;
-- Due rows per channel and kind in id order; counts per state and channel.
CREATE INDEX outbox_due ON outbox (state, channel, kind, id);
-- The newest rows in a state (the sync screen).
CREATE INDEX outbox_state ON outbox (state, id);

-- One row: the station running the sync while its lease runs.
CREATE TABLE sync_lease (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    station  TEXT,
    since_ms INTEGER,
    until_ms INTEGER,
    CHECK ((station IS NULL) = (until_ms IS NULL))
);
INSERT INTO sync_lease (id) VALUES (1);

ALTER TABLE shipments ADD COLUMN tracking_status TEXT CHECK (tracking_status IS NULL
    OR tracking_status IN ('in_transit', 'out_for_delivery', 'delivered', 'delayed', 'exception'));
ALTER TABLE shipments ADD COLUMN next_poll_at INTEGER;
ALTER TABLE shipments ADD COLUMN expected_on TEXT;
-- Packages of orders delivered before tracking existed are not tracked again.
UPDATE shipments SET tracking_status = 'delivered'
WHERE order_id IN (SELECT id FROM orders WHERE status = 'delivered');

CREATE TABLE tracking_events (
    id          INTEGER PRIMARY KEY,
    shipment_id INTEGER NOT NULL REFERENCES shipments (id),
    at          INTEGER NOT NULL,
    status      TEXT NOT NULL
        CHECK (status IN ('in_transit', 'out_for_delivery', 'delivered', 'delayed', 'exception')),
    description TEXT NOT NULL DEFAULT '',
    expected_on TEXT,
    UNIQUE (shipment_id, at, status)
);

CREATE TABLE alerts (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    message    TEXT NOT NULL,
    raised_at  INTEGER NOT NULL,
    cleared_at INTEGER,
    cleared_by TEXT,
    CHECK ((cleared_at IS NULL) = (cleared_by IS NULL))
);
-- Raising an alert that is open already does nothing.
CREATE UNIQUE INDEX alerts_open ON alerts (kind, subject) WHERE cleared_at IS NULL;
CREATE INDEX alerts_subject ON alerts (subject, kind);
CREATE INDEX alerts_recent ON alerts (cleared_at, id);
