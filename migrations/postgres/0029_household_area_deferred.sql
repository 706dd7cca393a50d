-- Nothing to change here. SQLite's migration of the same number defers the check of a household's
-- area to commit, so that an import's multi-row INSERTs need no statement journal; PostgreSQL has
-- none, and imports households with COPY (households/store.rs). Kept in step with
-- ../sqlite/0029_household_area_deferred.sql.
SELECT 1;
