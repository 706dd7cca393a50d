//! PostgreSQL stopped and started again (a restart, as in a fail-over) while 64 clients write
//! stock movements, loss reports and plan steps: the server stays up, answers 503 with
//! Retry-After within 5 s while the database is gone (never hanging), recovers by itself, and every
//! write retried with its Idempotency-Key (or repeated, for plan steps) lands exactly once.
//!
//! It stops the machine's PostgreSQL cluster, so it lives alone in this test binary (cargo runs
//! test binaries one after another) and needs the right to run `pg_ctlcluster` (root, as here and
//! in CI); elsewhere it says so and passes without checking.

mod common;

use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::{Server, Store};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const MOVEMENT_CLIENTS: usize = 50;
const MOVEMENTS: usize = 6;
const REPORT_CLIENTS: usize = 12;
const VERSIONS: usize = 4;
const STOCK: i64 = 10_000;
/// How long the database stays down: longer than a request may wait, so waiting alone cannot
/// hide a hang.
const DOWN: Duration = Duration::from_secs(8);

/// The local PostgreSQL cluster, stopped (fast shutdown: sessions are ended) and started with
/// Debian's `pg_ctlcluster`.
struct Cluster {
    version: String,
}

impl Cluster {
    fn controllable() -> Option<Self> {
        let root = Command::new("id").arg("-u").output().ok().is_some_and(|o| o.stdout.starts_with(b"0\n"));
        let version = std::fs::read_dir("/etc/postgresql").ok()?.flatten().next()?.file_name().into_string().ok()?;
        (root && std::path::Path::new("/usr/bin/pg_ctlcluster").exists()).then_some(Self { version })
    }

    /// Stops or starts the cluster, off the test's async threads.
    async fn control(&self, action: &'static str) {
        let version = self.version.clone();
        tokio::task::spawn_blocking(move || pg_ctlcluster(&version, action)).await.unwrap();
    }

    fn is_up() -> bool {
        Command::new("pg_isready").args(["-h", "127.0.0.1", "-p", "5432", "-q"]).status().is_ok_and(|s| s.success())
    }
}

fn pg_ctlcluster(version: &str, action: &str) {
    let status = Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", version, "main", action])
        .status()
        .expect("pg_ctlcluster");
    assert!(status.success(), "pg_ctlcluster {action}: {status}");
}

impl Drop for Cluster {
    /// Whatever happened, the next tests find PostgreSQL running.
    fn drop(&mut self) {
        if !Self::is_up() {
            pg_ctlcluster(&self.version, "start");
        }
    }
}

/// What the clients saw, over all their requests.
#[derive(Default)]
struct Seen {
    slowest: Duration,
    unavailable: usize,
    unavailable_without_retry_after: usize,
}

