//! Read-only tokens of the receiving departments (education bureau, 临时救助, 住房救助 …) for the
//! hand-off API. An admin issues a token for one department, the hand-off programmes it receives
//! and an area; the secret is shown once and stored only as its SHA-256, like a login token.
//! A request bearing it may read those hand-offs within that area (JSON, CSV or XLSX) and nothing
//! else: every other endpoint answers 403, and a revoked or expired token 401. Every read is
//! audited and stamps the token's last use.
//!
//! Names and ID numbers: a department enrols the household in its own programme, which needs the
//! head's full name and ID number (the enrolment is keyed on it), so these hand-offs carry both in
//! full. The staff download (`/api/v1/exports/handoff`) keeps ID numbers masked.

use axum::Json;
use axum::extract::{Query, State};
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

use super::handoff::{self, Identify};
use crate::areas::AreaCode;
use crate::areas::code;
use crate::audit::AuditEntry;
use crate::auth::departments::{Department, HandoffProgramme};
use crate::db::long_reads;
use crate::disasters::service::event_or_404;
use crate::error::{AppError, AppResult};
use crate::export::Format;
use crate::households::pii::Pii;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(department_handoff).layer(from_fn(long_reads)))
}

// ---- reading with a department token ---------------------------------------------------------

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DepartmentFormat {
    #[default]
    Json,
    Csv,
    Xlsx,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DepartmentQuery {
    /// One of the token's programmes.
    #[param(value_type = String)]
    pub programme: HandoffProgramme,
    pub event_id: i64,
    /// Within the token's area (default: all of it).
    pub area_code: Option<AreaCode>,
    /// json (default), csv or xlsx
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub format: DepartmentFormat,
}

/// A hand-off for the receiving department (bearer: its department token, not a login): one of
/// its programmes, for an event, within its area, as JSON (`columns` and `rows`), CSV or XLSX,
/// with the head's full name and ID number to enrol the household. Every read is audited.
#[utoipa::path(get, path = "/api/v1/department/handoffs", tag = "households", security(("department_token" = [])), params(DepartmentQuery),
    responses((status = 200, description = "JSON, CSV or XLSX"), (status = 401, description = "no, revoked or expired department token"),
              (status = 403, description = "a programme or area outside the token"), (status = 404)))]
async fn department_handoff(
    State(state): State<AppState>,
    department: Department,
    Query(query): Query<DepartmentQuery>,
) -> AppResult<Response> {
    let token = &department.token;
    if !token.programmes.0.contains(&query.programme) {
        return Err(AppError::Forbidden(format!(
            "this token does not receive the {} hand-off",
            query.programme.file()
        )));
    }
    let area = query.area_code.clone().unwrap_or_else(|| token.area_code.clone());
    if !code::within(&token.area_code, &area) {
        return Err(AppError::Forbidden(format!("area {area} is outside this token's area {}", token.area_code)));
    }
    let event = event_or_404(&*state.store, query.event_id).await?;
    let pattern = code::subtree_pattern(&area);
    let pii = Pii::from_settings(&state.settings);
    let table = handoff::table(&*state.store, event.id, &pattern, query.programme, Identify::Department(&pii)).await?;
    let format = match query.format {
        DepartmentFormat::Json => "json",
        DepartmentFormat::Csv => "csv",
        DepartmentFormat::Xlsx => "xlsx",
    };
    let mut after = handoff::audit_record(&table, query.programme, event.id, &pattern, format);
    after["token_id"] = json!(token.id);
    after["department"] = json!(token.department);
    let audit = AuditEntry {
        actor_id: None,
        actor_name: format!("handoff-token:{}", token.id),
        action: "export.handoff".into(),
        entity_type: "export".into(),
        entity_id: query.programme.file().into(),
        before: None,
        after: Some(after),
        request_id: department.request_id.clone(),
    };
    state.store.record_handoff_read(token.id, &audit).await?;
    match query.format {
        DepartmentFormat::Json => Ok(Json(json!({
            "department": token.department, "programme": query.programme, "event_id": event.id, "area_code": area,
            "title": table.title, "columns": table.headers, "rows": table.json_rows(),
        }))
        .into_response()),
        DepartmentFormat::Csv => table.into_response(Format::Csv),
        DepartmentFormat::Xlsx => table.into_response(Format::Xlsx),
    }
}
