//! The application chain's use-cases: filing, the village assessment, the village notice and its
//! objections, the township review and the county decision, and the views staff and the public read.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::rules::{self, Deadlines};
use super::store::{
    ApplicationError, ApplicationFilter, ApplicationStore, NewApplication, NewNotice, Revision, StepTaken, Transition,
};
use super::{
    ApplicationObjection, ApplicationRow, ApplicationStatus, DisclosureRow, Step, StepRecord, WinterSpringClaim,
    WinterSpringNeeds,
};
use crate::areas::service::area_names;
use crate::areas::store::AreaStore;
use crate::areas::{AreaCode, Level};
use crate::auth::Actor;
use crate::config::Settings;
use crate::disasters::service::event_or_404;
use crate::disasters::store::DisasterStore;
use crate::error::{AppError, AppResult, FieldError};
use crate::funds::store::FundStore;
use crate::funds::{AidType, HardshipClass};
use crate::grants::disclosure::objection_text;
use crate::grants::store::{GrantStore, NewGrant, NewGrantList};
use crate::grants::workflow::PublishInput;
use crate::households::rules::{claim_standard, is_priority};
use crate::households::store::HouseholdStore;
use crate::households::{DamageRecord, HouseholdRow};
use crate::money::Fen;
use crate::text_enum::enum_text;

/// The stores the chain reads and writes.
pub trait Chain: ApplicationStore + AreaStore + DisasterStore + FundStore + GrantStore + HouseholdStore {}
impl<T: ApplicationStore + AreaStore + DisasterStore + FundStore + GrantStore + HouseholdStore + ?Sized> Chain for T {}

impl From<ApplicationError> for AppError {
    fn from(error: ApplicationError) -> Self {
        use crate::said;
        AppError::conflict(match error {
            ApplicationError::NotFound => return AppError::NotFound(error.to_string()),
            ApplicationError::Db(e) => return e.into(),
            ApplicationError::NothingToPost => {
                return AppError::invalid_field(
                    "area_code",
                    said!("nothing_to_post", "no recommended application of the area waits for a village notice"),
                );
            }
            ApplicationError::WrongState(status) => said!(
                "application_state",
                "the application is {application_status}",
                application_status = enum_text(status)
            ),
            ApplicationError::AlreadyOpen => {
                said!("application_open", "the household already has an open application for this aid in this event")
            }
            ApplicationError::AlreadyInCampaign => {
                said!("need_record_exists", "the household already has a need record in this campaign; edit that one")
            }
            ApplicationError::AlreadyGranted => {
                said!("household_has_aid", "the household already has this aid for this event")
            }
            ApplicationError::NoticeRunning(end) => said!(
                "notice_running",
                "the village notice (审核公示) runs until {end}; the township reviews after it ends",
                end = end
            ),
            ApplicationError::OpenObjections(count) => said!(
                "application_objections",
                "{count} objection(s) to the application are still open; answer them first",
                count = count
            ),
            ApplicationError::NoticeEnded(end) => said!(
                "notice_ended",
                "the village notice (审核公示) ended at {end}; it takes no more objections",
                end = end
            ),
            ApplicationError::Answered => said!("objection_answered", "the objection has already been answered"),
        })
    }
}

// ---- views ----------------------------------------------------------------------------------

/// An application as staff see it: the household masked, the claim, where it stands and by when
/// the open step is due.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Application {
    pub id: i64,
    pub event_id: i64,
    pub household_id: i64,
    pub aid_type: AidType,
    pub aid_type_zh: String,
    pub area_code: AreaCode,
    pub area_name: String,
    /// The household head's name and ID number, masked.
    pub name: String,
    pub id_number: String,
    pub members: i64,
    pub persons: i64,
    pub reason: String,
    pub phone: Option<String>,
    pub attachments: Vec<String>,
    pub status: ApplicationStatus,
    /// Filed by a caseworker on the household's behalf.
    pub filed_by: String,
    /// What the standard gives the claim (at filing; the county decision recomputes it).
    #[schema(value_type = i64)]
    pub standard_fen: Fen,
    /// What the county decided.
    #[schema(value_type = Option<i64>)]
    pub amount_fen: Option<Fen>,
    pub above_standard: bool,
    /// Why it was not recommended, returned or rejected.
    pub outcome_reason: Option<String>,
    pub disclosure_id: Option<i64>,
    pub disclosure_end: Option<DateTime<Utc>>,
    pub open_objections: i64,
    pub grant_list_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    /// When the open step is due, and whether that has passed.
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    /// A winter–spring need record's campaign, hardship class and needs in kind.
    pub campaign_id: Option<i64>,
    pub hardship_class: Option<HardshipClass>,
    pub needs: Option<WinterSpringNeeds>,
    /// Every step taken (in the detail view).
    pub steps: Vec<StepRecord>,
}

