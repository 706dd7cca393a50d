//! Several servers on one PostgreSQL, as behind a load balancer: a change on one acts on the other
//! at once (a closed depot takes no transfer, a revoked token stops working, though each server
//! caches depots and sessions for a minute here), and login throttling, the objection limit and
//! idempotency count across both. (A SQLite file is served by one process.)

mod common;

use std::time::{Duration, Instant};

use common::{Server, Store};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const CITY_DEPOT: i64 = 1;

/// Polls until `done` holds, for at most two seconds; the time it took.
async fn within_two_seconds<F: std::future::Future<Output = bool>>(mut done: impl FnMut() -> F) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) {
        if done().await {
            return Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_database_act_as_one() {
    let caches = [
        ("JIUZAI_SESSION_CACHE_SECONDS", "60"),
        ("JIUZAI_REFERENCE_CACHE_SECONDS", "60"),
        ("JIUZAI_LOGIN_MAX_FAILURES", "3"),
        ("JIUZAI_OBJECTIONS_PER_HOUR", "2"),
    ];
    let a = Server::start_with(Store::Postgres, &caches).await;
    let b = a.beside().await;
    let manager = a.login("manager").await;
    let keeper = a.login("depot").await;

    // B caches the receiving depot as active, and moves stock to it.
    let (_, depots) = b.get("/api/v1/depots", &manager).await;
    let target =
        depots.as_array().unwrap().iter().map(|d| d["id"].as_i64().unwrap()).find(|id| *id != CITY_DEPOT).unwrap();
    let transfer = json!({"kind": "transfer", "item": "quilt", "quantity": 1, "to_depot": target});
    let movements = format!("/api/v1/depots/{CITY_DEPOT}/movements");
    let (status, body) = b.post(&movements, &keeper, transfer.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(b.get(&format!("/api/v1/depots/{target}"), &manager).await.1["status"], "active");

    // A closes it; B refuses the next transfer to it at once, whatever its cache said.
    let (status, body) = a
        .call(Method::PATCH, &format!("/api/v1/depots/{target}"), Some(&manager), Some(json!({"status": "inactive"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ledger_before = b.get(&format!("{movements}?limit=1"), &keeper).await.1;
    let (status, body) = b.post(&movements, &keeper, transfer).await;
    assert_eq!(
        (status, body["error"]["details"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("to_depot")),
        "{body}"
    );
    assert_eq!(b.get(&format!("{movements}?limit=1"), &keeper).await.1, ledger_before, "nothing written");
    let heard = within_two_seconds(|| async {
        b.get(&format!("/api/v1/depots/{target}"), &manager).await.1["status"] == "inactive"
    })
    .await;
    assert!(heard.is_some(), "B still shows the depot active from its cache");

    // A token revoked on A stops working on B, which had it cached.
    let token = a.login("auditor").await;
    assert_eq!(b.get("/api/v1/me", &token).await.0, StatusCode::OK);
    assert_eq!(a.call(Method::POST, "/api/v1/auth/logout", Some(&token), None).await.0, StatusCode::NO_CONTENT);
    let refused =
        within_two_seconds(|| async { b.get("/api/v1/me", &token).await.0 == StatusCode::UNAUTHORIZED }).await;
    let refused = refused.expect("B still accepts the revoked token from its cache");

    // Failed logins count across both: two on A and one on B lock the username on either.
    let wrong = json!({"username": "reviewer", "password": "wrong"});
    for server in [&a, &a, &b] {
        let response = server.http.post(server.url("/api/v1/auth/login")).json(&wrong).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    for server in [&a, &b] {
        let response = server.http.post(server.url("/api/v1/auth/login")).json(&wrong).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "locked on both servers");
        assert!(response.headers().contains_key("retry-after"));
    }

    // Public objections from one address: the third in the hour is refused, whichever server.
    let (_, notices) = a.call(Method::GET, "/api/v1/public/application-disclosures", None, None).await;
    let notice = notices.as_array().and_then(|n| n.iter().find(|n| n["accepts_objections"] == true)).cloned();
    let notice: Value = notice.expect("the demo has a running notice");
    let path = format!("/api/v1/public/application-disclosures/{}/objections", notice["id"]);
    let objection = json!({"text": "此户家中有车辆，情况不实（测试）"});
    let statuses = [
        a.call(Method::POST, &path, None, Some(objection.clone())).await.0,
        b.call(Method::POST, &path, None, Some(objection.clone())).await.0,
        a.call(Method::POST, &path, None, Some(objection.clone())).await.0,
        b.call(Method::POST, &path, None, Some(objection)).await.0,
    ];
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::CREATED, StatusCode::TOO_MANY_REQUESTS, StatusCode::TOO_MANY_REQUESTS]
    );

    // A retry of one write through the other server applies once.
    let receipt = json!({"kind": "receipt", "item": "quilt", "quantity": 4, "lot": "LB1", "source": "procured"});
    let send = |server: &Server| {
        server
            .http
            .post(server.url(&movements))
            .bearer_auth(&keeper)
            .header("idempotency-key", "lb-retry-1")
            .json(&receipt)
            .send()
    };
    let first: Value = send(&a).await.unwrap().json().await.unwrap();
    let again: Value = send(&b).await.unwrap().json().await.unwrap();
    assert_eq!(first["id"], again["id"], "one movement: {first} {again}");
    eprintln!("B heard of the closed depot after {heard:?} and of the revoked token after {refused:?}");
}
