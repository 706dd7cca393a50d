//! Grant lists for the four aid types and their workflow (draft → submitted → approved →
//! published (公示) → paid), the 一卡通 payment file, the public disclosure pages with objections,
//! and the hand-off exports to the other social-assistance programmes.

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::StatusCode;
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;

use super::disclosure::{self, Disclosure, ObjectionInput, ObjectionReceipt};
use super::handoff::{self, Identify};
use super::service::{self, GrantListInput};
use super::workflow::{self, AnswerInput, GrantList, PublishInput};
use super::{ListStatus, Objection};
use crate::areas::AreaCode;
use crate::auth::departments::HandoffProgramme;
use crate::auth::{Actor, Role};
use crate::db::long_reads;
use crate::disasters::service::event_or_404;
use crate::error::AppResult;
use crate::export::{Cell, Format, Table};
use crate::extract::parse_body;
use crate::funds::AidType;
use crate::state::AppState;

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
        .routes(routes!(payment_file).layer(from_fn(long_reads)))
        .routes(routes!(list_objections))
        .routes(routes!(answer_objection))
        .routes(routes!(public_disclosures))
        .routes(routes!(public_disclosure))
        .routes(routes!(public_disclosure_export).layer(from_fn(long_reads)))
        .routes(routes!(file_objection))
        .routes(routes!(export_handoff).layer(from_fn(long_reads)))
}

// ---- views -----------------------------------------------------------------------------------

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
            .map(|r| workflow::list_view(r, open.get(&r.id).copied().unwrap_or(0), vec![]))
            .collect(),
    ))
}

/// Drafts a grant list (managers): the eligible households of the area from their damage records
/// and circumstances, amounts from the relief standards, priority groups (低保, 特困, 优抚,
/// disabled) first. A household already granted this aid for the event is left out (or refused,
/// when named); the database holds one grant per household, aid type and event. A house with a rebuild
/// case is left out of rebuild lists (its case pays it by stage).
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
    // A house with a rebuild case is paid by stage, through the case's lists.
    let paid_by_stage = if input.aid_type == crate::funds::AidType::Reconstruction {
        crate::rebuild::service::households_with_cases(&*state.store, input.event_id).await?
    } else {
        Default::default()
    };
    let id = service::draft_list(&*state.store, &actor, input, &paid_by_stage).await?;
    Ok((StatusCode::CREATED, Json(workflow::detail(&*state.store, &actor, id).await?)))
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
    Ok(Json(workflow::detail(&*state.store, &actor, id).await?))
}

/// Submits a draft for review (managers of the area).
#[utoipa::path(post, path = "/api/v1/grant-lists/{id}/submit", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = GrantList), (status = 403), (status = 404), (status = 409)))]
async fn submit_list(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<GrantList>> {
    actor.require_role(&[Role::Manager])?;
    Ok(Json(workflow::submit(&*state.store, &actor, id).await?))
}

/// Approves a submitted list: a reviewer of the area other than its author.
#[utoipa::path(post, path = "/api/v1/grant-lists/{id}/approve", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = GrantList), (status = 403), (status = 404), (status = 409)))]
async fn approve_list(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<GrantList>> {
    actor.require_role(&[Role::Reviewer])?;
    Ok(Json(workflow::approve(&*state.store, &actor, id).await?))
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
    Ok(Json(workflow::reject(&*state.store, &actor, id, &input.reason).await?))
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
    Ok(Json(workflow::publish(&*state.store, &actor, id, &state.settings, input).await?))
}

/// Marks a published list paid (managers of the area): only after the disclosure has ended and
/// every objection is answered (409 otherwise).
#[utoipa::path(post, path = "/api/v1/grant-lists/{id}/pay", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = GrantList), (status = 403), (status = 404),
              (status = 409, description = "not published, the disclosure still runs, or objections are open")))]
