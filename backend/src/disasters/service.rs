//! The disaster use-cases other domains, the CLI and the demo share: finding an event, the
//! figures and response levels of every area (bottom-up), the level history, the map overlay.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::indicators::parse_figures;
use super::indicators::{Figures, Indicator, as_decimals};
use super::rules::{self, Deadlines, Overdue};
use super::store::{DisasterStore, Versions};
use super::store::{FiguresError, NewReport};
use super::{Event, EventStatus, Hazard, LossReport, Stage, Threshold};
use crate::areas::AreaCode;
use crate::areas::service::EventOverlay;
use crate::areas::store::{AreaFilter, AreaStore};
use crate::areas::{Area, Level, code};
use crate::auth::Actor;
use crate::config::Settings;
use crate::error::{AppError, AppResult, Said};
use crate::idempotency::IdempotencyClaim;
use crate::said;
use crate::text_enum::enum_text;

impl From<FiguresError> for AppError {
    fn from(error: FiguresError) -> Self {
        match error {
            FiguresError::Locked(area) => AppError::conflict(crate::said!(
                "figures_locked",
                "the figures of {area} are locked: the next level accepted them",
                area = area
            )),
            FiguresError::KeyReused => AppError::invalid_field("Idempotency-Key", crate::idempotency::key_reused()),
            FiguresError::Db(e) => e.into(),
        }
    }
}

/// The refusal of any change to a closed event's figures.
pub fn event_closed() -> Said {
    said!("event_closed", "the event is closed")
}

pub async fn event_or_404(store: &(impl DisasterStore + ?Sized), id: i64) -> AppResult<Event> {
    store.get_event(id).await?.ok_or_else(|| AppError::NotFound(format!("no event {id}")))
}

/// The latest row per area: rows come ordered by area and version, so the last one wins.
pub(crate) fn latest_by_area<T: Clone>(rows: &[T], area: impl Fn(&T) -> &AreaCode) -> HashMap<AreaCode, T> {
    rows.iter().map(|r| (area(r).clone(), r.clone())).collect()
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AreaSummary {
    pub code: AreaCode,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<AreaCode>,
    /// Best figures: verified where present, else reported; aggregated bottom-up.
    #[serde(serialize_with = "as_decimals::plain::serialize")]
    #[schema(value_type = Object)]
    pub figures: Figures,
    #[serde(serialize_with = "as_decimals::plain::serialize")]
    #[schema(value_type = Object)]
    pub reported: Figures,
    #[serde(serialize_with = "as_decimals::plain::serialize")]
    #[schema(value_type = Object)]
    pub verified: Figures,
    /// Indicators whose verified value differs from the reported one.
    pub discrepancies: Vec<Indicator>,
    /// 1 (I, most severe) … 4 (IV); None: no response. A manager's override wins over the computed level.
    /// The level of this area's own authority's plan (national for the province, city, county),
    /// as computed or overridden.
    pub response_level: Option<i64>,
    pub computed_level: Option<i64>,
    pub overridden: bool,
    /// The level the provincial plan gives a city's or a county's figures.
    pub provincial_level: Option<i64>,
    pub overdue: Option<Overdue>,
    pub accepted: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventSummary {
    pub event: Event,
    pub level: String,
    /// The city's own response level (its plan on its figures; the dashboard's 全市响应级别).
    /// Each authority decides by its own plan, so levels of different authorities are never
    /// compared: they are listed apart in `responses`.
    pub overall_response_level: Option<i64>,
    /// Each authority's response in force, most senior first.
    pub responses: Vec<AuthorityResponse>,
    pub areas: Vec<AreaSummary>,
    /// Affected counties late with a report.
    pub overdue: Vec<AreaCode>,
}

/// The threshold set of the province's own plan, applied to cities' and counties' figures.
pub const PROVINCIAL_PLAN: &str = "provincial";

/// Whose plan a response follows, most senior first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Authority {
    /// The national plan, on a province's figures.
    National,
    /// The province's plan, on a city's or a county's figures.
    Provincial,
    City,
    County,
}

/// One authority's response in an event: its most severe level and the areas it covers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorityResponse {
    pub authority: Authority,
    pub level: i64,
    pub areas: Vec<AreaCode>,
}

/// The responses in force per authority, most senior first.
pub fn responses(summaries: &HashMap<AreaCode, AreaSummary>) -> Vec<AuthorityResponse> {
    let mut by_authority: std::collections::BTreeMap<Authority, AuthorityResponse> = Default::default();
    let mut add = |authority, level: Option<i64>, code: &AreaCode| {
        if let Some(level) = level {
            let entry =
                by_authority.entry(authority).or_insert(AuthorityResponse { authority, level, areas: Vec::new() });
            entry.level = entry.level.min(level);
            entry.areas.push(code.clone());
        }
    };
    for s in summaries.values() {
        let own = match s.level {
            Level::Province => Some(Authority::National),
            Level::City => Some(Authority::City),
            Level::County => Some(Authority::County),
            Level::Township | Level::Village => None,
        };
        if let Some(own) = own {
            add(own, s.response_level, &s.code);
        }
        add(Authority::Provincial, s.provincial_level, &s.code);
    }
    by_authority
        .into_values()
        .map(|mut r| {
            r.areas.sort();
            r
        })
        .collect()
}

