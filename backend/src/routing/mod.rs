//! Travel times between points: the `TravelTimes` trait, and `GridModel`, which answers it with
//! Dijkstra over H3 cells (speeds by area, blocked zones impassable). A road-network router can
//! replace the grid later behind the same trait. `Reach` keeps the paths from a set of origins so
//! that a change of blocked zones repairs them instead of searching again. Pure: no I/O.

mod grid;
mod paths;

pub use grid::{GridError, GridModel, GridSettings};
pub use paths::Reach;

/// A location as longitude (x) and latitude (y) in degrees, WGS84.
pub type Point = geo::Point<f64>;

pub trait TravelTimes {
    /// Minutes from each origin (rows) to each destination (columns), rounded up to whole minutes;
    /// None where there is no way through. Every point gets its row or column, reachable or not.
    fn minutes(&self, origins: &[Point], destinations: &[Point]) -> Vec<Vec<Option<u32>>>;
}
