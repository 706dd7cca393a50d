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

use super::rules::{ReceiptLine, TransportInput};
use super::service::{self, PlanEdit};
use super::store::ShipmentFilter;
use super::workflow;
use super::{Plan, PlanRequest, Shipment, ShipmentPhoto};
use crate::auth::{Actor, Role};
use crate::db::long_reads;
use crate::error::AppResult;
use crate::export::{Cell, Format, Table};
use crate::extract::{if_match_version, parse_body};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plans, create_plan))
        .routes(routes!(compare_policies))
        .routes(routes!(get_plan, edit_plan))
        .routes(routes!(replan))
        .routes(routes!(submit_plan))
        .routes(routes!(approve_plan))
        .routes(routes!(reject_plan))
        .routes(routes!(dispatch_plan))
        .routes(routes!(cancel_plan))
        .routes(routes!(list_shipments))
        .routes(routes!(receive_shipment))
        .routes(routes!(list_receipt_photos, upload_receipt_photo))
        .routes(routes!(get_receipt_photo))
        .routes(routes!(set_transport))
        .routes(routes!(export_time_to_aid).layer(from_fn(long_reads)))
}

// ---- computing a plan ------------------------------------------------------------------------

/// Plans of an event, newest first.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PlanQuery {
    pub event_id: Option<i64>,
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/plans", tag = "plans", security(("bearer" = [])), params(PlanQuery),
    responses((status = 200, body = [super::PlanRow])))]
async fn list_plans(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<PlanQuery>,
) -> AppResult<Json<Vec<super::PlanRow>>> {
    let plans = state.store.list_plans(query.event_id, query.status.as_deref()).await?;
    Ok(Json(plans.into_iter().filter(|p| workflow::concerns(&actor.user, &p.result.0)).collect()))
}

/// Computes a draft plan (manager): demand per area and item from the best figures and the norms,
/// minus what approved plans cover; supply from the depots in scope; travel times around blocked
/// zones; the exact fair allocation per item.
#[utoipa::path(post, path = "/api/v1/plans", tag = "plans", security(("bearer" = [])), request_body = PlanRequest,
    responses((status = 201, body = Plan), (status = 403), (status = 404), (status = 422)))]
async fn create_plan(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Plan>)> {
    actor.require_role(&[Role::Manager])?;
    let request: PlanRequest = parse_body(body)?;
    let surveyed = surveyed_need(&state, &request.aid_type, request.event_id).await?;
    let id = service::create_plan(&*state.store, &state.settings, &state.planning, &actor, request, surveyed).await?;
    Ok((StatusCode::CREATED, Json(workflow::plan_or_404(&*state.store, id).await?)))
}

/// Winter–spring plans count their campaign's survey, which that domain reads.
async fn surveyed_need(state: &AppState, aid_type: &str, event_id: i64) -> AppResult<Option<super::SurveyedNeed>> {
    if aid_type != "winter_spring" {
        return Ok(None);
    }
    let event = crate::disasters::service::event_or_404(&*state.store, event_id).await?;
    crate::winterspring::service::surveyed_need(&*state.store, &event).await
}

/// The policies side by side for a materials plan request, before it is made (manager): each
/// one's equity audit and totals from the same demand, stock and roads. Stores nothing.
#[utoipa::path(post, path = "/api/v1/plans/compare", tag = "plans", security(("bearer" = [])), request_body = PlanRequest,
    responses((status = 200, body = [service::PolicyOption]), (status = 403), (status = 404), (status = 422)))]
async fn compare_policies(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<Json<Vec<service::PolicyOption>>> {
    actor.require_role(&[Role::Manager])?;
    let request: PlanRequest = parse_body(body)?;
    let surveyed = surveyed_need(&state, &request.aid_type, request.event_id).await?;
    let cache = &state.planning;
    Ok(Json(service::compare_policies(&*state.store, &state.settings, cache, &actor, request, surveyed).await?))
}

/// Computes a draft again from today's demand, stock and roads (after a blocked zone is drawn or
/// removed, or stock changed), under the rules it was made with (manager); answers the lines that
/// changed and the plan's figures before and after. With the plan's `updated_at` as read, quoted,
/// in `If-Match`, a plan changed since is refused (412) rather than planned over.
#[utoipa::path(post, path = "/api/v1/plans/{id}/replan", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "the plan's updated_at as read, quoted")),
    responses((status = 200, body = service::Replanned), (status = 403), (status = 404), (status = 409),
              (status = 412, description = "changed since it was read"), (status = 422)))]
