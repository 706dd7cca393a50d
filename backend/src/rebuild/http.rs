//! Rebuild cases over HTTP: opening one from a damage record, the county's approval, the builder's
//! progress and the inspection (验收).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{
    self, ApprovalInput, Case, CaseInput, InspectionInput, ProgressInput, StageListInput, StageShares, StageSharesInput,
};
use super::{CasePhoto, CaseStatus};
use crate::areas::AreaCode;
use crate::auth::{Actor, Role};
use crate::error::AppResult;
use crate::extract::parse_body;
use crate::state::AppState;

/// Township staff open cases and record progress; the city's managers may act for them.
const SURVEYORS: &[Role] = &[Role::Reporter, Role::Manager];
/// County reviewers approve the subsidy.
const APPROVERS: &[Role] = &[Role::Reviewer, Role::Manager];
/// Inspectors (assessors) accept the house.
const INSPECTORS: &[Role] = &[Role::Assessor];
/// Township staff photograph progress, inspectors the finished house.
const PHOTOGRAPHERS: &[Role] = &[Role::Reporter, Role::Manager, Role::Assessor];
const READERS: &[Role] = &[Role::Admin, Role::Manager, Role::Reporter, Role::Assessor, Role::Reviewer, Role::Auditor];

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_cases, open_case))
        .routes(routes!(get_case))
        .routes(routes!(approve_case))
        .routes(routes!(case_progress))
        .routes(routes!(inspect_case))
        .routes(routes!(get_stage_shares, put_stage_shares))
        .routes(routes!(draft_stage_list))
        .routes(routes!(upload_case_photo))
        .routes(routes!(get_case_photo))
}

/// Attaches a photo of progress or inspection (JPEG, PNG or WebP, the raw file as the body with its
/// own Content-Type, up to the configured size); progress and inspection steps name the photos by id.
#[utoipa::path(post, path = "/api/v1/rebuild-cases/{id}/photos", tag = "rebuild", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = CasePhoto), (status = 403), (status = 404), (status = 409), (status = 413), (status = 415)))]
async fn upload_case_photo(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<(StatusCode, Json<CasePhoto>)> {
    actor.require_role(PHOTOGRAPHERS)?;
    let declared = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let photo = service::attach_photo(&*state.store, &state.settings, &actor, id, declared, &body).await?;
    Ok((StatusCode::CREATED, Json(photo)))
}

/// One photo of a case.
#[utoipa::path(get, path = "/api/v1/rebuild-cases/{id}/photos/{photo_id}", tag = "rebuild", security(("bearer" = [])),
    params(("id" = i64, Path), ("photo_id" = i64, Path)),
    responses((status = 200, description = "the image"), (status = 403), (status = 404)))]
async fn get_case_photo(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    actor.require_role(READERS)?;
    let (photo, bytes) = service::photo_image(&*state.store, &actor, id, photo_id).await?;
    Ok(([(header::CONTENT_TYPE, photo.file.content_type)], bytes).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CaseQuery {
    /// Default: the caller's scope.
    pub area_code: Option<AreaCode>,
    pub event_id: Option<i64>,
    #[param(value_type = Option<String>)]
    pub status: Option<CaseStatus>,
}

/// Rebuild cases in the caller's scope, each with its open stage's target date and overdue flag.
#[utoipa::path(get, path = "/api/v1/rebuild-cases", tag = "rebuild", security(("bearer" = [])), params(CaseQuery),
    responses((status = 200, body = [Case]), (status = 403)))]
async fn list_cases(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<CaseQuery>,
) -> AppResult<Json<Vec<Case>>> {
    actor.require_role(READERS)?;
    let cases =
        service::list(&*state.store, &actor, &state.settings, query.area_code.as_ref(), query.event_id, query.status)
            .await?;
    Ok(Json(cases))
}

/// Opens a case from the household's damage record in the event: `rebuild` for a collapsed or
/// severely damaged house, `repair` for a generally damaged one; one case per household.
#[utoipa::path(post, path = "/api/v1/rebuild-cases", tag = "rebuild", security(("bearer" = [])), request_body = CaseInput,
    responses((status = 201, body = Case), (status = 403), (status = 404),
              (status = 409, description = "the household has a case already"),
              (status = 422, description = "no damage record, a mode the damage does not call for, an excluded house")))]
async fn open_case(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Case>)> {
    actor.require_role(SURVEYORS)?;
    let input: CaseInput = parse_body(body)?;
    let id = service::open(&*state.store, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(service::detail(&*state.store, &actor, &state.settings, id).await?)))
}

