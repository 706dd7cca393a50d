//! Pure stock rules: what a movement request means, which lots it takes (FEFO), and the alerts
//! and readiness figures derived from a snapshot of stock. No I/O here.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Balance, Depot, DepotSummary, Fleet, Item, Lot, LotRow, MaterialAidType, MovementKind, Target, Tier};
use crate::areas::{AreaCode, code};
use crate::error::{FieldError, Said};
use crate::said;

/// The body of `POST /api/v1/depots/{id}/movements`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MovementRequest {
    pub kind: RequestKind,
    pub item: String,
    /// Whole units; positive, except adjustments, which are signed and non-zero.
    pub quantity: i64,
    pub lot: Option<String>,
    pub expires_on: Option<NaiveDate>,
    pub source: Option<Source>,
    pub donor: Option<String>,
    pub to_depot: Option<i64>,
    pub reason: Option<AdjustmentReason>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    Receipt,
    Issue,
    Transfer,
    Adjustment,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Procured,
    Donated,
    Agreement,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentReason {
    Count,
    Damaged,
    Expired,
    Lost,
    Found,
}

fn label<T: Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A validated change of stock, ready for the ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct StockOperation {
    pub depot_id: i64,
    pub kind: MovementKind,
    pub item_code: String,
    /// Signed effect on the quantity on hand (reservations: on the quantity reserved).
    pub delta: i64,
    pub lot: Option<String>,
    pub expires_on: Option<NaiveDate>,
    pub source: Option<String>,
    pub donor: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub to_depot: Option<i64>,
    /// What the movement belongs to outside the depot (a plan, a shipment).
    pub reference: Option<String>,
}

impl StockOperation {
    /// A reservation (positive) or release (negative) of available stock, e.g. for an approved plan.
    pub fn reservation(depot_id: i64, item_code: &str, delta: i64, reference: &str) -> Self {
        Self {
            depot_id,
            kind: if delta >= 0 { MovementKind::Reservation } else { MovementKind::Release },
            item_code: item_code.into(),
            delta,
            lot: None,
            expires_on: None,
            source: None,
            donor: None,
            reason: None,
            note: None,
            to_depot: None,
            reference: Some(reference.into()),
        }
    }
}

const MAX_TEXT: usize = 500;

/// What is wrong with an item for the catalogue (nothing when it is fit to store).
pub fn item_problems(item: &Item) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if item.code.is_empty() || !item.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        problems.push(FieldError::new("code", said!("item_code_format", "lower-case letters, digits and '-'")));
    }
    for (field, value) in [("name_zh", &item.name_zh), ("name_en", &item.name_en), ("unit", &item.unit)] {
        if value.trim().is_empty() {
            problems.push(FieldError::new(field, said!("required", "required")));
        }
    }
    if item.unit_volume_dm3 < 0 || item.unit_weight_g < 0 || item.shelf_life_days.is_some_and(|d| d <= 0) {
        problems.push(FieldError::new(
            "unit_volume_dm3",
            said!("item_sizes_negative", "volume, weight and shelf life cannot be negative"),
        ));
    }
    if item.norms.values().any(|n| n.per_thousand < 0) {
        problems.push(FieldError::new("norms", said!("norms_negative", "norms cannot be negative")));
    }
    problems
}

/// What is wrong with a depot's trucks (nothing when each figure is within its range).
pub fn fleet_problems(fleet: &Fleet) -> Vec<FieldError> {
    [
        ("fleet.trucks", fleet.trucks, 1_000),
        ("fleet.load_kg", fleet.load_kg, 100_000),
        ("fleet.load_m3", fleet.load_m3, 500),
        ("fleet.trips", fleet.trips, 24),
    ]
    .into_iter()
    .filter(|(_, value, most)| !(1..=*most).contains(value))
    .map(|(field, _, most)| {
        FieldError::new(field, said!("fleet_range", "a whole number from 1 to {most}", most = most))
    })
    .collect()
}

