-- The relief item catalogue of DOMAIN.md §3.3 (central 3 classes / 14 items, plus local short-shelf-life
-- items). Norms are planning defaults per aid type: `per_thousand` items per 1,000 persons or households
-- of the basis (e.g. 1,800 = 1.8 five-litre bottles of water per person: 3 L a day for 3 days).
-- Admins edit them through the API; this file is identical for both stores.

INSERT INTO items (code, name_zh, name_en, category, unit, unit_volume_dm3, unit_weight_g, shelf_life_days, norms, updated_at) VALUES
('tent-12m2', '12平方米单帐篷', '12 m² single-layer tent', 'shelter', '顶', 200, 30000, NULL,
 '{"emergency": {"basis": "household", "per_thousand": 1000}, "transitional": {"basis": "household", "per_thousand": 1000}}', '2026-01-01T00:00:00Z'),
('tent-36m2', '36平方米单帐篷', '36 m² single-layer tent', 'shelter', '顶', 550, 95000, NULL,
 '{"emergency": {"basis": "person", "per_thousand": 10}}', '2026-01-01T00:00:00Z'),
('tent-12m2-insulated', '12平方米棉帐篷', '12 m² insulated tent', 'shelter', '顶', 300, 45000, NULL,
 '{"winter_spring": {"basis": "household", "per_thousand": 100}}', '2026-01-01T00:00:00Z'),
('quilt', '棉被', 'Cotton quilt', 'bedding_clothing', '床', 50, 3000, NULL,
 '{"transitional": {"basis": "person", "per_thousand": 1000}, "winter_spring": {"basis": "person", "per_thousand": 1000}}', '2026-01-01T00:00:00Z'),
('towel-quilt', '毛巾被', 'Towel quilt', 'bedding_clothing', '床', 8, 1000, NULL,
 '{"emergency": {"basis": "person", "per_thousand": 1000}}', '2026-01-01T00:00:00Z'),
('blanket', '毛毯', 'Blanket', 'bedding_clothing', '床', 15, 1500, NULL,
 '{}', '2026-01-01T00:00:00Z'),
('cotton-coat', '棉大衣', 'Cotton coat', 'bedding_clothing', '件', 20, 2000, NULL,
 '{"winter_spring": {"basis": "person", "per_thousand": 1000}}', '2026-01-01T00:00:00Z'),
('sleeping-bag', '睡袋', 'Sleeping bag', 'bedding_clothing', '个', 15, 1500, NULL,
 '{}', '2026-01-01T00:00:00Z'),
('bamboo-mat', '竹席', 'Bamboo mat', 'bedding_clothing', '床', 5, 800, NULL,
 '{}', '2026-01-01T00:00:00Z'),
('folding-bed', '折叠床', 'Folding bed', 'equipment', '张', 60, 8000, NULL,
 '{"emergency": {"basis": "person", "per_thousand": 1000}}', '2026-01-01T00:00:00Z'),
('emergency-lamp', '应急照明灯', 'Emergency lamp', 'equipment', '盏', 3, 500, NULL,
 '{"emergency": {"basis": "household", "per_thousand": 1000}}', '2026-01-01T00:00:00Z'),
('first-aid-kit', '急救包', 'First-aid kit', 'hygiene', '个', 2, 500, 1095,
 '{"emergency": {"basis": "household", "per_thousand": 1000}}', '2026-01-01T00:00:00Z'),
('drinking-water', '饮用水(5升桶)', 'Drinking water (5 L bottle)', 'water', '桶', 6, 5200, 365,
 '{"emergency": {"basis": "person", "per_thousand": 1800}}', '2026-01-01T00:00:00Z'),
('instant-food', '方便食品(1千克)', 'Instant food (1 kg pack)', 'food', '份', 3, 1000, 270,
 '{"emergency": {"basis": "person", "per_thousand": 3000}}', '2026-01-01T00:00:00Z'),
('hygiene-kit', '卫生用品包', 'Hygiene kit', 'hygiene', '个', 4, 800, 730,
 '{"transitional": {"basis": "household", "per_thousand": 1000}}', '2026-01-01T00:00:00Z');
