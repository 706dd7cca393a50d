//! The campaign's calendar, the checks on a need record, and the roll-up of need records into the
//! figures of the statutory need table (受灾人员冬春生活需救助情况统计表), pure.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{CampaignStatus, Submission, SubmissionStatus};
use crate::applications::WinterSpringNeeds;
use crate::areas::{AreaCode, Level};
use crate::config::Settings;
use crate::error::FieldError;
use crate::funds::HardshipClass;
use crate::money::Fen;
use crate::said;

/// A campaign's dates (docs/domain/winter-spring.md#survey-and-reporting-calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Calendar {
    pub survey_start: NaiveDate,
    /// County figures due at the city.
    pub county_due: NaiveDate,
    /// City figures due at the province.
    pub city_due: NaiveDate,
    /// Province figures due at the ministry.
    pub province_due: NaiveDate,
    pub relief_start: NaiveDate,
    pub relief_end: NaiveDate,
}

/// The calendar of a campaign for `year` from the settings: relief runs into the next year, to
/// the end of July where the area has one harvest a year.
pub fn calendar(settings: &Settings, year: i32, single_crop: bool) -> Calendar {
    let end_month = if single_crop { 7 } else { settings.winter_spring_relief_end_month };
    Calendar {
        survey_start: settings.winter_spring_survey_start.in_year(year),
        county_due: settings.winter_spring_county_due.in_year(year),
        city_due: settings.winter_spring_city_due.in_year(year),
        province_due: settings.winter_spring_province_due.in_year(year),
        relief_start: settings.winter_spring_relief_start.in_year(year),
        relief_end: last_day_of(year + 1, end_month),
    }
}

fn last_day_of(year: i32, month: u32) -> NaiveDate {
    let next = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    NaiveDate::from_ymd_opt(next.0, next.1, 1).expect("a real month").pred_opt().expect("not the first day ever")
}

pub fn status(calendar: &Calendar, today: NaiveDate) -> CampaignStatus {
    if today < calendar.survey_start {
        CampaignStatus::Scheduled
    } else if today <= calendar.province_due {
        CampaignStatus::Surveying
    } else if today < calendar.relief_start {
        CampaignStatus::Planning
    } else if today <= calendar.relief_end {
        CampaignStatus::Relief
    } else {
        CampaignStatus::Closed
    }
}

/// The date a level's figures are due at the level above (None: nobody above takes them here).
pub fn due_for(calendar: &Calendar, level: Level) -> Option<NaiveDate> {
    match level {
        Level::County => Some(calendar.county_due),
        Level::City => Some(calendar.city_due),
        Level::Province => Some(calendar.province_due),
        Level::Township | Level::Village => None,
    }
}

/// Whether a campaign's year falls on the event's onset (Beijing time).
pub fn of_year(onset: NaiveDate, year: i32) -> bool {
    onset.year() == year
}

/// The needs in kind of a household of `persons` asking for aid: within bounds, and at least one.
pub fn check_needs(needs: &WinterSpringNeeds, persons: i64) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if !(0..=8).contains(&needs.food_months) {
        problems.push(FieldError::new("needs.food_months", said!("food_months", "0 to 8 months of grain")));
    }
    let pieces = persons.max(1) * 3;
    for (field, value) in [("needs.clothing", needs.clothing), ("needs.quilts", needs.quilts)] {
        if !(0..=pieces).contains(&value) {
            problems.push(FieldError::new(
                field,
                said!("pieces_range", "0 to {pieces} pieces (3 per person)", pieces = pieces),
            ));
        }
    }
    let none = needs.food_months == 0 && needs.clothing == 0 && needs.quilts == 0 && !needs.heating && !needs.housing;
    if none && problems.is_empty() {
        problems.push(FieldError::new(
            "needs",
            said!("need_named", "name at least one need: grain, clothing, quilts, heating or housing"),
        ));
    }
    problems
}