/// The most senior authority whose response covers `area` (its own or an area containing it).
pub fn authority_in_force(responses: &[AuthorityResponse], area: &str) -> Option<Authority> {
    responses.iter().find(|r| r.areas.iter().any(|a| a.contains(area))).map(|r| r.authority)
}

pub(crate) fn thresholds_for(all: &[Threshold], level: &str) -> Vec<Threshold> {
    all.iter().filter(|t| t.admin_level == level).cloned().collect()
}

/// Every area's figures and levels for an event.
pub struct Summarized {
    pub areas: Vec<Area>,
    /// Each area's own best figures (not aggregated): what planning distributes to.
    pub own_best: HashMap<AreaCode, Figures>,
    pub summaries: HashMap<AreaCode, AreaSummary>,
}

/// Computes the figures and levels of every area for an event (pure over the stored data).
pub async fn summarize<S: AreaStore + DisasterStore + ?Sized>(
    store: &S,
    settings: &Settings,
    event: &Event,
) -> AppResult<Summarized> {
    // Read at once, on as many connections: a plan made or re-planned at city scale waits on these.
    // Only each area's latest version counts, and its time is the area's latest report time.
    let every_area = AreaFilter::default();
    let (areas, reports, assessments, thresholds, history, acceptances) = tokio::try_join!(
        store.list_areas(&every_area),
        store.reports(event.id, Versions::LATEST),
        store.assessments(event.id, Versions::LATEST),
        store.thresholds(),
        store.level_history(event.id),
        store.acceptances(event.id),
    )?;
    let accepted: Vec<AreaCode> = acceptances.into_iter().map(|a| a.area_code).collect();

    let reported_own: HashMap<AreaCode, Figures> =
        latest_by_area(&reports, |r| &r.area_code).into_iter().map(|(k, r)| (k, r.indicators.0)).collect();
    let verified_own: HashMap<AreaCode, Figures> =
        latest_by_area(&assessments, |a| &a.area_code).into_iter().map(|(k, a)| (k, a.indicators.0)).collect();
    let own_best: HashMap<AreaCode, Figures> = reported_own
        .keys()
        .chain(verified_own.keys())
        .map(|code| (code.clone(), rules::best_figures(reported_own.get(code), verified_own.get(code))))
        .collect();
    let parents = areas.iter().map(|a| (a.code.clone(), a.parent_code.clone())).collect();
    let best = rules::aggregate(&parents, &own_best);
    let reported = rules::aggregate(&parents, &reported_own);
    let verified = rules::aggregate(&parents, &verified_own);

    let response_on_levels: HashMap<&str, Vec<Threshold>> =
        ["province", "city", "county"].into_iter().map(|l| (l, thresholds_for(&thresholds, l))).collect();
    // The province's own plan judges a city's or a county's figures (docs/domain/response-levels.md).
    let provincial_plan = thresholds_for(&thresholds, PROVINCIAL_PLAN);
    let deadlines = Deadlines {
        initial_within_hours: settings.initial_report_hours,
        daily_update_hour: settings.daily_update_hour,
    };
    let now = Utc::now();
    let mut summaries = HashMap::new();
    for area in &areas {
        let figures = best.get(&area.code).cloned().unwrap_or_default();
        let computed = response_on_levels.get(area.level.as_str()).and_then(|t| rules::response_level(&figures, t));
        let last_override = history.iter().rev().find(|h| h.area_code == area.code && h.source != "computed");
        let (response_level, overridden) = match last_override {
            Some(h) if h.source == "override" => (h.level, true),
            _ => (computed, false),
        };
        let provincial_level = matches!(area.level, Level::City | Level::County)
            .then(|| rules::response_level(&figures, &provincial_plan))
            .flatten();
        summaries.insert(
            area.code.clone(),
            AreaSummary {
                code: area.code.clone(),
                name: area.name.clone(),
                level: area.level,
                parent_code: area.parent_code.clone(),
                reported: reported.get(&area.code).cloned().unwrap_or_default(),
                verified: verified.get(&area.code).cloned().unwrap_or_default(),
                discrepancies: Vec::new(),
                figures,
                response_level,
                computed_level: computed,
                overridden,
                provincial_level,
                overdue: None,
                accepted: accepted.contains(&area.code),
            },
        );
    }
    let response_on = summaries.values().any(|s| s.response_level.is_some());
    for county in &event.affected_areas.0 {
        let times: Vec<DateTime<Utc>> =
            reports.iter().filter(|r| code::within(county, &r.area_code)).map(|r| r.reported_at).collect();
        if let Some(summary) = summaries.get_mut(county) {
            summary.overdue = rules::overdue(now, event.onset_at, event.status.0, &times, response_on, deadlines);
        }
    }
    for summary in summaries.values_mut() {
        summary.discrepancies = summary
            .verified
            .iter()
            .filter(|(i, v)| summary.reported.get(i).is_some_and(|r| r != *v))
            .map(|(i, _)| *i)
            .collect();
    }
    Ok(Summarized { areas, own_best, summaries })
}

