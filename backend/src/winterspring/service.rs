//! Winter–spring use-cases: opening a campaign, the households proposed for the survey, filing and
//! editing need records (through the application chain), the roll-up and its submissions by
//! deadline, the survey winter–spring plans count, and the statutory tables.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::rules::PhaseInput;
use super::rules::{self, Calendar, NeedFigures, NeedLine};
use super::store::{CampaignError, NewCampaign, NewPhase, NewReceived, PhaseList, WinterSpringStore};
use super::{CampaignRow, CampaignStatus, Phase, Received, Submission, SubmissionStatus};
use crate::applications::rules::is_closed;
use crate::applications::service::{self as chain, Application, ApplicationInput, Chain};
use crate::applications::store::ApplicationFilter;
use crate::applications::{ApplicationRow, ApplicationStatus, WinterSpringClaim, WinterSpringNeeds};
use crate::areas::service::area_names;
use crate::areas::{AreaCode, Level};
use crate::auth::Actor;
use crate::clock::beijing;
use crate::config::Settings;
use crate::disasters::Event;
use crate::error::{AppError, AppResult, FieldError};
use crate::export::{Cell, Table};
use crate::funds::{AidType, HardshipClass};
use crate::grants::store::{GrantError, ListPhase, NewGrant, NewGrantList};
use crate::households::rules::is_priority;
use crate::households::{HouseDamage, sees_names};
use crate::money::Fen;
use crate::plans::SurveyedNeed;

/// The stores a campaign reads and writes: the chain's and its own.
pub trait Campaigns: Chain + WinterSpringStore {}
impl<T: Chain + WinterSpringStore + ?Sized> Campaigns for T {}

impl From<CampaignError> for AppError {
    fn from(error: CampaignError) -> Self {
        use crate::said;
        AppError::conflict(match error {
            CampaignError::Db(e) => return e.into(),
            CampaignError::PhasesInUse => said!(
                "phases_in_use",
                "a grant list already pays one of the county's phases; its phases can no longer change"
            ),
            CampaignError::Overlaps(campaign) => said!(
                "campaign_overlaps",
                "campaign {campaign} of the same year already covers part of this area",
                campaign = campaign
            ),
            CampaignError::Accepted(at) => {
                said!(
                    "campaign_figures_locked",
                    "the level above accepted these figures on {at}; they are locked",
                    at = at
                )
            }
            CampaignError::NothingSubmitted => {
                said!("nothing_submitted", "there are no submitted figures of this area waiting for a decision")
            }
        })
    }
}

fn phase_drafted(phase: &str) -> crate::error::Said {
    crate::said!("phase_drafted", "the lists of phase {phase} are drafted already", phase = phase)
}

// ---- campaigns -------------------------------------------------------------------------------

/// The deadlines of the three reporting levels.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Deadlines {
    pub county: NaiveDate,
    pub city: NaiveDate,
    pub province: NaiveDate,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignEvent {
    pub id: i64,
    pub name: String,
    pub onset_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Campaign {
    pub id: i64,
    pub year: i32,
    pub area_code: AreaCode,
    pub area_name: String,
    pub status: CampaignStatus,
    pub deadlines: Deadlines,
    pub calendar: Calendar,
    /// The year's disasters in the area, whose affected households the survey covers.
    pub events: Vec<CampaignEvent>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

fn calendar_of(row: &CampaignRow) -> Calendar {
    Calendar {
        survey_start: row.survey_start,
        county_due: row.county_due,
        city_due: row.city_due,
        province_due: row.province_due,
        relief_start: row.relief_start,
        relief_end: row.relief_end,
    }
}

/// Whether two areas overlap (one lies in the other).
fn overlap(a: &AreaCode, b: &AreaCode) -> bool {
    a.contains(b.as_str()) || b.contains(a.as_str())
}

/// The events of the campaign's year that touched its area (an event naming no area touches all).
fn events_of<'a>(row: &CampaignRow, events: &'a [Event]) -> Vec<&'a Event> {
    events
        .iter()
        .filter(|e| rules::of_year(e.onset_at.with_timezone(&beijing()).date_naive(), row.year))
        .filter(|e| e.affected_areas.0.is_empty() || e.affected_areas.0.iter().any(|a| overlap(a, &row.area_code)))
        .collect()
}

async fn view<S: Campaigns + ?Sized>(store: &S, row: CampaignRow) -> AppResult<Campaign> {
    let events = store.list_events().await?;
    let calendar = calendar_of(&row);
    let area_name = store.get_area(&row.area_code).await?.map(|a| a.name).unwrap_or_default();
    Ok(Campaign {
        id: row.id,
        year: row.year,
        area_name,
        status: rules::status(&calendar, crate::clock::today()),
        deadlines: Deadlines { county: row.county_due, city: row.city_due, province: row.province_due },
        calendar,
        events: events_of(&row, &events)
            .into_iter()
            .map(|e| CampaignEvent { id: e.id, name: e.name.clone(), onset_at: e.onset_at })
            .collect(),
        created_by: row.created_by,
        created_at: row.created_at,
        area_code: row.area_code,
    })
}