/// One need record as the roll-up counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct NeedLine {
    pub area_code: AreaCode,
    pub persons: i64,
    pub class: HardshipClass,
    pub needs: WinterSpringNeeds,
    /// The county has decided it (县定): the figure no longer moves.
    pub decided: bool,
    /// What it comes to: the county's amount once decided, else the standard's.
    pub amount_fen: Fen,
}

/// An area's winter–spring need (受灾人员冬春生活需救助情况统计表).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NeedFigures {
    pub households: i64,
    /// 冬春需救助人口
    pub persons: i64,
    /// Of them, needing grain (口粮), clothing or bedding (衣被), heating (取暖), housing (住房).
    pub food_persons: i64,
    pub clothing_persons: i64,
    pub heating_persons: i64,
    pub housing_persons: i64,
    /// Σ persons × months of grain lacking.
    pub food_person_months: i64,
    /// Pieces of clothing and quilts asked for.
    pub clothing: i64,
    pub quilts: i64,
    /// Persons by hardship class.
    pub by_class: BTreeMap<HardshipClass, i64>,
    /// Of the households and persons, those the county has decided.
    pub decided_households: i64,
    pub decided_persons: i64,
    #[schema(value_type = i64)]
    pub amount_fen: Fen,
}

impl NeedFigures {
    pub fn add(&mut self, line: &NeedLine) {
        let persons = line.persons;
        let needs = &line.needs;
        self.households += 1;
        self.persons += persons;
        let count = |yes: bool| if yes { persons } else { 0 };
        self.food_persons += count(needs.food_months > 0);
        self.clothing_persons += count(needs.clothing > 0 || needs.quilts > 0);
        self.heating_persons += count(needs.heating);
        self.housing_persons += count(needs.housing);
        self.food_person_months += persons * needs.food_months;
        self.clothing += needs.clothing;
        self.quilts += needs.quilts;
        *self.by_class.entry(line.class).or_default() += persons;
        if line.decided {
            self.decided_households += 1;
            self.decided_persons += persons;
        }
        self.amount_fen += line.amount_fen;
    }
}

/// The need records rolled up to the areas of `level` they lie in (a record above that level is
/// left out).
pub fn roll_up(lines: &[NeedLine], level: Level) -> BTreeMap<AreaCode, NeedFigures> {
    let mut areas: BTreeMap<AreaCode, NeedFigures> = BTreeMap::new();
    for line in lines {
        if let Some(area) = line.area_code.at_level(level) {
            areas.entry(area).or_default().add(line);
        }
    }
    areas
}

/// The accepted submission that locks an area's need records: one of the area itself or of an
/// area it lies in.
pub fn locked_by<'a>(submissions: &'a [Submission], area: &AreaCode) -> Option<&'a Submission> {
    submissions.iter().find(|s| s.status == SubmissionStatus::Accepted && s.area_code.contains(area.as_str()))
}

/// Whether a level's figures are overdue on `today`: due, and not sent (or sent back) by then.
pub fn overdue(due: Option<NaiveDate>, submission: Option<&Submission>, today: NaiveDate) -> bool {
    let sent = submission.is_some_and(|s| s.status != SubmissionStatus::Returned);
    due.is_some_and(|due| today > due) && !sent
}

/// Whether figures were sent after their due date (Beijing dates).
pub fn late(due: Option<NaiveDate>, submitted_on: NaiveDate) -> bool {
    due.is_some_and(|due| submitted_on > due)
}

/// A payment phase as a county sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseInput {
    pub name: String,
    /// Percent of each household's decided amount paid in this phase.
    pub share_percent: i64,
    /// When the phase is paid from (within the relief period).
    pub starts_on: NaiveDate,
}

/// The settings' phases placed in a campaign's relief period: a month-day before the relief
/// starts falls in the next year.
pub fn default_phases(settings: &Settings, calendar: &Calendar) -> Vec<PhaseInput> {
    let year = calendar.relief_start.year();
    settings
        .winter_spring_phases
        .iter()
        .map(|spec| {
            let this_year = spec.starts.in_year(year);
            let starts_on = if this_year < calendar.relief_start { spec.starts.in_year(year + 1) } else { this_year };
            PhaseInput { name: spec.name.clone(), share_percent: spec.percent, starts_on }
        })
        .collect()
}

