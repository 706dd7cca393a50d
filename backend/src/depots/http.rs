use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rules::{Alerts, CountyReadiness, MovementRequest, Snapshot, validate};
use super::store::{Applied, DepotFields, MovementFilter, StockError};
use super::{
    Depot, DepotDetail, DepotSummary, Item, Movement, StockLine, Target, Tier, Transfer, can_operate, can_read,
};
use crate::areas::import::cell_of;
use crate::auth::{Actor, Role};
use crate::error::{AppError, AppResult, FieldError};
use crate::export::{Cell, Format, Table};
use crate::extract::parse_body;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_items, upsert_item))
        .routes(routes!(list_depots, create_depot))
        .routes(routes!(depot_directory))
        .routes(routes!(get_depot, update_depot))
        .routes(routes!(depot_stock))
        .routes(routes!(list_movements, post_movement))
        .routes(routes!(list_transfers))
        .routes(routes!(receive_transfer))
        .routes(routes!(stock_alerts))
        .routes(routes!(stock_readiness))
        .routes(routes!(map_depots))
        .routes(routes!(export_stock_card))
        .routes(routes!(export_ledger))
        .routes(routes!(assign_user_depots))
}

impl From<StockError> for AppError {
    fn from(error: StockError) -> Self {
        let message = error.to_string();
        match error {
            StockError::Insufficient { available } => {
                AppError::Conflict { message, details: Some(serde_json::json!({ "available": available })) }
            }
            StockError::LotShort { lot, available } => {
                AppError::Conflict { message, details: Some(serde_json::json!({ "lot": lot, "available": available })) }
            }
            StockError::UnknownLot(_) => AppError::invalid_field("lot", message),
            StockError::LotExpiryMismatch { .. } => AppError::invalid_field("expires_on", message),
            StockError::KeyReused => AppError::invalid_field("Idempotency-Key", message),
            StockError::AlreadyReceived => AppError::conflict(message),
            StockError::Db(e) => e.into(),
        }
    }
}

// ---- items -----------------------------------------------------------------------------------

/// The relief item catalogue with units, volumes and norms per aid type.
#[utoipa::path(get, path = "/api/v1/items", tag = "depots", security(("bearer" = [])), responses((status = 200, body = [Item])))]
async fn list_items(State(state): State<AppState>, _actor: Actor) -> AppResult<Json<Vec<Item>>> {
    Ok(Json(state.store.list_items().await?))
}

/// Adds or replaces an item (admin).
#[utoipa::path(post, path = "/api/v1/items", tag = "depots", security(("bearer" = [])), request_body = Item,
    responses((status = 200, body = Item), (status = 403), (status = 422)))]
async fn upsert_item(State(state): State<AppState>, actor: Actor, Json(item): Json<Item>) -> AppResult<Json<Item>> {
    actor.require_role(&[Role::Admin])?;
    let mut problems = Vec::new();
    if item.code.is_empty() || !item.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        problems.push(FieldError::new("code", "lower-case letters, digits and '-'"));
    }
    for (field, value) in [("name_zh", &item.name_zh), ("name_en", &item.name_en), ("unit", &item.unit)] {
        if value.trim().is_empty() {
            problems.push(FieldError::new(field, "required"));
        }
    }
    if item.unit_volume_dm3 < 0 || item.unit_weight_g < 0 || item.shelf_life_days.is_some_and(|d| d <= 0) {
        problems.push(FieldError::new("unit_volume_dm3", "volume, weight and shelf life cannot be negative"));
    }
    if item.norms.values().any(|n| n.per_thousand < 0) {
        problems.push(FieldError::new("norms", "norms cannot be negative"));
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid item", problems));
    }
    let audit = actor.audit("item.upsert", "item", &item.code).with_after(&item);
    state.store.upsert_item(&item, &audit).await?;
    state.references.forget_item(&item.code);
    Ok(Json(item))
}

// ---- depots ----------------------------------------------------------------------------------

