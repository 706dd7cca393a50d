-- Each area's latest loss-report and assessment version per event, moved on by the store in the
-- transaction that adds the version. The figures, levels and map read an event's latest versions
-- on every request; finding them by MAX(version) per area scanned the whole history, which grows
-- with every update (a 30-minute soak slowed until it fell behind: docs/RELIABILITY.md). Taking
-- the next version from this row also serialises two filers of one area. Kept in step with
-- ../sqlite/0027_latest_versions.sql.
CREATE TABLE latest_versions (
    event_id  BIGINT NOT NULL REFERENCES events (id),
    kind      TEXT NOT NULL CHECK (kind IN ('report', 'assessment')),
    area_code TEXT NOT NULL REFERENCES areas (code),
    version   BIGINT NOT NULL,
    PRIMARY KEY (event_id, kind, area_code)
);

INSERT INTO latest_versions (event_id, kind, area_code, version)
SELECT event_id, 'report', area_code, MAX(version) FROM loss_reports GROUP BY event_id, area_code;
INSERT INTO latest_versions (event_id, kind, area_code, version)
SELECT event_id, 'assessment', area_code, MAX(version) FROM assessments GROUP BY event_id, area_code;
