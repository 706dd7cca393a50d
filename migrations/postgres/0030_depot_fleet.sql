-- A depot's own trucks for a plan's first wave (docs/domain/planning.md#trucks): JSON
-- {trucks, load_kg, load_m3}, one trip per truck; NULL where the depot's transport is not counted.
-- Kept in step with ../sqlite/0030_depot_fleet.sql.
ALTER TABLE depots ADD COLUMN fleet JSONB;
