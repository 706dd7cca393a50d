//! One-window cases over HTTP: the township's intake, board, referral and closing; county staff's
//! answers; the departments' board and answers with their tokens; the applicant's receipt page.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::alerts::{self, AlertCaseInput, AlertQuery, DetectionOutcome};
use super::service::{self, CaseInput, CaseQuery, OutcomeInput, StaffOutcomeInput};
use super::{Alert, Case, CaseReceipt};
use crate::audit::AuditEntry;
use crate::auth::departments::Department;
use crate::auth::{Actor, Role};
use crate::error::AppResult;
use crate::extract::parse_body;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(case_board, file_case))
        .routes(routes!(show_case))
        .routes(routes!(refer_case))
        .routes(routes!(answer_case))
        .routes(routes!(close_case))
        .routes(routes!(department_case_board))
        .routes(routes!(department_show_case))
        .routes(routes!(department_accept_case))
        .routes(routes!(department_answer_case))
        .routes(routes!(case_receipt))
        .routes(routes!(alert_list))
        .routes(routes!(alert_to_case))
        .routes(routes!(alert_dismiss))
        .routes(routes!(alert_scan))
}

/// Who may read cases: the township and county staff who work them, and auditors.
const READERS: &[Role] = &[Role::Admin, Role::Manager, Role::Reporter, Role::Reviewer, Role::Auditor];

/// Takes in a request for assistance (一门受理): township staff (reporters, managers) of its area.
/// The answer carries the receipt number the applicant follows the case with. An Idempotency-Key
/// makes a resend (a phone's queued intake) answer the case it first opened.
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), request_body = CaseInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    responses((status = 201, body = Case), (status = 403), (status = 422)))]
async fn file_case(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Case>)> {
    actor.require_role(service::INTAKE)?;
    let claim = crate::idempotency::claim_from(&headers, format!("{}:case-open", actor.user.id), &body)?;
    let input: CaseInput = parse_body(body)?;
    let id = service::open_case(&*state.store, &state.settings, &actor, input, claim.as_ref()).await?;
    Ok((StatusCode::CREATED, Json(service::get_case(&*state.store, &actor, id).await?)))
}

/// The case board of the caller's area: overdue cases first, then the soonest due.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", security(("bearer" = [])), params(CaseQuery),
    responses((status = 200, body = [Case]), (status = 403)))]
async fn case_board(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<CaseQuery>,
) -> AppResult<Json<Vec<Case>>> {
    actor.require_role(READERS)?;
    Ok(Json(service::list_cases(&*state.store, &actor, &query).await?))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Case), (status = 403), (status = 404)))]
