//! Housing insurance over HTTP: policy files, claims and their steps, the counting rule and the
//! county report.

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

use super::service::{
    self, Claim, ClaimInput, Counting, CountingInput, CountyCover, PayoutInput, PolicyImport, RefusalInput, SurveyInput,
};
use super::{ClaimStatus, Policy};
use crate::areas::AreaCode;
use crate::auth::{Actor, Role};
use crate::db::long_reads;
use crate::error::AppResult;
use crate::export::Format;
use crate::extract::parse_body;
use crate::state::AppState;
use crate::upload::{read_upload, rows_rejected};

/// Township staff report claims; the city's managers may act for them.
const REPORTERS: &[Role] = &[Role::Reporter, Role::Manager];
/// County staff import policies and record what the insurer did.
const COUNTY: &[Role] = &[Role::Reviewer, Role::Manager];
const READERS: &[Role] = &[Role::Admin, Role::Manager, Role::Reporter, Role::Assessor, Role::Reviewer, Role::Auditor];

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_policies))
        .routes(routes!(import_policies))
        .routes(routes!(list_claims, open_claim))
        .routes(routes!(get_claim))
        .routes(routes!(survey_claim))
        .routes(routes!(pay_claim))
        .routes(routes!(refuse_claim))
        .routes(routes!(get_counting, put_counting))
        .routes(routes!(insurance_report).layer(from_fn(long_reads)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct AreaQuery {
    /// Default: the caller's scope.
    pub area_code: Option<AreaCode>,
}

/// Policies of an area: townships' blanket policies and households' own.
#[utoipa::path(get, path = "/api/v1/insurance/policies", tag = "insurance", security(("bearer" = [])), params(AreaQuery),
    responses((status = 200, body = [Policy]), (status = 403)))]
async fn list_policies(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<AreaQuery>,
) -> AppResult<Json<Vec<Policy>>> {
    actor.require_role(READERS)?;
    Ok(Json(service::policies(&*state.store, &actor, query.area_code.as_ref()).await?))
}

/// Imports policies from a CSV (UTF-8 or GBK) or XLSX file, as the body or a multipart `file` part.
/// Columns (English or Chinese): insurer (保险公司), policy_number (保单号), area_code (区划代码, a
/// township or village), sum_per_room (每间保额, yuan), starts_on (起保日期), ends_on (终保日期), and
/// for a household's own policy head_id_number (户主身份证号) and rooms (投保间数). All or nothing.
#[utoipa::path(post, path = "/api/v1/insurance/policies/import", tag = "insurance", security(("bearer" = [])),
    request_body(content = String, description = "the file", content_type = "text/csv"),
    responses((status = 200, body = PolicyImport), (status = 403), (status = 413), (status = 415),
              (status = 422, description = "unreadable file, or invalid rows (listed in `errors`; nothing stored)")))]
async fn import_policies(State(state): State<AppState>, actor: Actor, request: Request) -> AppResult<Response> {
    actor.require_role(COUNTY)?;
    let (bytes, kind) = match read_upload(request, &state).await {
        Ok(upload) => upload,
        Err(response) => return Ok(response),
    };
    match service::import_policies(&*state.store, &actor, &state.settings, &bytes, kind).await? {
        Ok(report) => Ok(Json(report).into_response()),
        Err(errors) => Ok(rows_rejected(&errors, 0)),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ClaimQuery {
    /// Default: the caller's scope.
    pub area_code: Option<AreaCode>,
    pub event_id: Option<i64>,
    #[param(value_type = Option<String>)]
    pub status: Option<ClaimStatus>,
}

/// Claims in the caller's scope, with days to payout.
#[utoipa::path(get, path = "/api/v1/insurance/claims", tag = "insurance", security(("bearer" = [])), params(ClaimQuery),
    responses((status = 200, body = [Claim]), (status = 403)))]
async fn list_claims(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ClaimQuery>,
) -> AppResult<Json<Vec<Claim>>> {
    actor.require_role(READERS)?;
    Ok(Json(service::claims(&*state.store, &actor, query.area_code.as_ref(), query.event_id, query.status).await?))
}

/// Reports a claim from the house's damage record in the event, under the policy in force on the
/// day the disaster struck.
#[utoipa::path(post, path = "/api/v1/insurance/claims", tag = "insurance", security(("bearer" = [])), request_body = ClaimInput,
    responses((status = 201, body = Claim), (status = 403), (status = 404),
              (status = 409, description = "the house has a claim for the event"),
              (status = 422, description = "no damage record, an undamaged house, no policy in force on the event date")))]
