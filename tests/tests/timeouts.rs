//! A database that takes too long or drops its connections: a write stuck behind another's lock
//! waits at most the statement timeout and is answered 503 with Retry-After (never hanging),
//! writes nothing, and the same request succeeds once the lock is gone (both stores); PostgreSQL
//! killing every connection while clients write answers 503, never 500, and every write retried
//! with its Idempotency-Key lands exactly once; exports stuck on a slow read hold only the
//! long-read pool's connections, and stock movements go on.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Server, Store};
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Connection;

const CITY_DEPOT: i64 = 1;

/// Holds the lock a stock movement needs until the returned connection's transaction ends.
async fn hold_stock_lock(server: &Server) -> Box<dyn std::any::Any> {
    match server.store {
        Store::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&server.db.url).await.unwrap();
            sqlx::query("BEGIN").execute(&mut conn).await.unwrap();
            sqlx::query("LOCK TABLE stock_balances IN ACCESS EXCLUSIVE MODE").execute(&mut conn).await.unwrap();
            Box::new(conn)
        }
        Store::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&server.db.url).await.unwrap();
            sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await.unwrap();
            Box::new(conn)
        }
    }
}

async fn quilts_on_hand(server: &Server, token: &str) -> i64 {
    let (_, stock) = server.get(&format!("/api/v1/depots/{CITY_DEPOT}/stock"), token).await;
    stock.as_array().unwrap().iter().find(|l| l["item"] == "quilt").unwrap()["on_hand"].as_i64().unwrap()
}

