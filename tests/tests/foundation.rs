//! The foundation through the real binary, on both stores — health, metrics, OpenAPI,
//! login and tokens, scope, areas and the map, import validation, audit, CLI and shutdown.

mod common;

use common::{Server, Store, fixture};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The synthetic fixture covers the city's bounding box (docs/domain/divisions.md#expected-geodata-figures).
fn assert_within_jiujiang(collection: &Value) {
    let mut count = 0;
    fn walk(value: &Value, count: &mut usize) {
        match value.as_array() {
            Some(items) if items.first().is_some_and(Value::is_number) => {
                let (lon, lat) = (items[0].as_f64().unwrap(), items[1].as_f64().unwrap());
                assert!(
                    (113.93..=116.90).contains(&lon) && (28.68..=30.09).contains(&lat),
                    "[{lon}, {lat}] outside Jiujiang"
                );
                *count += 1;
            }
            Some(items) => items.iter().for_each(|v| walk(v, count)),
            None => {}
        }
    }
    for feature in collection["features"].as_array().unwrap() {
        walk(&feature["geometry"]["coordinates"], &mut count);
    }
    assert!(count > 0);
}

async fn create_user(
    server: &Server,
    admin: &str,
    username: &str,
    role: &str,
    area: Option<&str>,
) -> (StatusCode, Value) {
    server
        .post(
            "/api/v1/users",
            admin,
            json!({"username": username, "password": "demo", "role": role, "area_code": area}),
        )
        .await
}

