//! The relief standards, the cost split and the funds plan — pure functions, integer fen.
//!
//! Every amount the product pays comes from [`Standards`]: the defaults below are the central
//! allocation bases and the Jiangxi cost split of docs/domain/relief-standards.md; an admin changes them
//! through `POST /api/v1/standards` and the stored values override the defaults.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AidType, HardshipClass, ResponseScope, SourceLevel};
use crate::areas::AreaCode;
use crate::areas::code;
use crate::disasters::{Figures, Indicator};
use crate::error::FieldError;
use crate::money::Fen;
use crate::said;

/// One adjustable number of the relief rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StandardKey {
    EmergencyPerPerson,
    BereavementPerDeath,
    TransitionalPerPersonDay,
    TransitionalDays,
    ReconstructionCollapsedOrSevere,
    ReconstructionGeneral,
    /// 0 = not used; otherwise rebuild money goes by room, capped at the household amount.
    RebuildPerRoom,
    /// 0 = not used; otherwise repair money goes by room, capped at the household amount.
    RepairPerRoom,
    WinterSpringPerPerson,
    /// Weights of the winter–spring per-person amount by hardship class (basis points: 15000 = 150%).
    WinterSpringWeightClassOne,
    WinterSpringWeightClassTwo,
    WinterSpringWeightClassThree,
    DroughtPerPerson,
    SplitNationalCentral,
    SplitNationalProvince,
    SplitNationalCity,
    SplitNationalCounty,
    SplitProvincialProvince,
    SplitProvincialCity,
    SplitProvincialCounty,
    SplitLocalCity,
    SplitLocalCounty,
}

/// What a standard's number means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    FenPerPerson,
    FenPerDeath,
    FenPerPersonDay,
    Days,
    FenPerHousehold,
    FenPerRoom,
    /// Hundredths of a percent: 7000 = 70%.
    BasisPoints,
}

impl StandardKey {
    pub const ALL: [StandardKey; 22] = [
        Self::EmergencyPerPerson,
        Self::BereavementPerDeath,
        Self::TransitionalPerPersonDay,
        Self::TransitionalDays,
        Self::ReconstructionCollapsedOrSevere,
        Self::ReconstructionGeneral,
        Self::RebuildPerRoom,
        Self::RepairPerRoom,
        Self::WinterSpringPerPerson,
        Self::WinterSpringWeightClassOne,
        Self::WinterSpringWeightClassTwo,
        Self::WinterSpringWeightClassThree,
        Self::DroughtPerPerson,
        Self::SplitNationalCentral,
        Self::SplitNationalProvince,
        Self::SplitNationalCity,
        Self::SplitNationalCounty,
        Self::SplitProvincialProvince,
        Self::SplitProvincialCity,
        Self::SplitProvincialCounty,
        Self::SplitLocalCity,
        Self::SplitLocalCounty,
    ];

    /// A weight on an amount (may exceed 100%), not a share of one.
    pub fn is_weight(self) -> bool {
        matches!(
            self,
            Self::WinterSpringWeightClassOne | Self::WinterSpringWeightClassTwo | Self::WinterSpringWeightClassThree
        )
    }

