-- Relief items, reserve depots, and the stock ledger (lots, reservations, transfers).
-- Kept in step with ../postgres/0002_depots_and_stock.sql.

CREATE TABLE items (
    code            TEXT PRIMARY KEY,
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    category        TEXT NOT NULL CHECK (category IN ('shelter', 'bedding_clothing', 'equipment', 'food', 'water', 'hygiene', 'other')),
    unit            TEXT NOT NULL,
    unit_volume_dm3 INTEGER NOT NULL CHECK (unit_volume_dm3 >= 0),
    unit_weight_g   INTEGER NOT NULL CHECK (unit_weight_g >= 0),
    shelf_life_days INTEGER CHECK (shelf_life_days > 0),
    norms           TEXT NOT NULL,          -- JSON: per aid type {basis, per_thousand}
    updated_at      TEXT NOT NULL
);

CREATE TABLE depots (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    tier          TEXT NOT NULL CHECK (tier IN ('central', 'provincial', 'city', 'county', 'township')),
    area_code     TEXT NOT NULL REFERENCES areas (code),
    lon           REAL NOT NULL,
    lat           REAL NOT NULL,
    cell          INTEGER NOT NULL,
    capacity_m3   INTEGER NOT NULL CHECK (capacity_m3 >= 0),
    contact_name  TEXT,
    contact_phone TEXT,
    status        TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX depots_area ON depots (area_code);

-- Reserve plan (储备规划): how much of each item a depot should hold.
CREATE TABLE depot_targets (
    depot_id  INTEGER NOT NULL REFERENCES depots (id),
    item_code TEXT NOT NULL REFERENCES items (code),
    quantity  INTEGER NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (depot_id, item_code)
);

-- The depots a depot keeper works in.
CREATE TABLE user_depots (
    user_id  INTEGER NOT NULL REFERENCES users (id),
    depot_id INTEGER NOT NULL REFERENCES depots (id),
    PRIMARY KEY (user_id, depot_id)
);

-- Balances kept in the same transaction as the ledger lines that change them.
CREATE TABLE stock_balances (
    depot_id  INTEGER NOT NULL REFERENCES depots (id),
    item_code TEXT NOT NULL REFERENCES items (code),
    on_hand   INTEGER NOT NULL CHECK (on_hand >= 0),
    reserved  INTEGER NOT NULL CHECK (reserved >= 0),
    CHECK (reserved <= on_hand),
    PRIMARY KEY (depot_id, item_code)
);

CREATE TABLE stock_lots (
    depot_id   INTEGER NOT NULL REFERENCES depots (id),
    item_code  TEXT NOT NULL REFERENCES items (code),
    lot        TEXT NOT NULL,
    expires_on TEXT,
    quantity   INTEGER NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (depot_id, item_code, lot)
);

CREATE TABLE transfers (
    id            INTEGER PRIMARY KEY,
    from_depot_id INTEGER NOT NULL REFERENCES depots (id),
    to_depot_id   INTEGER NOT NULL REFERENCES depots (id),
    item_code     TEXT NOT NULL REFERENCES items (code),
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    lots          TEXT NOT NULL,            -- JSON [{lot, expires_on, quantity}] as shipped
    status        TEXT NOT NULL CHECK (status IN ('in_transit', 'received')),
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    received_at   TEXT,
    received_by   TEXT
);
CREATE INDEX transfers_to ON transfers (to_depot_id, status);
CREATE INDEX transfers_from ON transfers (from_depot_id, status);

-- One row per request that changed stock; its effect per lot is in stock_movement_lines.
CREATE TABLE stock_movements (
    id          INTEGER PRIMARY KEY,
    depot_id    INTEGER NOT NULL REFERENCES depots (id),
    kind        TEXT NOT NULL CHECK (kind IN ('receipt', 'issue', 'transfer_out', 'transfer_in', 'adjustment', 'reservation', 'release', 'dispatch')),
    item_code   TEXT NOT NULL REFERENCES items (code),
    quantity    INTEGER NOT NULL,
    source      TEXT,
    donor       TEXT,
    reason      TEXT,
    note        TEXT,
    to_depot_id INTEGER REFERENCES depots (id),
    transfer_id INTEGER REFERENCES transfers (id),
    reference   TEXT,                       -- e.g. the plan a reservation belongs to
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL,
    request_id  TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX stock_movements_depot ON stock_movements (depot_id, id);

CREATE TABLE stock_movement_lines (
    movement_id    INTEGER NOT NULL REFERENCES stock_movements (id),
    lot            TEXT,
    expires_on     TEXT,
    on_hand_delta  INTEGER NOT NULL,
    reserved_delta INTEGER NOT NULL
);
CREATE INDEX stock_movement_lines_movement ON stock_movement_lines (movement_id);

-- Retried writes: the same key and body apply once and return the first result.
CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,             -- who and where: user id and endpoint
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
