//! Department tokens: read-only bearer tokens of the receiving departments (education bureau,
//! 临时救助, 住房救助 …) for the hand-off API. An admin issues a token for one department, the
//! hand-offs it receives and an area; the secret is shown once and stored only as its SHA-256,
//! like a login token. A request bearing it may read those hand-offs within that area and nothing
//! else: every other endpoint answers 403, and a revoked or expired token 401.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::types::Json as SqlJson;
use utoipa::ToSchema;

use super::store::AuthStore;
use super::{Actor, new_token, token_hash};
use crate::areas::AreaCode;
use crate::areas::store::AreaStore;
use crate::error::{AppError, AppResult, FieldError};

/// Department tokens start with this, so the login-token check can tell them apart.
pub const TOKEN_PREFIX: &str = "jzh_";
const DEFAULT_DAYS: i64 = 90;
const MAX_DAYS: i64 = 366;

/// The hand-offs a department token receives: the other social-assistance programmes that take
/// over households after disaster aid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HandoffProgramme {
    /// To the education bureau: the children (preschool and school age) of affected 低保 and 特困 households.
    Education,
    /// To 临时救助: households still in difficulty after disaster aid.
    TemporaryAssistance,
    /// To 住房救助 and 农村危房改造: households whose house collapsed or was severely damaged.
    Housing,
    /// To 医疗救助: households with injured members.
    Medical,
}

impl HandoffProgramme {
    /// The programme in file names and audit records.
    pub fn file(self) -> &'static str {
        match self {
            Self::Education => "education",
            Self::TemporaryAssistance => "temporary-assistance",
            Self::Housing => "housing",
            Self::Medical => "medical",
        }
    }
}

/// A department token as stored (never the secret).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct HandoffToken {
    pub id: i64,
    pub department: String,
    #[schema(value_type = Vec<HandoffProgramme>)]
    pub programmes: SqlJson<Vec<HandoffProgramme>>,
    /// Root of the area the token reads.
    pub area_code: AreaCode,
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
    pub area_code: AreaCode,
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
    pub area_code: AreaCode,
    /// 1–366 days (default 90).
    pub expires_in_days: Option<i64>,
}

/// The caller of the department endpoint: an active department token (extracted in `auth::http`).
#[derive(Debug, Clone)]
pub struct Department {
    pub token: HandoffToken,
    pub request_id: Option<String>,
}

/// Issues a token for a department (the caller is an admin); the secret is in the answer only.
pub async fn issue(
    store: &(impl AuthStore + AreaStore + ?Sized),
    actor: &Actor,
    input: TokenInput,
) -> AppResult<IssuedToken> {
    let mut problems = Vec::new();
    let department = input.department.trim().to_owned();
    if department.is_empty() || department.chars().count() > 100 {
        problems.push(FieldError::new(
            "department",
            crate::said!("text_required", "required, at most {max} characters", max = 100),
        ));
    }
    let mut programmes: Vec<HandoffProgramme> = Vec::new();
    for programme in input.programmes {
        if !programmes.contains(&programme) {
            programmes.push(programme);
        }
    }
    if programmes.is_empty() {
        problems
            .push(FieldError::new("programmes", crate::said!("handoff_programme", "at least one hand-off programme")));
    }
    if store.get_area(&input.area_code).await?.is_none() {
        problems.push(FieldError::new(
            "area_code",
            crate::said!("area_unknown", "unknown area {area}", area = &input.area_code),
        ));
    }
    let days = input.expires_in_days.unwrap_or(DEFAULT_DAYS);
    if !(1..=MAX_DAYS).contains(&days) {
        problems.push(FieldError::new("expires_in_days", crate::said!("token_days", "1–{max} days", max = MAX_DAYS)));
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
    let id = store.create_handoff_token(&new, &audit).await?;
    let token = store.handoff_token(id).await?.ok_or_else(|| AppError::NotFound("token vanished".into()))?;
    Ok(IssuedToken { token: secret, view: token.into() })
}

/// Revokes a token at once; revoking it again changes nothing.
pub async fn revoke(store: &(impl AuthStore + ?Sized), actor: &Actor, id: i64) -> AppResult<TokenView> {
    let token = store.handoff_token(id).await?.ok_or_else(|| AppError::NotFound(format!("no hand-off token {id}")))?;
    let audit = actor.audit("handoff_token.revoke", "handoff_token", id.to_string()).with_before(
        json!({"department": token.department, "area_code": token.area_code, "revoked_at": token.revoked_at}),
    );
    store.revoke_handoff_token(id, &actor.user.username, &audit).await?;
    let token = store.handoff_token(id).await?.ok_or_else(|| AppError::NotFound(format!("no hand-off token {id}")))?;
    Ok(token.into())
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
