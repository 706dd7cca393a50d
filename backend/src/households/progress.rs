//! How far a household import has got, for the person waiting on a large file: the reader counts
//! the rows it has read and how much of the file that is, the store the rows it has stored. The
//! importer polls it (GET /api/v1/households/imports/{progress_id}) while its POST is running.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::time::Duration;

use moka::sync::Cache;
use serde::Serialize;
use utoipa::ToSchema;

/// Counters shared by the reader thread, the store and whoever polls them.
#[derive(Debug, Default)]
pub struct ImportProgress {
    rows_read: AtomicUsize,
    /// Parts per million of the file read (the byte position for CSV, the row for XLSX).
    read_ppm: AtomicU32,
    rows_stored: AtomicUsize,
    finished: AtomicBool,
}

/// A snapshot of an import's progress.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ProgressView {
    /// Data rows read and checked so far.
    pub rows_read: usize,
    /// Share of the file read, 0–1.
    pub fraction_read: f64,
    /// Rows written to the database so far (in the import's transaction until it commits).
    pub rows_stored: usize,
    /// The import has answered (committed, or rolled back).
    pub finished: bool,
}

impl ImportProgress {
    /// `fraction` is the share of the file read through this row, 0–1.
    pub fn read(&self, rows: usize, fraction: f64) {
        self.rows_read.store(rows, Ordering::Relaxed);
        self.read_ppm.store((fraction.clamp(0.0, 1.0) * 1e6) as u32, Ordering::Relaxed);
    }

    pub fn stored(&self, rows: usize) {
        self.rows_stored.store(rows, Ordering::Relaxed);
    }

    pub fn finish(&self) {
        self.finished.store(true, Ordering::Release);
    }

    pub fn view(&self) -> ProgressView {
        ProgressView {
            finished: self.finished.load(Ordering::Acquire),
            rows_read: self.rows_read.load(Ordering::Relaxed),
            fraction_read: f64::from(self.read_ppm.load(Ordering::Relaxed)) / 1e6,
            rows_stored: self.rows_stored.load(Ordering::Relaxed),
        }
    }
}

/// Imports by (user id, the progress id the client chose), visible only to that user. Entries are
/// forgotten an hour after they were started: long after any import has answered.
#[derive(Clone)]
pub struct ImportBoard(Cache<(i64, String), Arc<ImportProgress>>);

impl Default for ImportBoard {
    fn default() -> Self {
        Self(Cache::builder().max_capacity(10_000).time_to_live(Duration::from_secs(3600)).build())
    }
}

impl ImportBoard {
    /// Starts tracking an import, replacing an earlier one under the same id.
    pub fn start(&self, user_id: i64, progress_id: &str) -> Arc<ImportProgress> {
        let progress = Arc::new(ImportProgress::default());
        self.0.insert((user_id, progress_id.to_owned()), progress.clone());
        progress
    }

    pub fn get(&self, user_id: i64, progress_id: &str) -> Option<ProgressView> {
        self.0.get(&(user_id, progress_id.to_owned())).map(|p| p.view())
    }
}

/// A progress id is chosen by the client: 8–64 letters, digits, '-' or '_' (a UUID fits).
pub fn valid_progress_id(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_import_is_seen_only_by_its_user_and_reports_its_counters() {
        let board = ImportBoard::default();
        let progress = board.start(7, "upload-0001");
        progress.read(40, 0.25);
        progress.stored(30);
        assert_eq!(
            board.get(7, "upload-0001"),
            Some(ProgressView { rows_read: 40, fraction_read: 0.25, rows_stored: 30, finished: false })
        );
        assert_eq!(board.get(8, "upload-0001"), None, "another user");
        assert_eq!(board.get(7, "upload-0002"), None);
        progress.read(160, 1.5);
        progress.finish();
        let done = board.get(7, "upload-0001").unwrap();
        assert!(done.finished);
        assert_eq!(done.fraction_read, 1.0, "clamped");
    }

    #[test]
    fn progress_ids_are_short_plain_tokens() {
        assert!(valid_progress_id("3f2a9c1e-8b7d-4e6f-a5c4-0d1e2f3a4b5c"));
        assert!(valid_progress_id("upload_01"));
        assert!(!valid_progress_id("short"));
        assert!(!valid_progress_id("has space in it"));
        assert!(!valid_progress_id("../../etc/passwd"));
        assert!(!valid_progress_id(&"x".repeat(65)));
    }
}
