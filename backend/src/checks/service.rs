//! Running the checks for a reader, and resolving a finding.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, Utc};
use serde_json::json;

use super::rules::{self, BankHolder, CaseIdentity, GrantData, GrantLine, ItemNorm, Received, SetStandard};
use super::store::{CheckStore, NewResolution};
use super::{CheckKind, Finding, FindingHousehold, FindingStatus, Found, Resolution};
use crate::auth::Actor;
use crate::config::Settings;
use crate::depots::store::DepotStore;
use crate::depots::{MaterialAidType, NormBasis};
use crate::disasters::store::DisasterStore;
use crate::error::{AppError, AppResult};
use crate::funds::AidType;
use crate::funds::store::FundStore;
use crate::households::pii::Pii;
use crate::households::store::HouseholdStore;
use crate::households::{DamageRecord, sees_names};
use crate::text_enum::{enum_text, parse_enum};

/// The stores the checks read and write.
pub trait Checking: CheckStore + DepotStore + DisasterStore + FundStore + HouseholdStore {}
impl<T: CheckStore + DepotStore + DisasterStore + FundStore + HouseholdStore + ?Sized> Checking for T {}

/// Which findings a reader asks for.
#[derive(Debug, Clone, Default)]
pub struct CheckFilter {
    pub kind: Option<CheckKind>,
    pub status: Option<FindingStatus>,
    /// `LIKE` pattern of the area (the caller's scope or the area asked for, within it).
    pub area_pattern: String,
}

fn stored<T: serde::de::DeserializeOwned>(text: String) -> AppResult<T> {
    parse_enum(text).map_err(|e| AppError::Internal(anyhow::anyhow!("a stored value: {e}")))
}

