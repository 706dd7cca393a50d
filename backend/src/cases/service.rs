//! One-window cases, step by step: intake at the township, referral to the departments, their
//! acceptance and answer (by department token, or by county staff for the programmes civil affairs
//! decides), closing, and the applicant's receipt page.

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::rules::{self, Deadlines};
use super::store::{CaseError, CaseFilter, CaseStore, NewCase, Step};
use super::{Case, CaseKind, CaseReceipt, CaseRow, CaseSource, CaseStatus, Decision, Programme, ReceiptLine, Referral};
use crate::areas::store::AreaStore;
use crate::areas::{AreaCode, Level, code};
use crate::audit::AuditEntry;
use crate::auth::departments::Department;
use crate::auth::{Actor, Role};
use crate::config::Settings;
use crate::error::{AppError, AppResult, FieldError};
use crate::households::idnumber::{self, IdNumber};
use crate::households::pii::Pii;
use crate::households::store::HouseholdStore;
use crate::idempotency::IdempotencyClaim;
use crate::money::Fen;

/// What the case use-cases read and write.
pub trait Cases: AreaStore + CaseStore + HouseholdStore {}
impl<T: AreaStore + CaseStore + HouseholdStore + ?Sized> Cases for T {}

impl From<CaseError> for AppError {
    fn from(error: CaseError) -> Self {
        use crate::text_enum::enum_text;
        match error {
            CaseError::NotFound => AppError::NotFound(error.to_string()),
            CaseError::NoReferral(_) => AppError::Forbidden(error.to_string()),
            CaseError::Db(e) => e.into(),
            CaseError::WrongState(status) => AppError::conflict(crate::said!(
                "case_state",
                "the case is {one_window_status} now",
                one_window_status = enum_text(status)
            )),
            CaseError::ReferralState((programme, status)) => AppError::conflict(crate::said!(
                "referral_state",
                "the {programme} referral is {referral_status} now",
                programme = enum_text(programme),
                referral_status = enum_text(status)
            )),
            CaseError::AlertState(status) => AppError::conflict(crate::said!(
                "alert_state",
                "the alert is {alert_status} now",
                alert_status = enum_text(status)
            )),
            CaseError::KeyReused => AppError::invalid_field("Idempotency-Key", crate::idempotency::key_reused()),
        }
    }
}

/// Township staff take in, refer and close cases.
pub const INTAKE: &[Role] = &[Role::Reporter, Role::Manager];

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantInput {
    pub name: String,
    /// 18 characters (GB 11643); stored encrypted, shown masked.
    pub id_number: Option<String>,
    pub phone: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = AssistanceCaseInput)]
