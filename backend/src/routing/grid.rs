//! The grid model: the region's H3 cells (those whose centre lies in the region), each with a
//! speed; moving between neighbouring cells takes the great-circle distance between their centres
//! at the speed of the slower cell. Cells whose centre lies in a blocked zone are impassable.
//!
//! A point joins the grid at the open cell it lies in, or, when that cell is off the grid or
//! blocked, at the nearest open cell within `SNAP_RINGS` rings; the leg between the point and that
//! cell's centre is added at the cell's speed. A point inside a blocked zone is unreachable.
//!
//! Hexagon moves overestimate off-axis straight lines by up to 2/√3 (~15%); along a grid axis the
//! time matches distance / speed to within a cell.
//!
//! A matrix is one Dijkstra (binary heap, integer milliseconds) per origin, stopping once every
//! destination cell is settled, with the origins shared out over the cores. Performance target:
//! the ~19,000 km² Jiujiang region at resolution 8 (~23k cells), 100 origins × 2,000
//! destinations, in under 200 ms in release; `cargo bench --bench routing` measures it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::sync::Arc;

use geo::{Intersects, MultiPolygon, Polygon};
use h3o::geom::{ContainmentMode, TilerBuilder};
use h3o::{CellIndex, LatLng, Resolution};

use super::{Point, TravelTimes};

/// How far (in rings of cells) a point may be moved onto the nearest open cell.
const SNAP_RINGS: u32 = 3;
pub(super) const NO_CELL: u32 = u32::MAX;
pub(super) const UNREACHED: u32 = u32::MAX;
const MS_PER_HOUR: f64 = 3_600_000.0;
const MS_PER_MINUTE: f64 = 60_000.0;

#[derive(Debug, Clone)]
pub struct GridSettings {
    pub resolution: Resolution,
    pub speed_kmh: f64,
    /// Areas with their own speed (mountains, towns); where they overlap, the later one counts.
    pub speed_overrides: Vec<(MultiPolygon<f64>, f64)>,
    /// Impassable zones, e.g. flood polygons drawn for an event.
    pub blocked: Vec<Polygon<f64>>,
}

