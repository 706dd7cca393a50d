use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

use super::events::{self, BlockageInput, EventInput};
use super::indicators::Indicator;
use super::photos;
use super::service::{self, EventSummary, Filed, ReportInput, build_summary, event_or_404, level_name};
use super::store::{Acceptance, AreaReturn, FiguresError, Versions};
use super::verification::{self, AssessmentInput, OverrideInput, ThresholdInput};
use super::{Assessment, Event, LevelChange, LossReport, Threshold};
use crate::areas::AreaCode;
use crate::auth::{Actor, Role};
use crate::db::long_reads;
use crate::error::{AppError, AppResult};
use crate::export::{Cell, Format, Table};
use crate::extract::parse_body;
use crate::idempotency::Earlier;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_events, create_event))
        .routes(routes!(get_event, update_event))
        .routes(routes!(list_reports, post_report))
        .routes(routes!(list_assessments, post_assessment))
        .routes(routes!(event_summary))
        .routes(routes!(accept_area))
        .routes(routes!(return_area))
        .routes(routes!(list_returns))
        .routes(routes!(level_history, override_level))
        .routes(routes!(list_thresholds))
        .routes(routes!(replace_thresholds))
        .routes(routes!(export_event_summary).layer(from_fn(long_reads)))
        .routes(routes!(list_blockages, add_blockage))
        .routes(routes!(delete_blockage))
        .routes(routes!(list_photos, upload_photo))
        .routes(routes!(get_photo))
}

// ---- events ----------------------------------------------------------------------------------

/// Disaster events, newest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "disasters", security(("bearer" = [])), responses((status = 200, body = [Event])))]
async fn list_events(State(state): State<AppState>, _actor: Actor) -> AppResult<Json<Vec<Event>>> {
    Ok(Json(state.store.list_events().await?))
}

/// Opens an event (manager).
#[utoipa::path(post, path = "/api/v1/events", tag = "disasters", security(("bearer" = [])), request_body = EventInput,
    responses((status = 201, body = Event), (status = 403), (status = 422)))]
async fn create_event(
    State(state): State<AppState>,
    actor: Actor,
    Json(input): Json<EventInput>,
) -> AppResult<(StatusCode, Json<Event>)> {
    actor.require_role(&[Role::Manager])?;
    Ok((StatusCode::CREATED, Json(events::open(&*state.store, &actor, input).await?)))
}

#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "disasters", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Event), (status = 404)))]
async fn get_event(State(state): State<AppState>, _actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Event>> {
    Ok(Json(event_or_404(&*state.store, id).await?))
}

/// Edits an event: status (active → stabilised → closed), affected counties, description (manager).
#[utoipa::path(patch, path = "/api/v1/events/{id}", tag = "disasters", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = EventInput, responses((status = 200, body = Event), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_event(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(input): Json<EventInput>,
) -> AppResult<Json<Event>> {
    actor.require_role(&[Role::Manager])?;
    Ok(Json(events::edit(&*state.store, &actor, id, input).await?))
}

// ---- reports and assessments -----------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct AreaFilterQuery {
    /// Only this area's versions.
    pub area_code: Option<AreaCode>,
}

/// Loss reports of the event in the caller's scope, every version, by area.
#[utoipa::path(get, path = "/api/v1/events/{id}/reports", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), AreaFilterQuery), responses((status = 200, body = [LossReport])))]
async fn list_reports(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<AreaFilterQuery>,
) -> AppResult<Json<Vec<LossReport>>> {
    event_or_404(&*state.store, id).await?;
    let reports =
        state.store.reports(id, Versions { area_code: query.area_code.as_deref(), latest_only: false }).await?;
    Ok(Json(reports.into_iter().filter(|r| actor.user.can_reach(&r.area_code)).collect()))
}

