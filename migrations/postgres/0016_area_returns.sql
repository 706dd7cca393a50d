-- Figures sent back down for correction, with the reason, so the reporter sees why and the next
-- version answers it (docs/domain/loss-reports.md#acceptance-and-locking). Kept in step with ../sqlite/0016_area_returns.sql.
CREATE TABLE area_returns (
    id          BIGSERIAL PRIMARY KEY,
    event_id    BIGINT NOT NULL REFERENCES events (id),
    area_code   TEXT NOT NULL REFERENCES areas (code),
    reason      TEXT NOT NULL,
    returned_by TEXT NOT NULL,
    returned_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX area_returns_event ON area_returns (event_id, area_code);
