//! Rebuild cases' use-cases: opening one from the house's damage record, the county's approval with
//! the subsidy, the builder's progress, the inspection, and the views with target dates.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::rules::{self, Targets};
use super::store::{CaseError, NewCase, RebuildStore, Taken};
use super::{Basis, CasePhoto, CaseRow, CaseStatus, CaseStep, CaseStepRecord, Mode, PaymentStage};
use crate::areas::service::{area_names, county_of};
use crate::areas::store::AreaStore;
use crate::areas::{AreaCode, Level};
use crate::auth::Actor;
use crate::config::Settings;
use crate::disasters::service::event_or_404;
use crate::disasters::store::DisasterStore;
use crate::error::{AppError, AppResult};
use crate::export::Cell;
use crate::funds::AidType;
use crate::funds::store::FundStore;
use crate::grants::store::{GrantError, GrantStore, ListPhase, NewGrant, NewGrantList};
use crate::grants::{ListStatus, ListStatusText};
use crate::households::damage::damaged_house;
use crate::households::registers::ExtraColumns;
use crate::households::store::HouseholdStore;
use crate::households::{HouseDamage, Programme};
use crate::insurance::service::{Claim, claim_beside_subsidy};
use crate::insurance::store::InsuranceStore;
use crate::money::Fen;

/// The stores a case reads and writes.
pub trait Cases:
    AreaStore + DisasterStore + FundStore + GrantStore + HouseholdStore + InsuranceStore + RebuildStore
{
}
impl<T: AreaStore + DisasterStore + FundStore + GrantStore + HouseholdStore + InsuranceStore + RebuildStore + ?Sized>
    Cases for T
{
}

impl From<CaseError> for AppError {
    fn from(error: CaseError) -> Self {
        AppError::conflict(match error {
            CaseError::NotFound => return AppError::NotFound(error.to_string()),
            CaseError::Db(e) => return e.into(),
            CaseError::AlreadyOpen => crate::said!(
                "rebuild_case_exists",
                "the household already has a rebuild case; no house is subsidised twice"
            ),
            CaseError::WrongState(status) => crate::said!(
                "rebuild_case_state",
                "the case is {case_status} now",
                case_status = crate::text_enum::enum_text(status)
            ),
        })
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
    pub steps: Vec<CaseStepRecord>,
    /// The subsidy's stages on grant lists (in the detail view).
    pub payments: Vec<StagePayment>,
    /// Photos of progress and inspection (in the detail view).
    pub photos: Vec<CasePhoto>,
    /// The house's insurance claim in the event, beside the subsidy (in the detail view).
    pub claim: Option<Claim>,
    /// The part of the claim's payout the county counts against the subsidy (its counting rule;
    /// none by default: the payout complements the subsidy).
    #[schema(value_type = i64)]
    pub insurance_counted_fen: Fen,
}

/// A stage of the subsidy on a grant list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StagePayment {
    pub stage: PaymentStage,
    #[schema(value_type = i64)]
    pub amount_fen: Fen,
    pub grant_list_id: i64,
    pub list_status: ListStatus,
    /// The list's payment is recorded.
    pub paid: bool,
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
    steps: Vec<CaseStepRecord>,
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
        payments: vec![],
        photos: vec![],
        claim: None,
        insurance_counted_fen: Fen::ZERO,
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
    let (event_id, household_id, area) = (row.event_id, row.household_id, row.area_code.clone());
    let mut case = view(row, &area_names(store).await?, settings, steps);
    case.payments = payments(store, event_id, household_id).await?;
    case.photos = store.case_photos(id).await?;
    (case.claim, case.insurance_counted_fen) =
        claim_beside_subsidy(store, settings, event_id, household_id, &area).await?;
    Ok(case)
}

/// A household's rebuild stages on grant lists in the event.
pub async fn payments<S: Cases + ?Sized>(store: &S, event_id: i64, household_id: i64) -> AppResult<Vec<StagePayment>> {
    let mut payments = Vec::new();
    for (ordinal, amount_fen, grant_list_id, status) in store.stage_grants(event_id, household_id).await? {
        let stage = usize::try_from(ordinal - 1)
            .ok()
            .and_then(|i| PaymentStage::ALL.get(i).copied())
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("grant phase {ordinal} is not a rebuild stage")))?;
        let list_status = ListStatusText::try_from(status).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?.0;
        payments.push(StagePayment {
            stage,
            amount_fen,
            grant_list_id,
            list_status,
            paid: list_status == ListStatus::Paid,
        });
    }
    Ok(payments)
}

