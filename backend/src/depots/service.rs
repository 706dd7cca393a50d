//! Depot use-cases: what a caller sees of the depots and their stock, editing items and depots,
//! recording stock movements and receiving transfers, readiness per county, keepers' depots.
//! Each returns an `AppError`; handlers check the caller's role first.

use std::sync::Arc;

use serde::Deserialize;
use utoipa::ToSchema;

use super::cache::ReferenceCache;
use super::rules::{CountyReadiness, MovementRequest, Snapshot, fleet_problems, item_problems, validate};
use super::store::{Applied, DepotFields, DepotStore, MovementFilter, StockError};
use super::{Depot, Fleet, Item, Lot, Movement, StockLine, Target, Tier, Transfer, can_operate, can_read};
use crate::areas::import::cell_of;
use crate::areas::store::{AreaFilter, AreaStore};
use crate::areas::{AreaCode, Level};
use crate::auth::store::AuthStore;
use crate::auth::{Actor, Role, User};
use crate::config::Settings;
use crate::error::{AppError, AppResult, FieldError};
use crate::idempotency::IdempotencyClaim;
use crate::said;

impl From<StockError> for AppError {
    fn from(error: StockError) -> Self {
        match error {
            StockError::Insufficient { available } => AppError::Conflict {
                said: said!("stock_insufficient", "only {available} available", available = available),
                details: Some(serde_json::json!({ "available": available })),
            },
            StockError::LotShort { lot, available } => AppError::Conflict {
                said: said!("lot_short", "lot {lot} holds only {available}", lot = lot.clone(), available = available),
                details: Some(serde_json::json!({ "lot": lot, "available": available })),
            },
            StockError::UnknownLot(lot) => {
                AppError::invalid_field("lot", said!("lot_unknown", "unknown lot {lot}", lot = lot))
            }
            StockError::LotExpiryMismatch { lot, expires_on } => AppError::invalid_field(
                "expires_on",
                said!(
                    "lot_expiry_mismatch",
                    "lot {lot} already expires on {expires}",
                    lot = lot,
                    expires = expires_on.map_or_else(|| "—".to_owned(), |d| d.to_string())
                ),
            ),
            StockError::KeyReused => AppError::invalid_field("Idempotency-Key", crate::idempotency::key_reused()),
            StockError::AlreadyReceived => {
                AppError::conflict(said!("transfer_already_received", "the transfer was already received"))
            }
            StockError::InactiveDestination(depot) => AppError::invalid_field(
                "to_depot",
                said!("depot_inactive", "depot {depot} is not active", depot = depot),
            ),
            StockError::Db(e) => e.into(),
        }
    }
}

/// Adds or replaces an item in the catalogue.
pub async fn save_item<S: DepotStore + ?Sized>(
    store: &S,
    cache: &ReferenceCache,
    actor: &Actor,
    item: Item,
) -> AppResult<Item> {
    let problems = item_problems(&item);
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid item", problems));
    }
    let audit = actor.audit("item.upsert", "item", &item.code).with_after(&item);
    store.upsert_item(&item, &audit).await?;
    cache.forget_item(&item.code);
    Ok(item)
}

/// Depots, their load and readiness, and the stock they hold, as visible to `user`.
pub async fn snapshot<S: DepotStore + ?Sized>(store: &S, user: &User) -> AppResult<Snapshot> {
    let depots: Vec<Depot> = store.list_depots().await?.into_iter().filter(|d| can_read(user, d)).collect();
    let visible = |id: &i64| depots.iter().any(|d| d.id == *id);
    Ok(Snapshot {
        items: store.list_items().await?,
        balances: store.balances().await?.into_iter().filter(|b| visible(&b.depot_id)).collect(),
        lots: store.lots().await?.into_iter().filter(|l| visible(&l.depot_id)).collect(),
        targets: store.targets().await?.into_iter().filter(|(d, _)| visible(d)).collect(),
        depots,
    })
}

