//! Drafting grant lists: who is entitled under the standards in force, and what the funds allow.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::ListStatus;
use super::store::{GrantStore, NewGrant, NewGrantList};
use crate::areas::AreaCode;
use crate::areas::code;
use crate::areas::store::AreaStore;
use crate::auth::Actor;
use crate::disasters::service::event_or_404;
use crate::disasters::store::DisasterStore;
use crate::error::{AppError, AppResult, FieldError};
use crate::funds::AidType;
use crate::funds::store::FundStore;
use crate::households::rules::{self, Entitlement, Ineligible};
use crate::households::store::HouseholdStore;
use crate::households::{DamageRecord, HouseholdRow};
use crate::money::Fen;
use crate::plans::store::PlanStore;
use crate::said;
use crate::text_enum::enum_text;

/// The stores a grant list is drafted from and written to.
pub trait Drafting: AreaStore + DisasterStore + FundStore + GrantStore + HouseholdStore + PlanStore {}
impl<T: AreaStore + DisasterStore + FundStore + GrantStore + HouseholdStore + PlanStore + ?Sized> Drafting for T {}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantListInput {
    pub event_id: i64,
    pub aid_type: AidType,
    /// The area the list covers (default: the caller's scope).
    pub area_code: Option<AreaCode>,
    /// Exactly these households (each must be eligible: 422 names the rule otherwise); default:
    /// every eligible household of the area not yet granted this aid for the event.
    pub household_ids: Option<Vec<i64>>,
    /// The funds available: a list costing more is refused. Default: once funds plans for the
    /// event and aid type are disbursed, what they gave the area less what other lists there hold.
    #[schema(value_type = Option<i64>)]
    pub budget_fen: Option<Fen>,
}

/// Drafts a grant list for the author (a manager) and stores it; answers its id. Households in
/// `paid_elsewhere` (a rebuild case pays them by stage) are left out, or refused when named.
pub async fn draft_list<S: Drafting + ?Sized>(
    store: &S,
    actor: &Actor,
    input: GrantListInput,
    paid_elsewhere: &HashSet<i64>,
) -> AppResult<i64> {
    let event = event_or_404(store, input.event_id).await?;
    input.aid_type.require_for(event.hazard.0)?;
    let area_code = match input.area_code.clone().or_else(|| actor.user.area_code.clone()) {
        Some(area) => area,
        None => return Err(AppError::invalid_field("area_code", said!("required", "required"))),
    };
    let area = store.get_area(&area_code).await?.ok_or_else(|| {
        AppError::invalid_field("area_code", said!("area_unknown", "unknown area {area}", area = &area_code))
    })?;
    actor.require_area(&area.code)?;
    let aid_text = enum_text(input.aid_type);
    let granted = store.granted_households(input.event_id, &aid_text).await?;
    let assessed = entitlements(store, input.event_id, input.aid_type, &area.code).await?;
    let mut chosen: Vec<(i64, Entitlement)> = Vec::new();
    match &input.household_ids {
        Some(ids) => {
            let mut problems = Vec::new();
            let mut seen = HashSet::new();
            for (i, id) in ids.iter().enumerate() {
                let field = format!("household_ids[{i}]");
                if !seen.insert(*id) {
                    problems.push(FieldError::new(
                        field,
                        said!("household_twice", "household {household} is named twice", household = id),
                    ));
                    continue;
                }
                if paid_elsewhere.contains(id) {
                    return Err(AppError::Conflict {
                        said: crate::said!(
                            "rebuild_case_pays",
                            "household {household} has a rebuild case, which pays its subsidy by stage",
                            household = id
                        ),
                        details: Some(json!({"household_id": id})),
                    });
                }
                if let Some(list) = granted.get(id) {
                    return Err(AppError::Conflict {
                        said: crate::said!(
                            "household_already_granted",
                            "household {household} already has {aid} for this event (grant list {list})",
                            household = id,
                            aid = input.aid_type.label_zh(),
                            aid_type = crate::text_enum::enum_text(input.aid_type),
                            list = list
                        ),
                        details: Some(json!({"household_id": id, "grant_list_id": list})),
                    });
                }
                match assessed.iter().find(|(h, _)| h.id == *id) {
                    Some((_, Ok(entitlement))) => chosen.push((*id, entitlement.clone())),
                    Some((_, Err(rule))) => problems.push(FieldError::new(field, rule.clone())),
                    None => {
                        let rule = match store.get_household(*id).await? {
                            None => crate::households::no_household(*id),
                            Some(h) if !code::within(&area.code, &h.area_code) => said!(
                                "household_outside_area",
                                "household {household} is outside area {area}",
                                household = id,
                                area = &area.code
                            ),
                            Some(_) => said!(
                                "damage.no_record",
                                "damage.no_record: the household has no damage record for this event"
                            ),
                        };
                        problems.push(FieldError::new(field, rule));
                    }
                }
            }
            if !problems.is_empty() {
                return Err(AppError::invalid("ineligible households", problems));
            }
            let order: HashMap<i64, usize> = assessed.iter().enumerate().map(|(i, (h, _))| (h.id, i)).collect();
            chosen.sort_by_key(|(id, _)| order.get(id).copied());
        }
        None => {
            chosen = assessed
                .into_iter()
                .filter(|(h, _)| !granted.contains_key(&h.id) && !paid_elsewhere.contains(&h.id))
                .filter_map(|(h, v)| v.ok().map(|e| (h.id, e)))
                .collect();
        }
    }
    if chosen.is_empty() {
        return Err(AppError::invalid_field(
            "household_ids",
            said!("no_eligible_household", "no eligible household without this aid in the area"),
        ));
    }
    let total: Fen = chosen.iter().map(|(_, e)| e.amount_fen).sum();
    let over = |budget: Fen| match input.budget_fen {
        Some(_) => said!(
            "over_budget",
            "the list needs {needed} but the budget comes to {budget}",
            needed = total.yuan(),
            total_fen = total,
            budget_fen = budget,
            budget = budget.yuan()
        ),
        None => said!(
            "over_disbursed",
            "the list needs {needed} but the disbursed funds left for this area come to {budget}",
            needed = total.yuan(),
            total_fen = total,
            budget_fen = budget,
            budget = budget.yuan()
        ),
    };
    let budget = match input.budget_fen {
        Some(budget) => Some(budget),
        None => disbursed_budget(store, input.event_id, input.aid_type, &area.code).await?,
    };
    if let Some(budget) = budget
        && total > budget
    {
        return Err(AppError::invalid_field("budget_fen", over(budget)));
    }
    let grants: Vec<NewGrant> = chosen
        .into_iter()
        .map(|(household_id, e)| NewGrant {
            household_id,
            amount_fen: e.amount_fen,
            reason: e.reason,
            priority: e.priority,
        })
        .collect();
    let list = NewGrantList {
        event_id: input.event_id,
        aid_type: aid_text.clone(),
        area_code: area.code.clone(),
        author_id: actor.user.id,
        author_name: actor.user.username.clone(),
        phase: None,
    };
    let audit = actor.audit("grant_list.create", "grant_list", "").with_after(json!({
        "event_id": input.event_id, "aid_type": aid_text, "area_code": area.code, "households": grants.len(), "total_fen": total,
    }));
    Ok(store.create_grant_list(&list, &grants, &audit).await?)
}

