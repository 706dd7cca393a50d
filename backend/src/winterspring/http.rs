//! Winter–spring campaigns over HTTP: opening one, the survey's proposals and need records, the
//! roll-up and its submissions by deadline, and the statutory tables as CSV or XLSX.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::middleware::from_fn;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

use super::service::{
    self, Campaign, CampaignInput, CampaignSummary, NeedInput, NeedRevision, PhaseView, PhasesInput, Proposal,
    ReceivedInput, StatutoryTable, SubmissionDecisionInput,
};
use super::{Received, Submission};
use crate::applications::ApplicationStatus;
use crate::applications::service::Application;
use crate::areas::{AreaCode, Level};
use crate::auth::{Actor, Role};
use crate::db::long_reads;
use crate::error::{AppError, AppResult};
use crate::export::Format;
use crate::extract::parse_body;
use crate::state::AppState;

/// The city's or county's emergency managers open campaigns.
const ORGANISERS: &[Role] = &[Role::Manager];
/// Village and township staff survey households (the caseworker's role, as in the chain).
const SURVEYORS: &[Role] = &[Role::Reporter, Role::Manager];
/// County and city staff send figures up and take them from below.
const REPORTING: &[Role] = &[Role::Manager, Role::Reviewer];
const READERS: &[Role] = &[Role::Admin, Role::Manager, Role::Reporter, Role::Reviewer, Role::Auditor];

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_campaigns, create_campaign))
        .routes(routes!(get_campaign))
        .routes(routes!(campaign_proposals))
        .routes(routes!(list_needs, file_need))
        .routes(routes!(revise_need))
        .routes(routes!(campaign_summary))
        .routes(routes!(submit_figures))
        .routes(routes!(decide_figures))
        .routes(routes!(campaign_table).layer(from_fn(long_reads)))
        .routes(routes!(list_phases, set_phases))
        .routes(routes!(draft_phase_lists))
        .routes(routes!(list_received, record_received))
}

/// The winter–spring campaigns the caller's scope overlaps, newest year first.
#[utoipa::path(get, path = "/api/v1/winter-spring/campaigns", tag = "winter_spring", security(("bearer" = [])),
    responses((status = 200, body = [Campaign]), (status = 403)))]
async fn list_campaigns(State(state): State<AppState>, actor: Actor) -> AppResult<Json<Vec<Campaign>>> {
    actor.require_role(READERS)?;
    Ok(Json(service::list(&*state.store, &actor).await?))
}

/// Opens a city's or county's campaign for a year: survey from late September, county figures due
/// 15 October, city 20 October, province 25 October, relief December to May (dates in settings).
#[utoipa::path(post, path = "/api/v1/winter-spring/campaigns", tag = "winter_spring", security(("bearer" = [])),
    request_body = CampaignInput,
    responses((status = 201, body = Campaign), (status = 403), (status = 409, description = "a campaign of the year covers part of the area"),
              (status = 422)))]
async fn create_campaign(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Campaign>)> {
    actor.require_role(ORGANISERS)?;
    let input: CampaignInput = parse_body(body)?;
    Ok((StatusCode::CREATED, Json(service::create(&*state.store, &actor, &state.settings, input).await?)))
}

