-- A depot's trucks may make more than one round trip before a plan's deadline
-- (docs/domain/planning.md#trucks): the fleet JSON gains `trips`, one for the fleets counted before,
-- both on the depots and in the loads stored with the plans made since.
-- Kept in step with ../sqlite/0031_fleet_trips.sql.
UPDATE depots SET fleet = jsonb_set(fleet, '{trips}', '1') WHERE fleet IS NOT NULL;
UPDATE plans SET result = jsonb_set(result, '{fleet}', (
    SELECT jsonb_agg(jsonb_set(load, '{fleet,trips}', '1') ORDER BY position)
    FROM jsonb_array_elements(result -> 'fleet') WITH ORDINALITY AS loads (load, position)
))
WHERE jsonb_typeof(result -> 'fleet') = 'array' AND jsonb_array_length(result -> 'fleet') > 0;
