//! Plans, their lines and shipments in SQL. Each workflow step is one transaction with a guarded
//! status change, so two reviewers approving at once cannot both succeed, and approval reserves
//! the stock of every line or none of it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
use sqlx::types::Json;

use super::rules::LinesDelta;
use super::{PlanLine, PlanResult, PlanRow, PlanStatus, Shipment, ShipmentLine, ShipmentPhoto};
use crate::areas::AreaCode;
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::for_both_backends;
use crate::depots::MovementKind;
use crate::depots::rules::StockOperation;
use crate::depots::store::StockError;
use crate::depots::store::StockSteps;
use crate::disasters::store::{PhotoFile, PhotoTable};
use crate::funds::store::DrawError;
use crate::funds::store::FundSteps;
use macro_rules_attribute::apply;

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("the plan is {0}")]
    WrongState(String),
    /// A change computed from the plan as it was read, written after another change.
    #[error("the plan changed since it was read")]
    Changed,
    #[error("depot {depot_id} has only {available} of {item} available")]
    Stock { depot_id: i64, item: String, available: i64 },
    #[error("the shipment was already received")]
    AlreadyReceived,
    #[error("the funds changed and the plan no longer fits: {0}")]
    Funds(String, crate::funds::SourceLevel, crate::money::Fen),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<DrawError> for PlanError {
    fn from(error: DrawError) -> Self {
        match error {
            DrawError::Short { level, available_fen, .. } => Self::Funds(error.to_string(), level, available_fen),
            DrawError::Db(e) => Self::Db(e),
        }
    }
}

impl From<StockError> for PlanError {
    fn from(error: StockError) -> Self {
        match error {
            StockError::Db(e) => Self::Db(e),
            other => Self::Db(sqlx::Error::Protocol(other.to_string())),
        }
    }
}

