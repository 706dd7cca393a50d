//! Households, damage records, grant lists with 公示 and payment, public disclosure and
//! hand-offs, through the real binary on both stores. Fixtures: tests/fixtures/households/
//! (written by `cargo test -p jiuzai --lib households::fixtures -- --ignored`).

mod common;

use common::{Server, fixture};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const CSV: &str = "text/csv";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const IMPORT: &str = "/api/v1/households/import";
/// The demo flood.
const EVENT: i64 = 1;
/// Townships of 永修 without demo households (the demo flood did not report them).
const TANXI: &str = "360425105";
const BAICHA: &str = "360425106";

/// Every fixture household: (name, ID number, masked name).
const PEOPLE: [(&str, &str, &str); 7] = [
    ("张测甲", "360425193501010114", "张*甲"),
    ("李测乙", "360425193501020128", "李*乙"),
    ("欧阳测丙", "360425193501030131", "欧**丙"),
    ("王测丁", "360425193501040145", "王*丁"),
    ("赵测戊", "360425193501050159", "赵*戊"),
    ("孙测己", "360425193501060162", "孙*己"),
    ("周测庚", "360425193501070176", "周*庚"),
];

fn multipart(file_name: &str, content_type: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----jiuzai-test-boundary-7MA4YWxk";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend(bytes);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn import(server: &Server, token: &str, query: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    server.post_raw(&format!("{IMPORT}{query}"), token, content_type, body).await
}

async fn import_ok(server: &Server, token: &str, file: &str, content_type: &str, expected: i64) {
    let (status, report) = import(server, token, "", content_type, fixture(&format!("households/{file}"))).await;
    assert_eq!(status, StatusCode::OK, "{file}: {report}");
    assert_eq!(report, json!({"imported": expected, "skipped": 0, "errors": []}), "{file}");
}

/// Households registered in an area (all pages).
async fn total_in(server: &Server, token: &str, area: &str) -> i64 {
    let (status, page) = server.get(&format!("/api/v1/households?area_code={area}&limit=1"), token).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["total"].as_i64().unwrap()
}

async fn household_id(server: &Server, manager: &str, name: &str) -> i64 {
    let (status, page) = server.get(&format!("/api/v1/households?q={name}"), manager).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 1, "{name}: {page}");
    page["households"][0]["id"].as_i64().unwrap()
}

async fn damage(server: &Server, token: &str, household_id: i64, record: Value) -> Value {
    let mut body = record;
    body["household_id"] = json!(household_id);
    let (status, stored) = server.post(&format!("/api/v1/events/{EVENT}/household-damage"), token, body).await;
    assert!(status == StatusCode::CREATED || status == StatusCode::OK, "{stored}");
    stored
}

async fn step(server: &Server, token: &str, list: i64, action: &str, body: Value) -> (StatusCode, Value) {
    server.post(&format!("/api/v1/grant-lists/{list}/{action}"), token, body).await
}

fn error_fields(body: &Value) -> Vec<String> {
    body["error"]["details"]
        .as_array()
        .map(|d| d.iter().map(|e| e["field"].as_str().unwrap_or("").to_owned()).collect())
        .unwrap_or_default()
}

