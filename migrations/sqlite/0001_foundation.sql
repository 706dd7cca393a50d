-- Foundation: administrative areas, users and sessions, audit log.
-- Kept in step with ../postgres/0001_foundation.sql (the schema check in tests compares them).

CREATE TABLE areas (
    code              TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    level             TEXT NOT NULL CHECK (level IN ('province', 'city', 'county', 'township', 'village')),
    parent_code       TEXT REFERENCES areas (code),
    population        INTEGER,
    geometry          TEXT,              -- GeoJSON geometry in WGS84, NULL below county when unknown
    rep_lon           REAL NOT NULL,     -- representative point, always present
    rep_lat           REAL NOT NULL,
    rep_cell          INTEGER NOT NULL,  -- H3 cell of the representative point (coverage resolution)
    point_approximate INTEGER NOT NULL DEFAULT 0, -- the point was inherited from the parent
    updated_at        TEXT NOT NULL
);
CREATE INDEX areas_parent ON areas (parent_code);
CREATE INDEX areas_level ON areas (level);

-- H3 cells whose centre lies in the area (unique per level), to map points to areas and aggregate on a grid.
CREATE TABLE area_cells (
    area_code TEXT NOT NULL REFERENCES areas (code) ON DELETE CASCADE,
    cell      INTEGER NOT NULL,
    PRIMARY KEY (area_code, cell)
);
CREATE INDEX area_cells_cell ON area_cells (cell);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'depot_staff', 'reporter', 'assessor', 'reviewer', 'auditor')),
    area_code     TEXT REFERENCES areas (code),
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,         -- SHA-256 of the bearer token; the token itself is never stored
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    INTEGER,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before      TEXT,
    after       TEXT,
    request_id  TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_at ON audit_log (at);
