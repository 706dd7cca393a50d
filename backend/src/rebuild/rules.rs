//! A case's rules, pure: which mode a damage grade calls for, which step follows which, the target
//! dates and what an inspection must bring.

use chrono::{Duration, NaiveDate};

use super::{CaseStatus, CaseStep, Mode, PaymentStage};
use crate::error::FieldError;
use crate::households::HouseDamage;
use crate::money::Fen;

/// Rebuild for a collapsed or severely damaged house, repair for a generally damaged one.
pub fn mode_for(damage: HouseDamage) -> Option<Mode> {
    match damage {
        HouseDamage::Collapsed | HouseDamage::Severe => Some(Mode::Rebuild),
        HouseDamage::General => Some(Mode::Repair),
        HouseDamage::None => None,
    }
}

/// The status a step leads to from `status`, or None when the step is out of order. A repair has
/// no structure stage; a failed inspection sends the house back to the builder, who completes it
/// again.
pub fn next(mode: Mode, status: CaseStatus, step: CaseStep, passed: bool) -> Option<CaseStatus> {
    use CaseStatus as S;
    match (step, status) {
        (CaseStep::Approve, S::Surveyed) => Some(S::Approved),
        (CaseStep::Start, S::Approved) => Some(S::Started),
        (CaseStep::Structure, S::Started) if mode == Mode::Rebuild => Some(S::StructureDone),
        (CaseStep::Complete, S::StructureDone | S::FailedInspection) => Some(S::Completed),
        (CaseStep::Complete, S::Started) if mode == Mode::Repair => Some(S::Completed),
        (CaseStep::Inspect, S::Completed) => Some(if passed { S::Accepted } else { S::FailedInspection }),
        _ => None,
    }
}

/// Days after the county's approval by which work should have started, reached its structure and
/// been completed (settings).
#[derive(Debug, Clone, Copy)]
pub struct Targets {
    pub start_days: i64,
    pub structure_days: i64,
    pub complete_days: i64,
}

/// When the case's open stage is due, from its approval date (None before approval and once
/// completed).
pub fn due(targets: Targets, mode: Mode, status: CaseStatus, approved_on: Option<NaiveDate>) -> Option<NaiveDate> {
    let approved_on = approved_on?;
    let days = match status {
        CaseStatus::Approved => targets.start_days,
        CaseStatus::Started if mode == Mode::Rebuild => targets.structure_days,
        CaseStatus::Started | CaseStatus::StructureDone | CaseStatus::FailedInspection => targets.complete_days,
        CaseStatus::Surveyed | CaseStatus::Completed | CaseStatus::Accepted => return None,
    };
    Some(approved_on + Duration::days(days))
}

/// An inspection brings its findings (required) and at least one photo reference.
pub fn check_inspection(findings: &str, photos: &[String]) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let length = findings.trim().chars().count();
    if !(1..=1000).contains(&length) {
        problems.push(FieldError::new(
            "findings",
            crate::said!("text_required", "required, at most {max} characters", max = 1000),
        ));
    }
    if photos.is_empty() || photos.len() > 20 {
        problems.push(FieldError::new("photos", crate::said!("photos_count", "1 to 20 photo references")));
    }
    for (i, photo) in photos.iter().enumerate() {
        if photo.trim().is_empty() || photo.chars().count() > 300 {
            problems.push(FieldError::new(
                format!("photos[{i}]"),
                crate::said!("text_required", "required, at most {max} characters", max = 300),
            ));
        }
    }
    problems
}

/// Whether a stage of the subsidy is due: its step is recorded (a repair's structure stage falls due
/// at completion). Acceptance is due once the inspector accepted the house.
pub fn stage_due(mode: Mode, status: CaseStatus, stage: PaymentStage) -> bool {
    use CaseStatus as S;
    let reached: &[CaseStatus] = match (stage, mode) {
        (PaymentStage::Start, _) => &[S::Started, S::StructureDone, S::Completed, S::FailedInspection, S::Accepted],
        (PaymentStage::Structure, Mode::Rebuild) => &[S::StructureDone, S::Completed, S::FailedInspection, S::Accepted],
        (PaymentStage::Structure, Mode::Repair) => &[S::Completed, S::FailedInspection, S::Accepted],
        (PaymentStage::Acceptance, _) => &[S::Accepted],
    };
    reached.contains(&status)
}

