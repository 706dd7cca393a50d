use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::indicators::{Figures, Indicator, parse_figures};
use super::rules::{self};
use super::service::{
    self, EventSummary, Filed, ReportInput, build_summary, event_or_404, level_name, record_level_changes,
    thresholds_for,
};
use super::store::{Acceptance, EventFields, FiguresError, NewAssessment, Versions};
use super::{Assessment, Event, EventStatus, Hazard, LevelChange, LossReport, Threshold};
use crate::auth::{Actor, Role};
use crate::error::{AppError, AppResult, FieldError};
use crate::export::{Cell, Format, Table};
use crate::extract::parse_body;
use crate::idempotency::Earlier;
use crate::state::AppState;
use crate::text_enum::enum_text;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_events, create_event))
        .routes(routes!(get_event, update_event))
        .routes(routes!(list_reports, post_report))
        .routes(routes!(list_assessments, post_assessment))
        .routes(routes!(event_summary))
        .routes(routes!(accept_area))
        .routes(routes!(return_area))
        .routes(routes!(level_history, override_level))
        .routes(routes!(list_thresholds))
        .routes(routes!(replace_thresholds))
        .routes(routes!(export_event_summary))
        .routes(routes!(list_blockages, add_blockage))
        .routes(routes!(delete_blockage))
        .routes(routes!(list_photos, upload_photo))
        .routes(routes!(get_photo))
}

impl From<FiguresError> for AppError {
    fn from(error: FiguresError) -> Self {
        match error {
            FiguresError::Locked(_) => AppError::conflict(error.to_string()),
            FiguresError::KeyReused => AppError::invalid_field("Idempotency-Key", error.to_string()),
            FiguresError::Db(e) => e.into(),
        }
    }
}

/// An event the caller may change: every one of its counties is in their scope, so one county's
/// manager does not close, rename or redraw (blocked zones reroute its plans) an event that other
/// counties live through.
async fn event_to_change(state: &AppState, actor: &Actor, id: i64) -> AppResult<Event> {
    let event = event_or_404(&*state.store, id).await?;
    actor.require_areas(event.affected_areas.iter().map(String::as_str))?;
    Ok(event)
}

// ---- events ----------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub name: Option<String>,
    pub hazard: Option<Hazard>,
    pub onset_at: Option<DateTime<Utc>>,
    pub status: Option<EventStatus>,
    pub description: Option<String>,
    /// County codes expected to report.
    pub affected_areas: Option<Vec<String>>,
}

async fn event_fields(state: &AppState, input: EventInput, current: Option<&Event>) -> AppResult<EventFields> {
    let mut problems = Vec::new();
    let name = input.name.or_else(|| current.map(|e| e.name.clone())).unwrap_or_default().trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        problems.push(FieldError::new("name", "required, at most 200 characters"));
    }
    let hazard = input.hazard.or(current.map(|e| e.hazard.0));
    let onset_at = input.onset_at.or(current.map(|e| e.onset_at));
    if hazard.is_none() {
        problems.push(FieldError::new("hazard", "required"));
    }
    match onset_at {
        None => problems.push(FieldError::new("onset_at", "required (RFC 3339, UTC)")),
        Some(t) if t > Utc::now() + chrono::Duration::hours(1) => {
            problems.push(FieldError::new("onset_at", "cannot be in the future"))
        }
        _ => {}
    }
    let affected = input.affected_areas.or_else(|| current.map(|e| e.affected_areas.0.clone())).unwrap_or_default();
    for area in &affected {
        match state.store.get_area(area).await? {
            Some(a) if a.level == "county" => {}
            Some(_) => problems.push(FieldError::new("affected_areas", format!("{area} is not a county"))),
            None => problems.push(FieldError::new("affected_areas", format!("unknown area {area}"))),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid event", problems));
    }
    Ok(EventFields {
        name,
        hazard: enum_text(hazard.expect("checked")),
        onset_at: onset_at.expect("checked"),
        status: enum_text(input.status.or(current.map(|e| e.status.0)).unwrap_or(EventStatus::Active)),
        description: input.description.or_else(|| current.and_then(|e| e.description.clone())),
        affected_areas: affected,
    })
}

/// Disaster events, newest first.
#[utoipa::path(get, path = "/api/v1/events", tag = "disasters", security(("bearer" = [])), responses((status = 200, body = [Event])))]
async fn list_events(State(state): State<AppState>, _actor: Actor) -> AppResult<Json<Vec<Event>>> {
    Ok(Json(state.store.list_events().await?))
}