async fn campaign_or_404<S: Campaigns + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<CampaignRow> {
    let row = store.get_campaign(id).await?.ok_or_else(|| AppError::NotFound(format!("no campaign {id}")))?;
    if !sees(actor, &row) {
        return Err(AppError::NotFound(format!("no campaign {id}")));
    }
    Ok(row)
}

/// A campaign is seen by everyone whose scope overlaps its area.
fn sees(actor: &Actor, row: &CampaignRow) -> bool {
    match &actor.user.area_code {
        _ if actor.user.role.has_global_scope() => true,
        Some(scope) => overlap(scope, &row.area_code),
        None => false,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    pub year: i32,
    /// A city or a county.
    pub area_code: AreaCode,
}

/// Opens the year's campaign of a city or county, its dates from the settings.
pub async fn create<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    input: CampaignInput,
) -> AppResult<Campaign> {
    actor.require_area(&input.area_code)?;
    if !(2000..=2100).contains(&input.year) {
        return Err(AppError::invalid_field("year", crate::said!("year_range", "a year from 2000 to 2100")));
    }
    if !matches!(input.area_code.level(), Level::City | Level::County) {
        return Err(AppError::invalid_field(
            "area_code",
            crate::said!("campaign_area_level", "a campaign is run by a city or a county"),
        ));
    }
    store.get_area(&input.area_code).await?.ok_or_else(|| {
        AppError::invalid_field(
            "area_code",
            crate::said!("area_unknown", "unknown area {area}", area = &input.area_code),
        )
    })?;
    let single_crop = settings.winter_spring_single_crop_counties.iter().any(|c| c == input.area_code.as_str());
    let campaign = NewCampaign {
        year: input.year,
        area_code: input.area_code.clone(),
        calendar: rules::calendar(settings, input.year, single_crop),
        created_by: actor.user.username.clone(),
    };
    let audit = actor
        .audit("winter_spring.campaign.create", "winter_spring_campaign", "")
        .with_after(json!({"year": input.year, "area_code": input.area_code}));
    let id = store.create_campaign(&campaign, &audit).await?;
    detail(store, actor, id).await
}

pub async fn detail<S: Campaigns + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<Campaign> {
    let row = campaign_or_404(store, actor, id).await?;
    view(store, row).await
}

/// The campaigns the caller's scope overlaps, newest year first.
pub async fn list<S: Campaigns + ?Sized>(store: &S, actor: &Actor) -> AppResult<Vec<Campaign>> {
    let mut out = Vec::new();
    for row in store.campaigns().await?.into_iter().filter(|row| sees(actor, row)) {
        out.push(view(store, row).await?);
    }
    Ok(out)
}

// ---- the survey --------------------------------------------------------------------------------

/// A household the year's disasters damaged, proposed for the survey.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Proposal {
    pub household_id: i64,
    pub event_id: i64,
    pub name: String,
    pub id_number: String,
    pub members: i64,
    pub area_code: AreaCode,
    pub area_name: String,
    pub house_damage: HouseDamage,
    pub crop_total_loss: bool,
    pub dead_or_missing: i64,
}

/// Households of the area (default: the caller's scope within the campaign) with a damage record
/// in one of the campaign's events and no need record yet.
pub async fn proposals<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    area_code: Option<&AreaCode>,
) -> AppResult<Vec<Proposal>> {
    let (row, area) = campaign_part(store, actor, id, area_code).await?;
    let pattern = crate::areas::code::subtree_pattern(&area);
    let filed: std::collections::HashSet<i64> = store
        .list_applications(&ApplicationFilter { campaign_id: Some(id), ..Default::default() })
        .await?
        .iter()
        .map(|a| a.household_id)
        .collect();
    let names = area_names(store).await?;
    let events = store.list_events().await?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for event in events_of(&row, &events) {
        let households: HashMap<i64, _> =
            store.damaged_households(event.id, &pattern).await?.into_iter().map(|h| (h.id, h)).collect();
        for damage in store.damage_records(event.id, Some(&pattern)).await? {
            let Some(h) = households.get(&damage.household_id) else { continue };
            if filed.contains(&h.id) || !row.area_code.contains(h.area_code.as_str()) || !seen.insert(h.id) {
                continue;
            }
            out.push(Proposal {
                household_id: h.id,
                event_id: event.id,
                name: h.name_masked.clone(),
                id_number: h.id_masked.clone(),
                members: h.members,
                area_name: names.get(&h.area_code).cloned().unwrap_or_default(),
                area_code: h.area_code.clone(),
                house_damage: damage.house_damage.0,
                crop_total_loss: damage.crop_total_loss,
                dead_or_missing: damage.dead + damage.missing,
            });
        }
    }
    out.sort_by(|a, b| (&a.area_code, a.household_id).cmp(&(&b.area_code, b.household_id)));
    Ok(out)
}

/// A campaign and the area of it a read covers: the one asked for (in the caller's scope), else the
/// caller's part of the campaign.
async fn campaign_part<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    area_code: Option<&AreaCode>,
) -> AppResult<(CampaignRow, AreaCode)> {
    let row = campaign_or_404(store, actor, id).await?;
    let area = area_code.cloned().unwrap_or_else(|| narrower(actor, &row.area_code));
    actor.require_area(&area)?;
    Ok((row, area))
}