/// PaymentStage shares in percent: three, none negative, adding up to 100.
pub fn check_shares(percents: &[i64]) -> Vec<FieldError> {
    if percents.len() != 3 || percents.iter().any(|p| *p < 0) {
        return vec![FieldError::new(
            "percents",
            crate::said!("three_shares", "three shares (start, structure, acceptance), none negative"),
        )];
    }
    let total: i64 = percents.iter().sum();
    if total != 100 {
        return vec![FieldError::new(
            "percents",
            crate::said!("shares_total", "the shares add up to 100%; these add up to {total}%", total = total),
        )];
    }
    Vec::new()
}

/// A stage's part of the subsidy (the three parts add up to it, to the fen).
pub fn stage_amount(subsidy: Fen, shares_bp: [i64; 3], stage: PaymentStage) -> Fen {
    Fen(crate::funds::rules::proportional(subsidy.0, &shares_bp)[stage.index()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseStatus as S;

    #[test]
    fn steps_follow_in_order_and_a_failed_inspection_goes_back_to_the_builder() {
        let rebuild = |status, step| next(Mode::Rebuild, status, step, true);
        assert_eq!(rebuild(S::Surveyed, CaseStep::Approve), Some(S::Approved));
        assert_eq!(rebuild(S::Approved, CaseStep::Structure), None, "no structure before the start");
        assert_eq!(rebuild(S::Started, CaseStep::Complete), None, "a rebuild reaches its structure first");
        assert_eq!(next(Mode::Repair, S::Started, CaseStep::Complete, true), Some(S::Completed));
        assert_eq!(next(Mode::Repair, S::Started, CaseStep::Structure, true), None);
        assert_eq!(next(Mode::Rebuild, S::Completed, CaseStep::Inspect, false), Some(S::FailedInspection));
        assert_eq!(rebuild(S::FailedInspection, CaseStep::Complete), Some(S::Completed));
        assert_eq!(rebuild(S::Accepted, CaseStep::Inspect), None);
        assert_eq!(mode_for(HouseDamage::Severe), Some(Mode::Rebuild));
        assert_eq!(mode_for(HouseDamage::None), None);
    }

    #[test]
    fn the_open_stage_is_due_from_the_approval() {
        let targets = Targets { start_days: 30, structure_days: 90, complete_days: 180 };
        let approved = NaiveDate::from_ymd_opt(2026, 8, 1);
        assert_eq!(due(targets, Mode::Rebuild, S::Approved, approved), NaiveDate::from_ymd_opt(2026, 8, 31));
        assert_eq!(due(targets, Mode::Rebuild, S::Started, approved), NaiveDate::from_ymd_opt(2026, 10, 30));
        assert_eq!(due(targets, Mode::Repair, S::Started, approved), NaiveDate::from_ymd_opt(2027, 1, 28));
        assert_eq!(due(targets, Mode::Rebuild, S::Completed, approved), None, "waiting for the inspector");
        assert_eq!(due(targets, Mode::Rebuild, S::Surveyed, None), None);
    }

    #[test]
    fn a_stage_is_paid_once_its_step_is_recorded_and_the_stages_add_up() {
        assert!(!stage_due(Mode::Rebuild, S::Approved, PaymentStage::Start));
        assert!(stage_due(Mode::Rebuild, S::Started, PaymentStage::Start));
        assert!(!stage_due(Mode::Rebuild, S::Started, PaymentStage::Structure));
        assert!(
            stage_due(Mode::Repair, S::Completed, PaymentStage::Structure),
            "a repair's second stage at completion"
        );
        assert!(!stage_due(Mode::Rebuild, S::FailedInspection, PaymentStage::Acceptance));
        assert!(stage_due(Mode::Rebuild, S::Accepted, PaymentStage::Acceptance));
        let shares = [3000, 4000, 3000];
        let parts: Vec<Fen> = [PaymentStage::Start, PaymentStage::Structure, PaymentStage::Acceptance]
            .map(|s| stage_amount(Fen(2_000_001), shares, s))
            .into();
        assert_eq!(parts.iter().copied().sum::<Fen>(), Fen(2_000_001));
        assert!(check_shares(&[30, 40, 30]).is_empty());
        assert_eq!(check_shares(&[30, 40, 20])[0].field, "percents");
        assert_eq!(check_shares(&[50, 50]).len(), 1);
    }

    #[test]
    fn an_inspection_brings_findings_and_photos() {
        assert!(check_inspection("墙体垂直，屋面无渗漏", &["验收1.jpg".into()]).is_empty());
        let fields: Vec<String> = check_inspection(" ", &[]).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["findings", "photos"]);
    }
}
