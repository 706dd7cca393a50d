//! Storage: one set of store traits (one per domain, in each domain's `store.rs`), implemented for
//! SQLite (embedded default) and PostgreSQL (production) from a single body of SQL each, through
//! [`for_both_backends!`]. Both backends accept `$1`-style parameters, `RETURNING` and `ON CONFLICT`,
//! so the SQL is shared; schema differences live in the per-backend migrations.

pub mod changes;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

pub use changes::{Change, OnChange};

/// Rows per multi-row INSERT: at most 17 parameters a row, well under both databases' limits
/// (SQLite 32,766, PostgreSQL 65,535), and one round trip per thousand rows instead of one per row.
pub(crate) const BATCH: usize = 1000;

tokio::task_local! {
    static LONG_READ: ();
}

/// Runs `work` with its reads on the long-read pool. Exports and registers may read for seconds;
/// however many run at once, they hold only that pool's few connections, never the ones stock
/// movements and reports need (docs/RELIABILITY.md, "A database that takes too long").
pub async fn long_read<F: std::future::Future>(work: F) -> F::Output {
    LONG_READ.scope((), work).await
}

/// Route layer for exports and registers: `routes!(export).layer(from_fn(db::long_reads))` makes
/// the route's reads [`long_read`]s.
pub async fn long_reads(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    long_read(next.run(request)).await
}

fn in_long_read() -> bool {
    LONG_READ.try_with(|_| ()).is_ok()
}

/// What every store does beside the domains' own traits: identify itself, answer a ping, close,
/// back up and checksum (the domains' store traits are implemented for both stores in their own
/// `store.rs`; `crate::store::Store` gathers them).
#[async_trait::async_trait]
pub trait Database: Send + Sync + 'static {
    fn backend_name(&self) -> &'static str;
    /// Each connection pool's use, for `/metrics`.
    fn pools(&self) -> Vec<PoolUse>;
    /// Liveness of the database, for `/api/v1/health`.
    async fn ping(&self) -> sqlx::Result<()>;
    /// Closes the pools once in-flight queries finish (graceful shutdown).
    async fn close(&self);
    /// Writes a consistent copy of the live database to `path`: SQLite `VACUUM INTO`, or
    /// `pg_dump --format=custom` for PostgreSQL (restore with `pg_restore`).
    async fn backup(&self, path: &str) -> anyhow::Result<()>;
    /// Row count and SHA-256 of each key table, to verify a restore against its source.
    async fn checksums(&self) -> sqlx::Result<Vec<TableChecksum>>;
    /// Tells the other servers on this database that something they may cache changed.
    async fn announce(&self, change: &Change) -> sqlx::Result<()>;
    /// Hears the other servers' announcements for as long as the process runs.
    fn follow_changes(&self, on_change: OnChange);
}

/// Starts a write transaction, recording how long it waited for its connection and lock
/// (`db_begin_wait_seconds`, per pool).
async fn timed_begin<T>(
    pool: &'static str,
    begin: impl std::future::Future<Output = sqlx::Result<T>>,
) -> sqlx::Result<T> {
    let started = std::time::Instant::now();
    let result = begin.await;
    metrics::histogram!("db_begin_wait_seconds", "pool" => pool).record(started.elapsed().as_secs_f64());
    result
}

/// One connection pool's use at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolUse {
    pub name: &'static str,
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

fn pool_use<DB: sqlx::Database>(name: &'static str, pool: &sqlx::Pool<DB>) -> PoolUse {
    PoolUse { name, open: pool.size(), idle: pool.num_idle() as u32, max: pool.options().get_max_connections() }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableChecksum {
    pub table: &'static str,
    pub rows: usize,
    pub sha256: String,
}

/// The key tables and the columns that identify their content, as one text expression each
/// (the same SQL on both stores).
const CHECKSUMMED: &[(&str, &str)] = &[
    ("areas", "SELECT code || ':' || name || ':' || level FROM areas ORDER BY 1"),
    ("users", "SELECT username || ':' || role FROM users ORDER BY 1"),
    (
        "stock_balances",
        "SELECT depot_id || ':' || item_code || ':' || on_hand || ':' || reserved FROM stock_balances ORDER BY 1",
    ),
    ("stock_lots", "SELECT depot_id || ':' || item_code || ':' || lot || ':' || quantity FROM stock_lots ORDER BY 1"),
    (
        "stock_movements",
        "SELECT id || ':' || kind || ':' || item_code || ':' || quantity FROM stock_movements ORDER BY id",
    ),
    ("loss_reports", "SELECT id || ':' || area_code || ':' || version || ':' || stage FROM loss_reports ORDER BY id"),
    ("assessments", "SELECT id || ':' || area_code || ':' || version FROM assessments ORDER BY id"),
    ("plans", "SELECT id || ':' || status FROM plans ORDER BY id"),
    (
        "fund_pools",
        "SELECT id || ':' || source_level || ':' || aid_type || ':' || amount_fen || ':' || committed_fen FROM fund_pools ORDER BY id",
    ),
    (
        "plan_lines",
        "SELECT plan_id || ':' || depot_id || ':' || area_code || ':' || item_code || ':' || quantity FROM plan_lines ORDER BY 1",
    ),
    ("audit_log", "SELECT id || ':' || action || ':' || entity_id FROM audit_log ORDER BY id"),
];

macro_rules! checksums_for {
    ($pool:expr) => {{
        use sha2::{Digest, Sha256};
        let mut result = Vec::new();
        for (table, sql) in CHECKSUMMED {
            let rows: Vec<String> = sqlx::query_scalar(*sql).fetch_all($pool).await?;
            let mut hasher = Sha256::new();
            for row in &rows {
                hasher.update(row.as_bytes());
                hasher.update(b"\n");
            }
            result.push(TableChecksum { table, rows: rows.len(), sha256: hex::encode(hasher.finalize()) });
        }
        Ok(result)
    }};
}

/// Names the sqlx database type of a concrete store, so shared SQL bodies can spell their types.
pub trait Backend {
    type Db: sqlx::Database;
}

/// SQLite in WAL mode. Writes go through a single connection (SQLite allows one writer at a time;
/// queueing in the pool is cheaper and fairer than retrying on SQLITE_BUSY); reads use a pool, and
/// long reads ([`long_read`]) a small one of their own.
pub struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
    long_readers: SqlitePool,
}

