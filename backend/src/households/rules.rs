//! Eligibility, amounts and priority for household grants — pure functions. The amounts come
//! from the relief standards in force (`crate::funds::rules::Standards`), in integer fen.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AidType, DamageInput, Exclusion, HouseDamage, HouseholdType, Programme};
use crate::disasters::Hazard;
use crate::error::FieldError;
use crate::funds::HardshipClass;
use crate::funds::rules::{StandardKey, Standards, housing_aid};
use crate::money::Fen;

/// What eligibility needs to know about a household.
#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdFacts {
    pub kind: HouseholdType,
    pub members: i64,
    pub disabled_member: bool,
    /// Programmes the household is enrolled in today.
    pub programmes: BTreeSet<Programme>,
}

/// What eligibility needs to know about a household's losses in the event.
#[derive(Debug, Clone, PartialEq)]
pub struct DamageFacts {
    pub house: HouseDamage,
    pub rooms: i64,
    pub transitional_persons: i64,
    pub emergency_persons: i64,
    pub drought_persons: i64,
    pub crop_total_loss: bool,
    pub dead: i64,
    pub missing: i64,
    pub injured: i64,
    pub has_other_home: bool,
    pub exclusions: Vec<Exclusion>,
}

impl DamageFacts {
    /// Any loss at all: the household counts as affected (受灾).
    pub fn affected(&self) -> bool {
        self.house != HouseDamage::None
            || self.crop_total_loss
            || self.transitional_persons + self.emergency_persons + self.drought_persons > 0
            || self.dead + self.missing + self.injured > 0
    }

    pub fn house_lost(&self) -> bool {
        matches!(self.house, HouseDamage::Collapsed | HouseDamage::Severe)
    }
}

/// 低保户 or 特困户 when the household is one, by its type or a programme it is enrolled in
/// (`Dibao` or `Tekun`; 特困 first when both).
pub fn poverty_class(household: &HouseholdFacts) -> Option<HouseholdType> {
    if household.kind == HouseholdType::Tekun || household.programmes.contains(&Programme::Tekun) {
        Some(HouseholdType::Tekun)
    } else if household.kind == HouseholdType::Dibao || household.programmes.contains(&Programme::Dibao) {
        Some(HouseholdType::Dibao)
    } else {
        None
    }
}

/// A need for another social-assistance programme that a household's losses show
/// (docs/domain/one-window.md#detection-主动发现). Detection raises an alert for each; the
/// hand-off tables of the same programmes pick their households with the same rules.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema, strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// A member dead or missing, or the house collapsed, in a household in neither 低保 nor 特困.
    Hardship,
    /// A member injured.
    Injury,
    /// Children of preschool or school age in an affected 低保 or 特困 household.
    Schooling,
}

crate::decode_from_text!(Need);

impl Need {
    /// The programmes the need suggests, the first the one to act on now.
    pub fn programmes(self) -> &'static [Programme] {
        match self {
            Self::Hardship => &[Programme::Temporary, Programme::Dibao],
            Self::Injury => &[Programme::Medical],
            Self::Schooling => &[Programme::Education],
        }
    }
}

/// The needs a household's losses in an event show; `children` counts its members of preschool
/// or school age.
pub fn needs(household: &HouseholdFacts, children: usize, damage: &DamageFacts) -> Vec<Need> {
    let covered = poverty_class(household).is_some();
    let mut needs = Vec::new();
    if !covered && (damage.dead + damage.missing > 0 || damage.house == HouseDamage::Collapsed) {
        needs.push(Need::Hardship);
    }
    if damage.injured > 0 {
        needs.push(Need::Injury);
    }
    if covered && children > 0 && damage.affected() {
        needs.push(Need::Schooling);
    }
    needs
}

/// Priority groups (docs/domain/relief-standards.md#priority-groups): 低保, 特困 (五保), 优抚 and disabled households.
pub fn is_priority(household: &HouseholdFacts) -> bool {
    matches!(
        household.kind,
        HouseholdType::Dibao | HouseholdType::Tekun | HouseholdType::Youfu | HouseholdType::Disabled
    ) || household.disabled_member
        || household.programmes.contains(&Programme::Dibao)
        || household.programmes.contains(&Programme::Tekun)
}

/// A household's entitlement under one aid type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entitlement {
    pub amount_fen: Fen,
    /// How the amount was reached, in words, e.g. `3人 × ¥300`.
    pub reason: String,
    pub priority: bool,
}

