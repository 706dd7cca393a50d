use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{ImportSummary, import_document};
use super::store::{AreaFilter, MapAreaRow};
use super::{Area, AreaCode, Crs};
use crate::auth::{Actor, Role};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_areas))
        .routes(routes!(get_area))
        .routes(routes!(map_areas))
        .routes(routes!(import_areas))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AreaQuery {
    /// province, city, county, township or village
    pub level: Option<String>,
    /// Only the children of this area.
    pub parent: Option<String>,
    /// Add this event's figures, response level and overdue marker to each area (map only).
    pub event: Option<i64>,
}

impl AreaQuery {
    fn filter(self, actor: &Actor) -> AppResult<AreaFilter> {
        if let Some(level) = &self.level
            && super::Level::parse(level).is_none()
        {
            return Err(AppError::invalid_field(
                "level",
                crate::said!("level_unknown", "unknown level {text:?}", text = level),
            ));
        }
        Ok(AreaFilter { level: self.level, parent_code: self.parent, scope_pattern: actor.user.scope_pattern() })
    }
}

/// Areas in the caller's scope, optionally by level and parent.
#[utoipa::path(get, path = "/api/v1/areas", tag = "areas", params(AreaQuery), security(("bearer" = [])),
    responses((status = 200, body = [Area]), (status = 401), (status = 422)))]
async fn list_areas(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<AreaQuery>,
) -> AppResult<Json<Vec<Area>>> {
    let filter = query.filter(&actor)?;
    Ok(Json(state.store.list_areas(&filter).await?))
}

/// One area by its official code.
#[utoipa::path(get, path = "/api/v1/areas/{code}", tag = "areas", security(("bearer" = [])),
    params(("code" = String, Path, description = "official division code")),
    responses((status = 200, body = Area), (status = 403), (status = 404)))]
async fn get_area(State(state): State<AppState>, actor: Actor, Path(code): Path<String>) -> AppResult<Json<Area>> {
    let area = state.store.get_area(&code).await?.ok_or_else(|| AppError::NotFound(format!("no area {code}")))?;
    actor.require_area(&area.code)?;
    Ok(Json(area))
}

/// Areas as a GeoJSON FeatureCollection (WGS84) for the map: polygons where known, else the
/// representative point. Properties: code, name, level, parent_code, population, approximate.
#[utoipa::path(get, path = "/api/v1/map/areas.geojson", tag = "areas", params(AreaQuery), security(("bearer" = [])),
    responses((status = 200, content_type = "application/geo+json", body = Object), (status = 401)))]
async fn map_areas(State(state): State<AppState>, actor: Actor, Query(query): Query<AreaQuery>) -> AppResult<Response> {
    let event = query.event;
    let filter = query.filter(&actor)?;
    let rows = state.store.map_areas(&filter).await?;
    let extra = match event {
        Some(id) => state.event_overlay.properties(id).await?,
        None => Default::default(),
    };
    let body = feature_collection(&rows, &extra).map_err(|e| AppError::Internal(e.into()))?;
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body).into_response())
}

/// Serialises stored geometries without re-parsing them (they were validated on import), with
/// `extra` properties (an event's figures) per area code.
fn feature_collection(rows: &[MapAreaRow], extra: &HashMap<AreaCode, serde_json::Value>) -> serde_json::Result<String> {
    #[derive(serde::Serialize)]
    struct Feature<'a> {
        r#type: &'static str,
        id: &'a str,
        geometry: &'a RawValue,
        properties: Properties<'a>,
    }
    #[derive(serde::Serialize)]
    struct Properties<'a> {
        code: &'a str,
        name: &'a str,
        level: &'a str,
        parent_code: Option<&'a str>,
        population: Option<i64>,
        approximate: bool,
        #[serde(flatten, skip_serializing_if = "Option::is_none")]
        event: Option<&'a serde_json::Value>,
    }
    let points: Vec<String> =
        rows.iter().map(|r| format!(r#"{{"type":"Point","coordinates":[{},{}]}}"#, r.rep_lon, r.rep_lat)).collect();
    let mut features = Vec::with_capacity(rows.len());
    for (row, point) in rows.iter().zip(&points) {
        let geometry: &RawValue = serde_json::from_str(row.geometry.as_deref().unwrap_or(point))?;
        features.push(Feature {
            r#type: "Feature",
            id: &row.code,
            geometry,
            properties: Properties {
                code: &row.code,
                name: &row.name,
                level: row.level.as_str(),
                parent_code: row.parent_code.as_deref(),
                population: row.population,
                approximate: row.point_approximate,
                event: extra.get(&row.code),
            },
        });
    }
    serde_json::to_string(&serde_json::json!({ "type": "FeatureCollection", "features": features }))
}

#[derive(Debug, Deserialize, IntoParams, ToSchema)]
pub struct ImportQuery {
    /// Coordinate system of the file (default wgs84).
    #[serde(default)]
    #[param(inline)]
    pub crs: Crs,
}

/// Imports areas from GeoJSON (admin): a FeatureCollection, a Feature, or a bare geometry with
/// `properties.adcode`. All areas are stored, or none; each error names its feature.
#[utoipa::path(post, path = "/api/v1/areas/import", tag = "areas", params(ImportQuery), security(("bearer" = [])),
    request_body(content = Object, content_type = "application/geo+json"),
    responses((status = 200, body = ImportSummary), (status = 400), (status = 403), (status = 413), (status = 422)))]
async fn import_areas(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ImportQuery>,
    body: Bytes,
) -> AppResult<Json<ImportSummary>> {
    actor.require_role(&[Role::Admin])?;
    let document: serde_json::Value =
        serde_json::from_slice(&body).map_err(|e| AppError::BadRequest(format!("malformed JSON: {e}")))?;
    let audit = actor.audit("areas.import", "areas", "import");
    let summary =
        import_document(&*state.store, &document, query.crs, state.settings.coverage_resolution(), audit).await?;
    state.planning.travel.reset().await; // the travel grid covers the counties: rebuild it
    Ok(Json(summary))
}