/// The narrower of the caller's scope and the campaign's area.
fn narrower(actor: &Actor, campaign_area: &AreaCode) -> AreaCode {
    match &actor.user.area_code {
        Some(scope) if campaign_area.contains(scope.as_str()) => scope.clone(),
        _ => campaign_area.clone(),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedInput {
    pub household_id: i64,
    /// The event that left the household in need (default: the campaign's first event with a
    /// damage record of the household).
    pub event_id: Option<i64>,
    /// Members needing aid (at most the household's size).
    pub persons: i64,
    pub category: HardshipClass,
    pub needs: WinterSpringNeeds,
    pub reason: String,
    pub phone: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedRevision {
    pub persons: i64,
    pub category: HardshipClass,
    pub needs: WinterSpringNeeds,
    pub reason: String,
}

/// Refuses a change to the need records of an area whose figures the level above has accepted.
async fn require_open<S: Campaigns + ?Sized>(store: &S, row: &CampaignRow, area: &AreaCode) -> AppResult<()> {
    let submissions = store.submissions(row.id).await?;
    match rules::locked_by(&submissions, area) {
        Some(s) => Err(AppError::conflict(crate::said!(
            "need_figures_locked",
            "the need figures of {area} were accepted on {date}; they are locked",
            area = &s.area_code,
            date =
                s.decided_at.map(|at| at.with_timezone(&beijing()).format("%Y-%m-%d").to_string()).unwrap_or_default()
        ))),
        None => Ok(()),
    }
}

/// 户报 of a household's winter–spring need (一户一表), filed by village or township staff: an
/// application of the campaign, which then goes the chain's way (村评, 审核公示, 乡审, 县定).
pub async fn file_need<S: Campaigns + ?Sized>(store: &S, actor: &Actor, id: i64, input: NeedInput) -> AppResult<i64> {
    let row = campaign_or_404(store, actor, id).await?;
    let household = store
        .get_household(input.household_id)
        .await?
        .ok_or_else(|| AppError::invalid_field("household_id", crate::households::no_household(input.household_id)))?;
    actor.require_area(&household.area_code)?;
    if !row.area_code.contains(household.area_code.as_str()) {
        return Err(AppError::invalid_field(
            "household_id",
            crate::said!(
                "household_outside_campaign",
                "the household lives outside the campaign's area {area}",
                area = &row.area_code
            ),
        ));
    }
    let problems = rules::check_needs(&input.needs, input.persons);
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid need record", problems));
    }
    require_open(store, &row, &household.area_code).await?;
    let events = store.list_events().await?;
    let candidates = events_of(&row, &events);
    let event_id = match input.event_id {
        Some(event_id) if candidates.iter().any(|e| e.id == event_id) => event_id,
        Some(event_id) => {
            return Err(AppError::invalid_field(
                "event_id",
                crate::said!(
                    "event_not_in_campaign",
                    "event {event} is not one of the campaign's disasters",
                    event = event_id
                ),
            ));
        }
        None => {
            let mut affecting = None;
            for event in &candidates {
                let records = store.damage_records(event.id, Some(&household.area_code)).await?;
                if records.iter().any(|d| d.household_id == household.id) {
                    affecting = Some(event.id);
                    break;
                }
            }
            affecting.ok_or_else(|| {
                AppError::invalid_field(
                    "household_id",
                    crate::said!(
                        "no_damage_in_year",
                        "the household has no damage record in the year's disasters; record its damage first"
                    ),
                )
            })?
        }
    };
    let application = ApplicationInput {
        event_id,
        household_id: household.id,
        aid_type: AidType::WinterSpring,
        persons: input.persons,
        reason: input.reason,
        phone: input.phone,
        attachments: None,
    };
    let claim = WinterSpringClaim { campaign_id: row.id, class: input.category, needs: input.needs };
    chain::file_need(store, actor, application, claim).await
}

/// Edits a need record the village has not assessed yet (409 after); the history keeps each
/// version.
pub async fn revise_need<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    need_id: i64,
    input: NeedRevision,
) -> AppResult<()> {
    let row = campaign_or_404(store, actor, id).await?;
    let problems = rules::check_needs(&input.needs, input.persons);
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid need record", problems));
    }
    let need = store.get_application(need_id).await?.filter(|a| a.campaign_id == Some(row.id));
    let need = need.ok_or_else(|| AppError::NotFound(format!("no need record {need_id} in campaign {id}")))?;
    actor.require_area(&need.area_code)?;
    require_open(store, &row, &need.area_code).await?;
    let claim = WinterSpringClaim { campaign_id: row.id, class: input.category, needs: input.needs };
    chain::revise_need(store, actor, need_id, input.persons, &input.reason, claim).await
}

