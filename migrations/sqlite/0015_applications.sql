-- Household applications and the steps of the application chain 户报 → 村评 → 审核公示 → 乡审 → 县定
-- (docs/domain/applications.md). An approved application joins a grant list (source 'applications'),
-- whose 审批公示 and payment follow as for any list. Kept in step with ../postgres/0015_applications.sql.

-- The village notice (审核公示) of the recommended applications of an area.
CREATE TABLE application_disclosures (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES events (id),
    aid_type         TEXT NOT NULL CHECK (aid_type IN ('emergency', 'bereavement', 'transitional', 'winter_spring', 'reconstruction', 'drought')),
    area_code        TEXT NOT NULL REFERENCES areas (code),
    location         TEXT,                         -- where the notice was posted
    disclosure_start TEXT NOT NULL,
    disclosure_end   TEXT NOT NULL,
    published_by     TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX application_disclosures_event ON application_disclosures (event_id, area_code);

CREATE TABLE applications (
    id             INTEGER PRIMARY KEY,
    event_id       INTEGER NOT NULL REFERENCES events (id),
    household_id   INTEGER NOT NULL REFERENCES households (id),
    aid_type       TEXT NOT NULL CHECK (aid_type IN ('emergency', 'bereavement', 'transitional', 'winter_spring', 'reconstruction', 'drought')),
    area_code      TEXT NOT NULL REFERENCES areas (code),  -- the household's, for scope checks
    persons        INTEGER NOT NULL CHECK (persons > 0),
    reason         TEXT NOT NULL,
    phone          TEXT,
    attachments    TEXT NOT NULL,                         -- JSON array of references (photos, scans)
    status         TEXT NOT NULL CHECK (status IN ('applied', 'recommended', 'not_recommended', 'township_approved', 'returned', 'approved', 'rejected')),
    filed_by_id    INTEGER NOT NULL REFERENCES users (id),
    filed_by_name  TEXT NOT NULL,
    disclosure_id  INTEGER REFERENCES application_disclosures (id),
    standard_fen   INTEGER NOT NULL CHECK (standard_fen >= 0), -- what the standard gives for the claim
    amount_fen     INTEGER CHECK (amount_fen > 0),             -- what the county decided
    above_standard INTEGER NOT NULL,
    outcome_reason TEXT,                                      -- why it was not recommended, returned or rejected
    grant_list_id  INTEGER REFERENCES grant_lists (id),
    created_at     TEXT NOT NULL,
    step_at        TEXT NOT NULL,                      -- when the current status was reached
    updated_at     TEXT NOT NULL
);
-- One open application per household, event and aid item; closed ones (not recommended, returned,
-- rejected) leave room for a new one.
CREATE UNIQUE INDEX applications_open ON applications (event_id, aid_type, household_id)
    WHERE status IN ('applied', 'recommended', 'township_approved', 'approved');
CREATE INDEX applications_area ON applications (event_id, area_code, status);

-- Every step taken, by whom and at which level: a user whose scope lies above the step's level acts
-- for it (acting_for names that level).
CREATE TABLE application_steps (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    step           TEXT NOT NULL CHECK (step IN ('apply', 'village_assessment', 'disclosure', 'objection', 'township_review', 'county_decision')),
    decision       TEXT,
    reason         TEXT,
    details        TEXT NOT NULL,
    actor_id       INTEGER REFERENCES users (id),
    actor_name     TEXT NOT NULL,
    acting_for     TEXT CHECK (acting_for IN ('village', 'township', 'county')),
    at             TEXT NOT NULL
);
CREATE INDEX application_steps_application ON application_steps (application_id, id);

CREATE TABLE application_objections (
    id             INTEGER PRIMARY KEY,
    disclosure_id  INTEGER NOT NULL REFERENCES application_disclosures (id),
    application_id INTEGER REFERENCES applications (id),   -- the application objected to, if named
    text           TEXT NOT NULL,
    contact        TEXT,
    status         TEXT NOT NULL CHECK (status IN ('open', 'answered')),
    decision       TEXT CHECK (decision IN ('dismissed', 'upheld')),
    answer         TEXT,
    answered_by    TEXT,
    answered_at    TEXT,
    created_at     TEXT NOT NULL
);
CREATE INDEX application_objections_disclosure ON application_objections (disclosure_id, status);

-- Where a list's lines came from: drafted from the register, or approved applications. One approved
-- list per event, aid item and county collects the county's approvals until it is posted.
ALTER TABLE grant_lists ADD COLUMN source TEXT NOT NULL DEFAULT 'register' CHECK (source IN ('register', 'applications'));
CREATE UNIQUE INDEX grant_lists_collecting ON grant_lists (event_id, aid_type, area_code)
    WHERE source = 'applications' AND status = 'approved';
