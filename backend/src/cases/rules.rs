//! The rules of a case, pure: its deadlines, the status its referrals give it, who decides which
//! programme, the receipt number, and how detection's findings change the alerts
//! (docs/domain/one-window.md).

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use super::{AlertFacts, AlertRow, AlertStatus, CaseKind, CaseStatus, Programme, Referral, ReferralStatus};
use crate::areas::AreaCode;
use crate::auth::departments::HandoffProgramme;
use crate::config::CaseDeadline;
use crate::households::rules::Need;
use crate::text_enum::enum_text;

/// The deadlines in force: the township's, to refer a case, and each department's, to answer.
#[derive(Debug, Clone)]
pub struct Deadlines {
    specs: Vec<CaseDeadline>,
}

impl Deadlines {
    /// Every name must be `refer`, `urgent` or a programme, and every programme needs one.
    pub fn new(specs: &[CaseDeadline]) -> Result<Self, String> {
        let known =
            |name: &str| matches!(name, "refer" | "urgent") || Programme::ALL.iter().any(|p| enum_text(*p) == name);
        if let Some(unknown) = specs.iter().find(|s| !known(&s.name)) {
            return Err(format!("JIUZAI_CASE_DEADLINES: {} is not refer, urgent or a programme", unknown.name));
        }
        let deadlines = Self { specs: specs.to_vec() };
        for name in
            ["refer", "urgent"].into_iter().map(str::to_owned).chain(Programme::ALL.iter().map(|p| enum_text(*p)))
        {
            if deadlines.hours(&name).is_none() {
                return Err(format!("JIUZAI_CASE_DEADLINES: no deadline for {name}"));
            }
        }
        Ok(deadlines)
    }

    fn hours(&self, name: &str) -> Option<i64> {
        self.specs.iter().rev().find(|s| s.name == name).map(|s| s.hours)
    }

    fn after(&self, from: DateTime<Utc>, name: &str) -> DateTime<Utc> {
        from + Duration::hours(self.hours(name).expect("checked in Deadlines::new"))
    }

    /// When the township must have referred a case received at `at`.
    pub fn refer_by(&self, kind: CaseKind, at: DateTime<Utc>) -> DateTime<Utc> {
        self.after(at, if kind == CaseKind::Urgent { "urgent" } else { "refer" })
    }

    /// When a department must answer a referral made at `at`: an urgent case's whole answer is due
    /// within the urgent deadline, if that is sooner than the programme's.
    pub fn answer_by(&self, kind: CaseKind, programme: Programme, at: DateTime<Utc>) -> DateTime<Utc> {
        let own = self.after(at, &enum_text(programme));
        if kind == CaseKind::Urgent { own.min(self.after(at, "urgent")) } else { own }
    }
}

/// The status a case's referrals give it (a closed case stays closed).
pub fn status_of(current: CaseStatus, referrals: &[Referral]) -> CaseStatus {
    if current == CaseStatus::Closed || referrals.is_empty() {
        return current;
    }
    if referrals.iter().all(|r| r.status.is_answered()) {
        CaseStatus::Decided
    } else if referrals.iter().all(|r| r.status != ReferralStatus::Referred) {
        CaseStatus::Accepted
    } else {
        CaseStatus::Referred
    }
}

/// When the case's next step is due: the referral while received, else the earliest unanswered
/// referral's deadline (none once everything is answered: the last deadline stands).
pub fn next_due(received_by: DateTime<Utc>, referrals: &[Referral]) -> DateTime<Utc> {
    if referrals.is_empty() {
        return received_by;
    }
    let open = referrals.iter().filter(|r| !r.status.is_answered()).map(|r| r.due_at).min();
    open.unwrap_or_else(|| referrals.iter().map(|r| r.due_at).max().unwrap_or(received_by))
}

/// The programme a department token's hand-off decides (the departments that receive hand-offs
/// also answer referrals for that programme). 低保, 特困, employment and disease emergency aid are
/// decided by county civil-affairs staff, who record the answer themselves.
pub fn decided_by_token(handoff: HandoffProgramme) -> Programme {
    match handoff {
        HandoffProgramme::Education => Programme::Education,
        HandoffProgramme::TemporaryAssistance => Programme::Temporary,
        HandoffProgramme::Housing => Programme::Housing,
        HandoffProgramme::Medical => Programme::Medical,
    }
}