/// One case with its timeline.
#[utoipa::path(get, path = "/api/v1/rebuild-cases/{id}", tag = "rebuild", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Case), (status = 403), (status = 404)))]
async fn get_case(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Case>> {
    actor.require_role(READERS)?;
    Ok(Json(service::detail(&*state.store, &actor, &state.settings, id).await?))
}

/// The county approves the rebuild plan with its subsidy (default the standard's; above it with a
/// reason; nothing from relief when the renovation programme pays).
#[utoipa::path(post, path = "/api/v1/rebuild-cases/{id}/approval", tag = "rebuild", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ApprovalInput,
    responses((status = 200, body = Case), (status = 403), (status = 404), (status = 409, description = "not surveyed"), (status = 422)))]
async fn approve_case(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Case>> {
    actor.require_role(APPROVERS)?;
    let input: ApprovalInput = parse_body(body)?;
    service::approve(&*state.store, &actor, &state.settings, id, input).await?;
    Ok(Json(service::detail(&*state.store, &actor, &state.settings, id).await?))
}

/// The builder's progress: started, structure done (rebuilds), completed; in order.
#[utoipa::path(post, path = "/api/v1/rebuild-cases/{id}/progress", tag = "rebuild", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ProgressInput,
    responses((status = 200, body = Case), (status = 403), (status = 404), (status = 409, description = "out of order"), (status = 422)))]
async fn case_progress(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Case>> {
    actor.require_role(SURVEYORS)?;
    let input: ProgressInput = parse_body(body)?;
    service::progress(&*state.store, &actor, id, input).await?;
    Ok(Json(service::detail(&*state.store, &actor, &state.settings, id).await?))
}

/// 验收: an inspector of the county accepts the completed house or fails it back to the builder,
/// with findings and photos.
#[utoipa::path(post, path = "/api/v1/rebuild-cases/{id}/inspection", tag = "rebuild", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = InspectionInput,
    responses((status = 200, body = Case), (status = 403, description = "an inspector outside the county"), (status = 404),
              (status = 409, description = "not completed"), (status = 422)))]
async fn inspect_case(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Case>> {
    actor.require_role(INSPECTORS)?;
    let input: InspectionInput = parse_body(body)?;
    service::inspect(&*state.store, &actor, id, input).await?;
    Ok(Json(service::detail(&*state.store, &actor, &state.settings, id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SharesQuery {
    /// The county (or an area in it).
    pub area_code: AreaCode,
}

/// A county's shares of a rebuild subsidy paid at start, structure and acceptance (its own, or the
/// settings' default 30/40/30).
#[utoipa::path(get, path = "/api/v1/rebuild-stages", tag = "rebuild", security(("bearer" = [])), params(SharesQuery),
    responses((status = 200, body = StageShares), (status = 403), (status = 422)))]
async fn get_stage_shares(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<SharesQuery>,
) -> AppResult<Json<StageShares>> {
    actor.require_role(READERS)?;
    Ok(Json(service::stage_shares(&*state.store, &actor, &state.settings, &query.area_code).await?))
}

/// A county sets its own stage shares; they add up to 100%.
#[utoipa::path(put, path = "/api/v1/rebuild-stages", tag = "rebuild", security(("bearer" = [])), request_body = StageSharesInput,
    responses((status = 200, body = StageShares), (status = 403), (status = 422, description = "not three shares adding up to 100%")))]
async fn put_stage_shares(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<Json<StageShares>> {
    actor.require_role(APPROVERS)?;
    let input: StageSharesInput = parse_body(body)?;
    Ok(Json(service::set_stage_shares(&*state.store, &actor, &state.settings, input).await?))
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct DraftedList {
    pub grant_list_id: i64,
}

/// Drafts the grant list paying a stage of the county's approved subsidies (each case whose step is
/// recorded, not yet listed for the stage); it then takes the usual 公示 and payment file.
#[utoipa::path(post, path = "/api/v1/rebuild-cases/stage-lists", tag = "rebuild", security(("bearer" = [])),
    request_body = StageListInput,
    responses((status = 201, body = DraftedList), (status = 403), (status = 404),
              (status = 409, description = "a named case is not due the stage, or is listed for it already"),
              (status = 422, description = "no case due")))]
async fn draft_stage_list(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<DraftedList>)> {
    actor.require_role(APPROVERS)?;
    let input: StageListInput = parse_body(body)?;
    let grant_list_id = service::draft_stage_list(&*state.store, &actor, &state.settings, input).await?;
    Ok((StatusCode::CREATED, Json(DraftedList { grant_list_id })))
}
