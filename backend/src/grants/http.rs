//! Grant lists for the four aid types and their workflow (draft → submitted → approved →
//! published (公示) → paid), the 一卡通 payment file, the public disclosure pages with objections,
//! and the hand-off exports to the other social-assistance programmes.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{self, GrantListInput};
use super::store::{GrantError, Stamp};
use super::{GrantListRow, GrantRow, ListStatus, Objection};
use crate::areas::code;
use crate::auth::departments::HandoffProgramme;
use crate::auth::{Actor, Role};
use crate::disasters::service::event_or_404;
use crate::error::{AppError, AppResult};
use crate::export::{Cell, Format, Table};
use crate::extract::parse_body;
use crate::funds::AidType;
use crate::households::pii::Pii;
use crate::households::{AgeGroup, DamageRecord, HouseDamage, HouseholdRow, HouseholdType, Programme, sees_names};
use crate::money::Fen;
use crate::state::AppState;
use crate::text_enum::enum_text;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_grant_lists, create_grant_list))
        .routes(routes!(get_grant_list))
        .routes(routes!(submit_list))
        .routes(routes!(approve_list))
        .routes(routes!(reject_list))
        .routes(routes!(publish_list))
        .routes(routes!(pay_list))
        .routes(routes!(cancel_list))
        .routes(routes!(payment_file))
        .routes(routes!(list_objections))
        .routes(routes!(answer_objection))
        .routes(routes!(public_disclosures))
        .routes(routes!(public_disclosure))
        .routes(routes!(public_disclosure_export))
        .routes(routes!(file_objection))
        .routes(routes!(export_handoff))
}

impl From<GrantError> for AppError {
    fn from(error: GrantError) -> Self {
        let message = error.to_string();
        match error {
            GrantError::WrongState(_) | GrantError::AlreadyGranted | GrantError::OpenObjections(_) => {
                AppError::conflict(message)
            }
            GrantError::DisclosureRunning(end) => {
                AppError::Conflict { message, details: Some(json!({ "disclosure_end": end })) }
            }
            GrantError::NotFound => AppError::NotFound("no such grant list, line or objection".into()),
            GrantError::Db(e) => e.into(),
        }
    }
}

// ---- views -----------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Grant {
    pub id: i64,
    pub household_id: i64,
    /// Full for managers and admins of the area, masked otherwise.
    pub head_name: String,
    pub id_number_masked: String,
    pub area_code: String,
    pub members: i64,
    #[schema(value_type = i64)]
    pub amount_fen: Fen,
    pub reason: String,
    /// In a priority group (listed first).
    pub priority: bool,
    /// listed, or under_review after an objection
    pub status: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrantList {
    pub id: i64,
    pub event_id: i64,
    pub aid_type: AidType,
    pub aid_type_zh: String,
    pub area_code: String,
    pub status: ListStatus,
    pub author_name: String,
    pub reviewer_name: Option<String>,
    /// Why a reviewer sent it back.
    pub return_reason: Option<String>,
    #[schema(value_type = i64)]
    pub total_fen: Fen,
    pub households: i64,
    pub disclosure_start: Option<DateTime<Utc>>,
    pub disclosure_end: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
    pub paid_by: Option<String>,
    pub open_objections: i64,
    /// The lines (in the detail view; empty in listings).
    pub grants: Vec<Grant>,
}

fn list_view(row: &GrantListRow, open_objections: i64, grants: Vec<Grant>) -> GrantList {
    GrantList {
        id: row.id,
        event_id: row.event_id,
        aid_type: row.aid(),
        aid_type_zh: row.aid().label_zh().into(),
        area_code: row.area_code.clone(),
        status: row.status(),
        author_name: row.author_name.clone(),
        reviewer_name: row.reviewer_name.clone(),
        return_reason: row.return_reason.clone(),
        total_fen: row.total_fen,
        households: row.households,
        disclosure_start: row.disclosure_start,
        disclosure_end: row.disclosure_end,
        created_at: row.created_at,
        updated_at: row.updated_at,
        approved_at: row.approved_at,
        paid_at: row.paid_at,
        paid_by: row.paid_by.clone(),
        open_objections,
        grants,
    }
}

fn grant_view(actor: &Actor, g: &GrantRow) -> Grant {
    Grant {
        id: g.id,
        household_id: g.household_id,
        head_name: if sees_names(&actor.user, &g.area_code) { g.head_name.clone() } else { g.name_masked.clone() },
        id_number_masked: g.id_masked.clone(),
        area_code: g.area_code.clone(),
        members: g.members,
        amount_fen: g.amount_fen,
        reason: g.reason.clone(),
        priority: g.priority,
        status: g.status.clone(),
    }
}

