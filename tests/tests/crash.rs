//! Crash safety: the server is killed with SIGKILL while 64 clients move stock, while clients
//! file loss reports and approve plans, and while plans are dispatched and their shipments
//! received, and while grant lists are paid; after a restart, the clients retry (with their
//! Idempotency-Keys where the endpoint takes one). Every acknowledged write must be there exactly
//! once, every write applied once in all, and the ledger and the reservations must still balance.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::Server;
use futures::future::{BoxFuture, FutureExt, join_all};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const CLIENTS: usize = 64;
const CRASHES: usize = 3;
const STOCK: i64 = 10_000;

/// Sends one POST, with an Idempotency-Key if given; `answered` counts the answers, for the killer
/// to wait on. None when the connection was cut (the server died).
async fn send(
    server: &Server,
    token: &str,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
    answered: &AtomicUsize,
) -> Option<(StatusCode, Value)> {
    let mut request = server.http.request(Method::POST, server.url(path)).bearer_auth(token);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.ok()?;
    let status = response.status();
    let body = response.json().await.ok()?;
    answered.fetch_add(1, Ordering::SeqCst);
    Some((status, body))
}

async fn issue(
    server: &Server,
    token: &str,
    depot: i64,
    key: &str,
    answered: &AtomicUsize,
) -> Option<(StatusCode, Value)> {
    let body = json!({"kind": "issue", "item": "quilt", "quantity": 1});
    send(server, token, &format!("/api/v1/depots/{depot}/movements"), Some(key), Some(body), answered).await
}

async fn file_report(
    server: &Server,
    token: &str,
    event: i64,
    i: usize,
    body: Value,
    answered: &AtomicUsize,
) -> Option<(StatusCode, Value)> {
    send(server, token, &format!("/api/v1/events/{event}/reports"), Some(&format!("report-{i}")), Some(body), answered)
        .await
}

async fn approve(server: &Server, token: &str, plan: i64, answered: &AtomicUsize) -> Option<(StatusCode, Value)> {
    send(server, token, &format!("/api/v1/plans/{plan}/approve"), None, None, answered).await
}

