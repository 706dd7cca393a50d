-- The vehicle and driver of a shipment, recorded while it is on the road and printed on its waybill,
-- and who signed for it on arrival. Kept in step with ../sqlite/0017_shipment_transport.sql.
ALTER TABLE shipments ADD COLUMN vehicle_plate TEXT;
ALTER TABLE shipments ADD COLUMN driver_name TEXT;
ALTER TABLE shipments ADD COLUMN driver_phone TEXT;
ALTER TABLE shipments ADD COLUMN received_signer TEXT;
