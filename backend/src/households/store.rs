//! Households, damage records, grant lists, grants and objections in SQL. Imports insert in
//! batches inside one transaction; the ID hash is UNIQUE, so a duplicate is refused by the
//! database even when two imports race; a household is granted an aid type once per event
//! (UNIQUE (event_id, aid_type, household_id)).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sqlx::types::Json;

use super::handoff::{HandoffToken, NewHandoffToken};
use super::import::NewHousehold;
use super::progress::ImportProgress;
use super::{DamageRecord, Exclusion, GrantListRow, GrantRow, HouseholdRow, ListStatus, Objection, enum_text};
use crate::audit::AuditEntry;
use crate::db::Backend;
use crate::impl_for_backends;

/// Rows per multi-row INSERT (17 parameters each: well under both databases' limits).
const BATCH: usize = 1000;

#[derive(Debug, Default, Clone)]
pub struct HouseholdFilter {
    /// `LIKE` pattern of the caller's scope.
    pub scope: Option<String>,
    /// `LIKE` pattern of the area asked for.
    pub area: Option<String>,
    pub household_type: Option<String>,
    /// Substring of the full name (readers who may see names).
    pub name: Option<String>,
    /// Substring of the masked name (everyone else).
    pub name_masked: Option<String>,
    pub id_hash: Option<String>,
    pub before_id: Option<i64>,
    pub limit: i64,
}

#[derive(Debug, Clone, Default)]
pub struct InsertOutcome {
    pub inserted: usize,
    /// Indexes (in the order sent) of the rows refused because their ID number is already registered.
    pub duplicates: Vec<usize>,
}

/// What an import sends to the store.
#[derive(Debug)]
pub enum ImportMessage {
    Batch(Vec<NewHousehold>),
    /// The file is read: commit with this audit record (the store adds `imported` and
    /// `duplicates` to its `after`), or roll back (None).
    Finish(Option<AuditEntry>),
}

/// Changes to `household_cells`, (area, cell) → (households, people). Applied in key order, so
/// concurrent writers lock the rows in the same order; an import applies its tally once, just
/// before it commits, so it holds those rows for a moment rather than for the whole file.
#[derive(Debug, Default)]
struct CellTally(BTreeMap<(String, i64), (i64, i64)>);

impl CellTally {
    /// Counts the rows of a batch that the database took (by ID hash).
    fn add_inserted(&mut self, rows: &[NewHousehold], inserted: &std::collections::HashSet<String>) {
        for h in rows.iter().filter(|h| inserted.contains(&h.id_hash)) {
            self.add(&h.area_code, h.cell, h.members, 1);
        }
    }

    fn add(&mut self, area_code: &str, cell: Option<i64>, members: i64, sign: i64) {
        if let Some(cell) = cell {
            let (households, people) = self.0.entry((area_code.to_owned(), cell)).or_default();
            *households += sign;
            *people += sign * members;
        }
    }
}

/// Located households of one H3 cell, and those of them with a damage record in the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellCount {
    pub cell: i64,
    pub households: i64,
    pub affected: i64,
    /// Members of the cell's households.
    pub people: i64,
    /// Members of its affected households.
    pub affected_people: i64,
}

#[derive(Debug, Clone)]
pub struct NewDamage {
    pub event_id: i64,
    pub household_id: i64,
    pub house_damage: String,
    pub damaged_rooms: i64,
    pub transitional_persons: i64,
    pub crop_total_loss: bool,
    pub dead: i64,
    pub missing: i64,
    pub has_other_home: bool,
    pub exclusions: Vec<Exclusion>,
}

#[derive(Debug, Clone)]
pub struct NewGrantList {
    pub event_id: i64,
    pub aid_type: String,
    pub area_code: String,
    pub author_id: i64,
    pub author_name: String,
}

#[derive(Debug, Clone)]
pub struct NewGrant {
    pub household_id: i64,
    pub amount_fen: i64,
    pub reason: String,
    pub priority: bool,
}

/// What a workflow step stamps on the list besides its status.
#[derive(Debug, Clone, Default)]
pub struct Stamp {
    pub reviewer: Option<String>,
    pub return_reason: Option<String>,
    pub disclosure: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub paid_by: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum GrantError {
    #[error("the grant list is {0}")]
    WrongState(String),
    #[error("a household on the list already has this aid for this event")]
    AlreadyGranted,
    #[error("not found")]
    NotFound,
    #[error("{0} objection(s) are still open; answer them first")]
    OpenObjections(i64),
    #[error("the public disclosure (公示) runs until {0}; payment waits until it ends")]
    DisclosureRunning(DateTime<Utc>),
    #[error(transparent)]
    Db(sqlx::Error),
}

impl From<sqlx::Error> for GrantError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(e) if e.is_unique_violation() => Self::AlreadyGranted,
            _ => Self::Db(error),
        }
    }
}