pub async fn readable_depot<S: DepotStore + ?Sized>(
    store: &S,
    cache: &ReferenceCache,
    user: &User,
    id: i64,
) -> AppResult<Arc<Depot>> {
    let depot = cache.depot(store, id).await?.ok_or_else(|| AppError::NotFound(format!("no depot {id}")))?;
    if can_read(user, &depot) { Ok(depot) } else { Err(AppError::Forbidden(format!("depot {id} is not yours"))) }
}

pub async fn operable_depot<S: DepotStore + ?Sized>(
    store: &S,
    cache: &ReferenceCache,
    user: &User,
    id: i64,
) -> AppResult<Arc<Depot>> {
    let depot = readable_depot(store, cache, user, id).await?;
    if can_operate(user, &depot) {
        Ok(depot)
    } else {
        Err(AppError::Forbidden(format!("you may not move stock in depot {id}")))
    }
}

async fn targets_of<S: DepotStore + ?Sized>(store: &S, depot_id: i64) -> AppResult<Vec<Target>> {
    Ok(store.targets().await?.into_iter().filter(|(d, _)| *d == depot_id).map(|(_, t)| t).collect())
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepotInput {
    pub name: Option<String>,
    pub tier: Option<Tier>,
    pub area_code: Option<AreaCode>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub capacity_m3: Option<i64>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    /// active or inactive
    pub status: Option<String>,
    /// Reserve plan: how much of each item the depot should hold (replaces the old targets).
    pub targets: Option<Vec<Target>>,
    /// The depot's own trucks; null stops counting them, omitted keeps them.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Fleet>)]
    pub fleet: Option<Option<Fleet>>,
}

/// Tells a field sent as null (Some(None)) from one left out (None, by `serde(default)`).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Merges `input` over `current` (None for a new depot) and checks the result.
async fn depot_fields<S: AreaStore + DepotStore + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    input: DepotInput,
    current: Option<&Depot>,
    current_targets: Vec<Target>,
) -> AppResult<DepotFields> {
    let mut problems = Vec::new();
    let mut need = |field: &str| problems.push(FieldError::new(field, said!("required", "required")));
    let name = input.name.or_else(|| current.map(|d| d.name.clone())).unwrap_or_default();
    if name.trim().is_empty() {
        need("name");
    }
    let tier = input.tier.or(current.map(|d| d.tier));
    if tier.is_none() {
        need("tier");
    }
    let area_code = input.area_code.or_else(|| current.map(|d| d.area_code.clone()));
    let (lon, lat) = (input.lon.or(current.map(|d| d.lon)), input.lat.or(current.map(|d| d.lat)));
    if lon.is_none() || lat.is_none() {
        need("lon");
    }
    let capacity_m3 = input.capacity_m3.or(current.map(|d| d.capacity_m3)).unwrap_or(-1);
    if capacity_m3 < 0 {
        problems.push(FieldError::new("capacity_m3", said!("capacity_required", "required, a whole number of m³ ≥ 0")));
    }
    let status = input.status.or_else(|| current.map(|d| d.status.clone())).unwrap_or_else(|| "active".into());
    if !["active", "inactive"].contains(&status.as_str()) {
        problems.push(FieldError::new("status", said!("depot_status", "active or inactive")));
    }
    match &area_code {
        None => problems.push(FieldError::new("area_code", said!("required", "required"))),
        Some(code) if store.get_area(code).await?.is_none() => {
            problems.push(FieldError::new("area_code", said!("area_unknown", "unknown area {area}", area = code)))
        }
        Some(_) => {}
    }
    let cell = match (lon, lat) {
        (Some(lon), Some(lat)) => cell_of(lon, lat, settings.coverage_resolution())
            .map_err(|reason| problems.push(FieldError::new("lon", reason)))
            .unwrap_or_default(),
        _ => 0,
    };
    let fleet = input.fleet.unwrap_or_else(|| current.and_then(|d| d.fleet));
    problems.extend(fleet.iter().flat_map(fleet_problems));
    let targets = input.targets.unwrap_or(current_targets);
    let items = store.list_items().await?;
    for target in &targets {
        if !items.iter().any(|i| i.code == target.item) {
            problems
                .push(FieldError::new("targets", said!("item_unknown", "unknown item {item:?}", item = &target.item)));
        }
        if target.quantity < 0 {
            problems.push(FieldError::new("targets", said!("negative", "cannot be negative")));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid depot", problems));
    }
    let area_code = area_code.expect("checked");
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
        fleet,
        targets,
    })
}

