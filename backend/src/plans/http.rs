use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, PlanEdit};
use super::store::{PlanError, ShipmentFilter};
use super::{Plan, PlanRequest, PlanResult, PlanStatus, Shipment, TimeToAid};
use crate::auth::{Actor, Role, User};
use crate::depots::{can_operate, can_read};
use crate::disasters::service::event_or_404;
use crate::error::{AppError, AppResult, FieldError};
use crate::export::{Cell, Format, Table};
use crate::extract::parse_body;
use crate::money::Fen;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plans, create_plan))
        .routes(routes!(get_plan, edit_plan))
        .routes(routes!(submit_plan))
        .routes(routes!(approve_plan))
        .routes(routes!(reject_plan))
        .routes(routes!(dispatch_plan))
        .routes(routes!(cancel_plan))
        .routes(routes!(list_shipments))
        .routes(routes!(receive_shipment))
        .routes(routes!(export_time_to_aid))
}

impl From<PlanError> for AppError {
    fn from(error: PlanError) -> Self {
        match error {
            PlanError::WrongState(_) | PlanError::AlreadyReceived => AppError::conflict(error.to_string()),
            PlanError::Stock { depot_id, ref item, available } => AppError::Conflict {
                message: format!("stock changed and the plan no longer fits: {error}"),
                details: Some(serde_json::json!({"depot_id": depot_id, "item": item, "available": available})),
            },
            PlanError::Funds(_, level, available_fen) => AppError::Conflict {
                message: error.to_string(),
                details: Some(serde_json::json!({"source_level": level, "available_fen": available_fen})),
            },
            PlanError::Db(e) => e.into(),
        }
    }
}

async fn plan_or_404(state: &AppState, id: i64) -> AppResult<Plan> {
    let (row, lines) = state.store.get_plan(id).await?.ok_or_else(|| AppError::NotFound(format!("no plan {id}")))?;
    let result = row.result.0.clone();
    let mut plan = Plan { row, lines, result, time_to_aid: Vec::new() };
    plan.time_to_aid = time_to_aid(state, &plan).await?;
    Ok(plan)
}

/// Whether a plan concerns the user: it provides for an area in their scope. Global roles read
/// every plan, and so do depot keepers, who ship their depots' parts of any plan.
fn concerns(user: &User, result: &PlanResult) -> bool {
    let areas = result.areas();
    user.role.has_global_scope()
        || user.role == Role::DepotStaff
        || areas.is_empty()
        || areas.into_iter().any(|a| user.can_reach(a))
}

/// A plan the caller may read; one that does not concern them is not found.
async fn plan_to_read(state: &AppState, actor: &Actor, id: i64) -> AppResult<Plan> {
    let plan = plan_or_404(state, id).await?;
    if concerns(&actor.user, &plan.result) { Ok(plan) } else { Err(AppError::NotFound(format!("no plan {id}"))) }
}

/// A plan the caller may change (edit, submit, approve, reject, ship, cancel): every area it
/// provides for is in their scope, so one county's staff cannot change what another county gets.
async fn plan_to_change(state: &AppState, actor: &Actor, id: i64) -> AppResult<Plan> {
    let plan = plan_to_read(state, actor, id).await?;
    actor.require_areas(plan.result.areas())?;
    Ok(plan)
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
    Ok(Json(plans.into_iter().filter(|p| concerns(&actor.user, &p.result.0)).collect()))
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
    let id = service::create_plan(&*state.store, &state.settings, &state.travel, &actor, request).await?;
    Ok((StatusCode::CREATED, Json(plan_or_404(&state, id).await?)))
}

#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Plan), (status = 404)))]
async fn get_plan(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Plan>> {
    Ok(Json(plan_to_read(&state, &actor, id).await?))
}

/// Replaces a draft's lines (its author or another manager); re-checked against the depots'
/// available stock and the areas' demand.
#[utoipa::path(patch, path = "/api/v1/plans/{id}", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = PlanEdit, responses((status = 200, body = Plan), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn edit_plan(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(edit): Json<PlanEdit>,
) -> AppResult<Json<Plan>> {
    actor.require_role(&[Role::Manager])?;
    let plan = plan_to_change(&state, &actor, id).await?;
    service::edit_draft(&*state.store, &state.settings, &actor, &plan, edit).await?;
    Ok(Json(plan_or_404(&state, id).await?))
}