/// Opens an event (manager).
#[utoipa::path(post, path = "/api/v1/events", tag = "disasters", security(("bearer" = [])), request_body = EventInput,
    responses((status = 201, body = Event), (status = 403), (status = 422)))]
async fn create_event(
    State(state): State<AppState>,
    actor: Actor,
    Json(input): Json<EventInput>,
) -> AppResult<(StatusCode, Json<Event>)> {
    actor.require_role(&[Role::Manager])?;
    let fields = event_fields(&state, input, None).await?;
    actor.require_areas(fields.affected_areas.iter().map(String::as_str))?;
    let audit = actor
        .audit("event.create", "event", "")
        .with_after(serde_json::json!({"name": fields.name, "hazard": fields.hazard}));
    let id = state.store.create_event(&fields, &audit).await?;
    Ok((StatusCode::CREATED, Json(event_or_404(&*state.store, id).await?)))
}

#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "disasters", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = Event), (status = 404)))]
async fn get_event(State(state): State<AppState>, _actor: Actor, Path(id): Path<i64>) -> AppResult<Json<Event>> {
    Ok(Json(event_or_404(&*state.store, id).await?))
}

/// Edits an event: status (active → stabilised → closed), affected counties, description (manager).
#[utoipa::path(patch, path = "/api/v1/events/{id}", tag = "disasters", security(("bearer" = [])), params(("id" = i64, Path)),
    request_body = EventInput, responses((status = 200, body = Event), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn update_event(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(input): Json<EventInput>,
) -> AppResult<Json<Event>> {
    actor.require_role(&[Role::Manager])?;
    let event = event_to_change(&state, &actor, id).await?;
    if event.status.0 == EventStatus::Closed && input.status != Some(EventStatus::Active) {
        return Err(AppError::conflict("the event is closed; reopen it (status active) to change it"));
    }
    let fields = event_fields(&state, input, Some(&event)).await?;
    // The counties it is given must be in scope too.
    actor.require_areas(fields.affected_areas.iter().map(String::as_str))?;
    let audit = actor.audit("event.update", "event", id.to_string()).with_before(&event).with_after(
        serde_json::json!({"name": fields.name, "status": fields.status, "affected_areas": fields.affected_areas}),
    );
    state.store.update_event(id, &fields, &audit).await?;
    Ok(Json(event_or_404(&*state.store, id).await?))
}

// ---- reports and assessments -----------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct AreaFilterQuery {
    /// Only this area's versions.
    pub area_code: Option<String>,
}

/// Loss reports of the event in the caller's scope, every version, by area.
#[utoipa::path(get, path = "/api/v1/events/{id}/reports", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), AreaFilterQuery), responses((status = 200, body = [LossReport])))]
async fn list_reports(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<AreaFilterQuery>,
) -> AppResult<Json<Vec<LossReport>>> {
    event_or_404(&*state.store, id).await?;
    let reports =
        state.store.reports(id, Versions { area_code: query.area_code.as_deref(), latest_only: false }).await?;
    Ok(Json(reports.into_iter().filter(|r| actor.user.can_reach(&r.area_code)).collect()))
}

