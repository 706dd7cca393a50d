//! The household registry, bulk import and per-event damage records.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

use super::damage::{self, DamageSummary};
use super::idnumber::IdNumber;
use super::pii::Pii;
use super::progress::{ProgressView, valid_progress_id};
use super::registers::{self, Register};
use super::registry::{self, HouseholdInputJson};
use super::sees_names;
use super::service::{ImportFailure, ImportJob, ImportMode, ImportReport, import_file};
use super::store::{CellCount, EditGuard, HouseholdFilter};
use super::{DamageInput, DamageRecord, Household, HouseholdType};
use crate::areas::AreaCode;
use crate::areas::code;
use crate::auth::{Actor, Role};
use crate::db::long_reads;
use crate::disasters::service::event_or_404;
use crate::error::{AppError, AppResult};
use crate::export::Format;
use crate::extract::{if_match_version, parse_body};
use crate::state::AppState;
use crate::text_enum::enum_text;
use crate::upload::{read_upload, rows_rejected};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_households, create_household))
        .routes(routes!(import_households))
        .routes(routes!(import_progress))
        .routes(routes!(household_cells))
        .routes(routes!(get_household, update_household))
        .routes(routes!(list_damage, record_damage))
        .routes(routes!(damage_summary))
        .routes(routes!(dead_missing_register).layer(from_fn(long_reads)))
        .routes(routes!(damaged_houses_register).layer(from_fn(long_reads)))
}

const READERS: &[Role] = &[Role::Admin, Role::Manager, Role::Reporter, Role::Assessor, Role::Reviewer, Role::Auditor];
const REGISTRARS: &[Role] = &[Role::Admin, Role::Manager, Role::Reporter];

// ---- registry --------------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct HouseholdQuery {
    /// Households in this area's subtree.
    pub area_code: Option<AreaCode>,
    pub household_type: Option<HouseholdType>,
    /// Part of the head's name: of the full name for readers who see names, of the masked name (张*明) for others.
    pub q: Option<String>,
    /// An exact ID number, matched through its keyed hash (never stored or logged in clear).
    pub id_number: Option<String>,
    /// Only households with an id below this one (the `next_before_id` of the previous page).
    pub before_id: Option<i64>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HouseholdPage {
    pub households: Vec<Household>,
    /// Households matching the filters (all pages).
    pub total: i64,
    pub next_before_id: Option<i64>,
}

/// Households in the caller's scope, newest first, searchable by (masked) name, area and type.
#[utoipa::path(get, path = "/api/v1/households", tag = "households", security(("bearer" = [])), params(HouseholdQuery),
    responses((status = 200, body = HouseholdPage), (status = 403), (status = 422)))]
async fn list_households(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<HouseholdQuery>,
) -> AppResult<Json<HouseholdPage>> {
    actor.require_role(READERS)?;
    let limit = query.limit.unwrap_or(50).clamp(1, 500);
    let id_hash = match query.id_number.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => {
            let id = IdNumber::parse(text).map_err(|e| AppError::invalid_field("id_number", e))?;
            Some(Pii::from_settings(&state.settings).id_hash(id.as_str()))
        }
        None => None,
    };
    let full_names_anywhere = matches!(actor.user.role, Role::Admin | Role::Manager);
    let q = query.q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty());
    let filter = HouseholdFilter {
        scope: actor.user.scope_pattern(),
        area: query.area_code.as_deref().map(code::subtree_pattern),
        household_type: query.household_type.map(enum_text),
        name: q.clone().filter(|_| full_names_anywhere),
        name_masked: q.filter(|_| !full_names_anywhere),
        id_hash,
        before_id: query.before_id,
        limit,
    };
    if actor.user.scope_pattern().is_none() && !actor.user.role.has_global_scope() {
        return Ok(Json(HouseholdPage { households: vec![], total: 0, next_before_id: None }));
    }
    let total = state.store.count_households(&filter).await?;
    // Counted first: with nothing to find, PostgreSQL's planner may walk the whole table newest
    // first looking for a page it expects (an empty village of a million households took 280 ms).
    let rows = if total == 0 { Vec::new() } else { state.store.list_households(&filter).await? };
    let next_before_id = (rows.len() as i64 == limit).then(|| rows.last().map(|r| r.id)).flatten();
    let households = rows.iter().map(|r| Household::view(r, sees_names(&actor.user, &r.area_code))).collect();
    Ok(Json(HouseholdPage { households, total, next_before_id }))
}

/// Registers one household (managers and reporters, in their scope).
#[utoipa::path(post, path = "/api/v1/households", tag = "households", security(("bearer" = [])), request_body = HouseholdInputJson,
    responses((status = 201, body = Household), (status = 403), (status = 409, description = "the ID number is already registered"), (status = 422)))]