fn deadlines(settings: &Settings) -> Deadlines {
    Deadlines {
        assess_days: settings.application_assess_days,
        review_days: settings.application_review_days,
        decide_days: settings.application_decide_days,
    }
}

fn view(
    row: ApplicationRow,
    names: &HashMap<AreaCode, String>,
    settings: &Settings,
    now: DateTime<Utc>,
    steps: Vec<StepRecord>,
) -> Application {
    let due_at = rules::due(deadlines(settings), row.status, row.step_at, row.disclosure_end);
    Application {
        id: row.id,
        event_id: row.event_id,
        household_id: row.household_id,
        aid_type: row.aid_type,
        aid_type_zh: row.aid_type.label_zh().into(),
        area_name: names.get(&row.area_code).cloned().unwrap_or_else(|| row.area_code.to_string()),
        area_code: row.area_code,
        name: row.name_masked,
        id_number: row.id_masked,
        members: row.members,
        persons: row.persons,
        reason: row.reason,
        phone: row.phone,
        attachments: row.attachments.0,
        status: row.status,
        filed_by: row.filed_by_name,
        standard_fen: row.standard_fen,
        amount_fen: row.amount_fen,
        above_standard: row.above_standard,
        outcome_reason: row.outcome_reason,
        disclosure_id: row.disclosure_id,
        disclosure_end: row.disclosure_end,
        open_objections: row.open_objections,
        grant_list_id: row.grant_list_id,
        created_at: row.created_at,
        due_at,
        overdue: due_at.is_some_and(|due| due < now),
        campaign_id: row.campaign_id,
        hardship_class: row.hardship_class.0,
        needs: row.needs.map(|n| n.0),
        steps,
    }
}

async fn application_or_404<S: Chain + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<ApplicationRow> {
    let row = store.get_application(id).await?.ok_or_else(|| AppError::NotFound(format!("no application {id}")))?;
    actor.require_area(&row.area_code)?;
    Ok(row)
}

/// One application with its history.
pub async fn detail<S: Chain + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    id: i64,
) -> AppResult<Application> {
    let row = application_or_404(store, actor, id).await?;
    let steps = store.steps_of(id).await?;
    Ok(view(row, &area_names(store).await?, settings, Utc::now(), steps))
}

/// The applications of an area (default: the caller's scope), optionally of one event and status.
pub async fn list<S: Chain + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    event_id: Option<i64>,
    area_code: Option<&AreaCode>,
    status: Option<ApplicationStatus>,
) -> AppResult<Vec<Application>> {
    let filter = ApplicationFilter {
        event_id,
        area_pattern: Some(actor.area_pattern(area_code)?),
        status,
        ..Default::default()
    };
    listed(store, settings, &filter).await
}

/// The applications a filter selects (the caller has checked its scope), without their history.
pub async fn listed<S: Chain + ?Sized>(
    store: &S,
    settings: &Settings,
    filter: &ApplicationFilter,
) -> AppResult<Vec<Application>> {
    let names = area_names(store).await?;
    let now = Utc::now();
    Ok(store.list_applications(filter).await?.into_iter().map(|row| view(row, &names, settings, now, vec![])).collect())
}

// ---- the steps -------------------------------------------------------------------------------