/// Files a loss report (reporters and managers, for areas in scope). Reports are versioned: a new
/// one supersedes the previous one of the same area and never overwrites it.
#[utoipa::path(post, path = "/api/v1/events/{id}/reports", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = ReportInput,
    responses((status = 201, body = LossReport), (status = 200, description = "duplicate of the latest version", body = LossReport),
              (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn post_report(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<LossReport>)> {
    actor.require_role(&[Role::Reporter, Role::Manager])?;
    let event = event_or_404(&*state.store, id).await?;
    let claim = crate::idempotency::claim_from(&headers, format!("{}:loss-report:{id}", actor.user.id), &body)?;
    // A retry of a report that was filed gets the first answer, even if later versions or the
    // event's closure would refuse the same report now.
    if let Some(claim) = &claim {
        match state.store.earlier_report(claim).await? {
            Earlier::Replay(report_id) => {
                return Ok((
                    StatusCode::CREATED,
                    Json(stored_report(&state, report_id.parse().unwrap_or_default()).await?),
                ));
            }
            Earlier::Conflict => return Err(FiguresError::KeyReused.into()),
            Earlier::None => {}
        }
    }
    let input: ReportInput = parse_body(body)?;
    match service::file_report(&*state.store, &state.settings, &actor, &event, input, claim).await? {
        Filed::Unchanged(latest) => Ok((StatusCode::OK, Json(latest))),
        Filed::Stored(report_id) => Ok((StatusCode::CREATED, Json(stored_report(&state, report_id).await?))),
    }
}

async fn stored_report(state: &AppState, report_id: i64) -> AppResult<LossReport> {
    state.store.get_report(report_id).await?.ok_or_else(|| AppError::NotFound("report vanished".into()))
}

/// Verification assessments of the event in the caller's scope.
#[utoipa::path(get, path = "/api/v1/events/{id}/assessments", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), AreaFilterQuery), responses((status = 200, body = [Assessment])))]
async fn list_assessments(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<AreaFilterQuery>,
) -> AppResult<Json<Vec<Assessment>>> {
    event_or_404(&*state.store, id).await?;
    let assessments =
        state.store.assessments(id, Versions { area_code: query.area_code.as_deref(), latest_only: false }).await?;
    Ok(Json(assessments.into_iter().filter(|a| actor.user.can_reach(&a.area_code)).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    pub area_code: String,
    /// Verified values (any subset).
    #[schema(value_type = Object)]
    pub indicators: Value,
    /// Why each verified value differs from the reported one: {indicator: reason}.
    #[serde(default)]
    pub reasons: BTreeMap<String, String>,
}

/// Records verified figures (assessors, for areas in scope); every value that differs from the
/// latest report needs a reason.
#[utoipa::path(post, path = "/api/v1/events/{id}/assessments", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AssessmentInput,
    responses((status = 201, body = Assessment), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn post_assessment(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(body): Json<Value>,
) -> AppResult<(StatusCode, Json<Assessment>)> {
    actor.require_role(&[Role::Assessor])?;
    let event = event_or_404(&*state.store, id).await?;
    let input: AssessmentInput = parse_body(body)?;
    service::reportable_area(&*state.store, &actor, &input.area_code).await?;
    let figures = parse_figures(&input.indicators).map_err(|p| AppError::invalid("invalid figures", p))?;
    if event.status.0 == EventStatus::Closed {
        return Err(AppError::conflict("the event is closed"));
    }
    let reports = state.store.reports(id, Versions { area_code: Some(&input.area_code), latest_only: true }).await?;
    let latest = reports.last();
    let reported = latest.map(|r| r.indicators.0.clone()).unwrap_or_default();
    let mut problems = Vec::new();
    let mut reasons = BTreeMap::new();
    for (key, reason) in input.reasons {
        match crate::text_enum::parse_enum::<Indicator>(key.clone()) {
            Ok(indicator) if !reason.trim().is_empty() => {
                reasons.insert(indicator, reason.trim().to_owned());
            }
            Ok(_) => {}
            Err(_) => problems.push(FieldError::new(format!("reasons.{key}"), "unknown indicator")),
        }
    }
    for (indicator, value) in &figures {
        if reported.get(indicator) != Some(value) && !reasons.contains_key(indicator) {
            problems.push(FieldError::new(
                format!("reasons.{}", indicator.name()),
                format!(
                    "verified {} differs from the reported {}; give a reason",
                    indicator.display(*value),
                    reported.get(indicator).map_or("(not reported)".into(), |v| indicator.display(*v))
                ),
            ));
        }
    }
    problems.extend(rules::check_consistency(&rules::best_figures(Some(&reported), Some(&figures))));
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid assessment", problems));
    }
    let assessment = NewAssessment {
        event_id: id,
        area_code: input.area_code,
        indicators: figures,
        reasons,
        report_id: latest.map(|r| r.id),
    };
    let assessment_id =
        state.store.insert_assessment(&assessment, &actor.audit("assessment.create", "assessment", "")).await?;
    record_level_changes(&*state.store, &state.settings, &event).await?;
    let stored = state
        .store
        .assessments(id, Versions { area_code: Some(&assessment.area_code), latest_only: false })
        .await?
        .into_iter()
        .find(|a| a.id == assessment_id)
        .ok_or_else(|| AppError::NotFound("assessment vanished".into()))?;
    Ok((StatusCode::CREATED, Json(stored)))
}

// ---- acceptance (DHIS2-style locking) -------------------------------------------------------

/// Only the next level up accepts or returns an area's figures: the caller's scope must contain
/// the area without being the area itself.
fn require_upper_level(actor: &Actor, area_code: &str) -> AppResult<()> {
    actor.require_role(&[Role::Assessor, Role::Manager])?;
    actor.require_area(area_code)?;
    if actor.user.area_code.as_deref() == Some(area_code) {
        return Err(AppError::Forbidden(
            "an area's own staff cannot accept its figures; the next level up does".into(),
        ));
    }
    Ok(())
}

/// Accepts an area's figures at the next level up, which locks them.
#[utoipa::path(post, path = "/api/v1/events/{id}/areas/{code}/accept", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), ("code" = String, Path)), responses((status = 200, body = [Acceptance]), (status = 403), (status = 409)))]
async fn accept_area(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, area_code)): Path<(i64, String)>,
) -> AppResult<Json<Vec<Acceptance>>> {
    event_or_404(&*state.store, id).await?;
    service::reportable_area(&*state.store, &actor, &area_code).await?;
    require_upper_level(&actor, &area_code)?;
    let audit = actor.audit("figures.accept", "event_area", format!("{id}/{area_code}"));
    if !state.store.accept_area(id, &area_code, &audit).await? {
        return Err(AppError::conflict(format!("{area_code} is already accepted")));
    }
    Ok(Json(state.store.acceptances(id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReturnInput {
    pub reason: String,
}

/// Sends an area's figures back down for correction, which reopens them.
#[utoipa::path(post, path = "/api/v1/events/{id}/areas/{code}/return", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), ("code" = String, Path)), request_body = ReturnInput,
    responses((status = 200, body = [Acceptance]), (status = 403), (status = 409), (status = 422)))]
async fn return_area(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, area_code)): Path<(i64, String)>,
    Json(input): Json<ReturnInput>,
) -> AppResult<Json<Vec<Acceptance>>> {
    event_or_404(&*state.store, id).await?;
    service::reportable_area(&*state.store, &actor, &area_code).await?;
    require_upper_level(&actor, &area_code)?;
    if input.reason.trim().is_empty() {
        return Err(AppError::invalid_field("reason", "say why the figures go back"));
    }
    let audit = actor
        .audit("figures.return", "event_area", format!("{id}/{area_code}"))
        .with_after(serde_json::json!({"reason": input.reason}));
    if !state.store.return_area(id, &area_code, &audit).await? {
        return Err(AppError::conflict(format!("{area_code} was not accepted")));
    }
    Ok(Json(state.store.acceptances(id).await?))
}

// ---- summary and response levels -------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct SummaryQuery {
    /// county (default), township or city
    pub level: Option<String>,
}

/// Figures per area (best, reported, verified), aggregated bottom-up, with response levels,
/// overdue markers and acceptance, and the event's overall response level.
#[utoipa::path(get, path = "/api/v1/events/{id}/summary", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), SummaryQuery), responses((status = 200, body = EventSummary), (status = 404), (status = 422)))]
async fn event_summary(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Query(query): Query<SummaryQuery>,
) -> AppResult<Json<EventSummary>> {
    let event = event_or_404(&*state.store, id).await?;
    Ok(Json(
        build_summary(&*state.store, &state.settings, &actor, event, query.level.as_deref().unwrap_or("county"))
            .await?,
    ))
}

/// The history of response levels: computed changes and managers' overrides.
#[utoipa::path(get, path = "/api/v1/events/{id}/response-levels", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = [LevelChange])))]
async fn level_history(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<Json<Vec<LevelChange>>> {
    event_or_404(&*state.store, id).await?;
    let history = state.store.level_history(id).await?;
    Ok(Json(history.into_iter().filter(|h| actor.user.can_reach(&h.area_code)).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideInput {
    pub area_code: String,
    /// 1 (I) … 4 (IV); null clears the override and the computed level applies again.
    pub level: Option<i64>,
    pub reason: String,
}

/// Overrides an area's response level (manager), with a reason (启动条件调整).
#[utoipa::path(post, path = "/api/v1/events/{id}/response-levels", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = OverrideInput,
    responses((status = 201, body = [LevelChange]), (status = 403), (status = 404), (status = 422)))]
async fn override_level(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(input): Json<OverrideInput>,
) -> AppResult<(StatusCode, Json<Vec<LevelChange>>)> {
    actor.require_role(&[Role::Manager])?;
    event_or_404(&*state.store, id).await?;
    let area = state
        .store
        .get_area(&input.area_code)
        .await?
        .ok_or_else(|| AppError::invalid_field("area_code", "unknown area"))?;
    actor.require_area(&area.code)?;
    if input.level.is_some_and(|l| !(1..=4).contains(&l)) {
        return Err(AppError::invalid_field("level", "1 (I) to 4 (IV), or null to clear"));
    }
    if input.reason.trim().is_empty() {
        return Err(AppError::invalid_field("reason", "an override needs a reason"));
    }
    let source = if input.level.is_some() { "override" } else { "override_cleared" };
    let audit = actor
        .audit("response_level.override", "event_area", format!("{id}/{}", area.code))
        .with_after(serde_json::json!({"level": input.level, "reason": input.reason}));
    state.store.append_level(id, &area.code, input.level, source, Some(input.reason.trim()), &audit).await?;
    let history = state.store.level_history(id).await?;
    Ok((StatusCode::CREATED, Json(history.into_iter().filter(|h| h.area_code == area.code).collect())))
}

/// Response-level thresholds per administrative level and criterion (lower bounds, inclusive).
#[utoipa::path(get, path = "/api/v1/response-thresholds", tag = "disasters", security(("bearer" = [])),
    responses((status = 200, body = [Threshold])))]
async fn list_thresholds(State(state): State<AppState>, _actor: Actor) -> AppResult<Json<Vec<Threshold>>> {
    Ok(Json(state.store.thresholds().await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ThresholdInput {
    pub response_level: i64,
    pub criterion: String,
    pub lower_bound: i64,
}

/// Replaces the thresholds of one administrative level (admin).
#[utoipa::path(put, path = "/api/v1/response-thresholds/{admin_level}", tag = "disasters", security(("bearer" = [])),
    params(("admin_level" = String, Path, description = "province, city or county")), request_body = [ThresholdInput],
    responses((status = 200, body = [Threshold]), (status = 403), (status = 422)))]
async fn replace_thresholds(
    State(state): State<AppState>,
    actor: Actor,
    Path(admin_level): Path<String>,
    Json(input): Json<Vec<ThresholdInput>>,
) -> AppResult<Json<Vec<Threshold>>> {
    actor.require_role(&[Role::Admin])?;
    if !matches!(admin_level.as_str(), "province" | "city" | "county") {
        return Err(AppError::invalid_field("admin_level", "province, city or county"));
    }
    let known = rules::criteria(&Figures::new());
    let mut problems = Vec::new();
    for (i, t) in input.iter().enumerate() {
        if !(1..=4).contains(&t.response_level) {
            problems.push(FieldError::new(format!("[{i}].response_level"), "1 to 4"));
        }
        if !known.contains_key(t.criterion.as_str()) {
            problems.push(FieldError::new(
                format!("[{i}].criterion"),
                format!("one of {:?}", known.keys().collect::<Vec<_>>()),
            ));
        }
        if t.lower_bound < 0 {
            problems.push(FieldError::new(format!("[{i}].lower_bound"), "cannot be negative"));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid thresholds", problems));
    }
    let thresholds: Vec<Threshold> = input
        .into_iter()
        .map(|t| Threshold {
            admin_level: admin_level.clone(),
            response_level: t.response_level,
            criterion: t.criterion,
            lower_bound: t.lower_bound,
        })
        .collect();
    let before = thresholds_for(&state.store.thresholds().await?, &admin_level);
    let audit = actor
        .audit("response_thresholds.replace", "response_thresholds", &admin_level)
        .with_before(&before)
        .with_after(&thresholds);
    state.store.replace_thresholds(&admin_level, &thresholds, &audit).await?;
    Ok(Json(thresholds_for(&state.store.thresholds().await?, &admin_level)))
}

// ---- publication -----------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
pub struct SummaryExportQuery {
    pub event_id: i64,
    pub level: Option<String>,
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub format: Format,
}

/// The event summary (灾情统计表) as CSV or XLSX with Chinese headers.
#[utoipa::path(get, path = "/api/v1/exports/event-summary", tag = "disasters", security(("bearer" = [])), params(SummaryExportQuery),
    responses((status = 200, description = "CSV or XLSX file"), (status = 404)))]
async fn export_event_summary(
    State(state): State<AppState>,
    actor: Actor,
    Query(query): Query<SummaryExportQuery>,
) -> AppResult<Response> {
    let event = event_or_404(&*state.store, query.event_id).await?;
    let summary =
        build_summary(&*state.store, &state.settings, &actor, event, query.level.as_deref().unwrap_or("county"))
            .await?;
    let mut headers = vec!["区划代码", "区划名称", "响应等级", "逾期未报", "已审核"];
    headers.extend(Indicator::ALL.iter().map(|i| i.label_zh()));
    let rows = summary
        .areas
        .iter()
        .map(|area| {
            let mut row: Vec<Cell> = vec![
                area.code.as_str().into(),
                area.name.as_str().into(),
                area.response_level.map(level_name).into(),
                area.overdue.as_ref().map(|o| if o.kind == "initial" { "初报逾期" } else { "续报逾期" }).into(),
                (if area.accepted { "是" } else { "否" }).into(),
            ];
            row.extend(Indicator::ALL.iter().map(|i| area.figures.get(i).map(|v| i.display(*v)).into()));
            row
        })
        .collect();
    Table { name: format!("event-{}-summary", summary.event.id), title: "灾情统计".into(), headers, rows }
        .into_response(query.format)
}

// ---- blocked zones ---------------------------------------------------------------------------

/// The event's blocked zones (impassable for travel-time planning) as a GeoJSON FeatureCollection.
#[utoipa::path(get, path = "/api/v1/events/{id}/blockages", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, content_type = "application/geo+json", body = Object), (status = 404)))]
async fn list_blockages(
    State(state): State<AppState>,
    _actor: Actor,
    Path(id): Path<i64>,
) -> AppResult<impl IntoResponse> {
    event_or_404(&*state.store, id).await?;
    let features: Vec<Value> = state
        .store
        .blockages(id)
        .await?
        .into_iter()
        .map(|b| {
            let geometry: Value = serde_json::from_str(&b.geometry).unwrap_or(Value::Null);
            serde_json::json!({"type": "Feature", "id": b.id, "geometry": geometry,
                "properties": {"id": b.id, "name": b.name, "created_by": b.created_by, "created_at": b.created_at}})
        })
        .collect();
    let collection = Json(serde_json::json!({"type": "FeatureCollection", "features": features}));
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], collection))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BlockageInput {
    pub name: Option<String>,
    /// GeoJSON Polygon or MultiPolygon in WGS84 (or a Feature carrying one).
    #[schema(value_type = Object)]
    pub geometry: Value,
}

