//! One error type for the whole API: each variant maps to one HTTP status and a JSON body
//! `{"error": {"code", "message", "details"}}` (docs/domain/conventions.md#api-errors).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request could not be parsed at all (malformed JSON, bad query string).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no token, an invalid/expired/revoked one, or failed login. One message for all login failures.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the caller's role or area scope does not allow this.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// 409: the request conflicts with the current state (workflow state, stock).
    #[error("{}", said.text)]
    Conflict { said: Said, details: Option<Value> },
    /// 412: an edit made against a version the record no longer has (`If-Match`): someone else
    /// changed it since the editor read it.
    #[error("{0}")]
    Stale(String),
    #[error("request body too large")]
    PayloadTooLarge,
    /// 415: an upload of a type the endpoint does not take.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 422: well-formed but semantically invalid; `details` names each offending field or feature.
    #[error("{message}")]
    Invalid { message: String, details: Vec<FieldError> },
    /// 429: login throttling and other rate limits.
    #[error("{0}")]
    TooManyRequests(String),
    /// 503: the database is unreachable.
    #[error("{0}")]
    Unavailable(String),
    /// 507: the database's disk is full; reads go on, writes resume once space returns.
    #[error("{0}")]
    StorageFull(String),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

/// What a refusal says: a stable code that clients translate (the dashboard's i18n.refusals.ts),
/// the values it names, and the same in English for every other reader. Made with [`said!`]; there
/// is no refusal without a code (no conversion from plain text), so none reaches a Chinese screen
/// in English.
#[derive(Debug, Clone, PartialEq)]
pub struct Said {
    pub code: &'static str,
    pub params: Map<String, Value>,
    pub text: String,
}

impl std::error::Error for Said {}

impl std::fmt::Display for Said {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// A [`Said`]: `said!("figures_locked", "the figures of {area} are locked: …", area = code)` gives the
/// code, the parameters by name (as JSON) and the English text formatted with them.
#[macro_export]
macro_rules! said {
    ($code:literal, $text:literal $(, $name:ident = $value:expr)* $(,)?) => {{
        // `count = count` binds again what is already bound: the macro cannot tell.
        $( #[allow(clippy::redundant_locals)] let $name = $value; )*
        #[allow(unused_mut)]
        let mut params = ::serde_json::Map::new();
        $( params.insert(stringify!($name).to_owned(), ::serde_json::json!($name)); )*
        $crate::error::Said { code: $code, params, text: format!($text) }
    }};
}

/// One reason why a request is invalid, pointing at the field (and the row or feature) at fault.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct FieldError {
    /// Dotted path of the offending field, e.g. `features[3].geometry`.
    pub field: String,
    /// In English.
    pub reason: String,
    /// The reason's stable code, for clients to say it in their language.
    pub refusal: &'static str,
    /// The values the reason names, by the names its translations use.
    #[serde(skip_serializing_if = "Map::is_empty")]
    #[schema(value_type = Object)]
    pub params: Map<String, Value>,
}

impl FieldError {
    pub fn new(field: impl Into<String>, reason: impl Into<Said>) -> Self {
        let Said { code, params, text } = reason.into();
        Self { field: field.into(), reason: text, refusal: code, params }
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(message: impl Into<String>, details: Vec<FieldError>) -> Self {
        Self::Invalid { message: message.into(), details }
    }

    pub fn invalid_field(field: impl Into<String>, reason: impl Into<Said>) -> Self {
        let error = FieldError::new(field, reason);
        Self::Invalid { message: error.reason.clone(), details: vec![error] }
    }

    pub fn conflict(said: impl Into<Said>) -> Self {
        Self::Conflict { said: said.into(), details: None }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Stale(_) => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::StorageFull(_) => StatusCode::INSUFFICIENT_STORAGE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable machine-readable code for clients.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::Conflict { .. } => "conflict",
            Self::Stale(_) => "stale",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Invalid { .. } => "invalid",
            Self::TooManyRequests(_) => "too_many_requests",
            Self::Unavailable(_) => "unavailable",
            Self::StorageFull(_) => "storage_full",
            Self::Internal(_) => "internal",
        }
    }

