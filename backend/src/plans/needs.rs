//! What each area needs, per item: the people (or households) to serve under an aid type, from
//! the best figures of the areas that reported them, times the item norms (pure, no I/O).

use std::collections::{HashMap, HashSet};

use super::{Counted, Survey, SurveyedNeed};
use crate::areas::AreaCode;
use crate::depots::{MaterialAidType, Norm};
use crate::disasters::{Figures, Indicator};

/// An area to deliver to, with how many people it counts under one aid type.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandPoint {
    pub area_code: AreaCode,
    pub lon: f64,
    pub lat: f64,
    pub persons: i64,
    /// What counted `persons`.
    pub indicator: Counted,
    /// People in central shelters (集中安置), where the area reported the shelter split.
    pub sheltered: Option<i64>,
    /// Higher tiers are served first: 4 for a Ⅰ-level response … 1 for Ⅳ, 0 without one.
    pub tier: u8,
}

/// The figure that counts the people to serve: emergency aid goes to those needing emergency
/// living aid (else the relocated); transitional aid to those needing transitional aid.
/// Winter–spring need is counted by no reported figure: a campaign surveys it ([`surveyed_points`]).
pub fn basis_indicators(aid: MaterialAidType) -> &'static [Indicator] {
    match aid {
        MaterialAidType::Emergency => &[Indicator::NeedingEmergencyAid, Indicator::Relocated],
        MaterialAidType::Transitional => &[Indicator::NeedingTransitionalAid],
        MaterialAidType::WinterSpring => &[],
    }
}

/// The tier of an area: from the most severe response level in force over it (Ⅰ = 1 → tier 4).
fn tier(area: &AreaCode, levels: &HashMap<AreaCode, Option<i64>>) -> u8 {
    let level = std::iter::successors(Some(area.clone()), AreaCode::parent)
        .filter_map(|a| levels.get(&a).copied().flatten())
        .min();
    level.map_or(0, |l| (5 - l) as u8)
}

/// Demand points of a winter–spring campaign's surveyed need: each area its need records lie in,
/// with the persons needing aid there.
pub fn surveyed_points(
    need: &SurveyedNeed,
    points: &HashMap<AreaCode, (f64, f64)>,
    levels: &HashMap<AreaCode, Option<i64>>,
) -> Vec<DemandPoint> {
    need.areas
        .iter()
        .filter_map(|(area, classes)| {
            let (lon, lat) = *points.get(area)?;
            Some(DemandPoint {
                area_code: area.clone(),
                lon,
                lat,
                persons: classes.values().sum(),
                indicator: Counted::Survey(Survey::WinterSpringNeed),
                sheltered: None,
                tier: tier(area, levels),
            })
        })
        .filter(|p| p.persons > 0)
        .collect()
}

fn persons(figures: &Figures, aid: MaterialAidType) -> Option<(Indicator, i64)> {
    basis_indicators(aid).iter().find_map(|i| figures.get(i).map(|p| (*i, *p)))
}

/// Demand points: the lowest areas that reported a basis figure (a county's own total does not
/// add to the townships that report below it). `points` gives each area's location; `levels`
/// the response level of each area (the county's level sets the tier of its townships).
pub fn demand_points(
    aid: MaterialAidType,
    own_figures: &HashMap<AreaCode, Figures>,
    points: &HashMap<AreaCode, (f64, f64)>,
    levels: &HashMap<AreaCode, Option<i64>>,
) -> Vec<DemandPoint> {
    let mut result: Vec<DemandPoint> = lowest_reporting(own_figures, |f| persons(f, aid).is_some_and(|(_, p)| p > 0))
        .into_iter()
        .filter_map(|area| {
            let figures = &own_figures[area];
            let (indicator, persons) = persons(figures, aid)?;
            let (lon, lat) = *points.get(area)?;
            Some(DemandPoint {
                area_code: area.clone(),
                lon,
                lat,
                persons,
                indicator: Counted::Figure(indicator),
                // Only emergency aid follows the shelter split; later aid serves people by need.
                sheltered: (aid == MaterialAidType::Emergency)
                    .then(|| figures.get(&Indicator::RelocatedCentral).copied())
                    .flatten(),
                tier: tier(area, levels),
            })
        })
        .collect();
    result.sort_by(|a, b| a.area_code.cmp(&b.area_code));
    result
}

