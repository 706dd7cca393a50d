//! The demo region: Jiujiang (九江市) with its 13 counties and 227 township-level units, and one
//! user per role with the password `demo`. Only for demonstrations: the server warns loudly.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use crate::areas::import::{cell_of, prepare_areas};
use crate::areas::service::store_areas;
use crate::areas::{AreaCode, Crs, Level, PreparedArea};
use crate::audit::AuditEntry;
use crate::auth::Role;
use crate::auth::service::{CreateUser, add_user};
use crate::config::Settings;
use crate::store::Store;

mod applications;
mod cases;
mod checks;
mod households;
mod rebuild;
mod winterspring;

pub const CITY_CODE: &str = "360400";
const PROVINCE_CODE: &str = "360000";

/// The demo's own codes are literals; a wrong one stops the seed with its text.
fn demo_code(text: &str) -> anyhow::Result<AreaCode> {
    AreaCode::parse(text).map_err(anyhow::Error::msg)
}
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
pub async fn seed_if_empty(store: &dyn Store, settings: &Settings, sources: &DemoSources) -> anyhow::Result<bool> {
    if store.count_users().await? > 0 || !store.area_codes().await?.is_empty() {
        return Ok(false);
    }
    seed(store, settings, sources).await?;
    Ok(true)
}

pub async fn seed(store: &dyn Store, settings: &Settings, sources: &DemoSources) -> anyhow::Result<()> {
    let areas = demo_areas(settings, sources)?;
    let audit = AuditEntry::system("demo.seed", "areas", CITY_CODE);
    let summary = store_areas(store, areas, audit).await.map_err(|e| anyhow::anyhow!("storing demo areas: {e}"))?;
    tracing::info!(
        areas = summary.imported,
        counties = summary.counties,
        townships = summary.townships,
        "demo region seeded"
    );
    seed_depots(store, settings).await?;
    seed_flood(store, settings).await?;
    households::seed_households(store, settings).await?;
    for role in Role::ALL {
        let username = demo_username(role);
        if store.find_credentials(username).await?.is_some() {
            continue;
        }
        let request = CreateUser {
            username: username.into(),
            display_name: Some(format!("演示 {}", role.as_str())),
            password: DEMO_PASSWORD.into(),
            role,
            area_code: (!role.has_global_scope()).then(|| demo_code(CITY_CODE)).transpose()?,
        };
        let user = add_user(store, request, AuditEntry::system("user.create", "user", username))
            .await
            .map_err(|e| anyhow::anyhow!("creating demo user {username}: {e}"))?;
        if role == Role::DepotStaff {
            // The demo keeper works in the city depot (created first).
            let city_depot = store.list_depots().await?.into_iter().find(|d| d.area_code == CITY_CODE);
            if let Some(depot) = city_depot {
                let audit = AuditEntry::system("user.assign_depots", "user", user.id.to_string());
                store.assign_depots(user.id, &[depot.id], &audit).await?;
            }
        }
    }
    applications::seed_applications(store, settings).await?;
    winterspring::seed_campaign(store, settings).await?;
    rebuild::seed_cases(store, settings).await?;
    cases::seed_cases(store, settings).await?;
    checks::seed_findings(store, settings).await?;
    warn_demo_credentials();
    Ok(())
}

/// A demo user to take steps as, if the demo created them.
async fn actor(store: &dyn Store, username: &str) -> anyhow::Result<Option<crate::auth::Actor>> {
    Ok(store.find_credentials(username).await?.map(|(user, _)| crate::auth::Actor { user, request_id: None }))
}

pub fn demo_username(role: Role) -> &'static str {
    match role {
        Role::DepotStaff => "depot",
        other => other.as_str(),
    }
}

