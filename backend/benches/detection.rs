//! Detection after one damage record (issue #16, target: under 20 ms added to the request): on the
//! demo city, the time of `households::damage::record` (the request's own work) beside the time
//! `cases::alerts::after_damage` adds, over records that raise and withdraw alerts in turn, on
//! SQLite and PostgreSQL. Results go to docs/PERFORMANCE.md (One window: detection).
//!
//!   cargo bench --bench detection            # from backend/; needs `make setup`'s geodata
//!   JIUZAI_BENCH_PG=postgres://postgres@127.0.0.1:5432 cargo bench --bench detection

use std::time::{Duration, Instant};

use jiuzai::auth::Actor;
use jiuzai::cases::alerts;
use jiuzai::config::Settings;
use jiuzai::demo::{self, DemoSources};
use jiuzai::households::{DamageInput, HouseDamage, damage};
use jiuzai::store::{SharedStore, connect};

const ROUNDS: usize = 300;

fn percentile(times: &mut [Duration], p: f64) -> f64 {
    times.sort();
    let at = ((times.len() as f64 - 1.0) * p).round() as usize;
    times[at].as_secs_f64() * 1000.0
}

async fn run(name: &str, store: SharedStore) -> anyhow::Result<()> {
    let settings = Settings::default();
    let sources = DemoSources { geodata_dir: "../geodata".into(), counties_file: None, counties_crs: None };
    demo::seed(&*store, &settings, &sources).await?;
    let (user, _) = store.find_credentials("manager").await?.expect("the demo manager");
    let actor = Actor { user, request_id: None };
    let records = store.damage_records(1, None).await?;
    let households: Vec<i64> = records.iter().map(|r| r.household_id).take(ROUNDS).collect();
    let (mut recording, mut detecting) = (Vec::new(), Vec::new());
    for (round, &household_id) in households.iter().cycle().take(ROUNDS * 2).enumerate() {
        // First pass: a death and an injury raise alerts; second pass: none, they are withdrawn.
        let lost = round < ROUNDS;
        let input = DamageInput {
            household_id,
            house_damage: HouseDamage::General,
            damaged_rooms: 1,
            transitional_persons: 0,
            emergency_persons: 0,
            drought_persons: 0,
            crop_total_loss: false,
            dead: i64::from(lost),
            missing: 0,
            injured: i64::from(lost),
            has_other_home: false,
            exclusions: vec![],
        };
        let started = Instant::now();
        let (stored, _) = damage::record(&*store, &actor, 1, input).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let recorded = Instant::now();
        alerts::after_damage(&*store, &actor, &stored).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        recording.push(recorded - started);
        detecting.push(recorded.elapsed());
    }
    println!(
        "| {name} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
        recording.len(),
        percentile(&mut recording, 0.5),
        percentile(&mut recording, 0.95),
        percentile(&mut detecting, 0.5),
        percentile(&mut detecting, 0.95),
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let limits = jiuzai::db::Limits::default();
    println!("| store | records | record p50 ms | record p95 ms | detection p50 ms | detection p95 ms |");
    println!("|---|---|---|---|---|---|");
    let dir = std::env::temp_dir().join(format!("jiuzai-bench-detection-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    run("SQLite", connect(&format!("sqlite://{}/bench.db", dir.display()), &limits).await?).await?;
    std::fs::remove_dir_all(&dir)?;
    if let Ok(server) = std::env::var("JIUZAI_BENCH_PG") {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres")).await?;
        sqlx::raw_sql("DROP DATABASE IF EXISTS jiuzai_bench_detection").execute(&mut admin).await?;
        sqlx::raw_sql("CREATE DATABASE jiuzai_bench_detection").execute(&mut admin).await?;
        run("PostgreSQL", connect(&format!("{server}/jiuzai_bench_detection"), &limits).await?).await?;
    }
    Ok(())
}