/// Which shipments to read; every field set narrows the result.
#[derive(Debug, Default, Clone, Copy)]
pub struct ShipmentFilter {
    pub id: Option<i64>,
    pub plan_id: Option<i64>,
    pub depot_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewPlan {
    pub event_id: i64,
    pub aid_type: String,
    pub kind: String,
    pub author_id: i64,
    pub author_name: String,
    pub result: PlanResult,
    pub lines: Vec<PlanLine>,
}

impl NewPlan {
    /// The draft's row as `written` stored it, its result inside; its lines stay here.
    pub fn into_row(self, written: &Written) -> (PlanRow, Vec<PlanLine>) {
        let row = PlanRow {
            id: written.id,
            event_id: self.event_id,
            aid_type: self.aid_type,
            kind: self.kind,
            status: PlanStatus::Draft,
            author_id: self.author_id,
            author_name: self.author_name,
            reviewer_name: None,
            reason: None,
            result: Json(self.result),
            created_at: written.at,
            submitted_at: None,
            approved_at: None,
            dispatched_at: None,
            completed_at: None,
            updated_at: written.at,
        };
        (row, self.lines)
    }
}

/// A plan as just stored: its id, and its `updated_at` as the database holds it.
pub struct Written {
    pub id: i64,
    pub at: DateTime<Utc>,
}

#[async_trait::async_trait]
pub trait PlanStore {
    async fn create_plan(&self, plan: &NewPlan, audit: &AuditEntry) -> sqlx::Result<Written>;
    /// A plan without its lines.
    async fn get_plan_row(&self, id: i64) -> sqlx::Result<Option<PlanRow>>;
    /// A plan's `updated_at` alone: its version, which every write of the plan changes.
    async fn plan_version(&self, id: i64) -> sqlx::Result<Option<DateTime<Utc>>>;
    /// A plan's lines, by item, area and depot.
    async fn plan_lines(&self, id: i64) -> sqlx::Result<Vec<PlanLine>>;
    async fn list_plans(&self, event_id: Option<i64>, status: Option<&str>) -> sqlx::Result<Vec<PlanRow>>;
    /// Lines of the plans of an event and aid type in the given states (what is already covered).
    async fn lines_in_states(
        &self,
        event_id: i64,
        aid_type: &str,
        states: &[PlanStatus],
    ) -> sqlx::Result<Vec<PlanLine>>;
    /// Rewrites the lines of a draft that `delta` touches, and its result; answers its new
    /// `updated_at` as the database holds it. `read_at`: the `updated_at` of the plan the delta
    /// was computed from; when the plan has been written since, nothing is ([`PlanError::Changed`]).
    /// `result` comes serialized: at city scale that is ~4 MB of JSON, which the caller writes
    /// beside other work rather than inside the write.
    async fn edit_draft(
        &self,
        id: i64,
        read_at: DateTime<Utc>,
        delta: &LinesDelta,
        result: &RawValue,
        audit: &AuditEntry,
    ) -> Result<DateTime<Utc>, PlanError>;
    /// Moves the plan from one of `from` to `to`, stamping the step's time and the reviewer or reason.
    async fn transition(
        &self,
        id: i64,
        from: &[PlanStatus],
        to: PlanStatus,
        reviewer: Option<&str>,
        reason: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<(), PlanError>;
    /// Submitted → approved, reserving the stock of every line (a funds plan: committing its money
    /// from the pools), or nothing.
    async fn approve(&self, id: i64, reviewer: &str, audit: &AuditEntry) -> Result<(), PlanError>;
    /// Cancels a plan not yet dispatched, releasing its reservations or funds if it was approved.
    async fn cancel(&self, id: i64, reason: &str, audit: &AuditEntry) -> Result<(), PlanError>;
    /// Issues the reserved stock of the given depots (all when None) and creates their shipments;
    /// the plan is dispatched once every depot has shipped. Returns the new shipments' ids. A funds
    /// plan is disbursed at once and completes (no shipments).
    async fn dispatch(&self, id: i64, depots: Option<&[i64]>, audit: &AuditEntry) -> Result<Vec<i64>, PlanError>;
    /// Shipments with their lines, narrowed by whichever of the filter's fields are set.
    async fn shipments(&self, filter: ShipmentFilter) -> sqlx::Result<Vec<Shipment>>;
    /// Records what arrived; the plan completes when all its shipments are received.
    async fn receive_shipment(
        &self,
        id: i64,
        received: &BTreeMap<String, i64>,
        signer: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<(), PlanError>;
    /// Records the vehicle and driver of a shipment still on the road.
    async fn set_transport(
        &self,
        id: i64,
        transport: &super::rules::Transport,
        audit: &AuditEntry,
    ) -> Result<(), PlanError>;
    async fn add_shipment_photo(&self, shipment_id: i64, file: &PhotoFile, audit: &AuditEntry) -> sqlx::Result<i64>;
    async fn shipment_photos(&self, shipment_id: i64) -> sqlx::Result<Vec<ShipmentPhoto>>;
}

const PLAN_COLUMNS: &str = "id, event_id, aid_type, kind, status, author_id, author_name, reviewer_name, reason, result, \
     created_at, submitted_at, approved_at, dispatched_at, completed_at, updated_at";

#[apply(for_both_backends!)]
impl PlanStore for Backends {
    async fn create_plan(&self, plan: &NewPlan, audit: &AuditEntry) -> sqlx::Result<Written> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let (id, at): (i64, DateTime<Utc>) = sqlx::query_as(
            "INSERT INTO plans (event_id, aid_type, kind, status, author_id, author_name, result, created_at, updated_at)
             VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $7) RETURNING id, updated_at",
        )
        .bind(plan.event_id)
        .bind(&plan.aid_type)
        .bind(&plan.kind)
        .bind(plan.author_id)
        .bind(&plan.author_name)
        .bind(Json(&plan.result))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        Self::insert_lines(&mut tx, id, &plan.lines).await?;
        let mut audit = audit.clone();
        audit.entity_id = id.to_string();
        audit.after =
            serde_json::to_value(serde_json::json!({"lines": plan.lines.len(), "totals": plan.result.totals})).ok();
        Self::commit_audited(tx, &audit).await?;
        Ok(Written { id, at })
    }