/// Kills the server process with SIGKILL once `answered` reaches `count` (or after 10 s), so the
/// requests still in flight are cut off.
async fn kill_when_answered(pid: u32, answered: &AtomicUsize, count: usize) {
    let started = std::time::Instant::now();
    while answered.load(Ordering::SeqCst) < count && started.elapsed().as_secs() < 10 {
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    let _ = std::process::Command::new("kill").args(["-KILL", &pid.to_string()]).status();
}

async fn dispatch_part(
    server: &Server,
    token: &str,
    (plan, depot): (i64, i64),
    answered: &AtomicUsize,
) -> Option<(StatusCode, Value)> {
    send(server, token, &format!("/api/v1/plans/{plan}/dispatch"), None, Some(json!({"depot_ids": [depot]})), answered)
        .await
}

/// Confirms that everything shipped arrived.
async fn receive_in_full(
    server: &Server,
    token: &str,
    shipment: &Value,
    answered: &AtomicUsize,
) -> Option<(StatusCode, Value)> {
    let lines: Vec<Value> = shipment["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| json!({"item": l["item"], "quantity": l["quantity"]}))
        .collect();
    send(
        server,
        token,
        &format!("/api/v1/shipments/{}/receive", shipment["id"]),
        None,
        Some(json!({"lines": lines})),
        answered,
    )
    .await
}

/// (on hand, reserved) per (depot, item), over every depot.
async fn balances(server: &Server, token: &str) -> std::collections::BTreeMap<(i64, String), (i64, i64)> {
    let (_, depots) = server.get("/api/v1/depots", token).await;
    let mut balances = std::collections::BTreeMap::new();
    for depot in depots.as_array().unwrap() {
        let id = depot["id"].as_i64().unwrap();
        let (_, stock) = server.get(&format!("/api/v1/depots/{id}/stock"), token).await;
        for line in stock.as_array().unwrap() {
            let key = (id, line["item"].as_str().unwrap().to_owned());
            balances.insert(key, (line["on_hand"].as_i64().unwrap(), line["reserved"].as_i64().unwrap()));
        }
    }
    balances
}

/// Sum of `reserved` over every item of every depot.
async fn total_reserved(server: &Server, token: &str) -> i64 {
    balances(server, token).await.values().map(|(_, reserved)| reserved).sum()
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
            // Fire the round and kill the server once a quarter of it is answered.
            let answered = AtomicUsize::new(0);
            let requests = join_all(round_keys.iter().map(|k| issue(&server, &manager, depot, k, &answered)));
            let (results, _) = tokio::join!(requests, kill_when_answered(server.pid(), &answered, CLIENTS / 4));
            server.crash_and_restart().await;
            for (key, result) in round_keys.iter().zip(&results) {
                if let Some((StatusCode::CREATED, movement)) = result {
                    acknowledged.push((key.clone(), movement["id"].as_i64().unwrap()));
                }
            }
            keys.extend(round_keys);
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

    reports_and_approvals_survive_sigkill_exactly_once => |store| async move {
        const REPORTS_PER_ROUND: usize = 48;
        const PLANS_PER_ROUND: usize = 3;
        let mut server = Server::start(store).await;
        let manager = server.login("manager").await;
        let (status, event) = server.post("/api/v1/events", &manager,
            json!({"name": "崩溃测试", "hazard": "flood", "onset_at": "2026-07-01T00:00:00Z"})).await;
        assert_eq!(status, StatusCode::CREATED, "{event}");
        let event = event["id"].as_i64().unwrap();
        let (_, areas) = server.get("/api/v1/areas", &manager).await;
        let townships: Vec<String> = areas.as_array().unwrap().iter()
            .filter(|a| a["level"] == "township").map(|a| a["code"].as_str().unwrap().to_owned()).collect();
        assert!(townships.len() >= CRASHES * REPORTS_PER_ROUND);
        // Submitted plans for the demo flood, each drawn up against the same stock: the approvals
        // race, so some fit and the rest are refused; none may be reserved twice or half.
        let mut plans = Vec::new();
        for _ in 0..CRASHES * PLANS_PER_ROUND {
            let (status, plan) = server.post("/api/v1/plans", &manager, json!({"event_id": 1, "aid_type": "emergency", "kind": "materials"})).await;
            assert_eq!(status, StatusCode::CREATED, "{plan}");
            let id = plan["id"].as_i64().unwrap();
            assert_eq!(server.call(Method::POST, &format!("/api/v1/plans/{id}/submit"), Some(&manager), None).await.0, StatusCode::OK);
            plans.push(id);
        }
        let reserved_before = total_reserved(&server, &manager).await;

        let report_body = |i: usize| json!({"area_code": townships[i], "stage": "initial",
            "indicators": {"affected": 100 + i, "relocated": 10 + i}});
        let mut reports_acknowledged: Vec<(usize, i64)> = Vec::new();
        let mut approvals_acknowledged = Vec::new();
        for round in 0..CRASHES {
            let (reporter, reviewer) = (server.login("reporter").await, server.login("reviewer").await);
            let answered = AtomicUsize::new(0);
            let mut requests: Vec<BoxFuture<'_, Option<(StatusCode, Value)>>> = Vec::new();
            // The approvals go out first, so that some are answered before the kill and some not.
            let round_plans = &plans[round * PLANS_PER_ROUND..(round + 1) * PLANS_PER_ROUND];
            for &plan in round_plans {
                requests.push(approve(&server, &reviewer, plan, &answered).boxed());
            }
            let round_reports: Vec<usize> = (round * REPORTS_PER_ROUND..(round + 1) * REPORTS_PER_ROUND).collect();
            for &i in &round_reports {
                requests.push(file_report(&server, &reporter, event, i, report_body(i), &answered).boxed());
            }
            let (results, _) = tokio::join!(join_all(requests), kill_when_answered(server.pid(), &answered, REPORTS_PER_ROUND / 4));
            server.crash_and_restart().await;
            for (&plan, result) in round_plans.iter().zip(&results) {
                if let Some((StatusCode::OK, _)) = result {
                    approvals_acknowledged.push(plan);
                }
            }
            for (&i, result) in round_reports.iter().zip(&results[PLANS_PER_ROUND..]) {
                if let Some((StatusCode::CREATED, report)) = result {
                    reports_acknowledged.push((i, report["id"].as_i64().unwrap()));
                }
            }
        }

        // Every client retries until it has an answer.
        let (manager, reporter, reviewer) = (server.login("manager").await, server.login("reporter").await, server.login("reviewer").await);
        let answered = AtomicUsize::new(0);
        let retries = join_all((0..CRASHES * REPORTS_PER_ROUND).map(|i| file_report(&server, &reporter, event, i, report_body(i), &answered))).await;
        for (i, result) in retries.into_iter().enumerate() {
            let (status, report) = result.expect("the restarted server answers");
            assert_eq!(status, StatusCode::CREATED, "report-{i}: {report}");
            if let Some((_, first)) = reports_acknowledged.iter().find(|(k, _)| *k == i) {
                assert_eq!(report["id"].as_i64().unwrap(), *first, "report-{i} was acknowledged as {first}, replayed as {report}");
            }
        }
        let (_, stored) = server.get(&format!("/api/v1/events/{event}/reports"), &manager).await;
        let stored = stored.as_array().unwrap();
        assert_eq!(stored.len(), CRASHES * REPORTS_PER_ROUND, "every report filed exactly once");
        for (i, id) in &reports_acknowledged {
            let matching: Vec<&Value> = stored.iter().filter(|r| r["area_code"] == townships[*i]).collect();
            assert_eq!(matching.len(), 1, "{}: {matching:?}", townships[*i]);
            assert_eq!(matching[0]["id"].as_i64().unwrap(), *id);
            assert_eq!(matching[0]["indicators"]["affected"].as_i64().unwrap(), 100 + *i as i64);
        }

        for &plan in &plans {
            let (status, body) = approve(&server, &reviewer, plan, &answered).await.unwrap();
            assert!(status == StatusCode::OK || status == StatusCode::CONFLICT, "plan {plan}: {status} {body}");
        }
        let auditor = server.login("auditor").await;
        let (mut approved, mut approved_quantity) = (0, 0);
        for &plan in &plans {
            let (_, body) = server.get(&format!("/api/v1/plans/{plan}"), &manager).await;
            let (_, audit) = server.get(&format!("/api/v1/audit?entity_type=plan&entity_id={plan}&action=plan.approve"), &auditor).await;
            let approvals = audit["records"].as_array().unwrap().len();
            if body["status"] == "approved" {
                approved += 1;
                approved_quantity += body["lines"].as_array().unwrap().iter().map(|l| l["quantity"].as_i64().unwrap()).sum::<i64>();
                assert_eq!(approvals, 1, "plan {plan} approved once, audited once");
            } else {
                assert_eq!(body["status"], "submitted", "plan {plan}: {body}");
                assert!(!approvals_acknowledged.contains(&plan), "plan {plan} was acknowledged as approved but is not");
                assert_eq!(approvals, 0, "plan {plan} is not approved but has an approval audited");
            }
        }
        assert!(approved >= 1, "the first approval always fits");
        assert_eq!(total_reserved(&server, &manager).await - reserved_before, approved_quantity,
            "the stock reserves exactly what the approved plans hold");
        eprintln!("{} of {} reports and {} of {} approvals were acknowledged before a crash; {approved} plans approved in all",
            reports_acknowledged.len(), CRASHES * REPORTS_PER_ROUND, approvals_acknowledged.len(), plans.len());
        assert!(reports_acknowledged.len() < CRASHES * REPORTS_PER_ROUND, "no request was cut off by a crash: the test proved nothing");
    };

    dispatches_and_receipts_survive_sigkill_exactly_once => |store| async move {
        let mut server = Server::start(store).await;
        let (manager, reviewer) = (server.login("manager").await, server.login("reviewer").await);
        // Two approved plans for the demo flood, sharing reserved items at the same depots.
        let mut planned: std::collections::BTreeMap<(i64, String), i64> = Default::default();
        let mut parts = Vec::new();
        for aid in ["transitional", "emergency"] {
            let (status, plan) = server.post("/api/v1/plans", &manager, json!({"event_id": 1, "aid_type": aid, "kind": "materials"})).await;
            assert_eq!(status, StatusCode::CREATED, "{plan}");
            let id = plan["id"].as_i64().unwrap();
            assert_eq!(server.call(Method::POST, &format!("/api/v1/plans/{id}/submit"), Some(&manager), None).await.0, StatusCode::OK);
            assert_eq!(server.call(Method::POST, &format!("/api/v1/plans/{id}/approve"), Some(&reviewer), None).await.0, StatusCode::OK);
            let mut depots = std::collections::BTreeSet::new();
            for line in plan["lines"].as_array().unwrap() {
                let depot = line["depot_id"].as_i64().unwrap();
                *planned.entry((depot, line["item"].as_str().unwrap().to_owned())).or_default() += line["quantity"].as_i64().unwrap();
                depots.insert(depot);
            }
            parts.extend(depots.into_iter().map(|depot| (id, depot)));
        }
        let before = balances(&server, &manager).await;

        // Every depot part of both plans is dispatched at once; the server dies a quarter of the way.
        let answered = AtomicUsize::new(0);
        let requests = join_all(parts.iter().map(|&part| dispatch_part(&server, &manager, part, &answered)));
        let (results, _) = tokio::join!(requests, kill_when_answered(server.pid(), &answered, parts.len() / 4));
        server.crash_and_restart().await;
        let mut acknowledged: Vec<i64> = Vec::new();
        for result in results.iter().flatten() {
            if result.0 == StatusCode::OK {
                acknowledged.extend(result.1.as_array().unwrap().iter().map(|s| s["id"].as_i64().unwrap()));
            }
        }
        let cut_off = results.iter().filter(|r| r.is_none()).count();

        // Retried: a part already shipped answers 200 with no new shipment, or 409 once the whole
        // plan is dispatched.
        let manager = server.login("manager").await;
        for &part in &parts {
            let (status, body) = dispatch_part(&server, &manager, part, &answered).await.expect("the restarted server answers");
            assert!(status == StatusCode::OK || status == StatusCode::CONFLICT, "{part:?}: {status} {body}");
        }
        let mut shipments = Vec::new();
        let mut shipped: std::collections::BTreeMap<(i64, String), i64> = Default::default();
        for plan in parts.iter().map(|(plan, _)| *plan).collect::<std::collections::BTreeSet<_>>() {
            let (_, body) = server.get(&format!("/api/v1/plans/{plan}"), &manager).await;
            assert_eq!(body["status"], "dispatched", "plan {plan}");
            let (_, list) = server.get(&format!("/api/v1/shipments?plan_id={plan}"), &manager).await;
            let mut destinations = std::collections::BTreeSet::new();
            for shipment in list.as_array().unwrap() {
                let depot = shipment["depot_id"].as_i64().unwrap();
                assert!(destinations.insert((depot, shipment["area_code"].as_str().unwrap().to_owned())), "plan {plan} shipped twice: {shipment}");
                for line in shipment["lines"].as_array().unwrap() {
                    *shipped.entry((depot, line["item"].as_str().unwrap().to_owned())).or_default() += line["quantity"].as_i64().unwrap();
                }
                shipments.push(shipment.clone());
            }
        }
        assert_eq!(shipped, planned, "every part shipped exactly once");
        for id in &acknowledged {
            assert!(shipments.iter().any(|s| s["id"].as_i64() == Some(*id)), "acknowledged shipment {id} is gone");
        }
        let after = balances(&server, &manager).await;
        for (key, quantity) in &planned {
            let ((on_hand, reserved), (on_hand_after, reserved_after)) = (before[key], after[key]);
            assert_eq!((on_hand - on_hand_after, reserved - reserved_after), (*quantity, *quantity), "{key:?}: shipped from on hand and from the reservation, once");
        }

        // Every shipment is received in full at once; the server dies a quarter of the way.
        let answered = AtomicUsize::new(0);
        let requests = join_all(shipments.iter().map(|s| receive_in_full(&server, &manager, s, &answered)));
        let (results, _) = tokio::join!(requests, kill_when_answered(server.pid(), &answered, shipments.len() / 4));
        server.crash_and_restart().await;
        let received_before_crash: Vec<i64> =
            results.iter().flatten().filter(|r| r.0 == StatusCode::OK).map(|r| r.1["id"].as_i64().unwrap()).collect();
        let receipts_cut_off = results.iter().filter(|r| r.is_none()).count();
        let manager = server.login("manager").await;
        for shipment in &shipments {
            // Received before the crash (acknowledged or not): 409, already received.
            let (status, body) = receive_in_full(&server, &manager, shipment, &answered).await.expect("the restarted server answers");
            let id = shipment["id"].as_i64().unwrap();
            if received_before_crash.contains(&id) {
                assert_eq!(status, StatusCode::CONFLICT, "shipment {id}: {body}");
            } else {
                assert!(status == StatusCode::OK || status == StatusCode::CONFLICT, "shipment {id}: {status} {body}");
            }
        }
        let auditor = server.login("auditor").await;
        for shipment in &shipments {
            let id = shipment["id"].as_i64().unwrap();
            let (_, audit) = server.get(&format!("/api/v1/audit?entity_type=shipment&entity_id={id}&action=shipment.receive"), &auditor).await;
            assert_eq!(audit["records"].as_array().unwrap().len(), 1, "shipment {id} received once, audited once");
        }
        for plan in parts.iter().map(|(plan, _)| *plan).collect::<std::collections::BTreeSet<_>>() {
            let (_, list) = server.get(&format!("/api/v1/shipments?plan_id={plan}"), &manager).await;
            for shipment in list.as_array().unwrap() {
                assert_eq!(shipment["status"], "received", "{shipment}");
                assert!(shipment["lines"].as_array().unwrap().iter().all(|l| l["received"] == l["quantity"]), "{shipment}");
            }
            let (_, body) = server.get(&format!("/api/v1/plans/{plan}"), &manager).await;
            assert_eq!(body["status"], "completed", "plan {plan}");
        }
        assert_eq!(balances(&server, &manager).await, after, "receipts move no depot stock");
        eprintln!("{} of {} dispatches cut off by the crash ({} shipments acknowledged); {receipts_cut_off} of {} receipts cut off",
            cut_off, parts.len(), acknowledged.len(), shipments.len());
        assert!(cut_off + receipts_cut_off > 0, "no request was cut off by a crash: the test proved nothing");
    };

    grant_list_payments_survive_sigkill_exactly_once => |store| async move {
        // Published lists whose 公示 has ended, one per township and aid item of the demo flood,
        // are paid at once while the server is killed; after the restart every list is paid
        // exactly once, with one payment audited, and every list acknowledged as paid is.
        let mut server = Server::start(store).await;
        let (manager, reviewer) = (server.login("manager").await, server.login("reviewer").await);
        let (_, rollup) = server.get("/api/v1/events/1/household-damage/summary?level=township", &manager).await;
        let townships: Vec<String> = rollup["areas"].as_array().unwrap().iter()
            .filter(|a| a["households"].as_i64().unwrap() > 0).map(|a| a["code"].as_str().unwrap().to_owned()).collect();
        let mut lists = Vec::new();
        for township in &townships {
            for aid in ["emergency", "transitional", "reconstruction"] {
                let body = json!({"event_id": 1, "aid_type": aid, "area_code": township, "budget_fen": 10_000_000_000i64});
                let (status, list) = server.post("/api/v1/grant-lists", &manager, body).await;
                if status != StatusCode::CREATED {
                    continue; // nobody eligible for this item here
                }
                let id = list["id"].as_i64().unwrap();
                let step = |token: &str, action: &str, body: Option<Value>| {
                    let path = format!("/api/v1/grant-lists/{id}/{action}");
                    let (server, token) = (&server, token.to_owned());
                    async move { server.call(Method::POST, &path, Some(&token), body).await.0 }
                };
                assert_eq!(step(&manager, "submit", None).await, StatusCode::OK);
                assert_eq!(step(&reviewer, "approve", None).await, StatusCode::OK);
                assert_eq!(step(&manager, "publish", Some(json!({"start": common::days_ago(8)}))).await, StatusCode::OK);
                lists.push(id);
            }
        }
        assert!(lists.len() >= 8, "enough lists to race: {}", lists.len());

        let answered = AtomicUsize::new(0);
        let paths: Vec<String> = lists.iter().map(|id| format!("/api/v1/grant-lists/{id}/pay")).collect();
        let pays = join_all(paths.iter().map(|path| send(&server, &manager, path, None, None, &answered)));
        // Killed at the first answer: payments are quick, and the rest must still be in flight.
        let (results, _) = tokio::join!(pays, kill_when_answered(server.pid(), &answered, 1));
        server.crash_and_restart().await;
        let acknowledged: Vec<i64> = lists.iter().zip(&results)
            .filter(|(_, r)| matches!(r, Some((StatusCode::OK, _)))).map(|(id, _)| *id).collect();

        let manager = server.login("manager").await;
        for &id in &lists {
            let (status, body) = server.call(Method::POST, &format!("/api/v1/grant-lists/{id}/pay"), Some(&manager), None).await;
            assert!(status == StatusCode::OK || status == StatusCode::CONFLICT, "list {id}: {status} {body}");
        }
        let auditor = server.login("auditor").await;
        for &id in &lists {
            let (_, list) = server.get(&format!("/api/v1/grant-lists/{id}"), &manager).await;
            assert_eq!(list["status"], "paid", "list {id}: {list}");
            let (_, audit) = server.get(&format!("/api/v1/audit?entity_type=grant_list&entity_id={id}&action=grant_list.pay"), &auditor).await;
            assert_eq!(audit["records"].as_array().unwrap().len(), 1, "list {id} paid once, audited once");
        }
        eprintln!("{} of {} payments were acknowledged before the crash", acknowledged.len(), lists.len());
        assert!(acknowledged.len() < lists.len(), "no payment was cut off by the crash: the test proved nothing");
    };
}