#[async_trait::async_trait]
pub trait HouseholdStore {
    /// Inserts one household with its audit record; false when its ID number is already registered.
    async fn insert_household(&self, household: &NewHousehold, audit: &AuditEntry) -> sqlx::Result<bool>;
    /// Imports households in one transaction as the importer sends them, batch by batch, so a
    /// large file is never held in memory. Commits on `ImportMessage::Finish(Some(audit))` unless
    /// `all_or_nothing` and some ID number is already registered; rolls back on `Finish(None)` or
    /// when the sender goes away. `progress` hears the number of rows stored so far.
    async fn import_households(
        &self,
        messages: &mut tokio::sync::mpsc::Receiver<ImportMessage>,
        all_or_nothing: bool,
        progress: &ImportProgress,
    ) -> sqlx::Result<InsertOutcome>;
    /// Replaces a household's fields; false when the ID number belongs to another household.
    async fn update_household(&self, id: i64, row: &NewHousehold, audit: &AuditEntry) -> sqlx::Result<bool>;
    async fn get_household(&self, id: i64) -> sqlx::Result<Option<HouseholdRow>>;
    async fn list_households(&self, filter: &HouseholdFilter) -> sqlx::Result<Vec<HouseholdRow>>;
    async fn count_households(&self, filter: &HouseholdFilter) -> sqlx::Result<i64>;
    /// The households of an area subtree (`LIKE` pattern) with a damage record in the event.
    async fn damaged_households(&self, event_id: i64, area: &str) -> sqlx::Result<Vec<HouseholdRow>>;
    async fn households_by_ids(&self, ids: &[i64]) -> sqlx::Result<Vec<HouseholdRow>>;
    /// Located households per H3 cell in an area subtree, with those damaged in the event.
    async fn household_cells(&self, area: &str, event_id: Option<i64>) -> sqlx::Result<Vec<CellCount>>;

    async fn upsert_damage(&self, damage: &NewDamage, audit: &AuditEntry) -> sqlx::Result<i64>;
    /// Many new damage records in one transaction with one audit record (survey imports, the demo).
    async fn insert_damage(&self, records: &[NewDamage], audit: &AuditEntry) -> sqlx::Result<()>;
    async fn damage_records(&self, event_id: i64, area: Option<&str>) -> sqlx::Result<Vec<DamageRecord>>;

