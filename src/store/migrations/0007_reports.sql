-- 0007: reports. `packline report audit` lists the audit trail newest first
-- from a date on; without an index on the time every such report read the
-- whole trail. Events are appended with the current time, so the index grows
-- at its right edge (no random writes on the hot path). Per-subject reads
-- keep `events_subject`.

CREATE INDEX events_at ON events (at_ms);