/// Phases are named, start in order within the relief period, and their shares add up to 100%.
pub fn check_phases(phases: &[PhaseInput], calendar: &Calendar) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if !(1..=6).contains(&phases.len()) {
        problems.push(FieldError::new("phases", said!("phases_count", "1 to 6 phases")));
        return problems;
    }
    for (i, phase) in phases.iter().enumerate() {
        if phase.name.trim().is_empty() || phase.name.chars().count() > 20 {
            problems.push(FieldError::new(
                format!("phases[{i}].name"),
                said!("text_required", "required, at most {max} characters", max = 20),
            ));
        }
        if !(1..=100).contains(&phase.share_percent) {
            problems.push(FieldError::new(format!("phases[{i}].share_percent"), said!("share_range", "1 to 100")));
        }
        if phase.starts_on < calendar.relief_start || phase.starts_on > calendar.relief_end {
            problems.push(FieldError::new(
                format!("phases[{i}].starts_on"),
                said!(
                    "phase_in_period",
                    "within the relief period, {from} to {to}",
                    from = calendar.relief_start,
                    to = calendar.relief_end
                ),
            ));
        } else if i > 0 && phase.starts_on <= phases[i - 1].starts_on {
            problems.push(FieldError::new(
                format!("phases[{i}].starts_on"),
                said!("phase_order", "after the phase before it"),
            ));
        }
    }
    let total: i64 = phases.iter().map(|p| p.share_percent).sum();
    if total != 100 {
        problems.push(FieldError::new(
            "phases",
            said!("shares_total", "the shares add up to 100%; these add up to {total}%", total = total),
        ));
    }
    problems
}

