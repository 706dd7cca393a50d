//! Shortest paths kept from a set of origins to every cell, so that when blocked zones change the
//! travel matrix is repaired instead of searched again: a new zone invalidates only the cells whose
//! kept path ran through it (they are reached again from their untouched neighbours), and a
//! removed zone only improves the cells it brings nearer (a decrease spreads out from it). The
//! minutes are exactly those of a new search (`GridModel::minutes`); the tests check both ways.
//!
//! A search from each origin runs to the whole region instead of stopping at the last destination,
//! so that any destination's minutes can be read off afterwards. Memory: 8 bytes per origin and cell
//! (24 MB for 100 depots over Jiujiang's ~30,000 cells).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use super::Point;
use super::grid::{Anchor, Grid, GridModel, NO_CELL, UNREACHED, entry};

/// Travel from fixed origins over a grid with its blocked zones.
pub struct Reach {
    model: GridModel,
    origins: Vec<Point>,
    trees: Vec<Tree>,
}

/// One origin's shortest paths.
struct Tree {
    anchor: Option<Anchor>,
    /// Milliseconds from the anchor's cell to each cell; `UNREACHED` where there is no way.
    ms: Vec<u32>,
    /// The cell each cell is reached from; `NO_CELL` at the anchor and where unreached.
    parent: Vec<u32>,
}

/// What a change of zones did to a grid's cells.
struct Change {
    /// Blocked before or after: what the repair of a new zone's damage may not cross.
    either: Vec<bool>,
    closed: Vec<usize>,
    opened: Vec<usize>,
}

impl Reach {
    /// Searches from every origin (over the cores).
    pub fn new(model: GridModel, origins: &[Point]) -> Self {
        let trees = origins.par_iter().map(|&origin| Tree::search(&model, origin)).collect();
        Self { model, origins: origins.to_vec(), trees }
    }

    /// The same travel on `model` (the grid's blocked zones as they are now) from `origins`: an
    /// origin kept from before is repaired, a new one searched. On another grid, all are searched.
    pub fn update(self, model: GridModel, origins: &[Point]) -> Self {
        if !Arc::ptr_eq(&self.model.grid, &model.grid) {
            return Self::new(model, origins);
        }
        let change = Change {
            either: self.model.blocked.iter().zip(&model.blocked).map(|(a, b)| *a || *b).collect(),
            closed: changed(&model.blocked, &self.model.blocked),
            opened: changed(&self.model.blocked, &model.blocked),
        };
        let mut kept: HashMap<(u64, u64), Vec<Tree>> = HashMap::new();
        for (origin, tree) in self.origins.iter().zip(self.trees) {
            kept.entry(key(*origin)).or_default().push(tree);
        }
        let jobs: Vec<(Point, Option<Tree>)> =
            origins.iter().map(|&origin| (origin, kept.get_mut(&key(origin)).and_then(Vec::pop))).collect();
        let trees = jobs
            .into_par_iter()
            .map(|(origin, tree)| match tree {
                Some(tree) => tree.repair(&model, origin, &change),
                None => Tree::search(&model, origin),
            })
            .collect();
        Self { model, origins: origins.to_vec(), trees }
    }

    /// Minutes from each origin (rows) to each destination, as `TravelTimes::minutes` answers.
    pub fn minutes(&self, destinations: &[Point]) -> Vec<Vec<Option<u32>>> {
        let destinations: Vec<Option<Anchor>> = destinations.iter().map(|&p| self.model.locate(p)).collect();
        let grid = &self.model.grid;
        self.trees
            .iter()
            .map(|tree| match &tree.anchor {
                None => vec![None; destinations.len()],
                Some(origin) => destinations.iter().map(|d| grid.trip_minutes(origin, d.as_ref()?, &tree.ms)).collect(),
            })
            .collect()
    }

    /// The memory the kept paths take.
    pub fn bytes(&self) -> usize {
        self.trees.iter().map(|t| (t.ms.len() + t.parent.len()) * size_of::<u32>()).sum()
    }
}