/// The campaign's need records in an area (default: the caller's scope), with where each stands.
pub async fn needs<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    id: i64,
    area_code: Option<&AreaCode>,
    status: Option<ApplicationStatus>,
) -> AppResult<Vec<Application>> {
    campaign_or_404(store, actor, id).await?;
    let filter = ApplicationFilter {
        campaign_id: Some(id),
        area_pattern: Some(actor.area_pattern(area_code)?),
        status,
        ..Default::default()
    };
    chain::listed(store, settings, &filter).await
}

// ---- the roll-up and its submissions -----------------------------------------------------------

/// The need records that count: every one not closed (not recommended, returned or rejected).
fn need_lines(records: &[ApplicationRow]) -> Vec<NeedLine> {
    records
        .iter()
        .filter(|a| !is_closed(a.status))
        .filter_map(|a| {
            Some(NeedLine {
                area_code: a.area_code.clone(),
                persons: a.persons,
                class: a.hardship_class.0?,
                needs: a.needs.as_ref()?.0,
                decided: a.status == ApplicationStatus::Approved,
                amount_fen: a.amount_fen.unwrap_or(a.standard_fen),
            })
        })
        .collect()
}

async fn campaign_lines<S: Campaigns + ?Sized>(store: &S, id: i64, pattern: &str) -> AppResult<Vec<NeedLine>> {
    let filter =
        ApplicationFilter { campaign_id: Some(id), area_pattern: Some(pattern.to_owned()), ..Default::default() };
    Ok(need_lines(&store.list_applications(&filter).await?))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaNeed {
    pub area_code: AreaCode,
    pub area_name: String,
    pub figures: NeedFigures,
    /// When this area's figures are due at the level above (counties and cities).
    pub due: Option<NaiveDate>,
    pub submission: Option<Submission>,
    /// Due, and not sent by then.
    pub overdue: bool,
    /// Sent after the due date.
    pub late: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignSummary {
    pub campaign: Campaign,
    pub level: Level,
    pub areas: Vec<AreaNeed>,
    pub total: NeedFigures,
}

/// Per area of `level` in the caller's part of the campaign: the persons needing aid and their
/// breakdown (口粮, 衣被, 取暖, 住房), households and classes; for counties and cities their
/// submission against its deadline. Counties that reported nothing are listed too, so a county
/// that has not begun shows as overdue.
pub async fn summary<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    level: Level,
) -> AppResult<CampaignSummary> {
    let row = campaign_or_404(store, actor, id).await?;
    if level > Level::Township || level < Level::City {
        return Err(AppError::invalid_field("level", crate::said!("summary_level", "county, township or city")));
    }
    let scope = narrower(actor, &row.area_code);
    let lines = campaign_lines(store, id, &crate::areas::code::subtree_pattern(&scope)).await?;
    let mut figures = rules::roll_up(&lines, level);
    let names = area_names(store).await?;
    if level == Level::County {
        for area in names.keys().filter(|a| a.level() == Level::County && scope.contains(a.as_str())) {
            figures.entry(area.clone()).or_default();
        }
    }
    let submissions = store.submissions(id).await?;
    let calendar = calendar_of(&row);
    let today = crate::clock::today();
    let mut total = NeedFigures::default();
    lines.iter().for_each(|l| total.add(l));
    let areas = figures
        .into_iter()
        .filter(|(area, _)| scope.contains(area.as_str()) || area.contains(scope.as_str()))
        .map(|(area, figures)| {
            let due = rules::due_for(&calendar, level);
            let submission = submissions.iter().find(|s| s.area_code == area).cloned();
            let late = submission
                .as_ref()
                .is_some_and(|s| rules::late(due, s.submitted_at.with_timezone(&beijing()).date_naive()));
            AreaNeed {
                area_name: names.get(&area).cloned().unwrap_or_default(),
                overdue: rules::overdue(due, submission.as_ref(), today),
                area_code: area,
                figures,
                due,
                submission,
                late,
            }
        })
        .collect();
    Ok(CampaignSummary { campaign: view(store, row).await?, level, areas, total })
}

/// A county or city sends its need figures to the level above (again after a return; 409 once
/// accepted).
pub async fn submit<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    area: &AreaCode,
) -> AppResult<Submission> {
    let row = campaign_or_404(store, actor, id).await?;
    actor.require_area(area)?;
    if !matches!(area.level(), Level::County | Level::City) || !row.area_code.contains(area.as_str()) {
        return Err(AppError::invalid_field(
            "area_code",
            crate::said!(
                "campaign_county_or_city",
                "a county or the city of the campaign's area {area}",
                area = &row.area_code
            ),
        ));
    }
    let lines = campaign_lines(store, id, &crate::areas::code::subtree_pattern(area)).await?;
    let mut figures = NeedFigures::default();
    lines.iter().for_each(|l| figures.add(l));
    let audit = actor
        .audit("winter_spring.submit", "winter_spring_campaign", id.to_string())
        .with_after(json!({"area_code": area, "persons": figures.persons, "households": figures.households}));
    store.submit(id, area, &figures, &actor.user.username, &audit).await?;
    submission(store, id, area).await
}

