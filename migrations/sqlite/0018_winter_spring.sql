-- Winter–spring relief (冬春救助, docs/domain/winter-spring.md): a yearly campaign per city or county,
-- each household's need filed as an application of the chain 户报 → 村评 → 审核公示 → 乡审 → 县定
-- carrying its hardship class and needs in kind, and the need figures each level submits by its
-- deadline. Kept in step with ../postgres/0018_winter_spring.sql.

CREATE TABLE winter_spring_campaigns (
    id            INTEGER PRIMARY KEY,
    year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    area_code     TEXT NOT NULL REFERENCES areas (code),   -- a city or a county
    survey_start  TEXT NOT NULL,                           -- dates, YYYY-MM-DD (Beijing)
    county_due    TEXT NOT NULL,
    city_due      TEXT NOT NULL,
    province_due  TEXT NOT NULL,
    relief_start  TEXT NOT NULL,
    relief_end    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    UNIQUE (year, area_code)
);

-- A level's need figures as submitted to the level above, which accepts them (locking the area's
-- needs) or returns them with a reason.
CREATE TABLE winter_spring_submissions (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES winter_spring_campaigns (id),
    area_code     TEXT NOT NULL REFERENCES areas (code),
    status        TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'returned')),
    figures       TEXT NOT NULL,                           -- the area's roll-up as submitted
    submitted_by  TEXT NOT NULL,
    submitted_at  TEXT NOT NULL,
    decided_by    TEXT,
    decided_at    TEXT,
    reason        TEXT,
    UNIQUE (campaign_id, area_code)
);

-- A household's winter–spring need (一户一表) is an application with aid type winter_spring.
ALTER TABLE applications ADD COLUMN campaign_id INTEGER REFERENCES winter_spring_campaigns (id);
ALTER TABLE applications ADD COLUMN hardship_class TEXT CHECK (hardship_class IN ('class_one', 'class_two', 'class_three'));
ALTER TABLE applications ADD COLUMN needs TEXT;          -- {food_months, clothing, quilts, heating, housing}
-- One need record per household and campaign, whatever became of it (edits are steps of its history).
CREATE UNIQUE INDEX applications_campaign ON applications (campaign_id, household_id) WHERE campaign_id IS NOT NULL;

-- An edit of an open need record is a step of its own (revise), its details the values before and
-- after. SQLite changes a CHECK by rebuilding the table.
CREATE TABLE application_steps_new (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    step           TEXT NOT NULL CHECK (step IN ('apply', 'revise', 'village_assessment', 'disclosure', 'objection', 'township_review', 'county_decision')),
    decision       TEXT,
    reason         TEXT,
    details        TEXT NOT NULL,
    actor_id       INTEGER REFERENCES users (id),
    actor_name     TEXT NOT NULL,
    acting_for     TEXT CHECK (acting_for IN ('village', 'township', 'county')),
    at             TEXT NOT NULL
);
INSERT INTO application_steps_new SELECT * FROM application_steps;
DROP TABLE application_steps;
ALTER TABLE application_steps_new RENAME TO application_steps;
CREATE INDEX application_steps_application ON application_steps (application_id, id);
