//! The application chain's rules, pure: which step follows which, who may take a step at which
//! level, the deadlines, and the checks on what each step brings.

use chrono::{DateTime, Duration, Utc};

use super::{ApplicationStatus, Step};
use crate::areas::Level;
use crate::error::FieldError;
use crate::money::Fen;
use crate::said;

/// The status an application must be in for `step` to be taken.
pub fn status_before(step: Step) -> ApplicationStatus {
    match step {
        Step::Apply | Step::Revise | Step::VillageAssessment => ApplicationStatus::Applied,
        Step::Disclosure | Step::Objection | Step::TownshipReview => ApplicationStatus::Recommended,
        Step::CountyDecision => ApplicationStatus::TownshipApproved,
    }
}

/// Whether the status leaves the household free to apply again for the same event and item.
pub fn is_closed(status: ApplicationStatus) -> bool {
    matches!(status, ApplicationStatus::NotRecommended | ApplicationStatus::Returned | ApplicationStatus::Rejected)
}

/// The level a user whose scope is `scope` acts for when taking `step`: None in their own right
/// (their scope is the step's level), the step's level when their scope lies above it. A user
/// scoped below the step's level may not take it.
pub fn acting_for(scope: Level, step: Step) -> Result<Option<Level>, String> {
    let level = step.level();
    match scope.cmp(&level) {
        std::cmp::Ordering::Equal => Ok(None),
        std::cmp::Ordering::Less => Ok(Some(level)),
        std::cmp::Ordering::Greater => {
            Err(format!("the {} step is taken at {} level or above", step_name(step), level.as_str()))
        }
    }
}

fn step_name(step: Step) -> &'static str {
    match step {
        Step::Apply => "application",
        Step::Revise => "revision",
        Step::VillageAssessment => "village assessment",
        Step::Disclosure => "village notice",
        Step::Objection => "objection",
        Step::TownshipReview => "township review",
        Step::CountyDecision => "county decision",
    }
}

/// Days each level has for its step (settings).
#[derive(Debug, Clone, Copy)]
pub struct Deadlines {
    pub assess_days: i64,
    pub review_days: i64,
    pub decide_days: i64,
}

/// When the open step of an application is due: the village assessment counts from the
/// application, the township review from the end of the village notice, the county decision from
/// the township's approval. None for a closed or approved application, or one waiting for its
/// notice (the notice itself has a fixed length).
pub fn due(
    deadlines: Deadlines,
    status: ApplicationStatus,
    step_at: DateTime<Utc>,
    disclosure_end: Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    match status {
        ApplicationStatus::Applied => Some(step_at + Duration::days(deadlines.assess_days)),
        ApplicationStatus::Recommended => disclosure_end.map(|end| end + Duration::days(deadlines.review_days)),
        ApplicationStatus::TownshipApproved => Some(step_at + Duration::days(deadlines.decide_days)),
        _ => None,
    }
}

/// Checks an application's claim: persons between one and the household's members, a reason.
pub fn check_claim(persons: i64, members: i64, reason: &str) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if persons < 1 {
        problems.push(FieldError::new("persons", said!("persons_min", "at least one person")));
    } else if persons > members {
        problems.push(FieldError::new(
            "persons",
            said!("persons_exceed_members", "the household has {members} members", members = members),
        ));
    }
    if reason.trim().is_empty() || reason.chars().count() > 2000 {
        problems
            .push(FieldError::new("reason", said!("text_required", "required, at most {max} characters", max = 2000)));
    }
    problems
}

/// Checks a village assessment: the minutes are kept, the votes are counts, and a recommendation
/// has more votes for than against.
pub fn check_assessment(recommend: bool, minutes: &str, votes_for: i64, votes_against: i64) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if minutes.trim().is_empty() || minutes.chars().count() > 5000 {
        problems.push(FieldError::new(
            "minutes",
            said!("minutes_required", "the meeting's minutes are required, at most 5000 characters"),
        ));
    }
    for (field, votes) in [("votes_for", votes_for), ("votes_against", votes_against)] {
        if !(0..=10_000).contains(&votes) {
            problems.push(FieldError::new(field, said!("votes_range", "a count of votes, 0 to 10000")));
        }
    }
    if recommend && votes_for <= votes_against {
        problems.push(FieldError::new(
            "votes_for",
            said!("votes_majority", "a recommendation needs more votes for than against"),
        ));
    }
    problems
}

