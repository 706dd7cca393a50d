//! A plan's life after it is computed: reading it as the caller may, submission, review,
//! dispatch, cancellation and the receipt of its shipments; every step writes its audit record.
//! Handlers check the caller's role; these functions apply who may do what to which plan.

use std::collections::HashMap;
use std::sync::Arc;

use super::cache::PlanningCache;
use super::rules::{ReceiptLine, received_quantities};
use super::store::{PlanError, PlanStore, ShipmentFilter};
use super::{Plan, PlanLine, PlanResult, PlanRow, PlanStatus, Shipment, ShipmentPhoto, TimeToAid};
use crate::areas::AreaCode;
use crate::auth::{Actor, Role, User};
use crate::config::Settings;
use crate::depots::store::DepotStore;
use crate::depots::{can_operate, can_read};
use crate::disasters::service::event_or_404;
use crate::disasters::store::DisasterStore;
use crate::error::{AppError, AppResult};
use crate::money::Fen;
use crate::said;

impl From<PlanError> for AppError {
    fn from(error: PlanError) -> Self {
        match error {
            PlanError::WrongState(status) => {
                AppError::conflict(said!("plan_state", "the plan is {plan_status}", plan_status = status))
            }
            PlanError::Changed => AppError::conflict(said!(
                "plan_changed",
                "the plan was changed by someone else while this change was worked out, so it was not made: read the plan again and repeat the change if it is still needed"
            )),
            PlanError::AlreadyReceived => {
                AppError::conflict(said!("shipment_already_received", "the shipment was already received"))
            }
            PlanError::Stock { depot_id, item, available } => AppError::Conflict {
                said: said!(
                    "plan_stock_changed",
                    "stock changed and the plan no longer fits: depot {depot} has only {available} of {item} available",
                    depot = depot_id,
                    available = available,
                    item = item.clone()
                ),
                details: Some(serde_json::json!({"depot_id": depot_id, "item": item, "available": available})),
            },
            PlanError::Funds(shortage, level, available_fen) => AppError::Conflict {
                said: said!(
                    "plan_funds_changed",
                    "the funds changed and the plan no longer fits: {shortage}",
                    shortage = shortage,
                    level = level,
                    available_fen = available_fen
                ),
                details: Some(serde_json::json!({"source_level": level, "available_fen": available_fen})),
            },
            PlanError::Db(e) => e.into(),
        }
    }
}

/// The stores a plan's steps read and write.
pub trait Steps: DepotStore + DisasterStore + PlanStore {}
impl<T: DepotStore + DisasterStore + PlanStore + ?Sized> Steps for T {}

pub async fn plan_or_404<S: Steps + ?Sized>(store: &S, id: i64) -> AppResult<Plan> {
    // The row and the lines at once, on two connections: a city plan's 20,000 lines take about
    // as long to read as its row's result.
    let (row, lines) = tokio::try_join!(row_or_404(store, id), async { Ok(store.plan_lines(id).await?) })?;
    plan_of(store, row, lines).await
}

async fn plan_of<S: Steps + ?Sized>(store: &S, mut row: PlanRow, lines: Vec<PlanLine>) -> AppResult<Plan> {
    let result = std::mem::take(&mut row.result.0); // the row's copy is never read again, nor shown
    let mut plan = Plan { row, lines, result, time_to_aid: Vec::new() };
    plan.time_to_aid = time_to_aid(store, &plan).await?;
    Ok(plan)
}

/// Whether a plan concerns the user: it provides for an area in their scope. Global roles read
/// every plan, and so do depot keepers, who ship their depots' parts of any plan.
pub fn concerns(user: &User, result: &PlanResult) -> bool {
    let areas = result.areas();
    user.role.has_global_scope()
        || user.role == Role::DepotStaff
        || areas.is_empty()
        || areas.into_iter().any(|a| user.can_reach(a))
}

async fn row_or_404<S: Steps + ?Sized>(store: &S, id: i64) -> AppResult<PlanRow> {
    store.get_plan_row(id).await?.ok_or_else(|| AppError::NotFound(format!("no plan {id}")))
}

/// A plan the caller may read; one that does not concern them is not found.
pub async fn plan_to_read<S: Steps + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<Plan> {
    let plan = plan_or_404(store, id).await?;
    may_read(actor, id, &plan.result)?;
    Ok(plan)
}

