//! A database that takes too long: a write stuck behind another's lock waits at most the
//! statement timeout and is answered 503 with Retry-After (never hanging), writes nothing, and the
//! same request succeeds once the lock is gone — on both stores.

mod common;

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