async fn open_objections(state: &AppState, list_id: i64) -> AppResult<i64> {
    Ok(state.store.objections(Some(list_id)).await?.iter().filter(|o| o.status == "open").count() as i64)
}

async fn list_or_404(state: &AppState, actor: &Actor, id: i64) -> AppResult<GrantListRow> {
    let row = state.store.get_grant_list(id).await?.ok_or_else(|| AppError::NotFound(format!("no grant list {id}")))?;
    actor.require_area(&row.area_code)?;
    Ok(row)
}

async fn detail(state: &AppState, actor: &Actor, id: i64) -> AppResult<GrantList> {
    let row = list_or_404(state, actor, id).await?;
    let grants = state.store.grants_of(id).await?.iter().map(|g| grant_view(actor, g)).collect();
    Ok(list_view(&row, open_objections(state, id).await?, grants))
}

// ---- grant lists -----------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    pub event_id: Option<i64>,
    pub status: Option<ListStatus>,
    pub aid_type: Option<AidType>,
}

/// Grant lists in the caller's scope, newest first (without their lines).
#[utoipa::path(get, path = "/api/v1/grant-lists", tag = "households", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = [GrantList]), (status = 403)))]
async fn list_grant_lists(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<ListQuery>,
) -> AppResult<Json<Vec<GrantList>>> {
    actor.require_role(&[Role::Admin, Role::Manager, Role::Reviewer, Role::Auditor, Role::Assessor])?;
    let open: HashMap<i64, i64> = state.store.objections(None).await?.into_iter().filter(|o| o.status == "open").fold(
        HashMap::new(),
        |mut m, o| {
            *m.entry(o.list_id).or_default() += 1;
            m
        },
    );
    let rows = state.store.list_grant_lists(query.event_id).await?;
    Ok(Json(
        rows.iter()
            .filter(|r| actor.user.can_reach(&r.area_code))
            .filter(|r| query.status.is_none_or(|s| r.status() == s) && query.aid_type.is_none_or(|a| r.aid() == a))
            .map(|r| list_view(r, open.get(&r.id).copied().unwrap_or(0), vec![]))
            .collect(),
    ))
}

/// Drafts a grant list (managers): the eligible households of the area from their damage records
/// and circumstances, amounts from the relief standards, priority groups (低保, 特困, 优抚,
/// disabled) first. A household already granted this aid for the event is left out (or refused,
/// when named); the database holds one grant per household, aid type and event.
#[utoipa::path(post, path = "/api/v1/grant-lists", tag = "households", security(("bearer" = [])), request_body = GrantListInput,
    responses((status = 201, body = GrantList), (status = 403), (status = 404),
              (status = 409, description = "a named household already has this aid for this event"),
              (status = 422, description = "an ineligible household (the rule is named), no eligible household, or over budget")))]
async fn create_grant_list(
    State(state): State<AppState>,
    actor: Actor,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<GrantList>)> {
    actor.require_role(&[Role::Manager])?;
    let input: GrantListInput = parse_body(body)?;
    let id = service::draft_list(&*state.store, &actor, input).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &actor, id).await?)))
}

/// A grant list with its lines.
#[utoipa::path(get, path = "/api/v1/grant-lists/{id}", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = GrantList), (status = 403), (status = 404)))]
async fn get_grant_list(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Json<GrantList>> {
    actor.require_role(&[Role::Admin, Role::Manager, Role::Reviewer, Role::Auditor, Role::Assessor])?;
    Ok(Json(detail(&state, &actor, id).await?))
}

/// One workflow step: the states it starts from, where it goes, what it stamps and audits.
struct Step<'a> {
    from: &'a [ListStatus],
    to: ListStatus,
    stamp: Stamp,
    action: &'a str,
    extra: Value,
}

async fn step(
    state: &AppState,
    actor: &Actor,
    id: i64,
    Step { from, to, stamp, action, extra }: Step<'_>,
) -> AppResult<Json<GrantList>> {
    let before = list_or_404(state, actor, id).await?;
    let mut after = json!({"status": enum_text(to)});
    if let (Value::Object(after), Value::Object(extra)) = (&mut after, extra) {
        after.extend(extra);
    }
    let audit = actor
        .audit(action, "grant_list", id.to_string())
        .with_before(json!({"status": before.status}))
        .with_after(after);
    state.store.transition_list(id, from, to, &stamp, &audit).await?;
    Ok(Json(detail(state, actor, id).await?))
}

