-- A depot's trucks may make more than one round trip before a plan's deadline
-- (docs/domain/planning.md#trucks): the fleet JSON gains `trips`, one for the fleets counted before,
-- both on the depots and in the loads stored with the plans made since.
-- Kept in step with ../postgres/0031_fleet_trips.sql.
UPDATE depots SET fleet = json_set(fleet, '$.trips', 1) WHERE fleet IS NOT NULL;
UPDATE plans SET result = (
    SELECT json_set(plans.result, '$.fleet', json_group_array(json(json_set(load.value, '$.fleet.trips', 1))))
    FROM (SELECT value FROM json_each(plans.result, '$.fleet') ORDER BY key) AS load
)
WHERE json_array_length(result, '$.fleet') > 0;
