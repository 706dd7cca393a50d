//! The stock ledger in SQL. Every change runs in one transaction that updates the balance (with a
//! guard so it never goes negative), the lots, appends the movement and its lines, records the
//! idempotency key if any, and writes the audit record.

use chrono::{NaiveDate, Utc};
use sqlx::Transaction;
use sqlx::types::Json;

use super::rules::{StockOperation, pick_lots};
use super::{Balance, Depot, Fleet, Item, Lot, LotRow, Movement, MovementKind, MovementLine, Target, Transfer};
use crate::areas::AreaCode;
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::Backend;
use crate::db::for_both_backends;
use crate::idempotency::{Earlier, IdempotencyClaim};
use macro_rules_attribute::apply;

#[derive(Debug, Clone)]
pub enum Applied {
    /// Applied now: the movement as recorded (no need to read it back).
    New(Box<Movement>),
    /// The same key and body were applied before, as the movement with this id.
    Replayed(i64),
}

#[derive(Debug, thiserror::Error)]
pub enum StockError {
    #[error("only {available} available")]
    Insufficient { available: i64 },
    #[error("unknown lot {0}")]
    UnknownLot(String),
    #[error("lot {lot} holds only {available}")]
    LotShort { lot: String, available: i64 },
    #[error("lot {lot} already expires on {expires_on:?}")]
    LotExpiryMismatch { lot: String, expires_on: Option<NaiveDate> },
    #[error("{}", crate::idempotency::KEY_REUSED)]
    KeyReused,
    #[error("the transfer was already received")]
    AlreadyReceived,
    /// The receiving depot was closed (checked inside the movement's transaction, whatever a
    /// server's cache still says).
    #[error("depot {0} is not active")]
    InactiveDestination(i64),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Depot fields as created or edited.
#[derive(Debug, Clone)]
pub struct DepotFields {
    pub name: String,
    pub tier: String,
    pub area_code: AreaCode,
    pub lon: f64,
    pub lat: f64,
    pub cell: i64,
    pub capacity_m3: i64,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub status: String,
    pub fleet: Option<Fleet>,
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, Default)]
pub struct MovementFilter {
    pub kind: Option<String>,
    pub item: Option<String>,
    pub before_id: Option<i64>,
    pub limit: i64,
}

#[async_trait::async_trait]
pub trait DepotStore {
    async fn list_items(&self) -> sqlx::Result<Vec<Item>>;
    async fn get_item(&self, code: &str) -> sqlx::Result<Option<Item>>;
    async fn upsert_item(&self, item: &Item, audit: &AuditEntry) -> sqlx::Result<()>;
    async fn list_depots(&self) -> sqlx::Result<Vec<Depot>>;
    async fn get_depot(&self, id: i64) -> sqlx::Result<Option<Depot>>;
    async fn create_depot(&self, fields: &DepotFields, audit: &AuditEntry) -> sqlx::Result<i64>;
    async fn update_depot(&self, id: i64, fields: &DepotFields, audit: &AuditEntry) -> sqlx::Result<()>;
    async fn targets(&self) -> sqlx::Result<Vec<(i64, Target)>>;
    async fn balances(&self) -> sqlx::Result<Vec<Balance>>;
    async fn lots(&self) -> sqlx::Result<Vec<LotRow>>;
    /// Applies a validated operation (or replays an earlier one with the same idempotency key).
    async fn apply_movement(
        &self,
        operation: &StockOperation,
        claim: Option<&IdempotencyClaim>,
        audit: &AuditEntry,
    ) -> Result<Applied, StockError>;
    async fn get_movement(&self, id: i64) -> sqlx::Result<Option<Movement>>;
    async fn list_movements(&self, depot_id: i64, filter: &MovementFilter) -> sqlx::Result<Vec<Movement>>;
    async fn list_transfers(&self, depot_id: Option<i64>, status: Option<&str>) -> sqlx::Result<Vec<Transfer>>;
    async fn get_transfer(&self, id: i64) -> sqlx::Result<Option<Transfer>>;
    /// Books a transfer in at the receiving depot; returns the transfer_in movement.
    async fn receive_transfer(&self, id: i64, audit: &AuditEntry) -> Result<i64, StockError>;
    async fn assign_depots(&self, user_id: i64, depot_ids: &[i64], audit: &AuditEntry) -> sqlx::Result<()>;
}