    async fn create_grant_list(&self, list: &NewGrantList, grants: &[NewGrant], audit: &AuditEntry) -> Result<i64, GrantError>;
    async fn get_grant_list(&self, id: i64) -> sqlx::Result<Option<GrantListRow>>;
    async fn grants_of(&self, list_id: i64) -> sqlx::Result<Vec<GrantRow>>;
    async fn list_grant_lists(&self, event_id: Option<i64>) -> sqlx::Result<Vec<GrantListRow>>;
    /// household → list already holding the aid type for the event.
    async fn granted_households(&self, event_id: i64, aid_type: &str) -> sqlx::Result<HashMap<i64, i64>>;
    /// Moves the list from one of `from` to `to`, stamping the step; a cancelled list frees its households.
    async fn transition_list(
        &self,
        id: i64,
        from: &[ListStatus],
        to: ListStatus,
        stamp: &Stamp,
        audit: &AuditEntry,
    ) -> Result<(), GrantError>;
    /// Published → paid, once the disclosure has ended and every objection is answered.
    async fn pay_list(&self, id: i64, paid_by: &str, audit: &AuditEntry) -> Result<(), GrantError>;
    /// A public objection to a published list (and one of its lines): the line goes back under review.
    async fn add_objection(
        &self,
        list_id: i64,
        grant_id: Option<i64>,
        text: &str,
        contact: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<i64, GrantError>;
    async fn objections(&self, list_id: Option<i64>) -> sqlx::Result<Vec<Objection>>;
    /// Answers an open objection: `dismissed` keeps the line, `withdrawn` removes it from the list.
    async fn answer_objection(&self, id: i64, decision: &str, answer: &str, audit: &AuditEntry) -> Result<Objection, GrantError>;
    /// Paid disaster aid per household in an event (fen).
    async fn paid_by_household(&self, event_id: i64) -> sqlx::Result<HashMap<i64, i64>>;
    /// An audit record on its own (exports and downloads of personal data).
    async fn record_audit(&self, audit: &AuditEntry) -> sqlx::Result<()>;

    /// Stores a department's hand-off token (its hash only); returns its id.
    async fn create_handoff_token(&self, token: &NewHandoffToken, audit: &AuditEntry) -> sqlx::Result<i64>;
    async fn handoff_tokens(&self) -> sqlx::Result<Vec<HandoffToken>>;
    async fn handoff_token(&self, id: i64) -> sqlx::Result<Option<HandoffToken>>;
    async fn find_handoff_token(&self, token_hash: &str) -> sqlx::Result<Option<HandoffToken>>;
    /// Revokes a token; false when it was revoked already.
    async fn revoke_handoff_token(&self, id: i64, revoked_by: &str, audit: &AuditEntry) -> sqlx::Result<bool>;
    /// Records a read through a token: its audit record and the token's last use, together.
    async fn record_handoff_read(&self, id: i64, audit: &AuditEntry) -> sqlx::Result<()>;
}

const TOKEN_COLUMNS: &str = "id, department, programmes, area_code, created_by, created_at, expires_at, revoked_at, revoked_by, last_used_at";

const HOUSEHOLD_COLUMNS: &str = "h.id, h.head_name, h.name_masked, h.id_hash, h.id_masked, h.id_encrypted, h.members, h.member_list, h.address, \
     h.area_code, h.lon, h.lat, h.cell, h.household_type, h.programmes, h.bank_masked, h.bank_encrypted, h.created_at, h.updated_at";

const LIST_COLUMNS: &str = "id, event_id, aid_type, area_code, status, author_id, author_name, reviewer_name, return_reason, \
     total_fen, households, disclosure_start, disclosure_end, created_at, updated_at, approved_at, paid_at, paid_by";

const DAMAGE_COLUMNS: &str = "d.id, d.event_id, d.household_id, h.area_code, d.house_damage, d.damaged_rooms, d.transitional_persons, \
     d.crop_total_loss, d.dead, d.missing, d.has_other_home, d.exclusions, d.recorded_by, d.recorded_at";

/// A household's own fields, in the order `push_household` binds them.
const STORED_COLUMNS: &str = "head_name, name_masked, id_hash, id_masked, id_encrypted, members, member_list, address, area_code, \
     lon, lat, cell, household_type, programmes, bank_masked, bank_encrypted";

const OBJECTION_COLUMNS: &str = "id, list_id, grant_id, text, contact, status, decision, answer, answered_by, answered_at, created_at";

fn contains(text: &Option<String>) -> Option<String> {
    text.as_ref().map(|t| format!("%{}%", t.replace(['%', '_'], "")))
}

impl_for_backends!(impl HouseholdStore {
    async fn insert_household(&self, household: &NewHousehold, audit: &AuditEntry) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let mut tally = CellTally::default();
        if Self::insert_batch(&mut tx, std::slice::from_ref(household), &mut tally).await?.is_empty() {
            return Ok(false);
        }
        Self::apply_tally(&mut tx, &tally).await?;
        Self::write_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn import_households(
        &self,
        messages: &mut tokio::sync::mpsc::Receiver<ImportMessage>,
        all_or_nothing: bool,
        progress: &ImportProgress,
    ) -> sqlx::Result<InsertOutcome> {
        let mut tx = self.begin().await?;
        let mut outcome = InsertOutcome::default();
        let mut tally = CellTally::default();
        let mut sent = 0;
        let audit = loop {
            match messages.recv().await {
                Some(ImportMessage::Batch(rows)) => {
                    for chunk in rows.chunks(BATCH) {
                        let inserted = Self::insert_batch(&mut tx, chunk, &mut tally).await?;
                        outcome.inserted += inserted.len();
                        for (i, row) in chunk.iter().enumerate() {
                            if !inserted.contains(&row.id_hash) {
                                outcome.duplicates.push(sent + i);
                            }
                        }
                        sent += chunk.len();
                    }
                    progress.stored(sent);
                }
                Some(ImportMessage::Finish(audit)) => break audit,
                None => break None,
            }
        };
        let Some(mut audit) = audit.filter(|_| !all_or_nothing || outcome.duplicates.is_empty()) else {
            tx.rollback().await?;
            return Ok(InsertOutcome { inserted: 0, duplicates: outcome.duplicates });
        };
        if let Some(serde_json::Value::Object(after)) = audit.after.as_mut() {
            after.insert("imported".into(), outcome.inserted.into());
            after.insert("duplicates".into(), outcome.duplicates.len().into());
        }
        Self::apply_tally(&mut tx, &tally).await?;
        Self::write_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn update_household(&self, id: i64, h: &NewHousehold, audit: &AuditEntry) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM households WHERE id_hash = $1 AND id <> $2")
            .bind(&h.id_hash)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Ok(false);
        }
        // Lock the row before reading what it counted for, so a concurrent edit cannot make both
        // take the same figures off the tally.
        sqlx::query("UPDATE households SET updated_at = updated_at WHERE id = $1").bind(id).execute(&mut *tx).await?;
        let (area_code, cell, members): (String, Option<i64>, i64) =
            sqlx::query_as("SELECT area_code, cell, members FROM households WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
        let mut tally = CellTally::default();
        tally.add(&area_code, cell, members, -1);
        tally.add(&h.area_code, h.cell, h.members, 1);
        Self::apply_tally(&mut tx, &tally).await?;
        let mut update = sqlx::QueryBuilder::new(format!("UPDATE households SET ({STORED_COLUMNS}, updated_at) = ("));
        let mut values = update.separated(", ");
        Self::push_household(&mut values, h);
        values.push_bind(Utc::now());
        update.push(") WHERE id = ").push_bind(id);
        update.build().execute(&mut *tx).await?;
        Self::write_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn get_household(&self, id: i64) -> sqlx::Result<Option<HouseholdRow>> {
        let sql = format!("SELECT {HOUSEHOLD_COLUMNS} FROM households h WHERE h.id = $1");
        sqlx::query_as::<_, HouseholdRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn list_households(&self, filter: &HouseholdFilter) -> sqlx::Result<Vec<HouseholdRow>> {
        let mut query = sqlx::QueryBuilder::new(format!("SELECT {HOUSEHOLD_COLUMNS} FROM households h WHERE TRUE"));
        Self::push_filter(&mut query, filter);
        if let Some(before_id) = filter.before_id {
            query.push(" AND h.id < ").push_bind(before_id);
        }
        query.push(" ORDER BY h.id DESC LIMIT ").push_bind(filter.limit);
        query.build_query_as::<HouseholdRow>().fetch_all(self.reader()).await
    }

    async fn count_households(&self, filter: &HouseholdFilter) -> sqlx::Result<i64> {
        let mut query = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM households h WHERE TRUE");
        Self::push_filter(&mut query, filter);
        query.build_query_scalar().fetch_one(self.reader()).await
    }

    async fn damaged_households(&self, event_id: i64, area: &str) -> sqlx::Result<Vec<HouseholdRow>> {
        let sql = format!(
            "SELECT {HOUSEHOLD_COLUMNS} FROM households h JOIN household_damage d ON d.household_id = h.id
             WHERE d.event_id = $1 AND h.area_code LIKE $2 ORDER BY h.id"
        );
        sqlx::query_as::<_, HouseholdRow>(sqlx::AssertSqlSafe(sql)).bind(event_id).bind(area).fetch_all(self.reader()).await
    }

    async fn households_by_ids(&self, ids: &[i64]) -> sqlx::Result<Vec<HouseholdRow>> {
        let mut rows = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(BATCH) {
            let mut builder = sqlx::QueryBuilder::<<Self as Backend>::Db>::new(format!("SELECT {HOUSEHOLD_COLUMNS} FROM households h WHERE h.id IN ("));
            let mut list = builder.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            builder.push(")");
            rows.extend(builder.build_query_as::<HouseholdRow>().fetch_all(self.reader()).await?);
        }
        Ok(rows)
    }

    async fn household_cells(&self, area: &str, event_id: Option<i64>) -> sqlx::Result<Vec<CellCount>> {
        let located: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT cell, CAST(SUM(households) AS BIGINT), CAST(SUM(people) AS BIGINT) FROM household_cells
             WHERE area_code LIKE $1 GROUP BY cell HAVING SUM(households) > 0 ORDER BY cell",
        )
        .bind(area)
        .fetch_all(self.reader())
        .await?;
        // Damage records are few next to households: join only those of the event.
        let affected: HashMap<i64, (i64, i64)> = match event_id {
            None => HashMap::new(),
            Some(event_id) => sqlx::query_as::<_, (i64, i64, i64)>(
                "SELECT h.cell, COUNT(*), CAST(SUM(h.members) AS BIGINT) FROM household_damage d
                 JOIN households h ON h.id = d.household_id
                 WHERE d.event_id = $1 AND h.cell IS NOT NULL AND h.area_code LIKE $2 GROUP BY h.cell",
            )
            .bind(event_id)
            .bind(area)
            .fetch_all(self.reader())
            .await?
            .into_iter()
            .map(|(cell, households, people)| (cell, (households, people)))
            .collect(),
        };
        Ok(located
            .into_iter()
            .map(|(cell, households, people)| {
                let (affected, affected_people) = affected.get(&cell).copied().unwrap_or_default();
                CellCount { cell, households, affected, people, affected_people }
            })
            .collect())
    }

    async fn upsert_damage(&self, d: &NewDamage, audit: &AuditEntry) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO household_damage (event_id, household_id, house_damage, damaged_rooms, transitional_persons, crop_total_loss,
               dead, missing, has_other_home, exclusions, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (event_id, household_id) DO UPDATE SET house_damage = excluded.house_damage,
               damaged_rooms = excluded.damaged_rooms, transitional_persons = excluded.transitional_persons,
               crop_total_loss = excluded.crop_total_loss, dead = excluded.dead, missing = excluded.missing,
               has_other_home = excluded.has_other_home, exclusions = excluded.exclusions,
               recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at
             RETURNING id",
        )
        .bind(d.event_id)
        .bind(d.household_id)
        .bind(&d.house_damage)
        .bind(d.damaged_rooms)
        .bind(d.transitional_persons)
        .bind(d.crop_total_loss)
        .bind(d.dead)
        .bind(d.missing)
        .bind(d.has_other_home)
        .bind(Json(&d.exclusions))
        .bind(&audit.actor_name)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn insert_damage(&self, records: &[NewDamage], audit: &AuditEntry) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        for chunk in records.chunks(BATCH) {
            let mut builder = sqlx::QueryBuilder::<<Self as Backend>::Db>::new(
                "INSERT INTO household_damage (event_id, household_id, house_damage, damaged_rooms, transitional_persons, crop_total_loss, \
                 dead, missing, has_other_home, exclusions, recorded_by, recorded_at) ",
            );
            builder.push_values(chunk, |mut b, d| {
                b.push_bind(d.event_id)
                    .push_bind(d.household_id)
                    .push_bind(&d.house_damage)
                    .push_bind(d.damaged_rooms)
                    .push_bind(d.transitional_persons)
                    .push_bind(d.crop_total_loss)
                    .push_bind(d.dead)
                    .push_bind(d.missing)
                    .push_bind(d.has_other_home)
                    .push_bind(Json(&d.exclusions))
                    .push_bind(&audit.actor_name)
                    .push_bind(now);
            });
            builder.build().execute(&mut *tx).await?;
        }
        Self::write_audit(&mut tx, audit).await?;
        tx.commit().await
    }

    async fn damage_records(&self, event_id: i64, area: Option<&str>) -> sqlx::Result<Vec<DamageRecord>> {
        let sql = format!(
            "SELECT {DAMAGE_COLUMNS} FROM household_damage d JOIN households h ON h.id = d.household_id
             WHERE d.event_id = $1 AND ($2 IS NULL OR h.area_code LIKE $2) ORDER BY d.household_id"
        );
        sqlx::query_as::<_, DamageRecord>(sqlx::AssertSqlSafe(sql)).bind(event_id).bind(area).fetch_all(self.reader()).await
    }

    async fn create_grant_list(&self, list: &NewGrantList, grants: &[NewGrant], audit: &AuditEntry) -> Result<i64, GrantError> {
        let mut tx = self.begin().await?;
        let now = Utc::now();
        let total: i64 = grants.iter().map(|g| g.amount_fen).sum();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO grant_lists (event_id, aid_type, area_code, status, author_id, author_name, total_fen, households, created_at, updated_at)
             VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(list.event_id)
        .bind(&list.aid_type)
        .bind(&list.area_code)
        .bind(list.author_id)
        .bind(&list.author_name)
        .bind(total)
        .bind(grants.len() as i64)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for (chunk_index, chunk) in grants.chunks(BATCH).enumerate() {
            let mut builder = sqlx::QueryBuilder::<<Self as Backend>::Db>::new(
                "INSERT INTO grants (list_id, event_id, aid_type, household_id, amount_fen, reason, priority, line_no, status) ",
            );
            builder.push_values(chunk.iter().enumerate(), |mut b, (i, g)| {
                b.push_bind(id)
                    .push_bind(list.event_id)
                    .push_bind(&list.aid_type)
                    .push_bind(g.household_id)
                    .push_bind(g.amount_fen)
                    .push_bind(&g.reason)
                    .push_bind(g.priority)
                    .push_bind((chunk_index * BATCH + i + 1) as i64)
                    .push_bind("listed");
            });
            builder.build().execute(&mut *tx).await?;
        }
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn get_grant_list(&self, id: i64) -> sqlx::Result<Option<GrantListRow>> {
        let sql = format!("SELECT {LIST_COLUMNS} FROM grant_lists WHERE id = $1");
        sqlx::query_as::<_, GrantListRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn grants_of(&self, list_id: i64) -> sqlx::Result<Vec<GrantRow>> {
        sqlx::query_as::<_, GrantRow>(
            "SELECT g.id, g.list_id, g.household_id, g.amount_fen, g.reason, g.priority, g.line_no, g.status,
                    h.head_name, h.name_masked, h.id_masked, h.area_code, h.members
             FROM grants g JOIN households h ON h.id = g.household_id WHERE g.list_id = $1 ORDER BY g.line_no",
        )
        .bind(list_id)
        .fetch_all(self.reader())
        .await
    }

    async fn list_grant_lists(&self, event_id: Option<i64>) -> sqlx::Result<Vec<GrantListRow>> {
        let sql = format!("SELECT {LIST_COLUMNS} FROM grant_lists WHERE ($1 IS NULL OR event_id = $1) ORDER BY id DESC");
        sqlx::query_as::<_, GrantListRow>(sqlx::AssertSqlSafe(sql)).bind(event_id).fetch_all(self.reader()).await
    }

    async fn granted_households(&self, event_id: i64, aid_type: &str) -> sqlx::Result<HashMap<i64, i64>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT household_id, list_id FROM grants WHERE event_id = $1 AND aid_type = $2")
            .bind(event_id)
            .bind(aid_type)
            .fetch_all(self.reader())
            .await?;
        Ok(rows.into_iter().collect())
    }

    async fn transition_list(
        &self,
        id: i64,
        from: &[ListStatus],
        to: ListStatus,
        stamp: &Stamp,
        audit: &AuditEntry,
    ) -> Result<(), GrantError> {
        let mut tx = self.begin().await?;
        let current = Self::lock_list(&mut tx, id).await?;
        if !from.iter().any(|s| enum_text(*s) == current) {
            return Err(GrantError::WrongState(current));
        }
        let now = Utc::now();
        let to_text = enum_text(to);
        let changed = sqlx::query(
            "UPDATE grant_lists SET status = $1, updated_at = $2, reviewer_name = COALESCE($3, reviewer_name),
               return_reason = $4, disclosure_start = COALESCE($5, disclosure_start), disclosure_end = COALESCE($6, disclosure_end),
               approved_at = CASE WHEN $1 = 'approved' THEN $2 ELSE approved_at END
             WHERE id = $7 AND status = $8",
        )
        .bind(&to_text)
        .bind(now)
        .bind(&stamp.reviewer)
        .bind(&stamp.return_reason)
        .bind(stamp.disclosure.map(|d| d.0))
        .bind(stamp.disclosure.map(|d| d.1))
        .bind(id)
        .bind(&current)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(GrantError::WrongState(Self::lock_list(&mut tx, id).await?));
        }
        if to == ListStatus::Cancelled {
            sqlx::query("DELETE FROM grants WHERE list_id = $1").bind(id).execute(&mut *tx).await?;
        }
        Self::write_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn pay_list(&self, id: i64, paid_by: &str, audit: &AuditEntry) -> Result<(), GrantError> {
        let mut tx = self.begin().await?;
        let current = Self::lock_list(&mut tx, id).await?;
        if current != "published" {
            return Err(GrantError::WrongState(current));
        }
        let end: Option<DateTime<Utc>> = sqlx::query_scalar("SELECT disclosure_end FROM grant_lists WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
        let now = Utc::now();
        if let Some(end) = end.filter(|end| *end > now) {
            return Err(GrantError::DisclosureRunning(end));
        }
        let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM grant_objections WHERE list_id = $1 AND status = 'open'")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        if open > 0 {
            return Err(GrantError::OpenObjections(open));
        }
        let changed = sqlx::query("UPDATE grant_lists SET status = 'paid', paid_at = $1, paid_by = $2, updated_at = $1 WHERE id = $3 AND status = 'published'")
            .bind(now)
            .bind(paid_by)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(GrantError::WrongState(Self::lock_list(&mut tx, id).await?));
        }
        Self::write_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn add_objection(
        &self,
        list_id: i64,
        grant_id: Option<i64>,
        text: &str,
        contact: Option<&str>,
        audit: &AuditEntry,
    ) -> Result<i64, GrantError> {
        let mut tx = self.begin().await?;
        let current = Self::lock_list(&mut tx, list_id).await?;
        if current != "published" {
            return Err(GrantError::WrongState(current));
        }
        if let Some(grant_id) = grant_id {
            let changed = sqlx::query("UPDATE grants SET status = 'under_review' WHERE id = $1 AND list_id = $2")
                .bind(grant_id)
                .bind(list_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                return Err(GrantError::NotFound);
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO grant_objections (list_id, grant_id, text, contact, status, created_at) VALUES ($1, $2, $3, $4, 'open', $5) RETURNING id",
        )
        .bind(list_id)
        .bind(grant_id)
        .bind(text)
        .bind(contact)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        Self::write_audit_created(&mut tx, audit, id).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn objections(&self, list_id: Option<i64>) -> sqlx::Result<Vec<Objection>> {
        let sql = format!("SELECT {OBJECTION_COLUMNS} FROM grant_objections WHERE ($1 IS NULL OR list_id = $1) ORDER BY id");
        sqlx::query_as::<_, Objection>(sqlx::AssertSqlSafe(sql)).bind(list_id).fetch_all(self.reader()).await
    }

    async fn answer_objection(&self, id: i64, decision: &str, answer: &str, audit: &AuditEntry) -> Result<Objection, GrantError> {
        let mut tx = self.begin().await?;
        let sql = format!("SELECT {OBJECTION_COLUMNS} FROM grant_objections WHERE id = $1");
        let objection = sqlx::query_as::<_, Objection>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *tx).await?.ok_or(GrantError::NotFound)?;
        if objection.status != "open" {
            return Err(GrantError::WrongState("answered".into()));
        }
        let list_status = Self::lock_list(&mut tx, objection.list_id).await?;
        if list_status != "published" {
            return Err(GrantError::WrongState(list_status));
        }
        let changed = sqlx::query(
            "UPDATE grant_objections SET status = 'answered', decision = $1, answer = $2, answered_by = $3, answered_at = $4
             WHERE id = $5 AND status = 'open'",
        )
        .bind(decision)
        .bind(answer)
        .bind(&audit.actor_name)
        .bind(Utc::now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(GrantError::WrongState("answered".into()));
        }
        if let Some(grant_id) = objection.grant_id {
            if decision == "withdrawn" {
                sqlx::query("DELETE FROM grants WHERE id = $1").bind(grant_id).execute(&mut *tx).await?;
                sqlx::query(
                    "UPDATE grant_lists SET total_fen = (SELECT COALESCE(SUM(amount_fen), 0) FROM grants WHERE list_id = $1),
                       households = (SELECT COUNT(*) FROM grants WHERE list_id = $1), updated_at = $2 WHERE id = $1",
                )
                .bind(objection.list_id)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "UPDATE grants SET status = 'listed' WHERE id = $1 AND NOT EXISTS
                       (SELECT 1 FROM grant_objections WHERE grant_id = $1 AND status = 'open')",
                )
                .bind(grant_id)
                .execute(&mut *tx)
                .await?;
            }
        }
        Self::write_audit(&mut tx, audit).await?;
        let sql = format!("SELECT {OBJECTION_COLUMNS} FROM grant_objections WHERE id = $1");
        let answered = sqlx::query_as::<_, Objection>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        Ok(answered)
    }

    async fn paid_by_household(&self, event_id: i64) -> sqlx::Result<HashMap<i64, i64>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT g.household_id, CAST(SUM(g.amount_fen) AS BIGINT) FROM grants g JOIN grant_lists l ON l.id = g.list_id
             WHERE g.event_id = $1 AND l.status = 'paid' GROUP BY g.household_id",
        )
        .bind(event_id)
        .fetch_all(self.reader())
        .await?;
        Ok(rows.into_iter().collect())
    }

    async fn record_audit(&self, audit: &AuditEntry) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        Self::write_audit(&mut tx, audit).await?;
        tx.commit().await
    }