/// Attaches a photo of the case's progress or inspection (JPEG, PNG or WebP, up to the configured
/// size), by township staff or the county's inspectors.
pub async fn attach_photo<S: Cases + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    id: i64,
    declared_type: &str,
    bytes: &[u8],
) -> AppResult<CasePhoto> {
    let row = case_or_404(store, actor, id).await?;
    if row.status == CaseStatus::Accepted {
        return Err(AppError::conflict(crate::said!("case_closed", "the case is accepted: its record is closed")));
    }
    let dir = std::path::PathBuf::from("rebuild").join(id.to_string());
    let file =
        crate::disasters::photos::store_image(settings, &dir, declared_type, bytes, &actor.user.username).await?;
    let audit = actor
        .audit("rebuild.photo", "rebuild_case_photo", "")
        .with_after(json!({"case_id": id, "sha256": file.sha256, "bytes": file.bytes}));
    let photo_id = store.add_case_photo(id, &file, &audit).await?;
    Ok(CasePhoto { id: photo_id, case_id: id, file })
}

/// A case photo's image, for whoever may read the case.
pub async fn photo_image<S: Cases + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    photo_id: i64,
) -> AppResult<(CasePhoto, Vec<u8>)> {
    case_or_404(store, actor, id).await?;
    let photo = store
        .case_photos(id)
        .await?
        .into_iter()
        .find(|p| p.id == photo_id)
        .ok_or_else(|| AppError::NotFound(format!("no photo {photo_id} of case {id}")))?;
    let bytes = crate::disasters::photos::read_image(&photo.file.path).await?;
    Ok((photo, bytes))
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
    let (household, damage) = damaged_house(store, actor, event.id, input.household_id).await?;
    let grade: HouseDamage = damage.house_damage.0;
    if rules::mode_for(grade) != Some(input.mode) {
        return Err(AppError::invalid_field(
            "mode",
            crate::said!(
                "rebuild_mode",
                "a collapsed or severely damaged house is rebuilt, a generally damaged one repaired"
            ),
        ));
    }
    let standards = crate::funds::service::standards(store).await?;
    let (standard_fen, basis_text) = crate::households::rules::reconstruction(&standards, &damage.facts())
        .map_err(|rule| AppError::invalid_field("household_id", rule))?;
    if let Some(list) = store.granted_households(event.id, "reconstruction").await?.get(&household.id) {
        return Err(AppError::conflict(crate::said!(
            "rebuild_aid_listed",
            "the household has rebuild aid on grant list {list} already",
            list = list
        )));
    }
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
pub async fn approve<S: Cases + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    id: i64,
    input: ApprovalInput,
) -> AppResult<()> {
    let row = case_or_404(store, actor, id).await?;
    let county_or_above = actor.user.area_code.as_ref().is_some_and(|scope| scope.level() <= Level::County);
    if !county_or_above {
        return Err(AppError::Forbidden("the county approves a rebuild case".into()));
    }
    let mut step = taken(actor, &row, CaseStep::Approve, true)?;
    // A county that counts part of a paid insurance claim gives that much less by default.
    let (_, counted) = claim_beside_subsidy(store, settings, row.event_id, row.household_id, &row.area_code).await?;
    let standard = match row.basis {
        Basis::DangerRenovation => Fen::ZERO,
        Basis::Relief => Fen(row.standard_fen.0.saturating_sub(counted.0).max(0)),
    };
    let (amount, above) = match input.amount_fen {
        Some(amount) if amount < Fen::ZERO => {
            return Err(AppError::invalid_field("amount_fen", crate::said!("negative", "cannot be negative")));
        }
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
    if counted > Fen::ZERO {
        step.details["insurance_counted_fen"] = json!(counted);
    }
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
        return Err(AppError::invalid_field("on", crate::said!("in_future", "cannot be in the future")));
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

// ---- payment by stage ----------------------------------------------------------------------------

/// The stage shares of a county, in percent, and whether they are its own or the settings'.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StageShares {
    pub area_code: AreaCode,
    /// Start, structure (a repair: completion), acceptance.
    pub percents: [i64; 3],
    pub own: bool,
}

async fn shares_bp<S: Cases + ?Sized>(
    store: &S,
    settings: &Settings,
    county: &AreaCode,
) -> AppResult<([i64; 3], bool)> {
    if let Some(own) = store.stage_shares(county).await? {
        return Ok((own, true));
    }
    let defaults = &settings.rebuild_stage_percents;
    if !rules::check_shares(defaults).is_empty() {
        return Err(AppError::Internal(anyhow::anyhow!(
            "JIUZAI_REBUILD_STAGE_PERCENTS must be three shares adding up to 100"
        )));
    }
    Ok(([defaults[0] * 100, defaults[1] * 100, defaults[2] * 100], false))
}

pub async fn stage_shares<S: Cases + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    area: &AreaCode,
) -> AppResult<StageShares> {
    let county = county_of(area)?;
    actor.require_area(&county)?;
    let (bp, own) = shares_bp(store, settings, &county).await?;
    Ok(StageShares { area_code: county, percents: bp.map(|b| b / 100), own })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageSharesInput {
    /// The county.
    pub area_code: AreaCode,
    /// Percent paid at start, at structure (a repair: completion) and after acceptance; adds up to 100.
    pub percents: Vec<i64>,
}

/// A county sets its own stage shares (422 unless three adding up to 100).
pub async fn set_stage_shares<S: Cases + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    input: StageSharesInput,
) -> AppResult<StageShares> {
    if input.area_code.level() != Level::County {
        return Err(AppError::invalid_field(
            "area_code",
            crate::said!("county_shares", "a county sets its stage shares"),
        ));
    }
    actor.require_area(&input.area_code)?;
    let problems = rules::check_shares(&input.percents);
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid stage shares", problems));
    }
    let bp = [input.percents[0] * 100, input.percents[1] * 100, input.percents[2] * 100];
    let audit = actor
        .audit("rebuild.stage_shares", "area", input.area_code.to_string())
        .with_after(json!({"percents": input.percents}));
    store.set_stage_shares(&input.area_code, bp, &actor.user.username, &audit).await?;
    stage_shares(store, actor, settings, &input.area_code).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageListInput {
    pub event_id: i64,
    /// The county whose cases are paid.
    pub area_code: AreaCode,
    pub stage: PaymentStage,
    /// Exactly these cases (each must be due: 409 otherwise); default every case due and not yet listed.
    pub case_ids: Option<Vec<i64>>,
}