/// Checks a request against the rules of its kind. `default_lot` names a receipt without a lot.
pub fn validate(
    request: &MovementRequest,
    depot_id: i64,
    item: Option<&Item>,
    to_depot_exists: bool,
    today: NaiveDate,
    default_lot: &str,
) -> Result<StockOperation, Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut problem = |field: &str, reason: Said| problems.push(FieldError::new(field, reason));
    if item.is_none() {
        problem("item", said!("item_unknown", "unknown item {item:?}", item = &request.item));
    }
    let lot = request.lot.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned);
    if lot.as_ref().is_some_and(|l| l.chars().count() > 64) {
        problem("lot", said!("text_max", "at most {max} characters", max = 64));
    }
    let note = request.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_TEXT) {
        problem("note", said!("text_max", "at most {max} characters", max = MAX_TEXT));
    }
    let positive = |problem: &mut dyn FnMut(&str, Said)| {
        if request.quantity <= 0 {
            problem("quantity", said!("positive_whole", "must be a positive whole number"));
        }
    };
    let mut operation = StockOperation {
        depot_id,
        kind: MovementKind::Issue,
        item_code: request.item.clone(),
        delta: -request.quantity,
        lot: lot.clone(),
        expires_on: None,
        source: None,
        donor: None,
        reason: None,
        note,
        to_depot: None,
        reference: None,
    };
    match request.kind {
        RequestKind::Receipt => {
            positive(&mut problem);
            operation.kind = MovementKind::Receipt;
            operation.delta = request.quantity;
            operation.lot = Some(lot.unwrap_or_else(|| default_lot.to_owned()));
            operation.expires_on = match (request.expires_on, item.and_then(|i| i.shelf_life_days)) {
                (Some(date), _) if date < today => {
                    problem("expires_on", said!("date_past", "{date} is in the past", date = date));
                    None
                }
                (Some(date), _) => Some(date),
                (None, Some(days)) => Some(today + chrono::Duration::days(days)),
                (None, None) => None,
            };
            match request.source {
                None => problem(
                    "source",
                    said!("source_required", "required for a receipt: procured, donated or agreement"),
                ),
                Some(source) => operation.source = Some(label(source)),
            }
            let donor = request.donor.as_deref().map(str::trim).filter(|d| !d.is_empty());
            if request.source == Some(Source::Donated) && donor.is_none() {
                problem("donor", said!("donor_required", "required for donated stock"));
            }
            operation.donor = donor.map(str::to_owned);
        }
        RequestKind::Issue => positive(&mut problem),
        RequestKind::Transfer => {
            positive(&mut problem);
            operation.kind = MovementKind::TransferOut;
            match request.to_depot {
                None => problem("to_depot", said!("to_depot_required", "required for a transfer")),
                Some(to) if to == depot_id => {
                    problem("to_depot", said!("transfer_same_depot", "cannot transfer to the same depot"))
                }
                Some(to) if !to_depot_exists => {
                    problem("to_depot", said!("depot_unknown", "unknown depot {depot}", depot = to))
                }
                Some(to) => operation.to_depot = Some(to),
            }
        }
        RequestKind::Adjustment => {
            operation.kind = MovementKind::Adjustment;
            operation.delta = request.quantity;
            if request.quantity == 0 {
                problem("quantity", said!("adjustment_zero", "an adjustment must change the quantity"));
            }
            match request.reason {
                None => problem(
                    "reason",
                    said!("adjust_reason_required", "required: count, damaged, expired, lost or found"),
                ),
                Some(reason) => operation.reason = Some(label(reason)),
            }
            if request.quantity > 0 {
                if operation.lot.is_none() {
                    problem("lot", said!("lot_required", "required when adding stock"));
                }
                operation.expires_on = request.expires_on;
            }
        }
    }
    if problems.is_empty() { Ok(operation) } else { Err(problems) }
}