async fn open_claim(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Claim>)> {
    actor.require_role(REPORTERS)?;
    let input: ClaimInput = parse_body(body)?;
    let id = service::open_claim(&*state.store, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(service::claim(&*state.store, &actor, id).await?)))
}

/// One claim.
#[utoipa::path(get, path = "/api/v1/insurance/claims/{id}", tag = "insurance", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Claim), (status = 403), (status = 404)))]
async fn get_claim(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Claim>> {
    actor.require_role(READERS)?;
    Ok(Json(service::claim(&*state.store, &actor, id).await?))
}

/// The insurer's survey of the loss (no more than the claim's cap).
#[utoipa::path(post, path = "/api/v1/insurance/claims/{id}/survey", tag = "insurance", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = SurveyInput,
    responses((status = 200, body = Claim), (status = 403), (status = 404), (status = 409, description = "not reported"), (status = 422)))]
async fn survey_claim(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Claim>> {
    actor.require_role(COUNTY)?;
    service::survey(&*state.store, &actor, id, parse_body(body)?).await?;
    Ok(Json(service::claim(&*state.store, &actor, id).await?))
}

/// The insurer's payout and its date.
#[utoipa::path(post, path = "/api/v1/insurance/claims/{id}/payout", tag = "insurance", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = PayoutInput,
    responses((status = 200, body = Claim), (status = 403), (status = 404), (status = 409, description = "not surveyed"), (status = 422)))]
async fn pay_claim(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Claim>> {
    actor.require_role(COUNTY)?;
    let input: PayoutInput = parse_body(body)?;
    service::pay(&*state.store, &actor, id, input).await?;
    Ok(Json(service::claim(&*state.store, &actor, id).await?))
}

/// The insurer's refusal, with its reason.
#[utoipa::path(post, path = "/api/v1/insurance/claims/{id}/refusal", tag = "insurance", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = RefusalInput,
    responses((status = 200, body = Claim), (status = 403), (status = 404), (status = 409, description = "paid or refused already"), (status = 422)))]
async fn refuse_claim(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Claim>> {
    actor.require_role(COUNTY)?;
    let input: RefusalInput = parse_body(body)?;
    service::refuse(&*state.store, &actor, id, input).await?;
    Ok(Json(service::claim(&*state.store, &actor, id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct CountyQuery {
    /// The county (or an area in it).
    pub area_code: AreaCode,
}

/// The percent of a paid claim the county counts against the rebuild subsidy (its own, or the
/// settings' default of none: the payout complements the subsidy).
#[utoipa::path(get, path = "/api/v1/insurance/counting", tag = "insurance", security(("bearer" = [])), params(CountyQuery),
    responses((status = 200, body = Counting), (status = 403), (status = 422)))]
async fn get_counting(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<CountyQuery>,
) -> AppResult<Json<Counting>> {
    actor.require_role(READERS)?;
    Ok(Json(service::counting(&*state.store, &actor, &state.settings, &query.area_code).await?))
}

/// A county sets the percent of paid claims it counts against the rebuild subsidy (0–100).
#[utoipa::path(put, path = "/api/v1/insurance/counting", tag = "insurance", security(("bearer" = [])), request_body = CountingInput,
    responses((status = 200, body = Counting), (status = 403), (status = 422)))]
async fn put_counting(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<Json<Counting>> {
    actor.require_role(COUNTY)?;
    let input: CountingInput = parse_body(body)?;
    Ok(Json(service::set_counting(&*state.store, &actor, &state.settings, input).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// Default: the caller's scope.
    pub area_code: Option<AreaCode>,
    /// The disaster whose claims are counted (its day decides which policies are in force).
    pub event_id: Option<i64>,
    /// csv or xlsx for a file; JSON without.
    #[param(value_type = Option<String>)]
    pub format: Option<Format>,
}

/// The county report: houses covered, claims by status, payouts and days to payout per county.
#[utoipa::path(get, path = "/api/v1/insurance/report", tag = "insurance", security(("bearer" = [])), params(ReportQuery),
    responses((status = 200, body = [CountyCover], description = "JSON, or a CSV or XLSX file with `format`"), (status = 403), (status = 404)))]
async fn insurance_report(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ReportQuery>,
) -> AppResult<Response> {
    actor.require_role(READERS)?;
    let rows = service::report(&*state.store, &actor, query.area_code.as_ref(), query.event_id).await?;
    match query.format {
        Some(format) => service::report_table(&rows).into_response(format),
        None => Ok(Json(rows).into_response()),
    }
}