    async fn get_plan_row(&self, id: i64) -> sqlx::Result<Option<PlanRow>> {
        let sql = format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = $1");
        sqlx::query_as::<_, PlanRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn plan_version(&self, id: i64) -> sqlx::Result<Option<DateTime<Utc>>> {
        sqlx::query_scalar("SELECT updated_at FROM plans WHERE id = $1").bind(id).fetch_optional(self.reader()).await
    }

    async fn plan_lines(&self, id: i64) -> sqlx::Result<Vec<PlanLine>> {
        sqlx::query_as::<_, PlanLine>(
            "SELECT depot_id, area_code, item_code, quantity, travel_minutes, late FROM plan_lines
             WHERE plan_id = $1 ORDER BY item_code, area_code, depot_id",
        )
        .bind(id)
        .fetch_all(self.reader())
        .await
    }

    async fn list_plans(&self, event_id: Option<i64>, status: Option<&str>) -> sqlx::Result<Vec<PlanRow>> {
        let sql = format!(
            "SELECT {PLAN_COLUMNS} FROM plans WHERE ($1 IS NULL OR event_id = $1) AND ($2 IS NULL OR status = $2) ORDER BY id DESC"
        );
        sqlx::query_as::<_, PlanRow>(sqlx::AssertSqlSafe(sql))
            .bind(event_id)
            .bind(status)
            .fetch_all(self.reader())
            .await
    }

    async fn lines_in_states(
        &self,
        event_id: i64,
        aid_type: &str,
        states: &[PlanStatus],
    ) -> sqlx::Result<Vec<PlanLine>> {
        // The states are filtered in SQL: drafts (every re-plan and new plan) are most of the lines.
        let mut query = sqlx::QueryBuilder::<<Self as crate::db::Backend>::Db>::new(
            "SELECT l.depot_id, l.area_code, l.item_code, l.quantity, l.travel_minutes, l.late
             FROM plan_lines l JOIN plans p ON p.id = l.plan_id WHERE p.event_id = ",
        );
        query.push_bind(event_id).push(" AND p.aid_type = ").push_bind(aid_type).push(" AND p.status IN (");
        let mut listed = query.separated(", ");
        for state in states {
            listed.push_bind(state.as_str());
        }
        query.push(")");
        query.build_query_as::<PlanLine>().fetch_all(self.reader()).await
    }

    async fn edit_draft(
        &self,
        id: i64,
        read_at: DateTime<Utc>,
        delta: &LinesDelta,
        result: &RawValue,
        audit: &AuditEntry,
    ) -> Result<DateTime<Utc>, PlanError> {
        let mut tx = self.begin().await?;
        let written: Option<DateTime<Utc>> = sqlx::query_scalar(
            "UPDATE plans SET result = $1, updated_at = $2 WHERE id = $3 AND status = 'draft' AND updated_at = $4
             RETURNING updated_at",
        )
        .bind(Json(result))
        .bind(Utc::now())
        .bind(id)
        .bind(read_at)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(at) = written else {
            let status = Self::status_of(&mut tx, id).await?;
            return Err(if status == PlanStatus::Draft.as_str() {
                PlanError::Changed
            } else {
                PlanError::WrongState(status)
            });
        };
        Self::delete_lines(&mut tx, id, &delta.before).await?;
        Self::insert_lines(&mut tx, id, &delta.after).await?;
        Self::commit_audited(tx, audit).await?;
        Ok(at)
    }

    async fn transition(
        &self,
        id: i64,
        from: &[PlanStatus],
        to: PlanStatus,
        reviewer: Option<&str>,
        reason: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<(), PlanError> {
        let mut tx = self.begin().await?;
        Self::guarded_status(&mut tx, id, from, to, reviewer, reason).await?;
        Self::commit_audited(tx, audit).await?;
        Ok(())
    }

    async fn approve(&self, id: i64, reviewer: &str, audit: &AuditEntry) -> Result<(), PlanError> {
        let mut tx = self.begin().await?;
        Self::guarded_status(&mut tx, id, &[PlanStatus::Submitted], PlanStatus::Approved, Some(reviewer), None).await?;
        let (event_id, aid_type, kind, result) = Self::plan_basics(&mut tx, id).await?;
        if kind == "funds" {
            Self::draw_funds(&mut tx, id, event_id, &aid_type, &result.funds_needed()).await?;
        }
        for ((depot_id, item), quantity) in Self::totals_by_depot_item(&mut tx, id).await? {
            let reservation = StockOperation::reservation(depot_id, &item, quantity, &format!("plan:{id}"));
            match Self::change_stock(&mut tx, &reservation).await {
                Ok(lines) => {
                    Self::insert_movement(&mut tx, &reservation, None, lines, audit).await?;
                }
                Err(StockError::Insufficient { available }) => {
                    return Err(PlanError::Stock { depot_id, item, available });
                }
                Err(other) => return Err(other.into()),
            }
        }
        Self::commit_audited(tx, audit).await?;
        Ok(())
    }

    async fn cancel(&self, id: i64, reason: &str, audit: &AuditEntry) -> Result<(), PlanError> {
        let mut tx = self.begin().await?;
        let was = Self::status_of(&mut tx, id).await?;
        Self::guarded_status(
            &mut tx,
            id,
            &[PlanStatus::Draft, PlanStatus::Submitted, PlanStatus::Approved],
            PlanStatus::Cancelled,
            None,
            Some(reason),
        )
        .await?;
        let shipped: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM shipments WHERE plan_id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if shipped > 0 {
            return Err(PlanError::WrongState("partly dispatched".into()));
        }
        if was == "approved" {
            Self::release_funds(&mut tx, id).await?;
            for ((depot_id, item), quantity) in Self::totals_by_depot_item(&mut tx, id).await? {
                let release = StockOperation::reservation(depot_id, &item, -quantity, &format!("plan:{id}"));
                let lines = Self::change_stock(&mut tx, &release).await?;
                Self::insert_movement(&mut tx, &release, None, lines, audit).await?;
            }
        }
        Self::commit_audited(tx, audit).await?;
        Ok(())
    }

    async fn dispatch(&self, id: i64, depots: Option<&[i64]>, audit: &AuditEntry) -> Result<Vec<i64>, PlanError> {
        let mut tx = self.begin().await?;
        // Lock the plan first: two dispatches of one part (a double click, a retry) must not both
        // find it unshipped, or the second would ship from another plan's reservation of the item.
        let status: String =
            sqlx::query_scalar("UPDATE plans SET updated_at = updated_at WHERE id = $1 RETURNING status")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if status != "approved" {
            return Err(PlanError::WrongState(status));
        }
        if Self::plan_basics(&mut tx, id).await?.2 == "funds" {
            Self::guarded_status(&mut tx, id, &[PlanStatus::Approved], PlanStatus::Dispatched, None, None).await?;
            Self::guarded_status(&mut tx, id, &[PlanStatus::Dispatched], PlanStatus::Completed, None, None).await?;
            Self::commit_audited(tx, audit).await?;
            return Ok(Vec::new());
        }
        let shipped: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT depot_id FROM shipments WHERE plan_id = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
        let lines = sqlx::query_as::<_, PlanLine>(
            "SELECT depot_id, area_code, item_code, quantity, travel_minutes, late FROM plan_lines
             WHERE plan_id = $1 ORDER BY depot_id, area_code, item_code",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let to_ship: Vec<&PlanLine> = lines
            .iter()
            .filter(|l| !shipped.contains(&l.depot_id) && depots.is_none_or(|d| d.contains(&l.depot_id)))
            .collect();
        let now = Utc::now();
        let mut by_depot_item: BTreeMap<(i64, String), i64> = BTreeMap::new();
        let mut by_depot_area: BTreeMap<(i64, AreaCode), Vec<&PlanLine>> = BTreeMap::new();
        for line in &to_ship {
            *by_depot_item.entry((line.depot_id, line.item.clone())).or_default() += line.quantity;
            by_depot_area.entry((line.depot_id, line.area_code.clone())).or_default().push(line);
        }
        for ((depot_id, item), quantity) in by_depot_item {
            let dispatch = StockOperation {
                kind: MovementKind::Dispatch,
                ..StockOperation::reservation(depot_id, &item, -quantity, &format!("plan:{id}"))
            };
            let lines = Self::change_stock(&mut tx, &dispatch).await.map_err(|e| match e {
                StockError::Insufficient { available } => PlanError::Stock { depot_id, item: item.clone(), available },
                other => other.into(),
            })?;
            Self::insert_movement(&mut tx, &dispatch, None, lines, audit).await?;
        }
        let mut created = Vec::new();
        for ((depot_id, area_code), lines) in by_depot_area {
            let shipment: i64 = sqlx::query_scalar(
                "INSERT INTO shipments (plan_id, depot_id, area_code, status, dispatched_at, dispatched_by)
                 VALUES ($1, $2, $3, 'in_transit', $4, $5) RETURNING id",
            )
            .bind(id)
            .bind(depot_id)
            .bind(&area_code)
            .bind(now)
            .bind(&audit.actor_name)
            .fetch_one(&mut *tx)
            .await?;
            for line in lines {
                sqlx::query("INSERT INTO shipment_lines (shipment_id, item_code, quantity) VALUES ($1, $2, $3)")
                    .bind(shipment)
                    .bind(&line.item)
                    .bind(line.quantity)
                    .execute(&mut *tx)
                    .await?;
            }
            created.push(shipment);
        }
        let depots_in_plan: std::collections::BTreeSet<i64> = lines.iter().map(|l| l.depot_id).collect();
        let now_shipped: std::collections::BTreeSet<i64> =
            shipped.iter().copied().chain(to_ship.iter().map(|l| l.depot_id)).collect();
        if depots_in_plan == now_shipped {
            Self::guarded_status(&mut tx, id, &[PlanStatus::Approved], PlanStatus::Dispatched, None, None).await?;
        }
        let mut audit = audit.clone();
        audit.after = serde_json::to_value(serde_json::json!({"shipments": created})).ok();
        Self::commit_audited(tx, &audit).await?;
        Ok(created)
    }

    async fn shipments(&self, filter: ShipmentFilter) -> sqlx::Result<Vec<Shipment>> {
        let mut query = sqlx::QueryBuilder::new(
            "SELECT s.id, s.plan_id, s.depot_id, s.area_code, s.status, s.dispatched_at, s.dispatched_by, s.received_at, s.received_by,
                 s.vehicle_plate, s.driver_name, s.driver_phone, s.received_signer
             FROM shipments s WHERE TRUE",
        );
        Self::push_shipment_filter(&mut query, &filter);
        query.push(" ORDER BY s.id");
        let mut shipments: Vec<Shipment> = query.build_query_as().fetch_all(self.reader()).await?;
        let mut query = sqlx::QueryBuilder::new(
            "SELECT l.shipment_id, l.item_code, l.quantity, l.received FROM shipment_lines l JOIN shipments s ON s.id = l.shipment_id WHERE TRUE",
        );
        Self::push_shipment_filter(&mut query, &filter);
        query.push(" ORDER BY l.shipment_id, l.item_code");
        let rows: Vec<(i64, String, i64, Option<i64>)> = query.build_query_as().fetch_all(self.reader()).await?;
        let mut lines: std::collections::HashMap<i64, Vec<ShipmentLine>> = std::collections::HashMap::new();
        for (shipment_id, item, quantity, received) in rows {
            lines.entry(shipment_id).or_default().push(ShipmentLine { item, quantity, received });
        }
        for shipment in &mut shipments {
            shipment.lines = lines.remove(&shipment.id).unwrap_or_default();
        }
        Ok(shipments)
    }

    async fn set_transport(
        &self,
        id: i64,
        transport: &super::rules::Transport,
        audit: &AuditEntry,
    ) -> Result<(), PlanError> {
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "UPDATE shipments SET vehicle_plate = $1, driver_name = $2, driver_phone = $3 WHERE id = $4 AND status = 'in_transit'",
        )
        .bind(&transport.vehicle_plate)
        .bind(&transport.driver_name)
        .bind(&transport.driver_phone)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(PlanError::AlreadyReceived);
        }
        Self::commit_audited(tx, audit).await?;
        Ok(())
    }

    async fn receive_shipment(
        &self,
        id: i64,
        received: &BTreeMap<String, i64>,
        signer: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<(), PlanError> {
        let mut tx = self.begin().await?;
        let plan_id: Option<i64> = sqlx::query_scalar(
            "UPDATE shipments SET status = 'received', received_at = $1, received_by = $2, received_signer = $4
             WHERE id = $3 AND status = 'in_transit' RETURNING plan_id",
        )
        .bind(Utc::now())
        .bind(&audit.actor_name)
        .bind(id)
        .bind(signer)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(plan_id) = plan_id else { return Err(PlanError::AlreadyReceived) };
        // Lock the plan before counting what is still in transit: the receipts of its last two
        // shipments must not each see the other one open, or neither would complete the plan.
        let plan_status: String =
            sqlx::query_scalar("UPDATE plans SET updated_at = updated_at WHERE id = $1 RETURNING status")
                .bind(plan_id)
                .fetch_one(&mut *tx)
                .await?;
        for (item, quantity) in received {
            sqlx::query("UPDATE shipment_lines SET received = $1 WHERE shipment_id = $2 AND item_code = $3")
                .bind(quantity)
                .bind(id)
                .bind(item)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("UPDATE shipment_lines SET received = 0 WHERE shipment_id = $1 AND received IS NULL")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let open: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM shipments WHERE plan_id = $1 AND status = 'in_transit'")
                .bind(plan_id)
                .fetch_one(&mut *tx)
                .await?;
        if open == 0 && plan_status == "dispatched" {
            Self::guarded_status(&mut tx, plan_id, &[PlanStatus::Dispatched], PlanStatus::Completed, None, None)
                .await?;
        }
        Self::commit_audited(tx, audit).await?;
        Ok(())
    }

    async fn add_shipment_photo(&self, shipment_id: i64, file: &PhotoFile, audit: &AuditEntry) -> sqlx::Result<i64> {
        self.insert_photo(PhotoTable::Shipment, shipment_id, file, audit).await
    }

    async fn shipment_photos(&self, shipment_id: i64) -> sqlx::Result<Vec<ShipmentPhoto>> {
        self.photos_of(PhotoTable::Shipment, shipment_id).await
    }
}

#[apply(for_both_backends!)]
impl Backends {
    /// Only the conditions given, so each query uses the index it can.
    fn push_shipment_filter(query: &mut sqlx::QueryBuilder<<Self as crate::db::Backend>::Db>, filter: &ShipmentFilter) {
        for (column, value) in [("s.id", filter.id), ("s.plan_id", filter.plan_id), ("s.depot_id", filter.depot_id)] {
            if let Some(value) = value {
                query.push(format!(" AND {column} = ")).push_bind(value);
            }
        }
    }

    async fn delete_lines(
        tx: &mut sqlx::Transaction<'static, <Self as crate::db::Backend>::Db>,
        plan_id: i64,
        lines: &[PlanLine],
    ) -> sqlx::Result<()> {
        for chunk in lines.chunks(crate::db::BATCH) {
            let mut delete =
                sqlx::QueryBuilder::<<Self as crate::db::Backend>::Db>::new("DELETE FROM plan_lines WHERE plan_id = ");
            delete.push_bind(plan_id).push(" AND (depot_id, area_code, item_code) IN (");
            delete.push_values(chunk, |mut key, line| {
                key.push_bind(line.depot_id).push_bind(&line.area_code).push_bind(&line.item);
            });
            delete.push(")");
            delete.build().execute(&mut **tx).await?;
        }
        Ok(())
    }

    async fn insert_lines(
        tx: &mut sqlx::Transaction<'static, <Self as crate::db::Backend>::Db>,
        plan_id: i64,
        lines: &[PlanLine],
    ) -> sqlx::Result<()> {
        for chunk in lines.chunks(crate::db::BATCH) {
            let mut insert = sqlx::QueryBuilder::<<Self as crate::db::Backend>::Db>::new(
                "INSERT INTO plan_lines (plan_id, depot_id, area_code, item_code, quantity, travel_minutes, late) ",
            );
            insert.push_values(chunk, |mut row, line| {
                row.push_bind(plan_id)
                    .push_bind(line.depot_id)
                    .push_bind(&line.area_code)
                    .push_bind(&line.item)
                    .push_bind(line.quantity)
                    .push_bind(line.travel_minutes)
                    .push_bind(line.late);
            });
            insert.build().execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Event, aid type, kind and result of a plan, inside a transaction.
    async fn plan_basics(
        tx: &mut sqlx::Transaction<'static, <Self as crate::db::Backend>::Db>,
        id: i64,
    ) -> sqlx::Result<(i64, String, String, PlanResult)> {
        let (event_id, aid_type, kind, result): (i64, String, String, Json<PlanResult>) =
            sqlx::query_as("SELECT event_id, aid_type, kind, result FROM plans WHERE id = $1")
                .bind(id)
                .fetch_one(&mut **tx)
                .await?;
        Ok((event_id, aid_type, kind, result.0))
    }

    async fn status_of(
        tx: &mut sqlx::Transaction<'static, <Self as crate::db::Backend>::Db>,
        id: i64,
    ) -> sqlx::Result<String> {
        sqlx::query_scalar("SELECT status FROM plans WHERE id = $1").bind(id).fetch_one(&mut **tx).await
    }

    /// Changes the status only if it is one of `from`; stamps the time column of the new status.
    async fn guarded_status(
        tx: &mut sqlx::Transaction<'static, <Self as crate::db::Backend>::Db>,
        id: i64,
        from: &[PlanStatus],
        to: PlanStatus,
        reviewer: Option<&str>,
        reason: Option<&str>,
    ) -> Result<(), PlanError> {
        // The step's own time column (PostgreSQL refuses to assign updated_at twice).
        let stamp = match to {
            PlanStatus::Submitted => "submitted_at = $2, ",
            PlanStatus::Approved | PlanStatus::Rejected => "approved_at = $2, ",
            PlanStatus::Dispatched => "dispatched_at = $2, ",
            PlanStatus::Completed => "completed_at = $2, ",
            PlanStatus::Draft | PlanStatus::Cancelled => "",
        };
        let allowed: Vec<&str> = from.iter().map(|s| s.as_str()).collect();
        let current = Self::status_of(tx, id).await?;
        if !allowed.contains(&current.as_str()) {
            return Err(PlanError::WrongState(current));
        }
        let sql = format!(
            "UPDATE plans SET status = $1, {stamp}updated_at = $2, reviewer_name = COALESCE($3, reviewer_name),
               reason = COALESCE($4, reason) WHERE id = $5 AND status = $6"
        );
        let changed = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(to.as_str())
            .bind(Utc::now())
            .bind(reviewer)
            .bind(reason)
            .bind(id)
            .bind(&current)
            .execute(&mut **tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(PlanError::WrongState(Self::status_of(tx, id).await?));
        }
        Ok(())
    }

    async fn totals_by_depot_item(
        tx: &mut sqlx::Transaction<'static, <Self as crate::db::Backend>::Db>,
        plan_id: i64,
    ) -> sqlx::Result<Vec<((i64, String), i64)>> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT depot_id, item_code, CAST(SUM(quantity) AS BIGINT) FROM plan_lines WHERE plan_id = $1
             GROUP BY depot_id, item_code ORDER BY depot_id, item_code",
        )
        .bind(plan_id)
        .fetch_all(&mut **tx)
        .await?;
        Ok(rows.into_iter().map(|(d, i, q)| ((d, i), q)).collect())
    }
}
