-- Winter–spring relief (冬春救助, docs/domain/winter-spring.md): a yearly campaign per city or county,
-- each household's need filed as an application of the chain 户报 → 村评 → 审核公示 → 乡审 → 县定
-- carrying its hardship class and needs in kind, and the need figures each level submits by its
-- deadline. Kept in step with ../sqlite/0018_winter_spring.sql.

CREATE TABLE winter_spring_campaigns (
    id            BIGSERIAL PRIMARY KEY,
    year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    area_code     TEXT NOT NULL REFERENCES areas (code),   -- a city or a county
    survey_start  DATE NOT NULL,                           -- dates (Beijing)
    county_due    DATE NOT NULL,
    city_due      DATE NOT NULL,
    province_due  DATE NOT NULL,
    relief_start  DATE NOT NULL,
    relief_end    DATE NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    UNIQUE (year, area_code)
);

-- A level's need figures as submitted to the level above, which accepts them (locking the area's
-- needs) or returns them with a reason.
CREATE TABLE winter_spring_submissions (
    id            BIGSERIAL PRIMARY KEY,
    campaign_id   BIGINT NOT NULL REFERENCES winter_spring_campaigns (id),
    area_code     TEXT NOT NULL REFERENCES areas (code),
    status        TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'returned')),
    figures       JSONB NOT NULL,                           -- the area's roll-up as submitted
    submitted_by  TEXT NOT NULL,
    submitted_at  TIMESTAMPTZ NOT NULL,
    decided_by    TEXT,
    decided_at    TIMESTAMPTZ,
    reason        TEXT,
    UNIQUE (campaign_id, area_code)
);

-- A household's winter–spring need (一户一表) is an application with aid type winter_spring.
ALTER TABLE applications ADD COLUMN campaign_id BIGINT REFERENCES winter_spring_campaigns (id);
ALTER TABLE applications ADD COLUMN hardship_class TEXT CHECK (hardship_class IN ('class_one', 'class_two', 'class_three'));
ALTER TABLE applications ADD COLUMN needs JSONB;          -- {food_months, clothing, quilts, heating, housing}
-- One need record per household and campaign, whatever became of it (edits are steps of its history).
CREATE UNIQUE INDEX applications_campaign ON applications (campaign_id, household_id) WHERE campaign_id IS NOT NULL;

-- An edit of an open need record is a step of its own (revise), its details the values before and after.
ALTER TABLE application_steps DROP CONSTRAINT application_steps_step_check;
ALTER TABLE application_steps ADD CONSTRAINT application_steps_step_check
    CHECK (step IN ('apply', 'revise', 'village_assessment', 'disclosure', 'objection', 'township_review', 'county_decision'));