    /// Default value, unit and source.
    pub fn definition(self) -> (i64, Unit, &'static str) {
        use StandardKey as K;
        use Unit as U;
        match self {
            K::EmergencyPerPerson => {
                (300 * 100, U::FenPerPerson, "灾害应急救助 ¥300 per person (central allocation basis)")
            }
            K::BereavementPerDeath => {
                (10_000 * 100, U::FenPerDeath, "遇难人员家属抚慰 ¥10,000 per dead or missing person")
            }
            K::TransitionalPerPersonDay => (20 * 100, U::FenPerPersonDay, "过渡期生活救助 ¥20 per person per day"),
            K::TransitionalDays => (90, U::Days, "过渡期生活救助 for 3 months"),
            K::ReconstructionCollapsedOrSevere => (
                20_000 * 100,
                U::FenPerHousehold,
                "倒损住房恢复重建 ¥20,000 per household collapsed or severely damaged",
            ),
            K::ReconstructionGeneral => (2_000 * 100, U::FenPerHousehold, "一般损坏 ¥2,000 per household"),
            K::RebuildPerRoom => (0, U::FenPerRoom, "by room instead (Chongqing ¥5,000 per room); 0 = by household"),
            K::RepairPerRoom => {
                (0, U::FenPerRoom, "repair by room instead (Ningxia ¥2,000 per room); 0 = by household")
            }
            K::WinterSpringPerPerson => (130 * 100, U::FenPerPerson, "冬春临时生活困难救助 ¥130 per person"),
            K::WinterSpringWeightClassOne => {
                (15_000, U::BasisPoints, "冬春 一类 (特困, orphans) 150% of the per-person amount (illustrative)")
            }
            K::WinterSpringWeightClassTwo => (
                12_000,
                U::BasisPoints,
                "冬春 二类 (低保, serious hardship) 120% of the per-person amount (illustrative)",
            ),
            K::WinterSpringWeightClassThree => {
                (10_000, U::BasisPoints, "冬春 三类 (other hardship) 100%: at least the per-person amount")
            }
            K::DroughtPerPerson => (60 * 100, U::FenPerPerson, "旱灾临时生活困难救助 ¥60 per person"),
            K::SplitNationalCentral => (7000, U::BasisPoints, "national response: central 70%"),
            K::SplitNationalProvince => (1500, U::BasisPoints, "national response: province 15%"),
            K::SplitNationalCity => (500, U::BasisPoints, "national response: city 5%"),
            K::SplitNationalCounty => (1000, U::BasisPoints, "national response: county 10%"),
            K::SplitProvincialProvince => (5000, U::BasisPoints, "provincial response: province 50%"),
            K::SplitProvincialCity => (2000, U::BasisPoints, "provincial response: city 20%"),
            K::SplitProvincialCounty => (3000, U::BasisPoints, "provincial response: county 30%"),
            K::SplitLocalCity => {
                (3000, U::BasisPoints, "ordinary disaster, mainly local finance: city 30% (illustrative)")
            }
            K::SplitLocalCounty => {
                (7000, U::BasisPoints, "ordinary disaster, mainly local finance: county 70% (illustrative)")
            }
        }
    }
}

/// The standards in force: the defaults with the stored values over them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standards(BTreeMap<StandardKey, i64>);

impl Default for Standards {
    fn default() -> Self {
        Self(StandardKey::ALL.iter().map(|k| (*k, k.definition().0)).collect())
    }
}

impl Standards {
    /// The defaults overridden by stored `(key, value)` rows; rows of keys no longer known are ignored.
    pub fn with_stored(rows: impl IntoIterator<Item = (String, i64)>) -> Self {
        let mut standards = Self::default();
        for (key, value) in rows {
            if let Ok(key) = crate::text_enum::parse_enum::<StandardKey>(key) {
                standards.0.insert(key, value);
            }
        }
        standards
    }

    pub fn get(&self, key: StandardKey) -> i64 {
        self.0[&key]
    }

    /// A standard that is an amount of money (its unit is fen).
    pub fn fen(&self, key: StandardKey) -> Fen {
        Fen(self.get(key))
    }

    pub fn iter(&self) -> impl Iterator<Item = (StandardKey, i64)> + '_ {
        self.0.iter().map(|(k, v)| (*k, *v))
    }

    /// Applies changes, all or none: known keys, no negative amounts, and every cost split still
    /// adding up to 100%.
    pub fn changed(&self, changes: &[(String, i64)]) -> Result<Standards, Vec<FieldError>> {
        let mut next = self.clone();
        let mut problems = Vec::new();
        for (key, value) in changes {
            let mut refused = |said| problems.push(FieldError::new(key.clone(), said));
            match crate::text_enum::parse_enum::<StandardKey>(key.clone()) {
                Err(_) => refused(said!("standard_unknown", "not a relief standard")),
                Ok(_) if *value < 0 => refused(said!("negative", "cannot be negative")),
                Ok(k) if k.is_weight() && *value > 100_000 => {
                    refused(said!("weight_max", "a weight is at most 100000 (1000%)"))
                }
                Ok(k) if !k.is_weight() && k.definition().1 == Unit::BasisPoints && *value > 10_000 => {
                    refused(said!("share_max", "a share is at most 10000 (100%)"))
                }
                Ok(k) if k == StandardKey::TransitionalDays && *value > 366 => {
                    refused(said!("days_max", "at most {max} days", max = 366))
                }
                Ok(k) => {
                    next.0.insert(k, *value);
                }
            }
        }
        for scope in [ResponseScope::National, ResponseScope::Provincial, ResponseScope::Local] {
            let total: i64 = next.split(scope).iter().map(|(_, bp)| bp).sum();
            if total != 10_000 {
                problems.push(FieldError::new(
                    format!("split_{}", crate::text_enum::enum_text(scope)),
                    said!(
                        "split_total",
                        "the shares of a cost split must add up to 10000 (100%), these add up to {total}",
                        total = total
                    ),
                ));
            }
        }
        if problems.is_empty() { Ok(next) } else { Err(problems) }
    }

    /// Each level's share of the money in basis points, for one response scope (levels without a
    /// share are left out).
    pub fn split(&self, scope: ResponseScope) -> Vec<(SourceLevel, i64)> {
        use SourceLevel as L;
        use StandardKey as K;
        let keys: &[(SourceLevel, StandardKey)] = match scope {
            ResponseScope::National => &[
                (L::Central, K::SplitNationalCentral),
                (L::Province, K::SplitNationalProvince),
                (L::City, K::SplitNationalCity),
                (L::County, K::SplitNationalCounty),
            ],
            ResponseScope::Provincial => &[
                (L::Province, K::SplitProvincialProvince),
                (L::City, K::SplitProvincialCity),
                (L::County, K::SplitProvincialCounty),
            ],
            ResponseScope::Local => &[(L::City, K::SplitLocalCity), (L::County, K::SplitLocalCounty)],
        };
        keys.iter().map(|(level, key)| (*level, self.get(*key))).filter(|(_, bp)| *bp > 0).collect()
    }
}