async fn create_household(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Household>)> {
    actor.require_role(REGISTRARS)?;
    let input: HouseholdInputJson = parse_body(body)?;
    let row = registry::register(&*state.store, &state.settings, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(Household::view(&row, sees_names(&actor.user, &row.area_code)))))
}

#[utoipa::path(get, path = "/api/v1/households/{id}", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Household), (status = 403), (status = 404)))]
async fn get_household(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Household>> {
    actor.require_role(READERS)?;
    let row = registry::household_or_404(&*state.store, &actor, id).await?;
    Ok(Json(Household::view(&row, sees_names(&actor.user, &row.area_code))))
}

/// Edits a household (managers and reporters of its area); only the fields given change. Send the
/// household's `updated_at` as read, quoted, in `If-Match`: if it changed since, the edit is refused
/// (412) rather than overwrite the newer one. An `Idempotency-Key` makes a retry safe (an edit
/// queued offline and sent twice is saved once).
#[utoipa::path(patch, path = "/api/v1/households/{id}", tag = "households", security(("bearer" = [])),
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "the household's updated_at as read, quoted"),
           ("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    request_body = HouseholdInputJson,
    responses((status = 200, body = Household), (status = 403), (status = 404), (status = 409),
              (status = 412, description = "changed since it was read"), (status = 422)))]
async fn update_household(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> AppResult<Json<Household>> {
    actor.require_role(REGISTRARS)?;
    registry::household_or_404(&*state.store, &actor, id).await?;
    let claim = crate::idempotency::claim_from(&headers, format!("{}:household-edit:{id}", actor.user.id), &body)?;
    let read_version = if_match_version(&headers)?;
    let input: HouseholdInputJson = parse_body(body)?;
    let guard = EditGuard { claim: claim.as_ref(), read_version };
    let row = registry::update(&*state.store, &state.settings, &actor, id, input, guard).await?;
    // Enrolled in 低保 or a member found: detection follows the household as it is now.
    if let Err(e) = crate::cases::alerts::after_household_edit(&*state.store, &actor, &row).await {
        tracing::warn!(household = row.id, error = %e, "detection after a household edit failed");
    }
    Ok(Json(Household::view(&row, sees_names(&actor.user, &row.area_code))))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CellQuery {
    /// Households in this area's subtree (default: the caller's scope).
    pub area_code: Option<AreaCode>,
    /// Count the households with a damage record in this event as affected.
    pub event_id: Option<i64>,
}

/// Decimal places kept in hexagon vertices (about 0.1 m).
const VERTEX_DECIMALS: f64 = 1e6;

/// One H3 cell as a GeoJSON polygon feature with its counts in the properties.
fn hexagon_feature(count: &CellCount) -> Option<geojson::Feature> {
    let cell = h3o::CellIndex::try_from(count.cell as u64).ok()?;
    let round = |x: f64| (x * VERTEX_DECIMALS).round() / VERTEX_DECIMALS;
    let mut ring: Vec<[f64; 2]> = cell.boundary().iter().map(|v| [round(v.lng()), round(v.lat())]).collect();
    ring.push(*ring.first()?);
    let mut properties = serde_json::Map::new();
    properties.insert("cell".into(), json!(cell.to_string()));
    properties.insert("households".into(), json!(count.households));
    properties.insert("affected".into(), json!(count.affected));
    properties.insert("people".into(), json!(count.people));
    properties.insert("affected_people".into(), json!(count.affected_people));
    Some(geojson::Feature {
        bbox: None,
        geometry: Some(geojson::Geometry::new(geojson::GeometryValue::new_polygon([ring]))),
        id: Some(geojson::feature::Id::String(cell.to_string())),
        properties: Some(properties),
        foreign_members: None,
    })
}

/// Located households per H3 hexagon at the coverage resolution, in the caller's scope, as a
/// GeoJSON FeatureCollection of the cells' polygons (WGS84, closed rings). Each feature's
/// properties: `cell` (H3 index, hex), `households`, `affected` (with a damage record in the event),
/// `people` (their members) and `affected_people`.
#[utoipa::path(get, path = "/api/v1/households/hexagons", tag = "households", security(("bearer" = [])), params(CellQuery),
    responses((status = 200, content_type = "application/geo+json", body = Object), (status = 403)))]