async fn show_case(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Case>> {
    actor.require_role(READERS)?;
    Ok(Json(service::get_case(&*state.store, &actor, id).await?))
}

/// Refers a received case to the department of each programme asked for, each with its deadline.
#[utoipa::path(post, path = "/api/v1/cases/{id}/refer", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Case), (status = 403), (status = 404), (status = 409)))]
async fn refer_case(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Case>> {
    actor.require_role(service::INTAKE)?;
    Ok(Json(service::refer(&*state.store, &state.settings, &actor, id).await?))
}

/// County civil-affairs staff (managers) answer for 低保, 特困, employment and disease emergency
/// aid; the other programmes' departments answer with their tokens.
#[utoipa::path(post, path = "/api/v1/cases/{id}/outcome", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = StaffOutcomeInput,
    responses((status = 200, body = Case), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn answer_case(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Case>> {
    actor.require_role(&[Role::Manager])?;
    let input: StaffOutcomeInput = parse_body(body)?;
    Ok(Json(service::staff_outcome(&*state.store, &actor, id, input).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    pub reason: String,
}

/// Closes a case (withdrawn, or done), with a reason.
#[utoipa::path(post, path = "/api/v1/cases/{id}/close", tag = "cases", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = CloseInput, responses((status = 200, body = Case), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn close_case(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Case>> {
    actor.require_role(service::INTAKE)?;
    let input: CloseInput = parse_body(body)?;
    Ok(Json(service::close(&*state.store, &actor, id, &input.reason).await?))
}

// ---- departments (bearer: a department token) -----------------------------------------------

/// The cases referred to this department's programmes within its area, overdue first; only its
/// own referrals are shown.
#[utoipa::path(get, path = "/api/v1/department/cases", tag = "cases", security(("department_token" = [])),
    responses((status = 200, body = [Case]), (status = 401)))]
async fn department_case_board(State(state): State<AppState>, department: Department) -> AppResult<Json<Vec<Case>>> {
    Ok(Json(service::department_cases(&*state.store, &department).await?))
}

#[utoipa::path(get, path = "/api/v1/department/cases/{id}", tag = "cases", security(("department_token" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = Case), (status = 401), (status = 403), (status = 404)))]
async fn department_show_case(
    State(state): State<AppState>,
    department: Department,
    Path(id): Path<i64>,
) -> AppResult<Json<Case>> {
    Ok(Json(service::department_case(&*state.store, &department, id).await?))
}

/// The department takes on its referrals of the case.
#[utoipa::path(post, path = "/api/v1/department/cases/{id}/accept", tag = "cases", security(("department_token" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = Case), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn department_accept_case(
    State(state): State<AppState>,
    department: Department,
    Path(id): Path<i64>,
) -> AppResult<Json<Case>> {
    service::department_accept(&*state.store, &department, id).await?;
    Ok(Json(service::department_case(&*state.store, &department, id).await?))
}

/// The department's decision on its referrals of the case: granted (with the amount, if money),
/// declined or transferred, with a reason; it goes back to the township's board.
#[utoipa::path(post, path = "/api/v1/department/cases/{id}/outcome", tag = "cases", security(("department_token" = [])),
    params(("id" = i64, Path)), request_body = OutcomeInput,
    responses((status = 200, body = Case), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn department_answer_case(
    State(state): State<AppState>,
    department: Department,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Case>> {
    let input: OutcomeInput = parse_body(body)?;
    service::department_outcome(&*state.store, &department, id, input).await?;
    Ok(Json(service::department_case(&*state.store, &department, id).await?))
}

// ---- the applicant (no login) ----------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct ReceiptQuery {
    /// The last four characters of the applicant's ID number (of the phone number when none was given).
    pub last4: String,
}

/// The applicant's copy: a case's progress by its receipt number, with no names or numbers.
#[utoipa::path(get, path = "/api/v1/public/cases/{receipt_no}", tag = "cases", params(("receipt_no" = String, Path), ReceiptQuery),
    responses((status = 200, body = CaseReceipt), (status = 404)))]
async fn case_receipt(
    State(state): State<AppState>,
    Path(receipt_no): Path<String>,
    Query(query): Query<ReceiptQuery>,
) -> AppResult<Json<CaseReceipt>> {
    Ok(Json(service::receipt(&*state.store, &receipt_no, &query.last4).await?))
}

// ---- detection alerts (救急难 主动发现) ---------------------------------------------------------

/// The detection alerts of the caller's area (default: open ones), hardship first: households
/// whose losses show a need for another programme they are not in.
#[utoipa::path(get, path = "/api/v1/alerts/assistance", tag = "cases", security(("bearer" = [])), params(AlertQuery),
    responses((status = 200, body = [Alert]), (status = 403), (status = 422)))]
async fn alert_list(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<AlertQuery>,
) -> AppResult<Json<Vec<Alert>>> {
    actor.require_role(READERS)?;
    Ok(Json(alerts::list(&*state.store, &actor, &query).await?))
}

/// Turns an open alert into a one-window case (source `detection`, the household's head as
/// applicant); 409 when the alert was already converted, dismissed or withdrawn.
#[utoipa::path(post, path = "/api/v1/alerts/assistance/{id}/case", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AlertCaseInput,
    responses((status = 201, body = Case), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn alert_to_case(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Case>)> {
    actor.require_role(service::INTAKE)?;
    let input: AlertCaseInput = parse_body(body)?;
    let case_id = alerts::to_case(&*state.store, &state.settings, &actor, id, input).await?;
    Ok((StatusCode::CREATED, Json(service::get_case(&*state.store, &actor, case_id).await?)))
}

/// Dismisses an open alert, with a reason.
#[utoipa::path(post, path = "/api/v1/alerts/assistance/{id}/dismiss", tag = "cases", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = CloseInput,
    responses((status = 200, body = Alert), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn alert_dismiss(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Alert>> {
    actor.require_role(service::INTAKE)?;
    let input: CloseInput = parse_body(body)?;
    Ok(Json(alerts::dismiss(&*state.store, &actor, id, &input.reason).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanInput {
    /// One event (default: every open event).
    pub event_id: Option<i64>,
}

/// Runs detection now over every damage record of the open events (it also runs each night):
/// county and city managers and admins.
#[utoipa::path(post, path = "/api/v1/alerts/assistance/scan", tag = "cases", security(("bearer" = [])),
    request_body = ScanInput, responses((status = 200, body = DetectionOutcome), (status = 403), (status = 422)))]
async fn alert_scan(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<Json<DetectionOutcome>> {
    actor.require_role(&[Role::Admin, Role::Manager])?;
    let input: ScanInput = parse_body(body)?;
    let audit: AuditEntry =
        actor.audit("assistance_alert.scan", "event", input.event_id.map(|e| e.to_string()).unwrap_or_default());
    Ok(Json(alerts::scan(&*state.store, input.event_id, &audit).await?))
}