/// A reason is required where a step turns an application down or pays above the standard.
pub fn require_reason(reason: Option<&str>, why: &str) -> Result<String, FieldError> {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(reason) if reason.chars().count() <= 2000 => Ok(reason.to_owned()),
        Some(_) => Err(FieldError::new("reason", said!("text_max", "at most {max} characters", max = 2000))),
        None => Err(FieldError::new("reason", said!("reason_required", "a reason is required {why}", why = why))),
    }
}

/// The amount a county decision pays: the standard's unless another is given; more than the
/// standard needs a reason and is flagged.
pub fn decided_amount(standard: Fen, requested: Option<Fen>, reason: Option<&str>) -> Result<(Fen, bool), FieldError> {
    let amount = requested.unwrap_or(standard);
    if amount <= Fen::ZERO {
        return Err(FieldError::new("amount_fen", said!("amount_positive", "must be a positive amount in fen")));
    }
    let above = amount > standard;
    if above {
        require_reason(reason, "for an amount above the standard")?;
    }
    Ok((amount, above))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_taken_at_their_level_or_for_it_from_above() {
        assert_eq!(acting_for(Level::Village, Step::VillageAssessment), Ok(None));
        assert_eq!(acting_for(Level::Township, Step::VillageAssessment), Ok(Some(Level::Village)));
        assert_eq!(acting_for(Level::Township, Step::TownshipReview), Ok(None));
        assert_eq!(acting_for(Level::City, Step::CountyDecision), Ok(Some(Level::County)));
        assert!(acting_for(Level::Township, Step::CountyDecision).is_err());
        assert!(acting_for(Level::Village, Step::TownshipReview).is_err());
        assert!(acting_for(Level::Village, Step::Objection).is_err(), "the township answers objections");
    }

    #[test]
    fn each_step_follows_its_own() {
        assert_eq!(status_before(Step::VillageAssessment), ApplicationStatus::Applied);
        assert_eq!(status_before(Step::TownshipReview), ApplicationStatus::Recommended);
        assert_eq!(status_before(Step::CountyDecision), ApplicationStatus::TownshipApproved);
        assert!(is_closed(ApplicationStatus::Rejected) && !is_closed(ApplicationStatus::Approved));
    }

    #[test]
    fn deadlines_count_from_the_step_before() {
        let deadlines = Deadlines { assess_days: 3, review_days: 5, decide_days: 5 };
        let t = DateTime::parse_from_rfc3339("2026-07-01T08:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(due(deadlines, ApplicationStatus::Applied, t, None), Some(t + Duration::days(3)));
        assert_eq!(due(deadlines, ApplicationStatus::Recommended, t, None), None);
        let end = t + Duration::days(7);
        assert_eq!(due(deadlines, ApplicationStatus::Recommended, t, Some(end)), Some(end + Duration::days(5)));
        assert_eq!(due(deadlines, ApplicationStatus::Approved, t, Some(end)), None);
    }

    #[test]
    fn claims_and_votes_are_checked() {
        assert!(check_claim(3, 4, "房屋倒塌").is_empty());
        assert_eq!(check_claim(5, 4, "x")[0].field, "persons");
        assert_eq!(check_claim(0, 4, "x")[0].field, "persons");
        assert_eq!(check_claim(1, 4, " ")[0].field, "reason");
        assert!(check_assessment(true, "村民代表会议", 9, 2).is_empty());
        assert_eq!(check_assessment(true, "会议", 2, 2)[0].field, "votes_for");
        assert_eq!(check_assessment(false, "", 0, 0)[0].field, "minutes");
    }

    #[test]
    fn an_amount_above_the_standard_needs_a_reason_and_is_flagged() {
        let standard = Fen(90_000);
        assert_eq!(decided_amount(standard, None, None), Ok((standard, false)));
        assert_eq!(decided_amount(standard, Some(Fen(60_000)), None), Ok((Fen(60_000), false)));
        assert_eq!(decided_amount(standard, Some(Fen(120_000)), None).unwrap_err().field, "reason");
        assert_eq!(decided_amount(standard, Some(Fen(120_000)), Some("重病")), Ok((Fen(120_000), true)));
        assert_eq!(decided_amount(standard, Some(Fen::ZERO), None).unwrap_err().field, "amount_fen");
    }
}
