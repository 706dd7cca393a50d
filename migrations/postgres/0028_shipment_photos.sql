-- Photos taken when a shipment arrives (the goods as unloaded, the signed waybill), kept with the
-- receipt as evidence of what came; stored on disk under their SHA-256, as report photos are.
-- Kept in step with ../sqlite/0028_shipment_photos.sql.
CREATE TABLE shipment_photos (
    id           BIGSERIAL PRIMARY KEY,
    shipment_id  BIGINT NOT NULL REFERENCES shipments (id),
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes        BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    path         TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX shipment_photos_shipment ON shipment_photos (shipment_id);