fn may_read(actor: &Actor, id: i64, result: &PlanResult) -> AppResult<()> {
    if concerns(&actor.user, result) { Ok(()) } else { Err(AppError::NotFound(format!("no plan {id}"))) }
}

/// A plan the caller may change (edit, submit, approve, reject, ship, cancel): every area it
/// provides for is in their scope, so one county's staff cannot change what another county gets.
pub async fn plan_to_change<S: Steps + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<Plan> {
    // The row before the lines, not beside them: an edit writes only if the plan's `updated_at`
    // is still the row's, so the lines it starts from must be no older than the row.
    let row = row_to_change(store, actor, id).await?;
    let lines = store.plan_lines(id).await?;
    plan_of(store, row, lines).await
}

/// As [`plan_to_change`], the plan's row (its result inside) without its lines.
async fn row_to_change<S: Steps + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<PlanRow> {
    let row = row_or_404(store, id).await?;
    may_change(actor, id, &row.result)?;
    Ok(row)
}

/// As [`row_to_change`], for a re-plan: the row this server stored last, while the plan is still
/// at that version, instead of its result read back (~4 MB of JSON at city scale).
pub async fn row_to_replan<S: Steps + ?Sized>(
    store: &S,
    cache: &PlanningCache,
    actor: &Actor,
    id: i64,
) -> AppResult<Arc<PlanRow>> {
    let kept = match cache.kept(id) {
        Some(kept) => store.plan_version(id).await?.and_then(|version| kept.row_at(version)),
        None => None,
    };
    match kept {
        Some(row) => {
            may_change(actor, id, &row.result)?;
            Ok(row)
        }
        None => Ok(Arc::new(row_to_change(store, actor, id).await?)),
    }
}

fn may_change(actor: &Actor, id: i64, result: &PlanResult) -> AppResult<()> {
    may_read(actor, id, result)?;
    actor.require_areas(result.areas())
}

/// Submits a draft for approval; a plan that gives nothing is refused.
pub async fn submit<S: Steps + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<Plan> {
    let plan = plan_to_change(store, actor, id).await?;
    if plan.lines.is_empty() && plan.result.funds.as_ref().is_none_or(|f| f.allocated_fen == Fen::ZERO) {
        return Err(AppError::conflict(said!(
            "plan_empty",
            "the plan has nothing to approve: no lines, or no money from the fund pools"
        )));
    }
    let audit = actor.audit("plan.submit", "plan", id.to_string());
    store.transition(id, &[PlanStatus::Draft], PlanStatus::Submitted, None, None, &audit).await?;
    plan_or_404(store, id).await
}

/// Approves a submitted plan, reserving its stock (or drawing its funds) atomically.
pub async fn approve<S: Steps + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<Plan> {
    let plan = plan_to_change(store, actor, id).await?;
    actor.require_not_author(plan.row.author_id, "a plan is approved")?;
    let audit = actor.audit("plan.approve", "plan", id.to_string());
    store.approve(id, &actor.user.username, &audit).await?;
    plan_or_404(store, id).await
}

/// Returns a submitted plan to its author with a reason.
pub async fn reject<S: Steps + ?Sized>(store: &S, actor: &Actor, id: i64, reason: &str) -> AppResult<Plan> {
    let plan = plan_to_change(store, actor, id).await?;
    actor.require_not_author(plan.row.author_id, "a plan is reviewed")?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid_field("reason", said!("rejection_reason", "a rejection needs a reason")));
    }
    let audit = actor.audit("plan.reject", "plan", id.to_string()).with_after(serde_json::json!({"reason": reason}));
    let reviewer = Some(actor.user.username.as_str());
    store.transition(id, &[PlanStatus::Submitted], PlanStatus::Rejected, reviewer, Some(reason), &audit).await?;
    plan_or_404(store, id).await
}

