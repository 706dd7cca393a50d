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
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sqlx::types::Json as SqlJson;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::grants::{HandoffProgramme, Identify, handoff_audit, handoff_table};
use super::http::{area_levels, parse_body};
use super::pii::Pii;
use crate::areas::code;
use crate::audit::AuditEntry;
use crate::auth::{Actor, Role, bearer_token, new_token, request_id_from, token_hash};
use crate::disasters::http::event_or_404;
use crate::error::{AppError, AppResult, FieldError};
use crate::export::Format;
use crate::http::AppState;

/// Department tokens start with this, so the login-token check can tell them apart.
pub const TOKEN_PREFIX: &str = "jzh_";
const DEFAULT_DAYS: i64 = 90;
const MAX_DAYS: i64 = 366;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(department_handoff))
}

/// A department token as stored (never the secret).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct HandoffToken {
    pub id: i64,
    pub department: String,
    #[schema(value_type = Vec<HandoffProgramme>)]
    pub programmes: SqlJson<Vec<HandoffProgramme>>,
    /// Root of the area the token reads.
    pub area_code: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_by: Option<String>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl HandoffToken {
    pub fn active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

#[derive(Debug, Clone)]
pub struct NewHandoffToken {
    pub token_hash: String,
    pub department: String,
    pub programmes: Vec<HandoffProgramme>,
    pub area_code: String,
    pub created_by: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    #[serde(flatten)]
    pub token: HandoffToken,
    /// active, expired or revoked
    pub status: &'static str,
}

impl From<HandoffToken> for TokenView {
    fn from(token: HandoffToken) -> Self {
        let status = match (&token.revoked_at, token.expires_at > Utc::now()) {
            (Some(_), _) => "revoked",
            (None, false) => "expired",
            (None, true) => "active",
        };
        Self { token, status }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedToken {
    /// The bearer secret: shown this once, stored only as a hash.
    pub token: String,
    #[serde(flatten)]
    pub view: TokenView,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// The receiving department, e.g. 永修县教育局.
    pub department: String,
    /// The hand-offs it receives.
    pub programmes: Vec<HandoffProgramme>,
    /// The area it reads (its subtree).
    pub area_code: String,
    /// 1–366 days (default 90).
    pub expires_in_days: Option<i64>,
}

/// Issues a read-only hand-off token for a department (admins). The secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/handoff-tokens", tag = "households", security(("bearer" = [])), request_body = TokenInput,
    responses((status = 201, body = IssuedToken), (status = 403), (status = 422)))]
async fn create_token(State(state): State<AppState>, actor: Actor, Json(body): Json<Value>) -> AppResult<(StatusCode, Json<IssuedToken>)> {
    actor.require_role(&[Role::Admin])?;
    let input: TokenInput = parse_body(body)?;
    let mut problems = Vec::new();
    let department = input.department.trim().to_owned();
    if department.is_empty() || department.chars().count() > 100 {
        problems.push(FieldError::new("department", "1–100 characters"));
    }
    let mut programmes: Vec<HandoffProgramme> = Vec::new();
    for programme in input.programmes {
        if !programmes.contains(&programme) {
            programmes.push(programme);
        }
    }
    if programmes.is_empty() {
        problems.push(FieldError::new("programmes", "at least one hand-off programme"));
    }
    if !area_levels(&state).await?.contains_key(&input.area_code) {
        problems.push(FieldError::new("area_code", format!("unknown area {}", input.area_code)));
    }
    let days = input.expires_in_days.unwrap_or(DEFAULT_DAYS);
    if !(1..=MAX_DAYS).contains(&days) {
        problems.push(FieldError::new("expires_in_days", format!("1–{MAX_DAYS} days")));
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid hand-off token", problems));
    }
    let secret = format!("{TOKEN_PREFIX}{}", new_token());
    let new = NewHandoffToken {
        token_hash: token_hash(&secret),
        department,
        programmes,
        area_code: input.area_code,
        created_by: actor.user.username.clone(),
        expires_at: Utc::now() + Duration::days(days),
    };
    let audit = actor.audit("handoff_token.create", "handoff_token", "").with_after(json!({
        "department": new.department, "programmes": new.programmes, "area_code": new.area_code, "expires_at": new.expires_at,
    }));
    let id = state.store.create_handoff_token(&new, &audit).await?;
    let token = state.store.handoff_token(id).await?.ok_or_else(|| AppError::NotFound("token vanished".into()))?;
    Ok((StatusCode::CREATED, Json(IssuedToken { token: secret, view: token.into() })))
}

/// The department tokens, newest first, without their secrets (admins).
#[utoipa::path(get, path = "/api/v1/handoff-tokens", tag = "households", security(("bearer" = [])),
    responses((status = 200, body = [TokenView]), (status = 403)))]
async fn list_tokens(State(state): State<AppState>, actor: Actor) -> AppResult<Json<Vec<TokenView>>> {
    actor.require_role(&[Role::Admin])?;
    Ok(Json(state.store.handoff_tokens().await?.into_iter().map(TokenView::from).collect()))
}

