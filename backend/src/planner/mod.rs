//! The exact allocation planner: for one item, how much each depot sends to each area. Pure: no
//! I/O; items are independent problems.
//!
//! The objective is lexicographic and exact on integers:
//! 1. Fairness, tier by tier from the highest: maximise the tier's minimum fill rate x_a / D_a
//!    over its areas with demand that a depot with stock can reach, keeping the targets already
//!    fixed for higher tiers. **Rounding rule:** the tier's fill λ* is the largest λ for which
//!    some flow gives every area of the tier at least ⌈λ·D_a⌉ units; those ⌈λ*·D_a⌉ become the
//!    areas' targets, which every later step keeps. λ* is one of the fractions k/D_a, and it is
//!    exactly the tier's minimum fill in the final plan. Unreachable areas (demand, but no route
//!    from any depot with stock) are reported and do not drag their tier's minimum to zero.
//! 2. Then the most delivered in total, every area between its target and its demand.
//! 3. Then the least priority-weighted travel time, Σ quantity × weight × minutes.
//!
//! Methods. Whether targets can be met is a max-flow question (source → depot: its supply;
//! depot → area where a route exists; area → sink: its target), answered by Dinic's algorithm;
//! fair targets computed from totals alone may not be routable, and the flow is what settles it.
//! λ* comes from Newton's method on cuts: start at λ = 1; while the targets at λ cannot be met,
//! the minimum cut names areas whose targets exceed what the depots reaching them hold, and the
//! next λ is the largest fraction k/D_a at which those areas fit (an exact one-dimensional
//! search). Every feasible λ fits that cut too, so the steps never pass λ*, and they strictly
//! decrease, so a few max-flows settle it (one or two at city scale); each tier starts from the previous tier's flow. Step 2
//! continues that flow with the area capacities raised to the demands. Step 3 is a min-cost flow
//! with fixed node balances (the source sends the step-2 total, each area takes its target, the
//! rest runs over area → sink arcs capped at demand − target), solved by network simplex.
//!
//! Among equally good plans the choice depends only on the input and its order, so the same
//! problem always gives the same plan; lines come ordered by depot, then area.