const DEPOT_COLUMNS: &str = "depots.id, depots.name, depots.tier, depots.area_code, areas.name AS area_name, depots.lon, \
     depots.lat, depots.capacity_m3, depots.contact_name, depots.contact_phone, depots.status, depots.fleet";
const MOVEMENT_COLUMNS: &str = "id, depot_id, kind, item_code, quantity, source, donor, reason, note, to_depot_id, \
     transfer_id, reference, actor_name, created_at";
const TRANSFER_COLUMNS: &str = "transfers.id, from_depot_id, f.name AS from_depot_name, to_depot_id, t.name AS to_depot_name, \
     item_code, quantity, lots, transfers.status, transfers.created_at, created_by, received_at";

#[apply(for_both_backends!)]
impl DepotStore for Backends {
    async fn list_items(&self) -> sqlx::Result<Vec<Item>> {
        sqlx::query_as::<_, Item>(
            "SELECT code, name_zh, name_en, category, unit, unit_volume_dm3, unit_weight_g, shelf_life_days, norms
             FROM items ORDER BY category, code",
        )
        .fetch_all(self.reader())
        .await
    }

    async fn get_item(&self, code: &str) -> sqlx::Result<Option<Item>> {
        sqlx::query_as::<_, Item>(
            "SELECT code, name_zh, name_en, category, unit, unit_volume_dm3, unit_weight_g, shelf_life_days, norms
             FROM items WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(self.reader())
        .await
    }

    async fn upsert_item(&self, item: &Item, audit: &AuditEntry) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO items (code, name_zh, name_en, category, unit, unit_volume_dm3, unit_weight_g, shelf_life_days, norms, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,
               category = excluded.category, unit = excluded.unit, unit_volume_dm3 = excluded.unit_volume_dm3,
               unit_weight_g = excluded.unit_weight_g, shelf_life_days = excluded.shelf_life_days,
               norms = excluded.norms, updated_at = excluded.updated_at",
        )
        .bind(&item.code)
        .bind(&item.name_zh)
        .bind(&item.name_en)
        .bind(item.category.as_str())
        .bind(&item.unit)
        .bind(item.unit_volume_dm3)
        .bind(item.unit_weight_g)
        .bind(item.shelf_life_days)
        .bind(&item.norms)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await?;
        Self::commit_audited(tx, audit).await
    }

    async fn list_depots(&self) -> sqlx::Result<Vec<Depot>> {
        let sql = format!(
            "SELECT {DEPOT_COLUMNS} FROM depots JOIN areas ON areas.code = depots.area_code ORDER BY depots.id"
        );
        sqlx::query_as::<_, Depot>(sqlx::AssertSqlSafe(sql)).fetch_all(self.reader()).await
    }

    async fn get_depot(&self, id: i64) -> sqlx::Result<Option<Depot>> {
        let sql = format!(
            "SELECT {DEPOT_COLUMNS} FROM depots JOIN areas ON areas.code = depots.area_code WHERE depots.id = $1"
        );
        sqlx::query_as::<_, Depot>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn create_depot(&self, fields: &DepotFields, audit: &AuditEntry) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO depots (name, tier, area_code, lon, lat, cell, capacity_m3, contact_name, contact_phone, status, fleet, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        )
        .bind(&fields.name)
        .bind(&fields.tier)
        .bind(&fields.area_code)
        .bind(fields.lon)
        .bind(fields.lat)
        .bind(fields.cell)
        .bind(fields.capacity_m3)
        .bind(&fields.contact_name)
        .bind(&fields.contact_phone)
        .bind(&fields.status)
        .bind(fields.fleet.map(Json))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        Self::replace_targets(&mut tx, id, &fields.targets).await?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn update_depot(&self, id: i64, fields: &DepotFields, audit: &AuditEntry) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE depots SET name = $1, tier = $2, area_code = $3, lon = $4, lat = $5, cell = $6, capacity_m3 = $7,
               contact_name = $8, contact_phone = $9, status = $10, fleet = $11, updated_at = $12 WHERE id = $13",
        )
        .bind(&fields.name)
        .bind(&fields.tier)
        .bind(&fields.area_code)
        .bind(fields.lon)
        .bind(fields.lat)
        .bind(fields.cell)
        .bind(fields.capacity_m3)
        .bind(&fields.contact_name)
        .bind(&fields.contact_phone)
        .bind(&fields.status)
        .bind(fields.fleet.map(Json))
        .bind(Utc::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        Self::replace_targets(&mut tx, id, &fields.targets).await?;
        Self::commit_audited(tx, audit).await
    }