pub struct CaseInput {
    /// The township (or village) where the request was handed in.
    #[schema(value_type = String)]
    pub area_code: AreaCode,
    /// The registered household, if the applicant's is one.
    pub household_id: Option<i64>,
    pub applicant: ApplicantInput,
    pub kind: CaseKind,
    /// The programmes asked for (at least one, each once).
    pub programmes: Vec<Programme>,
    pub description: String,
    pub source: CaseSource,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    pub decision: Decision,
    /// Granted money, if any (fen).
    #[schema(value_type = Option<i64>)]
    pub amount_fen: Option<Fen>,
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffOutcomeInput {
    /// A programme county civil affairs decides: dibao, tekun, employment or disease_emergency.
    pub programme: Programme,
    pub decision: Decision,
    #[schema(value_type = Option<i64>)]
    pub amount_fen: Option<Fen>,
    pub reason: String,
}

/// The refusal of a phone number that is not one.
pub(super) fn phone_format() -> crate::error::Said {
    crate::said!("phone_format", "7–20 digits, with spaces, dashes or a leading +")
}

pub(super) fn text_problem(field: &str, text: &str, max: usize, problems: &mut Vec<FieldError>) -> String {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > max {
        problems.push(FieldError::new(
            field,
            crate::said!("text_required", "required, at most {max} characters", max = max),
        ));
    }
    text.to_owned()
}

/// An answer's reason, trimmed, once the answer is found sound.
fn checked_reason(decision: Decision, amount: Option<Fen>, reason: &str) -> AppResult<String> {
    let mut problems = Vec::new();
    let reason = text_problem("reason", reason, 1000, &mut problems);
    match (decision, amount) {
        (Decision::Granted, Some(amount)) if amount.0 < 0 => {
            problems.push(FieldError::new("amount_fen", crate::said!("negative", "cannot be negative")));
        }
        (Decision::Declined | Decision::Transferred, Some(_)) => {
            problems
                .push(FieldError::new("amount_fen", crate::said!("amount_only_granted", "only a grant has an amount")));
        }
        _ => {}
    }
    if problems.is_empty() { Ok(reason) } else { Err(AppError::invalid("invalid outcome", problems)) }
}

/// Takes in a request for assistance at a township's window: 201 with its receipt number. With an
/// Idempotency-Key claim (a phone's queued intake sent again), the case the key first opened.
pub async fn open_case<S: Cases + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    input: CaseInput,
    claim: Option<&IdempotencyClaim>,
) -> AppResult<i64> {
    actor.require_role(INTAKE)?;
    actor.require_area(input.area_code.as_str())?;
    let mut problems = Vec::new();
    match store.get_area(input.area_code.as_str()).await? {
        Some(area) if matches!(area.level, Level::Township | Level::Village) => {}
        Some(_) => problems.push(FieldError::new(
            "area_code",
            crate::said!("case_area_level", "a township or village, where the request was handed in"),
        )),
        None => problems.push(FieldError::new(
            "area_code",
            crate::said!("area_unknown", "unknown area {area}", area = &input.area_code),
        )),
    }
    if let Some(household_id) = input.household_id {
        let household = store.get_household(household_id).await?;
        let township = input.area_code.at_level(Level::Township).unwrap_or_else(|| input.area_code.clone());
        if !household.is_some_and(|h| code::within(township.as_str(), h.area_code.as_str())) {
            problems.push(FieldError::new(
                "household_id",
                crate::said!("household_not_in_township", "no such household in this township"),
            ));
        }
    }
    let name = text_problem("applicant.name", &input.applicant.name, 50, &mut problems);
    let id_number = match input.applicant.id_number.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => match IdNumber::parse(text) {
            Ok(id) => Some(id),
            Err(e) => {
                problems.push(FieldError::new("applicant.id_number", e));
                None
            }
        },
        None => None,
    };
    let phone = input.applicant.phone.trim().to_owned();
    if !rules::valid_phone(&phone) {
        problems.push(FieldError::new("applicant.phone", phone_format()));
    }
    let distinct: BTreeSet<Programme> = input.programmes.iter().copied().collect();
    if input.programmes.is_empty() || distinct.len() != input.programmes.len() {
        problems
            .push(FieldError::new("programmes", crate::said!("programmes_once", "at least one programme, each once")));
    }
    let description = text_problem("description", &input.description, 2000, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid case", problems));
    }
    let intake = Intake {
        area_code: input.area_code,
        household_id: input.household_id,
        name,
        id_number,
        phone,
        kind: input.kind,
        source: input.source,
        programmes: input.programmes,
        description,
    };
    file(store, settings, actor, intake, Filing { from_alert: None, claim }).await
}

/// Where a case filing comes from, besides its contents.
pub(super) struct Filing<'a> {
    /// The open detection alert it converts.
    pub from_alert: Option<i64>,
    pub claim: Option<&'a IdempotencyClaim>,
}

/// A case checked and ready to file.
pub(super) struct Intake {
    pub area_code: AreaCode,
    pub household_id: Option<i64>,
    pub name: String,
    pub id_number: Option<IdNumber>,
    /// Empty when not known (a case detection raised).
    pub phone: String,
    pub kind: CaseKind,
    pub source: CaseSource,
    pub programmes: Vec<Programme>,
    pub description: String,
}