impl Default for GridSettings {
    fn default() -> Self {
        Self { resolution: Resolution::Eight, speed_kmh: 30.0, speed_overrides: Vec::new(), blocked: Vec::new() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GridError {
    #[error("invalid geometry: {0}")]
    Geometry(#[from] h3o::error::InvalidGeometry),
    #[error("speeds must be positive and finite, got {0} km/h")]
    Speed(f64),
}

/// What does not change when blockages do: cells, speeds and adjacency.
pub(super) struct Grid {
    resolution: Resolution,
    /// Sorted, so a cell's index is a binary search away.
    cells: Vec<CellIndex>,
    centres: Vec<LatLng>,
    speed_kmh: Vec<f64>,
    /// Up to 6 neighbours per cell (indices into `cells`), padded with `NO_CELL`; a neighbour's
    /// edge takes as long both ways.
    pub(super) neighbours: Vec<[u32; 6]>,
    /// Travel time to each neighbour in milliseconds: integers keep the heap small and exact,
    /// and half a millisecond per step is far below the whole minutes reported.
    pub(super) edge_ms: Vec<[u32; 6]>,
}

impl Grid {
    fn index(&self, cell: CellIndex) -> Option<usize> {
        self.cells.binary_search(&cell).ok()
    }

    /// Straight from `from` to `to` at the speed of `cell`.
    fn minutes_within(&self, cell: usize, from: LatLng, to: LatLng) -> f64 {
        from.distance_km(to) / self.speed_kmh[cell] * 60.0
    }

    /// Whole minutes (rounded up) from `origin` to `destination`, given the milliseconds `ms`
    /// between `origin`'s cell and every cell; None where there is no way through.
    pub(super) fn trip_minutes(&self, origin: &Anchor, destination: &Anchor, ms: &[u32]) -> Option<u32> {
        let minutes = if destination.cell == origin.cell {
            self.minutes_within(origin.cell, origin.at, destination.at)
        } else {
            let between = ms[destination.cell];
            if between == UNREACHED {
                return None;
            }
            origin.access_minutes + f64::from(between) / MS_PER_MINUTE + destination.access_minutes
        };
        Some(minutes.ceil().min(f64::from(u32::MAX)) as u32)
    }

    /// Dijkstra's loop over the cells not `blocked`, from what `heap` holds (each entry's time
    /// already in `ms`), until it is empty or `stop` says so of a settled cell. Records in
    /// `parent` which cell each cell is reached from, when asked. A search from one cell, and the
    /// repair of kept paths after zones change (`paths.rs`), are both this loop.
    pub(super) fn settle(
        &self,
        blocked: &[bool],
        ms: &mut [u32],
        mut parent: Option<&mut [u32]>,
        heap: &mut BinaryHeap<Reverse<u64>>,
        mut stop: impl FnMut(usize) -> bool,
    ) {
        while let Some(Reverse(packed)) = heap.pop() {
            let (here, cell) = ((packed >> 32) as u32, (packed & u64::from(u32::MAX)) as usize);
            if here != ms[cell] {
                continue; // a stale entry: the cell was reached faster since
            }
            if stop(cell) {
                return;
            }
            for (&next, &edge) in self.neighbours[cell].iter().zip(&self.edge_ms[cell]) {
                if next == NO_CELL {
                    break;
                }
                let next = next as usize;
                if blocked[next] {
                    continue;
                }
                let arrival = here.saturating_add(edge);
                if arrival < ms[next] {
                    ms[next] = arrival;
                    if let Some(parent) = parent.as_deref_mut() {
                        parent[next] = cell as u32;
                    }
                    heap.push(Reverse(entry(arrival, next)));
                }
            }
        }
    }
}

/// A heap entry packs (milliseconds, cell) into one integer: ordered by time, then by cell.
pub(super) fn entry(ms: u32, cell: usize) -> u64 {
    (u64::from(ms) << 32) | cell as u64
}

/// A travel-time model on an H3 grid; cheap to clone, and `with_blocked` shares the grid.
#[derive(Clone)]
pub struct GridModel {
    pub(super) grid: Arc<Grid>,
    blocked_zones: Vec<Polygon<f64>>,
    /// Per cell of the grid.
    pub(super) blocked: Vec<bool>,
}

impl fmt::Debug for GridModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GridModel")
            .field("resolution", &self.grid.resolution)
            .field("cells", &self.grid.cells.len())
            .field("blocked_cells", &self.blocked.iter().filter(|b| **b).count())
            .finish()
    }
}

/// Where a point joins the grid.
#[derive(Clone, Copy)]
pub(super) struct Anchor {
    pub(super) cell: usize,
    at: LatLng,
    /// Between the point and the centre of its cell.
    access_minutes: f64,
}

impl GridModel {
    pub fn new(region: &MultiPolygon<f64>, settings: GridSettings) -> Result<Self, GridError> {
        let GridSettings { resolution, speed_kmh, speed_overrides, blocked } = settings;
        check_speed(speed_kmh)?;
        let mut cells = cover(region.0.iter().cloned(), resolution)?;
        cells.sort_unstable();
        cells.dedup();
        let centres: Vec<LatLng> = cells.iter().map(|&cell| LatLng::from(cell)).collect();
        let mut speed = vec![speed_kmh; cells.len()];
        for (area, area_speed) in &speed_overrides {
            check_speed(*area_speed)?;
            for cell in cover(area.0.iter().cloned(), resolution)? {
                if let Ok(i) = cells.binary_search(&cell) {
                    speed[i] = *area_speed;
                }
            }
        }
        let mut neighbours = vec![[NO_CELL; 6]; cells.len()];
        let mut edge_ms = vec![[u32::MAX; 6]; cells.len()];
        for (i, cell) in cells.iter().enumerate() {
            let around = cell.grid_disk::<Vec<_>>(1).into_iter().filter(|n| n != cell);
            for (slot, j) in around.filter_map(|n| cells.binary_search(&n).ok()).enumerate() {
                neighbours[i][slot] = j as u32;
                let hours = centres[i].distance_km(centres[j]) / speed[i].min(speed[j]);
                edge_ms[i][slot] = (hours * MS_PER_HOUR).round().clamp(1.0, f64::from(u32::MAX / 2)) as u32;
            }
        }
        let grid = Grid { resolution, cells, centres, speed_kmh: speed, neighbours, edge_ms };
        Self::on_grid(Arc::new(grid), blocked)
    }

    /// The same grid with other blocked zones (replacing the current ones). Cells, speeds and
    /// adjacency are shared, so this costs only the tiling of the zones themselves.
    pub fn with_blocked(&self, blocked: Vec<Polygon<f64>>) -> Result<Self, GridError> {
        Self::on_grid(Arc::clone(&self.grid), blocked)
    }

    fn on_grid(grid: Arc<Grid>, blocked_zones: Vec<Polygon<f64>>) -> Result<Self, GridError> {
        let mut blocked = vec![false; grid.cells.len()];
        for cell in cover(blocked_zones.iter().cloned(), grid.resolution)? {
            if let Some(i) = grid.index(cell) {
                blocked[i] = true;
            }
        }
        Ok(Self { grid, blocked_zones, blocked })
    }

    /// All cells of the grid, sorted.
    pub fn cells(&self) -> &[CellIndex] {
        &self.grid.cells
    }

    /// The impassable cells (for the map), sorted.
    pub fn blocked_cells(&self) -> impl Iterator<Item = CellIndex> + '_ {
        self.grid.cells.iter().zip(&self.blocked).filter(|(_, blocked)| **blocked).map(|(cell, _)| *cell)
    }

    pub(super) fn locate(&self, point: Point) -> Option<Anchor> {
        if self.blocked_zones.iter().any(|zone| zone.intersects(&point)) {
            return None;
        }
        let at = LatLng::new(point.y(), point.x()).ok()?;
        let grid = &self.grid;
        let open = |cell: CellIndex| grid.index(cell).filter(|&i| !self.blocked[i]);
        let own = at.to_cell(grid.resolution);
        let cell = open(own).or_else(|| {
            own.grid_disk::<Vec<_>>(SNAP_RINGS).into_iter().filter_map(open).min_by(|&a, &b| {
                let distance = |i: usize| at.distance_km(grid.centres[i]);
                distance(a).total_cmp(&distance(b)).then(a.cmp(&b))
            })
        })?;
        Some(Anchor { cell, at, access_minutes: grid.minutes_within(cell, at, grid.centres[cell]) })
    }

    /// Dijkstra from `from` until every target cell is settled; leaves milliseconds to the centres.
    fn search(&self, from: usize, targets: &[bool], target_count: usize, search: &mut Search) {
        let Search { ms, heap } = search;
        ms.fill(UNREACHED);
        heap.clear();
        ms[from] = 0;
        heap.push(Reverse(entry(0, from)));
        let mut remaining = target_count;
        self.grid.settle(&self.blocked, ms, None, heap, |cell| {
            if targets[cell] {
                remaining -= 1;
            }
            remaining == 0
        });
    }

    /// The rows of the matrix for some origins.
    fn rows(&self, origins: &[Point], destinations: &[Option<Anchor>], targets: &[bool]) -> Vec<Vec<Option<u32>>> {
        let target_count = targets.iter().filter(|t| **t).count();
        let mut search = Search { ms: vec![UNREACHED; self.grid.cells.len()], heap: BinaryHeap::new() };
        origins
            .iter()
            .map(|&origin| {
                let Some(origin) = self.locate(origin) else {
                    return vec![None; destinations.len()];
                };
                if target_count > 0 {
                    self.search(origin.cell, targets, target_count, &mut search);
                }
                destinations.iter().map(|d| self.grid.trip_minutes(&origin, d.as_ref()?, &search.ms)).collect()
            })
            .collect()
    }
}

/// Buffers reused across the searches from one batch of origins.
struct Search {
    ms: Vec<u32>,
    heap: BinaryHeap<Reverse<u64>>,
}

impl TravelTimes for GridModel {
    /// One Dijkstra per origin; the origins are shared out over the available cores.
    fn minutes(&self, origins: &[Point], destinations: &[Point]) -> Vec<Vec<Option<u32>>> {
        let destinations: Vec<Option<Anchor>> = destinations.iter().map(|&p| self.locate(p)).collect();
        let mut targets = vec![false; self.grid.cells.len()];
        for anchor in destinations.iter().flatten() {
            targets[anchor.cell] = true;
        }
        let threads = std::thread::available_parallelism().map_or(1, usize::from).min(origins.len());
        if threads <= 1 {
            return self.rows(origins, &destinations, &targets);
        }
        let chunk = origins.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let workers: Vec<_> =
                origins.chunks(chunk).map(|part| scope.spawn(|| self.rows(part, &destinations, &targets))).collect();
            workers.into_iter().flat_map(|worker| worker.join().expect("a routing worker panicked")).collect()
        })
    }
}

