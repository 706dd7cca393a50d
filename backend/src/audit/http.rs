use axum::Json;
use axum::extract::{Query, State};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AuditQuery, AuditRecord};
use crate::auth::{Actor, Role};
use crate::error::AppResult;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub records: Vec<AuditRecord>,
    /// Pass as `before_id` to read the next (older) page; absent on the last page.
    pub next_before_id: Option<i64>,
}

/// The audit trail, newest first (admin and auditor only).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = AuditPage), (status = 401), (status = 403)))]
async fn list_audit(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<AuditQuery>,
) -> AppResult<Json<AuditPage>> {
    actor.require_role(&[Role::Admin, Role::Auditor])?;
    let records = state.store.list_audit(&query).await?;
    let next_before_id = (records.len() as i64 == query.page_size()).then(|| records.last().map(|r| r.id)).flatten();
    Ok(Json(AuditPage { records, next_before_id }))
}