/// Depots, their load and readiness, and the stock they hold, as visible to `actor`.
async fn snapshot(state: &AppState, actor: &Actor) -> AppResult<Snapshot> {
    let depots: Vec<Depot> =
        state.store.list_depots().await?.into_iter().filter(|d| can_read(&actor.user, d)).collect();
    let visible = |id: &i64| depots.iter().any(|d| d.id == *id);
    Ok(Snapshot {
        items: state.store.list_items().await?,
        balances: state.store.balances().await?.into_iter().filter(|b| visible(&b.depot_id)).collect(),
        lots: state.store.lots().await?.into_iter().filter(|l| visible(&l.depot_id)).collect(),
        targets: state.store.targets().await?.into_iter().filter(|(d, _)| visible(d)).collect(),
        depots,
    })
}

async fn readable_depot(state: &AppState, actor: &Actor, id: i64) -> AppResult<Arc<Depot>> {
    let depot =
        state.references.depot(&*state.store, id).await?.ok_or_else(|| AppError::NotFound(format!("no depot {id}")))?;
    if can_read(&actor.user, &depot) { Ok(depot) } else { Err(AppError::Forbidden(format!("depot {id} is not yours"))) }
}

async fn operable_depot(state: &AppState, actor: &Actor, id: i64) -> AppResult<Arc<Depot>> {
    let depot = readable_depot(state, actor, id).await?;
    if can_operate(&actor.user, &depot) {
        Ok(depot)
    } else {
        Err(AppError::Forbidden(format!("you may not move stock in depot {id}")))
    }
}

/// Depots in the caller's scope with load and readiness.
#[utoipa::path(get, path = "/api/v1/depots", tag = "depots", security(("bearer" = [])), responses((status = 200, body = [DepotSummary])))]
async fn list_depots(State(state): State<AppState>, actor: Actor) -> AppResult<Json<Vec<DepotSummary>>> {
    Ok(Json(snapshot(&state, &actor).await?.summaries()))
}

#[derive(Serialize, ToSchema)]
pub struct DepotEntry {
    pub id: i64,
    pub name: String,
    pub tier: Tier,
    pub area_code: String,
    pub status: String,
}

/// Every depot's name and place, for choosing where to send a transfer (no stock figures).
#[utoipa::path(get, path = "/api/v1/depots/directory", tag = "depots", security(("bearer" = [])),
    responses((status = 200, body = [DepotEntry])))]
async fn depot_directory(State(state): State<AppState>, _actor: Actor) -> AppResult<Json<Vec<DepotEntry>>> {
    let depots = state.store.list_depots().await?;
    Ok(Json(
        depots
            .into_iter()
            .map(|d| DepotEntry { id: d.id, name: d.name, tier: d.tier, area_code: d.area_code, status: d.status })
            .collect(),
    ))
}

