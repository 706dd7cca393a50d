-- Indexes for how households are read. Kept in step with ../sqlite/0011_household_indexes.sql.

-- The hexagon layer reads household_cells (0010); no query looks households up by cell any more,
-- and the index only slowed every insert.
DROP INDEX households_cell;

-- Area subtrees are matched by code prefix (area_code LIKE '360424%'). Under a locale collation
-- (this database's default) a plain B-tree cannot serve a prefix match; text_pattern_ops can, and
-- still serves equality (the foreign key). The household type follows, so "低保 households of this
-- county" is counted from the index alone, then id, for the newest-first listing.
DROP INDEX households_area;
CREATE INDEX households_area ON households (area_code text_pattern_ops, household_type, id);

-- ID hashes are hex digits: compare them byte by byte, not through the locale.
ALTER TABLE households ALTER COLUMN id_hash TYPE TEXT COLLATE "C";
