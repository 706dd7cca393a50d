//! The real set-up path: the county polygons fetched by `make setup` (GCJ-02), converted on import,
//! must match docs/domain/divisions.md#expected-geodata-figures. Required when JIUZAI_REQUIRE_GEODATA=1 (`make test`);
//! otherwise skipped when the download is absent, so plain `cargo test` works offline.

mod common;

use common::{Server, Store};
use geo::{Area, BooleanOps, BoundingRect, ChamberlainDuquetteArea, Coord, LineString, MultiPolygon, Polygon};
use serde_json::Value;

fn ring(value: &Value) -> LineString {
    value.as_array().unwrap().iter().map(|p| Coord { x: p[0].as_f64().unwrap(), y: p[1].as_f64().unwrap() }).collect()
}

fn polygon(value: &Value) -> Polygon {
    let rings = value.as_array().unwrap();
    Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
}

fn multipolygon(geometry: &Value) -> MultiPolygon {
    match geometry["type"].as_str().unwrap() {
        "Polygon" => MultiPolygon::new(vec![polygon(&geometry["coordinates"])]),
        _ => MultiPolygon::new(geometry["coordinates"].as_array().unwrap().iter().map(polygon).collect()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetched_counties_convert_to_the_published_figures() {
    let file = common::repo_root().join("geodata/build/counties-gcj02.geojson");
    if !file.exists() {
        assert!(
            std::env::var_os("JIUZAI_REQUIRE_GEODATA").is_none(),
            "run `make setup` first: {} is missing",
            file.display()
        );
        eprintln!("skipped: {} not fetched (run `make setup`)", file.display());
        return;
    }
    let server = Server::start_with(
        Store::Sqlite,
        &[("JIUZAI_DEMO_COUNTIES", file.to_str().unwrap()), ("JIUZAI_DEMO_COUNTIES_CRS", "gcj02")],
    )
    .await;
    let token = server.login("manager").await;
    let (_, map) = server.get("/api/v1/map/areas.geojson?level=county", &token).await;
    let counties: Vec<MultiPolygon> =
        map["features"].as_array().unwrap().iter().map(|f| multipolygon(&f["geometry"])).collect();
    assert_eq!(counties.len(), 13);

    let all = MultiPolygon::new(counties.iter().flat_map(|m| m.0.clone()).collect());
    let bounds = all.bounding_rect().unwrap();
    // docs/domain/divisions.md#expected-geodata-figures: lon 113.937–116.895, lat 28.688–30.080 in WGS84
    for (actual, expected) in
        [(bounds.min().x, 113.937), (bounds.max().x, 116.895), (bounds.min().y, 28.688), (bounds.max().y, 30.080)]
    {
        assert!((actual - expected).abs() < 0.002, "bounds {bounds:?}");
    }
    let km2 = counties.iter().map(|c| c.chamberlain_duquette_unsigned_area()).sum::<f64>() / 1e6;
    assert!((km2 - 19_101.0).abs() < 150.0, "total area {km2:.0} km², expected ≈ 19,101");
    for (i, a) in counties.iter().enumerate() {
        for b in &counties[i + 1..] {
            let overlap = a.intersection(b).unsigned_area();
            assert!(overlap < 1e-6, "two counties overlap by {overlap} square degrees");
        }
    }
}
