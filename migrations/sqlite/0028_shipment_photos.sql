-- Photos taken when a shipment arrives (the goods as unloaded, the signed waybill), kept with the
-- receipt as evidence of what came; stored on disk under their SHA-256, as report photos are.
CREATE TABLE shipment_photos (
    id           INTEGER PRIMARY KEY,
    shipment_id  INTEGER NOT NULL REFERENCES shipments (id),
    content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    bytes        INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    path         TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX shipment_photos_shipment ON shipment_photos (shipment_id);