/// Why a household is not eligible: a stable rule id and an explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Ineligible {
    pub rule: &'static str,
    pub message: String,
}

/// A refusal naming the rule: its code is the rule's id, which the dashboard translates.
impl From<Ineligible> for crate::error::Said {
    fn from(ineligible: Ineligible) -> Self {
        let text = format!("{}: {}", ineligible.rule, ineligible.message);
        match ineligible.rule.strip_prefix("reconstruction.excluded.") {
            // One refusal for the five exclusions, naming which.
            Some(exclusion) => {
                let params = [("exclusion".to_owned(), serde_json::json!(exclusion))].into_iter().collect();
                crate::error::Said { code: "reconstruction.excluded", params, text }
            }
            None => Self { code: ineligible.rule, params: Default::default(), text },
        }
    }
}

fn ineligible(rule: &'static str, message: impl Into<String>) -> Ineligible {
    Ineligible { rule, message: message.into() }
}

/// The amount and reason for `aid`, or the rule that excludes the household.
pub fn assess(
    standards: &Standards,
    aid: AidType,
    hazard: Hazard,
    household: &HouseholdFacts,
    damage: Option<&DamageFacts>,
) -> Result<Entitlement, Ineligible> {
    let priority = is_priority(household);
    let Some(damage) = damage else {
        return Err(ineligible("damage.no_record", "the household has no damage record for this event"));
    };
    if !damage.affected() {
        return Err(ineligible("damage.not_affected", "the damage record shows no loss"));
    }
    let (amount_fen, reason) = match aid {
        AidType::Emergency => {
            if damage.emergency_persons <= 0 {
                return Err(ineligible(
                    "emergency.no_persons",
                    "emergency aid is paid per person needing emergency basic-living aid, and none was recorded",
                ));
            }
            per_person(standards, aid, damage.emergency_persons)
        }
        AidType::Bereavement => {
            let lost = damage.dead + damage.missing;
            if lost <= 0 {
                return Err(ineligible("bereavement.no_dead_or_missing", "no member died or is missing"));
            }
            per_person(standards, aid, lost)
        }
        AidType::Drought => {
            if hazard != Hazard::Drought {
                return Err(ineligible("drought.not_a_drought", "drought relief is for drought events"));
            }
            if damage.drought_persons <= 0 {
                return Err(ineligible("drought.no_persons", "no member needs drought relief"));
            }
            per_person(standards, aid, damage.drought_persons)
        }
        AidType::Transitional => {
            if !damage.house_lost() {
                return Err(ineligible(
                    "transitional.house_not_lost",
                    "transitional aid is for households whose house collapsed or was severely damaged",
                ));
            }
            if damage.has_other_home {
                return Err(ineligible("transitional.has_other_home", "the household has another home to live in"));
            }
            if damage.transitional_persons <= 0 {
                return Err(ineligible("transitional.no_persons", "no member needs transitional aid"));
            }
            let (amount, reason) = per_person(standards, aid, damage.transitional_persons);
            (amount, format!("{reason}（{}）", damage.house.label_zh()))
        }
        AidType::Reconstruction => reconstruction(standards, damage)?,
        AidType::WinterSpring => {
            let in_need = priority || damage.house_lost() || damage.crop_total_loss || damage.dead + damage.missing > 0;
            if !in_need {
                return Err(ineligible(
                    "winter_spring.not_in_need",
                    "winter-spring aid is for affected households in need: a priority group, a lost house, \
                     a total crop loss or a dead or missing member",
                ));
            }
            per_person(standards, aid, household.members)
        }
    };
    if amount_fen <= Fen::ZERO {
        return Err(ineligible("amount.zero", "the entitlement comes to nothing"));
    }
    Ok(Entitlement { amount_fen, reason, priority })
}

/// What the standard pays `persons` people under `aid`, and how, e.g. `3人 × ¥300`. Rebuild aid is
/// paid per house, not per person: its amount comes from the damage record (`reconstruction`).
pub fn per_person(standards: &Standards, aid: AidType, persons: i64) -> (Fen, String) {
    let per_person = |key: StandardKey, label: &str| {
        let per = standards.fen(key);
        (per.times(persons), format!("{label}{persons}人 × {}", per.yuan()))
    };
    match aid {
        AidType::Emergency => per_person(StandardKey::EmergencyPerPerson, ""),
        AidType::Bereavement => per_person(StandardKey::BereavementPerDeath, "遇难失踪"),
        AidType::Drought => per_person(StandardKey::DroughtPerPerson, ""),
        AidType::WinterSpring => per_person(StandardKey::WinterSpringPerPerson, ""),
        AidType::Transitional => {
            let (per, days) =
                (standards.fen(StandardKey::TransitionalPerPersonDay), standards.get(StandardKey::TransitionalDays));
            (per.times(persons * days), format!("{persons}人 × {}/天 × {days}天", per.yuan()))
        }
        AidType::Reconstruction => (Fen::ZERO, String::new()),
    }
}

