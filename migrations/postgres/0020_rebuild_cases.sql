-- Rebuilding damaged rural houses (倒损农房恢复重建, docs/domain/rebuild.md) as cases: opened from the
-- house's damage record, approved by the county with the subsidy, then started, structure done,
-- completed, and accepted by an inspector (or failed and back to the builder). Kept in step with
-- ../sqlite/0020_rebuild_cases.sql.

CREATE TABLE rebuild_cases (
    id            BIGSERIAL PRIMARY KEY,
    event_id      BIGINT NOT NULL REFERENCES events (id),
    household_id  BIGINT NOT NULL REFERENCES households (id),
    area_code     TEXT NOT NULL REFERENCES areas (code),  -- the household's, for scope checks
    mode          TEXT NOT NULL CHECK (mode IN ('rebuild', 'repair')),
    status        TEXT NOT NULL CHECK (status IN ('surveyed', 'approved', 'started', 'structure_done', 'completed', 'accepted', 'failed_inspection')),
    rooms         INTEGER NOT NULL CHECK (rooms >= 0),
    standard_fen  BIGINT NOT NULL CHECK (standard_fen >= 0),  -- what the standard gives the house
    subsidy_fen   BIGINT CHECK (subsidy_fen >= 0),            -- what the county approved
    basis         TEXT NOT NULL CHECK (basis IN ('relief', 'danger_renovation')),
    opened_by     TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    step_at       TIMESTAMPTZ NOT NULL,                          -- when the current status was reached
    approved_on   DATE,
    updated_at    TIMESTAMPTZ NOT NULL
);
-- No house is subsidised twice: one case per household.
CREATE UNIQUE INDEX rebuild_cases_household ON rebuild_cases (household_id);
CREATE INDEX rebuild_cases_area ON rebuild_cases (event_id, area_code, status);

CREATE TABLE rebuild_case_steps (
    id          BIGSERIAL PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES rebuild_cases (id),
    step        TEXT NOT NULL CHECK (step IN ('survey', 'approve', 'start', 'structure', 'complete', 'inspect')),
    outcome     TEXT NOT NULL,                              -- the status the step led to
    details     JSONB NOT NULL,                               -- amount, findings, photo references
    actor_id    BIGINT REFERENCES users (id),
    actor_name  TEXT NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX rebuild_case_steps_case ON rebuild_case_steps (case_id, id);
