//! Winter–spring relief through the real binary on both stores: the demo campaign's survey counted
//! by winter–spring funds and materials plans (persons × ¥130 × the class weight, never the
//! transitional figure), a need record filed, edited and taken up the chain, the roll-up submitted
//! and accepted (which locks it), overdue and late flags, the statutory tables, and the refusals
//! that write nothing.

mod common;

use common::{Server, fixture};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The demo flood, and the city's campaign the demo opens for its year.
const EVENT: i64 = 1;
const CAMPAIGN: i64 = 1;
/// 滩溪镇 of 永修: the fixture households live here.
const TANXI: &str = "360425105";
const YONGXIU: &str = "360425";

/// ¥130 per person weighted 150%, 120%, 100% by hardship class (the default standards).
fn rate(class: &str) -> i64 {
    match class {
        "class_one" => 19_500,
        "class_two" => 15_600,
        "class_three" => 13_000,
        other => panic!("unknown class {other}"),
    }
}

fn counts(need: &Value) -> bool {
    !["not_recommended", "returned", "rejected"].contains(&need["status"].as_str().unwrap())
}

async fn users(server: &Server) {
    let admin = server.login("admin").await;
    for (username, role, area) in [
        ("tanxi_caseworker", "reporter", TANXI),
        ("tanxi_reviewer", "reviewer", TANXI),
        ("yongxiu_decider", "reviewer", YONGXIU),
    ] {
        let body = json!({"username": username, "password": "demo", "role": role, "area_code": area});
        let (status, created) = server.post("/api/v1/users", &admin, body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }
}

/// Imports the fixture households; 张测甲 (3 members, 低保, 滩溪镇) loses his house in the flood.
async fn zhang(server: &Server, manager: &str) -> i64 {
    let (status, report) = server
        .post_raw("/api/v1/households/import", manager, "text/csv", fixture("households/households-utf8.csv"))
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let (status, page) = server.get("/api/v1/households?q=张测甲", manager).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let id = page["households"][0]["id"].as_i64().unwrap();
    let record =
        json!({"household_id": id, "house_damage": "collapsed", "damaged_rooms": 3, "transitional_persons": 3});
    let (status, stored) = server.post(&format!("/api/v1/events/{EVENT}/household-damage"), manager, record).await;
    assert!(status.is_success(), "{stored}");
    id
}

fn need(household_id: i64, persons: i64, class: &str) -> Value {
    json!({"household_id": household_id, "persons": persons, "category": class,
           "needs": {"food_months": 4, "clothing": 2, "quilts": 3, "heating": true, "housing": true},
           "reason": "房屋倒塌，口粮衣被冲毁", "phone": "0792-1234567"})
}

async fn needs(server: &Server, token: &str, campaign: i64) -> Vec<Value> {
    let (status, list) = server.get(&format!("/api/v1/winter-spring/campaigns/{campaign}/needs"), token).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array().unwrap().clone()
}

async fn summary(server: &Server, token: &str, campaign: i64, level: &str) -> Value {
    let path = format!("/api/v1/winter-spring/campaigns/{campaign}/summary?level={level}");
    let (status, summary) = server.get(&path, token).await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    summary
}

fn area<'a>(summary: &'a Value, code: &str) -> &'a Value {
    summary["areas"].as_array().unwrap().iter().find(|a| a["area_code"] == code).unwrap_or(&Value::Null)
}