// ---- the funds plan --------------------------------------------------------------------------

/// One term of an area's entitlement: count × rate (× days).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BasisLine {
    pub standard: StandardKey,
    /// The figure it counts (people, households, rooms, dead and missing).
    pub indicator: String,
    pub count: i64,
    #[schema(value_type = i64)]
    pub rate_fen: Fen,
    #[schema(value_type = i64)]
    pub amount_fen: Fen,
}

/// One level's part of an area's money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LevelShare {
    pub level: SourceLevel,
    #[schema(value_type = i64)]
    pub entitled_fen: Fen,
    #[schema(value_type = i64)]
    pub allocated_fen: Fen,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AreaFunds {
    pub area_code: AreaCode,
    /// Whose cost split this area's money follows.
    pub response_scope: ResponseScope,
    pub basis: Vec<BasisLine>,
    #[schema(value_type = i64)]
    pub entitled_fen: Fen,
    #[schema(value_type = i64)]
    pub allocated_fen: Fen,
    pub fill_rate: f64,
    pub shares: Vec<LevelShare>,
}

/// What one level owes in all, what its pools hold, and what it pays; scaled when short.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LevelBudget {
    pub level: SourceLevel,
    /// The level's share of the plan's whole entitlement, in basis points (its split's share
    /// when every area follows one split).
    pub basis_points: i64,
    #[schema(value_type = i64)]
    pub required_fen: Fen,
    #[schema(value_type = i64)]
    pub available_fen: Fen,
    #[schema(value_type = i64)]
    pub allocated_fen: Fen,
    /// allocated ÷ required: 1 unless the pools are short, then every area's share of this level
    /// is cut by the same factor.
    pub scale: f64,
    pub scaled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FundsPlan {
    /// The most senior split any area took.
    pub response_scope: ResponseScope,
    pub areas: Vec<AreaFunds>,
    pub levels: Vec<LevelBudget>,
    #[schema(value_type = i64)]
    pub entitled_fen: Fen,
    #[schema(value_type = i64)]
    pub allocated_fen: Fen,
}

/// Plans stored before each area recorded its own split followed one split for all: their areas
/// take the plan's.
impl<'de> Deserialize<'de> for FundsPlan {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        struct Stored {
            response_scope: ResponseScope,
            areas: Vec<serde_json::Value>,
            levels: Vec<LevelBudget>,
            entitled_fen: Fen,
            allocated_fen: Fen,
        }
        let stored = Stored::deserialize(deserializer)?;
        let scope = serde_json::to_value(stored.response_scope).map_err(D::Error::custom)?;
        let areas = stored
            .areas
            .into_iter()
            .map(|mut area| {
                if let serde_json::Value::Object(fields) = &mut area {
                    fields.entry("response_scope").or_insert_with(|| scope.clone());
                }
                serde_json::from_value(area).map_err(D::Error::custom)
            })
            .collect::<Result<_, _>>()?;
        Ok(FundsPlan {
            response_scope: stored.response_scope,
            areas,
            levels: stored.levels,
            entitled_fen: stored.entitled_fen,
            allocated_fen: stored.allocated_fen,
        })
    }
}

