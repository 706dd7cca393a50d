//! The exact allocation planner: for one item, how much each depot sends to each area. Pure: no
//! I/O; items are independent problems.
//!
//! The objective is lexicographic and exact on integers (docs/domain/planning.md):
//! 1. Fairness, by the plan's [`Policy`]. Strict tiers: tier by tier from the highest, the tier's
//!    areas are raised evenly; weighted: all areas together, each area's fill divided by its
//!    weight. Raising evenly is progressive filling (leximin with rounding): the free areas rise to
//!    the largest common level λ for which some flow gives every one of them its target
//!    min(D_a, ⌈λ·s_a⌉) (s_a = D_a for strict tiers, D_a × weight for weighted); the bottleneck
//!    that stops them (the areas behind the minimum cut) is fixed at those targets, and the others
//!    rise on from there, until every area is fixed. **Rounding rule:** a target is the ceiling
//!    of the level times the area's scale, and λ is one of the fractions k/s_a, so the first level
//!    of each tier (or of the weighted plan) is exactly the best minimum any integer plan reaches.
//!    Unreachable areas (demand, but no route from any depot with stock) are reported and do not
//!    hold anyone back.
//! 2. Then the most delivered in total, every area between its target and its demand. (Every
//!    policy delivers the same total: a flow that meets the targets extends to a maximum flow.)
//! 3. Then the least priority-weighted travel time, Σ quantity × weight × minutes.
//!
//! Methods. Whether targets can be met is a max-flow question (source → depot: its supply;
//! depot → area where a route exists; area → sink: its target), answered by Dinic's algorithm;
//! fair targets computed from totals alone may not be routable, and the flow is what settles it.
//! λ comes from Newton's method on cuts: start with every free area full; while the targets
//! cannot be met, the minimum cut names areas whose targets exceed what the depots reaching them
//! hold, and the next λ is the largest fraction at which those areas fit (an exact
//! one-dimensional search). Every feasible λ fits that cut too, so the steps never pass the best
//! level, and they strictly decrease, so a few max-flows settle it; each round starts from the
//! previous round's flow. Step 2 continues that flow with the area capacities raised to the
//! demands. Step 3 is a min-cost flow with fixed node balances (the source sends the step-2
//! total, each area takes its target, the rest runs over area → sink arcs capped at demand −
//! target), solved by network simplex.
//!
//! Among equally good plans the choice depends only on the input and its order, so the same
//! problem always gives the same plan; lines come ordered by depot, then area. A plan started
//! from an earlier plan's [`Routing`] (planning again after a change) reaches the same optimum,
//! and among equally good routings the one its start leads to
//! (docs/domain/planning.md#planning-again).

mod maxflow;
mod simplex;

use std::cmp::Ordering;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use maxflow::FlowNetwork;
use simplex::{Arc, Basis, MinCostFlow, UNBOUNDED};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemProblem {
    /// Units available per depot (negative counts as none).
    pub supplies: Vec<i64>,
    pub demands: Vec<AreaDemand>,
    /// Depot × area travel time; None where there is no route.
    pub minutes: Vec<Vec<Option<u32>>>,
    /// Lines that take longer are marked late.
    pub deadline_minutes: u32,
    #[serde(default)]
    pub policy: Policy,
}

/// How a plan weighs the areas against each other (docs/domain/planning.md#policy).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Tier by tier from the highest: a tier's areas are raised evenly as far as the stock and the
    /// roads allow before any lower tier receives anything.
    #[default]
    StrictTiers,
    /// All areas together: each area's fill divided by its `fill_weight` is raised evenly, so the
    /// worst-hit are served first without the rest starving.
    Weighted,
    /// No fairness: the most delivered at the least travel time (the yardstick for what fairness costs).
    MostDelivered,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaDemand {
    /// Units wanted (negative counts as none).
    pub quantity: i64,
    /// Higher tiers are served first.
    pub tier: u8,
    /// How much a minute of this area's travel time counts; below 1 counts as 1.
    pub weight: i64,
    /// Weighted policy: the area's fill counts as fill ÷ (fill_weight / 1,000), so 1,000 is full
    /// weight; values outside 1..=1,000 count as the nearest end.
    #[serde(default = "full_weight")]
    pub fill_weight: i64,
}

/// The weight of an area the weighted policy does not discount.
pub const FULL_WEIGHT: i64 = 1_000;

