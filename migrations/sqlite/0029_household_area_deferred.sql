-- no-transaction
-- A household's area is checked when its transaction commits (DEFERRABLE INITIALLY DEFERRED), not
-- by each statement; an area that does not exist still fails the transaction. A statement that may
-- abort half-way through its rows makes SQLite keep a statement journal, a copy of every page it
-- touches, and an immediate foreign key is such a case: in an import's multi-row INSERTs that was a
-- fifth of a million-household import (docs/PERFORMANCE.md, "Household import"). The store inserts
-- with OR FAIL for the same reason: the import's transaction is rolled back whole on any failure.
-- Rebuilt the documented way, as in 0012. Kept in step with ../postgres/0029_household_area_deferred.sql.

PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE households_new (
    id             INTEGER PRIMARY KEY,
    head_name      TEXT NOT NULL,
    name_masked    TEXT NOT NULL,           -- 张*明, for readers without need and the public
    id_hash        TEXT NOT NULL UNIQUE,
    id_masked      TEXT NOT NULL,           -- 3604**********1234
    id_encrypted   TEXT NOT NULL,
    members        INTEGER NOT NULL CHECK (members BETWEEN 1 AND 50),
    member_list    TEXT NOT NULL,           -- JSON [{relation, age_group, disability}]
    address        TEXT NOT NULL,
    area_code      TEXT NOT NULL REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
    lon            REAL,
    lat            REAL,
    cell           INTEGER,                 -- H3 cell of the location (coverage resolution)
    household_type TEXT NOT NULL CHECK (household_type IN ('general', 'dibao', 'tekun', 'youfu', 'disabled')),
    programmes     TEXT NOT NULL,           -- JSON [{programme, since, until}]
    bank_masked    TEXT,
    bank_encrypted TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
INSERT INTO households_new SELECT * FROM households;
DROP TABLE households;
ALTER TABLE households_new RENAME TO households;
CREATE INDEX households_area ON households (area_code COLLATE NOCASE, household_type, id);

COMMIT;
PRAGMA foreign_keys = ON;