/// Rebuild or repair aid for a damaged house, or the exclusion that rules it out.
pub fn reconstruction(standards: &Standards, damage: &DamageFacts) -> Result<(Fen, String), Ineligible> {
    if let Some(exclusion) = damage.exclusions.first() {
        return Err(Ineligible {
            rule: match exclusion {
                Exclusion::AuxiliaryRoom => "reconstruction.excluded.auxiliary_room",
                Exclusion::TemporaryBuilding => "reconstruction.excluded.temporary_building",
                Exclusion::LongVacant => "reconstruction.excluded.long_vacant",
                Exclusion::SecondHome => "reconstruction.excluded.second_home",
                Exclusion::RebuiltOrBoughtElsewhere => "reconstruction.excluded.rebuilt_or_bought_elsewhere",
            },
            message: format!("rebuild aid excludes {} (docs/domain/relief-standards.md)", exclusion.label_zh()),
        });
    }
    if damage.house == HouseDamage::None {
        return Err(ineligible("reconstruction.no_house_damage", "the house is not damaged"));
    }
    let aid = housing_aid(standards, damage.house_lost(), 1, damage.rooms);
    let rate = if aid.standard == StandardKey::RebuildPerRoom || aid.standard == StandardKey::RepairPerRoom {
        "每间"
    } else {
        "每户"
    };
    Ok((aid.amount_fen, format!("{}{}间，{rate}{}", damage.house.label_zh(), damage.rooms, aid.rate_fen.yuan())))
}

/// What the standard gives an application claiming aid for `persons` people: per person for every
/// item but rebuild aid, which needs the household's damage record; winter–spring aid at its
/// hardship class's weighted rate where the need record names one.
pub fn claim_standard(
    standards: &Standards,
    aid: AidType,
    persons: i64,
    damage: Option<&DamageFacts>,
    class: Option<HardshipClass>,
) -> Result<(Fen, String), Ineligible> {
    match (aid, damage) {
        (AidType::WinterSpring, _) if let Some(class) = class => {
            let rate = crate::funds::rules::winter_spring_rate(standards, class);
            Ok((rate.times(persons), format!("{}{persons}人 × {}", class.label_zh(), rate.yuan())))
        }
        (AidType::Reconstruction, Some(damage)) => reconstruction(standards, damage),
        (AidType::Reconstruction, None) => {
            Err(ineligible("reconstruction.no_damage_record", "rebuild aid is set from the house's damage record"))
        }
        _ => Ok(per_person(standards, aid, persons)),
    }
}

/// Orders grant lines: priority groups first, then by area and household.
pub fn order_key(priority: bool, area_code: &str, household_id: i64) -> (bool, String, i64) {
    (!priority, area_code.to_owned(), household_id)
}

