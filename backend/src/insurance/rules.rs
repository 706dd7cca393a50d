//! Insurance rules, pure: which policy covers a house on a day, what a claim can pay at most, which
//! step follows which, the part of a payout a county counts, and a policy file's rows.

use chrono::NaiveDate;

use super::{ClaimStatus, Policy};
use crate::areas::{AreaCode, Level};
use crate::error::FieldError;
use crate::households::idnumber::IdNumber;
use crate::money::Fen;
use crate::upload::{Columns, RawRow};

/// The policy covering a household's house on `on`: its own policy first, else the blanket policy
/// of the smallest area around it; among equals the one that started last.
pub fn policy_for<'a>(policies: &'a [Policy], household_id: i64, area: &str, on: NaiveDate) -> Option<&'a Policy> {
    policies
        .iter()
        .filter(|p| p.starts_on <= on && on <= p.ends_on)
        .filter(|p| match p.household_id {
            Some(id) => id == household_id,
            None => p.area_code.contains(area),
        })
        .max_by_key(|p| (p.household_id.is_some(), p.area_code.level(), p.starts_on))
}

/// The damaged rooms a policy pays for (no more than it insures) and the most it pays for them.
pub fn cap(damaged_rooms: i64, policy: &Policy) -> (i32, Fen) {
    let insured = policy.rooms.map_or(i64::MAX, i64::from);
    let rooms = damaged_rooms.clamp(0, insured).min(i64::from(i32::MAX));
    (rooms as i32, policy.sum_per_room_fen.times(rooms))
}

/// What county staff record of a claim as the insurer handles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimStep {
    Survey,
    Pay,
    Refuse,
}

/// The status a step leads to, or None out of order: the survey follows the report, the payout
/// the survey, and a claim can be refused until it is paid.
pub fn next(status: ClaimStatus, step: ClaimStep) -> Option<ClaimStatus> {
    use ClaimStatus as S;
    match (step, status) {
        (ClaimStep::Survey, S::Reported) => Some(S::Surveyed),
        (ClaimStep::Pay, S::Surveyed) => Some(S::Paid),
        (ClaimStep::Refuse, S::Reported | S::Surveyed) => Some(S::Refused),
        _ => None,
    }
}

/// The part of a payout a county counts against the rebuild subsidy (basis points, rounded down to
/// the fen: a household never loses a fen to rounding).
pub fn counted(payout: Fen, counted_bp: i64) -> Fen {
    Fen(payout.0 * counted_bp / 10_000)
}

/// Days from the report to the payout.
pub fn days_to_payout(reported_on: NaiveDate, paid_on: Option<NaiveDate>) -> Option<i64> {
    paid_on.map(|paid| (paid - reported_on).num_days())
}

/// A policy file's columns (CSV or XLSX, English or Chinese headers); the first six are required.
/// A row with the head's ID number insures that household, one without it the whole area.
pub const POLICY_COLUMNS: Columns = Columns {
    all: &[
        ("insurer", &["insurer", "承保机构", "保险公司"]),
        ("policy_number", &["policy_number", "保单号", "保单号码"]),
        ("area_code", &["area_code", "区划代码", "行政区划代码"]),
        ("sum_per_room", &["sum_per_room", "每间保额", "每间保险金额"]),
        ("starts_on", &["starts_on", "起保日期", "保险起期"]),
        ("ends_on", &["ends_on", "终保日期", "保险止期"]),
        ("head_id_number", &["head_id_number", "户主身份证号", "身份证号"]),
        ("rooms", &["rooms", "投保间数", "承保间数"]),
    ],
    required: 6,
};

/// A policy row, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyLine {
    pub insurer: String,
    pub policy_number: String,
    pub area_code: AreaCode,
    /// The insured household's head (a household's policy).
    pub id_number: Option<IdNumber>,
    pub rooms: Option<i32>,
    pub sum_per_room: Fen,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

fn date(text: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"].iter().find_map(|f| NaiveDate::parse_from_str(text, f).ok())
}

