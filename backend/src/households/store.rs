//! Households, damage records, grant lists, grants and objections in SQL. Imports write in
//! batches inside one transaction (COPY on PostgreSQL); the ID hash is UNIQUE, so a duplicate is
//! refused by the database even when two imports race; a household is granted an aid type once
//! per event (UNIQUE (event_id, aid_type, household_id)).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::types::Json;

use super::import::NewHousehold;
use super::progress::ImportProgress;
use super::{DamageRecord, Exclusion, HouseholdRow};
use crate::audit::AuditEntry;
use crate::audit::store::AuditSteps;
use crate::db::{BATCH, Backend, for_both_backends};
use crate::idempotency::{Earlier, IdempotencyClaim};
use macro_rules_attribute::apply;

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

/// Which rows of a chunk's INSERT went in.
enum ChunkInserted {
    All,
    /// By ID hash; the others' ID numbers were already registered.
    Only(std::collections::HashSet<String>),
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

    /// Counts every row of a batch the database took whole.
    fn add_all(&mut self, rows: &[NewHousehold]) {
        for h in rows {
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

/// What a household edit is sent with: its Idempotency-Key, and the version (`updated_at`) the
/// editor read (`If-Match`), so an edit queued offline never overwrites a newer one.
#[derive(Debug, Clone, Copy, Default)]
pub struct EditGuard<'a> {
    pub claim: Option<&'a IdempotencyClaim>,
    pub read_version: Option<DateTime<Utc>>,
}

/// How a household edit went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    Saved,
    /// A retry of an edit already saved: nothing written again.
    Replayed,
    KeyReused,
    /// Another household is registered with the new ID number.
    IdTaken,
    /// The household changed since the editor read it.
    Stale,
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

#[derive(Debug, Clone, serde::Serialize)]
pub struct NewDamage {
    pub event_id: i64,
    pub household_id: i64,
    pub house_damage: String,
    pub damaged_rooms: i64,
    pub transitional_persons: i64,
    pub emergency_persons: i64,
    pub drought_persons: i64,
    pub crop_total_loss: bool,
    pub dead: i64,
    pub missing: i64,
    pub injured: i64,
    pub has_other_home: bool,
    pub exclusions: Vec<Exclusion>,
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
    async fn update_household(
        &self,
        id: i64,
        row: &NewHousehold,
        guard: EditGuard<'_>,
        audit: &AuditEntry,
    ) -> sqlx::Result<Edited>;
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
}

const HOUSEHOLD_COLUMNS: &str = "h.id, h.head_name, h.name_masked, h.id_hash, h.id_masked, h.id_encrypted, h.members, h.member_list, h.address, \
     h.area_code, h.lon, h.lat, h.cell, h.household_type, h.programmes, h.bank_masked, h.bank_encrypted, h.created_at, h.updated_at";

const DAMAGE_COLUMNS: &str = "d.id, d.event_id, d.household_id, h.area_code, d.house_damage, d.damaged_rooms, d.transitional_persons, \
     d.emergency_persons, d.drought_persons, d.crop_total_loss, d.dead, d.missing, d.injured, d.has_other_home, d.exclusions, \
     d.recorded_by, d.recorded_at";

/// A household's own fields, in the order `push_household` binds them.
const STORED_COLUMNS: &str = "head_name, name_masked, id_hash, id_masked, id_encrypted, members, member_list, address, area_code, \
     lon, lat, cell, household_type, programmes, bank_masked, bank_encrypted";

#[apply(for_both_backends!)]
impl HouseholdStore for Backends {
    async fn insert_household(&self, household: &NewHousehold, audit: &AuditEntry) -> sqlx::Result<bool> {
        let mut tx = self.begin().await?;
        let mut tally = CellTally::default();
        if !Self::insert_batches(&mut tx, std::slice::from_ref(household), &mut tally).await?.is_empty() {
            return Ok(false);
        }
        Self::apply_tally(&mut tx, &tally).await?;
        Self::commit_audited(tx, audit).await?;
        Ok(true)
    }

    async fn import_households(
        &self,
        messages: &mut tokio::sync::mpsc::Receiver<ImportMessage>,
        all_or_nothing: bool,
        progress: &ImportProgress,
    ) -> sqlx::Result<InsertOutcome> {
        let mut tx = self.begin().await?;
        Self::import_cache(&mut tx, true).await?;
        let received = Self::receive_import(&mut tx, messages, progress).await;
        Self::import_cache(&mut tx, false).await?;
        let (outcome, tally, audit) = received?;
        let Some(mut audit) = audit.filter(|_| !all_or_nothing || outcome.duplicates.is_empty()) else {
            tx.rollback().await?;
            return Ok(InsertOutcome { inserted: 0, duplicates: outcome.duplicates });
        };
        if let Some(serde_json::Value::Object(after)) = audit.after.as_mut() {
            after.insert("imported".into(), outcome.inserted.into());
            after.insert("duplicates".into(), outcome.duplicates.len().into());
        }
        Self::apply_tally(&mut tx, &tally).await?;
        Self::commit_audited(tx, &audit).await?;
        Ok(outcome)
    }

    async fn update_household(
        &self,
        id: i64,
        h: &NewHousehold,
        guard: EditGuard<'_>,
        audit: &AuditEntry,
    ) -> sqlx::Result<Edited> {
        let mut tx = self.begin().await?;
        match Self::earlier_use(&mut *tx, guard.claim).await? {
            Earlier::None => {}
            Earlier::Replay(_) => return Ok(Edited::Replayed),
            Earlier::Conflict => return Ok(Edited::KeyReused),
        }
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM households WHERE id_hash = $1 AND id <> $2")
            .bind(&h.id_hash)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Ok(Edited::IdTaken);
        }
        // Lock the row before reading what it counted for, so a concurrent edit cannot make both
        // take the same figures off the tally (nor both pass the version check).
        sqlx::query("UPDATE households SET updated_at = updated_at WHERE id = $1").bind(id).execute(&mut *tx).await?;
        let (area_code, cell, members, version): (String, Option<i64>, i64, DateTime<Utc>) =
            sqlx::query_as("SELECT area_code, cell, members, updated_at FROM households WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        if guard.read_version.is_some_and(|read| read.trunc_subsecs(6) != version.trunc_subsecs(6)) {
            return Ok(Edited::Stale);
        }
        let mut tally = CellTally::default();
        tally.add(&area_code, cell, members, -1);
        tally.add(&h.area_code, h.cell, h.members, 1);
        Self::apply_tally(&mut tx, &tally).await?;
        let mut update = sqlx::QueryBuilder::new(format!("UPDATE households SET ({STORED_COLUMNS}, updated_at) = ("));
        let mut values = update.separated(", ");
        Self::push_household(&mut values, h);
        // Microseconds, as PostgreSQL keeps them, so the version read back is the version written.
        values.push_bind(Utc::now().trunc_subsecs(6));
        update.push(") WHERE id = ").push_bind(id);
        update.build().execute(&mut *tx).await?;
        Self::record_use(&mut tx, guard.claim, &id.to_string()).await?;
        Self::commit_audited(tx, audit).await?;
        Ok(Edited::Saved)
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
        sqlx::query_as::<_, HouseholdRow>(sqlx::AssertSqlSafe(sql))
            .bind(event_id)
            .bind(area)
            .fetch_all(self.reader())
            .await
    }

    async fn households_by_ids(&self, ids: &[i64]) -> sqlx::Result<Vec<HouseholdRow>> {
        let mut rows = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(BATCH) {
            let mut builder = sqlx::QueryBuilder::<<Self as Backend>::Db>::new(format!(
                "SELECT {HOUSEHOLD_COLUMNS} FROM households h WHERE h.id IN ("
            ));
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
            "INSERT INTO household_damage (event_id, household_id, house_damage, damaged_rooms, transitional_persons,
               emergency_persons, drought_persons, crop_total_loss, dead, missing, injured, has_other_home, exclusions,
               recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
             ON CONFLICT (event_id, household_id) DO UPDATE SET house_damage = excluded.house_damage,
               damaged_rooms = excluded.damaged_rooms, transitional_persons = excluded.transitional_persons,
               emergency_persons = excluded.emergency_persons, drought_persons = excluded.drought_persons,
               crop_total_loss = excluded.crop_total_loss, dead = excluded.dead, missing = excluded.missing,
               injured = excluded.injured,
               has_other_home = excluded.has_other_home, exclusions = excluded.exclusions,
               recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at
             RETURNING id",
        )
        .bind(d.event_id)
        .bind(d.household_id)
        .bind(&d.house_damage)
        .bind(d.damaged_rooms)
        .bind(d.transitional_persons)
        .bind(d.emergency_persons)
        .bind(d.drought_persons)
        .bind(d.crop_total_loss)
        .bind(d.dead)
        .bind(d.missing)
        .bind(d.injured)
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
                "INSERT INTO household_damage (event_id, household_id, house_damage, damaged_rooms, transitional_persons, \
                 emergency_persons, drought_persons, crop_total_loss, dead, missing, injured, has_other_home, exclusions, \
                 recorded_by, recorded_at) ",
            );
            builder.push_values(chunk, |mut b, d| {
                b.push_bind(d.event_id)
                    .push_bind(d.household_id)
                    .push_bind(&d.house_damage)
                    .push_bind(d.damaged_rooms)
                    .push_bind(d.transitional_persons)
                    .push_bind(d.emergency_persons)
                    .push_bind(d.drought_persons)
                    .push_bind(d.crop_total_loss)
                    .push_bind(d.dead)
                    .push_bind(d.missing)
                    .push_bind(d.injured)
                    .push_bind(d.has_other_home)
                    .push_bind(Json(&d.exclusions))
                    .push_bind(&audit.actor_name)
                    .push_bind(now);
            });
            builder.build().execute(&mut *tx).await?;
        }
        Self::commit_audited(tx, audit).await
    }

    async fn damage_records(&self, event_id: i64, area: Option<&str>) -> sqlx::Result<Vec<DamageRecord>> {
        let sql = format!(
            "SELECT {DAMAGE_COLUMNS} FROM household_damage d JOIN households h ON h.id = d.household_id
             WHERE d.event_id = $1 AND ($2 IS NULL OR h.area_code LIKE $2) ORDER BY d.household_id"
        );
        sqlx::query_as::<_, DamageRecord>(sqlx::AssertSqlSafe(sql))
            .bind(event_id)
            .bind(area)
            .fetch_all(self.reader())
            .await
    }
}

