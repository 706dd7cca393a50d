-- Indexes for how households are read. Kept in step with ../postgres/0011_household_indexes.sql.

-- The hexagon layer reads household_cells (0010); no query looks households up by cell any more,
-- and the index only slowed every insert.
DROP INDEX households_cell;

-- Area subtrees are matched by code prefix (area_code LIKE '360424%'). SQLite's LIKE ignores case,
-- so only a NOCASE index can serve the prefix match (codes are digits: NOCASE orders them as
-- BINARY does). The household type follows, so "低保 households of this county" is counted from
-- the index alone, then id, for the newest-first listing.
DROP INDEX households_area;
CREATE INDEX households_area ON households (area_code COLLATE NOCASE, household_type, id);
