//! Crash safety: the server is killed with SIGKILL while 64 clients move stock; after a restart,
//! the clients retry with their Idempotency-Keys. Every acknowledged movement must be there
//! exactly once, every movement applied once in all, and the ledger must still balance.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::Server;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

const CLIENTS: usize = 64;
const CRASHES: usize = 3;
const STOCK: i64 = 10_000;

/// Sends one issue; `answered` counts the answers, for the killer to wait on.
async fn issue(server: &Server, token: &str, depot: i64, key: &str, answered: &AtomicUsize) -> Option<(StatusCode, Value)> {
    let response = server
        .http
        .post(server.url(&format!("/api/v1/depots/{depot}/movements")))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&json!({"kind": "issue", "item": "quilt", "quantity": 1}))
        .send()
        .await
        .ok()?;
    let status = response.status();
    let body = response.json().await.ok()?;
    answered.fetch_add(1, Ordering::SeqCst);
    Some((status, body))
}

store_tests! {
    acknowledged_writes_survive_sigkill_exactly_once => |store| async move {
        let mut server = Server::start(store).await;
        let manager = server.login("manager").await;
        let (_, depot) = server.post("/api/v1/depots", &manager, json!({"name": "崩溃测试库", "tier": "county", "area_code": "360425",
            "lon": 115.8, "lat": 29.2, "capacity_m3": 5000})).await;
        let depot = depot["id"].as_i64().unwrap();
        let (status, _) = server.post(&format!("/api/v1/depots/{depot}/movements"), &manager,
            json!({"kind": "receipt", "item": "quilt", "quantity": STOCK, "lot": "L1", "source": "procured"})).await;
        assert_eq!(status, StatusCode::CREATED);

        let mut acknowledged: Vec<(String, i64)> = Vec::new();
        let mut keys = Vec::new();
        for round in 0..CRASHES {
            let round_keys: Vec<String> = (0..CLIENTS).map(|i| format!("crash-{round}-{i}")).collect();
            // Fire the round and kill the server while it is busy with it.
            let answered = AtomicUsize::new(0);
            let requests = join_all(round_keys.iter().map(|k| issue(&server, &manager, depot, k, &answered)));
            // Kill once a quarter of the round is answered, so the rest is cut off mid-flight.
            let pid = server.pid().to_string();
            let killer = async {
                let started = std::time::Instant::now();
                while answered.load(Ordering::SeqCst) < CLIENTS / 4 && started.elapsed().as_secs() < 10 {
                    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                }
                let _ = std::process::Command::new("kill").args(["-KILL", &pid]).status();
            };
            let (results, _) = tokio::join!(requests, killer);
            for (key, result) in round_keys.iter().zip(&results) {
                if let Some((StatusCode::CREATED, movement)) = result {
                    acknowledged.push((key.clone(), movement["id"].as_i64().unwrap()));
                }
            }
            keys.extend(round_keys);
            server.crash_and_restart().await;
        }
        let manager = server.login("manager").await;
        // Every client retries until it gets its answer; the acknowledged ones must get the same one back.
        let answered = AtomicUsize::new(0);
        let retries = join_all(keys.iter().map(|k| issue(&server, &manager, depot, k, &answered))).await;
        let mut ids = Vec::new();
        for (key, result) in keys.iter().zip(retries) {
            let (status, movement) = result.expect("the restarted server answers");
            assert_eq!(status, StatusCode::CREATED, "{key}: {movement}");
            let id = movement["id"].as_i64().unwrap();
            if let Some((_, first)) = acknowledged.iter().find(|(k, _)| k == key) {
                assert_eq!(id, *first, "{key} was acknowledged as {first} but replayed as {id}");
            }
            ids.push(id);
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), keys.len(), "two keys share a movement");
        let (_, stock) = server.get(&format!("/api/v1/depots/{depot}/stock"), &manager).await;
        let quilt = stock.as_array().unwrap().iter().find(|l| l["item"] == "quilt").unwrap();
        assert_eq!(quilt["on_hand"].as_i64().unwrap(), STOCK - keys.len() as i64, "each movement applies exactly once");
        let lots: i64 = quilt["lots"].as_array().unwrap().iter().map(|l| l["quantity"].as_i64().unwrap()).sum();
        assert_eq!(lots, quilt["on_hand"].as_i64().unwrap(), "lots still add up to the balance");
        let (_, page) = server.get(&format!("/api/v1/depots/{depot}/movements?limit=500"), &manager).await;
        let ledger: i64 = page["movements"].as_array().unwrap().iter()
            .flat_map(|m| m["lines"].as_array().unwrap().iter().map(|l| l["on_hand_delta"].as_i64().unwrap()))
            .sum();
        assert_eq!(ledger, quilt["on_hand"].as_i64().unwrap(), "the ledger still sums to the balance");
        eprintln!("{} of {} movements were acknowledged before a crash", acknowledged.len(), keys.len());
        assert!(acknowledged.len() < keys.len(), "no request was cut off by a crash: the test proved nothing");
    };
}