store_tests! {
    remembered_sessions_still_see_logout_and_new_depots_at_once => |store| async move {
        let server = Server::start(store).await;
        let keeper = server.login("depot").await;
        let admin = server.login("admin").await;
        let (_, me) = server.get("/api/v1/me", &keeper).await;
        assert_eq!(server.get("/api/v1/depots/2/stock", &keeper).await.0, StatusCode::FORBIDDEN, "not their depot yet");
        let path = format!("/api/v1/users/{}/depots", me["id"]);
        let (status, body) = server.call(Method::PUT, &path, Some(&admin), Some(json!({"depot_ids": [1, 2]}))).await;
        assert!(status.is_success(), "{status} {body}");
        assert_eq!(server.get("/api/v1/depots/2/stock", &keeper).await.0, StatusCode::OK, "the new depot counts at once");
        assert_eq!(server.post("/api/v1/auth/logout", &keeper, json!({})).await.0, StatusCode::NO_CONTENT);
        assert_eq!(server.get("/api/v1/me", &keeper).await.0, StatusCode::UNAUTHORIZED, "a logged-out token is refused at once");
    };

    health_metrics_and_openapi_are_served => |store| async move {
        let server = Server::start(store).await;
        let (status, health) = server.call(Method::GET, "/api/v1/health", None, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(health["database"], "ok");
        assert_eq!(health["backend"], if store == Store::Sqlite { "sqlite" } else { "postgres" });

        server.login("manager").await; // a write: the session
        let metrics = server.http.get(server.url("/metrics")).send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("http_requests_total"), "{metrics}");
        assert!(metrics.contains(r#"route="/api/v1/health""#), "{metrics}");
        // the database's availability and its pools, read at each scrape; write waits per pool
        assert!(metrics.lines().any(|l| l == "db_up 1"), "{metrics}");
        let pool = if store == Store::Sqlite { "writer" } else { "postgres" };
        assert!(metrics.contains(&format!(r#"db_pool_max_connections{{pool="{pool}"}}"#)), "{metrics}");
        assert!(metrics.contains(&format!(r#"db_pool_connections{{pool="{pool}",state="idle"}}"#)), "{metrics}");
        assert!(metrics.contains(&format!(r#"db_begin_wait_seconds_count{{pool="{pool}"}}"#)), "the login wrote: {metrics}");
        // refusals are counted per route and status
        server.call(Method::GET, "/api/v1/areas", None, None).await;
        let metrics = server.http.get(server.url("/metrics")).send().await.unwrap().text().await.unwrap();
        assert!(metrics.lines().any(|l| l.starts_with("http_requests_total") && l.contains(r#"route="/api/v1/areas""#) && l.contains(r#"status="401""#)), "{metrics}");

        let (status, doc) = server.call(Method::GET, "/api/v1/openapi.json", None, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        for path in ["/api/v1/auth/login", "/api/v1/areas", "/api/v1/map/areas.geojson", "/api/v1/audit", "/api/v1/health"] {
            assert!(doc["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
        }
        // Found by schemathesis: the errors raised outside handlers (401 from the token check,
        // 400 for a path or query that does not parse, 415/422 for bodies) were undeclared, error
        // responses had no body schema, and a referenced schema (Crs) was missing.
        let error_body = json!({"$ref": "#/components/schemas/ErrorBody"});
        assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
        for (path, operations) in doc["paths"].as_object().unwrap() {
            for (method, operation) in operations.as_object().unwrap() {
                let responses = operation["responses"].as_object().unwrap();
                let has = |status: &str| responses.contains_key(status);
                let secured = operation["security"].as_array().is_some_and(|s| !s.is_empty());
                assert!(!secured || has("401"), "{method} {path} does not declare 401");
                let params = operation["parameters"].as_array().cloned().unwrap_or_default();
                if params.iter().any(|p| p["in"] == "path" || p["in"] == "query") {
                    assert!(has("400") && has("404") && has("422"), "{method} {path}: parameter errors undeclared");
                }
                if operation.get("requestBody").is_some() {
                    assert!(has("400") && has("413") && has("415") && has("422"), "{method} {path}: body errors undeclared");
                }
                for (status, response) in responses {
                    assert!(response["description"].as_str().is_some_and(|d| !d.is_empty()), "{method} {path} {status}: no description");
                    if status.starts_with('4') || status.starts_with('5') {
                        assert_eq!(response["content"]["application/json"]["schema"], error_body, "{method} {path} {status}");
                    }
                }
            }
        }
        // Found by schemathesis as the auditor: audit records of threshold and plan-line changes
        // hold lists, but before/after were documented as objects.
        for side in ["before", "after"] {
            assert!(doc["components"]["schemas"]["AuditRecord"]["properties"][side].get("type").is_none(), "{side}: any JSON");
        }
        let text = serde_json::to_string(&doc).unwrap();
        for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = reference.split('"').next().unwrap();
            assert!(doc["components"]["schemas"].get(name).is_some(), "dangling reference to {name}");
        }
        let docs = server.http.get(server.url("/api/v1/docs/")).send().await.unwrap();
        assert_eq!(docs.status(), StatusCode::OK);
        assert!(docs.text().await.unwrap().contains("swagger"));
    };

    login_me_and_the_same_401_for_unknown_users_and_wrong_passwords => |store| async move {
        let server = Server::start(store).await;
        let (status, body) = server.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "manager", "password": "demo"}))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["user"]["role"], "manager");
        assert_eq!(body["user"]["area_code"], "360400");
        let token = body["token"].as_str().unwrap();
        let (status, me) = server.get("/api/v1/me", token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["username"], "manager");

        let (wrong_status, wrong) = server.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "manager", "password": "nope"}))).await;
        let (unknown_status, unknown) = server.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "nobody", "password": "nope"}))).await;
        assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown_status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong, unknown, "an unknown user and a wrong password must look the same");
    };

    forged_revoked_and_missing_tokens_are_refused => |store| async move {
        let server = Server::start(store).await;
        let (status, body) = server.call(Method::GET, "/api/v1/me", None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"]["code"], "unauthorized");
        let (status, _) = server.get("/api/v1/me", "forged-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let token = server.login("reporter").await;
        assert_eq!(server.get("/api/v1/me", &token).await.0, StatusCode::OK);
        let (status, _) = server.call(Method::POST, "/api/v1/auth/logout", Some(&token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(server.get("/api/v1/me", &token).await.0, StatusCode::UNAUTHORIZED, "a revoked token still works");
    };

    a_deactivated_user_is_stopped_at_once_and_the_trail_reads_by_time => |store| async move {
        let server = Server::start(store).await;
        let admin = server.login("admin").await;
        let assessor = server.login("assessor").await;
        assert_eq!(server.get("/api/v1/me", &assessor).await.0, StatusCode::OK, "cached from now on");
        let id = server.get("/api/v1/me", &assessor).await.1["id"].as_i64().unwrap();
        let me = server.get("/api/v1/me", &admin).await.1["id"].as_i64().unwrap();
        let change = |active: bool| json!({"active": active});
        let (status, error) = server.call(Method::PATCH, &format!("/api/v1/users/{me}"), Some(&admin), Some(change(false))).await;
        assert_eq!((status, error["error"]["details"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("active")));
        let (status, _) = server.call(Method::PATCH, &format!("/api/v1/users/{id}"), Some(&assessor), Some(change(false))).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, user) = server.call(Method::PATCH, &format!("/api/v1/users/{id}"), Some(&admin), Some(change(false))).await;
        assert_eq!((status, user["active"].as_bool()), (StatusCode::OK, Some(false)), "{user}");
        assert_eq!(server.get("/api/v1/me", &assessor).await.0, StatusCode::UNAUTHORIZED, "the open session ends at once");
        let (status, _) = server
            .call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "assessor", "password": "demo"})))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "and no new one starts");
        server.call(Method::PATCH, &format!("/api/v1/users/{id}"), Some(&admin), Some(change(true))).await;
        server.login("assessor").await;
        let deactivations = server.audit("action=user.deactivate").await;
        assert_eq!(deactivations.len(), 1);
        // The trail by time: the deactivation falls inside a window around it, not in one before.
        let at = deactivations[0]["at"].as_str().unwrap().to_owned();
        let (status, page) = server.get(&format!("/api/v1/audit?action=user.deactivate&from={at}"), &admin).await;
        assert_eq!((status, page["records"].as_array().map(Vec::len)), (StatusCode::OK, Some(1)), "{page}");
        let (_, page) = server.get(&format!("/api/v1/audit?action=user.deactivate&to={at}"), &admin).await;
        assert_eq!(page["records"].as_array().map(Vec::len), Some(0), "to is exclusive: {page}");
        let (_, page) = server.get("/api/v1/audit?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z", &admin).await;
        assert_eq!(page["records"].as_array().map(Vec::len), Some(0));
    };

    expired_tokens_are_refused => |store| async move {
        let server = Server::start_with(store, &[("JIUZAI_TOKEN_TTL_HOURS", "0")]).await;
        let token = server.login("admin").await;
        assert_eq!(server.get("/api/v1/me", &token).await.0, StatusCode::UNAUTHORIZED);
    };

    repeated_failed_logins_are_throttled => |store| async move {
        let server = Server::start_with(store, &[("JIUZAI_LOGIN_MAX_FAILURES", "3")]).await;
        let attempt = |password: &'static str| server.call(Method::POST, "/api/v1/auth/login", None, Some(json!({"username": "auditor", "password": password})));
        for _ in 0..3 {
            assert_eq!(attempt("wrong").await.0, StatusCode::UNAUTHORIZED);
        }
        let (status, body) = attempt("demo").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits: {body}");
        // other users are not locked out
        server.login("assessor").await;
    };

    areas_and_the_map_cover_jiujiang => |store| async move {
        let server = Server::start(store).await;
        let token = server.login("manager").await;
        let (status, counties) = server.get("/api/v1/areas?level=county", &token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(counties.as_array().unwrap().len(), 13);
        let (_, townships) = server.get("/api/v1/areas?level=township", &token).await;
        let townships = townships.as_array().unwrap();
        assert_eq!(townships.len(), 227);
        let approximate = townships.iter().filter(|t| t["point_approximate"] == true).count();
        assert_eq!(approximate, 53, "the 53 units without a GeoNames point inherit their county's point");
        let (_, children) = server.get("/api/v1/areas?parent=360425", &token).await;
        assert!(children.as_array().unwrap().iter().all(|a| a["parent_code"] == "360425"));
        assert_eq!(children.as_array().unwrap().len(), 20);

        let (status, area) = server.get("/api/v1/areas/360425", &token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(area["name"], "永修县");
        assert_eq!(area["population"], 316365);
        assert_eq!(server.get("/api/v1/areas/360499", &token).await.0, StatusCode::NOT_FOUND);

        let (status, map) = server.get("/api/v1/map/areas.geojson?level=county", &token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(map["type"], "FeatureCollection");
        let features = map["features"].as_array().unwrap();
        assert_eq!(features.len(), 13);
        for feature in features {
            let p = &feature["properties"];
            assert_eq!(p["level"], "county");
            assert_eq!(p["parent_code"], "360400");
            assert!(p["code"].as_str().unwrap().starts_with("3604") && p["name"].is_string());
            assert!(matches!(feature["geometry"]["type"].as_str(), Some("Polygon" | "MultiPolygon")));
        }
        assert_within_jiujiang(&map);
        let (_, points) = server.get("/api/v1/map/areas.geojson?level=township", &token).await;
        assert_eq!(points["features"].as_array().unwrap().len(), 227);
        assert!(points["features"].as_array().unwrap().iter().all(|f| f["geometry"]["type"] == "Point"));
        assert_eq!(server.get("/api/v1/map/areas.geojson?level=planet", &token).await.0, StatusCode::UNPROCESSABLE_ENTITY);
    };

    scope_limits_what_a_county_user_sees_and_roles_limit_what_they_do => |store| async move {
        let server = Server::start(store).await;
        let admin = server.login("admin").await;
        let (status, user) = create_user(&server, &admin, "yongxiu", "reporter", Some("360425")).await;
        assert_eq!(status, StatusCode::CREATED, "{user}");
        let reporter = server.login("yongxiu").await;
        let (_, townships) = server.get("/api/v1/areas?level=township", &reporter).await;
        let townships = townships.as_array().unwrap();
        assert_eq!(townships.len(), 20);
        assert!(townships.iter().all(|t| t["parent_code"] == "360425"));
        assert_eq!(server.get("/api/v1/areas/360425101", &reporter).await.0, StatusCode::OK);
        let (status, body) = server.get("/api/v1/areas/360428", &reporter).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"]["code"], "forbidden");

        for role in ["manager", "reporter", "depot", "reviewer"] {
            let token = server.login(role).await;
            assert_eq!(server.get("/api/v1/audit", &token).await.0, StatusCode::FORBIDDEN, "{role} read the audit log");
            assert_eq!(server.get("/api/v1/users", &token).await.0, StatusCode::FORBIDDEN, "{role} listed users");
            let (status, _) = create_user(&server, &token, "intruder", "admin", None).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role} created a user");
        }
        // bad users write nothing
        let (status, body) = create_user(&server, &admin, "nowhere", "manager", Some("369999")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(create_user(&server, &admin, "yongxiu", "reporter", Some("360425")).await.0, StatusCode::CONFLICT);
        let (_, users) = server.get("/api/v1/users", &admin).await;
        // the seven demo roles, the application chain's three (caseworker, township, county) and yongxiu
        assert_eq!(users.as_array().unwrap().len(), 11);
    };

    importing_areas_is_audited_and_replaces_geometry => |store| async move {
        let server = Server::start(store).await;
        let admin = server.login("admin").await;
        let (status, summary) = server.post_raw("/api/v1/areas/import?crs=wgs84", &admin, "application/geo+json", fixture("bare-geometry.geojson")).await;
        assert_eq!(status, StatusCode::OK, "{summary}");
        assert_eq!(summary["imported"], 1);
        let (_, area) = server.get("/api/v1/areas/360402", &admin).await;
        assert_eq!(area["name"], "濂溪区", "a bare geometry keeps the stored name");
        let records = server.audit("action=areas.import").await;
        assert_eq!(records.len(), 1);
        assert_eq!(records[0]["actor_name"], "admin");
        assert!(records[0]["request_id"].as_str().is_some_and(|id| !id.is_empty()));
        assert_eq!(records[0]["after"]["codes"], json!(["360402"]));

        let manager = server.login("manager").await;
        let (status, _) = server.post_raw("/api/v1/areas/import", &manager, "application/geo+json", fixture("bare-geometry.geojson")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    };

    invalid_area_files_are_refused_and_write_nothing => |store| async move {
        let server = Server::start(store).await;
        let admin = server.login("admin").await;
        let (_, before) = server.get("/api/v1/map/areas.geojson?level=county", &admin).await;
        let cases = [
            ("invalid/unclosed-ring.geojson", "not closed"),
            ("invalid/self-intersecting.geojson", "invalid polygon"),
            ("invalid/out-of-range.geojson", "out of range"),
            ("invalid/wrong-geometry-type.geojson", "LineString"),
            ("invalid/malformed-code.geojson", "digits only"),
            ("invalid/unknown-parent.geojson", "unknown parent area 369900"),
        ];
        for (file, reason) in cases {
            let (status, body) = server.post_raw("/api/v1/areas/import", &admin, "application/geo+json", fixture(file)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{file}: {body}");
            let details = body["error"]["details"].as_array().unwrap();
            assert!(details.iter().any(|d| d["reason"].as_str().unwrap().contains(reason)), "{file}: {body}");
            assert!(details.iter().all(|d| d["field"].as_str().unwrap().contains("3604") || d["field"].as_str().unwrap().contains("features[")), "{file} errors must name the feature: {body}");
        }
        let (status, body) = server.post_raw("/api/v1/areas/import", &admin, "application/geo+json", b"{\"type\": \"FeatureCollection\", \"features\": [".to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["error"]["code"], "bad_request");
        let (_, after) = server.get("/api/v1/map/areas.geojson?level=county", &admin).await;
        assert_eq!(before, after, "a refused import changed the areas");
        assert!(server.audit("action=areas.import").await.is_empty());
    };

    malformed_and_oversize_bodies_get_json_errors => |store| async move {
        let server = Server::start_with(store, &[("JIUZAI_MAX_BODY_BYTES", "4096")]).await;
        let admin = server.login("admin").await;
        let (status, body) = server.post_raw("/api/v1/users", &admin, "application/json", b"{\"username\": ".to_vec()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], "bad_request");
        let (status, body) = server.post_raw("/api/v1/users", &admin, "application/json", b"{\"username\": 5}".to_vec()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let big = vec![b' '; 10_000];
        let (status, body) = server.post_raw("/api/v1/areas/import", &admin, "application/geo+json", big).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
        assert_eq!(body["error"]["code"], "payload_too_large");
        let (status, body) = server.get("/api/v1/no/such/thing", &admin).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_found");
    };

    security_headers_are_set => |store| async move {
        let server = Server::start(store).await;
        let response = server.http.get(server.url("/api/v1/health")).send().await.unwrap();
        let csp = response.headers()["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'") && !csp.contains("http"), "{csp}");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert!(response.headers().get("x-request-id").is_some());
        assert!(response.headers().get("access-control-allow-origin").is_none(), "CORS must be closed by default");
    };

    cli_imports_areas_and_adds_users => |store| async move {
        let db = common::Database::create(store).await;
        let (ok, out) = common::run_cli(&db, &["demo", "seed"], &[]);
        assert!(ok, "{out}");
        let bare = common::repo_root().join("tests/fixtures/bare-geometry.geojson");
        let (ok, out) = common::run_cli(&db, &["areas", "import", bare.to_str().unwrap(), "--crs", "gcj02"], &[]);
        assert!(ok && out.contains("imported 1 areas"), "{out}");
        let bad = common::repo_root().join("tests/fixtures/invalid/unclosed-ring.geojson");
        let (ok, out) = common::run_cli(&db, &["areas", "import", bad.to_str().unwrap()], &[]);
        assert!(!ok && out.contains("360404") && out.contains("not closed"), "{out}");
        let (ok, out) = common::run_cli(&db, &["user", "add", "xiushui", "--role", "assessor", "--area-code", "360424"], &[("JIUZAI_PASSWORD", "demo")]);
        assert!(ok, "{out}");
        let server = Server::start_on(db, &[]).await;
        let token = server.login("xiushui").await;
        let (_, me) = server.get("/api/v1/me", &token).await;
        assert_eq!(me["area_code"], "360424");
    };

    sigterm_shuts_down_cleanly => |store| async move {
        let mut server = Server::start(store).await;
        assert!(server.terminate(), "the server did not exit cleanly on SIGTERM:\n{}", server.log_text());
        assert!(server.log_text().contains("closing the database"));
    };
}
