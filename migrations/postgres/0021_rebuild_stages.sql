-- A county's shares of a rebuild subsidy paid at each stage: when work starts, when the structure is
-- up (a repair: when it is completed), and after acceptance (docs/domain/rebuild.md#payment). Counties
-- without a row use the settings' shares. Kept in step with ../sqlite/0021_rebuild_stages.sql.
CREATE TABLE rebuild_stage_shares (
    area_code      TEXT PRIMARY KEY REFERENCES areas (code),
    start_bp       INTEGER NOT NULL CHECK (start_bp >= 0),
    structure_bp   INTEGER NOT NULL CHECK (structure_bp >= 0),
    acceptance_bp  INTEGER NOT NULL CHECK (acceptance_bp >= 0),
    set_by         TEXT NOT NULL,
    set_at         TIMESTAMPTZ NOT NULL,
    CHECK (start_bp + structure_bp + acceptance_bp = 10000)
);