/// One depot with its reserve targets.
#[utoipa::path(get, path = "/api/v1/depots/{id}", tag = "depots", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = DepotDetail), (status = 403), (status = 404)))]
async fn get_depot(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<DepotDetail>> {
    readable_depot(&state, &actor, id).await?;
    let snapshot = snapshot(&state, &actor).await?;
    let summary =
        snapshot.summaries().into_iter().find(|s| s.depot.id == id).expect("readable depot is in the snapshot");
    let targets = snapshot.targets.into_iter().filter(|(d, _)| *d == id).map(|(_, t)| t).collect();
    Ok(Json(DepotDetail { summary, targets }))
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepotInput {
    pub name: Option<String>,
    pub tier: Option<Tier>,
    pub area_code: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub capacity_m3: Option<i64>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// active or inactive
    pub status: Option<String>,
    /// Reserve plan: how much of each item the depot should hold (replaces the old targets).
    pub targets: Option<Vec<Target>>,
}

/// Merges `input` over `current` (None for a new depot) and checks the result.
async fn depot_fields(
    state: &AppState,
    actor: &Actor,
    input: DepotInput,
    current: Option<&Depot>,
    current_targets: Vec<Target>,
) -> AppResult<DepotFields> {
    let mut problems = Vec::new();
    let mut need = |field: &str| problems.push(FieldError::new(field, "required"));
    let name = input.name.or_else(|| current.map(|d| d.name.clone())).unwrap_or_default();
    if name.trim().is_empty() {
        need("name");
    }
    let tier = input.tier.or(current.map(|d| d.tier));
    if tier.is_none() {
        need("tier");
    }
    let area_code = input.area_code.or_else(|| current.map(|d| d.area_code.clone())).unwrap_or_default();
    let (lon, lat) = (input.lon.or(current.map(|d| d.lon)), input.lat.or(current.map(|d| d.lat)));
    if lon.is_none() || lat.is_none() {
        need("lon");
    }
    let capacity_m3 = input.capacity_m3.or(current.map(|d| d.capacity_m3)).unwrap_or(-1);
    if capacity_m3 < 0 {
        problems.push(FieldError::new("capacity_m3", "required, a whole number of m³ ≥ 0"));
    }
    let status = input.status.or_else(|| current.map(|d| d.status.clone())).unwrap_or_else(|| "active".into());
    if !["active", "inactive"].contains(&status.as_str()) {
        problems.push(FieldError::new("status", "active or inactive"));
    }
    if state.store.get_area(&area_code).await?.is_none() {
        problems.push(FieldError::new("area_code", format!("unknown area {area_code:?}")));
    }
    let cell = match (lon, lat) {
        (Some(lon), Some(lat)) => cell_of(lon, lat, state.settings.coverage_resolution())
            .map_err(|reason| problems.push(FieldError::new("lon", reason)))
            .unwrap_or_default(),
        _ => 0,
    };
    let targets = input.targets.unwrap_or(current_targets);
    let items = state.store.list_items().await?;
    for target in &targets {
        if !items.iter().any(|i| i.code == target.item) {
            problems.push(FieldError::new("targets", format!("unknown item {:?}", target.item)));
        }
        if target.quantity < 0 {
            problems.push(FieldError::new("targets", "quantities cannot be negative"));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid depot", problems));
    }
    actor.require_area(&area_code)?;
    Ok(DepotFields {
        name: name.trim().to_owned(),
        tier: tier.expect("checked").as_str().to_owned(),
        area_code,
        lon: lon.expect("checked"),
        lat: lat.expect("checked"),
        cell,
        capacity_m3,
        contact_name: input.contact_name.or_else(|| current.and_then(|d| d.contact_name.clone())),
        contact_phone: input.contact_phone.or_else(|| current.and_then(|d| d.contact_phone.clone())),
        status,
        targets,
    })
}

/// Creates a depot (admin, or a manager within scope).
#[utoipa::path(post, path = "/api/v1/depots", tag = "depots", security(("bearer" = [])), request_body = DepotInput,
    responses((status = 201, body = DepotDetail), (status = 403), (status = 422)))]
async fn create_depot(
    State(state): State<AppState>,
    actor: Actor,
    Json(input): Json<DepotInput>,
) -> AppResult<(StatusCode, Json<DepotDetail>)> {
    actor.require_role(&[Role::Admin, Role::Manager])?;
    let fields = depot_fields(&state, &actor, input, None, Vec::new()).await?;
    let audit = actor
        .audit("depot.create", "depot", "")
        .with_after(serde_json::json!({"name": fields.name, "area_code": fields.area_code}));
    let id = state.store.create_depot(&fields, &audit).await?;
    let Json(detail) = get_depot(State(state), actor, Path(id)).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// Edits a depot (admin, or a manager within scope); omitted fields keep their values.
#[utoipa::path(patch, path = "/api/v1/depots/{id}", tag = "depots", security(("bearer" = [])), request_body = DepotInput,
    params(("id" = i64, Path)), responses((status = 200, body = DepotDetail), (status = 403), (status = 404), (status = 422)))]
