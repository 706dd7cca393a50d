-- Relief standards (stored values override the defaults in backend/src/funds/rules.rs), fund pools
-- put up by each government level, and what approved funds plans draw from them.
-- Kept in step with ../sqlite/0008_funds.sql.

CREATE TABLE relief_standards (
    key        TEXT PRIMARY KEY,
    value      BIGINT NOT NULL CHECK (value >= 0),
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE fund_pools (
    id            BIGSERIAL PRIMARY KEY,
    name          TEXT NOT NULL,
    source_level  TEXT NOT NULL CHECK (source_level IN ('central', 'province', 'city', 'county')),
    aid_type      TEXT NOT NULL CHECK (aid_type IN ('emergency', 'transitional', 'winter_spring', 'reconstruction')),
    event_id      BIGINT REFERENCES events (id),     -- NULL: for any event
    amount_fen    BIGINT NOT NULL CHECK (amount_fen > 0),
    committed_fen BIGINT NOT NULL DEFAULT 0 CHECK (committed_fen >= 0 AND committed_fen <= amount_fen),
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX fund_pools_level ON fund_pools (aid_type, source_level);

CREATE TABLE plan_fund_draws (
    plan_id    BIGINT NOT NULL REFERENCES plans (id),
    pool_id    BIGINT NOT NULL REFERENCES fund_pools (id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (plan_id, pool_id)
);