    async fn targets(&self) -> sqlx::Result<Vec<(i64, Target)>> {
        let rows: Vec<(i64, String, i64)> =
            sqlx::query_as("SELECT depot_id, item_code, quantity FROM depot_targets ORDER BY depot_id, item_code")
                .fetch_all(self.reader())
                .await?;
        Ok(rows.into_iter().map(|(depot, item, quantity)| (depot, Target { item, quantity })).collect())
    }

    async fn balances(&self) -> sqlx::Result<Vec<Balance>> {
        sqlx::query_as::<_, Balance>(
            "SELECT depot_id, item_code, on_hand, reserved FROM stock_balances ORDER BY depot_id, item_code",
        )
        .fetch_all(self.reader())
        .await
    }

    async fn lots(&self) -> sqlx::Result<Vec<LotRow>> {
        sqlx::query_as::<_, LotRow>(
            "SELECT depot_id, item_code, lot, quantity, expires_on FROM stock_lots WHERE quantity > 0
             ORDER BY depot_id, item_code, expires_on, lot",
        )
        .fetch_all(self.reader())
        .await
    }

    async fn apply_movement(
        &self,
        operation: &StockOperation,
        claim: Option<&IdempotencyClaim>,
        audit: &AuditEntry,
    ) -> Result<Applied, StockError> {
        let mut tx = self.begin().await?;
        match Self::earlier_use(&mut *tx, claim).await? {
            Earlier::None => {}
            Earlier::Replay(entity) => return Ok(Applied::Replayed(entity.parse().unwrap_or_default())),
            Earlier::Conflict => return Err(StockError::KeyReused),
        }
        if let (MovementKind::TransferOut, Some(to_depot)) = (operation.kind, operation.to_depot) {
            let status: Option<String> = sqlx::query_scalar("SELECT status FROM depots WHERE id = $1")
                .bind(to_depot)
                .fetch_optional(&mut *tx)
                .await?;
            if status.as_deref() != Some("active") {
                return Err(StockError::InactiveDestination(to_depot));
            }
        }
        let lines = Self::change_stock(&mut tx, operation).await?;
        let transfer_id = match (operation.kind, operation.to_depot) {
            (MovementKind::TransferOut, Some(to_depot)) => {
                let lots: Vec<Lot> = lines
                    .iter()
                    .map(|l| Lot {
                        lot: l.lot.clone().unwrap_or_default(),
                        quantity: -l.on_hand_delta,
                        expires_on: l.expires_on,
                    })
                    .collect();
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO transfers (from_depot_id, to_depot_id, item_code, quantity, lots, status, created_at, created_by)
                     VALUES ($1, $2, $3, $4, $5, 'in_transit', $6, $7) RETURNING id",
                )
                .bind(operation.depot_id)
                .bind(to_depot)
                .bind(&operation.item_code)
                .bind(-operation.delta)
                .bind(Json(&lots))
                .bind(Utc::now())
                .bind(&audit.actor_name)
                .fetch_one(&mut *tx)
                .await?;
                Some(id)
            }
            _ => None,
        };
        let movement = Self::insert_movement(&mut tx, operation, transfer_id, lines, audit).await?;
        Self::record_use(&mut tx, claim, &movement.id.to_string()).await?;
        tx.commit().await?;
        Ok(Applied::New(Box::new(movement)))
    }

    async fn get_movement(&self, id: i64) -> sqlx::Result<Option<Movement>> {
        let sql = format!("SELECT {MOVEMENT_COLUMNS} FROM stock_movements WHERE id = $1");
        let Some(mut movement) =
            sqlx::query_as::<_, Movement>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await?
        else {
            return Ok(None);
        };
        movement.lines = sqlx::query_as::<_, MovementLine>(
            "SELECT lot, expires_on, on_hand_delta, reserved_delta FROM stock_movement_lines WHERE movement_id = $1 ORDER BY lot",
        )
        .bind(id)
        .fetch_all(self.reader())
        .await?;
        Ok(Some(movement))
    }

    async fn list_movements(&self, depot_id: i64, filter: &MovementFilter) -> sqlx::Result<Vec<Movement>> {
        let sql = format!(
            "SELECT {MOVEMENT_COLUMNS} FROM stock_movements
             WHERE depot_id = $1 AND ($2 IS NULL OR kind = $2) AND ($3 IS NULL OR item_code = $3) AND ($4 IS NULL OR id < $4)
             ORDER BY id DESC LIMIT $5"
        );
        let mut movements = sqlx::query_as::<_, Movement>(sqlx::AssertSqlSafe(sql))
            .bind(depot_id)
            .bind(&filter.kind)
            .bind(&filter.item)
            .bind(filter.before_id)
            .bind(filter.limit)
            .fetch_all(self.reader())
            .await?;
        let (Some(newest), Some(oldest)) = (movements.first().map(|m| m.id), movements.last().map(|m| m.id)) else {
            return Ok(movements);
        };
        let lines: Vec<(i64, String, Option<NaiveDate>, i64, i64)> = sqlx::query_as(
            "SELECT l.movement_id, COALESCE(l.lot, ''), l.expires_on, l.on_hand_delta, l.reserved_delta
             FROM stock_movement_lines l JOIN stock_movements m ON m.id = l.movement_id
             WHERE m.depot_id = $1 AND l.movement_id BETWEEN $2 AND $3 ORDER BY l.movement_id, l.lot",
        )
        .bind(depot_id)
        .bind(oldest)
        .bind(newest)
        .fetch_all(self.reader())
        .await?;
        for movement in &mut movements {
            movement.lines = lines
                .iter()
                .filter(|l| l.0 == movement.id)
                .map(|(_, lot, expires_on, on_hand_delta, reserved_delta)| MovementLine {
                    lot: (!lot.is_empty()).then(|| lot.clone()),
                    expires_on: *expires_on,
                    on_hand_delta: *on_hand_delta,
                    reserved_delta: *reserved_delta,
                })
                .collect();
        }
        Ok(movements)
    }

    async fn list_transfers(&self, depot_id: Option<i64>, status: Option<&str>) -> sqlx::Result<Vec<Transfer>> {
        let sql = format!(
            "SELECT {TRANSFER_COLUMNS} FROM transfers JOIN depots f ON f.id = from_depot_id JOIN depots t ON t.id = to_depot_id
             WHERE ($1 IS NULL OR from_depot_id = $1 OR to_depot_id = $1) AND ($2 IS NULL OR transfers.status = $2)
             ORDER BY transfers.id DESC"
        );
        sqlx::query_as::<_, Transfer>(sqlx::AssertSqlSafe(sql))
            .bind(depot_id)
            .bind(status)
            .fetch_all(self.reader())
            .await
    }

    async fn get_transfer(&self, id: i64) -> sqlx::Result<Option<Transfer>> {
        let sql = format!(
            "SELECT {TRANSFER_COLUMNS} FROM transfers JOIN depots f ON f.id = from_depot_id JOIN depots t ON t.id = to_depot_id
             WHERE transfers.id = $1"
        );
        sqlx::query_as::<_, Transfer>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn receive_transfer(&self, id: i64, audit: &AuditEntry) -> Result<i64, StockError> {
        let mut tx = self.begin().await?;
        let received: Option<(i64, String, i64, Json<Vec<Lot>>)> = sqlx::query_as(
            "UPDATE transfers SET status = 'received', received_at = $1, received_by = $2
             WHERE id = $3 AND status = 'in_transit' RETURNING to_depot_id, item_code, quantity, lots",
        )
        .bind(Utc::now())
        .bind(&audit.actor_name)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((to_depot, item, quantity, Json(lots))) = received else { return Err(StockError::AlreadyReceived) };
        let mut lines = Vec::new();
        for lot in &lots {
            let arrival = StockOperation {
                depot_id: to_depot,
                kind: MovementKind::TransferIn,
                item_code: item.clone(),
                delta: lot.quantity,
                lot: Some(lot.lot.clone()),
                expires_on: lot.expires_on,
                source: None,
                donor: None,
                reason: None,
                note: None,
                to_depot: None,
                reference: None,
            };
            lines.extend(Self::change_stock(&mut tx, &arrival).await?);
        }
        let arrival = StockOperation {
            depot_id: to_depot,
            kind: MovementKind::TransferIn,
            item_code: item,
            delta: quantity,
            lot: None,
            expires_on: None,
            source: None,
            donor: None,
            reason: None,
            note: None,
            to_depot: None,
            reference: None,
        };
        let movement = Self::insert_movement(&mut tx, &arrival, Some(id), lines, audit).await?;
        tx.commit().await?;
        Ok(movement.id)
    }

    async fn assign_depots(&self, user_id: i64, depot_ids: &[i64], audit: &AuditEntry) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("DELETE FROM user_depots WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        for depot in depot_ids {
            sqlx::query("INSERT INTO user_depots (user_id, depot_id) VALUES ($1, $2)")
                .bind(user_id)
                .bind(depot)
                .execute(&mut *tx)
                .await?;
        }
        Self::commit_audited(tx, audit).await
    }
}