/// Creates a depot in the caller's scope; answers its id.
pub async fn create_depot<S: AreaStore + DepotStore + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    input: DepotInput,
) -> AppResult<i64> {
    let fields = depot_fields(store, settings, actor, input, None, Vec::new()).await?;
    let audit = actor
        .audit("depot.create", "depot", "")
        .with_after(serde_json::json!({"name": fields.name, "area_code": fields.area_code}));
    Ok(store.create_depot(&fields, &audit).await?)
}

/// Edits a depot in the caller's scope; omitted fields keep their values.
pub async fn update_depot<S: AreaStore + DepotStore + ?Sized>(
    store: &S,
    cache: &ReferenceCache,
    settings: &Settings,
    actor: &Actor,
    id: i64,
    input: DepotInput,
) -> AppResult<()> {
    let depot = readable_depot(store, cache, &actor.user, id).await?;
    actor.require_area(&depot.area_code)?;
    let targets = targets_of(store, id).await?;
    let fields = depot_fields(store, settings, actor, input, Some(&depot), targets.clone()).await?;
    let audit = actor
        .audit("depot.update", "depot", id.to_string())
        .with_before(serde_json::json!({"depot": depot, "targets": targets}))
        .with_after(serde_json::json!({"name": fields.name, "status": fields.status, "capacity_m3": fields.capacity_m3, "fleet": fields.fleet, "targets": fields.targets}));
    store.update_depot(id, &fields, &audit).await?;
    cache.forget_depot(id);
    Ok(())
}

/// Per item the depot holds or should hold: on hand, reserved, available, target and lots.
pub async fn stock_lines<S: DepotStore + ?Sized>(store: &S, depot_id: i64) -> AppResult<Vec<StockLine>> {
    let items = store.list_items().await?;
    let balances: Vec<_> = store.balances().await?.into_iter().filter(|b| b.depot_id == depot_id).collect();
    let lots: Vec<_> = store.lots().await?.into_iter().filter(|l| l.depot_id == depot_id).collect();
    let targets = targets_of(store, depot_id).await?;
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
                    .map(|l| Lot { lot: l.lot.clone(), quantity: l.quantity, expires_on: l.expires_on })
                    .collect(),
            })
        })
        .collect())
}

/// Records a receipt, issue, transfer or adjustment in a depot the caller operates. With an
/// idempotency claim, a retried request applies once and answers the first result.
pub async fn record_movement<S: DepotStore + ?Sized>(
    store: &S,
    cache: &ReferenceCache,
    actor: &Actor,
    depot_id: i64,
    request: MovementRequest,
    claim: Option<&IdempotencyClaim>,
) -> AppResult<Movement> {
    let item = cache.item(store, &request.item).await?;
    let to_depot_exists = match request.to_depot {
        Some(to) => cache.depot(store, to).await?.is_some_and(|d| d.status == "active"),
        None => false,
    };
    let today = crate::clock::today();
    let default_lot = format!("R{}-{}", today.format("%Y%m%d"), &uuid::Uuid::new_v4().simple().to_string()[..6]);
    let operation = validate(&request, depot_id, item.as_deref(), to_depot_exists, today, &default_lot)
        .map_err(|problems| AppError::invalid("invalid stock movement", problems))?;
    let audit = actor.audit("stock.movement", "stock_movement", "");
    let applied = match store.apply_movement(&operation, claim, &audit).await {
        // Two retries raced with the same key: the loser finds the winner's result.
        Err(StockError::Db(e)) if claim.is_some() && crate::idempotency::is_key_race(&e) => {
            store.apply_movement(&operation, claim, &audit).await?
        }
        other => other?,
    };
    match applied {
        Applied::New(movement) => Ok(*movement),
        Applied::Replayed(id) => {
            store.get_movement(id).await?.ok_or_else(|| AppError::NotFound("movement vanished".into()))
        }
    }
}