impl Tree {
    fn search(model: &GridModel, origin: Point) -> Self {
        let cells = model.grid.neighbours.len();
        let mut tree = Self { anchor: model.locate(origin), ms: vec![UNREACHED; cells], parent: vec![NO_CELL; cells] };
        if let Some(anchor) = tree.anchor {
            tree.ms[anchor.cell] = 0;
            let mut heap = BinaryHeap::from([Reverse(entry(0, anchor.cell))]);
            model.grid.settle(&model.blocked, &mut tree.ms, Some(&mut tree.parent), &mut heap, |_| false);
        }
        tree
    }

    /// These paths, which were right before `change`, made right on `model`.
    fn repair(mut self, model: &GridModel, origin: Point, change: &Change) -> Self {
        let anchor = model.locate(origin);
        if anchor.map(|a| a.cell) != self.anchor.map(|a| a.cell) {
            return Self::search(model, origin); // the origin itself moved onto another cell
        }
        let Some(anchor) = anchor else { return self };
        let grid = &model.grid;
        let mut heap = BinaryHeap::new();
        // A new zone: the cells whose path ran through it lose their time and are reached again
        // from the cells around them whose path did not (nothing else can get nearer).
        if !change.closed.is_empty() {
            let cut = self.cut_off(&change.closed);
            for &cell in &cut {
                self.ms[cell] = UNREACHED;
                self.parent[cell] = NO_CELL;
            }
            for &cell in cut.iter().filter(|&&c| !change.either[c]) {
                self.reach_from_neighbours(grid, cell, &change.either, &mut heap);
            }
            grid.settle(&change.either, &mut self.ms, Some(&mut self.parent), &mut heap, |_| false);
        }
        // A removed zone: its cells are reached from their open neighbours, and whatever that
        // brings nearer spreads on from them.
        for &cell in &change.opened {
            self.reach_from_neighbours(grid, cell, &model.blocked, &mut heap);
        }
        grid.settle(&model.blocked, &mut self.ms, Some(&mut self.parent), &mut heap, |_| false);
        debug_assert_eq!(self.ms[anchor.cell], 0);
        self
    }

    /// Gives `cell` its best time through a neighbour that is open (not in `blocked`) and reached,
    /// and queues it to spread on from there.
    fn reach_from_neighbours(
        &mut self,
        grid: &Grid,
        cell: usize,
        blocked: &[bool],
        heap: &mut BinaryHeap<Reverse<u64>>,
    ) {
        for (&next, &edge) in grid.neighbours[cell].iter().zip(&grid.edge_ms[cell]) {
            if next == NO_CELL {
                break;
            }
            let from = next as usize;
            if blocked[from] || self.ms[from] == UNREACHED {
                continue;
            }
            let arrival = self.ms[from].saturating_add(edge);
            if arrival < self.ms[cell] {
                self.ms[cell] = arrival;
                self.parent[cell] = from as u32;
            }
        }
        if self.ms[cell] != UNREACHED {
            heap.push(Reverse(entry(self.ms[cell], cell)));
        }
    }

    /// The cells whose kept path runs through one of `closed` (those included): each cell's
    /// answer is its parent's, so a walk up stops at the first cell already known, or at one
    /// nearer than every closed cell (a path only gets longer on its way out).
    fn cut_off(&self, closed: &[usize]) -> Vec<usize> {
        const UNKNOWN: u8 = 0;
        const KEPT: u8 = 1;
        const CUT: u8 = 2;
        let nearest = closed.iter().map(|&c| self.ms[c]).min().unwrap_or(UNREACHED);
        let mut state = vec![UNKNOWN; self.ms.len()];
        for &cell in closed {
            state[cell] = CUT;
        }
        let mut walk = Vec::new();
        for start in 0..state.len() {
            let mut cell = start;
            while state[cell] == UNKNOWN {
                if self.ms[cell] < nearest || self.parent[cell] == NO_CELL {
                    state[cell] = KEPT; // nearer than any closed cell, the anchor, or never reached
                    break;
                }
                walk.push(cell);
                cell = self.parent[cell] as usize;
            }
            let answer = state[cell];
            for &on_the_way in &walk {
                state[on_the_way] = answer;
            }
            walk.clear();
        }
        (0..state.len()).filter(|&c| state[c] == CUT).collect()
    }
}

