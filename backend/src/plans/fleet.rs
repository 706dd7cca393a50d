//! A depot's trucks across a plan's items (docs/domain/planning.md#trucks): what a load weighs and
//! takes up, how many units of an item still fit, and what a plan loads onto each depot's trucks.
//! Pure: the service plans and checks with these.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::PlanLine;
use crate::depots::{Depot, Fleet, Item};

/// Weight and volume, in grams and dm³ (the catalogue's units, so sums stay whole).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Load {
    pub grams: i64,
    pub dm3: i64,
}

impl Load {
    /// What `quantity` units of `item` weigh and take up.
    pub fn of(item: &Item, quantity: i64) -> Self {
        Self { grams: item.unit_weight_g * quantity, dm3: item.unit_volume_dm3 * quantity }
    }

    /// What all the trucks of `fleet` carry in all their trips.
    pub fn carried_by(fleet: &Fleet) -> Self {
        let truckloads = fleet.trucks * fleet.trips;
        Self { grams: truckloads * fleet.load_kg * 1_000, dm3: truckloads * fleet.load_m3 * 1_000 }
    }

    pub fn add(&mut self, other: Self) {
        self.grams += other.grams;
        self.dm3 += other.dm3;
    }

    /// The room left in `self` after `taken` (never below nothing).
    pub fn less(self, taken: Self) -> Self {
        Self { grams: (self.grams - taken.grams).max(0), dm3: (self.dm3 - taken.dm3).max(0) }
    }

    pub fn fits_in(self, room: Self) -> bool {
        self.grams <= room.grams && self.dm3 <= room.dm3
    }

    /// Whole units of `item` that fit in this room; an item without weight or volume is not held
    /// back by that measure.
    pub fn units_of(self, item: &Item) -> i64 {
        let fitting = |room: i64, unit: i64| if unit > 0 { room / unit } else { i64::MAX };
        fitting(self.grams, item.unit_weight_g).min(fitting(self.dm3, item.unit_volume_dm3))
    }

    /// Trucks of `fleet` this load needs, each making its trips: the truckloads it fills, by
    /// weight or by volume, whichever needs more, over the trips a truck makes.
    pub fn trucks(self, fleet: &Fleet) -> i64 {
        let truckload = Self::carried_by(&Fleet { trucks: 1, trips: 1, ..*fleet });
        ceil_div(ceil_div(self.grams, truckload.grams).max(ceil_div(self.dm3, truckload.dm3)), fleet.trips)
    }

    /// The weight in kg and the volume in m³, each rounded up to a whole number.
    pub fn whole_kg_m3(self) -> (i64, i64) {
        (ceil_div(self.grams, 1_000), ceil_div(self.dm3, 1_000))
    }
}

/// `a ÷ b` rounded up, for a ≥ 0 (a divisor below 1 counts as 1).
fn ceil_div(a: i64, b: i64) -> i64 {
    let b = b.max(1);
    (a + b - 1) / b
}

/// What a plan loads onto one depot's trucks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FleetLoad {
    pub depot_id: i64,
    pub fleet: Fleet,
    /// Trucks the plan's lines from this depot fill.
    pub trucks_needed: i64,
    pub load_kg: f64,
    pub load_m3: f64,
    /// The trucks held back stock the plan would otherwise have sent from this depot.
    pub limiting: bool,
}

/// Each depot's load under `lines`, by depot id. Items not in `items` weigh nothing.
pub fn loads(lines: &[PlanLine], items: &HashMap<&str, &Item>) -> BTreeMap<i64, Load> {
    let mut loads: BTreeMap<i64, Load> = BTreeMap::new();
    for line in lines {
        if let Some(item) = items.get(line.item.as_str()) {
            loads.entry(line.depot_id).or_default().add(Load::of(item, line.quantity));
        }
    }
    loads
}

