-- Emergency shelter items (tents, folding beds) go to the people in central shelters (集中安置);
-- those staying with relatives (分散安置) need none (docs/domain/reserves.md). Only the basis of the
-- emergency norm changes; quantities an admin set stay. Kept in step with ../postgres/0013_shelter_norms.sql.

UPDATE items SET norms = json_set(norms, '$.emergency.basis', 'sheltered_household')
 WHERE code = 'tent-12m2' AND json_extract(norms, '$.emergency.basis') = 'household';
UPDATE items SET norms = json_set(norms, '$.emergency.basis', 'sheltered_person')
 WHERE code IN ('tent-36m2', 'folding-bed') AND json_extract(norms, '$.emergency.basis') = 'person';