fn full_weight() -> i64 {
    FULL_WEIGHT
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemPlan {
    pub lines: Vec<Line>,
    /// Units per area.
    pub allocated: Vec<i64>,
    /// The units fairness held each area to (step 1's targets); the rest went by total and time.
    pub fair_floor: Vec<i64>,
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
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
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
    plan_item_from(problem, None).0
}

/// Plans one item as [`plan_item`] does, its cheapest routing started from `previous` (the routing
/// a plan of this item ended with before the roads, stock or demand changed) instead of from
/// nothing: the same optimum, usually in far fewer pivots, and among equally good routings the
/// one nearer the previous plan. Answers the routing this plan ended with, for the next time
/// (none when nothing is delivered).
pub fn plan_item_from(problem: &ItemProblem, previous: Option<&Routing>) -> (ItemPlan, Option<Routing>) {
    plan_with_candidates(problem, CANDIDATES_PER_AREA, previous)
}

/// Where a plan's cheapest routing (step 3) ended: its simplex basis and the routes it held, by
/// depot and area. Only a starting point for another plan: any routing of any problem gives the
/// same optimum.
pub struct Routing {
    basis: Basis,
    routes: Vec<(u32, u32)>,
}

impl Routing {
    /// The memory it holds, to bound how many are kept.
    pub fn bytes(&self) -> usize {
        self.basis.bytes() + self.routes.len() * size_of::<(u32, u32)>()
    }
}

/// How many of its nearest depots each area starts with as routes; others are priced in when a
/// cut or the potentials show they matter. Each simplex round costs a pass over the whole tree, so
/// fewer rounds beat fewer routes: at province scale 8 per area, with up to 3 routes per area
/// priced in each round, was the fastest of 4, 8 and 16 with 1, 3 and 8 (docs/PERFORMANCE.md).
const CANDIDATES_PER_AREA: usize = 8;
const ENTERING_PER_AREA: usize = 3;

fn plan_with_candidates(
    problem: &ItemProblem,
    candidates_per_area: usize,
    previous: Option<&Routing>,
) -> (ItemPlan, Option<Routing>) {
    let instance = Instance::new(problem, candidates_per_area);
    let Instance { nodes, supply, demand, reachable, .. } = &instance;
    let mut flows = Flows::new(&instance);
    let targets = flows.fair_targets(&instance);
    let delivered = flows.most_delivered(&instance);
    let mut routes = flows.routes;
    let (quantities, routing) = cheapest_routing(&instance, &mut routes, &targets, delivered, previous);

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
    lines.sort_unstable_by_key(|line| (line.depot, line.area));
    let unreachable = (0..nodes.areas).filter(|&a| demand[a] > 0 && !reachable[a]).collect();
    let short: Vec<usize> = instance.reachable_areas().filter(|&a| allocated[a] < demand[a]).collect();
    let bottlenecks = (0..nodes.depots)
        .filter(|&depot| supply[depot] > 0 && shipped[depot] == supply[depot])
        .filter(|&depot| short.iter().any(|&area| problem.minutes[depot][area].is_some()))
        .collect();
    let tier_fill = instance
        .tiers()
        .into_iter()
        .map(|tier| TierFill {
            tier,
            min_fill: instance
                .reachable_areas()
                .filter(|&a| problem.demands[a].tier == tier)
                .map(|a| Ratio::new(allocated[a], demand[a]))
                .min()
                .expect("a tier has areas"),
        })
        .collect();
    let plan = ItemPlan {
        lines,
        allocated,
        fair_floor: targets,
        tier_fill,
        total_delivered: delivered,
        weighted_minutes,
        unreachable,
        bottlenecks,
    };
    (plan, routing)
}

/// The problem with negative quantities read as zero, and the routes each area starts with.
///
/// Only routes from a depot with stock to an area with demand can carry anything. A province
/// has millions of them, so the flows hold a few per area (the nearest depots) and price in the
/// others: a minimum cut is trusted only when no route crosses it, and the cheapest routing only
/// when no route has a negative reduced cost (docs/domain/planning.md#scale).
struct Instance<'a> {
    problem: &'a ItemProblem,
    nodes: Nodes,
    supply: Vec<i64>,
    demand: Vec<i64>,
    /// Per area: what a minute of travel to it costs (its weight, at least 1).
    weights: Vec<i64>,
    /// The nearest depots of each area, ordered by depot, then area.
    candidates: Vec<Route>,
    /// Per area: has demand and at least one route.
    reachable: Vec<bool>,
    /// No route costs more (weight × minutes).
    cost_bound: i64,
}

impl<'a> Instance<'a> {
    fn new(problem: &'a ItemProblem, candidates_per_area: usize) -> Self {
        let nodes = Nodes { depots: problem.supplies.len(), areas: problem.demands.len() };
        assert_eq!(problem.minutes.len(), nodes.depots, "one row of minutes per depot");
        assert!(problem.minutes.iter().all(|row| row.len() == nodes.areas), "one column of minutes per area");
        let supply: Vec<i64> = problem.supplies.iter().map(|s| (*s).max(0)).collect();
        let demand: Vec<i64> = problem.demands.iter().map(|d| d.quantity.max(0)).collect();
        let wanted: Vec<usize> = (0..nodes.areas).filter(|&a| demand[a] > 0).collect();
        let weights = problem.demands.iter().map(|d| d.weight.max(1)).collect();
        let reachable = vec![false; nodes.areas];
        let mut instance =
            Self { problem, nodes, supply, demand, weights, candidates: Vec::new(), reachable, cost_bound: 0 };
        // The scan for the nearest depots sees every route, so it also finds the longest.
        let longest = std::cell::Cell::new(0);
        let mut candidates = instance.best_routes(
            |_| true,
            &wanted,
            candidates_per_area,
            i64::MAX,
            |r| {
                longest.set(longest.get().max(r.minutes));
                i64::from(r.minutes)
            },
        );
        instance.cost_bound = i64::from(longest.get()) * wanted.iter().map(|&a| instance.weight(a)).max().unwrap_or(1);
        for route in &candidates {
            instance.reachable[route.area] = true;
        }
        candidates.sort_unstable_by_key(|r| (r.depot, r.area));
        instance.candidates = candidates;
        instance
    }

    fn weight(&self, area: usize) -> i64 {
        self.weights[area]
    }

    fn cost(&self, route: &Route) -> i64 {
        self.weight(route.area) * i64::from(route.minutes)
    }