async fn update_depot(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(input): Json<DepotInput>,
) -> AppResult<Json<DepotDetail>> {
    actor.require_role(&[Role::Admin, Role::Manager])?;
    let depot = readable_depot(&state, &actor, id).await?;
    actor.require_area(&depot.area_code)?;
    let targets: Vec<Target> =
        state.store.targets().await?.into_iter().filter(|(d, _)| *d == id).map(|(_, t)| t).collect();
    let fields = depot_fields(&state, &actor, input, Some(&depot), targets.clone()).await?;
    let audit = actor
        .audit("depot.update", "depot", id.to_string())
        .with_before(serde_json::json!({"depot": depot, "targets": targets}))
        .with_after(serde_json::json!({"name": fields.name, "status": fields.status, "capacity_m3": fields.capacity_m3, "targets": fields.targets}));
    state.store.update_depot(id, &fields, &audit).await?;
    state.references.forget_depot(id);
    get_depot(State(state), actor, Path(id)).await
}

/// Stock per item: on hand, reserved, available, the reserve target and the lots with expiry.
#[utoipa::path(get, path = "/api/v1/depots/{id}/stock", tag = "depots", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = [StockLine]), (status = 403), (status = 404)))]
async fn depot_stock(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<StockLine>>> {
    readable_depot(&state, &actor, id).await?;
    Ok(Json(stock_lines(&state, id).await?))
}

async fn stock_lines(state: &AppState, depot_id: i64) -> AppResult<Vec<StockLine>> {
    let items = state.store.list_items().await?;
    let balances: Vec<_> = state.store.balances().await?.into_iter().filter(|b| b.depot_id == depot_id).collect();
    let lots: Vec<_> = state.store.lots().await?.into_iter().filter(|l| l.depot_id == depot_id).collect();
    let targets: Vec<_> =
        state.store.targets().await?.into_iter().filter(|(d, _)| *d == depot_id).map(|(_, t)| t).collect();
    Ok(items
        .iter()
        .filter_map(|item| {
            let balance = balances.iter().find(|b| b.item_code == item.code);
            let target = targets.iter().find(|t| t.item == item.code).map(|t| t.quantity);
            if balance.is_none() && target.is_none() {
                return None;
            }
            let (on_hand, reserved) = balance.map_or((0, 0), |b| (b.on_hand, b.reserved));
            Some(StockLine {
                item: item.code.clone(),
                name_zh: item.name_zh.clone(),
                name_en: item.name_en.clone(),
                unit: item.unit.clone(),
                on_hand,
                reserved,
                available: on_hand - reserved,
                target,
                lots: lots
                    .iter()
                    .filter(|l| l.item_code == item.code)
                    .map(|l| super::Lot { lot: l.lot.clone(), quantity: l.quantity, expires_on: l.expires_on })
                    .collect(),
            })
        })
        .collect())
}

// ---- the ledger ------------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct MovementQuery {
    pub kind: Option<String>,
    pub item: Option<String>,
    /// Only movements older than this id (the `next_before_id` of the previous page).
    pub before_id: Option<i64>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct MovementPage {
    pub movements: Vec<Movement>,
    pub next_before_id: Option<i64>,
}

/// The depot's ledger, newest first.
#[utoipa::path(get, path = "/api/v1/depots/{id}/movements", tag = "depots", security(("bearer" = [])),
    params(("id" = i64, Path), MovementQuery), responses((status = 200, body = MovementPage), (status = 403), (status = 404)))]
async fn list_movements(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<MovementQuery>,
) -> AppResult<Json<MovementPage>> {
    readable_depot(&state, &actor, id).await?;
    let limit = query.limit.unwrap_or(50).clamp(1, 500);
    let filter = MovementFilter { kind: query.kind, item: query.item, before_id: query.before_id, limit };
    let movements = state.store.list_movements(id, &filter).await?;
    let next_before_id = (movements.len() as i64 == limit).then(|| movements.last().map(|m| m.id)).flatten();
    Ok(Json(MovementPage { movements, next_before_id }))
}

/// Records a receipt, issue, transfer or adjustment. With an `Idempotency-Key`, a retried
/// request applies once and returns the first result; the same key with another body is a 422.
#[utoipa::path(post, path = "/api/v1/depots/{id}/movements", tag = "depots", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    request_body = MovementRequest,
    responses((status = 201, body = Movement), (status = 403), (status = 404),
              (status = 409, description = "not enough available; details.available says how much"), (status = 422)))]
