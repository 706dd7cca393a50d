-- no-transaction
-- Two more aid items (bereavement 遇难人员家属抚慰, drought 旱灾临时生活困难救助) and what a household
-- damage record says about them: people needing emergency or drought aid, and the injured
-- (docs/domain/relief-standards.md). SQLite cannot change a CHECK in place, so the three tables
-- that list the aid types are rebuilt the documented way (https://www.sqlite.org/lang_altertable.html,
-- "Making Other Kinds Of Table Schema Changes"), with foreign keys off and checked before commit.
-- Kept in step with ../postgres/0012_aid_items.sql.

PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE plans_new (
    id            INTEGER PRIMARY KEY,
    event_id      INTEGER NOT NULL REFERENCES events (id),
    aid_type      TEXT NOT NULL CHECK (aid_type IN ('emergency', 'bereavement', 'transitional', 'winter_spring', 'reconstruction', 'drought')),
    kind          TEXT NOT NULL CHECK (kind IN ('materials', 'funds')),
    status        TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'dispatched', 'completed', 'cancelled')),
    author_id     INTEGER NOT NULL REFERENCES users (id),
    author_name   TEXT NOT NULL,
    reviewer_name TEXT,
    reason        TEXT,
    result        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    submitted_at  TEXT,
    approved_at   TEXT,
    dispatched_at TEXT,
    completed_at  TEXT,
    updated_at    TEXT NOT NULL
);
INSERT INTO plans_new SELECT * FROM plans;
DROP TABLE plans;
ALTER TABLE plans_new RENAME TO plans;
CREATE INDEX plans_event ON plans (event_id, status);

CREATE TABLE grant_lists_new (
    id               INTEGER PRIMARY KEY,
    event_id         INTEGER NOT NULL REFERENCES events (id),
    aid_type         TEXT NOT NULL CHECK (aid_type IN ('emergency', 'bereavement', 'transitional', 'winter_spring', 'reconstruction', 'drought')),
    area_code        TEXT NOT NULL REFERENCES areas (code),
    status           TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'published', 'paid', 'cancelled')),
    author_id        INTEGER NOT NULL REFERENCES users (id),
    author_name      TEXT NOT NULL,
    reviewer_name    TEXT,
    return_reason    TEXT,
    total_fen        INTEGER NOT NULL CHECK (total_fen >= 0),
    households       INTEGER NOT NULL,
    disclosure_start TEXT,
    disclosure_end   TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    approved_at      TEXT,
    paid_at          TEXT,
    paid_by          TEXT
);
INSERT INTO grant_lists_new SELECT * FROM grant_lists;
DROP TABLE grant_lists;
ALTER TABLE grant_lists_new RENAME TO grant_lists;
CREATE INDEX grant_lists_event ON grant_lists (event_id, aid_type);

CREATE TABLE fund_pools_new (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    source_level  TEXT NOT NULL CHECK (source_level IN ('central', 'province', 'city', 'county')),
    aid_type      TEXT NOT NULL CHECK (aid_type IN ('emergency', 'bereavement', 'transitional', 'winter_spring', 'reconstruction', 'drought')),
    event_id      INTEGER REFERENCES events (id),
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    committed_fen INTEGER NOT NULL DEFAULT 0 CHECK (committed_fen >= 0 AND committed_fen <= amount_fen),
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
INSERT INTO fund_pools_new SELECT * FROM fund_pools;
DROP TABLE fund_pools;
ALTER TABLE fund_pools_new RENAME TO fund_pools;
CREATE INDEX fund_pools_level ON fund_pools (aid_type, source_level);

ALTER TABLE household_damage ADD COLUMN emergency_persons INTEGER NOT NULL DEFAULT 0 CHECK (emergency_persons >= 0);
ALTER TABLE household_damage ADD COLUMN drought_persons INTEGER NOT NULL DEFAULT 0 CHECK (drought_persons >= 0);
ALTER TABLE household_damage ADD COLUMN injured INTEGER NOT NULL DEFAULT 0 CHECK (injured >= 0);

COMMIT;
PRAGMA foreign_keys = ON;
