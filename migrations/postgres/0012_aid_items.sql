-- Two more aid items (bereavement 遇难人员家属抚慰, drought 旱灾临时生活困难救助) and what a household
-- damage record says about them: people needing emergency or drought aid, and the injured
-- (docs/domain/relief-standards.md). Kept in step with ../sqlite/0012_aid_items.sql.

ALTER TABLE plans DROP CONSTRAINT plans_aid_type_check;
ALTER TABLE plans ADD CONSTRAINT plans_aid_type_check
    CHECK (aid_type IN ('emergency', 'bereavement', 'transitional', 'winter_spring', 'reconstruction', 'drought'));
ALTER TABLE grant_lists DROP CONSTRAINT grant_lists_aid_type_check;
ALTER TABLE grant_lists ADD CONSTRAINT grant_lists_aid_type_check
    CHECK (aid_type IN ('emergency', 'bereavement', 'transitional', 'winter_spring', 'reconstruction', 'drought'));
ALTER TABLE fund_pools DROP CONSTRAINT fund_pools_aid_type_check;
ALTER TABLE fund_pools ADD CONSTRAINT fund_pools_aid_type_check
    CHECK (aid_type IN ('emergency', 'bereavement', 'transitional', 'winter_spring', 'reconstruction', 'drought'));

ALTER TABLE household_damage ADD COLUMN emergency_persons BIGINT NOT NULL DEFAULT 0 CHECK (emergency_persons >= 0);
ALTER TABLE household_damage ADD COLUMN drought_persons BIGINT NOT NULL DEFAULT 0 CHECK (drought_persons >= 0);
ALTER TABLE household_damage ADD COLUMN injured BIGINT NOT NULL DEFAULT 0 CHECK (injured >= 0);