/// Drafts the grant list paying a stage of the county's approved subsidies: each case whose step
/// for the stage is recorded and whose stage is not on a list yet, at the stage's share. The list
/// then takes the usual 公示 and payment; no stage is paid twice (one grant per household and
/// stage) and the stages add up to the approved subsidy.
pub async fn draft_stage_list<S: Cases + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    input: StageListInput,
) -> AppResult<i64> {
    let event = event_or_404(store, input.event_id).await?;
    let county = county_of(&input.area_code)?;
    actor.require_area(&county)?;
    let (shares, _) = shares_bp(store, settings, &county).await?;
    let listed: HashSet<(i64, i32)> = store.listed_stages(event.id).await?.into_iter().collect();
    let stage = input.stage;
    let cases = store.cases(&crate::areas::code::subtree_pattern(&county), Some(event.id), None).await?;
    let open = |c: &CaseRow| {
        rules::stage_due(c.mode, c.status, stage)
            && c.subsidy_fen.is_some_and(|f| f > Fen::ZERO)
            && !listed.contains(&(c.household_id, stage.ordinal()))
    };
    let chosen: Vec<&CaseRow> = match &input.case_ids {
        Some(ids) => {
            let mut chosen = Vec::new();
            for id in ids {
                let case = cases.iter().find(|c| c.id == *id).ok_or_else(|| {
                    AppError::invalid_field(
                        "case_ids",
                        crate::said!(
                            "case_unknown",
                            "no case {case} of this event in {area}",
                            case = id,
                            area = &county
                        ),
                    )
                })?;
                if !open(case) {
                    return Err(AppError::conflict(crate::said!(
                        "stage_not_due",
                        "case {case} is {case_status}: its {stage_zh} payment is not due, or is listed already",
                        case_status = crate::text_enum::enum_text(case.status),
                        case = id,
                        stage_zh = stage.label_zh(),
                        rebuild_stage = crate::text_enum::enum_text(stage)
                    )));
                }
                chosen.push(case);
            }
            chosen
        }
        None => cases.iter().filter(|c| open(c)).collect(),
    };
    if chosen.is_empty() {
        return Err(AppError::invalid_field(
            "stage",
            crate::said!(
                "no_case_due",
                "no case of {area} is due a {stage_zh} payment",
                area = &county,
                stage_zh = stage.label_zh(),
                rebuild_stage = crate::text_enum::enum_text(stage)
            ),
        ));
    }
    let grants: Vec<NewGrant> = chosen
        .iter()
        .map(|c| NewGrant {
            household_id: c.household_id,
            amount_fen: rules::stage_amount(c.subsidy_fen.unwrap_or_default(), shares, stage),
            reason: format!("倒损农房恢复重建补助（{}，{}%）", stage.label_zh(), shares[stage.index()] / 100),
            priority: false,
        })
        .filter(|g| g.amount_fen > Fen::ZERO)
        .collect();
    let list = NewGrantList {
        event_id: event.id,
        aid_type: crate::text_enum::enum_text(AidType::Reconstruction),
        area_code: county.clone(),
        author_id: actor.user.id,
        author_name: actor.user.username.clone(),
        phase: Some(ListPhase { id: None, ordinal: stage.ordinal() }),
    };
    let total: Fen = grants.iter().map(|g| g.amount_fen).sum();
    let audit = actor.audit("grant_list.create", "grant_list", "").with_after(json!({
        "event_id": event.id, "aid_type": "reconstruction", "area_code": county, "stage": stage,
        "households": grants.len(), "total_fen": total,
    }));
    store.create_grant_list(&list, &grants, &audit).await.map_err(|e| match e {
        GrantError::AlreadyGranted => AppError::conflict(crate::said!(
            "stage_listed",
            "a {stage_zh} payment of these cases is listed already",
            stage_zh = stage.label_zh(),
            rebuild_stage = crate::text_enum::enum_text(stage)
        )),
        other => other.into(),
    })
}

