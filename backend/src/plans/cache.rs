//! What planning keeps between requests in this process: the travel model with the depots' kept
//! paths (`travel.rs`), and for each recent plan the routing each item ended with and the lines
//! it was stored with, so that planning it again after a zone is drawn or removed, or stock
//! changed, starts from there instead of from nothing and need not read its lines back
//! (docs/domain/planning.md#planning-again). Only starting points: a plan made without them, on
//! another server or after this one restarted, is the same plan, found slower.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use moka::sync::Cache;

use super::travel::TravelCache;
use super::{PlanLine, PlanRow};
use crate::planner::Routing;

/// Memory for kept plans: a city plan (8 items, 100 depots × 2,000 villages) holds ~3 MB of
/// routings and ~2 MB of lines.
const KEPT_PLANS_BYTES: u64 = 128 << 20;

pub struct PlanningCache {
    pub travel: TravelCache,
    plans: Cache<i64, Arc<KeptPlan>>,
}

impl Default for PlanningCache {
    fn default() -> Self {
        let plans = Cache::builder()
            .weigher(|_, plan: &Arc<KeptPlan>| u32::try_from(plan.bytes()).unwrap_or(u32::MAX))
            .max_capacity(KEPT_PLANS_BYTES)
            .build();
        Self { travel: TravelCache::default(), plans }
    }
}

impl PlanningCache {
    /// What plan `plan_id` was last computed and stored with here, if anything.
    pub fn kept(&self, plan_id: i64) -> Option<Arc<KeptPlan>> {
        self.plans.get(&plan_id)
    }

    pub fn keep(&self, plan_id: i64, plan: KeptPlan) {
        self.plans.insert(plan_id, Arc::new(plan));
    }
}

/// A plan as this server last computed and stored it.
pub struct KeptPlan {
    pub routings: Arc<Routings>,
    lines: Vec<PlanLine>,
    /// The plan's `updated_at` as stored with these lines.
    written: DateTime<Utc>,
}

impl KeptPlan {
    pub fn new(routings: Routings, lines: Vec<PlanLine>, written: DateTime<Utc>) -> Self {
        Self { routings: Arc::new(routings), lines, written }
    }

    /// The plan's lines, unless it was written since (an edit, or another server): then its
    /// `updated_at` is another.
    pub fn lines_of(&self, plan: &PlanRow) -> Option<&[PlanLine]> {
        (plan.updated_at == self.written).then_some(&self.lines)
    }

    fn bytes(&self) -> usize {
        let line = |l: &PlanLine| size_of::<PlanLine>() + l.item.len() + l.area_code.as_str().len();
        self.routings.bytes() + self.lines.iter().map(line).sum::<usize>()
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
