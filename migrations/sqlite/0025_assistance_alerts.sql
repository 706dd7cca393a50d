-- Detection of households that fall through (救急难 主动发现, docs/domain/one-window.md): one alert
-- per event, household and need, until turned into a case, dismissed or withdrawn. Kept in step
-- with ../postgres/0025_assistance_alerts.sql.

CREATE TABLE assistance_alerts (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events (id),
    household_id INTEGER NOT NULL REFERENCES households (id),
    area_code    TEXT NOT NULL REFERENCES areas (code),
    need         TEXT NOT NULL CHECK (need IN ('hardship', 'injury', 'schooling')),
    facts        TEXT NOT NULL,        -- JSON: the losses and household facts that raised it
    status       TEXT NOT NULL CHECK (status IN ('open', 'converted', 'dismissed', 'withdrawn')),
    case_id      INTEGER REFERENCES assistance_cases (id),
    resolution   TEXT,                 -- why it was dismissed
    resolved_by  TEXT,
    raised_at    TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (event_id, household_id, need)
);
CREATE INDEX assistance_alerts_area ON assistance_alerts (area_code, status);