async fn replan(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> AppResult<Json<service::Replanned>> {
    actor.require_role(&[Role::Manager])?;
    let read_version = if_match_version(&headers)?;
    let plan = workflow::row_to_replan(&*state.store, &state.planning, &actor, id).await?;
    let surveyed = surveyed_need(&state, &plan.aid_type, plan.event_id).await?;
    let planning = &state.planning;
    Ok(Json(service::replan(&*state.store, &state.settings, planning, &actor, &plan, read_version, surveyed).await?))
}

#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Plan), (status = 404)))]
async fn get_plan(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Plan>> {
    Ok(Json(workflow::plan_to_read(&*state.store, &actor, id).await?))
}

/// Replaces a draft's lines (its author or another manager); re-checked against the depots'
/// available stock and the areas' demand. With the plan's `updated_at` as read, quoted, in
/// `If-Match`, a plan changed since (another manager's edit or re-plan) is refused (412) rather
/// than overwritten.
#[utoipa::path(patch, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "the plan's updated_at as read, quoted")),
    request_body = PlanEdit, responses((status = 200, body = Plan), (status = 403), (status = 404), (status = 409),
              (status = 412, description = "changed since it was read"), (status = 422)))]
async fn edit_plan(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(edit): Json<PlanEdit>,
) -> AppResult<Json<Plan>> {
    actor.require_role(&[Role::Manager])?;
    let read_version = if_match_version(&headers)?;
    let plan = workflow::plan_to_change(&*state.store, &actor, id).await?;
    service::edit_draft(&*state.store, &state.settings, &actor, &plan, read_version, edit).await?;
    Ok(Json(workflow::plan_or_404(&*state.store, id).await?))
}

// ---- workflow --------------------------------------------------------------------------------