async fn post_movement(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Movement>)> {
    operable_depot(&state, &actor, id).await?;
    let claim = crate::idempotency::claim_from(&headers, format!("{}:depot-movement:{id}", actor.user.id), &body)?;
    let request: MovementRequest = parse_body(body)?;
    let item = state.references.item(&*state.store, &request.item).await?;
    let to_depot_exists = match request.to_depot {
        Some(to) => state.references.depot(&*state.store, to).await?.is_some_and(|d| d.status == "active"),
        None => false,
    };
    let today = crate::clock::today();
    let default_lot = format!("R{}-{}", today.format("%Y%m%d"), &uuid::Uuid::new_v4().simple().to_string()[..6]);
    let operation = validate(&request, id, item.as_deref(), to_depot_exists, today, &default_lot)
        .map_err(|problems| AppError::invalid("invalid stock movement", problems))?;
    let audit = actor.audit("stock.movement", "stock_movement", "");
    let applied = match state.store.apply_movement(&operation, claim.as_ref(), &audit).await {
        // Two retries raced with the same key: the loser finds the winner's result.
        Err(StockError::Db(e)) if claim.is_some() && crate::idempotency::is_key_race(&e) => {
            state.store.apply_movement(&operation, claim.as_ref(), &audit).await?
        }
        other => other?,
    };
    let movement = match applied {
        Applied::New(movement) => *movement,
        Applied::Replayed(id) => {
            state.store.get_movement(id).await?.ok_or_else(|| AppError::NotFound("movement vanished".into()))?
        }
    };
    Ok((StatusCode::CREATED, Json(movement)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct TransferQuery {
    pub depot_id: Option<i64>,
    /// in_transit or received
    pub status: Option<String>,
}

/// Transfers from or to the caller's depots.
#[utoipa::path(get, path = "/api/v1/transfers", tag = "depots", security(("bearer" = [])), params(TransferQuery),
    responses((status = 200, body = [Transfer])))]
async fn list_transfers(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<TransferQuery>,
) -> AppResult<Json<Vec<Transfer>>> {
    let depots = state.store.list_depots().await?;
    let visible = |id: i64| depots.iter().any(|d| d.id == id && can_read(&actor.user, d));
    let transfers = state.store.list_transfers(query.depot_id, query.status.as_deref()).await?;
    Ok(Json(transfers.into_iter().filter(|t| visible(t.from_depot_id) || visible(t.to_depot_id)).collect()))
}

/// Confirms the arrival of a transfer at the receiving depot (its keepers or a manager).
#[utoipa::path(post, path = "/api/v1/transfers/{id}/receive", tag = "depots", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = Transfer), (status = 403), (status = 404), (status = 409)))]
async fn receive_transfer(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Json<Transfer>> {
    let transfer =
        state.store.get_transfer(id).await?.ok_or_else(|| AppError::NotFound(format!("no transfer {id}")))?;
    operable_depot(&state, &actor, transfer.to_depot_id).await?;
    let audit = actor.audit("stock.transfer_received", "transfer", id.to_string());
    state.store.receive_transfer(id, &audit).await?;
    Ok(Json(state.store.get_transfer(id).await?.expect("transfer exists")))
}

// ---- derived views ---------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct AlertQuery {
    /// Flag lots expiring within this many days (default from configuration, 90).
    pub expiring_within_days: Option<i64>,
}

/// Stock below the reserve target, lots expiring soon, depots over capacity.
#[utoipa::path(get, path = "/api/v1/stock/alerts", tag = "depots", security(("bearer" = [])), params(AlertQuery),
    responses((status = 200, body = Alerts)))]
async fn stock_alerts(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<AlertQuery>,
) -> AppResult<Json<Alerts>> {
    let days = query.expiring_within_days.unwrap_or(state.settings.expiry_alert_days);
    if !(0..=3650).contains(&days) {
        return Err(AppError::invalid_field("expiring_within_days", "0–3650"));
    }
    Ok(Json(snapshot(&state, &actor).await?.alerts(crate::clock::today(), days)))
}

