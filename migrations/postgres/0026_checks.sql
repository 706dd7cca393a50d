-- Cross-programme checks (docs/domain/checks.md): the findings are computed on read from the
-- register, the grants, the one-window cases and the shipments; only their resolutions are stored,
-- keyed by the finding's stable key, so a finding resolved with a reason stays resolved for as
-- long as the same key is found. Kept in step with ../sqlite/0026_checks.sql.
CREATE TABLE check_resolutions (
    key         TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    area_code   TEXT NOT NULL,          -- the lowest area holding every record the finding named
    summary     TEXT NOT NULL,          -- the finding's figures when it was resolved
    reason      TEXT NOT NULL,
    resolved_by TEXT NOT NULL,
    resolved_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX check_resolutions_area ON check_resolutions (area_code);
