-- Blocked zones per event, allocation plans with their lines, and the shipments that carry them.
-- Kept in step with ../postgres/0005_plans.sql.

CREATE TABLE blockages (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL REFERENCES events (id),
    name       TEXT NOT NULL,
    geometry   TEXT NOT NULL,           -- GeoJSON Polygon or MultiPolygon, WGS84
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX blockages_event ON blockages (event_id);

CREATE TABLE plans (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events (id),
    aid_type      TEXT NOT NULL CHECK (aid_type IN ('emergency', 'transitional', 'winter_spring', 'reconstruction')),
    kind          TEXT NOT NULL CHECK (kind IN ('materials', 'funds')),
    status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'dispatched', 'completed', 'cancelled')),
    author_id     INTEGER NOT NULL REFERENCES users (id),
    author_name   TEXT NOT NULL,
    reviewer_name TEXT,
    reason        TEXT,                 -- why it was rejected or cancelled
    result        TEXT NOT NULL,        -- JSON: demand and fill per area and item, unreachable, bottlenecks, totals
    created_at    TEXT NOT NULL,
    submitted_at  TEXT,
    approved_at   TEXT,
    dispatched_at TEXT,
    completed_at  TEXT,
    updated_at    TEXT NOT NULL
);
CREATE INDEX plans_event ON plans (event_id, status);

CREATE TABLE plan_lines (
    plan_id        INTEGER NOT NULL REFERENCES plans (id),
    depot_id       INTEGER NOT NULL REFERENCES depots (id),
    area_code      TEXT NOT NULL REFERENCES areas (code),
    item_code      TEXT NOT NULL REFERENCES items (code),
    quantity       INTEGER NOT NULL CHECK (quantity > 0),
    travel_minutes INTEGER NOT NULL,
    late           INTEGER NOT NULL,
    PRIMARY KEY (plan_id, depot_id, area_code, item_code)
);

CREATE TABLE shipments (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plans (id),
    depot_id      INTEGER NOT NULL REFERENCES depots (id),
    area_code     TEXT NOT NULL REFERENCES areas (code),
    status        TEXT NOT NULL CHECK (status IN ('in_transit', 'received')),
    dispatched_at TEXT NOT NULL,
    dispatched_by TEXT NOT NULL,
    received_at   TEXT,
    received_by   TEXT
);
CREATE INDEX shipments_plan ON shipments (plan_id);
CREATE INDEX shipments_depot ON shipments (depot_id);

CREATE TABLE shipment_lines (
    shipment_id INTEGER NOT NULL REFERENCES shipments (id),
    item_code   TEXT NOT NULL REFERENCES items (code),
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    received    INTEGER CHECK (received >= 0),  -- NULL until received; shortfall = quantity - received
    PRIMARY KEY (shipment_id, item_code)
);
