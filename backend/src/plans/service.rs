//! Computing plans: demand from the best figures and the norms, minus what approved plans cover;
//! supply from the depots in the author's scope; travel times around blocked zones; the exact fair
//! planner item by item (materials), or each area's entitlement split by level (funds); and a manager's
//! edit of a draft's lines, held to the same supply and demand.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::cache::{ItemRoutings, KeptPlan, Loading, PlanningCache, Routings};
use super::equity::{self, Equity, Served};
use super::fleet::{self, Load};
use super::needs::{DemandPoint, demand_points, item_demand, norm_persons, surveyed_points};
use super::rules::LinesDelta;
use super::store::{NewPlan, PlanStore};
use super::travel::TravelCache;
use super::{
    AidType, AreaFill, Bottleneck, DemandBasis, Fairness, HeldBack, Plan, PlanKind, PlanLine, PlanPolicy, PlanRequest,
    PlanResult, PlanRow, PlanStatus, ReserveFloor, SurveyedNeed, Totals, Unreachable,
};
use crate::areas::AreaCode;
use crate::areas::store::AreaStore;
use crate::auth::Actor;
use crate::config::{FillWeights, Settings};
use crate::depots::store::DepotStore;
use crate::depots::{Depot, Item, can_read};
use crate::disasters::service::{Authority, event_or_404, summarize};
use crate::disasters::store::DisasterStore;
use crate::error::{AppError, AppResult, FieldError, Said};
use crate::funds::rules::{BasisLine, entitlement, surveyed_entitlement};
use crate::funds::store::FundStore;
use crate::funds::{ResponseScope, SourceLevel};
use crate::money::Fen;
use crate::planner::{AreaDemand, ItemPlan, ItemProblem, Policy, plan_item_from};
use crate::routing::Point;
use crate::said;
use rayon::prelude::*;

/// The stores a plan is computed from and written to.
pub trait Planning: AreaStore + DisasterStore + DepotStore + FundStore + PlanStore {}
impl<T: AreaStore + DisasterStore + DepotStore + FundStore + PlanStore + ?Sized> Planning for T {}

/// A plan from a campaign's surveyed need, with no need record in the planner's scope.
fn no_need_records() -> Said {
    said!("no_need_records", "no need to plan from: the campaign has no need record in your scope for this event")
}

/// A plan from loss figures, with none of `indicators` reported in the planner's scope.
fn no_figures(indicators: Vec<String>) -> Said {
    said!(
        "no_figures",
        "no figures to plan from: no area in your scope has reported {list} for this event",
        list = indicators.join(" or "),
        indicators = indicators
    )
}

/// Computes a draft plan for the author and stores it; answers its id. A winter–spring plan counts
/// the campaign survey `surveyed` (the caller reads it; none: nothing to plan from).
pub async fn create_plan<S: Planning + ?Sized>(
    store: &S,
    settings: &Settings,
    cache: &PlanningCache,
    actor: &Actor,
    request: PlanRequest,
    surveyed: Option<SurveyedNeed>,
) -> AppResult<i64> {
    let checked = check_request(store, settings, &request, surveyed.as_ref()).await?;
    let (lines, result, routings) =
        compute_plan(store, settings, cache, actor, &checked, surveyed, Default::default()).await?;
    let plan = NewPlan {
        event_id: checked.event.id,
        aid_type: request.aid_type,
        kind: request.kind,
        author_id: actor.user.id,
        author_name: actor.user.username.clone(),
        result,
        lines,
    };
    let written = store.create_plan(&plan, &actor.audit("plan.create", "plan", "")).await?;
    let (row, lines) = plan.into_row(&written);
    cache.keep(written.id, KeptPlan::new(routings, row, lines));
    Ok(written.id)
}

/// A plan request, checked: what it plans, for which event, under which rules.
struct Checked {
    event: crate::disasters::Event,
    aid: AidType,
    /// Materials plans: the item norms' aid type; None for funds plans.
    material: Option<crate::depots::MaterialAidType>,
    scope: Option<ResponseScope>,
    floor_percent: i64,
    fairness: Fairness,
}

async fn check_request<S: Planning + ?Sized>(
    store: &S,
    settings: &Settings,
    request: &PlanRequest,
    surveyed: Option<&SurveyedNeed>,
) -> AppResult<Checked> {
    let aid: AidType = crate::text_enum::parse_enum(request.aid_type.clone()).map_err(|_| {
        AppError::invalid_field(
            "aid_type",
            said!("aid_type_unknown", "emergency, bereavement, transitional, winter_spring, reconstruction or drought"),
        )
    })?;
    let kind: PlanKind = crate::text_enum::parse_enum(request.kind.clone())
        .map_err(|_| AppError::invalid_field("kind", said!("plan_kind", "materials or funds")))?;
    let fairness = fairness(settings, request.policy.as_deref(), request.weights)?;
    let event = event_or_404(store, request.event_id).await?;
    aid.require_for(event.hazard.0)?;
    let material = match (kind, aid.materials()) {
        (PlanKind::Materials, Some(material)) => Some(material),
        (PlanKind::Materials, None) => {
            return Err(AppError::invalid_field(
                "kind",
                said!("reconstruction_funds_only", "housing reconstruction is funds only"),
            ));
        }
        (PlanKind::Funds, _) => None,
    };
    let scope: Option<ResponseScope> = match &request.response_scope {
        Some(text) => Some(crate::text_enum::parse_enum(text.clone()).map_err(|_| {
            AppError::invalid_field("response_scope", said!("response_scope", "national, provincial or local"))
        })?),
        None => None,
    };
    let floor_percent = request.reserve_floor_percent.unwrap_or(settings.reserve_floor_percent);
    if !(0..=100).contains(&floor_percent) {
        return Err(AppError::invalid_field(
            "reserve_floor_percent",
            said!("percent_range", "a share from 0 to 100 %"),
        ));
    }
    if aid == AidType::WinterSpring && surveyed.is_none() {
        return Err(AppError::invalid_field(
            "event_id",
            said!(
                "no_campaign",
                "no winter–spring campaign covers this event: winter–spring plans count a campaign's surveyed need"
            ),
        ));
    }
    Ok(Checked { event, aid, material, scope, floor_percent, fairness })
}