/// Submits a draft for review (managers of the area).
#[utoipa::path(post, path = "/api/v1/grant-lists/{id}/submit", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = GrantList), (status = 403), (status = 404), (status = 409)))]
async fn submit_list(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<GrantList>> {
    actor.require_role(&[Role::Manager])?;
    step(
        &state,
        &actor,
        id,
        Step {
            from: &[ListStatus::Draft],
            to: ListStatus::Submitted,
            stamp: Stamp::default(),
            action: "grant_list.submit",
            extra: json!({}),
        },
    )
    .await
}

/// Approves a submitted list: a reviewer of the area other than its author.
#[utoipa::path(post, path = "/api/v1/grant-lists/{id}/approve", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = GrantList), (status = 403), (status = 404), (status = 409)))]
async fn approve_list(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<GrantList>> {
    actor.require_role(&[Role::Reviewer])?;
    let list = list_or_404(&state, &actor, id).await?;
    if list.author_id == actor.user.id {
        return Err(AppError::Forbidden("a grant list is approved by someone other than its author".into()));
    }
    let stamp = Stamp { reviewer: Some(actor.user.username.clone()), ..Default::default() };
    step(
        &state,
        &actor,
        id,
        Step {
            from: &[ListStatus::Submitted],
            to: ListStatus::Approved,
            stamp,
            action: "grant_list.approve",
            extra: json!({}),
        },
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonInput {
    pub reason: String,
}

/// Sends a submitted list back to draft with a reason (reviewers of the area, not the author).
#[utoipa::path(post, path = "/api/v1/grant-lists/{id}/reject", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = ReasonInput, responses((status = 200, body = GrantList), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn reject_list(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(input): Json<ReasonInput>,
) -> AppResult<Json<GrantList>> {
    actor.require_role(&[Role::Reviewer])?;
    let list = list_or_404(&state, &actor, id).await?;
    if list.author_id == actor.user.id {
        return Err(AppError::Forbidden("a grant list is reviewed by someone other than its author".into()));
    }
    let reason = input.reason.trim().to_owned();
    if reason.is_empty() {
        return Err(AppError::invalid_field("reason", "say why the list goes back"));
    }
    let stamp = Stamp {
        reviewer: Some(actor.user.username.clone()),
        return_reason: Some(reason.clone()),
        ..Default::default()
    };
    step(
        &state,
        &actor,
        id,
        Step {
            from: &[ListStatus::Submitted],
            to: ListStatus::Draft,
            stamp,
            action: "grant_list.reject",
            extra: json!({"reason": reason}),
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishInput {
    /// When the list was posted (default now; may be up to 30 days back, for a notice posted in
    /// the village before it was entered here).
    pub start: Option<DateTime<Utc>>,
    /// Length of the disclosure in days (default and minimum: JIUZAI_DISCLOSURE_DAYS, 7).
    pub days: Option<i64>,
}

/// Publishes an approved list for public disclosure (公示): managers or reviewers of the area.
#[utoipa::path(post, path = "/api/v1/grant-lists/{id}/publish", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = PublishInput, responses((status = 200, body = GrantList), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn publish_list(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    body: Option<Json<Value>>,
) -> AppResult<Json<GrantList>> {
    actor.require_role(&[Role::Manager, Role::Reviewer])?;
    let input: PublishInput = match body {
        Some(Json(Value::Null)) | None => PublishInput::default(),
        Some(Json(value)) => parse_body(value)?,
    };
    let now = Utc::now();
    let minimum = state.settings.disclosure_days;
    let days = input.days.unwrap_or(minimum);
    if days < minimum || days > 60 {
        return Err(AppError::invalid_field("days", format!("a disclosure lasts {minimum} to 60 days")));
    }
    let start = input.start.unwrap_or(now);
    if start > now + Duration::minutes(5) || start < now - Duration::days(30) {
        return Err(AppError::invalid_field("start", "the posting date is today or up to 30 days back"));
    }
    let end = start + Duration::days(days);
    let stamp = Stamp { disclosure: Some((start, end)), ..Default::default() };
    step(
        &state,
        &actor,
        id,
        Step {
            from: &[ListStatus::Approved],
            to: ListStatus::Published,
            stamp,
            action: "grant_list.publish",
            extra: json!({"disclosure_start": start, "disclosure_end": end}),
        },
    )
    .await
}

/// Marks a published list paid (managers of the area): only after the disclosure has ended and
/// every objection is answered (409 otherwise).
#[utoipa::path(post, path = "/api/v1/grant-lists/{id}/pay", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = GrantList), (status = 403), (status = 404),
              (status = 409, description = "not published, the disclosure still runs, or objections are open")))]
async fn pay_list(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<GrantList>> {
    actor.require_role(&[Role::Manager])?;
    let list = list_or_404(&state, &actor, id).await?;
    let audit = actor
        .audit("grant_list.pay", "grant_list", id.to_string())
        .with_before(json!({"status": list.status}))
        .with_after(json!({
            "status": "paid", "total_fen": list.total_fen, "households": list.households,
        }));
    state.store.pay_list(id, &actor.user.username, &audit).await?;
    Ok(Json(detail(&state, &actor, id).await?))
}

/// Cancels a list not yet published (managers of the area); its households can be listed again.
#[utoipa::path(post, path = "/api/v1/grant-lists/{id}/cancel", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = GrantList), (status = 403), (status = 404), (status = 409)))]
async fn cancel_list(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<GrantList>> {
    actor.require_role(&[Role::Manager])?;
    step(
        &state,
        &actor,
        id,
        Step {
            from: &[ListStatus::Draft, ListStatus::Submitted, ListStatus::Approved],
            to: ListStatus::Cancelled,
            stamp: Stamp::default(),
            action: "grant_list.cancel",
            extra: json!({}),
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FormatQuery {
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub format: Format,
}

/// The 一卡通 payment file (CSV or XLSX): the one place full ID numbers and bank accounts appear,
/// decrypted here only. Managers of the area, once the disclosure has ended with no open
/// objection (or after payment). Every download is audited.
#[utoipa::path(get, path = "/api/v1/grant-lists/{id}/payment-file", tag = "households", security(("bearer" = [])),
    params(("id" = i64, Path), FormatQuery),
    responses((status = 200, description = "CSV or XLSX file"), (status = 403), (status = 404), (status = 409)))]
async fn payment_file(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<FormatQuery>,
) -> AppResult<Response> {
    actor.require_role(&[Role::Manager])?;
    let list = list_or_404(&state, &actor, id).await?;
    match list.status() {
        ListStatus::Paid => {}
        ListStatus::Published => {
            if let Some(end) = list.disclosure_end.filter(|end| *end > Utc::now()) {
                return Err(GrantError::DisclosureRunning(end).into());
            }
            let open = open_objections(&state, id).await?;
            if open > 0 {
                return Err(GrantError::OpenObjections(open).into());
            }
        }
        other => {
            return Err(AppError::conflict(format!(
                "the grant list is {}; the payment file follows the disclosure",
                enum_text(other)
            )));
        }
    }
    let pii = Pii::from_settings(&state.settings);
    let grants = state.store.grants_of(id).await?;
    let households: HashMap<i64, HouseholdRow> = state
        .store
        .households_by_ids(&grants.iter().map(|g| g.household_id).collect::<Vec<_>>())
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let mut rows = Vec::with_capacity(grants.len());
    for (i, g) in grants.iter().enumerate() {
        let household = households
            .get(&g.household_id)
            .ok_or_else(|| AppError::NotFound(format!("household {} vanished", g.household_id)))?;
        let id_number = pii.decrypt(&household.id_encrypted).map_err(|e| AppError::Internal(e.into()))?;
        let account = household
            .bank_encrypted
            .as_deref()
            .map(|a| pii.decrypt(a))
            .transpose()
            .map_err(|e| AppError::Internal(e.into()))?;
        rows.push(vec![
            Cell::Int(i as i64 + 1),
            household.head_name.as_str().into(),
            id_number.into(),
            account.into(),
            g.amount_fen.decimal().into(),
            list.aid().label_zh().into(),
            household.area_code.as_str().into(),
            household.address.as_str().into(),
        ]);
    }
    let audit = actor.audit("grant_list.payment_file", "grant_list", id.to_string()).with_after(json!({
        "rows": rows.len(), "total_fen": list.total_fen, "format": if query.format == Format::Xlsx { "xlsx" } else { "csv" },
    }));
    state.store.record_audit(&audit).await?;
    Table {
        name: format!("payment-grant-list-{id}"),
        title: "一卡通发放清册".into(),
        headers: vec!["序号", "户主姓名", "身份证号", "一卡通账号", "金额(元)", "救助类型", "区划代码", "家庭住址"],
        rows,
    }
    .into_response(query.format)
}

// ---- objections (staff side) -----------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct ObjectionQuery {
    /// open or answered
    pub status: Option<String>,
}

/// Objections to a list, for its reviewers and managers.
#[utoipa::path(get, path = "/api/v1/grant-lists/{id}/objections", tag = "households", security(("bearer" = [])),
    params(("id" = i64, Path), ObjectionQuery), responses((status = 200, body = [Objection]), (status = 403), (status = 404)))]
async fn list_objections(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<ObjectionQuery>,
) -> AppResult<Json<Vec<Objection>>> {
    actor.require_role(&[Role::Admin, Role::Manager, Role::Reviewer, Role::Auditor])?;
    list_or_404(&state, &actor, id).await?;
    let objections = state.store.objections(Some(id)).await?;
    Ok(Json(objections.into_iter().filter(|o| query.status.as_ref().is_none_or(|s| *s == o.status)).collect()))
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The grant stands.
    Dismissed,
    /// The grant is taken off the list (the household can be listed again after review).
    Withdrawn,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    pub decision: Decision,
    /// The answer given to the objector.
    pub answer: String,
}

/// Answers an objection (reviewers of the area).
#[utoipa::path(post, path = "/api/v1/grant-lists/{id}/objections/{objection_id}/answer", tag = "households", security(("bearer" = [])),
    params(("id" = i64, Path), ("objection_id" = i64, Path)), request_body = AnswerInput,
    responses((status = 200, body = Objection), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn answer_objection(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, objection_id)): Path<(i64, i64)>,
    Json(input): Json<AnswerInput>,
) -> AppResult<Json<Objection>> {
    actor.require_role(&[Role::Reviewer])?;
    list_or_404(&state, &actor, id).await?;
    if !state.store.objections(Some(id)).await?.iter().any(|o| o.id == objection_id) {
        return Err(AppError::NotFound(format!("no objection {objection_id} to grant list {id}")));
    }
    let answer = input.answer.trim();
    if answer.is_empty() || answer.chars().count() > 2000 {
        return Err(AppError::invalid_field("answer", "required, at most 2000 characters"));
    }
    let decision = match input.decision {
        Decision::Dismissed => "dismissed",
        Decision::Withdrawn => "withdrawn",
    };
    let audit = actor
        .audit("grant_objection.answer", "grant_objection", objection_id.to_string())
        .with_after(json!({"decision": decision, "answer": answer}));
    Ok(Json(state.store.answer_objection(objection_id, decision, answer, &audit).await?))
}

// ---- public disclosure (no login) --------------------------------------------------------------

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Disclosure {
    pub id: i64,
    pub event_id: i64,
    pub event_name: String,
    pub aid_type: AidType,
    pub aid_type_zh: String,
    pub area_code: String,
    pub area_name: String,
    /// published (公示中) or paid
    pub status: ListStatus,
    pub disclosure_start: Option<DateTime<Utc>>,
    pub disclosure_end: Option<DateTime<Utc>>,
    pub households: i64,
    #[schema(value_type = i64)]
    pub total_fen: Fen,
    /// Objections are taken while the list is published.
    pub accepts_objections: bool,
    /// The lines (in the detail view).
    pub entries: Vec<DisclosureEntry>,
}

/// One disclosed line: names and ID numbers masked, never more.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisclosureEntry {
    /// Quote this when objecting to the line.
    pub grant_id: i64,
    /// e.g. 张*明
    pub name: String,
    /// e.g. 3604**********1234
    pub id_number: String,
    pub area_name: String,
    pub members: i64,
    #[schema(value_type = i64)]
    pub amount_fen: Fen,
    pub reason: String,
    pub under_review: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DisclosureQuery {
    /// Lists of this area's subtree.
    pub area_code: Option<String>,
    pub event_id: Option<i64>,
}

async fn disclosure_view(
    state: &AppState,
    row: &GrantListRow,
    names: &HashMap<String, String>,
    with_entries: bool,
) -> AppResult<Disclosure> {
    let event_name = state.store.get_event(row.event_id).await?.map(|e| e.name).unwrap_or_default();
    let entries = if with_entries {
        state
            .store
            .grants_of(row.id)
            .await?
            .into_iter()
            .map(|g| DisclosureEntry {
                grant_id: g.id,
                name: g.name_masked,
                id_number: g.id_masked,
                area_name: names.get(&g.area_code).cloned().unwrap_or(g.area_code),
                members: g.members,
                amount_fen: g.amount_fen,
                reason: g.reason,
                under_review: g.status == "under_review",
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Disclosure {
        id: row.id,
        event_id: row.event_id,
        event_name,
        aid_type: row.aid(),
        aid_type_zh: row.aid().label_zh().into(),
        area_code: row.area_code.clone(),
        area_name: names.get(&row.area_code).cloned().unwrap_or_default(),
        status: row.status(),
        disclosure_start: row.disclosure_start,
        disclosure_end: row.disclosure_end,
        households: row.households,
        total_fen: row.total_fen,
        accepts_objections: row.status() == ListStatus::Published,
        entries,
    })
}

async fn area_names(state: &AppState) -> AppResult<HashMap<String, String>> {
    Ok(state.store.list_areas(&Default::default()).await?.into_iter().map(|a| (a.code, a.name)).collect())
}

fn disclosed(row: &GrantListRow) -> bool {
    matches!(row.status(), ListStatus::Published | ListStatus::Paid)
}

/// Published grant lists (公示) and paid ones, per area: no login needed.
#[utoipa::path(get, path = "/api/v1/public/disclosures", tag = "households", params(DisclosureQuery),
    responses((status = 200, body = [Disclosure])))]
async fn public_disclosures(
    State(state): State<AppState>,
    Query(query): Query<DisclosureQuery>,
) -> AppResult<Json<Vec<Disclosure>>> {
    let names = area_names(&state).await?;
    let mut out = Vec::new();
    for row in state.store.list_grant_lists(query.event_id).await?.iter().filter(|r| disclosed(r)) {
        if query.area_code.as_ref().is_none_or(|a| code::within(a, &row.area_code)) {
            out.push(disclosure_view(&state, row, &names, false).await?);
        }
    }
    Ok(Json(out))
}

async fn disclosed_or_404(state: &AppState, id: i64) -> AppResult<GrantListRow> {
    state
        .store
        .get_grant_list(id)
        .await?
        .filter(disclosed)
        .ok_or_else(|| AppError::NotFound(format!("no published list {id}")))
}

/// One disclosed list with its lines: masked names and ID numbers, amounts, period. No login needed.
#[utoipa::path(get, path = "/api/v1/public/disclosures/{id}", tag = "households", params(("id" = i64, Path)),
    responses((status = 200, body = Disclosure), (status = 404)))]
