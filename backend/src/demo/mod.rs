//! The demo region: Jiujiang (九江市) with its 13 counties and 227 township-level units, and one
//! user per role with the password `demo`. Only for demonstrations: the server warns loudly.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::areas::import::{cell_of, prepare_areas};
use crate::areas::service::store_areas;
use crate::areas::{Crs, Level, PreparedArea};
use crate::audit::AuditEntry;
use crate::auth::Role;
use crate::auth::http::{CreateUser, add_user};
use crate::http::AppState;

pub const CITY_CODE: &str = "360400";
const PROVINCE_CODE: &str = "360000";
pub const DEMO_PASSWORD: &str = "demo";

/// Where the demo's geodata comes from.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoSources {
    /// Folder with the committed division codes, township points and populations.
    #[arg(long, env = "JIUZAI_GEODATA_DIR", default_value = "geodata")]
    pub geodata_dir: PathBuf,
    /// County polygons; default: the file `make setup` fetched (`<geodata>/build/counties-gcj02.geojson`).
    #[arg(long, env = "JIUZAI_DEMO_COUNTIES")]
    pub counties_file: Option<PathBuf>,
    /// Coordinate system of the county file (default gcj02 for the fetched file, else wgs84).
    #[arg(long, env = "JIUZAI_DEMO_COUNTIES_CRS", value_enum)]
    pub counties_crs: Option<Crs>,
}

impl DemoSources {
    fn counties(&self) -> (PathBuf, Crs) {
        match &self.counties_file {
            Some(file) => (file.clone(), self.counties_crs.unwrap_or(Crs::Wgs84)),
            None => (self.geodata_dir.join("build/counties-gcj02.geojson"), self.counties_crs.unwrap_or(Crs::Gcj02)),
        }
    }
}

#[derive(Deserialize)]
struct Divisions {
    counties: Vec<DivisionCounty>,
}

#[derive(Deserialize)]
struct DivisionCounty {
    code: String,
    name: String,
    townships: Vec<DivisionTownship>,
}

#[derive(Deserialize)]
struct DivisionTownship {
    code: String,
    name: String,
}

#[derive(Deserialize)]
struct TownshipPoint {
    code: String,
    lon: Option<f64>,
    lat: Option<f64>,
}

#[derive(Deserialize)]
struct Population {
    code: String,
    population: i64,
}

/// Seeds the demo when the database holds no areas and no users; returns whether it did.
pub async fn seed_if_empty(state: &AppState, sources: &DemoSources) -> anyhow::Result<bool> {
    if state.store.count_users().await? > 0 || !state.store.area_codes().await?.is_empty() {
        return Ok(false);
    }
    seed(state, sources).await?;
    Ok(true)
}

pub async fn seed(state: &AppState, sources: &DemoSources) -> anyhow::Result<()> {
    let areas = demo_areas(state, sources)?;
    let audit = AuditEntry::system("demo.seed", "areas", CITY_CODE);
    let summary = store_areas(&state.store, areas, audit).await.map_err(|e| anyhow::anyhow!("storing demo areas: {e}"))?;
    tracing::info!(areas = summary.imported, counties = summary.counties, townships = summary.townships, "demo region seeded");
    for role in Role::ALL {
        let username = demo_username(role);
        if state.store.find_credentials(username).await?.is_some() {
            continue;
        }
        let request = CreateUser {
            username: username.into(),
            display_name: Some(format!("演示 {}", role.as_str())),
            password: DEMO_PASSWORD.into(),
            role,
            area_code: (!role.has_global_scope()).then(|| CITY_CODE.to_owned()),
        };
        add_user(state, request, AuditEntry::system("user.create", "user", username))
            .await
            .map_err(|e| anyhow::anyhow!("creating demo user {username}: {e}"))?;
    }
    warn_demo_credentials();
    Ok(())
}

pub fn demo_username(role: Role) -> &'static str {
    match role {
        Role::DepotStaff => "depot",
        other => other.as_str(),
    }
}

