-- Located households and their members per area and H3 cell, kept by the store in the same
-- transaction as every household insert and update, so the hexagon layer sums a few thousand rows
-- instead of grouping every household. Kept in step with ../sqlite/0010_household_cells.sql.

CREATE TABLE household_cells (
    area_code   TEXT NOT NULL,
    cell        BIGINT NOT NULL,
    households  BIGINT NOT NULL,
    people      BIGINT NOT NULL,
    PRIMARY KEY (area_code, cell)
);

INSERT INTO household_cells (area_code, cell, households, people)
SELECT area_code, cell, COUNT(*), SUM(members) FROM households WHERE cell IS NOT NULL GROUP BY area_code, cell;