/// Appends a history row for every area whose computed level changed.
pub async fn record_level_changes<S: AreaStore + DisasterStore + ?Sized>(
    store: &S,
    settings: &Settings,
    event: &Event,
) -> AppResult<()> {
    let summaries = summarize(store, settings, event).await?.summaries;
    let history = store.level_history(event.id).await?;
    let mut codes: Vec<&AreaCode> = summaries.keys().collect();
    codes.sort();
    for code in codes {
        let summary = &summaries[code];
        let last = history.iter().rev().find(|h| &h.area_code == code && h.source == "computed").and_then(|h| h.level);
        if last != summary.computed_level {
            let audit = crate::audit::AuditEntry::system(
                "response_level.computed",
                "event_area",
                format!("{}/{code}", event.id),
            )
            .with_before(serde_json::json!({ "level": last }))
            .with_after(serde_json::json!({ "level": summary.computed_level }));
            store.append_level(event.id, code, summary.computed_level, "computed", None, &audit).await?;
        }
    }
    Ok(())
}

pub async fn build_summary<S: AreaStore + DisasterStore + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    event: Event,
    level: &str,
) -> AppResult<EventSummary> {
    if !matches!(level, "county" | "township" | "city") {
        return Err(AppError::invalid_field("level", said!("summary_level", "county, township or city")));
    }
    let Summarized { areas, summaries, .. } = summarize(store, settings, &event).await?;
    let responses = responses(&summaries);
    let overall = responses.iter().find(|r| r.authority == Authority::City).map(|r| r.level);
    let mut overdue: Vec<AreaCode> = summaries
        .values()
        .filter(|s| s.overdue.is_some() && actor.user.can_reach(&s.code))
        .map(|s| s.code.clone())
        .collect();
    overdue.sort();
    let mut rows: Vec<AreaSummary> = areas
        .iter()
        .filter(|a| a.level.as_str() == level && actor.user.can_reach(&a.code))
        .filter_map(|a| summaries.get(&a.code).cloned())
        .collect();
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(EventSummary { event, level: level.into(), overall_response_level: overall, responses, areas: rows, overdue })
}

/// Per area, the properties an event adds on the map (`/api/v1/map/areas.geojson?event=`):
/// best figures, response level, overdue and accepted markers, discrepancy count.
pub async fn map_properties<S: AreaStore + DisasterStore + ?Sized>(
    store: &S,
    settings: &Settings,
    event_id: i64,
) -> AppResult<HashMap<AreaCode, Value>> {
    #[derive(Serialize)]
    struct MapProperties<'a> {
        #[serde(serialize_with = "as_decimals::plain::serialize")]
        figures: &'a Figures,
        response_level: Option<i64>,
        overdue: Option<&'static str>,
        accepted: bool,
        discrepancies: usize,
    }
    let event = event_or_404(store, event_id).await?;
    let summaries = summarize(store, settings, &event).await?.summaries;
    summaries
        .iter()
        .map(|(code, s)| {
            let properties = MapProperties {
                figures: &s.figures,
                response_level: s.response_level,
                overdue: s.overdue.as_ref().map(|o| o.kind),
                accepted: s.accepted,
                discrepancies: s.discrepancies.len(),
            };
            Ok((code.clone(), serde_json::to_value(properties).map_err(|e| AppError::Internal(e.into()))?))
        })
        .collect()
}

/// I … IV, as the plans write them.
pub fn level_name(level: i64) -> &'static str {
    match level {
        1 => "Ⅰ级",
        2 => "Ⅱ级",
        3 => "Ⅲ级",
        _ => "Ⅳ级",
    }
}

/// The map overlay of an event: each area's best figures, response level, overdue and accepted
/// markers and discrepancy count, registered in the application state for the areas' map.
pub struct EventMapOverlay<S: ?Sized> {
    pub store: Arc<S>,
    pub settings: Arc<Settings>,
}

#[async_trait::async_trait]
impl<S: AreaStore + DisasterStore + Send + Sync + ?Sized> EventOverlay for EventMapOverlay<S> {
    async fn properties(&self, event_id: i64) -> AppResult<HashMap<AreaCode, Value>> {
        map_properties(&*self.store, &self.settings, event_id).await
    }
}

