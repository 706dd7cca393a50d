-- A depot's trucks may make more than one round trip before a plan's deadline
-- (docs/domain/planning.md#trucks): the fleet JSON gains `trips`, one for the fleets counted before.
-- Kept in step with ../sqlite/0031_fleet_trips.sql.
UPDATE depots SET fleet = jsonb_set(fleet, '{trips}', '1') WHERE fleet IS NOT NULL;
