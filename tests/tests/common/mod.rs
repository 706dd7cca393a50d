//! Starts the real `jiuzai` binary on a free port against a fresh SQLite file or a fresh
//! PostgreSQL database, with the demo seeded from the synthetic county fixture, and talks HTTP to it.
#![allow(dead_code)] // each test binary uses a different part of this harness

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Sqlite,
    Postgres,
}

/// Admin connection for creating and dropping the per-test PostgreSQL databases.
pub const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The binary under test: `JIUZAI_BIN`, or the debug build in the workspace target directory
/// (the Makefile builds it before running the tests).
pub fn binary() -> PathBuf {
    std::env::var_os("JIUZAI_BIN").map(PathBuf::from).unwrap_or_else(|| {
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| repo_root().join("target"));
        target.join("debug/jiuzai")
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{prefix}_{}_{}", std::process::id(), nanos % 1_000_000_000_000)
}

/// A fresh, empty database for one test; dropped (PostgreSQL) or deleted (SQLite) afterwards.
pub struct Database {
    pub url: String,
    store: Store,
    dir: PathBuf,
    pg_name: Option<String>,
}

impl Database {
    pub async fn create(store: Store) -> Self {
        let dir = std::env::temp_dir().join(unique_name("jiuzai_test"));
        std::fs::create_dir_all(&dir).unwrap();
        match store {
            Store::Sqlite => {
                Database { url: format!("sqlite://{}/jiuzai.db", dir.display()), store, dir, pg_name: None }
            }
            Store::Postgres => {
                let name = unique_name("jiuzai_test");
                let admin =
                    sqlx::PgPool::connect(POSTGRES_ADMIN_URL).await.expect("PostgreSQL at 127.0.0.1:5432 is required");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.unwrap();
                admin.close().await;
                Database { url: format!("postgres://postgres@127.0.0.1:5432/{name}"), store, dir, pg_name: Some(name) }
            }
        }
    }
}

impl Database {
    /// An existing SQLite file (e.g. a restored backup); its folder is removed afterwards.
    pub fn sqlite_file(path: &Path) -> Self {
        Database {
            url: format!("sqlite://{}", path.display()),
            store: Store::Sqlite,
            dir: path.parent().unwrap().to_path_buf(),
            pg_name: None,
        }
    }
}

impl Database {
    /// Another handle on the same database (for a second server), which removes only its own
    /// folder: the database itself goes with the first handle.
    pub fn sharing(&self) -> Self {
        let dir = std::env::temp_dir().join(unique_name("jiuzai_test"));
        std::fs::create_dir_all(&dir).unwrap();
        Database { url: self.url.clone(), store: self.store, dir, pg_name: None }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some(name) = self.pg_name.take() {
            // Dropping needs no runtime: psql is on every machine with the server.
            let _ = Command::new("psql")
                .args(["-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-qc"])
                .arg(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// Runs a `jiuzai` command to completion against `db` and returns (success, stdout + stderr).
pub fn run_cli(db: &Database, args: &[&str], envs: &[(&str, &str)]) -> (bool, String) {
    let output = Command::new(binary())
        .current_dir(repo_root())
        .env("DATABASE_URL", &db.url)
        .env("JIUZAI_DEMO_COUNTIES", "tests/fixtures/counties-synthetic.geojson")
        .envs(envs.iter().copied())
        .args(args)
        .output()
        .expect("run jiuzai");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

pub struct Server {
    pub base: String,
    pub store: Store,
    pub db: Database,
    child: Option<Child>,
    pub http: reqwest::Client,
    log: PathBuf,
    envs: Vec<(String, String)>,
}

/// Starts `jiuzai serve --demo` on a free port against `db`; returns the process, its base URL
/// and its log file.
fn spawn(db: &Database, envs: &[(String, String)]) -> (Child, String, PathBuf) {
    let port = free_port();
    let log = db.dir.join(format!("server-{port}.log"));
    let child = Command::new(binary())
        .current_dir(repo_root())
        .env("DATABASE_URL", &db.url)
        .env("JIUZAI_DEMO_COUNTIES", "tests/fixtures/counties-synthetic.geojson")
        .env("RUST_LOG", "info,sqlx=warn")
        .env("JIUZAI_PHOTO_DIR", db.dir.join("photos"))
        .envs(envs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("start jiuzai (build it first: cargo build --bin jiuzai)");
    (child, format!("http://127.0.0.1:{port}"), log)
}

impl Server {
    /// Starts a server with the demo seeded from the synthetic fixture.
    pub async fn start(store: Store) -> Self {
        Self::start_with(store, &[]).await
    }

    pub async fn start_with(store: Store, envs: &[(&str, &str)]) -> Self {
        let db = Database::create(store).await;
        Self::start_on(db, envs).await
    }

    pub async fn start_on(db: Database, envs: &[(&str, &str)]) -> Self {
        let envs: Vec<(String, String)> = envs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let (child, base, log) = spawn(&db, &envs);
        let server = Server {
            base,
            store: db.store,
            db,
            child: Some(child),
            http: reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap(),
            log,
            envs,
        };
        server.wait_ready().await;
        server
    }

    /// A second server on this server's database, with the same settings (as behind a load
    /// balancer).
    pub async fn beside(&self) -> Server {
        let envs: Vec<(&str, &str)> = self.envs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        Server::start_on(self.db.sharing(), &envs).await
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// Kills the server with SIGKILL (no shutdown at all, as in a crash) and starts a new one on
    /// the same database.
    pub async fn crash_and_restart(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let (child, base, log) = spawn(&self.db, &self.envs);
        self.child = Some(child);
        self.base = base;
        self.log = log;
        self.wait_ready().await;
    }

    async fn wait_ready(&self) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(r) = self.http.get(self.url("/api/v1/health")).send().await
                && r.status() == StatusCode::OK
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("server did not become ready; log:\n{}", self.log_text());
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends SIGTERM and waits for the process to exit; returns whether it exited cleanly.
    pub fn terminate(&mut self) -> bool {
        let Some(mut child) = self.child.take() else { return false };
        let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if let Ok(Some(status)) = child.try_wait() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        false
    }

    pub async fn login(&self, username: &str) -> String {
        let (status, body) = self
            .call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": username, "password": "demo"})))
            .await;
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    /// One JSON request; returns the status and the parsed body (Null when empty or not JSON).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// Posts raw bytes (files, malformed bodies) with the given content type.
    pub async fn post_raw(&self, path: &str, token: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
        let response = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request");
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// A GET of a file (CSV, XLSX, HTML): the status, the body as text and its bytes.
    pub async fn download(&self, path: &str, token: Option<&str>) -> (StatusCode, String, Vec<u8>) {
        let mut request = self.http.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let bytes = response.bytes().await.expect("body").to_vec();
        (status, String::from_utf8_lossy(&bytes).into_owned(), bytes)
    }

    /// A new county depot in 永修 holding `quantity` of `item` in lot L1 (as `token`, a manager).
    pub async fn depot_with_stock(&self, token: &str, name: &str, item: &str, quantity: i64) -> i64 {
        let fields = json!({"name": name, "tier": "county", "area_code": "360425", "lon": 115.8, "lat": 29.2, "capacity_m3": 5000});
        let (status, depot) = self.post("/api/v1/depots", token, fields).await;
        assert_eq!(status, StatusCode::CREATED, "{depot}");
        let id = depot["id"].as_i64().unwrap();
        let receipt = json!({"kind": "receipt", "item": item, "quantity": quantity, "lot": "L1", "source": "procured"});
        let (status, body) = self.post(&format!("/api/v1/depots/{id}/movements"), token, receipt).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        id
    }

    /// A new flood event (as a manager), for reports of its own.
    pub async fn open_flood(&self, token: &str, name: &str) -> i64 {
        let fields = json!({"name": name, "hazard": "flood", "onset_at": "2026-07-01T00:00:00Z"});
        let (status, event) = self.post("/api/v1/events", token, fields).await;
        assert_eq!(status, StatusCode::CREATED, "{event}");
        event["id"].as_i64().unwrap()
    }

    /// The codes of the townships the caller sees.
    pub async fn townships(&self, token: &str) -> Vec<String> {
        let (_, areas) = self.get("/api/v1/areas", token).await;
        areas
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["level"] == "township")
            .map(|a| a["code"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The newest audit records (read as admin).
    pub async fn audit(&self, query: &str) -> Vec<Value> {
        let token = self.login("admin").await;
        let (status, body) = self.get(&format!("/api/v1/audit?{query}"), &token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["records"].as_array().cloned().unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo_root().join("tests/fixtures").join(name)).unwrap()
}

/// Writes one test per store from a single async body: `store_tests!(name, |server| async { .. })`
/// expands to `name::sqlite` and `name::postgres`, each against its own fresh server.
#[macro_export]
macro_rules! store_tests {
    ($($name:ident => $body:expr;)+) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    ($body)($crate::common::Store::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    ($body)($crate::common::Store::Postgres).await;
                }
            }
        )+
    };
}

/// RFC 3339 for now minus `days`, without a date library in the test crate.
pub fn days_ago(days: u64) -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() - days * 86_400;
    let (days_since_epoch, rem) = (secs / 86_400, secs % 86_400);
    // civil-from-days (Howard Hinnant)
    let z = days_since_epoch as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}