async fn household_cells(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<CellQuery>,
) -> AppResult<([(axum::http::HeaderName, &'static str); 1], Json<geojson::FeatureCollection>)> {
    actor.require_role(READERS)?;
    let area = match (&query.area_code, &actor.user.area_code) {
        (Some(area), _) => {
            actor.require_area(area)?;
            Some(code::subtree_pattern(area))
        }
        (None, Some(scope)) => Some(code::subtree_pattern(scope)),
        (None, None) if actor.user.role.has_global_scope() => Some("%".into()),
        (None, None) => None,
    };
    let cells = match area {
        Some(area) => state.store.household_cells(&area, query.event_id).await?,
        None => vec![],
    };
    let features = cells.iter().filter_map(hexagon_feature).collect();
    let collection = Json(geojson::FeatureCollection { bbox: None, features, foreign_members: None });
    Ok(([(axum::http::header::CONTENT_TYPE, "application/geo+json")], collection))
}

// ---- bulk import -----------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct ImportQuery {
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub mode: ImportMode,
    /// An id of the client's choosing (8–64 letters, digits, '-' or '_', e.g. a UUID) under which
    /// GET /api/v1/households/imports/{progress_id} reports the import's progress while it runs.
    pub progress_id: Option<String>,
}

/// The answer to a failed import: a row failure carries its report beside the error.
fn import_failure_response(failure: ImportFailure) -> Response {
    match failure {
        ImportFailure::File(e) => AppError::from(e).into_response(),
        ImportFailure::Rows(report) => rows_rejected(&report.errors, report.skipped),
        ImportFailure::Other(e) => e.into_response(),
    }
}

/// Imports households from a CSV (UTF-8 or GBK) or XLSX file sent as the request body with its
/// content type, or as the `file` part of a multipart form. Headers in English (head_name,
/// head_id_number, members, area_code, address, household_type, programmes, bank_account, lon,
/// lat) or Chinese (户主姓名, 身份证号, 家庭人口, 区划代码, 家庭住址, 家庭类型, 救助项目, 一卡通账号,
/// 经度, 纬度). ID numbers already registered are refused as duplicates. All or nothing by default.
#[utoipa::path(post, path = "/api/v1/households/import", tag = "households", security(("bearer" = [])), params(ImportQuery),
    request_body(content = String, description = "the file", content_type = "text/csv"),
    responses((status = 200, body = ImportReport), (status = 403), (status = 413),
              (status = 415, description = "not CSV, XLSX or multipart"),
              (status = 422, description = "unreadable file, or invalid rows in all-or-nothing mode (the report is in the body)")))]
async fn import_households(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ImportQuery>,
    request: Request,
) -> AppResult<Response> {
    actor.require_role(REGISTRARS)?;
    if let Some(id) = query.progress_id.as_deref().filter(|id| !valid_progress_id(id)) {
        return Err(AppError::invalid_field(
            "progress_id",
            crate::said!("progress_id_format", "{id:?} is not 8–64 letters, digits, '-' or '_'", id = id),
        ));
    }
    let (bytes, kind) = match read_upload(request, &state).await {
        Ok(upload) => upload,
        Err(response) => return Ok(response),
    };
    let audit = actor.audit("households.import", "households", "");
    let progress = match &query.progress_id {
        Some(id) => state.imports.start(actor.user.id, id),
        None => Arc::default(),
    };
    let job = ImportJob { bytes, kind, mode: query.mode, user: Some(actor.user.clone()), audit };
    let outcome = import_file(&*state.store, &state.settings, job, progress.clone()).await;
    progress.finish();
    match outcome {
        Ok(report) => Ok(Json(report).into_response()),
        Err(failure) => Ok(import_failure_response(failure)),
    }
}

/// The progress of an import the caller started with `?progress_id=`: rows read and stored, and
/// how much of the file is read. Polled while the import's POST runs; kept for an hour.
#[utoipa::path(get, path = "/api/v1/households/imports/{progress_id}", tag = "households", security(("bearer" = [])),
    params(("progress_id" = String, Path, description = "the id given to POST /api/v1/households/import")),
    responses((status = 200, body = ProgressView), (status = 403),
              (status = 404, description = "no import of the caller's under this id (not started yet, or over an hour ago)")))]
async fn import_progress(
    State(state): State<AppState>,
    actor: Actor,
    Path(progress_id): Path<String>,
) -> AppResult<Json<ProgressView>> {
    actor.require_role(REGISTRARS)?;
    state
        .imports
        .get(actor.user.id, &progress_id)
        .map(Json)
        .ok_or_else(|| AppError::NotFound(format!("no import of yours under {progress_id:?}")))
}

// ---- damage records --------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct DamageQuery {
    pub area_code: Option<AreaCode>,
}

/// The event's household damage records in the caller's scope.
#[utoipa::path(get, path = "/api/v1/events/{id}/household-damage", tag = "households", security(("bearer" = [])),
    params(("id" = i64, Path), DamageQuery), responses((status = 200, body = [DamageRecord]), (status = 403), (status = 404)))]