mod maxflow;
mod simplex;

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use maxflow::FlowNetwork;
use simplex::{Arc, UNBOUNDED, min_cost_flow};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemProblem {
    /// Units available per depot (negative counts as none).
    pub supplies: Vec<i64>,
    pub demands: Vec<AreaDemand>,
    /// Depot × area travel time; None where there is no route.
    pub minutes: Vec<Vec<Option<u32>>>,
    /// Lines that take longer are marked late.
    pub deadline_minutes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaDemand {
    /// Units wanted (negative counts as none).
    pub quantity: i64,
    /// Higher tiers are served first.
    pub tier: u8,
    /// How much a minute of this area's travel time counts; below 1 counts as 1.
    pub weight: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemPlan {
    pub lines: Vec<Line>,
    /// Units per area.
    pub allocated: Vec<i64>,
    /// Per tier that has areas to serve, highest first.
    pub tier_fill: Vec<TierFill>,
    pub total_delivered: i64,
    /// Σ quantity × weight × minutes over the lines.
    pub weighted_minutes: i64,
    /// Areas with demand that no depot with stock can reach.
    pub unreachable: Vec<usize>,
    /// Depots whose whole supply is used while an area they reach is still short.
    pub bottlenecks: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub depot: usize,
    pub area: usize,
    pub quantity: i64,
    pub minutes: u32,
    pub late: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierFill {
    pub tier: u8,
    /// The smallest allocated / demand over the tier's reachable areas.
    pub min_fill: Ratio,
}

/// An exact fraction in lowest terms, `den > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ratio {
    pub num: i64,
    pub den: i64,
}

impl Ratio {
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };

    /// # Panics
    /// If `den` is not positive.
    pub fn new(num: i64, den: i64) -> Self {
        assert!(den > 0, "a ratio needs a positive denominator");
        let divisor = gcd(num.unsigned_abs(), den.unsigned_abs()) as i64;
        Self { num: num / divisor, den: den / divisor }
    }

    /// ⌈self × quantity⌉
    fn ceil_times(self, quantity: i64) -> i64 {
        let product = i128::from(self.num) * i128::from(quantity);
        -(-product).div_euclid(i128::from(self.den)) as i64
    }

    /// ⌊self × quantity⌋
    fn floor_times(self, quantity: i64) -> i64 {
        (i128::from(self.num) * i128::from(quantity)).div_euclid(i128::from(self.den)) as i64
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        (i128::from(self.num) * i128::from(other.den)).cmp(&(i128::from(other.num) * i128::from(self.den)))
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Plans one item; see the module documentation for the objective and the rounding rule.
///
/// # Panics
/// If `minutes` is not depots × areas.
pub fn plan_item(problem: &ItemProblem) -> ItemPlan {
    let instance = Instance::new(problem);
    let Instance { nodes, supply, demand, routes, reachable, .. } = &instance;
    let mut flows = Flows::new(&instance);
    let (targets, tier_fill) = flows.fair_targets(&instance);
    let delivered = flows.most_delivered(&instance);
    let quantities = cheapest_routing(&instance, &targets, delivered);

    let mut lines = Vec::new();
    let mut allocated = vec![0; nodes.areas];
    let mut shipped = vec![0; nodes.depots];
    let mut weighted_minutes = 0;
    for (route, quantity) in routes.iter().zip(quantities).filter(|(_, q)| *q > 0) {
        allocated[route.area] += quantity;
        shipped[route.depot] += quantity;
        weighted_minutes += quantity * instance.weight(route.area) * i64::from(route.minutes);
        lines.push(Line {
            depot: route.depot,
            area: route.area,
            quantity,
            minutes: route.minutes,
            late: route.minutes > problem.deadline_minutes,
        });
    }
    let unreachable = (0..nodes.areas).filter(|&a| demand[a] > 0 && !reachable[a]).collect();
    let mut reaches_a_short_area = vec![false; nodes.depots];
    for route in routes.iter().filter(|r| allocated[r.area] < demand[r.area]) {
        reaches_a_short_area[route.depot] = true;
    }
    let bottlenecks = (0..nodes.depots)
        .filter(|&depot| supply[depot] > 0 && shipped[depot] == supply[depot] && reaches_a_short_area[depot])
        .collect();
    ItemPlan { lines, allocated, tier_fill, total_delivered: delivered, weighted_minutes, unreachable, bottlenecks }
}

/// The problem with negative quantities read as zero and the usable routes listed.
struct Instance<'a> {
    problem: &'a ItemProblem,
    nodes: Nodes,
    supply: Vec<i64>,
    demand: Vec<i64>,
    /// From a depot with stock to an area with demand: the only arcs that can carry anything.
    routes: Vec<Route>,
    /// Per area: has demand and at least one route.
    reachable: Vec<bool>,
}

impl<'a> Instance<'a> {
    fn new(problem: &'a ItemProblem) -> Self {
        let nodes = Nodes { depots: problem.supplies.len(), areas: problem.demands.len() };
        assert_eq!(problem.minutes.len(), nodes.depots, "one row of minutes per depot");
        assert!(problem.minutes.iter().all(|row| row.len() == nodes.areas), "one column of minutes per area");
        let supply: Vec<i64> = problem.supplies.iter().map(|s| (*s).max(0)).collect();
        let demand: Vec<i64> = problem.demands.iter().map(|d| d.quantity.max(0)).collect();
        let routes: Vec<Route> = (0..nodes.depots)
            .filter(|&depot| supply[depot] > 0)
            .flat_map(|depot| (0..nodes.areas).map(move |area| (depot, area)))
            .filter(|&(_, area)| demand[area] > 0)
            .filter_map(|(depot, area)| problem.minutes[depot][area].map(|minutes| Route { depot, area, minutes }))
            .collect();
        let mut reachable = vec![false; nodes.areas];
        for route in &routes {
            reachable[route.area] = true;
        }
        Self { problem, nodes, supply, demand, routes, reachable }
    }

    fn weight(&self, area: usize) -> i64 {
        self.problem.demands[area].weight.max(1)
    }

    fn reachable_areas(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.nodes.areas).filter(|&a| self.reachable[a])
    }
}

#[derive(Clone, Copy)]
struct Route {
    depot: usize,
    area: usize,
    minutes: u32,
}

/// Node numbering shared by both flow problems: source, depots, areas, sink.
#[derive(Clone, Copy)]
struct Nodes {
    depots: usize,
    areas: usize,
}

impl Nodes {
    const SOURCE: usize = 0;

    fn depot(self, depot: usize) -> usize {
        1 + depot
    }

    fn area(self, area: usize) -> usize {
        1 + self.depots + area
    }

    fn sink(self) -> usize {
        1 + self.depots + self.areas
    }

    fn count(self) -> usize {
        2 + self.depots + self.areas
    }
}

/// The max-flow network of steps 1 and 2; the area → sink capacities are the current targets.
struct Flows {
    network: FlowNetwork,
    /// The area → sink arc of each reachable area.
    sink_arc: Vec<usize>,
}

impl Flows {
    fn new(instance: &Instance) -> Self {
        let Instance { nodes, supply, routes, .. } = instance;
        let mut arcs: Vec<(usize, usize, i64)> = (0..nodes.depots)
            .filter(|&depot| supply[depot] > 0)
            .map(|depot| (Nodes::SOURCE, nodes.depot(depot), supply[depot]))
            .collect();
        arcs.extend(routes.iter().map(|r| (nodes.depot(r.depot), nodes.area(r.area), UNBOUNDED)));
        let first_sink_arc = arcs.len();
        arcs.extend(instance.reachable_areas().map(|a| (nodes.area(a), nodes.sink(), 0)));
        let (network, position) = FlowNetwork::new(nodes.count(), &arcs);
        let mut sink_arc = vec![usize::MAX; nodes.areas];
        for (area, at) in instance.reachable_areas().zip(&position[first_sink_arc..]) {
            sink_arc[area] = *at;
        }
        Self { network, sink_arc }
    }

    /// Step 1: each tier's fill and the targets it fixes. Leaves a flow that meets all targets.
    fn fair_targets(&mut self, instance: &Instance) -> (Vec<i64>, Vec<TierFill>) {
        let Instance { problem, nodes, supply, demand, .. } = instance;
        let tier_of = |area: usize| problem.demands[area].tier;
        let mut targets = vec![0; nodes.areas];
        let mut tiers: Vec<u8> = instance.reachable_areas().map(tier_of).collect();
        tiers.sort_unstable_by(|a, b| b.cmp(a));
        tiers.dedup();
        let mut fills = Vec::with_capacity(tiers.len());
        for tier in tiers {
            let members: Vec<usize> = instance.reachable_areas().filter(|&a| tier_of(a) == tier).collect();
            let met_so_far = self.network.snapshot();
            let mut fill = Ratio::ONE;
            loop {
                for &area in &members {
                    self.network.set_capacity(self.sink_arc[area], fill.ceil_times(demand[area]));
                }
                self.network.augment(Nodes::SOURCE, nodes.sink());
                let short = members.iter().any(|&a| self.network.flow(self.sink_arc[a]) < fill.ceil_times(demand[a]));
                if !short {
                    break;
                }
                // The areas the minimum cut separates from the source need more than their depots hold.
                let source_side = self.network.reachable_from(Nodes::SOURCE);
                let held: i64 = (0..nodes.depots).filter(|&d| !source_side[nodes.depot(d)]).map(|d| supply[d]).sum();
                let fixed: i64 = (0..nodes.areas).filter(|&a| !source_side[nodes.area(a)]).map(|a| targets[a]).sum();
                let cut: Vec<i64> =
                    members.iter().filter(|&&a| !source_side[nodes.area(a)]).map(|&a| demand[a]).collect();
                fill = largest_fill(&cut, held - fixed);
                self.network.restore(&met_so_far);
            }
            for &area in &members {
                targets[area] = fill.ceil_times(demand[area]);
            }
            fills.push(TierFill { tier, min_fill: fill });
        }
        (targets, fills)
    }

    /// Step 2: raises every area's capacity to its demand and fills up; returns the total.
    fn most_delivered(&mut self, instance: &Instance) -> i64 {
        for area in instance.reachable_areas() {
            self.network.set_capacity(self.sink_arc[area], instance.demand[area]);
        }
        self.network.augment(Nodes::SOURCE, instance.nodes.sink());
        instance.reachable_areas().map(|a| self.network.flow(self.sink_arc[a])).sum()
    }
}

/// The largest λ ∈ [0, 1] among the fractions k/D of `demands` with Σ ⌈λ·D⌉ ≤ `budget` (≥ 0).
fn largest_fill(demands: &[i64], budget: i64) -> Ratio {
    let total: i64 = demands.iter().sum();
    if total <= budget {
        return Ratio::ONE;
    }
    // Σ ⌈λ·D⌉ lies in [λ·total, λ·total + count), so the answer lies in this narrow range, and as
    // the sum only steps up just after the fractions k/D, it is one of those in the range.
    let low = Ratio::new((budget - demands.len() as i64).max(0), total);
    let high = Ratio::new(budget, total);
    let mut candidates: Vec<Ratio> = demands
        .iter()
        .flat_map(|&d| (low.ceil_times(d)..=high.floor_times(d)).map(move |k| Ratio::new(k, d)))
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let fitting = candidates.partition_point(|fill| demands.iter().map(|&d| fill.ceil_times(d)).sum::<i64>() <= budget);
    candidates[fitting - 1]
}

/// Step 3: the cheapest way to deliver `delivered` units with every area between its target and
/// its demand. Returns the quantity on each route.
fn cheapest_routing(instance: &Instance, targets: &[i64], delivered: i64) -> Vec<i64> {
    let Instance { nodes, supply, demand, routes, .. } = instance;
    if delivered == 0 {
        return vec![0; routes.len()];
    }
    let mut balance = vec![0; nodes.count()];
    balance[Nodes::SOURCE] = delivered;
    for area in 0..nodes.areas {
        balance[nodes.area(area)] = -targets[area];
    }
    balance[nodes.sink()] = -(delivered - targets.iter().sum::<i64>());
    let mut arcs: Vec<Arc> = routes
        .iter()
        .map(|r| Arc {
            tail: nodes.depot(r.depot),
            head: nodes.area(r.area),
            capacity: UNBOUNDED,
            cost: instance.weight(r.area) * i64::from(r.minutes),
        })
        .collect();
    arcs.extend((0..nodes.depots).filter(|&d| supply[d] > 0).map(|d| Arc {
        tail: Nodes::SOURCE,
        head: nodes.depot(d),
        capacity: supply[d],
        cost: 0,
    }));
    arcs.extend(instance.reachable_areas().map(|a| Arc {
        tail: nodes.area(a),
        head: nodes.sink(),
        capacity: demand[a] - targets[a],
        cost: 0,
    }));
    let mut flows = min_cost_flow(&balance, &arcs);
    flows.truncate(routes.len());
    flows
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    fn area(quantity: i64, tier: u8) -> AreaDemand {
        AreaDemand { quantity, tier, weight: 1 }
    }

    fn problem(supplies: &[i64], demands: &[AreaDemand], minutes: &[&[Option<u32>]]) -> ItemProblem {
        ItemProblem {
            supplies: supplies.to_vec(),
            demands: demands.to_vec(),
            minutes: minutes.iter().map(|row| row.to_vec()).collect(),
            deadline_minutes: 720,
        }
    }

    fn fills(plan: &ItemPlan) -> Vec<(u8, i64, i64)> {
        plan.tier_fill.iter().map(|t| (t.tier, t.min_fill.num, t.min_fill.den)).collect()
    }

    #[test]
    fn short_supply_is_split_fairly() {
        let plan =
            plan_item(&problem(&[12], &[area(10, 0), area(10, 0), area(4, 0)], &[&[Some(10), Some(20), Some(30)]]));
        assert_eq!(plan.allocated, [5, 5, 2]);
        assert_eq!(fills(&plan), [(0, 1, 2)]);
        assert_eq!(plan.total_delivered, 12);
        assert_eq!(plan.weighted_minutes, 5 * 10 + 5 * 20 + 2 * 30);
    }

    #[test]
    fn integer_targets_round_up_from_the_fill() {
        // λ = 1/2 would need 5 + 3 + 3 = 11 > 10; λ* = 2/5 gives targets 4, 2, 2 and the 2 units
        // left go to the nearest area.
        let plan =
            plan_item(&problem(&[10], &[area(10, 0), area(5, 0), area(5, 0)], &[&[Some(30), Some(10), Some(20)]]));
        assert_eq!(fills(&plan), [(0, 2, 5)]);
        assert_eq!(plan.allocated, [4, 4, 2]);
    }

    #[test]
    fn an_unreachable_area_is_reported_and_does_not_sink_its_tier() {
        let plan = plan_item(&problem(
            &[6, 0],
            &[area(4, 1), area(4, 1), area(5, 1)],
            &[&[Some(5), Some(5), None], &[None, None, Some(1)]],
        ));
        assert_eq!(plan.unreachable, [2]);
        assert_eq!(plan.allocated, [3, 3, 0]);
        assert_eq!(fills(&plan), [(1, 3, 4)]);
    }

    #[test]
    fn a_higher_tier_is_filled_first() {
        let plan = plan_item(&problem(&[10], &[area(8, 1), area(8, 2)], &[&[Some(5), Some(50)]]));
        assert_eq!(plan.allocated, [2, 8]);
        assert_eq!(fills(&plan), [(2, 1, 1), (1, 1, 4)]);
    }

    #[test]
    fn fair_shares_respect_which_depot_reaches_which_area() {
        // Totals say 20 units for 20 wanted, but area 1 can only be reached from depot 1.
        let plan = plan_item(&problem(&[10, 10], &[area(2, 0), area(18, 0)], &[&[Some(5), None], &[Some(5), Some(5)]]));
        assert_eq!(fills(&plan), [(0, 5, 9)]);
        assert_eq!(plan.allocated, [2, 10]);
        assert_eq!(
            plan.lines,
            [
                Line { depot: 0, area: 0, quantity: 2, minutes: 5, late: false },
                Line { depot: 1, area: 1, quantity: 10, minutes: 5, late: false },
            ]
        );
        assert_eq!(plan.bottlenecks, [1]);
    }

    #[test]
    fn nearer_depots_serve_first_and_weights_decide_who_gets_them() {
        let plan = plan_item(&problem(
            &[10, 10],
            &[area(5, 0), area(5, 0)],
            &[&[Some(10), Some(100)], &[Some(100), Some(10)]],
        ));
        let routes: Vec<(usize, usize, i64)> = plan.lines.iter().map(|l| (l.depot, l.area, l.quantity)).collect();
        assert_eq!(routes, [(0, 0, 5), (1, 1, 5)]);
        assert_eq!(plan.weighted_minutes, 100);

        let heavy = AreaDemand { quantity: 5, tier: 0, weight: 3 };
        let plan = plan_item(&problem(&[5, 5], &[area(5, 0), heavy], &[&[Some(10), Some(10)], &[Some(60), Some(60)]]));
        let routes: Vec<(usize, usize, i64)> = plan.lines.iter().map(|l| (l.depot, l.area, l.quantity)).collect();
        assert_eq!(routes, [(0, 1, 5), (1, 0, 5)]);
        assert_eq!(plan.weighted_minutes, 5 * 3 * 10 + 5 * 60);
    }

    #[test]
    fn lines_past_the_deadline_are_late() {
        let mut item = problem(&[3, 3], &[area(6, 0)], &[&[Some(30)], &[Some(45)]]);
        item.deadline_minutes = 30;
        let late: Vec<bool> = plan_item(&item).lines.iter().map(|l| l.late).collect();
        assert_eq!(late, [false, true]);
    }

    #[test]
    fn a_depot_that_runs_dry_while_its_areas_are_short_is_the_bottleneck() {
        let plan = plan_item(&problem(&[3, 20], &[area(10, 0), area(5, 0)], &[&[Some(5), None], &[None, Some(5)]]));
        assert_eq!(plan.allocated, [3, 5]);
        assert_eq!(plan.bottlenecks, [0]);
        assert_eq!(fills(&plan), [(0, 3, 10)]);
    }

    #[test]
    fn nothing_to_do_is_an_empty_plan() {
        let plan = plan_item(&problem(&[], &[area(5, 0)], &[]));
        assert_eq!((plan.lines.len(), plan.total_delivered, plan.unreachable.clone()), (0, 0, vec![0]));
        assert!(plan.tier_fill.is_empty());
        let plan = plan_item(&problem(&[5], &[area(0, 0), area(-2, 1)], &[&[Some(1), Some(1)]]));
        assert_eq!((plan.allocated, plan.unreachable, plan.tier_fill), (vec![0, 0], vec![], vec![]));
    }

    #[test]
    fn largest_fill_is_exact() {
        assert_eq!(largest_fill(&[10, 10, 4], 12), Ratio::new(1, 2));
        assert_eq!(largest_fill(&[10, 5, 5], 10), Ratio::new(2, 5));
        assert_eq!(largest_fill(&[7], 0), Ratio::new(0, 1));
        assert_eq!(largest_fill(&[3, 3], 6), Ratio::ONE);
        // 500,005 + ⌈500,005 × 999,983 / 1,000,003⌉ = 500,005 + 499,995
        assert_eq!(largest_fill(&[1_000_003, 999_983], 1_000_000), Ratio::new(500_005, 1_000_003));
    }

    /// The lexicographic key of a vector of area totals: per tier (highest first) its minimum fill
    /// over the reachable areas with demand, then the total.
    fn key(tiers: &[u8], demand: &[i64], eligible: &[bool], tier_of: &[u8], amounts: &[i64]) -> (Vec<Ratio>, i64) {
        let fills = tiers
            .iter()
            .map(|&tier| {
                (0..demand.len())
                    .filter(|&a| eligible[a] && tier_of[a] == tier)
                    .map(|a| Ratio::new(amounts[a], demand[a]))
                    .min()
                    .expect("a tier with areas")
            })
            .collect();
        (fills, amounts.iter().sum())
    }

    /// Cheapest way to give each area exactly `amounts`, by exhaustive search over depot splits
    /// (memoised on what the depots have left); None if impossible.
    fn cheapest(problem: &ItemProblem, supply: &[i64], amounts: &[i64]) -> Option<i64> {
        fn split(
            problem: &ItemProblem,
            amounts: &[i64],
            area: usize,
            depot: usize,
            left: &mut Vec<i64>,
            still: i64,
            memo: &mut HashMap<(usize, usize, Vec<i64>, i64), Option<i64>>,
        ) -> Option<i64> {
            if depot == left.len() {
                if still > 0 {
                    return None;
                }
                return if area + 1 == amounts.len() {
                    Some(0)
                } else {
                    split(problem, amounts, area + 1, 0, left, amounts[area + 1], memo)
                };
            }
            let state = (area, depot, left.clone(), still);
            if let Some(known) = memo.get(&state) {
                return *known;
            }
            let mut best: Option<i64> = None;
            let most = if problem.minutes[depot][area].is_some() { still.min(left[depot]) } else { 0 };
            for take in 0..=most {
                left[depot] -= take;
                let rest = split(problem, amounts, area, depot + 1, left, still - take, memo);
                left[depot] += take;
                if let Some(rest) = rest {
                    let cost =
                        take * problem.demands[area].weight * i64::from(problem.minutes[depot][area].unwrap_or(0));
                    best = Some(best.map_or(cost + rest, |b: i64| b.min(cost + rest)));
                }
            }
            memo.insert(state, best);
            best
        }
        if amounts.is_empty() {
            return Some(0);
        }
        split(problem, amounts, 0, 0, &mut supply.to_vec(), amounts[0], &mut HashMap::new())
    }

    /// Every integer allocation, checked against Hall's condition: (tier fills, total, cost).
    fn brute_force(problem: &ItemProblem) -> (Vec<TierFill>, i64, i64) {
        let supply: Vec<i64> = problem.supplies.iter().map(|s| (*s).max(0)).collect();
        let demand: Vec<i64> = problem.demands.iter().map(|d| d.quantity.max(0)).collect();
        let areas = demand.len();
        let reaches = |depot: usize, area: usize| supply[depot] > 0 && problem.minutes[depot][area].is_some();
        let eligible: Vec<bool> =
            (0..areas).map(|a| demand[a] > 0 && (0..supply.len()).any(|d| reaches(d, a))).collect();
        let tier_of: Vec<u8> = problem.demands.iter().map(|d| d.tier).collect();
        let mut tiers: Vec<u8> = (0..areas).filter(|&a| eligible[a]).map(|a| tier_of[a]).collect();
        tiers.sort_unstable_by(|a, b| b.cmp(a));
        tiers.dedup();
        let feasible = |amounts: &[i64]| {
            (0u32..1 << areas).all(|subset| {
                let inside = |a: usize| subset & (1 << a) != 0;
                let wanted: i64 = (0..areas).filter(|&a| inside(a)).map(|a| amounts[a]).sum();
                let held: i64 = (0..supply.len())
                    .filter(|&d| (0..areas).any(|a| inside(a) && reaches(d, a)))
                    .map(|d| supply[d])
                    .sum();
                wanted <= held
            })
        };
        let mut best: Option<(Vec<Ratio>, i64)> = None;
        let mut best_amounts: Vec<Vec<i64>> = Vec::new();
        let mut amounts = vec![0; areas];
        loop {
            if feasible(&amounts) {
                let this = key(&tiers, &demand, &eligible, &tier_of, &amounts);
                match best.as_ref().map(|b| this.cmp(b)) {
                    None | Some(Ordering::Greater) => {
                        best = Some(this);
                        best_amounts = vec![amounts.clone()];
                    }
                    Some(Ordering::Equal) => best_amounts.push(amounts.clone()),
                    Some(Ordering::Less) => {}
                }
            }
            // the next vector of amounts, odometer style
            let Some(a) = (0..areas).find(|&a| amounts[a] < demand[a]) else { break };
            amounts[a] += 1;
            for lower in &mut amounts[..a] {
                *lower = 0;
            }
        }
        let (fills, total) = best.expect("zero amounts are always feasible");
        let cost =
            best_amounts.iter().filter_map(|amounts| cheapest(problem, &supply, amounts)).min().expect("feasible");
        let tier_fill = tiers.iter().zip(fills).map(|(&tier, min_fill)| TierFill { tier, min_fill }).collect();
        (tier_fill, total, cost)
    }

    /// Checks the plan's own consistency and returns the targets its tier fills imply.
    fn check_plan(problem: &ItemProblem, plan: &ItemPlan) -> Result<(), TestCaseError> {
        let (depots, areas) = (problem.supplies.len(), problem.demands.len());
        let mut shipped = vec![0; depots];
        let mut received = vec![0; areas];
        let mut weighted = 0;
        for line in &plan.lines {
            prop_assert!(line.quantity > 0);
            prop_assert_eq!(Some(line.minutes), problem.minutes[line.depot][line.area]);
            prop_assert_eq!(line.late, line.minutes > problem.deadline_minutes);
            shipped[line.depot] += line.quantity;
            received[line.area] += line.quantity;
            weighted += line.quantity * problem.demands[line.area].weight * i64::from(line.minutes);
        }
        for (shipped, supply) in shipped.iter().zip(&problem.supplies) {
            prop_assert!(*shipped <= (*supply).max(0));
        }
        for (received, demand) in received.iter().zip(&problem.demands) {
            prop_assert!(*received <= demand.quantity.max(0));
        }
        prop_assert_eq!(&received, &plan.allocated);
        prop_assert_eq!(received.iter().sum::<i64>(), plan.total_delivered);
        prop_assert_eq!(weighted, plan.weighted_minutes);
        for fill in &plan.tier_fill {
            let actual = (0..areas)
                .filter(|&a| {
                    problem.demands[a].tier == fill.tier
                        && problem.demands[a].quantity > 0
                        && !plan.unreachable.contains(&a)
                })
                .map(|a| Ratio::new(plan.allocated[a], problem.demands[a].quantity))
                .min();
            prop_assert_eq!(actual, Some(fill.min_fill));
        }
        Ok(())
    }

    /// Certificates for the later steps on instances too big to enumerate: with every area held
    /// between its target and its demand, no path from the source can deliver more (step 2) and
    /// no cycle of residual arcs is cheaper (step 3).
    fn check_optimal_given_fills(problem: &ItemProblem, plan: &ItemPlan) -> Result<(), TestCaseError> {
        let (depots, areas) = (problem.supplies.len(), problem.demands.len());
        let nodes = Nodes { depots, areas };
        let fill_of =
            |tier: u8| plan.tier_fill.iter().find(|t| t.tier == tier).map_or(Ratio::new(0, 1), |t| t.min_fill);
        let mut residual: Vec<(usize, usize, i64)> = Vec::new();
        let mut shipped = vec![0; depots];
        let mut on_route = HashMap::new();
        for line in &plan.lines {
            shipped[line.depot] += line.quantity;
            on_route.insert((line.depot, line.area), line.quantity);
        }
        for (depot, &sent) in shipped.iter().enumerate() {
            if sent < problem.supplies[depot] {
                residual.push((Nodes::SOURCE, nodes.depot(depot), 0));
            }
            if sent > 0 {
                residual.push((nodes.depot(depot), Nodes::SOURCE, 0));
            }
            for area in 0..areas {
                let (Some(minutes), true) = (problem.minutes[depot][area], problem.supplies[depot] > 0) else {
                    continue;
                };
                let cost = problem.demands[area].weight * i64::from(minutes);
                residual.push((nodes.depot(depot), nodes.area(area), cost));
                if on_route.get(&(depot, area)).is_some_and(|q| *q > 0) {
                    residual.push((nodes.area(area), nodes.depot(depot), -cost));
                }
            }
        }
        for area in 0..areas {
            let demand = problem.demands[area];
            let target = if plan.unreachable.contains(&area) {
                0
            } else {
                fill_of(demand.tier).ceil_times(demand.quantity.max(0))
            };
            prop_assert!(plan.allocated[area] >= target);
            if plan.allocated[area] < demand.quantity {
                residual.push((nodes.area(area), nodes.sink(), 0));
            }
            if plan.allocated[area] > target {
                residual.push((nodes.sink(), nodes.area(area), 0));
            }
        }
        // Step 2: the sink cannot be reached from the source without passing through it.
        let mut reached = vec![false; nodes.count()];
        reached[Nodes::SOURCE] = true;
        let mut stack = vec![Nodes::SOURCE];
        while let Some(u) = stack.pop() {
            for &(from, to, _) in &residual {
                if from == u && !reached[to] {
                    reached[to] = true;
                    if to != nodes.sink() {
                        stack.push(to);
                    }
                }
            }
        }
        prop_assert!(!reached[nodes.sink()], "more could be delivered");
        // Step 3: Bellman–Ford from all nodes at once finds no negative cycle.
        let mut distance = vec![0i64; nodes.count()];
        let settled = (0..nodes.count()).any(|_| {
            let mut changed = false;
            for &(from, to, cost) in &residual {
                if distance[from] + cost < distance[to] {
                    distance[to] = distance[from] + cost;
                    changed = true;
                }
            }
            !changed
        });
        prop_assert!(settled, "a cheaper routing exists");
        Ok(())
    }

    fn medium_problems() -> impl Strategy<Value = ItemProblem> {
        (2usize..=8, 5usize..=30).prop_flat_map(|(depots, areas)| {
            let demand = (0i64..=60, 0u8..3, 1i64..=4).prop_map(|(quantity, tier, weight)| AreaDemand {
                quantity,
                tier,
                weight,
            });
            let minutes = prop::option::weighted(0.8, 1u32..=300);
            (
                prop::collection::vec(0i64..=150, depots),
                prop::collection::vec(demand, areas),
                prop::collection::vec(prop::collection::vec(minutes, areas), depots),
            )
                .prop_map(|(supplies, demands, minutes)| ItemProblem {
                    supplies,
                    demands,
                    minutes,
                    deadline_minutes: 120,
                })
        })
    }

    fn small_problems() -> impl Strategy<Value = ItemProblem> {
        (1usize..=3, 1usize..=4, 1u8..=2).prop_flat_map(|(depots, areas, tiers)| {
            let demand = (0i64..=6, 0..tiers, 1i64..=3).prop_map(|(quantity, tier, weight)| AreaDemand {
                quantity,
                tier,
                weight,
            });
            let minutes = prop::option::weighted(0.75, 1u32..=60);
            (
                prop::collection::vec(0i64..=6, depots),
                prop::collection::vec(demand, areas),
                prop::collection::vec(prop::collection::vec(minutes, areas), depots),
                0u32..=60,
            )
                .prop_map(|(supplies, demands, minutes, deadline_minutes)| ItemProblem {
                    supplies,
                    demands,
                    minutes,
                    deadline_minutes,
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn largest_fill_is_the_best_fraction_that_fits(demands in prop::collection::vec(1i64..=12, 1..=5), share in 0i64..=100) {
            let budget = demands.iter().sum::<i64>() * share / 100;
            let fits = |fill: &Ratio| demands.iter().map(|&d| fill.ceil_times(d)).sum::<i64>() <= budget;
            let best = demands.iter().flat_map(|&d| (0..=d).map(move |k| Ratio::new(k, d))).filter(fits).max();
            prop_assert_eq!(Some(largest_fill(&demands, budget)), best);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn agrees_with_brute_force_on_small_instances(problem in small_problems()) {
            let plan = plan_item(&problem);
            check_plan(&problem, &plan)?;
            let (tier_fill, total, cost) = brute_force(&problem);
            prop_assert_eq!(&plan.tier_fill, &tier_fill);
            prop_assert_eq!(plan.total_delivered, total);
            prop_assert_eq!(plan.weighted_minutes, cost);
            prop_assert_eq!(plan_item(&problem), plan);
        }

        #[test]
        fn medium_instances_deliver_the_most_at_the_least_cost(problem in medium_problems()) {
            let plan = plan_item(&problem);
            check_plan(&problem, &plan)?;
            check_optimal_given_fills(&problem, &plan)?;
        }
    }
}