/// Whether county staff record this programme's answer (no department token decides it).
pub fn decided_by_staff(programme: Programme) -> bool {
    !matches!(programme, Programme::Education | Programme::Temporary | Programme::Housing | Programme::Medical)
}

/// Receipt numbers: the day and eight random characters with no look-alikes (0/O, 1/I), so they
/// are read out over the phone without mistakes and cannot be guessed.
pub fn receipt_number(at: DateTime<Utc>) -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    let tail: String = (0..8).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect();
    format!("{}-{tail}", at.format("%Y%m%d"))
}

/// A phone number as given: 7–20 digits, spaces, dashes or a leading +.
pub fn valid_phone(phone: &str) -> bool {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    (7..=20).contains(&digits) && phone.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+'))
}

/// A need detection found in one household's losses in the event.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub household_id: i64,
    pub area_code: AreaCode,
    pub need: Need,
    pub facts: AlertFacts,
}

/// What a detection run changes: new alerts, alerts whose facts changed (a withdrawn one opens
/// again), and open alerts whose need is gone.
#[derive(Debug, Default, PartialEq)]
pub struct AlertChanges {
    pub raise: Vec<Finding>,
    /// Alert id and its facts now.
    pub refresh: Vec<(i64, AlertFacts)>,
    pub withdraw: Vec<i64>,
}

impl AlertChanges {
    pub fn is_empty(&self) -> bool {
        self.raise.is_empty() && self.refresh.is_empty() && self.withdraw.is_empty()
    }
}