    /// Per area of `areas`, the `per_area` routes from a depot with stock (among the depots `from`
    /// allows) with the lowest `score` under `below`, ties to the lower depot: the whole routing
    /// table is scanned, row by row, so each cell costs one score and one comparison with the bar
    /// its area has set so far.
    fn best_routes(
        &self,
        from: impl Fn(usize) -> bool,
        areas: &[usize],
        per_area: usize,
        below: i64,
        score: impl Fn(&Route) -> i64,
    ) -> Vec<Route> {
        let mut best: Vec<Vec<(i64, Route)>> = vec![Vec::new(); areas.len()];
        // What a route must score under to be held: `below`, then the worst held once full.
        let mut bar = vec![below; areas.len()];
        for depot in (0..self.nodes.depots).filter(|&d| self.supply[d] > 0 && from(d)) {
            let row = &self.problem.minutes[depot];
            for ((held, bar), &area) in best.iter_mut().zip(&mut bar).zip(areas) {
                let Some(minutes) = row[area] else { continue };
                let route = Route { depot, area, minutes };
                let route_score = score(&route);
                if route_score >= *bar {
                    continue;
                }
                let at = held.partition_point(|(held_score, _)| *held_score <= route_score);
                held.insert(at, (route_score, route));
                held.truncate(per_area);
                if held.len() == per_area {
                    *bar = held[per_area - 1].0;
                }
            }
        }
        best.into_iter().flatten().map(|(_, route)| route).collect()
    }

    fn reachable_areas(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.nodes.areas).filter(|&a| self.reachable[a])
    }

    /// The tiers of the reachable areas, highest first.
    fn tiers(&self) -> Vec<u8> {
        let mut tiers: Vec<u8> = self.reachable_areas().map(|a| self.problem.demands[a].tier).collect();
        tiers.sort_unstable_by(|a, b| b.cmp(a));
        tiers.dedup();
        tiers
    }

    /// A reachable area as the fairness step raises it: by fill (strict tiers) or by fill ÷ weight.
    fn share(&self, area: usize) -> Share {
        let demand = self.demand[area];
        let scale = match self.problem.policy {
            Policy::Weighted => demand * self.problem.demands[area].fill_weight.clamp(1, FULL_WEIGHT),
            Policy::StrictTiers | Policy::MostDelivered => demand,
        };
        Share { area, demand, scale }
    }
}

/// An area in the fairness step: at level λ its target is min(demand, ⌈λ·scale⌉).
#[derive(Debug, Clone, Copy)]
struct Share {
    area: usize,
    demand: i64,
    scale: i64,
}

impl Share {
    fn target(self, level: Ratio) -> i64 {
        level.ceil_times(self.scale).min(self.demand)
    }

    /// The lowest level at which the area has all it wants.
    fn full(self) -> Ratio {
        Ratio::new(self.demand, self.scale)
    }
}

#[derive(Debug, Clone, Copy)]
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
    /// The routes the network holds: the candidates, then those priced in.
    routes: Vec<Route>,
}

impl Flows {
    fn new(instance: &Instance) -> Self {
        let Instance { nodes, supply, candidates, .. } = instance;
        let mut arcs: Vec<(usize, usize, i64)> = (0..nodes.depots)
            .filter(|&depot| supply[depot] > 0)
            .map(|depot| (Nodes::SOURCE, nodes.depot(depot), supply[depot]))
            .collect();
        let mut sink_arc = vec![usize::MAX; nodes.areas];
        for area in instance.reachable_areas() {
            sink_arc[area] = arcs.len();
            arcs.push((nodes.area(area), nodes.sink(), 0));
        }
        arcs.extend(candidates.iter().map(|r| (nodes.depot(r.depot), nodes.area(r.area), UNBOUNDED)));
        let network = FlowNetwork::new(nodes.count(), &arcs);
        Self { network, sink_arc, routes: candidates.clone() }
    }

    /// The source side of the minimum cut of the current maximum flow, if no route outside the
    /// network crosses it; otherwise the crossing routes (the nearest per cut-off area), with
    /// which the flow can grow.
    fn minimum_cut(&self, instance: &Instance) -> Result<Vec<bool>, Vec<Route>> {
        let nodes = instance.nodes;
        let source_side = self.network.reachable_from(Nodes::SOURCE);
        let cut_off: Vec<usize> = instance.reachable_areas().filter(|&a| !source_side[nodes.area(a)]).collect();
        let crossing =
            instance.best_routes(|d| source_side[nodes.depot(d)], &cut_off, 1, i64::MAX, |r| i64::from(r.minutes));
        if crossing.is_empty() { Ok(source_side) } else { Err(crossing) }
    }

    /// Adds routes to the network with no flow.
    fn add_routes(&mut self, nodes: Nodes, routes: Vec<Route>) {
        let arcs: Vec<_> = routes.iter().map(|r| (nodes.depot(r.depot), nodes.area(r.area), UNBOUNDED)).collect();
        self.network.add_arcs(&arcs);
        self.routes.extend(routes);
    }

    /// Step 1: the targets fairness fixes, by the problem's policy. Leaves a flow that meets them.
    fn fair_targets(&mut self, instance: &Instance) -> Vec<i64> {
        let mut targets = vec![0; instance.nodes.areas];
        match instance.problem.policy {
            Policy::StrictTiers => {
                for tier in instance.tiers() {
                    let members = instance.reachable_areas().filter(|&a| instance.problem.demands[a].tier == tier);
                    self.raise_evenly(instance, members.map(|a| instance.share(a)).collect(), &mut targets);
                }
            }
            Policy::Weighted => {
                let members = instance.reachable_areas().map(|a| instance.share(a)).collect();
                self.raise_evenly(instance, members, &mut targets);
            }
            Policy::MostDelivered => {}
        }
        targets
    }