async fn public_disclosure(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<Disclosure>> {
    let row = disclosed_or_404(&state, id).await?;
    Ok(Json(disclosure_view(&state, &row, &area_names(&state).await?, true).await?))
}

/// A disclosed list as a printable file for posting (CSV or XLSX), masked like the page.
#[utoipa::path(get, path = "/api/v1/public/disclosures/{id}/export", tag = "households", params(("id" = i64, Path), FormatQuery),
    responses((status = 200, description = "CSV or XLSX file"), (status = 404)))]
async fn public_disclosure_export(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<FormatQuery>,
) -> AppResult<Response> {
    let row = disclosed_or_404(&state, id).await?;
    let disclosure = disclosure_view(&state, &row, &area_names(&state).await?, true).await?;
    let rows = disclosure
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                Cell::Int(i as i64 + 1),
                e.name.as_str().into(),
                e.id_number.as_str().into(),
                e.area_name.as_str().into(),
                e.members.into(),
                e.amount_fen.decimal().into(),
                e.reason.as_str().into(),
            ]
        })
        .collect();
    Table {
        name: format!("disclosure-{id}"),
        title: format!("{}公示", disclosure.aid_type_zh),
        headers: vec!["序号", "户主姓名", "身份证号", "所在地", "家庭人口", "金额(元)", "依据"],
        rows,
    }
    .into_response(query.format)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionInput {
    /// The disclosed line objected to, if any.
    pub grant_id: Option<i64>,
    pub text: String,
    /// How to reach you for the answer (optional; seen by staff only).
    pub contact: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionReceipt {
    pub id: i64,
    pub status: String,
}

/// Files an objection to a published list (no login; limited per address). The line it names
/// goes back under review, and payment waits until a reviewer answers.
#[utoipa::path(post, path = "/api/v1/public/disclosures/{id}/objections", tag = "households", params(("id" = i64, Path)),
    request_body = ObjectionInput,
    responses((status = 201, body = ObjectionReceipt), (status = 404), (status = 409, description = "the list no longer takes objections"),
              (status = 422), (status = 429, description = "too many objections from this address")))]
