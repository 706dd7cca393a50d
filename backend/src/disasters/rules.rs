//! Pure rules for loss figures: consistency, changes that need an explanation, best figures,
//! bottom-up aggregation, response levels and reporting deadlines. No I/O.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::indicators::{Figures, Indicator};
use super::{EventStatus, Threshold};
use crate::areas::AreaCode;
use crate::error::FieldError;

fn field(indicator: Indicator) -> String {
    format!("indicators.{}", indicator.name())
}

/// Internal consistency of one set of figures (each check applies when its figures are given).
pub fn check_consistency(figures: &Figures) -> Vec<FieldError> {
    use Indicator::*;
    let get = |i: Indicator| figures.get(&i).copied();
    let mut problems = Vec::new();
    if let (Some(total), Some(central), Some(dispersed)) =
        (get(Relocated), get(RelocatedCentral), get(RelocatedDispersed))
        && total != central + dispersed
    {
        problems.push(FieldError::new(
            field(Relocated),
            crate::said!(
                "relocated_sum",
                "relocated ({total}) must equal relocated_central + relocated_dispersed ({sum})",
                total = total,
                sum = central + dispersed
            ),
        ));
    }
    for (smaller, larger) in [
        (CropsLostHa, CropsDamagedHa),
        (CropsDamagedHa, CropsAffectedHa),
        (CropsLostHa, CropsAffectedHa),
        (SeriouslyInjured, Injured),
    ] {
        if let (Some(s), Some(l)) = (get(smaller), get(larger))
            && s > l
        {
            problems.push(FieldError::new(
                field(smaller),
                crate::said!(
                    "indicator_exceeds",
                    "{indicator} cannot exceed {other}",
                    indicator = smaller.name(),
                    other = larger.name()
                ),
            ));
        }
    }
    if let Some(affected) = get(Affected) {
        let casualties = get(Dead).unwrap_or(0) + get(Missing).unwrap_or(0);
        if casualties > affected {
            problems.push(FieldError::new(
                field(Dead),
                crate::said!(
                    "casualties_exceed_affected",
                    "dead + missing ({casualties}) cannot exceed affected ({affected})",
                    casualties = casualties,
                    affected = affected
                ),
            ));
        }
    }
    for (households, rooms) in
        [(CollapsedHouseholds, CollapsedRooms), (SevereHouseholds, SevereRooms), (GeneralHouseholds, GeneralRooms)]
    {
        if let (Some(h), Some(r)) = (get(households), get(rooms))
            && h > r
        {
            problems.push(FieldError::new(
                field(households),
                crate::said!(
                    "households_exceed_rooms",
                    "{indicator} ({households}) cannot exceed {other} ({rooms})",
                    indicator = households.name(),
                    households = h,
                    other = rooms.name(),
                    rooms = r
                ),
            ));
        }
    }
    let sectors: Vec<i64> = Indicator::SECTOR_LOSSES.iter().filter_map(|i| get(*i)).collect();
    if let Some(direct) = get(DirectLossWan)
        && !sectors.is_empty()
    {
        let sum: i64 = sectors.iter().sum();
        let complete = sectors.len() == Indicator::SECTOR_LOSSES.len();
        if (complete && sum != direct) || sum > direct {
            problems.push(FieldError::new(
                field(DirectLossWan),
                crate::said!(
                    "sector_losses_sum",
                    "sector losses add up to {sum} but direct_loss_wan is {direct}",
                    sum = DirectLossWan.display(sum),
                    direct = DirectLossWan.display(direct)
                ),
            ));
        }
    }
    problems
}

/// Figures that fell, or rose by more than `jump_factor` times, against the previous report of the
/// same area, which need a written explanation (docs/domain/loss-reports.md#figures-only-grow).
pub fn changes_needing_explanation(new: &Figures, previous: &Figures, jump_factor: f64) -> Vec<Indicator> {
    new.iter()
        .filter_map(|(indicator, value)| {
            let before = *previous.get(indicator)?;
            let jumped = before > 0 && (*value as f64) > before as f64 * jump_factor;
            (*value < before || jumped).then_some(*indicator)
        })
        .collect()
}