pub fn warn_demo_credentials() {
    tracing::warn!(
        "DEMO CREDENTIALS ARE ACTIVE: users admin, manager, depot, reporter, assessor, reviewer, auditor, \
         caseworker, township and county all have the password 'demo'. Never expose this instance to real users."
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
fn demo_areas(settings: &Settings, sources: &DemoSources) -> anyhow::Result<Vec<PreparedArea>> {
    let resolution = settings.coverage_resolution();
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
    anyhow::ensure!(
        counties.len() == divisions.counties.len(),
        "{} lacks some of Jiujiang's counties",
        counties_path.display()
    );

    let mut areas = Vec::new();
    let point_area = |code: &str, name: &str, level, parent: Option<&str>, (lon, lat): (f64, f64), approximate| {
        Ok::<_, anyhow::Error>(PreparedArea {
            code: demo_code(code)?,
            name: name.into(),
            level,
            parent_code: parent.map(demo_code).transpose()?,
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
        county.population = populations.get(county.code.as_str()).copied();
        county.parent_code = Some(demo_code(CITY_CODE)?);
    }
    let county_points: HashMap<AreaCode, (f64, f64)> =
        counties.iter().map(|c| (c.code.clone(), (c.lon, c.lat))).collect();
    for county in &divisions.counties {
        for township in &county.townships {
            let (point, approximate) = match points.get(&township.code) {
                Some(p) => (*p, false),
                None => (county_points[county.code.as_str()], true),
            };
            areas.push(point_area(
                &township.code,
                &township.name,
                Level::Township,
                Some(&county.code),
                point,
                approximate,
            )?);
        }
    }
    areas.extend(counties);
    Ok(areas)
}

/// Demo stock per county depot, scaled by population: (item, base quantity, base reserve target).
/// After Jiangxi in 2016 (docs/domain/reserves.md#jiangxi-stock-levels): city and county depots held 90,000 quilts,
/// 22,000 cotton coats and 9,000 tents across the province's ~100 counties.
const COUNTY_STOCK: &[(&str, i64, i64)] = &[
    ("tent-12m2", 80, 100),
    ("tent-36m2", 6, 8),
    ("tent-12m2-insulated", 20, 30),
    ("quilt", 600, 700),
    ("towel-quilt", 400, 400),
    ("blanket", 200, 200),
    ("cotton-coat", 150, 220),
    ("folding-bed", 200, 260),
    ("emergency-lamp", 60, 80),
    ("first-aid-kit", 50, 60),
    ("drinking-water", 500, 600),
    ("instant-food", 800, 900),
    ("hygiene-kit", 100, 100),
    ("sleeping-bag", 50, 50),
    ("bamboo-mat", 150, 150),
];

/// The city depot holds this many times a county's base stock.
const CITY_DEPOT_FACTOR: i64 = 6;

/// Jiujiang's urban centre (WGS84), where the city depot stands in the demo.
const CITY_DEPOT_POINT: (f64, f64) = (115.993, 29.712);

/// A demo depot's own trucks: the city's 8 heavy trucks (10 t, 45 m³), a county's 3 light ones
/// (5 t, 20 m³), one trip each. Illustrative: the sources give no fleet sizes.
fn demo_fleet(tier: &str) -> crate::depots::Fleet {
    match tier {
        "city" => crate::depots::Fleet { trucks: 8, load_kg: 10_000, load_m3: 45, trips: 1 },
        _ => crate::depots::Fleet { trucks: 3, load_kg: 5_000, load_m3: 20, trips: 1 },
    }
}

/// A city depot and one depot at each county seat, stocked through the ledger (receipts with lots,
/// some expiring soon so alerts show), with reserve targets and their own trucks. Does nothing if
/// depots exist.
pub async fn seed_depots(store: &dyn Store, settings: &Settings) -> anyhow::Result<()> {
    use crate::depots::rules::StockOperation;
    use crate::depots::store::DepotFields;
    use crate::depots::{MovementKind, Target};

    if !store.list_depots().await?.is_empty() {
        return Ok(());
    }
    let resolution = settings.coverage_resolution();
    let counties = store
        .list_areas(&crate::areas::store::AreaFilter { level: Some("county".into()), ..Default::default() })
        .await?;
    let townships = store
        .list_areas(&crate::areas::store::AreaFilter { level: Some("township".into()), ..Default::default() })
        .await?;
    let today = crate::clock::today();
    let mut depots = vec![(
        "九江市救灾物资储备库".to_owned(),
        "city",
        demo_code(CITY_CODE)?,
        CITY_DEPOT_POINT,
        12_000,
        CITY_DEPOT_FACTOR as f64,
    )];
    for county in &counties {
        // The seat is usually the county's first town (镇, codes 100–199) with a known point.
        let seat = townships
            .iter()
            .filter(|t| t.parent_code.as_deref() == Some(county.code.as_str()) && !t.point_approximate)
            .min_by_key(|t| (!t.code[6..].starts_with('1'), t.code.clone()))
            .map_or((county.lon, county.lat), |t| (t.lon, t.lat));
        let scale = (county.population.unwrap_or(350_000) as f64 / 350_000.0).clamp(0.5, 2.0);
        depots.push((format!("{}救灾物资储备库", county.name), "county", county.code.clone(), seat, 3_000, scale));
    }
    for (index, (name, tier, area_code, (lon, lat), capacity_m3, scale)) in depots.into_iter().enumerate() {
        let scaled = |n: i64| ((n as f64) * scale).round() as i64;
        let fields = DepotFields {
            name: name.clone(),
            tier: tier.into(),
            area_code,
            lon,
            lat,
            cell: cell_of(lon, lat, resolution).map_err(anyhow::Error::msg)?,
            capacity_m3,
            contact_name: Some("值班室".into()),
            contact_phone: Some(format!("0792-82{:05}", 10_000 + index * 37)),
            status: "active".into(),
            fleet: Some(demo_fleet(tier)),
            targets: COUNTY_STOCK
                .iter()
                .map(|(item, _, target)| Target { item: (*item).into(), quantity: scaled(*target) })
                .collect(),
        };
        let depot_id = store.create_depot(&fields, &AuditEntry::system("depot.create", "depot", "")).await?;
        for (item_index, (item, base, _)) in COUNTY_STOCK.iter().enumerate() {
            // Vary the stock a little between depots, and give every third depot a lot about to expire.
            let quantity = scaled(*base) * (90 + ((index * 7 + item_index * 3) % 25) as i64) / 100;
            let expiring_soon = index % 3 == 0 && matches!(*item, "drinking-water" | "instant-food");
            let shelf_life = match *item {
                "drinking-water" => Some(if expiring_soon { 40 } else { 300 }),
                "instant-food" => Some(if expiring_soon { 60 } else { 240 }),
                "first-aid-kit" => Some(900),
                "hygiene-kit" => Some(600),
                _ => None,
            };
            let receipt = StockOperation {
                depot_id,
                kind: MovementKind::Receipt,
                item_code: (*item).into(),
                delta: quantity,
                lot: Some(format!("{}-{:02}{:02}", today.format("%Y"), index + 1, item_index + 1)),
                expires_on: shelf_life.map(|days| today + chrono::Duration::days(days)),
                source: Some(if item_index % 5 == 4 { "donated" } else { "procured" }.into()),
                donor: (item_index % 5 == 4).then(|| "九江市红十字会".to_owned()),
                reason: None,
                note: Some("演示数据 demo stock".into()),
                to_depot: None,
                reference: None,
            };
            store
                .apply_movement(&receipt, None, &AuditEntry::system("stock.movement", "stock_movement", ""))
                .await
                .map_err(|e| anyhow::anyhow!("demo receipt at {name}: {e}"))?;
        }
    }
    tracing::info!(depots = counties.len() + 1, "demo depots seeded");
    Ok(())
}

/// The fictional flood of docs/domain/demo-scenario.md, modelled on July 2020 around Poyang Lake: which counties
/// it hit and their share of the city-wide figures (about 600,000 affected, 80,000 relocated,
/// 30,000 needing emergency aid, 150 households / 350 rooms collapsed, 60,000 ha of crops).
const FLOOD_COUNTIES: &[(&str, f64)] = &[
    ("360425", 0.30), // 永修: the polder breach
    ("360428", 0.20), // 都昌
    ("360483", 0.12), // 庐山市
    ("360429", 0.12), // 湖口
    ("360404", 0.13), // 柴桑 (江洲镇)
    ("360430", 0.13), // 彭泽
];

/// City-wide totals of the fictional flood (indicator, total in stored units).
fn flood_totals() -> Vec<(crate::disasters::Indicator, i64)> {
    use crate::disasters::Indicator::*;
    vec![
        (Affected, 600_000),
        (PreEvacuated, 20_000),
        (Relocated, 80_000),
        (NeedingEmergencyAid, 30_000),
        (NeedingTransitionalAid, 2_400),
        (CollapsedRooms, 350),
        (CollapsedHouseholds, 150),
        (SevereRooms, 700),
        (SevereHouseholds, 300),
        (GeneralRooms, 3_500),
        (GeneralHouseholds, 1_600),
        (CropsAffectedHa, 60_000 * 100),
        (CropsDamagedHa, 35_000 * 100),
        (CropsLostHa, 9_000 * 100),
        (DirectLossWan, 150_000 * 100),
    ]
}

/// Opens the fictional flood (onset 30 hours ago) with initial and update reports from the
/// lake-shore townships, some verified figures and one accepted township. Does nothing if events exist.
pub async fn seed_flood(store: &dyn Store, settings: &Settings) -> anyhow::Result<()> {
    use crate::disasters::Indicator;
    use crate::disasters::store::{EventFields, NewAssessment, NewReport};

    if !store.list_events().await?.is_empty() {
        return Ok(());
    }
    let manager = AuditEntry::system("event.create", "event", "");
    let fields = EventFields {
        name: "鄱阳湖区洪涝灾害（虚构演示）".into(),
        hazard: "flood".into(),
        onset_at: chrono::Utc::now() - chrono::Duration::hours(30),
        status: "active".into(),
        description: Some(
            "虚构的演示场景，参照2020年7月鄱阳湖洪水；所有数字均为虚构。\
             Fictional demo scenario modelled on the July 2020 Poyang Lake flood; every figure is made up."
                .into(),
        ),
        // 瑞昌 is expected to report too but has not: it shows as overdue.
        affected_areas: FLOOD_COUNTIES
            .iter()
            .map(|(code, _)| *code)
            .chain(["360481"])
            .map(demo_code)
            .collect::<anyhow::Result<_>>()?,
    };
    let event_id = store.create_event(&fields, &manager).await?;
    let townships = store
        .list_areas(&crate::areas::store::AreaFilter { level: Some("township".into()), ..Default::default() })
        .await?;
    let totals = flood_totals();
    let mut verified_one = None;
    for (county_index, (county, share)) in FLOOD_COUNTIES.iter().enumerate() {
        let hit: Vec<&crate::areas::Area> = townships
            .iter()
            .filter(|t| t.parent_code.as_deref() == Some(*county) && !t.point_approximate)
            .take(4)
            .collect();
        for (rank, township) in hit.iter().enumerate() {
            let weight = share * [0.4, 0.3, 0.2, 0.1][rank];
            let figures_at = |progress: f64| -> crate::disasters::Figures {
                let mut figures: crate::disasters::Figures =
                    totals.iter().map(|(i, total)| (*i, (*total as f64 * weight * progress).round() as i64)).collect();
                // keep the parts consistent with their totals after rounding
                let relocated = figures[&Indicator::Relocated];
                let central = relocated * 7 / 100;
                figures.insert(Indicator::RelocatedCentral, central);
                figures.insert(Indicator::RelocatedDispersed, relocated - central);
                if county_index == 0 && rank == 0 && progress >= 1.0 {
                    figures.insert(Indicator::Missing, 1);
                }
                figures
            };
            for (stage, progress) in [("initial", 0.6), ("update", 1.0)] {
                // 彭泽 has not sent its update yet, so it shows as overdue once the daily deadline passes
                if stage == "update" && *county == "360430" {
                    continue;
                }
                let report = NewReport {
                    event_id,
                    area_code: township.code.clone(),
                    stage: stage.into(),
                    indicators: figures_at(progress),
                    description: Some(format!("{}：圩堤漫顶，村庄进水，群众已转移。（虚构）", township.name)),
                    explanation: None,
                };
                let mut audit = AuditEntry::system("loss_report.create", "loss_report", "");
                audit.actor_name = "reporter".into();
                store.insert_report(&report, None, &audit).await.map_err(|e| anyhow::anyhow!("demo report: {e}"))?;
            }
            if county_index == 0 && rank < 2 {
                // The assessor's household survey found more collapsed rooms in the breach townships.
                let reported = figures_at(1.0);
                let rooms = reported[&Indicator::CollapsedRooms] + 6 + rank as i64;
                let assessment = NewAssessment {
                    event_id,
                    area_code: township.code.clone(),
                    indicators: [(Indicator::CollapsedRooms, rooms)].into_iter().collect(),
                    reasons: [(Indicator::CollapsedRooms, "逐户核查：另有偏房倒塌计入（虚构）".to_owned())]
                        .into_iter()
                        .collect(),
                    report_id: None,
                };
                let mut audit = AuditEntry::system("assessment.create", "assessment", "");
                audit.actor_name = "assessor".into();
                store
                    .insert_assessment(&assessment, &audit)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo assessment: {e}"))?;
                verified_one.get_or_insert(township.code.clone());
            }
        }
    }
    if let Some(code) = verified_one {
        let mut audit = AuditEntry::system("figures.accept", "event_area", format!("{event_id}/{code}"));
        audit.actor_name = "manager".into();
        store.accept_area(event_id, &code, &audit).await?;
    }
    seed_fund_pools(store, event_id).await?;
    let event = store.get_event(event_id).await?.expect("just created");
    crate::disasters::service::record_level_changes(store, settings, &event)
        .await
        .map_err(|e| anyhow::anyhow!("demo levels: {e}"))?;
    tracing::info!(event_id, "demo flood seeded (fictional)");
    Ok(())
}

/// Fund pools for the demo flood's emergency aid and housing reconstruction (fictional amounts,
/// like Jiangxi's first allocations, docs/domain/demo-scenario.md#demo-fund-pools). The central emergency money
/// falls short of its 70% share, so the funds plan shows proportional scaling.
async fn seed_fund_pools(store: &dyn Store, event_id: i64) -> anyhow::Result<()> {
    use crate::funds::SourceLevel as L;
    use crate::funds::store::NewPool;
    let pools = [
        ("中央自然灾害救灾资金（应急，第一批）", L::Central, "emergency", 5_000_000),
        ("省级自然灾害生活救助资金（应急）", L::Province, "emergency", 1_500_000),
        ("市级救灾资金（应急）", L::City, "emergency", 500_000),
        ("县级救灾资金（应急）", L::County, "emergency", 1_000_000),
        ("中央自然灾害救灾资金（倒损住房恢复重建）", L::Central, "reconstruction", 8_000_000),
        ("省级倒损住房恢复重建资金", L::Province, "reconstruction", 2_000_000),
    ];
    for (name, source_level, aid_type, yuan) in pools {
        let pool = NewPool {
            name: name.into(),
            source_level,
            aid_type: aid_type.into(),
            event_id: Some(event_id),
            amount_fen: crate::money::Fen(yuan * 100),
        };
        let mut audit = AuditEntry::system("fund_pool.create", "fund_pool", "");
        audit.actor_name = "manager".into();
        store.create_pool(&pool, &audit).await?;
    }
    Ok(())
}