/// Reserve readiness per county: people the stock within reach can serve under each aid type's norms.
#[utoipa::path(get, path = "/api/v1/stock/readiness", tag = "depots", security(("bearer" = [])),
    responses((status = 200, body = [CountyReadiness])))]
async fn stock_readiness(State(state): State<AppState>, actor: Actor) -> AppResult<Json<Vec<CountyReadiness>>> {
    let filter = crate::areas::store::AreaFilter {
        level: Some("county".into()),
        parent_code: None,
        scope_pattern: actor.user.scope_pattern(),
    };
    let counties: Vec<(String, String, Option<i64>)> =
        state.store.list_areas(&filter).await?.into_iter().map(|a| (a.code, a.name, a.population)).collect();
    // Readiness counts all stock within reach, including depots a keeper does not work in.
    let everyone = Actor { user: crate::auth::User { role: Role::Auditor, ..actor.user.clone() }, request_id: None };
    let snapshot = snapshot(&state, &everyone).await?;
    Ok(Json(snapshot.readiness(&counties, state.settings.persons_per_household)))
}

/// Depots as GeoJSON points with readiness and stock, for the map.
#[utoipa::path(get, path = "/api/v1/map/depots.geojson", tag = "depots", security(("bearer" = [])),
    responses((status = 200, content_type = "application/geo+json", body = Object)))]
async fn map_depots(State(state): State<AppState>, actor: Actor) -> AppResult<Response> {
    let features: Vec<Value> = snapshot(&state, &actor)
        .await?
        .summaries()
        .into_iter()
        .map(|s| {
            serde_json::json!({
                "type": "Feature",
                "id": s.depot.id,
                "geometry": {"type": "Point", "coordinates": [s.depot.lon, s.depot.lat]},
                "properties": {"id": s.depot.id, "name": s.depot.name, "tier": s.depot.tier, "area_code": s.depot.area_code,
                               "readiness": s.readiness, "status": s.depot.status, "stock_units": s.stock_units},
            })
        })
        .collect();
    let body = serde_json::json!({"type": "FeatureCollection", "features": features}).to_string();
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body).into_response())
}

// ---- exports ---------------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct ExportQuery {
    pub depot_id: i64,
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub format: Format,
}

/// The depot's stock card (库存卡): one row per lot, as CSV or XLSX with Chinese headers.
#[utoipa::path(get, path = "/api/v1/exports/stock-card", tag = "depots", security(("bearer" = [])), params(ExportQuery),
    responses((status = 200, description = "CSV or XLSX file"), (status = 403), (status = 404)))]
async fn export_stock_card(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ExportQuery>,
) -> AppResult<Response> {
    let depot = readable_depot(&state, &actor, query.depot_id).await?;
    let mut rows = Vec::new();
    for line in stock_lines(&state, depot.id).await? {
        let common = |lot: Cell, quantity: Cell, expires: Cell| -> Vec<Cell> {
            vec![
                depot.name.as_str().into(),
                line.item.as_str().into(),
                line.name_zh.as_str().into(),
                line.unit.as_str().into(),
                line.on_hand.into(),
                line.reserved.into(),
                line.available.into(),
                line.target.into(),
                lot,
                quantity,
                expires,
            ]
        };
        if line.lots.is_empty() {
            rows.push(common(Cell::Empty, Cell::Empty, Cell::Empty));
        }
        for lot in &line.lots {
            rows.push(common(
                lot.lot.as_str().into(),
                lot.quantity.into(),
                lot.expires_on.map(|d| d.to_string()).into(),
            ));
        }
    }
    Table {
        name: format!("stock-card-depot-{}", depot.id),
        title: "库存卡".into(),
        headers: vec![
            "储备库",
            "物资编码",
            "物资名称",
            "单位",
            "库存数量",
            "已预留",
            "可用数量",
            "储备定额",
            "批次",
            "批次数量",
            "有效期至",
        ],
        rows,
    }
    .into_response(query.format)
}

/// The depot's ledger (出入库台账), oldest first, as CSV or XLSX with Chinese headers.
#[utoipa::path(get, path = "/api/v1/exports/ledger", tag = "depots", security(("bearer" = [])), params(ExportQuery),
    responses((status = 200, description = "CSV or XLSX file"), (status = 403), (status = 404)))]