// ---- filing loss reports ---------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    pub area_code: AreaCode,
    pub stage: Stage,
    /// Any subset of the indicators (snake_case); missing = not reported.
    #[schema(value_type = Object)]
    pub indicators: Value,
    pub description: Option<String>,
    /// Required when a figure falls, or jumps by more than the configured factor.
    pub explanation: Option<String>,
}

/// The area must exist, be a county or below, and lie in the caller's scope.
pub async fn reportable_area(store: &(impl AreaStore + ?Sized), actor: &Actor, area_code: &str) -> AppResult<Area> {
    let area = store.get_area(area_code).await?.ok_or_else(|| {
        AppError::invalid_field("area_code", said!("area_unknown", "unknown area {area}", area = area_code))
    })?;
    if area.level < Level::County {
        return Err(AppError::invalid_field(
            "area_code",
            said!("figures_area_level", "figures are reported for counties, townships and villages"),
        ));
    }
    actor.require_area(area_code)?;
    Ok(area)
}

/// How often a report is tried when a retry with the same Idempotency-Key commits first (the
/// second try then finds the first one's result).
const REPORT_ATTEMPTS: usize = 3;

/// What filing a report did.
pub enum Filed {
    /// Stored now, or stored before under the same Idempotency-Key: the report's id.
    Stored(i64),
    /// The same as the area's latest version: nothing written, that version answers.
    Unchanged(LossReport),
}

/// Files a loss report for an area of the event: checked figures, the stage order, an explanation
/// for sharp changes; versions never overwrite each other, and the levels are recomputed.
pub async fn file_report<S: AreaStore + DisasterStore + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    event: &Event,
    input: ReportInput,
    claim: Option<IdempotencyClaim>,
) -> AppResult<Filed> {
    reportable_area(store, actor, &input.area_code).await?;
    let figures = parse_figures(&input.indicators).map_err(|p| AppError::invalid("invalid figures", p))?;
    let problems = rules::check_consistency(&figures);
    if !problems.is_empty() {
        return Err(AppError::invalid("inconsistent figures", problems));
    }
    if event.status.0 == EventStatus::Closed {
        return Err(AppError::conflict(event_closed()));
    }
    if input.stage == Stage::DroughtFollowup && event.hazard.0 != Hazard::Drought {
        return Err(AppError::invalid_field(
            "stage",
            said!("drought_followup_hazard", "drought follow-ups are for drought events"),
        ));
    }
    // Only the latest version is compared with; the first an area files is always its initial report.
    let previous = store.reports(event.id, Versions { area_code: Some(&input.area_code), latest_only: true }).await?;
    if input.stage != Stage::Initial && previous.is_empty() {
        return Err(AppError::conflict(said!(
            "initial_report_first",
            "{area} has no initial report yet; file the initial report (初报) first",
            area = &input.area_code
        )));
    }
    let description = input.description.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
    let explanation = input.explanation.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
    if let Some(latest) = previous.last() {
        if latest.stage.0 == input.stage && latest.indicators.0 == figures && latest.description == description {
            return Ok(Filed::Unchanged((*latest).clone())); // a resubmission of the same report
        }
        let changed = rules::changes_needing_explanation(&figures, &latest.indicators.0, settings.report_jump_factor);
        if !changed.is_empty() && explanation.is_none() {
            let indicators: Vec<String> = changed.iter().map(|i| i.name()).collect();
            return Err(AppError::invalid_field(
                "explanation",
                said!(
                    "explain_jump",
                    "these figures fell or jumped sharply since version {version}: {list}; explain why",
                    version = latest.version,
                    list = indicators.join(", "),
                    indicators = indicators
                ),
            ));
        }
    }
    let report = NewReport {
        event_id: event.id,
        area_code: input.area_code,
        stage: enum_text(input.stage),
        indicators: figures,
        description,
        explanation,
    };
    let audit = actor.audit("loss_report.create", "loss_report", "");
    // Versions are serialised by the store; a unique violation here means a retry with the same
    // key committed first, and the next attempt answers with its result.
    let mut attempts = 0;
    let (report_id, replayed) = loop {
        match store.insert_report(&report, claim.as_ref(), &audit).await {
            Err(FiguresError::Db(e)) if crate::idempotency::is_key_race(&e) => {
                attempts += 1;
                if attempts == REPORT_ATTEMPTS {
                    return Err(AppError::conflict(said!(
                        "filed_at_once",
                        "the same report was filed at the same moment; send it again"
                    )));
                }
            }
            other => break other?,
        }
    };
    if !replayed {
        record_level_changes(store, settings, event).await?;
    }
    Ok(Filed::Stored(report_id))
}
