//! One window and urgent help (一门受理 / 救急难) through the real binary, on both stores: a case taken
//! in at a township, referred to the departments, accepted and answered by a department token and
//! by county staff, back on the township's board and on the applicant's receipt page; and every
//! refusal, with nothing written; and detection: damage records and household edits raise and
//! withdraw alerts, an alert becomes a case with one call or is dismissed with a reason.

mod common;

use common::{Server, fixture};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const TANXI: &str = "360425105";
/// A township of another county (武宁), outside 永修 staff's scope.
const WUNING_TOWNSHIP: &str = "360423100";

async fn user(server: &Server, admin: &str, username: &str, role: &str, area: &str) -> String {
    let body = json!({"username": username, "password": "demo", "role": role, "area_code": area});
    let (status, created) = server.post("/api/v1/users", admin, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    server.login(username).await
}

async fn department(server: &Server, admin: &str, name: &str, programme: &str) -> String {
    let body = json!({"department": name, "programmes": [programme], "area_code": "360425", "expires_in_days": 30});
    let (status, issued) = server.post("/api/v1/handoff-tokens", admin, body).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    issued["token"].as_str().unwrap().to_owned()
}

fn intake(programmes: Value) -> Value {
    json!({"area_code": TANXI, "applicant": {"name": "陈急难", "id_number": "360425193501030123", "phone": "139 0792 1234"},
        "kind": "urgent", "programmes": programmes, "description": "洪水冲毁住房，子女上学无着", "source": "one_window"})
}

async fn case_count(server: &Server, token: &str) -> usize {
    let (status, cases) = server.get("/api/v1/cases", token).await;
    assert_eq!(status, StatusCode::OK, "{cases}");
    cases.as_array().unwrap().len()
}

fn referral<'a>(case: &'a Value, programme: &str) -> &'a Value {
    case["referrals"].as_array().unwrap().iter().find(|r| r["programme"] == programme).unwrap()
}

