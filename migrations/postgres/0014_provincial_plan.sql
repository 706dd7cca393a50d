-- The province's own relief plan (Jiangxi) as a threshold set of its own, `provincial`, judging a city's
-- or a county's figures (docs/domain/response-levels.md#jiangxi-provincial-thresholds). Level IV is the
-- 2016 plan's one-county start; level III starts where IV ends; II and I are illustrative until the
-- 2024 plan's figures are retrieved. Kept in step with ../sqlite/0014_provincial_plan.sql.

ALTER TABLE response_thresholds DROP CONSTRAINT response_thresholds_admin_level_check;
ALTER TABLE response_thresholds ADD CONSTRAINT response_thresholds_admin_level_check
    CHECK (admin_level IN ('province', 'provincial', 'city', 'county'));

INSERT INTO response_thresholds (admin_level, response_level, criterion, lower_bound) VALUES
('provincial', 1, 'dead_missing', 30), ('provincial', 1, 'relocated_and_emergency', 200000), ('provincial', 1, 'collapsed_severe_rooms', 10000), ('provincial', 1, 'collapsed_severe_households', 3000), ('provincial', 1, 'drought_aid_people', 1000000),
('provincial', 2, 'dead_missing', 10), ('provincial', 2, 'relocated_and_emergency', 100000), ('provincial', 2, 'collapsed_severe_rooms', 3000), ('provincial', 2, 'collapsed_severe_households', 1000), ('provincial', 2, 'drought_aid_people', 500000),
('provincial', 3, 'dead_missing', 5), ('provincial', 3, 'relocated_and_emergency', 30000), ('provincial', 3, 'collapsed_severe_rooms', 1000), ('provincial', 3, 'collapsed_severe_households', 300), ('provincial', 3, 'drought_aid_people', 200000),
('provincial', 4, 'dead_missing', 3), ('provincial', 4, 'relocated_and_emergency', 10000), ('provincial', 4, 'collapsed_severe_rooms', 500), ('provincial', 4, 'collapsed_severe_households', 150), ('provincial', 4, 'drought_aid_people', 100000);