/// Revokes a department token at once (admins); revoking it again changes nothing.
#[utoipa::path(delete, path = "/api/v1/handoff-tokens/{id}", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = TokenView), (status = 403), (status = 404)))]
async fn revoke_token(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<TokenView>> {
    actor.require_role(&[Role::Admin])?;
    let token = state.store.handoff_token(id).await?.ok_or_else(|| AppError::NotFound(format!("no hand-off token {id}")))?;
    let audit = actor
        .audit("handoff_token.revoke", "handoff_token", id.to_string())
        .with_before(json!({"department": token.department, "area_code": token.area_code, "revoked_at": token.revoked_at}));
    state.store.revoke_handoff_token(id, &actor.user.username, &audit).await?;
    let token = state.store.handoff_token(id).await?.ok_or_else(|| AppError::NotFound(format!("no hand-off token {id}")))?;
    Ok(Json(token.into()))
}

// ---- reading with a department token ---------------------------------------------------------

/// The caller of the department endpoint: an active department token.
#[derive(Debug, Clone)]
pub struct Department {
    pub token: HandoffToken,
    pub request_id: Option<String>,
}

impl FromRequestParts<AppState> for Department {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let invalid = || AppError::Unauthorized("missing, invalid, revoked or expired department token".into());
        let secret = bearer_token(&parts.headers).filter(|t| t.starts_with(TOKEN_PREFIX)).ok_or_else(invalid)?;
        let token = state.store.find_handoff_token(&token_hash(secret)).await?.ok_or_else(invalid)?;
        if !token.active(Utc::now()) {
            return Err(invalid());
        }
        Ok(Department { token, request_id: request_id_from(&parts.headers) })
    }
}

/// What a department token answers on any endpoint but its own: 403 while it is active (it is a
/// valid credential, just not for this), 401 once revoked or expired. Called by the login-token check.
pub async fn refuse_elsewhere(state: &AppState, secret: &str) -> AppError {
    match state.store.find_handoff_token(&token_hash(secret)).await {
        Ok(Some(token)) if token.active(Utc::now()) => {
            AppError::Forbidden("a department hand-off token only reads GET /api/v1/department/handoffs".into())
        }
        Ok(_) => AppError::Unauthorized("missing, invalid or expired token".into()),
        Err(e) => e.into(),
    }
}

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
    pub area_code: Option<String>,
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
async fn department_handoff(State(state): State<AppState>, department: Department, Query(query): Query<DepartmentQuery>) -> AppResult<Response> {
    let token = &department.token;
    if !token.programmes.0.contains(&query.programme) {
        return Err(AppError::Forbidden(format!("this token does not receive the {} hand-off", query.programme.file())));
    }
    let area = query.area_code.clone().unwrap_or_else(|| token.area_code.clone());
    if !code::within(&token.area_code, &area) {
        return Err(AppError::Forbidden(format!("area {area} is outside this token's area {}", token.area_code)));
    }
    let event = event_or_404(&state, query.event_id).await?;
    let pattern = code::subtree_pattern(&area);
    let pii = Pii::from_settings(&state.settings);
    let table = handoff_table(&state, event.id, &pattern, query.programme, Identify::Department(&pii)).await?;
    let format = match query.format {
        DepartmentFormat::Json => "json",
        DepartmentFormat::Csv => "csv",
        DepartmentFormat::Xlsx => "xlsx",
    };
    let mut after = handoff_audit(&table, query.programme, event.id, &pattern, format);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn token(expires_in_days: i64, revoked: bool) -> HandoffToken {
        let now = Utc::now();
        HandoffToken {
            id: 1,
            department: "教育局".into(),
            programmes: SqlJson(vec![HandoffProgramme::Education]),
            area_code: "360425".into(),
            created_by: "admin".into(),
            created_at: now,
            expires_at: now + Duration::days(expires_in_days),
            revoked_at: revoked.then_some(now),
            revoked_by: revoked.then(|| "admin".into()),
            last_used_at: None,
        }
    }

    #[test]
    fn a_token_is_active_until_it_expires_or_is_revoked() {
        assert!(token(1, false).active(Utc::now()));
        assert!(!token(1, false).active(Utc::now() + Duration::days(2)));
        assert!(!token(1, true).active(Utc::now()));
        assert_eq!(TokenView::from(token(1, false)).status, "active");
        assert_eq!(TokenView::from(token(-1, false)).status, "expired");
        assert_eq!(TokenView::from(token(-1, true)).status, "revoked");
    }

    #[test]
    fn the_view_carries_no_secret() {
        let view = serde_json::to_value(TokenView::from(token(1, false))).unwrap();
        assert!(view.get("token").is_none() && view.get("token_hash").is_none(), "{view}");
        assert_eq!(view["programmes"], json!(["education"]));
    }
}
