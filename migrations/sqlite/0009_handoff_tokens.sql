-- Read-only tokens of the receiving departments for the hand-off API: one department, the
-- programmes it receives and an area; the secret is shown once and kept only as its SHA-256.
-- Kept in step with ../postgres/0009_handoff_tokens.sql.

CREATE TABLE handoff_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    department  TEXT NOT NULL,
    programmes  TEXT NOT NULL,           -- JSON array of hand-off programmes
    area_code   TEXT NOT NULL REFERENCES areas (code),
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT,
    revoked_by  TEXT,
    last_used_at TEXT
);