/// Files a loss report (reporters and managers, for areas in scope). Reports are versioned: a new
/// one supersedes the previous one of the same area and never overwrites it.
#[utoipa::path(post, path = "/api/v1/events/{id}/reports", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = ReportInput,
    responses((status = 201, body = LossReport), (status = 200, description = "duplicate of the latest version", body = LossReport),
              (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn post_report(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<LossReport>)> {
    actor.require_role(&[Role::Reporter, Role::Manager])?;
    let event = event_or_404(&*state.store, id).await?;
    let claim = crate::idempotency::claim_from(&headers, format!("{}:loss-report:{id}", actor.user.id), &body)?;
    // A retry of a report that was filed gets the first answer, even if later versions or the
    // event's closure would refuse the same report now.
    if let Some(claim) = &claim {
        match state.store.earlier_report(claim).await? {
            Earlier::Replay(report_id) => {
                return Ok((
                    StatusCode::CREATED,
                    Json(stored_report(&state, report_id.parse().unwrap_or_default()).await?),
                ));
            }
            Earlier::Conflict => return Err(FiguresError::KeyReused.into()),
            Earlier::None => {}
        }
    }
    let input: ReportInput = parse_body(body)?;
    match service::file_report(&*state.store, &state.settings, &actor, &event, input, claim).await? {
        Filed::Unchanged(latest) => Ok((StatusCode::OK, Json(latest))),
        Filed::Stored(report_id) => Ok((StatusCode::CREATED, Json(stored_report(&state, report_id).await?))),
    }
}

async fn stored_report(state: &AppState, report_id: i64) -> AppResult<LossReport> {
    state.store.get_report(report_id).await?.ok_or_else(|| AppError::NotFound("report vanished".into()))
}

/// Verification assessments of the event in the caller's scope.
#[utoipa::path(get, path = "/api/v1/events/{id}/assessments", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), AreaFilterQuery), responses((status = 200, body = [Assessment])))]
async fn list_assessments(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<AreaFilterQuery>,
) -> AppResult<Json<Vec<Assessment>>> {
    event_or_404(&*state.store, id).await?;
    let assessments =
        state.store.assessments(id, Versions { area_code: query.area_code.as_deref(), latest_only: false }).await?;
    Ok(Json(assessments.into_iter().filter(|a| actor.user.can_reach(&a.area_code)).collect()))
}

/// Records verified figures (assessors, for areas in scope); every value that differs from the
/// latest report needs a reason.
#[utoipa::path(post, path = "/api/v1/events/{id}/assessments", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AssessmentInput,
    responses((status = 201, body = Assessment), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn post_assessment(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Assessment>)> {
    actor.require_role(&[Role::Assessor])?;
    event_or_404(&*state.store, id).await?;
    let input: AssessmentInput = parse_body(body)?;
    Ok((StatusCode::CREATED, Json(verification::assess(&*state.store, &state.settings, &actor, id, input).await?)))
}

// ---- acceptance (DHIS2-style locking) -------------------------------------------------------

/// Accepts an area's figures at the next level up, which locks them.
#[utoipa::path(post, path = "/api/v1/events/{id}/areas/{code}/accept", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), ("code" = String, Path)), responses((status = 200, body = [Acceptance]), (status = 403), (status = 409)))]
async fn accept_area(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, area_code)): Path<(i64, String)>,
) -> AppResult<Json<Vec<Acceptance>>> {
    Ok(Json(verification::accept(&*state.store, &actor, id, &area_code).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReturnInput {
    pub reason: String,
}

/// Sends an area's figures back down for correction, which reopens them.
#[utoipa::path(post, path = "/api/v1/events/{id}/areas/{code}/return", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), ("code" = String, Path)), request_body = ReturnInput,
    responses((status = 200, body = [Acceptance]), (status = 403), (status = 409), (status = 422)))]
async fn return_area(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, area_code)): Path<(i64, String)>,
    Json(input): Json<ReturnInput>,
) -> AppResult<Json<Vec<Acceptance>>> {
    Ok(Json(verification::send_back(&*state.store, &actor, id, &area_code, &input.reason).await?))
}

/// Figures sent back down in the caller's scope (or one area), oldest first: why, by whom, and the
/// version that answered each, once one was filed after it.
#[utoipa::path(get, path = "/api/v1/events/{id}/returns", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), AreaFilterQuery), responses((status = 200, body = [AreaReturn]), (status = 404)))]
async fn list_returns(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<AreaFilterQuery>,
) -> AppResult<Json<Vec<AreaReturn>>> {
    event_or_404(&*state.store, id).await?;
    let returns = state.store.returns(id).await?;
    Ok(Json(
        returns
            .into_iter()
            .filter(|r| actor.user.can_reach(&r.area_code))
            .filter(|r| query.area_code.as_ref().is_none_or(|a| &r.area_code == a))
            .collect(),
    ))
}