/// The households of an event with a rebuild case, whose subsidy is paid by stage (the register's
/// rebuild lists leave them out).
pub async fn households_with_cases<S: Cases + ?Sized>(store: &S, event_id: i64) -> AppResult<HashSet<i64>> {
    Ok(store.cases("%", Some(event_id), None).await?.into_iter().map(|c| c.household_id).collect())
}

/// The rebuild columns of the damaged-houses register (因灾倒塌损坏住房户一览表): each case's status,
/// approved subsidy, the amounts on grant lists and paid, and the insurance payout.
pub async fn register_columns<S: Cases + ?Sized>(store: &S, event_id: i64, pattern: &str) -> AppResult<ExtraColumns> {
    let payouts: std::collections::HashMap<i64, Fen> = store
        .claims(pattern, Some(event_id), Some(crate::insurance::ClaimStatus::Paid))
        .await?
        .into_iter()
        .map(|c| (c.household_id, c.payout_fen.unwrap_or_default()))
        .collect();
    let mut by_household = std::collections::HashMap::new();
    for case in store.cases(pattern, Some(event_id), None).await? {
        let payments = payments(store, event_id, case.household_id).await?;
        let listed: Fen =
            payments.iter().filter(|p| p.list_status != ListStatus::Cancelled).map(|p| p.amount_fen).sum();
        let paid: Fen = payments.iter().filter(|p| p.paid).map(|p| p.amount_fen).sum();
        let money = |fen: Option<Fen>| Cell::from(fen.map(Fen::decimal));
        by_household.insert(
            case.household_id,
            vec![
                Cell::from(case.status.label_zh()),
                money(case.subsidy_fen),
                money(Some(listed)),
                money(Some(paid)),
                money(payouts.get(&case.household_id).copied()),
            ],
        );
    }
    for (household_id, payout) in &payouts {
        by_household
            .entry(*household_id)
            .or_insert_with(|| vec![Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty, Cell::from(payout.decimal())]);
    }
    Ok(ExtraColumns {
        headers: vec!["重建状态", "核定补助（元）", "已列入发放（元）", "已发放（元）", "保险赔款（元）"],
        by_household,
    })
}