/// Submits a draft for approval (manager).
#[utoipa::path(post, path = "/api/v1/plans/{id}/submit", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Plan), (status = 403), (status = 409)))]
async fn submit_plan(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Plan>> {
    actor.require_role(&[Role::Manager])?;
    Ok(Json(workflow::submit(&*state.store, &actor, id).await?))
}

/// Approves a submitted plan (a reviewer other than its author), reserving its stock atomically.
#[utoipa::path(post, path = "/api/v1/plans/{id}/approve", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Plan), (status = 403), (status = 409, description = "wrong state, or the stock no longer fits")))]
async fn approve_plan(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Plan>> {
    actor.require_role(&[Role::Reviewer])?;
    Ok(Json(workflow::approve(&*state.store, &actor, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonInput {
    pub reason: String,
}

/// Rejects a submitted plan with a reason (reviewer).
#[utoipa::path(post, path = "/api/v1/plans/{id}/reject", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ReasonInput, responses((status = 200, body = Plan), (status = 403), (status = 409), (status = 422)))]
async fn reject_plan(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(input): Json<ReasonInput>,
) -> AppResult<Json<Plan>> {
    actor.require_role(&[Role::Reviewer])?;
    Ok(Json(workflow::reject(&*state.store, &actor, id, &input.reason).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DispatchInput {
    /// Only these depots' parts (depot keepers ship their own); default: every part the caller may ship.
    pub depot_ids: Option<Vec<i64>>,
}

/// Ships an approved plan: the reserved stock is issued and shipments are created per depot and
/// area. Managers ship every part; depot keepers ship their own depots' parts. A funds plan is
/// disbursed (拨付) by a manager and completes; it has no shipments.
#[utoipa::path(post, path = "/api/v1/plans/{id}/dispatch", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = DispatchInput, responses((status = 200, body = [Shipment]), (status = 403), (status = 409)))]
async fn dispatch_plan(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    body: Option<Json<DispatchInput>>,
) -> AppResult<Json<Vec<Shipment>>> {
    actor.require_role(&[Role::Manager, Role::DepotStaff])?;
    let depot_ids = body.and_then(|Json(b)| b.depot_ids);
    Ok(Json(workflow::dispatch(&*state.store, &actor, id, depot_ids).await?))
}

/// Cancels a plan that has not shipped (manager); an approved plan's reservations are released.
#[utoipa::path(post, path = "/api/v1/plans/{id}/cancel", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ReasonInput, responses((status = 200, body = Plan), (status = 403), (status = 409)))]
async fn cancel_plan(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    body: Option<Json<ReasonInput>>,
) -> AppResult<Json<Plan>> {
    actor.require_role(&[Role::Manager])?;
    Ok(Json(workflow::cancel(&*state.store, &actor, id, body.map(|Json(b)| b.reason)).await?))
}

// ---- shipments -------------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct ShipmentQuery {
    pub plan_id: Option<i64>,
    pub depot_id: Option<i64>,
}

/// Shipments with their lines, by plan or depot.
#[utoipa::path(get, path = "/api/v1/shipments", tag = "plans", security(("bearer" = [])), params(ShipmentQuery),
    responses((status = 200, body = [Shipment])))]
async fn list_shipments(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ShipmentQuery>,
) -> AppResult<Json<Vec<Shipment>>> {
    let filter = ShipmentFilter { id: None, plan_id: query.plan_id, depot_id: query.depot_id };
    Ok(Json(workflow::readable_shipments(&*state.store, &actor, filter).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptInput {
    pub lines: Vec<ReceiptLine>,
    /// The name of the person who signed for the goods.
    pub signer: Option<String>,
}

/// Confirms what arrived (a manager, or a reporter of the destination area); any shortfall stays
/// on record. The plan completes when every shipment is received.
#[utoipa::path(post, path = "/api/v1/shipments/{id}/receive", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ReceiptInput, responses((status = 200, body = Shipment), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn receive_shipment(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(input): Json<ReceiptInput>,
) -> AppResult<Json<Shipment>> {
    actor.require_role(&[Role::Manager, Role::Reporter])?;
    Ok(Json(workflow::receive(&*state.store, &actor, id, &input.lines, input.signer.as_deref()).await?))
}

/// Attaches a photo to a shipment's receipt (the goods as unloaded, the signed waybill): JPEG, PNG
/// or WebP, the raw file as the body with its own Content-Type, up to the configured size; by
/// whoever may sign for the shipment at its destination.
#[utoipa::path(post, path = "/api/v1/shipments/{id}/photos", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = ShipmentPhoto), (status = 403), (status = 404), (status = 413), (status = 415)))]
async fn upload_receipt_photo(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<(StatusCode, Json<ShipmentPhoto>)> {
    actor.require_role(&[Role::Manager, Role::Reporter])?;
    let declared = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let photo = workflow::attach_receipt_photo(&*state.store, &state.settings, &actor, id, declared, &body).await?;
    Ok((StatusCode::CREATED, Json(photo)))
}

/// The photos of a shipment's receipt.
#[utoipa::path(get, path = "/api/v1/shipments/{id}/photos", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = [ShipmentPhoto]), (status = 404)))]
async fn list_receipt_photos(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<ShipmentPhoto>>> {
    Ok(Json(workflow::receipt_photos(&*state.store, &actor, id).await?))
}

/// One photo of a shipment's receipt, as the image.
#[utoipa::path(get, path = "/api/v1/shipments/{id}/photos/{photo_id}", tag = "plans", security(("bearer" = [])),
    params(("id" = i64, Path), ("photo_id" = i64, Path)),
    responses((status = 200, description = "the image"), (status = 404)))]
async fn get_receipt_photo(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, photo_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let (photo, bytes) = workflow::receipt_photo_image(&*state.store, &actor, id, photo_id).await?;
    Ok(([(header::CONTENT_TYPE, photo.file.content_type)], bytes).into_response())
}

/// Records the vehicle and driver of a shipment on the road (the keeper of its depot, or a
/// manager), for the waybill that travels with it.
#[utoipa::path(put, path = "/api/v1/shipments/{id}/transport", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = TransportInput, responses((status = 200, body = Shipment), (status = 403), (status = 404),
    (status = 409, description = "the shipment has arrived"), (status = 422)))]
async fn set_transport(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<Shipment>> {
    actor.require_role(&[Role::Manager, Role::DepotStaff])?;
    let input: TransportInput = parse_body(body)?;
    Ok(Json(workflow::set_transport(&*state.store, &actor, id, input).await?))
}

// ---- time to aid -----------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct TimeToAidQuery {
    pub plan_id: i64,
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub format: Format,
}

/// Time to aid per area (onset → plan → approval → dispatch → receipt), as CSV or XLSX.
#[utoipa::path(get, path = "/api/v1/exports/time-to-aid", tag = "plans", security(("bearer" = [])), params(TimeToAidQuery),
    responses((status = 200, description = "CSV or XLSX file"), (status = 404)))]
async fn export_time_to_aid(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<TimeToAidQuery>,
) -> AppResult<Response> {
    let plan = workflow::plan_to_read(&*state.store, &actor, query.plan_id).await?;
    let rows = plan
        .time_to_aid
        .into_iter()
        .map(|t| {
            vec![
                Cell::from(t.area_code.to_string()),
                t.onset_to_plan_minutes.into(),
                t.onset_to_approval_minutes.into(),
                t.onset_to_dispatch_minutes.into(),
                t.onset_to_receipt_minutes.into(),
            ]
        })
        .collect();
    Table {
        name: format!("plan-{}-time-to-aid", plan.row.id),
        title: "救助时效".into(),
        headers: vec!["区划代码", "灾害发生至编制方案(分钟)", "至审批(分钟)", "至发运(分钟)", "至签收(分钟)"],
        rows,
    }
    .into_response(query.format)
}
