-- Winter–spring money paid in phases (docs/domain/winter-spring.md#relief-period): a county splits its
-- decided amounts into phases (冬令, 春荒 …), each paid through grant lists of its own, one per phase and
-- event, with their own 公示 and payment file; and the aid each household has received besides.
-- Kept in step with ../sqlite/0019_winter_spring_phases.sql.

CREATE TABLE winter_spring_phases (
    id           BIGSERIAL PRIMARY KEY,
    campaign_id  BIGINT NOT NULL REFERENCES winter_spring_campaigns (id),
    area_code    TEXT NOT NULL REFERENCES areas (code),   -- the county
    ordinal      INTEGER NOT NULL CHECK (ordinal >= 1),
    name         TEXT NOT NULL,
    share_bp     INTEGER NOT NULL CHECK (share_bp > 0 AND share_bp <= 10000),
    starts_on    DATE NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (campaign_id, area_code, ordinal)
);

ALTER TABLE grant_lists ADD COLUMN phase_id BIGINT REFERENCES winter_spring_phases (id);
CREATE UNIQUE INDEX grant_lists_phase ON grant_lists (phase_id, event_id) WHERE phase_id IS NOT NULL;

-- What a household has received besides the phases' money: goods handed out, money from elsewhere.
CREATE TABLE winter_spring_received (
    id             BIGSERIAL PRIMARY KEY,
    campaign_id    BIGINT NOT NULL REFERENCES winter_spring_campaigns (id),
    household_id   BIGINT NOT NULL REFERENCES households (id),
    area_code      TEXT NOT NULL REFERENCES areas (code),  -- the household's, for scope checks
    money_fen      BIGINT NOT NULL CHECK (money_fen >= 0),
    goods          TEXT NOT NULL,                          -- what was given, e.g. 棉被2床
    goods_value_fen BIGINT NOT NULL CHECK (goods_value_fen >= 0),
    received_on    DATE NOT NULL,
    recorded_by    TEXT NOT NULL,
    recorded_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX winter_spring_received_campaign ON winter_spring_received (campaign_id, area_code);

-- A household is granted an aid item once per event, or once per payment phase of it: the grants'
-- uniqueness gains the phase's ordinal (0: paid at once).
ALTER TABLE grants ADD COLUMN phase INTEGER NOT NULL DEFAULT 0;
ALTER TABLE grants DROP CONSTRAINT grants_event_id_aid_type_household_id_key;
ALTER TABLE grants ADD CONSTRAINT grants_once_per_phase UNIQUE (event_id, aid_type, household_id, phase);