/// Compares what detection found in some households with their alerts in the event: a need is
/// raised once (a converted or dismissed alert stays as staff left it), facts follow the latest
/// record, and an open alert whose need is gone is withdrawn.
pub fn alert_changes(existing: &[AlertRow], found: Vec<Finding>) -> AlertChanges {
    let mut changes = AlertChanges::default();
    for alert in existing {
        let still = found.iter().any(|f| f.household_id == alert.household_id && f.need == alert.need);
        if !still && alert.status == AlertStatus::Open {
            changes.withdraw.push(alert.id);
        }
    }
    for finding in found {
        match existing.iter().find(|a| a.household_id == finding.household_id && a.need == finding.need) {
            None => changes.raise.push(finding),
            Some(alert) => {
                let reopens = alert.status == AlertStatus::Withdrawn;
                let changed = alert.status == AlertStatus::Open && alert.facts.0 != finding.facts;
                if reopens || changed {
                    changes.refresh.push((alert.id, finding.facts));
                }
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(dead: i64) -> AlertFacts {
        AlertFacts {
            dead,
            missing: 0,
            injured: 0,
            house: crate::households::HouseDamage::None,
            children: 0,
            poverty_class: None,
        }
    }

    fn alert(id: i64, household_id: i64, need: Need, status: AlertStatus, dead: i64) -> AlertRow {
        AlertRow {
            id,
            event_id: 1,
            household_id,
            area_code: AreaCode::parse("360402001001").unwrap(),
            need,
            facts: sqlx::types::Json(facts(dead)),
            status,
            case_id: None,
            resolution: None,
            resolved_by: None,
            raised_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn finding(household_id: i64, need: Need, dead: i64) -> Finding {
        Finding { household_id, area_code: AreaCode::parse("360402001001").unwrap(), need, facts: facts(dead) }
    }

    #[test]
    fn detection_raises_once_follows_the_facts_and_withdraws_what_is_gone() {
        let existing = vec![
            alert(1, 10, Need::Hardship, AlertStatus::Open, 1),
            alert(2, 11, Need::Hardship, AlertStatus::Dismissed, 1),
            alert(3, 12, Need::Injury, AlertStatus::Open, 0),
            alert(4, 13, Need::Hardship, AlertStatus::Withdrawn, 1),
            alert(5, 14, Need::Hardship, AlertStatus::Converted, 1),
        ];
        let found = vec![
            finding(10, Need::Hardship, 2),  // one more dead: the open alert's facts follow
            finding(11, Need::Hardship, 2),  // dismissed: staff decided, nothing changes
            finding(13, Need::Hardship, 1),  // the need is back: it opens again
            finding(14, Need::Hardship, 1),  // already a case
            finding(15, Need::Schooling, 0), // new
        ];
        let changes = alert_changes(&existing, found);
        assert_eq!(changes.raise, vec![finding(15, Need::Schooling, 0)]);
        assert_eq!(changes.refresh, vec![(1, facts(2)), (4, facts(1))]);
        assert_eq!(changes.withdraw, vec![3], "household 12's injury is no longer recorded");
        let again = alert_changes(&existing[..1], vec![finding(10, Need::Hardship, 1)]);
        assert!(again.is_empty(), "the same facts change nothing: {again:?}");
    }

    fn deadlines() -> Deadlines {
        let specs: Vec<CaseDeadline> =
            crate::config::DEFAULT_CASE_DEADLINES.split(',').map(|s| s.parse().unwrap()).collect();
        Deadlines::new(&specs).unwrap()
    }

    fn referral(status: ReferralStatus, due_hours: i64) -> Referral {
        Referral {
            programme: Programme::Medical,
            status,
            due_at: DateTime::UNIX_EPOCH + Duration::hours(due_hours),
            accepted_at: None,
            decided_at: None,
            decided_by: None,
            amount_fen: None,
            reason: None,
        }
    }

    #[test]
    fn the_default_deadlines_name_every_programme_and_nothing_else() {
        let d = deadlines();
        let at = DateTime::UNIX_EPOCH;
        assert_eq!(d.refer_by(CaseKind::Application, at), at + Duration::hours(48));
        assert_eq!(d.refer_by(CaseKind::Urgent, at), at + Duration::hours(24));
        assert_eq!(d.answer_by(CaseKind::Application, Programme::Dibao, at), at + Duration::days(30));
        assert_eq!(d.answer_by(CaseKind::Urgent, Programme::Dibao, at), at + Duration::hours(24));
        let unknown: CaseDeadline = "pension=5d".parse().unwrap();
        assert!(Deadlines::new(&[unknown]).unwrap_err().contains("pension"));
        assert!(Deadlines::new(&[]).unwrap_err().contains("no deadline for refer"));
    }

    #[test]
    fn a_case_follows_its_slowest_referral() {
        use ReferralStatus::*;
        assert_eq!(status_of(CaseStatus::Received, &[]), CaseStatus::Received);
        assert_eq!(
            status_of(CaseStatus::Referred, &[referral(Referred, 1), referral(Accepted, 2)]),
            CaseStatus::Referred
        );
        assert_eq!(
            status_of(CaseStatus::Referred, &[referral(Granted, 1), referral(Accepted, 2)]),
            CaseStatus::Accepted
        );
        assert_eq!(
            status_of(CaseStatus::Accepted, &[referral(Granted, 1), referral(Transferred, 2)]),
            CaseStatus::Decided
        );
        assert_eq!(status_of(CaseStatus::Closed, &[referral(Referred, 1)]), CaseStatus::Closed);
        let received_by = DateTime::UNIX_EPOCH;
        assert_eq!(
            next_due(received_by, &[referral(Granted, 1), referral(Accepted, 5)]),
            received_by + Duration::hours(5)
        );
        assert_eq!(
            next_due(received_by, &[referral(Granted, 1), referral(Declined, 3)]),
            received_by + Duration::hours(3)
        );
    }

    #[test]
    fn receipt_numbers_are_dated_and_unambiguous() {
        let number = receipt_number(DateTime::UNIX_EPOCH);
        assert!(number.starts_with("19700101-") && number.len() == 17, "{number}");
        assert!(!number[9..].contains(['0', 'O', '1', 'I']));
        assert!(valid_phone("0792-8221234") && valid_phone("+86 139 0792 1234"));
        assert!(!valid_phone("12345") && !valid_phone("call me"));
    }
}