store_tests! {
    a_case_goes_from_the_window_to_the_departments_and_back => |store| async move {
        let server = Server::start(store).await;
        let admin = server.login("admin").await;
        let caseworker = user(&server, &admin, "yongxiu_caseworker", "reporter", "360425").await;
        let civil_affairs = user(&server, &admin, "yongxiu_civil", "manager", "360425").await;
        let education = department(&server, &admin, "永修县教育局", "education").await;
        let medical = department(&server, &admin, "永修县医疗保障局", "medical").await;

        // bad input: refused, named, and nothing written
        let before = case_count(&server, &admin).await;
        for (body, field) in [
            (intake(json!(["education", "pension"])), "programmes[1]"),
            (intake(json!([])), "programmes"),
            (intake(json!(["dibao", "dibao"])), "programmes"),
            ({ let mut b = intake(json!(["dibao"])); b["applicant"]["id_number"] = json!("360425193501030124"); b }, "applicant.id_number"),
            ({ let mut b = intake(json!(["dibao"])); b["applicant"]["phone"] = json!("call me"); b }, "applicant.phone"),
            ({ let mut b = intake(json!(["dibao"])); b["area_code"] = json!("360425"); b }, "area_code"),
        ] {
            let (status, error) = server.post("/api/v1/cases", &caseworker, body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
            let fields: Vec<&str> = error["error"]["details"].as_array().unwrap().iter().map(|d| d["field"].as_str().unwrap()).collect();
            assert_eq!(fields, [field], "{error}");
        }
        let mut outside = intake(json!(["dibao"]));
        outside["area_code"] = json!(WUNING_TOWNSHIP);
        assert_eq!(server.post("/api/v1/cases", &caseworker, outside).await.0, StatusCode::FORBIDDEN);
        assert_eq!(server.post("/api/v1/cases", &server.login("assessor").await, intake(json!(["dibao"]))).await.0, StatusCode::FORBIDDEN);
        assert_eq!(case_count(&server, &admin).await, before, "nothing was written");

        // intake: an urgent case, due for referral within a day; a phone's queued intake sent
        // twice with its Idempotency-Key opens one case
        let keyed = |body: Value, key: &'static str| {
            let (server, caseworker) = (&server, &caseworker);
            async move {
                let response = server.http.post(server.url("/api/v1/cases")).bearer_auth(caseworker)
                    .header("Idempotency-Key", key).json(&body).send().await.unwrap();
                (response.status(), response.json::<Value>().await.unwrap())
            }
        };
        let (status, case) = keyed(intake(json!(["education", "dibao"])), "intake-1").await;
        assert_eq!(status, StatusCode::CREATED, "{case}");
        let id = case["id"].as_i64().unwrap();
        let (status, again) = keyed(intake(json!(["education", "dibao"])), "intake-1").await;
        assert_eq!((status, again["id"].as_i64(), again["receipt_no"].clone()), (StatusCode::CREATED, Some(id), case["receipt_no"].clone()));
        let (status, reused) = keyed(intake(json!(["dibao"])), "intake-1").await;
        assert_eq!((status, reused["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("Idempotency-Key")), "{reused}");
        assert_eq!(case_count(&server, &admin).await, before + 1, "one case for the key");
        assert_eq!((case["status"].as_str(), case["applicant_name"].as_str()), (Some("received"), Some("陈急难")));
        assert_eq!(case["id_number_masked"], "3604**********0123");
        let receipt = case["receipt_no"].as_str().unwrap().to_owned();
        let receipt_page = format!("/api/v1/public/cases/{receipt}?last4=0123");
        let (status, public) = server.call(Method::GET, &receipt_page, None, None).await;
        assert_eq!((status, public["status"].as_str()), (StatusCode::OK, Some("received")), "{public}");
        assert!(!public.to_string().contains("陈急难") && !public.to_string().contains("0792"), "no name or phone: {public}");
        let wrong = format!("/api/v1/public/cases/{receipt}?last4=9999");
        assert_eq!(server.call(Method::GET, &wrong, None, None).await.0, StatusCode::NOT_FOUND);

        // referral: each programme to its department, each with its deadline
        let (status, referred) = server.call(Method::POST, &format!("/api/v1/cases/{id}/refer"), Some(&caseworker), None).await;
        assert_eq!((status, referred["status"].as_str()), (StatusCode::OK, Some("referred")), "{referred}");
        assert_eq!(referred["referrals"].as_array().unwrap().len(), 2);
        let (status, _) = server.call(Method::POST, &format!("/api/v1/cases/{id}/refer"), Some(&caseworker), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "referred once");

        // the education bureau sees its referral only, with the ID number masked
        let (status, board) = server.get("/api/v1/department/cases", &education).await;
        assert_eq!(status, StatusCode::OK, "{board}");
        let seen = board.as_array().unwrap().iter().find(|c| c["id"] == id).expect("the case on the bureau's board");
        assert_eq!(seen["referrals"].as_array().unwrap().len(), 1, "{seen}");
        assert!(!seen.to_string().contains("360425193501030123"), "no full ID number: {seen}");
        let (status, none) = server.get("/api/v1/department/cases", &medical).await;
        assert_eq!((status, none.as_array().unwrap().len()), (StatusCode::OK, 0), "another department's case is not shown");
        let outcome = json!({"decision": "granted", "amount_fen": 50_000, "reason": "纳入教育救助，免除学杂费"});
        let (status, _) = server.post(&format!("/api/v1/department/cases/{id}/outcome"), &medical, outcome.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "a department not holding the case");
        assert_eq!(server.get(&format!("/api/v1/department/cases/{id}"), &medical).await.0, StatusCode::FORBIDDEN);
        let (status, bad) = server.post(&format!("/api/v1/department/cases/{id}/outcome"), &education, json!({"decision": "granted", "reason": " "})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");

        let (status, accepted) = server.call(Method::POST, &format!("/api/v1/department/cases/{id}/accept"), Some(&education), None).await;
        assert_eq!((status, referral(&accepted, "education")["status"].as_str()), (StatusCode::OK, Some("accepted")), "{accepted}");
        let (status, answered) = server.post(&format!("/api/v1/department/cases/{id}/outcome"), &education, outcome.clone()).await;
        assert_eq!(status, StatusCode::OK, "{answered}");
        assert_eq!((referral(&answered, "education")["status"].as_str(), referral(&answered, "education")["amount_fen"].as_i64()), (Some("granted"), Some(50_000)));
        let (status, _) = server.post(&format!("/api/v1/department/cases/{id}/outcome"), &education, outcome.clone()).await;
        assert_eq!(status, StatusCode::CONFLICT, "answered once");

        // 低保 is civil affairs' own: county staff answer it, not a department token
        let staff = format!("/api/v1/cases/{id}/outcome");
        let (status, _) = server.post(&staff, &civil_affairs, json!({"programme": "education", "decision": "declined", "reason": "x"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "education answers with its own token");
        assert_eq!(server.post(&staff, &caseworker, json!({"programme": "dibao", "decision": "declined", "reason": "x"})).await.0, StatusCode::FORBIDDEN);
        let (status, decided) = server.post(&staff, &civil_affairs, json!({"programme": "dibao", "decision": "declined", "reason": "家庭收入高于低保标准，转临时救助"})).await;
        assert_eq!((status, decided["status"].as_str()), (StatusCode::OK, Some("decided")), "{decided}");

        // back at the township: both answers on its board; the applicant sees the progress
        let (_, board) = server.get("/api/v1/cases", &caseworker).await;
        let back = board.as_array().unwrap().iter().find(|c| c["id"] == id).unwrap();
        assert_eq!(back["status"], "decided");
        assert_eq!(referral(back, "dibao")["reason"], "家庭收入高于低保标准，转临时救助");
        assert_eq!(referral(back, "education")["decided_by"], "永修县教育局");
        let (_, public) = server.call(Method::GET, &receipt_page, None, None).await;
        assert_eq!((public["status"].as_str(), public["referrals"].as_array().unwrap().len()), (Some("decided"), 2), "{public}");

        // a closed case takes no more answers
        let (_, second) = server.post("/api/v1/cases", &caseworker, intake(json!(["education"]))).await;
        let second = second["id"].as_i64().unwrap();
        server.call(Method::POST, &format!("/api/v1/cases/{second}/refer"), Some(&caseworker), None).await;
        let (status, closed) = server.post(&format!("/api/v1/cases/{second}/close"), &caseworker, json!({"reason": "申请人撤回"})).await;
        assert_eq!((status, closed["status"].as_str()), (StatusCode::OK, Some("closed")), "{closed}");
        let (status, _) = server.post(&format!("/api/v1/department/cases/{second}/outcome"), &education, outcome).await;
        assert_eq!(status, StatusCode::CONFLICT, "an outcome on a closed case");

        // every step audited
        for action in ["case.open", "case.refer", "case.accept", "case.outcome", "case.close"] {
            assert!(!server.audit(&format!("entity_type=case&action={action}")).await.is_empty(), "{action} audited");
        }
        assert_eq!(server.audit(&format!("entity_type=case&entity_id={id}&action=case.outcome")).await.len(), 2);
    };

    detection_raises_alerts_that_become_cases_or_are_dismissed => |store| async move {
        let server = Server::start(store).await;
        let admin = server.login("admin").await;
        let manager = user(&server, &admin, "yongxiu_manager", "manager", "360425").await;
        let caseworker = user(&server, &admin, "yongxiu_caseworker", "reporter", "360425").await;
        let elsewhere = user(&server, &admin, "wuning_caseworker", "reporter", "360423").await;
        let (status, report) = server
            .post_raw("/api/v1/households/import", &manager, "text/csv", fixture("households/households-utf8.csv"))
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let household = |name: &'static str| {
            let server = &server;
            let manager = &manager;
            async move { server.get(&format!("/api/v1/households?q={name}"), manager).await.1["households"][0]["id"].as_i64().unwrap() }
        };
        // 李测乙: a general household; 张测甲: in 低保 already.
        let (general, dibao) = (household("李测乙").await, household("张测甲").await);
        let record = |household: i64, extra: Value| {
            let mut body = json!({"household_id": household, "house_damage": "general", "damaged_rooms": 1});
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            body
        };
        let alerts = |token: &str, query: &str| {
            let (server, path, token) = (&server, format!("/api/v1/alerts/assistance{query}"), token.to_owned());
            async move {
                let (status, list) = server.get(&path, &token).await;
                assert_eq!(status, StatusCode::OK, "{list}");
                list.as_array().unwrap().clone()
            }
        };
        let of = |list: &[Value], household: i64, need: &str| -> Option<Value> {
            list.iter().find(|a| a["household_id"] == household && a["need"] == need).cloned()
        };

        // a death in a general household: a hardship alert at once, suggesting 临时救助 and a 低保 check
        let damage = "/api/v1/events/1/household-damage";
        let (status, stored) = server.post(damage, &caseworker, record(general, json!({"house_damage": "collapsed", "dead": 1}))).await;
        assert_eq!(status, StatusCode::CREATED, "{stored}");
        let open = alerts(&caseworker, "").await;
        let hardship = of(&open, general, "hardship").expect("a hardship alert");
        assert_eq!(hardship["programmes"], json!(["temporary", "dibao"]));
        assert_eq!((hardship["facts"]["dead"].as_i64(), hardship["facts"]["house"].as_str()), (Some(1), Some("collapsed")));
        assert_eq!(hardship["head_name"], "李*乙", "a reporter sees the name masked");
        assert!(of(&alerts(&elsewhere, "").await, general, "hardship").is_none(), "another county does not see it");

        // in 低保 already: an injury is the healthcare bureau's, but no hardship alert
        server.post(damage, &caseworker, record(dibao, json!({"dead": 1, "injured": 1}))).await;
        let open = alerts(&caseworker, "").await;
        assert!(of(&open, dibao, "hardship").is_none(), "{open:?}");
        let injury = of(&open, dibao, "injury").expect("an injury alert");
        assert_eq!(injury["programmes"], json!(["medical"]));
        // a school-age child entered in the register: the schooling alert follows the edit
        let members = json!({"members": 3, "member_list": [
            {"relation": "户主", "age_group": "adult"}, {"relation": "配偶", "age_group": "adult"}, {"relation": "子女", "age_group": "school_age"}]});
        let (status, edited) = server.call(Method::PATCH, &format!("/api/v1/households/{dibao}"), Some(&manager), Some(members)).await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        let schooling = of(&alerts(&caseworker, "").await, dibao, "schooling").expect("a schooling alert");
        assert_eq!(schooling["facts"]["children"], 1);
        // the injured member recovered and the record says so: the injury alert is withdrawn
        server.post(damage, &caseworker, record(dibao, json!({"dead": 1}))).await;
        assert!(of(&alerts(&caseworker, "").await, dibao, "injury").is_none());
        let withdrawn = alerts(&caseworker, "?status=withdrawn").await;
        assert_eq!(of(&withdrawn, dibao, "injury").map(|a| a["id"].clone()), Some(injury["id"].clone()));

        // bad input and the wrong caller: refused, nothing written
        let cases_before = case_count(&server, &admin).await;
        let id = hardship["id"].as_i64().unwrap();
        let to_case = format!("/api/v1/alerts/assistance/{id}/case");
        let (status, error) = server.post(&to_case, &caseworker, json!({"phone": "call me"})).await;
        assert_eq!((status, error["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("phone")), "{error}");
        assert_eq!(server.post(&to_case, &server.login("assessor").await, json!({})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(server.post(&to_case, &elsewhere, json!({})).await.0, StatusCode::NOT_FOUND, "outside the caller's area");
        assert_eq!(server.post("/api/v1/alerts/assistance/999999/case", &caseworker, json!({})).await.0, StatusCode::NOT_FOUND);
        let (status, _) = server.post(&format!("/api/v1/alerts/assistance/{id}/dismiss"), &caseworker, json!({"reason": " "})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(case_count(&server, &admin).await, cases_before, "no case written");
        assert!(of(&alerts(&caseworker, "").await, general, "hardship").is_some(), "still open");

        // one call: the alert becomes an urgent case from detection, in the household's name
        let (status, case) = server.post(&to_case, &caseworker, json!({})).await;
        assert_eq!(status, StatusCode::CREATED, "{case}");
        assert_eq!((case["source"].as_str(), case["kind"].as_str(), case["status"].as_str()), (Some("detection"), Some("urgent"), Some("received")));
        assert_eq!((case["household_id"].as_i64(), case["programmes"].clone()), (Some(general), json!(["temporary", "dibao"])));
        assert!(case["description"].as_str().unwrap().contains("死亡1人"), "{case}");
        assert_eq!(case["id_number_masked"], "3604**********0128");
        let converted = alerts(&caseworker, "?status=converted").await;
        assert_eq!(of(&converted, general, "hardship").unwrap()["case_id"], case["id"]);
        assert_eq!(server.post(&to_case, &caseworker, json!({})).await.0, StatusCode::CONFLICT, "converted once");
        assert_eq!(case_count(&server, &admin).await, cases_before + 1);

        // dismissed with a reason; a dismissed alert takes no second answer
        let dismiss = format!("/api/v1/alerts/assistance/{}/dismiss", schooling["id"]);
        let (status, dismissed) = server.post(&dismiss, &caseworker, json!({"reason": "子女已获县教育局资助"})).await;
        assert_eq!((status, dismissed["status"].as_str(), dismissed["resolution"].as_str()), (StatusCode::OK, Some("dismissed"), Some("子女已获县教育局资助")), "{dismissed}");
        assert_eq!(server.post(&dismiss, &caseworker, json!({"reason": "again"})).await.0, StatusCode::CONFLICT);
        let to_case = format!("/api/v1/alerts/assistance/{}/case", schooling["id"]);
        assert_eq!(server.post(&to_case, &caseworker, json!({})).await.0, StatusCode::CONFLICT);

        // the periodic run over the whole event finds nothing new and changes no decision
        let (status, outcome) = server.post("/api/v1/alerts/assistance/scan", &manager, json!({"event_id": 1})).await;
        assert_eq!(status, StatusCode::OK, "{outcome}");
        assert_eq!((outcome["raised"].as_i64(), outcome["refreshed"].as_i64(), outcome["withdrawn"].as_i64()), (Some(0), Some(0), Some(0)), "{outcome}");
        assert!(outcome["households"].as_i64().unwrap() > 2, "{outcome}");
        assert_eq!(of(&alerts(&caseworker, "?status=dismissed").await, dibao, "schooling").unwrap()["resolution"], "子女已获县教育局资助");

        for action in ["assistance_alert.detect", "assistance_alert.dismiss"] {
            assert!(!server.audit(&format!("action={action}")).await.is_empty(), "{action} audited");
        }
        assert_eq!(server.audit(&format!("entity_type=case&action=case.open&entity_id={}", case["id"])).await.len(), 1);
    };
}
