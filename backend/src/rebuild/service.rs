//! Rebuild cases' use-cases: opening one from the house's damage record, the county's approval with
//! the subsidy, the builder's progress, the inspection, and the views with target dates.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::rules::{self, Targets};
use super::store::{CaseError, NewCase, RebuildStore, Taken};
use super::{Basis, CaseRow, CaseStatus, CaseStep, Mode, StepRecord};
use crate::areas::service::area_names;
use crate::areas::store::AreaStore;
use crate::areas::{AreaCode, Level};
use crate::auth::Actor;
use crate::config::Settings;
use crate::disasters::service::event_or_404;
use crate::disasters::store::DisasterStore;
use crate::error::{AppError, AppResult};
use crate::funds::store::FundStore;
use crate::households::store::HouseholdStore;
use crate::households::{HouseDamage, Programme};
use crate::money::Fen;

/// The stores a case reads and writes.
pub trait Cases: AreaStore + DisasterStore + FundStore + HouseholdStore + RebuildStore {}
impl<T: AreaStore + DisasterStore + FundStore + HouseholdStore + RebuildStore + ?Sized> Cases for T {}

impl From<CaseError> for AppError {
    fn from(error: CaseError) -> Self {
        let message = error.to_string();
        match error {
            CaseError::NotFound => AppError::NotFound(message),
            CaseError::Db(e) => e.into(),
            _ => AppError::conflict(message),
        }
    }
}

/// A case as staff see it: the household masked, where it stands and by when its open stage is due.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Case {
    pub id: i64,
    pub event_id: i64,
    pub household_id: i64,
    pub area_code: AreaCode,
    pub area_name: String,
    pub name: String,
    pub id_number: String,
    pub mode: Mode,
    pub status: CaseStatus,
    pub rooms: i32,
    /// What the standard gives the house.
    #[schema(value_type = i64)]
    pub standard_fen: Fen,
    /// What the county approved (0 when the renovation programme pays instead).
    #[schema(value_type = Option<i64>)]
    pub subsidy_fen: Option<Fen>,
    pub basis: Basis,
    pub approved_on: Option<NaiveDate>,
    /// When the open stage is due, and whether that has passed.
    pub due_on: Option<NaiveDate>,
    pub overdue: bool,
    pub opened_by: String,
    pub created_at: DateTime<Utc>,
    /// The timeline (in the detail view).
    pub steps: Vec<StepRecord>,
}

fn targets(settings: &Settings) -> Targets {
    Targets {
        start_days: settings.rebuild_start_days,
        structure_days: settings.rebuild_structure_days,
        complete_days: settings.rebuild_complete_days,
    }
}

fn view(
    row: CaseRow,
    names: &std::collections::HashMap<AreaCode, String>,
    settings: &Settings,
    steps: Vec<StepRecord>,
) -> Case {
    let due_on = rules::due(targets(settings), row.mode, row.status, row.approved_on);
    Case {
        id: row.id,
        event_id: row.event_id,
        household_id: row.household_id,
        area_name: names.get(&row.area_code).cloned().unwrap_or_default(),
        area_code: row.area_code,
        name: row.name_masked,
        id_number: row.id_masked,
        mode: row.mode,
        status: row.status,
        rooms: row.rooms,
        standard_fen: row.standard_fen,
        subsidy_fen: row.subsidy_fen,
        basis: row.basis,
        approved_on: row.approved_on,
        overdue: due_on.is_some_and(|due| crate::clock::today() > due),
        due_on,
        opened_by: row.opened_by,
        created_at: row.created_at,
        steps,
    }
}

async fn case_or_404<S: Cases + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<CaseRow> {
    let not_found = || AppError::NotFound(format!("no rebuild case {id}"));
    let row = store.get_case(id).await?.ok_or_else(not_found)?;
    // Outside the caller's scope a case is as missing as one that does not exist.
    if !actor.user.can_reach(&row.area_code) {
        return Err(not_found());
    }
    Ok(row)
}

