-- Disaster events, versioned loss reports, verification assessments, acceptance locks,
-- response-level thresholds and the response-level history. Kept in step with ../postgres/.

CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    hazard         TEXT NOT NULL CHECK (hazard IN ('flood', 'waterlogging', 'typhoon', 'landslide', 'earthquake', 'drought', 'snow_ice', 'hail', 'other')),
    onset_at       TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('active', 'stabilised', 'closed')),
    description    TEXT,
    affected_areas TEXT NOT NULL,         -- JSON array of county codes expected to report
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- Reports are appended, never changed: a new version supersedes the previous one of the same area.
CREATE TABLE loss_reports (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events (id),
    area_code   TEXT NOT NULL REFERENCES areas (code),
    version     INTEGER NOT NULL,
    stage       TEXT NOT NULL CHECK (stage IN ('initial', 'update', 'final', 'drought_followup')),
    indicators  TEXT NOT NULL,            -- JSON {indicator: value}; values in hundredths for ha and 万元
    description TEXT,
    explanation TEXT,                     -- why figures fell or jumped against the previous version
    reported_by TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    UNIQUE (event_id, area_code, version)
);
CREATE INDEX loss_reports_event ON loss_reports (event_id, area_code);

CREATE TABLE assessments (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events (id),
    area_code   TEXT NOT NULL REFERENCES areas (code),
    version     INTEGER NOT NULL,
    indicators  TEXT NOT NULL,            -- verified values
    reasons     TEXT NOT NULL,            -- JSON {indicator: why it differs from the report}
    report_id   INTEGER REFERENCES loss_reports (id),
    assessed_by TEXT NOT NULL,
    assessed_at TEXT NOT NULL,
    UNIQUE (event_id, area_code, version)
);
CREATE INDEX assessments_event ON assessments (event_id, area_code);

-- An area's figures lock when the next level up accepts them; returning them reopens them.
CREATE TABLE area_acceptances (
    event_id    INTEGER NOT NULL REFERENCES events (id),
    area_code   TEXT NOT NULL REFERENCES areas (code),
    accepted_by TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    PRIMARY KEY (event_id, area_code)
);

-- Response levels I (1, most severe) to IV (4): a level starts when any criterion reaches its lower bound.
CREATE TABLE response_thresholds (
    admin_level    TEXT NOT NULL CHECK (admin_level IN ('province', 'city', 'county')),
    response_level INTEGER NOT NULL CHECK (response_level BETWEEN 1 AND 4),
    criterion      TEXT NOT NULL,
    lower_bound    INTEGER NOT NULL CHECK (lower_bound >= 0),
    PRIMARY KEY (admin_level, response_level, criterion)
);

CREATE TABLE response_level_history (
    id         INTEGER PRIMARY KEY,
    event_id   INTEGER NOT NULL REFERENCES events (id),
    area_code  TEXT NOT NULL REFERENCES areas (code),
    level      INTEGER,                   -- NULL: no response
    source     TEXT NOT NULL CHECK (source IN ('computed', 'override', 'override_cleared')),
    reason     TEXT,
    actor_name TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX response_level_history_event ON response_level_history (event_id, area_code, id);

-- Thresholds: province = national plan 2024 (国办函〔2024〕11号); county = after the Jiangxi 2016 and
-- county examples of DOMAIN.md §2.2; city = an illustrative interpolation (Jiujiang's own plan was not
-- retrieved). Criteria: dead_missing, relocated_and_emergency (紧急转移安置 + 需紧急生活救助),
-- collapsed_severe_rooms, collapsed_severe_households, drought_aid_people. Admins edit them.
INSERT INTO response_thresholds (admin_level, response_level, criterion, lower_bound) VALUES
('province', 1, 'dead_missing', 200), ('province', 1, 'relocated_and_emergency', 2000000), ('province', 1, 'collapsed_severe_rooms', 300000), ('province', 1, 'collapsed_severe_households', 100000), ('province', 1, 'drought_aid_people', 4000000),
('province', 2, 'dead_missing', 100), ('province', 2, 'relocated_and_emergency', 1000000), ('province', 2, 'collapsed_severe_rooms', 200000), ('province', 2, 'collapsed_severe_households', 70000), ('province', 2, 'drought_aid_people', 3000000),
('province', 3, 'dead_missing', 50), ('province', 3, 'relocated_and_emergency', 500000), ('province', 3, 'collapsed_severe_rooms', 100000), ('province', 3, 'collapsed_severe_households', 30000), ('province', 3, 'drought_aid_people', 2000000),
('province', 4, 'dead_missing', 20), ('province', 4, 'relocated_and_emergency', 100000), ('province', 4, 'collapsed_severe_rooms', 10000), ('province', 4, 'collapsed_severe_households', 3000), ('province', 4, 'drought_aid_people', 1000000),
('city', 1, 'dead_missing', 30), ('city', 1, 'relocated_and_emergency', 100000), ('city', 1, 'collapsed_severe_rooms', 3000), ('city', 1, 'collapsed_severe_households', 1000), ('city', 1, 'drought_aid_people', 500000),
('city', 2, 'dead_missing', 10), ('city', 2, 'relocated_and_emergency', 50000), ('city', 2, 'collapsed_severe_rooms', 1000), ('city', 2, 'collapsed_severe_households', 300), ('city', 2, 'drought_aid_people', 200000),
('city', 3, 'dead_missing', 5), ('city', 3, 'relocated_and_emergency', 20000), ('city', 3, 'collapsed_severe_rooms', 500), ('city', 3, 'collapsed_severe_households', 150), ('city', 3, 'drought_aid_people', 100000),
('city', 4, 'dead_missing', 3), ('city', 4, 'relocated_and_emergency', 5000), ('city', 4, 'collapsed_severe_rooms', 100), ('city', 4, 'collapsed_severe_households', 30), ('city', 4, 'drought_aid_people', 50000),
('county', 1, 'dead_missing', 10), ('county', 1, 'relocated_and_emergency', 10000), ('county', 1, 'collapsed_severe_rooms', 2000), ('county', 1, 'collapsed_severe_households', 600), ('county', 1, 'drought_aid_people', 50000),
('county', 2, 'dead_missing', 5), ('county', 2, 'relocated_and_emergency', 5000), ('county', 2, 'collapsed_severe_rooms', 1000), ('county', 2, 'collapsed_severe_households', 300), ('county', 2, 'drought_aid_people', 25000),
('county', 3, 'dead_missing', 3), ('county', 3, 'relocated_and_emergency', 2000), ('county', 3, 'collapsed_severe_rooms', 500), ('county', 3, 'collapsed_severe_households', 150), ('county', 3, 'drought_aid_people', 10000),
('county', 4, 'dead_missing', 1), ('county', 4, 'relocated_and_emergency', 1000), ('county', 4, 'collapsed_severe_rooms', 100), ('county', 4, 'collapsed_severe_households', 30), ('county', 4, 'drought_aid_people', 5000);