async fn list_damage(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<DamageQuery>,
) -> AppResult<Json<Vec<DamageRecord>>> {
    actor.require_role(READERS)?;
    event_or_404(&*state.store, id).await?;
    let area = query.area_code.as_deref().map(code::subtree_pattern);
    let records = state.store.damage_records(id, area.as_deref()).await?;
    Ok(Json(records.into_iter().filter(|r| actor.user.can_reach(&r.area_code)).collect()))
}

/// Records (or replaces) a household's losses in the event: reporters, assessors and managers of its area.
#[utoipa::path(post, path = "/api/v1/events/{id}/household-damage", tag = "households", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = DamageInput,
    responses((status = 201, body = DamageRecord), (status = 200, description = "replaced", body = DamageRecord), (status = 403),
              (status = 404), (status = 409), (status = 422)))]
async fn record_damage(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<DamageRecord>)> {
    actor.require_role(&[Role::Reporter, Role::Assessor, Role::Manager])?;
    event_or_404(&*state.store, id).await?;
    let input: DamageInput = parse_body(body)?;
    let (stored, replaced) = damage::record(&*state.store, &actor, id, input).await?;
    // The record stands even if detection fails; the nightly run raises what was missed.
    if let Err(e) = crate::cases::alerts::after_damage(&*state.store, &actor, &stored).await {
        tracing::warn!(household = stored.household_id, error = %e, "detection after a damage record failed");
    }
    Ok((if replaced { StatusCode::OK } else { StatusCode::CREATED }, Json(stored)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DamageSummaryQuery {
    /// township (default), county or city
    pub level: Option<String>,
}

/// Household damage rolled up by area and compared with the areas' loss reports.
#[utoipa::path(get, path = "/api/v1/events/{id}/household-damage/summary", tag = "households", security(("bearer" = [])),
    params(("id" = i64, Path), DamageSummaryQuery), responses((status = 200, body = DamageSummary), (status = 403), (status = 404), (status = 422)))]
async fn damage_summary(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<DamageSummaryQuery>,
) -> AppResult<Json<DamageSummary>> {
    actor.require_role(READERS)?;
    let level = query.level.unwrap_or_else(|| "township".into());
    Ok(Json(damage::summary(&*state.store, &state.settings, &actor, id, &level).await?))
}

// ---- statutory registers -----------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct RegisterQuery {
    pub event_id: i64,
    /// Default: the caller's scope.
    pub area_code: Option<AreaCode>,
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub format: Format,
}

async fn register_file(
    state: &AppState,
    actor: &Actor,
    query: RegisterQuery,
    register: Register,
) -> AppResult<Response> {
    actor.require_role(READERS)?;
    let area = actor.area_pattern(query.area_code.as_ref())?;
    // The damaged-houses register shows each house's rebuild case and insurance beside its damage.
    let extra = match register {
        Register::DamagedHouses => {
            crate::rebuild::service::register_columns(&*state.store, query.event_id, &area).await?
        }
        Register::DeadMissing => registers::ExtraColumns::default(),
    };
    let table = registers::register(&*state.store, actor, query.event_id, &area, register, extra).await?;
    let format = if query.format == Format::Xlsx { "xlsx" } else { "csv" };
    let audit = actor
        .audit("export.register", "export", register.file())
        .with_after(json!({"event_id": query.event_id, "area": area, "rows": table.rows.len(), "format": format}));
    state.store.record_audit(&audit).await?;
    table.into_response(query.format)
}

/// 因灾死亡失踪人口一览表: one row per dead or missing person of the event's household damage
/// records in the caller's scope (CSV or XLSX). ID numbers masked; audited.
#[utoipa::path(get, path = "/api/v1/exports/registers/dead-missing", tag = "households", security(("bearer" = [])),
    params(RegisterQuery), responses((status = 200, description = "CSV or XLSX file"), (status = 403), (status = 404), (status = 422)))]
async fn dead_missing_register(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<RegisterQuery>,
) -> AppResult<Response> {
    register_file(&state, &actor, query, Register::DeadMissing).await
}

/// 因灾倒塌损坏住房户一览表: one row per household whose house the event damaged, in the caller's
/// scope (CSV or XLSX), with its rebuild case's status, approved subsidy, amounts listed and paid,
/// and its insurance payout. ID numbers masked; audited.
#[utoipa::path(get, path = "/api/v1/exports/registers/damaged-houses", tag = "households", security(("bearer" = [])),
    params(RegisterQuery), responses((status = 200, description = "CSV or XLSX file"), (status = 403), (status = 404), (status = 422)))]
async fn damaged_houses_register(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<RegisterQuery>,
) -> AppResult<Response> {
    register_file(&state, &actor, query, Register::DamagedHouses).await
}