/// The figures that count an area's entitlement under an aid type (an area that reported none of
/// them gets nothing). Winter–spring need is counted by no reported figure: it is surveyed
/// household by household in a campaign ([`surveyed_entitlement`]).
pub fn basis_indicators(aid: AidType) -> &'static [Indicator] {
    match aid {
        AidType::Emergency => &[Indicator::NeedingEmergencyAid, Indicator::Relocated],
        AidType::Bereavement => &[Indicator::Dead, Indicator::Missing],
        AidType::Drought => &[Indicator::DroughtAidNeeded],
        AidType::Transitional => &[Indicator::NeedingTransitionalAid],
        AidType::WinterSpring => &[],
        AidType::Reconstruction => {
            &[Indicator::CollapsedHouseholds, Indicator::SevereHouseholds, Indicator::GeneralHouseholds]
        }
    }
}

/// What an area's figures entitle it to under an aid type, term by term.
pub fn entitlement(standards: &Standards, aid: AidType, figures: &Figures) -> Vec<BasisLine> {
    use Indicator as I;
    use StandardKey as K;
    let figure = |i: Indicator| figures.get(&i).copied().unwrap_or(0).max(0);
    let line = |standard: StandardKey, indicator: &str, count: i64, rate_fen: i64, amount_fen: i64| BasisLine {
        standard,
        indicator: indicator.to_owned(),
        count,
        rate_fen: Fen(rate_fen),
        amount_fen: Fen(amount_fen),
    };
    let mut lines = Vec::new();
    match aid {
        AidType::Emergency => {
            let (indicator, persons) = match figures.get(&I::NeedingEmergencyAid) {
                Some(p) => (I::NeedingEmergencyAid, (*p).max(0)),
                None => (I::Relocated, figure(I::Relocated)),
            };
            let rate = standards.get(K::EmergencyPerPerson);
            lines.push(line(K::EmergencyPerPerson, &indicator.name(), persons, rate, persons * rate));
        }
        AidType::Bereavement => {
            let lost = figure(I::Dead) + figure(I::Missing);
            let rate = standards.get(K::BereavementPerDeath);
            lines.push(line(K::BereavementPerDeath, "dead+missing", lost, rate, lost * rate));
        }
        AidType::Drought => {
            let persons = figure(I::DroughtAidNeeded);
            let rate = standards.get(K::DroughtPerPerson);
            lines.push(line(K::DroughtPerPerson, &I::DroughtAidNeeded.name(), persons, rate, persons * rate));
        }
        AidType::Transitional => {
            let persons = figure(I::NeedingTransitionalAid);
            let (rate, days) = (standards.get(K::TransitionalPerPersonDay), standards.get(K::TransitionalDays));
            lines.push(line(
                K::TransitionalPerPersonDay,
                &I::NeedingTransitionalAid.name(),
                persons,
                rate * days,
                persons * rate * days,
            ));
        }
        // Surveyed, not reported: `surveyed_entitlement`.
        AidType::WinterSpring => {}
        AidType::Reconstruction => {
            lines.push(housing_aid(
                standards,
                true,
                figure(I::CollapsedHouseholds) + figure(I::SevereHouseholds),
                figure(I::CollapsedRooms) + figure(I::SevereRooms),
            ));
            lines.push(housing_aid(standards, false, figure(I::GeneralHouseholds), figure(I::GeneralRooms)));
        }
    }
    lines.retain(|l| l.count > 0);
    lines
}

/// The winter–spring amount per person of a hardship class: the per-person standard times the
/// class's weight, rounded to the fen.
pub fn winter_spring_rate(standards: &Standards, class: HardshipClass) -> Fen {
    let (per_person, weight) = (standards.get(StandardKey::WinterSpringPerPerson), standards.get(class.weight_key()));
    Fen((per_person * weight + 5_000) / 10_000)
}

/// What an area's surveyed winter–spring need entitles it to: per hardship class, the persons
/// needing aid times the class's rate.
pub fn surveyed_entitlement(standards: &Standards, persons: &BTreeMap<HardshipClass, i64>) -> Vec<BasisLine> {
    persons
        .iter()
        .filter(|(_, count)| **count > 0)
        .map(|(class, count)| {
            let rate = winter_spring_rate(standards, *class);
            BasisLine {
                standard: class.weight_key(),
                indicator: format!("winter_spring_need.{}", crate::text_enum::enum_text(*class)),
                count: *count,
                rate_fen: rate,
                amount_fen: rate.times(*count),
            }
        })
        .collect()
}

