//! Household damage records in an event: recording (or replacing) one household's losses, and
//! rolling them up by area to compare with the areas' loss reports.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use utoipa::ToSchema;

use super::store::{HouseholdStore, NewDamage};
use super::{DamageInput, DamageRecord, HouseDamage, rules};
use crate::areas::store::AreaStore;
use crate::areas::{AreaCode, Level};
use crate::auth::Actor;
use crate::config::Settings;
use crate::disasters::Indicator;
use crate::disasters::service::event_or_404;
use crate::disasters::store::DisasterStore;
use crate::error::{AppError, AppResult};
use crate::text_enum::enum_text;

/// Records (or replaces) a household's losses in an open event; answers the stored record and
/// whether it replaced an earlier one.
pub async fn record<S: DisasterStore + HouseholdStore + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    input: DamageInput,
) -> AppResult<(DamageRecord, bool)> {
    let event = event_or_404(store, id).await?;
    let household = match store.get_household(input.household_id).await? {
        Some(h) => h,
        None => return Err(AppError::invalid_field("household_id", super::no_household(input.household_id))),
    };
    actor.require_area(&household.area_code)?;
    if event.status.0 == crate::disasters::EventStatus::Closed {
        return Err(AppError::conflict(crate::disasters::service::event_closed()));
    }
    let problems = rules::check_damage(&input, household.members);
    let mut exclusions = input.exclusions.clone();
    exclusions.sort();
    exclusions.dedup();
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid damage record", problems));
    }
    let existed = store
        .damage_records(id, Some(&household.area_code))
        .await?
        .into_iter()
        .find(|r| r.household_id == household.id);
    let damage = NewDamage {
        event_id: id,
        household_id: household.id,
        house_damage: enum_text(input.house_damage),
        damaged_rooms: input.damaged_rooms,
        transitional_persons: input.transitional_persons,
        emergency_persons: input.emergency_persons,
        drought_persons: input.drought_persons,
        injured: input.injured,
        crop_total_loss: input.crop_total_loss,
        dead: input.dead,
        missing: input.missing,
        has_other_home: input.has_other_home,
        exclusions,
    };
    let mut audit = actor.audit("household_damage.record", "household_damage", "").with_after(&damage);
    if let Some(before) = &existed {
        audit = audit.with_before(before);
    }
    let record_id = store.upsert_damage(&damage, &audit).await?;
    let stored = store.damage_records(id, Some(&household.area_code)).await?.into_iter().find(|r| r.id == record_id);
    let stored = stored.ok_or_else(|| AppError::NotFound("damage record vanished".into()))?;
    Ok((stored, existed.is_some()))
}

