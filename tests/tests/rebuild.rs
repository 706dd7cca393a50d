//! Rebuild cases through the real binary on both stores: opened from the house's damage record,
//! approved by the county with the subsidy, the builder's progress in order, an inspection that
//! fails the house back to the builder and one that accepts it, and the refusals that write
//! nothing. Then housing insurance: policies imported, a claim from report to payout, the county's
//! counting rule on the subsidy, the case page's photos and payments, the register and the report.

mod common;

use common::{Server, days_ago, fixture};
use reqwest::StatusCode;
use serde_json::{Value, json};

const EVENT: i64 = 1;
/// 滩溪镇 of 永修: the fixture households live here.
const TANXI: &str = "360425105";
const YONGXIU: &str = "360425";

async fn household(server: &Server, manager: &str, name: &str, damage: &str, rooms: i64) -> i64 {
    let (status, page) = server.get(&format!("/api/v1/households?q={name}"), manager).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let id = page["households"][0]["id"].as_i64().unwrap();
    let record = json!({"household_id": id, "house_damage": damage, "damaged_rooms": rooms});
    let (status, stored) = server.post(&format!("/api/v1/events/{EVENT}/household-damage"), manager, record).await;
    assert!(status.is_success(), "{stored}");
    id
}

async fn step(server: &Server, token: &str, case: i64, action: &str, body: Value) -> (StatusCode, Value) {
    server.post(&format!("/api/v1/rebuild-cases/{case}/{action}"), token, body).await
}

fn stage(stage: &str) -> Value {
    json!({"stage": stage, "photos": ["施工.jpg"]})
}