/// First expiry, first out: takes `quantity` from the lots expiring soonest (lots without expiry
/// last, ties by lot name). Returns None if the lots do not hold enough.
pub fn pick_lots(lots: &[Lot], quantity: i64) -> Option<Vec<Lot>> {
    let mut ordered: Vec<&Lot> = lots.iter().filter(|l| l.quantity > 0).collect();
    ordered.sort_by(|a, b| {
        (a.expires_on.is_none(), a.expires_on, &a.lot).cmp(&(b.expires_on.is_none(), b.expires_on, &b.lot))
    });
    let mut remaining = quantity;
    let mut picked = Vec::new();
    for lot in ordered {
        if remaining == 0 {
            break;
        }
        let take = remaining.min(lot.quantity);
        picked.push(Lot { lot: lot.lot.clone(), quantity: take, expires_on: lot.expires_on });
        remaining -= take;
    }
    (remaining == 0).then_some(picked)
}

/// Everything the derived views need, read in one go.
pub struct Snapshot {
    pub depots: Vec<Depot>,
    pub items: Vec<Item>,
    pub balances: Vec<Balance>,
    pub lots: Vec<LotRow>,
    pub targets: Vec<(i64, Target)>,
}

impl Snapshot {
    fn items_by_code(&self) -> HashMap<&str, &Item> {
        self.items.iter().map(|i| (i.code.as_str(), i)).collect()
    }

    /// Load and reserve readiness per depot.
    pub fn summaries(&self) -> Vec<DepotSummary> {
        let items = self.items_by_code();
        self.depots
            .iter()
            .map(|depot| {
                let balances: Vec<&Balance> = self.balances.iter().filter(|b| b.depot_id == depot.id).collect();
                let on_hand = |item: &str| balances.iter().find(|b| b.item_code == item).map_or(0, |b| b.on_hand);
                let volume_dm3: i64 = balances
                    .iter()
                    .map(|b| b.on_hand * items.get(b.item_code.as_str()).map_or(0, |i| i.unit_volume_dm3))
                    .sum();
                let targets: Vec<&Target> =
                    self.targets.iter().filter(|(d, _)| *d == depot.id).map(|(_, t)| t).collect();
                let wanted: i64 = targets.iter().map(|t| t.quantity).sum();
                let met: i64 = targets.iter().map(|t| on_hand(&t.item).min(t.quantity)).sum();
                DepotSummary {
                    depot: depot.clone(),
                    used_m3: volume_dm3 as f64 / 1000.0,
                    readiness: (wanted > 0).then(|| met as f64 / wanted as f64),
                    stock_units: balances.iter().map(|b| b.on_hand).sum(),
                }
            })
            .collect()
    }

    pub fn alerts(&self, today: NaiveDate, expiring_within_days: i64) -> Alerts {
        let items = self.items_by_code();
        let depot_name = |id: i64| self.depots.iter().find(|d| d.id == id).map(|d| d.name.clone()).unwrap_or_default();
        let item_name = |code: &str| items.get(code).map(|i| i.name_zh.clone()).unwrap_or_default();
        let on_hand = |depot: i64, item: &str| {
            self.balances.iter().find(|b| b.depot_id == depot && b.item_code == item).map_or(0, |b| b.on_hand)
        };
        let mut below_target: Vec<BelowTarget> = self
            .targets
            .iter()
            .filter(|(depot, t)| on_hand(*depot, &t.item) < t.quantity)
            .map(|(depot, t)| BelowTarget {
                depot_id: *depot,
                depot_name: depot_name(*depot),
                item: t.item.clone(),
                name_zh: item_name(&t.item),
                on_hand: on_hand(*depot, &t.item),
                target: t.quantity,
            })
            .collect();
        below_target.sort_by_key(|b| (b.depot_id, b.item.clone()));
        let horizon = today + chrono::Duration::days(expiring_within_days);
        let mut expiring: Vec<Expiring> = self
            .lots
            .iter()
            .filter(|l| l.quantity > 0 && l.expires_on.is_some_and(|d| d <= horizon))
            .map(|l| {
                let expires_on = l.expires_on.expect("filtered");
                Expiring {
                    depot_id: l.depot_id,
                    depot_name: depot_name(l.depot_id),
                    item: l.item_code.clone(),
                    name_zh: item_name(&l.item_code),
                    lot: l.lot.clone(),
                    quantity: l.quantity,
                    expires_on,
                    days_left: (expires_on - today).num_days(),
                }
            })
            .collect();
        expiring.sort_by_key(|e| (e.expires_on, e.depot_id, e.lot.clone()));
        let over_capacity = self
            .summaries()
            .into_iter()
            .filter(|s| s.used_m3 > s.depot.capacity_m3 as f64)
            .map(|s| OverCapacity {
                depot_id: s.depot.id,
                depot_name: s.depot.name,
                capacity_m3: s.depot.capacity_m3,
                used_m3: s.used_m3,
            })
            .collect();
        Alerts { below_target, expiring, over_capacity }
    }