async fn submission<S: Campaigns + ?Sized>(store: &S, id: i64, area: &AreaCode) -> AppResult<Submission> {
    store
        .submissions(id)
        .await?
        .into_iter()
        .find(|s| &s.area_code == area)
        .ok_or_else(|| AppError::NotFound(format!("no submission of {area}")))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionDecision {
    Accept,
    Return,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionDecisionInput {
    pub decision: SubmissionDecision,
    /// Why the figures go back (required then).
    pub reason: Option<String>,
}

/// The level above accepts an area's submitted figures (locking its need records) or returns
/// them with a reason.
pub async fn decide<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    area: &AreaCode,
    input: SubmissionDecisionInput,
) -> AppResult<Submission> {
    campaign_or_404(store, actor, id).await?;
    actor.require_area(area)?;
    let above = actor.user.area_code.as_ref().is_none_or(|scope| scope.level() < area.level());
    if !above {
        return Err(AppError::Forbidden("the level above the area accepts or returns its figures".into()));
    }
    let (to, reason) = match input.decision {
        SubmissionDecision::Accept => (SubmissionStatus::Accepted, None),
        SubmissionDecision::Return => (
            SubmissionStatus::Returned,
            Some(
                crate::applications::rules::require_reason(input.reason.as_deref(), "to return figures")
                    .map_err(|p| AppError::invalid("invalid decision", vec![p]))?,
            ),
        ),
    };
    let audit = actor
        .audit("winter_spring.submission.decide", "winter_spring_campaign", id.to_string())
        .with_after(json!({"area_code": area, "status": to, "reason": reason}));
    store.decide_submission(id, area, to, reason.as_deref(), &actor.user.username, &audit).await?;
    submission(store, id, area).await
}

// ---- payment in phases and aid received ------------------------------------------------------

/// A county's payment phase with the grant lists paying it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PhaseView {
    #[serde(flatten)]
    pub phase: Phase,
    pub lists: Vec<PhaseList>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhasesInput {
    /// The county whose money is split.
    pub area_code: AreaCode,
    /// Default: the settings' phases (冬令 50% from 1 December, 春荒 50% from 1 March).
    pub phases: Option<Vec<PhaseInput>>,
}

/// The payment phases of the counties in an area (default: the caller's part of the campaign).
pub async fn phases<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    area_code: Option<&AreaCode>,
) -> AppResult<Vec<PhaseView>> {
    let (_, area) = campaign_part(store, actor, id, area_code).await?;
    let lists = store.phase_lists(id).await?;
    Ok(store
        .phases(id)
        .await?
        .into_iter()
        .filter(|p| area.contains(p.area_code.as_str()) || p.area_code.contains(area.as_str()))
        .map(|phase| {
            let lists = lists.iter().filter(|l| l.phase_id == phase.id).cloned().collect();
            PhaseView { phase, lists }
        })
        .collect())
}

/// A county splits its decided money into phases (422 unless the shares add up to 100%; 409 once
/// a phase is being paid).
pub async fn set_phases<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    id: i64,
    input: PhasesInput,
) -> AppResult<Vec<PhaseView>> {
    let row = campaign_or_404(store, actor, id).await?;
    let county = &input.area_code;
    actor.require_area(county)?;
    if county.level() != Level::County || !row.area_code.contains(county.as_str()) {
        return Err(AppError::invalid_field(
            "area_code",
            crate::said!("campaign_county", "a county of the campaign's area {area}", area = &row.area_code),
        ));
    }
    // A county with one harvest a year runs its relief to July, also inside a city's campaign.
    let single_crop = settings.winter_spring_single_crop_counties.iter().any(|c| c == county.as_str());
    let calendar = Calendar {
        relief_end: calendar_of(&row).relief_end.max(rules::calendar(settings, row.year, single_crop).relief_end),
        ..calendar_of(&row)
    };
    let phases = input.phases.unwrap_or_else(|| rules::default_phases(settings, &calendar));
    let problems = rules::check_phases(&phases, &calendar);
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid phases", problems));
    }
    let new: Vec<NewPhase> = phases
        .iter()
        .map(|p| NewPhase { name: p.name.trim().to_owned(), share_bp: p.share_percent * 100, starts_on: p.starts_on })
        .collect();
    let audit = actor
        .audit("winter_spring.phases", "winter_spring_campaign", id.to_string())
        .with_after(json!({"area_code": county, "phases": phases}));
    store.set_phases(id, county, &new, &actor.user.username, &audit).await?;
    self::phases(store, actor, id, Some(county)).await
}

