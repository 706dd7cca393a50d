-- Blocked zones per event, allocation plans with their lines, and the shipments that carry them.
-- Kept in step with ../sqlite/0005_plans.sql.

CREATE TABLE blockages (
    id         BIGSERIAL PRIMARY KEY,
    event_id   BIGINT NOT NULL REFERENCES events (id),
    name       TEXT NOT NULL,
    geometry   TEXT NOT NULL,           -- GeoJSON Polygon or MultiPolygon, WGS84
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX blockages_event ON blockages (event_id);

CREATE TABLE plans (
    id            BIGSERIAL PRIMARY KEY,
    event_id      BIGINT NOT NULL REFERENCES events (id),
    aid_type      TEXT NOT NULL CHECK (aid_type IN ('emergency', 'transitional', 'winter_spring', 'reconstruction')),
    kind          TEXT NOT NULL CHECK (kind IN ('materials', 'funds')),
    status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'dispatched', 'completed', 'cancelled')),
    author_id     BIGINT NOT NULL REFERENCES users (id),
    author_name   TEXT NOT NULL,
    reviewer_name TEXT,
    reason        TEXT,                 -- why it was rejected or cancelled
    result        JSONB NOT NULL,        -- JSON: demand and fill per area and item, unreachable, bottlenecks, totals
    created_at    TIMESTAMPTZ NOT NULL,
    submitted_at  TIMESTAMPTZ,
    approved_at   TIMESTAMPTZ,
    dispatched_at TIMESTAMPTZ,
    completed_at  TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX plans_event ON plans (event_id, status);

CREATE TABLE plan_lines (
    plan_id        BIGINT NOT NULL REFERENCES plans (id),
    depot_id       BIGINT NOT NULL REFERENCES depots (id),
    area_code      TEXT NOT NULL REFERENCES areas (code),
    item_code      TEXT NOT NULL REFERENCES items (code),
    quantity       BIGINT NOT NULL CHECK (quantity > 0),
    travel_minutes BIGINT NOT NULL,
    late           BOOLEAN NOT NULL,
    PRIMARY KEY (plan_id, depot_id, area_code, item_code)
);

CREATE TABLE shipments (
    id            BIGSERIAL PRIMARY KEY,
    plan_id       BIGINT NOT NULL REFERENCES plans (id),
    depot_id      BIGINT NOT NULL REFERENCES depots (id),
    area_code     TEXT NOT NULL REFERENCES areas (code),
    status        TEXT NOT NULL CHECK (status IN ('in_transit', 'received')),
    dispatched_at TIMESTAMPTZ NOT NULL,
    dispatched_by TEXT NOT NULL,
    received_at   TIMESTAMPTZ,
    received_by   TEXT
);
CREATE INDEX shipments_plan ON shipments (plan_id);
CREATE INDEX shipments_depot ON shipments (depot_id);

CREATE TABLE shipment_lines (
    shipment_id BIGINT NOT NULL REFERENCES shipments (id),
    item_code   TEXT NOT NULL REFERENCES items (code),
    quantity    BIGINT NOT NULL CHECK (quantity > 0),
    received    BIGINT CHECK (received >= 0),  -- NULL until received; shortfall = quantity - received
    PRIMARY KEY (shipment_id, item_code)
);
