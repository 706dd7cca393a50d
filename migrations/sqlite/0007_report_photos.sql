-- Photos attached to loss reports (stored as files; the row keeps where and what).
-- Kept in step with ../postgres/0007_report_photos.sql.

CREATE TABLE report_photos (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES loss_reports (id),
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes        INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    path         TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX report_photos_report ON report_photos (report_id);