/// Ships an approved plan: a manager ships every part, a depot keeper their own depots' parts
/// (of any plan, wherever it goes), limited to `depot_ids` when given. A funds plan is disbursed
/// by a manager and has no shipments. Answers the shipments this call created.
pub async fn dispatch<S: Steps + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    depot_ids: Option<Vec<i64>>,
) -> AppResult<Vec<Shipment>> {
    let plan = if actor.user.role == Role::DepotStaff {
        plan_or_404(store, id).await?
    } else {
        plan_to_change(store, actor, id).await?
    };
    if plan.row.status != PlanStatus::Approved {
        return Err(AppError::conflict(said!(
            "plan_not_approved",
            "only an approved plan is dispatched; this plan is {plan_status}",
            plan_status = plan.row.status.as_str()
        )));
    }
    if plan.result.funds.is_some() {
        actor.require_role(&[Role::Manager])?;
        store.dispatch(id, None, &actor.audit("plan.disburse", "plan", id.to_string())).await?;
        return Ok(Vec::new());
    }
    let depots = store.list_depots().await?;
    let mut involved: Vec<i64> = plan.lines.iter().map(|l| l.depot_id).collect();
    involved.sort_unstable();
    involved.dedup();
    let allowed: Vec<i64> = depot_ids
        .unwrap_or_else(|| involved.clone())
        .into_iter()
        .filter(|id| involved.contains(id) && depots.iter().any(|d| d.id == *id && can_operate(&actor.user, d)))
        .collect();
    if allowed.is_empty() {
        return Err(AppError::Forbidden("none of this plan's depots is yours to dispatch".into()));
    }
    let audit = actor.audit("plan.dispatch", "plan", id.to_string());
    let created = store.dispatch(id, Some(&allowed), &audit).await?;
    let shipments = store.shipments(ShipmentFilter { plan_id: Some(id), ..Default::default() }).await?;
    Ok(shipments.into_iter().filter(|s| created.contains(&s.id)).collect())
}

/// Cancels a plan that has not shipped; an approved plan's reservations are released.
pub async fn cancel<S: Steps + ?Sized>(store: &S, actor: &Actor, id: i64, reason: Option<String>) -> AppResult<Plan> {
    plan_to_change(store, actor, id).await?;
    let reason = reason.unwrap_or_else(|| "cancelled".into());
    let audit = actor.audit("plan.cancel", "plan", id.to_string()).with_after(serde_json::json!({"reason": reason}));
    store.cancel(id, &reason, &audit).await?;
    plan_or_404(store, id).await
}

async fn shipment_or_404<S: Steps + ?Sized>(store: &S, id: i64) -> AppResult<Shipment> {
    store
        .shipments(ShipmentFilter { id: Some(id), ..Default::default() })
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound(format!("no shipment {id}")))
}

/// Confirms what arrived at a shipment's destination (in the caller's scope); any shortfall
/// stays on record, and the plan completes when every shipment is received.
pub async fn receive<S: Steps + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    lines: &[ReceiptLine],
    signer: Option<&str>,
) -> AppResult<Shipment> {
    let shipment = shipment_or_404(store, id).await?;
    actor.require_area(&shipment.area_code)?;
    let received =
        received_quantities(&shipment, lines).map_err(|problems| AppError::invalid("invalid receipt", problems))?;
    let signer = signer.map(str::trim).filter(|s| !s.is_empty());
    if signer.is_some_and(|s| s.chars().count() > 50) {
        return Err(AppError::invalid_field("signer", said!("text_max", "at most {max} characters", max = 50)));
    }
    let audit = actor
        .audit("shipment.receive", "shipment", id.to_string())
        .with_after(serde_json::json!({"received": received, "signer": signer}));
    store.receive_shipment(id, &received, signer, &audit).await?;
    shipment_or_404(store, id).await
}

/// Shipments whoever may read them: the destination's staff and those who may read the depot
/// that sent them.
pub async fn readable_shipments<S: Steps + ?Sized>(
    store: &S,
    actor: &Actor,
    filter: ShipmentFilter,
) -> AppResult<Vec<Shipment>> {
    let depots = store.list_depots().await?;
    let shipments = store.shipments(filter).await?;
    Ok(shipments
        .into_iter()
        .filter(|s| {
            actor.user.can_reach(&s.area_code) || depots.iter().any(|d| d.id == s.depot_id && can_read(&actor.user, d))
        })
        .collect())
}

/// One shipment the caller may read; one outside their reach answers as one that does not exist.
async fn readable_shipment<S: Steps + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<Shipment> {
    readable_shipments(store, actor, ShipmentFilter { id: Some(id), ..Default::default() })
        .await?
        .pop()
        .ok_or_else(|| AppError::NotFound(format!("no shipment {id}")))
}