async fn file_objection(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<Response> {
    disclosed_or_404(&state, id).await?;
    let input: ObjectionInput = parse_body(body)?;
    let text = input.text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(AppError::invalid_field("text", "required, at most 2000 characters"));
    }
    let contact = input.contact.as_deref().map(str::trim).filter(|c| !c.is_empty());
    if contact.is_some_and(|c| c.chars().count() > 100) {
        return Err(AppError::invalid_field("contact", "at most 100 characters"));
    }
    if let Some(seconds) = state.objections.retry_after(peer.ip()) {
        let mut response =
            AppError::TooManyRequests(format!("too many objections from your address; try again in {seconds} s"))
                .into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return Ok(response);
    }
    let mut audit = crate::audit::AuditEntry::system("grant_objection.file", "grant_objection", "");
    audit.actor_name = "public".into();
    audit.after = Some(json!({"list_id": id, "grant_id": input.grant_id}));
    let objection_id = state.store.add_objection(id, input.grant_id, text, contact, &audit).await?;
    Ok((StatusCode::CREATED, Json(ObjectionReceipt { id: objection_id, status: "open".into() })).into_response())
}

// ---- hand-offs to the other programmes --------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct HandoffQuery {
    #[param(value_type = String)]
    pub programme: HandoffProgramme,
    pub event_id: i64,
    /// Default: the caller's scope.
    pub area_code: Option<String>,
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub format: Format,
}

