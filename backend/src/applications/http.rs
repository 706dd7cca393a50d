//! The application chain over HTTP: filing (户报), the village assessment (村评), the village notice
//! (审核公示) with public objections, the township review (乡审) and the county decision (县定).

use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{
    self, Application, ApplicationInput, CountyDecisionInput, Notice, NoticeInput, NoticeObjectionInput,
    ObjectionAnswerInput, TownshipReviewInput, VillageAssessmentInput,
};
use super::{ApplicationObjection, ApplicationStatus};
use crate::areas::AreaCode;
use crate::auth::{Actor, Role};
use crate::error::AppResult;
use crate::extract::parse_body;
use crate::grants::disclosure::ObjectionReceipt;
use crate::state::AppState;

/// Village and township caseworkers file applications, record the village's assessment and post
/// its notice; the reporter role is the caseworker's, and city staff may act for them.
const CASEWORKERS: &[Role] = &[Role::Reporter, Role::Manager];
/// Township reviewers and county deciders: reviewers scoped at that level or above.
const DECIDERS: &[Role] = &[Role::Reviewer];
const READERS: &[Role] = &[Role::Admin, Role::Manager, Role::Reporter, Role::Reviewer, Role::Auditor];

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_applications, file_application))
        .routes(routes!(get_application))
        .routes(routes!(village_assessment))
        .routes(routes!(township_review))
        .routes(routes!(county_decision))
        .routes(routes!(post_notice))
        .routes(routes!(list_notice_objections))
        .routes(routes!(answer_notice_objection))
        .routes(routes!(public_notices))
        .routes(routes!(public_notice))
        .routes(routes!(object_to_notice))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ApplicationQuery {
    pub event_id: Option<i64>,
    /// Default: the caller's scope.
    pub area_code: Option<AreaCode>,
    #[param(value_type = Option<String>)]
    pub status: Option<ApplicationStatus>,
}

/// Applications in the caller's scope (or an area of it), each with when its open step is due and
/// whether it is overdue: the queues of the village, the township and the county.
#[utoipa::path(get, path = "/api/v1/applications", tag = "households", security(("bearer" = [])), params(ApplicationQuery),
    responses((status = 200, body = [Application]), (status = 403)))]
async fn list_applications(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ApplicationQuery>,
) -> AppResult<Json<Vec<Application>>> {
    actor.require_role(READERS)?;
    let list =
        service::list(&*state.store, &actor, &state.settings, query.event_id, query.area_code.as_ref(), query.status)
            .await?;
    Ok(Json(list))
}

/// 户报: a caseworker files a household's application on its behalf. The standard's amount for the
/// claim is worked out now (the county decision recomputes it). One open application per
/// household, event and aid item.
#[utoipa::path(post, path = "/api/v1/applications", tag = "households", security(("bearer" = [])), request_body = ApplicationInput,
    responses((status = 201, body = Application), (status = 403, description = "outside the caller's scope, or a scope below the village step"),
              (status = 404), (status = 409, description = "an open application or a grant for the same aid exists"),
              (status = 422, description = "persons above the household's members, an item the hazard does not call for, …")))]
async fn file_application(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Application>)> {
    actor.require_role(CASEWORKERS)?;
    let input: ApplicationInput = parse_body(body)?;
    let id = service::file(&*state.store, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(service::detail(&*state.store, &actor, &state.settings, id).await?)))
}

/// One application with every step taken: by whom, acting for which level, the village's vote and
/// minutes, the reasons and the amount decided.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Application), (status = 403), (status = 404)))]
async fn get_application(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Json<Application>> {
    actor.require_role(READERS)?;
    Ok(Json(service::detail(&*state.store, &actor, &state.settings, id).await?))
}

/// 村评: the village's democratic assessment (minutes and vote kept). Recommended applications wait
/// for the village notice; not recommended ones close with the reason.
#[utoipa::path(post, path = "/api/v1/applications/{id}/village-assessment", tag = "households", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = VillageAssessmentInput,
    responses((status = 200, body = Application), (status = 403), (status = 404), (status = 409, description = "not at this step"), (status = 422)))]
async fn village_assessment(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Application>> {
    actor.require_role(CASEWORKERS)?;
    let input: VillageAssessmentInput = parse_body(body)?;
    service::assess(&*state.store, &actor, id, input).await?;
    Ok(Json(service::detail(&*state.store, &actor, &state.settings, id).await?))
}

/// 乡审: the township reviews (approve or return with a reason), after the village notice has ended
/// and every objection to the application is answered.
#[utoipa::path(post, path = "/api/v1/applications/{id}/township-review", tag = "households", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = TownshipReviewInput,
    responses((status = 200, body = Application), (status = 403, description = "a scope below the township, or outside it"), (status = 404),
              (status = 409, description = "not at this step, the notice still runs, or an objection is open"), (status = 422)))]
