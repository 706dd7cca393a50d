//! City-scale planner benchmark: 100 depots × 2,000 areas, travel times that follow distance over
//! a 300 × 150 km region with ~10% of the routes missing, two priority tiers, supply ≈ 70% of
//! demand. Target: well under a second per item in release. Run with
//! `cargo bench -p jiuzai --bench planner`.

use std::time::Instant;

use jiuzai::planner::{AreaDemand, ItemProblem, plan_item};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};


/// Depots and areas scattered over a 300 × 150 km region; travel time follows distance (with a
/// random detour factor), so nearby depots are contested as in a real city.
fn city_item(seed: u64, depots: usize, areas: usize) -> ItemProblem {
    // seeded, so every run plans the same instances
    let mut random = StdRng::seed_from_u64(seed);
    let place = |random: &mut StdRng| (random.random_range(0..=300_000) as f64, random.random_range(0..=150_000) as f64);
    let depot_at: Vec<(f64, f64)> = (0..depots).map(|_| place(&mut random)).collect();
    let area_at: Vec<(f64, f64)> = (0..areas).map(|_| place(&mut random)).collect();
    let demands: Vec<AreaDemand> = (0..areas)
        .map(|_| {
            let tier = u8::from(random.random_range(0..=4) == 0);
            AreaDemand { quantity: random.random_range(10..=500) as i64, tier, weight: i64::from(tier) * 2 + 1 }
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
    ItemProblem { supplies, demands, minutes, deadline_minutes: 240 }
}

fn main() {
    let (depots, areas, items) = (100, 2_000, 5);
    println!("planner: {depots} depots × {areas} areas over 300 × 150 km, ~10% routes missing, 2 tiers, supply ≈ 70% of demand");
    let mut times = Vec::new();
    for seed in 1..=items {
        let problem = city_item(seed, depots, areas);
        // The fastest of three runs, to keep the figure steady on a busy machine.
        let mut fastest = f64::INFINITY;
        let mut plan = None;
        for _ in 0..3 {
            let started = Instant::now();
            plan = Some(plan_item(&problem));
            fastest = fastest.min(started.elapsed().as_secs_f64());
        }
        let plan = plan.expect("planned");
        times.push(fastest);
        let fills: Vec<String> = plan.tier_fill.iter().map(|t| format!("tier {} ≥ {:.4}", t.tier, t.min_fill.num as f64 / t.min_fill.den as f64)).collect();
        println!(
            "  item {seed}: {:>6.1} ms  ({} lines, {} delivered, {}, {} late lines)",
            fastest * 1e3,
            plan.lines.len(),
            plan.total_delivered,
            fills.join(", "),
            plan.lines.iter().filter(|l| l.late).count(),
        );
    }
    times.sort_by(f64::total_cmp);
    println!("  per item: median {:.1} ms, worst {:.1} ms", times[times.len() / 2] * 1e3, times[times.len() - 1] * 1e3);
}