/// The loads of the depots that have trucks, with whether their trucks held stock back.
pub fn fleet_loads(depots: &[Depot], loads: &BTreeMap<i64, Load>, limiting: impl Fn(i64) -> bool) -> Vec<FleetLoad> {
    depots
        .iter()
        .filter_map(|depot| {
            let fleet = depot.fleet?;
            let load = loads.get(&depot.id).copied().unwrap_or_default();
            Some(FleetLoad {
                depot_id: depot.id,
                fleet,
                trucks_needed: load.trucks(&fleet),
                load_kg: load.grams as f64 / 1e3,
                load_m3: load.dm3 as f64 / 1e3,
                limiting: limiting(depot.id),
            })
        })
        .collect()
}

/// The depots whose trucks cannot carry what `loads` puts on them, by id.
pub fn overloaded<'a>(depots: &'a [Depot], loads: &BTreeMap<i64, Load>) -> Vec<&'a Depot> {
    depots
        .iter()
        .filter(|d| {
            d.fleet
                .is_some_and(|fleet| !loads.get(&d.id).copied().unwrap_or_default().fits_in(Load::carried_by(&fleet)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::depots::Category;
    use sqlx::types::Json;

    fn item(code: &str, grams: i64, dm3: i64) -> Item {
        Item {
            code: code.into(),
            name_zh: code.into(),
            name_en: code.into(),
            category: Category::Shelter,
            unit: "件".into(),
            unit_volume_dm3: dm3,
            unit_weight_g: grams,
            shelf_life_days: None,
            norms: Json(Default::default()),
        }
    }

    const FLEET: Fleet = Fleet { trucks: 2, load_kg: 1_000, load_m3: 10, trips: 1 };

    #[test]
    fn units_fit_by_the_tighter_measure_and_a_weightless_item_by_the_other() {
        let room = Load::carried_by(&FLEET);
        assert_eq!(room, Load { grams: 2_000_000, dm3: 20_000 });
        // A tent of 30 kg and 200 dm³: 66 by weight, 100 by volume.
        assert_eq!(room.units_of(&item("tent", 30_000, 200)), 66);
        // A quilt of 2 kg and 50 dm³: 1,000 by weight, 400 by volume.
        assert_eq!(room.units_of(&item("quilt", 2_000, 50)), 400);
        assert_eq!(room.units_of(&item("voucher", 0, 0)), i64::MAX);
        assert_eq!(room.less(Load::of(&item("quilt", 2_000, 50), 400)).units_of(&item("quilt", 2_000, 50)), 0);
    }

    #[test]
    fn trucks_needed_round_up_on_the_measure_that_fills_first() {
        let quilts = Load::of(&item("quilt", 2_000, 50), 201); // 402 kg, 10.05 m³
        assert_eq!(quilts.trucks(&FLEET), 2);
        assert_eq!(Load::default().trucks(&FLEET), 0);
        assert!(quilts.fits_in(Load::carried_by(&FLEET)));
        assert!(!Load::of(&item("quilt", 2_000, 50), 401).fits_in(Load::carried_by(&FLEET)));
    }

    #[test]
    fn each_trip_a_truck_makes_carries_a_truckload_more() {
        let three_trips = Fleet { trips: 3, ..FLEET };
        assert_eq!(Load::carried_by(&three_trips), Load { grams: 6_000_000, dm3: 60_000 });
        let quilts = |n| Load::of(&item("quilt", 2_000, 50), n);
        // 201 quilts fill 2 truckloads by volume: one truck making its 3 trips takes them.
        assert_eq!(quilts(201).trucks(&three_trips), 1);
        // 1,000 quilts (50 m³) are 5 truckloads: 2 trucks, one making 3 trips and one 2.
        assert_eq!(quilts(1_000).trucks(&three_trips), 2);
        assert!(quilts(1_200).fits_in(Load::carried_by(&three_trips)));
        assert!(!quilts(1_201).fits_in(Load::carried_by(&three_trips)));
    }
}