async fn township_review(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Application>> {
    actor.require_role(DECIDERS)?;
    let input: TownshipReviewInput = parse_body(body)?;
    service::review(&*state.store, &actor, id, input).await?;
    Ok(Json(service::detail(&*state.store, &actor, &state.settings, id).await?))
}

/// 县定: the county approves (the standard's amount unless another is given; above the standard it
/// needs a reason and is flagged) or rejects with a reason. Approved, the application joins the
/// county's approved grant list for the event and aid item (`grant_list_id`), whose 审批公示 and
/// payment follow. Not by the township reviewer.
#[utoipa::path(post, path = "/api/v1/applications/{id}/county-decision", tag = "households", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = CountyDecisionInput,
    responses((status = 200, body = Application), (status = 403, description = "a scope below the county, or the township reviewer"), (status = 404),
              (status = 409, description = "not at this step, or the household already has this aid"), (status = 422)))]
async fn county_decision(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Application>> {
    actor.require_role(DECIDERS)?;
    let input: CountyDecisionInput = parse_body(body)?;
    service::decide(&*state.store, &actor, id, input).await?;
    Ok(Json(service::detail(&*state.store, &actor, &state.settings, id).await?))
}

/// 审核公示: posts the recommended applications of a village or township not yet posted, for at
/// least JIUZAI_DISCLOSURE_DAYS (7) days; the public reads it and objects without login.
#[utoipa::path(post, path = "/api/v1/application-disclosures", tag = "households", security(("bearer" = [])), request_body = NoticeInput,
    responses((status = 201, body = Notice), (status = 403), (status = 404),
              (status = 422, description = "no recommended application waits, or the period is out of bounds")))]
async fn post_notice(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Notice>)> {
    actor.require_role(CASEWORKERS)?;
    let input: NoticeInput = parse_body(body)?;
    let id = service::post_notice(&*state.store, &actor, &state.settings, input).await?;
    Ok((StatusCode::CREATED, Json(service::notice(&*state.store, id).await?)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ObjectionQuery {
    pub disclosure_id: Option<i64>,
}

/// Objections to the village notices in the caller's scope, with the objector's contact.
#[utoipa::path(get, path = "/api/v1/application-objections", tag = "households", security(("bearer" = [])), params(ObjectionQuery),
    responses((status = 200, body = [ApplicationObjection]), (status = 403)))]
async fn list_notice_objections(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ObjectionQuery>,
) -> AppResult<Json<Vec<ApplicationObjection>>> {
    actor.require_role(READERS)?;
    Ok(Json(service::objections(&*state.store, &actor, query.disclosure_id).await?))
}

/// The township answers an objection: dismissed, the application goes on to its review; upheld, it
/// (or every application of the notice, when the objection names none) goes back to the village for
/// a new assessment.
#[utoipa::path(post, path = "/api/v1/application-objections/{id}/answer", tag = "households", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ObjectionAnswerInput,
    responses((status = 200, body = ApplicationObjection), (status = 403), (status = 404), (status = 409, description = "already answered"), (status = 422)))]
async fn answer_notice_objection(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<ApplicationObjection>> {
    actor.require_role(DECIDERS)?;
    let input: ObjectionAnswerInput = parse_body(body)?;
    Ok(Json(service::answer(&*state.store, &actor, id, input).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct NoticeQuery {
    pub area_code: Option<AreaCode>,
    pub event_id: Option<i64>,
}

/// Village notices (审核公示) of recommended applications, per area: no login needed.
#[utoipa::path(get, path = "/api/v1/public/application-disclosures", tag = "households", params(NoticeQuery),
    responses((status = 200, body = [Notice])))]
async fn public_notices(
    State(state): State<AppState>,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Json<Vec<Notice>>> {
    Ok(Json(service::notices(&*state.store, query.area_code.as_ref(), query.event_id).await?))
}

/// One village notice with its applications: masked names and ID numbers, persons. No login needed.
#[utoipa::path(get, path = "/api/v1/public/application-disclosures/{id}", tag = "households", params(("id" = i64, Path)),
    responses((status = 200, body = Notice), (status = 404)))]
async fn public_notice(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<Notice>> {
    Ok(Json(service::notice(&*state.store, id).await?))
}

/// Objects to a running village notice (no login; limited per address). The township review of the
/// application (or of the whole notice, when none is named) waits until the objection is answered.
#[utoipa::path(post, path = "/api/v1/public/application-disclosures/{id}/objections", tag = "households",
    params(("id" = i64, Path)), request_body = NoticeObjectionInput,
    responses((status = 201, body = ObjectionReceipt), (status = 404), (status = 409, description = "the notice has ended"),
              (status = 422), (status = 429, description = "too many objections from this address")))]
async fn object_to_notice(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Response> {
    let input: NoticeObjectionInput = parse_body(body)?;
    if let Some(refusal) = state.objections.refuse(&*state.store, peer.ip()).await? {
        return Ok(refusal);
    }
    let objection_id = service::object(&*state.store, id, input).await?;
    Ok((StatusCode::CREATED, Json(ObjectionReceipt { id: objection_id, status: "open".into() })).into_response())
}
