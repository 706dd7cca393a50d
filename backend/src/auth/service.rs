//! Users: the use-cases the API and the `jiuzai user add` command share.

use serde::Deserialize;
use utoipa::ToSchema;

use super::store::{AuthStore, NewUser};
use super::{Role, User, password};
use crate::areas::AreaCode;
use crate::areas::store::AreaStore;
use crate::audit::AuditEntry;
use crate::error::{AppError, AppResult, FieldError};

#[derive(Deserialize, ToSchema)]
pub struct CreateUser {
    pub username: String,
    pub display_name: Option<String>,
    pub password: String,
    pub role: Role,
    /// Root of the area scope; required for every role but admin and auditor.
    pub area_code: Option<AreaCode>,
}

/// Fills in the depots a depot keeper is bound to.
pub async fn load_depots(store: &(impl AuthStore + ?Sized), user: &mut User) -> sqlx::Result<()> {
    if user.role == Role::DepotStaff {
        user.depot_ids = store.user_depot_ids(user.id).await?;
    }
    Ok(())
}

/// Validates and stores a new user; shared by the API and the `jiuzai user add` command.
pub async fn add_user(
    store: &(impl AuthStore + AreaStore + ?Sized),
    request: CreateUser,
    audit: AuditEntry,
) -> AppResult<User> {
    let mut problems = Vec::new();
    let username = request.username.trim().to_owned();
    if username.is_empty() || username.len() > 64 || !username.chars().all(|c| c.is_alphanumeric() || "._-".contains(c))
    {
        problems.push(FieldError::new(
            "username",
            crate::said!("username_format", "1–64 letters, digits, '.', '_' or '-'"),
        ));
    }
    if request.password.chars().count() < 4 {
        problems.push(FieldError::new("password", crate::said!("password_short", "at least 4 characters")));
    }
    match (&request.area_code, request.role.has_global_scope()) {
        (None, false) => {
            problems.push(FieldError::new("area_code", crate::said!("role_area_required", "required for this role")))
        }
        (Some(code), _) if store.get_area(code).await?.is_none() => problems
            .push(FieldError::new("area_code", crate::said!("area_unknown", "unknown area {area}", area = code))),
        _ => {}
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid user", problems));
    }
    if store.find_credentials(&username).await?.is_some() {
        return Err(AppError::conflict(crate::said!(
            "username_taken",
            "username {username} is taken",
            username = &username
        )));
    }
    let new_user = NewUser {
        display_name: request.display_name.filter(|d| !d.trim().is_empty()).unwrap_or_else(|| username.clone()),
        username,
        password_hash: password::hash(request.password).await?,
        role: request.role,
        area_code: request.area_code,
    };
    Ok(store.create_user(&new_user, &audit).await?)
}
