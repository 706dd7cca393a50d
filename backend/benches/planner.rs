//! Planner benchmark: depots and areas over a 300 × 150 km region with travel times that follow
//! distance, ~10% of the routes missing, two priority tiers, supply ≈ 70% of demand. City scale
//! (100 depots × 2,000 areas) by default; target: well under a second per item in release. Run with
//! `cargo bench -p jiuzai --bench planner`. With `PLANNER_BENCH_OUT=dir` it also writes the
//! instances it times and its results as JSON for `scripts/bench-solvers.py`. With
//! `PLANNER_BENCH_REPLAN=1` each item is planned again after a road blockage (below), from
//! nothing and from the routing of the plan before (the re-plan reported and written for the
//! solvers is the latter, as the plans service makes it).

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use jiuzai::planner::{AreaDemand, FULL_WEIGHT, ItemPlan, ItemProblem, Policy, Routing, TierFill, plan_item_from};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

/// Where a generated item's depots and areas lie (metres), for the blockage.
struct Places {
    depot_at: Vec<(f64, f64)>,
    area_at: Vec<(f64, f64)>,
}

/// Depots and areas scattered over a 300 × 150 km region; travel time follows distance (with a
/// random detour factor), so nearby depots are contested as in a real city.
fn city_item(seed: u64, depots: usize, areas: usize) -> (ItemProblem, Places) {
    // seeded, so every run plans the same instances
    let mut random = StdRng::seed_from_u64(seed);
    let place =
        |random: &mut StdRng| (random.random_range(0..=300_000) as f64, random.random_range(0..=150_000) as f64);
    let depot_at: Vec<(f64, f64)> = (0..depots).map(|_| place(&mut random)).collect();
    let area_at: Vec<(f64, f64)> = (0..areas).map(|_| place(&mut random)).collect();
    let demands: Vec<AreaDemand> = (0..areas)
        .map(|_| {
            let tier = u8::from(random.random_range(0..=4) == 0);
            AreaDemand {
                quantity: random.random_range(10..=500) as i64,
                tier,
                weight: i64::from(tier) * 2 + 1,
                fill_weight: FULL_WEIGHT,
            }
        })
        .collect();
    let wanted: i64 = demands.iter().map(|d| d.quantity).sum();
    let shares: Vec<u64> = (0..depots).map(|_| random.random_range(1..=100)).collect();
    let share_total: u64 = shares.iter().sum();
    let supplies = shares.iter().map(|&s| (wanted as f64 * 0.7 * s as f64 / share_total as f64) as i64).collect();
    let minutes = depot_at
        .iter()
        .map(|&(dx, dy)| {
            area_at
                .iter()
                .map(|&(ax, ay)| {
                    let km = ((dx - ax).powi(2) + (dy - ay).powi(2)).sqrt() / 1000.0;
                    let detour = 1.0 + random.random_range(0..=50) as f64 / 100.0;
                    (random.random_range(0..=9) != 0).then(|| (10.0 + km * detour / 40.0 * 60.0) as u32)
                })
                .collect()
        })
        .collect();
    let problem = ItemProblem { supplies, demands, minutes, deadline_minutes: 240, policy: Policy::StrictTiers };
    (problem, Places { depot_at, area_at })
}

/// Radius of the blocked zone, and the minutes a route loses going round it.
const BLOCKED_RADIUS_M: f64 = 10_000.0;
const DETOUR_MINUTES: u32 = 30;