pub async fn detail<S: Cases + ?Sized>(store: &S, actor: &Actor, settings: &Settings, id: i64) -> AppResult<Case> {
    let row = case_or_404(store, actor, id).await?;
    let steps = store.case_steps(id).await?;
    Ok(view(row, &area_names(store).await?, settings, steps))
}

/// The cases of an area (default: the caller's scope), optionally of one event and status.
pub async fn list<S: Cases + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    area_code: Option<&AreaCode>,
    event_id: Option<i64>,
    status: Option<CaseStatus>,
) -> AppResult<Vec<Case>> {
    let pattern = actor.area_pattern(area_code)?;
    let names = area_names(store).await?;
    Ok(store
        .cases(&pattern, event_id, status)
        .await?
        .into_iter()
        .map(|row| view(row, &names, settings, vec![]))
        .collect())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    pub event_id: i64,
    pub household_id: i64,
    pub mode: Mode,
}

/// Opens a household's case from its damage record in the event: rebuild for a collapsed or
/// severely damaged house, repair for a generally damaged one, with what the standard gives it.
/// A household enrolled in the housing programme (农村危房改造) is subsidised by that programme.
pub async fn open<S: Cases + ?Sized>(store: &S, actor: &Actor, input: CaseInput) -> AppResult<i64> {
    let event = event_or_404(store, input.event_id).await?;
    let household = store
        .get_household(input.household_id)
        .await?
        .ok_or_else(|| AppError::invalid_field("household_id", format!("no household {}", input.household_id)))?;
    actor.require_area(&household.area_code)?;
    let damage = store
        .damage_records(event.id, Some(&household.area_code))
        .await?
        .into_iter()
        .find(|d| d.household_id == household.id)
        .ok_or_else(|| AppError::invalid_field("household_id", "the household has no damage record for this event"))?;
    let grade: HouseDamage = damage.house_damage.0;
    match rules::mode_for(grade) {
        None => return Err(AppError::invalid_field("household_id", "the damage record says the house is not damaged")),
        Some(mode) if mode != input.mode => {
            return Err(AppError::invalid_field(
                "mode",
                "a collapsed or severely damaged house is rebuilt, a generally damaged one repaired",
            ));
        }
        Some(_) => {}
    }
    let standards = crate::funds::service::standards(store).await?;
    let (standard_fen, basis_text) = crate::households::rules::reconstruction(&standards, &damage.facts())
        .map_err(|rule| AppError::invalid_field("household_id", format!("{}: {}", rule.rule, rule.message)))?;
    let renovation = household.facts(crate::clock::today()).programmes.iter().any(|p| *p == Programme::Housing);
    let basis = if renovation { Basis::DangerRenovation } else { Basis::Relief };
    let case = NewCase {
        event_id: event.id,
        household_id: household.id,
        area_code: household.area_code.clone(),
        mode: input.mode,
        rooms: damage.damaged_rooms as i32,
        standard_fen,
        basis,
        opened_by: actor.user.username.clone(),
    };
    let details =
        json!({"damage": grade, "rooms": damage.damaged_rooms, "standard_fen": standard_fen, "basis": basis_text});
    let audit = actor.audit("rebuild.open", "rebuild_case", "").with_after(json!({
        "event_id": event.id, "household_id": household.id, "mode": input.mode, "standard_fen": standard_fen, "basis": basis,
    }));
    Ok(store.open_case(&case, &details, &audit).await?)
}

