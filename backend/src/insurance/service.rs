//! Insurance use-cases: importing policies, opening a claim from a house's damage record and
//! following it to payout or refusal, the county's counting rule, the claim beside a rebuild case,
//! and the county report.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::rules::{self, ClaimStep, POLICY_COLUMNS};
use super::store::{ClaimUpdate, InsuranceError, InsuranceStore, NewClaim, NewPolicy};
use super::{ClaimRow, ClaimStatus, Policy};
use crate::areas::service::{area_names, county_of};
use crate::areas::store::AreaStore;
use crate::areas::{AreaCode, Level, code};
use crate::auth::Actor;
use crate::config::Settings;
use crate::disasters::service::event_or_404;
use crate::disasters::store::DisasterStore;
use crate::error::{AppError, AppResult};
use crate::export::{Cell, Table};
use crate::households::damage::damaged_house;
use crate::households::pii::Pii;
use crate::households::store::{HouseholdFilter, HouseholdStore};
use crate::money::Fen;
use crate::upload::{FileKind, RowError, read_rows};

/// The stores insurance reads and writes.
pub trait Insured: AreaStore + DisasterStore + HouseholdStore + InsuranceStore {}
impl<T: AreaStore + DisasterStore + HouseholdStore + InsuranceStore + ?Sized> Insured for T {}

impl From<InsuranceError> for AppError {
    fn from(error: InsuranceError) -> Self {
        AppError::conflict(match error {
            InsuranceError::NotFound => return AppError::NotFound(error.to_string()),
            InsuranceError::Db(e) => return e.into(),
            InsuranceError::ClaimExists => {
                crate::said!("claim_exists", "the house has a claim for this disaster already")
            }
            InsuranceError::PolicyExists => {
                crate::said!("policy_exists", "a policy of this number covers the area or household already")
            }
            InsuranceError::WrongState(status) => crate::said!(
                "claim_state",
                "the claim is {claim_status} now",
                claim_status = crate::text_enum::enum_text(status)
            ),
        })
    }
}

/// The most rows a policy file may hold.
const MAX_POLICY_ROWS: usize = 50_000;

/// What an import stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyImport {
    pub imported: usize,
}