/// The item after a road blockage, as the re-plan sees it: a zone of 10 km radius drawn on the
/// depot that delivered most in `plan`. Routes starting or ending inside it are cut (that depot's
/// stock and the areas round it are out of reach); routes whose straight line crosses it go round
/// it and take 30 minutes longer. A stand-in for the road grid, which the plans service repairs
/// (routing::Reach); what the solvers compare is the plan on the changed matrix.
fn blocked(problem: &ItemProblem, places: &Places, plan: &ItemPlan) -> ItemProblem {
    let mut delivered = vec![0i64; places.depot_at.len()];
    for line in &plan.lines {
        delivered[line.depot] += line.quantity;
    }
    let busiest = (0..delivered.len()).max_by_key(|&d| (delivered[d], std::cmp::Reverse(d))).expect("depots");
    let centre = places.depot_at[busiest];
    let inside = |(x, y): (f64, f64)| (x - centre.0).hypot(y - centre.1) <= BLOCKED_RADIUS_M;
    let crosses = |from: (f64, f64), to: (f64, f64)| {
        // the distance from the centre to the segment from → to
        let (dx, dy) = (to.0 - from.0, to.1 - from.1);
        let length2 = dx * dx + dy * dy;
        let t = if length2 == 0.0 {
            0.0
        } else {
            (((centre.0 - from.0) * dx + (centre.1 - from.1) * dy) / length2).clamp(0.0, 1.0)
        };
        inside((from.0 + t * dx, from.1 + t * dy))
    };
    let mut problem = problem.clone();
    for (depot, row) in problem.minutes.iter_mut().enumerate() {
        let from = places.depot_at[depot];
        for (area, minutes) in row.iter_mut().enumerate() {
            let to = places.area_at[area];
            if inside(from) || inside(to) {
                *minutes = None;
            } else if crosses(from, to) {
                *minutes = minutes.map(|m| m + DETOUR_MINUTES);
            }
        }
    }
    problem
}

/// One benchmark size: how many depots, areas and items (seeds) it plans, and how often each item
/// is timed.
struct Scale {
    name: &'static str,
    depots: usize,
    areas: usize,
    items: u64,
    runs: usize,
}

/// The benchmark sizes: a city (100 depots × 2,000 areas × 10 items) and a province
/// (1,000 × 20,000 × 10, about 18 million routes per item).
const SCALES: [Scale; 3] = [
    Scale { name: "small", depots: 10, areas: 100, items: 3, runs: 3 },
    Scale { name: "city", depots: 100, areas: 2_000, items: 10, runs: 3 },
    Scale { name: "province", depots: 1_000, areas: 20_000, items: 10, runs: 1 },
];

/// What `scripts/bench-solvers.py` reads: the instance as planned, and the planner's answer.
#[derive(Serialize)]
struct InstanceFile<'a> {
    name: &'a str,
    seed: u64,
    #[serde(flatten)]
    problem: &'a ItemProblem,
}

#[derive(Serialize)]
struct ResultFile<'a> {
    name: &'a str,
    depots: usize,
    areas: usize,
    routes: usize,
    tier_fill: &'a [TierFill],
    /// The units fairness holds each area to (what the solvers check the policy's levels against).
    fair_floor: &'a [i64],
    total_delivered: i64,
    weighted_minutes: i64,
    lines: usize,
    /// Every timed run, in milliseconds.
    wall_ms: Vec<f64>,
    /// Peak resident memory of one plan above what the process held before it (Linux only).
    extra_peak_mib: Option<f64>,
}

/// Resets the peak resident size and returns the current one, in KiB (Linux: /proc/self/clear_refs).
fn reset_peak_memory() -> Option<u64> {
    fs::write("/proc/self/clear_refs", "5").ok()?;
    memory_kib("VmRSS")
}