    /// How many people the stock within reach of each county can serve, per aid type: the
    /// bottleneck item (fewest people served) decides. "Within reach" is the county's own depots
    /// plus active depots of higher tiers whose area contains the county (their stock counts for
    /// every county they serve, so figures do not add up across counties).
    pub fn readiness(
        &self,
        counties: &[(AreaCode, String, Option<i64>)],
        persons_per_household: f64,
    ) -> Vec<CountyReadiness> {
        counties
            .iter()
            .map(|(county_code, county_name, population)| {
                let reach: Vec<i64> = self
                    .depots
                    .iter()
                    .filter(|d| d.status == "active")
                    .filter(|d| {
                        code::within(county_code, &d.area_code)
                            || (d.tier < Tier::County && code::within(&d.area_code, county_code))
                    })
                    .map(|d| d.id)
                    .collect();
                let available = |item: &str| -> i64 {
                    self.balances
                        .iter()
                        .filter(|b| b.item_code == item && reach.contains(&b.depot_id))
                        .map(|b| b.on_hand - b.reserved)
                        .sum()
                };
                let aid_types = MaterialAidType::ALL
                    .into_iter()
                    .map(|aid| {
                        let bottleneck = self
                            .items
                            .iter()
                            .filter_map(|item| {
                                let norm = item.norms.get(&aid).filter(|n| n.per_thousand > 0)?;
                                let units = available(&item.code) as f64 * 1000.0 / norm.per_thousand as f64;
                                let people =
                                    if norm.basis.per_household() { units * persons_per_household } else { units };
                                Some((people.floor() as i64, item.code.clone()))
                            })
                            .min();
                        let (people, bottleneck_item) = match bottleneck {
                            Some((people, item)) => (people, Some(item)),
                            None => (0, None),
                        };
                        let share = population.filter(|p| *p > 0).map(|p| people as f64 / p as f64);
                        (aid, AidReadiness { people, share, bottleneck_item })
                    })
                    .collect();
                CountyReadiness {
                    county_code: county_code.clone(),
                    county_name: county_name.clone(),
                    population: *population,
                    aid_types,
                }
            })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Alerts {
    pub below_target: Vec<BelowTarget>,
    pub expiring: Vec<Expiring>,
    pub over_capacity: Vec<OverCapacity>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BelowTarget {
    pub depot_id: i64,
    pub depot_name: String,
    pub item: String,
    pub name_zh: String,
    pub on_hand: i64,
    pub target: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Expiring {
    pub depot_id: i64,
    pub depot_name: String,
    pub item: String,
    pub name_zh: String,
    pub lot: String,
    pub quantity: i64,
    pub expires_on: NaiveDate,
    /// Negative when already expired.
    pub days_left: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverCapacity {
    pub depot_id: i64,
    pub depot_name: String,
    pub capacity_m3: i64,
    pub used_m3: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CountyReadiness {
    pub county_code: AreaCode,
    pub county_name: String,
    pub population: Option<i64>,
    #[schema(value_type = Object)]
    pub aid_types: std::collections::BTreeMap<MaterialAidType, AidReadiness>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AidReadiness {
    /// People the stock within reach can serve under the norms of this aid type.
    pub people: i64,
    /// `people` as a share of the county's population.
    pub share: Option<f64>,
    /// The item that runs out first; None when no item has a norm for this aid type.
    pub bottleneck_item: Option<String>,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::depots::NormBasis;
    use crate::depots::{Category, Norm};

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn item(code: &str, shelf_life: Option<i64>, norms: &[(MaterialAidType, NormBasis, i64)]) -> Item {
        Item {
            code: code.into(),
            name_zh: code.into(),
            name_en: code.into(),
            category: Category::Other,
            unit: "个".into(),
            unit_volume_dm3: 100,
            unit_weight_g: 1000,
            shelf_life_days: shelf_life,
            norms: sqlx::types::Json(
                norms
                    .iter()
                    .map(|(aid, basis, per)| (*aid, Norm { basis: *basis, per_thousand: *per }))
                    .collect::<BTreeMap<_, _>>(),
            ),
        }
    }

    fn request(kind: RequestKind, quantity: i64) -> MovementRequest {
        MovementRequest {
            kind,
            item: "water".into(),
            quantity,
            lot: None,
            expires_on: None,
            source: Some(Source::Procured),
            donor: None,
            to_depot: None,
            reason: None,
            note: None,
        }
    }

    fn fields(result: Result<StockOperation, Vec<FieldError>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn receipts_derive_lot_and_expiry_and_refuse_the_past() {
        let water = item("water", Some(365), &[]);
        let today = date("2026-07-10");
        let op = validate(&request(RequestKind::Receipt, 10), 1, Some(&water), false, today, "R20260710-1").unwrap();
        assert_eq!((op.delta, op.lot.as_deref(), op.expires_on), (10, Some("R20260710-1"), Some(date("2027-07-10"))));
        let mut past = request(RequestKind::Receipt, 10);
        past.expires_on = Some(date("2026-07-09"));
        assert_eq!(fields(validate(&past, 1, Some(&water), false, today, "x")), ["expires_on"]);
        let mut donated = request(RequestKind::Receipt, 10);
        donated.source = Some(Source::Donated);
        assert_eq!(fields(validate(&donated, 1, Some(&water), false, today, "x")), ["donor"]);
    }

    #[test]
    fn quantities_must_be_positive_except_signed_adjustments() {
        let water = item("water", None, &[]);
        let today = date("2026-07-10");
        for kind in [RequestKind::Receipt, RequestKind::Issue] {
            for q in [0, -3] {
                assert_eq!(fields(validate(&request(kind, q), 1, Some(&water), false, today, "x")), ["quantity"]);
            }
        }
        let mut adjust = request(RequestKind::Adjustment, -4);
        adjust.reason = Some(AdjustmentReason::Damaged);
        assert_eq!(validate(&adjust, 1, Some(&water), false, today, "x").unwrap().delta, -4);
        adjust.quantity = 0;
        assert_eq!(fields(validate(&adjust, 1, Some(&water), false, today, "x")), ["quantity"]);
        adjust.quantity = 2;
        assert_eq!(fields(validate(&adjust, 1, Some(&water), false, today, "x")), ["lot"]);
    }

    #[test]
    fn transfers_need_another_existing_depot_and_items_must_exist() {
        let water = item("water", None, &[]);
        let today = date("2026-07-10");
        let mut transfer = request(RequestKind::Transfer, 5);
        assert_eq!(fields(validate(&transfer, 1, Some(&water), true, today, "x")), ["to_depot"]);
        transfer.to_depot = Some(1);
        assert_eq!(fields(validate(&transfer, 1, Some(&water), true, today, "x")), ["to_depot"]);
        transfer.to_depot = Some(2);
        assert_eq!(fields(validate(&transfer, 1, Some(&water), false, today, "x")), ["to_depot"]);
        let op = validate(&transfer, 1, Some(&water), true, today, "x").unwrap();
        assert_eq!((op.kind, op.delta, op.to_depot), (MovementKind::TransferOut, -5, Some(2)));
        assert_eq!(fields(validate(&transfer, 1, None, true, today, "x")), ["item"]);
    }

    #[test]
    fn fefo_takes_the_earliest_expiry_first_and_undated_lots_last() {
        let lots = vec![
            Lot { lot: "undated".into(), quantity: 50, expires_on: None },
            Lot { lot: "late".into(), quantity: 5, expires_on: Some(date("2027-01-01")) },
            Lot { lot: "early".into(), quantity: 3, expires_on: Some(date("2026-08-01")) },
        ];
        let picked = pick_lots(&lots, 10).unwrap();
        let taken: Vec<(&str, i64)> = picked.iter().map(|l| (l.lot.as_str(), l.quantity)).collect();
        assert_eq!(taken, [("early", 3), ("late", 5), ("undated", 2)]);
        assert!(pick_lots(&lots, 59).is_none());
        assert_eq!(pick_lots(&lots, 58).unwrap().len(), 3);
    }

    fn depot(id: i64, tier: Tier, area: &str) -> Depot {
        Depot {
            id,
            name: format!("depot {id}"),
            tier,
            area_code: area.into(),
            area_name: String::new(),
            lon: 0.0,
            lat: 0.0,
            capacity_m3: 10,
            contact_name: None,
            contact_phone: None,
            fleet: None,
            status: "active".into(),
        }
    }

    fn balance(depot_id: i64, item: &str, on_hand: i64, reserved: i64) -> Balance {
        Balance { depot_id, item_code: item.into(), on_hand, reserved }
    }

    #[test]
    fn readiness_counts_the_county_and_higher_tiers_and_names_the_bottleneck() {
        let snapshot = Snapshot {
            depots: vec![
                depot(1, Tier::City, "360400"),
                depot(2, Tier::County, "360425"),
                depot(3, Tier::County, "360428"),
            ],
            items: vec![
                item("tent", None, &[(MaterialAidType::Emergency, NormBasis::Household, 1000)]),
                item("water", None, &[(MaterialAidType::Emergency, NormBasis::Person, 2000)]),
            ],
            balances: vec![
                balance(1, "tent", 100, 0),
                balance(2, "tent", 50, 10),
                balance(3, "tent", 1000, 0),
                balance(1, "water", 400, 0),
                balance(2, "water", 201, 0),
            ],
            lots: vec![],
            targets: vec![],
        };
        let result = snapshot.readiness(&[("360425".into(), "永修县".into(), Some(3000))], 3.0);
        let emergency = &result[0].aid_types[&MaterialAidType::Emergency];
        // tents: (100 + 40) households × 3 = 420 people; water: 601 / 2 = 300 people → water decides
        assert_eq!((emergency.people, emergency.bottleneck_item.as_deref()), (300, Some("water")));
        assert_eq!(emergency.share, Some(0.1));
        assert_eq!(result[0].aid_types[&MaterialAidType::WinterSpring].people, 0);
    }

    #[test]
    fn alerts_find_shortfalls_expiry_and_overfull_depots() {
        let snapshot = Snapshot {
            depots: vec![depot(1, Tier::County, "360425")],
            items: vec![item("tent", None, &[])],
            balances: vec![balance(1, "tent", 120, 0)],
            lots: vec![
                LotRow {
                    depot_id: 1,
                    item_code: "tent".into(),
                    lot: "a".into(),
                    quantity: 20,
                    expires_on: Some(date("2026-09-01")),
                },
                LotRow {
                    depot_id: 1,
                    item_code: "tent".into(),
                    lot: "b".into(),
                    quantity: 100,
                    expires_on: Some(date("2027-09-01")),
                },
            ],
            targets: vec![(1, Target { item: "tent".into(), quantity: 200 })],
        };
        let alerts = snapshot.alerts(date("2026-07-10"), 90);
        assert_eq!(alerts.below_target.len(), 1);
        assert_eq!(alerts.expiring.len(), 1);
        assert_eq!(alerts.expiring[0].days_left, 53);
        // 120 tents × 100 dm³ = 12 m³ in a 10 m³ depot
        assert_eq!(alerts.over_capacity.len(), 1);
        assert_eq!(snapshot.summaries()[0].readiness, Some(0.6));
    }
}
