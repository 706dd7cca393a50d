//! The equity audit of a materials plan (docs/domain/planning.md#equity): how evenly each tier is
//! served, how unequal the fill rates are overall, how long people wait, and the price of
//! fairness against the same stock planned for the most delivered in the least time. Pure.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One area's need for one item as a plan serves it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Served {
    /// Which item (an index: rows of one item share it).
    pub item: usize,
    pub tier: u8,
    pub demand: i64,
    pub allocated: i64,
    /// Σ quantity × travel minutes of the lines that bring it.
    pub unit_minutes: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Equity {
    /// Fill rates per tier, highest first.
    pub tiers: Vec<TierEquity>,
    /// Gini coefficient of the fill rates over areas and items, each weighted by its demand as a
    /// share of the item's total (so every item counts alike): 0 is equal, 1 is all to one.
    pub gini: f64,
    pub demand: i64,
    pub delivered: i64,
    /// Σ quantity × minutes on the road.
    pub travel_unit_minutes: i64,
    /// Σ units × minutes until served: on the road for what the plan sends, the whole horizon
    /// for what it cannot.
    pub deprivation_unit_minutes: i64,
    pub horizon_minutes: i64,
    /// The same stock planned for the most delivered in the least time, without fairness: what
    /// the plan's fairness costs is the difference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub most_delivered: Option<Yardstick>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TierEquity {
    /// 4 for a Ⅰ-level response … 1 for Ⅳ, 0 without one.
    pub tier: u8,
    /// Area × item needs in the tier.
    pub needs: i64,
    pub min_fill: f64,
    pub median_fill: f64,
    pub max_fill: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Yardstick {
    pub delivered: i64,
    pub travel_unit_minutes: i64,
    pub deprivation_unit_minutes: i64,
    pub gini: f64,
    pub min_fill: f64,
}

/// The audit of `served` (rows with demand), waiting at most `horizon_minutes`; `yardstick` is
/// the same audit of the most-delivered plan.
pub fn audit(served: &[Served], horizon_minutes: i64, yardstick: Option<&[Served]>) -> Equity {
    let needs: Vec<&Served> = served.iter().filter(|s| s.demand > 0).collect();
    let mut tiers: Vec<u8> = needs.iter().map(|s| s.tier).collect();
    tiers.sort_unstable_by(|a, b| b.cmp(a));
    tiers.dedup();
    let tiers = tiers
        .into_iter()
        .map(|tier| {
            let mut fills: Vec<f64> = needs.iter().filter(|s| s.tier == tier).map(|s| fill(s)).collect();
            fills.sort_unstable_by(f64::total_cmp);
            TierEquity {
                tier,
                needs: fills.len() as i64,
                min_fill: fills[0],
                median_fill: median(&fills),
                max_fill: fills[fills.len() - 1],
            }
        })
        .collect();
    Equity {
        tiers,
        gini: gini(served),
        demand: needs.iter().map(|s| s.demand).sum(),
        delivered: needs.iter().map(|s| s.allocated).sum(),
        travel_unit_minutes: served.iter().map(|s| s.unit_minutes).sum(),
        deprivation_unit_minutes: deprivation(served, horizon_minutes),
        horizon_minutes,
        most_delivered: yardstick.map(|rows| Yardstick {
            delivered: rows.iter().map(|s| s.allocated).sum(),
            travel_unit_minutes: rows.iter().map(|s| s.unit_minutes).sum(),
            deprivation_unit_minutes: deprivation(rows, horizon_minutes),
            gini: gini(rows),
            min_fill: rows.iter().filter(|s| s.demand > 0).map(fill).fold(1.0, f64::min),
        }),
    }
}

fn fill(served: &Served) -> f64 {
    served.allocated as f64 / served.demand as f64
}

/// The middle of sorted values (the mean of the two middles for an even count).
fn median(sorted: &[f64]) -> f64 {
    let half = sorted.len() / 2;
    if sorted.len() % 2 == 1 { sorted[half] } else { (sorted[half - 1] + sorted[half]) / 2.0 }
}

fn deprivation(served: &[Served], horizon_minutes: i64) -> i64 {
    served.iter().map(|s| s.unit_minutes + (s.demand - s.allocated).max(0) * horizon_minutes).sum()
}

/// Σᵢ Σⱼ wᵢ wⱼ |fᵢ − fⱼ| / (2 W² μ) over the needs, wᵢ the need's share of its item's demand.
fn gini(served: &[Served]) -> f64 {
    let items = served.iter().map(|s| s.item + 1).max().unwrap_or(0);
    let mut item_demand = vec![0i64; items];
    for s in served {
        item_demand[s.item] += s.demand.max(0);
    }
    let mut rows: Vec<(f64, f64)> = served
        .iter()
        .filter(|s| s.demand > 0)
        .map(|s| (fill(s), s.demand as f64 / item_demand[s.item] as f64))
        .collect();
    rows.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let total_weight: f64 = rows.iter().map(|(_, w)| w).sum();
    let mean = rows.iter().map(|(f, w)| f * w).sum::<f64>() / total_weight;
    if rows.is_empty() || mean <= 0.0 {
        return 0.0;
    }
    // With the fills sorted, each pair counts once as wᵢ wⱼ (fᵢ − fⱼ) for j before i.
    let (mut weight_before, mut weighted_fill_before, mut pairs) = (0.0, 0.0, 0.0);
    for (f, w) in rows {
        pairs += w * (f * weight_before - weighted_fill_before);
        weight_before += w;
        weighted_fill_before += w * f;
    }
    pairs / (total_weight * total_weight * mean)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(item: usize, tier: u8, demand: i64, allocated: i64, unit_minutes: i64) -> Served {
        Served { item, tier, demand, allocated, unit_minutes }
    }

    #[test]
    fn equal_fills_have_no_inequality_and_all_to_one_approaches_one() {
        let even = [need(0, 1, 10, 5, 0), need(0, 1, 30, 15, 0), need(1, 0, 4, 2, 0)];
        assert!(gini(&even).abs() < 1e-12);
        // Two equal needs, one served fully and one not at all: |1 − 0| × ¼ / (2 × 1 × ½) = ½.
        let split = [need(0, 0, 10, 10, 0), need(0, 0, 10, 0, 0)];
        assert!((gini(&split) - 0.5).abs() < 1e-12);
        assert_eq!(gini(&[]), 0.0);
        assert_eq!(gini(&[need(0, 0, 10, 0, 0)]), 0.0);
    }

    #[test]
    fn the_audit_reports_tiers_waiting_and_the_yardstick() {
        let plan = [need(0, 4, 10, 10, 100), need(0, 4, 10, 6, 60), need(0, 0, 20, 4, 400), need(0, 0, 10, 10, 10)];
        let fastest = [need(0, 4, 10, 10, 50), need(0, 4, 10, 10, 50), need(0, 0, 20, 0, 0), need(0, 0, 10, 10, 10)];
        let equity = audit(&plan, 720, Some(&fastest));
        let tiers: Vec<(u8, i64, f64, f64, f64)> =
            equity.tiers.iter().map(|t| (t.tier, t.needs, t.min_fill, t.median_fill, t.max_fill)).collect();
        assert_eq!(tiers, [(4, 2, 0.6, 0.8, 1.0), (0, 2, 0.2, 0.6, 1.0)]);
        assert_eq!((equity.demand, equity.delivered, equity.travel_unit_minutes), (50, 30, 570));
        // 570 on the road, 4 + 16 units never served × 720.
        assert_eq!(equity.deprivation_unit_minutes, 570 + 20 * 720);
        let yardstick = equity.most_delivered.expect("yardstick");
        assert_eq!((yardstick.delivered, yardstick.travel_unit_minutes), (30, 110));
        assert_eq!(yardstick.deprivation_unit_minutes, 110 + 20 * 720);
        assert_eq!(yardstick.min_fill, 0.0);
        assert!(yardstick.gini > equity.gini);
    }
}