// ---- summary and response levels -------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct SummaryQuery {
    /// county (default), township or city
    pub level: Option<String>,
}

/// Figures per area (best, reported, verified), aggregated bottom-up, with response levels,
/// overdue markers and acceptance, and the event's overall response level.
#[utoipa::path(get, path = "/api/v1/events/{id}/summary", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), SummaryQuery), responses((status = 200, body = EventSummary), (status = 404), (status = 422)))]
async fn event_summary(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<SummaryQuery>,
) -> AppResult<Json<EventSummary>> {
    let event = event_or_404(&*state.store, id).await?;
    Ok(Json(
        build_summary(&*state.store, &state.settings, &actor, event, query.level.as_deref().unwrap_or("county"))
            .await?,
    ))
}

/// The history of response levels: computed changes and managers' overrides.
#[utoipa::path(get, path = "/api/v1/events/{id}/response-levels", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = [LevelChange])))]
async fn level_history(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<LevelChange>>> {
    event_or_404(&*state.store, id).await?;
    let history = state.store.level_history(id).await?;
    Ok(Json(history.into_iter().filter(|h| actor.user.can_reach(&h.area_code)).collect()))
}

/// Overrides an area's response level (manager), with a reason (启动条件调整).
#[utoipa::path(post, path = "/api/v1/events/{id}/response-levels", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = OverrideInput,
    responses((status = 201, body = [LevelChange]), (status = 403), (status = 404), (status = 422)))]
async fn override_level(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(input): Json<OverrideInput>,
) -> AppResult<(StatusCode, Json<Vec<LevelChange>>)> {
    actor.require_role(&[Role::Manager])?;
    Ok((StatusCode::CREATED, Json(verification::override_level(&*state.store, &actor, id, input).await?)))
}

/// Response-level thresholds per administrative level and criterion (lower bounds, inclusive).
#[utoipa::path(get, path = "/api/v1/response-thresholds", tag = "disasters", security(("bearer" = [])),
    responses((status = 200, body = [Threshold])))]
async fn list_thresholds(State(state): State<AppState>, _actor: Actor) -> AppResult<Json<Vec<Threshold>>> {
    Ok(Json(state.store.thresholds().await?))
}

/// Replaces the thresholds of one administrative level (admin).
#[utoipa::path(put, path = "/api/v1/response-thresholds/{admin_level}", tag = "disasters", security(("bearer" = [])),
    params(("admin_level" = String, Path, description = "province (the national plan, on a province's figures), provincial (the province's plan, on a city's or county's), city or county")), request_body = [ThresholdInput],
    responses((status = 200, body = [Threshold]), (status = 403), (status = 422)))]
async fn replace_thresholds(
    State(state): State<AppState>,
    actor: Actor,
    Path(admin_level): Path<String>,
    Json(input): Json<Vec<ThresholdInput>>,
) -> AppResult<Json<Vec<Threshold>>> {
    actor.require_role(&[Role::Admin])?;
    Ok(Json(verification::replace_thresholds(&*state.store, &actor, &admin_level, input).await?))
}

// ---- publication -----------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct SummaryExportQuery {
    pub event_id: i64,
    pub level: Option<String>,
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub format: Format,
}

/// The event summary (灾情统计表) as CSV or XLSX with Chinese headers.
#[utoipa::path(get, path = "/api/v1/exports/event-summary", tag = "disasters", security(("bearer" = [])), params(SummaryExportQuery),
    responses((status = 200, description = "CSV or XLSX file"), (status = 404)))]
async fn export_event_summary(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<SummaryExportQuery>,
) -> AppResult<Response> {
    let event = event_or_404(&*state.store, query.event_id).await?;
    let summary =
        build_summary(&*state.store, &state.settings, &actor, event, query.level.as_deref().unwrap_or("county"))
            .await?;
    let mut headers = vec!["区划代码", "区划名称", "响应等级", "逾期未报", "已审核"];
    headers.extend(Indicator::ALL.iter().map(|i| i.label_zh()));
    let rows = summary
        .areas
        .iter()
        .map(|area| {
            let mut row: Vec<Cell> = vec![
                area.code.as_str().into(),
                area.name.as_str().into(),
                area.response_level.map(level_name).into(),
                area.overdue.as_ref().map(|o| if o.kind == "initial" { "初报逾期" } else { "续报逾期" }).into(),
                (if area.accepted { "是" } else { "否" }).into(),
            ];
            row.extend(Indicator::ALL.iter().map(|i| area.figures.get(i).map(|v| i.display(*v)).into()));
            row
        })
        .collect();
    Table { name: format!("event-{}-summary", summary.event.id), title: "灾情统计".into(), headers, rows }
        .into_response(query.format)
}