/// The plan's policy and weights, or the settings' defaults; weights outside (0, 1] name their field.
fn fairness(settings: &Settings, policy: Option<&str>, weights: Option<FillWeights>) -> AppResult<Fairness> {
    let policy: PlanPolicy = crate::text_enum::parse_enum(policy.unwrap_or(&settings.plan_policy).to_owned())
        .map_err(|_| AppError::invalid_field("policy", said!("plan_policy", "strict_tiers or weighted")))?;
    let weights = weights.unwrap_or(settings.fill_weights);
    let outside: Vec<FieldError> = weights
        .out_of_range()
        .into_iter()
        .map(|name| {
            FieldError::new(format!("weights.{name}"), said!("fill_weight_range", "a weight above 0 and at most 1"))
        })
        .collect();
    if !outside.is_empty() {
        return Err(AppError::invalid("weights outside (0, 1]", outside));
    }
    Ok(Fairness { policy, weights })
}

/// Computes what `checked` asks for, storing nothing: the lines, the result and the routings the
/// items ended with, started from the `previous` ones where they are given.
async fn compute_plan<S: Planning + ?Sized>(
    store: &S,
    settings: &Settings,
    cache: &PlanningCache,
    actor: &Actor,
    checked: &Checked,
    surveyed: Option<SurveyedNeed>,
    previous: Arc<Routings>,
) -> AppResult<(Vec<PlanLine>, PlanResult, Routings)> {
    let (lines, mut result, routings) = match checked.material {
        Some(material) => {
            let asked = Asked { event: &checked.event, aid: checked.aid, surveyed: surveyed.as_ref() };
            let input = planning_input(store, settings, &cache.travel, actor, asked, checked.floor_percent).await?;
            let rules = PlanRules::new(settings, material, checked.fairness);
            // The planner is seconds of CPU at city scale: off the async workers, so the server
            // keeps answering other requests while it runs.
            tokio::task::spawn_blocking(move || {
                let (lines, mut result, routings) = compute(&input, &rules, &previous);
                result.reserve_floor = Some(input.floor);
                (lines, result, routings)
            })
            .await
            .map_err(|e| AppError::Internal(e.into()))?
        }
        None => (
            Vec::new(),
            funds_plan(store, settings, actor, &checked.event, checked.aid, checked.scope, surveyed.as_ref()).await?,
            Routings::default(),
        ),
    };
    result.survey = surveyed;
    result.computed_at = Some(chrono::Utc::now());
    Ok((lines, result, routings))
}

/// The policies side by side for one materials plan request, before it is made: each one's
/// equity audit and totals from the same demand, stock and roads. Stores nothing.
pub async fn compare_policies<S: Planning + ?Sized>(
    store: &S,
    settings: &Settings,
    cache: &PlanningCache,
    actor: &Actor,
    request: PlanRequest,
    surveyed: Option<SurveyedNeed>,
) -> AppResult<Vec<PolicyOption>> {
    let checked = check_request(store, settings, &request, surveyed.as_ref()).await?;
    let Some(material) = checked.material else {
        return Err(AppError::invalid_field(
            "kind",
            said!("compare_materials_only", "policies weigh materials: a funds plan follows the standards"),
        ));
    };
    let asked = Asked { event: &checked.event, aid: checked.aid, surveyed: surveyed.as_ref() };
    let input = planning_input(store, settings, &cache.travel, actor, asked, checked.floor_percent).await?;
    let weights = checked.fairness.weights;
    let rules: Vec<PlanRules> = <PlanPolicy as strum::VariantArray>::VARIANTS
        .iter()
        .map(|&policy| PlanRules::new(settings, material, Fairness { policy, weights }))
        .collect();
    tokio::task::spawn_blocking(move || {
        rules
            .iter()
            .map(|rules| {
                let (_, result, _) = compute(&input, rules, &Routings::default());
                PolicyOption {
                    fairness: rules.fairness,
                    totals: result.totals,
                    equity: result.equity.expect("computed"),
                }
            })
            .collect()
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))
}

/// One policy's outcome in a comparison.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PolicyOption {
    pub fairness: Fairness,
    pub totals: Totals,
    pub equity: Equity,
}

/// Computes a draft again from today's demand, stock and roads (after a blocked zone is drawn or
/// removed, or stock changed), under the rules it was made with, each item's routing started from
/// where its last computation here ended; stores the new lines and answers what changed and what
/// the change cost.
pub async fn replan<S: Planning + ?Sized>(
    store: &S,
    settings: &Settings,
    cache: &PlanningCache,
    actor: &Actor,
    plan: &PlanRow,
    read_version: Option<DateTime<Utc>>,
    surveyed: Option<SurveyedNeed>,
) -> AppResult<Replanned> {
    require_draft(plan, |status| {
        said!("replan_not_draft", "only a draft can be planned again; this plan is {plan_status}", plan_status = status)
    })?;
    require_as_read(plan, read_version)?;
    let before = &plan.result.0;
    if before.funds.is_some() {
        return Err(AppError::conflict(said!(
            "replan_funds_plan",
            "a funds plan follows the standards and the fund pools: make a new one"
        )));
    }
    let request = PlanRequest {
        event_id: plan.event_id,
        aid_type: plan.aid_type.clone(),
        kind: plan.kind.clone(),
        response_scope: None,
        reserve_floor_percent: before.reserve_floor.as_ref().map(|f| f.percent),
        policy: before.fairness.map(|f| f.policy.as_str().to_owned()),
        weights: before.fairness.map(|f| f.weights),
    };
    let checked = check_request(store, settings, &request, surveyed.as_ref()).await?;
    let kept = cache.kept(plan.id);
    let previous = kept.as_ref().map(|k| Arc::clone(&k.routings)).unwrap_or_default();
    // The plan's lines as they stand: as this server stored them, or (stored elsewhere or edited
    // since) read while the new ones are computed; at city scale ~20,000 lines.
    let lines_kept = kept.as_deref().and_then(|k| k.lines_of(plan));
    let (lines_before, (lines, result, routings)) = tokio::try_join!(
        async {
            AppResult::Ok(match lines_kept {
                Some(lines) => Cow::Borrowed(lines),
                None => Cow::Owned(store.plan_lines(plan.id).await?),
            })
        },
        compute_plan(store, settings, cache, actor, &checked, surveyed, previous)
    )?;
    // The result (~4 MB of JSON at city scale) is serialized beside the comparison of the lines,
    // not inside the write.
    let ((delta, changes), stored) = rayon::join(
        || {
            let delta = LinesDelta::between(&lines_before, &lines);
            let changes = line_changes(&delta.before, &delta.after);
            (delta, changes)
        },
        || serialized(&result),
    );
    let replanned = Replanned {
        unchanged_lines: (lines.len() - changes.iter().filter(|c| c.quantity_after > 0).count()) as i64,
        changes,
        before: PlanFigures::of(before),
        after: PlanFigures::of(&result),
    };
    let audit =
        actor.audit("plan.replan", "plan", plan.id.to_string()).with_before(&delta.before).with_after(&delta.after);
    let written = store.edit_draft(plan.id, plan.updated_at, &delta, &stored?, &audit).await?;
    cache.keep(plan.id, KeptPlan::new(routings, plan.changed(result, written), lines));
    Ok(replanned)
}

