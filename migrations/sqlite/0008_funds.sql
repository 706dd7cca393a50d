-- Relief standards (stored values override the defaults in backend/src/funds/rules.rs), fund pools
-- put up by each government level, and what approved funds plans draw from them.
-- Kept in step with ../postgres/0008_funds.sql.

CREATE TABLE relief_standards (
    key        TEXT PRIMARY KEY,
    value      INTEGER NOT NULL CHECK (value >= 0),
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE fund_pools (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    source_level  TEXT NOT NULL CHECK (source_level IN ('central', 'province', 'city', 'county')),
    aid_type      TEXT NOT NULL CHECK (aid_type IN ('emergency', 'transitional', 'winter_spring', 'reconstruction')),
    event_id      INTEGER REFERENCES events (id),     -- NULL: for any event
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    committed_fen INTEGER NOT NULL DEFAULT 0 CHECK (committed_fen >= 0 AND committed_fen <= amount_fen),
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX fund_pools_level ON fund_pools (aid_type, source_level);

CREATE TABLE plan_fund_draws (
    plan_id    INTEGER NOT NULL REFERENCES plans (id),
    pool_id    INTEGER NOT NULL REFERENCES fund_pools (id),
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (plan_id, pool_id)
);