pub struct PgStore {
    pool: PgPool,
    /// For reads inside [`long_read`].
    long_reads: PgPool,
    /// For `pg_dump`.
    url: String,
}

impl Backend for SqliteStore {
    type Db = Sqlite;
}
impl Backend for PgStore {
    type Db = Postgres;
}

/// Whether the writer connection comes back with no transaction open, so it may serve the next
/// one. A dropped transaction's rollback is queued on the connection, so a ping behind it tells
/// whether the rollback took. When SQLite has already undone a transaction itself (a COMMIT that
/// met a full disk), the rollback fails and sqlx keeps counting the transaction as open: every later
/// BEGIN would then fail, so such a connection is closed and the pool opens a fresh one.
async fn left_no_transaction_open(conn: &mut sqlx::SqliteConnection) -> bool {
    use sqlx::Connection;
    if !conn.is_in_transaction() {
        return true;
    }
    conn.ping().await.is_ok() && !conn.is_in_transaction()
}

impl SqliteStore {
    pub(crate) fn reader(&self) -> &SqlitePool {
        if in_long_read() { &self.long_readers } else { &self.readers }
    }
    /// `BEGIN IMMEDIATE` takes the write lock up front, so a transaction never fails half-way
    /// when it upgrades from reading to writing.
    pub(crate) async fn begin(&self) -> sqlx::Result<Transaction<'static, Sqlite>> {
        timed_begin("writer", self.writer.begin_with("BEGIN IMMEDIATE")).await
    }
}

impl PgStore {
    pub(crate) fn reader(&self) -> &PgPool {
        if in_long_read() { &self.long_reads } else { &self.pool }
    }
    pub(crate) async fn begin(&self) -> sqlx::Result<Transaction<'static, Postgres>> {
        timed_begin("postgres", self.pool.begin()).await
    }
}

#[async_trait::async_trait]
impl Database for SqliteStore {
    fn backend_name(&self) -> &'static str {
        "sqlite"
    }
    fn pools(&self) -> Vec<PoolUse> {
        vec![
            pool_use("writer", &self.writer),
            pool_use("readers", &self.readers),
            pool_use("long_reads", &self.long_readers),
        ]
    }
    async fn ping(&self) -> sqlx::Result<()> {
        sqlx::query("SELECT 1").execute(&self.readers).await.map(|_| ())
    }
    /// One process serves a SQLite file: it forgets its own copies, and nobody else is listening.
    async fn announce(&self, _change: &Change) -> sqlx::Result<()> {
        Ok(())
    }
    fn follow_changes(&self, _on_change: OnChange) {}
    async fn close(&self) {
        self.writer.close().await;
        self.readers.close().await;
        self.long_readers.close().await;
    }
    async fn backup(&self, path: &str) -> anyhow::Result<()> {
        anyhow::ensure!(!Path::new(path).exists(), "{path} exists; choose a new file");
        sqlx::query("VACUUM INTO $1").bind(path).execute(&self.writer).await.context("VACUUM INTO")?;
        Ok(())
    }
    async fn checksums(&self) -> sqlx::Result<Vec<TableChecksum>> {
        checksums_for!(&self.readers)
    }
}