/// A plan past its draft refuses the change with what `refusal` says of its status (409).
fn require_draft(plan: &PlanRow, refusal: impl FnOnce(&str) -> Said) -> AppResult<()> {
    if plan.status == PlanStatus::Draft {
        return Ok(());
    }
    Err(AppError::conflict(refusal(plan.status.as_str())))
}

/// A change made against the plan as its editor read it (`read_version`, its `updated_at`) is
/// refused (412) once the plan has been written since: another manager's edit or re-plan is never
/// overwritten by one worked out on the lines before it.
fn require_as_read(plan: &PlanRow, read_version: Option<DateTime<Utc>>) -> AppResult<()> {
    match read_version {
        Some(read) if read.trunc_subsecs(6) != plan.updated_at.trunc_subsecs(6) => Err(AppError::Stale(
            "this plan was changed since you read it: read it again and repeat the change if it is still needed".into(),
        )),
        _ => Ok(()),
    }
}

/// What a re-plan changed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Replanned {
    /// The lines added, removed or changed (quantity 0 where a line is new or gone).
    pub changes: Vec<LineChange>,
    pub unchanged_lines: i64,
    pub before: PlanFigures,
    pub after: PlanFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LineChange {
    pub depot_id: i64,
    pub area_code: AreaCode,
    pub item: String,
    pub quantity_before: i64,
    pub quantity_after: i64,
    pub travel_minutes_before: Option<i64>,
    pub travel_minutes_after: Option<i64>,
}

/// A plan's figures before and after a change, so the change's cost reads as their difference.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlanFigures {
    pub totals: Totals,
    /// The lowest fill over the plan's area × item needs.
    pub min_fill: f64,
    pub travel_unit_minutes: i64,
    pub deprivation_unit_minutes: i64,
}

impl PlanFigures {
    fn of(result: &PlanResult) -> Self {
        let equity = result.equity.as_ref();
        Self {
            totals: result.totals.clone(),
            min_fill: result.areas.iter().map(|a| a.fill_rate).fold(1.0, f64::min),
            travel_unit_minutes: equity.map_or(0, |e| e.travel_unit_minutes),
            deprivation_unit_minutes: equity.map_or(0, |e| e.deprivation_unit_minutes),
        }
    }
}

/// The lines whose quantity or route time differ between `before` and `after`, by depot, area and item.
fn line_changes(before: &[PlanLine], after: &[PlanLine]) -> Vec<LineChange> {
    let key = |l: &PlanLine| (l.depot_id, l.area_code.clone(), l.item.clone());
    let mut changes: BTreeMap<(i64, AreaCode, String), LineChange> = BTreeMap::new();
    for (line, is_after) in before.iter().map(|l| (l, false)).chain(after.iter().map(|l| (l, true))) {
        let change = changes.entry(key(line)).or_insert_with(|| LineChange {
            depot_id: line.depot_id,
            area_code: line.area_code.clone(),
            item: line.item.clone(),
            quantity_before: 0,
            quantity_after: 0,
            travel_minutes_before: None,
            travel_minutes_after: None,
        });
        if is_after {
            change.quantity_after = line.quantity;
            change.travel_minutes_after = Some(line.travel_minutes);
        } else {
            change.quantity_before = line.quantity;
            change.travel_minutes_before = Some(line.travel_minutes);
        }
    }
    changes
        .into_values()
        .filter(|c| c.quantity_before != c.quantity_after || c.travel_minutes_before != c.travel_minutes_after)
        .collect()
}

/// Everything a materials plan is computed from, read once.
struct PlanningInput {
    points: Vec<DemandPoint>,
    depots: Vec<Depot>,
    items: Vec<Item>,
    /// What the depots can give, after the reserve floor.
    available: HashMap<(i64, String), i64>,
    floor: ReserveFloor,
    covered: HashMap<(AreaCode, String), i64>,
    minutes: Vec<Vec<Option<u32>>>,
}

/// What a plan is asked for: an event's aid item, and for winter–spring aid the survey it counts.
struct Asked<'a> {
    event: &'a crate::disasters::Event,
    aid: AidType,
    surveyed: Option<&'a SurveyedNeed>,
}