    async fn create_handoff_token(&self, t: &NewHandoffToken, audit: &AuditEntry) -> sqlx::Result<i64> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO handoff_tokens (token_hash, department, programmes, area_code, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(&t.token_hash)
        .bind(&t.department)
        .bind(Json(&t.programmes))
        .bind(&t.area_code)
        .bind(&t.created_by)
        .bind(Utc::now())
        .bind(t.expires_at)
        .fetch_one(&mut *tx)
        .await?;
        let mut audit = audit.clone();
        audit.entity_id = id.to_string();
        Self::write_audit(&mut tx, &audit).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn handoff_tokens(&self) -> sqlx::Result<Vec<HandoffToken>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM handoff_tokens ORDER BY id DESC");
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(self.reader()).await
    }

    async fn handoff_token(&self, id: i64) -> sqlx::Result<Option<HandoffToken>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM handoff_tokens WHERE id = $1");
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(self.reader()).await
    }

    async fn find_handoff_token(&self, token_hash: &str) -> sqlx::Result<Option<HandoffToken>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM handoff_tokens WHERE token_hash = $1");
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(token_hash).fetch_optional(self.reader()).await
    }

    async fn revoke_handoff_token(&self, id: i64, revoked_by: &str, audit: &AuditEntry) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let done = sqlx::query("UPDATE handoff_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL")
            .bind(Utc::now())
            .bind(revoked_by)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if done {
            Self::write_audit(&mut tx, audit).await?;
        }
        tx.commit().await?;
        Ok(done)
    }

    async fn record_handoff_read(&self, id: i64, audit: &AuditEntry) -> sqlx::Result<()> {
        let mut tx = self.begin().await?;
        sqlx::query("UPDATE handoff_tokens SET last_used_at = $1 WHERE id = $2").bind(Utc::now()).bind(id).execute(&mut *tx).await?;
        Self::write_audit(&mut tx, audit).await?;
        tx.commit().await
    }
});