#[apply(for_both_backends!)]
impl Backends {
    async fn replace_targets(
        tx: &mut Transaction<'static, <Self as Backend>::Db>,
        depot_id: i64,
        targets: &[Target],
    ) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM depot_targets WHERE depot_id = $1").bind(depot_id).execute(&mut **tx).await?;
        for target in targets {
            sqlx::query("INSERT INTO depot_targets (depot_id, item_code, quantity) VALUES ($1, $2, $3)")
                .bind(depot_id)
                .bind(&target.item)
                .bind(target.quantity)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    async fn available(
        tx: &mut Transaction<'static, <Self as Backend>::Db>,
        depot: i64,
        item: &str,
    ) -> sqlx::Result<i64> {
        let available: Option<i64> =
            sqlx::query_scalar("SELECT on_hand - reserved FROM stock_balances WHERE depot_id = $1 AND item_code = $2")
                .bind(depot)
                .bind(item)
                .fetch_optional(&mut **tx)
                .await?;
        Ok(available.unwrap_or(0))
    }
}

/// Moving stock inside the caller's transaction: the steps a plan's approval, dispatch and receipt
/// take on the ledger (`plans::store` imports them by name).
#[async_trait::async_trait]
pub trait StockSteps: Backend {
    /// Changes the balance and lots for one operation and returns its ledger lines. The guarded
    /// UPDATE both checks and takes the stock, so concurrent requests cannot oversell.
    async fn change_stock(
        tx: &mut Transaction<'static, <Self as Backend>::Db>,
        op: &StockOperation,
    ) -> Result<Vec<MovementLine>, StockError>;

