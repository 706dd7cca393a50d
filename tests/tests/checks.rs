//! Cross-programme checks (交叉比对) through the real binary, on both stores: the demo's planted
//! findings are found and exported, a finding is resolved once with a reason and stays resolved,
//! refusals write nothing, and each reader sees only the findings of their area.

mod common;

use common::Server;
use reqwest::StatusCode;
use serde_json::{Value, json};

const TANXI: &str = "360425105";
/// 湖口, where the demo plants its findings.
const HUKOU: &str = "360429";

async fn user(server: &Server, admin: &str, username: &str, role: &str, area: &str) -> String {
    let body = json!({"username": username, "password": "demo", "role": role, "area_code": area});
    let (status, created) = server.post("/api/v1/users", admin, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    server.login(username).await
}

async fn findings(server: &Server, token: &str, query: &str) -> Vec<Value> {
    let (status, body) = server.get(&format!("/api/v1/checks{query}"), token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().unwrap().clone()
}

fn of_kind<'a>(findings: &'a [Value], kind: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["kind"] == kind).collect()
}

fn in_area(finding: &Value, area: &str) -> bool {
    finding["area_code"].as_str().unwrap().starts_with(area)
}

async fn newest_audit(server: &Server) -> i64 {
    server.audit("limit=1").await[0]["id"].as_i64().unwrap()
}

