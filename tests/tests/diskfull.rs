//! SQLite on a full disk (a county laptop's): the server runs on a small tmpfs, a file then takes
//! the rest of it, and writes must answer 507 with the JSON envelope while reads go on; nothing
//! refused is half-written, every acknowledged write is kept, writes resume once space returns, and
//! the database passes `PRAGMA integrity_check` after. The server's log is on the same disk: a line it
//! cannot write must not take it down. Needs the right to mount a tmpfs (root, as
//! here and in CI); elsewhere the test says so and does nothing.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Database, Server};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A tmpfs of `megabytes`, unmounted when dropped.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(megabytes: u32) -> Option<Self> {
        let dir = std::env::temp_dir().join(format!("jiuzai_full_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(SmallDisk(dir))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Fills what is left of the disk with one file; answers its path.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut file = std::fs::File::create(&path).unwrap();
    let block = vec![0u8; 64 * 1024];
    while file.write_all(&block).is_ok() {}
    let _ = file.sync_all();
    path
}

fn event(name: &str) -> Value {
    json!({"name": name, "hazard": "flood", "onset_at": "2026-07-01T00:00:00Z", "affected_areas": ["360425"]})
}

async fn event_names(server: &Server, token: &str) -> Vec<String> {
    let (status, events) = server.get("/api/v1/events", token).await;
    assert_eq!(status, StatusCode::OK, "{events}");
    events.as_array().unwrap().iter().filter_map(|e| e["name"].as_str().map(str::to_owned)).collect()
}

#[tokio::test]
async fn a_full_disk_refuses_writes_cleanly_and_they_resume_when_space_returns() {
    let Some(disk) = SmallDisk::mount(64) else {
        eprintln!("skipped: this user may not mount a tmpfs");
        return;
    };
    let db_dir = disk.0.join("data");
    std::fs::create_dir_all(&db_dir).unwrap();
    // The server's log and photos sit on the same disk (common::spawn puts them beside the database).
    let mut server = Server::start_on(Database::sqlite_file(&db_dir.join("jiuzai.db")), &[]).await;
    let manager = server.login("manager").await;
    let filler = fill(&disk.0);

    // Writes until the disk refuses them: each is acknowledged (201) or refused with 507 and the
    // JSON envelope, never anything else.
    let (mut acknowledged, mut refused) = (Vec::new(), 0);
    for i in 0..400 {
        let name = format!("满盘测试{i}");
        let sent =
            server.http.post(server.url("/api/v1/events")).bearer_auth(&manager).json(&event(&name)).send().await;
        let Ok(response) = sent else {
            panic!(
                "the server did not answer a write on a full disk (a log line it could not write took it down?): {sent:?}"
            );
        };
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        match status {
            StatusCode::CREATED => acknowledged.push(name),
            StatusCode::INSUFFICIENT_STORAGE => {
                assert_eq!(body["error"]["code"], "storage_full", "{body}");
                refused += 1;
                if refused == 5 {
                    break;
                }
            }
            other => panic!("a write on a full disk answered {other}: {body}"),
        }
    }
    assert_eq!(refused, 5, "the disk never filled: {} writes acknowledged", acknowledged.len());

    // reads go on
    let names = event_names(&server, &manager).await;
    assert!(acknowledged.iter().all(|n| names.contains(n)), "every acknowledged write is there");
    assert_eq!(
        names.iter().filter(|n| n.starts_with("满盘测试")).count(),
        acknowledged.len(),
        "nothing refused was kept"
    );

    // space returns: writes resume without a restart
    std::fs::remove_file(&filler).unwrap();
    let (status, body) = server.post("/api/v1/events", &manager, event("满盘之后")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(event_names(&server, &manager).await.contains(&"满盘之后".to_owned()));

    assert!(server.terminate(), "the server stops cleanly");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db_dir.join("jiuzai.db").display())).await.unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&pool).await.unwrap();
    assert_eq!(check, "ok");
    pool.close().await;
}
