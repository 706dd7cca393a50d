//! The travel model for planning: one H3 grid over the region's counties, built once and shared;
//! each plan adds its event's blocked zones (cheap: the grid is reused). The depots' paths of the
//! events planned last are kept, so that the next plan for the event after a zone is drawn or
//! removed repairs them instead of searching again (docs/domain/planning.md#planning-again).

use std::sync::{Arc, Mutex};

use geo::{MultiPolygon, Polygon};
use tokio::sync::RwLock;

use crate::areas::store::AreaStore;
use crate::config::Settings;
use crate::error::{AppError, AppResult};
use crate::routing::{GridModel, GridSettings, Point, Reach};

/// Memory for the depots' kept paths, over the events planned last (24 MB is one event with 100
/// depots over Jiujiang).
const KEPT_PATHS_BYTES: usize = 256 << 20;

#[derive(Default)]
pub struct TravelCache {
    base: RwLock<Option<Arc<GridModel>>>,
    /// By event, the one planned last first.
    kept: Mutex<Vec<(i64, Reach)>>,
}

impl TravelCache {
    /// Forgets the grid (the areas changed); the next plan rebuilds it.
    pub async fn reset(&self) {
        *self.base.write().await = None;
        self.kept.lock().expect("travel cache lock").clear();
    }

    /// Minutes from each origin to each destination around `event`'s `blocked` zones, from the
    /// paths kept since the event was planned last when there are any (two plans of one event
    /// at once: one of them searches afresh).
    pub async fn minutes(
        &self,
        store: &(impl AreaStore + ?Sized),
        settings: &Settings,
        event: i64,
        blocked: Vec<Polygon<f64>>,
        origins: Vec<Point>,
        destinations: Vec<Point>,
    ) -> AppResult<Vec<Vec<Option<u32>>>> {
        let model = self.model(store, settings, blocked).await?;
        let kept = {
            let mut kept = self.kept.lock().expect("travel cache lock");
            kept.iter().position(|(e, _)| *e == event).map(|i| kept.remove(i).1)
        };
        let (reach, minutes) = tokio::task::spawn_blocking(move || {
            let reach = match kept {
                Some(reach) => reach.update(model, &origins),
                None => Reach::new(model, &origins),
            };
            let minutes = reach.minutes(&destinations);
            (reach, minutes)
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
        let mut kept = self.kept.lock().expect("travel cache lock");
        kept.retain(|(e, _)| *e != event);
        kept.insert(0, (event, reach));
        let mut total = 0;
        kept.retain(|(_, reach)| {
            total += reach.bytes();
            total <= KEPT_PATHS_BYTES
        });
        Ok(minutes)
    }

    /// The grid over every county with a polygon, with `blocked` zones impassable.
    async fn model(
        &self,
        store: &(impl AreaStore + ?Sized),
        settings: &Settings,
        blocked: Vec<Polygon<f64>>,
    ) -> AppResult<GridModel> {
        if let Some(base) = self.base.read().await.as_ref() {
            return base.with_blocked(blocked).map_err(|e| AppError::Internal(e.into()));
        }
        let mut slot = self.base.write().await;
        let base = match slot.as_ref() {
            Some(base) => Arc::clone(base),
            None => {
                let region = region(store).await?;
                let settings = GridSettings {
                    resolution: settings.routing_resolution(),
                    speed_kmh: settings.travel_speed_kmh,
                    ..Default::default()
                };
                let model = tokio::task::spawn_blocking(move || GridModel::new(&region, settings))
                    .await
                    .map_err(|e| AppError::Internal(e.into()))?
                    .map_err(|e| AppError::Internal(e.into()))?;
                let model = Arc::new(model);
                *slot = Some(Arc::clone(&model));
                model
            }
        };
        base.with_blocked(blocked).map_err(|e| AppError::Internal(e.into()))
    }
}

/// The union of the county polygons (as stored, validated on import).
async fn region(store: &(impl AreaStore + ?Sized)) -> AppResult<MultiPolygon<f64>> {
    let filter = crate::areas::store::AreaFilter { level: Some("county".into()), ..Default::default() };
    let mut polygons = Vec::new();
    for row in store.map_areas(&filter).await? {
        if let Some(text) = row.geometry {
            polygons.extend(parse_multipolygon(&text)?.0);
        }
    }
    if polygons.is_empty() {
        return Err(AppError::conflict(crate::said!(
            "no_polygons",
            "no county polygons are loaded, so travel times cannot be computed"
        )));
    }
    Ok(MultiPolygon::new(polygons))
}

pub fn parse_multipolygon(text: &str) -> AppResult<MultiPolygon<f64>> {
    let geometry: geojson::Geometry = text.parse().map_err(|e: geojson::Error| AppError::Internal(e.into()))?;
    match geo::Geometry::<f64>::try_from(&geometry.value).map_err(|e| AppError::Internal(e.into()))? {
        geo::Geometry::MultiPolygon(mp) => Ok(mp),
        geo::Geometry::Polygon(p) => Ok(MultiPolygon::new(vec![p])),
        _ => Err(AppError::Internal(anyhow::anyhow!("stored geometry is not a polygon"))),
    }
}