    /// Appends the movement and its lines with their audit record; returns the movement as stored.
    async fn insert_movement(
        tx: &mut Transaction<'static, <Self as Backend>::Db>,
        op: &StockOperation,
        transfer_id: Option<i64>,
        lines: Vec<MovementLine>,
        audit: &AuditEntry,
    ) -> sqlx::Result<Movement>;
}

#[apply(for_both_backends!)]
impl StockSteps for Backends {
    /// Changes the balance and lots for one operation and returns its ledger lines. The guarded
    /// UPDATE both checks and takes the stock, so concurrent requests cannot oversell.
    async fn change_stock(
        tx: &mut Transaction<'static, <Self as Backend>::Db>,
        op: &StockOperation,
    ) -> Result<Vec<MovementLine>, StockError> {
        let (depot, item) = (op.depot_id, op.item_code.as_str());
        match op.kind {
            MovementKind::Reservation | MovementKind::Release => {
                let changed = sqlx::query(
                    "UPDATE stock_balances SET reserved = reserved + $1
                     WHERE depot_id = $2 AND item_code = $3 AND on_hand - reserved >= $1 AND reserved + $1 >= 0",
                )
                .bind(op.delta)
                .bind(depot)
                .bind(item)
                .execute(&mut **tx)
                .await?
                .rows_affected();
                if changed == 0 {
                    return Err(StockError::Insufficient { available: Self::available(tx, depot, item).await? });
                }
                Ok(vec![MovementLine { lot: None, expires_on: None, on_hand_delta: 0, reserved_delta: op.delta }])
            }
            _ if op.delta > 0 => {
                let lot = op.lot.clone().unwrap_or_default();
                let existing: Option<(Option<NaiveDate>,)> = sqlx::query_as(
                    "SELECT expires_on FROM stock_lots WHERE depot_id = $1 AND item_code = $2 AND lot = $3",
                )
                .bind(depot)
                .bind(item)
                .bind(&lot)
                .fetch_optional(&mut **tx)
                .await?;
                let expires_on = match existing {
                    Some((stored,)) if op.expires_on.is_some() && op.expires_on != stored => {
                        return Err(StockError::LotExpiryMismatch { lot, expires_on: stored });
                    }
                    Some((stored,)) => stored,
                    None => op.expires_on,
                };
                // The balance row first, then the lot, as every other movement locks them: in the
                // other order a receipt and an issue of one lot deadlocked on PostgreSQL.
                sqlx::query(
                    "INSERT INTO stock_balances (depot_id, item_code, on_hand, reserved) VALUES ($1, $2, $3, 0)
                     ON CONFLICT (depot_id, item_code) DO UPDATE SET on_hand = stock_balances.on_hand + excluded.on_hand",
                )
                .bind(depot)
                .bind(item)
                .bind(op.delta)
                .execute(&mut **tx)
                .await?;
                sqlx::query(
                    "INSERT INTO stock_lots (depot_id, item_code, lot, expires_on, quantity) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (depot_id, item_code, lot) DO UPDATE SET quantity = stock_lots.quantity + excluded.quantity",
                )
                .bind(depot)
                .bind(item)
                .bind(&lot)
                .bind(expires_on)
                .bind(op.delta)
                .execute(&mut **tx)
                .await?;
                Ok(vec![MovementLine { lot: Some(lot), expires_on, on_hand_delta: op.delta, reserved_delta: 0 }])
            }
            _ => {
                let quantity = -op.delta;
                // Dispatching for a plan takes stock that the plan reserved earlier.
                let reserved_delta = if op.kind == MovementKind::Dispatch { -quantity } else { 0 };
                let sql = if op.kind == MovementKind::Dispatch {
                    "UPDATE stock_balances SET on_hand = on_hand - $1, reserved = reserved - $1
                     WHERE depot_id = $2 AND item_code = $3 AND reserved >= $1"
                } else {
                    "UPDATE stock_balances SET on_hand = on_hand - $1
                     WHERE depot_id = $2 AND item_code = $3 AND on_hand - reserved >= $1"
                };
                let changed =
                    sqlx::query(sql).bind(quantity).bind(depot).bind(item).execute(&mut **tx).await?.rows_affected();
                if changed == 0 {
                    return Err(StockError::Insufficient { available: Self::available(tx, depot, item).await? });
                }
                let lots: Vec<Lot> = sqlx::query_as(
                    "SELECT lot, quantity, expires_on FROM stock_lots WHERE depot_id = $1 AND item_code = $2 AND quantity > 0",
                )
                .bind(depot)
                .bind(item)
                .fetch_all(&mut **tx)
                .await?;
                let taken = match &op.lot {
                    Some(name) => {
                        let lot =
                            lots.iter().find(|l| &l.lot == name).ok_or_else(|| StockError::UnknownLot(name.clone()))?;
                        if lot.quantity < quantity {
                            return Err(StockError::LotShort { lot: name.clone(), available: lot.quantity });
                        }
                        vec![Lot { quantity, ..lot.clone() }]
                    }
                    // The balance equals the sum of the lots, so FEFO always finds enough.
                    None => pick_lots(&lots, quantity).ok_or(StockError::Insufficient { available: 0 })?,
                };
                let mut lines = Vec::with_capacity(taken.len());
                for lot in taken {
                    sqlx::query("UPDATE stock_lots SET quantity = quantity - $1 WHERE depot_id = $2 AND item_code = $3 AND lot = $4")
                        .bind(lot.quantity)
                        .bind(depot)
                        .bind(item)
                        .bind(&lot.lot)
                        .execute(&mut **tx)
                        .await?;
                    lines.push(MovementLine {
                        lot: Some(lot.lot),
                        expires_on: lot.expires_on,
                        on_hand_delta: -lot.quantity,
                        reserved_delta: if reserved_delta == 0 { 0 } else { -lot.quantity },
                    });
                }
                Ok(lines)
            }
        }
    }