async fn grant_data<S: Checking + ?Sized>(store: &S, today: NaiveDate) -> AppResult<GrantData> {
    let grants = store
        .check_grant_lines()
        .await?
        .into_iter()
        .map(|(id, list_id, event_id, aid, household_id, household_area, amount_fen, phase)| -> AppResult<GrantLine> {
            Ok(GrantLine { id, list_id, event_id, aid: stored(aid)?, household_id, household_area, amount_fen, phase })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let households = store.check_grant_households().await?.into_iter().map(|h| (h.id, h.facts(today))).collect();
    let damage = store
        .check_grant_damage()
        .await?
        .iter()
        .map(|d: &DamageRecord| ((d.event_id, d.household_id), d.facts()))
        .collect();
    let mut set_standards = HashMap::new();
    for (what, rows) in [
        ("application", store.check_application_standards().await?),
        ("rebuild case", store.check_rebuild_standards().await?),
    ] {
        for (event_id, aid, household_id, source_id, standard_fen) in rows {
            let aid: AidType = stored(aid)?;
            set_standards.insert(
                (event_id, aid, household_id),
                SetStandard { standard_fen, source: format!("{what} {source_id}") },
            );
        }
    }
    let hazards = store.list_events().await?.into_iter().map(|e| (e.id, e.hazard.0)).collect();
    let standards = crate::funds::service::standards(store).await?;
    Ok(GrantData { grants, households, damage, set_standards, hazards, standards })
}

/// The bank accounts as keyed hashes: decrypted and hashed on blocking threads (one per core),
/// since the stored ciphertexts carry fresh nonces and cannot be compared as they are.
async fn bank_holders<S: Checking + ?Sized>(store: &S, settings: &Settings) -> AppResult<Vec<BankHolder>> {
    let rows = store.check_bank_accounts().await?;
    let pii = Pii::from_settings(settings);
    tokio::task::spawn_blocking(move || {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let chunk = rows.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| -> AppResult<Vec<BankHolder>> {
            let handles: Vec<_> = rows
                .chunks(chunk)
                .map(|part| {
                    let pii = pii.clone();
                    scope.spawn(move || {
                        part.iter()
                            .map(|(household_id, area_code, encrypted)| -> AppResult<BankHolder> {
                                let account = pii.decrypt(encrypted).map_err(|e| AppError::Internal(e.into()))?;
                                Ok(BankHolder {
                                    household_id: *household_id,
                                    area_code: area_code.clone(),
                                    account_key: pii.bank_key(&account),
                                })
                            })
                            .collect::<AppResult<Vec<_>>>()
                    })
                })
                .collect();
            let mut holders = Vec::with_capacity(rows.len());
            for handle in handles {
                holders
                    .extend(handle.join().map_err(|_| AppError::Internal(anyhow::anyhow!("a check thread failed")))??);
            }
            Ok(holders)
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}

async fn case_identities<S: Checking + ?Sized>(store: &S) -> AppResult<Vec<CaseIdentity>> {
    Ok(store
        .check_case_identities()
        .await?
        .into_iter()
        .map(|(case_id, id_key, case_area, case_household, case_household_area, head, head_area)| CaseIdentity {
            case_id,
            id_key,
            case_area,
            case_household: case_household.zip(case_household_area),
            head_household: head.zip(head_area),
        })
        .collect())
}

async fn received<S: Checking + ?Sized>(store: &S) -> AppResult<(Vec<Received>, HashMap<String, ItemNorm>)> {
    let received: Vec<Received> = store
        .check_received()
        .await?
        .into_iter()
        .map(|(event_id, shipment_id, depot_id, area_code, item_code, units)| Received {
            event_id,
            shipment_id,
            depot_id,
            area_code,
            item_code,
            units,
        })
        .collect();
    let items = if received.is_empty() { Vec::new() } else { store.list_items().await? };
    let norms = items
        .into_iter()
        .filter_map(|item| {
            let norm = *item.norms.0.get(&MaterialAidType::Emergency)?;
            matches!(norm.basis, NormBasis::Person | NormBasis::Household)
                .then(|| (item.code, ItemNorm { name_zh: item.name_zh, name_en: item.name_en, unit: item.unit, norm }))
        })
        .collect();
    Ok((received, norms))
}

/// Everything the checks find (of one kind, when `kind` is given), in kind order, then key order.
pub async fn run<S: Checking + ?Sized>(
    store: &S,
    settings: &Settings,
    kind: Option<CheckKind>,
    today: NaiveDate,
) -> AppResult<Vec<Found>> {
    let wants = |k: CheckKind| kind.is_none_or(|wanted| wanted == k);
    let mut found = Vec::new();
    if wants(CheckKind::PersonInTwoHouseholds) {
        found.extend(rules::person_in_two_households(&case_identities(store).await?));
    }
    if wants(CheckKind::BankShared) {
        found.extend(rules::shared_bank(&bank_holders(store, settings).await?));
    }
    let grant_checks =
        [CheckKind::DoubleGrant, CheckKind::AboveStandard, CheckKind::GrantWithoutLoss, CheckKind::StockVsServed];
    if grant_checks.into_iter().any(wants) {
        let data = grant_data(store, today).await?;
        if wants(CheckKind::DoubleGrant) {
            found.extend(rules::double_grants(&data.grants));
        }
        if wants(CheckKind::AboveStandard) {
            found.extend(rules::above_standard(&data));
        }
        if wants(CheckKind::GrantWithoutLoss) {
            found.extend(rules::grants_without_loss(&data));
        }
        if wants(CheckKind::StockVsServed) {
            let (received, items) = received(store).await?;
            found.extend(rules::stock_vs_served(&received, &data, &items));
        }
    }
    Ok(found)
}

/// Whether `area` lies in the subtree a `LIKE` pattern (`3604%`, `%`) names.
fn in_pattern(pattern: &str, area: &str) -> bool {
    area.starts_with(pattern.trim_end_matches('%'))
}

/// The findings of the reader's area (each finding lies in the lowest area holding all it names),
/// with their resolutions and the households they name as the reader may see them.
pub async fn findings<S: Checking + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    filter: &CheckFilter,
) -> AppResult<Vec<Finding>> {
    let found: Vec<Found> = run(store, settings, filter.kind, crate::clock::today())
        .await?
        .into_iter()
        .filter(|f| in_pattern(&filter.area_pattern, f.area_code.as_str()))
        .collect();
    let resolutions: HashMap<String, Resolution> =
        store.check_resolutions().await?.into_iter().map(|r| (r.key.clone(), r)).collect();
    let found: Vec<Found> = found
        .into_iter()
        .filter(|f| {
            let status = if resolutions.contains_key(&f.key) { FindingStatus::Resolved } else { FindingStatus::Open };
            filter.status.is_none_or(|s| s == status)
        })
        .collect();
    view(store, actor, found, &resolutions).await
}

async fn view<S: Checking + ?Sized>(
    store: &S,
    actor: &Actor,
    found: Vec<Found>,
    resolutions: &HashMap<String, Resolution>,
) -> AppResult<Vec<Finding>> {
    let ids: Vec<i64> =
        found.iter().flat_map(|f| f.household_ids.iter().copied()).collect::<BTreeSet<_>>().into_iter().collect();
    let households: HashMap<i64, FindingHousehold> = store
        .households_by_ids(&ids)
        .await?
        .into_iter()
        .map(|h| {
            let full = sees_names(&actor.user, h.area_code.as_str());
            let shown = FindingHousehold {
                id: h.id,
                head_name: if full { h.head_name } else { h.name_masked },
                name_masked: !full,
                id_number_masked: h.id_masked,
                bank_account_masked: h.bank_masked,
                area_code: h.area_code,
            };
            (h.id, shown)
        })
        .collect();
    Ok(found
        .into_iter()
        .map(|f| {
            let resolution = resolutions.get(&f.key);
            Finding {
                kind_zh: f.kind.label_zh().to_owned(),
                households: f.household_ids.iter().filter_map(|id| households.get(id).cloned()).collect(),
                status: if resolution.is_some() { FindingStatus::Resolved } else { FindingStatus::Open },
                reason: resolution.map(|r| r.reason.clone()),
                resolved_by: resolution.map(|r| r.resolved_by.clone()),
                resolved_at: resolution.map(|r| r.resolved_at),
                key: f.key,
                kind: f.kind,
                area_code: f.area_code,
                event_id: f.event_id,
                household_ids: f.household_ids,
                grant_ids: f.grant_ids,
                list_ids: f.list_ids,
                case_ids: f.case_ids,
                shipment_ids: f.shipment_ids,
                depot_ids: f.depot_ids,
                summary: f.summary,
                figures: f.figures,
            }
        })
        .collect())
}

/// Resolves a finding the checks find now, in the caller's scope, with a reason (422 when empty,
/// before anything is read; 404 when no such finding is found; 409 when resolved already).
pub async fn resolve<S: Checking + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    key: &str,
    reason: &str,
) -> AppResult<Finding> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid_field(
            "reason",
            crate::said!("finding_reason", "required: why the finding is in order"),
        ));
    }
    if reason.chars().count() > 1000 {
        return Err(AppError::invalid_field(
            "reason",
            crate::said!("text_max", "at most {max} characters", max = 1000),
        ));
    }
    let missing = || AppError::NotFound(format!("no finding {key}"));
    let kind: CheckKind = key.split(':').next().and_then(|k| parse_enum(k.to_owned()).ok()).ok_or_else(missing)?;
    let finding = run(store, settings, Some(kind), crate::clock::today())
        .await?
        .into_iter()
        .find(|f| f.key == key)
        .ok_or_else(missing)?;
    actor.require_area(finding.area_code.as_str())?;
    let now = Utc::now();
    let audit = actor.audit("check.resolve", "check", key).with_after(json!({
        "kind": finding.kind, "area_code": finding.area_code, "summary": finding.summary, "reason": reason,
        "household_ids": finding.household_ids, "grant_ids": finding.grant_ids,
    }));
    let kind_text = enum_text(finding.kind);
    let resolution = NewResolution {
        key,
        kind: &kind_text,
        area_code: &finding.area_code,
        summary: &finding.summary,
        reason,
        resolved_by: &actor.user.username,
        resolved_at: now,
    };
    if !store.resolve_check(&resolution, &audit).await? {
        return Err(AppError::conflict(crate::said!(
            "finding_resolved",
            "finding {key} is resolved already",
            key = key
        )));
    }
    let resolutions: HashMap<String, Resolution> = [(
        key.to_owned(),
        Resolution {
            key: key.to_owned(),
            reason: reason.to_owned(),
            resolved_by: actor.user.username.clone(),
            resolved_at: now,
        },
    )]
    .into_iter()
    .collect();
    Ok(view(store, actor, vec![finding], &resolutions).await?.remove(0))
}

#[cfg(test)]
mod tests {
    use super::in_pattern;

    #[test]
    fn area_patterns() {
        assert!(in_pattern("%", "360425105"));
        assert!(in_pattern("360425%", "360425105"));
        assert!(in_pattern("360425%", "360425"));
        assert!(!in_pattern("360425%", "360400"));
    }
}