/// Draws a blocked zone (manager): travel plans route around it.
#[utoipa::path(post, path = "/api/v1/events/{id}/blockages", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = BlockageInput,
    responses((status = 201, body = Object), (status = 403), (status = 404), (status = 422)))]
async fn add_blockage(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<i64>,
    Json(input): Json<BlockageInput>,
) -> AppResult<(StatusCode, Json<Value>)> {
    actor.require_role(&[Role::Manager])?;
    event_to_change(&state, &actor, id).await?;
    let geometry = match input.geometry.get("type").and_then(Value::as_str) {
        Some("Feature") => input.geometry.get("geometry").cloned().unwrap_or(Value::Null),
        _ => input.geometry,
    };
    let polygon = crate::areas::import::read_polygon("geometry", &geometry)
        .map_err(|p| AppError::invalid("invalid blocked zone", p))?;
    let stored = geojson::Geometry::from(&geo::Geometry::MultiPolygon(polygon)).to_string();
    let name = input.name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).unwrap_or_else(|| "封闭区域".into());
    let audit =
        actor.audit("blockage.create", "blockage", "").with_after(serde_json::json!({"event_id": id, "name": name}));
    let blockage_id = state.store.add_blockage(id, &name, &stored, &audit).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": blockage_id, "name": name}))))
}