fn memory_kib(field: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn write_json(path: &Path, value: &impl Serialize) {
    let file = File::create(path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
    let mut out = BufWriter::new(file);
    serde_json::to_writer(&mut out, value).expect("serialisable");
    out.flush().expect("written");
}

/// One item planned: its problem, the plan, every timed run and the peak memory of one plan.
struct Timed {
    seed: u64,
    problem: ItemProblem,
    plan: ItemPlan,
    routing: Option<Routing>,
    wall_ms: Vec<f64>,
    extra_peak_mib: Option<f64>,
}

/// Plans `problem` `runs` times, from `previous`'s routing when given. The peak memory of one
/// plan is measured only when items are planned one at a time (the peak is the process's, so
/// parallel plans would blur together).
fn time_item(seed: u64, problem: ItemProblem, previous: Option<&Routing>, runs: usize, serial: bool) -> Timed {
    let before = if serial { reset_peak_memory() } else { None };
    let mut wall_ms = Vec::new();
    let mut planned = None;
    for _ in 0..runs {
        let started = Instant::now();
        planned = Some(plan_item_from(&problem, previous));
        wall_ms.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let extra_peak_mib =
        before.zip(memory_kib("VmHWM")).map(|(before, peak)| peak.saturating_sub(before) as f64 / 1024.0);
    let (plan, routing) = planned.expect("planned");
    Timed { seed, problem, plan, routing, wall_ms, extra_peak_mib }
}

/// Prints one item's figures and, with `out`, writes its instance and result for the solvers.
fn report(instance: &str, timed: &Timed, depots: usize, areas: usize, out: Option<&Path>) {
    let Timed { seed, problem, plan, wall_ms, extra_peak_mib, .. } = timed;
    let fastest = wall_ms.iter().copied().fold(f64::INFINITY, f64::min);
    let fills: Vec<String> = plan
        .tier_fill
        .iter()
        .map(|t| format!("tier {} ≥ {:.4}", t.tier, t.min_fill.num as f64 / t.min_fill.den as f64))
        .collect();
    println!(
        "  {instance}: {fastest:>8.1} ms  ({} lines, {} delivered, {} weighted minutes, {}, {} late lines)",
        plan.lines.len(),
        plan.total_delivered,
        plan.weighted_minutes,
        fills.join(", "),
        plan.lines.iter().filter(|l| l.late).count(),
    );
    let Some(dir) = out else { return };
    let routes = problem.minutes.iter().flatten().filter(|m| m.is_some()).count();
    write_json(&dir.join(format!("{instance}.instance.json")), &InstanceFile { name: instance, seed: *seed, problem });
    let result = ResultFile {
        name: instance,
        depots,
        areas,
        routes,
        tier_fill: &plan.tier_fill,
        fair_floor: &plan.fair_floor,
        total_delivered: plan.total_delivered,
        weighted_minutes: plan.weighted_minutes,
        lines: plan.lines.len(),
        wall_ms: wall_ms.clone(),
        extra_peak_mib: *extra_peak_mib,
    };
    write_json(&dir.join(format!("{instance}.planner.json")), &result);
}

/// A plan started from another plan's routing reaches the optimum planned from nothing reaches.
fn assert_same_optimum(resumed: &ItemPlan, fresh: &ItemPlan) {
    assert_eq!(resumed.fair_floor, fresh.fair_floor, "the same fair floors");
    assert_eq!(resumed.total_delivered, fresh.total_delivered, "the same total");
    assert_eq!(resumed.weighted_minutes, fresh.weighted_minutes, "the same travel time");
}

fn fastest_ms(timed: &Timed) -> f64 {
    timed.wall_ms.iter().copied().fold(f64::INFINITY, f64::min)
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// `PLANNER_BENCH_SCALES=small,city,province` picks the sizes (default: city);
/// `PLANNER_BENCH_ITEMS=n` plans only the first n items of each;
/// `PLANNER_BENCH_POLICY=weighted` plans them weighted (tier 1 at weight 1.0, tier 0 at 0.6)
/// instead of by strict tiers;
/// `PLANNER_BENCH_REPLAN=1` also plans each item again after a blockage (`blocked`), named
/// `SCALE[-weighted]-replan-SEED`, and prints what the blockage cost;
/// `PLANNER_BENCH_OUT=dir` also writes each instance and the planner's result there as JSON.
/// Items are planned in parallel, one per core as the plans service does; `RAYON_NUM_THREADS=1`
/// plans them one after another (for per-item times and memory against the other solvers).
fn main() {
    let wanted = std::env::var("PLANNER_BENCH_SCALES").unwrap_or_else(|_| "city".into());
    let out = std::env::var_os("PLANNER_BENCH_OUT").map(PathBuf::from);
    let weighted = std::env::var("PLANNER_BENCH_POLICY").is_ok_and(|p| p == "weighted");
    let replan = std::env::var("PLANNER_BENCH_REPLAN").is_ok_and(|r| r == "1");
    let item_limit: Option<u64> =
        std::env::var("PLANNER_BENCH_ITEMS").ok().map(|n| n.parse().expect("PLANNER_BENCH_ITEMS is a count"));
    if let Some(dir) = &out {
        fs::create_dir_all(dir).expect("output directory");
    }
    let threads = rayon::current_num_threads();
    for scale in SCALES.iter().filter(|s| wanted.split(',').any(|w| w.trim() == s.name)) {
        let Scale { name, depots, areas, items, runs } = *scale;
        let items = item_limit.map_or(items, |limit| limit.min(items));
        let policy_name = if weighted { format!("{name}-weighted") } else { name.to_string() };
        println!(
            "planner {name}: {depots} depots × {areas} areas over 300 × 150 km, ~10% routes missing, 2 tiers, supply ≈ 70% of demand, {}; {items} items on {threads} threads",
            if weighted { "weighted (tier 1 at 1.0, tier 0 at 0.6)" } else { "strict tiers" }
        );
        let generated: Vec<(u64, ItemProblem, Places)> = (1..=items)
            .into_par_iter()
            .map(|seed| {
                let (mut problem, places) = city_item(seed, depots, areas);
                if weighted {
                    problem.policy = Policy::Weighted;
                    for demand in &mut problem.demands {
                        demand.fill_weight = if demand.tier > 0 { FULL_WEIGHT } else { 600 };
                    }
                }
                (seed, problem, places)
            })
            .collect();
        let before = reset_peak_memory();
        let started = Instant::now();
        // Several runs where they are cheap; the fastest keeps the printed figure steady on a busy machine.
        // One item per task, as the plans service does.
        let timed: Vec<(Timed, Option<(Timed, Timed)>)> = generated
            .into_par_iter()
            .with_max_len(1)
            .map(|(seed, problem, places)| {
                // Moved, not copied: a province item's matrix is 160 MB, and a copy would count as
                // planning memory.
                let first = time_item(seed, problem, None, runs, threads == 1);
                let again = replan.then(|| {
                    let problem = blocked(&first.problem, &places, &first.plan);
                    let again = time_item(seed, problem.clone(), None, runs, threads == 1);
                    let resumed = time_item(seed, problem, first.routing.as_ref(), runs, threads == 1);
                    assert_same_optimum(&resumed.plan, &again.plan);
                    (again, resumed)
                });
                (first, again)
            })
            .collect();
        let all_ms = started.elapsed().as_secs_f64() * 1e3;
        let batch_peak_mib =
            before.zip(memory_kib("VmHWM")).map(|(before, peak)| peak.saturating_sub(before) as f64 / 1024.0);
        for (first, again) in &timed {
            report(&format!("{policy_name}-{}", first.seed), first, depots, areas, out.as_deref());
            // The re-plan the solvers check (and time against) is the one the service makes: resumed.
            if let Some((again, resumed)) = again {
                report(&format!("{policy_name}-replan-{}", again.seed), resumed, depots, areas, out.as_deref());
                println!("    from nothing: {:.1} ms", fastest_ms(again));
                println!(
                    "    the blockage cost {} units and {:+} weighted minutes",
                    first.plan.total_delivered - again.plan.total_delivered,
                    again.plan.weighted_minutes - first.plan.weighted_minutes,
                );
            }
        }
        let times: Vec<f64> = timed.iter().map(|(first, _)| fastest_ms(first)).collect();
        println!(
            "  per item: median {:.1} ms, worst {:.1} ms; all {items} items ({runs} run{} each{}) {all_ms:.1} ms wall on {threads} threads, peak memory {} above the instances",
            median(times.clone()),
            times.iter().copied().fold(0.0, f64::max),
            if runs == 1 { "" } else { "s" },
            if replan { ", and again after the blockage" } else { "" },
            batch_peak_mib.map_or("unmeasured".into(), |m| format!("{m:.0} MiB")),
        );
        if replan {
            let again: Vec<f64> =
                timed.iter().filter_map(|(_, again)| again.as_ref().map(|a| fastest_ms(&a.0))).collect();
            let resumed: Vec<f64> =
                timed.iter().filter_map(|(_, again)| again.as_ref().map(|a| fastest_ms(&a.1))).collect();
            println!(
                "  after the blockage, per item: median {:.1} ms, worst {:.1} ms; resumed from the plan before: median {:.1} ms, worst {:.1} ms (the same optimum)",
                median(again.clone()),
                again.iter().copied().fold(0.0, f64::max),
                median(resumed.clone()),
                resumed.iter().copied().fold(0.0, f64::max),
            );
        }
    }
}