/// Who takes `step` on an application of `area`: the caller must reach the area and be scoped at
/// the step's level or above (above, they act for it, and the history says so).
fn step_by(actor: &Actor, step: Step, area: &str) -> AppResult<StepTaken> {
    actor.require_area(area)?;
    let scope = actor
        .user
        .area_code
        .as_ref()
        .ok_or_else(|| AppError::Forbidden("the application chain is worked by staff scoped to an area".into()))?;
    let acting_for = rules::acting_for(scope.level(), step).map_err(AppError::Forbidden)?;
    Ok(StepTaken {
        step,
        decision: None,
        reason: None,
        details: json!({}),
        actor_id: Some(actor.user.id),
        actor_name: actor.user.username.clone(),
        acting_for,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationInput {
    pub event_id: i64,
    pub household_id: i64,
    pub aid_type: AidType,
    /// The members the household asks aid for (at most its size).
    pub persons: i64,
    pub reason: String,
    /// A number to reach the household.
    pub phone: Option<String>,
    /// References to what comes with the application (photos, scans of the form), at most 10.
    pub attachments: Option<Vec<String>>,
}

fn check_phone(phone: Option<&str>) -> Result<Option<String>, FieldError> {
    match phone.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(None),
        Some(phone) if (5..=20).contains(&phone.len()) && phone.chars().all(|c| c.is_ascii_digit() || c == '-') => {
            Ok(Some(phone.to_owned()))
        }
        Some(_) => Err(FieldError::new("phone", crate::said!("phone_digits", "5 to 20 digits or dashes"))),
    }
}

fn check_attachments(attachments: &[String]) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if attachments.len() > 10 {
        problems.push(FieldError::new("attachments", crate::said!("attachments_max", "at most {max}", max = 10)));
    }
    for (i, a) in attachments.iter().enumerate() {
        if a.trim().is_empty() || a.chars().count() > 300 {
            problems.push(FieldError::new(
                format!("attachments[{i}]"),
                crate::said!("text_required", "required, at most {max} characters", max = 300),
            ));
        }
    }
    problems
}

async fn damage_of<S: Chain + ?Sized>(
    store: &S,
    event_id: i64,
    household: &HouseholdRow,
) -> AppResult<Option<DamageRecord>> {
    Ok(store
        .damage_records(event_id, Some(&household.area_code))
        .await?
        .into_iter()
        .find(|d| d.household_id == household.id))
}

/// What the standard in force gives a claim, and how, or the rule refusing it (422 on `aid_type`).
async fn standard_of<S: Chain + ?Sized>(
    store: &S,
    aid: AidType,
    persons: i64,
    event_id: i64,
    household: &HouseholdRow,
    class: Option<HardshipClass>,
) -> AppResult<(Fen, String)> {
    let standards = crate::funds::service::standards(store).await?;
    let damage = damage_of(store, event_id, household).await?;
    claim_standard(&standards, aid, persons, damage.as_ref().map(DamageRecord::facts).as_ref(), class)
        .map_err(|rule| AppError::invalid_field("aid_type", rule))
}

/// 户报: a caseworker files a household's application on its behalf. Winter–spring need is filed
/// in its campaign (`file_need`), never here.
pub async fn file<S: Chain + ?Sized>(store: &S, actor: &Actor, input: ApplicationInput) -> AppResult<i64> {
    if input.aid_type == AidType::WinterSpring {
        return Err(AppError::invalid_field(
            "aid_type",
            crate::said!(
                "winter_spring_in_campaign",
                "winter–spring need is filed in its campaign: POST /api/v1/winter-spring/campaigns/{{id}}/needs"
            ),
        ));
    }
    file_claim(store, actor, input, None).await
}

/// 户报 of a winter–spring need record (一户一表): an application of the campaign carrying the
/// household's hardship class and needs in kind. The campaign's own checks come first (its area,
/// its lock), in `winterspring`.
pub async fn file_need<S: Chain + ?Sized>(
    store: &S,
    actor: &Actor,
    input: ApplicationInput,
    claim: WinterSpringClaim,
) -> AppResult<i64> {
    file_claim(store, actor, input, Some(claim)).await
}

async fn file_claim<S: Chain + ?Sized>(
    store: &S,
    actor: &Actor,
    input: ApplicationInput,
    winter_spring: Option<WinterSpringClaim>,
) -> AppResult<i64> {
    let event = event_or_404(store, input.event_id).await?;
    let household = store
        .get_household(input.household_id)
        .await?
        .ok_or_else(|| AppError::invalid_field("household_id", crate::households::no_household(input.household_id)))?;
    let mut step = step_by(actor, Step::Apply, &household.area_code)?;
    input.aid_type.require_for(event.hazard.0)?;
    let mut problems = rules::check_claim(input.persons, household.members, &input.reason);
    let phone = check_phone(input.phone.as_deref()).unwrap_or_else(|p| {
        problems.push(p);
        None
    });
    let attachments: Vec<String> = input.attachments.unwrap_or_default().iter().map(|a| a.trim().to_owned()).collect();
    problems.extend(check_attachments(&attachments));
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid application", problems));
    }
    if let Some(list) = store.granted_households(event.id, &enum_text(input.aid_type)).await?.get(&household.id) {
        return Err(AppError::Conflict {
            said: crate::said!(
                "already_granted",
                "the household already has {aid} for this event (grant list {list})",
                aid = input.aid_type.label_zh(),
                aid_type = enum_text(input.aid_type),
                list = list
            ),
            details: Some(json!({"grant_list_id": list})),
        });
    }
    let class = winter_spring.map(|c| c.class);
    let (standard_fen, basis) = standard_of(store, input.aid_type, input.persons, event.id, &household, class).await?;
    step.details = json!({"persons": input.persons, "standard_fen": standard_fen, "basis": basis, "on_behalf": true});
    if let Some(claim) = winter_spring {
        step.details["hardship_class"] = json!(claim.class);
        step.details["needs"] = json!(claim.needs);
    }
    let application = NewApplication {
        event_id: event.id,
        household_id: household.id,
        aid_type: input.aid_type,
        area_code: household.area_code.clone(),
        persons: input.persons,
        reason: input.reason.trim().to_owned(),
        phone,
        attachments,
        filed_by_id: actor.user.id,
        filed_by_name: actor.user.username.clone(),
        standard_fen,
        winter_spring,
    };
    let audit = actor.audit("application.file", "application", "").with_after(json!({
        "event_id": event.id, "household_id": household.id, "aid_type": input.aid_type, "persons": input.persons,
        "standard_fen": standard_fen, "acting_for": step.acting_for,
    }));
    Ok(store.create_application(&application, &step, &audit).await?)
}