    /// Progressive filling: the free areas rise together to the highest level the flow allows;
    /// the bottleneck that stops them is fixed there and the rest rise on. Fixes `targets` for
    /// every area of `free`, keeping the targets already fixed.
    fn raise_evenly(&mut self, instance: &Instance, mut free: Vec<Share>, targets: &mut [i64]) {
        let Instance { nodes, supply, .. } = instance;
        while !free.is_empty() {
            let mut met_so_far = self.network.snapshot();
            let mut level = free.iter().map(|s| s.full()).max().expect("free areas");
            let mut bottleneck: Option<Vec<bool>> = None;
            loop {
                for share in &free {
                    self.network.set_capacity(self.sink_arc[share.area], share.target(level));
                }
                self.network.augment(Nodes::SOURCE, nodes.sink());
                if free.iter().all(|s| self.network.flow(self.sink_arc[s.area]) >= s.target(level)) {
                    break;
                }
                // The areas the minimum cut separates from the source need more than their depots
                // hold; unless a route outside the network crosses the cut: then it is priced in
                // and the same level tried again.
                let source_side = match self.minimum_cut(instance) {
                    Ok(source_side) => source_side,
                    Err(crossing) => {
                        self.network.restore(&met_so_far);
                        self.add_routes(*nodes, crossing);
                        met_so_far = self.network.snapshot();
                        continue;
                    }
                };
                let held: i64 = (0..nodes.depots).filter(|&d| !source_side[nodes.depot(d)]).map(|d| supply[d]).sum();
                let fixed: i64 = (0..nodes.areas).filter(|&a| !source_side[nodes.area(a)]).map(|a| targets[a]).sum();
                let cut: Vec<Share> = free.iter().filter(|s| !source_side[nodes.area(s.area)]).copied().collect();
                level = largest_fill(&cut, held - fixed);
                let mut behind = vec![false; nodes.areas];
                for share in &cut {
                    behind[share.area] = true;
                }
                bottleneck = Some(behind);
                self.network.restore(&met_so_far);
            }
            // Without a bottleneck every free area is full.
            let stops = |share: &Share| bottleneck.as_ref().is_none_or(|behind| behind[share.area]);
            for share in free.iter().filter(|s| stops(s)) {
                targets[share.area] = share.target(level);
            }
            free.retain(|s| !stops(s));
        }
    }

    /// Step 2: raises every area's capacity to its demand and fills up; returns the total.
    fn most_delivered(&mut self, instance: &Instance) -> i64 {
        for area in instance.reachable_areas() {
            self.network.set_capacity(self.sink_arc[area], instance.demand[area]);
        }
        loop {
            self.network.augment(Nodes::SOURCE, instance.nodes.sink());
            match self.minimum_cut(instance) {
                Ok(_) => break,
                Err(crossing) => self.add_routes(instance.nodes, crossing),
            }
        }
        instance.reachable_areas().map(|a| self.network.flow(self.sink_arc[a])).sum()
    }
}

/// The largest level λ among the fractions k/scale of `shares` (and their full levels) with
/// Σ min(D, ⌈λ·scale⌉) ≤ `budget` (≥ 0); the highest full level when everything fits.
fn largest_fill(shares: &[Share], budget: i64) -> Ratio {
    let needed = |level: Ratio| shares.iter().map(|s| s.target(level)).sum::<i64>();
    let mut fulls: Vec<Ratio> = shares.iter().map(|s| s.full()).collect();
    fulls.sort_unstable();
    fulls.dedup();
    // The sum stops growing where an area becomes full; find the stretch [floor, ceiling) between
    // two such levels that holds the answer.
    let mut floor = Ratio::ZERO;
    let Some(ceiling) = fulls.into_iter().find(|&full| {
        let over = needed(full) > budget;
        if !over {
            floor = full;
        }
        over
    }) else {
        return floor;
    };
    // Within it the full areas count their demand and the rising ones ⌈λ·scale⌉, whose sum lies in
    // [λ·S, λ·S + n): so λ lies in a narrow range, and as the sum only steps up just after the
    // fractions k/scale, it is one of those in the range (or the floor itself).
    let rising: Vec<&Share> = shares.iter().filter(|s| s.full() > floor).collect();
    let left = budget - shares.iter().filter(|s| s.full() <= floor).map(|s| s.demand).sum::<i64>();
    let scale: i64 = rising.iter().map(|s| s.scale).sum();
    let low = floor.max(Ratio::new((left - rising.len() as i64).max(0), scale));
    let high = Ratio::new(left, scale);
    let mut candidates: Vec<Ratio> = rising
        .iter()
        .flat_map(|s| (low.ceil_times(s.scale)..=high.floor_times(s.scale)).map(move |k| Ratio::new(k, s.scale)))
        .filter(|&level| level < ceiling)
        .chain([floor])
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let fitting = candidates.partition_point(|&level| needed(level) <= budget);
    candidates[fitting - 1]
}

