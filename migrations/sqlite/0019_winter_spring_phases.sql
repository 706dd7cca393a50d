-- Winter–spring money paid in phases (docs/domain/winter-spring.md#relief-period): a county splits its
-- decided amounts into phases (冬令, 春荒 …), each paid through grant lists of its own, one per phase and
-- event, with their own 公示 and payment file; and the aid each household has received besides.
-- Kept in step with ../postgres/0019_winter_spring_phases.sql.

CREATE TABLE winter_spring_phases (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES winter_spring_campaigns (id),
    area_code    TEXT NOT NULL REFERENCES areas (code),   -- the county
    ordinal      INTEGER NOT NULL CHECK (ordinal >= 1),
    name         TEXT NOT NULL,
    share_bp     INTEGER NOT NULL CHECK (share_bp > 0 AND share_bp <= 10000),
    starts_on    TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (campaign_id, area_code, ordinal)
);

ALTER TABLE grant_lists ADD COLUMN phase_id INTEGER REFERENCES winter_spring_phases (id);
CREATE UNIQUE INDEX grant_lists_phase ON grant_lists (phase_id, event_id) WHERE phase_id IS NOT NULL;

-- What a household has received besides the phases' money: goods handed out, money from elsewhere.
CREATE TABLE winter_spring_received (
    id             INTEGER PRIMARY KEY,
    campaign_id    INTEGER NOT NULL REFERENCES winter_spring_campaigns (id),
    household_id   INTEGER NOT NULL REFERENCES households (id),
    area_code      TEXT NOT NULL REFERENCES areas (code),  -- the household's, for scope checks
    money_fen      INTEGER NOT NULL CHECK (money_fen >= 0),
    goods          TEXT NOT NULL,                          -- what was given, e.g. 棉被2床
    goods_value_fen INTEGER NOT NULL CHECK (goods_value_fen >= 0),
    received_on    TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL
);
CREATE INDEX winter_spring_received_campaign ON winter_spring_received (campaign_id, area_code);

-- A household is granted an aid item once per event, or once per payment phase of it: the grants'
-- uniqueness gains the phase's ordinal (0: paid at once). SQLite changes a UNIQUE by rebuilding.
CREATE TABLE grants_new (
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
    phase        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (event_id, aid_type, household_id, phase)
);
INSERT INTO grants_new (id, list_id, event_id, aid_type, household_id, amount_fen, reason, priority, line_no, status)
    SELECT id, list_id, event_id, aid_type, household_id, amount_fen, reason, priority, line_no, status FROM grants;
DROP TABLE grants;
ALTER TABLE grants_new RENAME TO grants;
CREATE INDEX grants_list ON grants (list_id, line_no);
