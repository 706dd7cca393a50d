-- Rebuilding damaged rural houses (倒损农房恢复重建, docs/domain/rebuild.md) as cases: opened from the
-- house's damage record, approved by the county with the subsidy, then started, structure done,
-- completed, and accepted by an inspector (or failed and back to the builder). Kept in step with
-- ../postgres/0020_rebuild_cases.sql.

CREATE TABLE rebuild_cases (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events (id),
    household_id  INTEGER NOT NULL REFERENCES households (id),
    area_code     TEXT NOT NULL REFERENCES areas (code),  -- the household's, for scope checks
    mode          TEXT NOT NULL CHECK (mode IN ('rebuild', 'repair')),
    status        TEXT NOT NULL CHECK (status IN ('surveyed', 'approved', 'started', 'structure_done', 'completed', 'accepted', 'failed_inspection')),
    rooms         INTEGER NOT NULL CHECK (rooms >= 0),
    standard_fen  INTEGER NOT NULL CHECK (standard_fen >= 0),  -- what the standard gives the house
    subsidy_fen   INTEGER CHECK (subsidy_fen >= 0),            -- what the county approved
    basis         TEXT NOT NULL CHECK (basis IN ('relief', 'danger_renovation')),
    opened_by     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    step_at       TEXT NOT NULL,                          -- when the current status was reached
    approved_on   TEXT,
    updated_at    TEXT NOT NULL
);
-- No house is subsidised twice: one case per household.
CREATE UNIQUE INDEX rebuild_cases_household ON rebuild_cases (household_id);
CREATE INDEX rebuild_cases_area ON rebuild_cases (event_id, area_code, status);

CREATE TABLE rebuild_case_steps (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES rebuild_cases (id),
    step        TEXT NOT NULL CHECK (step IN ('survey', 'approve', 'start', 'structure', 'complete', 'inspect')),
    outcome     TEXT NOT NULL,                              -- the status the step led to
    details     TEXT NOT NULL,                               -- amount, findings, photo references
    actor_id    INTEGER REFERENCES users (id),
    actor_name  TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX rebuild_case_steps_case ON rebuild_case_steps (case_id, id);