// ---- workflow --------------------------------------------------------------------------------

/// Submits a draft for approval (manager).
#[utoipa::path(post, path = "/api/v1/plans/{id}/submit", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Plan), (status = 403), (status = 409)))]
async fn submit_plan(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Plan>> {
    actor.require_role(&[Role::Manager])?;
    let plan = plan_to_change(&state, &actor, id).await?;
    if plan.lines.is_empty() && plan.result.funds.as_ref().is_none_or(|f| f.allocated_fen == Fen::ZERO) {
        return Err(AppError::conflict("the plan has nothing to approve: no lines, or no money from the fund pools"));
    }
    let audit = actor.audit("plan.submit", "plan", id.to_string());
    state.store.transition(id, &[PlanStatus::Draft], PlanStatus::Submitted, None, None, &audit).await?;
    Ok(Json(plan_or_404(&state, id).await?))
}

/// Approves a submitted plan (a reviewer other than its author), reserving its stock atomically.
#[utoipa::path(post, path = "/api/v1/plans/{id}/approve", tag = "plans", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Plan), (status = 403), (status = 409, description = "wrong state, or the stock no longer fits")))]
async fn approve_plan(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Plan>> {
    actor.require_role(&[Role::Reviewer])?;
    let plan = plan_to_change(&state, &actor, id).await?;
    if plan.row.author_id == actor.user.id {
        return Err(AppError::Forbidden("a plan is approved by someone other than its author".into()));
    }
    let audit = actor.audit("plan.approve", "plan", id.to_string());
    state.store.approve(id, &actor.user.username, &audit).await?;
    Ok(Json(plan_or_404(&state, id).await?))
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
    let plan = plan_to_change(&state, &actor, id).await?;
    if plan.row.author_id == actor.user.id {
        return Err(AppError::Forbidden("a plan is reviewed by someone other than its author".into()));
    }
    if input.reason.trim().is_empty() {
        return Err(AppError::invalid_field("reason", "a rejection needs a reason"));
    }
    let audit =
        actor.audit("plan.reject", "plan", id.to_string()).with_after(serde_json::json!({"reason": input.reason}));
    state
        .store
        .transition(
            id,
            &[PlanStatus::Submitted],
            PlanStatus::Rejected,
            Some(&actor.user.username),
            Some(input.reason.trim()),
            &audit,
        )
        .await?;
    Ok(Json(plan_or_404(&state, id).await?))
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
    // A depot keeper ships their own depots' parts wherever they go (checked below).
    let plan = if actor.user.role == Role::DepotStaff {
        plan_or_404(&state, id).await?
    } else {
        plan_to_change(&state, &actor, id).await?
    };
    if plan.row.status != PlanStatus::Approved {
        return Err(AppError::conflict(format!(
            "only an approved plan is dispatched; this plan is {}",
            plan.row.status.as_str()
        )));
    }
    if plan.result.funds.is_some() {
        actor.require_role(&[Role::Manager])?;
        state.store.dispatch(id, None, &actor.audit("plan.disburse", "plan", id.to_string())).await?;
        return Ok(Json(Vec::new()));
    }
    let depots = state.store.list_depots().await?;
    let involved: Vec<i64> = {
        let mut ids: Vec<i64> = plan.lines.iter().map(|l| l.depot_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let requested = body.and_then(|Json(b)| b.depot_ids).unwrap_or_else(|| involved.clone());
    let allowed: Vec<i64> = requested
        .iter()
        .copied()
        .filter(|id| involved.contains(id) && depots.iter().any(|d| d.id == *id && can_operate(&actor.user, d)))
        .collect();
    if allowed.is_empty() {
        return Err(AppError::Forbidden("none of this plan's depots is yours to dispatch".into()));
    }
    let audit = actor.audit("plan.dispatch", "plan", id.to_string());
    let created = state.store.dispatch(id, Some(&allowed), &audit).await?;
    let shipments = state.store.shipments(ShipmentFilter { plan_id: Some(id), ..Default::default() }).await?;
    Ok(Json(shipments.into_iter().filter(|s| created.contains(&s.id)).collect()))
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
    plan_to_change(&state, &actor, id).await?;
    let reason = body.map(|Json(b)| b.reason).unwrap_or_else(|| "cancelled".into());
    let audit = actor.audit("plan.cancel", "plan", id.to_string()).with_after(serde_json::json!({"reason": reason}));
    state.store.cancel(id, &reason, &audit).await?;
    Ok(Json(plan_or_404(&state, id).await?))
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
    let depots = state.store.list_depots().await?;
    let shipments =
        state.store.shipments(ShipmentFilter { id: None, plan_id: query.plan_id, depot_id: query.depot_id }).await?;
    Ok(Json(
        shipments
            .into_iter()
            .filter(|s| {
                actor.user.can_reach(&s.area_code)
                    || depots.iter().any(|d| d.id == s.depot_id && can_read(&actor.user, d))
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReceiptLine {
    pub item: String,
    pub quantity: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptInput {
    pub lines: Vec<ReceiptLine>,
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
    let shipment = state
        .store
        .shipments(ShipmentFilter { id: Some(id), ..Default::default() })
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound(format!("no shipment {id}")))?;
    actor.require_area(&shipment.area_code)?;
    let mut received = BTreeMap::new();
    let mut problems = Vec::new();
    for (i, line) in input.lines.iter().enumerate() {
        match shipment.lines.iter().find(|l| l.item == line.item) {
            None => {
                problems.push(FieldError::new(format!("lines[{i}].item"), format!("{} was not shipped", line.item)))
            }
            Some(shipped) if line.quantity < 0 || line.quantity > shipped.quantity => problems.push(FieldError::new(
                format!("lines[{i}].quantity"),
                format!("between 0 and the {} shipped", shipped.quantity),
            )),
            Some(_) => {
                received.insert(line.item.clone(), line.quantity);
            }
        }
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid receipt", problems));
    }
    let audit = actor.audit("shipment.receive", "shipment", id.to_string()).with_after(&received);
    state.store.receive_shipment(id, &received, &audit).await?;
    let shipment =
        state.store.shipments(ShipmentFilter { id: Some(id), ..Default::default() }).await?.pop().expect("exists");
    Ok(Json(shipment))
}

// ---- time to aid -----------------------------------------------------------------------------

async fn time_to_aid(state: &AppState, plan: &Plan) -> AppResult<Vec<TimeToAid>> {
    let event = event_or_404(&*state.store, plan.row.event_id).await?;
    let since = |t: chrono::DateTime<chrono::Utc>| (t - event.onset_at).num_minutes();
    let shipments = state.store.shipments(ShipmentFilter { plan_id: Some(plan.row.id), ..Default::default() }).await?;
    let funds = plan.result.funds.as_ref();
    let mut areas: Vec<&str> = match funds {
        Some(funds) => funds.areas.iter().map(|a| a.area_code.as_str()).collect(),
        None => plan.lines.iter().map(|l| l.area_code.as_str()).collect(),
    };
    areas.sort_unstable();
    areas.dedup();
    Ok(areas
        .into_iter()
        .map(|area| {
            let own: Vec<&Shipment> = shipments.iter().filter(|s| s.area_code == area).collect();
            let all_received = !own.is_empty() && own.iter().all(|s| s.received_at.is_some());
            TimeToAid {
                area_code: area.to_owned(),
                onset_to_plan_minutes: since(plan.row.created_at),
                onset_to_approval_minutes: plan.row.approved_at.filter(|_| plan.row.reviewer_name.is_some()).map(since),
                onset_to_dispatch_minutes: match funds {
                    Some(_) => plan.row.dispatched_at.map(since),
                    None => own.iter().map(|s| s.dispatched_at).min().map(since),
                },
                onset_to_receipt_minutes: all_received
                    .then(|| own.iter().filter_map(|s| s.received_at).max().map(since))
                    .flatten(),
            }
        })
        .collect())
}

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
    let plan = plan_to_read(&state, &actor, query.plan_id).await?;
    let rows = time_to_aid(&state, &plan)
        .await?
        .into_iter()
        .map(|t| {
            vec![
                Cell::from(t.area_code),
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