/// Drafts the grant lists paying a phase: for each event, the county's decided need records at
/// the phase's share of their amount, priority households first. The lists then take the usual
/// 公示 and payment (409 when the phase's list for an event exists; 422 when nothing is decided).
pub async fn draft_phase<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    phase_id: i64,
) -> AppResult<PhaseView> {
    campaign_or_404(store, actor, id).await?;
    let county_phases: Vec<Phase> = {
        let all = store.phases(id).await?;
        let phase =
            all.iter().find(|p| p.id == phase_id).ok_or_else(|| AppError::NotFound(format!("no phase {phase_id}")))?;
        let county = phase.area_code.clone();
        all.into_iter().filter(|p| p.area_code == county).collect()
    };
    let index = county_phases.iter().position(|p| p.id == phase_id).expect("found above");
    let phase = &county_phases[index];
    actor.require_area(&phase.area_code)?;
    let shares: Vec<i64> = county_phases.iter().map(|p| i64::from(p.share_bp)).collect();
    let drafted: Vec<i64> =
        store.phase_lists(id).await?.into_iter().filter(|l| l.phase_id == phase_id).map(|l| l.event_id).collect();
    let filter = ApplicationFilter {
        campaign_id: Some(id),
        area_pattern: Some(crate::areas::code::subtree_pattern(&phase.area_code)),
        status: Some(ApplicationStatus::Approved),
        ..Default::default()
    };
    let decided = store.list_applications(&filter).await?;
    let households: HashMap<i64, crate::households::HouseholdRow> = store
        .households_by_ids(&decided.iter().map(|a| a.household_id).collect::<Vec<_>>())
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let mut by_event: BTreeMap<i64, Vec<NewGrant>> = BTreeMap::new();
    for need in decided.iter().filter(|a| !drafted.contains(&a.event_id)) {
        let Some(household) = households.get(&need.household_id) else { continue };
        let amount = rules::phase_amounts(need.amount_fen.unwrap_or(need.standard_fen), &shares)[index];
        by_event.entry(need.event_id).or_default().push(NewGrant {
            household_id: need.household_id,
            amount_fen: amount,
            reason: format!("冬春救助{}（{}%）", phase.name, phase.share_bp / 100),
            priority: is_priority(&household.facts(crate::clock::today())),
        });
    }
    if by_event.is_empty() {
        return Err(if drafted.is_empty() {
            AppError::invalid_field(
                "phase_id",
                crate::said!("nothing_decided", "the county has decided no need record to pay yet"),
            )
        } else {
            AppError::conflict(phase_drafted(&phase.name))
        });
    }
    for (event_id, mut grants) in by_event {
        grants.sort_by_key(|g| (!g.priority, g.household_id));
        let list = NewGrantList {
            event_id,
            aid_type: crate::text_enum::enum_text(AidType::WinterSpring),
            area_code: phase.area_code.clone(),
            author_id: actor.user.id,
            author_name: actor.user.username.clone(),
            phase: Some(ListPhase { id: Some(phase_id), ordinal: phase.ordinal }),
        };
        let total: crate::money::Fen = grants.iter().map(|g| g.amount_fen).sum();
        let audit = actor.audit("grant_list.create", "grant_list", "").with_after(json!({
            "event_id": event_id, "aid_type": "winter_spring", "area_code": phase.area_code, "phase_id": phase_id,
            "households": grants.len(), "total_fen": total,
        }));
        store.create_grant_list(&list, &grants, &audit).await.map_err(|e| match e {
            GrantError::AlreadyGranted => AppError::conflict(phase_drafted(&phase.name)),
            other => other.into(),
        })?;
    }
    let lists = store.phase_lists(id).await?.into_iter().filter(|l| l.phase_id == phase_id).collect();
    Ok(PhaseView { phase: phase.clone(), lists })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceivedInput {
    pub household_id: i64,
    /// Money from elsewhere than the phases' lists.
    #[schema(value_type = Option<i64>)]
    pub money_fen: Option<crate::money::Fen>,
    /// What was handed out, e.g. 棉被2床、大米50公斤.
    pub goods: Option<String>,
    /// What the goods are worth (for the recipients' list).
    #[schema(value_type = Option<i64>)]
    pub goods_value_fen: Option<crate::money::Fen>,
    pub received_on: NaiveDate,
}

/// Records aid a household of the campaign received besides the phases' money.
pub async fn record_received<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    input: ReceivedInput,
) -> AppResult<Received> {
    let row = campaign_or_404(store, actor, id).await?;
    let household = store
        .get_household(input.household_id)
        .await?
        .ok_or_else(|| AppError::invalid_field("household_id", crate::households::no_household(input.household_id)))?;
    actor.require_area(&household.area_code)?;
    let mut problems = Vec::new();
    if !row.area_code.contains(household.area_code.as_str()) {
        problems.push(FieldError::new(
            "household_id",
            crate::said!(
                "household_outside_campaign",
                "the household lives outside the campaign's area {area}",
                area = &row.area_code
            ),
        ));
    }
    let money = input.money_fen.unwrap_or_default();
    let value = input.goods_value_fen.unwrap_or_default();
    let goods = input.goods.as_deref().map(str::trim).unwrap_or_default().to_owned();
    for (field, amount) in [("money_fen", money), ("goods_value_fen", value)] {
        if amount < Fen::ZERO {
            problems.push(FieldError::new(field, crate::said!("negative", "cannot be negative")));
        }
    }
    if money.0 == 0 && goods.is_empty() {
        problems.push(FieldError::new("goods", crate::said!("goods_or_money", "name the goods or the money received")));
    }
    if goods.chars().count() > 200 {
        problems.push(FieldError::new("goods", crate::said!("text_max", "at most {max} characters", max = 200)));
    }
    if value.0 > 0 && goods.is_empty() {
        problems.push(FieldError::new(
            "goods_value_fen",
            crate::said!("value_needs_goods", "a value needs the goods it is for"),
        ));
    }
    let calendar = calendar_of(&row);
    if input.received_on < calendar.survey_start || input.received_on > calendar.relief_end {
        problems.push(FieldError::new(
            "received_on",
            crate::said!("date_between", "from {from} to {to}", from = calendar.survey_start, to = calendar.relief_end),
        ));
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid record of aid received", problems));
    }
    let received = NewReceived {
        campaign_id: id,
        household_id: household.id,
        area_code: household.area_code.clone(),
        money_fen: money,
        goods,
        goods_value_fen: value,
        received_on: input.received_on,
        recorded_by: actor.user.username.clone(),
    };
    let audit = actor.audit("winter_spring.received", "winter_spring_received", "").with_after(json!({
        "campaign_id": id, "household_id": household.id, "money_fen": money, "goods_value_fen": value,
    }));
    let new_id = store.record_received(&received, &audit).await?;
    let pattern = crate::areas::code::subtree_pattern(&household.area_code);
    store
        .received(id, &pattern)
        .await?
        .into_iter()
        .find(|r| r.id == new_id)
        .ok_or_else(|| AppError::NotFound(format!("no record {new_id}")))
}