/// Verified values where an assessment gives them, else the latest reported ones.
pub fn best_figures(reported: Option<&Figures>, verified: Option<&Figures>) -> Figures {
    let mut best = reported.cloned().unwrap_or_default();
    if let Some(verified) = verified {
        best.extend(verified.iter().map(|(k, v)| (*k, *v)));
    }
    best
}

/// Bottom-up totals: an area's own figure for an indicator stands if it reported one (the
/// official figure of that level); otherwise the sum of its children's totals, where any have it.
/// `parents` maps every area to its parent; areas are processed deepest first.
pub fn aggregate(
    parents: &BTreeMap<AreaCode, Option<AreaCode>>,
    own: &HashMap<AreaCode, Figures>,
) -> HashMap<AreaCode, Figures> {
    let mut totals: HashMap<AreaCode, Figures> = HashMap::new();
    let mut order: Vec<&AreaCode> = parents.keys().collect();
    order.sort_by_key(|code| (std::cmp::Reverse(code.level()), (*code).clone()));
    for code in order {
        let mut total = totals.remove(code).unwrap_or_default();
        if let Some(figures) = own.get(code) {
            total.extend(figures.iter().map(|(k, v)| (*k, *v)));
        }
        if let Some(Some(parent)) = parents.get(code)
            && parents.contains_key(parent)
        {
            let parent_total = totals.entry(parent.clone()).or_default();
            let parent_own = own.get(parent);
            for (indicator, value) in &total {
                if parent_own.is_none_or(|p| !p.contains_key(indicator)) {
                    *parent_total.entry(*indicator).or_insert(0) += value;
                }
            }
        }
        totals.insert(code.clone(), total);
    }
    totals
}

/// The response criteria of the national and provincial plans, computed from figures.
pub fn criteria(figures: &Figures) -> BTreeMap<&'static str, i64> {
    use Indicator::*;
    let sum = |indicators: &[Indicator]| indicators.iter().map(|i| figures.get(i).copied().unwrap_or(0)).sum::<i64>();
    BTreeMap::from([
        ("dead_missing", sum(&[Dead, Missing])),
        ("relocated_and_emergency", sum(&[Relocated, NeedingEmergencyAid])),
        ("collapsed_severe_rooms", sum(&[CollapsedRooms, SevereRooms])),
        ("collapsed_severe_households", sum(&[CollapsedHouseholds, SevereHouseholds])),
        ("drought_aid_people", sum(&[DroughtAidNeeded])),
    ])
}

/// The most severe response level (1 = I … 4 = IV) any criterion reaches; lower bounds are inclusive.
pub fn response_level(figures: &Figures, thresholds: &[Threshold]) -> Option<i64> {
    let values = criteria(figures);
    thresholds
        .iter()
        .filter(|t| values.get(t.criterion.as_str()).is_some_and(|v| *v >= t.lower_bound))
        .map(|t| t.response_level)
        .min()
}

