//! The `jiuzai` command: serve the API and dashboard, migrate, import areas, seed the demo, add users.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use jiuzai::areas::AreaCode;
use jiuzai::areas::Crs;
use jiuzai::audit::AuditEntry;
use jiuzai::auth::Role;
use jiuzai::auth::service::{CreateUser, add_user};
use jiuzai::config::Settings;
use jiuzai::demo::{self, DemoSources};
use jiuzai::server::{self, LogFormat};
use jiuzai::state::AppState;
use jiuzai::store::Store;
use jiuzai::{areas, db};

/// glibc's allocator spent a fifth of a large import's store loop consolidating freed strings
/// (docs/PERFORMANCE.md, "Household import").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "jiuzai", version, about = "Disaster relief logistics and reserve management (救灾)")]
struct Cli {
    /// sqlite://PATH (default data/jiuzai.db, created on first run) or postgres://...
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Connections to PostgreSQL (default: 4 per CPU core here). More only queue inside the
    /// database: on 2 cores, 8 served 20 % more stock movements than 32 (docs/PERFORMANCE.md).
    /// SQLite always has one writer and 8 readers.
    #[arg(long, env = "JIUZAI_PG_POOL_SIZE", global = true)]
    pg_pool_size: Option<u32>,
    /// Milliseconds a request waits for a database connection before it is answered 503 with
    /// Retry-After (SQLite's single writer queue waits three times as long). Also how long a
    /// request waits while the database is down: under 5 s, so clients never hang.
    #[arg(long, env = "JIUZAI_DB_ACQUIRE_TIMEOUT_MS", default_value_t = 3_000, global = true)]
    db_acquire_timeout_ms: u64,
    /// Connections kept apart for long reads (exports and registers), so that however many run
    /// at once, stock movements and reports still find a connection.
    #[arg(long, env = "JIUZAI_DB_LONG_READS", default_value_t = 2, global = true)]
    db_long_reads: u32,
    /// Milliseconds one statement may take, lock waits included (PostgreSQL's statement_timeout,
    /// SQLite's busy timeout); beyond it the request is answered 503 with Retry-After.
    #[arg(long, env = "JIUZAI_DB_STATEMENT_TIMEOUT_MS", default_value_t = 30_000, global = true)]
    db_statement_timeout_ms: u64,
    #[arg(long, env = "JIUZAI_LOG_FORMAT", value_enum, default_value = "text", global = true)]
    log_format: LogFormat,
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the dashboard.
    Serve {
        #[arg(long, env = "JIUZAI_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Seed the demo region and users if the database is empty.
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        sources: DemoSources,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Write a consistent copy of the live database (SQLite: a database file; PostgreSQL: a
    /// pg_dump custom-format archive, restored with `pg_restore --dbname URL FILE`).
    Backup { file: PathBuf },
    /// Print row counts and SHA-256 checksums of the key tables (JSON), to verify a restore.
    Checksum,
    /// Administrative areas.
    Areas {
        #[command(subcommand)]
        command: AreasCommand,
    },
    /// The demo region and users.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Household records.
    Households {
        #[command(subcommand)]
        command: HouseholdsCommand,
    },
}

#[derive(Subcommand)]
enum HouseholdsCommand {
    /// Import households from a CSV (UTF-8 or GBK) or XLSX file; duplicates of registered ID numbers are refused.
    Import {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "all-or-nothing")]
        mode: HouseholdImportMode,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum HouseholdImportMode {
    /// Any bad row refuses the whole file.
    #[value(name = "all_or_nothing", alias = "all-or-nothing")]
    AllOrNothing,
    /// Import the good rows, report and skip the bad ones.
    #[value(name = "skip_invalid", alias = "skip-invalid")]
    SkipInvalid,
}

#[derive(Subcommand)]
enum AreasCommand {
    /// Import areas from a GeoJSON file (all or nothing).
    Import {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "wgs84")]
        crs: Crs,
    },
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Seed the demo region and users (idempotent for users; areas are replaced).
    Seed {
        #[command(flatten)]
        sources: DemoSources,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from JIUZAI_PASSWORD or the first line of standard input.
    Add {
        username: String,
        #[arg(long, value_enum)]
        role: Role,
        /// Root of the user's area scope (required except for admin and auditor).
        #[arg(long)]
        area_code: Option<AreaCode>,
        #[arg(long)]
        display_name: Option<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    server::init_logging(cli.log_format);
    let url = cli.database_url.clone().unwrap_or_else(db::default_url);
    let limits = jiuzai::db::Limits {
        pg_pool_size: cli.pg_pool_size,
        long_reads: cli.db_long_reads,
        acquire_timeout: std::time::Duration::from_millis(cli.db_acquire_timeout_ms),
        statement_timeout: std::time::Duration::from_millis(cli.db_statement_timeout_ms),
    };
    let store = jiuzai::store::connect(&url, &limits).await?;
    let settings = cli.settings;
    // A wrong deadline setting stops the start, rather than failing the first case taken in.
    jiuzai::cases::rules::Deadlines::new(&settings.case_deadlines).map_err(anyhow::Error::msg)?;
    jiuzai::households::warn_if_default_keys(&settings);
    match cli.command {
        Command::Serve { addr, demo, sources } => {
            if demo && !demo::seed_if_empty(&*store, &settings, &sources).await? {
                demo::warn_demo_credentials();
            }
            server::serve(AppState::new(store, settings), &addr).await?;
        }
        Command::Migrate => {
            tracing::info!("migrations applied");
            store.close().await;
        }
        Command::Backup { file } => {
            store.backup(&file.display().to_string()).await?;
            println!("backup written to {}", file.display());
            store.close().await;
        }
        Command::Checksum => {
            println!("{}", serde_json::to_string_pretty(&store.checksums().await?)?);
            store.close().await;
        }
        Command::Areas { command: AreasCommand::Import { file, crs } } => {
            let text = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let document = serde_json::from_slice(&text).with_context(|| format!("{} is not JSON", file.display()))?;
            let audit = AuditEntry::system("areas.import", "areas", file.display().to_string());
            let summary =
                areas::service::import_document(&*store, &document, crs, settings.coverage_resolution(), audit)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}: {}", error_details(&e)))?;
            println!(
                "imported {} areas ({} counties, {} townships)",
                summary.imported, summary.counties, summary.townships
            );
            store.close().await;
        }
        Command::Demo { command: DemoCommand::Seed { sources } } => {
            demo::seed(&*store, &settings, &sources).await?;
            store.close().await;
        }
        Command::Households { command: HouseholdsCommand::Import { file, mode } } => {
            import_households(&*store, &settings, &file, mode).await?;
            store.close().await;
        }
        Command::User { command: UserCommand::Add { username, role, area_code, display_name } } => {
            let password = match std::env::var("JIUZAI_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let audit = AuditEntry::system("user.create", "user", &username);
            let request = CreateUser { username, display_name, password, role, area_code };
            let user =
                add_user(&*store, request, audit).await.map_err(|e| anyhow::anyhow!("{e}: {}", error_details(&e)))?;
            println!("created user {} ({})", user.username, user.role.as_str());
            store.close().await;
        }
    }
    Ok(())
}

async fn import_households(
    store: &dyn Store,
    settings: &Settings,
    file: &std::path::Path,
    mode: HouseholdImportMode,
) -> anyhow::Result<()> {
    use jiuzai::households::service::{ImportFailure, ImportJob, ImportMode, import_file};
    use jiuzai::upload::FileKind;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let is_xlsx = file.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) || bytes.starts_with(b"PK\x03\x04");
    let kind = if is_xlsx { FileKind::Xlsx } else { FileKind::Csv };
    let mode = match mode {
        HouseholdImportMode::AllOrNothing => ImportMode::AllOrNothing,
        HouseholdImportMode::SkipInvalid => ImportMode::SkipInvalid,
    };
    let audit = AuditEntry::system("households.import", "households", file.display().to_string());
    let started = std::time::Instant::now();
    let progress = std::sync::Arc::<jiuzai::households::progress::ImportProgress>::default();
    let watched = progress.clone();
    let ticker = tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(2));
        every.tick().await;
        loop {
            every.tick().await;
            let now = watched.view();
            eprintln!(
                "  {:.0}% of the file read: {} rows read, {} stored",
                now.fraction_read * 100.0,
                now.rows_read,
                now.rows_stored
            );
        }
    });
    let job = ImportJob { bytes, kind, mode, user: None, audit };
    let outcome = import_file(store, settings, job, progress).await;
    ticker.abort();
    let report = match outcome {
        Ok(report) => report,
        Err(ImportFailure::File(e)) => anyhow::bail!("{}: {}", e.field, e.reason),
        Err(ImportFailure::Rows(report)) => {
            for e in report.errors.iter().take(50) {
                eprintln!("{e}");
            }
            anyhow::bail!(
                "{} error(s); nothing was imported (use --mode skip_invalid to import the good rows)",
                report.errors.len()
            );
        }
        Err(ImportFailure::Other(e)) => anyhow::bail!("{e}: {}", error_details(&e)),
    };
    for e in report.errors.iter().take(50) {
        eprintln!("{e}");
    }
    println!(
        "imported {} households, skipped {} rows in {:.1} s",
        report.imported,
        report.skipped,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn error_details(error: &jiuzai::error::AppError) -> String {
    match error {
        jiuzai::error::AppError::Invalid { details, .. } => {
            details.iter().map(|d| format!("{}: {}", d.field, d.reason)).collect::<Vec<_>>().join("; ")
        }
        _ => String::new(),
    }
}