    /// Appends the movement and its lines with their audit record; returns the movement as stored.
    async fn insert_movement(
        tx: &mut Transaction<'static, <Self as Backend>::Db>,
        op: &StockOperation,
        transfer_id: Option<i64>,
        lines: Vec<MovementLine>,
        audit: &AuditEntry,
    ) -> sqlx::Result<Movement> {
        let quantity = if op.kind == MovementKind::Adjustment { op.delta } else { op.delta.abs() };
        // Microseconds, as PostgreSQL keeps them, so a replay returns the very same time.
        let created_at = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO stock_movements (depot_id, kind, item_code, quantity, source, donor, reason, note, to_depot_id,
               transfer_id, reference, actor_id, actor_name, request_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        )
        .bind(op.depot_id)
        .bind(op.kind.as_str())
        .bind(&op.item_code)
        .bind(quantity)
        .bind(&op.source)
        .bind(&op.donor)
        .bind(&op.reason)
        .bind(&op.note)
        .bind(op.to_depot)
        .bind(transfer_id)
        .bind(&op.reference)
        .bind(audit.actor_id)
        .bind(&audit.actor_name)
        .bind(&audit.request_id)
        .bind(created_at)
        .fetch_one(&mut **tx)
        .await?;
        for line in &lines {
            sqlx::query(
                "INSERT INTO stock_movement_lines (movement_id, lot, expires_on, on_hand_delta, reserved_delta) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(&line.lot)
            .bind(line.expires_on)
            .bind(line.on_hand_delta)
            .bind(line.reserved_delta)
            .execute(&mut **tx)
            .await?;
        }
        let mut audit = audit.clone();
        audit.entity_type = "stock_movement".into();
        audit.entity_id = id.to_string();
        audit.after = serde_json::to_value(serde_json::json!({
            "depot_id": op.depot_id, "kind": op.kind.as_str(), "item": op.item_code, "quantity": quantity,
            "transfer_id": transfer_id, "lines": lines,
        }))
        .ok();
        Self::write_audit(tx, &audit).await?;
        let mut lines = lines;
        lines.sort_by(|a, b| a.lot.cmp(&b.lot)); // the order a stored movement is read back in
        Ok(Movement {
            id,
            depot_id: op.depot_id,
            kind: op.kind,
            item: op.item_code.clone(),
            quantity,
            source: op.source.clone(),
            donor: op.donor.clone(),
            reason: op.reason.clone(),
            note: op.note.clone(),
            to_depot: op.to_depot,
            transfer_id,
            reference: op.reference.clone(),
            actor_name: audit.actor_name.clone(),
            created_at,
            lines,
        })
    }
}