store_tests! {
    the_demo_findings_are_found_exported_and_resolved_once => |store| async move {
        let server = Server::start(store).await;
        let (manager, reviewer, auditor, depot) =
            (server.login("manager").await, server.login("reviewer").await, server.login("auditor").await, server.login("depot").await);
        let all = findings(&server, &manager, "").await;

        // The planted findings: a shared account, a grant above the standard, a grant without a
        // loss, one person in two households and stock beyond the people served in 湖口; a
        // winter–spring household paid at once and in a phase.
        let bank: Vec<&Value> = of_kind(&all, "bank_shared").into_iter().filter(|f| in_area(f, HUKOU)).collect();
        assert_eq!(bank.len(), 1, "{all:?}");
        let bank = bank[0].clone();
        assert_eq!(bank["households"].as_array().unwrap().len(), 2, "{bank}");
        assert_eq!(bank["status"], "open");
        for household in bank["households"].as_array().unwrap() {
            assert_eq!(household["name_masked"], false, "the city's manager sees names: {household}");
            assert!(household["id_number_masked"].as_str().unwrap().contains('*'), "{household}");
            assert!(household["bank_account_masked"].as_str().unwrap().contains('*'), "{household}");
        }
        let above: Vec<&Value> = of_kind(&all, "above_standard").into_iter().filter(|f| in_area(f, HUKOU)).collect();
        assert_eq!(above.len(), 1, "{all:?}");
        assert!(above[0]["key"].as_str().unwrap().contains(":emergency:"), "{}", above[0]);
        assert_eq!(above[0]["grant_ids"].as_array().unwrap().len(), 1);
        let no_loss: Vec<&Value> = of_kind(&all, "grant_without_loss").into_iter().filter(|f| in_area(f, HUKOU)).collect();
        assert_eq!(no_loss.len(), 1, "{all:?}");
        assert!(no_loss[0]["summary"].as_str().unwrap().contains("shows no loss"), "{}", no_loss[0]);
        let double = of_kind(&all, "double_grant");
        assert_eq!(double.len(), 1, "{all:?}");
        assert!(double[0]["key"].as_str().unwrap().contains(":winter_spring:"), "{}", double[0]);
        assert_eq!(double[0]["list_ids"].as_array().unwrap().len(), 2);
        let phases: Vec<i64> = double[0]["figures"]["grants"].as_array().unwrap().iter().map(|g| g["phase"].as_i64().unwrap()).collect();
        assert!(phases.contains(&0) && phases.iter().any(|p| *p > 0), "{}", double[0]);
        assert!(above[0]["figures"]["standard_fen"].as_i64().unwrap() < above[0]["figures"]["grants"][0]["amount_fen"].as_i64().unwrap());
        // A case filed for a household by the head of another; towel quilts received far beyond
        // the people granted emergency aid.
        let person: Vec<&Value> = of_kind(&all, "person_in_two_households").into_iter().filter(|f| in_area(f, HUKOU)).collect();
        assert_eq!(person.len(), 1, "{all:?}");
        assert_eq!((person[0]["household_ids"].as_array().unwrap().len(), person[0]["case_ids"].as_array().unwrap().len()), (2, 1));
        assert!(person[0]["household_ids"].as_array().unwrap().contains(&person[0]["figures"]["head_household_id"]), "{}", person[0]);
        let stock: Vec<&Value> = of_kind(&all, "stock_vs_served").into_iter().filter(|f| in_area(f, HUKOU)).collect();
        assert_eq!(stock.len(), 1, "{all:?}");
        let figures = &stock[0]["figures"]["stock"];
        assert_eq!(figures["item_code"], "towel-quilt", "{}", stock[0]);
        assert!(figures["received"].as_i64().unwrap() > 2 * figures["expected"].as_i64().unwrap(), "{}", stock[0]);
        assert_eq!(stock[0]["shipment_ids"].as_array().unwrap().len(), 1);

        // Filters, and names masked for the auditor.
        let only_bank = findings(&server, &manager, "?kind=bank_shared").await;
        assert!(!only_bank.is_empty() && only_bank.iter().all(|f| f["kind"] == "bank_shared"));
        assert!(findings(&server, &manager, "?status=resolved").await.is_empty());
        assert!(findings(&server, &manager, &format!("?area_code={TANXI}&kind=bank_shared")).await.is_empty());
        let for_auditor = findings(&server, &auditor, "?kind=bank_shared").await;
        let seen = for_auditor.iter().find(|f| f["key"] == bank["key"]).expect("the auditor reads every area");
        assert!(seen["households"].as_array().unwrap().iter().all(|h| h["name_masked"] == true), "{seen}");
        assert_eq!(server.get("/api/v1/checks?kind=nonsense", &manager).await.0, StatusCode::UNPROCESSABLE_ENTITY);

        // The CSV has the same rows.
        let (status, csv, _) = server.download("/api/v1/checks.csv", Some(manager.as_str())).await;
        assert_eq!(status, StatusCode::OK, "{csv}");
        assert_eq!(csv.lines().count(), all.len() + 1, "{csv}");
        for finding in [&bank, above[0], no_loss[0], double[0]] {
            assert!(csv.contains(finding["key"].as_str().unwrap()), "{csv}");
        }
        assert!(csv.starts_with('\u{feff}') && csv.contains("bank_shared") && csv.contains("open"));

        // Depot staff read and resolve nothing.
        assert_eq!(server.get("/api/v1/checks", &depot).await.0, StatusCode::FORBIDDEN);
        assert_eq!(server.download("/api/v1/checks.csv", Some(depot.as_str())).await.0, StatusCode::FORBIDDEN);
        let key = bank["key"].as_str().unwrap();
        let resolve = format!("/api/v1/checks/{key}/resolve");
        assert_eq!(server.post(&resolve, &depot, json!({"reason": "x"})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(server.post(&resolve, &auditor, json!({"reason": "x"})).await.0, StatusCode::FORBIDDEN);

        // An empty reason is refused and writes nothing; an unknown key is not found.
        let before = newest_audit(&server).await;
        let (status, error) = server.post(&resolve, &manager, json!({"reason": "  "})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert_eq!(error["error"]["details"][0]["field"], "reason", "{error}");
        assert_eq!(server.post("/api/v1/checks/bank_shared:0000/resolve", &manager, json!({"reason": "x"})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(server.post("/api/v1/checks/nonsense/resolve", &manager, json!({"reason": "x"})).await.0, StatusCode::NOT_FOUND);
        let since: Vec<Value> = server.audit("limit=50").await.into_iter().filter(|r| r["id"].as_i64().unwrap() > before).collect();
        assert!(since.iter().all(|r| r["action"] == "auth.login"), "the refusals wrote: {since:?}");

        // Resolved once, with its audit record; a second time is a conflict.
        let (status, resolved) = server.post(&resolve, &reviewer, json!({"reason": "兄弟二人共用已故父亲的账户，已核实（虚构）"})).await;
        assert_eq!(status, StatusCode::OK, "{resolved}");
        assert_eq!((resolved["status"].as_str(), resolved["resolved_by"].as_str()), (Some("resolved"), Some("reviewer")), "{resolved}");
        let record = &server.audit("action=check.resolve").await[0];
        assert_eq!(record["entity_id"], key, "{record}");
        let (status, again) = server.post(&resolve, &manager, json!({"reason": "again"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{again}");
        assert_eq!(server.audit("action=check.resolve").await.len(), 1, "the second resolution wrote nothing");

        // It stays resolved, with its reason, in the list and the file.
        let resolved_now = findings(&server, &manager, "?status=resolved").await;
        assert_eq!(resolved_now.len(), 1, "{resolved_now:?}");
        assert_eq!(resolved_now[0]["key"], key);
        assert!(resolved_now[0]["reason"].as_str().unwrap().contains("已核实"));
        assert!(findings(&server, &manager, "?status=open").await.iter().all(|f| f["key"] != key));
        let (_, csv, _) = server.download("/api/v1/checks.csv?status=resolved", Some(manager.as_str())).await;
        assert!(csv.contains(key) && csv.contains("已核实"), "{csv}");
    };

    one_person_in_two_households_and_a_shared_account_within_scope => |store| async move {
        let server = Server::start(store).await;
        let admin = server.login("admin").await;
        let manager = server.login("manager").await;
        let yongxiu = user(&server, &admin, "yongxiu_manager", "manager", "360425").await;
        let yongxiu_reporter = user(&server, &admin, "yongxiu_reporter", "reporter", "360425").await;
        let wuning = user(&server, &admin, "wuning_manager", "manager", "360423").await;

        // Two households of 滩溪 with one account; the head of the first applies at the window
        // for the second.
        let household = |name: &str, id_number: &str| json!({"head_name": name, "head_id_number": id_number, "members": 2,
            "area_code": TANXI, "address": "滩溪镇某村（虚构）", "bank_account": "6217000099990001"});
        let (status, first) = server.post("/api/v1/households", &manager, household("甲某（虚构）", "360425193501010114")).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        let (status, second) = server.post("/api/v1/households", &manager, household("乙某（虚构）", "360425193501020128")).await;
        assert_eq!(status, StatusCode::CREATED, "{second}");
        let (first, second) = (first["id"].as_i64().unwrap(), second["id"].as_i64().unwrap());
        let case = json!({"area_code": TANXI, "household_id": second,
            "applicant": {"name": "甲某（虚构）", "id_number": "360425193501010114", "phone": "13907921234"},
            "kind": "application", "programmes": ["temporary"], "description": "住房受损（虚构）", "source": "one_window"});
        let (status, case) = server.post("/api/v1/cases", &manager, case).await;
        assert_eq!(status, StatusCode::CREATED, "{case}");

        let person = findings(&server, &yongxiu, "?kind=person_in_two_households").await;
        assert_eq!(person.len(), 1, "{person:?}");
        assert_eq!(person[0]["household_ids"], json!([first, second]), "{}", person[0]);
        assert_eq!(person[0]["case_ids"], json!([case["id"]]), "{}", person[0]);
        assert_eq!(person[0]["area_code"], TANXI);
        let bank: Vec<Value> = findings(&server, &yongxiu, &format!("?kind=bank_shared&area_code={TANXI}")).await;
        assert_eq!(bank.len(), 1, "{bank:?}");
        assert_eq!(bank[0]["household_ids"], json!([first, second]));
        assert_eq!(bank[0]["households"][0]["head_name"], "甲某（虚构）", "永修's manager sees the names");

        // 永修's reporter reads them with names masked; 武宁's manager does not see them, nor
        // 湖口's; 永修 staff see none of 湖口's findings either.
        let for_reporter = findings(&server, &yongxiu_reporter, "?kind=bank_shared").await;
        let seen = for_reporter.iter().find(|f| f["key"] == bank[0]["key"]).expect("in the reporter's area");
        assert_eq!(seen["households"][0]["name_masked"], true, "{seen}");
        assert!(findings(&server, &yongxiu, "").await.iter().all(|f| in_area(f, "360425")));
        assert!(findings(&server, &wuning, "").await.iter().all(|f| in_area(f, "360423")));
        assert_eq!(server.get(&format!("/api/v1/checks?area_code={TANXI}"), &wuning).await.0, StatusCode::FORBIDDEN);
        let resolve = format!("/api/v1/checks/{}/resolve", person[0]["key"].as_str().unwrap());
        let (status, body) = server.post(&resolve, &wuning, json!({"reason": "not ours"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(server.post(&resolve, &yongxiu_reporter, json!({"reason": "x"})).await.0, StatusCode::FORBIDDEN);
        let (status, resolved) = server.post(&resolve, &yongxiu, json!({"reason": "甲某为乙户代办（虚构）"})).await;
        assert_eq!((status, resolved["status"].as_str()), (StatusCode::OK, Some("resolved")), "{resolved}");

        // Another case of the same applicant keeps the key: the finding stays resolved.
        let case = json!({"area_code": TANXI, "household_id": second,
            "applicant": {"name": "甲某（虚构）", "id_number": "360425193501010114", "phone": "13907921234"},
            "kind": "application", "programmes": ["medical"], "description": "就医困难（虚构）", "source": "one_window"});
        assert_eq!(server.post("/api/v1/cases", &manager, case).await.0, StatusCode::CREATED);
        let person = findings(&server, &yongxiu, "?kind=person_in_two_households").await;
        assert_eq!(person.len(), 1, "{person:?}");
        assert_eq!(person[0]["status"], "resolved");
        assert_eq!(person[0]["case_ids"].as_array().unwrap().len(), 2);
    };
}
