//! What planning keeps between requests in this process: the travel model with the depots' kept
//! paths (`travel.rs`), and the routing each item of a recent plan ended with, so that planning it
//! again after a zone is drawn or removed, or stock changed, starts from there instead of from
//! nothing (docs/domain/planning.md#planning-again). Both are only starting points: a plan made
//! without them, on another server or after this one restarted, is the same plan, found slower.

use std::collections::HashMap;
use std::sync::Arc;

use moka::sync::Cache;

use super::travel::TravelCache;
use crate::planner::Routing;

/// Memory for kept routings: a city plan (8 items, 100 depots × 2,000 villages) holds ~3 MB.
const KEPT_ROUTINGS_BYTES: u64 = 128 << 20;

pub struct PlanningCache {
    pub travel: TravelCache,
    routings: Cache<i64, Arc<Routings>>,
}

impl Default for PlanningCache {
    fn default() -> Self {
        let routings = Cache::builder()
            .weigher(|_, routings: &Arc<Routings>| u32::try_from(routings.bytes()).unwrap_or(u32::MAX))
            .max_capacity(KEPT_ROUTINGS_BYTES)
            .build();
        Self { travel: TravelCache::default(), routings }
    }
}

impl PlanningCache {
    /// The routings plan `plan_id` was last computed with here; empty when there are none.
    pub fn routings(&self, plan_id: i64) -> Arc<Routings> {
        self.routings.get(&plan_id).unwrap_or_default()
    }

    pub fn keep_routings(&self, plan_id: i64, routings: Routings) {
        self.routings.insert(plan_id, Arc::new(routings));
    }
}

/// Which stock an item was planned from: all it has, or what its depots' trucks have room for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Loading {
    AllStock,
    WithinTrucks,
}

/// The routings of one plan's items, by item code and loading.
#[derive(Default)]
pub struct Routings(HashMap<(String, Loading), ItemRoutings>);

/// An item's plan and its equity yardstick (the most delivered in the least time).
#[derive(Default)]
pub struct ItemRoutings {
    pub plan: Option<Routing>,
    pub yardstick: Option<Routing>,
}

impl Routings {
    pub fn item(&self, code: &str, loading: Loading) -> Option<&ItemRoutings> {
        self.0.get(&(code.to_owned(), loading))
    }

    pub fn insert(&mut self, code: &str, loading: Loading, routings: ItemRoutings) {
        self.0.insert((code.to_owned(), loading), routings);
    }

    fn bytes(&self) -> usize {
        self.0.values().flat_map(|r| [&r.plan, &r.yardstick]).flatten().map(Routing::bytes).sum()
    }
}