// ---- blocked zones ---------------------------------------------------------------------------

/// The event's blocked zones (impassable for travel-time planning) as a GeoJSON FeatureCollection.
#[utoipa::path(get, path = "/api/v1/events/{id}/blockages", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, content_type = "application/geo+json", body = Object), (status = 404)))]
async fn list_blockages(
    State(state): State<AppState>,
    _actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<impl IntoResponse> {
    event_or_404(&*state.store, id).await?;
    let features: Vec<Value> = state
        .store
        .blockages(id)
        .await?
        .into_iter()
        .map(|b| {
            let geometry: Value = serde_json::from_str(&b.geometry).unwrap_or(Value::Null);
            serde_json::json!({"type": "Feature", "id": b.id, "geometry": geometry,
                "properties": {"id": b.id, "name": b.name, "created_by": b.created_by, "created_at": b.created_at}})
        })
        .collect();
    let collection = Json(serde_json::json!({"type": "FeatureCollection", "features": features}));
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], collection))
}

/// Draws a blocked zone (manager): travel plans route around it.
#[utoipa::path(post, path = "/api/v1/events/{id}/blockages", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = BlockageInput,
    responses((status = 201, body = Object), (status = 403), (status = 404), (status = 422)))]
async fn add_blockage(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(input): Json<BlockageInput>,
) -> AppResult<(StatusCode, Json<Value>)> {
    actor.require_role(&[Role::Manager])?;
    let (blockage_id, name) = events::add_blockage(&*state.store, &actor, id, input).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": blockage_id, "name": name}))))
}

/// Removes a blocked zone (manager).
#[utoipa::path(delete, path = "/api/v1/events/{id}/blockages/{blockage_id}", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), ("blockage_id" = i64, Path)), responses((status = 204), (status = 403), (status = 404)))]
async fn delete_blockage(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, blockage_id)): Path<(i64, i64)>,
) -> AppResult<StatusCode> {
    actor.require_role(&[Role::Manager])?;
    events::remove_blockage(&*state.store, &actor, id, blockage_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- report photos ---------------------------------------------------------------------------

/// Photos attached to a report.
#[utoipa::path(get, path = "/api/v1/events/{id}/reports/{report_id}/photos", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), ("report_id" = i64, Path)), responses((status = 200, body = [super::store::Photo]), (status = 403), (status = 404)))]
async fn list_photos(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, report_id)): Path<(i64, i64)>,
) -> AppResult<Json<Vec<super::store::Photo>>> {
    photos::report_in_event(&*state.store, &actor, id, report_id).await?;
    Ok(Json(state.store.photos(report_id).await?))
}

/// Attaches a photo (JPEG, PNG or WebP, the raw file as the body, up to the configured size;
/// reporters and managers of the area).
#[utoipa::path(post, path = "/api/v1/events/{id}/reports/{report_id}/photos", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), ("report_id" = i64, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = super::store::Photo), (status = 403), (status = 404), (status = 409), (status = 413), (status = 415)))]
async fn upload_photo(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, report_id)): Path<(i64, i64)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<(StatusCode, Json<super::store::Photo>)> {
    actor.require_role(&[Role::Reporter, Role::Manager])?;
    let declared = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let photo = photos::attach(&*state.store, &state.settings, &actor, (id, report_id), declared, &body).await?;
    Ok((StatusCode::CREATED, Json(photo)))
}

/// One photo's image.
#[utoipa::path(get, path = "/api/v1/photos/{id}", tag = "disasters", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "the image"), (status = 403), (status = 404)))]
async fn get_photo(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Response> {
    let (photo, bytes) = photos::image(&*state.store, &actor, id).await?;
    Ok(([(header::CONTENT_TYPE, photo.file.content_type)], bytes).into_response())
}