/// Edits a need record still waiting for the village: persons, reason, class and needs, checked as
/// when filed; the standard is recomputed and the history keeps the values before and after.
pub async fn revise_need<S: Chain + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    persons: i64,
    reason: &str,
    claim: WinterSpringClaim,
) -> AppResult<()> {
    let row = application_or_404(store, actor, id).await?;
    if row.campaign_id != Some(claim.campaign_id) {
        return Err(AppError::NotFound(format!("no need record {id} in campaign {}", claim.campaign_id)));
    }
    let mut step = step_by(actor, Step::Revise, &row.area_code)?;
    let household =
        store.get_household(row.household_id).await?.ok_or_else(|| AppError::NotFound("household gone".into()))?;
    let problems = rules::check_claim(persons, household.members, reason);
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid need record", problems));
    }
    let (standard_fen, basis) =
        standard_of(store, row.aid_type, persons, row.event_id, &household, Some(claim.class)).await?;
    let before = json!({
        "persons": row.persons, "reason": row.reason, "hardship_class": row.hardship_class.0,
        "needs": row.needs.map(|n| n.0), "standard_fen": row.standard_fen,
    });
    let after = json!({
        "persons": persons, "reason": reason.trim(), "hardship_class": claim.class, "needs": claim.needs,
        "standard_fen": standard_fen, "basis": basis,
    });
    step.details = json!({"before": before, "after": after});
    let revision = Revision { persons, reason: reason.trim().to_owned(), claim, standard_fen };
    let audit =
        actor.audit("winter_spring.need.revise", "application", id.to_string()).with_before(before).with_after(after);
    Ok(store.revise(id, &revision, &step, &audit).await?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VillageDecision {
    Recommend,
    NotRecommend,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VillageAssessmentInput {
    pub decision: VillageDecision,
    /// The villagers' representatives meeting's minutes (会议记录).
    pub minutes: String,
    pub votes_for: i64,
    pub votes_against: i64,
    /// Why the village does not recommend the application (required then).
    pub reason: Option<String>,
    /// References to the meeting's photos and the signed record.
    pub photos: Option<Vec<String>>,
}

/// 村评: the village's democratic assessment, with its minutes and vote.
pub async fn assess<S: Chain + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    input: VillageAssessmentInput,
) -> AppResult<()> {
    let row = application_or_404(store, actor, id).await?;
    let mut step = step_by(actor, Step::VillageAssessment, &row.area_code)?;
    let recommend = input.decision == VillageDecision::Recommend;
    let mut problems = rules::check_assessment(recommend, &input.minutes, input.votes_for, input.votes_against);
    let photos: Vec<String> = input.photos.unwrap_or_default().iter().map(|p| p.trim().to_owned()).collect();
    problems.extend(
        check_attachments(&photos)
            .into_iter()
            .map(|p| FieldError { field: p.field.replace("attachments", "photos"), ..p }),
    );
    let reason = if recommend {
        None
    } else {
        match rules::require_reason(input.reason.as_deref(), "when the village does not recommend") {
            Ok(reason) => Some(reason),
            Err(problem) => {
                problems.push(problem);
                None
            }
        }
    };
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid village assessment", problems));
    }
    let (to, decision) = if recommend {
        (ApplicationStatus::Recommended, "recommend")
    } else {
        (ApplicationStatus::NotRecommended, "not_recommend")
    };
    step.decision = Some(decision.into());
    step.reason = reason.clone();
    step.details = json!({
        "minutes": input.minutes.trim(), "votes_for": input.votes_for, "votes_against": input.votes_against, "photos": photos,
    });
    let transition = Transition { from: ApplicationStatus::Applied, to, outcome_reason: reason, after_notice: false };
    let audit = actor
        .audit("application.village_assessment", "application", id.to_string())
        .with_after(json!({"decision": decision, "votes_for": input.votes_for, "votes_against": input.votes_against, "acting_for": step.acting_for}));
    Ok(store.advance(id, &transition, &step, &audit).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeInput {
    pub event_id: i64,
    pub aid_type: AidType,
    /// The village or township whose recommended applications are posted.
    pub area_code: AreaCode,
    /// Where the notice is posted (e.g. 村务公开栏).
    pub location: Option<String>,
    /// When it was posted (default now; up to 30 days back).
    pub start: Option<DateTime<Utc>>,
    /// Its length in days (default and minimum: JIUZAI_DISCLOSURE_DAYS, 7).
    pub days: Option<i64>,
}

/// 审核公示: posts the area's recommended applications not yet posted, for at least a week.
pub async fn post_notice<S: Chain + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    input: NoticeInput,
) -> AppResult<i64> {
    let event = event_or_404(store, input.event_id).await?;
    let mut step = step_by(actor, Step::Disclosure, &input.area_code)?;
    if !matches!(input.area_code.level(), Level::Village | Level::Township) {
        return Err(AppError::invalid_field(
            "area_code",
            crate::said!("notice_area_level", "a notice is posted in a village or a township"),
        ));
    }
    store.get_area(&input.area_code).await?.ok_or_else(|| {
        AppError::invalid_field(
            "area_code",
            crate::said!("area_unknown", "unknown area {area}", area = &input.area_code),
        )
    })?;
    let (start, end) = PublishInput { start: input.start, days: input.days }.period(settings, Utc::now())?;
    let location = input.location.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned);
    if location.as_ref().is_some_and(|l| l.chars().count() > 200) {
        return Err(AppError::invalid_field(
            "location",
            crate::said!("text_max", "at most {max} characters", max = 200),
        ));
    }
    step.details = json!({"disclosure_start": start, "disclosure_end": end, "location": location});
    let notice = NewNotice {
        event_id: event.id,
        aid_type: input.aid_type,
        area_code: input.area_code.clone(),
        location,
        start,
        end,
        published_by: actor.user.username.clone(),
    };
    let audit = actor.audit("application.notice", "application_disclosure", "").with_after(json!({
        "event_id": event.id, "aid_type": input.aid_type, "area_code": input.area_code, "disclosure_end": end,
    }));
    Ok(store.post_notice(&notice, &step, &audit).await?.0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TownshipDecision {
    Approve,
    Return,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TownshipReviewInput {
    pub decision: TownshipDecision,
    /// What was checked, or why the application is returned (required then).
    pub reason: Option<String>,
}

/// 乡审: the township reviews an application once its village notice has ended with every
/// objection answered.
pub async fn review<S: Chain + ?Sized>(store: &S, actor: &Actor, id: i64, input: TownshipReviewInput) -> AppResult<()> {
    let row = application_or_404(store, actor, id).await?;
    let mut step = step_by(actor, Step::TownshipReview, &row.area_code)?;
    let approve = input.decision == TownshipDecision::Approve;
    let reason = if approve {
        input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned)
    } else {
        Some(
            rules::require_reason(input.reason.as_deref(), "to return an application")
                .map_err(|p| AppError::invalid("invalid review", vec![p]))?,
        )
    };
    let (to, decision) = if approve {
        (ApplicationStatus::TownshipApproved, "approve")
    } else {
        (ApplicationStatus::Returned, "return")
    };
    step.decision = Some(decision.into());
    step.reason = reason.clone();
    let transition = Transition {
        from: ApplicationStatus::Recommended,
        to,
        outcome_reason: if approve { None } else { reason },
        after_notice: true,
    };
    let audit = actor
        .audit("application.township_review", "application", id.to_string())
        .with_after(json!({"decision": decision, "acting_for": step.acting_for}));
    Ok(store.advance(id, &transition, &step, &audit).await?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CountyDecision {
    Approve,
    Reject,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountyDecisionInput {
    pub decision: CountyDecision,
    /// The amount (default: the standard's for the claim); above the standard it needs a reason.
    #[schema(value_type = Option<i64>)]
    pub amount_fen: Option<Fen>,
    pub reason: Option<String>,
}

/// 县定: the county decides; approved, the application joins the county's grant list for the event
/// and aid item (created approved, by the decider), whose 审批公示 and payment follow. A winter–spring
/// need is approved with its amount alone: its campaign pays it in phases.
pub async fn decide<S: Chain + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    input: CountyDecisionInput,
) -> AppResult<Option<i64>> {
    let row = application_or_404(store, actor, id).await?;
    let mut step = step_by(actor, Step::CountyDecision, &row.area_code)?;
    let township_reviewer = store.steps_of(id).await?.into_iter().rev().find(|s| s.step == Step::TownshipReview);
    if let Some(reviewer) = township_reviewer.and_then(|s| s.actor_id) {
        actor.require_not_author(reviewer, "the county decision is made")?;
    }
    if row.status != ApplicationStatus::TownshipApproved {
        return Err(ApplicationError::WrongState(row.status).into());
    }
    if input.decision == CountyDecision::Reject {
        let reason = rules::require_reason(input.reason.as_deref(), "to reject an application")
            .map_err(|p| AppError::invalid("invalid decision", vec![p]))?;
        step.decision = Some("reject".into());
        step.reason = Some(reason.clone());
        let transition = Transition {
            from: ApplicationStatus::TownshipApproved,
            to: ApplicationStatus::Rejected,
            outcome_reason: Some(reason),
            after_notice: false,
        };
        let audit = actor
            .audit("application.county_decision", "application", id.to_string())
            .with_after(json!({"decision": "reject", "acting_for": step.acting_for}));
        store.advance(id, &transition, &step, &audit).await?;
        return Ok(None);
    }
    let household =
        store.get_household(row.household_id).await?.ok_or_else(|| AppError::NotFound("household gone".into()))?;
    let (standard, basis) =
        standard_of(store, row.aid_type, row.persons, row.event_id, &household, row.hardship_class.0).await?;
    let (amount, above_standard) = rules::decided_amount(standard, input.amount_fen, input.reason.as_deref())
        .map_err(|p| AppError::invalid("invalid decision", vec![p]))?;
    let reason = input.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
    let county = row.area_code.at_level(Level::County).ok_or_else(|| {
        AppError::invalid_field("area_code", crate::said!("no_county", "the application's area lies in no county"))
    })?;
    step.decision = Some("approve".into());
    step.reason = reason.clone();
    step.details =
        json!({"amount_fen": amount, "standard_fen": standard, "basis": basis, "above_standard": above_standard});
    let audit = actor.audit("application.county_decision", "application", id.to_string()).with_after(json!({
        "decision": "approve", "amount_fen": amount, "standard_fen": standard, "above_standard": above_standard,
        "acting_for": step.acting_for,
    }));
    if row.campaign_id.is_some() {
        // Winter–spring money is paid in the campaign's phases, through lists of their own.
        store.approve_for_phases(id, amount, above_standard, &step, &audit).await?;
        return Ok(None);
    }
    let grant_reason = if amount == standard {
        format!("申请核定：{basis}")
    } else {
        format!(
            "县级核定{}（标准{}：{basis}）{}",
            amount.yuan(),
            standard.yuan(),
            reason.as_deref().unwrap_or_default()
        )
    };
    let list = NewGrantList {
        event_id: row.event_id,
        aid_type: enum_text(row.aid_type),
        area_code: county,
        author_id: actor.user.id,
        author_name: actor.user.username.clone(),
        phase: None,
    };
    let grant = NewGrant {
        household_id: row.household_id,
        amount_fen: amount,
        reason: grant_reason,
        priority: is_priority(&household.facts(crate::clock::today())),
    };
    Ok(Some(store.approve_into_list(id, &list, &grant, above_standard, &step, &audit).await?))
}

// ---- village notices and their objections ------------------------------------------------------

/// A village notice (审核公示) as the public reads it: masked names and ID numbers, never more.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notice {
    pub id: i64,
    pub event_id: i64,
    pub event_name: String,
    pub aid_type: AidType,
    pub aid_type_zh: String,
    pub area_code: AreaCode,
    pub area_name: String,
    pub location: Option<String>,
    pub disclosure_start: DateTime<Utc>,
    pub disclosure_end: DateTime<Utc>,
    pub applications: i64,
    /// Objections are taken while the notice runs.
    pub accepts_objections: bool,
    /// The applications posted (in the detail view).
    pub entries: Vec<NoticeEntry>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeEntry {
    /// Quote this when objecting to the application.
    pub application_id: i64,
    /// e.g. 张*明
    pub name: String,
    /// e.g. 3604**********1234
    pub id_number: String,
    pub area_name: String,
    pub members: i64,
    /// The persons the village recommends aid for.
    pub persons: i64,
    pub under_objection: bool,
}

async fn notice_view<S: Chain + ?Sized>(
    store: &S,
    row: DisclosureRow,
    names: &HashMap<AreaCode, String>,
    with_entries: bool,
) -> AppResult<Notice> {
    let event_name = store.get_event(row.event_id).await?.map(|e| e.name).unwrap_or_default();
    let entries = if with_entries {
        let filter = ApplicationFilter { disclosure_id: Some(row.id), ..Default::default() };
        store
            .list_applications(&filter)
            .await?
            .into_iter()
            .map(|a| NoticeEntry {
                application_id: a.id,
                name: a.name_masked,
                id_number: a.id_masked,
                area_name: names.get(&a.area_code).cloned().unwrap_or_else(|| a.area_code.to_string()),
                members: a.members,
                persons: a.persons,
                under_objection: a.open_objections > 0,
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Notice {
        id: row.id,
        event_id: row.event_id,
        event_name,
        aid_type: row.aid_type,
        aid_type_zh: row.aid_type.label_zh().into(),
        area_name: names.get(&row.area_code).cloned().unwrap_or_default(),
        area_code: row.area_code,
        location: row.location,
        accepts_objections: row.disclosure_end > Utc::now(),
        disclosure_start: row.disclosure_start,
        disclosure_end: row.disclosure_end,
        applications: row.applications,
        entries,
    })
}

/// The village notices of an area's subtree (and an event), newest first, without their entries.
pub async fn notices<S: Chain + ?Sized>(
    store: &S,
    area_code: Option<&AreaCode>,
    event_id: Option<i64>,
) -> AppResult<Vec<Notice>> {
    let pattern = area_code.map_or_else(|| "%".to_owned(), |a| crate::areas::code::subtree_pattern(a));
    let names = area_names(store).await?;
    let mut out = Vec::new();
    for row in store.notices(event_id, &pattern).await? {
        out.push(notice_view(store, row, &names, false).await?);
    }
    Ok(out)
}

pub async fn notice<S: Chain + ?Sized>(store: &S, id: i64) -> AppResult<Notice> {
    let row = store.get_notice(id).await?.ok_or_else(|| AppError::NotFound(format!("no notice {id}")))?;
    notice_view(store, row, &area_names(store).await?, true).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeObjectionInput {
    /// The posted application objected to, if any.
    pub application_id: Option<i64>,
    pub text: String,
    /// How to reach you for the answer (optional; seen by staff only).
    pub contact: Option<String>,
}

/// A public objection to a running notice; the township review waits until it is answered.
pub async fn object<S: Chain + ?Sized>(store: &S, id: i64, input: NoticeObjectionInput) -> AppResult<i64> {
    let (text, contact) = objection_text(&input.text, input.contact.as_deref())?;
    let mut audit = crate::audit::AuditEntry::system("application_objection.file", "application_objection", "");
    audit.actor_name = "public".into();
    audit.after = Some(json!({"disclosure_id": id, "application_id": input.application_id}));
    Ok(store.object_to_notice(id, input.application_id, text, contact, &audit).await?)
}

/// The objections to the notices in the caller's scope (or one notice).
pub async fn objections<S: Chain + ?Sized>(
    store: &S,
    actor: &Actor,
    notice_id: Option<i64>,
) -> AppResult<Vec<ApplicationObjection>> {
    let reachable: HashMap<i64, AreaCode> =
        store.notices(None, &actor.area_pattern(None)?).await?.into_iter().map(|n| (n.id, n.area_code)).collect();
    Ok(store
        .notice_objections(notice_id)
        .await?
        .into_iter()
        .filter(|o| reachable.contains_key(&o.disclosure_id))
        .collect())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionDecision {
    /// The application goes on to the township review.
    Dismissed,
    /// The application goes back to the village for a new assessment.
    Upheld,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionAnswerInput {
    pub decision: ObjectionDecision,
    pub answer: String,
}

/// Answers an objection (the township): dismissed, the applications go on; upheld, they go back to
/// the village for a new assessment.
pub async fn answer<S: Chain + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    input: ObjectionAnswerInput,
) -> AppResult<ApplicationObjection> {
    let objection =
        store.get_notice_objection(id).await?.ok_or_else(|| AppError::NotFound(format!("no objection {id}")))?;
    let notice = store
        .get_notice(objection.disclosure_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no notice {}", objection.disclosure_id)))?;
    let mut step = step_by(actor, Step::Objection, &notice.area_code)?;
    let answer = rules::require_reason(Some(&input.answer), "to answer an objection")
        .map_err(|p| AppError::invalid("invalid answer", vec![FieldError { field: "answer".into(), ..p }]))?;
    let upheld = input.decision == ObjectionDecision::Upheld;
    step.decision = Some(if upheld { "upheld" } else { "dismissed" }.into());
    step.reason = Some(answer.clone());
    step.details = json!({"objection_id": id});
    let audit = actor
        .audit("application_objection.answer", "application_objection", id.to_string())
        .with_after(json!({"decision": step.decision, "acting_for": step.acting_for}));
    Ok(store.answer_notice_objection(id, upheld, &answer, &step, &audit).await?)
}