pub fn warn_demo_credentials() {
    tracing::warn!(
        "DEMO CREDENTIALS ARE ACTIVE: users admin, manager, depot, reporter, assessor, reviewer and auditor \
         all have the password 'demo'. Never expose this instance to real users."
    );
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_slice(&text).with_context(|| format!("parsing {}", path.display()))
}

fn read_csv<T: serde::de::DeserializeOwned>(path: &Path) -> anyhow::Result<Vec<T>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("reading {}", path.display()))?;
    reader.deserialize().collect::<Result<_, _>>().with_context(|| format!("parsing {}", path.display()))
}

/// Province (a root without geometry), city, counties with polygons, townships with points.
fn demo_areas(state: &AppState, sources: &DemoSources) -> anyhow::Result<Vec<PreparedArea>> {
    let resolution = state.settings.coverage_resolution();
    let dir = &sources.geodata_dir;
    let divisions: Divisions = read_json(&dir.join("jiujiang_divisions.json"))?;
    let populations: HashMap<String, i64> = read_csv::<Population>(&dir.join("jiujiang_population_2020.csv"))?
        .into_iter()
        .map(|p| (p.code, p.population))
        .collect();
    let points: HashMap<String, (f64, f64)> = read_csv::<TownshipPoint>(&dir.join("jiujiang_township_points.csv"))?
        .into_iter()
        .filter_map(|p| Some((p.code, (p.lon?, p.lat?))))
        .collect();

    let (counties_path, crs) = sources.counties();
    let document = read_json::<serde_json::Value>(&counties_path).with_context(|| {
        "county polygons missing: run `make setup` (or set JIUZAI_DEMO_COUNTIES to a GeoJSON file)".to_owned()
    })?;
    let mut counties = prepare_areas(&document, crs, resolution)
        .map_err(|errors| anyhow::anyhow!("{} is invalid: {errors:?}", counties_path.display()))?;
    let names: HashMap<&str, &str> = divisions.counties.iter().map(|c| (c.code.as_str(), c.name.as_str())).collect();
    counties.retain(|c| names.contains_key(c.code.as_str()));
    anyhow::ensure!(counties.len() == divisions.counties.len(), "{} lacks some of Jiujiang's counties", counties_path.display());

    let mut areas = Vec::new();
    let point_area = |code: &str, name: &str, level, parent: Option<&str>, (lon, lat): (f64, f64), approximate| {
        Ok::<_, anyhow::Error>(PreparedArea {
            code: code.into(),
            name: name.into(),
            level,
            parent_code: parent.map(Into::into),
            population: populations.get(code).copied(),
            geometry: None,
            lon,
            lat,
            rep_cell: cell_of(lon, lat, resolution).map_err(anyhow::Error::msg)?,
            point_approximate: approximate,
            cells: Vec::new(),
        })
    };
    let mean = |pts: Vec<(f64, f64)>| {
        let n = pts.len().max(1) as f64;
        pts.iter().fold((0.0, 0.0), |(x, y), (a, b)| (x + a / n, y + b / n))
    };
    let city_point = mean(counties.iter().map(|c| (c.lon, c.lat)).collect());
    // Nanchang, the provincial capital, stands for the province, which is only a root here.
    areas.push(point_area(PROVINCE_CODE, "江西省", Level::Province, None, (115.858, 28.683), true)?);
    areas.push(point_area(CITY_CODE, "九江市", Level::City, Some(PROVINCE_CODE), city_point, false)?);
    for county in &mut counties {
        county.name = names[county.code.as_str()].to_owned();
        county.population = populations.get(&county.code).copied();
        county.parent_code = Some(CITY_CODE.into());
    }
    let county_points: HashMap<String, (f64, f64)> = counties.iter().map(|c| (c.code.clone(), (c.lon, c.lat))).collect();
    for county in &divisions.counties {
        for township in &county.townships {
            let (point, approximate) = match points.get(&township.code) {
                Some(p) => (*p, false),
                None => (county_points[&county.code], true),
            };
            areas.push(point_area(&township.code, &township.name, Level::Township, Some(&county.code), point, approximate)?);
        }
    }
    areas.extend(counties);
    Ok(areas)
}
