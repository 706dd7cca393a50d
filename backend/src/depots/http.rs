use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

use super::rules::{Alerts, CountyReadiness, MovementRequest};
use super::service::{self, DepotInput};
use super::store::MovementFilter;
use super::{Depot, DepotDetail, DepotSummary, Item, Movement, StockLine, Tier, Transfer, can_read};
use crate::areas::AreaCode;
use crate::auth::{Actor, Role};
use crate::db::Change;
use crate::db::long_reads;
use crate::error::{AppError, AppResult};
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
        .routes(routes!(export_stock_card).layer(from_fn(long_reads)))
        .routes(routes!(export_ledger).layer(from_fn(long_reads)))
        .routes(routes!(assign_user_depots))
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
    let saved = service::save_item(&*state.store, &state.references, &actor, item).await?;
    state.changed(Change::Item(saved.code.clone())).await;
    Ok(Json(saved))
}

// ---- depots ----------------------------------------------------------------------------------

async fn readable_depot(state: &AppState, actor: &Actor, id: i64) -> AppResult<Arc<Depot>> {
    service::readable_depot(&*state.store, &state.references, &actor.user, id).await
}

/// Depots in the caller's scope with load and readiness.
#[utoipa::path(get, path = "/api/v1/depots", tag = "depots", security(("bearer" = [])), responses((status = 200, body = [DepotSummary])))]
async fn list_depots(State(state): State<AppState>, actor: Actor) -> AppResult<Json<Vec<DepotSummary>>> {
    Ok(Json(service::snapshot(&*state.store, &actor.user).await?.summaries()))
}

#[derive(Serialize, ToSchema)]
pub struct DepotEntry {
    pub id: i64,
    pub name: String,
    pub tier: Tier,
    pub area_code: AreaCode,
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
    let snapshot = service::snapshot(&*state.store, &actor.user).await?;
    let summary =
        snapshot.summaries().into_iter().find(|s| s.depot.id == id).expect("readable depot is in the snapshot");
    let targets = snapshot.targets.into_iter().filter(|(d, _)| *d == id).map(|(_, t)| t).collect();
    Ok(Json(DepotDetail { summary, targets }))
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
    let id = service::create_depot(&*state.store, &state.settings, &actor, input).await?;
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
    service::update_depot(&*state.store, &state.references, &state.settings, &actor, id, input).await?;
    state.changed(Change::Depot(id)).await;
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
    Ok(Json(service::stock_lines(&*state.store, id).await?))
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
    service::operable_depot(&*state.store, &state.references, &actor.user, id).await?;
    let claim = crate::idempotency::claim_from(&headers, format!("{}:depot-movement:{id}", actor.user.id), &body)?;
    let request: MovementRequest = parse_body(body)?;
    let movement =
        service::record_movement(&*state.store, &state.references, &actor, id, request, claim.as_ref()).await?;
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
    Ok(Json(service::receive_transfer(&*state.store, &state.references, &actor, id).await?))
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
        return Err(AppError::invalid_field("expiring_within_days", crate::said!("days_range", "0–3650")));
    }
    Ok(Json(service::snapshot(&*state.store, &actor.user).await?.alerts(crate::clock::today(), days)))
}

/// Reserve readiness per county: people the stock within reach can serve under each aid type's norms.
#[utoipa::path(get, path = "/api/v1/stock/readiness", tag = "depots", security(("bearer" = [])),
    responses((status = 200, body = [CountyReadiness])))]
async fn stock_readiness(State(state): State<AppState>, actor: Actor) -> AppResult<Json<Vec<CountyReadiness>>> {
    Ok(Json(service::readiness(&*state.store, &state.settings, &actor.user).await?))
}

/// Depots as GeoJSON points with readiness and stock, for the map.
#[utoipa::path(get, path = "/api/v1/map/depots.geojson", tag = "depots", security(("bearer" = [])),
    responses((status = 200, content_type = "application/geo+json", body = Object)))]
async fn map_depots(State(state): State<AppState>, actor: Actor) -> AppResult<Response> {
    let features: Vec<Value> = service::snapshot(&*state.store, &actor.user)
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
    for line in service::stock_lines(&*state.store, depot.id).await? {
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
    let movements = service::ledger(&*state.store, depot.id).await?;
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
    service::assign_keeper_depots(&*state.store, &actor, user_id, &assignment.depot_ids).await?;
    state.changed(Change::Sessions).await;
    Ok(Json(assignment))
}