#[utoipa::path(get, path = "/api/v1/winter-spring/campaigns/{id}", tag = "winter_spring", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = Campaign), (status = 403), (status = 404)))]
async fn get_campaign(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Campaign>> {
    actor.require_role(READERS)?;
    Ok(Json(service::detail(&*state.store, &actor, id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AreaQuery {
    /// Default: the caller's part of the campaign.
    pub area_code: Option<AreaCode>,
}

/// Households the year's disasters damaged (a damage record in one of the campaign's events) that
/// have no need record yet: whom the survey should visit.
#[utoipa::path(get, path = "/api/v1/winter-spring/campaigns/{id}/proposals", tag = "winter_spring", security(("bearer" = [])),
    params(("id" = i64, Path), AreaQuery), responses((status = 200, body = [Proposal]), (status = 403), (status = 404)))]
async fn campaign_proposals(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<AreaQuery>,
) -> AppResult<Json<Vec<Proposal>>> {
    actor.require_role(SURVEYORS)?;
    Ok(Json(service::proposals(&*state.store, &actor, id, query.area_code.as_ref()).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct NeedQuery {
    /// Default: the caller's scope.
    pub area_code: Option<AreaCode>,
    #[param(value_type = Option<String>)]
    pub status: Option<ApplicationStatus>,
}

/// The campaign's need records in an area, each an application of the chain with its hardship
/// class and needs in kind.
#[utoipa::path(get, path = "/api/v1/winter-spring/campaigns/{id}/needs", tag = "winter_spring", security(("bearer" = [])),
    params(("id" = i64, Path), NeedQuery), responses((status = 200, body = [Application]), (status = 403), (status = 404)))]
async fn list_needs(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<NeedQuery>,
) -> AppResult<Json<Vec<Application>>> {
    actor.require_role(READERS)?;
    let list =
        service::needs(&*state.store, &actor, &state.settings, id, query.area_code.as_ref(), query.status).await?;
    Ok(Json(list))
}

/// 户报 of a household's need (一户一表): village or township staff file it; it then goes the
/// chain's way (村评 with 公示 in the village, 乡审, 县定) at /api/v1/applications/{id}/….
#[utoipa::path(post, path = "/api/v1/winter-spring/campaigns/{id}/needs", tag = "winter_spring", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = NeedInput,
    responses((status = 201, body = Application), (status = 403), (status = 404),
              (status = 409, description = "the household has a need record in the campaign, or the area's figures are accepted"),
              (status = 422, description = "persons above the household's members, a household outside the campaign's area, no damage record, …")))]
async fn file_need(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Application>)> {
    actor.require_role(SURVEYORS)?;
    let input: NeedInput = parse_body(body)?;
    let need = service::file_need(&*state.store, &actor, id, input).await?;
    let detail = crate::applications::service::detail(&*state.store, &actor, &state.settings, need).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// Edits a need record before the village assesses it; its history keeps the values before and
/// after (409 once assessed or once the area's figures are accepted).
#[utoipa::path(put, path = "/api/v1/winter-spring/campaigns/{id}/needs/{need_id}", tag = "winter_spring", security(("bearer" = [])),
    params(("id" = i64, Path), ("need_id" = i64, Path)), request_body = NeedRevision,
    responses((status = 200, body = Application), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn revise_need(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, need_id)): Path<(i64, i64)>,
    Json(body): Json<Value>,
) -> AppResult<Json<Application>> {
    actor.require_role(SURVEYORS)?;
    let input: NeedRevision = parse_body(body)?;
    service::revise_need(&*state.store, &actor, id, need_id, input).await?;
    Ok(Json(crate::applications::service::detail(&*state.store, &actor, &state.settings, need_id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SummaryQuery {
    /// township (default), county or city
    #[param(value_type = Option<String>)]
    pub level: Option<Level>,
}

/// The need per area (冬春需救助人口 with 口粮, 衣被, 取暖, 住房, households, classes) and, for
/// counties and cities, their submission against its deadline with overdue and late flags.
#[utoipa::path(get, path = "/api/v1/winter-spring/campaigns/{id}/summary", tag = "winter_spring", security(("bearer" = [])),
    params(("id" = i64, Path), SummaryQuery), responses((status = 200, body = CampaignSummary), (status = 403), (status = 404), (status = 422)))]
async fn campaign_summary(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<SummaryQuery>,
) -> AppResult<Json<CampaignSummary>> {
    actor.require_role(READERS)?;
    let level = query.level.unwrap_or(Level::Township);
    Ok(Json(service::summary(&*state.store, &actor, id, level).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionInput {
    /// The county or city whose figures are sent up.
    pub area_code: AreaCode,
}

/// A county (to the city) or the city (to the province) sends its need figures as they stand;
/// again after a return, never after the level above accepted them.
#[utoipa::path(post, path = "/api/v1/winter-spring/campaigns/{id}/submissions", tag = "winter_spring", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = SubmissionInput,
    responses((status = 200, body = Submission), (status = 403), (status = 404), (status = 409, description = "accepted already"), (status = 422)))]
async fn submit_figures(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Submission>> {
    actor.require_role(REPORTING)?;
    let input: SubmissionInput = parse_body(body)?;
    Ok(Json(service::submit(&*state.store, &actor, id, &input.area_code).await?))
}

/// The level above accepts an area's figures (its need records lock) or returns them with a reason.
#[utoipa::path(post, path = "/api/v1/winter-spring/campaigns/{id}/submissions/{area_code}/decision", tag = "winter_spring",
    security(("bearer" = [])), params(("id" = i64, Path), ("area_code" = String, Path)), request_body = SubmissionDecisionInput,
    responses((status = 200, body = Submission), (status = 403, description = "not the level above"), (status = 404),
              (status = 409, description = "nothing submitted waits for a decision"), (status = 422)))]
async fn decide_figures(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, area_code)): Path<(i64, String)>,
    Json(body): Json<Value>,
) -> AppResult<Json<Submission>> {
    actor.require_role(REPORTING)?;
    let area = AreaCode::parse(&area_code).map_err(|e| AppError::invalid_field("area_code", e))?;
    let input: SubmissionDecisionInput = parse_body(body)?;
    Ok(Json(service::decide(&*state.store, &actor, id, &area, input).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TableQuery {
    /// Default: the caller's part of the campaign.
    pub area_code: Option<AreaCode>,
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub format: Format,
}

/// The statutory tables as CSV or XLSX: `need` (受灾人员冬春生活需救助情况统计表, per county and
/// township), `given` (…已救助情况统计表) and `recipients` (…政府救助人口一览表, 应急统表10, one row
/// per household; ID numbers masked). Audited.
#[utoipa::path(get, path = "/api/v1/winter-spring/campaigns/{id}/tables/{table}", tag = "winter_spring", security(("bearer" = [])),
    params(("id" = i64, Path), ("table" = String, Path, description = "need, given or recipients"), TableQuery),
    responses((status = 200, description = "CSV or XLSX file"), (status = 403), (status = 404)))]
async fn campaign_table(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, table)): Path<(i64, String)>,
    Query(query): Query<TableQuery>,
) -> AppResult<Response> {
    actor.require_role(READERS)?;
    let which = match table.as_str() {
        "need" => StatutoryTable::Need,
        "given" => StatutoryTable::Given,
        "recipients" => StatutoryTable::Recipients,
        other => return Err(AppError::NotFound(format!("no table {other}: need, given or recipients"))),
    };
    let file = service::table(&*state.store, &actor, id, query.area_code.as_ref(), which).await?;
    let format = if query.format == Format::Xlsx { "xlsx" } else { "csv" };
    let audit = actor
        .audit("export.winter_spring", "export", which.file())
        .with_after(json!({"campaign_id": id, "rows": file.rows.len(), "format": format}));
    state.store.record_audit(&audit).await?;
    file.into_response(query.format)
}

/// The counties' payment phases, each with the grant lists paying it.
#[utoipa::path(get, path = "/api/v1/winter-spring/campaigns/{id}/phases", tag = "winter_spring", security(("bearer" = [])),
    params(("id" = i64, Path), AreaQuery), responses((status = 200, body = [PhaseView]), (status = 403), (status = 404)))]