/// Reporting deadlines, configurable (docs/domain/loss-reports.md#initial-report-deadline, #daily-update-deadline).
#[derive(Debug, Clone, Copy)]
pub struct Deadlines {
    pub initial_within_hours: i64,
    pub daily_update_hour: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Overdue {
    /// `initial` or `daily_update`
    pub kind: &'static str,
    pub due_at: DateTime<Utc>,
}

/// Whether a county that should report is late: no initial report within the window after
/// onset, or — while a response is on — no report since the last daily deadline (Beijing time).
pub fn overdue(
    now: DateTime<Utc>,
    onset: DateTime<Utc>,
    status: EventStatus,
    report_times: &[DateTime<Utc>],
    response_on: bool,
    deadlines: Deadlines,
) -> Option<Overdue> {
    if status != EventStatus::Active {
        return None;
    }
    let initial_due = onset + Duration::hours(deadlines.initial_within_hours);
    if report_times.is_empty() {
        return (now > initial_due).then_some(Overdue { kind: "initial", due_at: initial_due });
    }
    if !response_on {
        return None;
    }
    let beijing = crate::clock::beijing();
    let local_now = now.with_timezone(&beijing);
    let hour = NaiveTime::from_hms_opt(deadlines.daily_update_hour, 0, 0).expect("hour 0–23");
    let today_due = beijing.from_local_datetime(&local_now.date_naive().and_time(hour)).single()?.with_timezone(&Utc);
    let last_due = if now >= today_due { today_due } else { today_due - Duration::days(1) };
    // The first daily update falls due on the first deadline a full day after onset.
    if last_due < onset + Duration::days(1) {
        return None;
    }
    let latest = report_times.iter().max()?;
    (*latest <= last_due - Duration::days(1)).then_some(Overdue { kind: "daily_update", due_at: last_due })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Indicator::*;

    fn figures(pairs: &[(Indicator, i64)]) -> Figures {
        pairs.iter().copied().collect()
    }

    fn fields(problems: Vec<FieldError>) -> Vec<String> {
        problems.into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn consistent_figures_pass_and_each_rule_names_its_field() {
        let good = figures(&[
            (Affected, 1000),
            (Dead, 2),
            (Missing, 1),
            (Relocated, 50),
            (RelocatedCentral, 20),
            (RelocatedDispersed, 30),
            (CollapsedRooms, 10),
            (CollapsedHouseholds, 4),
            (CropsAffectedHa, 500),
            (CropsDamagedHa, 300),
            (CropsLostHa, 100),
            (DirectLossWan, 1000),
            (LossHousingWan, 400),
            (LossAgricultureWan, 600),
        ]);
        assert!(check_consistency(&good).is_empty());
        assert_eq!(
            fields(check_consistency(&figures(&[(Relocated, 50), (RelocatedCentral, 20), (RelocatedDispersed, 20)]))),
            ["indicators.relocated"]
        );
        assert_eq!(
            fields(check_consistency(&figures(&[(CropsLostHa, 301), (CropsDamagedHa, 300)]))),
            ["indicators.crops_lost_ha"]
        );
        assert_eq!(fields(check_consistency(&figures(&[(Affected, 2), (Dead, 2), (Missing, 1)]))), ["indicators.dead"]);
        assert_eq!(
            fields(check_consistency(&figures(&[(SevereRooms, 3), (SevereHouseholds, 4)]))),
            ["indicators.severe_households"]
        );
        let all_sectors: Vec<(Indicator, i64)> = Indicator::SECTOR_LOSSES.iter().map(|i| (*i, 100)).collect();
        let mut losses = figures(&all_sectors);
        losses.insert(DirectLossWan, 601);
        assert_eq!(fields(check_consistency(&losses)), ["indicators.direct_loss_wan"]);
        losses.insert(DirectLossWan, 600);
        assert!(check_consistency(&losses).is_empty());
    }

    #[test]
    fn falls_and_big_jumps_need_an_explanation() {
        let before = figures(&[(Affected, 1000), (Dead, 2), (Relocated, 100)]);
        let after = figures(&[(Affected, 1500), (Dead, 1), (Relocated, 301), (Missing, 5)]);
        assert_eq!(changes_needing_explanation(&after, &before, 3.0), [Dead, Relocated]);
        assert!(
            changes_needing_explanation(&figures(&[(Relocated, 300)]), &before, 3.0).is_empty(),
            "exactly 3× is allowed"
        );
    }

    #[test]
    fn verified_figures_win_per_indicator() {
        let reported = figures(&[(Affected, 1000), (Dead, 2)]);
        let verified = figures(&[(Dead, 3)]);
        assert_eq!(best_figures(Some(&reported), Some(&verified)), figures(&[(Affected, 1000), (Dead, 3)]));
    }

    #[test]
    fn aggregation_sums_children_unless_the_area_reported_itself() {
        let code = |text: &str| AreaCode::parse(text).unwrap();
        let parents: BTreeMap<AreaCode, Option<AreaCode>> = [
            ("360400", None),
            ("360425", Some("360400")),
            ("360428", Some("360400")),
            ("360425100", Some("360425")),
            ("360425101", Some("360425")),
            ("360425101001", Some("360425101")),
        ]
        .into_iter()
        .map(|(c, p)| (code(c), p.map(code)))
        .collect();
        let own: HashMap<AreaCode, Figures> = [
            ("360425100", figures(&[(Affected, 100), (Dead, 1)])),
            ("360425101001", figures(&[(Affected, 40)])),
            ("360425101", figures(&[(Dead, 2)])),
            ("360428", figures(&[(Affected, 500)])),
        ]
        .into_iter()
        .map(|(c, f)| (code(c), f))
        .collect();
        let totals = aggregate(&parents, &own);
        assert_eq!(totals["360425101"], figures(&[(Affected, 40), (Dead, 2)]), "village → township");
        assert_eq!(totals["360425"], figures(&[(Affected, 140), (Dead, 3)]));
        assert_eq!(totals["360400"], figures(&[(Affected, 640), (Dead, 3)]));
        let mut with_own = own.clone();
        with_own.insert(code("360425"), figures(&[(Affected, 150)]));
        assert_eq!(
            aggregate(&parents, &with_own)["360425"][&Affected],
            150,
            "a county's own figure is the official one"
        );
    }

    fn threshold(level: i64, criterion: &str, lower_bound: i64) -> Threshold {
        Threshold { admin_level: "county".into(), response_level: level, criterion: criterion.into(), lower_bound }
    }

    #[test]
    fn response_levels_start_exactly_at_the_lower_bound() {
        let thresholds = vec![
            threshold(4, "dead_missing", 1),
            threshold(3, "dead_missing", 3),
            threshold(4, "relocated_and_emergency", 1000),
            threshold(2, "relocated_and_emergency", 5000),
        ];
        assert_eq!(response_level(&figures(&[]), &thresholds), None);
        assert_eq!(response_level(&figures(&[(Relocated, 999)]), &thresholds), None, "one below");
        assert_eq!(
            response_level(&figures(&[(Relocated, 600), (NeedingEmergencyAid, 400)]), &thresholds),
            Some(4),
            "exactly at"
        );
        assert_eq!(
            response_level(&figures(&[(Dead, 2), (Missing, 1)]), &thresholds),
            Some(3),
            "dead and missing count together"
        );
        assert_eq!(
            response_level(&figures(&[(Dead, 1), (Relocated, 5000)]), &thresholds),
            Some(2),
            "any criterion, the most severe wins"
        );
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    const DEADLINES: Deadlines = Deadlines { initial_within_hours: 2, daily_update_hour: 9 };

    #[test]
    fn initial_reports_are_due_two_hours_after_onset() {
        let onset = at("2026-07-12T11:40:00Z");
        assert_eq!(overdue(at("2026-07-12T13:39:00Z"), onset, EventStatus::Active, &[], false, DEADLINES), None);
        let late = overdue(at("2026-07-12T13:41:00Z"), onset, EventStatus::Active, &[], false, DEADLINES).unwrap();
        assert_eq!((late.kind, late.due_at), ("initial", at("2026-07-12T13:40:00Z")));
        assert_eq!(overdue(at("2026-07-12T13:41:00Z"), onset, EventStatus::Closed, &[], false, DEADLINES), None);
    }

    #[test]
    fn daily_updates_are_due_by_nine_beijing_time_during_a_response() {
        let onset = at("2026-07-12T02:00:00Z"); // 10:00 Beijing
        let reports = [at("2026-07-12T03:00:00Z")];
        // 2026-07-13 09:00 Beijing (01:00Z) is less than a day after onset: not yet due
        assert_eq!(overdue(at("2026-07-13T02:00:00Z"), onset, EventStatus::Active, &reports, true, DEADLINES), None);
        // 2026-07-14 09:00 Beijing = 01:00Z: the report of 07-12 does not cover 07-13 → overdue
        let late = overdue(at("2026-07-14T01:30:00Z"), onset, EventStatus::Active, &reports, true, DEADLINES).unwrap();
        assert_eq!((late.kind, late.due_at), ("daily_update", at("2026-07-14T01:00:00Z")));
        let fresh = [at("2026-07-13T12:00:00Z")];
        assert_eq!(overdue(at("2026-07-14T01:30:00Z"), onset, EventStatus::Active, &fresh, true, DEADLINES), None);
        assert_eq!(
            overdue(at("2026-07-14T01:30:00Z"), onset, EventStatus::Active, &reports, false, DEADLINES),
            None,
            "no response, no daily rule"
        );
    }
}