    fn details(&self) -> Option<Value> {
        match self {
            Self::Conflict { details, .. } => details.clone(),
            Self::Invalid { details, .. } => serde_json::to_value(details).ok(),
            _ => None,
        }
    }

    /// The refusal's stable code and parameters, where it has them (a 422's are per field).
    fn said(&self) -> Option<&Said> {
        match self {
            Self::Conflict { said, .. } => Some(said),
            _ => None,
        }
    }
}

/// The JSON error envelope, also used for errors produced outside handlers (404 fallback, 413, 405).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: String,
    /// In English; clients translate `refusal` with `params` where it is given.
    pub message: String,
    /// What exactly was refused, as a stable code (409; a 422 has one per field in `details`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub params: Option<Map<String, Value>>,
    /// 422: the list of offending fields; 409: an object (e.g. `available`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = details_schema)]
    pub details: Option<Value>,
}

/// `details` is an array of [`FieldError`] (422) or an object (409).
fn details_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
    let fields = ArrayBuilder::new().items(utoipa::openapi::Ref::from_schema_name("FieldError")).build();
    OneOfBuilder::new().item(fields).item(ObjectBuilder::new().schema_type(Type::Object).build()).build().into()
}

pub fn error_response(status: StatusCode, code: &str, message: &str, details: Option<Value>) -> Response {
    refusal_response(status, code, message, details, None)
}

fn refusal_response(
    status: StatusCode,
    code: &str,
    message: &str,
    details: Option<Value>,
    said: Option<&Said>,
) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message: message.to_owned(),
            refusal: said.map(|s| s.code.to_owned()),
            params: said.filter(|s| !s.params.is_empty()).map(|s| s.params.clone()),
            details,
        },
    };
    (status, axum::Json(body)).into_response()
}

/// Seconds a client waits before retrying a request the database could not serve in time.
const RETRY_AFTER_SECONDS: u32 = 2;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Self::Internal(err) = &self {
            tracing::error!(error = %format!("{err:#}"), "internal error");
        }
        let mut response = refusal_response(self.status(), self.code(), &self.to_string(), self.details(), self.said());
        if let Self::Unavailable(_) = self {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, RETRY_AFTER_SECONDS.into());
        }
        response
    }
}

/// The database gave up on a statement or dropped its connection, so a retry may well succeed:
/// PostgreSQL's statement timeout (57014 query_canceled), an operator's intervention (class 57P:
/// a terminated backend, a shutdown, a restart) or a connection exception (class 08); SQLite's lock
/// wait running out (SQLITE_BUSY, SQLITE_LOCKED and their extended codes).
fn retryable(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = err else { return false };
    match db.code().as_deref() {
        Some(code) if code == "57014" || code.starts_with("57P") || code.starts_with("08") => true,
        Some("5" | "6" | "261" | "262" | "517") => true,
        _ => false,
    }
}

/// The database could not write for want of space: SQLite's SQLITE_FULL (13, also what a write
/// meeting ENOSPC becomes) or PostgreSQL's disk_full (53100). Nothing of the transaction is kept.
fn storage_full(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = err else { return false };
    matches!(db.code().as_deref(), Some("13" | "53100"))
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            _ if storage_full(&err) => {
                tracing::error!(error = %err, "the database's disk is full");
                Self::StorageFull("the database's disk is full: nothing was saved; reading still works".into())
            }
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                Self::Unavailable("database unavailable".into())
            }
            _ if retryable(&err) => Self::Unavailable("the database is busy or restarting; try again shortly".into()),
            _ => Self::Internal(err.into()),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(err: anyhow::Error) -> Self {
        Self::Internal(err)
    }
}
