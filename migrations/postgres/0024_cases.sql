-- One window and urgent help (一门受理 / 救急难, docs/domain/one-window.md): assistance cases and
-- their referrals to the departments deciding each programme. Kept in step with
-- ../sqlite/0024_cases.sql.

CREATE TABLE assistance_cases (
    id                    BIGSERIAL PRIMARY KEY,
    receipt_no            TEXT NOT NULL UNIQUE,
    area_code             TEXT NOT NULL REFERENCES areas (code),
    household_id          BIGINT REFERENCES households (id),
    applicant_name        TEXT NOT NULL,
    applicant_name_masked TEXT NOT NULL,
    id_hash               TEXT,                 -- keyed hash of the ID number, to find a person's cases
    id_masked             TEXT,
    id_encrypted          TEXT,
    id_last4              TEXT,                 -- the applicant's check on the public receipt page
    phone                 TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('application', 'referral', 'urgent')),
    source                TEXT NOT NULL CHECK (source IN ('one_window', 'detection', 'hotline', 'department')),
    programmes            JSONB NOT NULL,       -- JSON array of the programmes asked for
    description           TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('received', 'referred', 'accepted', 'decided', 'closed')),
    due_at                TIMESTAMPTZ NOT NULL,
    created_by            TEXT NOT NULL,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    close_reason          TEXT
);
CREATE INDEX assistance_cases_area ON assistance_cases (area_code, status);

CREATE TABLE case_referrals (
    case_id     BIGINT NOT NULL REFERENCES assistance_cases (id),
    programme   TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('referred', 'accepted', 'granted', 'declined', 'transferred')),
    due_at      TIMESTAMPTZ NOT NULL,
    accepted_at TIMESTAMPTZ,
    decided_at  TIMESTAMPTZ,
    decided_by  TEXT,
    amount_fen  BIGINT CHECK (amount_fen >= 0),
    reason      TEXT,
    PRIMARY KEY (case_id, programme)
);
CREATE INDEX case_referrals_programme ON case_referrals (programme, status);