/// Files a checked case, due to be referred by the township's deadline; from an open detection
/// alert, which it converts in the same transaction.
pub(super) async fn file<S: Cases + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    intake: Intake,
    filing: Filing<'_>,
) -> AppResult<i64> {
    let deadlines = Deadlines::new(&settings.case_deadlines).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let pii = Pii::from_settings(settings);
    let now = Utc::now();
    // The applicant checks the receipt page with the last four characters of the ID number, or of
    // the phone number when no ID number was given.
    let last4 = match &intake.id_number {
        Some(id) => id.as_str()[14..].to_owned(),
        None => intake
            .phone
            .chars()
            .filter(char::is_ascii_digit)
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect(),
    };
    let id_number = intake.id_number.as_ref();
    let case = NewCase {
        receipt_no: rules::receipt_number(now),
        area_code: intake.area_code,
        household_id: intake.household_id,
        applicant_name_masked: idnumber::mask_name(&intake.name),
        applicant_name: intake.name,
        id_hash: id_number.map(|id| pii.id_hash(id.as_str())),
        id_masked: id_number.map(IdNumber::masked),
        id_encrypted: id_number.map(|id| pii.encrypt(id.as_str())),
        id_last4: Some(last4),
        phone: intake.phone,
        kind: intake.kind,
        source: intake.source,
        programmes: intake.programmes,
        description: intake.description,
        due_at: deadlines.refer_by(intake.kind, now),
        created_by: actor.user.username.clone(),
    };
    let audit = actor.audit("case.open", "case", "").with_after(json!({
        "area_code": case.area_code, "household_id": case.household_id, "kind": case.kind, "source": case.source,
        "programmes": case.programmes, "receipt_no": case.receipt_no, "from_alert": filing.from_alert,
    }));
    match store.insert_assistance_case(&case, filing.from_alert, filing.claim, &audit).await {
        // Two retries with one key raced: the loser finds the winner's case.
        Err(CaseError::Db(e)) if filing.claim.is_some() && crate::idempotency::is_key_race(&e) => {
            Ok(store.insert_assistance_case(&case, filing.from_alert, filing.claim, &audit).await?)
        }
        done => Ok(done?),
    }
}

/// Who reads a case, and so how much of the applicant they see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Staff of the area who work the case (or a department deciding it): the full name.
    Worker,
    /// Everyone else allowed to read it (auditors): the name masked.
    Other,
}

fn view(row: CaseRow, programmes: Vec<Programme>, referrals: Vec<Referral>, reader: Reader) -> Case {
    let overdue = row.status != CaseStatus::Closed && row.status != CaseStatus::Decided && row.due_at < Utc::now();
    Case {
        id: row.id,
        receipt_no: row.receipt_no,
        area_code: row.area_code,
        household_id: row.household_id,
        applicant_name: if reader == Reader::Worker { row.applicant_name } else { row.applicant_name_masked },
        id_number_masked: row.id_masked,
        phone: if reader == Reader::Worker { row.phone } else { idnumber::mask_account(&row.phone) },
        kind: row.kind,
        source: row.source,
        programmes,
        description: row.description,
        status: row.status,
        due_at: row.due_at,
        overdue,
        referrals,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        close_reason: row.close_reason,
    }
}

async fn views<S: Cases + ?Sized>(
    store: &S,
    cases: Vec<(CaseRow, Vec<Programme>)>,
    reader: impl Fn(&CaseRow) -> Reader,
) -> AppResult<Vec<Case>> {
    let ids: Vec<i64> = cases.iter().map(|(row, _)| row.id).collect();
    let mut referrals: HashMap<i64, Vec<Referral>> = HashMap::new();
    for (case_id, referral) in store.case_referrals(&ids).await? {
        referrals.entry(case_id).or_default().push(referral);
    }
    let mut shown: Vec<Case> = cases
        .into_iter()
        .map(|(row, programmes)| {
            let reader = reader(&row);
            let own = referrals.remove(&row.id).unwrap_or_default();
            view(row, programmes, own, reader)
        })
        .collect();
    // Overdue first, then by what is due soonest.
    shown.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.due_at.cmp(&b.due_at)).then(a.id.cmp(&b.id)));
    Ok(shown)
}

