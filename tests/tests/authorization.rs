//! The authorization matrix: every protected endpoint × every role (and no token) → allowed or
//! denied, kept as one table and checked on both stores. "Allowed" means the request got past
//! authentication and authorization (any status but 401/403); the bodies are deliberately invalid,
//! so nothing is written.

mod common;

use common::Server;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Demo users in column order: admin, manager, depot (keeper of depot 1), reporter, assessor,
/// reviewer, auditor. All but admin and auditor are scoped to the city (360400).
const ROLES: [&str; 7] = ["admin", "manager", "depot", "reporter", "assessor", "reviewer", "auditor"];

/// `A` allowed, `D` denied (403), per role in `ROLES` order; a missing token is always 401
/// unless `public` says otherwise.
struct Rule {
    method: Method,
    path: &'static str,
    body: Option<Value>,
    expected: &'static str,
    public: bool,
}

fn rule(method: Method, path: &'static str, body: Option<Value>, expected: &'static str) -> Rule {
    Rule { method, path, body, expected, public: false }
}

fn matrix() -> Vec<Rule> {
    use Method as M;
    let bad_item = json!({"code": "", "name_zh": "", "name_en": "", "category": "other", "unit": "", "unit_volume_dm3": 0,
        "unit_weight_g": 0, "shelf_life_days": null, "norms": {}});
    let bad_report = json!({"area_code": "360425100", "stage": "initial", "indicators": {"affected": -1}});
    vec![
        rule(M::GET, "/api/v1/me", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/users", None, "ADDDDDD"),
        rule(M::POST, "/api/v1/users", Some(json!({"username": "", "password": "x", "role": "admin"})), "ADDDDDD"),
        rule(M::PUT, "/api/v1/users/1/depots", Some(json!({"depot_ids": [999]})), "ADDDDDD"),
        rule(M::PATCH, "/api/v1/users/999", Some(json!({"active": "maybe"})), "ADDDDDD"),
        rule(M::GET, "/api/v1/audit", None, "ADDDDDA"),
        rule(M::GET, "/api/v1/areas", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/areas/360425", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/map/areas.geojson?level=county", None, "AAAAAAA"),
        rule(M::POST, "/api/v1/areas/import", Some(json!({"type": "FeatureCollection", "features": []})), "ADDDDDD"),
        rule(M::GET, "/api/v1/items", None, "AAAAAAA"),
        rule(M::POST, "/api/v1/items", Some(bad_item), "ADDDDDD"),
        rule(M::GET, "/api/v1/depots", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/depots/directory", None, "AAAAAAA"),
        rule(M::POST, "/api/v1/depots", Some(json!({"name": ""})), "AADDDDD"),
        rule(M::PATCH, "/api/v1/depots/2", Some(json!({"capacity_m3": -1})), "AADDDDD"),
        rule(M::GET, "/api/v1/depots/2", None, "AADAAAA"),
        rule(M::GET, "/api/v1/depots/1", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/depots/2/stock", None, "AADAAAA"),
        rule(M::GET, "/api/v1/depots/1/stock", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/depots/2/movements", None, "AADAAAA"),
        rule(
            M::POST,
            "/api/v1/depots/1/movements",
            Some(json!({"kind": "issue", "item": "quilt", "quantity": 0})),
            "DAADDDD",
        ),
        rule(
            M::POST,
            "/api/v1/depots/2/movements",
            Some(json!({"kind": "issue", "item": "quilt", "quantity": 0})),
            "DADDDDD",
        ),
        rule(M::GET, "/api/v1/transfers", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/stock/alerts", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/stock/readiness", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/map/depots.geojson", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/exports/ledger?depot_id=2", None, "AADAAAA"),
        rule(M::GET, "/api/v1/exports/stock-card?depot_id=2", None, "AADAAAA"),
        rule(M::GET, "/api/v1/events", None, "AAAAAAA"),
        rule(M::POST, "/api/v1/events", Some(json!({"name": ""})), "DADDDDD"),
        rule(M::GET, "/api/v1/events/1", None, "AAAAAAA"),
        rule(M::PATCH, "/api/v1/events/1", Some(json!({"name": ""})), "DADDDDD"),
        rule(M::GET, "/api/v1/events/1/summary", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/events/1/returns", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/exports/event-summary?event_id=1", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/events/1/reports", None, "AAAAAAA"),
        rule(M::POST, "/api/v1/events/1/reports", Some(bad_report.clone()), "DADADDD"),
        rule(M::GET, "/api/v1/events/1/reports/1/photos", None, "AAAAAAA"),
        // no body: not an image (415) once the role and the report's area are checked
        rule(M::POST, "/api/v1/events/1/reports/1/photos", None, "DADADDD"),
        // the demo has no photo, and every demo user reaches every demo report's area
        rule(M::GET, "/api/v1/photos/999", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/events/1/assessments", None, "AAAAAAA"),
        rule(M::POST, "/api/v1/events/1/assessments", Some(bad_report), "DDDDADD"),
        // 涂埠镇 is accepted in the demo: an allowed caller gets 409 and changes nothing
        rule(M::POST, "/api/v1/events/1/areas/360425100/accept", None, "DADDADD"),
        rule(M::POST, "/api/v1/events/1/areas/360425/return", Some(json!({"reason": ""})), "DADDADD"),
        rule(M::GET, "/api/v1/events/1/response-levels", None, "AAAAAAA"),
        rule(
            M::POST,
            "/api/v1/events/1/response-levels",
            Some(json!({"area_code": "360425", "level": 9, "reason": "x"})),
            "DADDDDD",
        ),
        rule(M::GET, "/api/v1/response-thresholds", None, "AAAAAAA"),
        rule(
            M::PUT,
            "/api/v1/response-thresholds/county",
            Some(json!([{"response_level": 9, "criterion": "x", "lower_bound": 0}])),
            "ADDDDDD",
        ),
        rule(
            M::POST,
            "/api/v1/events/1/blockages",
            Some(json!({"geometry": {"type": "Point", "coordinates": [0, 0]}})),
            "DADDDDD",
        ),
        rule(M::GET, "/api/v1/events/1/blockages", None, "AAAAAAA"),
        rule(M::DELETE, "/api/v1/events/1/blockages/999", None, "DADDDDD"),
        rule(M::GET, "/api/v1/plans", None, "AAAAAAA"),
        rule(M::POST, "/api/v1/plans", Some(json!({"event_id": 1, "aid_type": "bad", "kind": "materials"})), "DADDDDD"),
        rule(M::GET, "/api/v1/plans/999", None, "AAAAAAA"),
        rule(M::PATCH, "/api/v1/plans/999", Some(json!({"lines": []})), "DADDDDD"),
        rule(
            M::POST,
            "/api/v1/plans/compare",
            Some(json!({"event_id": 1, "aid_type": "bad", "kind": "materials"})),
            "DADDDDD",
        ),
        rule(M::POST, "/api/v1/plans/999/replan", None, "DADDDDD"),
        rule(M::POST, "/api/v1/plans/999/approve", None, "DDDDDAD"),
        rule(M::POST, "/api/v1/plans/999/reject", Some(json!({"reason": ""})), "DDDDDAD"),
        rule(M::POST, "/api/v1/plans/999/submit", None, "DADDDDD"),
        rule(M::POST, "/api/v1/plans/999/dispatch", None, "DAADDDD"),
        rule(M::POST, "/api/v1/plans/999/cancel", None, "DADDDDD"),
        rule(M::GET, "/api/v1/exports/time-to-aid?plan_id=999", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/shipments", None, "AAAAAAA"),
        rule(M::POST, "/api/v1/shipments/999/receive", Some(json!({"lines": []})), "DADADDD"),
        rule(M::PUT, "/api/v1/shipments/999/transport", Some(json!({})), "DAADDDD"),
        // receipt photos: taken by whoever signs for the shipment; read by whoever may read it (404 when not)
        rule(M::POST, "/api/v1/shipments/999/photos", None, "DADADDD"),
        rule(M::GET, "/api/v1/shipments/999/photos", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/shipments/999/photos/1", None, "AAAAAAA"),
        rule(M::GET, "/api/v1/standards", None, "AAAAAAA"),
        rule(M::POST, "/api/v1/standards", Some(json!({"changes": [{"key": "no_such", "value": 1}]})), "ADDDDDD"),
        rule(M::GET, "/api/v1/funds?event_id=1", None, "AAAAAAA"),
        rule(
            M::POST,
            "/api/v1/funds",
            Some(json!({"name": "", "source_level": "x", "aid_type": "x", "amount_fen": 0})),
            "AADDDDD",
        ),
        rule(M::GET, "/api/v1/households", None, "AADAAAA"),
        rule(M::POST, "/api/v1/households", Some(json!({"head_name": ""})), "AADADDD"),
        rule(M::GET, "/api/v1/households/1", None, "AADAAAA"),
        rule(M::PATCH, "/api/v1/households/1", Some(json!({"members": 0})), "AADADDD"),
        rule(M::GET, "/api/v1/households/hexagons", None, "AADAAAA"),
        // no body: not a CSV or XLSX file (415)
        rule(M::POST, "/api/v1/households/import", None, "AADADDD"),
        rule(M::GET, "/api/v1/households/imports/no-such-import", None, "AADADDD"),
        rule(M::GET, "/api/v1/events/1/household-damage", None, "AADAAAA"),
        rule(M::POST, "/api/v1/events/1/household-damage", Some(json!({"household_id": 1})), "DADAADD"),
        rule(M::GET, "/api/v1/events/1/household-damage/summary", None, "AADAAAA"),
        // an unknown event (404) after the role check: a download would be audited
        rule(M::GET, "/api/v1/exports/registers/dead-missing?event_id=999", None, "AADAAAA"),
        rule(M::GET, "/api/v1/exports/registers/damaged-houses?event_id=999", None, "AADAAAA"),
        // the demo has no grant list: every grant-list step checks the role before loading the list
        rule(M::GET, "/api/v1/grant-lists", None, "AADDAAA"),
        rule(M::POST, "/api/v1/grant-lists", Some(json!({"event_id": 1})), "DADDDDD"),
        rule(M::GET, "/api/v1/grant-lists/999", None, "AADDAAA"),
        rule(M::POST, "/api/v1/grant-lists/999/submit", None, "DADDDDD"),
        rule(M::POST, "/api/v1/grant-lists/999/approve", None, "DDDDDAD"),
        rule(M::POST, "/api/v1/grant-lists/999/reject", Some(json!({"reason": ""})), "DDDDDAD"),
        rule(M::POST, "/api/v1/grant-lists/999/publish", None, "DADDDAD"),
        rule(M::POST, "/api/v1/grant-lists/999/pay", None, "DADDDDD"),
        rule(M::POST, "/api/v1/grant-lists/999/cancel", None, "DADDDDD"),
        rule(M::GET, "/api/v1/grant-lists/999/payment-file", None, "DADDDDD"),
        rule(M::GET, "/api/v1/grant-lists/999/objections", None, "AADDDAA"),
        rule(
            M::POST,
            "/api/v1/grant-lists/999/objections/999/answer",
            Some(json!({"decision": "dismissed", "answer": ""})),
            "DDDDDAD",
        ),
        // an unknown event (404) after the role check: a download would be audited
        rule(M::GET, "/api/v1/exports/handoff?programme=housing&event_id=999", None, "AADDDAA"),
        rule(M::GET, "/api/v1/handoff-tokens", None, "ADDDDDD"),
        rule(
            M::POST,
            "/api/v1/handoff-tokens",
            Some(json!({"department": "", "programmes": [], "area_code": ""})),
            "ADDDDDD",
        ),
        rule(M::DELETE, "/api/v1/handoff-tokens/999", None, "ADDDDDD"),
        // only a department token reads it (see the test below); logins are refused
        rule(M::GET, "/api/v1/department/handoffs?programme=housing&event_id=1", None, "DDDDDDD"),
        // one-window cases: township staff take them in; the departments answer with their tokens
        rule(M::POST, "/api/v1/cases", Some(json!({})), "DADADDD"),
        rule(M::GET, "/api/v1/cases", None, "AADADAA"),
        rule(M::GET, "/api/v1/cases/999", None, "AADADAA"),
        rule(M::POST, "/api/v1/cases/999/refer", None, "DADADDD"),
        rule(M::POST, "/api/v1/cases/999/outcome", Some(json!({})), "DADDDDD"),
        rule(M::POST, "/api/v1/cases/999/close", Some(json!({})), "DADADDD"),
        rule(M::GET, "/api/v1/alerts/assistance", None, "AADADAA"),
        rule(M::POST, "/api/v1/alerts/assistance/999/case", Some(json!({})), "DADADDD"),
        rule(M::POST, "/api/v1/alerts/assistance/999/dismiss", Some(json!({})), "DADADDD"),
        rule(M::POST, "/api/v1/alerts/assistance/scan", Some(json!({"event_id": 999})), "AADDDDD"),
        rule(M::GET, "/api/v1/department/cases", None, "DDDDDDD"),
        rule(M::GET, "/api/v1/department/cases/999", None, "DDDDDDD"),
        rule(M::POST, "/api/v1/department/cases/999/accept", None, "DDDDDDD"),
        rule(M::POST, "/api/v1/department/cases/999/outcome", Some(json!({})), "DDDDDDD"),
        // the application chain: caseworkers (reporter, manager) file, assess and post notices; reviewers decide
        rule(M::GET, "/api/v1/applications", None, "AADADAA"),
        rule(M::POST, "/api/v1/applications", Some(json!({"event_id": 999})), "DADADDD"),
        rule(M::GET, "/api/v1/applications/999", None, "AADADAA"),
        rule(M::POST, "/api/v1/applications/999/village-assessment", Some(json!({})), "DADADDD"),
        rule(M::POST, "/api/v1/applications/999/township-review", Some(json!({})), "DDDDDAD"),
        rule(M::POST, "/api/v1/applications/999/county-decision", Some(json!({})), "DDDDDAD"),
        rule(M::POST, "/api/v1/application-disclosures", Some(json!({})), "DADADDD"),
        rule(M::GET, "/api/v1/application-objections", None, "AADADAA"),
        rule(M::POST, "/api/v1/application-objections/999/answer", Some(json!({})), "DDDDDAD"),
        // winter–spring campaigns: managers open them; caseworkers (reporter, manager) survey;
        // managers and reviewers send figures up and take them from below
        rule(M::GET, "/api/v1/winter-spring/campaigns", None, "AADADAA"),
        rule(M::POST, "/api/v1/winter-spring/campaigns", Some(json!({"year": 1})), "DADDDDD"),
        rule(M::GET, "/api/v1/winter-spring/campaigns/999", None, "AADADAA"),
        rule(M::GET, "/api/v1/winter-spring/campaigns/999/proposals", None, "DADADDD"),
        rule(M::GET, "/api/v1/winter-spring/campaigns/999/needs", None, "AADADAA"),
        rule(M::POST, "/api/v1/winter-spring/campaigns/999/needs", Some(json!({})), "DADADDD"),
        rule(M::PUT, "/api/v1/winter-spring/campaigns/999/needs/999", Some(json!({})), "DADADDD"),
        rule(M::GET, "/api/v1/winter-spring/campaigns/999/summary", None, "AADADAA"),
        rule(M::POST, "/api/v1/winter-spring/campaigns/999/submissions", Some(json!({})), "DADDDAD"),
        rule(M::POST, "/api/v1/winter-spring/campaigns/999/submissions/360425/decision", Some(json!({})), "DADDDAD"),
        rule(M::GET, "/api/v1/winter-spring/campaigns/999/tables/need", None, "AADADAA"),
        rule(M::GET, "/api/v1/winter-spring/campaigns/999/phases", None, "AADADAA"),
        rule(M::PUT, "/api/v1/winter-spring/campaigns/999/phases", Some(json!({})), "DADDDAD"),
        rule(M::POST, "/api/v1/winter-spring/campaigns/999/phases/999/grant-lists", None, "DADDDAD"),
        rule(M::GET, "/api/v1/winter-spring/campaigns/999/received", None, "AADADAA"),
        rule(M::POST, "/api/v1/winter-spring/campaigns/999/received", Some(json!({})), "DADADDD"),
        // rebuild cases: township staff open and record progress, county reviewers approve, inspectors accept
        rule(M::GET, "/api/v1/rebuild-cases", None, "AADAAAA"),
        rule(M::POST, "/api/v1/rebuild-cases", Some(json!({})), "DADADDD"),
        rule(M::GET, "/api/v1/rebuild-cases/999", None, "AADAAAA"),
        rule(M::POST, "/api/v1/rebuild-cases/999/approval", Some(json!({})), "DADDDAD"),
        rule(M::POST, "/api/v1/rebuild-cases/999/progress", Some(json!({})), "DADADDD"),
        rule(M::POST, "/api/v1/rebuild-cases/999/inspection", Some(json!({})), "DDDDADD"),
        rule(M::GET, "/api/v1/rebuild-stages?area_code=360425", None, "AADAAAA"),
        rule(M::PUT, "/api/v1/rebuild-stages", Some(json!({})), "DADDDAD"),
        rule(M::POST, "/api/v1/rebuild-cases/stage-lists", Some(json!({})), "DADDDAD"),
        rule(M::POST, "/api/v1/rebuild-cases/999/photos", Some(json!({})), "DADAADD"),
        rule(M::GET, "/api/v1/rebuild-cases/999/photos/1", None, "AADAAAA"),
        // housing insurance: county staff import policies and record the insurer's steps, township staff report claims
        rule(M::GET, "/api/v1/insurance/policies", None, "AADAAAA"),
        rule(M::POST, "/api/v1/insurance/policies/import", Some(json!({})), "DADDDAD"),
        rule(M::GET, "/api/v1/insurance/claims", None, "AADAAAA"),
        rule(M::POST, "/api/v1/insurance/claims", Some(json!({})), "DADADDD"),
        rule(M::GET, "/api/v1/insurance/claims/999", None, "AADAAAA"),
        rule(M::POST, "/api/v1/insurance/claims/999/survey", Some(json!({})), "DADDDAD"),
        rule(M::POST, "/api/v1/insurance/claims/999/payout", Some(json!({})), "DADDDAD"),
        rule(M::POST, "/api/v1/insurance/claims/999/refusal", Some(json!({})), "DADDDAD"),
        rule(M::GET, "/api/v1/insurance/counting?area_code=360425", None, "AADAAAA"),
        rule(M::PUT, "/api/v1/insurance/counting", Some(json!({})), "DADDDAD"),
        rule(M::GET, "/api/v1/insurance/report", None, "AADAAAA"),
        Rule {
            method: M::GET,
            path: "/api/v1/public/application-disclosures",
            body: None,
            expected: "AAAAAAA",
            public: true,
        },
        // the demo's township posted two village notices
        Rule {
            method: M::GET,
            path: "/api/v1/public/application-disclosures/1",
            body: None,
            expected: "AAAAAAA",
            public: true,
        },
        // cross-programme checks: managers, reviewers and reporters of their area, admins and auditors read; managers and reviewers resolve
        rule(M::GET, "/api/v1/checks", None, "AADADAA"),
        rule(M::GET, "/api/v1/checks.csv?kind=unknown", None, "AADADAA"), // a bad query: the export would be audited
        rule(M::POST, "/api/v1/checks/bank_shared:0/resolve", Some(json!({})), "AADDDAD"),
        Rule { method: M::GET, path: "/api/v1/health", body: None, expected: "AAAAAAA", public: true },
        Rule { method: M::GET, path: "/api/v1/public/disclosures", body: None, expected: "AAAAAAA", public: true },
    ]
}

/// Operations the matrix does not hold, and why.
const OUTSIDE_THE_MATRIX: &[(&str, &str, &str)] = &[
    ("POST", "/api/v1/auth/login", "open to anyone by design; throttling and tokens are tested in foundation.rs"),
    ("POST", "/api/v1/public/disclosures/{id}/objections", "public and rate-limited; tested in households.rs"),
    (
        "POST",
        "/api/v1/public/application-disclosures/{id}/objections",
        "public and rate-limited; tested in applications.rs",
    ),
    (
        "POST",
        "/api/v1/auth/logout",
        "revokes the caller's own token, which the rest of the run needs; tested in foundation.rs",
    ),
    (
        "POST",
        "/api/v1/transfers/{id}/receive",
        "the demo has no transfer and the depot check follows loading it (404 first); tested in stock.rs",
    ),
    (
        "GET",
        "/api/v1/public/cases/{receipt_no}",
        "public, by receipt number and last four characters; tested in cases.rs",
    ),
    (
        "GET",
        "/api/v1/public/disclosures/{id}",
        "public, but the demo has no published list (404); tested in households.rs",
    ),
    (
        "GET",
        "/api/v1/public/disclosures/{id}/export",
        "public, but the demo has no published list (404); tested in households.rs",
    ),
];

/// Whether a concrete path (its query aside) is an instance of an OpenAPI path template.
fn instance_of(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let (template, path): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    template.len() == path.len() && template.iter().zip(&path).all(|(t, p)| t.starts_with('{') || t == p)
}

store_tests! {
    the_matrix_holds_every_operation_of_the_api_document => |store| async move {
        let server = Server::start(store).await;
        let (status, document) = server.call(Method::GET, "/api/v1/openapi.json", None, None).await;
        assert_eq!(status, StatusCode::OK);
        let rules = matrix();
        let mut missing = Vec::new();
        for (template, operations) in document["paths"].as_object().unwrap() {
            for method in operations.as_object().unwrap().keys() {
                let method = method.to_uppercase();
                let covered = rules.iter().any(|r| r.method.as_str() == method && instance_of(template, r.path))
                    || OUTSIDE_THE_MATRIX.iter().any(|(m, t, _)| *m == method && t == template);
                if !covered {
                    missing.push(format!("{method} {template}"));
                }
            }
        }
        assert!(missing.is_empty(), "operations missing from the authorization matrix:\n{}", missing.join("\n"));
    };

    every_endpoint_allows_exactly_the_roles_in_the_matrix => |store| async move {
        let server = Server::start(store).await;
        let mut tokens = Vec::new();
        for role in ROLES {
            tokens.push(server.login(role).await);
        }
        let newest_before = server.audit("limit=1").await[0]["id"].as_i64().unwrap();
        let mut failures = Vec::new();
        for rule in matrix() {
            for (i, expected) in rule.expected.chars().enumerate() {
                let (status, body) = server.call(rule.method.clone(), rule.path, Some(&tokens[i]), rule.body.clone()).await;
                let allowed = status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED;
                if allowed != (expected == 'A') || status.is_server_error() {
                    failures.push(format!("{} {} as {}: {status} {body}", rule.method, rule.path, ROLES[i]));
                }
            }
            let (status, _) = server.call(rule.method.clone(), rule.path, None, rule.body.clone()).await;
            let expected_anonymous = if rule.public { status.is_success() } else { status == StatusCode::UNAUTHORIZED };
            if !expected_anonymous {
                failures.push(format!("{} {} without a token: {status}", rule.method, rule.path));
            }
        }
        assert!(failures.is_empty(), "authorization matrix violations:\n{}", failures.join("\n"));
        // the matrix requests wrote nothing: every audit record since is a login
        let since: Vec<Value> = server.audit("limit=500").await.into_iter().filter(|r| r["id"].as_i64().unwrap() > newest_before).collect();
        assert!(since.iter().all(|r| r["action"] == "auth.login"), "the matrix requests wrote: {since:?}");
    };

    staff_change_only_the_events_and_plans_their_scope_covers => |store| async move {
        let server = Server::start(store).await;
        let admin = server.login("admin").await;
        for (username, role, area) in [("yongxiu_manager", "manager", "360425"), ("yongxiu_reviewer", "reviewer", "360425"), ("wuning_manager", "manager", "360423")] {
            let (status, body) = server.post("/api/v1/users", &admin, json!({"username": username, "password": "demo", "role": role, "area_code": area})).await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let (city, reviewer) = (server.login("manager").await, server.login("reviewer").await);
        let (yongxiu, yongxiu_reviewer, wuning) =
            (server.login("yongxiu_manager").await, server.login("yongxiu_reviewer").await, server.login("wuning_manager").await);

        // The city's emergency plan for the demo flood provides for 永修 and other counties.
        let (status, plan) = server.post("/api/v1/plans", &city, json!({"event_id": 1, "aid_type": "emergency", "kind": "materials"})).await;
        assert_eq!(status, StatusCode::CREATED, "{plan}");
        let id = plan["id"].as_i64().unwrap();
        let areas: Vec<&str> = plan["areas"].as_array().unwrap().iter().map(|a| a["area_code"].as_str().unwrap()).collect();
        assert!(areas.iter().any(|a| a.starts_with("360425")) && areas.iter().any(|a| !a.starts_with("360425")), "{areas:?}");

        // 永修's manager reads it, but may not change what the other counties get.
        assert_eq!(server.get(&format!("/api/v1/plans/{id}"), &yongxiu).await.0, StatusCode::OK);
        for (method, action, body) in [(Method::POST, "submit", None), (Method::POST, "cancel", None), (Method::POST, "replan", None), (Method::PATCH, "", Some(json!({"lines": []})))] {
            let path = if action.is_empty() { format!("/api/v1/plans/{id}") } else { format!("/api/v1/plans/{id}/{action}") };
            let (status, body) = server.call(method.clone(), &path, Some(&yongxiu), body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}: {body}");
        }
        // 武宁, untouched by the flood, does not see it at all.
        assert_eq!(server.get(&format!("/api/v1/plans/{id}"), &wuning).await.0, StatusCode::NOT_FOUND);
        assert_eq!(server.get(&format!("/api/v1/exports/time-to-aid?plan_id={id}"), &wuning).await.0, StatusCode::NOT_FOUND);
        let (_, listed) = server.get("/api/v1/plans", &wuning).await;
        assert!(listed.as_array().unwrap().iter().all(|p| p["id"] != id), "{listed}");

        // Submitted by the city, it is approved by a reviewer whose scope covers it, not by 永修's.
        assert_eq!(server.post(&format!("/api/v1/plans/{id}/submit"), &city, json!({})).await.0, StatusCode::OK);
        assert_eq!(server.post(&format!("/api/v1/plans/{id}/approve"), &yongxiu_reviewer, json!({})).await.0, StatusCode::FORBIDDEN);
        let (status, approved) = server.post(&format!("/api/v1/plans/{id}/approve"), &reviewer, json!({})).await;
        assert_eq!((status, approved["status"].as_str()), (StatusCode::OK, Some("approved")), "{approved}");

        // 永修's own plan draws on 永修's depots only, also when its lines are edited.
        let (status, own_plan) = server.post("/api/v1/plans", &yongxiu, json!({"event_id": 1, "aid_type": "transitional", "kind": "materials"})).await;
        assert_eq!(status, StatusCode::CREATED, "{own_plan}");
        let mut line = own_plan["lines"][0].clone();
        assert_ne!(line["depot_id"], 1, "{own_plan}");
        line["depot_id"] = json!(1); // the city's depot
        let (status, body) = server.call(Method::PATCH, &format!("/api/v1/plans/{}", own_plan["id"]), Some(&yongxiu), Some(json!({"lines": [line]}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["details"][0]["field"], "lines[0].depot_id", "{body}");

        // The flood spans six counties: 永修's manager neither closes it nor draws its blocked zones,
        // and opens events of their own county only.
        let (status, body) = server.call(Method::PATCH, "/api/v1/events/1", Some(&yongxiu), Some(json!({"status": "stabilised"}))).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let square = json!({"type": "Polygon", "coordinates": [[[115.8, 29.1], [115.9, 29.1], [115.9, 29.2], [115.8, 29.2], [115.8, 29.1]]]});
        let (status, body) = server.post("/api/v1/events/1/blockages", &yongxiu, json!({"name": "永修 road", "geometry": square})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        let event = |areas: &[&str]| json!({"name": "内涝", "hazard": "flood", "onset_at": "2026-07-01T00:00:00Z", "affected_areas": areas});
        assert_eq!(server.post("/api/v1/events", &yongxiu, event(&["360425", "360428"])).await.0, StatusCode::FORBIDDEN);
        let (status, own) = server.post("/api/v1/events", &yongxiu, event(&["360425"])).await;
        assert_eq!(status, StatusCode::CREATED, "{own}");
        let (_, flood) = server.get("/api/v1/events/1", &city).await;
        assert_eq!(flood["status"], "active", "the refused edit changed nothing");
    };

    a_department_token_is_refused_by_every_endpoint_but_its_own => |store| async move {
        let server = Server::start(store).await;
        let admin = server.login("admin").await;
        let (status, issued) = server.post("/api/v1/handoff-tokens", &admin,
            json!({"department": "九江市教育局", "programmes": ["housing"], "area_code": "360400"})).await;
        assert_eq!(status, StatusCode::CREATED, "{issued}");
        let department = issued["token"].as_str().unwrap().to_owned();
        let mut failures = Vec::new();
        for rule in matrix().into_iter().filter(|r| !r.public) {
            let (status, body) = server.call(rule.method.clone(), rule.path, Some(&department), rule.body.clone()).await;
            // Its own endpoints let it past authorization (a missing case is a 404, a bad body a 422).
            let own = rule.path.starts_with("/api/v1/department/");
            let allowed = ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&status) && !status.is_server_error();
            if (own && !allowed) || (!own && status != StatusCode::FORBIDDEN) {
                failures.push(format!("{} {} with a department token: {status} {body}", rule.method, rule.path));
            }
        }
        assert!(failures.is_empty(), "department token violations:\n{}", failures.join("\n"));
    };
}