async fn planning_input<S: Planning + ?Sized>(
    store: &S,
    settings: &Settings,
    travel: &TravelCache,
    actor: &Actor,
    asked: Asked<'_>,
    floor_percent: i64,
) -> AppResult<PlanningInput> {
    let Asked { event, aid, surveyed } = asked;
    let material = aid.materials().expect("checked by the caller");
    // Read at once, on as many connections: on PostgreSQL each read is a round trip of its own.
    let covering = [PlanStatus::Approved, PlanStatus::Dispatched, PlanStatus::Completed];
    let aid_text = crate::text_enum::enum_text(aid);
    let (summarized, (all_depots, balances, covered_lines, blockages, items)) =
        tokio::try_join!(summarize(store, settings, event), async {
            Ok(tokio::try_join!(
                store.list_depots(),
                store.balances(),
                store.lines_in_states(event.id, &aid_text, &covering),
                store.blockages(event.id),
                store.list_items(),
            )?)
        })?;
    let points_by_area: HashMap<AreaCode, (f64, f64)> =
        summarized.areas.iter().map(|a| (a.code.clone(), (a.lon, a.lat))).collect();
    let levels: HashMap<AreaCode, Option<i64>> =
        summarized.summaries.iter().map(|(c, s)| (c.clone(), s.response_level)).collect();
    let points: Vec<DemandPoint> = match surveyed {
        Some(need) => surveyed_points(need, &points_by_area, &levels),
        None => demand_points(material, &summarized.own_best, &points_by_area, &levels),
    }
    .into_iter()
    .filter(|p| actor.user.can_reach(&p.area_code))
    .collect();
    if points.is_empty() && surveyed.is_some() {
        return Err(AppError::invalid_field("event_id", no_need_records()));
    }
    if points.is_empty() {
        let basis: Vec<String> = super::needs::basis_indicators(material).iter().map(|i| i.name()).collect();
        return Err(AppError::invalid_field("event_id", no_figures(basis)));
    }
    let depots: Vec<Depot> =
        all_depots.into_iter().filter(|d| d.status == "active" && can_read(&actor.user, d)).collect();
    let responding: HashSet<i64> =
        depots.iter().filter(|d| levels.get(&d.area_code).copied().flatten().is_some()).map(|d| d.id).collect();
    let names: HashMap<i64, &str> = depots.iter().map(|d| (d.id, d.name.as_str())).collect();
    let mut available = HashMap::new();
    let mut floor = ReserveFloor { percent: floor_percent, held: Vec::new() };
    for b in balances {
        let free = (b.on_hand - b.reserved).max(0);
        let held = if responding.contains(&b.depot_id) { 0 } else { reserve_floor(free, floor_percent) };
        if held > 0
            && let Some(name) = names.get(&b.depot_id)
        {
            floor.held.push(HeldBack {
                depot_id: b.depot_id,
                depot_name: (*name).to_owned(),
                item: b.item_code.clone(),
                quantity: held,
            });
        }
        available.insert((b.depot_id, b.item_code), free - held);
    }
    let mut covered: HashMap<(AreaCode, String), i64> = HashMap::new();
    for line in covered_lines {
        *covered.entry((line.area_code, line.item)).or_default() += line.quantity;
    }
    let blocked = blockages
        .iter()
        .map(|b| super::travel::parse_multipolygon(&b.geometry).map(|mp| mp.0))
        .collect::<AppResult<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    let origins: Vec<Point> = depots.iter().map(|d| Point::new(d.lon, d.lat)).collect();
    let destinations: Vec<Point> = points.iter().map(|p| Point::new(p.lon, p.lat)).collect();
    let minutes = travel.minutes(store, settings, event.id, blocked, origins, destinations).await?;
    Ok(PlanningInput { points, depots, items, available, floor, covered, minutes })
}

/// The units of `free` stock a depot outside the response keeps: `percent` of it, rounded up, so
/// a floor of any size keeps at least one of each item it holds.
fn reserve_floor(free: i64, percent: i64) -> i64 {
    (free * percent + 99) / 100
}

/// What a materials plan is computed under besides its input.
struct PlanRules {
    material: crate::depots::MaterialAidType,
    fairness: Fairness,
    persons_per_household: f64,
    deadline_minutes: u32,
}

impl PlanRules {
    fn new(settings: &Settings, material: crate::depots::MaterialAidType, fairness: Fairness) -> Self {
        Self {
            material,
            fairness,
            persons_per_household: settings.persons_per_household,
            deadline_minutes: settings.plan_deadline_minutes,
        }
    }
}

/// One item's planning problem with what explains its demand.
struct ItemInput<'a> {
    item: &'a Item,
    bases: Vec<DemandBasis>,
    demands: Vec<i64>,
    problem: ItemProblem,
}