/// Checks one row of a policy file: every field at fault is named.
pub fn policy_line(row: &RawRow) -> Result<PolicyLine, Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut text = |column: &'static str, what: &str| {
        let value = row.get(column);
        if value.is_empty() || value.chars().count() > 100 {
            problems.push(FieldError::new(
                column,
                crate::said!("text_required", "{what}, required, at most {max} characters", what = what, max = 100),
            ));
        }
        value.to_owned()
    };
    let insurer = text("insurer", "the insurer");
    let policy_number = text("policy_number", "the policy number");
    let area_code = match AreaCode::parse(row.get("area_code")) {
        Ok(code) if code.level() >= Level::Township => Some(code),
        Ok(_) => {
            problems.push(FieldError::new(
                "area_code",
                crate::said!("household_area_level", "households belong to a township or village"),
            ));
            None
        }
        Err(reason) => {
            problems.push(FieldError::new("area_code", reason));
            None
        }
    };
    let sum_per_room = Fen::parse_yuan(row.get("sum_per_room")).filter(|f| *f > Fen::ZERO);
    if sum_per_room.is_none() {
        problems.push(FieldError::new(
            "sum_per_room",
            crate::said!("sum_per_room", "the sum insured per room in yuan, above 0 (e.g. 20000)"),
        ));
    }
    let mut day = |column: &'static str| {
        let parsed = date(row.get(column));
        if parsed.is_none() {
            problems.push(FieldError::new(column, crate::said!("date_format", "a date such as 2026-01-01")));
        }
        parsed
    };
    let (starts_on, ends_on) = (day("starts_on"), day("ends_on"));
    if let (Some(start), Some(end)) = (starts_on, ends_on)
        && start > end
    {
        problems
            .push(FieldError::new("ends_on", crate::said!("policy_ends_first", "the policy ends before it starts")));
    }
    let id_number = match row.get("head_id_number") {
        "" => None,
        id => match IdNumber::parse(id) {
            Ok(id) => Some(id),
            Err(reason) => {
                problems.push(FieldError::new("head_id_number", reason));
                None
            }
        },
    };
    let rooms = match row.get("rooms") {
        "" => None,
        rooms => match rooms.parse::<i32>() {
            Ok(n) if (1..=100).contains(&n) => Some(n),
            _ => {
                problems
                    .push(FieldError::new("rooms", crate::said!("rooms_range", "a whole number of rooms, 1 to 100")));
                None
            }
        },
    };
    if rooms.is_some() && id_number.is_none() {
        problems.push(FieldError::new(
            "rooms",
            crate::said!("rooms_need_head", "rooms are insured per household: give the head's ID number"),
        ));
    }
    match (area_code, sum_per_room, starts_on, ends_on) {
        (Some(area_code), Some(sum_per_room), Some(starts_on), Some(ends_on)) if problems.is_empty() => {
            Ok(PolicyLine { insurer, policy_number, area_code, id_number, rooms, sum_per_room, starts_on, ends_on })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upload::{FileKind, read_rows};

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn policy(id: i64, area: &str, household: Option<i64>, start: &str, end: &str) -> Policy {
        Policy {
            id,
            insurer: "人保财险".into(),
            policy_number: format!("P{id}"),
            area_code: AreaCode::parse(area).unwrap(),
            household_id: household,
            holder: None,
            rooms: household.map(|_| 2),
            sum_per_room_fen: Fen(2_000_000),
            starts_on: day(start),
            ends_on: day(end),
            imported_by: "county".into(),
            created_at: chrono::Utc::now(),
        }
    }

    #[test]
    fn a_households_own_policy_wins_and_only_policies_in_force_count() {
        let policies = [
            policy(1, "360425100", None, "2026-01-01", "2026-12-31"),
            policy(2, "360425100201", Some(7), "2026-01-01", "2026-12-31"),
            policy(3, "360425101", None, "2026-01-01", "2026-12-31"),
        ];
        let on = day("2026-07-01");
        assert_eq!(policy_for(&policies, 7, "360425100201", on).map(|p| p.id), Some(2));
        assert_eq!(
            policy_for(&policies, 8, "360425100201", on).map(|p| p.id),
            Some(1),
            "the township's blanket policy"
        );
        assert_eq!(policy_for(&policies, 9, "360425102201", on).map(|p| p.id), None, "another township");
        assert_eq!(policy_for(&policies, 8, "360425100201", day("2027-01-01")).map(|p| p.id), None, "expired");
    }

    #[test]
    fn caps_count_only_insured_rooms() {
        let household = policy(2, "360425100201", Some(7), "2026-01-01", "2026-12-31");
        assert_eq!(cap(3, &household), (2, Fen(4_000_000)));
        let township = policy(1, "360425100", None, "2026-01-01", "2026-12-31");
        assert_eq!(cap(3, &township), (3, Fen(6_000_000)));
        assert_eq!(cap(0, &township), (0, Fen::ZERO));
    }

    #[test]
    fn claims_move_in_order() {
        use ClaimStatus as S;
        assert_eq!(next(S::Reported, ClaimStep::Survey), Some(S::Surveyed));
        assert_eq!(next(S::Reported, ClaimStep::Pay), None, "no payout before the survey");
        assert_eq!(next(S::Surveyed, ClaimStep::Pay), Some(S::Paid));
        assert_eq!(next(S::Paid, ClaimStep::Refuse), None);
        assert_eq!(next(S::Surveyed, ClaimStep::Refuse), Some(S::Refused));
        assert_eq!(counted(Fen(1_000_001), 5_000), Fen(500_000));
        assert_eq!(days_to_payout(day("2026-07-01"), Some(day("2026-07-31"))), Some(30));
    }

    #[test]
    fn policy_rows_are_checked_field_by_field() {
        let text = "保险公司,保单号,区划代码,每间保额,起保日期,终保日期,户主身份证号,投保间数\n\
                    人保财险,PICC-2026-001,360425100,20000,2026-01-01,2026-12-31,,\n\
                    人保财险,PICC-2026-002,360425100201,\"15,000.50\",2026/01/01,2026/12/31,11010519491231002X,3\n\
                    ,X,360425,0,2026-13-01,2025-01-01,123,2\n";
        let rows = read_rows(text.as_bytes(), FileKind::Csv, POLICY_COLUMNS).unwrap();
        let township = policy_line(&rows[0]).unwrap();
        assert_eq!((township.id_number, township.rooms, township.sum_per_room), (None, None, Fen(2_000_000)));
        let household = policy_line(&rows[1]).unwrap();
        assert_eq!(household.sum_per_room, Fen(1_500_050));
        assert_eq!(household.rooms, Some(3));
        let fields: Vec<String> = policy_line(&rows[2]).unwrap_err().into_iter().map(|p| p.field).collect();
        for field in ["insurer", "area_code", "sum_per_room", "starts_on", "head_id_number", "rooms"] {
            assert!(fields.iter().any(|f| f == field), "{field} in {fields:?}");
        }
    }
}
