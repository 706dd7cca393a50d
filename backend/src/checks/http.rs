//! The cross-programme checks over HTTP: the findings of the caller's area (JSON, or a CSV table),
//! and resolving one with a reason.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::middleware::from_fn;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

use super::service::{self, CheckFilter};
use super::{CheckKind, Finding, FindingStatus};
use crate::areas::AreaCode;
use crate::auth::{Actor, Role};
use crate::db::long_reads;
use crate::error::{AppError, AppResult};
use crate::export::{Cell, Format, Table};
use crate::extract::parse_body;
use crate::state::AppState;
use crate::text_enum::{enum_text, parse_enum};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_check_findings).layer(from_fn(long_reads)))
        .routes(routes!(export_check_findings).layer(from_fn(long_reads)))
        .routes(routes!(resolve_check_finding).layer(from_fn(long_reads)))
}

/// Who reads the findings: managers, reviewers and reporters of their area; admins and auditors.
const READERS: &[Role] = &[Role::Admin, Role::Manager, Role::Reporter, Role::Reviewer, Role::Auditor];
/// Who resolves them: managers and reviewers of the finding's area, admins.
const RESOLVERS: &[Role] = &[Role::Admin, Role::Manager, Role::Reviewer];

/// The filters, parsed after the role check (so a caller without the right learns nothing from
/// their validation).
#[derive(Debug, Deserialize, IntoParams)]
pub struct CheckQuery {
    #[param(value_type = Option<CheckKind>)]
    pub kind: Option<String>,
    #[param(value_type = Option<FindingStatus>)]
    pub status: Option<String>,
    /// Findings in this area's subtree (default: the caller's scope).
    #[param(value_type = Option<String>)]
    pub area_code: Option<String>,
}

fn filter(actor: &Actor, query: CheckQuery) -> AppResult<CheckFilter> {
    let kind = match query.kind.filter(|k| !k.is_empty()) {
        Some(text) => Some(parse_enum::<CheckKind>(text).map_err(|e| AppError::invalid_field("kind", e))?),
        None => None,
    };
    let status = match query.status.filter(|s| !s.is_empty()) {
        Some(text) => Some(parse_enum::<FindingStatus>(text).map_err(|e| AppError::invalid_field("status", e))?),
        None => None,
    };
    let area = match query.area_code.filter(|a| !a.is_empty()) {
        Some(text) => Some(AreaCode::parse(&text).map_err(|e| AppError::invalid_field("area_code", e))?),
        None => None,
    };
    Ok(CheckFilter { kind, status, area_pattern: actor.area_pattern(area.as_ref())? })
}

/// Cross-programme checks (交叉比对): what the programmes' records disagree on in the caller's area
/// — one person in two households, one bank account on several households, an aid item paid
/// twice, grants above the standard or without a loss, stock far off the people served — each
/// with the records it names, open or resolved. Names masked except for managers and admins of
/// the area; ID numbers and accounts always masked.
#[utoipa::path(get, path = "/api/v1/checks", tag = "checks", security(("bearer" = [])), params(CheckQuery),
    responses((status = 200, body = [Finding]), (status = 403), (status = 422)))]
async fn list_check_findings(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<CheckQuery>,
) -> AppResult<Json<Vec<Finding>>> {
    actor.require_role(READERS)?;
    let filter = filter(&actor, query)?;
    Ok(Json(service::findings(&*state.store, &state.settings, &actor, &filter).await?))
}

fn joined(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(" ")
}

/// The findings as a table (one row each), as the list shows them.
pub fn findings_table(findings: &[Finding]) -> Table {
    Table {
        name: "cross-programme-checks".into(),
        title: "交叉比对".into(),
        headers: vec![
            "编号 key",
            "类别 kind",
            "类别",
            "区划 area",
            "事件 event",
            "户 households",
            "户主 heads",
            "身份证号 ID numbers",
            "发放记录 grants",
            "名单 lists",
            "受理案件 cases",
            "运单 shipments",
            "仓库 depots",
            "情况 summary",
            "状态 status",
            "处理理由 reason",
            "处理人 resolved by",
            "处理时间 resolved at",
        ],
        rows: findings
            .iter()
            .map(|f| {
                vec![
                    Cell::from(f.key.as_str()),
                    Cell::from(enum_text(f.kind)),
                    Cell::from(f.kind_zh.as_str()),
                    Cell::from(f.area_code.as_str()),
                    Cell::from(f.event_id),
                    Cell::from(joined(&f.household_ids)),
                    Cell::from(f.households.iter().map(|h| h.head_name.as_str()).collect::<Vec<_>>().join(" ")),
                    Cell::from(f.households.iter().map(|h| h.id_number_masked.as_str()).collect::<Vec<_>>().join(" ")),
                    Cell::from(joined(&f.grant_ids)),
                    Cell::from(joined(&f.list_ids)),
                    Cell::from(joined(&f.case_ids)),
                    Cell::from(joined(&f.shipment_ids)),
                    Cell::from(joined(&f.depot_ids)),
                    Cell::from(f.summary.as_str()),
                    Cell::from(enum_text(f.status)),
                    Cell::from(f.reason.clone()),
                    Cell::from(f.resolved_by.clone()),
                    Cell::from(f.resolved_at.map(|t| t.to_rfc3339())),
                ]
            })
            .collect(),
    }
}

/// The same findings as `GET /api/v1/checks`, as a CSV file (UTF-8 with a byte-order mark).
/// Audited.
#[utoipa::path(get, path = "/api/v1/checks.csv", tag = "checks", security(("bearer" = [])), params(CheckQuery),
    responses((status = 200, description = "CSV file"), (status = 403), (status = 422)))]
async fn export_check_findings(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<CheckQuery>,
) -> AppResult<Response> {
    actor.require_role(READERS)?;
    let filter = filter(&actor, query)?;
    let findings = service::findings(&*state.store, &state.settings, &actor, &filter).await?;
    let table = findings_table(&findings);
    let audit = actor.audit("export.checks", "export", "checks").with_after(json!({
        "area": filter.area_pattern, "kind": filter.kind, "status": filter.status, "rows": table.rows.len(),
    }));
    state.store.record_audit(&audit).await?;
    table.into_response(Format::Csv)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CheckResolveInput)]
pub struct ResolveInput {
    /// Why the finding is in order, e.g. "two brothers share the account of their late father; verified".
    pub reason: String,
}

/// Resolves a finding with the reason it is in order (audited): it stays resolved for as long as
/// the checks find the same key. 404 when the checks do not find it now; 409 when it is resolved
/// already; 422 for an empty reason (nothing written).
#[utoipa::path(post, path = "/api/v1/checks/{key}/resolve", tag = "checks", security(("bearer" = [])),
    params(("key" = String, Path, description = "the finding's key")), request_body = ResolveInput,
    responses((status = 200, body = Finding), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn resolve_check_finding(
    State(state): State<AppState>,
    actor: Actor,
    Path(key): Path<String>,
    Json(body): Json<Value>,
) -> AppResult<Json<Finding>> {
    actor.require_role(RESOLVERS)?;
    let input: ResolveInput = parse_body(body)?;
    Ok(Json(service::resolve(&*state.store, &state.settings, &actor, &key, &input.reason).await?))
}
