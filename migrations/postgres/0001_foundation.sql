-- Foundation: administrative areas, users and sessions, audit log.
-- Kept in step with ../sqlite/0001_foundation.sql (the schema check in tests compares them).

CREATE TABLE areas (
    code              TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    level             TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'township', 'village')),
    parent_code       TEXT REFERENCES areas (code),
    population        BIGINT,
    geometry          TEXT,              -- GeoJSON geometry in WGS84, NULL below county when unknown
    rep_lon           DOUBLE PRECISION NOT NULL,
    rep_lat           DOUBLE PRECISION NOT NULL,
    rep_cell          BIGINT NOT NULL,
    point_approximate BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX areas_parent ON areas (parent_code);
CREATE INDEX areas_level ON areas (level);

CREATE TABLE area_cells (
    area_code TEXT NOT NULL REFERENCES areas (code) ON DELETE CASCADE,
    cell      BIGINT NOT NULL,
    PRIMARY KEY (area_code, cell)
);
CREATE INDEX area_cells_cell ON area_cells (cell);

CREATE TABLE users (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'depot_staff', 'reporter', 'assessor', 'reviewer', 'auditor')),
    area_code     TEXT REFERENCES areas (code),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    BIGINT,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before      JSONB,
    after       JSONB,
    request_id  TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);