#[async_trait::async_trait]
impl Database for PgStore {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }
    fn pools(&self) -> Vec<PoolUse> {
        vec![pool_use("postgres", &self.pool), pool_use("long_reads", &self.long_reads)]
    }
    async fn ping(&self) -> sqlx::Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }
    async fn announce(&self, change: &Change) -> sqlx::Result<()> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(changes::CHANNEL)
            .bind(change.payload())
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
    fn follow_changes(&self, on_change: OnChange) {
        changes::listen_postgres(self.url.clone(), on_change);
    }
    async fn close(&self) {
        self.pool.close().await;
        self.long_reads.close().await;
    }
    async fn backup(&self, path: &str) -> anyhow::Result<()> {
        let status = tokio::process::Command::new("pg_dump")
            .args(["--format=custom", "--no-owner", "--file", path, "--dbname", &self.url])
            .status()
            .await
            .context("running pg_dump (install the PostgreSQL client)")?;
        anyhow::ensure!(status.success(), "pg_dump failed: {status}");
        Ok(())
    }
    async fn checksums(&self) -> sqlx::Result<Vec<TableChecksum>> {
        checksums_for!(&self.pool)
    }
}

/// Implements a store trait, or inherent helpers, for both backends from one body of ordinary
/// (rustfmt-formatted) Rust: `#[apply(for_both_backends!)] impl DepotStore for Backends { … }` or
/// `#[apply(for_both_backends!)] impl Backends { … }`. `Backends` is a placeholder the macro
/// replaces by [`SqliteStore`] and [`PgStore`]. Inside the body, `self.reader()` is a pool for
/// reads, `self.begin()` starts a write transaction, and `<Self as Backend>::Db` names the database
/// type where a signature needs it.
macro_rules! for_both_backends {
    ($(#[$meta:meta])* impl $trait_:ident for Backends { $($body:tt)* }) => {
        $(#[$meta])*
        #[async_trait::async_trait]
        impl $trait_ for $crate::db::SqliteStore { $($body)* }
        $(#[$meta])*
        #[async_trait::async_trait]
        impl $trait_ for $crate::db::PgStore { $($body)* }
    };
    ($(#[$meta:meta])* impl Backends { $($body:tt)* }) => {
        $(#[$meta])*
        impl $crate::db::SqliteStore { $($body)* }
        $(#[$meta])*
        impl $crate::db::PgStore { $($body)* }
    };
}
pub(crate) use for_both_backends;

fn default_pg_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    u32::try_from(cores * 4).unwrap_or(u32::MAX)
}

pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// One of the two stores, as opened.
pub enum Opened {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// How long a request may wait for the database before it is answered 503 with Retry-After.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connections to PostgreSQL (default 4 per CPU core).
    pub pg_pool_size: Option<u32>,
    /// Connections for long reads (exports, registers), beside the others, on either store.
    pub long_reads: u32,
    /// Waiting for a free connection (SQLite's single writer queue waits three times as long).
    pub acquire_timeout: Duration,
    /// One statement, lock waits included (PostgreSQL `statement_timeout`, SQLite's busy timeout).
    pub statement_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            pg_pool_size: None,
            long_reads: 2,
            acquire_timeout: Duration::from_secs(3),
            statement_timeout: Duration::from_secs(30),
        }
    }
}

/// Opens the store named by `url` and applies its migrations.
pub async fn open(url: &str, limits: &Limits) -> anyhow::Result<Opened> {
    if is_postgres_url(url) {
        let statement_ms = limits.statement_timeout.as_millis().max(1).to_string();
        let options = PgConnectOptions::from_str(url)
            .context("invalid PostgreSQL URL")?
            .options([("statement_timeout", statement_ms.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(limits.pg_pool_size.unwrap_or_else(default_pg_pool_size).max(1))
            .acquire_timeout(limits.acquire_timeout)
            .connect_with(options.clone())
            .await
            .context("connecting to PostgreSQL")?;
        sqlx::migrate!("../migrations/postgres").run(&pool).await.context("migrating PostgreSQL")?;
        let long_reads = PgPoolOptions::new()
            .max_connections(limits.long_reads.max(1))
            .acquire_timeout(limits.acquire_timeout)
            .connect_lazy_with(options);
        Ok(Opened::Postgres(PgStore { pool, long_reads, url: url.to_owned() }))
    } else {
        let options = sqlite_options(url)?.busy_timeout(limits.statement_timeout);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(limits.acquire_timeout * 3)
            .after_release(|conn, _| Box::pin(async move { Ok(left_no_transaction_open(conn).await) }))
            .connect_with(options.clone())
            .await
            .context("opening SQLite database")?;
        sqlx::migrate!("../migrations/sqlite").run(&writer).await.context("migrating SQLite")?;
        let read_only = options.read_only(true);
        let readers = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(limits.acquire_timeout)
            .connect_with(read_only.clone())
            .await
            .context("opening SQLite readers")?;
        let long_readers = SqlitePoolOptions::new()
            .max_connections(limits.long_reads.max(1))
            .acquire_timeout(limits.acquire_timeout)
            .connect_lazy_with(read_only);
        Ok(Opened::Sqlite(SqliteStore { writer, readers, long_readers }))
    }
}

fn sqlite_options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
    let options = SqliteConnectOptions::from_str(url).context("invalid SQLite URL")?;
    if let Some(dir) = options.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    Ok(options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true))
}

/// The default database: a SQLite file under `data/`, created on first run.
pub fn default_url() -> String {
    format!("sqlite://{}", Path::new("data").join("jiuzai.db").display())
}
