-- Photos attached to loss reports (stored as files; the row keeps where and what).
-- Kept in step with ../sqlite/0007_report_photos.sql.

CREATE TABLE report_photos (
    id           BIGSERIAL PRIMARY KEY,
    report_id    BIGINT NOT NULL REFERENCES loss_reports (id),
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes        BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    path         TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX report_photos_report ON report_photos (report_id);