/// Runs the exact planner on every item (the items share no stock, so on every core at once, each
/// item a task of its own so that a core that is done takes the next instead of a fixed half), with
/// the equity audit against the most delivered in the least time from the same stock. Where that
/// loads a depot's trucks beyond what they carry, the items are planned again one after another in
/// their loading order, each from what the trucks have room left for (`load_in_order`). Each
/// item's routings start from its `previous` ones; answers those it ended with.
fn compute(input: &PlanningInput, rules: &PlanRules, previous: &Routings) -> (Vec<PlanLine>, PlanResult, Routings) {
    let aid = rules.material;
    let mut items: Vec<ItemInput> = input
        .items
        .iter()
        .filter(|i| i.norms.get(&aid).is_some_and(|n| n.per_thousand > 0))
        .filter_map(|item| item_input(input, rules, item))
        .collect();
    let (mut planned, first_routings): (Vec<(ItemPlan, ItemPlan)>, Vec<ItemRoutings>) = items
        .par_iter()
        .with_max_len(1)
        .map(|i| plan_with_yardstick(&i.problem, previous.item(&i.item.code, Loading::AllStock)))
        .unzip();
    let mut routings = Routings::default();
    for (item, item_routings) in items.iter().zip(first_routings) {
        routings.insert(&item.item.code, Loading::AllStock, item_routings);
    }
    let mut limiting = HashSet::new();
    if input.depots.iter().any(|d| d.fleet.is_some()) {
        let mut loads: BTreeMap<i64, Load> = BTreeMap::new();
        for (i, (plan, _)) in items.iter().zip(&planned) {
            for line in &plan.lines {
                loads.entry(input.depots[line.depot].id).or_default().add(Load::of(i.item, line.quantity));
            }
        }
        if !fleet::overloaded(&input.depots, &loads).is_empty() {
            (planned, limiting) = load_in_order(&input.depots, &mut items, planned, previous, &mut routings);
        }
    }
    let mut lines = Vec::new();
    let mut result = PlanResult::default();
    let (mut served, mut fastest) = (Vec::new(), Vec::new());
    for (item_index, (ItemInput { item, bases, demands, .. }, (planned, quickest))) in
        items.iter().zip(&planned).enumerate()
    {
        for (plan, rows) in [(planned, &mut served), (quickest, &mut fastest)] {
            let mut unit_minutes = vec![0; demands.len()];
            for line in &plan.lines {
                unit_minutes[line.area] += line.quantity * i64::from(line.minutes);
            }
            rows.extend((0..demands.len()).filter(|&a| demands[a] > 0).map(|a| Served {
                item: item_index,
                tier: input.points[a].tier,
                demand: demands[a],
                allocated: plan.allocated[a],
                unit_minutes: unit_minutes[a],
            }));
        }
        for line in &planned.lines {
            lines.push(PlanLine {
                depot_id: input.depots[line.depot].id,
                area_code: input.points[line.area].area_code.clone(),
                item: item.code.clone(),
                quantity: line.quantity,
                travel_minutes: i64::from(line.minutes),
                late: line.late,
            });
        }
        for (index, point) in input.points.iter().enumerate() {
            if demands[index] == 0 {
                continue;
            }
            result.areas.push(AreaFill {
                area_code: point.area_code.clone(),
                item: item.code.clone(),
                demand: demands[index],
                allocated: planned.allocated[index],
                fill_rate: planned.allocated[index] as f64 / demands[index] as f64,
                tier: point.tier,
                basis: Some(bases[index].clone()),
            });
        }
        result.unreachable.extend(planned.unreachable.iter().map(|&a| Unreachable {
            area_code: input.points[a].area_code.clone(),
            item: item.code.clone(),
            demand: demands[a],
        }));
        result.bottlenecks.extend(
            planned.bottlenecks.iter().map(|&d| Bottleneck { depot_id: input.depots[d].id, item: item.code.clone() }),
        );
    }
    result.totals = totals(&lines, &result);
    result.fairness = Some(rules.fairness);
    result.equity = Some(equity::audit(&served, i64::from(rules.deadline_minutes), Some(&fastest)));
    let catalogue: HashMap<&str, &Item> = input.items.iter().map(|i| (i.code.as_str(), i)).collect();
    result.fleet = fleet::fleet_loads(&input.depots, &fleet::loads(&lines, &catalogue), |id| limiting.contains(&id));
    (lines, result, routings)
}

/// An item's plan and its yardstick: the same stock with every minute counting alike and no
/// fairness (the most delivered in the least time); each started from its `previous` routing.
fn plan_with_yardstick(problem: &ItemProblem, previous: Option<&ItemRoutings>) -> ((ItemPlan, ItemPlan), ItemRoutings) {
    let mut quickest = problem.clone();
    quickest.policy = Policy::MostDelivered;
    for demand in &mut quickest.demands {
        demand.weight = 1;
    }
    let ((plan, plan_routing), (yardstick, yardstick_routing)) = rayon::join(
        || plan_item_from(problem, previous.and_then(|p| p.plan.as_ref())),
        || plan_item_from(&quickest, previous.and_then(|p| p.yardstick.as_ref())),
    );
    ((plan, yardstick), ItemRoutings { plan: plan_routing, yardstick: yardstick_routing })
}

/// Plans the items one after another in their loading order (`Category::loading_rank`, then code),
/// each depot with trucks offering an item no more than its trucks still have room for. An item
/// whose plan and yardstick in `independent` (planned without the trucks) already fit keeps them:
/// a plan that is best over the larger supply and feasible under the smaller one is best there too.
/// Answers the plans in the items' order and the ids of the depots whose trucks held stock back;
/// the routings of the items planned again go into `routings`, started from their `previous` ones.
fn load_in_order(
    depots: &[Depot],
    items: &mut [ItemInput],
    independent: Vec<(ItemPlan, ItemPlan)>,
    previous: &Routings,
    routings: &mut Routings,
) -> (Vec<(ItemPlan, ItemPlan)>, HashSet<i64>) {
    let mut room: Vec<Option<Load>> = depots.iter().map(|d| d.fleet.as_ref().map(Load::carried_by)).collect();
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| (items[i].item.category.loading_rank(), items[i].item.code.as_str()));
    let mut planned: Vec<Option<(ItemPlan, ItemPlan)>> = independent.into_iter().map(Some).collect();
    let mut limiting = HashSet::new();
    let sent = |plan: &ItemPlan| {
        let mut sent = vec![0; depots.len()];
        for line in &plan.lines {
            sent[line.depot] += line.quantity;
        }
        sent
    };
    for index in order {
        let input = &mut items[index];
        let mut held_back = Vec::new();
        for (depot, supply) in input.problem.supplies.iter_mut().enumerate() {
            let fitting = room[depot].map_or(i64::MAX, |room| room.units_of(input.item));
            if fitting < *supply {
                *supply = fitting;
                held_back.push(depot);
            }
        }
        let supplies = &input.problem.supplies;
        let fits = |plan: &ItemPlan| sent(plan).iter().zip(supplies).all(|(sent, supply)| sent <= supply);
        let plans = match planned[index].take() {
            Some(plans) if fits(&plans.0) && fits(&plans.1) => plans,
            _ => {
                let code = &input.item.code;
                let (plans, item_routings) =
                    plan_with_yardstick(&input.problem, previous.item(code, Loading::WithinTrucks));
                routings.insert(code, Loading::WithinTrucks, item_routings);
                plans
            }
        };
        let sent = sent(&plans.0);
        for (depot, room) in room.iter_mut().enumerate() {
            if let Some(room) = room {
                *room = room.less(Load::of(input.item, sent[depot]));
            }
        }
        // The trucks held stock back where the plan took all they could carry.
        limiting.extend(held_back.into_iter().filter(|&d| sent[d] == input.problem.supplies[d]).map(|d| depots[d].id));
        planned[index] = Some(plans);
    }
    (planned.into_iter().map(|p| p.expect("every item planned")).collect(), limiting)
}