/// Rebuild money (houses collapsed or severely damaged) or repair money (general damage) for
/// `households` with `rooms` in all: by household, or by room where a per-room standard is set,
/// never more than the household amount would give.
pub fn housing_aid(standards: &Standards, rebuild: bool, households: i64, rooms: i64) -> BasisLine {
    let (household_key, room_key, indicator) = if rebuild {
        (StandardKey::ReconstructionCollapsedOrSevere, StandardKey::RebuildPerRoom, "collapsed+severe")
    } else {
        (StandardKey::ReconstructionGeneral, StandardKey::RepairPerRoom, "general")
    };
    let (per_household, per_room) = (standards.get(household_key), standards.get(room_key));
    let (standard, count, rate_fen, amount_fen) = if per_room > 0 {
        (room_key, rooms, per_room, (rooms * per_room).min(households * per_household))
    } else {
        (household_key, households, per_household, households * per_household)
    };
    BasisLine { standard, indicator: indicator.to_owned(), count, rate_fen: Fen(rate_fen), amount_fen: Fen(amount_fen) }
}

/// The money left for household grants in `area`: what disbursed funds plans gave the areas that
/// overlap it (within it, or containing it), less what the live grant lists of overlapping areas
/// already hold. `disbursed` and `held` are (area code, fen).
pub fn grant_budget(area: &str, disbursed: &[(AreaCode, Fen)], held: &[(AreaCode, Fen)]) -> Fen {
    let overlaps = |other: &str| code::within(area, other) || code::within(other, area);
    let money: Fen = disbursed.iter().filter(|(a, _)| overlaps(a)).map(|(_, fen)| fen).sum();
    let taken: Fen = held.iter().filter(|(a, _)| overlaps(a)).map(|(_, fen)| fen).sum();
    money - taken
}

/// Splits `total` over `weights` in proportion, in whole fen, summing exactly to `total`: each
/// gets the floor of its exact share, and the fen left over go to the largest remainders (ties
/// to the earlier entry), so the result is deterministic.
pub fn proportional(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<(i64, i128)> = weights
        .iter()
        .map(|w| {
            let numerator = i128::from(total) * i128::from(*w);
            ((numerator / sum) as i64, numerator % sum)
        })
        .collect();
    let mut result: Vec<i64> = exact.iter().map(|(floor, _)| *floor).collect();
    let left = total - result.iter().sum::<i64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| exact[*b].1.cmp(&exact[*a].1).then(a.cmp(b)));
    for index in order.into_iter().take(left as usize) {
        result[index] += 1;
    }
    result
}

