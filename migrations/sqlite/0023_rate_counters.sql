-- Attempts counted per key in a fixed window (failed logins per username and address, public
-- objections per address), in the database so every server on it counts the same attempts.
-- Kept in step with ../postgres/0023_rate_counters.sql.
CREATE TABLE rate_counters (
    key          TEXT PRIMARY KEY,
    attempts     INTEGER NOT NULL CHECK (attempts > 0),
    window_start TEXT NOT NULL
);
CREATE INDEX rate_counters_window ON rate_counters (window_start);