/// A `LIKE` pattern for a substring (its own wildcards dropped).
fn contains(text: &Option<String>) -> Option<String> {
    text.as_ref().map(|t| format!("%{}%", t.replace(['%', '_'], "")))
}

#[apply(for_both_backends!)]
impl Backends {
    /// Stores an import's batches as they come, until the file is read: what was inserted, the
    /// counts per cell, and the audit record to commit with (None: roll back).
    async fn receive_import(
        tx: &mut sqlx::Transaction<'static, <Self as Backend>::Db>,
        messages: &mut tokio::sync::mpsc::Receiver<ImportMessage>,
        progress: &ImportProgress,
    ) -> sqlx::Result<(InsertOutcome, CellTally, Option<AuditEntry>)> {
        let mut outcome = InsertOutcome::default();
        let mut tally = CellTally::default();
        let mut sent = 0;
        loop {
            match messages.recv().await {
                Some(ImportMessage::Batch(rows)) => {
                    let duplicates = Self::import_batch(tx, &rows, &mut tally).await?;
                    outcome.inserted += rows.len() - duplicates.len();
                    outcome.duplicates.extend(duplicates.into_iter().map(|i| sent + i));
                    sent += rows.len();
                    progress.stored(sent);
                }
                Some(ImportMessage::Finish(audit)) => return Ok((outcome, tally, audit)),
                None => return Ok((outcome, tally, None)),
            }
        }
    }

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
    fn push_household(
        values: &mut sqlx::query_builder::Separated<'_, <Self as Backend>::Db, &'static str>,
        h: &NewHousehold,
    ) {
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

    /// Inserts households in multi-row INSERTs of [`BATCH`]; answers the indexes of those whose ID
    /// number is already registered (not inserted), and tallies the others.
    async fn insert_batches(
        tx: &mut sqlx::Transaction<'static, <Self as Backend>::Db>,
        rows: &[NewHousehold],
        tally: &mut CellTally,
    ) -> sqlx::Result<Vec<usize>> {
        let now = Utc::now();
        let mut chunks = rows.chunks(BATCH);
        let mut next = chunks.next().map(|chunk| (chunk, Self::household_insert(chunk, now)));
        let mut duplicates = Vec::new();
        let mut first = 0;
        while let Some((chunk, mut insert)) = next.take() {
            // Bind the next statement's values while the database runs this one.
            let (inserted, following) = tokio::join!(Self::insert_chunk(tx, &mut insert, chunk.len()), async {
                chunks.next().map(|chunk| (chunk, Self::household_insert(chunk, now)))
            });
            next = following;
            match inserted? {
                ChunkInserted::All => tally.add_all(chunk),
                ChunkInserted::Only(inserted) => {
                    tally.add_inserted(chunk, &inserted);
                    duplicates.extend(
                        chunk
                            .iter()
                            .enumerate()
                            .filter(|(_, h)| !inserted.contains(&h.id_hash))
                            .map(|(i, _)| first + i),
                    );
                }
            }
            first += chunk.len();
        }
        Ok(duplicates)
    }

    /// One multi-row INSERT of households that skips those already registered (run by
    /// `insert_chunk`, which finds out which).
    fn household_insert(rows: &[NewHousehold], now: DateTime<Utc>) -> sqlx::QueryBuilder<<Self as Backend>::Db> {
        let mut builder =
            sqlx::QueryBuilder::new(format!("{} ({STORED_COLUMNS}, created_at, updated_at) ", Self::INSERT_HOUSEHOLDS));
        builder.push_values(rows, |mut b, h| {
            Self::push_household(&mut b, h);
            b.push_bind(now).push_bind(now);
        });
        builder.push(" ON CONFLICT (id_hash) DO NOTHING");
        builder
    }

    async fn apply_tally(
        tx: &mut sqlx::Transaction<'static, <Self as Backend>::Db>,
        tally: &CellTally,
    ) -> sqlx::Result<()> {
        let changes: Vec<_> = tally.0.iter().filter(|(_, counts)| **counts != (0, 0)).collect();
        for chunk in changes.chunks(BATCH) {
            let mut builder = sqlx::QueryBuilder::<<Self as Backend>::Db>::new(
                "INSERT INTO household_cells (area_code, cell, households, people) ",
            );
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
}

impl crate::db::SqliteStore {
    /// OR FAIL: a multi-row INSERT whose constraints may abort it half-way needs a statement journal
    /// (migrations/sqlite/0029_household_area_deferred.sql); a failed one fails its transaction.
    const INSERT_HOUSEHOLDS: &str = "INSERT OR FAIL INTO households";

    /// An import widens the writer's page cache to 64 MiB while it runs: with SQLite's default
    /// 2 MiB, a million-row transaction spills dirty pages to the WAL and reads them back (1.25×
    /// the time). Narrowed again before it ends, failed or not, so the server's memory stays as
    /// it was (the soak test holds it to its start).
    async fn import_cache(tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>, wide: bool) -> sqlx::Result<()> {
        let pragma = if wide { "PRAGMA cache_size = -65536" } else { "PRAGMA cache_size = -2000" };
        sqlx::query(pragma).execute(&mut **tx).await?;
        Ok(())
    }

    /// Runs a chunk's INSERT and tells which rows went in. Without `RETURNING`: SQLite would hand
    /// back each ID hash as a row of its own, for nothing in the usual case where all rows go in
    /// (~8% of a million-row import, docs/PERFORMANCE.md "Session 19"). Only when fewer went in
    /// does it read the hashes of the rows above the largest id before: the transaction
    /// holds SQLite's one write lock, and a new rowid is the largest plus one, so those are
    /// exactly the rows this statement inserted.
    async fn insert_chunk(
        tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
        insert: &mut sqlx::QueryBuilder<sqlx::Sqlite>,
        rows: usize,
    ) -> sqlx::Result<ChunkInserted> {
        let largest_before: i64 =
            sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM households").fetch_one(&mut **tx).await?;
        let done = insert.build().execute(&mut **tx).await?;
        if done.rows_affected() == rows as u64 {
            return Ok(ChunkInserted::All);
        }
        let inserted = sqlx::query_scalar("SELECT id_hash FROM households WHERE id > $1")
            .bind(largest_before)
            .fetch_all(&mut **tx)
            .await?;
        Ok(ChunkInserted::Only(inserted.into_iter().collect()))
    }

    /// An import's batch: see [`Self::insert_batches`].
    async fn import_batch(
        tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
        rows: &[NewHousehold],
        tally: &mut CellTally,
    ) -> sqlx::Result<Vec<usize>> {
        Self::insert_batches(tx, rows, tally).await
    }
}

impl crate::db::PgStore {
    const INSERT_HOUSEHOLDS: &str = "INSERT INTO households";

    /// Runs a chunk's INSERT, answering the ID hashes of the rows that went in (other
    /// transactions may insert households at the same time, so only `RETURNING` tells).
    async fn insert_chunk(
        tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
        insert: &mut sqlx::QueryBuilder<sqlx::Postgres>,
        _rows: usize,
    ) -> sqlx::Result<ChunkInserted> {
        insert.push(" RETURNING id_hash");
        let inserted = insert.build_query_scalar::<String>().fetch_all(&mut **tx).await?;
        Ok(ChunkInserted::Only(inserted.into_iter().collect()))
    }

    /// PostgreSQL's buffers are the server's own.
    async fn import_cache(_: &mut sqlx::Transaction<'static, sqlx::Postgres>, _: bool) -> sqlx::Result<()> {
        Ok(())
    }

    /// An import's batch, as [`Self::insert_batches`] answers it. COPY writes rows at the cost of
    /// `psql \copy`, less than a multi-row INSERT … ON CONFLICT, but it cannot skip a registered ID
    /// number: a batch holding one fails the COPY as a whole (undone to its savepoint), and goes the
    /// INSERT way, which tells which rows were registered.
    async fn import_batch(
        tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
        rows: &[NewHousehold],
        tally: &mut CellTally,
    ) -> sqlx::Result<Vec<usize>> {
        let mut attempt = sqlx::Acquire::begin(&mut **tx).await?;
        let copied = async {
            let mut copy = attempt
                .copy_in_raw(&format!("COPY households ({STORED_COLUMNS}, created_at, updated_at) FROM STDIN"))
                .await?;
            copy.send(copy_text(rows, Utc::now()).into_bytes()).await?;
            copy.finish().await
        }
        .await;
        match copied {
            Ok(_) => {
                attempt.commit().await?;
                tally.add_all(rows);
                Ok(Vec::new())
            }
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                attempt.rollback().await?;
                Self::insert_batches(tx, rows, tally).await
            }
            Err(error) => Err(error),
        }
    }
}

/// Households as lines of PostgreSQL's COPY text format, in the order of [`STORED_COLUMNS`] then
/// `created_at` and `updated_at`: tab-separated, `\N` for NULL, backslash escapes.
fn copy_text(rows: &[NewHousehold], now: DateTime<Utc>) -> String {
    use std::fmt::Write;
    fn text(out: &mut String, value: &str) {
        for c in value.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
        }
        out.push('\t');
    }
    fn optional_text(out: &mut String, value: Option<&str>) {
        match value {
            Some(value) => text(out, value),
            None => out.push_str("\\N\t"),
        }
    }
    fn number(out: &mut String, value: Option<impl std::fmt::Display>) {
        match value {
            Some(value) => write!(out, "{value}\t").expect("writing to a String"),
            None => out.push_str("\\N\t"),
        }
    }
    let now = now.format("%Y-%m-%d %H:%M:%S%.6f+00").to_string();
    let mut out = String::with_capacity(rows.len() * 400);
    for h in rows {
        text(&mut out, &h.head_name);
        text(&mut out, &h.name_masked);
        text(&mut out, &h.id_hash);
        text(&mut out, &h.id_masked);
        text(&mut out, &h.id_encrypted);
        number(&mut out, Some(h.members));
        text(&mut out, &serde_json::to_string(&h.member_list).expect("members as JSON"));
        text(&mut out, &h.address);
        text(&mut out, &h.area_code);
        number(&mut out, h.lon);
        number(&mut out, h.lat);
        number(&mut out, h.cell);
        text(&mut out, &h.household_type);
        text(&mut out, &serde_json::to_string(&h.programmes).expect("programmes as JSON"));
        optional_text(&mut out, h.bank_masked.as_deref());
        optional_text(&mut out, h.bank_encrypted.as_deref());
        text(&mut out, &now);
        text(&mut out, &now);
        out.pop();
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_would_split_a_field_and_writes_null_as_backslash_n() {
        let household = NewHousehold {
            head_name: "张三".into(),
            name_masked: "张*".into(),
            id_hash: "h".into(),
            id_masked: "3604**".into(),
            id_encrypted: "e".into(),
            members: 2,
            member_list: Vec::new(),
            address: "村\\1\t号\r\n\\.".into(),
            area_code: "360425".parse().unwrap(),
            lon: Some(115.5),
            lat: None,
            cell: None,
            household_type: "general".into(),
            programmes: Vec::new(),
            bank_masked: None,
            bank_encrypted: Some("b".into()),
        };
        let now = DateTime::parse_from_rfc3339("2026-12-05T08:00:00.25Z").unwrap().to_utc();
        let stamp = "2026-12-05 08:00:00.250000+00";
        assert_eq!(
            copy_text(&[household.clone(), household], now),
            format!("张三\t张*\th\t3604**\te\t2\t[]\t村\\\\1\\t号\\r\\n\\\\.\t360425\t115.5\t\\N\t\\N\tgeneral\t[]\t\\N\tb\t{stamp}\t{stamp}\n").repeat(2)
        );
    }
}
