-- Policy rural housing insurance (政策性农房保险, docs/domain/rebuild.md#insurance): policies held
-- for a whole township (统保) or for one household, claims opened from damage records, and the
-- part of a payout a county counts against the rebuild subsidy. Also the photos of rebuild cases.
-- Kept in step with ../postgres/0022_insurance.sql.

CREATE TABLE insurance_policies (
    id               INTEGER PRIMARY KEY,
    insurer          TEXT NOT NULL,
    policy_number    TEXT NOT NULL,
    area_code        TEXT NOT NULL REFERENCES areas (code),   -- the township insured, or the household's area
    household_id     INTEGER REFERENCES households (id),       -- NULL: every household of the area
    rooms            INTEGER CHECK (rooms > 0),               -- rooms insured (NULL: all the house's rooms)
    sum_per_room_fen INTEGER NOT NULL CHECK (sum_per_room_fen > 0),
    starts_on        TEXT NOT NULL,
    ends_on          TEXT NOT NULL,
    imported_by      TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    CHECK (starts_on <= ends_on)
);
-- A policy number covers an area once and a household once.
CREATE UNIQUE INDEX insurance_policies_area ON insurance_policies (policy_number, area_code) WHERE household_id IS NULL;
CREATE UNIQUE INDEX insurance_policies_household ON insurance_policies (policy_number, household_id) WHERE household_id IS NOT NULL;
CREATE INDEX insurance_policies_scope ON insurance_policies (area_code);

CREATE TABLE insurance_claims (
    id             INTEGER PRIMARY KEY,
    event_id       INTEGER NOT NULL REFERENCES events (id),
    household_id   INTEGER NOT NULL REFERENCES households (id),
    policy_id      INTEGER NOT NULL REFERENCES insurance_policies (id),
    area_code      TEXT NOT NULL REFERENCES areas (code),     -- the household's, for scope checks
    rooms          INTEGER NOT NULL CHECK (rooms >= 0),       -- damaged rooms the policy covers
    cap_fen        INTEGER NOT NULL CHECK (cap_fen >= 0),      -- rooms × sum insured per room
    status         TEXT NOT NULL CHECK (status IN ('reported', 'surveyed', 'paid', 'refused')),
    assessed_fen   INTEGER CHECK (assessed_fen >= 0),
    payout_fen     INTEGER CHECK (payout_fen >= 0),
    reported_on    TEXT NOT NULL,
    paid_on        TEXT,
    refusal_reason TEXT,
    opened_by      TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
-- One claim per house and disaster.
CREATE UNIQUE INDEX insurance_claims_household ON insurance_claims (event_id, household_id);
CREATE INDEX insurance_claims_area ON insurance_claims (event_id, area_code, status);

-- The share of a paid claim a county counts against the rebuild subsidy (none by default: the
-- payout complements the subsidy).
CREATE TABLE insurance_counting (
    area_code   TEXT PRIMARY KEY REFERENCES areas (code),
    counted_bp  INTEGER NOT NULL CHECK (counted_bp BETWEEN 0 AND 10000),
    set_by      TEXT NOT NULL,
    set_at      TEXT NOT NULL
);

CREATE TABLE rebuild_case_photos (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES rebuild_cases (id),
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes        INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    path         TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX rebuild_case_photos_case ON rebuild_case_photos (case_id);
