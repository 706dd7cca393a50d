//! The application chain 户报 → 村评 → 审核公示 → 乡审 → 县定 → 审批公示 → 发放 through the real
//! binary on both stores: each step at its level, the village notice with public objections, the
//! county's decision into a grant list that is posted and paid, and the refusals that write nothing.

mod common;

use common::{Server, days_ago, fixture};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The demo flood.
const EVENT: i64 = 1;
/// 滩溪镇 of 永修 (no demo households): the fixture households live here.
const TANXI: &str = "360425105";
const BAICHA: &str = "360425106";
const YONGXIU: &str = "360425";

async fn household(server: &Server, manager: &str, name: &str) -> i64 {
    let (status, page) = server.get(&format!("/api/v1/households?q={name}"), manager).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["households"][0]["id"].as_i64().unwrap()
}

async fn users(server: &Server) {
    let admin = server.login("admin").await;
    for (username, role, area) in [
        ("tanxi_caseworker", "reporter", TANXI),
        ("tanxi_reviewer", "reviewer", TANXI),
        ("baicha_reviewer", "reviewer", BAICHA),
        ("yongxiu_decider", "reviewer", YONGXIU),
        ("yongxiu_decider2", "reviewer", YONGXIU),
    ] {
        let body = json!({"username": username, "password": "demo", "role": role, "area_code": area});
        let (status, created) = server.post("/api/v1/users", &admin, body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }
}

/// Imports the fixture households and records emergency need for three of 滩溪镇 (of 3, 4 and 5
/// members); 欧阳测丙 lives in 白槎镇.
async fn households(server: &Server, manager: &str) -> [i64; 3] {
    let (status, report) = server
        .post_raw("/api/v1/households/import", manager, "text/csv", fixture("households/households-utf8.csv"))
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let (status, report) = server
        .post_raw(
            "/api/v1/households/import",
            manager,
            "text/csv; charset=gbk",
            fixture("households/households-gbk.csv"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let ids = [
        household(server, manager, "张测甲").await,
        household(server, manager, "李测乙").await,
        household(server, manager, "王测丁").await,
    ];
    for id in ids {
        let record = json!({"household_id": id, "house_damage": "general", "damaged_rooms": 1, "emergency_persons": 2});
        let (status, stored) = server.post(&format!("/api/v1/events/{EVENT}/household-damage"), manager, record).await;
        assert!(status.is_success(), "{stored}");
    }
    ids
}

fn apply(household_id: i64, persons: i64) -> Value {
    json!({"event_id": EVENT, "household_id": household_id, "aid_type": "emergency", "persons": persons,
           "reason": "房屋进水，口粮被冲毁", "phone": "0792-1234567", "attachments": ["申请表.jpg"]})
}

fn recommend() -> Value {
    json!({"decision": "recommend", "minutes": "村民代表会议，到会13人", "votes_for": 11, "votes_against": 2, "photos": ["会议.jpg"]})
}

async fn step(server: &Server, token: &str, id: i64, step: &str, body: Value) -> (StatusCode, Value) {
    server.post(&format!("/api/v1/applications/{id}/{step}"), token, body).await
}

async fn status_of(server: &Server, token: &str, id: i64) -> String {
    let (status, application) = server.get(&format!("/api/v1/applications/{id}"), token).await;
    assert_eq!(status, StatusCode::OK, "{application}");
    application["status"].as_str().unwrap().to_owned()
}

fn notice(start: &str) -> Value {
    json!({"event_id": EVENT, "aid_type": "emergency", "area_code": TANXI, "location": "村务公开栏", "start": start})
}

store_tests! {
    an_application_goes_through_every_level_into_a_paid_grant => |store| async move {
        let server = Server::start(store).await;
        users(&server).await;
        let manager = server.login("manager").await;
        let [zhang, li, wang] = households(&server, &manager).await;
        let caseworker = server.login("tanxi_caseworker").await;
        let township = server.login("tanxi_reviewer").await;
        let county = server.login("yongxiu_decider").await;
        let city_reviewer = server.login("reviewer").await;

        // 户报: the standard for 2 persons of emergency aid is 2 × ¥300, due for assessment in 3 days
        let (status, a) = server.post("/api/v1/applications", &caseworker, apply(zhang, 2)).await;
        assert_eq!(status, StatusCode::CREATED, "{a}");
        assert_eq!((a["status"].as_str(), a["standard_fen"].as_i64(), a["name"].as_str()), (Some("applied"), Some(60_000), Some("张*甲")));
        assert!(a["due_at"].is_string() && a["overdue"] == false, "{a}");
        assert_eq!(a["steps"][0]["acting_for"], "village", "a township caseworker files for the village: {a}");
        let a = a["id"].as_i64().unwrap();
        let (status, body) = server.post("/api/v1/applications", &caseworker, apply(zhang, 1)).await;
        assert_eq!(status, StatusCode::CONFLICT, "one open application per household, event and item: {body}");
        let b = server.post("/api/v1/applications", &caseworker, apply(li, 3)).await.1["id"].as_i64().unwrap();
        let c = server.post("/api/v1/applications", &caseworker, apply(wang, 2)).await.1["id"].as_i64().unwrap();

        // out of order: the township cannot review what the village has not assessed
        let (status, body) = step(&server, &township, a, "township-review", json!({"decision": "approve"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");

        // 村评 for A and C, then a notice posted eight days ago (ended); B is assessed later and
        // posted in a notice that runs now
        for id in [a, c] {
            let (status, body) = step(&server, &caseworker, id, "village-assessment", recommend()).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["status"], "recommended");
        }
        let (status, body) = step(&server, &township, a, "township-review", json!({"decision": "approve"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "no review before the village notice: {body}");
        let (status, ended) = server.post("/api/v1/application-disclosures", &caseworker, notice(&days_ago(8))).await;
        assert_eq!(status, StatusCode::CREATED, "{ended}");
        assert_eq!(ended["applications"], 2);
        let ended = ended["id"].as_i64().unwrap();
        step(&server, &caseworker, b, "village-assessment", recommend()).await;
        let (status, running) = server.post("/api/v1/application-disclosures", &caseworker, notice(&days_ago(0))).await;
        assert_eq!(status, StatusCode::CREATED, "{running}");
        let running = running["id"].as_i64().unwrap();

        // the public reads the notices without login, names and ID numbers masked
        let list: Value = server.http.get(server.url(&format!("/api/v1/public/application-disclosures?area_code={TANXI}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
        let page: Value = server.http.get(server.url(&format!("/api/v1/public/application-disclosures/{running}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(page["entries"][0]["name"], "李*乙", "{page}");
        assert!(page["entries"][0]["id_number"].as_str().unwrap().contains("****"), "{page}");
        assert_eq!(page["accepts_objections"], true);

        // objections: refused once the notice has ended; taken while it runs, and the review waits
        let object = |id: i64, application: i64| {
            let server = &server;
            async move {
                let response = server.http.post(server.url(&format!("/api/v1/public/application-disclosures/{id}/objections")))
                    .json(&json!({"application_id": application, "text": "该户房屋未进水"})).send().await.unwrap();
                (response.status(), response.json::<Value>().await.unwrap())
            }
        };
        let (status, body) = object(ended, a).await;
        assert_eq!(status, StatusCode::CONFLICT, "the notice has ended: {body}");
        let (status, objection) = object(running, b).await;
        assert_eq!(status, StatusCode::CREATED, "{objection}");
        let (status, body) = step(&server, &township, b, "township-review", json!({"decision": "approve"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "the notice still runs: {body}");

        // 乡审: a reviewer of another township may not; the township's own reviewer approves A and C
        let (status, body) = step(&server, &server.login("baicha_reviewer").await, a, "township-review", json!({"decision": "approve"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        for id in [a, c] {
            let (status, body) = step(&server, &township, id, "township-review", json!({"decision": "approve", "reason": "已核实"})).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["status"], "township_approved");
        }

        // 县定: not by a township-level reviewer; above the standard only with a reason; nothing
        // written when refused
        let (status, body) = step(&server, &township, a, "county-decision", json!({"decision": "approve"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a township reviewer cannot decide for the county: {body}");
        let (status, body) = step(&server, &county, a, "county-decision", json!({"decision": "approve", "amount_fen": 90_000})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"][0]["field"], "reason");
        assert_eq!(status_of(&server, &county, a).await, "township_approved", "nothing written");
        let (status, decided) = step(&server, &county, a, "county-decision", json!({"decision": "approve"})).await;
        assert_eq!(status, StatusCode::OK, "{decided}");
        assert_eq!((decided["status"].as_str(), decided["amount_fen"].as_i64(), decided["above_standard"].as_bool()), (Some("approved"), Some(60_000), Some(false)));
        let list = decided["grant_list_id"].as_i64().unwrap();
        let (status, body) = step(&server, &county, c, "county-decision", json!({"decision": "reject"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a rejection needs a reason: {body}");
        let (_, rejected) = step(&server, &county, c, "county-decision", json!({"decision": "reject", "reason": "家中另有存粮"})).await;
        assert_eq!((rejected["status"].as_str(), rejected["outcome_reason"].as_str()), (Some("rejected"), Some("家中另有存粮")), "{rejected}");

        // the objection to B is upheld: B goes back to the village, is assessed again and posted in
        // a notice already over; the city's reviewer reviews it acting for the township, and the
        // county pays above the standard with a reason
        let objection_id = objection["id"].as_i64().unwrap();
        let (status, answered) = server.post(&format!("/api/v1/application-objections/{objection_id}/answer"), &township, json!({"decision": "upheld", "answer": "经复核，房屋确未进水，重新评议"})).await;
        assert_eq!(status, StatusCode::OK, "{answered}");
        assert_eq!(status_of(&server, &caseworker, b).await, "applied");
        step(&server, &caseworker, b, "village-assessment", recommend()).await;
        let (status, _) = server.post("/api/v1/application-disclosures", &caseworker, notice(&days_ago(9))).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, reviewed) = step(&server, &city_reviewer, b, "township-review", json!({"decision": "approve"})).await;
        assert_eq!(status, StatusCode::OK, "{reviewed}");
        let review = reviewed["steps"].as_array().unwrap().iter().find(|s| s["step"] == "township_review").unwrap().clone();
        assert_eq!(review["acting_for"], "township", "recorded as acting for the township: {reviewed}");
        let (status, body) = step(&server, &city_reviewer, b, "county-decision", json!({"decision": "approve"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the township's reviewer does not also decide for the county: {body}");
        let (status, decided) = step(&server, &server.login("yongxiu_decider2").await, b, "county-decision", json!({"decision": "approve", "amount_fen": 120_000, "reason": "家有重病人员"})).await;
        assert_eq!(status, StatusCode::OK, "{decided}");
        assert_eq!((decided["amount_fen"].as_i64(), decided["above_standard"].as_bool(), decided["grant_list_id"].as_i64()), (Some(120_000), Some(true), Some(list)));

        // 审批公示 and payment of the county's list follow the grant list workflow
        let (status, granted) = server.get(&format!("/api/v1/grant-lists/{list}"), &city_reviewer).await;
        assert_eq!(status, StatusCode::OK, "{granted}");
        assert_eq!((granted["status"].as_str(), granted["source"].as_str(), granted["households"].as_i64(), granted["total_fen"].as_i64()),
            (Some("approved"), Some("applications"), Some(2), Some(180_000)), "{granted}");
        assert_eq!(granted["area_code"], YONGXIU);
        let (status, body) = server.post(&format!("/api/v1/grant-lists/{list}/cancel"), &manager, json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "a list of decisions is not cancelled: {body}");
        let (status, body) = server.post(&format!("/api/v1/grant-lists/{list}/publish"), &city_reviewer, json!({"start": days_ago(8)})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = server.post(&format!("/api/v1/grant-lists/{list}/pay"), &manager, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "paid");

        // every step is audited
        let audit = server.audit("entity_type=application").await;
        for action in ["application.file", "application.village_assessment", "application.township_review", "application.county_decision"] {
            assert!(audit.iter().any(|e| e["action"] == action), "{action} audited");
        }
    };

    bad_steps_write_nothing => |store| async move {
        let server = Server::start(store).await;
        users(&server).await;
        let manager = server.login("manager").await;
        households(&server, &manager).await;
        let zhang = household(&server, &manager, "张测甲").await;
        let ouyang = household(&server, &manager, "欧阳测丙").await;
        let caseworker = server.login("tanxi_caseworker").await;
        let queue = |token: String| {
            let server = &server;
            async move { server.get(&format!("/api/v1/applications?area_code={TANXI}"), &token).await.1.as_array().unwrap().len() }
        };

        // persons above the household's 3 members; a drought item for a flood; an unknown aid item
        let (status, body) = server.post("/api/v1/applications", &caseworker, apply(zhang, 4)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"][0]["field"], "persons");
        let mut drought = apply(zhang, 2);
        drought["aid_type"] = json!("drought");
        let (status, body) = server.post("/api/v1/applications", &caseworker, drought).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"][0]["field"], "aid_type");
        // a household outside the caller's scope; a reviewer is no caseworker
        let (status, body) = server.post("/api/v1/applications", &server.login("baicha_reviewer").await, apply(zhang, 2)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let (status, body) = server.post("/api/v1/applications", &caseworker, apply(ouyang, 1)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "欧阳测丙 lives in 白槎镇: {body}");
        assert_eq!(queue(manager.clone()).await, 0, "nothing written");

        // a recommendation needs minutes and a majority; a notice of nothing is refused
        let id = server.post("/api/v1/applications", &caseworker, apply(zhang, 2)).await.1["id"].as_i64().unwrap();
        let (status, body) = step(&server, &caseworker, id, "village-assessment", json!({"decision": "recommend", "minutes": "", "votes_for": 2, "votes_against": 5})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(status_of(&server, &caseworker, id).await, "applied");
        let (status, body) = server.post("/api/v1/application-disclosures", &caseworker, notice(&days_ago(0))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no recommended application waits: {body}");
        let (status, body) = step(&server, &server.login("yongxiu_decider").await, id, "county-decision", json!({"decision": "approve"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "a decision before the review: {body}");
        assert_eq!(status_of(&server, &caseworker, id).await, "applied");
        let audit = server.audit(&format!("entity_type=application&entity_id={id}")).await;
        let actions: Vec<&str> = audit.iter().filter_map(|e| e["action"].as_str()).collect();
        assert_eq!(actions, ["application.file"], "only the filing is recorded");
    };
}
