//! Travel-time benchmark on a synthetic region shaped and sized like Jiujiang (~19,000 km² within
//! lon 113.94–116.90, lat 28.69–30.08) at resolution 8: building the grid, deriving a blocked
//! variant, and 100 origins × 2,000 destinations. Target for the matrix: under 200 ms in release.
//! Then the re-plan's travel: the same matrix from kept paths (`Reach`) after a zone of a few
//! kilometres is drawn and removed again, beside a new search on the same zones.
//! Run with `cargo bench -p jiuzai --bench routing`.

use std::time::{Duration, Instant};

use geo::{LineString, MultiPolygon, Polygon, polygon};
use h3o::LatLng;
use jiuzai::routing::{GridModel, GridSettings, Point, Reach, TravelTimes};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn region() -> MultiPolygon<f64> {
    let outline = vec![
        (113.94, 29.50),
        (114.40, 29.25),
        (115.00, 29.20),
        (115.50, 28.69),
        (116.10, 28.90),
        (116.90, 29.35),
        (116.60, 29.65),
        (116.00, 29.62),
        (115.50, 30.08),
        (115.00, 29.62),
        (114.40, 29.62),
        (113.94, 29.50),
    ];
    MultiPolygon(vec![Polygon::new(LineString::from(outline), vec![])])
}

/// Flood zones: a lake-side area and a river band with one crossing left open.
fn floods() -> Vec<Polygon<f64>> {
    vec![
        polygon![(x: 115.95, y: 29.05), (x: 116.30, y: 29.05), (x: 116.30, y: 29.45), (x: 115.95, y: 29.45), (x: 115.95, y: 29.05)],
        polygon![(x: 114.60, y: 29.30), (x: 115.40, y: 29.30), (x: 115.40, y: 29.34), (x: 114.60, y: 29.34), (x: 114.60, y: 29.30)],
        polygon![(x: 115.45, y: 29.30), (x: 115.90, y: 29.30), (x: 115.90, y: 29.34), (x: 115.45, y: 29.34), (x: 115.45, y: 29.30)],
    ]
}

/// The fastest of a few runs, to keep the figure steady on a busy machine.
fn fastest<T>(runs: usize, mut work: impl FnMut() -> T) -> (Duration, T) {
    let mut best = None;
    let mut result = None;
    for _ in 0..runs {
        let started = Instant::now();
        let value = work();
        let elapsed = started.elapsed();
        best = Some(best.map_or(elapsed, |b: Duration| b.min(elapsed)));
        result = Some(value);
    }
    (best.expect("at least one run"), result.expect("at least one run"))
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn main() {
    let region = region();
    let (build, open) = fastest(3, || GridModel::new(&region, GridSettings::default()).expect("valid region"));
    println!("routing: {} cells at resolution 8; grid built in {:.1} ms", open.cells().len(), ms(build));

    let (derive, flooded) = fastest(5, || open.with_blocked(floods()).expect("valid zones"));
    println!("  blocked variant: {} cells blocked, derived in {:.2} ms", flooded.blocked_cells().count(), ms(derive));

    // seeded, so every run asks the same questions
    let mut random = StdRng::seed_from_u64(7);
    let cells = open.cells();
    let mut points = |count: usize| -> Vec<Point> {
        (0..count)
            .map(|_| {
                let at = LatLng::from(cells[random.random_range(0..cells.len())]);
                Point::new(at.lng(), at.lat())
            })
            .collect()
    };
    let (origins, destinations) = (points(100), points(2_000));
    for (name, model) in [("open", &open), ("flooded", &flooded)] {
        let (elapsed, matrix) = fastest(3, || model.minutes(&origins, &destinations));
        let unreachable = matrix.iter().flatten().filter(|m| m.is_none()).count();
        let longest = matrix.iter().flatten().flatten().max().copied().unwrap_or(0);
        println!(
            "  {name}: {} × {} in {:.1} ms ({unreachable} unreachable pairs, longest {longest} min)",
            origins.len(),
            destinations.len(),
            ms(elapsed),
        );
    }

    // Kept paths, searched once to every cell.
    let (search, _) = fastest(3, || Reach::new(flooded.clone(), &origins));
    println!("  kept paths: searched to every cell from {} origins in {:.1} ms", origins.len(), ms(search));
    // A zone of about 3 × 3 km drawn and removed again: in open country just north of the river's
    // one open crossing, where many routes pass, and on the crossing itself.
    let zones = [
        (
            "north of the crossing",
            polygon![(x: 115.41, y: 29.36), (x: 115.44, y: 29.36), (x: 115.44, y: 29.39), (x: 115.41, y: 29.39), (x: 115.41, y: 29.36)],
        ),
        (
            "on the crossing",
            polygon![(x: 115.39, y: 29.29), (x: 115.46, y: 29.29), (x: 115.46, y: 29.35), (x: 115.39, y: 29.35), (x: 115.39, y: 29.29)],
        ),
    ];
    let before = flooded.minutes(&origins, &destinations);
    for (place, zone) in zones {
        let washed = open.with_blocked(floods().into_iter().chain([zone]).collect()).expect("valid zones");
        let after = washed.minutes(&origins, &destinations);
        let changed = after.iter().flatten().zip(before.iter().flatten()).filter(|(a, b)| a != b).count();
        let mut reach = Some(Reach::new(flooded.clone(), &origins));
        let (mut drawn, mut removed) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            for (model, expected, times) in [(&washed, &after, &mut drawn), (&flooded, &before, &mut removed)] {
                let started = Instant::now();
                let repaired = reach.take().expect("kept").update(model.clone(), &origins);
                let matrix = repaired.minutes(&destinations);
                times.push(started.elapsed());
                assert_eq!(&matrix, expected, "repaired paths differ from a new search");
                reach = Some(repaired);
            }
        }
        let best = |times: &[Duration]| ms(*times.iter().min().expect("timed"));
        println!(
            "  a zone {place} ({changed} pairs change): drawn, repaired in {:.1} ms; removed, {:.1} ms",
            best(&drawn),
            best(&removed),
        );
    }
}