/// An item's demand per area (the norm's people, less what approved plans cover) and its
/// planning problem; None when no area needs it.
fn item_input<'a>(input: &PlanningInput, rules: &PlanRules, item: &'a Item) -> Option<ItemInput<'a>> {
    let norm = item.norms[&rules.material];
    let bases: Vec<DemandBasis> = input
        .points
        .iter()
        .map(|p| {
            let (indicator, persons) = norm_persons(&norm, p);
            DemandBasis { indicator, persons, norm }
        })
        .collect();
    let demands: Vec<i64> = input
        .points
        .iter()
        .zip(&bases)
        .map(|(p, basis)| {
            let covered = input.covered.get(&(p.area_code.clone(), item.code.clone())).copied().unwrap_or(0);
            (item_demand(&norm, basis.persons, rules.persons_per_household) - covered).max(0)
        })
        .collect();
    if demands.iter().all(|d| *d == 0) {
        return None;
    }
    let problem = ItemProblem {
        supplies: input
            .depots
            .iter()
            .map(|d| input.available.get(&(d.id, item.code.clone())).copied().unwrap_or(0).max(0))
            .collect(),
        demands: input
            .points
            .iter()
            .zip(&demands)
            .map(|(p, quantity)| AreaDemand {
                quantity: *quantity,
                tier: p.tier,
                weight: i64::from(p.tier) + 1,
                fill_weight: rules.fairness.weights.thousandths(p.tier),
            })
            .collect(),
        minutes: input.minutes.clone(),
        deadline_minutes: rules.deadline_minutes,
        policy: rules.fairness.policy.planner(),
    };
    Some(ItemInput { item, bases, demands, problem })
}

/// A funds plan: each lowest reporting area's entitlement under the standards in force, split
/// between the levels and scaled where a level's pools are short. `areas` carries the money as
/// item `funds` (amounts in fen), so fill rates read the same as for materials.
async fn funds_plan<S: Planning + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    event: &crate::disasters::Event,
    aid: AidType,
    scope: Option<ResponseScope>,
    surveyed: Option<&SurveyedNeed>,
) -> AppResult<PlanResult> {
    let summarized = summarize(store, settings, event).await?;
    let standards = crate::funds::service::standards(store).await?;
    let basis = crate::funds::rules::basis_indicators(aid);
    // Each area's money follows the split of the most senior authority whose response covers it,
    // unless the author chose one split for all.
    let responses = crate::disasters::service::responses(&summarized.summaries);
    let scope_of = |area: &AreaCode| {
        scope.unwrap_or(match crate::disasters::service::authority_in_force(&responses, area) {
            Some(Authority::National) => ResponseScope::National,
            Some(Authority::Provincial) => ResponseScope::Provincial,
            _ => ResponseScope::Local,
        })
    };
    let areas: Vec<(AreaCode, Vec<BasisLine>, ResponseScope)> = match surveyed {
        Some(need) => need
            .areas
            .iter()
            .filter(|(code, _)| actor.user.can_reach(code))
            .map(|(code, classes)| (code.clone(), surveyed_entitlement(&standards, classes), scope_of(code)))
            .collect(),
        None => super::needs::lowest_reporting(&summarized.own_best, |f| {
            basis.iter().any(|i| f.get(i).is_some_and(|v| *v > 0))
        })
        .into_iter()
        .filter(|code| actor.user.can_reach(code))
        .map(|code| (code.clone(), entitlement(&standards, aid, &summarized.own_best[code]), scope_of(code)))
        .collect(),
    };
    if areas.is_empty() && surveyed.is_some() {
        return Err(AppError::invalid_field("event_id", no_need_records()));
    }
    if areas.is_empty() {
        let names: Vec<String> = basis.iter().map(|i| i.name()).collect();
        return Err(AppError::invalid_field("event_id", no_figures(names)));
    }
    let mut available: BTreeMap<SourceLevel, Fen> = BTreeMap::new();
    for pool in store.fund_pools(Some(event.id), Some(&crate::text_enum::enum_text(aid))).await? {
        *available.entry(pool.source_level).or_default() += pool.available_fen;
    }
    let funds = crate::funds::rules::plan_funds(&standards, &areas, &available);
    let fills: Vec<AreaFill> = funds
        .areas
        .iter()
        .map(|a| AreaFill {
            area_code: a.area_code.clone(),
            item: "funds".into(),
            demand: a.entitled_fen.0,
            allocated: a.allocated_fen.0,
            fill_rate: a.fill_rate,
            tier: 0,
            basis: None,
        })
        .collect();
    let totals = Totals { demand: funds.entitled_fen.0, allocated: funds.allocated_fen.0, ..Totals::default() };
    Ok(PlanResult { areas: fills, totals, funds: Some(funds), ..PlanResult::default() })
}