async fn export_ledger(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ExportQuery>,
) -> AppResult<Response> {
    let depot = readable_depot(&state, &actor, query.depot_id).await?;
    let mut movements = Vec::new();
    let mut before_id = None;
    loop {
        let filter = MovementFilter { kind: None, item: None, before_id, limit: 500 };
        let page = state.store.list_movements(depot.id, &filter).await?;
        before_id = page.last().map(|m| m.id);
        let done = page.len() < 500;
        movements.extend(page);
        if done {
            break;
        }
    }
    movements.reverse();
    let rows = movements
        .iter()
        .flat_map(|m| {
            m.lines.iter().map(move |line| {
                vec![
                    m.id.into(),
                    m.created_at.with_timezone(&crate::clock::beijing()).format("%Y-%m-%d %H:%M").to_string().into(),
                    kind_zh(m.kind).into(),
                    m.item.as_str().into(),
                    line.lot.clone().into(),
                    line.expires_on.map(|d| d.to_string()).into(),
                    line.on_hand_delta.into(),
                    line.reserved_delta.into(),
                    m.source.clone().into(),
                    m.donor.clone().into(),
                    m.reason.clone().into(),
                    m.to_depot.into(),
                    m.note.clone().into(),
                    m.actor_name.as_str().into(),
                ]
            })
        })
        .collect();
    Table {
        name: format!("ledger-depot-{}", depot.id),
        title: "出入库台账".into(),
        headers: vec![
            "流水号",
            "时间(北京时间)",
            "类型",
            "物资编码",
            "批次",
            "有效期至",
            "库存变动",
            "预留变动",
            "来源",
            "捐赠方",
            "调整原因",
            "调入库",
            "备注",
            "经办人",
        ],
        rows,
    }
    .into_response(query.format)
}

fn kind_zh(kind: super::MovementKind) -> &'static str {
    use super::MovementKind::*;
    match kind {
        Receipt => "入库",
        Issue => "出库",
        TransferOut => "调出",
        TransferIn => "调入",
        Adjustment => "盘点调整",
        Reservation => "预留",
        Release => "释放预留",
        Dispatch => "调运发出",
    }
}

// ---- keepers ---------------------------------------------------------------------------------

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DepotAssignment {
    pub depot_ids: Vec<i64>,
}

/// Binds a depot keeper to depots (admin).
#[utoipa::path(put, path = "/api/v1/users/{id}/depots", tag = "auth", security(("bearer" = [])), request_body = DepotAssignment,
    params(("id" = i64, Path)), responses((status = 200, body = DepotAssignment), (status = 403), (status = 404), (status = 422)))]
async fn assign_user_depots(
    State(state): State<AppState>,
    actor: Actor,
    Path(user_id): Path<i64>,
    Json(assignment): Json<DepotAssignment>,
) -> AppResult<Json<DepotAssignment>> {
    actor.require_role(&[Role::Admin])?;
    let users = state.store.list_users().await?;
    let user =
        users.iter().find(|u| u.id == user_id).ok_or_else(|| AppError::NotFound(format!("no user {user_id}")))?;
    if user.role != Role::DepotStaff {
        return Err(AppError::invalid_field("user", "only depot staff are bound to depots"));
    }
    let depots = state.store.list_depots().await?;
    let unknown: Vec<i64> =
        assignment.depot_ids.iter().copied().filter(|id| !depots.iter().any(|d| d.id == *id)).collect();
    if !unknown.is_empty() {
        return Err(AppError::invalid_field("depot_ids", format!("unknown depots {unknown:?}")));
    }
    let audit = actor
        .audit("user.assign_depots", "user", user_id.to_string())
        .with_before(serde_json::json!({"depot_ids": state.store.user_depot_ids(user_id).await?}))
        .with_after(serde_json::json!({"depot_ids": assignment.depot_ids}));
    state.store.assign_depots(user_id, &assignment.depot_ids, &audit).await?;
    state.sessions.forget_all();
    Ok(Json(assignment))
}