async fn pay_list(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<GrantList>> {
    actor.require_role(&[Role::Manager])?;
    Ok(Json(workflow::pay(&*state.store, &actor, id).await?))
}

/// Cancels a list not yet published (managers of the area); its households can be listed again.
#[utoipa::path(post, path = "/api/v1/grant-lists/{id}/cancel", tag = "households", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = GrantList), (status = 403), (status = 404), (status = 409)))]
async fn cancel_list(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Json<GrantList>> {
    actor.require_role(&[Role::Manager])?;
    Ok(Json(workflow::cancel(&*state.store, &actor, id).await?))
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
    let format = if query.format == Format::Xlsx { "xlsx" } else { "csv" };
    let (list, lines) = workflow::payment_lines(&*state.store, &state.settings, &actor, id, format).await?;
    let rows = lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            vec![
                Cell::Int(i as i64 + 1),
                line.head_name.into(),
                line.id_number.into(),
                line.account.into(),
                line.amount_fen.decimal().into(),
                list.aid().label_zh().into(),
                line.area_code.to_string().into(),
                line.address.into(),
            ]
        })
        .collect();
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
    workflow::list_or_404(&*state.store, &actor, id).await?;
    let objections = state.store.objections(Some(id)).await?;
    Ok(Json(objections.into_iter().filter(|o| query.status.as_ref().is_none_or(|s| *s == o.status)).collect()))
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
    Ok(Json(workflow::answer_objection(&*state.store, &actor, id, objection_id, input).await?))
}

// ---- public disclosure (no login) --------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct DisclosureQuery {
    /// Lists of this area's subtree.
    pub area_code: Option<AreaCode>,
    pub event_id: Option<i64>,
}

/// Published grant lists (公示) and paid ones, per area: no login needed.
#[utoipa::path(get, path = "/api/v1/public/disclosures", tag = "households", params(DisclosureQuery),
    responses((status = 200, body = [Disclosure])))]
async fn public_disclosures(
    State(state): State<AppState>,
    Query(query): Query<DisclosureQuery>,
) -> AppResult<Json<Vec<Disclosure>>> {
    Ok(Json(disclosure::list(&*state.store, query.area_code.as_ref(), query.event_id).await?))
}

/// One disclosed list with its lines: masked names and ID numbers, amounts, period. No login needed.
#[utoipa::path(get, path = "/api/v1/public/disclosures/{id}", tag = "households", params(("id" = i64, Path)),
    responses((status = 200, body = Disclosure), (status = 404)))]
async fn public_disclosure(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<Disclosure>> {
    Ok(Json(disclosure::one(&*state.store, id).await?))
}

/// A disclosed list as a printable file for posting (CSV or XLSX), masked like the page.
#[utoipa::path(get, path = "/api/v1/public/disclosures/{id}/export", tag = "households", params(("id" = i64, Path), FormatQuery),
    responses((status = 200, description = "CSV or XLSX file"), (status = 404)))]
async fn public_disclosure_export(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<FormatQuery>,
) -> AppResult<Response> {
    let disclosure = disclosure::one(&*state.store, id).await?;
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
    disclosure::disclosed_or_404(&*state.store, id).await?;
    let input: ObjectionInput = parse_body(body)?;
    let objection = disclosure::checked_objection(&input)?;
    if let Some(refusal) = state.objections.refuse(&*state.store, peer.ip()).await? {
        return Ok(refusal);
    }
    let receipt = disclosure::file_objection(&*state.store, id, objection).await?;
    Ok((StatusCode::CREATED, Json(receipt)).into_response())
}

// ---- hand-offs to the other programmes --------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct HandoffQuery {
    #[param(value_type = String)]
    pub programme: HandoffProgramme,
    pub event_id: i64,
    /// Default: the caller's scope.
    pub area_code: Option<AreaCode>,
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
    let area = actor.area_pattern(query.area_code.as_ref())?;
    let table = handoff::table(&*state.store, event.id, &area, query.programme, Identify::Staff(&actor.user)).await?;
    let audit = actor.audit("export.handoff", "export", query.programme.file()).with_after(handoff::audit_record(
        &table,
        query.programme,
        event.id,
        &area,
        if query.format == Format::Xlsx { "xlsx" } else { "csv" },
    ));
    state.store.record_audit(&audit).await?;
    table.into_response(query.format)
}