/// The totals of a plan's lines and fills (recomputed when an edit changes the lines).
pub fn totals(lines: &[PlanLine], result: &PlanResult) -> Totals {
    let mut unreachable: Vec<&str> = result.unreachable.iter().map(|u| u.area_code.as_str()).collect();
    unreachable.sort_unstable();
    unreachable.dedup();
    Totals {
        demand: result.areas.iter().map(|a| a.demand).sum(),
        allocated: lines.iter().map(|l| l.quantity).sum(),
        lines: lines.len() as i64,
        late_lines: lines.iter().filter(|l| l.late).count() as i64,
        unreachable_areas: unreachable.len() as i64,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LineEdit {
    pub depot_id: i64,
    pub area_code: AreaCode,
    pub item: String,
    pub quantity: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanEdit {
    /// The complete new set of lines.
    pub lines: Vec<LineEdit>,
}

/// Replaces a draft materials plan's lines (a manager's edit): each line from an active depot in
/// the editor's scope to an area and item the plan has demand for, no depot giving more than it
/// has available, no area getting more than it needs; fills and totals follow the lines.
pub async fn edit_draft<S: Planning + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    plan: &Plan,
    read_version: Option<DateTime<Utc>>,
    edit: PlanEdit,
) -> AppResult<()> {
    require_draft(&plan.row, |status| {
        said!("plan_not_draft", "only a draft can be edited; this plan is {plan_status}", plan_status = status)
    })?;
    require_as_read(&plan.row, read_version)?;
    if plan.result.funds.is_some() {
        return Err(AppError::invalid_field(
            "lines",
            said!(
                "funds_plan_lines",
                "a funds plan follows the standards and the fund pools: change those and plan again"
            ),
        ));
    }
    let balances = store.balances().await?;
    let depots = store.list_depots().await?;
    // Looked up by key: a city plan has some 15,000 lines and 16,000 area × item needs.
    let fills: HashMap<(&AreaCode, &str), &AreaFill> =
        plan.result.areas.iter().map(|a| ((&a.area_code, a.item.as_str()), a)).collect();
    let routes: HashMap<(i64, &AreaCode), i64> =
        plan.lines.iter().map(|l| ((l.depot_id, &l.area_code), l.travel_minutes)).collect();
    let mut problems = Vec::new();
    // Each total with the lines that make it up, so a refusal names those lines.
    let mut per_depot_item: HashMap<(i64, String), (i64, Vec<usize>)> = HashMap::new();
    let mut per_area_item: HashMap<(AreaCode, String), (i64, Vec<usize>)> = HashMap::new();
    let mut lines = Vec::new();
    for (i, line) in edit.lines.iter().enumerate() {
        let field = |name: &str| format!("lines[{i}].{name}");
        if line.quantity <= 0 {
            problems
                .push(FieldError::new(field("quantity"), said!("positive_whole", "must be a positive whole number")));
        }
        // As when the plan was computed: only active depots in the editor's scope supply it.
        if !depots.iter().any(|d| d.id == line.depot_id && d.status == "active" && can_read(&actor.user, d)) {
            problems.push(FieldError::new(
                field("depot_id"),
                said!(
                    "plan_depot_unusable",
                    "depot {depot} is unknown, inactive or outside your scope",
                    depot = line.depot_id
                ),
            ));
        }
        let Some(fill) = fills.get(&(&line.area_code, line.item.as_str())) else {
            problems.push(FieldError::new(
                field("area_code"),
                said!(
                    "plan_no_demand",
                    "{area} has no demand for {item} in this plan",
                    area = &line.area_code,
                    item = &line.item
                ),
            ));
            continue;
        };
        for (total, at) in [
            per_depot_item.entry((line.depot_id, line.item.clone())).or_default(),
            per_area_item.entry((line.area_code.clone(), line.item.clone())).or_default(),
        ] {
            *total += line.quantity;
            at.push(i);
        }
        // The route from a depot to an area takes as long whatever it carries.
        let minutes = routes.get(&(line.depot_id, &line.area_code)).copied().unwrap_or(0);
        lines.push(PlanLine {
            depot_id: line.depot_id,
            area_code: fill.area_code.clone(),
            item: line.item.clone(),
            quantity: line.quantity,
            travel_minutes: minutes,
            late: minutes > i64::from(settings.plan_deadline_minutes),
        });
    }
    let over = |at: &[usize], reason: Said, problems: &mut Vec<FieldError>| {
        problems.extend(at.iter().map(|i| FieldError::new(format!("lines[{i}].quantity"), reason.clone())));
    };
    for ((depot, item), (quantity, at)) in &per_depot_item {
        let available = balances
            .iter()
            .find(|b| b.depot_id == *depot && &b.item_code == item)
            .map_or(0, |b| b.on_hand - b.reserved);
        if *quantity > available {
            over(
                at,
                said!(
                    "plan_over_stock",
                    "depot {depot} has {available} {item} available, the lines take {quantity}",
                    depot = depot,
                    available = available,
                    item = item,
                    quantity = quantity
                ),
                &mut problems,
            );
        }
    }
    for ((area, item), (quantity, at)) in &per_area_item {
        let demand = fills.get(&(area, item.as_str())).map_or(0, |a| a.demand);
        if *quantity > demand {
            let reason = said!(
                "plan_over_need",
                "{area} needs {demand} {item}, the lines send {quantity}",
                area = area,
                demand = demand,
                item = item,
                quantity = quantity
            );
            over(at, reason, &mut problems);
        }
    }
    let items = store.list_items().await?;
    let catalogue: HashMap<&str, &Item> = items.iter().map(|i| (i.code.as_str(), i)).collect();
    let loads = fleet::loads(&lines, &catalogue);
    for depot in fleet::overloaded(&depots, &loads) {
        let fleet = depot.fleet.expect("overloaded depots have trucks");
        let (load_kg, load_m3) = loads[&depot.id].whole_kg_m3();
        let (capacity_kg, capacity_m3) = Load::carried_by(&fleet).whole_kg_m3();
        let at: Vec<usize> =
            edit.lines.iter().enumerate().filter(|(_, l)| l.depot_id == depot.id).map(|(i, _)| i).collect();
        let reason = said!(
            "plan_over_fleet",
            "depot {depot}'s {trucks} trucks, {trips} trips each, carry {capacity_kg} kg and {capacity_m3} m³; the lines load {load_kg} kg and {load_m3} m³",
            depot = depot.id,
            trucks = fleet.trucks,
            trips = fleet.trips,
            capacity_kg = capacity_kg,
            capacity_m3 = capacity_m3,
            load_kg = load_kg,
            load_m3 = load_m3
        );
        over(&at, reason, &mut problems);
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid plan lines", problems));
    }
    let mut result = plan.result.clone();
    for fill in &mut result.areas {
        fill.allocated = per_area_item.get(&(fill.area_code.clone(), fill.item.clone())).map_or(0, |(total, _)| *total);
        fill.fill_rate = if fill.demand > 0 { fill.allocated as f64 / fill.demand as f64 } else { 1.0 };
    }
    result.totals = totals(&lines, &result);
    // Whether trucks held stock back is what the computation found; the edit keeps it.
    let limiting: HashSet<i64> = plan.result.fleet.iter().filter(|f| f.limiting).map(|f| f.depot_id).collect();
    result.fleet = fleet::fleet_loads(&depots, &loads, |id| limiting.contains(&id));
    let delta = LinesDelta::between(&plan.lines, &lines);
    let audit =
        actor.audit("plan.edit", "plan", plan.row.id.to_string()).with_before(&delta.before).with_after(&delta.after);
    store.edit_draft(plan.row.id, plan.row.updated_at, &delta, &serialized(&result)?, &audit).await?;
    Ok(())
}

/// A plan's result as the store keeps it.
fn serialized(result: &PlanResult) -> AppResult<Box<serde_json::value::RawValue>> {
    serde_json::value::to_raw_value(result).map_err(|e| AppError::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::depots::{Category, Fleet, Tier};
    use crate::planner::FULL_WEIGHT;

    #[test]
    fn a_floor_keeps_its_share_rounded_up() {
        assert_eq!(reserve_floor(1000, 30), 300);
        assert_eq!(reserve_floor(7, 30), 3, "2.1 rounds up");
        assert_eq!(reserve_floor(1, 30), 1);
        assert_eq!(reserve_floor(500, 0), 0);
        assert_eq!(reserve_floor(500, 100), 500);
        assert_eq!(reserve_floor(0, 30), 0);
    }

    fn item(code: &str, category: Category, grams: i64) -> Item {
        Item {
            code: code.into(),
            name_zh: code.into(),
            name_en: code.into(),
            category,
            unit: "件".into(),
            unit_volume_dm3: 1,
            unit_weight_g: grams,
            shelf_life_days: None,
            norms: sqlx::types::Json(Default::default()),
        }
    }

    fn depot(id: i64, fleet: Option<Fleet>) -> Depot {
        Depot {
            id,
            name: format!("depot {id}"),
            tier: Tier::County,
            area_code: "360425".into(),
            area_name: String::new(),
            lon: 0.0,
            lat: 0.0,
            capacity_m3: 100,
            contact_name: None,
            contact_phone: None,
            status: "active".into(),
            fleet,
        }
    }

    /// Two depots, one area wanting 100 of the item; the near depot (with the trucks) holds 50.
    fn input(item: &Item) -> ItemInput<'_> {
        ItemInput {
            item,
            bases: Vec::new(),
            demands: vec![100],
            problem: ItemProblem {
                supplies: vec![50, 50],
                demands: vec![AreaDemand { quantity: 100, tier: 0, weight: 1, fill_weight: FULL_WEIGHT }],
                minutes: vec![vec![Some(30)], vec![Some(90)]],
                deadline_minutes: 720,
                policy: Policy::StrictTiers,
            },
        }
    }

    fn first_plans(items: &[ItemInput]) -> Vec<(ItemPlan, ItemPlan)> {
        items.iter().map(|i| plan_with_yardstick(&i.problem, None).0).collect()
    }

    fn load(
        depots: &[Depot],
        items: &mut [ItemInput],
        independent: Vec<(ItemPlan, ItemPlan)>,
    ) -> (Vec<(ItemPlan, ItemPlan)>, HashSet<i64>) {
        load_in_order(depots, items, independent, &Routings::default(), &mut Routings::default())
    }

    #[test]
    fn trucks_take_shelter_before_food_and_the_rest_comes_from_depots_without_a_limit() {
        // One truck of 100 kg at depot 1: tents (30 kg) load first, then food (1 kg) in the 10 kg left.
        let (food, tents) = (item("food", Category::Food, 1_000), item("tent", Category::Shelter, 30_000));
        let depots = [depot(1, Some(Fleet { trucks: 1, load_kg: 100, load_m3: 500, trips: 1 })), depot(2, None)];
        let mut items = [input(&food), input(&tents)];
        let independent = first_plans(&items);
        let (plans, limiting) = load(&depots, &mut items, independent);
        let sent = |plan: &ItemPlan, depot: usize| -> i64 {
            plan.lines.iter().filter(|l| l.depot == depot).map(|l| l.quantity).sum()
        };
        let (food_plan, tent_plan) = (&plans[0].0, &plans[1].0);
        assert_eq!((sent(tent_plan, 0), sent(food_plan, 0)), (3, 10), "3 tents of 30 kg, then 10 kg of food");
        assert_eq!(
            (sent(tent_plan, 1), sent(food_plan, 1)),
            (50, 50),
            "the depot without trucks counted gives all it has"
        );
        assert_eq!(limiting, HashSet::from([1]));
        assert_eq!((items[0].problem.supplies[0], items[1].problem.supplies[0]), (10, 3), "what each item was offered");
        // the yardstick is held to the same trucks
        assert_eq!(sent(&plans[1].1, 0), 3);
    }

    #[test]
    fn first_plans_that_fit_under_the_trucks_stand_and_only_the_item_over_them_changes() {
        // 2 t of room: the tents (1.5 t from depot 1) fit, then 500 kg of food for 50 units.
        let (food, tents) = (item("food", Category::Food, 1_000), item("tent", Category::Shelter, 30_000));
        let depots = [depot(1, Some(Fleet { trucks: 1, load_kg: 2_000, load_m3: 500, trips: 1 })), depot(2, None)];
        let mut items = [input(&food), input(&tents)];
        let independent = first_plans(&items);
        let (plans, limiting) = load(&depots, &mut items, independent.clone());
        assert_eq!(plans, independent, "both fit: nothing planned again");
        assert!(limiting.is_empty());
        // 1.52 t: the tents still fit and keep their plan; the food is planned again for the 20 kg left
        let depots = [depot(1, Some(Fleet { trucks: 1, load_kg: 1_520, load_m3: 500, trips: 1 })), depot(2, None)];
        let mut items = [input(&food), input(&tents)];
        let (plans, limiting) = load(&depots, &mut items, independent.clone());
        assert_eq!(plans[1], independent[1]);
        assert_ne!(plans[0], independent[0]);
        assert_eq!(plans[0].0.lines.iter().filter(|l| l.depot == 0).map(|l| l.quantity).sum::<i64>(), 20);
        assert_eq!(limiting, HashSet::from([1]));
    }
}