store_tests! {
    a_rebuild_case_goes_from_survey_to_acceptance => |store| async move {
        let server = Server::start(store).await;
        let admin = server.login("admin").await;
        for (username, role, area) in [
            ("tanxi_caseworker", "reporter", TANXI),
            ("yongxiu_decider", "reviewer", YONGXIU),
            ("yongxiu_checker", "reviewer", YONGXIU),
            ("yongxiu_inspector", "assessor", YONGXIU),
            ("duchang_inspector", "assessor", "360428"),
        ] {
            let body = json!({"username": username, "password": "demo", "role": role, "area_code": area});
            assert_eq!(server.post("/api/v1/users", &admin, body).await.0, StatusCode::CREATED);
        }
        let manager = server.login("manager").await;
        let (status, report) = server
            .post_raw("/api/v1/households/import", &manager, "text/csv", fixture("households/households-utf8.csv"))
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let li = household(&server, &manager, "李测乙", "collapsed", 3).await;
        let zhang = household(&server, &manager, "张测甲", "general", 1).await;
        let caseworker = server.login("tanxi_caseworker").await;
        let county = server.login("yongxiu_decider").await;
        let inspector = server.login("yongxiu_inspector").await;
        let elsewhere = server.login("duchang_inspector").await;

        // Opened from the damage record: a collapsed house is rebuilt, never merely repaired.
        let (status, error) = server.post("/api/v1/rebuild-cases", &caseworker, json!({"event_id": EVENT, "household_id": li, "mode": "repair"})).await;
        assert_eq!((status, error["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("mode")));
        let (status, case) = server.post("/api/v1/rebuild-cases", &caseworker, json!({"event_id": EVENT, "household_id": li, "mode": "rebuild"})).await;
        assert_eq!(status, StatusCode::CREATED, "{case}");
        assert_eq!((case["status"].as_str(), case["standard_fen"].as_i64(), case["basis"].as_str()), (Some("surveyed"), Some(2_000_000), Some("relief")), "{case}");
        assert_eq!(case["name"], "李*乙");
        let id = case["id"].as_i64().unwrap();
        let (status, _) = server.post("/api/v1/rebuild-cases", &caseworker, json!({"event_id": EVENT, "household_id": li, "mode": "rebuild"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "a second case for one house");

        // Out of order and out of role: refused, nothing written.
        assert_eq!(step(&server, &caseworker, id, "progress", stage("started")).await.0, StatusCode::CONFLICT, "not approved yet");
        assert_eq!(step(&server, &caseworker, id, "approval", json!({})).await.0, StatusCode::FORBIDDEN);
        let (status, error) = step(&server, &county, id, "approval", json!({"amount_fen": 2_500_000})).await;
        assert_eq!((status, error["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")), "above the standard needs a reason");
        let (status, approved) = step(&server, &county, id, "approval", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{approved}");
        assert_eq!((approved["status"].as_str(), approved["subsidy_fen"].as_i64()), (Some("approved"), Some(2_000_000)));
        assert!(approved["due_on"].is_string() && approved["overdue"] == false, "{approved}");
        assert_eq!(step(&server, &county, id, "approval", json!({})).await.0, StatusCode::CONFLICT, "approved twice");

        // The builder's progress, in order.
        assert_eq!(step(&server, &caseworker, id, "progress", stage("structure_done")).await.0, StatusCode::CONFLICT);
        let (status, error) = step(&server, &caseworker, id, "progress", json!({"stage": "started", "on": "2999-01-01"})).await;
        assert_eq!((status, error["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("on")));
        for s in ["started", "structure_done", "completed"] {
            let (status, body) = step(&server, &caseworker, id, "progress", stage(s)).await;
            assert_eq!(status, StatusCode::OK, "{s}: {body}");
        }

        // 验收: only an inspector of the county; findings and photos required; a failure goes back
        // to the builder, who completes the house again.
        let fail = json!({"passed": false, "findings": "圈梁未闭合，需整改", "photos": ["验收1.jpg"]});
        assert_eq!(step(&server, &elsewhere, id, "inspection", fail.clone()).await.0, StatusCode::FORBIDDEN, "an inspector outside the county");
        let (status, error) = step(&server, &inspector, id, "inspection", json!({"passed": true, "findings": "合格", "photos": []})).await;
        assert_eq!((status, error["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("photos")));
        let (status, failed) = step(&server, &inspector, id, "inspection", fail).await;
        assert_eq!((status, failed["status"].as_str()), (StatusCode::OK, Some("failed_inspection")), "{failed}");
        assert_eq!(step(&server, &caseworker, id, "progress", stage("completed")).await.0, StatusCode::OK);
        let pass = json!({"passed": true, "findings": "整改完成，结构安全", "photos": ["验收2.jpg", "验收3.jpg"]});
        let (status, accepted) = step(&server, &inspector, id, "inspection", pass).await;
        assert_eq!((status, accepted["status"].as_str()), (StatusCode::OK, Some("accepted")), "{accepted}");
        let timeline: Vec<&str> = accepted["steps"].as_array().unwrap().iter().map(|s| s["outcome"].as_str().unwrap()).collect();
        assert_eq!(timeline, ["surveyed", "approved", "started", "structure_done", "completed", "failed_inspection", "completed", "accepted"]);
        assert_eq!(accepted["steps"][5]["details"]["findings"], "圈梁未闭合，需整改");

        // A repair has no structure stage.
        let (_, repair) = server.post("/api/v1/rebuild-cases", &caseworker, json!({"event_id": EVENT, "household_id": zhang, "mode": "repair"})).await;
        let repair = repair["id"].as_i64().unwrap();
        step(&server, &county, repair, "approval", json!({})).await;
        step(&server, &caseworker, repair, "progress", stage("started")).await;
        assert_eq!(step(&server, &caseworker, repair, "progress", stage("structure_done")).await.0, StatusCode::CONFLICT);
        assert_eq!(step(&server, &caseworker, repair, "progress", stage("completed")).await.0, StatusCode::OK);

        // Paid by stage: shares that do not add up are refused; each stage is listed once its step is
        // recorded, and the stages add up to the approved subsidy.
        let (status, error) = server.call(reqwest::Method::PUT, "/api/v1/rebuild-stages", Some(&county), Some(json!({"area_code": YONGXIU, "percents": [30, 40, 20]}))).await;
        assert_eq!((status, error["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("percents")));
        let (_, shares) = server.get(&format!("/api/v1/rebuild-stages?area_code={YONGXIU}"), &county).await;
        assert_eq!((shares["percents"].clone(), shares["own"].as_bool()), (json!([30, 40, 30]), Some(false)), "nothing written");
        let (status, shares) = server.call(reqwest::Method::PUT, "/api/v1/rebuild-stages", Some(&county), Some(json!({"area_code": YONGXIU, "percents": [20, 50, 30]}))).await;
        assert_eq!((status, shares["own"].as_bool()), (StatusCode::OK, Some(true)), "{shares}");
        let stage_list = |stage: &str, cases: Option<Vec<i64>>| {
            let mut body = json!({"event_id": EVENT, "area_code": YONGXIU, "stage": stage});
            if let Some(ids) = cases {
                body["case_ids"] = json!(ids);
            }
            body
        };
        let (status, error) = server.post("/api/v1/rebuild-cases/stage-lists", &county, stage_list("acceptance", Some(vec![repair]))).await;
        assert_eq!(status, StatusCode::CONFLICT, "a stage before its step: {error}");
        let checker = server.login("yongxiu_checker").await;
        let mut paid_to_li = 0;
        for (stage, households) in [("start", 2), ("structure", 2), ("acceptance", 1)] {
            let (status, drafted) = server.post("/api/v1/rebuild-cases/stage-lists", &county, stage_list(stage, None)).await;
            assert_eq!(status, StatusCode::CREATED, "{stage}: {drafted}");
            let (_, list) = server.get(&format!("/api/v1/grant-lists/{}", drafted["grant_list_id"]), &county).await;
            let grants = list["grants"].as_array().unwrap();
            assert_eq!(grants.len(), households, "{stage}: {list}");
            paid_to_li += grants.iter().find(|g| g["household_id"] == li).map_or(0, |g| g["amount_fen"].as_i64().unwrap());
            // Each stage's list goes through 公示 to payment (approved by a second pair of eyes).
            let list = drafted["grant_list_id"].as_i64().unwrap();
            for (action, token, body) in [("submit", &manager, json!({})), ("approve", &checker, json!({})), ("publish", &county, json!({"start": days_ago(8)})), ("pay", &manager, json!({}))] {
                let (status, body) = server.post(&format!("/api/v1/grant-lists/{list}/{action}"), token, body).await;
                assert_eq!(status, StatusCode::OK, "{stage} {action}: {body}");
            }
        }
        assert_eq!(paid_to_li, 2_000_000, "20% + 50% + 30% of the approved subsidy");
        let (_, paid_case) = server.get(&format!("/api/v1/rebuild-cases/{id}"), &county).await;
        let payments = paid_case["payments"].as_array().unwrap();
        let stages: Vec<(&str, i64, bool)> = payments.iter().map(|p| (p["stage"].as_str().unwrap(), p["amount_fen"].as_i64().unwrap(), p["paid"].as_bool().unwrap())).collect();
        assert_eq!(stages, [("start", 400_000, true), ("structure", 1_000_000, true), ("acceptance", 600_000, true)], "{paid_case}");
        let (status, _) = server.post("/api/v1/rebuild-cases/stage-lists", &county, stage_list("start", None)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "nothing left due");
        let (status, _) = server.post("/api/v1/rebuild-cases/stage-lists", &county, stage_list("acceptance", Some(vec![id]))).await;
        assert_eq!(status, StatusCode::CONFLICT, "a stage is listed once");
        let register = json!({"event_id": EVENT, "aid_type": "reconstruction", "area_code": TANXI, "household_ids": [li]});
        let (status, error) = server.post("/api/v1/grant-lists", &manager, register).await;
        assert_eq!(status, StatusCode::CONFLICT, "a house with a case is not paid again from the register: {error}");

        let (status, list) = server.get(&format!("/api/v1/rebuild-cases?area_code={TANXI}"), &county).await;
        assert_eq!((status, list.as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "{list}");
        assert_eq!(server.audit("action=rebuild.inspect&actor_name=yongxiu_inspector").await.len(), 2);
        assert_eq!(server.audit("action=rebuild.open&actor_name=tanxi_caseworker").await.len(), 2, "refusals write nothing");
    };

    housing_insurance_beside_the_rebuild_subsidy => |store| async move {
        let server = Server::start(store).await;
        let admin = server.login("admin").await;
        for (username, role, area) in [
            ("tanxi_caseworker", "reporter", TANXI),
            ("yongxiu_decider", "reviewer", YONGXIU),
            ("duchang_decider", "reviewer", "360428"),
        ] {
            let body = json!({"username": username, "password": "demo", "role": role, "area_code": area});
            assert_eq!(server.post("/api/v1/users", &admin, body).await.0, StatusCode::CREATED);
        }
        let manager = server.login("manager").await;
        let (status, report) = server
            .post_raw("/api/v1/households/import", &manager, "text/csv", fixture("households/households-utf8.csv"))
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let li = household(&server, &manager, "李测乙", "collapsed", 3).await;
        let ouyang = household(&server, &manager, "欧阳测丙", "collapsed", 2).await;
        let caseworker = server.login("tanxi_caseworker").await;
        let county = server.login("yongxiu_decider").await;
        let elsewhere = server.login("duchang_decider").await;

        // Policies: a file with faults stores nothing; then 滩溪镇's blanket policy in force and
        // 白槎镇's long expired.
        let header = "保险公司,保单号,区划代码,每间保额,起保日期,终保日期,户主身份证号,投保间数\n";
        let bad = format!("{header}人保财险,P-1,{TANXI},5000,2000-01-01,2099-12-31,,\n人保财险,P-2,360425106,abc,2000-01-01,1999-01-01,,2\n人保财险,P-3,360428100,5000,2000-01-01,2099-12-31,,\n");
        let (status, error) = server.post_raw("/api/v1/insurance/policies/import", &county, "text/csv", bad.into_bytes()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        let fields: Vec<&str> = error["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["sum_per_room", "ends_on", "rooms", "area_code"], "the last: another county's township: {error}");
        assert_eq!(server.get("/api/v1/insurance/policies", &county).await.1, json!([]), "nothing stored");
        let good = format!("{header}人保财险,P-1,{TANXI},5000,2000-01-01,2099-12-31,,\n人保财险,P-0,360425106,5000,2000-01-01,2000-12-31,,\n");
        let (status, imported) = server.post_raw("/api/v1/insurance/policies/import", &county, "text/csv", good.clone().into_bytes()).await;
        assert_eq!((status, imported["imported"].as_i64()), (StatusCode::OK, Some(2)), "{imported}");
        let (status, again) = server.post_raw("/api/v1/insurance/policies/import", &county, "text/csv", good.into_bytes()).await;
        assert_eq!((status, again["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("policy_number")), "imported twice");

        // A claim from the damage record, capped at insured rooms × the sum per room.
        let claim = |household: i64| json!({"event_id": EVENT, "household_id": household});
        let (status, error) = server.post("/api/v1/insurance/claims", &manager, claim(ouyang)).await;
        assert_eq!((status, error["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("household_id")), "no policy in force on the event date: {error}");
        let (status, opened) = server.post("/api/v1/insurance/claims", &caseworker, claim(li)).await;
        assert_eq!(status, StatusCode::CREATED, "{opened}");
        assert_eq!((opened["status"].as_str(), opened["rooms"].as_i64(), opened["cap_fen"].as_i64()), (Some("reported"), Some(3), Some(1_500_000)));
        let id = opened["id"].as_i64().unwrap();
        assert_eq!(server.post("/api/v1/insurance/claims", &caseworker, claim(li)).await.0, StatusCode::CONFLICT, "one claim per house");
        let act = |action: &str, body: Value| {
            let path = format!("/api/v1/insurance/claims/{id}/{action}");
            let server = &server;
            let county = county.clone();
            async move { server.post(&path, &county, body).await }
        };
        assert_eq!(act("payout", json!({"payout_fen": 100, "paid_on": "2026-01-01"})).await.0, StatusCode::CONFLICT, "paid before the survey");
        assert_eq!(act("survey", json!({"assessed_fen": 1_500_001})).await.0, StatusCode::UNPROCESSABLE_ENTITY, "above the cap");
        assert_eq!(server.post(&format!("/api/v1/insurance/claims/{id}/survey"), &elsewhere, json!({"assessed_fen": 1})).await.0, StatusCode::NOT_FOUND, "another county's claim");
        assert_eq!(act("survey", json!({"assessed_fen": 1_200_000})).await.0, StatusCode::OK);
        let today = opened["reported_on"].as_str().unwrap().to_owned();
        assert_eq!(act("payout", json!({"payout_fen": 1_300_000, "paid_on": today})).await.0, StatusCode::UNPROCESSABLE_ENTITY, "above the assessment");
        assert_eq!(act("payout", json!({"payout_fen": 1_000_000, "paid_on": "2999-01-01"})).await.0, StatusCode::UNPROCESSABLE_ENTITY, "in the future");
        let (status, paid) = act("payout", json!({"payout_fen": 1_000_000, "paid_on": today})).await;
        assert_eq!((status, paid["status"].as_str(), paid["days_to_payout"].as_i64()), (StatusCode::OK, Some("paid"), Some(0)), "{paid}");
        assert_eq!(act("refusal", json!({"reason": "晚了"})).await.0, StatusCode::CONFLICT, "paid claims are not refused");

        // The county counts half of a payout against the subsidy: the default approval gives less.
        let (status, _) = server.call(reqwest::Method::PUT, "/api/v1/insurance/counting", Some(&county), Some(json!({"area_code": YONGXIU, "percent": 150}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, counting) = server.call(reqwest::Method::PUT, "/api/v1/insurance/counting", Some(&county), Some(json!({"area_code": YONGXIU, "percent": 50}))).await;
        assert_eq!((status, counting["own"].as_bool()), (StatusCode::OK, Some(true)), "{counting}");
        let (_, case) = server.post("/api/v1/rebuild-cases", &caseworker, json!({"event_id": EVENT, "household_id": li, "mode": "rebuild"})).await;
        let case_id = case["id"].as_i64().unwrap();
        let (_, detail) = server.get(&format!("/api/v1/rebuild-cases/{case_id}"), &county).await;
        assert_eq!((detail["claim"]["payout_fen"].as_i64(), detail["insurance_counted_fen"].as_i64()), (Some(1_000_000), Some(500_000)), "{detail}");
        let (_, approved) = step(&server, &county, case_id, "approval", json!({})).await;
        assert_eq!(approved["subsidy_fen"].as_i64(), Some(1_500_000), "the standard's ¥20,000 less half the ¥10,000 payout");

        // Photos on the case page; the stage's payment appears with its list.
        let png = b"\x89PNG\r\n\x1a\nnot really a picture".to_vec();
        assert_eq!(server.post_raw(&format!("/api/v1/rebuild-cases/{case_id}/photos"), &caseworker, "image/png", b"<svg/>".to_vec()).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let (status, photo) = server.post_raw(&format!("/api/v1/rebuild-cases/{case_id}/photos"), &caseworker, "image/png", png.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{photo}");
        let (status, _, bytes) = server.download(&format!("/api/v1/rebuild-cases/{case_id}/photos/{}", photo["id"]), Some(&county)).await;
        assert_eq!((status, bytes), (StatusCode::OK, png));
        assert_eq!(step(&server, &caseworker, case_id, "progress", json!({"stage": "started", "photos": [photo["id"].to_string()]})).await.0, StatusCode::OK);
        let (status, drafted) = server.post("/api/v1/rebuild-cases/stage-lists", &county, json!({"event_id": EVENT, "area_code": YONGXIU, "stage": "start"})).await;
        assert_eq!(status, StatusCode::CREATED, "{drafted}");
        let (_, detail) = server.get(&format!("/api/v1/rebuild-cases/{case_id}"), &county).await;
        assert_eq!(detail["photos"].as_array().map(Vec::len), Some(1));
        assert_eq!(detail["payments"], json!([{"stage": "start", "amount_fen": 450_000, "grant_list_id": drafted["grant_list_id"], "list_status": "draft", "paid": false}]));

        // The damaged-houses register shows the case and the payout; the report counts the county.
        let (status, register, _) = server.download(&format!("/api/v1/exports/registers/damaged-houses?event_id={EVENT}&area_code={TANXI}"), Some(&county)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(register.contains("重建状态,核定补助（元）,已列入发放（元）,已发放（元）,保险赔款（元）"), "{register}");
        let row = register.lines().find(|l| l.contains("李")).unwrap();
        assert!(row.ends_with(",已开工,15000.00,4500.00,0.00,10000.00"), "{row}");
        let (status, report) = server.get(&format!("/api/v1/insurance/report?event_id={EVENT}&area_code={YONGXIU}"), &county).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let yongxiu = &report[0];
        assert_eq!((yongxiu["area_code"].as_str(), yongxiu["policies"].as_i64(), yongxiu["claims"].as_i64(), yongxiu["paid"].as_i64(), yongxiu["payout_fen"].as_i64()),
            (Some(YONGXIU), Some(1), Some(1), Some(1), Some(1_000_000)), "the expired policy is not in force: {report}");
        assert!(yongxiu["houses_covered"].as_i64().unwrap() >= 2, "{report}");
        let (status, csv, _) = server.download(&format!("/api/v1/insurance/report?event_id={EVENT}&area_code={YONGXIU}&format=csv"), Some(&county)).await;
        assert!(status == StatusCode::OK && csv.contains("参保户数") && csv.contains("10000.00"), "{csv}");
        assert_eq!(server.audit("action=insurance.claim&actor_name=tanxi_caseworker").await.len(), 1, "refusals write nothing");
        assert_eq!(server.audit("action=insurance.payout&actor_name=yongxiu_decider").await.len(), 1);
    };
}