fn staff_reader(actor: &Actor) -> impl Fn(&CaseRow) -> Reader + '_ {
    move |row| {
        if matches!(actor.user.role, Role::Reporter | Role::Manager | Role::Admin)
            && actor.user.can_reach(row.area_code.as_str())
        {
            Reader::Worker
        } else {
            Reader::Other
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct CaseQuery {
    /// Within this area (default: the caller's scope).
    #[param(value_type = Option<String>)]
    pub area_code: Option<AreaCode>,
    #[param(value_type = Option<String>)]
    pub status: Option<CaseStatus>,
}

/// The case board of the caller's area: overdue cases first, then the soonest due.
pub async fn list_cases<S: Cases + ?Sized>(store: &S, actor: &Actor, query: &CaseQuery) -> AppResult<Vec<Case>> {
    let filter = CaseFilter {
        area_pattern: actor.area_pattern(query.area_code.as_ref())?,
        status: query.status,
        referred_to: None,
    };
    views(store, store.assistance_cases(&filter).await?, staff_reader(actor)).await
}

async fn case_in_scope<S: Cases + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<(CaseRow, Vec<Programme>)> {
    let not_found = || AppError::NotFound(format!("no case {id}"));
    let (row, programmes) = store.assistance_case(id).await?.ok_or_else(not_found)?;
    if !actor.user.can_reach(row.area_code.as_str()) {
        return Err(not_found());
    }
    Ok((row, programmes))
}

pub async fn get_case<S: Cases + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<Case> {
    let case = case_in_scope(store, actor, id).await?;
    let mut shown = views(store, vec![case], staff_reader(actor)).await?;
    Ok(shown.remove(0))
}

/// The township refers a received case to the department of each programme asked for.
pub async fn refer<S: Cases + ?Sized>(store: &S, settings: &Settings, actor: &Actor, id: i64) -> AppResult<Case> {
    actor.require_role(INTAKE)?;
    let (row, programmes) = case_in_scope(store, actor, id).await?;
    let deadlines = Deadlines::new(&settings.case_deadlines).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
    let now = Utc::now();
    let due: Vec<(Programme, chrono::DateTime<Utc>)> =
        programmes.iter().map(|p| (*p, deadlines.answer_by(row.kind, *p, now))).collect();
    let audit = actor.audit("case.refer", "case", id.to_string()).with_after(json!({"programmes": programmes}));
    store.step_assistance_case(id, &Step::Refer(due), &audit).await?;
    get_case(store, actor, id).await
}

/// County staff answer for the programmes civil affairs decides (低保, 特困, employment, disease
/// emergency aid); the others are answered by their departments' tokens.
pub async fn staff_outcome<S: Cases + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    input: StaffOutcomeInput,
) -> AppResult<Case> {
    actor.require_role(&[Role::Manager])?;
    case_in_scope(store, actor, id).await?;
    if !rules::decided_by_staff(input.programme) {
        return Err(AppError::invalid_field(
            "programme",
            crate::said!("department_answers", "this programme's department answers with its own token"),
        ));
    }
    let reason = checked_reason(input.decision, input.amount_fen, &input.reason)?;
    let step = Step::Answer {
        programmes: vec![input.programme],
        decision: input.decision,
        amount: input.amount_fen,
        reason,
        by: actor.user.username.clone(),
    };
    let audit = actor.audit("case.outcome", "case", id.to_string()).with_after(json!({
        "programme": input.programme, "decision": input.decision, "amount_fen": input.amount_fen,
    }));
    store.step_assistance_case(id, &step, &audit).await?;
    get_case(store, actor, id).await
}

/// The township closes a case (withdrawn, or done), with a reason.
pub async fn close<S: Cases + ?Sized>(store: &S, actor: &Actor, id: i64, reason: &str) -> AppResult<Case> {
    actor.require_role(INTAKE)?;
    case_in_scope(store, actor, id).await?;
    let mut problems = Vec::new();
    let reason = text_problem("reason", reason, 1000, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid closing", problems));
    }
    let audit = actor.audit("case.close", "case", id.to_string()).with_after(json!({"reason": reason}));
    store.step_assistance_case(id, &Step::Close { reason }, &audit).await?;
    get_case(store, actor, id).await
}

// ---- departments -----------------------------------------------------------------------------

fn token_programmes(department: &Department) -> Vec<Programme> {
    department.token.programmes.0.iter().map(|p| rules::decided_by_token(*p)).collect()
}

fn department_audit(department: &Department, action: &str, id: i64, after: serde_json::Value) -> AuditEntry {
    AuditEntry {
        actor_id: None,
        actor_name: format!("handoff-token:{}", department.token.id),
        action: action.into(),
        entity_type: "case".into(),
        entity_id: id.to_string(),
        before: None,
        after: Some(after),
        request_id: department.request_id.clone(),
    }
}

/// The cases referred to the token's programmes within its area; it sees only its own referrals.
pub async fn department_cases<S: Cases + ?Sized>(store: &S, department: &Department) -> AppResult<Vec<Case>> {
    let own = token_programmes(department);
    let filter = CaseFilter {
        area_pattern: code::subtree_pattern(department.token.area_code.as_str()),
        status: None,
        referred_to: Some(own.clone()),
    };
    let mut cases = views(store, store.assistance_cases(&filter).await?, |_| Reader::Worker).await?;
    for case in &mut cases {
        case.referrals.retain(|r| own.contains(&r.programme));
        case.programmes.retain(|p| own.contains(p));
    }
    Ok(cases)
}

/// The token's referrals on a case it holds; 403 when it holds none (another department's case,
/// or outside its area). A closed case is refused by the step itself (409).
async fn held_referrals<S: Cases + ?Sized>(store: &S, department: &Department, id: i64) -> AppResult<Vec<Programme>> {
    let (row, _) = store.assistance_case(id).await?.ok_or_else(|| AppError::NotFound(format!("no case {id}")))?;
    let own = token_programmes(department);
    let referred: Vec<Programme> = store.case_referrals(&[id]).await?.into_iter().map(|(_, r)| r.programme).collect();
    let held: Vec<Programme> = own.into_iter().filter(|p| referred.contains(p)).collect();
    if held.is_empty() || !code::within(department.token.area_code.as_str(), row.area_code.as_str()) {
        return Err(AppError::Forbidden(format!("case {id} is not referred to this department")));
    }
    Ok(held)
}

pub async fn department_accept<S: Cases + ?Sized>(store: &S, department: &Department, id: i64) -> AppResult<()> {
    let held = held_referrals(store, department, id).await?;
    let audit = department_audit(department, "case.accept", id, json!({"programmes": held}));
    store
        .step_assistance_case(id, &Step::Accept { programmes: held, by: department.token.department.clone() }, &audit)
        .await?;
    Ok(())
}

pub async fn department_outcome<S: Cases + ?Sized>(
    store: &S,
    department: &Department,
    id: i64,
    input: OutcomeInput,
) -> AppResult<()> {
    let held = held_referrals(store, department, id).await?;
    let reason = checked_reason(input.decision, input.amount_fen, &input.reason)?;
    let audit = department_audit(
        department,
        "case.outcome",
        id,
        json!({"programmes": held, "decision": input.decision, "amount_fen": input.amount_fen}),
    );
    let step = Step::Answer {
        programmes: held,
        decision: input.decision,
        amount: input.amount_fen,
        reason,
        by: department.token.department.clone(),
    };
    store.step_assistance_case(id, &step, &audit).await?;
    Ok(())
}

/// The department's view of one case it holds.
pub async fn department_case<S: Cases + ?Sized>(store: &S, department: &Department, id: i64) -> AppResult<Case> {
    held_referrals(store, department, id).await?;
    let own = token_programmes(department);
    let case = store.assistance_case(id).await?.ok_or_else(|| AppError::NotFound(format!("no case {id}")))?;
    let mut case = views(store, vec![case], |_| Reader::Worker).await?.remove(0);
    case.referrals.retain(|r| own.contains(&r.programme));
    case.programmes.retain(|p| own.contains(p));
    Ok(case)
}

// ---- the applicant ---------------------------------------------------------------------------

/// The applicant's receipt page: the case's progress by receipt number and the last four
/// characters of the ID number (or phone); a wrong pair answers as a missing case.
pub async fn receipt<S: Cases + ?Sized>(store: &S, receipt_no: &str, last4: &str) -> AppResult<CaseReceipt> {
    let not_found = || AppError::NotFound("no case with this receipt number and these last four characters".into());
    let (row, stored) = store.assistance_case_by_receipt(receipt_no.trim()).await?.ok_or_else(not_found)?;
    if stored.as_deref().map(str::to_uppercase) != Some(last4.trim().to_uppercase()) {
        return Err(not_found());
    }
    let referrals = store.case_referrals(&[row.id]).await?;
    Ok(CaseReceipt {
        receipt_no: row.receipt_no,
        status: row.status,
        received_at: row.created_at,
        due_at: row.due_at,
        referrals: referrals
            .into_iter()
            .map(|(_, r)| ReceiptLine { programme: r.programme, status: r.status, decided_at: r.decided_at })
            .collect(),
    })
}