store_tests! {
    a_write_behind_a_lock_gets_503_within_the_statement_timeout => |store| async move {
        let server = Server::start_with(store, &[("JIUZAI_DB_STATEMENT_TIMEOUT_MS", "1000")]).await;
        let keeper = server.login("depot").await;
        let path = format!("/api/v1/depots/{CITY_DEPOT}/movements");
        let movement = json!({"kind": "receipt", "item": "quilt", "quantity": 5, "lot": "T1", "source": "procured"});
        let before = quilts_on_hand(&server, &keeper).await;

        let lock = hold_stock_lock(&server).await;
        let started = Instant::now();
        let response = server.http.post(server.url(&path)).bearer_auth(&keeper).json(&movement).send().await.unwrap();
        let waited = started.elapsed();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()["retry-after"], "2");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unavailable", "{body}");
        assert!(waited < Duration::from_secs(5), "answered after {waited:?}, not left hanging");
        drop(lock);

        assert_eq!(quilts_on_hand(&server, &keeper).await, before, "the refused write wrote nothing");
        let (status, body) = server.post(&path, &keeper, movement).await;
        assert_eq!(status, StatusCode::CREATED, "the same request once the lock is gone: {body}");
        assert_eq!(quilts_on_hand(&server, &keeper).await, before + 5);
    };
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_connections_killed_mid_write_answer_503_and_lose_nothing() {
    const CLIENTS: usize = 32;
    const WRITES: usize = 10;
    const STOCK: i64 = 10_000;
    let server = Server::start(Store::Postgres).await;
    let manager = server.login("manager").await;
    let (_, depot) = server
        .post(
            "/api/v1/depots",
            &manager,
            json!({"name": "断线测试库", "tier": "county", "area_code": "360425",
        "lon": 115.8, "lat": 29.2, "capacity_m3": 5000}),
        )
        .await;
    let depot = depot["id"].as_i64().unwrap();
    let path = format!("/api/v1/depots/{depot}/movements");
    let (status, _) = server
        .post(
            &path,
            &manager,
            json!({"kind": "receipt", "item": "quilt", "quantity": STOCK, "lot": "L1", "source": "procured"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let (unavailable, server_errors) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let writing = AtomicBool::new(true);
    // Each client issues its quilts one by one, retrying each with its key until it is answered 201.
    let client = |c: usize| {
        let (server, manager, path) = (&server, &manager, &path);
        let (unavailable, server_errors) = (&unavailable, &server_errors);
        async move {
            for w in 0..WRITES {
                let key = format!("kill-{c}-{w}");
                let started = Instant::now();
                loop {
                    let response = server
                        .http
                        .post(server.url(path))
                        .bearer_auth(manager)
                        .header("Idempotency-Key", &key)
                        .json(&json!({"kind": "issue", "item": "quilt", "quantity": 1}))
                        .send()
                        .await;
                    match response.map(|r| r.status()) {
                        Ok(StatusCode::CREATED) => break,
                        Ok(StatusCode::SERVICE_UNAVAILABLE) => {
                            unavailable.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(status) => {
                            server_errors.fetch_add(1, Ordering::SeqCst);
                            eprintln!("{key}: {status}");
                        }
                        Err(e) => panic!("{key}: the server dropped the request: {e}"),
                    }
                    assert!(started.elapsed() < Duration::from_secs(30), "{key} never got through");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    };
    let killer = async {
        let admin = sqlx::PgPool::connect(common::POSTGRES_ADMIN_URL).await.unwrap();
        let database = server.db.url.rsplit('/').next().unwrap().to_owned();
        let mut kills = 0;
        while writing.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(150)).await;
            let killed: Vec<bool> =
                sqlx::query_scalar("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
                    .bind(&database)
                    .fetch_all(&admin)
                    .await
                    .unwrap();
            kills += killed.len();
        }
        kills
    };
    let clients = async {
        futures::future::join_all((0..CLIENTS).map(client)).await;
        writing.store(false, Ordering::SeqCst);
    };
    let (_, kills) = tokio::join!(clients, killer);

    let manager = server.login("manager").await;
    let (_, stock) = server.get(&format!("/api/v1/depots/{depot}/stock"), &manager).await;
    let quilt = stock.as_array().unwrap().iter().find(|l| l["item"] == "quilt").unwrap().clone();
    assert_eq!(quilt["on_hand"].as_i64().unwrap(), STOCK - (CLIENTS * WRITES) as i64, "each write landed exactly once");
    let (_, page) = server.get(&format!("/api/v1/depots/{depot}/movements?limit=500"), &manager).await;
    assert_eq!(
        page["movements"].as_array().unwrap().len(),
        CLIENTS * WRITES + 1,
        "one movement per key, and the receipt"
    );
    let (status, health) = server.call(reqwest::Method::GET, "/api/v1/health", None, None).await;
    assert_eq!((status, &health["database"]), (StatusCode::OK, &json!("ok")), "recovered by itself");
    eprintln!("{kills} connections killed; {} answers were 503", unavailable.load(Ordering::SeqCst));
    let internal: Vec<String> =
        server.log_text().lines().filter(|l| l.contains("internal error")).take(3).map(str::to_owned).collect();
    assert_eq!(server_errors.load(Ordering::SeqCst), 0, "a dropped connection is a 503, never a 500: {internal:#?}");
    assert!(
        kills > 0 && unavailable.load(Ordering::SeqCst) > 0,
        "no write met a killed connection: the test proved nothing"
    );
}

/// Exports that read for a long time (here: stuck behind a lock on the households table) must not
/// take the connections stock movements need. With a pool of 4 and 6 stuck exports, a movement
/// waited its full acquire timeout and was answered 503 before exports read on a pool of their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_slow_exports_leave_connections_for_stock_movements() {
    const EXPORTS: usize = 6;
    let server = Server::start_with(
        Store::Postgres,
        &[("JIUZAI_PG_POOL_SIZE", "4"), ("JIUZAI_DB_LONG_READS", "2"), ("JIUZAI_DB_ACQUIRE_TIMEOUT_MS", "1000")],
    )
    .await;
    let (manager, keeper) = (server.login("manager").await, server.login("depot").await);
    let before = quilts_on_hand(&server, &keeper).await;
    let register = "/api/v1/exports/registers/damaged-houses?event_id=1";
    assert_eq!(server.download(register, Some(&manager)).await.0, StatusCode::OK);

    let mut lock = sqlx::PgConnection::connect(&server.db.url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut lock).await.unwrap();
    sqlx::query("LOCK TABLE households IN ACCESS EXCLUSIVE MODE").execute(&mut lock).await.unwrap();
    let exports = futures::future::join_all((0..EXPORTS).map(|_| server.download(register, Some(&manager))));
    let movement = async {
        // Once the exports have taken every connection they can and wait on the lock.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let started = Instant::now();
        let path = format!("/api/v1/depots/{CITY_DEPOT}/movements");
        let body = json!({"kind": "receipt", "item": "quilt", "quantity": 5, "lot": "LR1", "source": "procured"});
        let (status, answer) = server.post(&path, &keeper, body).await;
        let waited = started.elapsed();
        sqlx::query("ROLLBACK").execute(&mut lock).await.unwrap();
        (status, answer, waited)
    };
    let (exported, (status, answer, waited)) = tokio::join!(exports, movement);

    assert_eq!(status, StatusCode::CREATED, "the movement beside {EXPORTS} stuck exports: {answer}");
    assert!(waited < Duration::from_millis(900), "the movement waited {waited:?} for a connection");
    assert_eq!(quilts_on_hand(&server, &keeper).await, before + 5);
    let statuses: Vec<StatusCode> = exported.iter().map(|(status, _, _)| *status).collect();
    assert!(
        statuses.iter().all(|s| [StatusCode::OK, StatusCode::SERVICE_UNAVAILABLE].contains(s)),
        "an export is a file or a 503 to retry: {statuses:?}"
    );
    assert!(statuses.contains(&StatusCode::OK), "the long-read pool served exports: {statuses:?}");
    eprintln!("movement answered in {waited:?}; exports: {statuses:?}");
}
