use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::departments::{self, Department, IssuedToken, TOKEN_PREFIX, TokenInput, TokenView};
use super::service::{CreateUser, add_user, load_depots};
use super::{Actor, Role, User, ValidSession, bearer_token, new_token, password, request_id_from, token_hash};
use crate::db::Change;
use crate::error::{AppError, AppResult};
use crate::extract::parse_body;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(list_users, create_user))
        .routes(routes!(set_user_active))
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
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
    if let Some(seconds) = state.throttle.retry_after(&*state.store, &request.username, client).await? {
        let mut response =
            AppError::TooManyRequests(format!("too many failed logins; try again in {seconds} s")).into_response();
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
        state.throttle.record_failure(&*state.store, &request.username, client).await?;
        tracing::info!(client = ?client, "failed login");
        return Err(AppError::Unauthorized(LOGIN_FAILED.into()));
    };
    state.throttle.record_success(&*state.store, &request.username).await?;
    load_depots(&*state.store, &mut user).await?;
    let token = new_token();
    let expires_at = Utc::now() + state.settings.token_ttl();
    let actor = Actor { user: user.clone(), request_id: super::request_id_from(&headers) };
    state
        .store
        .create_session(
            user.id,
            &token_hash(&token),
            expires_at,
            &actor.audit("auth.login", "user", user.id.to_string()),
        )
        .await?;
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
    state.changed(Change::Session(hash)).await;
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

/// Creates a user (admin only).
#[utoipa::path(post, path = "/api/v1/users", tag = "auth", security(("bearer" = [])), request_body = CreateUser,
    responses((status = 201, body = User), (status = 403), (status = 409, description = "username taken"), (status = 422)))]
async fn create_user(
    State(state): State<AppState>,
    actor: Actor,
    Json(request): Json<CreateUser>,
) -> AppResult<(StatusCode, Json<User>)> {
    actor.require_role(&[Role::Admin])?;
    let user = add_user(&*state.store, request, actor.audit("user.create", "user", "")).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// false stops the user signing in and ends their sessions at once; true lets them in again.
    pub active: bool,
}

/// Deactivates a user (their sessions end at once) or reactivates them (admin only; never oneself).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "auth", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = UserChange, responses((status = 200, body = User), (status = 403), (status = 404), (status = 422)))]
async fn set_user_active(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Json<User>> {
    actor.require_role(&[Role::Admin])?;
    let change: UserChange = parse_body(body)?;
    if id == actor.user.id && !change.active {
        return Err(AppError::invalid_field(
            "active",
            crate::said!("deactivate_self", "an admin does not deactivate their own account"),
        ));
    }
    let action = if change.active { "user.activate" } else { "user.deactivate" };
    let audit = actor.audit(action, "user", id.to_string()).with_after(serde_json::json!({"active": change.active}));
    let user = state.store.set_user_active(id, change.active, &audit).await?;
    let user = user.ok_or_else(|| AppError::NotFound(format!("no user {id}")))?;
    // Cached sessions of the user, on every server, would outlive the change by up to their cache time.
    state.changed(Change::Sessions).await;
    Ok(Json(user))
}

/// Every protected handler takes an [`Actor`]: the bearer token's valid session and its user.
impl FromRequestParts<AppState> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let invalid = || AppError::Unauthorized("missing, invalid or expired token".into());
        let token = bearer_token(&parts.headers).ok_or_else(invalid)?;
        if token.starts_with(TOKEN_PREFIX) {
            return Err(refuse_elsewhere(state, token).await);
        }
        let hash = token_hash(token);
        let request_id = request_id_from(&parts.headers);
        if let Some(cached) = state.sessions.get(&hash) {
            if cached.expires_at <= Utc::now() {
                return Err(invalid());
            }
            return Ok(Actor { user: cached.user.clone(), request_id });
        }
        let session = state.store.find_session(&hash).await?.ok_or_else(invalid)?;
        if session.revoked_at.is_some() || session.expires_at <= Utc::now() || !session.user.active {
            return Err(invalid());
        }
        let mut user = session.user;
        load_depots(&*state.store, &mut user).await?;
        state.sessions.insert(hash, ValidSession { user: user.clone(), expires_at: session.expires_at });
        Ok(Actor { user, request_id })
    }
}

/// Issues a read-only hand-off token for a department (admins). The secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/handoff-tokens", tag = "households", security(("bearer" = [])), request_body = TokenInput,
    responses((status = 201, body = IssuedToken), (status = 403), (status = 422)))]
async fn create_token(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<IssuedToken>)> {
    actor.require_role(&[Role::Admin])?;
    let input: TokenInput = parse_body(body)?;
    Ok((StatusCode::CREATED, Json(departments::issue(&*state.store, &actor, input).await?)))
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
    Ok(Json(departments::revoke(&*state.store, &actor, id).await?))
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
async fn refuse_elsewhere(state: &AppState, secret: &str) -> AppError {
    match state.store.find_handoff_token(&token_hash(secret)).await {
        Ok(Some(token)) if token.active(Utc::now()) => {
            AppError::Forbidden("a department hand-off token only reads GET /api/v1/department/handoffs".into())
        }
        Ok(_) => AppError::Unauthorized("missing, invalid or expired token".into()),
        Err(e) => e.into(),
    }
}