store_tests! {
    an_import_reports_its_progress_to_its_importer_only => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let progress = "/api/v1/households/imports/0f3c5a7e-test-progress";
        assert_eq!(server.get(progress, &manager).await.0, StatusCode::NOT_FOUND, "nothing started yet");
        let file = fixture("households/households-utf8.csv");

        // a malformed progress id is refused before the file is read
        let (status, body) = import(&server, &manager, "?progress_id=../x", CSV, file.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_fields(&body), ["progress_id"]);
        assert_eq!(total_in(&server, &manager, TANXI).await, 0, "nothing imported");

        let (status, report) = import(&server, &manager, "?progress_id=0f3c5a7e-test-progress", CSV, file).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let (status, seen) = server.get(progress, &manager).await;
        assert_eq!(status, StatusCode::OK, "{seen}");
        assert_eq!(seen, json!({"rows_read": 3, "fraction_read": 1.0, "rows_stored": 3, "finished": true}));

        // another registrar does not see it; a depot keeper may not import at all
        assert_eq!(server.get(progress, &server.login("reporter").await).await.0, StatusCode::NOT_FOUND);
        assert_eq!(server.get(progress, &server.login("depot").await).await.0, StatusCode::FORBIDDEN);
    };

    imports_utf8_and_gbk_csv_and_xlsx => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let reviewer = server.login("reviewer").await;
        import_ok(&server, &manager, "households-utf8.csv", CSV, 3).await;
        import_ok(&server, &manager, "households-gbk.csv", "text/csv; charset=gbk", 2).await;
        let (content_type, body) = multipart("households.xlsx", XLSX, &fixture("households/households.xlsx"));
        let (status, report) = import(&server, &manager, "?mode=all_or_nothing", &content_type, body).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["imported"], 2);
        assert_eq!(total_in(&server, &manager, TANXI).await, 4);
        assert_eq!(total_in(&server, &manager, BAICHA).await, 3);

        // managers of the area see full names; ID numbers and accounts are always masked
        let (_, page) = server.get("/api/v1/households?q=张测", &manager).await;
        let zhang = &page["households"][0];
        assert_eq!(zhang["head_name"], "张测甲");
        assert_eq!(zhang["name_masked"], false);
        assert_eq!(zhang["id_number_masked"], "3604**********0114");
        assert_eq!(zhang["bank_account_masked"], "************0001");
        assert_eq!(zhang["household_type"], "dibao");
        assert_eq!(zhang["priority"], true);
        assert_eq!(zhang["programmes"].as_array().unwrap().len(), 2);
        assert!(zhang["h3_cell"].is_string());
        let gbk = server.get("/api/v1/households?q=王测丁", &manager).await.1;
        assert_eq!(gbk["households"][0]["household_type"], "tekun", "GBK text decoded: {gbk}");
        // other readers see masked names and search by them
        let (_, page) = server.get(&format!("/api/v1/households?q=张*甲&area_code={TANXI}"), &reviewer).await;
        assert_eq!(page["total"], 1, "{page}");
        assert_eq!(page["households"][0]["head_name"], "张*甲");
        assert_eq!(page["households"][0]["name_masked"], true);
        assert_eq!(server.get("/api/v1/households?q=张测甲", &reviewer).await.1["total"], 0, "no search by full name without need");
        let (status, single) = server.get(&format!("/api/v1/households/{}", zhang["id"]), &reviewer).await;
        assert_eq!((status, single["head_name"].as_str()), (StatusCode::OK, Some("张*甲")));
        // matching by ID number goes through the keyed hash
        assert_eq!(server.get("/api/v1/households?id_number=360425193501010114", &reviewer).await.1["total"], 1);
        assert_eq!(server.get("/api/v1/households?id_number=360425193501010115", &reviewer).await.0, StatusCode::UNPROCESSABLE_ENTITY);

        // the same file again: every row is a duplicate; nothing is written
        let (status, report) = import(&server, &manager, "", CSV, fixture("households/households-utf8.csv")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
        assert_eq!(report["imported"], 0);
        assert_eq!(report["errors"].as_array().unwrap().len(), 3);
        assert!(report["errors"].as_array().unwrap().iter().all(|e| e["field"] == "head_id_number" && e["reason"].as_str().unwrap().contains("already registered")));
        let (status, report) = import(&server, &manager, "?mode=skip_invalid", CSV, fixture("households/households-utf8.csv")).await;
        assert_eq!((status, report["imported"].as_i64(), report["skipped"].as_i64()), (StatusCode::OK, Some(0), Some(3)));
        assert_eq!(total_in(&server, &manager, TANXI).await, 4);

        // the CLI imports too (into the same database)
        let (ok, output) = common::run_cli(&server.db, &["households", "import", "tests/fixtures/households/households-mixed.csv", "--mode", "skip_invalid"], &[]);
        assert!(ok, "{output}");
        assert!(output.contains("imported 2 households"), "{output}");
        assert_eq!(total_in(&server, &manager, TANXI).await, 5);
        assert_eq!(total_in(&server, &manager, BAICHA).await, 4);

        // quotes, commas and absent optional fields arrive as they were (PostgreSQL imports by COPY)
        let csv = format!("head_name,head_id_number,members,area_code,address,bank_account,lon,lat\n\
            引号测,{},2,{TANXI},\"滩溪镇\"\"新\"\"村, 5号\",,,\n", synthetic_id(900_001));
        let (status, report) = import(&server, &manager, "", CSV, csv.into_bytes()).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let (_, page) = server.get("/api/v1/households?q=引号测", &manager).await;
        let quoted = &page["households"][0];
        assert_eq!(quoted["address"], "滩溪镇\"新\"村, 5号", "{page}");
        assert_eq!((&quoted["bank_account_masked"], &quoted["h3_cell"], &quoted["lon"]), (&Value::Null, &Value::Null, &Value::Null), "{page}");

        // imports are audited, and no full ID number reaches the audit trail or the log
        let records = server.audit("action=households.import").await;
        assert!(records.iter().any(|r| r["after"]["imported"] == 3 && r["actor_name"] == "manager"), "{records:?}");
        let audit = serde_json::to_string(&server.audit("limit=500").await).unwrap();
        let log = server.log_text();
        for (_, id, _) in PEOPLE {
            assert!(!audit.contains(id) && !log.contains(id), "{id} leaked");
        }
    };

    bad_input_is_refused_and_writes_nothing => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let (status, body) = import(&server, &manager, "", CSV, fixture("households/households-wrong-columns.csv")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_fields(&body), ["header"]);
        assert!(body["error"]["message"].as_str().unwrap().contains("head_id_number"), "{body}");
        let (status, body) = import(&server, &manager, "", CSV, fixture("households/households-bad-encoding.csv")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_fields(&body), ["encoding"]);
        let (status, body) = import(&server, &manager, "", "application/json", b"{}".to_vec()).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{body}");
        let (status, body) = import(&server, &manager, "", CSV, b"head_name,head_id_number,members,area_code,address\n".to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = import(&server, &manager, "?mode=sometimes", CSV, fixture("households/households-utf8.csv")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

        // all or nothing: one bad row and nothing is written
        let (status, report) = import(&server, &manager, "", CSV, fixture("households/households-mixed.csv")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
        let errors: Vec<(i64, &str)> = report["errors"].as_array().unwrap().iter().map(|e| (e["row"].as_i64().unwrap(), e["field"].as_str().unwrap())).collect();
        assert_eq!(errors, [(3, "head_id_number"), (5, "area_code"), (6, "members"), (7, "head_id_number")]);
        let reasons = report["errors"].to_string();
        assert!(reasons.contains("check digit") && reasons.contains("unknown area 360425999") && reasons.contains("at least 1") && reasons.contains("same ID number as row 2"), "{reasons}");
        assert_eq!(report["imported"], 0);
        assert_eq!(report["error"]["code"], "invalid");
        assert_eq!(total_in(&server, &manager, TANXI).await + total_in(&server, &manager, BAICHA).await, 0);
        assert!(server.audit("action=households.import").await.is_empty(), "a refused import writes nothing, not even its audit record");

        // one household at a time: the same checks
        let good = json!({"head_name": "测试户", "head_id_number": "360425193501010114", "members": 2, "area_code": TANXI, "address": "滩溪镇测试村"});
        let with = |key: &str, value: Value| { let mut body = good.clone(); body[key] = value; body };
        for (body, field) in [
            (with("head_id_number", json!("360425193501010115")), "head_id_number"),
            (with("head_id_number", json!("36042519350101011")), "head_id_number"),
            (with("members", json!(-1)), "members"),
            (with("area_code", json!("360425999")), "area_code"),
            (with("area_code", json!("360425")), "area_code"),
            (with("lat", json!(29.1)), "lon"),
            (with("bank_account", json!("12ab")), "bank_account"),
        ] {
            let (status, error) = server.post("/api/v1/households", &manager, body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
            assert_eq!(error_fields(&error), [field], "{error}");
        }
        assert_eq!(total_in(&server, &manager, TANXI).await, 0);
        let (status, created) = server.post("/api/v1/households", &manager, good.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let (status, duplicate) = server.post("/api/v1/households", &manager, with("head_name", json!("另一户"))).await;
        assert_eq!(status, StatusCode::CONFLICT, "{duplicate}");
        let depot = server.login("depot").await;
        assert_eq!(server.post("/api/v1/households", &depot, good.clone()).await.0, StatusCode::FORBIDDEN);
        assert_eq!(server.get("/api/v1/households", &depot).await.0, StatusCode::FORBIDDEN);

        // editing: the same checks, and an ID number cannot move onto another household
        let id = created["id"].as_i64().unwrap();
        let (status, error) = server.call(Method::PATCH, &format!("/api/v1/households/{id}"), Some(&manager), Some(json!({"members": 0}))).await;
        assert_eq!((status, error_fields(&error)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["members".to_owned()]));
        let (status, other) = server.post("/api/v1/households", &manager, json!({"head_name": "测试二户", "head_id_number": "360425193501020128", "members": 1, "area_code": TANXI, "address": "滩溪镇测试村"})).await;
        assert_eq!(status, StatusCode::CREATED, "{other}");
        let (status, _) = server.call(Method::PATCH, &format!("/api/v1/households/{}", other["id"]), Some(&manager), Some(json!({"head_id_number": "360425193501010114"}))).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, edited) = server.call(Method::PATCH, &format!("/api/v1/households/{id}"), Some(&manager), Some(json!({"members": 3, "household_type": "youfu"}))).await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        assert_eq!((edited["members"].as_i64(), edited["household_type"].as_str(), edited["id_number_masked"].as_str()), (Some(3), Some("youfu"), Some("3604**********0114")));

        // skip-invalid imports the good rows and reports the rest
        let (status, report) = import(&server, &manager, "?mode=skip_invalid", CSV, fixture("households/households-mixed.csv")).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!((report["imported"].as_i64(), report["skipped"].as_i64(), report["errors"].as_array().unwrap().len()), (Some(2), Some(4), 4));
    };

    edits_queued_offline_neither_repeat_nor_overwrite_newer_ones => |store| async move {
        // A phone queues an edit with the version it read and a key; a colleague edits meanwhile.
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let (status, created) = server.post("/api/v1/households", &manager, json!({"head_name": "离线一户", "head_id_number": "360425193501030123",
            "members": 2, "area_code": TANXI, "address": "滩溪镇测试村"})).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let path = format!("/api/v1/households/{}", created["id"]);
        let read = format!("\"{}\"", created["updated_at"].as_str().unwrap());
        let edit = |body: Value, version: &str, key: Option<&str>| {
            let mut request = server.http.patch(server.url(&path)).bearer_auth(&manager).header("If-Match", version).json(&body);
            if let Some(key) = key {
                request = request.header("Idempotency-Key", key);
            }
            async move {
                let response = request.send().await.unwrap();
                (response.status(), response.json::<Value>().await.unwrap())
            }
        };
        let (status, first) = edit(json!({"members": 3}), &read, Some("phone-1")).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let (status, again) = edit(json!({"members": 3}), &read, Some("phone-1")).await;
        assert_eq!((status, &again["updated_at"]), (StatusCode::OK, &first["updated_at"]), "a retry is the first answer: {again}");
        let (status, reused) = edit(json!({"members": 4}), &read, Some("phone-1")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the key with another body: {reused}");
        // The second phone read the household before the first edit: its edit must not win.
        let (status, stale) = edit(json!({"members": 5}), &read, Some("phone-2")).await;
        assert_eq!((status, stale["error"]["code"].as_str()), (StatusCode::PRECONDITION_FAILED, Some("stale")), "{stale}");
        let (status, bad) = edit(json!({"members": 5}), "\"yesterday\"", None).await;
        assert_eq!((status, error_fields(&bad)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["If-Match".to_owned()]), "{bad}");
        let (_, now) = server.get(&path, &manager).await;
        assert_eq!((now["members"].as_i64(), &now["updated_at"]), (Some(3), &first["updated_at"]), "only the first edit was saved");
        let current = format!("\"{}\"", now["updated_at"].as_str().unwrap());
        let (status, newer) = edit(json!({"members": 5}), &current, Some("phone-2b")).await;
        assert_eq!((status, newer["members"].as_i64()), (StatusCode::OK, Some(5)), "{newer}");
        let edits = server.audit(&format!("entity_type=household&entity_id={}&action=household.update", created["id"])).await;
        assert_eq!(edits.len(), 2, "one audit record per saved edit");
    };

    damage_records_roll_up_and_are_compared_with_the_reports => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let reporter = server.login("reporter").await;
        import_ok(&server, &manager, "households-utf8.csv", CSV, 3).await;
        let zhang = household_id(&server, &manager, "张测甲").await;
        let li = household_id(&server, &manager, "李测乙").await;
        let path = format!("/api/v1/events/{EVENT}/household-damage");
        let (status, record) = server.post(&path, &reporter, json!({"household_id": zhang, "house_damage": "collapsed", "damaged_rooms": 3, "transitional_persons": 2})).await;
        assert_eq!(status, StatusCode::CREATED, "{record}");
        let (status, record) = server.post(&path, &reporter, json!({"household_id": zhang, "house_damage": "collapsed", "damaged_rooms": 3, "transitional_persons": 3})).await;
        assert_eq!((status, record["transitional_persons"].as_i64()), (StatusCode::OK, Some(3)), "a second record replaces the first");
        for (body, field) in [
            (json!({"household_id": li, "house_damage": "general", "damaged_rooms": -1}), "damaged_rooms"),
            (json!({"household_id": li, "house_damage": "none", "damaged_rooms": 2}), "damaged_rooms"),
            (json!({"household_id": li, "house_damage": "severe", "damaged_rooms": 1, "transitional_persons": 9}), "transitional_persons"),
            (json!({"household_id": li, "house_damage": "severe", "damaged_rooms": 1, "dead": 3, "missing": 2}), "dead"),
            (json!({"household_id": 999999, "house_damage": "severe", "damaged_rooms": 1}), "household_id"),
        ] {
            let (status, error) = server.post(&path, &reporter, body).await;
            assert_eq!((status, error_fields(&error)), (StatusCode::UNPROCESSABLE_ENTITY, vec![field.to_owned()]), "{error}");
        }
        let (status, _) = server.post(&path, &reporter, json!({"household_id": li, "house_damage": "flooded"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        damage(&server, &reporter, li, json!({"house_damage": "general", "damaged_rooms": 1, "crop_total_loss": true})).await;
        let (_, records) = server.get(&format!("{path}?area_code={TANXI}"), &manager).await;
        assert_eq!(records.as_array().unwrap().len(), 2);

        let (status, summary) = server.get(&format!("{path}/summary"), &manager).await;
        assert_eq!(status, StatusCode::OK, "{summary}");
        let area = |code: &str| summary["areas"].as_array().unwrap().iter().find(|a| a["code"] == code).cloned().unwrap();
        let tanxi = area(TANXI);
        assert_eq!(tanxi["households"], 2);
        assert_eq!(tanxi["from_households"]["collapsed_households"], 1);
        assert_eq!(tanxi["from_households"]["collapsed_rooms"], 3);
        assert_eq!(tanxi["from_households"]["general_households"], 1);
        assert_eq!(tanxi["crop_total_loss_households"], 1);
        let missing_report = tanxi["discrepancies"].as_array().unwrap().iter().find(|d| d["indicator"] == "collapsed_households").unwrap().clone();
        assert_eq!(missing_report, json!({"indicator": "collapsed_households", "reported": null, "from_households": 1, "difference": 1}), "no report from 滩溪镇");
        // the demo's households follow the demo township's reported house damage
        let tubu = area("360425100");
        for indicator in ["collapsed_households", "severe_households", "general_households", "collapsed_rooms"] {
            assert_eq!(tubu["from_households"][indicator], tubu["reported"][indicator], "{indicator}: {tubu}");
        }
        let (_, counties) = server.get(&format!("{path}/summary?level=county"), &manager).await;
        let yongxiu = counties["areas"].as_array().unwrap().iter().find(|a| a["code"] == "360425").unwrap();
        assert!(yongxiu["households"].as_i64().unwrap() > tubu["households"].as_i64().unwrap(), "townships add up to the county");
        assert_eq!(server.get(&format!("{path}/summary?level=village"), &manager).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (_, cells) = server.get(&format!("/api/v1/households/hexagons?event_id={EVENT}"), &manager).await;
        assert!(cells["features"].as_array().unwrap().iter().any(|c| c["properties"]["affected"].as_i64().unwrap() > 0), "{cells}");
        assert!(!server.audit("action=household_damage.record").await.is_empty());
    };

    hexagons_are_polygons_with_counts_in_the_readers_scope => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let reporter = server.login("reporter").await;
        // 滩溪镇 has no demo households: two in one place, one 5 km east, one without a location
        let mut ids = Vec::new();
        for (i, (members, lon, lat)) in [(3, Some(115.7), Some(29.1)), (4, Some(115.7), Some(29.1)), (2, Some(115.75), Some(29.1)), (5, None, None)].into_iter().enumerate() {
            let (name, id_number, _) = PEOPLE[i];
            let body = json!({"head_name": name, "head_id_number": id_number, "members": members, "address": "滩溪镇测试村",
                "area_code": TANXI, "lon": lon, "lat": lat});
            let (status, created) = server.post("/api/v1/households", &manager, body).await;
            assert_eq!(status, StatusCode::CREATED, "{created}");
            ids.push(created["id"].as_i64().unwrap());
        }
        damage(&server, &reporter, ids[1], json!({"house_damage": "severe", "damaged_rooms": 1})).await;
        damage(&server, &reporter, ids[3], json!({"house_damage": "severe", "damaged_rooms": 1})).await;

        let (status, collection) = server.get(&format!("/api/v1/households/hexagons?event_id={EVENT}&area_code={TANXI}"), &manager).await;
        assert_eq!(status, StatusCode::OK, "{collection}");
        assert_eq!(collection["type"], "FeatureCollection");
        let features = collection["features"].as_array().unwrap();
        assert_eq!(features.len(), 2, "two cells; the household without a location is on no cell: {collection}");
        let counts = |f: &Value| ["households", "affected", "people", "affected_people"].map(|k| f["properties"][k].as_i64().unwrap());
        let mut by_count: Vec<[i64; 4]> = features.iter().map(counts).collect();
        by_count.sort();
        assert_eq!(by_count, [[1, 0, 2, 0], [2, 1, 7, 4]]);
        for feature in features {
            assert_eq!(feature["geometry"]["type"], "Polygon");
            let ring = feature["geometry"]["coordinates"][0].as_array().unwrap();
            assert_eq!(ring.len(), 7, "a hexagon: six vertices and the first again: {feature}");
            assert_eq!(ring.first(), ring.last(), "the ring is closed");
            let points: Vec<(f64, f64)> = ring.iter().map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap())).collect();
            let hexagon = geo::Polygon::new(geo::LineString::from(points), vec![]);
            let home = if counts(feature)[0] == 2 { geo::point!(x: 115.7, y: 29.1) } else { geo::point!(x: 115.75, y: 29.1) };
            assert!(geo::Contains::contains(&hexagon, &home), "the cell's polygon holds its households: {feature}");
            assert_eq!(feature["id"], feature["properties"]["cell"]);
        }
        // without an event nobody is affected; the city-wide layer holds the same cells
        let (_, plain) = server.get(&format!("/api/v1/households/hexagons?area_code={TANXI}"), &manager).await;
        assert!(plain["features"].as_array().unwrap().iter().all(|f| f["properties"]["affected"] == 0), "{plain}");
        let cells: Vec<Value> = features.iter().map(|f| f["properties"]["cell"].clone()).collect();
        let (_, city) = server.get(&format!("/api/v1/households/hexagons?event_id={EVENT}"), &manager).await;
        let city_cells: Vec<Value> = city["features"].as_array().unwrap().iter().map(|f| f["properties"]["cell"].clone()).collect();
        assert!(cells.iter().all(|c| city_cells.contains(c)) && city_cells.len() > 2, "the demo's cells too");
        // The counts per cell are kept as households change: move the lone one next to the others
        // with more members, and its old cell empties.
        let (status, moved) = server.call(Method::PATCH, &format!("/api/v1/households/{}", ids[2]), Some(&manager),
            Some(json!({"lon": 115.7, "lat": 29.1, "members": 6}))).await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        let (_, after) = server.get(&format!("/api/v1/households/hexagons?event_id={EVENT}&area_code={TANXI}"), &manager).await;
        let after: Vec<[i64; 4]> = after["features"].as_array().unwrap().iter().map(counts).collect();
        assert_eq!(after, [[3, 1, 13, 4]], "one cell left, with all three located households");

        // a reader of another county sees none of them and may not ask for them
        let admin = server.login("admin").await;
        let (status, user) = server.post("/api/v1/users", &admin, json!({"username": "xiushui", "password": "demo", "role": "assessor",
            "display_name": "修水县核查员", "area_code": "360424"})).await;
        assert_eq!(status, StatusCode::CREATED, "{user}");
        let xiushui = server.login("xiushui").await;
        let (status, theirs) = server.get(&format!("/api/v1/households/hexagons?event_id={EVENT}"), &xiushui).await;
        assert_eq!(status, StatusCode::OK);
        assert!(theirs["features"].as_array().unwrap().iter().all(|f| !cells.contains(&f["properties"]["cell"])), "{theirs}");
        assert_eq!(server.get(&format!("/api/v1/households/hexagons?area_code={TANXI}"), &xiushui).await.0, StatusCode::FORBIDDEN);
        assert_eq!(server.get("/api/v1/households/hexagons", &server.login("depot").await).await.0, StatusCode::FORBIDDEN);
    };

    an_objection_racing_the_payment_stops_it_or_is_refused => |store| async move {
        let server = Server::start_with(store, &[("JIUZAI_OBJECTIONS_PER_HOUR", "1000")]).await;
        let (manager, reviewer, reporter) = (server.login("manager").await, server.login("reviewer").await, server.login("reporter").await);
        import_ok(&server, &manager, "households-utf8.csv", CSV, 3).await;
        let zhang = household_id(&server, &manager, "张测甲").await;
        let li = household_id(&server, &manager, "李测乙").await;
        damage(&server, &reporter, zhang, json!({"house_damage": "collapsed", "damaged_rooms": 3, "transitional_persons": 3, "emergency_persons": 3})).await;
        damage(&server, &reporter, li, json!({"house_damage": "general", "damaged_rooms": 1, "crop_total_loss": true, "emergency_persons": 4})).await;
        for aid in ["emergency", "reconstruction", "transitional"] {
            // A list whose notice was posted 8 days ago: payable, and still open to objections.
            let (status, list) = server.post("/api/v1/grant-lists", &manager, json!({"event_id": EVENT, "aid_type": aid, "area_code": TANXI})).await;
            assert_eq!(status, StatusCode::CREATED, "{list}");
            let id = list["id"].as_i64().unwrap();
            assert_eq!(step(&server, &manager, id, "submit", json!({})).await.0, StatusCode::OK);
            assert_eq!(step(&server, &reviewer, id, "approve", json!({})).await.0, StatusCode::OK);
            let (status, published) = step(&server, &manager, id, "publish", json!({"start": common::days_ago(8)})).await;
            assert_eq!(status, StatusCode::OK, "{published}");
            let path = format!("/api/v1/public/disclosures/{id}/objections");
            let objection = || server.call(Method::POST, &path, None, Some(json!({"text": "名单有误（测试）"})));
            let (paid, objections) = tokio::join!(step(&server, &manager, id, "pay", json!({})), futures::future::join_all((0..6).map(|_| objection())));
            let filed = objections.iter().filter(|(status, _)| *status == StatusCode::CREATED).count();
            assert!(objections.iter().all(|(status, _)| *status == StatusCode::CREATED || *status == StatusCode::CONFLICT), "{objections:?}");
            let (_, open) = server.get(&format!("/api/v1/grant-lists/{id}/objections?status=open"), &reviewer).await;
            let open = open.as_array().unwrap().len();
            if paid.0 == StatusCode::OK {
                assert_eq!((filed, open), (0, 0), "{aid}: paid with an objection filed alongside");
            } else {
                assert_eq!(paid.0, StatusCode::CONFLICT, "{aid}: {}", paid.1);
                assert!(filed > 0 && open == filed, "{aid}: payment refused, {filed} objections filed, {open} open");
            }
        }
    };

    grant_lists_go_through_review_disclosure_and_payment => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let reviewer = server.login("reviewer").await;
        let reporter = server.login("reporter").await;
        import_ok(&server, &manager, "households-utf8.csv", CSV, 3).await;
        let zhang = household_id(&server, &manager, "张测甲").await; // 低保, 3 members
        let li = household_id(&server, &manager, "李测乙").await; // 4 members
        let ouyang = household_id(&server, &manager, "欧阳测丙").await;
        damage(&server, &reporter, zhang, json!({"house_damage": "collapsed", "damaged_rooms": 3, "transitional_persons": 3, "emergency_persons": 3})).await;
        damage(&server, &reporter, li, json!({"house_damage": "general", "damaged_rooms": 1, "crop_total_loss": true, "emergency_persons": 4})).await;
        damage(&server, &reporter, ouyang, json!({"house_damage": "collapsed", "damaged_rooms": 2, "has_other_home": true, "exclusions": ["second_home"]})).await;

        // eligibility comes from the damage records; amounts from the standards; priority first
        let (status, list) = server.post("/api/v1/grant-lists", &manager, json!({"event_id": EVENT, "aid_type": "reconstruction", "area_code": TANXI})).await;
        assert_eq!(status, StatusCode::CREATED, "{list}");
        assert_eq!(list["status"], "draft");
        let lines: Vec<(i64, i64, bool)> = list["grants"].as_array().unwrap().iter().map(|g| (g["household_id"].as_i64().unwrap(), g["amount_fen"].as_i64().unwrap(), g["priority"].as_bool().unwrap())).collect();
        assert_eq!(lines, [(zhang, 2_000_000, true), (li, 200_000, false)]);
        assert_eq!(list["total_fen"], 2_200_000);
        let reconstruction = list["id"].as_i64().unwrap();

        // ineligible households are refused with the rule; a second grant of the same aid too
        let lists_before = server.get("/api/v1/grant-lists", &manager).await.1.as_array().unwrap().len();
        let (status, error) = server.post("/api/v1/grant-lists", &manager, json!({"event_id": EVENT, "aid_type": "reconstruction", "area_code": BAICHA, "household_ids": [ouyang]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["error"]["details"][0]["reason"].as_str().unwrap().starts_with("reconstruction.excluded.second_home"), "{error}");
        let (status, error) = server.post("/api/v1/grant-lists", &manager, json!({"event_id": EVENT, "aid_type": "transitional", "area_code": TANXI, "household_ids": [li]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["error"]["details"][0]["reason"].as_str().unwrap().starts_with("transitional.house_not_lost"), "{error}");
        let (status, error) = server.post("/api/v1/grant-lists", &manager, json!({"event_id": EVENT, "aid_type": "reconstruction", "area_code": TANXI, "household_ids": [zhang]})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{error}");
        let (status, _) = server.post("/api/v1/grant-lists", &manager, json!({"event_id": EVENT, "aid_type": "reconstruction", "area_code": TANXI})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "everyone eligible is already listed");
        let (status, _) = server.post("/api/v1/grant-lists", &manager, json!({"event_id": EVENT, "aid_type": "emergency", "area_code": TANXI, "budget_fen": 1000})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "over budget");
        assert_eq!(server.post("/api/v1/grant-lists", &reviewer, json!({"event_id": EVENT, "aid_type": "emergency", "area_code": TANXI})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(server.get("/api/v1/grant-lists", &manager).await.1.as_array().unwrap().len(), lists_before, "refusals write nothing");
        let (_, standards) = server.get("/api/v1/standards", &manager).await;
        let per_day = standards.as_array().unwrap().iter().find(|s| s["key"] == "transitional_per_person_day").unwrap();
        assert_eq!(per_day["value"], 2000);

        // draft → submitted → approved (by a reviewer, not the author) → published
        assert_eq!(step(&server, &manager, reconstruction, "approve", json!({})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(step(&server, &manager, reconstruction, "pay", json!({})).await.0, StatusCode::CONFLICT);
        assert_eq!(step(&server, &reviewer, reconstruction, "approve", json!({})).await.0, StatusCode::CONFLICT, "not submitted yet");
        let (status, submitted) = step(&server, &manager, reconstruction, "submit", json!({})).await;
        assert_eq!((status, submitted["status"].as_str()), (StatusCode::OK, Some("submitted")));
        assert_eq!(step(&server, &manager, reconstruction, "approve", json!({})).await.0, StatusCode::FORBIDDEN, "the author's role cannot approve");
        let (status, approved) = step(&server, &reviewer, reconstruction, "approve", json!({})).await;
        assert_eq!((status, approved["status"].as_str(), approved["reviewer_name"].as_str()), (StatusCode::OK, Some("approved"), Some("reviewer")));
        assert_eq!(step(&server, &reviewer, reconstruction, "publish", json!({"days": 3})).await.0, StatusCode::UNPROCESSABLE_ENTITY, "at least 7 days");
        let (status, published) = step(&server, &reviewer, reconstruction, "publish", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{published}");
        let start = published["disclosure_start"].as_str().unwrap().to_owned();
        let end = published["disclosure_end"].as_str().unwrap().to_owned();
        assert!(end > start);

        // payment before the disclosure ends is refused
        let (status, error) = step(&server, &manager, reconstruction, "pay", json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{error}");
        assert_eq!(error["error"]["details"]["disclosure_end"], end);
        assert_eq!(server.download(&format!("/api/v1/grant-lists/{reconstruction}/payment-file"), Some(&manager)).await.0, StatusCode::CONFLICT);

        // an objection puts the line back under review until a reviewer answers
        let zhang_line = published["grants"][0]["id"].as_i64().unwrap();
        let (status, receipt) = server.call(Method::POST, &format!("/api/v1/public/disclosures/{reconstruction}/objections"), None,
            Some(json!({"grant_id": zhang_line, "text": "该户房屋并未倒塌（测试）", "contact": "13800000000"}))).await;
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        let (_, reviewed) = server.get(&format!("/api/v1/grant-lists/{reconstruction}"), &reviewer).await;
        assert_eq!((reviewed["open_objections"].as_i64(), reviewed["grants"][0]["status"].as_str()), (Some(1), Some("under_review")));
        let (_, objections) = server.get(&format!("/api/v1/grant-lists/{reconstruction}/objections?status=open"), &reviewer).await;
        let objection = objections[0]["id"].as_i64().unwrap();
        assert_eq!(objections[0]["contact"], "13800000000");
        let answer_path = format!("/api/v1/grant-lists/{reconstruction}/objections/{objection}/answer");
        assert_eq!(server.post(&answer_path, &manager, json!({"decision": "dismissed", "answer": "x"})).await.0, StatusCode::FORBIDDEN);
        let (status, answered) = server.post(&answer_path, &reviewer, json!({"decision": "dismissed", "answer": "经核查，房屋确已倒塌。"})).await;
        assert_eq!((status, answered["status"].as_str()), (StatusCode::OK, Some("answered")), "{answered}");
        assert_eq!(server.post(&answer_path, &reviewer, json!({"decision": "dismissed", "answer": "again"})).await.0, StatusCode::CONFLICT);
        assert_eq!(server.get(&format!("/api/v1/grant-lists/{reconstruction}"), &reviewer).await.1["grants"][0]["status"], "listed");

        // a list whose notice was posted 8 days ago can be paid once its objections are answered
        let (status, emergency) = server.post("/api/v1/grant-lists", &manager, json!({"event_id": EVENT, "aid_type": "emergency", "area_code": TANXI})).await;
        assert_eq!(status, StatusCode::CREATED, "{emergency}");
        assert_eq!(emergency["total_fen"], 3 * 30_000 + 4 * 30_000);
        let emergency_id = emergency["id"].as_i64().unwrap();
        step(&server, &manager, emergency_id, "submit", json!({})).await;
        step(&server, &reviewer, emergency_id, "approve", json!({})).await;
        let posted = (common::days_ago(8)).to_string();
        let (status, published) = step(&server, &manager, emergency_id, "publish", json!({"start": posted})).await;
        assert_eq!(status, StatusCode::OK, "{published}");
        let li_line = published["grants"].as_array().unwrap().iter().find(|g| g["household_id"] == li).unwrap()["id"].as_i64().unwrap();
        let (status, _) = server.call(Method::POST, &format!("/api/v1/public/disclosures/{emergency_id}/objections"), None, Some(json!({"grant_id": li_line, "text": "该户已外出务工（测试）"}))).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, error) = step(&server, &manager, emergency_id, "pay", json!({})).await;
        assert_eq!(status, StatusCode::CONFLICT, "open objection: {error}");
        let (_, objections) = server.get(&format!("/api/v1/grant-lists/{emergency_id}/objections"), &reviewer).await;
        let objection = objections[0]["id"].as_i64().unwrap();
        let (status, _) = server.post(&format!("/api/v1/grant-lists/{emergency_id}/objections/{objection}/answer"), &reviewer, json!({"decision": "withdrawn", "answer": "核实后撤销。"})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, paid) = step(&server, &manager, emergency_id, "pay", json!({})).await;
        assert_eq!(status, StatusCode::OK, "{paid}");
        assert_eq!((paid["status"].as_str(), paid["total_fen"].as_i64(), paid["households"].as_i64()), (Some("paid"), Some(90_000), Some(1)));
        assert_eq!(step(&server, &manager, emergency_id, "pay", json!({})).await.0, StatusCode::CONFLICT, "paid once");

        // the payment file is the one place with the full ID number and account
        let (status, file, _) = server.download(&format!("/api/v1/grant-lists/{emergency_id}/payment-file"), Some(&manager)).await;
        assert_eq!(status, StatusCode::OK, "{file}");
        assert!(file.contains("张测甲") && file.contains("360425193501010114") && file.contains("6217000000000001") && file.contains("900.00"), "{file}");
        assert!(!file.contains("李测乙"), "the withdrawn line is not paid");
        let (status, _, xlsx) = server.download(&format!("/api/v1/grant-lists/{emergency_id}/payment-file?format=xlsx"), Some(&manager)).await;
        assert_eq!((status, &xlsx[..2]), (StatusCode::OK, &b"PK"[..]));
        assert_eq!(server.download(&format!("/api/v1/grant-lists/{emergency_id}/payment-file"), Some(&reviewer)).await.0, StatusCode::FORBIDDEN);
        assert_eq!(server.audit("action=grant_list.payment_file").await.len(), 2);

        // the withdrawn household is free again; a returned list goes back to draft; cancelling frees it
        let (status, again) = server.post("/api/v1/grant-lists", &manager, json!({"event_id": EVENT, "aid_type": "emergency", "area_code": TANXI, "household_ids": [li]})).await;
        assert_eq!(status, StatusCode::CREATED, "{again}");
        let again_id = again["id"].as_i64().unwrap();
        step(&server, &manager, again_id, "submit", json!({})).await;
        assert_eq!(step(&server, &reviewer, again_id, "reject", json!({"reason": ""})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, returned) = step(&server, &reviewer, again_id, "reject", json!({"reason": "请补充务工证明"})).await;
        assert_eq!((status, returned["status"].as_str(), returned["return_reason"].as_str()), (StatusCode::OK, Some("draft"), Some("请补充务工证明")));
        let (status, cancelled) = step(&server, &manager, again_id, "cancel", json!({})).await;
        assert_eq!((status, cancelled["status"].as_str(), cancelled["grants"].as_array().unwrap().len()), (StatusCode::OK, Some("cancelled"), 0));
        assert_eq!(server.post("/api/v1/grant-lists", &manager, json!({"event_id": EVENT, "aid_type": "emergency", "area_code": TANXI, "household_ids": [li]})).await.0, StatusCode::CREATED);
        let actions: Vec<String> = server.audit("entity_type=grant_list").await.iter().map(|r| r["action"].as_str().unwrap().to_owned()).collect();
        for action in ["grant_list.create", "grant_list.submit", "grant_list.approve", "grant_list.publish", "grant_list.pay", "grant_list.reject", "grant_list.cancel"] {
            assert!(actions.iter().any(|a| a == action), "{action} audited: {actions:?}");
        }
    };

    household_aid_is_paid_on_the_basis_the_area_funds_plan_budgets => |store| async move {
        // One flood in 永修, reported for 滩溪 only: 5 people need emergency aid, 1 died. The
        // household records say the same, so each aid item's household list totals exactly what
        // the area's funds plan budgets for it (docs/domain/relief-standards.md).
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let reporter = server.login("reporter").await;
        let (status, event) = server.post("/api/v1/events", &manager, json!({"name": "测试洪涝", "hazard": "flood", "onset_at": "2026-07-12T11:40:00Z", "affected_areas": ["360425"]})).await;
        assert_eq!(status, StatusCode::CREATED, "{event}");
        let event = event["id"].as_i64().unwrap();
        let report = json!({"area_code": TANXI, "stage": "initial", "indicators": {"affected": 40, "needing_emergency_aid": 5, "dead": 1}});
        let (status, body) = server.post(&format!("/api/v1/events/{event}/reports"), &reporter, report).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        import_ok(&server, &manager, "households-utf8.csv", CSV, 3).await;
        let zhang = household_id(&server, &manager, "张测甲").await; // 3 members
        let li = household_id(&server, &manager, "李测乙").await; // 4 members
        let records = [
            (zhang, json!({"house_damage": "collapsed", "damaged_rooms": 3, "emergency_persons": 3, "dead": 1})),
            (li, json!({"house_damage": "general", "damaged_rooms": 1, "emergency_persons": 2, "injured": 1})),
        ];
        for (household, mut record) in records {
            record["household_id"] = json!(household);
            let (status, stored) = server.post(&format!("/api/v1/events/{event}/household-damage"), &reporter, record).await;
            assert_eq!(status, StatusCode::CREATED, "{stored}");
        }
        for (aid, budget_fen) in [("emergency", 5 * 30_000), ("bereavement", 1_000_000)] {
            let (status, plan) = server.post("/api/v1/plans", &manager, json!({"event_id": event, "aid_type": aid, "kind": "funds", "response_scope": "local"})).await;
            assert_eq!(status, StatusCode::CREATED, "{plan}");
            let area = plan["funds"]["areas"].as_array().unwrap().iter().find(|a| a["area_code"] == TANXI).unwrap_or_else(|| panic!("{plan}"));
            assert_eq!(area["entitled_fen"], budget_fen, "{aid}: {area}");
            let (status, list) = server.post("/api/v1/grant-lists", &manager, json!({"event_id": event, "aid_type": aid, "area_code": TANXI})).await;
            assert_eq!(status, StatusCode::CREATED, "{aid}: {list}");
            assert_eq!(list["total_fen"], budget_fen, "{aid}: the households get what the area is budgeted: {list}");
        }
        // a household whose record names nobody in need is refused emergency aid by the rule's name
        let (status, error) = server.post("/api/v1/grant-lists", &manager, json!({"event_id": event, "aid_type": "bereavement", "area_code": TANXI, "household_ids": [li]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["error"]["details"][0]["reason"].as_str().unwrap().starts_with("bereavement.no_dead_or_missing"), "{error}");
        // drought relief is for drought events: refused for this flood, and nothing is written
        let lists_before = server.get("/api/v1/grant-lists", &manager).await.1.as_array().unwrap().len();
        for (path, body) in [
            ("/api/v1/plans", json!({"event_id": event, "aid_type": "drought", "kind": "funds", "response_scope": "local"})),
            ("/api/v1/grant-lists", json!({"event_id": event, "aid_type": "drought", "area_code": TANXI})),
        ] {
            let (status, error) = server.post(path, &manager, body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {error}");
            assert_eq!(error_fields(&error), ["aid_type"], "{path}");
        }
        assert_eq!(server.get("/api/v1/grant-lists", &manager).await.1.as_array().unwrap().len(), lists_before);
        // more people in need than the household has is refused
        let too_many = json!({"household_id": li, "house_damage": "general", "damaged_rooms": 1, "emergency_persons": 5});
        let (status, error) = server.post(&format!("/api/v1/events/{event}/household-damage"), &reporter, too_many).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert_eq!(error_fields(&error), ["emergency_persons"]);
    };

    statutory_registers_list_the_dead_and_missing_and_the_damaged_houses => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let reviewer = server.login("reviewer").await;
        let reporter = server.login("reporter").await;
        import_ok(&server, &manager, "households-utf8.csv", CSV, 3).await;
        let zhang = household_id(&server, &manager, "张测甲").await;
        let li = household_id(&server, &manager, "李测乙").await;
        damage(&server, &reporter, zhang, json!({"house_damage": "collapsed", "damaged_rooms": 3, "dead": 1, "missing": 1})).await;
        damage(&server, &reporter, li, json!({"house_damage": "none", "crop_total_loss": true})).await;
        let register = |kind: &'static str, token: String| {
            let server = &server;
            async move { server.download(&format!("/api/v1/exports/registers/{kind}?event_id={EVENT}&area_code={TANXI}&format=csv"), Some(&token)).await }
        };
        // one row per dead or missing person
        let (status, dead, _) = register("dead-missing", manager.clone()).await;
        assert_eq!(status, StatusCode::OK, "{dead}");
        let rows: Vec<&str> = dead.lines().skip(1).collect();
        assert_eq!(rows.len(), 2, "{dead}");
        assert!(rows[0].contains("张测甲") && rows[0].contains("死亡") && rows[1].contains("失踪"), "{dead}");
        assert!(dead.contains("3604**********0114") && !dead.contains("360425193501010114"), "ID numbers are masked");
        // one row per household whose house was damaged (not the crop-only one)
        let (_, houses, _) = register("damaged-houses", manager.clone()).await;
        assert!(houses.lines().next().unwrap().contains("损坏程度"), "{houses}");
        assert!(houses.contains("张测甲") && houses.contains("倒塌") && !houses.contains("李测乙"), "{houses}");
        // a reader with no need for names sees them masked; the XLSX is a workbook
        let (_, masked, _) = register("damaged-houses", reviewer.clone()).await;
        assert!(masked.contains("张*甲") && !masked.contains("张测甲"), "{masked}");
        let (status, _, xlsx) = server.download(&format!("/api/v1/exports/registers/dead-missing?event_id={EVENT}&area_code={TANXI}&format=xlsx"), Some(&manager)).await;
        assert_eq!((status, &xlsx[..2]), (StatusCode::OK, &b"PK"[..]));
        // out of scope is refused; every download is audited
        let admin = server.login("admin").await;
        server.post("/api/v1/users", &admin, json!({"username": "duchang", "password": "demo", "role": "reporter", "area_code": "360428"})).await;
        let duchang = server.login("duchang").await;
        let (status, _, _) = register("dead-missing", duchang).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "永修 is outside a 都昌 reporter's scope");
        let records = server.audit("action=export.register").await;
        assert_eq!(records.len(), 4, "the refused read is not a download: {records:?}");
    };

    racing_lists_cannot_grant_a_household_twice => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let reporter = server.login("reporter").await;
        import_ok(&server, &manager, "households-utf8.csv", CSV, 3).await;
        for name in ["张测甲", "李测乙"] {
            let id = household_id(&server, &manager, name).await;
            damage(&server, &reporter, id, json!({"house_damage": "severe", "damaged_rooms": 2})).await;
        }
        let body = json!({"event_id": EVENT, "aid_type": "reconstruction", "area_code": TANXI});
        let attempts = (0..4).map(|_| server.post("/api/v1/grant-lists", &manager, body.clone()));
        let results = futures::future::join_all(attempts).await;
        let created: Vec<&Value> = results.iter().filter(|(s, _)| *s == StatusCode::CREATED).map(|(_, b)| b).collect();
        assert_eq!(created.len(), 1, "{results:?}");
        assert!(results.iter().all(|(s, _)| [StatusCode::CREATED, StatusCode::CONFLICT, StatusCode::UNPROCESSABLE_ENTITY].contains(s)), "{results:?}");
        assert_eq!(created[0]["households"], 2);
        let (_, lists) = server.get(&format!("/api/v1/grant-lists?event_id={EVENT}&aid_type=reconstruction"), &manager).await;
        assert_eq!(lists.as_array().unwrap().len(), 1, "the losers wrote nothing: {lists}");
    };

    public_pages_show_no_full_name_or_id_number => |store| async move {
        let server = Server::start_with(store, &[("JIUZAI_OBJECTIONS_PER_HOUR", "3")]).await;
        let manager = server.login("manager").await;
        let reviewer = server.login("reviewer").await;
        let reporter = server.login("reporter").await;
        import_ok(&server, &manager, "households-utf8.csv", CSV, 3).await;
        import_ok(&server, &manager, "households-gbk.csv", CSV, 2).await;
        import_ok(&server, &manager, "households.xlsx", XLSX, 2).await;
        for (name, _, _) in PEOPLE {
            let id = household_id(&server, &manager, name).await;
            damage(&server, &reporter, id, json!({"house_damage": "general", "damaged_rooms": 1, "emergency_persons": 1})).await;
        }
        let mut lists = Vec::new();
        for area in [TANXI, BAICHA] {
            let (status, list) = server.post("/api/v1/grant-lists", &manager, json!({"event_id": EVENT, "aid_type": "emergency", "area_code": area})).await;
            assert_eq!(status, StatusCode::CREATED, "{list}");
            let id = list["id"].as_i64().unwrap();
            step(&server, &manager, id, "submit", json!({})).await;
            step(&server, &reviewer, id, "approve", json!({})).await;
            assert_eq!(step(&server, &reviewer, id, "publish", json!({})).await.0, StatusCode::OK);
            lists.push(id);
        }
        let (status, draft) = server.post("/api/v1/grant-lists", &manager, json!({"event_id": EVENT, "aid_type": "reconstruction", "area_code": TANXI})).await;
        assert_eq!(status, StatusCode::CREATED);

        // every public page and export, without a token
        let mut pages = vec!["/api/v1/public/disclosures".to_owned(), format!("/api/v1/public/disclosures?area_code={TANXI}")];
        for id in &lists {
            pages.push(format!("/api/v1/public/disclosures/{id}"));
            pages.push(format!("/api/v1/public/disclosures/{id}/export"));
            pages.push(format!("/api/v1/public/disclosures/{id}/export?format=csv"));
        }
        let mut seen_masked = 0;
        for page in &pages {
            let (status, body, _) = server.download(page, None).await;
            assert_eq!(status, StatusCode::OK, "{page}: {body}");
            for (name, id, masked) in PEOPLE {
                assert!(!body.contains(name), "{page} shows the full name {name}");
                assert!(!body.contains(id) && !body.contains(&id[6..14]), "{page} shows an ID number");
                seen_masked += usize::from(body.contains(masked));
            }
            assert!(!body.contains("6217000000000"), "{page} shows an account");
        }
        assert!(seen_masked >= 14, "masked names are shown on the detail pages and exports");
        let (_, detail) = server.call(Method::GET, &format!("/api/v1/public/disclosures/{}", lists[0]), None, None).await;
        assert_eq!(detail["entries"].as_array().unwrap().len(), 4);
        assert!(detail["entries"].as_array().unwrap().iter().all(|e| e["id_number"].as_str().unwrap().contains("**********")));
        assert_eq!(detail["accepts_objections"], true);
        let (status, _, xlsx) = server.download(&format!("/api/v1/public/disclosures/{}/export?format=xlsx", lists[0]), None).await;
        assert_eq!((status, &xlsx[..2]), (StatusCode::OK, &b"PK"[..]));
        // lists not yet published are not public
        assert_eq!(server.call(Method::GET, &format!("/api/v1/public/disclosures/{}", draft["id"]), None, None).await.0, StatusCode::NOT_FOUND);
        let (_, all) = server.call(Method::GET, "/api/v1/public/disclosures", None, None).await;
        assert_eq!(all.as_array().unwrap().len(), 2);
        // the staff endpoints are not public
        for path in ["/api/v1/households", "/api/v1/grant-lists", "/api/v1/exports/handoff?programme=housing&event_id=1"] {
            assert_eq!(server.call(Method::GET, path, None, None).await.0, StatusCode::UNAUTHORIZED, "{path}");
        }

        // objections: checked, limited per address
        let objections = format!("/api/v1/public/disclosures/{}/objections", lists[1]);
        assert_eq!(server.call(Method::POST, &objections, None, Some(json!({"text": ""}))).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(server.call(Method::POST, &objections, None, Some(json!({"text": "x", "grant_id": 999999}))).await.0, StatusCode::NOT_FOUND);
        assert_eq!(server.call(Method::POST, &format!("/api/v1/public/disclosures/{}/objections", draft["id"]), None, Some(json!({"text": "x"}))).await.0, StatusCode::NOT_FOUND);
        let mut statuses = Vec::new();
        for i in 0..4 {
            statuses.push(server.call(Method::POST, &objections, None, Some(json!({"text": format!("异议{i}（测试）")}))).await.0);
        }
        assert_eq!(statuses[..2], [StatusCode::CREATED, StatusCode::CREATED], "one of the three was the refused grant_id above: {statuses:?}");
        assert_eq!(statuses[3], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
        let (_, stored) = server.get(&format!("/api/v1/grant-lists/{}/objections", lists[1]), &reviewer).await;
        assert!(!stored.as_array().unwrap().is_empty());
    };

    hand_offs_go_to_the_other_programmes => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let reviewer = server.login("reviewer").await;
        let reporter = server.login("reporter").await;
        import_ok(&server, &manager, "households-utf8.csv", CSV, 3).await;
        let zhang = household_id(&server, &manager, "张测甲").await; // 低保
        let li = household_id(&server, &manager, "李测乙").await;
        let members = json!([{"relation": "户主", "age_group": "adult"}, {"relation": "子女", "age_group": "school_age"}, {"relation": "子女", "age_group": "school_age", "disability": true}]);
        let (status, edited) = server.call(Method::PATCH, &format!("/api/v1/households/{zhang}"), Some(&manager), Some(json!({"member_list": members}))).await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        // 李测乙 becomes a 特困 household with a preschool child
        let members = json!([{"relation": "户主", "age_group": "elderly"}, {"relation": "孙子女", "age_group": "preschool"}]);
        let (status, edited) = server.call(Method::PATCH, &format!("/api/v1/households/{li}"), Some(&manager), Some(json!({"household_type": "tekun", "members": 2, "member_list": members}))).await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        damage(&server, &reporter, zhang, json!({"house_damage": "collapsed", "damaged_rooms": 2, "transitional_persons": 3})).await;
        damage(&server, &reporter, li, json!({"house_damage": "general", "damaged_rooms": 1, "crop_total_loss": true, "injured": 1})).await;

        // education: the children of affected 低保 and 特困 households, preschool included, with the reason
        let (status, education, _) = handoff(&server, "education", &manager, "csv").await;
        assert_eq!(status, StatusCode::OK, "{education}");
        assert!(education.starts_with('\u{feff}') && education.contains("在学年龄人数") && education.contains("学前人数"), "{education}");
        assert!(education.contains("张测甲") && education.contains("3604**********0114"), "{education}");
        assert!(education.contains("李测乙") && education.contains("特困户受灾：房屋一般损坏；农作物绝收；受伤1人"), "{education}");
        assert!(education.contains("低保户受灾：房屋倒塌"), "{education}");
        assert!(!education.contains("360425193501010114"), "hand-offs mask ID numbers");
        let (_, temporary, _) = handoff(&server, "temporary_assistance", &manager, "csv").await;
        assert!(temporary.contains("张测甲") && temporary.contains("李测乙") && temporary.contains("农作物绝收"), "{temporary}");
        // housing: collapsed and severely damaged houses
        let (_, housing, _) = handoff(&server, "housing", &manager, "csv").await;
        assert!(housing.contains("张测甲") && housing.contains("房屋倒塌2间") && !housing.contains("李测乙"), "{housing}");
        damage(&server, &reporter, li, json!({"house_damage": "severe", "damaged_rooms": 1, "injured": 1})).await;
        let (_, housing, _) = handoff(&server, "housing", &manager, "csv").await;
        assert!(housing.contains("李测乙") && housing.contains("房屋严重损坏1间"), "severely damaged houses too: {housing}");
        // medical: households with injured members
        let (_, medical, _) = handoff(&server, "medical", &manager, "csv").await;
        assert!(medical.contains("李测乙") && medical.contains("受伤1人") && !medical.contains("张测甲"), "{medical}");
        let (status, masked, _) = handoff(&server, "housing", &reviewer, "csv").await;
        assert_eq!(status, StatusCode::OK);
        assert!(masked.contains("张*甲") && !masked.contains("张测甲"), "{masked}");
        let (status, _, xlsx) = handoff(&server, "education", &manager, "xlsx").await;
        assert_eq!((status, &xlsx[..2]), (StatusCode::OK, &b"PK"[..]));
        assert_eq!(handoff(&server, "kindergarten", &manager, "csv").await.0, StatusCode::BAD_REQUEST);
        assert_eq!(handoff(&server, "housing", &reporter, "csv").await.0, StatusCode::FORBIDDEN);
        let records = server.audit("action=export.handoff").await;
        assert_eq!(records.len(), 7, "every hand-off download is audited");
        assert!(records.iter().any(|r| r["entity_id"] == "education" && r["after"]["rows"] == 2));
    };

    large_imports_stream_in_batches_and_stay_all_or_nothing => |store| async move {
        let server = Server::start(store).await;
        let manager = server.login("manager").await;
        let before = total_in(&server, &manager, TANXI).await;
        // 12,000 rows: more than two batches reach the database before the bad last row is read
        let rows = 12_000;
        let file = |last_members: i64| {
            let mut csv = String::from("head_name,head_id_number,members,area_code,address,lon,lat\n");
            for i in 0..rows {
                let members = if i == rows - 1 { last_members } else { 1 + i % 5 };
                csv.push_str(&format!("批量测{},{},{members},{TANXI},滩溪镇批量村{i}号,115.7,29.1\n", ["甲", "乙", "丙"][i as usize % 3], synthetic_id(i)));
            }
            csv.into_bytes()
        };
        let (status, report) = import(&server, &manager, "", CSV, file(-1)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{}", report["error"]);
        assert_eq!(report["errors"], json!([{"row": rows + 1, "field": "members", "reason": "a household has at least 1 member", "refusal": "members_min"}]));
        assert_eq!(total_in(&server, &manager, TANXI).await, before, "the batches already written were rolled back");
        let (status, report) = import(&server, &manager, "?mode=skip_invalid", CSV, file(-1)).await;
        assert_eq!(status, StatusCode::OK, "{}", report["error"]);
        assert_eq!((report["imported"].as_i64(), report["skipped"].as_i64()), (Some(rows - 1), Some(1)));
        assert_eq!(total_in(&server, &manager, TANXI).await, before + rows - 1);
        // again, all or nothing: every row a duplicate now, and the report names each
        let (status, report) = import(&server, &manager, "", CSV, file(2)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(report["errors"].as_array().unwrap().len(), rows as usize - 1, "the last row was not imported before");
        assert_eq!(report["errors"][0], json!({"row": 2, "field": "head_id_number", "reason": "a household with this ID number is already registered", "refusal": "id_registered"}));
        assert_eq!(total_in(&server, &manager, TANXI).await, before + rows - 1);
        let (_, cells) = server.get(&format!("/api/v1/households/hexagons?area_code={TANXI}"), &manager).await;
        assert_eq!(cells["features"][0]["properties"]["households"], rows - 1);

        // skipping invalid rows: a file of registered and new ID numbers (a batch of both, then one of
        // new ones) stores the new ones and names each registered one; an address keeps tabs, line breaks and backslashes
        let mut csv = String::from("head_name,head_id_number,members,area_code,address,lon,lat\n");
        for i in rows - 2000..rows + 4000 {
            csv.push_str(&format!("批量测{},{},1,{TANXI},\"滩溪\t镇\\{i}\r\n号\\.\",115.7,29.1\n", ["甲", "乙", "丙"][i as usize % 3], synthetic_id(i)));
        }
        let (status, report) = import(&server, &manager, "?mode=skip_invalid", CSV, csv.into_bytes()).await;
        assert_eq!(status, StatusCode::OK, "{}", report["error"]);
        assert_eq!((report["imported"].as_i64(), report["skipped"].as_i64()), (Some(4001), Some(1999)));
        let refused: Vec<i64> = report["errors"].as_array().unwrap().iter().map(|e| e["row"].as_i64().unwrap()).collect();
        // each record spans two lines (the address's line break); a row is the line it starts on
        assert_eq!(refused, (0..1999).map(|k| 2 + 2 * k).collect::<Vec<_>>(), "the registered ones, by row");
        assert_eq!(total_in(&server, &manager, TANXI).await, before + rows + 4000);
        let (_, cells) = server.get(&format!("/api/v1/households/hexagons?area_code={TANXI}"), &manager).await;
        assert_eq!(cells["features"][0]["properties"]["households"], rows + 4000);
        let (_, found) = server.get(&format!("/api/v1/households?area_code={TANXI}&limit=1"), &manager).await;
        let address = found["households"][0]["address"].as_str().unwrap();
        assert!(address.starts_with("滩溪\t镇\\") && address.ends_with("\r\n号\\."), "{address:?}");
    };

    department_tokens_read_their_hand_offs_and_nothing_else => |store| async move {
        let server = Server::start(store).await;
        let admin = server.login("admin").await;
        let manager = server.login("manager").await;
        let reporter = server.login("reporter").await;
        import_ok(&server, &manager, "households-utf8.csv", CSV, 3).await;
        let zhang = household_id(&server, &manager, "张测甲").await;
        let li = household_id(&server, &manager, "李测乙").await;
        damage(&server, &reporter, zhang, json!({"house_damage": "collapsed", "damaged_rooms": 2, "transitional_persons": 3})).await;
        damage(&server, &reporter, li, json!({"house_damage": "general", "damaged_rooms": 1, "crop_total_loss": true})).await;

        // issuing: admins only, bad input refused field by field and nothing written
        let tokens = "/api/v1/handoff-tokens";
        let (_, demo_tokens) = server.get(tokens, &admin).await;
        let request = json!({"department": "永修县住房和城乡建设局", "programmes": ["housing", "temporary_assistance"], "area_code": "360425", "expires_in_days": 30});
        assert_eq!(server.post(tokens, &manager, request.clone()).await.0, StatusCode::FORBIDDEN);
        let (status, error) = server.post(tokens, &admin, json!({"department": " ", "programmes": [], "area_code": "999999", "expires_in_days": 0})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert_eq!(error_fields(&error), ["department", "programmes", "area_code", "expires_in_days"]);
        assert_eq!(server.post(tokens, &admin, json!({"department": "x", "programmes": ["kindergarten"], "area_code": "360425"})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(server.get(tokens, &admin).await.1, demo_tokens, "nothing was written");
        let (status, issued) = server.post(tokens, &admin, request).await;
        assert_eq!(status, StatusCode::CREATED, "{issued}");
        let secret = issued["token"].as_str().unwrap().to_owned();
        assert!(secret.starts_with("jzh_") && secret.len() > 40, "{secret}");
        assert_eq!((issued["status"].as_str(), issued["programmes"].clone()), (Some("active"), json!(["housing", "temporary_assistance"])));
        let id = issued["id"].as_i64().unwrap();

        // reading: full name and ID number for the department, only its programmes, only its area
        let read = |query: String| {
            let (server, secret) = (&server, secret.clone());
            async move { server.download(&format!("/api/v1/department/handoffs?event_id={EVENT}&{query}"), Some(&secret)).await }
        };
        let (status, body, _) = read("programme=housing".into()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let housing: Value = serde_json::from_str(&body).unwrap();
        assert_eq!((housing["department"].as_str(), housing["area_code"].as_str()), (Some("永修县住房和城乡建设局"), Some("360425")));
        assert_eq!(housing["columns"][1], "户主姓名");
        let rows = housing["rows"].as_array().unwrap();
        let ours: Vec<&Value> = rows.iter().filter(|r| r[0] == zhang || r[0] == li).collect();
        assert_eq!(ours.len(), 1, "only the collapsed house: {housing}");
        assert_eq!((ours[0][1].as_str(), ours[0][2].as_str()), (Some("张测甲"), Some("360425193501010114")), "full name and ID number to enrol");
        let (status, csv, _) = read(format!("programme=temporary_assistance&area_code={TANXI}&format=csv")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(csv.starts_with('\u{feff}') && csv.contains("360425193501020128") && csv.contains("李测乙"), "{csv}");
        let (status, _, xlsx) = read("programme=housing&format=xlsx".into()).await;
        assert_eq!((status, &xlsx[..2]), (StatusCode::OK, &b"PK"[..]));
        assert_eq!(read("programme=education".into()).await.0, StatusCode::FORBIDDEN, "not its programme");
        assert_eq!(read("programme=housing&area_code=360424".into()).await.0, StatusCode::FORBIDDEN, "not its area");
        assert_eq!(read("programme=housing&area_code=360400".into()).await.0, StatusCode::FORBIDDEN, "not above its area");
        assert_eq!(server.download("/api/v1/department/handoffs?event_id=999&programme=housing", Some(&secret)).await.0, StatusCode::NOT_FOUND);

        // nothing else: every other endpoint refuses the token with 403; logins cannot use the department endpoint
        for path in ["/api/v1/me", "/api/v1/households", "/api/v1/events", &format!("/api/v1/exports/handoff?programme=housing&event_id={EVENT}"), tokens] {
            assert_eq!(server.get(path, &secret).await.0, StatusCode::FORBIDDEN, "{path}");
        }
        assert_eq!(server.post("/api/v1/households", &secret, json!({})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(server.call(Method::DELETE, &format!("{tokens}/{id}"), Some(&secret), None).await.0, StatusCode::FORBIDDEN);
        assert_eq!(server.download(&format!("/api/v1/department/handoffs?event_id={EVENT}&programme=housing"), Some(&manager)).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(server.download(&format!("/api/v1/department/handoffs?event_id={EVENT}&programme=housing"), None).await.0, StatusCode::UNAUTHORIZED);

        // every read is audited under the token; the listing shows its last use and never the secret
        let reads = server.audit("action=export.handoff").await;
        assert_eq!(reads.len(), 3, "{reads:?}");
        assert!(reads.iter().all(|r| r["actor_name"] == format!("handoff-token:{id}") && r["after"]["department"] == "永修县住房和城乡建设局"));
        assert!(reads.iter().any(|r| r["after"]["format"] == "csv" && r["after"]["programme"] == "temporary-assistance" && r["after"]["rows"] == 2));
        let (_, listed) = server.get(tokens, &admin).await;
        let ours = listed.as_array().unwrap().iter().find(|t| t["id"].as_i64() == Some(id)).expect("the issued token listed");
        assert_eq!(listed.as_array().unwrap().len(), demo_tokens.as_array().unwrap().len() + 1);
        assert!(ours["last_used_at"].is_string() && ours.get("token").is_none() && !listed.to_string().contains(&secret), "{listed}");

        // revoked: 401 everywhere, at once
        let (status, revoked) = server.call(Method::DELETE, &format!("{tokens}/{id}"), Some(&admin), None).await;
        assert_eq!((status, revoked["status"].as_str(), revoked["revoked_by"].as_str()), (StatusCode::OK, Some("revoked"), Some("admin")));
        assert_eq!(read("programme=housing".into()).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(server.get("/api/v1/households", &secret).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(server.call(Method::DELETE, &format!("{tokens}/{id}"), Some(&admin), None).await.0, StatusCode::OK, "revoking again changes nothing");
        assert_eq!(server.call(Method::DELETE, &format!("{tokens}/999"), Some(&admin), None).await.0, StatusCode::NOT_FOUND);
        assert_eq!(server.audit("action=handoff_token.revoke").await.len(), 1);
        assert_eq!(server.audit("action=handoff_token.create").await.len(), demo_tokens.as_array().unwrap().len() + 1);
        assert_eq!(server.audit("action=export.handoff").await.len(), 3, "refused reads are not hand-offs");
    };
}

/// A valid, clearly synthetic ID number (address code 360400, born 1931 on), one per `i`.
fn synthetic_id(i: i64) -> String {
    let first17 = format!("3604001931{:02}{:02}{:03}", 1 + i / 28_000 % 12, 1 + i / 1000 % 28, i % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{first17}{}", "10X98765432".as_bytes()[(sum % 11) as usize] as char)
}

async fn handoff(server: &Server, programme: &str, token: &str, format: &str) -> (StatusCode, String, Vec<u8>) {
    server
        .download(
            &format!(
                "/api/v1/exports/handoff?programme={programme}&event_id={EVENT}&area_code={TANXI}&format={format}"
            ),
            Some(token),
        )
        .await
}