/// Hand-off lists for the other social-assistance programmes (CSV or XLSX), per event and area:
/// `education` — school-age members of affected 低保 households; `temporary_assistance` —
/// households still in difficulty after disaster aid (house lost, total crop loss, or a dead or
/// missing member), with the aid they were paid; `housing` — households whose house collapsed.
/// ID numbers are masked; names are full for managers and admins, masked for others (the
/// receiving departments read full names and ID numbers through their own tokens, see
/// `/api/v1/department/handoffs`). Audited.
#[utoipa::path(get, path = "/api/v1/exports/handoff", tag = "households", security(("bearer" = [])), params(HandoffQuery),
    responses((status = 200, description = "CSV or XLSX file"), (status = 403), (status = 404), (status = 422)))]
async fn export_handoff(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<HandoffQuery>,
) -> AppResult<Response> {
    actor.require_role(&[Role::Admin, Role::Manager, Role::Reviewer, Role::Auditor])?;
    let event = event_or_404(&*state.store, query.event_id).await?;
    let area = match query.area_code.clone().or_else(|| actor.user.area_code.clone()) {
        Some(area) => {
            actor.require_area(&area)?;
            code::subtree_pattern(&area)
        }
        None if actor.user.role.has_global_scope() => "%".to_owned(),
        None => return Err(AppError::invalid_field("area_code", "required")),
    };
    let table = handoff_table(&state, event.id, &area, query.programme, Identify::Staff(&actor.user)).await?;
    let audit = actor.audit("export.handoff", "export", query.programme.file()).with_after(handoff_audit(
        &table,
        query.programme,
        event.id,
        &area,
        if query.format == Format::Xlsx { "xlsx" } else { "csv" },
    ));
    state.store.record_audit(&audit).await?;
    table.into_response(query.format)
}

