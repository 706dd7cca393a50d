//! Users, roles and area scopes; password login with bearer tokens; the [`Actor`] extractor that
//! every protected handler takes.

pub mod departments;
pub mod http;
pub mod password;
pub mod service;
pub mod store;
pub mod throttle;

use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::areas::AreaCode;
use crate::areas::code;
use crate::audit::AuditEntry;
use crate::error::AppError;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[clap(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    DepotStaff,
    Reporter,
    Assessor,
    Reviewer,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 7] =
        [Self::Admin, Self::Manager, Self::DepotStaff, Self::Reporter, Self::Assessor, Self::Reviewer, Self::Auditor];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Admins and auditors see the whole system; everyone else is held to an area scope.
    pub fn has_global_scope(self) -> bool {
        matches!(self, Self::Admin | Self::Auditor)
    }
}

crate::decode_from_text!(Role);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    /// Root of the user's area scope (None only for admin and auditor).
    pub area_code: Option<AreaCode>,
    pub active: bool,
    /// The depots a depot keeper works in (empty for other roles).
    #[sqlx(skip)]
    pub depot_ids: Vec<i64>,
}

impl User {
    /// Whether `area` lies inside this user's scope.
    pub fn can_reach(&self, area: &str) -> bool {
        self.role.has_global_scope() || self.area_code.as_deref().is_some_and(|scope| code::within(scope, area))
    }

    /// `LIKE` pattern restricting listings to the user's scope, or None when unrestricted.
    pub fn scope_pattern(&self) -> Option<String> {
        if self.role.has_global_scope() { None } else { self.area_code.as_deref().map(code::subtree_pattern) }
    }
}

/// The authenticated caller of a request, with the request id for the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn require_role(&self, allowed: &[Role]) -> Result<(), AppError> {
        if allowed.contains(&self.user.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!("the {} role may not do this", self.user.role.as_str())))
        }
    }

    pub fn require_area(&self, area: &str) -> Result<(), AppError> {
        if self.user.can_reach(area) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!("area {area} is outside your scope")))
        }
    }

    /// The `LIKE` pattern of the area a read covers: the requested area (which must be in scope),
    /// else the caller's own; everything for a global role that names none.
    pub fn area_pattern(&self, requested: Option<&AreaCode>) -> Result<String, AppError> {
        match requested.or(self.user.area_code.as_ref()) {
            Some(area) => {
                self.require_area(area)?;
                Ok(code::subtree_pattern(area))
            }
            None if self.user.role.has_global_scope() => Ok("%".to_owned()),
            None => Err(AppError::invalid_field("area_code", crate::said!("required", "required"))),
        }
    }

    /// Refuses the author of a record a step that someone else must take (review, approval).
    pub fn require_not_author(&self, author_id: i64, what: &str) -> Result<(), AppError> {
        if self.user.id == author_id {
            return Err(AppError::Forbidden(format!("{what} by someone other than its author")));
        }
        Ok(())
    }

    /// Refuses unless every one of `areas` is in the caller's scope, naming the first that is not.
    pub fn require_areas<'a>(&self, areas: impl IntoIterator<Item = &'a str>) -> Result<(), AppError> {
        areas.into_iter().try_for_each(|area| self.require_area(area))
    }

    pub fn audit(&self, action: &str, entity_type: &str, entity_id: impl Into<String>) -> AuditEntry {
        AuditEntry {
            actor_id: Some(self.user.id),
            actor_name: self.user.username.clone(),
            action: action.into(),
            entity_type: entity_type.into(),
            entity_id: entity_id.into(),
            before: None,
            after: None,
            request_id: self.request_id.clone(),
        }
    }
}

/// A new random bearer token (256 bits, URL-safe).
pub fn new_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Tokens are stored only as this hash, so a database leak does not leak sessions.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

pub fn request_id_from(headers: &axum::http::HeaderMap) -> Option<String> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// A session as stored, joined with its user.
#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    pub user: User,
}

/// A session found valid, with its user and depots.
pub struct ValidSession {
    pub user: User,
    pub expires_at: DateTime<Utc>,
}

/// Sessions validated in the last few seconds (`JIUZAI_SESSION_CACHE_SECONDS`), keyed by token
/// hash, so a request does not read its session and depots every time. Logout drops its entry and
/// a change of depot assignments drops them all; a cache of zero seconds is no cache.
#[derive(Clone)]
pub struct SessionCache(Option<moka::sync::Cache<String, std::sync::Arc<ValidSession>>>);

impl SessionCache {
    pub fn new(ttl: std::time::Duration) -> Self {
        Self((!ttl.is_zero()).then(|| moka::sync::Cache::builder().max_capacity(100_000).time_to_live(ttl).build()))
    }

    fn get(&self, hash: &str) -> Option<std::sync::Arc<ValidSession>> {
        self.0.as_ref()?.get(hash)
    }

    fn insert(&self, hash: String, session: ValidSession) {
        if let Some(cache) = &self.0 {
            cache.insert(hash, std::sync::Arc::new(session));
        }
    }

    pub fn forget(&self, hash: &str) {
        if let Some(cache) = &self.0 {
            cache.invalidate(hash);
        }
    }

    pub fn forget_all(&self) {
        if let Some(cache) = &self.0 {
            cache.invalidate_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_text_is_the_api_spelling() {
        for variant in <Role as strum::VariantArray>::VARIANTS {
            assert_eq!(variant.as_str(), crate::text_enum::enum_text(*variant));
        }
    }

    fn user(role: Role, area: Option<&str>) -> User {
        User {
            id: 1,
            username: "u".into(),
            display_name: "u".into(),
            role,
            area_code: area.map(Into::into),
            active: true,
            depot_ids: vec![],
        }
    }

    #[test]
    fn scope_follows_the_area_tree() {
        let county_reporter = user(Role::Reporter, Some("360425"));
        assert!(county_reporter.can_reach("360425101"));
        assert!(!county_reporter.can_reach("360428101"));
        assert!(!county_reporter.can_reach("360400"));
        assert!(user(Role::Auditor, None).can_reach("110000"));
        assert!(!user(Role::Manager, None).can_reach("360400"), "no scope means nothing, not everything");
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn roles_round_trip_through_text() {
        for role in Role::ALL {
            assert_eq!(Role::try_from(role.as_str().to_owned()), Ok(role));
        }
        assert!(Role::try_from("root".to_owned()).is_err());
    }
}
