//! `/api/v1/standards` (the relief standards and cost splits; admins change them) and
//! `/api/v1/funds` (fund pools; managers register them, everyone signed in reads them).

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rules::{StandardKey, Standards, Unit};
use super::service::standards;
use super::store::NewPool;
use super::{AidType, FundPool, SourceLevel};
use crate::auth::{Actor, Role};
use crate::disasters::service::event_or_404;
use crate::error::{AppError, AppResult, FieldError};
use crate::extract::parse_body;
use crate::money::Fen;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_standards, change_standards)).routes(routes!(list_pools, create_pool))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StandardView {
    pub key: StandardKey,
    pub value: i64,
    pub unit: Unit,
    pub default: i64,
    /// Where the default comes from (a section of docs/domain/relief-standards.md).
    pub source: &'static str,
}

fn view(standards: &Standards) -> Vec<StandardView> {
    standards
        .iter()
        .map(|(key, value)| {
            let (default, unit, source) = key.definition();
            StandardView { key, value, unit, default, source }
        })
        .collect()
}

/// The relief standards (amounts in fen, days) and the cost split between levels (basis points).
#[utoipa::path(get, path = "/api/v1/standards", tag = "funds", security(("bearer" = [])),
    responses((status = 200, body = [StandardView]), (status = 401)))]
async fn list_standards(State(state): State<AppState>, _actor: Actor) -> AppResult<Json<Vec<StandardView>>> {
    Ok(Json(view(&standards(&*state.store).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StandardChange {
    pub key: String,
    pub value: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StandardChanges {
    /// Applied together: change the shares of a cost split in one request so they still add up to 100%.
    pub changes: Vec<StandardChange>,
}

/// Changes standards (admin), all or nothing; later plans and grant lists use the new values.
#[utoipa::path(post, path = "/api/v1/standards", tag = "funds", security(("bearer" = [])), request_body = StandardChanges,
    responses((status = 200, body = [StandardView]), (status = 403), (status = 422, description = "unknown key, negative value, or a split not adding up to 100%")))]
async fn change_standards(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<Json<Vec<StandardView>>> {
    actor.require_role(&[Role::Admin])?;
    let input: StandardChanges = parse_body(body)?;
    if input.changes.is_empty() {
        return Err(AppError::invalid_field("changes", crate::said!("no_change", "no change given")));
    }
    let current = standards(&*state.store).await?;
    let changes: Vec<(String, i64)> = input.changes.into_iter().map(|c| (c.key, c.value)).collect();
    let next = current.changed(&changes).map_err(|problems| AppError::invalid("invalid relief standards", problems))?;
    let before: Vec<(&String, Option<i64>)> = changes
        .iter()
        .map(|(key, _)| (key, crate::text_enum::parse_enum::<StandardKey>(key.clone()).ok().map(|k| current.get(k))))
        .collect();
    let audit = actor.audit("standards.change", "relief_standards", "").with_before(&before).with_after(&changes);
    state.store.save_standards(&changes, &actor.user.username, &audit).await?;
    Ok(Json(view(&next)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PoolQuery {
    /// Pools usable for this event: its own and those for any event.
    pub event_id: Option<i64>,
    pub aid_type: Option<AidType>,
}

/// Fund pools with what approved plans have committed and what is left.
#[utoipa::path(get, path = "/api/v1/funds", tag = "funds", security(("bearer" = [])), params(PoolQuery),
    responses((status = 200, body = [FundPool]), (status = 401)))]
async fn list_pools(
    State(state): State<AppState>,
    _actor: Actor,
    Query(query): Query<PoolQuery>,
) -> AppResult<Json<Vec<FundPool>>> {
    let aid = query.aid_type.map(crate::text_enum::enum_text);
    Ok(Json(state.store.fund_pools(query.event_id, aid.as_deref()).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PoolInput {
    pub name: String,
    /// central, province, city or county
    pub source_level: String,
    pub aid_type: String,
    /// Leave out for money usable in any event.
    pub event_id: Option<i64>,
    #[schema(value_type = i64)]
    pub amount_fen: Fen,
}

/// Registers money put up by a level for an aid type (manager or admin).
#[utoipa::path(post, path = "/api/v1/funds", tag = "funds", security(("bearer" = [])), request_body = PoolInput,
    responses((status = 201, body = FundPool), (status = 403), (status = 404), (status = 422)))]
async fn create_pool(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<FundPool>)> {
    actor.require_role(&[Role::Admin, Role::Manager])?;
    let input: PoolInput = parse_body(body)?;
    let mut problems = Vec::new();
    let source_level: Result<SourceLevel, _> = crate::text_enum::parse_enum(input.source_level.clone());
    if source_level.is_err() {
        problems
            .push(FieldError::new("source_level", crate::said!("source_level", "central, province, city or county")));
    }
    if crate::text_enum::parse_enum::<AidType>(input.aid_type.clone()).is_err() {
        problems.push(FieldError::new(
            "aid_type",
            crate::said!(
                "aid_type_unknown",
                "emergency, bereavement, transitional, winter_spring, reconstruction or drought"
            ),
        ));
    }
    if input.amount_fen <= Fen::ZERO {
        problems
            .push(FieldError::new("amount_fen", crate::said!("amount_positive", "must be a positive amount in fen")));
    }
    if input.name.trim().is_empty() || input.name.chars().count() > 200 {
        problems.push(FieldError::new(
            "name",
            crate::said!("text_required", "required, at most {max} characters", max = 200),
        ));
    }
    let (Ok(source_level), true) = (source_level, problems.is_empty()) else {
        return Err(AppError::invalid("invalid fund pool", problems));
    };
    if let Some(event_id) = input.event_id {
        event_or_404(&*state.store, event_id).await?;
    }
    let pool = NewPool {
        name: input.name.trim().to_owned(),
        source_level,
        aid_type: input.aid_type,
        event_id: input.event_id,
        amount_fen: input.amount_fen,
    };
    let audit = actor.audit("fund_pool.create", "fund_pool", "").with_after(serde_json::json!({
        "name": pool.name, "source_level": source_level, "aid_type": pool.aid_type, "event_id": pool.event_id, "amount_fen": pool.amount_fen,
    }));
    let id = state.store.create_pool(&pool, &audit).await?;
    let created = state.store.fund_pools(None, None).await?.into_iter().find(|p| p.id == id).expect("just created");
    Ok((StatusCode::CREATED, Json(created)))
}