/// The depot's whole ledger, oldest first.
pub async fn ledger<S: DepotStore + ?Sized>(store: &S, depot_id: i64) -> AppResult<Vec<Movement>> {
    const PAGE: i64 = 500;
    let mut movements = Vec::new();
    let mut before_id = None;
    loop {
        let filter = MovementFilter { kind: None, item: None, before_id, limit: PAGE };
        let page = store.list_movements(depot_id, &filter).await?;
        before_id = page.last().map(|m| m.id);
        let done = (page.len() as i64) < PAGE;
        movements.extend(page);
        if done {
            break;
        }
    }
    movements.reverse();
    Ok(movements)
}

/// Confirms a transfer's arrival at the receiving depot (which the caller operates). A transfer
/// to a depot the caller cannot see answers as one that does not exist.
pub async fn receive_transfer<S: DepotStore + ?Sized>(
    store: &S,
    cache: &ReferenceCache,
    actor: &Actor,
    id: i64,
) -> AppResult<Transfer> {
    let not_found = || AppError::NotFound(format!("no transfer {id}"));
    let transfer = store.get_transfer(id).await?.ok_or_else(not_found)?;
    let destination = cache.depot(store, transfer.to_depot_id).await?.ok_or_else(not_found)?;
    if !can_read(&actor.user, &destination) {
        return Err(not_found());
    }
    if !can_operate(&actor.user, &destination) {
        return Err(AppError::Forbidden(format!("you may not move stock in depot {}", destination.id)));
    }
    let audit = actor.audit("stock.transfer_received", "transfer", id.to_string());
    store.receive_transfer(id, &audit).await?;
    Ok(store.get_transfer(id).await?.expect("transfer exists"))
}

/// Reserve readiness of the counties in the caller's scope, counting all stock within reach
/// (including depots a keeper does not work in).
pub async fn readiness<S: AreaStore + DepotStore + ?Sized>(
    store: &S,
    settings: &Settings,
    user: &User,
) -> AppResult<Vec<CountyReadiness>> {
    let filter = AreaFilter {
        level: Some(Level::County.as_str().into()),
        parent_code: None,
        scope_pattern: user.scope_pattern(),
    };
    let counties: Vec<(AreaCode, String, Option<i64>)> =
        store.list_areas(&filter).await?.into_iter().map(|a| (a.code, a.name, a.population)).collect();
    let reader = User { role: Role::Auditor, ..user.clone() };
    Ok(snapshot(store, &reader).await?.readiness(&counties, settings.persons_per_household))
}

/// Binds a depot keeper to depots.
pub async fn assign_keeper_depots<S: AuthStore + DepotStore + ?Sized>(
    store: &S,
    actor: &Actor,
    user_id: i64,
    depot_ids: &[i64],
) -> AppResult<()> {
    let users = store.list_users().await?;
    let user =
        users.iter().find(|u| u.id == user_id).ok_or_else(|| AppError::NotFound(format!("no user {user_id}")))?;
    if user.role != Role::DepotStaff {
        return Err(AppError::invalid_field("user", said!("depot_staff_only", "only depot staff are bound to depots")));
    }
    let depots = store.list_depots().await?;
    let unknown: Vec<i64> = depot_ids.iter().copied().filter(|id| !depots.iter().any(|d| d.id == *id)).collect();
    if !unknown.is_empty() {
        return Err(AppError::invalid_field(
            "depot_ids",
            said!("depots_unknown", "unknown depots {depots:?}", depots = unknown),
        ));
    }
    let audit = actor
        .audit("user.assign_depots", "user", user_id.to_string())
        .with_before(serde_json::json!({"depot_ids": store.user_depot_ids(user_id).await?}))
        .with_after(serde_json::json!({"depot_ids": depot_ids}));
    store.assign_depots(user_id, depot_ids, &audit).await?;
    Ok(())
}