/// Aid received in an area (default: the caller's part of the campaign).
pub async fn received<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    area_code: Option<&AreaCode>,
) -> AppResult<Vec<Received>> {
    let (_, area) = campaign_part(store, actor, id, area_code).await?;
    Ok(store.received(id, &crate::areas::code::subtree_pattern(&area)).await?)
}

// ---- plans -------------------------------------------------------------------------------------

/// The survey a winter–spring plan for `event` counts: the need records of the campaign of the
/// event's year and area that the event left in need, not closed, per township (None: no
/// campaign covers the event).
pub async fn surveyed_need<S: Campaigns + ?Sized>(store: &S, event: &Event) -> AppResult<Option<SurveyedNeed>> {
    let campaigns = store.campaigns().await?;
    let Some(row) = campaigns.iter().find(|row| !events_of(row, std::slice::from_ref(event)).is_empty()) else {
        return Ok(None);
    };
    let filter = ApplicationFilter { campaign_id: Some(row.id), event_id: Some(event.id), ..Default::default() };
    let lines = need_lines(&store.list_applications(&filter).await?);
    let mut areas: BTreeMap<AreaCode, BTreeMap<HardshipClass, i64>> = BTreeMap::new();
    for line in &lines {
        let area = line.area_code.at_level(Level::Township).unwrap_or_else(|| line.area_code.clone());
        *areas.entry(area).or_default().entry(line.class).or_default() += line.persons;
    }
    Ok(Some(SurveyedNeed {
        campaign_id: row.id,
        provisional: lines.iter().any(|l| !l.decided),
        households: lines.len() as i64,
        persons: lines.iter().map(|l| l.persons).sum(),
        areas,
    }))
}

// ---- the statutory tables ----------------------------------------------------------------------

/// Which table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatutoryTable {
    /// 受灾人员冬春生活需救助情况统计表
    Need,
    /// 受灾人员冬春生活已救助情况统计表
    Given,
    /// 受灾人员冬春生活政府救助人口一览表 (应急统表10)
    Recipients,
}

impl StatutoryTable {
    pub fn file(self) -> &'static str {
        match self {
            Self::Need => "need",
            Self::Given => "given",
            Self::Recipients => "recipients",
        }
    }
}

