use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store::NewUser;
use super::{Actor, Role, User, bearer_token, new_token, password, token_hash};
use crate::audit::AuditEntry;
use crate::error::{AppError, AppResult, FieldError};
use crate::http::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(list_users, create_user))
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// One message for unknown users and wrong passwords, so logins reveal no usernames.
const LOGIN_FAILED: &str = "wrong username or password";

/// Exchanges a username and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, description = "wrong username or password"),
              (status = 429, description = "too many failed attempts")))]
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(request): Json<LoginRequest>,
) -> AppResult<Response> {
    let client = Some(peer.ip());
    if let Some(seconds) = state.throttle.retry_after(&request.username, client) {
        let mut response = AppError::TooManyRequests(format!("too many failed logins; try again in {seconds} s")).into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return Ok(response);
    }
    let found = state.store.find_credentials(&request.username).await?;
    let (user, stored) = match found {
        Some((user, hash)) if user.active => (Some(user), Some(hash)),
        _ => (None, None),
    };
    let verified = password::verify(request.password, stored).await?;
    let Some(mut user) = user.filter(|_| verified) else {
        state.throttle.record_failure(&request.username, client);
        tracing::info!(client = ?client, "failed login");
        return Err(AppError::Unauthorized(LOGIN_FAILED.into()));
    };
    state.throttle.record_success(&request.username);
    super::load_depots(&state, &mut user).await?;
    let token = new_token();
    let expires_at = Utc::now() + state.settings.token_ttl();
    let actor = Actor { user: user.clone(), request_id: super::request_id_from(&headers) };
    state.store.create_session(user.id, &token_hash(&token), expires_at, &actor.audit("auth.login", "user", user.id.to_string())).await?;
    Ok(Json(LoginResponse { token, expires_at, user }).into_response())
}

/// Revokes the token used for this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401)))]
async fn logout(State(state): State<AppState>, actor: Actor, headers: HeaderMap) -> AppResult<StatusCode> {
    let token = bearer_token(&headers).ok_or_else(|| AppError::Unauthorized("missing token".into()))?;
    let audit = actor.audit("auth.logout", "user", actor.user.id.to_string());
    let hash = token_hash(token);
    state.store.revoke_session(&hash, &audit).await?;
    state.sessions.forget(&hash);
    Ok(StatusCode::NO_CONTENT)
}

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = User), (status = 401)))]
async fn me(actor: Actor) -> Json<User> {
    Json(actor.user)
}

/// All users (admin only).
#[utoipa::path(get, path = "/api/v1/users", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = [User]), (status = 403)))]
async fn list_users(State(state): State<AppState>, actor: Actor) -> AppResult<Json<Vec<User>>> {
    actor.require_role(&[Role::Admin])?;
    Ok(Json(state.store.list_users().await?))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateUser {
    pub username: String,
    pub display_name: Option<String>,
    pub password: String,
    pub role: Role,
    /// Root of the area scope; required for every role but admin and auditor.
    pub area_code: Option<String>,
}

/// Creates a user (admin only).
#[utoipa::path(post, path = "/api/v1/users", tag = "auth", security(("bearer" = [])), request_body = CreateUser,
    responses((status = 201, body = User), (status = 403), (status = 409, description = "username taken"), (status = 422)))]
async fn create_user(
    State(state): State<AppState>,
    actor: Actor,
    Json(request): Json<CreateUser>,
) -> AppResult<(StatusCode, Json<User>)> {
    actor.require_role(&[Role::Admin])?;
    let user = add_user(&state, request, actor.audit("user.create", "user", "")).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Validates and stores a new user; shared by the API and the `jiuzai user add` command.
pub async fn add_user(state: &AppState, request: CreateUser, audit: AuditEntry) -> AppResult<User> {
    let mut problems = Vec::new();
    let username = request.username.trim().to_owned();
    if username.is_empty() || username.len() > 64 || !username.chars().all(|c| c.is_alphanumeric() || "._-".contains(c)) {
        problems.push(FieldError::new("username", "1–64 letters, digits, '.', '_' or '-'"));
    }
    if request.password.chars().count() < 4 {
        problems.push(FieldError::new("password", "at least 4 characters"));
    }
    match (&request.area_code, request.role.has_global_scope()) {
        (None, false) => problems.push(FieldError::new("area_code", "required for this role")),
        (Some(code), _) if state.store.get_area(code).await?.is_none() => {
            problems.push(FieldError::new("area_code", format!("unknown area {code}")))
        }
        _ => {}
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid user", problems));
    }
    if state.store.find_credentials(&username).await?.is_some() {
        return Err(AppError::conflict(format!("username {username} is taken")));
    }
    let new_user = NewUser {
        display_name: request.display_name.filter(|d| !d.trim().is_empty()).unwrap_or_else(|| username.clone()),
        username,
        password_hash: password::hash(request.password).await?,
        role: request.role,
        area_code: request.area_code,
    };
    Ok(state.store.create_user(&new_user, &audit).await?)
}
