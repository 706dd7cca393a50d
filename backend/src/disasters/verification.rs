//! Verification of reported figures: an assessor's verified values (each difference with its
//! reason), acceptance and return of an area's figures by the next level up, response-level
//! overrides, and the thresholds that compute the levels.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::indicators::{Figures, Indicator, parse_figures};
use super::rules;
use super::service::{PROVINCIAL_PLAN, event_or_404, record_level_changes, reportable_area, thresholds_for};
use super::store::{Acceptance, DisasterStore, NewAssessment, Versions};
use super::{Assessment, EventStatus, LevelChange, Threshold};
use crate::areas::AreaCode;
use crate::areas::store::AreaStore;
use crate::auth::{Actor, Role};
use crate::config::Settings;
use crate::error::{AppError, AppResult, FieldError};
use crate::said;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    pub area_code: AreaCode,
    /// Verified values (any subset).
    #[schema(value_type = Object)]
    pub indicators: Value,
    /// Why each verified value differs from the reported one: {indicator: reason}.
    #[serde(default)]
    pub reasons: BTreeMap<String, String>,
}

/// Records verified figures for an area in the caller's scope; every value that differs from
/// the latest report needs a reason. Levels are recomputed.
pub async fn assess<S: AreaStore + DisasterStore + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    id: i64,
    input: AssessmentInput,
) -> AppResult<Assessment> {
    let event = event_or_404(store, id).await?;
    reportable_area(store, actor, &input.area_code).await?;
    let figures = parse_figures(&input.indicators).map_err(|p| AppError::invalid("invalid figures", p))?;
    if event.status.0 == EventStatus::Closed {
        return Err(AppError::conflict(crate::disasters::service::event_closed()));
    }
    let reports = store.reports(id, Versions { area_code: Some(&input.area_code), latest_only: true }).await?;
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
            Err(_) => problems
                .push(FieldError::new(format!("reasons.{key}"), said!("indicator_unknown", "unknown indicator"))),
        }
    }
    for (indicator, value) in &figures {
        if reported.get(indicator) != Some(value) && !reasons.contains_key(indicator) {
            problems.push(FieldError::new(
                format!("reasons.{}", indicator.name()),
                match reported.get(indicator) {
                    Some(reported) => said!(
                        "verified_differs",
                        "verified {verified} differs from the reported {reported}; give a reason",
                        verified = indicator.display(*value),
                        reported = indicator.display(*reported)
                    ),
                    None => said!(
                        "verified_unreported",
                        "verified {verified} differs from the reported (not reported); give a reason",
                        verified = indicator.display(*value)
                    ),
                },
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
        store.insert_assessment(&assessment, &actor.audit("assessment.create", "assessment", "")).await?;
    record_level_changes(store, settings, &event).await?;
    store
        .assessments(id, Versions { area_code: Some(&assessment.area_code), latest_only: false })
        .await?
        .into_iter()
        .find(|a| a.id == assessment_id)
        .ok_or_else(|| AppError::NotFound("assessment vanished".into()))
}

/// Only the next level up accepts or returns an area's figures: the caller's scope must contain
/// the area without being the area itself.
async fn require_upper_level<S: AreaStore + DisasterStore + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    area_code: &str,
) -> AppResult<()> {
    event_or_404(store, id).await?;
    reportable_area(store, actor, area_code).await?;
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
pub async fn accept<S: AreaStore + DisasterStore + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    area_code: &str,
) -> AppResult<Vec<Acceptance>> {
    require_upper_level(store, actor, id, area_code).await?;
    let audit = actor.audit("figures.accept", "event_area", format!("{id}/{area_code}"));
    if !store.accept_area(id, area_code, &audit).await? {
        return Err(AppError::conflict(said!("already_accepted", "{area} is already accepted", area = area_code)));
    }
    Ok(store.acceptances(id).await?)
}

/// Sends an area's figures back down for correction with a reason, which reopens them.
pub async fn send_back<S: AreaStore + DisasterStore + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    area_code: &str,
    reason: &str,
) -> AppResult<Vec<Acceptance>> {
    require_upper_level(store, actor, id, area_code).await?;
    if reason.trim().is_empty() {
        return Err(AppError::invalid_field("reason", said!("return_reason", "say why the figures go back")));
    }
    let audit = actor
        .audit("figures.return", "event_area", format!("{id}/{area_code}"))
        .with_after(serde_json::json!({"reason": reason}));
    if !store.return_area(id, area_code, reason.trim(), &audit).await? {
        return Err(AppError::conflict(said!("not_accepted", "{area} was not accepted", area = area_code)));
    }
    Ok(store.acceptances(id).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideInput {
    pub area_code: AreaCode,
    /// 1 (I) … 4 (IV); null clears the override and the computed level applies again.
    pub level: Option<i64>,
    pub reason: String,
}

/// Overrides an area's response level with a reason (启动条件调整); answers the area's history.
pub async fn override_level<S: AreaStore + DisasterStore + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    input: OverrideInput,
) -> AppResult<Vec<LevelChange>> {
    event_or_404(store, id).await?;
    let area = store.get_area(&input.area_code).await?.ok_or_else(|| {
        AppError::invalid_field("area_code", said!("area_unknown", "unknown area {area}", area = &input.area_code))
    })?;
    actor.require_area(&area.code)?;
    if input.level.is_some_and(|l| !(1..=4).contains(&l)) {
        return Err(AppError::invalid_field("level", said!("override_level", "1 (I) to 4 (IV), or null to clear")));
    }
    if input.reason.trim().is_empty() {
        return Err(AppError::invalid_field("reason", said!("override_reason", "an override needs a reason")));
    }
    let source = if input.level.is_some() { "override" } else { "override_cleared" };
    let audit = actor
        .audit("response_level.override", "event_area", format!("{id}/{}", area.code))
        .with_after(serde_json::json!({"level": input.level, "reason": input.reason}));
    store.append_level(id, &area.code, input.level, source, Some(input.reason.trim()), &audit).await?;
    let history = store.level_history(id).await?;
    Ok(history.into_iter().filter(|h| h.area_code == area.code).collect())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ThresholdInput {
    pub response_level: i64,
    pub criterion: String,
    pub lower_bound: i64,
}

/// Replaces one plan's response thresholds: `province` (the national plan, on a province's
/// figures), `provincial` (the province's plan, on a city's or county's), `city` or `county`.
pub async fn replace_thresholds<S: DisasterStore + ?Sized>(
    store: &S,
    actor: &Actor,
    admin_level: &str,
    input: Vec<ThresholdInput>,
) -> AppResult<Vec<Threshold>> {
    if !matches!(admin_level, "province" | PROVINCIAL_PLAN | "city" | "county") {
        return Err(AppError::invalid_field(
            "admin_level",
            said!("threshold_plan", "province, provincial, city or county"),
        ));
    }
    let known = rules::criteria(&Figures::new());
    let mut problems = Vec::new();
    for (i, t) in input.iter().enumerate() {
        if !(1..=4).contains(&t.response_level) {
            problems.push(FieldError::new(format!("[{i}].response_level"), said!("response_level_range", "1 to 4")));
        }
        if !known.contains_key(t.criterion.as_str()) {
            problems.push(FieldError::new(
                format!("[{i}].criterion"),
                said!("criterion_unknown", "one of {choices:?}", choices = known.keys().collect::<Vec<_>>()),
            ));
        }
        if t.lower_bound < 0 {
            problems.push(FieldError::new(format!("[{i}].lower_bound"), said!("negative", "cannot be negative")));
        }
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid thresholds", problems));
    }
    let thresholds: Vec<Threshold> = input
        .into_iter()
        .map(|t| Threshold {
            admin_level: admin_level.to_owned(),
            response_level: t.response_level,
            criterion: t.criterion,
            lower_bound: t.lower_bound,
        })
        .collect();
    let before = thresholds_for(&store.thresholds().await?, admin_level);
    let audit = actor
        .audit("response_thresholds.replace", "response_thresholds", admin_level)
        .with_before(&before)
        .with_after(&thresholds);
    store.replace_thresholds(admin_level, &thresholds, &audit).await?;
    Ok(thresholds_for(&store.thresholds().await?, admin_level))
}