/// Sends a request until it is answered with something other than 503, waiting between tries;
/// returns that answer. A cut connection means the server died: the test fails.
async fn until_answered(
    server: &Server,
    (method, path): (Method, &str),
    token: &str,
    key: Option<&str>,
    body: Option<&Value>,
    seen: &Mutex<Seen>,
) -> (StatusCode, Value) {
    let started = Instant::now();
    loop {
        let mut request = server.http.request(method.clone(), server.url(path)).bearer_auth(token);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let sent = Instant::now();
        let response = request.send().await.unwrap_or_else(|e| panic!("{path}: the server dropped the request: {e}"));
        let status = response.status();
        let retry_after = response.headers().contains_key("retry-after");
        let answer: Value = response.json().await.unwrap_or(Value::Null);
        {
            let mut seen = seen.lock().unwrap();
            seen.slowest = seen.slowest.max(sent.elapsed());
            if status == StatusCode::SERVICE_UNAVAILABLE {
                seen.unavailable += 1;
                seen.unavailable_without_retry_after += usize::from(!retry_after);
            }
        }
        if status != StatusCode::SERVICE_UNAVAILABLE {
            return (status, answer);
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{path} never got through");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A plan step, repeated until it is taken. A repeat answered 409 is right only when an earlier
/// try was taken after all (its answer lost with the database): the plan must show the step.
async fn plan_step(server: &Server, token: &str, plan: i64, step: &str, done: &str, seen: &Mutex<Seen>) {
    let path = format!("/api/v1/plans/{plan}/{step}");
    let (status, answer) = until_answered(server, (Method::POST, &path), token, None, None, seen).await;
    if status == StatusCode::CONFLICT {
        let (_, now) = server.get(&format!("/api/v1/plans/{plan}"), token).await;
        assert_eq!(now["status"], done, "{step} refused and not taken: {answer}");
    } else {
        assert_eq!(status, StatusCode::OK, "{step} of plan {plan}: {answer}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restart_under_load_loses_nothing() {
    let Some(cluster) = Cluster::controllable() else {
        eprintln!("skipped: this user cannot stop and start PostgreSQL (pg_ctlcluster as root)");
        return;
    };
    let server = Server::start(Store::Postgres).await;
    let (manager, reviewer, reporter) =
        (server.login("manager").await, server.login("reviewer").await, server.login("reporter").await);

    // Two plans for the demo flood: one approved before the outage, dispatched during it; one
    // drawn up against what the first left, approved and dispatched during it.
    let mut plans = Vec::new();
    for aid_type in ["emergency", "transitional"] {
        let (status, plan) = server
            .post("/api/v1/plans", &manager, json!({"event_id": 1, "aid_type": aid_type, "kind": "materials"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{plan}");
        let id = plan["id"].as_i64().unwrap();
        assert_eq!(
            server.call(Method::POST, &format!("/api/v1/plans/{id}/submit"), Some(&manager), None).await.0,
            StatusCode::OK
        );
        plans.push(id);
        if plans.len() == 1 {
            let approved =
                server.call(Method::POST, &format!("/api/v1/plans/{id}/approve"), Some(&reviewer), None).await;
            assert_eq!(approved.0, StatusCode::OK, "{}", approved.1);
        }
    }
    let depot = server.depot_with_stock(&manager, "重启测试库", "quilt", STOCK).await;
    let movements = format!("/api/v1/depots/{depot}/movements");
    let event = server.open_flood(&manager, "重启测试").await;
    let reports = format!("/api/v1/events/{event}/reports");
    let townships: Vec<String> = server.townships(&manager).await.into_iter().take(REPORT_CLIENTS).collect();
    assert_eq!(townships.len(), REPORT_CLIENTS);

    let seen = Mutex::new(Seen::default());
    let started = Instant::now();
    // Each client spreads its writes over about 12 s, so they run before, during and after the outage.
    let movement_client = |c: usize| {
        let (server, manager, movements, seen) = (&server, &manager, &movements, &seen);
        async move {
            let issue = json!({"kind": "issue", "item": "quilt", "quantity": 1});
            for w in 0..MOVEMENTS {
                tokio::time::sleep(Duration::from_millis(37 * c as u64 % 2000)).await;
                let key = format!("restart-{c}-{w}");
                let post = (Method::POST, movements.as_str());
                let (status, answer) = until_answered(server, post, manager, Some(&key), Some(&issue), seen).await;
                assert_eq!(status, StatusCode::CREATED, "{key}: {answer}");
            }
        }
    };
    let report_client = |i: usize| {
        let (server, reporter, reports, townships, seen) = (&server, &reporter, &reports, &townships, &seen);
        async move {
            for v in 0..VERSIONS {
                let body = json!({"area_code": townships[i], "stage": if v == 0 { "initial" } else { "update" },
                    "indicators": {"affected": 100 + 10 * v, "relocated": 10 + v}});
                let key = format!("restart-report-{i}-{v}");
                let post = (Method::POST, reports.as_str());
                let (status, answer) = until_answered(server, post, reporter, Some(&key), Some(&body), seen).await;
                assert_eq!(status, StatusCode::CREATED, "{key}: {answer}");
                tokio::time::sleep(Duration::from_millis(3000)).await;
            }
        }
    };
    let plan_client = |plan: i64| {
        let (server, manager, reviewer, seen, first) = (&server, &manager, &reviewer, &seen, plans[0]);
        async move {
            tokio::time::sleep(Duration::from_millis(2000)).await;
            if plan != first {
                plan_step(server, reviewer, plan, "approve", "approved", seen).await;
            }
            plan_step(server, manager, plan, "dispatch", "dispatched", seen).await;
        }
    };
    let restart = async {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let stopped = Instant::now();
        cluster.control("stop").await;
        let (status, health) = server.call(Method::GET, "/api/v1/health", None, None).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "health says the database is down while it is: {health}");
        assert_eq!(health["error"]["code"], "unavailable", "{health}");
        tokio::time::sleep(DOWN.saturating_sub(stopped.elapsed())).await;
        cluster.control("start").await;
        stopped.elapsed()
    };
    let clients = async {
        let movers = futures::future::join_all((0..MOVEMENT_CLIENTS).map(movement_client));
        let reporters = futures::future::join_all((0..REPORT_CLIENTS).map(report_client));
        let planners = futures::future::join_all(plans.iter().map(|&p| plan_client(p)));
        tokio::join!(movers, reporters, planners);
    };
    let (down_for, ()) = tokio::join!(restart, clients);
    let took = started.elapsed();

    let (status, health) = server.call(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!((status, &health["database"]), (StatusCode::OK, &json!("ok")), "recovered by itself");
    let (_, stock) = server.get(&format!("/api/v1/depots/{depot}/stock"), &manager).await;
    let quilt = stock.as_array().unwrap().iter().find(|l| l["item"] == "quilt").unwrap().clone();
    let issued = (MOVEMENT_CLIENTS * MOVEMENTS) as i64;
    assert_eq!(quilt["on_hand"].as_i64().unwrap(), STOCK - issued, "each movement landed exactly once");
    let (_, page) = server.get(&format!("{movements}?limit=500"), &manager).await;
    assert_eq!(page["movements"].as_array().unwrap().len(), MOVEMENT_CLIENTS * MOVEMENTS + 1, "one movement per key");
    let (_, filed) = server.get(&reports, &manager).await;
    for township in &townships {
        let versions = filed.as_array().unwrap().iter().filter(|r| r["area_code"] == township.as_str()).count();
        assert_eq!(versions, VERSIONS, "{township}: each report version filed exactly once");
    }
    for &plan in &plans {
        let (_, now) = server.get(&format!("/api/v1/plans/{plan}"), &manager).await;
        assert_eq!(now["status"], "dispatched");
        for action in ["plan.approve", "plan.dispatch"] {
            let records = server.audit(&format!("entity_type=plan&entity_id={plan}&action={action}")).await;
            assert_eq!(records.len(), 1, "plan {plan}: one {action} record");
        }
    }
    let internal: Vec<String> =
        server.log_text().lines().filter(|l| l.contains("internal error")).take(3).map(str::to_owned).collect();
    assert!(internal.is_empty(), "a database that went away is a 503, never a 500: {internal:#?}");

    let seen = seen.into_inner().unwrap();
    eprintln!(
        "PostgreSQL down {down_for:?}; all writes landed after {took:?}; {} answers were 503; slowest answer {:?}",
        seen.unavailable, seen.slowest
    );
    assert!(seen.unavailable > 0, "no request met the outage: the test proved nothing");
    assert_eq!(seen.unavailable_without_retry_after, 0, "every 503 says when to retry");
    assert!(seen.slowest < Duration::from_secs(5), "a request waited {:?} while the database was gone", seen.slowest);
}