/// Imports a policy file, all or nothing: each row a township's blanket policy, or a household's
/// (named by its head's ID number) within the caller's scope. Rows at fault come back as errors.
pub async fn import_policies<S: Insured + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    bytes: &[u8],
    kind: FileKind,
) -> AppResult<Result<PolicyImport, Vec<RowError>>> {
    let rows = read_rows(bytes, kind, POLICY_COLUMNS)?;
    if rows.is_empty() {
        return Err(AppError::invalid_field("file", crate::said!("file_no_rows", "the file has headers but no rows")));
    }
    if rows.len() > MAX_POLICY_ROWS {
        return Err(AppError::invalid_field(
            "file",
            crate::said!("file_rows_max", "at most {max} rows per file", max = MAX_POLICY_ROWS),
        ));
    }
    let names = area_names(store).await?;
    let pii = Pii::from_settings(settings);
    let scope = actor.area_pattern(None)?;
    let existing: HashSet<(String, String)> = store
        .policies(&scope)
        .await?
        .iter()
        .map(|p| (p.policy_number.clone(), policy_key(p.household_id, &p.area_code)))
        .collect();
    let (mut policies, mut errors, mut seen) = (Vec::new(), Vec::new(), HashSet::new());
    for row in &rows {
        let line = match rules::policy_line(row) {
            Ok(line) => line,
            Err(problems) => {
                errors.extend(problems.into_iter().map(|p| RowError::of(row.row, p)));
                continue;
            }
        };
        if !names.contains_key(&line.area_code) {
            errors.push(RowError::new(
                row.row,
                "area_code",
                crate::said!("area_unknown", "unknown area {area}", area = &line.area_code),
            ));
            continue;
        }
        if !actor.user.can_reach(&line.area_code) {
            errors.push(RowError::new(
                row.row,
                "area_code",
                crate::said!("area_out_of_scope", "area {area} is outside your scope", area = &line.area_code),
            ));
            continue;
        }
        let (household_id, area_code) = match &line.id_number {
            None => (None, line.area_code.clone()),
            Some(id) => {
                let filter =
                    HouseholdFilter { id_hash: Some(pii.id_hash(id.as_str())), limit: 1, ..Default::default() };
                match store.list_households(&filter).await?.into_iter().next() {
                    Some(h) if line.area_code.contains(&h.area_code) => (Some(h.id), h.area_code),
                    Some(_) => {
                        errors.push(RowError::new(
                            row.row,
                            "head_id_number",
                            crate::said!("household_outside_row_area", "the household lives outside the row's area"),
                        ));
                        continue;
                    }
                    None => {
                        errors.push(RowError::new(
                            row.row,
                            "head_id_number",
                            crate::said!("head_unregistered", "no registered household has this head"),
                        ));
                        continue;
                    }
                }
            }
        };
        let key = (line.policy_number.clone(), policy_key(household_id, &area_code));
        if existing.contains(&key) || !seen.insert(key) {
            errors.push(RowError::new(
                row.row,
                "policy_number",
                crate::said!("policy_exists", "a policy of this number covers the area or household already"),
            ));
            continue;
        }
        policies.push(NewPolicy {
            insurer: line.insurer,
            policy_number: line.policy_number,
            area_code,
            household_id,
            rooms: line.rooms,
            sum_per_room: line.sum_per_room,
            starts_on: line.starts_on,
            ends_on: line.ends_on,
        });
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let audit = actor.audit("insurance.import", "insurance_policy", "").with_after(json!({
        "policies": policies.len(),
        "households": policies.iter().filter(|p| p.household_id.is_some()).count(),
    }));
    store.insert_policies(&policies, &actor.user.username, &audit).await?;
    Ok(Ok(PolicyImport { imported: policies.len() }))
}

fn policy_key(household_id: Option<i64>, area: &AreaCode) -> String {
    household_id.map_or_else(|| area.to_string(), |id| format!("household {id}"))
}

/// The policies of an area (default: the caller's scope).
pub async fn policies<S: Insured + ?Sized>(
    store: &S,
    actor: &Actor,
    area: Option<&AreaCode>,
) -> AppResult<Vec<Policy>> {
    Ok(store.policies(&actor.area_pattern(area)?).await?)
}

/// A claim as county staff follow it: the household masked, the policy, the amounts and dates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Claim {
    pub id: i64,
    pub event_id: i64,
    pub household_id: i64,
    pub area_code: AreaCode,
    pub area_name: String,
    pub name: String,
    pub id_number: String,
    pub policy_id: i64,
    pub insurer: String,
    pub policy_number: String,
    /// Damaged rooms the policy covers.
    pub rooms: i32,
    /// The most the policy pays for them.
    #[schema(value_type = i64)]
    pub cap_fen: Fen,
    pub status: ClaimStatus,
    #[schema(value_type = Option<i64>)]
    pub assessed_fen: Option<Fen>,
    #[schema(value_type = Option<i64>)]
    pub payout_fen: Option<Fen>,
    pub reported_on: NaiveDate,
    pub paid_on: Option<NaiveDate>,
    pub refusal_reason: Option<String>,
    pub days_to_payout: Option<i64>,
    pub opened_by: String,
}

fn view(row: ClaimRow, names: &HashMap<AreaCode, String>) -> Claim {
    Claim {
        id: row.id,
        event_id: row.event_id,
        household_id: row.household_id,
        area_name: names.get(&row.area_code).cloned().unwrap_or_default(),
        area_code: row.area_code,
        name: row.name_masked,
        id_number: row.id_masked,
        policy_id: row.policy_id,
        insurer: row.insurer,
        policy_number: row.policy_number,
        rooms: row.rooms,
        cap_fen: row.cap_fen,
        status: row.status,
        assessed_fen: row.assessed_fen,
        payout_fen: row.payout_fen,
        days_to_payout: rules::days_to_payout(row.reported_on, row.paid_on),
        reported_on: row.reported_on,
        paid_on: row.paid_on,
        refusal_reason: row.refusal_reason,
        opened_by: row.opened_by,
    }
}

async fn claim_or_404<S: Insured + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<ClaimRow> {
    let not_found = || AppError::NotFound(format!("no claim {id}"));
    let row = store.get_claim(id).await?.ok_or_else(not_found)?;
    // Outside the caller's scope a claim is as missing as one that does not exist.
    if !actor.user.can_reach(&row.area_code) {
        return Err(not_found());
    }
    Ok(row)
}

pub async fn claim<S: Insured + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<Claim> {
    let row = claim_or_404(store, actor, id).await?;
    Ok(view(row, &area_names(store).await?))
}

