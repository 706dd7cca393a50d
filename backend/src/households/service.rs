//! Household use-cases the API and the CLI share: area lookups and the bulk import.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::import::{COLUMNS, Checker, RowError};
use super::pii::Pii;
use super::progress::ImportProgress;
use super::store::{HouseholdStore, ImportMessage};
use crate::areas::store::AreaStore;
use crate::areas::{AreaCode, Level};
use crate::audit::AuditEntry;
use crate::auth::User;
use crate::config::Settings;
use crate::error::AppError;
use crate::upload::{FileError, FileKind, each_row};

/// Every area's level by code, for the row checks.
pub async fn area_levels(store: &(impl AreaStore + ?Sized)) -> sqlx::Result<HashMap<AreaCode, Level>> {
    Ok(store.list_areas(&Default::default()).await?.into_iter().map(|a| (a.code, a.level)).collect())
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Any bad row refuses the whole file (nothing is written).
    #[default]
    AllOrNothing,
    /// Good rows are imported; bad rows are reported and skipped.
    SkipInvalid,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    pub imported: usize,
    pub skipped: usize,
    pub errors: Vec<RowError>,
}

/// Why an import wrote nothing.
#[derive(Debug)]
pub enum ImportFailure {
    /// The file as a whole is unreadable (encoding, columns, format).
    File(FileError),
    /// All-or-nothing and some rows are bad.
    Rows(ImportReport),
    Other(AppError),
}

impl From<AppError> for ImportFailure {
    fn from(error: AppError) -> Self {
        Self::Other(error)
    }
}

impl From<sqlx::Error> for ImportFailure {
    fn from(error: sqlx::Error) -> Self {
        Self::Other(error.into())
    }
}

/// Rows sent to the store per message (the store inserts them in multi-row statements).
const IMPORT_BATCH: usize = 5000;
/// Batches in flight between the reader and the store: bounds the memory of an import.
const IMPORT_QUEUE: usize = 4;

/// A household file to import, and who imports it (`user` is None for the system).
pub struct ImportJob {
    pub bytes: Vec<u8>,
    pub kind: FileKind,
    pub mode: ImportMode,
    pub user: Option<User>,
    pub audit: AuditEntry,
}

/// Reads, checks and stores a household file (the API and the CLI).
/// The file is read, checked and sealed row by row on a blocking thread while the store inserts
/// the good rows batch by batch in one transaction, so memory stays flat whatever the file's size
/// (beyond the file itself). All or nothing: any bad row stops the sending and rolls back.
pub async fn import_file(
    store: &(impl HouseholdStore + AreaStore + ?Sized),
    settings: &Settings,
    job: ImportJob,
    progress: Arc<ImportProgress>,
) -> Result<ImportReport, ImportFailure> {
    let ImportJob { bytes, kind, mode, user, audit } = job;
    let areas = area_levels(store).await?;
    let resolution = settings.coverage_resolution();
    let pii = Pii::from_settings(settings);
    let all_or_nothing = mode == ImportMode::AllOrNothing;
    let (sender, mut messages) = tokio::sync::mpsc::channel(IMPORT_QUEUE);
    let reading = progress.clone();
    // Parsing, checking and sealing are CPU work: keep them off the async workers.
    let reader = tokio::task::spawn_blocking(move || -> Result<(usize, Vec<RowError>, Vec<usize>), FileError> {
        let reach = move |code: &str| user.as_ref().is_none_or(|u| u.can_reach(code));
        let checker = Checker { areas: &areas, can_reach: &reach, resolution, today: crate::clock::today() };
        let mut errors = Vec::new();
        // Row numbers of the rows sent, in order (to place the store's duplicates).
        let mut sent_rows = Vec::new();
        // First row of each ID number (its 17 leading digits identify it).
        let mut first_row_of: HashMap<u64, usize> = HashMap::new();
        let mut batch = Vec::with_capacity(IMPORT_BATCH);
        let mut sending = true;
        let mut read = 0;
        let total = each_row(&bytes, kind, COLUMNS, &mut |raw| {
            read += 1;
            reading.read(read, raw.read_fraction);
            match checker.row(&raw) {
                Ok(input) => {
                    let key = input.id_number.key();
                    if let Some(first) = first_row_of.get(&key) {
                        errors.push(RowError::new(
                            raw.row,
                            "head_id_number",
                            crate::said!("id_in_row", "the same ID number as row {row}", row = first),
                        ));
                        return;
                    }
                    first_row_of.insert(key, raw.row);
                    if !sending || (all_or_nothing && !errors.is_empty()) {
                        return;
                    }
                    sent_rows.push(raw.row);
                    batch.push(input.seal(&pii));
                    if batch.len() == IMPORT_BATCH {
                        // A closed channel means the store failed; its error is the answer.
                        sending = sender.blocking_send(ImportMessage::Batch(std::mem::take(&mut batch))).is_ok();
                    }
                }
                Err(problems) => errors.extend(problems.into_iter().map(|p| RowError::of(raw.row, p))),
            }
        })?;
        reading.read(total, 1.0);
        if total == 0 {
            return Err(FileError {
                field: "file",
                reason: crate::said!("file_no_rows", "the file has headers but no rows"),
            });
        }
        let failed = all_or_nothing && !errors.is_empty();
        if sending && !failed && !batch.is_empty() {
            sending = sender.blocking_send(ImportMessage::Batch(batch)).is_ok();
        }
        if sending {
            let bad_rows = errors.iter().map(|e| e.row).collect::<std::collections::BTreeSet<_>>().len();
            let mut audit = audit;
            audit.after = Some(
                json!({"mode": if all_or_nothing { "all_or_nothing" } else { "skip_invalid" }, "rows": total, "invalid_rows": bad_rows}),
            );
            let _ = sender.blocking_send(ImportMessage::Finish((!failed).then_some(audit)));
        }
        Ok((total, errors, sent_rows))
    });
    let stored = store.import_households(&mut messages, all_or_nothing, &progress).await;
    drop(messages);
    let read = reader.await.map_err(|e| ImportFailure::Other(AppError::Internal(e.into())))?;
    let (total, mut errors, sent_rows) = read.map_err(ImportFailure::File)?;
    let outcome = stored?;
    if all_or_nothing && !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(ImportFailure::Rows(ImportReport { imported: 0, skipped: total, errors }));
    }
    for index in &outcome.duplicates {
        errors.push(RowError::new(
            sent_rows[*index],
            "head_id_number",
            crate::said!("id_registered", "a household with this ID number is already registered"),
        ));
    }
    errors.sort_by_key(|e| e.row);
    if all_or_nothing && !outcome.duplicates.is_empty() {
        return Err(ImportFailure::Rows(ImportReport { imported: 0, skipped: total, errors }));
    }
    Ok(ImportReport { imported: outcome.inserted, skipped: total - outcome.inserted, errors })
}