fn check_speed(speed_kmh: f64) -> Result<(), GridError> {
    if speed_kmh.is_finite() && speed_kmh > 0.0 { Ok(()) } else { Err(GridError::Speed(speed_kmh)) }
}

/// The cells whose centre lies in any of the polygons (degrees).
fn cover(
    polygons: impl IntoIterator<Item = Polygon<f64>>,
    resolution: Resolution,
) -> Result<Vec<CellIndex>, GridError> {
    let mut tiler = TilerBuilder::new(resolution).containment_mode(ContainmentMode::ContainsCentroid).build();
    tiler.add_batch(polygons)?;
    Ok(tiler.into_coverage().collect())
}

#[cfg(test)]
mod tests {
    use geo::{LineString, coord, polygon};
    use h3o::CoordIJ;
    use h3o::LocalIJ;

    use super::*;

    fn rectangle(west: f64, south: f64, east: f64, north: f64) -> Polygon<f64> {
        polygon![(x: west, y: south), (x: east, y: south), (x: east, y: north), (x: west, y: north), (x: west, y: south)]
    }

    /// About 29 × 33 km near Jiujiang, some 1,000 cells at resolution 8.
    fn region() -> MultiPolygon<f64> {
        MultiPolygon(vec![rectangle(115.9, 29.35, 116.2, 29.65)])
    }