/// A household's decided amount split over the phases' shares, to the fen (the parts add up to
/// the whole).
pub fn phase_amounts(amount: Fen, shares_bp: &[i64]) -> Vec<Fen> {
    crate::funds::rules::proportional(amount.0, shares_bp).into_iter().map(Fen).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use clap::Parser;
    use sqlx::types::Json;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        settings: Settings,
    }

    fn settings() -> Settings {
        Cli::parse_from(["test"]).settings
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn money_is_split_into_phases_that_add_up_to_the_whole() {
        let c = calendar(&settings(), 2026, false);
        let defaults = default_phases(&settings(), &c);
        assert_eq!(
            defaults.iter().map(|p| (p.name.as_str(), p.share_percent, p.starts_on)).collect::<Vec<_>>(),
            [("冬令", 50, day(2026, 12, 1)), ("春荒", 50, day(2027, 3, 1))]
        );
        assert!(check_phases(&defaults, &c).is_empty());
        let mut short = defaults.clone();
        short[1].share_percent = 40;
        let fields: Vec<String> = check_phases(&short, &c).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["phases"], "shares of 90% are refused");
        let mut early = defaults.clone();
        early[0].starts_on = day(2026, 11, 1);
        assert_eq!(check_phases(&early, &c)[0].field, "phases[0].starts_on");
        assert_eq!(phase_amounts(Fen(19_501), &[5000, 5000]), [Fen(9_751), Fen(9_750)]);
        assert_eq!(phase_amounts(Fen(100), &[3000, 3000, 4000]).iter().copied().sum::<Fen>(), Fen(100));
    }

    #[test]
    fn the_calendar_follows_the_october_deadlines_and_runs_relief_into_the_next_year() {
        let c = calendar(&settings(), 2026, false);
        assert_eq!(
            (c.survey_start, c.county_due, c.city_due),
            (day(2026, 9, 20), day(2026, 10, 15), day(2026, 10, 20))
        );
        assert_eq!((c.relief_start, c.relief_end), (day(2026, 12, 1), day(2027, 5, 31)));
        assert_eq!(calendar(&settings(), 2026, true).relief_end, day(2027, 7, 31), "one harvest a year: to July");
        assert_eq!(status(&c, day(2026, 9, 1)), CampaignStatus::Scheduled);
        assert_eq!(status(&c, day(2026, 10, 25)), CampaignStatus::Surveying);
        assert_eq!(status(&c, day(2026, 11, 2)), CampaignStatus::Planning);
        assert_eq!(status(&c, day(2027, 1, 10)), CampaignStatus::Relief);
        assert_eq!(status(&c, day(2027, 6, 1)), CampaignStatus::Closed);
        assert_eq!(due_for(&c, Level::Township), None);
    }

    #[test]
    fn a_need_record_names_at_least_one_need_within_bounds() {
        let needs = |food_months, clothing, quilts, heating| WinterSpringNeeds {
            food_months,
            clothing,
            quilts,
            heating,
            housing: false,
        };
        assert!(check_needs(&needs(3, 2, 2, true), 2).is_empty());
        let fields = |n: WinterSpringNeeds, persons| -> Vec<String> {
            check_needs(&n, persons).into_iter().map(|p| p.field).collect()
        };
        assert_eq!(fields(needs(0, 0, 0, false), 2), ["needs"]);
        assert_eq!(fields(needs(9, 7, 0, false), 2), ["needs.food_months", "needs.clothing"]);
    }

    fn line(area: &str, persons: i64, class: HardshipClass, decided: bool) -> NeedLine {
        NeedLine {
            area_code: area.into(),
            persons,
            class,
            needs: WinterSpringNeeds { food_months: 2, clothing: 0, quilts: persons, heating: true, housing: false },
            decided,
            amount_fen: Fen(persons * 13_000),
        }
    }

    #[test]
    fn need_records_roll_up_to_each_level() {
        let lines = [
            line("360425100", 3, HardshipClass::ClassOne, true),
            line("360425100201", 2, HardshipClass::ClassThree, false),
            line("360428101", 4, HardshipClass::ClassThree, false),
        ];
        let townships = roll_up(&lines, Level::Township);
        let first = &townships[&AreaCode::from("360425100")];
        assert_eq!((first.households, first.persons, first.food_persons, first.clothing_persons), (2, 5, 5, 5));
        assert_eq!((first.food_person_months, first.quilts, first.heating_persons), (10, 5, 5));
        assert_eq!(first.by_class[&HardshipClass::ClassOne], 3);
        assert_eq!((first.decided_households, first.decided_persons), (1, 3));
        let city = roll_up(&lines, Level::City);
        assert_eq!(city[&AreaCode::from("360400")].persons, 9);
        assert_eq!(city[&AreaCode::from("360400")].amount_fen, Fen(9 * 13_000));
        assert_eq!(roll_up(&lines, Level::Village).len(), 1, "records filed above the village are left out");
    }

    fn submission(area: &str, status: SubmissionStatus) -> Submission {
        Submission {
            campaign_id: 1,
            area_code: area.into(),
            status,
            figures: Json(NeedFigures::default()),
            submitted_by: "county".into(),
            submitted_at: Utc.with_ymd_and_hms(2026, 10, 14, 2, 0, 0).unwrap(),
            decided_by: None,
            decided_at: None,
            reason: None,
        }
    }

    #[test]
    fn an_accepted_submission_locks_its_area_and_deadlines_flag_what_was_not_sent() {
        let submissions =
            [submission("360425", SubmissionStatus::Accepted), submission("360428", SubmissionStatus::Submitted)];
        assert!(locked_by(&submissions, &"360425100201".into()).is_some());
        assert!(locked_by(&submissions, &"360428101".into()).is_none(), "submitted, not yet accepted");
        let due = Some(day(2026, 10, 15));
        assert!(overdue(due, None, day(2026, 10, 16)));
        assert!(!overdue(due, None, day(2026, 10, 15)), "due today is not overdue");
        assert!(!overdue(due, Some(&submissions[1]), day(2026, 10, 16)));
        assert!(overdue(due, Some(&submission("360428", SubmissionStatus::Returned)), day(2026, 10, 16)));
        assert!(late(due, day(2026, 10, 17)) && !late(due, day(2026, 10, 15)));
    }
}
