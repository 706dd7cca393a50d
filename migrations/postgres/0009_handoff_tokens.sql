-- Read-only tokens of the receiving departments for the hand-off API: one department, the
-- programmes it receives and an area; the secret is shown once and kept only as its SHA-256.
-- Kept in step with ../sqlite/0009_handoff_tokens.sql.

CREATE TABLE handoff_tokens (
    id          BIGSERIAL PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    department  TEXT NOT NULL,
    programmes  JSONB NOT NULL,          -- JSON array of hand-off programmes
    area_code   TEXT NOT NULL REFERENCES areas (code),
    created_by  TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    revoked_at  TIMESTAMPTZ,
    revoked_by  TEXT,
    last_used_at TIMESTAMPTZ
);