    fn open_model() -> GridModel {
        GridModel::new(&region(), GridSettings::default()).unwrap()
    }

    fn centre(cell: CellIndex) -> Point {
        let at = LatLng::from(cell);
        Point::new(at.lng(), at.lat())
    }

    fn one(model: &GridModel, from: Point, to: Point) -> Option<u32> {
        model.minutes(&[from], &[to])[0][0]
    }

    fn straight_minutes(from: Point, to: Point, speed_kmh: f64) -> f64 {
        let ll = |p: Point| LatLng::new(p.y(), p.x()).unwrap();
        ll(from).distance_km(ll(to)) / speed_kmh * 60.0
    }

    #[test]
    fn along_a_grid_axis_time_is_distance_over_speed_within_a_cell() {
        let model = open_model();
        let middle = LatLng::new(29.5, 116.05).unwrap().to_cell(Resolution::Eight);
        let origin = middle.to_local_ij(middle).unwrap();
        let cell_minutes = middle
            .grid_disk::<Vec<_>>(1)
            .iter()
            .map(|&n| straight_minutes(centre(middle), centre(n), 30.0))
            .fold(0.0, f64::max);
        let mut checked = 0;
        for (di, dj) in [(1, 0), (0, 1), (1, 1), (-1, 0), (0, -1), (-1, -1)] {
            let far = CoordIJ::new(origin.coord.i + 14 * di, origin.coord.j + 14 * dj);
            let Ok(target) = CellIndex::try_from(LocalIJ::new(origin.anchor, far)) else { continue };
            if model.grid.index(target).is_none() {
                continue;
            }
            let expected = straight_minutes(centre(middle), centre(target), 30.0);
            let got = f64::from(one(&model, centre(middle), centre(target)).unwrap());
            assert!((got - expected).abs() <= cell_minutes + 1.0, "{got} vs {expected}");
            checked += 1;
        }
        assert!(checked >= 4);
    }

    #[test]
    fn off_axis_time_stays_between_the_straight_line_and_the_hexagon_detour() {
        let model = open_model();
        let (from, to) = (Point::new(115.95, 29.40), Point::new(116.13, 29.61));
        let straight = straight_minutes(from, to, 30.0);
        let got = f64::from(one(&model, from, to).unwrap());
        assert!(got >= straight.floor() && got <= straight * 2.0 / 3f64.sqrt() + 2.0, "{got} vs {straight}");
    }