/// One of the three statutory tables for the caller's part of the campaign.
pub async fn table<S: Campaigns + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    area_code: Option<&AreaCode>,
    which: StatutoryTable,
) -> AppResult<Table> {
    let (row, area) = campaign_part(store, actor, id, area_code).await?;
    let pattern = crate::areas::code::subtree_pattern(&area);
    let filter = ApplicationFilter { campaign_id: Some(id), area_pattern: Some(pattern), ..Default::default() };
    let records: Vec<ApplicationRow> =
        store.list_applications(&filter).await?.into_iter().filter(|a| !is_closed(a.status)).collect();
    let names = area_names(store).await?;
    let name_of = |a: &AreaCode| names.get(a).cloned().unwrap_or_default();
    let paid = store.paid_in_phases(id).await?;
    // Per household: money and goods received besides the phases' lists.
    let mut besides: HashMap<i64, (i64, i64)> = HashMap::new();
    for r in store.received(id, &crate::areas::code::subtree_pattern(&area)).await? {
        let entry = besides.entry(r.household_id).or_default();
        entry.0 += r.money_fen.0;
        entry.1 += r.goods_value_fen.0;
    }
    let paid_of = |household: i64| paid.get(&household).map_or(0, |f| f.0);
    let given_of = |household: i64| {
        let (money, goods) = besides.get(&household).copied().unwrap_or_default();
        (paid_of(household) + money, goods)
    };
    let name = format!("winter-spring-{}-{}-{}", row.year, area, which.file());
    let table = match which {
        StatutoryTable::Need => {
            let lines = need_lines(&records);
            let mut rows: Vec<Vec<Cell>> = Vec::new();
            for level in [Level::County, Level::Township] {
                for (code, f) in rules::roll_up(&lines, level).into_iter().filter(|(c, _)| area.contains(c.as_str())) {
                    let class = |c: HardshipClass| f.by_class.get(&c).copied().unwrap_or(0);
                    rows.push(vec![
                        name_of(&code).into(),
                        code.as_str().into(),
                        f.households.into(),
                        f.persons.into(),
                        f.food_persons.into(),
                        f.clothing_persons.into(),
                        f.heating_persons.into(),
                        f.housing_persons.into(),
                        f.food_person_months.into(),
                        f.clothing.into(),
                        f.quilts.into(),
                        class(HardshipClass::ClassOne).into(),
                        class(HardshipClass::ClassTwo).into(),
                        class(HardshipClass::ClassThree).into(),
                        f.amount_fen.decimal().into(),
                    ]);
                }
            }
            Table {
                name,
                title: "受灾人员冬春生活需救助情况统计表".into(),
                headers: vec![
                    "地区",
                    "区划代码",
                    "需救助户数",
                    "冬春需救助人口",
                    "需口粮救助人口",
                    "需衣被救助人口",
                    "需取暖救助人口",
                    "需住房救助人口",
                    "需口粮（人·月）",
                    "需衣物（件）",
                    "需棉被（床）",
                    "一类人口",
                    "二类人口",
                    "三类人口",
                    "按标准需资金（元）",
                ],
                rows,
            }
        }
        StatutoryTable::Given => {
            // Per area: households and persons decided, persons aided, money and goods given.
            let mut per_area: BTreeMap<AreaCode, [i64; 5]> = BTreeMap::new();
            for a in &records {
                let decided = a.status == ApplicationStatus::Approved;
                let (money, goods) = given_of(a.household_id);
                if !decided && money == 0 && goods == 0 {
                    continue;
                }
                for level in [Level::County, Level::Township] {
                    let Some(code) = a.area_code.at_level(level) else { continue };
                    let entry = per_area.entry(code).or_default();
                    if decided {
                        entry[0] += 1;
                        entry[1] += a.persons;
                    }
                    if money > 0 || goods > 0 {
                        entry[2] += a.persons;
                    }
                    entry[3] += money;
                    entry[4] += goods;
                }
            }
            let rows = per_area
                .into_iter()
                .filter(|(c, _)| area.contains(c.as_str()))
                .map(|(code, [households, persons, aided, money, goods])| {
                    vec![
                        name_of(&code).into(),
                        code.as_str().into(),
                        households.into(),
                        persons.into(),
                        aided.into(),
                        crate::money::Fen(money).decimal().into(),
                        crate::money::Fen(goods).decimal().into(),
                    ]
                })
                .collect();
            Table {
                name,
                title: "受灾人员冬春生活已救助情况统计表".into(),
                headers: vec![
                    "地区",
                    "区划代码",
                    "核定救助户数",
                    "核定救助人口",
                    "已救助人口",
                    "已发放救助资金（元）",
                    "已发放救助物资折款（元）",
                ],
                rows,
            }
        }
        StatutoryTable::Recipients => {
            let households: HashMap<i64, crate::households::HouseholdRow> = store
                .households_by_ids(&records.iter().map(|a| a.household_id).collect::<Vec<_>>())
                .await?
                .into_iter()
                .map(|h| (h.id, h))
                .collect();
            let mut rows: Vec<Vec<Cell>> = Vec::new();
            for a in &records {
                let Some(h) = households.get(&a.household_id) else { continue };
                let named = sees_names(&actor.user, &h.area_code);
                let head = if named { &h.head_name } else { &h.name_masked };
                let (money, goods) = given_of(a.household_id);
                let yuan = |fen: i64| (fen > 0).then(|| crate::money::Fen(fen).decimal());
                let how = match (paid_of(a.household_id) > 0, money > 0) {
                    (true, _) => "一卡通",
                    (false, true) => "其他",
                    (false, false) => "",
                };
                rows.push(vec![
                    (rows.len() as i64 + 1).into(),
                    name_of(&h.area_code).into(),
                    head.as_str().into(),
                    h.id_masked.as_str().into(),
                    a.phone.as_deref().filter(|_| named).into(),
                    h.kind().label_zh().into(),
                    h.members.into(),
                    h.address.as_str().into(),
                    a.persons.into(),
                    a.hardship_class.0.map(HardshipClass::label_zh).into(),
                    yuan(money).into(),
                    yuan(goods).into(),
                    how.into(),
                ]);
            }
            Table {
                name,
                title: "受灾人员冬春生活政府救助人口一览表".into(),
                headers: vec![
                    "序号",
                    "所在地",
                    "户主姓名",
                    "户主身份证号",
                    "户主联系方式",
                    "家庭类型",
                    "家庭人口",
                    "家庭住址",
                    "需救助人口",
                    "困难类别",
                    "已发放救助款（元）",
                    "已发放救助物资折款（元）",
                    "救助资金发放形式",
                ],
                rows,
            }
        }
    };
    Ok(table)
}
