-- Households (the registry aid ends at), per-event damage records, grant lists with their lines,
-- and objections to published lists. Kept in step with ../postgres/0006_households.sql.

-- ID numbers are never stored in clear: a keyed hash (HMAC-SHA256, JIUZAI_ID_HASH_KEY) matches and
-- deduplicates them, a masked form is shown, and the encrypted value (AES-256-GCM,
-- JIUZAI_ID_ENCRYPTION_KEY) is read only for the 一卡通 payment file. Bank accounts likewise.
CREATE TABLE households (
    id             INTEGER PRIMARY KEY,
    head_name      TEXT NOT NULL,
    name_masked    TEXT NOT NULL,           -- 张*明, for readers without need and the public
    id_hash        TEXT NOT NULL UNIQUE,
    id_masked      TEXT NOT NULL,           -- 3604**********1234
    id_encrypted   TEXT NOT NULL,
    members        INTEGER NOT NULL CHECK (members BETWEEN 1 AND 50),
    member_list    TEXT NOT NULL,           -- JSON [{relation, age_group, disability}]
    address        TEXT NOT NULL,
    area_code      TEXT NOT NULL REFERENCES areas (code),
    lon            REAL,
    lat            REAL,
    cell           INTEGER,                 -- H3 cell of the location (coverage resolution)
    household_type TEXT NOT NULL CHECK (household_type IN ('general', 'dibao', 'tekun', 'youfu', 'disabled')),
    programmes     TEXT NOT NULL,           -- JSON [{programme, since, until}]
    bank_masked    TEXT,
    bank_encrypted TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX households_area ON households (area_code);
CREATE INDEX households_cell ON households (cell);

CREATE TABLE household_damage (
    id                   INTEGER PRIMARY KEY,
    event_id             INTEGER NOT NULL REFERENCES events (id),
    household_id         INTEGER NOT NULL REFERENCES households (id),
    house_damage         TEXT NOT NULL CHECK (house_damage IN ('collapsed', 'severe', 'general', 'none')),
    damaged_rooms        INTEGER NOT NULL CHECK (damaged_rooms >= 0),
    transitional_persons INTEGER NOT NULL CHECK (transitional_persons >= 0),
    crop_total_loss      INTEGER NOT NULL,
    dead                 INTEGER NOT NULL CHECK (dead >= 0),
    missing              INTEGER NOT NULL CHECK (missing >= 0),
    has_other_home       INTEGER NOT NULL,
    exclusions           TEXT NOT NULL,     -- JSON [rebuild-aid exclusion, DOMAIN.md §3.1]
    recorded_by          TEXT NOT NULL,
    recorded_at          TEXT NOT NULL,
    UNIQUE (event_id, household_id)
);
CREATE INDEX household_damage_household ON household_damage (household_id);

CREATE TABLE grant_lists (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES events (id),
    aid_type         TEXT NOT NULL CHECK (aid_type IN ('emergency', 'transitional', 'winter_spring', 'reconstruction')),
    area_code        TEXT NOT NULL REFERENCES areas (code),
    status           TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'published', 'paid', 'cancelled')),
    author_id        INTEGER NOT NULL REFERENCES users (id),
    author_name      TEXT NOT NULL,
    reviewer_name    TEXT,
    return_reason    TEXT,
    total_fen        INTEGER NOT NULL CHECK (total_fen >= 0),
    households       INTEGER NOT NULL,
    disclosure_start TEXT,                  -- 公示 period
    disclosure_end   TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    approved_at      TEXT,
    paid_at          TEXT,
    paid_by          TEXT
);
CREATE INDEX grant_lists_event ON grant_lists (event_id, aid_type);

-- No household is granted the same aid for the same event twice.
CREATE TABLE grants (
    id           INTEGER PRIMARY KEY,
    list_id      INTEGER NOT NULL REFERENCES grant_lists (id),
    event_id     INTEGER NOT NULL REFERENCES events (id),
    aid_type     TEXT NOT NULL,
    household_id INTEGER NOT NULL REFERENCES households (id),
    amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
    reason       TEXT NOT NULL,
    priority     INTEGER NOT NULL,
    line_no      INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('listed', 'under_review')),
    UNIQUE (event_id, aid_type, household_id)
);
CREATE INDEX grants_list ON grants (list_id, line_no);

CREATE TABLE grant_objections (
    id          INTEGER PRIMARY KEY,
    list_id     INTEGER NOT NULL REFERENCES grant_lists (id),
    grant_id    INTEGER,                    -- the disclosed line objected to (kept after a withdrawal)
    text        TEXT NOT NULL,
    contact     TEXT,
    status      TEXT NOT NULL CHECK (status IN ('open', 'answered')),
    decision    TEXT CHECK (decision IN ('dismissed', 'withdrawn')),
    answer      TEXT,
    answered_by TEXT,
    answered_at TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX grant_objections_list ON grant_objections (list_id, status);
