//! What planning keeps between requests in this process: the travel model with the depots' kept
//! paths (`travel.rs`), and for each recent plan the routing each item ended with and the row
//! and lines it was stored with, so that planning it again after a zone is drawn or removed, or
//! stock changed, starts from there instead of from nothing and need not read its result and
//! lines back (docs/domain/planning.md#planning-again). Only starting points: a plan made without
//! them, on another server or after this one restarted, is the same plan, found slower.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use moka::sync::Cache;

use super::travel::TravelCache;
use super::{PlanLine, PlanRow};
use crate::planner::Routing;

/// Memory for kept plans: a city plan (10 items, 100 depots × 2,000 villages) holds ~3 MB of
/// routings, ~2 MB of lines and ~3 MB of result.
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
    /// The plan's row as stored, its result inside; its `updated_at` is the version of all this.
    row: Arc<PlanRow>,
    lines: Vec<PlanLine>,
}

impl KeptPlan {
    pub fn new(routings: Routings, row: PlanRow, lines: Vec<PlanLine>) -> Self {
        Self { routings: Arc::new(routings), row: Arc::new(row), lines }
    }

    /// The plan's row as it is stored at `version` (its `updated_at`), unless it was written since
    /// (an edit, a step of its workflow, or another server): then its `updated_at` is another.
    pub fn row_at(&self, version: DateTime<Utc>) -> Option<Arc<PlanRow>> {
        (version == self.row.updated_at).then(|| Arc::clone(&self.row))
    }

    /// The plan's lines, under the same condition.
    pub fn lines_of(&self, plan: &PlanRow) -> Option<&[PlanLine]> {
        (plan.updated_at == self.row.updated_at).then_some(&self.lines)
    }

    fn bytes(&self) -> usize {
        let line = |l: &PlanLine| size_of::<PlanLine>() + l.item.len() + l.area_code.as_str().len();
        let fill = |f: &super::AreaFill| size_of::<super::AreaFill>() + f.item.len() + f.area_code.as_str().len();
        let result = self.row.result.areas.iter().map(fill).sum::<usize>();
        self.routings.bytes() + self.lines.iter().map(line).sum::<usize>() + result
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