async fn list_phases(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<AreaQuery>,
) -> AppResult<Json<Vec<PhaseView>>> {
    actor.require_role(READERS)?;
    Ok(Json(service::phases(&*state.store, &actor, id, query.area_code.as_ref()).await?))
}

/// A county splits its decided money into payment phases (default 冬令 50% from 1 December, 春荒
/// 50% from 1 March); the shares add up to 100%. Replaced freely until a phase is being paid.
#[utoipa::path(put, path = "/api/v1/winter-spring/campaigns/{id}/phases", tag = "winter_spring", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PhasesInput,
    responses((status = 200, body = [PhaseView]), (status = 403), (status = 404), (status = 409, description = "a phase is being paid"),
              (status = 422, description = "shares not adding up to 100%, a phase outside the relief period, …")))]
async fn set_phases(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Vec<PhaseView>>> {
    actor.require_role(REPORTING)?;
    let input: PhasesInput = parse_body(body)?;
    Ok(Json(service::set_phases(&*state.store, &actor, &state.settings, id, input).await?))
}

/// Drafts the grant lists paying a phase (one per event): the county's decided need records at the
/// phase's share, priority households first; they then take the usual 公示 and payment file
/// (/api/v1/grant-lists/{id}/…).
#[utoipa::path(post, path = "/api/v1/winter-spring/campaigns/{id}/phases/{phase_id}/grant-lists", tag = "winter_spring",
    security(("bearer" = [])), params(("id" = i64, Path), ("phase_id" = i64, Path)),
    responses((status = 201, body = PhaseView), (status = 403), (status = 404), (status = 409, description = "drafted already"),
              (status = 422, description = "nothing decided to pay")))]
async fn draft_phase_lists(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, phase_id)): Path<(i64, i64)>,
) -> AppResult<(StatusCode, Json<PhaseView>)> {
    actor.require_role(REPORTING)?;
    Ok((StatusCode::CREATED, Json(service::draft_phase(&*state.store, &actor, id, phase_id).await?)))
}

/// Aid households received besides the phases' money (goods, money from elsewhere).
#[utoipa::path(get, path = "/api/v1/winter-spring/campaigns/{id}/received", tag = "winter_spring", security(("bearer" = [])),
    params(("id" = i64, Path), AreaQuery), responses((status = 200, body = [Received]), (status = 403), (status = 404)))]
async fn list_received(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<AreaQuery>,
) -> AppResult<Json<Vec<Received>>> {
    actor.require_role(READERS)?;
    Ok(Json(service::received(&*state.store, &actor, id, query.area_code.as_ref()).await?))
}

/// Records aid a household received besides the phases' money; the relief-given table and the
/// recipients' list count it.
#[utoipa::path(post, path = "/api/v1/winter-spring/campaigns/{id}/received", tag = "winter_spring", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReceivedInput,
    responses((status = 201, body = Received), (status = 403), (status = 404), (status = 422)))]
async fn record_received(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Received>)> {
    actor.require_role(SURVEYORS)?;
    let input: ReceivedInput = parse_body(body)?;
    Ok((StatusCode::CREATED, Json(service::record_received(&*state.store, &actor, id, input).await?)))
}
