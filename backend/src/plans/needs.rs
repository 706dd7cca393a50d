//! What each area needs, per item: the people (or households) to serve under an aid type, from
//! the best figures of the areas that reported them, times the item norms (pure, no I/O).

use std::collections::HashMap;

use crate::areas::AreaCode;
use crate::areas::code;
use crate::depots::{MaterialAidType, Norm, NormBasis};
use crate::disasters::{Figures, Indicator};

/// An area to deliver to, with how many people it counts under one aid type.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandPoint {
    pub area_code: AreaCode,
    pub lon: f64,
    pub lat: f64,
    pub persons: i64,
    /// Higher tiers are served first: 4 for a Ⅰ-level response … 1 for Ⅳ, 0 without one.
    pub tier: u8,
}

/// The figure that counts the people to serve: emergency aid goes to those needing emergency
/// living aid (else the relocated); transitional aid to those needing transitional aid.
/// Winter–spring need is surveyed household by household later in the year; until household
/// records carry it, the transitional-aid figure stands in for it.
pub fn basis_indicators(aid: MaterialAidType) -> &'static [Indicator] {
    match aid {
        MaterialAidType::Emergency => &[Indicator::NeedingEmergencyAid, Indicator::Relocated],
        MaterialAidType::Transitional | MaterialAidType::WinterSpring => &[Indicator::NeedingTransitionalAid],
    }
}

fn persons(figures: &Figures, aid: MaterialAidType) -> Option<i64> {
    basis_indicators(aid).iter().find_map(|i| figures.get(i).copied())
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
    let mut result: Vec<DemandPoint> = lowest_reporting(own_figures, |f| persons(f, aid).is_some_and(|p| p > 0))
        .into_iter()
        .filter_map(|area| {
            let persons = persons(&own_figures[area], aid)?;
            let (lon, lat) = *points.get(area)?;
            let level =
                levels.iter().filter(|(c, l)| l.is_some() && code::within(c, area)).filter_map(|(_, l)| *l).min();
            Some(DemandPoint { area_code: area.clone(), lon, lat, persons, tier: level.map_or(0, |l| (5 - l) as u8) })
        })
        .collect();
    result.sort_by(|a, b| a.area_code.cmp(&b.area_code));
    result
}

/// The lowest areas whose own figures `count` (a county's own total does not add to the
/// townships that report below it), in code order.
pub fn lowest_reporting(own_figures: &HashMap<AreaCode, Figures>, count: impl Fn(&Figures) -> bool) -> Vec<&AreaCode> {
    let reporting: Vec<&AreaCode> = own_figures.iter().filter(|(_, f)| count(f)).map(|(code, _)| code).collect();
    let mut lowest: Vec<&AreaCode> = reporting
        .iter()
        .copied()
        .filter(|area| !reporting.iter().any(|other| other != area && code::within(area, other)))
        .collect();
    lowest.sort();
    lowest
}

/// Units of an item a demand point needs under a norm, rounded up (nobody is left a fraction short).
pub fn item_demand(norm: &Norm, persons: i64, persons_per_household: f64) -> i64 {
    let basis = match norm.basis {
        NormBasis::Person => persons,
        NormBasis::Household => (persons as f64 / persons_per_household).ceil() as i64,
    };
    (basis * norm.per_thousand + 999) / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