/// Removes a blocked zone (manager).
#[utoipa::path(delete, path = "/api/v1/events/{id}/blockages/{blockage_id}", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), ("blockage_id" = i64, Path)), responses((status = 204), (status = 403), (status = 404)))]
async fn delete_blockage(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, blockage_id)): Path<(i64, i64)>,
) -> AppResult<StatusCode> {
    actor.require_role(&[Role::Manager])?;
    event_to_change(&state, &actor, id).await?;
    let audit = actor.audit("blockage.delete", "blockage", blockage_id.to_string());
    if !state.store.delete_blockage(id, blockage_id, &audit).await? {
        return Err(AppError::NotFound(format!("no blocked zone {blockage_id} in event {id}")));
    }
    Ok(StatusCode::NO_CONTENT)
}

// ---- report photos ---------------------------------------------------------------------------

/// The image type told by the file's first bytes (the declared Content-Type must agree).
fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some("image/png"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

async fn report_in_event(state: &AppState, event_id: i64, report_id: i64) -> AppResult<LossReport> {
    state
        .store
        .get_report(report_id)
        .await?
        .filter(|r| r.event_id == event_id)
        .ok_or_else(|| AppError::NotFound(format!("no report {report_id} in event {event_id}")))
}

/// Photos attached to a report.
#[utoipa::path(get, path = "/api/v1/events/{id}/reports/{report_id}/photos", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), ("report_id" = i64, Path)), responses((status = 200, body = [super::store::Photo]), (status = 403), (status = 404)))]
async fn list_photos(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, report_id)): Path<(i64, i64)>,
) -> AppResult<Json<Vec<super::store::Photo>>> {
    let report = report_in_event(&state, id, report_id).await?;
    actor.require_area(&report.area_code)?;
    Ok(Json(state.store.photos(report_id).await?))
}

