//! Funds: relief standards, fund pools, funds plans with the cost split and proportional
//! scaling, and the approval workflow committing money from the pools — through the real binary,
//! on both stores, with the demo flood. The demo seeds pools for emergency aid and reconstruction
//! only, so the scenarios that size pools themselves use transitional and winter–spring aid.

mod common;

use common::Server;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const DEMO_EVENT: i64 = 1;

async fn funds_plan(server: &Server, manager: &str, aid: &str, scope: &str) -> Value {
    let body = json!({"event_id": DEMO_EVENT, "aid_type": aid, "kind": "funds", "response_scope": scope});
    let (status, plan) = server.post("/api/v1/plans", manager, body).await;
    assert_eq!(status, StatusCode::CREATED, "{plan}");
    plan
}

async fn step(server: &Server, token: &str, plan: i64, action: &str) -> (StatusCode, Value) {
    server.call(Method::POST, &format!("/api/v1/plans/{plan}/{action}"), Some(token), None).await
}

async fn add_pool(server: &Server, token: &str, level: &str, aid: &str, amount_fen: i64) -> Value {
    let body = json!({"name": format!("{level} {aid}"), "source_level": level, "aid_type": aid, "event_id": DEMO_EVENT, "amount_fen": amount_fen});
    let (status, pool) = server.post("/api/v1/funds", token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{pool}");
    pool
}

/// Committed fen per level over the event's pools of an aid type.
async fn committed(server: &Server, token: &str, aid: &str) -> Vec<(String, i64, i64)> {
    let (_, pools) = server.get(&format!("/api/v1/funds?event_id={DEMO_EVENT}&aid_type={aid}"), token).await;
    pools
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["source_level"].as_str().unwrap().to_owned(),
                p["committed_fen"].as_i64().unwrap(),
                p["available_fen"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn level<'a>(plan: &'a Value, name: &str) -> &'a Value {
    plan["funds"]["levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["level"] == name)
        .unwrap_or_else(|| panic!("no {name} in {plan}"))
}

store_tests! {
    standards_are_read_by_all_and_changed_by_admins_all_or_nothing => |store| async move {
        let server = Server::start(store).await;
        let admin = server.login("admin").await;
        let manager = server.login("manager").await;
        let (status, standards) = server.get("/api/v1/standards", &manager).await;
        assert_eq!(status, StatusCode::OK);
        let value = |s: &Value, key: &str| s.as_array().unwrap().iter().find(|x| x["key"] == key).unwrap()["value"].as_i64().unwrap();
        assert_eq!(value(&standards, "emergency_per_person"), 30_000);
        assert_eq!(value(&standards, "split_national_central"), 7_000);
        let audits = server.audit("action=standards.change").await.len();

        for (body, field) in [
            (json!({"changes": [{"key": "emergency_per_person", "value": 40_000}, {"key": "bribes", "value": 1}]}), "bribes"),
            (json!({"changes": [{"key": "emergency_per_person", "value": -1}]}), "emergency_per_person"),
            (json!({"changes": [{"key": "split_national_central", "value": 8_000}]}), "split_national"),
            (json!({"changes": []}), "changes"),
            (json!({"changes": [{"key": "emergency_per_person"}]}), "changes[0].value"),
        ] {
            let (status, error) = server.post("/api/v1/standards", &admin, body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
            assert_eq!(error["error"]["details"][0]["field"], field, "{error}");
        }
        let change = json!({"changes": [{"key": "emergency_per_person", "value": 40_000}]});
        assert_eq!(server.post("/api/v1/standards", &manager, change.clone()).await.0, StatusCode::FORBIDDEN);
        let (_, unchanged) = server.get("/api/v1/standards", &manager).await;
        assert_eq!(unchanged, standards, "refused changes write nothing");
        assert_eq!(server.audit("action=standards.change").await.len(), audits);

        let (status, changed) = server.post("/api/v1/standards", &admin, change).await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        let moved = json!({"changes": [{"key": "split_national_central", "value": 8_000}, {"key": "split_national_county", "value": 0}]});
        assert_eq!(server.post("/api/v1/standards", &admin, moved).await.0, StatusCode::OK, "a split changed as a whole");
        let (_, now) = server.get("/api/v1/standards", &manager).await;
        assert_eq!(value(&now, "emergency_per_person"), 40_000);
        assert_eq!(server.audit("action=standards.change").await.len(), audits + 2);
        // the new standard is what plans use
        let plan = funds_plan(&server, &manager, "emergency", "national").await;
        let basis = &plan["funds"]["areas"][0]["basis"][0];
        assert_eq!(basis["rate_fen"], 40_000, "{basis}");
        assert!(plan["funds"]["levels"].as_array().unwrap().iter().all(|l| l["level"] != "county"), "a zero share drops the level");
    };

    fund_pools_are_validated_and_listed_per_event => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let pool = add_pool(&server, &manager, "central", "transitional", 1_000_000 * 100).await;
        assert_eq!((pool["committed_fen"].as_i64(), pool["available_fen"].as_i64()), (Some(0), Some(1_000_000 * 100)));
        let (status, _) = server.post("/api/v1/funds", &manager,
            json!({"name": "任何灾害", "source_level": "province", "aid_type": "transitional", "amount_fen": 5 * 100})).await;
        assert_eq!(status, StatusCode::CREATED);
        let before = server.get("/api/v1/funds", &manager).await.1;
        for (body, field) in [
            (json!({"name": "x", "source_level": "galactic", "aid_type": "emergency", "amount_fen": 1}), "source_level"),
            (json!({"name": "x", "source_level": "city", "aid_type": "bribes", "amount_fen": 1}), "aid_type"),
            (json!({"name": "x", "source_level": "city", "aid_type": "emergency", "amount_fen": 0}), "amount_fen"),
            (json!({"name": " ", "source_level": "city", "aid_type": "emergency", "amount_fen": 1}), "name"),
            (json!({"name": "x", "source_level": "city", "aid_type": "emergency", "amount_fen": "lots"}), "amount_fen"),
        ] {
            let (status, error) = server.post("/api/v1/funds", &manager, body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
            assert_eq!(error["error"]["details"][0]["field"], field, "{error}");
        }
        let unknown_event = json!({"name": "x", "source_level": "city", "aid_type": "emergency", "event_id": 999, "amount_fen": 1});
        assert_eq!(server.post("/api/v1/funds", &manager, unknown_event).await.0, StatusCode::NOT_FOUND);
        let reviewer = server.login("reviewer").await;
        assert_eq!(server.get("/api/v1/funds", &reviewer).await.1, before, "refused pools write nothing");
        let (_, for_event) = server.get(&format!("/api/v1/funds?event_id={DEMO_EVENT}&aid_type=transitional"), &reviewer).await;
        assert_eq!(for_event.as_array().unwrap().len(), 2, "the event's own pool and the one for any event");
        let (_, other_aid) = server.get("/api/v1/funds?aid_type=winter_spring", &reviewer).await;
        assert!(other_aid.as_array().unwrap().is_empty());
        let (_, demo) = server.get(&format!("/api/v1/funds?event_id={DEMO_EVENT}&aid_type=emergency"), &reviewer).await;
        assert_eq!(demo.as_array().unwrap().len(), 4, "the demo's emergency pools, one per level");
    };

    a_short_level_is_scaled_and_approval_commits_the_money => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let reviewer = server.login("reviewer").await;
        // With no pools the plan shows what each level owes and that nothing is covered.
        let probe = funds_plan(&server, &manager, "winter_spring", "local").await;
        let city_need = level(&probe, "city")["required_fen"].as_i64().unwrap();
        let county_need = level(&probe, "county")["required_fen"].as_i64().unwrap();
        assert!(city_need > 0 && county_need > 0, "{probe}");
        assert_eq!(probe["funds"]["allocated_fen"], 0);
        assert_eq!(step(&server, &manager, probe["id"].as_i64().unwrap(), "submit").await.0, StatusCode::CONFLICT, "nothing to approve");

        add_pool(&server, &manager, "city", "winter_spring", city_need / 2).await;
        add_pool(&server, &manager, "county", "winter_spring", county_need * 2).await;
        let plan = funds_plan(&server, &manager, "winter_spring", "local").await;
        let id = plan["id"].as_i64().unwrap();
        let city = level(&plan, "city");
        assert_eq!((city["scaled"].as_bool(), city["allocated_fen"].as_i64()), (Some(true), Some(city_need / 2)), "{city}");
        assert_eq!(level(&plan, "county")["scaled"], false);
        let areas = plan["funds"]["areas"].as_array().unwrap();
        for area in areas {
            let share = area["shares"].as_array().unwrap().iter().find(|s| s["level"] == "city").unwrap();
            let (entitled, allocated) = (share["entitled_fen"].as_i64().unwrap(), share["allocated_fen"].as_i64().unwrap());
            assert!((allocated - entitled / 2).abs() <= 1, "every area's city share is halved: {share}");
            assert!(area["fill_rate"].as_f64().unwrap() < 1.0);
        }
        let allocated: i64 = areas.iter().map(|a| a["allocated_fen"].as_i64().unwrap()).sum();
        assert_eq!(plan["funds"]["allocated_fen"].as_i64().unwrap(), allocated);
        assert_eq!(plan["totals"]["allocated"].as_i64().unwrap(), allocated, "totals are in fen for a funds plan");
        assert!(plan["lines"].as_array().unwrap().is_empty());

        let (status, _) = server.call(Method::PATCH, &format!("/api/v1/plans/{id}"), Some(&manager), Some(json!({"lines": []}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a funds plan is replanned, not edited");
        assert_eq!(step(&server, &manager, id, "submit").await.0, StatusCode::OK);
        assert_eq!(step(&server, &manager, id, "approve").await.0, StatusCode::FORBIDDEN);
        let (status, approved) = step(&server, &reviewer, id, "approve").await;
        assert_eq!(status, StatusCode::OK, "{approved}");
        let by_level = committed(&server, &manager, "winter_spring").await;
        assert_eq!(by_level, [
            ("city".to_owned(), city_need / 2, 0),
            ("county".to_owned(), county_need, county_need),
        ]);
        assert_eq!(step(&server, &reviewer, id, "approve").await.0, StatusCode::CONFLICT, "approving twice");
        let keeper = server.login("depot").await;
        assert_eq!(step(&server, &keeper, id, "dispatch").await.0, StatusCode::FORBIDDEN, "a depot keeper does not disburse money");
        let (status, _) = step(&server, &manager, id, "dispatch").await;
        assert_eq!(status, StatusCode::OK);
        let (_, done) = server.get(&format!("/api/v1/plans/{id}"), &manager).await;
        assert_eq!(done["status"], "completed", "disbursing completes a funds plan");
        assert!(done["time_to_aid"].as_array().unwrap().iter().all(|t| t["onset_to_dispatch_minutes"].as_i64().is_some()));
        assert_eq!(step(&server, &manager, id, "cancel").await.0, StatusCode::CONFLICT);
        assert_eq!(committed(&server, &manager, "winter_spring").await, by_level, "disbursed money stays spent");
        assert_eq!(server.audit("action=plan.disburse").await.len(), 1);
    };

    concurrent_approvals_never_overspend_a_pool => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let reviewer = server.login("reviewer").await;
        let probe = funds_plan(&server, &manager, "transitional", "local").await;
        let city_need = level(&probe, "city")["required_fen"].as_i64().unwrap();
        let county_need = level(&probe, "county")["required_fen"].as_i64().unwrap();
        // Room for three plans and a half at city level; plenty at county level.
        add_pool(&server, &manager, "city", "transitional", city_need * 7 / 2).await;
        add_pool(&server, &manager, "county", "transitional", county_need * 100).await;
        let mut ids = Vec::new();
        for _ in 0..8 {
            let plan = funds_plan(&server, &manager, "transitional", "local").await;
            assert_eq!(level(&plan, "city")["scaled"], false, "each plan alone fits");
            let id = plan["id"].as_i64().unwrap();
            assert_eq!(step(&server, &manager, id, "submit").await.0, StatusCode::OK);
            ids.push(id);
        }
        let approvals = ids.iter().map(|id| step(&server, &reviewer, *id, "approve"));
        let results = futures::future::join_all(approvals).await;
        let ok = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
        let refused: Vec<&Value> = results.iter().filter(|(s, _)| *s == StatusCode::CONFLICT).map(|(_, b)| b).collect();
        assert_eq!((ok, refused.len()), (3, 5), "{results:?}");
        assert!(refused.iter().all(|b| b["error"]["details"]["source_level"] == "city"), "{refused:?}");
        let by_level = committed(&server, &manager, "transitional").await;
        assert_eq!(by_level[0], ("city".to_owned(), city_need * 3, city_need * 7 / 2 - city_need * 3));
        assert_eq!(by_level[1].1, county_need * 3, "a refused approval commits nothing at any level");
        // cancelling an approved plan gives its money back
        let approved = ids.iter().zip(&results).find(|(_, (s, _))| *s == StatusCode::OK).unwrap().0;
        assert_eq!(server.post(&format!("/api/v1/plans/{approved}/cancel"), &manager, json!({"reason": "重复"})).await.0, StatusCode::OK);
        assert_eq!(committed(&server, &manager, "transitional").await[0].1, city_need * 2);
    };

    grant_lists_are_held_to_the_disbursed_funds => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let reviewer = server.login("reviewer").await;
        // A token amount of winter–spring money, disbursed.
        add_pool(&server, &manager, "city", "winter_spring", 100).await;
        add_pool(&server, &manager, "county", "winter_spring", 100).await;
        let plan = funds_plan(&server, &manager, "winter_spring", "local").await;
        let id = plan["id"].as_i64().unwrap();
        assert_eq!(step(&server, &manager, id, "submit").await.0, StatusCode::OK);
        assert_eq!(step(&server, &reviewer, id, "approve").await.0, StatusCode::OK);
        assert_eq!(step(&server, &manager, id, "dispatch").await.0, StatusCode::OK);
        let list = json!({"event_id": DEMO_EVENT, "aid_type": "winter_spring", "area_code": "360425100"});
        let lists_before = server.get("/api/v1/grant-lists", &manager).await.1.as_array().unwrap().len();
        let (status, error) = server.post("/api/v1/grant-lists", &manager, list.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["error"]["message"].as_str().unwrap().contains("disbursed funds"), "{error}");
        assert_eq!(server.get("/api/v1/grant-lists", &manager).await.1.as_array().unwrap().len(), lists_before);
        let mut with_budget = list;
        with_budget["budget_fen"] = json!(100_000_000);
        let (status, created) = server.post("/api/v1/grant-lists", &manager, with_budget).await;
        assert_eq!(status, StatusCode::CREATED, "an explicit budget decides: {created}");
    };

    reconstruction_is_funds_only_and_bad_funds_requests_write_nothing => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let plan = funds_plan(&server, &manager, "reconstruction", "national").await;
        let basis: Vec<&Value> = plan["funds"]["areas"].as_array().unwrap().iter().flat_map(|a| a["basis"].as_array().unwrap()).collect();
        assert!(basis.iter().any(|b| b["standard"] == "reconstruction_collapsed_or_severe"), "{plan}");
        assert_eq!(plan["funds"]["response_scope"], "national");
        // The demo's central emergency money falls short of its 70% share: scaled, and shown.
        let emergency = funds_plan(&server, &manager, "emergency", "national").await;
        let central = level(&emergency, "central");
        assert_eq!((central["scaled"].as_bool(), central["allocated_fen"].as_i64()), (Some(true), Some(5_000_000 * 100)), "{central}");
        assert!(central["scale"].as_f64().unwrap() < 1.0);
        let plans_before = server.get("/api/v1/plans", &manager).await.1.as_array().unwrap().len();
        let (_, event) = server.post("/api/v1/events", &manager, json!({"name": "无数据", "hazard": "flood", "onset_at": "2026-07-01T00:00:00Z"})).await;
        let (status, error) = server.post("/api/v1/plans", &manager, json!({"event_id": event["id"], "aid_type": "reconstruction", "kind": "funds"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error["error"]["message"].as_str().unwrap().contains("collapsed_households"), "says what is missing: {error}");
        let (status, error) = server.post("/api/v1/plans", &manager,
            json!({"event_id": DEMO_EVENT, "aid_type": "emergency", "kind": "funds", "response_scope": "cosmic"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(error["error"]["details"][0]["field"], "response_scope");
        assert_eq!(server.get("/api/v1/plans", &manager).await.1.as_array().unwrap().len(), plans_before);
    };
}