/// Step 3: the cheapest way to deliver `delivered` units with every area between its target and
/// its demand, over `routes` (those that carried the max flow) and any other route that would
/// lower the cost, priced in until none would (which proves the routing optimal over all routes).
/// Started from `previous`, whose routes (those that still exist) are held too. Returns the
/// quantity on each route, `routes` extended by those priced in, and the routing it ended with.
fn cheapest_routing(
    instance: &Instance,
    routes: &mut Vec<Route>,
    targets: &[i64],
    delivered: i64,
    previous: Option<&Routing>,
) -> (Vec<i64>, Option<Routing>) {
    let Instance { nodes, supply, demand, reachable, .. } = instance;
    if delivered == 0 {
        return (vec![0; routes.len()], None);
    }
    if let Some(previous) = previous {
        let held: HashSet<(usize, usize)> = routes.iter().map(|r| (r.depot, r.area)).collect();
        let again = previous.routes.iter().map(|&(depot, area)| (depot as usize, area as usize));
        routes.extend(again.filter(|key| !held.contains(key)).filter_map(|(depot, area)| {
            let minutes = instance.problem.minutes.get(depot)?.get(area).copied().flatten()?;
            (supply[depot] > 0 && reachable[area]).then_some(Route { depot, area, minutes })
        }));
    }
    let mut balance = vec![0; nodes.count()];
    balance[Nodes::SOURCE] = delivered;
    for area in 0..nodes.areas {
        balance[nodes.area(area)] = -targets[area];
    }
    balance[nodes.sink()] = -(delivered - targets.iter().sum::<i64>());
    let route_arc = |r: &Route| Arc {
        tail: nodes.depot(r.depot),
        head: nodes.area(r.area),
        capacity: UNBOUNDED,
        cost: instance.cost(r),
    };
    let mut arcs: Vec<Arc> = (0..nodes.depots)
        .filter(|&d| supply[d] > 0)
        .map(|d| Arc { tail: Nodes::SOURCE, head: nodes.depot(d), capacity: supply[d], cost: 0 })
        .collect();
    arcs.extend(instance.reachable_areas().map(|a| Arc {
        tail: nodes.area(a),
        head: nodes.sink(),
        capacity: demand[a] - targets[a],
        cost: 0,
    }));
    let first_route = arcs.len();
    arcs.extend(routes.iter().map(route_arc));
    let mut solver = match previous {
        Some(previous) => MinCostFlow::resume(&previous.basis, &balance, &arcs, instance.cost_bound),
        None => MinCostFlow::new(&balance, &arcs, instance.cost_bound),
    };
    let areas: Vec<usize> = instance.reachable_areas().collect();
    loop {
        solver.solve();
        let reduced = |r: &Route| solver.reduced_cost(nodes.depot(r.depot), nodes.area(r.area), instance.cost(r));
        let entering: Vec<Route> = instance.best_routes(|_| true, &areas, ENTERING_PER_AREA, 0, reduced);
        if entering.is_empty() {
            break;
        }
        solver.add_arcs(&entering.iter().map(route_arc).collect::<Vec<_>>());
        routes.extend(entering);
    }
    let quantities = (0..routes.len()).map(|r| solver.flow(first_route + r)).collect();
    let held = routes.iter().map(|r| (r.depot as u32, r.area as u32)).collect();
    (quantities, Some(Routing { basis: solver.basis(), routes: held }))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    fn area(quantity: i64, tier: u8) -> AreaDemand {
        AreaDemand { quantity, tier, weight: 1, fill_weight: FULL_WEIGHT }
    }

    fn weighted(quantity: i64, fill_weight: i64) -> AreaDemand {
        AreaDemand { quantity, tier: 0, weight: 1, fill_weight }
    }

    fn problem(supplies: &[i64], demands: &[AreaDemand], minutes: &[&[Option<u32>]]) -> ItemProblem {
        ItemProblem {
            supplies: supplies.to_vec(),
            demands: demands.to_vec(),
            minutes: minutes.iter().map(|row| row.to_vec()).collect(),
            deadline_minutes: 720,
            policy: Policy::StrictTiers,
        }
    }

    fn with_policy(policy: Policy, problem: ItemProblem) -> ItemProblem {
        ItemProblem { policy, ..problem }
    }

    fn shares(demands: &[i64]) -> Vec<Share> {
        demands.iter().enumerate().map(|(area, &demand)| Share { area, demand, scale: demand }).collect()
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

        let heavy = AreaDemand { quantity: 5, tier: 0, weight: 3, fill_weight: FULL_WEIGHT };
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
    fn after_the_minimum_the_next_worst_areas_rise_as_far_as_they_can() {
        // Depot 0 alone reaches area 0 and holds 2 for its 10 (fill 1/5); depot 1's 12 serve
        // areas 1 and 2 equally (6 each) instead of stopping them at 1/5 and sending the rest
        // to the nearer one.
        let plan = plan_item(&problem(
            &[2, 12],
            &[area(10, 0), area(10, 0), area(10, 0)],
            &[&[Some(5), None, None], &[None, Some(5), Some(50)]],
        ));
        assert_eq!(plan.allocated, [2, 6, 6]);
        assert_eq!(plan.fair_floor, [2, 6, 6]);
        assert_eq!(fills(&plan), [(0, 1, 5)]);
        // Pure most-delivered-soonest sends depot 1's 12 to the nearer area instead.
        let fastest = plan_item(&with_policy(
            Policy::MostDelivered,
            problem(
                &[2, 12],
                &[area(10, 0), area(10, 0), area(10, 0)],
                &[&[Some(5), None, None], &[None, Some(5), Some(50)]],
            ),
        ));
        assert_eq!(fastest.allocated, [2, 10, 2]);
        assert_eq!(fastest.total_delivered, plan.total_delivered);
        assert!(fastest.weighted_minutes < plan.weighted_minutes);
    }

    #[test]
    fn a_strict_tier_is_raised_evenly_before_the_next_receives_anything() {
        // Tier 1 takes 12 of 16 in two equal halves; tier 0 gets the 4 left.
        let plan =
            plan_item(&problem(&[16], &[area(6, 1), area(6, 1), area(10, 0)], &[&[Some(50), Some(90), Some(5)]]));
        assert_eq!(plan.allocated, [6, 6, 4]);
    }

    #[test]
    fn weighted_serves_the_worst_hit_first_without_starving_the_rest() {
        // 10 units for two areas of 10: strict tiers give the Ⅰ-level area all 10; weighted with
        // 1.0 against 0.6 raises fill ÷ weight evenly: fill ÷ weight = 5/8 would need 6.25 and
        // 3.75, rounded up 7 + 4 > 10, so it settles at 3/5: 6 and 4 (fills 3/5 and 2/5).
        let demands = [AreaDemand { tier: 4, ..weighted(10, 1_000) }, AreaDemand { tier: 0, ..weighted(10, 600) }];
        let minutes: &[&[Option<u32>]] = &[&[Some(10), Some(10)]];
        let strict = plan_item(&problem(&[10], &demands, minutes));
        assert_eq!(strict.allocated, [10, 0]);
        let plan = plan_item(&with_policy(Policy::Weighted, problem(&[10], &demands, minutes)));
        assert_eq!(plan.allocated, [6, 4]);
        assert_eq!(fills(&plan), [(4, 3, 5), (0, 2, 5)]);
        // Enough for everyone: both full, whatever the weights.
        let plan = plan_item(&with_policy(Policy::Weighted, problem(&[20], &demands, minutes)));
        assert_eq!(plan.allocated, [10, 10]);
    }

    #[test]
    fn weighted_areas_with_small_needs_are_filled_and_the_rest_share_what_is_left() {
        // The 0.6 area's 2 count as 2 × 0.6: it gets 1 while the others get 5 each (λ = 1/2,000);
        // the unit the rounding leaves over goes by travel time.
        let demands = [weighted(10, 1_000), weighted(10, 1_000), weighted(2, 600)];
        let plan = plan_item(&with_policy(Policy::Weighted, problem(&[12], &demands, &[&[Some(1), Some(1), Some(1)]])));
        assert_eq!(plan.allocated.iter().sum::<i64>(), 12);
        assert_eq!(plan.allocated[0].min(plan.allocated[1]), 5);
        assert!(plan.allocated[2] >= 1);
    }

    #[test]
    fn largest_fill_is_exact() {
        assert_eq!(largest_fill(&shares(&[10, 10, 4]), 12), Ratio::new(1, 2));
        assert_eq!(largest_fill(&shares(&[10, 5, 5]), 10), Ratio::new(2, 5));
        assert_eq!(largest_fill(&shares(&[7]), 0), Ratio::new(0, 1));
        assert_eq!(largest_fill(&shares(&[3, 3]), 6), Ratio::ONE);
        // 500,005 + ⌈500,005 × 999,983 / 1,000,003⌉ = 500,005 + 499,995
        assert_eq!(largest_fill(&shares(&[1_000_003, 999_983]), 1_000_000), Ratio::new(500_005, 1_000_003));
        // Weighted: scales 10 × 1,000 and 10 × 600; the second is full from λ = 1/600 on.
        let weighted = [Share { area: 0, demand: 10, scale: 10_000 }, Share { area: 1, demand: 10, scale: 6_000 }];
        assert_eq!(largest_fill(&weighted, 10), Ratio::new(3, 5_000));
        assert_eq!(largest_fill(&weighted, 20), Ratio::new(1, 600));
        assert_eq!(largest_fill(&weighted, 17), Ratio::new(7, 6_000));
    }

    /// The levels fairness raises one after another: per tier (highest first) for strict tiers,
    /// all areas at once for weighted, none for the most delivered; each as (area, scale).
    fn levels(problem: &ItemProblem, eligible: &[bool]) -> Vec<Vec<(usize, i64)>> {
        let demand = |a: usize| problem.demands[a].quantity;
        let areas: Vec<usize> = (0..problem.demands.len()).filter(|&a| eligible[a]).collect();
        match problem.policy {
            Policy::StrictTiers => {
                let mut tiers: Vec<u8> = areas.iter().map(|&a| problem.demands[a].tier).collect();
                tiers.sort_unstable_by(|a, b| b.cmp(a));
                tiers.dedup();
                tiers
                    .into_iter()
                    .map(|t| areas.iter().filter(|&&a| problem.demands[a].tier == t).map(|&a| (a, demand(a))).collect())
                    .collect()
            }
            Policy::Weighted if !areas.is_empty() => {
                vec![areas.iter().map(|&a| (a, demand(a) * problem.demands[a].fill_weight.clamp(1, 1_000))).collect()]
            }
            Policy::Weighted | Policy::MostDelivered => Vec::new(),
        }
    }

    /// The level an allocation reaches over a set of areas: the smallest amount ÷ scale among the
    /// areas not yet full, or the highest full level when all are (which no short area reaches).
    fn level_of(problem: &ItemProblem, level: &[(usize, i64)], amounts: &[i64]) -> Ratio {
        let demand = |a: usize| problem.demands[a].quantity;
        level
            .iter()
            .filter(|&&(a, _)| amounts[a] < demand(a))
            .map(|&(a, scale)| Ratio::new(amounts[a], scale))
            .min()
            .unwrap_or_else(|| level.iter().map(|&(a, scale)| Ratio::new(demand(a), scale)).max().expect("areas"))
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

    /// Every feasible integer allocation (Hall's condition over the areas).
    fn feasible_allocations(problem: &ItemProblem) -> Vec<Vec<i64>> {
        let supply: Vec<i64> = problem.supplies.iter().map(|s| (*s).max(0)).collect();
        let demand: Vec<i64> = problem.demands.iter().map(|d| d.quantity.max(0)).collect();
        let areas = demand.len();
        let reaches = |depot: usize, area: usize| supply[depot] > 0 && problem.minutes[depot][area].is_some();
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
        let mut all = Vec::new();
        let mut amounts = vec![0; areas];
        loop {
            if feasible(&amounts) {
                all.push(amounts.clone());
            }
            // the next vector of amounts, odometer style
            let Some(a) = (0..areas).find(|&a| amounts[a] < demand[a]) else { break };
            amounts[a] += 1;
            for lower in &mut amounts[..a] {
                *lower = 0;
            }
        }
        all
    }

    /// Checks the plan against every integer allocation: each fairness level reaches the best any
    /// allocation reaches while keeping the plan's floors of the levels before it; the total is the
    /// most any allocation delivers; and no allocation above the plan's floors with that total is
    /// cheaper.
    fn check_against_brute_force(problem: &ItemProblem, plan: &ItemPlan) -> Result<(), TestCaseError> {
        let supply: Vec<i64> = problem.supplies.iter().map(|s| (*s).max(0)).collect();
        let all = feasible_allocations(problem);
        let eligible: Vec<bool> = (0..problem.demands.len())
            .map(|a| problem.demands[a].quantity > 0 && !plan.unreachable.contains(&a))
            .collect();
        let mut kept: Vec<usize> = Vec::new();
        for level in levels(problem, &eligible) {
            let keeps = |x: &Vec<i64>| kept.iter().all(|&a| x[a] >= plan.fair_floor[a]);
            let best = all.iter().filter(|x| keeps(x)).map(|x| level_of(problem, &level, x)).max();
            prop_assert_eq!(Some(level_of(problem, &level, &plan.allocated)), best);
            kept.extend(level.iter().map(|&(a, _)| a));
        }
        let total = all.iter().map(|x| x.iter().sum::<i64>()).max().expect("zero is feasible");
        prop_assert_eq!(plan.total_delivered, total);
        let above_floors = |x: &&Vec<i64>| x.iter().zip(&plan.fair_floor).all(|(x, floor)| x >= floor);
        let cost = all
            .iter()
            .filter(|x| x.iter().sum::<i64>() == total)
            .filter(above_floors)
            .filter_map(|x| cheapest(problem, &supply, x))
            .min();
        prop_assert_eq!(Some(plan.weighted_minutes), cost);
        Ok(())
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
            let target = plan.fair_floor[area];
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

    fn policies() -> impl Strategy<Value = Policy> {
        prop_oneof![Just(Policy::StrictTiers), Just(Policy::Weighted), Just(Policy::MostDelivered)]
    }

    /// Fill weights as the settings give them: 0.6 to 1.0 by tier, in thousandths.
    fn fill_weights() -> impl Strategy<Value = i64> {
        prop_oneof![Just(1_000i64), Just(900), Just(800), Just(700), Just(600)]
    }

    fn medium_problems() -> impl Strategy<Value = ItemProblem> {
        (2usize..=8, 5usize..=30, policies()).prop_flat_map(|(depots, areas, policy)| {
            let demand = (0i64..=60, 0u8..3, 1i64..=4, fill_weights())
                .prop_map(|(quantity, tier, weight, fill_weight)| AreaDemand { quantity, tier, weight, fill_weight });
            let minutes = prop::option::weighted(0.8, 1u32..=300);
            (
                prop::collection::vec(0i64..=150, depots),
                prop::collection::vec(demand, areas),
                prop::collection::vec(prop::collection::vec(minutes, areas), depots),
            )
                .prop_map(move |(supplies, demands, minutes)| ItemProblem {
                    supplies,
                    demands,
                    minutes,
                    deadline_minutes: 120,
                    policy,
                })
        })
    }

    fn small_problems() -> impl Strategy<Value = ItemProblem> {
        (1usize..=3, 1usize..=4, 1u8..=2, policies()).prop_flat_map(|(depots, areas, tiers, policy)| {
            let demand = (0i64..=6, 0..tiers, 1i64..=3, fill_weights())
                .prop_map(|(quantity, tier, weight, fill_weight)| AreaDemand { quantity, tier, weight, fill_weight });
            let minutes = prop::option::weighted(0.75, 1u32..=60);
            (
                prop::collection::vec(0i64..=6, depots),
                prop::collection::vec(demand, areas),
                prop::collection::vec(prop::collection::vec(minutes, areas), depots),
                0u32..=60,
            )
                .prop_map(move |(supplies, demands, minutes, deadline_minutes)| ItemProblem {
                    supplies,
                    demands,
                    minutes,
                    deadline_minutes,
                    policy,
                })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn largest_fill_is_the_best_fraction_that_fits(
            areas in prop::collection::vec((1i64..=12, fill_weights()), 1..=5),
            share in 0i64..=100,
        ) {
            let shares: Vec<Share> = areas
                .iter()
                .enumerate()
                .map(|(area, &(demand, weight))| Share { area, demand, scale: demand * weight })
                .collect();
            let budget = areas.iter().map(|(d, _)| d).sum::<i64>() * share / 100;
            let fits = |level: &Ratio| shares.iter().map(|s| s.target(*level)).sum::<i64>() <= budget;
            let best = shares
                .iter()
                .flat_map(|s| (0..=s.scale).map(move |k| Ratio::new(k, s.scale)))
                .filter(|level| *level <= shares.iter().map(|s| s.full()).max().expect("areas"))
                .filter(fits)
                .max();
            prop_assert_eq!(Some(largest_fill(&shares, budget)), best);
        }
    }

    /// A problem and the same one after a change: roads blocked or lengthened (a route gone or
    /// slower), stock used or restocked, needs revised.
    fn changed(problems: impl Strategy<Value = ItemProblem>) -> impl Strategy<Value = (ItemProblem, ItemProblem)> {
        problems.prop_flat_map(|before| {
            let (depots, areas) = (before.supplies.len(), before.demands.len());
            let route = prop_oneof![6 => Just(None), 1 => Just(Some(0u32)), 1 => (1u32..=90).prop_map(Some)];
            (
                Just(before),
                prop::collection::vec(prop::collection::vec(route, areas), depots),
                prop::collection::vec(prop_oneof![3 => Just(0i64), 1 => -10i64..=10], depots),
                prop::collection::vec(prop_oneof![3 => Just(0i64), 1 => -10i64..=10], areas),
            )
                .prop_map(|(before, routes, stock, needs)| {
                    let mut after = before.clone();
                    for (row, changes) in after.minutes.iter_mut().zip(&routes) {
                        for (minutes, change) in row.iter_mut().zip(changes) {
                            *minutes = match change {
                                None => *minutes,
                                Some(0) => None,
                                Some(longer) => minutes.map(|m| m + longer),
                            };
                        }
                    }
                    for (supply, change) in after.supplies.iter_mut().zip(&stock) {
                        *supply = (*supply + change).max(0);
                    }
                    for (demand, change) in after.demands.iter_mut().zip(&needs) {
                        demand.quantity = (demand.quantity + change).max(0);
                    }
                    (before, after)
                })
        })
    }

    /// Planned from the plan before the change, `after` gets the plan it gets from nothing (the
    /// same fills, total and time; the lines may differ where equally good).
    fn check_resumed(before: &ItemProblem, after: &ItemProblem) -> Result<ItemPlan, TestCaseError> {
        let (_, routing) = plan_item_from(before, None);
        let (resumed, _) = plan_item_from(after, routing.as_ref());
        let fresh = plan_item(after);
        check_plan(after, &resumed)?;
        // The floors fix the fairness; tier fills may differ among equally good plans (see
        // routes_priced_in_give_the_plan_all_routes_give).
        prop_assert_eq!(&resumed.fair_floor, &fresh.fair_floor);
        prop_assert_eq!(resumed.total_delivered, fresh.total_delivered);
        prop_assert_eq!(resumed.weighted_minutes, fresh.weighted_minutes);
        Ok(resumed)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn a_plan_resumed_after_a_change_agrees_with_brute_force((before, after) in changed(small_problems())) {
            let resumed = check_resumed(&before, &after)?;
            check_against_brute_force(&after, &resumed)?;
        }

        #[test]
        fn a_medium_plan_resumed_after_a_change_is_the_optimum((before, after) in changed(medium_problems())) {
            let resumed = check_resumed(&before, &after)?;
            check_optimal_given_fills(&after, &resumed)?;
        }

        #[test]
        fn agrees_with_brute_force_on_small_instances(problem in small_problems()) {
            let plan = plan_item(&problem);
            check_plan(&problem, &plan)?;
            check_against_brute_force(&problem, &plan)?;
            prop_assert_eq!(plan_item(&problem), plan);
            // Starting from each area's nearest depot alone, the rest priced in as needed.
            let (priced_in, _) = plan_with_candidates(&problem, 1, None);
            check_plan(&problem, &priced_in)?;
            check_against_brute_force(&problem, &priced_in)?;
        }

        #[test]
        fn medium_instances_deliver_the_most_at_the_least_cost(problem in medium_problems()) {
            let plan = plan_item(&problem);
            check_plan(&problem, &plan)?;
            check_optimal_given_fills(&problem, &plan)?;
        }

        #[test]
        fn routes_priced_in_give_the_plan_all_routes_give(problem in medium_problems(), nearest in 1usize..=3) {
            let (all, _) = plan_with_candidates(&problem, problem.supplies.len(), None);
            let (priced_in, _) = plan_with_candidates(&problem, nearest, None);
            check_plan(&problem, &priced_in)?;
            check_optimal_given_fills(&problem, &priced_in)?;
            prop_assert_eq!(&priced_in.fair_floor, &all.fair_floor);
            prop_assert_eq!(priced_in.total_delivered, all.total_delivered);
            prop_assert_eq!(priced_in.weighted_minutes, all.weighted_minutes);
            // Not the tier fills: equally good plans (the same floors, total and time) may place
            // the units left above the integer floors differently, and so differ in their lowest
            // fill (the case kept in proptest-regressions: 7/13 against 26/47, both optimal).
            prop_assert_eq!(&priced_in.unreachable, &all.unreachable);
        }
    }
}