pub async fn claims<S: Insured + ?Sized>(
    store: &S,
    actor: &Actor,
    area: Option<&AreaCode>,
    event_id: Option<i64>,
    status: Option<ClaimStatus>,
) -> AppResult<Vec<Claim>> {
    let pattern = actor.area_pattern(area)?;
    let names = area_names(store).await?;
    Ok(store.claims(&pattern, event_id, status).await?.into_iter().map(|row| view(row, &names)).collect())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimInput {
    pub event_id: i64,
    pub household_id: i64,
}

/// The day a disaster struck, as the policies' periods count days (Beijing time).
fn event_day(onset: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    onset.with_timezone(&crate::clock::beijing()).date_naive()
}

/// Opens a claim from the house's damage record in the event, under the policy in force on the
/// day the disaster struck (422 without one), for the damaged rooms it insures.
pub async fn open_claim<S: Insured + ?Sized>(store: &S, actor: &Actor, input: ClaimInput) -> AppResult<i64> {
    let event = event_or_404(store, input.event_id).await?;
    let (household, damage) = damaged_house(store, actor, event.id, input.household_id).await?;
    let areas: Vec<AreaCode> = std::iter::successors(Some(household.area_code.clone()), AreaCode::parent).collect();
    let candidates = store.policies_for(household.id, &areas).await?;
    let day = event_day(event.onset_at);
    let policy = rules::policy_for(&candidates, household.id, &household.area_code, day).ok_or_else(|| {
        AppError::invalid_field(
            "household_id",
            crate::said!("no_policy", "no housing insurance policy covers the house on {day}", day = day),
        )
    })?;
    let (rooms, cap) = rules::cap(damage.damaged_rooms, policy);
    let claim = NewClaim {
        event_id: event.id,
        household_id: household.id,
        policy_id: policy.id,
        area_code: household.area_code.clone(),
        rooms,
        cap,
        reported_on: crate::clock::today(),
        opened_by: actor.user.username.clone(),
    };
    let audit = actor.audit("insurance.claim", "insurance_claim", "").with_after(json!({
        "event_id": event.id, "household_id": household.id, "policy_id": policy.id, "rooms": rooms, "cap_fen": cap,
    }));
    Ok(store.open_claim(&claim, &audit).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyInput {
    /// The loss the insurer's adjuster assessed (no more than the claim's cap).
    #[schema(value_type = i64)]
    pub assessed_fen: Fen,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayoutInput {
    /// What the insurer paid (above 0, no more than assessed).
    #[schema(value_type = i64)]
    pub payout_fen: Fen,
    /// The day it was paid (not before the report, not in the future).
    pub paid_on: NaiveDate,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefusalInput {
    pub reason: String,
}

fn update(row: &ClaimRow, step: ClaimStep) -> AppResult<ClaimUpdate> {
    let to = rules::next(row.status, step).ok_or(InsuranceError::WrongState(row.status))?;
    Ok(ClaimUpdate { from: row.status, to, assessed: None, payout: None, paid_on: None, refusal_reason: None })
}

/// Records the insurer's survey of the loss.
pub async fn survey<S: Insured + ?Sized>(store: &S, actor: &Actor, id: i64, input: SurveyInput) -> AppResult<()> {
    let row = claim_or_404(store, actor, id).await?;
    let mut step = update(&row, ClaimStep::Survey)?;
    if input.assessed_fen < Fen::ZERO || input.assessed_fen > row.cap_fen {
        return Err(AppError::invalid_field(
            "assessed_fen",
            crate::said!(
                "assessed_range",
                "from 0 to the claim's cap of {cap} (rooms insured × sum per room)",
                cap = row.cap_fen.yuan(),
                cap_fen = row.cap_fen
            ),
        ));
    }
    step.assessed = Some(input.assessed_fen);
    let audit = actor
        .audit("insurance.survey", "insurance_claim", id.to_string())
        .with_after(json!({"assessed_fen": input.assessed_fen}));
    Ok(store.update_claim(id, &step, &audit).await?)
}

/// Records the insurer's payout.
pub async fn pay<S: Insured + ?Sized>(store: &S, actor: &Actor, id: i64, input: PayoutInput) -> AppResult<()> {
    let row = claim_or_404(store, actor, id).await?;
    let mut step = update(&row, ClaimStep::Pay)?;
    let assessed = row.assessed_fen.unwrap_or_default();
    if input.payout_fen <= Fen::ZERO || input.payout_fen > assessed {
        return Err(AppError::invalid_field(
            "payout_fen",
            crate::said!(
                "payout_range",
                "above 0 and no more than the assessed {assessed}",
                assessed_fen = assessed,
                assessed = assessed.yuan()
            ),
        ));
    }
    if input.paid_on < row.reported_on || input.paid_on > crate::clock::today() {
        return Err(AppError::invalid_field("paid_on", crate::said!("paid_on_range", "between the report and today")));
    }
    step.payout = Some(input.payout_fen);
    step.paid_on = Some(input.paid_on);
    let audit = actor
        .audit("insurance.payout", "insurance_claim", id.to_string())
        .with_after(json!({"payout_fen": input.payout_fen, "paid_on": input.paid_on}));
    Ok(store.update_claim(id, &step, &audit).await?)
}

/// Records the insurer's refusal and why.
pub async fn refuse<S: Insured + ?Sized>(store: &S, actor: &Actor, id: i64, input: RefusalInput) -> AppResult<()> {
    let row = claim_or_404(store, actor, id).await?;
    let mut step = update(&row, ClaimStep::Refuse)?;
    let reason = crate::applications::rules::require_reason(Some(&input.reason), "for a refusal")
        .map_err(|p| AppError::invalid("invalid refusal", vec![p]))?;
    step.refusal_reason = Some(reason.clone());
    let audit =
        actor.audit("insurance.refuse", "insurance_claim", id.to_string()).with_after(json!({"reason": reason}));
    Ok(store.update_claim(id, &step, &audit).await?)
}

// ---- the counting rule -----------------------------------------------------------------------

/// The percent of a paid claim a county counts against the rebuild subsidy, and whether it is
/// the county's own or the settings'.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Counting {
    pub area_code: AreaCode,
    pub percent: i64,
    pub own: bool,
}

async fn counted_bp<S: InsuranceStore + ?Sized>(
    store: &S,
    settings: &Settings,
    county: &AreaCode,
) -> AppResult<(i64, bool)> {
    Ok(match store.counting(county).await? {
        Some(bp) => (bp, true),
        None => (settings.insurance_counted_percent * 100, false),
    })
}

pub async fn counting<S: Insured + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    area: &AreaCode,
) -> AppResult<Counting> {
    let county = county_of(area)?;
    actor.require_area(&county)?;
    let (bp, own) = counted_bp(store, settings, &county).await?;
    Ok(Counting { area_code: county, percent: bp / 100, own })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountingInput {
    /// The county.
    pub area_code: AreaCode,
    /// Percent of a paid claim counted against the rebuild subsidy, 0–100 (0: complementary).
    pub percent: i64,
}

pub async fn set_counting<S: Insured + ?Sized>(
    store: &S,
    actor: &Actor,
    settings: &Settings,
    input: CountingInput,
) -> AppResult<Counting> {
    if input.area_code.level() != Level::County {
        return Err(AppError::invalid_field(
            "area_code",
            crate::said!("county_counting", "a county sets its counting rule"),
        ));
    }
    actor.require_area(&input.area_code)?;
    if !(0..=100).contains(&input.percent) {
        return Err(AppError::invalid_field("percent", crate::said!("percent_range", "a share from 0 to 100 %")));
    }
    let audit = actor
        .audit("insurance.counting", "area", input.area_code.to_string())
        .with_after(json!({"percent": input.percent}));
    store.set_counting(&input.area_code, input.percent * 100, &actor.user.username, &audit).await?;
    counting(store, actor, settings, &input.area_code).await
}

/// A house's claim in the event, shown beside its rebuild subsidy, and the part of its payout the
/// county counts against the subsidy.
pub async fn claim_beside_subsidy<S: Insured + ?Sized>(
    store: &S,
    settings: &Settings,
    event_id: i64,
    household_id: i64,
    area: &AreaCode,
) -> AppResult<(Option<Claim>, Fen)> {
    let Some(row) = store.claim_of(event_id, household_id).await? else {
        return Ok((None, Fen::ZERO));
    };
    let (bp, _) = counted_bp(store, settings, &county_of(area)?).await?;
    let counted = match row.status {
        ClaimStatus::Paid => rules::counted(row.payout_fen.unwrap_or_default(), bp),
        _ => Fen::ZERO,
    };
    Ok((Some(view(row, &area_names(store).await?)), counted))
}

// ---- the county report -----------------------------------------------------------------------

/// One county's cover and claims.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CountyCover {
    pub area_code: AreaCode,
    pub area_name: String,
    /// Houses insured on the day (the event's, else today): every household of a blanket policy's
    /// area, and those with policies of their own.
    pub houses_covered: i64,
    pub policies: i64,
    pub claims: i64,
    pub reported: i64,
    pub surveyed: i64,
    pub paid: i64,
    pub refused: i64,
    #[schema(value_type = i64)]
    pub payout_fen: Fen,
    pub average_days_to_payout: Option<f64>,
    pub longest_days_to_payout: Option<i64>,
}

/// Cover and claims per county in an area (default: the caller's scope), of one event's claims
/// or all.
pub async fn report<S: Insured + ?Sized>(
    store: &S,
    actor: &Actor,
    area: Option<&AreaCode>,
    event_id: Option<i64>,
) -> AppResult<Vec<CountyCover>> {
    let pattern = actor.area_pattern(area)?;
    let day = match event_id {
        Some(id) => event_day(event_or_404(store, id).await?.onset_at),
        None => crate::clock::today(),
    };
    let names = area_names(store).await?;
    let in_force: Vec<Policy> =
        store.policies(&pattern).await?.into_iter().filter(|p| p.starts_on <= day && day <= p.ends_on).collect();
    let claims = store.claims(&pattern, event_id, None).await?;
    let mut counties: Vec<AreaCode> = in_force
        .iter()
        .map(|p| &p.area_code)
        .chain(claims.iter().map(|c| &c.area_code))
        .filter_map(|a| a.at_level(Level::County))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    counties.sort();
    let mut rows = Vec::new();
    for county in counties {
        let policies: Vec<&Policy> = in_force.iter().filter(|p| county.contains(&p.area_code)).collect();
        let blanket: Vec<&AreaCode> =
            policies.iter().filter(|p| p.household_id.is_none()).map(|p| &p.area_code).collect();
        // An area inside another blanket area is counted with it.
        let outermost: HashSet<&AreaCode> =
            blanket.iter().copied().filter(|a| !blanket.iter().any(|b| b != a && b.contains(a))).collect();
        let mut houses = 0;
        for area in &outermost {
            let filter = HouseholdFilter { area: Some(code::subtree_pattern(area)), ..Default::default() };
            houses += store.count_households(&filter).await?;
        }
        houses += policies
            .iter()
            .filter(|p| p.household_id.is_some() && !outermost.iter().any(|a| a.contains(&p.area_code)))
            .map(|p| p.household_id)
            .collect::<HashSet<_>>()
            .len() as i64;
        let mine: Vec<&ClaimRow> = claims.iter().filter(|c| county.contains(&c.area_code)).collect();
        let count = |status: ClaimStatus| mine.iter().filter(|c| c.status == status).count() as i64;
        let days: Vec<i64> = mine.iter().filter_map(|c| rules::days_to_payout(c.reported_on, c.paid_on)).collect();
        rows.push(CountyCover {
            area_name: names.get(&county).cloned().unwrap_or_default(),
            area_code: county,
            houses_covered: houses,
            policies: policies.len() as i64,
            claims: mine.len() as i64,
            reported: count(ClaimStatus::Reported),
            surveyed: count(ClaimStatus::Surveyed),
            paid: count(ClaimStatus::Paid),
            refused: count(ClaimStatus::Refused),
            payout_fen: mine.iter().filter_map(|c| c.payout_fen).sum(),
            average_days_to_payout: (!days.is_empty()).then(|| days.iter().sum::<i64>() as f64 / days.len() as f64),
            longest_days_to_payout: days.iter().copied().max(),
        });
    }
    Ok(rows)
}

/// The county report as a file (农房保险理赔情况表).
pub fn report_table(rows: &[CountyCover]) -> Table {
    Table {
        name: "housing-insurance".into(),
        title: "农房保险理赔情况表".into(),
        headers: vec![
            "区划代码",
            "县（市、区）",
            "参保户数",
            "保单数",
            "报案数",
            "已报案",
            "已查勘",
            "已赔付",
            "已拒赔",
            "赔款（元）",
            "平均赔付天数",
            "最长赔付天数",
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::from(r.area_code.to_string()),
                    Cell::from(r.area_name.as_str()),
                    Cell::from(r.houses_covered),
                    Cell::from(r.policies),
                    Cell::from(r.claims),
                    Cell::from(r.reported),
                    Cell::from(r.surveyed),
                    Cell::from(r.paid),
                    Cell::from(r.refused),
                    Cell::from(r.payout_fen.decimal()),
                    Cell::from(r.average_days_to_payout.map(|d| format!("{d:.1}"))),
                    Cell::from(r.longest_days_to_payout),
                ]
            })
            .collect(),
    }
}