/// Attaches a photo to a shipment's receipt (the goods as unloaded, the signed waybill): JPEG,
/// PNG or WebP up to the configured size, by whoever may sign for it at its destination.
pub async fn attach_receipt_photo<S: Steps + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    id: i64,
    declared_type: &str,
    bytes: &[u8],
) -> AppResult<ShipmentPhoto> {
    let shipment = shipment_or_404(store, id).await?;
    actor.require_area(&shipment.area_code)?;
    let dir = std::path::PathBuf::from("shipments").join(id.to_string());
    let file =
        crate::disasters::photos::store_image(settings, &dir, declared_type, bytes, &actor.user.username).await?;
    let audit = actor
        .audit("shipment.photo", "shipment_photo", "")
        .with_after(serde_json::json!({"shipment_id": id, "sha256": file.sha256, "bytes": file.bytes}));
    let photo_id = store.add_shipment_photo(id, &file, &audit).await?;
    Ok(ShipmentPhoto { id: photo_id, shipment_id: id, file })
}

/// The photos of a shipment's receipt, for whoever may read the shipment.
pub async fn receipt_photos<S: Steps + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<Vec<ShipmentPhoto>> {
    readable_shipment(store, actor, id).await?;
    Ok(store.shipment_photos(id).await?)
}

/// One receipt photo and its image, for whoever may read the shipment.
pub async fn receipt_photo_image<S: Steps + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    photo_id: i64,
) -> AppResult<(ShipmentPhoto, Vec<u8>)> {
    let photo = receipt_photos(store, actor, id)
        .await?
        .into_iter()
        .find(|p| p.id == photo_id)
        .ok_or_else(|| AppError::NotFound(format!("no photo {photo_id} of shipment {id}")))?;
    let bytes = crate::disasters::photos::read_image(&photo.file.path).await?;
    Ok((photo, bytes))
}

/// Records the vehicle and driver of a shipment on the road, for its waybill: the keeper of its
/// depot, or a manager whose scope holds its destination.
pub async fn set_transport<S: Steps + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    input: super::rules::TransportInput,
) -> AppResult<Shipment> {
    let shipment = shipment_or_404(store, id).await?;
    if actor.user.role == Role::DepotStaff {
        if !actor.user.depot_ids.contains(&shipment.depot_id) {
            return Err(AppError::Forbidden("the shipment leaves a depot you do not keep".into()));
        }
    } else {
        actor.require_area(&shipment.area_code)?;
    }
    let transport =
        super::rules::transport(&input).map_err(|problems| AppError::invalid("invalid transport", problems))?;
    let audit = actor.audit("shipment.transport", "shipment", id.to_string()).with_after(&transport);
    store.set_transport(id, &transport, &audit).await?;
    shipment_or_404(store, id).await
}

/// Minutes from the disaster's onset to each step of aid, per area the plan provides for.
pub async fn time_to_aid<S: Steps + ?Sized>(store: &S, plan: &Plan) -> AppResult<Vec<TimeToAid>> {
    let event = event_or_404(store, plan.row.event_id).await?;
    let since = |t: chrono::DateTime<chrono::Utc>| (t - event.onset_at).num_minutes();
    let shipments = store.shipments(ShipmentFilter { plan_id: Some(plan.row.id), ..Default::default() }).await?;
    let funds = plan.result.funds.as_ref();
    let mut areas: Vec<&AreaCode> = match funds {
        Some(funds) => funds.areas.iter().map(|a| &a.area_code).collect(),
        None => plan.lines.iter().map(|l| &l.area_code).collect(),
    };
    areas.sort_unstable();
    areas.dedup();
    let mut by_area: HashMap<&AreaCode, Vec<&Shipment>> = HashMap::new();
    for shipment in &shipments {
        by_area.entry(&shipment.area_code).or_default().push(shipment);
    }
    Ok(areas
        .into_iter()
        .map(|area| {
            let own = by_area.get(area).map_or(&[][..], Vec::as_slice);
            let all_received = !own.is_empty() && own.iter().all(|s| s.received_at.is_some());
            TimeToAid {
                area_code: area.clone(),
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