store_tests! {
    winter_spring_plans_count_the_surveyed_need_by_class => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let (status, campaigns) = server.get("/api/v1/winter-spring/campaigns", &manager).await;
        assert_eq!(status, StatusCode::OK, "{campaigns}");
        let campaign = &campaigns[0];
        assert_eq!((campaign["id"].as_i64(), campaign["area_code"].as_str()), (Some(CAMPAIGN), Some("360400")), "{campaign}");
        assert!(campaign["deadlines"]["county"].as_str().unwrap().ends_with("-10-15"), "{campaign}");
        assert!(campaign["calendar"]["relief_end"].as_str().unwrap().ends_with("-05-31"), "{campaign}");
        assert_eq!(campaign["events"][0]["id"], EVENT, "the flood is one of the year's disasters: {campaign}");

        // The demo surveyed households of the flood: the plan counts exactly them, by class.
        let surveyed: Vec<Value> = needs(&server, &manager, CAMPAIGN).await.into_iter().filter(counts).collect();
        assert!(surveyed.len() > 10, "{surveyed:?}");
        let expected: i64 =
            surveyed.iter().map(|n| n["persons"].as_i64().unwrap() * rate(n["hardship_class"].as_str().unwrap())).sum();
        let persons: i64 = surveyed.iter().map(|n| n["persons"].as_i64().unwrap()).sum();
        let body = json!({"event_id": EVENT, "aid_type": "winter_spring", "kind": "funds"});
        let (status, plan) = server.post("/api/v1/plans", &manager, body).await;
        assert_eq!(status, StatusCode::CREATED, "{plan}");
        assert_eq!(plan["funds"]["entitled_fen"].as_i64(), Some(expected), "persons × ¥130 × the class weight");
        assert_eq!((plan["survey"]["campaign_id"].as_i64(), plan["survey"]["persons"].as_i64()), (Some(CAMPAIGN), Some(persons)));
        assert_eq!(plan["survey"]["provisional"], true, "most need records are still on their way up the chain");
        let lines: Vec<&Value> = plan["funds"]["areas"].as_array().unwrap().iter().flat_map(|a| a["basis"].as_array().unwrap()).collect();
        assert!(lines.iter().all(|l| l["indicator"].as_str().unwrap().starts_with("winter_spring_need.")), "{lines:?}");
        let summary = summary(&server, &manager, CAMPAIGN, "city").await;
        assert_eq!(summary["total"]["persons"].as_i64(), Some(persons));
        assert_eq!(summary["total"]["amount_fen"].as_i64(), Some(expected), "the roll-up and the plan agree");

        // Materials: quilts and cotton coats for the surveyed persons, per the norms.
        let body = json!({"event_id": EVENT, "aid_type": "winter_spring", "kind": "materials"});
        let (status, plan) = server.post("/api/v1/plans", &manager, body).await;
        assert_eq!(status, StatusCode::CREATED, "{plan}");
        let areas = plan["areas"].as_array().unwrap();
        assert!(!areas.is_empty() && areas.iter().all(|a| a["basis"]["indicator"] == "winter_spring_need"), "{areas:?}");
        let coats: i64 = areas.iter().filter(|a| a["item"] == "cotton-coat").map(|a| a["demand"].as_i64().unwrap()).sum();
        assert_eq!(coats, persons, "one cotton coat per surveyed person");

        // An event no campaign covers has nothing to plan winter–spring aid from.
        let (status, _) = server.post("/api/v1/winter-spring/campaigns", &manager, json!({"year": 2030, "area_code": YONGXIU})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, body) = server.post("/api/v1/applications", &manager,
            json!({"event_id": EVENT, "household_id": surveyed[0]["household_id"], "aid_type": "winter_spring", "persons": 1, "reason": "x"})).await;
        assert_eq!((status, body["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("aid_type")),
            "winter–spring need is filed in its campaign: {body}");
    };

    a_need_record_is_filed_edited_and_locked_once_the_county_figures_are_accepted => |store| async move {
        let server = Server::start(store).await;
        users(&server).await;
        let manager = server.login("manager").await;
        let zhang = zhang(&server, &manager).await;
        let caseworker = server.login("tanxi_caseworker").await;
        let county = server.login("yongxiu_decider").await;
        let city = server.login("reviewer").await;
        let before = summary(&server, &manager, CAMPAIGN, "county").await;
        let yongxiu_before = area(&before, YONGXIU)["figures"]["persons"].as_i64().unwrap_or(0);

        // The survey proposes the household; the caseworker files its need (一户一表).
        let (status, proposals) = server.get(&format!("/api/v1/winter-spring/campaigns/{CAMPAIGN}/proposals"), &caseworker).await;
        assert_eq!(status, StatusCode::OK, "{proposals}");
        assert!(proposals.as_array().unwrap().iter().any(|p| p["household_id"] == zhang && p["house_damage"] == "collapsed"), "{proposals}");
        let path = format!("/api/v1/winter-spring/campaigns/{CAMPAIGN}/needs");
        let (status, filed) = server.post(&path, &caseworker, need(zhang, 3, "class_two")).await;
        assert_eq!(status, StatusCode::CREATED, "{filed}");
        assert_eq!((filed["status"].as_str(), filed["standard_fen"].as_i64()), (Some("applied"), Some(3 * 15_600)), "{filed}");
        assert_eq!((filed["campaign_id"].as_i64(), filed["hardship_class"].as_str()), (Some(CAMPAIGN), Some("class_two")));
        assert_eq!(filed["needs"]["quilts"], 3);
        let id = filed["id"].as_i64().unwrap();
        let (_, proposals) = server.get(&format!("/api/v1/winter-spring/campaigns/{CAMPAIGN}/proposals"), &caseworker).await;
        assert!(!proposals.as_array().unwrap().iter().any(|p| p["household_id"] == zhang), "filed households leave the proposals");

        // Refused, nothing written: persons above the members, a second record, bad needs.
        let count = needs(&server, &manager, CAMPAIGN).await.len();
        for (body, status, field) in [
            (need(zhang, 4, "class_two"), StatusCode::UNPROCESSABLE_ENTITY, Some("persons")),
            (need(zhang, 2, "class_one"), StatusCode::CONFLICT, None),
            ({ let mut n = need(zhang, 2, "class_one"); n["needs"] = json!({"food_months": 0, "clothing": 0, "quilts": 0, "heating": false, "housing": false}); n },
             StatusCode::UNPROCESSABLE_ENTITY, Some("needs")),
            ({ let mut n = need(zhang, 2, "class_one"); n["needs"]["food_months"] = json!(9); n }, StatusCode::UNPROCESSABLE_ENTITY, Some("needs.food_months")),
            ({ let mut n = need(zhang, 2, "class_one"); n["category"] = json!("class_nine"); n }, StatusCode::UNPROCESSABLE_ENTITY, Some("category")),
        ] {
            let (got, error) = server.post(&path, &caseworker, body).await;
            assert_eq!(got, status, "{error}");
            if let Some(field) = field {
                assert_eq!(error["error"]["details"][0]["field"], field, "{error}");
            }
        }
        // A household outside a county campaign's area.
        let (status, other) = server.post("/api/v1/winter-spring/campaigns", &manager, json!({"year": 2031, "area_code": "360428"})).await;
        assert_eq!(status, StatusCode::CREATED, "{other}");
        let outside = format!("/api/v1/winter-spring/campaigns/{}/needs", other["id"]);
        let (status, error) = server.post(&outside, &manager, need(zhang, 1, "class_one")).await;
        assert_eq!((status, error["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("household_id")), "{error}");
        assert_eq!(needs(&server, &manager, CAMPAIGN).await.len(), count, "refusals write nothing");

        // An edit before the village assessed it is a version in the history.
        let edit = json!({"persons": 2, "category": "class_one", "needs": {"food_months": 2, "clothing": 2, "quilts": 2, "heating": false, "housing": true}, "reason": "核实后两人在家"});
        let (status, edited) = server.call(reqwest::Method::PUT, &format!("{path}/{id}"), Some(&caseworker), Some(edit.clone())).await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        assert_eq!((edited["persons"].as_i64(), edited["standard_fen"].as_i64()), (Some(2), Some(2 * 19_500)));
        let revision = edited["steps"].as_array().unwrap().iter().find(|s| s["step"] == "revise").expect("a revise step");
        assert_eq!((revision["details"]["before"]["persons"].as_i64(), revision["details"]["after"]["persons"].as_i64()), (Some(3), Some(2)));
        assert_eq!(server.audit("action=winter_spring.need.revise").await.len(), 1);
        let assess = json!({"decision": "recommend", "minutes": "村民代表会议", "votes_for": 9, "votes_against": 1});
        let (status, body) = server.post(&format!("/api/v1/applications/{id}/village-assessment"), &caseworker, assess).await;
        assert_eq!(status, StatusCode::OK, "the need goes the chain's way: {body}");
        let (status, _) = server.call(reqwest::Method::PUT, &format!("{path}/{id}"), Some(&caseworker), Some(edit.clone())).await;
        assert_eq!(status, StatusCode::CONFLICT, "assessed by the village: no more edits");

        // The roll-up counts it; 永修's figures are overdue on a campaign whose deadline has passed.
        let after = summary(&server, &manager, CAMPAIGN, "county").await;
        assert_eq!(area(&after, YONGXIU)["figures"]["persons"].as_i64(), Some(yongxiu_before + 2));
        let township = summary(&server, &manager, CAMPAIGN, "township").await;
        assert_eq!(area(&township, TANXI)["figures"]["by_class"]["class_one"], 2, "{township}");
        let past = server.post("/api/v1/winter-spring/campaigns", &manager, json!({"year": 2001, "area_code": YONGXIU})).await.1;
        let past_summary = summary(&server, &manager, past["id"].as_i64().unwrap(), "county").await;
        assert_eq!((area(&past_summary, YONGXIU)["overdue"].as_bool(), past_summary["campaign"]["status"].as_str()), (Some(true), Some("closed")));

        // 永修 sends its figures up; only the level above decides; accepted, they lock.
        let submissions = format!("/api/v1/winter-spring/campaigns/{CAMPAIGN}/submissions");
        let (status, sent) = server.post(&submissions, &county, json!({"area_code": YONGXIU})).await;
        assert_eq!(status, StatusCode::OK, "{sent}");
        assert_eq!((sent["status"].as_str(), sent["figures"]["persons"].as_i64()), (Some("submitted"), Some(yongxiu_before + 2)));
        let decision = format!("{submissions}/{YONGXIU}/decision");
        let (status, _) = server.post(&decision, &county, json!({"decision": "accept"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a county does not accept its own figures");
        let (status, error) = server.post(&decision, &city, json!({"decision": "return"})).await;
        assert_eq!((status, error["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reason")));
        let (status, returned) = server.post(&decision, &city, json!({"decision": "return", "reason": "二类人口偏多，请复核"})).await;
        assert_eq!((status, returned["status"].as_str()), (StatusCode::OK, Some("returned")), "{returned}");
        assert_eq!(area(&summary(&server, &manager, CAMPAIGN, "county").await, YONGXIU)["submission"]["reason"], "二类人口偏多，请复核");
        server.post(&submissions, &county, json!({"area_code": YONGXIU})).await;
        let (status, accepted) = server.post(&decision, &city, json!({"decision": "accept"})).await;
        assert_eq!((status, accepted["status"].as_str()), (StatusCode::OK, Some("accepted")), "{accepted}");
        let (status, error) = server.post(&submissions, &county, json!({"area_code": YONGXIU})).await;
        assert_eq!(status, StatusCode::CONFLICT, "accepted figures are locked: {error}");
        let li = server.get("/api/v1/households?q=李测乙", &manager).await.1["households"][0]["id"].as_i64().unwrap();
        let damage = json!({"household_id": li, "house_damage": "severe", "damaged_rooms": 1});
        assert!(server.post(&format!("/api/v1/events/{EVENT}/household-damage"), &manager, damage).await.0.is_success());
        let (status, error) = server.post(&path, &caseworker, need(li, 1, "class_three")).await;
        assert_eq!(status, StatusCode::CONFLICT, "no new need in a county whose figures were accepted: {error}");
        let late = area(&summary(&server, &manager, CAMPAIGN, "county").await, YONGXIU).clone();
        assert_eq!(late["submission"]["status"], "accepted", "{late}");
        assert_eq!(server.audit("action=winter_spring.submission.decide").await.len(), 2);
    };

    a_county_pays_its_decided_needs_in_phases_and_records_aid_received => |store| async move {
        let server = Server::start(store).await;
        users(&server).await;
        let manager = server.login("manager").await;
        let zhang = zhang(&server, &manager).await;
        let caseworker = server.login("tanxi_caseworker").await;
        let township = server.login("tanxi_reviewer").await;
        let county = server.login("yongxiu_decider").await;
        let city = server.login("reviewer").await;

        // 张测甲's need goes the whole chain: the county decides ¥195 × 3 (一类).
        let path = format!("/api/v1/winter-spring/campaigns/{CAMPAIGN}/needs");
        let id = server.post(&path, &caseworker, need(zhang, 3, "class_one")).await.1["id"].as_i64().unwrap();
        let assess = json!({"decision": "recommend", "minutes": "村民代表会议", "votes_for": 9, "votes_against": 1});
        assert_eq!(server.post(&format!("/api/v1/applications/{id}/village-assessment"), &caseworker, assess).await.0, StatusCode::OK);
        let notice = json!({"event_id": EVENT, "aid_type": "winter_spring", "area_code": TANXI, "start": common::days_ago(8)});
        let (status, body) = server.post("/api/v1/application-disclosures", &caseworker, notice).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(server.post(&format!("/api/v1/applications/{id}/township-review"), &township, json!({"decision": "approve"})).await.0, StatusCode::OK);
        let (status, decided) = server.post(&format!("/api/v1/applications/{id}/county-decision"), &county, json!({"decision": "approve"})).await;
        assert_eq!(status, StatusCode::OK, "{decided}");
        assert_eq!((decided["status"].as_str(), decided["amount_fen"].as_i64()), (Some("approved"), Some(3 * 19_500)));
        assert!(decided["grant_list_id"].is_null(), "winter–spring money waits for the phases: {decided}");

        // Phases whose shares do not add up are refused and write nothing; the defaults are 50/50.
        let phases = format!("/api/v1/winter-spring/campaigns/{CAMPAIGN}/phases");
        let (_, campaign) = server.get(&format!("/api/v1/winter-spring/campaigns/{CAMPAIGN}"), &manager).await;
        let relief_start = campaign["calendar"]["relief_start"].as_str().unwrap().to_owned();
        let relief_end = campaign["calendar"]["relief_end"].as_str().unwrap().to_owned();
        let uneven = json!({"area_code": YONGXIU, "phases": [
            {"name": "冬令", "share_percent": 60, "starts_on": relief_start},
            {"name": "春荒", "share_percent": 30, "starts_on": relief_end}]});
        let (status, error) = server.call(reqwest::Method::PUT, &phases, Some(&county), Some(uneven)).await;
        assert_eq!((status, error["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("phases")), "{error}");
        assert!(server.get(&format!("{phases}?area_code={YONGXIU}"), &county).await.1.as_array().unwrap().is_empty(), "nothing written");
        let (status, set) = server.call(reqwest::Method::PUT, &phases, Some(&county), Some(json!({"area_code": YONGXIU}))).await;
        assert_eq!(status, StatusCode::OK, "{set}");
        let shares: Vec<(&str, i64)> = set.as_array().unwrap().iter().map(|p| (p["name"].as_str().unwrap(), p["share_bp"].as_i64().unwrap())).collect();
        assert_eq!(shares, [("冬令", 5000), ("春荒", 5000)]);
        let (first, second) = (set[0]["id"].as_i64().unwrap(), set[1]["id"].as_i64().unwrap());

        // Each phase's list pays its share; together they pay the decided amount exactly once.
        let mut total = 0;
        for phase in [first, second] {
            let (status, drafted) = server.post(&format!("{phases}/{phase}/grant-lists"), &manager, json!({})).await;
            assert_eq!(status, StatusCode::CREATED, "{drafted}");
            let list = drafted["lists"][0]["list_id"].as_i64().unwrap();
            let (_, grants) = server.get(&format!("/api/v1/grant-lists/{list}"), &manager).await;
            let line = grants["grants"].as_array().unwrap().iter().find(|g| g["household_id"] == zhang).cloned().expect("zhang listed");
            total += line["amount_fen"].as_i64().unwrap();
        }
        assert_eq!(total, 3 * 19_500, "the phases add up to the decided amount");
        let (status, _) = server.post(&format!("{phases}/{first}/grant-lists"), &manager, json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "a phase is listed once");
        let (status, _) = server.call(reqwest::Method::PUT, &phases, Some(&county), Some(json!({"area_code": YONGXIU}))).await;
        assert_eq!(status, StatusCode::CONFLICT, "phases being paid no longer change");

        // The first phase's list is paid through the usual 公示; goods are recorded besides.
        let (_, views) = server.get(&format!("{phases}?area_code={YONGXIU}"), &manager).await;
        let list = views[0]["lists"][0]["list_id"].as_i64().unwrap();
        for (action, token, body) in [
            ("submit", &manager, json!({})),
            ("approve", &city, json!({})),
            ("publish", &city, json!({"start": common::days_ago(8)})),
            ("pay", &manager, json!({})),
        ] {
            let (status, body) = server.post(&format!("/api/v1/grant-lists/{list}/{action}"), token, body).await;
            assert_eq!(status, StatusCode::OK, "{action}: {body}");
        }
        let received = format!("/api/v1/winter-spring/campaigns/{CAMPAIGN}/received");
        let quilts = json!({"household_id": zhang, "goods": "棉被3床", "goods_value_fen": 54_000, "received_on": relief_start});
        let (status, recorded) = server.post(&received, &caseworker, quilts).await;
        assert_eq!(status, StatusCode::CREATED, "{recorded}");
        let (status, error) = server.post(&received, &caseworker, json!({"household_id": zhang, "received_on": relief_start})).await;
        assert_eq!((status, error["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("goods")));
        let recipients = server
            .download(&format!("/api/v1/winter-spring/campaigns/{CAMPAIGN}/tables/recipients?area_code={TANXI}"), Some(&manager))
            .await
            .1;
        let row = recipients.lines().find(|l| l.contains("张")).expect("zhang's row").to_owned();
        let paid = format!("{}.{:02}", (total / 2) / 100, (total / 2) % 100);
        assert!(row.contains(&paid) && row.contains("540.00") && row.contains("一卡通"), "paid ¥{paid}, goods ¥540: {row}");
    };

    the_statutory_tables_export => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let need_table = server.download(&format!("/api/v1/winter-spring/campaigns/{CAMPAIGN}/tables/need"), Some(&manager)).await.1;
        assert!(need_table.contains("冬春需救助人口") && need_table.contains("需口粮救助人口"), "{need_table}");
        assert!(need_table.lines().count() > 3, "a row per county and township: {need_table}");
        let recipients = server.download(&format!("/api/v1/winter-spring/campaigns/{CAMPAIGN}/tables/recipients"), Some(&manager)).await.1;
        let rows = recipients.lines().count() - 1;
        let surveyed = needs(&server, &manager, CAMPAIGN).await.into_iter().filter(counts).count();
        assert_eq!(rows, surveyed, "one row per household in need");
        assert!(recipients.contains("户主身份证号") && recipients.contains("**"), "ID numbers masked");
        let given = server.download(&format!("/api/v1/winter-spring/campaigns/{CAMPAIGN}/tables/given"), Some(&manager)).await.1;
        assert!(given.contains("已发放救助资金"), "{given}");
        let (status, _) = server.get(&format!("/api/v1/winter-spring/campaigns/{CAMPAIGN}/tables/wishes"), &manager).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(server.audit("action=export.winter_spring").await.len(), 3);
    };
}