/// The cells blocked in `now` but not in `before`.
fn changed(now: &[bool], before: &[bool]) -> Vec<usize> {
    (0..now.len()).filter(|&i| now[i] && !before[i]).collect()
}

/// An origin's exact coordinates, to find its kept paths again.
fn key(point: Point) -> (u64, u64) {
    (point.x().to_bits(), point.y().to_bits())
}

#[cfg(test)]
mod tests {
    use geo::{MultiPolygon, Polygon, polygon};
    use proptest::prelude::*;

    use super::*;
    use crate::routing::{GridSettings, TravelTimes};

    fn rectangle(west: f64, south: f64, east: f64, north: f64) -> Polygon<f64> {
        polygon![(x: west, y: south), (x: east, y: south), (x: east, y: north), (x: west, y: north), (x: west, y: south)]
    }

    /// About 29 × 33 km near Jiujiang, some 1,000 cells at resolution 8.
    fn open_model() -> GridModel {
        let region = MultiPolygon(vec![rectangle(115.9, 29.35, 116.2, 29.65)]);
        GridModel::new(&region, GridSettings::default()).unwrap()
    }

    fn point() -> impl Strategy<Value = Point> {
        (115.9..116.2f64, 29.35..29.65f64).prop_map(|(x, y)| Point::new(x, y))
    }

    /// Zones of a few kilometres, walls included.
    fn zone() -> impl Strategy<Value = Polygon<f64>> {
        (115.9..116.2f64, 29.35..29.65f64, 0.002..0.08f64, 0.002..0.3f64)
            .prop_map(|(x, y, w, h)| rectangle(x, y, x + w, y + h))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Zones drawn and removed one after another, origins kept, added and dropped: the kept
        /// paths give what a new search gives, every time.
        #[test]
        fn repaired_paths_give_what_a_new_search_gives(
            points in proptest::collection::vec(point(), 10),
            steps in proptest::collection::vec((proptest::collection::vec(zone(), 0..4), 0..4usize), 1..5),
        ) {
            let open = open_model();
            let (origins, destinations) = points.split_at(5);
            let mut reach = Reach::new(open.clone(), origins);
            for (zones, drop) in steps {
                let model = open.with_blocked(zones).unwrap();
                let mut origins = origins.to_vec();
                origins.remove(drop);
                origins.push(destinations[drop]);
                reach = reach.update(model.clone(), &origins);
                prop_assert_eq!(reach.minutes(destinations), model.minutes(&origins, destinations));
            }
        }
    }

    #[test]
    fn a_zone_across_the_way_costs_a_detour_and_its_removal_gives_it_back() {
        let open = open_model();
        let (west, east) = (Point::new(116.00, 29.45), Point::new(116.10, 29.45));
        let reach = Reach::new(open.clone(), &[west]);
        let direct = reach.minutes(&[east])[0][0].unwrap();
        let walled = open.with_blocked(vec![rectangle(116.04, 29.30, 116.06, 29.58)]).unwrap();
        let reach = reach.update(walled, &[west]);
        assert!(reach.minutes(&[east])[0][0].unwrap() > direct * 2);
        let reach = reach.update(open.with_blocked(Vec::new()).unwrap(), &[west]);
        assert_eq!(reach.minutes(&[east])[0][0], Some(direct));
        assert_eq!(reach.bytes(), 2 * 4 * open.cells().len());
    }

    #[test]
    fn another_grid_is_searched_afresh() {
        let (west, east) = (Point::new(116.00, 29.45), Point::new(116.10, 29.45));
        let first = open_model();
        // Rebuilt over a larger region (the areas changed): other cells, other indices.
        let region = MultiPolygon(vec![rectangle(115.8, 29.3, 116.3, 29.7)]);
        let second = GridModel::new(&region, GridSettings::default()).unwrap();
        assert_ne!(first.cells().len(), second.cells().len());
        let reach = Reach::new(first, &[west]).update(second.clone(), &[west]);
        assert_eq!(reach.minutes(&[east]), second.minutes(&[west], &[east]));
    }
}