/// The funds plan: each area's entitlement, split between the levels of its own response scope
/// (the split of the most senior authority whose response covers it); a level whose pools
/// (`available`) hold less than its areas' shares pays all it has, cut in proportion to the
/// shares. `areas` are (area code, its own best figures, its scope), in the order they are shown.
pub fn plan_funds(
    standards: &Standards,
    areas: &[(AreaCode, Vec<BasisLine>, ResponseScope)],
    available: &BTreeMap<SourceLevel, Fen>,
) -> FundsPlan {
    let mut result: Vec<AreaFunds> = areas
        .iter()
        .map(|(code, basis, scope)| {
            let split = standards.split(*scope);
            let basis = basis.clone();
            let entitled_fen: Fen = basis.iter().map(|b| b.amount_fen).sum();
            let bps: Vec<i64> = split.iter().map(|(_, bp)| *bp).collect();
            let shares = proportional(entitled_fen.0, &bps)
                .into_iter()
                .zip(&split)
                .map(|(fen, (level, _))| LevelShare { level: *level, entitled_fen: Fen(fen), allocated_fen: Fen(fen) })
                .collect();
            AreaFunds {
                area_code: code.clone(),
                response_scope: *scope,
                basis,
                entitled_fen,
                allocated_fen: entitled_fen,
                fill_rate: 1.0,
                shares,
            }
        })
        .filter(|a| a.entitled_fen > Fen::ZERO)
        .collect();
    let entitled_fen: Fen = result.iter().map(|a| a.entitled_fen).sum();
    let mut levels = Vec::new();
    for level in [SourceLevel::Central, SourceLevel::Province, SourceLevel::City, SourceLevel::County] {
        let share_of = |a: &AreaFunds| a.shares.iter().find(|s| s.level == level).map_or(Fen::ZERO, |s| s.entitled_fen);
        if !result.iter().any(|a| a.shares.iter().any(|s| s.level == level)) {
            continue;
        }
        let required_fen: Fen = result.iter().map(share_of).sum();
        let available_fen = available.get(&level).copied().unwrap_or_default().max(Fen::ZERO);
        let scaled = required_fen > available_fen;
        if scaled {
            let weights: Vec<i64> = result.iter().map(|a| share_of(a).0).collect();
            for (area, fen) in result.iter_mut().zip(proportional(available_fen.0, &weights)) {
                if let Some(share) = area.shares.iter_mut().find(|s| s.level == level) {
                    share.allocated_fen = Fen(fen);
                }
            }
        }
        let allocated_fen = required_fen.min(available_fen);
        levels.push(LevelBudget {
            level,
            basis_points: (required_fen.share_of(entitled_fen) * 10_000.0).round() as i64,
            required_fen,
            available_fen,
            allocated_fen,
            scale: allocated_fen.share_of(required_fen),
            scaled,
        });
    }
    for area in &mut result {
        area.allocated_fen = area.shares.iter().map(|s| s.allocated_fen).sum();
        area.fill_rate = area.allocated_fen.share_of(area.entitled_fen);
    }
    FundsPlan {
        response_scope: result.iter().map(|a| a.response_scope).min().unwrap_or(ResponseScope::Local),
        entitled_fen,
        allocated_fen: result.iter().map(|a| a.allocated_fen).sum(),
        areas: result,
        levels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(pairs: &[(Indicator, i64)]) -> Figures {
        pairs.iter().copied().collect()
    }

    #[test]
    fn the_defaults_are_the_documented_standards_and_splits_add_up() {
        let s = Standards::default();
        assert_eq!(s.get(StandardKey::EmergencyPerPerson), 30_000);
        assert_eq!(s.get(StandardKey::TransitionalDays), 90);
        for scope in [ResponseScope::National, ResponseScope::Provincial, ResponseScope::Local] {
            assert_eq!(s.split(scope).iter().map(|(_, bp)| bp).sum::<i64>(), 10_000, "{scope:?}");
        }
        assert_eq!(s.changed(&[]), Ok(s.clone()));
    }

    #[test]
    fn changes_are_checked_all_or_nothing() {
        let s = Standards::default();
        let raised = s.changed(&[("winter_spring_per_person".into(), 150 * 100)]).unwrap();
        assert_eq!(raised.get(StandardKey::WinterSpringPerPerson), 15_000);
        let problems = s.changed(&[("winter_spring_per_person".into(), 150 * 100), ("no_such".into(), 1)]).unwrap_err();
        assert_eq!(problems[0].field, "no_such");
        assert!(s.changed(&[("emergency_per_person".into(), -1)]).is_err());
        let unbalanced = s.changed(&[("split_national_central".into(), 8000)]).unwrap_err();
        assert_eq!(unbalanced[0].field, "split_national");
        let rebalanced =
            s.changed(&[("split_national_central".into(), 8000), ("split_national_county".into(), 0)]).unwrap();
        assert_eq!(rebalanced.split(ResponseScope::National).len(), 3, "a zero share drops the level");
        assert_eq!(
            Standards::with_stored([("emergency_per_person".into(), 1), ("gone".into(), 5)])
                .get(StandardKey::EmergencyPerPerson),
            1
        );
    }

    #[test]
    fn entitlements_follow_the_standards() {
        let s = Standards::default();
        let f = figures(&[
            (Indicator::NeedingEmergencyAid, 100),
            (Indicator::Relocated, 999),
            (Indicator::Dead, 1),
            (Indicator::Missing, 1),
        ]);
        let amounts = |aid| entitlement(&s, aid, &f).iter().map(|l| l.amount_fen).collect::<Vec<_>>();
        assert_eq!(amounts(AidType::Emergency), [Fen(100 * 30_000)], "persons needing emergency aid only");
        assert_eq!(amounts(AidType::Bereavement), [Fen(2 * 1_000_000)], "the dead and missing, as their own item");
        let dry = figures(&[(Indicator::DroughtAidNeeded, 40), (Indicator::Affected, 900)]);
        assert_eq!(entitlement(&s, AidType::Drought, &dry)[0].amount_fen, Fen(40 * 6_000));
        let relocated_only = entitlement(&s, AidType::Emergency, &figures(&[(Indicator::Relocated, 10)]));
        assert_eq!(relocated_only[0].amount_fen, Fen(300_000), "relocated people stand in for those needing aid");
        let transitional = entitlement(&s, AidType::Transitional, &figures(&[(Indicator::NeedingTransitionalAid, 3)]));
        assert_eq!(transitional[0].amount_fen, Fen(3 * 2_000 * 90));
        let houses = figures(&[
            (Indicator::CollapsedHouseholds, 2),
            (Indicator::SevereHouseholds, 1),
            (Indicator::CollapsedRooms, 7),
            (Indicator::SevereRooms, 2),
            (Indicator::GeneralHouseholds, 5),
        ]);
        let by_household = entitlement(&s, AidType::Reconstruction, &houses);
        assert_eq!(
            by_household.iter().map(|l| l.amount_fen).collect::<Vec<_>>(),
            [Fen(3 * 2_000_000), Fen(5 * 200_000)]
        );
        let by_room = Standards::with_stored([("rebuild_per_room".into(), 500_000)]);
        let lines = entitlement(&by_room, AidType::Reconstruction, &houses);
        assert_eq!(lines[0].amount_fen, Fen(4_500_000), "9 rooms × ¥5,000 under the 3 × ¥20,000 cap");
        let capped = entitlement(
            &Standards::with_stored([("rebuild_per_room".into(), 900_000)]),
            AidType::Reconstruction,
            &houses,
        );
        assert_eq!(capped[0].amount_fen, Fen(6_000_000), "9 rooms × ¥9,000 capped at 3 households × ¥20,000");
        assert!(entitlement(&s, AidType::WinterSpring, &figures(&[(Indicator::Affected, 100)])).is_empty());
    }

    /// Each area's entitlement from its figures, as the funds plan takes it.
    fn counted(
        s: &Standards,
        aid: AidType,
        areas: Vec<(AreaCode, Figures, ResponseScope)>,
    ) -> Vec<(AreaCode, Vec<BasisLine>, ResponseScope)> {
        areas.into_iter().map(|(code, f, scope)| (code, entitlement(s, aid, &f), scope)).collect()
    }

    #[test]
    fn winter_spring_money_follows_the_surveyed_persons_by_class() {
        let s = Standards::default();
        assert_eq!(winter_spring_rate(&s, HardshipClass::ClassOne), Fen(19_500), "¥130 × 150%");
        assert_eq!(winter_spring_rate(&s, HardshipClass::ClassThree), Fen(13_000));
        let persons =
            [(HardshipClass::ClassOne, 2), (HardshipClass::ClassTwo, 0), (HardshipClass::ClassThree, 5)].into();
        let lines = surveyed_entitlement(&s, &persons);
        assert_eq!(lines.len(), 2, "a class nobody is in adds no line");
        assert_eq!(lines.iter().map(|l| l.amount_fen).sum::<Fen>(), Fen(2 * 19_500 + 5 * 13_000));
        assert_eq!(lines[0].indicator, "winter_spring_need.class_one");
        let heavier = s.changed(&[("winter_spring_weight_class_one".into(), 20_000)]).unwrap();
        assert_eq!(
            winter_spring_rate(&heavier, HardshipClass::ClassOne),
            Fen(26_000),
            "a weight above 100% is allowed"
        );
        assert!(s.changed(&[("winter_spring_weight_class_one".into(), 100_001)]).is_err());
    }

    #[test]
    fn proportional_shares_sum_exactly_and_favour_larger_remainders() {
        assert_eq!(proportional(100, &[1, 1, 1]), [34, 33, 33]);
        assert_eq!(proportional(10, &[7000, 1500, 500, 1000]), [7, 2, 0, 1]);
        assert_eq!(proportional(0, &[5, 5]), [0, 0]);
        assert_eq!(proportional(7, &[0, 0]), [0, 0]);
        assert_eq!(proportional(i64::MAX / 2, &[i64::MAX / 4, i64::MAX / 4]).iter().sum::<i64>(), i64::MAX / 2);
    }

    #[test]
    fn a_short_level_is_scaled_in_proportion_and_shown() {
        let s = Standards::default();
        let areas = vec![
            ("360402".into(), figures(&[(Indicator::NeedingEmergencyAid, 1000)]), ResponseScope::Provincial),
            ("360403".into(), figures(&[(Indicator::NeedingEmergencyAid, 3000)]), ResponseScope::Provincial),
            ("360404".into(), figures(&[(Indicator::Affected, 3000)]), ResponseScope::Provincial),
        ];
        // 4,000 people × ¥300 = ¥1,200,000: province 50% = ¥600,000 but only ¥300,000 in its pools.
        let available = [
            (SourceLevel::Province, Fen(300_000 * 100)),
            (SourceLevel::City, Fen(10_000_000 * 100)),
            (SourceLevel::County, Fen(10_000_000 * 100)),
        ]
        .into();
        let plan = plan_funds(&s, &counted(&s, AidType::Emergency, areas), &available);
        assert_eq!(plan.areas.len(), 2, "an area with nothing to count is left out");
        assert_eq!(plan.entitled_fen, Fen(1_200_000 * 100));
        let province = &plan.levels[0];
        assert_eq!(
            (province.required_fen, province.allocated_fen, province.scaled),
            (Fen(600_000 * 100), Fen(300_000 * 100), true)
        );
        assert!((province.scale - 0.5).abs() < 1e-12);
        assert_eq!(plan.levels.iter().map(|l| l.basis_points).collect::<Vec<_>>(), [5000, 2000, 3000]);
        assert!(!plan.levels[1].scaled && !plan.levels[2].scaled);
        let first = &plan.areas[0];
        assert_eq!(
            first.shares[0],
            LevelShare {
                level: SourceLevel::Province,
                entitled_fen: Fen(150_000 * 100),
                allocated_fen: Fen(75_000 * 100)
            }
        );
        assert_eq!(first.allocated_fen, Fen(300_000 * 100 - 75_000 * 100));
        assert!((first.fill_rate - 0.75).abs() < 1e-12, "both areas lose the same fraction");
        assert!((plan.areas[1].fill_rate - 0.75).abs() < 1e-12);
        assert_eq!(plan.allocated_fen, plan.areas.iter().map(|a| a.allocated_fen).sum::<Fen>());
        assert_eq!(plan.allocated_fen, Fen(900_000 * 100));
    }

    #[test]
    fn each_area_follows_the_split_of_its_own_response() {
        // 永修 is under a provincial response, 都昌 under none: the province pays half of 永修's
        // money and nothing of 都昌's.
        let need = figures(&[(Indicator::NeedingEmergencyAid, 100)]);
        let areas = vec![
            ("360425".into(), need.clone(), ResponseScope::Provincial),
            ("360428".into(), need, ResponseScope::Local),
        ];
        let s = Standards::default();
        let plan = plan_funds(&s, &counted(&s, AidType::Emergency, areas), &BTreeMap::new());
        let levels: Vec<(SourceLevel, Fen)> = plan.levels.iter().map(|l| (l.level, l.required_fen)).collect();
        let fen = |yuan: i64| Fen(yuan * 100);
        assert_eq!(
            levels,
            [
                (SourceLevel::Province, fen(15_000)),
                (SourceLevel::City, fen(6_000 + 9_000)),
                (SourceLevel::County, fen(9_000 + 21_000))
            ]
        );
        assert_eq!(plan.response_scope, ResponseScope::Provincial, "the most senior split any area took");
        assert_eq!(plan.areas[1].response_scope, ResponseScope::Local);
    }

    #[test]
    fn a_plan_stored_before_areas_kept_their_split_reads_with_the_plans() {
        let s = Standards::default();
        let areas = vec![("360425".into(), figures(&[(Indicator::NeedingEmergencyAid, 10)]), ResponseScope::National)];
        let mut stored =
            serde_json::to_value(plan_funds(&s, &counted(&s, AidType::Emergency, areas), &BTreeMap::new())).unwrap();
        stored["areas"][0].as_object_mut().unwrap().remove("response_scope");
        let read: FundsPlan = serde_json::from_value(stored).unwrap();
        assert_eq!(read.areas[0].response_scope, ResponseScope::National);
    }

    #[test]
    fn grant_budgets_count_overlapping_areas_only() {
        let fen = |pairs: &[(&str, i64)]| pairs.iter().map(|(a, f)| (AreaCode::from(*a), Fen(*f))).collect::<Vec<_>>();
        let disbursed = fen(&[("360425100", 500), ("360425101", 300), ("360428", 1000)]);
        let held = fen(&[("360425100", 200), ("360428100", 50)]);
        assert_eq!(grant_budget("360425", &disbursed, &held), Fen(800 - 200), "a county counts its townships");
        assert_eq!(grant_budget("360425101", &disbursed, &held), Fen(300));
        assert_eq!(grant_budget("360428100", &disbursed, &held), Fen(1000 - 50), "a township inside a funded county");
        assert_eq!(grant_budget("360400", &disbursed, &held), Fen(1800 - 250));
    }

    #[test]
    fn a_level_without_pools_pays_nothing_and_says_so() {
        let areas = vec![("360402".into(), figures(&[(Indicator::NeedingTransitionalAid, 10)]), ResponseScope::Local)];
        let s = Standards::default();
        let plan = plan_funds(&s, &counted(&s, AidType::Transitional, areas), &BTreeMap::new());
        assert_eq!(plan.allocated_fen, Fen(0));
        assert!(plan.levels.iter().all(|l| l.scaled && l.available_fen == Fen::ZERO));
        assert_eq!(plan.areas[0].fill_rate, 0.0);
    }
}
