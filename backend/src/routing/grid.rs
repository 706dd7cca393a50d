//! The grid model: the region's H3 cells (those whose centre lies in the region), each with a
//! speed; moving between neighbouring cells takes the great-circle distance between their centres
//! at the speed of the slower cell. Cells whose centre lies in a blocked zone are impassable.
//!
//! A point joins the grid at the open cell it lies in, or, when that cell is off the grid or
//! blocked, at the nearest open cell within `SNAP_RINGS` rings; the leg between the point and that
//! cell's centre is added at the cell's speed. A point inside a blocked zone is unreachable.
//!
//! Hexagon moves overestimate off-axis straight lines by up to 2/√3 (~15%); along a grid axis the
//! time matches distance / speed to within a cell. Performance target: the ~19,000 km² Jiujiang
//! region at resolution 8 (~23k cells), 100 origins × 2,000 destinations, in under 200 ms in
//! release (`cargo bench --bench routing`).

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
const NO_CELL: u32 = u32::MAX;

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
struct Grid {
    resolution: Resolution,
    /// Sorted, so a cell's index is a binary search away.
    cells: Vec<CellIndex>,
    centres: Vec<LatLng>,
    speed_kmh: Vec<f64>,
    /// Up to 6 neighbours per cell (indices into `cells`), padded with `NO_CELL`.
    neighbours: Vec<[u32; 6]>,
    edge_minutes: Vec<[f64; 6]>,
}

impl Grid {
    fn index(&self, cell: CellIndex) -> Option<usize> {
        self.cells.binary_search(&cell).ok()
    }

    /// Straight from `from` to `to` at the speed of `cell`.
    fn minutes_within(&self, cell: usize, from: LatLng, to: LatLng) -> f64 {
        from.distance_km(to) / self.speed_kmh[cell] * 60.0
    }
}

/// A travel-time model on an H3 grid; cheap to clone, and `with_blocked` shares the grid.
#[derive(Clone)]
pub struct GridModel {
    grid: Arc<Grid>,
    blocked_zones: Vec<Polygon<f64>>,
    /// Per cell of the grid.
    blocked: Vec<bool>,
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
struct Anchor {
    cell: usize,
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
        let mut edge_minutes = vec![[f64::INFINITY; 6]; cells.len()];
        for (i, cell) in cells.iter().enumerate() {
            let around = cell.grid_disk::<Vec<_>>(1).into_iter().filter(|n| n != cell);
            for (slot, j) in around.filter_map(|n| cells.binary_search(&n).ok()).enumerate() {
                neighbours[i][slot] = j as u32;
                edge_minutes[i][slot] = centres[i].distance_km(centres[j]) / speed[i].min(speed[j]) * 60.0;
            }
        }
        let grid = Grid { resolution, cells, centres, speed_kmh: speed, neighbours, edge_minutes };
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

    fn locate(&self, point: Point) -> Option<Anchor> {
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

    /// Dijkstra from `from` until every target cell is settled; leaves minutes to the centres.
    fn search(&self, from: usize, targets: &[bool], target_count: usize, search: &mut Search) {
        let Search { minutes, heap } = search;
        minutes.fill(f64::INFINITY);
        heap.clear();
        minutes[from] = 0.0;
        heap.push(Reverse((0f64.to_bits(), from as u32)));
        let mut remaining = target_count;
        // Non-negative floats order like their bit patterns, so the heap needs no float ordering.
        while let Some(Reverse((bits, cell))) = heap.pop() {
            let cell = cell as usize;
            if bits != minutes[cell].to_bits() {
                continue; // a stale entry: the cell was reached faster since
            }
            if targets[cell] {
                remaining -= 1;
                if remaining == 0 {
                    return;
                }
            }
            let here = f64::from_bits(bits);
            for (&next, &edge) in self.grid.neighbours[cell].iter().zip(&self.grid.edge_minutes[cell]) {
                if next == NO_CELL {
                    break;
                }
                if self.blocked[next as usize] {
                    continue;
                }
                let arrival = here + edge;
                if arrival < minutes[next as usize] {
                    minutes[next as usize] = arrival;
                    heap.push(Reverse((arrival.to_bits(), next)));
                }
            }
        }
    }
}

/// Buffers reused across the searches of one query.
struct Search {
    minutes: Vec<f64>,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
}

impl TravelTimes for GridModel {
    fn minutes(&self, origins: &[Point], destinations: &[Point]) -> Vec<Vec<Option<u32>>> {
        let destinations: Vec<Option<Anchor>> = destinations.iter().map(|&p| self.locate(p)).collect();
        let mut targets = vec![false; self.grid.cells.len()];
        for anchor in destinations.iter().flatten() {
            targets[anchor.cell] = true;
        }
        let target_count = targets.iter().filter(|t| **t).count();
        let mut search = Search { minutes: vec![f64::INFINITY; self.grid.cells.len()], heap: BinaryHeap::new() };
        origins
            .iter()
            .map(|&origin| {
                let Some(origin) = self.locate(origin) else {
                    return vec![None; destinations.len()];
                };
                if target_count > 0 {
                    self.search(origin.cell, &targets, target_count, &mut search);
                }
                destinations
                    .iter()
                    .map(|destination| {
                        let destination = destination.as_ref()?;
                        let minutes = if destination.cell == origin.cell {
                            self.grid.minutes_within(origin.cell, origin.at, destination.at)
                        } else {
                            origin.access_minutes + search.minutes[destination.cell] + destination.access_minutes
                        };
                        minutes.is_finite().then(|| minutes.ceil().min(u32::MAX as f64) as u32)
                    })
                    .collect()
            })
            .collect()
    }
}

fn check_speed(speed_kmh: f64) -> Result<(), GridError> {
    if speed_kmh.is_finite() && speed_kmh > 0.0 { Ok(()) } else { Err(GridError::Speed(speed_kmh)) }
}

/// The cells whose centre lies in any of the polygons (degrees).
fn cover(polygons: impl IntoIterator<Item = Polygon<f64>>, resolution: Resolution) -> Result<Vec<CellIndex>, GridError> {
    let mut tiler = TilerBuilder::new(resolution).containment_mode(ContainmentMode::ContainsCentroid).build();
    tiler.add_batch(polygons)?;
    Ok(tiler.into_coverage().collect())
}