/// The lowest areas whose own figures `count` (a county's own total does not add to the
/// townships that report below it), in code order.
pub fn lowest_reporting(own_figures: &HashMap<AreaCode, Figures>, count: impl Fn(&Figures) -> bool) -> Vec<&AreaCode> {
    let reporting: Vec<&AreaCode> = own_figures.iter().filter(|(_, f)| count(f)).map(|(code, _)| code).collect();
    // Every area above a reporting one; a city's villages make this linear where comparing pairs is not.
    let above: HashSet<AreaCode> =
        reporting.iter().flat_map(|area| std::iter::successors(area.parent(), AreaCode::parent)).collect();
    let mut lowest: Vec<&AreaCode> = reporting.into_iter().filter(|area| !above.contains(*area)).collect();
    lowest.sort();
    lowest
}

/// The people a norm counts at a demand point, and the figure they come from: shelter items go
/// to the people in central shelters where the area reported the split (people staying with
/// relatives need no tent); without the split, to everyone the aid serves.
pub fn norm_persons(norm: &Norm, point: &DemandPoint) -> (Counted, i64) {
    match point.sheltered {
        Some(sheltered) if norm.basis.sheltered() => (Counted::Figure(Indicator::RelocatedCentral), sheltered.max(0)),
        _ => (point.indicator, point.persons),
    }
}

/// Units of an item `persons` need under a norm, rounded up (nobody is left a fraction short).
pub fn item_demand(norm: &Norm, persons: i64, persons_per_household: f64) -> i64 {
    let basis =
        if norm.basis.per_household() { (persons as f64 / persons_per_household).ceil() as i64 } else { persons };
    (basis * norm.per_thousand + 999) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::depots::NormBasis;

    fn figures(pairs: &[(Indicator, i64)]) -> Figures {
        pairs.iter().copied().collect()
    }

    #[test]
    fn the_lowest_reporting_areas_are_the_demand_points() {
        let own: HashMap<AreaCode, Figures> = [
            ("360425", figures(&[(Indicator::NeedingEmergencyAid, 900)])),
            ("360425100", figures(&[(Indicator::NeedingEmergencyAid, 500)])),
            ("360425101", figures(&[(Indicator::Relocated, 300)])),
            ("360428", figures(&[(Indicator::Relocated, 200)])),
            ("360429", figures(&[(Indicator::Affected, 200)])),
        ]
        .into_iter()
        .map(|(c, f)| (AreaCode::from(c), f))
        .collect();
        let points = own.keys().map(|c| (c.clone(), (116.0, 29.0))).collect();
        let levels = [("360425".into(), Some(1)), ("360428".into(), None)].into_iter().collect();
        let result = demand_points(MaterialAidType::Emergency, &own, &points, &levels);
        let summary: Vec<(&str, i64, u8)> = result.iter().map(|p| (p.area_code.as_str(), p.persons, p.tier)).collect();
        assert_eq!(summary, [("360425100", 500, 4), ("360425101", 300, 4), ("360428", 200, 0)]);
        assert_eq!(
            result[1].indicator,
            Counted::Figure(Indicator::Relocated),
            "the relocated stand in where need is not reported"
        );
        assert!(demand_points(MaterialAidType::Transitional, &own, &points, &levels).is_empty());
    }

    #[test]
    fn demand_rounds_up_per_norm() {
        let per_person = Norm { basis: NormBasis::Person, per_thousand: 1800 };
        assert_eq!(item_demand(&per_person, 10, 3.0), 18);
        assert_eq!(item_demand(&per_person, 1, 3.0), 2);
        let per_household = Norm { basis: NormBasis::Household, per_thousand: 1000 };
        assert_eq!(item_demand(&per_household, 10, 3.15), 4);
        assert_eq!(item_demand(&Norm { basis: NormBasis::Person, per_thousand: 10 }, 150, 3.0), 2);
    }

    #[test]
    fn shelter_items_go_to_the_people_in_central_shelters() {
        let point = |sheltered| DemandPoint {
            area_code: "360425100".into(),
            lon: 116.0,
            lat: 29.0,
            persons: 900,
            indicator: Counted::Figure(Indicator::NeedingEmergencyAid),
            sheltered,
            tier: 0,
        };
        let tent = Norm { basis: NormBasis::ShelteredHousehold, per_thousand: 1000 };
        let lamp = Norm { basis: NormBasis::Household, per_thousand: 1000 };
        assert_eq!(norm_persons(&tent, &point(Some(300))), (Counted::Figure(Indicator::RelocatedCentral), 300));
        assert_eq!(item_demand(&tent, 300, 3.0), 100, "tents for the 100 sheltered households, not 300");
        assert_eq!(norm_persons(&lamp, &point(Some(300))), (Counted::Figure(Indicator::NeedingEmergencyAid), 900));
        assert_eq!(
            norm_persons(&tent, &point(None)),
            (Counted::Figure(Indicator::NeedingEmergencyAid), 900),
            "without the split, everyone in need"
        );
    }
}