/// The field errors of a damage record for a household of `members` people: counts are not
/// negative, rooms match the grade, and no more people are affected than the household has.
pub fn check_damage(input: &DamageInput, members: i64) -> Vec<FieldError> {
    let mut problems = Vec::new();
    for (field, value) in [
        ("damaged_rooms", input.damaged_rooms),
        ("transitional_persons", input.transitional_persons),
        ("emergency_persons", input.emergency_persons),
        ("drought_persons", input.drought_persons),
        ("dead", input.dead),
        ("missing", input.missing),
        ("injured", input.injured),
    ] {
        if value < 0 {
            problems.push(FieldError::new(field, crate::said!("negative", "cannot be negative")));
        }
    }
    if input.damaged_rooms > 100 {
        problems.push(FieldError::new("damaged_rooms", crate::said!("rooms_max", "at most {max} rooms", max = 100)));
    }
    match input.house_damage {
        HouseDamage::None if input.damaged_rooms > 0 => problems.push(FieldError::new(
            "damaged_rooms",
            crate::said!("rooms_undamaged_house", "no rooms are damaged when the house is not"),
        )),
        HouseDamage::None if !input.exclusions.is_empty() => problems.push(FieldError::new(
            "exclusions",
            crate::said!("exclusions_undamaged", "exclusions apply to damaged houses"),
        )),
        HouseDamage::Collapsed | HouseDamage::Severe | HouseDamage::General if input.damaged_rooms == 0 => problems
            .push(FieldError::new(
                "damaged_rooms",
                crate::said!("damaged_house_rooms", "a damaged house has at least one damaged room"),
            )),
        _ => {}
    }
    for (field, persons) in [
        ("transitional_persons", input.transitional_persons),
        ("emergency_persons", input.emergency_persons),
        ("drought_persons", input.drought_persons),
        ("injured", input.injured),
    ] {
        if persons > members {
            problems.push(FieldError::new(
                field,
                crate::said!("persons_exceed_members", "the household has {members} members", members = members),
            ));
        }
    }
    if input.dead + input.missing > members {
        problems.push(FieldError::new(
            "dead",
            crate::said!(
                "casualties_exceed_members",
                "dead and missing exceed the household's {members} members",
                members = members
            ),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn household(kind: HouseholdType, members: i64) -> HouseholdFacts {
        HouseholdFacts { kind, members, disabled_member: false, programmes: BTreeSet::new() }
    }

    fn damage(house: HouseDamage) -> DamageFacts {
        DamageFacts {
            house,
            rooms: 3,
            transitional_persons: 0,
            emergency_persons: 0,
            drought_persons: 0,
            crop_total_loss: false,
            dead: 0,
            missing: 0,
            injured: 0,
            has_other_home: false,
            exclusions: vec![],
        }
    }

    fn flood(aid: AidType, h: &HouseholdFacts, d: Option<&DamageFacts>) -> Result<Entitlement, Ineligible> {
        assess(&Standards::default(), aid, Hazard::Flood, h, d)
    }

    #[test]
    fn needs_follow_the_losses_and_the_programmes_already_held() {
        let general = household(HouseholdType::General, 4);
        let bereaved = DamageFacts { dead: 1, ..damage(HouseDamage::None) };
        assert_eq!(needs(&general, 0, &bereaved), vec![Need::Hardship]);
        assert_eq!(needs(&general, 0, &damage(HouseDamage::Collapsed)), vec![Need::Hardship]);
        // A severely damaged house is rebuild aid's, not hardship.
        assert_eq!(needs(&general, 2, &damage(HouseDamage::Severe)), vec![]);
        // In 低保 already (by type or by enrolment): no hardship alert, but the children's schooling.
        let dibao = household(HouseholdType::Dibao, 4);
        assert_eq!(needs(&dibao, 2, &bereaved), vec![Need::Schooling]);
        let enrolled = HouseholdFacts { programmes: BTreeSet::from([Programme::Tekun]), ..general.clone() };
        assert_eq!(poverty_class(&enrolled), Some(HouseholdType::Tekun));
        assert_eq!(needs(&enrolled, 0, &bereaved), vec![]);
        let injured = DamageFacts { injured: 2, missing: 1, ..damage(HouseDamage::None) };
        assert_eq!(needs(&general, 1, &injured), vec![Need::Hardship, Need::Injury]);
        // Not affected at all: no schooling need either.
        assert_eq!(needs(&dibao, 2, &damage(HouseDamage::None)), vec![]);
    }

    #[test]
    fn bereavement_is_per_dead_or_missing_person() {
        let h = household(HouseholdType::General, 4);
        let lost = DamageFacts { dead: 1, missing: 1, ..damage(HouseDamage::Collapsed) };
        let got = flood(AidType::Bereavement, &h, Some(&lost)).unwrap();
        assert_eq!(got.amount_fen, Fen(2 * 1_000_000), "¥10,000 each");
        let none = damage(HouseDamage::Collapsed);
        assert_eq!(flood(AidType::Bereavement, &h, Some(&none)).unwrap_err().rule, "bereavement.no_dead_or_missing");
    }

    #[test]
    fn drought_relief_is_for_drought_events_per_person_in_need() {
        let h = household(HouseholdType::General, 4);
        let dry = DamageFacts { drought_persons: 3, crop_total_loss: true, ..damage(HouseDamage::None) };
        let got = assess(&Standards::default(), AidType::Drought, Hazard::Drought, &h, Some(&dry)).unwrap();
        assert_eq!(got.amount_fen, Fen(3 * 6_000), "¥60 each");
        assert_eq!(flood(AidType::Drought, &h, Some(&dry)).unwrap_err().rule, "drought.not_a_drought");
        let crops_only = DamageFacts { drought_persons: 0, ..dry };
        assert_eq!(
            assess(&Standards::default(), AidType::Drought, Hazard::Drought, &h, Some(&crops_only)).unwrap_err().rule,
            "drought.no_persons"
        );
    }

    #[test]
    fn emergency_aid_is_per_person() {
        let h = household(HouseholdType::General, 4);
        let two_in_need = DamageFacts { emergency_persons: 2, ..damage(HouseDamage::General) };
        let got = flood(AidType::Emergency, &h, Some(&two_in_need)).unwrap();
        assert_eq!(got.amount_fen, Fen(2 * 30_000), "per person needing emergency aid, not per member");
        assert_eq!(got.reason, "2人 × ¥300");
        assert!(!got.priority);
        let crops_only = DamageFacts { crop_total_loss: true, ..damage(HouseDamage::None) };
        assert_eq!(flood(AidType::Emergency, &h, Some(&crops_only)).unwrap_err().rule, "emergency.no_persons");
    }

    #[test]
    fn no_record_or_no_loss_means_no_aid() {
        let h = household(HouseholdType::Dibao, 2);
        assert_eq!(flood(AidType::Emergency, &h, None).unwrap_err().rule, "damage.no_record");
        assert_eq!(
            flood(AidType::Emergency, &h, Some(&damage(HouseDamage::None))).unwrap_err().rule,
            "damage.not_affected"
        );
        let crops = DamageFacts { crop_total_loss: true, ..damage(HouseDamage::None) };
        assert_eq!(
            flood(AidType::Emergency, &h, Some(&crops)).unwrap_err().rule,
            "emergency.no_persons",
            "a total crop loss is a loss, but not a need for emergency aid"
        );
    }

    #[test]
    fn transitional_aid_is_persons_times_20_yuan_times_90_days() {
        let h = household(HouseholdType::General, 5);
        let lost = DamageFacts { transitional_persons: 3, ..damage(HouseDamage::Collapsed) };
        let got = flood(AidType::Transitional, &h, Some(&lost)).unwrap();
        assert_eq!(got.amount_fen, Fen(3 * 2_000 * 90));
        assert_eq!(got.amount_fen, Fen(540_000), "¥5,400");
        let severe = DamageFacts { house: HouseDamage::Severe, ..lost.clone() };
        assert!(flood(AidType::Transitional, &h, Some(&severe)).is_ok());
        let general = DamageFacts { house: HouseDamage::General, ..lost.clone() };
        assert_eq!(flood(AidType::Transitional, &h, Some(&general)).unwrap_err().rule, "transitional.house_not_lost");
        let elsewhere = DamageFacts { has_other_home: true, ..lost.clone() };
        assert_eq!(flood(AidType::Transitional, &h, Some(&elsewhere)).unwrap_err().rule, "transitional.has_other_home");
        let nobody = DamageFacts { transitional_persons: 0, ..lost };
        assert_eq!(flood(AidType::Transitional, &h, Some(&nobody)).unwrap_err().rule, "transitional.no_persons");
    }

    #[test]
    fn reconstruction_goes_by_damage_grade_with_the_exclusions() {
        let h = household(HouseholdType::General, 3);
        for (house, fen) in
            [(HouseDamage::Collapsed, 2_000_000), (HouseDamage::Severe, 2_000_000), (HouseDamage::General, 200_000)]
        {
            assert_eq!(
                flood(AidType::Reconstruction, &h, Some(&damage(house))).unwrap().amount_fen,
                Fen(fen),
                "{house:?}"
            );
        }
        assert_eq!(
            flood(AidType::Reconstruction, &h, Some(&damage(HouseDamage::Collapsed))).unwrap().reason,
            "倒塌3间，每户¥20000"
        );
        let cases = [
            (Exclusion::AuxiliaryRoom, "reconstruction.excluded.auxiliary_room"),
            (Exclusion::TemporaryBuilding, "reconstruction.excluded.temporary_building"),
            (Exclusion::LongVacant, "reconstruction.excluded.long_vacant"),
            (Exclusion::SecondHome, "reconstruction.excluded.second_home"),
            (Exclusion::RebuiltOrBoughtElsewhere, "reconstruction.excluded.rebuilt_or_bought_elsewhere"),
        ];
        for (exclusion, rule) in cases {
            let excluded = DamageFacts { exclusions: vec![exclusion], ..damage(HouseDamage::Collapsed) };
            assert_eq!(flood(AidType::Reconstruction, &h, Some(&excluded)).unwrap_err().rule, rule);
        }
        let crops_only = DamageFacts { crop_total_loss: true, ..damage(HouseDamage::None) };
        assert_eq!(
            flood(AidType::Reconstruction, &h, Some(&crops_only)).unwrap_err().rule,
            "reconstruction.no_house_damage"
        );
    }

    #[test]
    fn winter_spring_aid_needs_need() {
        let general = household(HouseholdType::General, 3);
        let hit = damage(HouseDamage::General);
        assert_eq!(flood(AidType::WinterSpring, &general, Some(&hit)).unwrap_err().rule, "winter_spring.not_in_need");
        let poor = household(HouseholdType::Dibao, 3);
        let got = flood(AidType::WinterSpring, &poor, Some(&hit)).unwrap();
        assert_eq!(got.amount_fen, Fen(3 * 13_000));
        assert!(got.priority);
        let crops = DamageFacts { crop_total_loss: true, ..hit.clone() };
        assert!(flood(AidType::WinterSpring, &general, Some(&crops)).is_ok());
        let missing = DamageFacts { missing: 1, ..hit };
        assert!(flood(AidType::WinterSpring, &general, Some(&missing)).is_ok());
    }

    #[test]
    fn priority_groups() {
        assert!(!is_priority(&household(HouseholdType::General, 1)));
        for kind in [HouseholdType::Dibao, HouseholdType::Tekun, HouseholdType::Youfu, HouseholdType::Disabled] {
            assert!(is_priority(&household(kind, 1)), "{kind:?}");
        }
        let disabled_member = HouseholdFacts { disabled_member: true, ..household(HouseholdType::General, 2) };
        assert!(is_priority(&disabled_member));
        let enrolled = HouseholdFacts { programmes: [Programme::Dibao].into(), ..household(HouseholdType::General, 2) };
        assert!(is_priority(&enrolled));
        let medical =
            HouseholdFacts { programmes: [Programme::Medical].into(), ..household(HouseholdType::General, 2) };
        assert!(!is_priority(&medical));
        let mut keys =
            [order_key(false, "360425100", 1), order_key(true, "360425200", 9), order_key(true, "360425100", 5)];
        keys.sort();
        assert_eq!(keys.map(|k| k.2), [5, 9, 1], "priority first, then area, then household");
    }

    #[test]
    fn changed_standards_change_the_amounts() {
        let h = household(HouseholdType::General, 2);
        let raised = Standards::with_stored([("winter_spring_per_person".to_owned(), 150 * 100)]);
        let hit = DamageFacts { crop_total_loss: true, ..damage(HouseDamage::None) };
        assert_eq!(
            assess(&raised, AidType::WinterSpring, Hazard::Flood, &h, Some(&hit)).unwrap().amount_fen,
            Fen(2 * 15_000)
        );
        let by_room = Standards::with_stored([("rebuild_per_room".to_owned(), 5_000 * 100)]);
        let got = assess(&by_room, AidType::Reconstruction, Hazard::Flood, &h, Some(&damage(HouseDamage::Collapsed)))
            .unwrap();
        assert_eq!((got.amount_fen, got.reason.as_str()), (Fen(1_500_000), "倒塌3间，每间¥5000"));
    }

    #[test]
    fn a_damage_record_fits_its_grade_and_its_household() {
        let input = |house_damage, damaged_rooms, dead| DamageInput {
            household_id: 1,
            house_damage,
            damaged_rooms,
            transitional_persons: 0,
            emergency_persons: 0,
            drought_persons: 0,
            crop_total_loss: false,
            dead,
            missing: 0,
            injured: 0,
            has_other_home: false,
            exclusions: vec![],
        };
        let fields = |problems: Vec<FieldError>| problems.into_iter().map(|p| p.field).collect::<Vec<_>>();
        assert!(check_damage(&input(HouseDamage::Severe, 2, 0), 3).is_empty());
        assert_eq!(fields(check_damage(&input(HouseDamage::None, 2, 0), 3)), ["damaged_rooms"]);
        assert_eq!(fields(check_damage(&input(HouseDamage::Collapsed, 0, 0), 3)), ["damaged_rooms"]);
        assert_eq!(fields(check_damage(&input(HouseDamage::General, 1, 4), 3)), ["dead"]);
        assert_eq!(fields(check_damage(&input(HouseDamage::General, -1, 0), 3)), ["damaged_rooms"]);
        let crowd =
            DamageInput { emergency_persons: 4, drought_persons: 4, injured: 4, ..input(HouseDamage::General, 1, 0) };
        assert_eq!(fields(check_damage(&crowd, 3)), ["emergency_persons", "drought_persons", "injured"]);
    }
}