fn taken(actor: &Actor, row: &CaseRow, step: CaseStep, passed: bool) -> AppResult<Taken> {
    let to = rules::next(row.mode, row.status, step, passed).ok_or(CaseError::WrongState(row.status))?;
    Ok(Taken {
        step,
        from: row.status,
        to,
        details: json!({}),
        actor_id: actor.user.id,
        actor_name: actor.user.username.clone(),
        approval: None,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalInput {
    /// The subsidy (default: the standard's; 0 when the renovation programme pays); above the
    /// standard it needs a reason.
    #[schema(value_type = Option<i64>)]
    pub amount_fen: Option<Fen>,
    pub reason: Option<String>,
}

/// The county approves the rebuild plan with its subsidy.
pub async fn approve<S: Cases + ?Sized>(store: &S, actor: &Actor, id: i64, input: ApprovalInput) -> AppResult<()> {
    let row = case_or_404(store, actor, id).await?;
    let county_or_above = actor.user.area_code.as_ref().is_some_and(|scope| scope.level() <= Level::County);
    if !county_or_above {
        return Err(AppError::Forbidden("the county approves a rebuild case".into()));
    }
    let mut step = taken(actor, &row, CaseStep::Approve, true)?;
    let standard = if row.basis == Basis::DangerRenovation { Fen::ZERO } else { row.standard_fen };
    let (amount, above) = match input.amount_fen {
        Some(amount) if amount < Fen::ZERO => return Err(AppError::invalid_field("amount_fen", "cannot be negative")),
        Some(amount) if amount > standard => {
            let reason = crate::applications::rules::require_reason(input.reason.as_deref(), "above the standard")
                .map_err(|p| AppError::invalid("invalid approval", vec![p]))?;
            step.details["reason"] = json!(reason);
            (amount, true)
        }
        Some(amount) => (amount, false),
        None => (standard, false),
    };
    step.details["subsidy_fen"] = json!(amount);
    step.details["above_standard"] = json!(above);
    step.approval = Some((amount, crate::clock::today()));
    let audit = actor
        .audit("rebuild.approve", "rebuild_case", id.to_string())
        .with_after(json!({"subsidy_fen": amount, "above_standard": above, "basis": row.basis}));
    Ok(store.take_step(id, &step, &audit).await?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    Started,
    StructureDone,
    Completed,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgressInput {
    pub stage: Progress,
    /// The day the work reached the stage (default today; not in the future).
    pub on: Option<NaiveDate>,
    pub photos: Option<Vec<String>>,
}

/// The builder's progress as township staff record it, in order (409 out of order).
pub async fn progress<S: Cases + ?Sized>(store: &S, actor: &Actor, id: i64, input: ProgressInput) -> AppResult<()> {
    let row = case_or_404(store, actor, id).await?;
    let step = match input.stage {
        Progress::Started => CaseStep::Start,
        Progress::StructureDone => CaseStep::Structure,
        Progress::Completed => CaseStep::Complete,
    };
    let on = input.on.unwrap_or_else(crate::clock::today);
    if on > crate::clock::today() {
        return Err(AppError::invalid_field("on", "not in the future"));
    }
    let mut taken = taken(actor, &row, step, true)?;
    taken.details = json!({"on": on, "photos": input.photos.unwrap_or_default()});
    let audit = actor
        .audit("rebuild.progress", "rebuild_case", id.to_string())
        .with_after(json!({"stage": input.stage, "on": on}));
    Ok(store.take_step(id, &taken, &audit).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionInput {
    pub passed: bool,
    pub findings: String,
    /// References to the inspection's photos (at least one).
    pub photos: Vec<String>,
}

/// 验收: an inspector of the county accepts the house, or fails it back to the builder with the
/// findings.
pub async fn inspect<S: Cases + ?Sized>(store: &S, actor: &Actor, id: i64, input: InspectionInput) -> AppResult<()> {
    let row = store.get_case(id).await?.ok_or_else(|| AppError::NotFound(format!("no rebuild case {id}")))?;
    // An inspector outside the county learns the case exists but may not inspect it.
    actor.require_area(&row.area_code)?;
    let problems = rules::check_inspection(&input.findings, &input.photos);
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid inspection", problems));
    }
    let mut taken = taken(actor, &row, CaseStep::Inspect, input.passed)?;
    taken.details = json!({"passed": input.passed, "findings": input.findings.trim(), "photos": input.photos});
    let audit =
        actor.audit("rebuild.inspect", "rebuild_case", id.to_string()).with_after(json!({"passed": input.passed}));
    Ok(store.take_step(id, &taken, &audit).await?)
}