/// Attaches a photo (JPEG, PNG or WebP, the raw file as the body, up to the configured size;
/// reporters and managers of the area).
#[utoipa::path(post, path = "/api/v1/events/{id}/reports/{report_id}/photos", tag = "disasters", security(("bearer" = [])),
    params(("id" = i64, Path), ("report_id" = i64, Path)), request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = super::store::Photo), (status = 403), (status = 404), (status = 409), (status = 413), (status = 415)))]
async fn upload_photo(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, report_id)): Path<(i64, i64)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<(StatusCode, Json<super::store::Photo>)> {
    use sha2::{Digest, Sha256};
    actor.require_role(&[Role::Reporter, Role::Manager])?;
    let event = event_or_404(&*state.store, id).await?;
    let report = report_in_event(&state, id, report_id).await?;
    actor.require_area(&report.area_code)?;
    if event.status.0 == EventStatus::Closed {
        return Err(AppError::conflict("the event is closed"));
    }
    if body.len() > state.settings.max_photo_bytes {
        return Err(AppError::PayloadTooLarge);
    }
    let declared = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let Some(content_type) = sniff_image(&body).filter(|sniffed| declared.starts_with(sniffed)) else {
        return Err(AppError::UnsupportedMediaType(
            "a photo must be a JPEG, PNG or WebP image sent with its own Content-Type".into(),
        ));
    };
    let sha256 = hex::encode(Sha256::digest(&body));
    let extension = content_type.trim_start_matches("image/");
    let dir = state.settings.photo_dir.join(id.to_string()).join(report_id.to_string());
    let path = dir.join(format!("{sha256}.{extension}"));
    tokio::fs::create_dir_all(&dir).await.map_err(|e| AppError::Internal(e.into()))?;
    tokio::fs::write(&path, &body).await.map_err(|e| AppError::Internal(e.into()))?;
    let mut photo = super::store::Photo {
        id: 0,
        report_id,
        content_type: content_type.into(),
        bytes: body.len() as i64,
        sha256,
        path: path.display().to_string(),
        uploaded_by: actor.user.username.clone(),
        uploaded_at: Utc::now(),
    };
    let audit = actor
        .audit("report_photo.upload", "report_photo", "")
        .with_after(serde_json::json!({"report_id": report_id, "sha256": photo.sha256, "bytes": photo.bytes}));
    photo.id = state.store.add_photo(&photo, &audit).await?;
    Ok((StatusCode::CREATED, Json(photo)))
}

/// One photo's image.
#[utoipa::path(get, path = "/api/v1/photos/{id}", tag = "disasters", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, description = "the image"), (status = 403), (status = 404)))]
async fn get_photo(State(state): State<AppState>, actor: Actor, Path(id): Path<i64>) -> AppResult<Response> {
    let photo = state.store.get_photo(id).await?.ok_or_else(|| AppError::NotFound(format!("no photo {id}")))?;
    let report =
        state.store.get_report(photo.report_id).await?.ok_or_else(|| AppError::NotFound("report gone".into()))?;
    actor.require_area(&report.area_code)?;
    let bytes =
        tokio::fs::read(&photo.path).await.map_err(|_| AppError::NotFound("the photo file is missing".into()))?;
    Ok(([(header::CONTENT_TYPE, photo.content_type)], bytes).into_response())
}
