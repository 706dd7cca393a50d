//! Administrative areas (city > county > township > village), keyed by their official codes
//! (GB/T 2260 / NBS), with geometry in WGS84, a representative point and an H3 coverage.

pub mod code;
pub mod gcj02;
pub mod http;
pub mod import;
pub mod service;
pub mod store;

use serde::{Deserialize, Serialize};

pub use code::{AreaCode, Level};

/// An area as listed by the API (without its geometry, which the map endpoint serves).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Area {
    pub code: AreaCode,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub level: Level,
    pub parent_code: Option<AreaCode>,
    pub population: Option<i64>,
    /// Representative point (WGS84): inside the polygon, or the known seat of a township.
    pub lon: f64,
    pub lat: f64,
    /// True when the point is inherited from the parent because no own point is known.
    pub point_approximate: bool,
    pub has_geometry: bool,
}

/// An area ready to store: validated, in WGS84, with its representative point and coverage.
#[derive(Debug, Clone, Serialize)]
pub struct PreparedArea {
    pub code: AreaCode,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<AreaCode>,
    pub population: Option<i64>,
    /// GeoJSON geometry text (WGS84), as served on the map.
    #[serde(skip)]
    pub geometry: Option<String>,
    pub lon: f64,
    pub lat: f64,
    pub rep_cell: i64,
    pub point_approximate: bool,
    /// H3 cells whose centre lies inside the area's polygon.
    #[serde(skip)]
    pub cells: Vec<i64>,
}

/// Coordinate reference system of an imported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default, clap::ValueEnum, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Crs {
    /// WGS84 (also CGCS2000 at map scale).
    #[default]
    Wgs84,
    /// GCJ-02, the offset system of Chinese web maps (AMap, Tencent); converted to WGS84 on import.
    Gcj02,
}