/// One figure compared: the area's best reported figure against the household records.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Discrepancy {
    pub indicator: Indicator,
    /// The best figure (verified over reported); None when the area reported none.
    pub reported: Option<i64>,
    pub from_households: i64,
    pub difference: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DamageRollup {
    pub code: AreaCode,
    pub name: String,
    pub level: Level,
    /// Households with a damage record.
    pub households: i64,
    #[schema(value_type = Object)]
    pub from_households: BTreeMap<Indicator, i64>,
    #[schema(value_type = Object)]
    pub reported: BTreeMap<Indicator, i64>,
    pub crop_total_loss_households: i64,
    /// The indicators where the two disagree.
    pub discrepancies: Vec<Discrepancy>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DamageSummary {
    pub event_id: i64,
    pub level: String,
    pub areas: Vec<DamageRollup>,
}

/// The indicators household records can be compared on.
const COMPARED: [Indicator; 9] = [
    Indicator::CollapsedHouseholds,
    Indicator::CollapsedRooms,
    Indicator::SevereHouseholds,
    Indicator::SevereRooms,
    Indicator::GeneralHouseholds,
    Indicator::GeneralRooms,
    Indicator::NeedingTransitionalAid,
    Indicator::Dead,
    Indicator::Missing,
];

/// A damage record's contribution to the area figures.
fn record_figures(record: &DamageRecord) -> BTreeMap<Indicator, i64> {
    let mut figures: BTreeMap<Indicator, i64> = COMPARED.iter().map(|i| (*i, 0)).collect();
    let (households, rooms) = match record.house_damage.0 {
        HouseDamage::Collapsed => (Indicator::CollapsedHouseholds, Indicator::CollapsedRooms),
        HouseDamage::Severe => (Indicator::SevereHouseholds, Indicator::SevereRooms),
        HouseDamage::General => (Indicator::GeneralHouseholds, Indicator::GeneralRooms),
        HouseDamage::None => (Indicator::Affected, Indicator::Affected),
    };
    if households != Indicator::Affected {
        figures.insert(households, 1);
        figures.insert(rooms, record.damaged_rooms);
    }
    figures.insert(Indicator::NeedingTransitionalAid, record.transitional_persons);
    figures.insert(Indicator::Dead, record.dead);
    figures.insert(Indicator::Missing, record.missing);
    figures
}

/// Household damage rolled up by area (`level`: township, county or city) and compared with the
/// areas' loss reports.
pub async fn summary<S: AreaStore + DisasterStore + HouseholdStore + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    id: i64,
    level: &str,
) -> AppResult<DamageSummary> {
    if !matches!(level, "township" | "county" | "city") {
        return Err(AppError::invalid_field("level", crate::said!("summary_level", "county, township or city")));
    }
    let event = event_or_404(store, id).await?;
    let summarized = crate::disasters::service::summarize(store, settings, &event).await?;
    let parents: HashMap<&str, Option<&str>> =
        summarized.areas.iter().map(|a| (a.code.as_str(), a.parent_code.as_deref())).collect();
    let mut rollup: HashMap<String, (i64, i64, BTreeMap<Indicator, i64>)> = HashMap::new();
    for record in store.damage_records(id, None).await? {
        let figures = record_figures(&record);
        let mut area = Some(record.area_code.as_str());
        while let Some(code) = area {
            let entry = rollup.entry(code.to_owned()).or_default();
            entry.0 += 1;
            entry.1 += i64::from(record.crop_total_loss);
            for (indicator, value) in &figures {
                *entry.2.entry(*indicator).or_default() += value;
            }
            area = parents.get(code).copied().flatten();
        }
    }
    let mut areas: Vec<DamageRollup> = summarized
        .areas
        .iter()
        .filter(|a| a.level.as_str() == level && actor.user.can_reach(&a.code))
        .filter_map(|area| {
            let best = summarized.summaries.get(&area.code).map(|s| &s.figures);
            let reported: BTreeMap<Indicator, i64> =
                COMPARED.iter().filter_map(|i| best.and_then(|f| f.get(i)).map(|v| (*i, *v))).collect();
            let (households, crops, from_households) = rollup.get(area.code.as_str()).cloned().unwrap_or_default();
            if households == 0 && reported.is_empty() {
                return None;
            }
            let discrepancies = COMPARED
                .iter()
                .filter_map(|i| {
                    let counted = from_households.get(i).copied().unwrap_or(0);
                    let figure = reported.get(i).copied();
                    (figure.unwrap_or(0) != counted).then(|| Discrepancy {
                        indicator: *i,
                        reported: figure,
                        from_households: counted,
                        difference: counted - figure.unwrap_or(0),
                    })
                })
                .collect();
            Some(DamageRollup {
                code: area.code.clone(),
                name: area.name.clone(),
                level: area.level,
                households,
                from_households,
                reported,
                crop_total_loss_households: crops,
                discrepancies,
            })
        })
        .collect();
    areas.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(DamageSummary { event_id: id, level: level.to_owned(), areas })
}

/// A household in the caller's scope whose house the event damaged, with its damage record (422
/// when it has none or the record says the house is not damaged): where rebuild cases and
/// insurance claims start.
pub async fn damaged_house<S: HouseholdStore + ?Sized>(
    store: &S,
    actor: &Actor,
    event_id: i64,
    household_id: i64,
) -> AppResult<(super::HouseholdRow, DamageRecord)> {
    let household = store
        .get_household(household_id)
        .await?
        .ok_or_else(|| AppError::invalid_field("household_id", super::no_household(household_id)))?;
    actor.require_area(&household.area_code)?;
    let damage = store
        .damage_records(event_id, Some(&household.area_code))
        .await?
        .into_iter()
        .find(|d| d.household_id == household.id)
        .ok_or_else(|| {
            AppError::invalid_field(
                "household_id",
                crate::said!("no_damage_record", "the household has no damage record for this event"),
            )
        })?;
    if damage.house_damage.0 == HouseDamage::None {
        return Err(AppError::invalid_field(
            "household_id",
            crate::said!("house_not_damaged", "the damage record says the house is not damaged"),
        ));
    }
    Ok((household, damage))
}
