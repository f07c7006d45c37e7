-- 0002: allocation at arrival. Which stock rows each order line has
-- reserved (their sum per stock row is that row's `reserved`), the carrier
-- service an order's shipping service maps to, and the signature flag for
-- high-value orders.

CREATE TABLE reservations (
    order_id INTEGER NOT NULL REFERENCES orders (id),
    line_no  INTEGER NOT NULL,
    stock_id INTEGER NOT NULL REFERENCES stock (id),
    qty      INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (order_id, line_no, stock_id),
    FOREIGN KEY (order_id, line_no) REFERENCES order_lines (order_id, line_no)
) WITHOUT ROWID;
CREATE INDEX reservations_stock ON reservations (stock_id);

ALTER TABLE orders ADD COLUMN carrier_service TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN signature_required INTEGER NOT NULL DEFAULT 0
    CHECK (signature_required IN (0, 1));