impl_for_backends!(impl {
    /// The filter's conditions, only those given: a condition written as `($1 IS NULL OR …)` keeps
    /// SQLite from using the area index, and PostgreSQL from it in a generic plan.
    fn push_filter(query: &mut sqlx::QueryBuilder<<Self as Backend>::Db>, filter: &HouseholdFilter) {
        for pattern in [&filter.scope, &filter.area].into_iter().flatten() {
            query.push(" AND h.area_code LIKE ").push_bind(pattern.clone());
        }
        if let Some(household_type) = &filter.household_type {
            query.push(" AND h.household_type = ").push_bind(household_type.clone());
        }
        if let Some(name) = contains(&filter.name) {
            query.push(" AND h.head_name LIKE ").push_bind(name);
        }
        if let Some(name) = contains(&filter.name_masked) {
            query.push(" AND h.name_masked LIKE ").push_bind(name);
        }
        if let Some(id_hash) = &filter.id_hash {
            query.push(" AND h.id_hash = ").push_bind(id_hash.clone());
        }
    }

    /// Binds a household's stored fields, in the order of [`STORED_COLUMNS`].
    fn push_household(values: &mut sqlx::query_builder::Separated<'_, <Self as Backend>::Db, &'static str>, h: &NewHousehold) {
        values
            .push_bind(&h.head_name)
            .push_bind(&h.name_masked)
            .push_bind(&h.id_hash)
            .push_bind(&h.id_masked)
            .push_bind(&h.id_encrypted)
            .push_bind(h.members)
            .push_bind(Json(&h.member_list))
            .push_bind(&h.address)
            .push_bind(&h.area_code)
            .push_bind(h.lon)
            .push_bind(h.lat)
            .push_bind(h.cell)
            .push_bind(&h.household_type)
            .push_bind(Json(&h.programmes))
            .push_bind(&h.bank_masked)
            .push_bind(&h.bank_encrypted);
    }

    /// One multi-row INSERT of at most [`BATCH`] households; answers the ID hashes inserted (the
    /// others are already registered) and tallies them.
    async fn insert_batch(
        tx: &mut sqlx::Transaction<'static, <Self as Backend>::Db>,
        rows: &[NewHousehold],
        tally: &mut CellTally,
    ) -> sqlx::Result<std::collections::HashSet<String>> {
        let now = Utc::now();
        let mut builder = sqlx::QueryBuilder::<<Self as Backend>::Db>::new(format!("INSERT INTO households ({STORED_COLUMNS}, created_at, updated_at) "));
        builder.push_values(rows, |mut b, h| {
            Self::push_household(&mut b, h);
            b.push_bind(now).push_bind(now);
        });
        builder.push(" ON CONFLICT (id_hash) DO NOTHING RETURNING id_hash");
        let inserted: std::collections::HashSet<String> = builder.build_query_scalar::<String>().fetch_all(&mut **tx).await?.into_iter().collect();
        tally.add_inserted(rows, &inserted);
        Ok(inserted)
    }

    async fn apply_tally(tx: &mut sqlx::Transaction<'static, <Self as Backend>::Db>, tally: &CellTally) -> sqlx::Result<()> {
        let changes: Vec<_> = tally.0.iter().filter(|(_, counts)| **counts != (0, 0)).collect();
        for chunk in changes.chunks(BATCH) {
            let mut builder = sqlx::QueryBuilder::<<Self as Backend>::Db>::new("INSERT INTO household_cells (area_code, cell, households, people) ");
            builder.push_values(chunk, |mut b, ((area_code, cell), (households, people))| {
                b.push_bind(area_code).push_bind(*cell).push_bind(*households).push_bind(*people);
            });
            builder.push(
                " ON CONFLICT (area_code, cell) DO UPDATE SET households = household_cells.households + excluded.households, \
                 people = household_cells.people + excluded.people",
            );
            builder.build().execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Locks the list's row for the rest of the transaction and answers its status. Every writer
    /// of a list starts here, so a payment, an objection and its answer cannot interleave (an
    /// objection filed while the list was being paid would otherwise be left open on a paid list).
    async fn lock_list(tx: &mut sqlx::Transaction<'static, <Self as Backend>::Db>, id: i64) -> Result<String, GrantError> {
        sqlx::query_scalar("UPDATE grant_lists SET updated_at = updated_at WHERE id = $1 RETURNING status")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(GrantError::NotFound)
    }
});