/// What disbursed funds plans of the event and aid type leave for grant lists in `area`; None
/// when no funds plan has been disbursed yet (the list is then held only to an explicit budget).
async fn disbursed_budget<S: Drafting + ?Sized>(
    store: &S,
    event_id: i64,
    aid: AidType,
    area: &str,
) -> AppResult<Option<Fen>> {
    let aid_text = enum_text(aid);
    let plans = store.list_plans(Some(event_id), Some("completed")).await?;
    let disbursed: Vec<(AreaCode, Fen)> = plans
        .iter()
        .filter(|p| p.aid_type == aid_text)
        .filter_map(|p| p.result.0.funds.as_ref())
        .flat_map(|f| f.areas.iter().map(|a| (a.area_code.clone(), a.allocated_fen)))
        .collect();
    if disbursed.is_empty() {
        return Ok(None);
    }
    let held: Vec<(AreaCode, Fen)> = store
        .list_grant_lists(Some(event_id))
        .await?
        .into_iter()
        .filter(|l| l.aid() == aid && l.status() != ListStatus::Cancelled)
        .map(|l| (l.area_code, l.total_fen))
        .collect();
    Ok(Some(crate::funds::rules::grant_budget(area, &disbursed, &held)))
}

/// Entitlements of the households in an area with damage in the event, in list order.
pub async fn entitlements<S: Drafting + ?Sized>(
    store: &S,
    event_id: i64,
    aid: AidType,
    area: &str,
) -> AppResult<Vec<(HouseholdRow, Result<Entitlement, Ineligible>)>> {
    let pattern = code::subtree_pattern(area);
    let damage: HashMap<i64, DamageRecord> =
        store.damage_records(event_id, Some(&pattern)).await?.into_iter().map(|d| (d.household_id, d)).collect();
    let households = store.damaged_households(event_id, &pattern).await?;
    let today = crate::clock::today();
    let standards = crate::funds::service::standards(store).await?;
    let hazard = event_or_404(store, event_id).await?.hazard.0;
    let mut assessed: Vec<_> = households
        .into_iter()
        .map(|h| {
            let damage = damage.get(&h.id).map(DamageRecord::facts);
            let verdict = rules::assess(&standards, aid, hazard, &h.facts(today), damage.as_ref());
            (h, verdict)
        })
        .collect();
    assessed.sort_by_key(|(h, v)| rules::order_key(v.as_ref().is_ok_and(|e| e.priority), &h.area_code, h.id));
    Ok(assessed)
}