/// What the audit record of a hand-off read says.
pub(crate) fn handoff_audit(
    table: &Table,
    programme: HandoffProgramme,
    event_id: i64,
    area: &str,
    format: &str,
) -> Value {
    json!({"programme": programme.file(), "event_id": event_id, "area": area, "rows": table.rows.len(), "format": format})
}

/// How a hand-off identifies its households, by reader.
pub(super) enum Identify<'a> {
    /// Staff: full names for the managers and admins of the area, masked otherwise; ID numbers masked.
    Staff(&'a crate::auth::User),
    /// The receiving department enrols the household, so it reads the full name and ID number.
    Department(&'a Pii),
}

impl Identify<'_> {
    fn name_and_id(&self, h: &HouseholdRow) -> AppResult<(Cell, Cell)> {
        Ok(match self {
            Self::Staff(user) => {
                let name = if sees_names(user, &h.area_code) { h.head_name.as_str() } else { h.name_masked.as_str() };
                (name.into(), h.id_masked.as_str().into())
            }
            Self::Department(pii) => {
                let id_number = pii.decrypt(&h.id_encrypted).map_err(|e| AppError::Internal(e.into()))?;
                (h.head_name.as_str().into(), id_number.into())
            }
        })
    }
}

/// The hand-off table of a programme for an event within an area subtree (`LIKE` pattern).
pub(super) async fn handoff_table(
    state: &AppState,
    event_id: i64,
    area: &str,
    programme: HandoffProgramme,
    identify: Identify<'_>,
) -> AppResult<Table> {
    let damage: HashMap<i64, DamageRecord> =
        state.store.damage_records(event_id, Some(area)).await?.into_iter().map(|d| (d.household_id, d)).collect();
    let households = state.store.damaged_households(event_id, area).await?;
    let names = area_names(state).await?;
    let paid = state.store.paid_by_household(event_id).await?;
    let today = crate::clock::today();
    let who: HashMap<i64, (Cell, Cell)> =
        households.iter().map(|h| Ok((h.id, identify.name_and_id(h)?))).collect::<AppResult<_>>()?;
    let name_and_id = |h: &HouseholdRow| who[&h.id].clone();
    let area_name = |h: &HouseholdRow| names.get(&h.area_code).cloned().unwrap_or_default();
    let (title, headers, rows): (&str, Vec<&'static str>, Vec<Vec<Cell>>) = match programme {
        HandoffProgramme::Education => {
            let rows = households
                .iter()
                .filter(|h| {
                    let facts = h.facts(today);
                    (h.kind() == HouseholdType::Dibao || facts.programmes.contains(&Programme::Dibao))
                        && damage.get(&h.id).is_some_and(|d| d.facts().affected())
                })
                .filter_map(|h| {
                    let pupils = h.member_list.0.iter().filter(|m| m.age_group == AgeGroup::SchoolAge).count() as i64;
                    (pupils > 0).then(|| {
                        let relations: Vec<&str> = h
                            .member_list
                            .0
                            .iter()
                            .filter(|m| m.age_group == AgeGroup::SchoolAge)
                            .map(|m| m.relation.as_str())
                            .collect();
                        let (name, id_number) = name_and_id(h);
                        vec![
                            h.id.into(),
                            name,
                            id_number,
                            area_name(h).into(),
                            h.area_code.as_str().into(),
                            h.address.as_str().into(),
                            pupils.into(),
                            relations.join("、").into(),
                        ]
                    })
                })
                .collect();
            (
                "教育救助转介",
                vec!["户编号", "户主姓名", "身份证号", "所在地", "区划代码", "家庭住址", "在学年龄人数", "与户主关系"],
                rows,
            )
        }
        HandoffProgramme::TemporaryAssistance => {
            let rows = households
                .iter()
                .filter_map(|h| {
                    let d = damage.get(&h.id)?.facts();
                    let hardship = d.house_lost() || d.crop_total_loss || d.dead + d.missing > 0;
                    hardship.then(|| {
                        let mut why = Vec::new();
                        if d.house_lost() {
                            why.push(format!("房屋{}", d.house.label_zh()));
                        }
                        if d.crop_total_loss {
                            why.push("农作物绝收".to_owned());
                        }
                        if d.dead + d.missing > 0 {
                            why.push(format!("死亡{}人、失踪{}人", d.dead, d.missing));
                        }
                        let facts = h.facts(today);
                        let covered = facts.programmes.contains(&Programme::Dibao)
                            || facts.programmes.contains(&Programme::Tekun);
                        let paid = paid.get(&h.id).copied().unwrap_or(0);
                        let (name, id_number) = name_and_id(h);
                        vec![
                            h.id.into(),
                            name,
                            id_number,
                            area_name(h).into(),
                            h.area_code.as_str().into(),
                            h.members.into(),
                            h.kind().label_zh().into(),
                            why.join("；").into(),
                            format!("{}.{:02}", paid / 100, paid % 100).into(),
                            (if covered { "是" } else { "否" }).into(),
                        ]
                    })
                })
                .collect();
            (
                "临时救助转介",
                vec![
                    "户编号",
                    "户主姓名",
                    "身份证号",
                    "所在地",
                    "区划代码",
                    "家庭人口",
                    "家庭类型",
                    "困难情形",
                    "已发救灾资金(元)",
                    "已纳入低保/特困",
                ],
                rows,
            )
        }
        HandoffProgramme::Housing => {
            let rows = households
                .iter()
                .filter_map(|h| {
                    let d = damage.get(&h.id)?;
                    (d.house_damage.0 == HouseDamage::Collapsed).then(|| {
                        let exclusions: Vec<&str> = d.exclusions.0.iter().map(|e| e.label_zh()).collect();
                        let (name, id_number) = name_and_id(h);
                        vec![
                            h.id.into(),
                            name,
                            id_number,
                            area_name(h).into(),
                            h.area_code.as_str().into(),
                            h.address.as_str().into(),
                            h.members.into(),
                            d.damaged_rooms.into(),
                            h.kind().label_zh().into(),
                            (if d.has_other_home { "是" } else { "否" }).into(),
                            exclusions.join("；").into(),
                        ]
                    })
                })
                .collect();
            (
                "住房救助转介",
                vec![
                    "户编号",
                    "户主姓名",
                    "身份证号",
                    "所在地",
                    "区划代码",
                    "家庭住址",
                    "家庭人口",
                    "倒塌间数",
                    "家庭类型",
                    "另有住房",
                    "重建补助排除情形",
                ],
                rows,
            )
        }
    };
    Ok(Table { name: format!("handoff-{}-event-{event_id}", programme.file()), title: title.into(), headers, rows })
}