    #[test]
    fn a_wall_with_a_gap_forces_a_detour() {
        let open = open_model();
        let walled = open.with_blocked(vec![rectangle(116.04, 29.30, 116.06, 29.58)]).unwrap();
        let (west, east) = (Point::new(116.00, 29.45), Point::new(116.10, 29.45));
        let direct = one(&open, west, east).unwrap();
        let detour = one(&walled, west, east).unwrap();
        // Around the top of the wall: up ~14 km and down again instead of ~10 km across.
        assert!(detour > direct * 2, "{detour} vs {direct}");
        assert!(walled.blocked_cells().count() > 0);
        assert!(walled.blocked_cells().all(|cell| {
            let at = LatLng::from(cell);
            (116.04..=116.06).contains(&at.lng()) && at.lat() <= 29.58
        }));
    }

    #[test]
    fn an_enclosed_or_blocked_point_is_unreachable_but_keeps_its_place() {
        let moat = Polygon::new(
            rectangle(116.02, 29.47, 116.08, 29.53).exterior().clone(),
            vec![LineString::from(vec![
                coord! { x: 116.035, y: 29.485 },
                coord! { x: 116.065, y: 29.485 },
                coord! { x: 116.065, y: 29.515 },
                coord! { x: 116.035, y: 29.515 },
                coord! { x: 116.035, y: 29.485 },
            ])],
        );
        let model = open_model().with_blocked(vec![moat]).unwrap();
        let island = Point::new(116.05, 29.50);
        let flooded = Point::new(116.025, 29.50);
        let outside = [Point::new(115.95, 29.40), Point::new(116.15, 29.60)];
        let matrix = model.minutes(&[outside[0], flooded, island], &[outside[1], island, flooded]);
        assert_eq!(matrix.len(), 3);
        assert!(matrix.iter().all(|row| row.len() == 3));
        assert!(matrix[0][0].is_some());
        assert_eq!((matrix[0][1], matrix[0][2]), (None, None));
        assert!(matrix[1].iter().all(Option::is_none));
        assert!(matrix[2][0].is_none() && matrix[2][1].is_some());
    }

    #[test]
    fn a_slow_area_slows_the_trips_through_it_only() {
        let slow_east = GridSettings {
            speed_overrides: vec![(MultiPolygon(vec![rectangle(116.05, 29.3, 116.25, 29.7)]), 10.0)],
            ..GridSettings::default()
        };
        let slowed = GridModel::new(&region(), slow_east).unwrap();
        let open = open_model();
        let (west, middle, east) = (Point::new(115.93, 29.5), Point::new(116.04, 29.5), Point::new(116.15, 29.5));
        assert_eq!(one(&slowed, west, middle), one(&open, west, middle));
        let (open_time, slow_time) = (one(&open, middle, east).unwrap(), one(&slowed, middle, east).unwrap());
        assert!(slow_time > open_time * 5 / 2, "{slow_time} vs {open_time}");
    }

    #[test]
    fn points_just_off_the_grid_snap_and_far_ones_are_unreachable() {
        let model = open_model();
        let inside = Point::new(116.0, 29.5);
        let near = Point::new(116.203, 29.5);
        let far = Point::new(117.5, 29.5);
        let row = &model.minutes(&[inside], &[near, far, inside])[0];
        assert!(row[0].is_some());
        assert_eq!(row[1], None);
        assert_eq!(row[2], Some(0));
    }

    #[test]
    fn the_same_question_gets_the_same_answer() {
        let zones = vec![rectangle(116.04, 29.30, 116.06, 29.58)];
        let settings = GridSettings { blocked: zones.clone(), ..GridSettings::default() };
        let built = GridModel::new(&region(), settings).unwrap();
        let derived = open_model().with_blocked(zones).unwrap();
        let points: Vec<Point> =
            (0..12).map(|i| Point::new(115.92 + 0.023 * f64::from(i), 29.37 + 0.021 * f64::from(i))).collect();
        let first = built.minutes(&points, &points);
        assert_eq!(first, built.minutes(&points, &points));
        assert_eq!(first, derived.minutes(&points, &points));
        let reopened = derived.with_blocked(Vec::new()).unwrap();
        assert_eq!(reopened.minutes(&points, &points), open_model().minutes(&points, &points));
        assert_eq!(reopened.blocked_cells().count(), 0);
    }

    #[test]
    fn bad_speeds_are_refused() {
        for speed in [0.0, -5.0, f64::NAN] {
            let settings = GridSettings { speed_kmh: speed, ..GridSettings::default() };
            assert!(matches!(GridModel::new(&region(), settings), Err(GridError::Speed(_))));
        }
    }
}
