//! A grant list's life after it is drafted: review by someone other than its author, 公示 for
//! the set number of days, objections answered, payment, cancellation; and the views of a list
//! as staff see it (names only for those who need them). Every step writes its audit record.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::store::{GrantError, GrantStore, Stamp};
use super::{GrantListRow, GrantRow, ListSource, ListStatus, Objection};
use crate::areas::AreaCode;
use crate::audit::store::AuditStore;
use crate::auth::Actor;
use crate::config::Settings;
use crate::error::{AppError, AppResult};
use crate::funds::AidType;
use crate::households::pii::Pii;
use crate::households::store::HouseholdStore;
use crate::households::{HouseholdRow, sees_names};
use crate::money::Fen;
use crate::said;
use crate::text_enum::enum_text;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Grant {
    pub id: i64,
    pub household_id: i64,
    /// Full for managers and admins of the area, masked otherwise.
    pub head_name: String,
    pub id_number_masked: String,
    pub area_code: AreaCode,
    pub members: i64,
    #[schema(value_type = i64)]
    pub amount_fen: Fen,
    pub reason: String,
    /// In a priority group (listed first).
    pub priority: bool,
    /// listed, or under_review after an objection
    pub status: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GrantList {
    pub id: i64,
    pub event_id: i64,
    pub aid_type: AidType,
    pub aid_type_zh: String,
    pub area_code: AreaCode,
    pub status: ListStatus,
    pub source: ListSource,
    pub author_name: String,
    pub reviewer_name: Option<String>,
    /// Why a reviewer sent it back.
    pub return_reason: Option<String>,
    #[schema(value_type = i64)]
    pub total_fen: Fen,
    pub households: i64,
    pub disclosure_start: Option<DateTime<Utc>>,
    pub disclosure_end: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub approved_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
    pub paid_by: Option<String>,
    pub open_objections: i64,
    /// The lines (in the detail view; empty in listings).
    pub grants: Vec<Grant>,
}

pub fn list_view(row: &GrantListRow, open_objections: i64, grants: Vec<Grant>) -> GrantList {
    GrantList {
        id: row.id,
        event_id: row.event_id,
        aid_type: row.aid(),
        aid_type_zh: row.aid().label_zh().into(),
        area_code: row.area_code.clone(),
        status: row.status(),
        source: row.source,
        author_name: row.author_name.clone(),
        reviewer_name: row.reviewer_name.clone(),
        return_reason: row.return_reason.clone(),
        total_fen: row.total_fen,
        households: row.households,
        disclosure_start: row.disclosure_start,
        disclosure_end: row.disclosure_end,
        created_at: row.created_at,
        updated_at: row.updated_at,
        approved_at: row.approved_at,
        paid_at: row.paid_at,
        paid_by: row.paid_by.clone(),
        open_objections,
        grants,
    }
}

fn grant_view(actor: &Actor, g: &GrantRow) -> Grant {
    Grant {
        id: g.id,
        household_id: g.household_id,
        head_name: if sees_names(&actor.user, &g.area_code) { g.head_name.clone() } else { g.name_masked.clone() },
        id_number_masked: g.id_masked.clone(),
        area_code: g.area_code.clone(),
        members: g.members,
        amount_fen: g.amount_fen,
        reason: g.reason.clone(),
        priority: g.priority,
        status: g.status.clone(),
    }
}

pub async fn open_objections<S: GrantStore + ?Sized>(store: &S, list_id: i64) -> AppResult<i64> {
    Ok(store.objections(Some(list_id)).await?.iter().filter(|o| o.status == "open").count() as i64)
}

/// A grant list in the caller's scope.
pub async fn list_or_404<S: GrantStore + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<GrantListRow> {
    let row = store.get_grant_list(id).await?.ok_or_else(|| AppError::NotFound(format!("no grant list {id}")))?;
    actor.require_area(&row.area_code)?;
    Ok(row)
}

/// A grant list with its lines, as the caller may see it.
pub async fn detail<S: GrantStore + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<GrantList> {
    let row = list_or_404(store, actor, id).await?;
    let grants = store.grants_of(id).await?.iter().map(|g| grant_view(actor, g)).collect();
    Ok(list_view(&row, open_objections(store, id).await?, grants))
}

impl From<GrantError> for AppError {
    fn from(error: GrantError) -> Self {
        match error {
            GrantError::WrongState(status) => {
                AppError::conflict(said!("grant_list_state", "the grant list is {list_status}", list_status = status))
            }
            GrantError::AlreadyGranted => AppError::conflict(said!(
                "list_household_already_granted",
                "a household on the list already has this aid for this event"
            )),
            GrantError::OpenObjections(count) => AppError::conflict(said!(
                "open_objections",
                "{count} objection(s) are still open; answer them first",
                count = count
            )),
            GrantError::DisclosureRunning(end) => AppError::Conflict {
                said: said!(
                    "disclosure_running",
                    "the public disclosure (公示) runs until {end}; payment waits until it ends",
                    end = end
                ),
                details: Some(json!({ "disclosure_end": end })),
            },
            GrantError::NotFound => AppError::NotFound("no such grant list, line or objection".into()),
            GrantError::Db(e) => e.into(),
        }
    }
}

/// One workflow step: the states it starts from, where it goes, what it stamps and audits.
struct Step<'a> {
    from: &'a [ListStatus],
    to: ListStatus,
    stamp: Stamp,
    action: &'a str,
    extra: Value,
}

async fn step<S: GrantStore + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    Step { from, to, stamp, action, extra }: Step<'_>,
) -> AppResult<GrantList> {
    let before = list_or_404(store, actor, id).await?;
    let mut after = json!({"status": enum_text(to)});
    if let (Value::Object(after), Value::Object(extra)) = (&mut after, extra) {
        after.extend(extra);
    }
    let audit = actor
        .audit(action, "grant_list", id.to_string())
        .with_before(json!({"status": before.status}))
        .with_after(after);
    store.transition_list(id, from, to, &stamp, &audit).await?;
    detail(store, actor, id).await
}

/// Submits a draft for review.
pub async fn submit<S: GrantStore + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<GrantList> {
    step(
        store,
        actor,
        id,
        Step {
            from: &[ListStatus::Draft],
            to: ListStatus::Submitted,
            stamp: Stamp::default(),
            action: "grant_list.submit",
            extra: json!({}),
        },
    )
    .await
}

/// Approves a submitted list: a reviewer other than its author.
pub async fn approve<S: GrantStore + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<GrantList> {
    let list = list_or_404(store, actor, id).await?;
    actor.require_not_author(list.author_id, "a grant list is approved")?;
    let stamp = Stamp { reviewer: Some(actor.user.username.clone()), ..Default::default() };
    step(
        store,
        actor,
        id,
        Step {
            from: &[ListStatus::Submitted],
            to: ListStatus::Approved,
            stamp,
            action: "grant_list.approve",
            extra: json!({}),
        },
    )
    .await
}

/// Sends a submitted list back to draft with a reason (not by its author).
pub async fn reject<S: GrantStore + ?Sized>(store: &S, actor: &Actor, id: i64, reason: &str) -> AppResult<GrantList> {
    let list = list_or_404(store, actor, id).await?;
    actor.require_not_author(list.author_id, "a grant list is reviewed")?;
    let reason = reason.trim().to_owned();
    if reason.is_empty() {
        return Err(AppError::invalid_field("reason", said!("list_return_reason", "say why the list goes back")));
    }
    let stamp = Stamp {
        reviewer: Some(actor.user.username.clone()),
        return_reason: Some(reason.clone()),
        ..Default::default()
    };
    step(
        store,
        actor,
        id,
        Step {
            from: &[ListStatus::Submitted],
            to: ListStatus::Draft,
            stamp,
            action: "grant_list.reject",
            extra: json!({"reason": reason}),
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishInput {
    /// When the list was posted (default now; may be up to 30 days back, for a notice posted in
    /// the village before it was entered here).
    pub start: Option<DateTime<Utc>>,
    /// Length of the disclosure in days (default and minimum: JIUZAI_DISCLOSURE_DAYS, 7).
    pub days: Option<i64>,
}

impl PublishInput {
    /// The notice's start and end: from `start` (default now, up to 30 days back) for the configured
    /// minimum number of days or more, at most 60.
    pub fn period(&self, settings: &Settings, now: DateTime<Utc>) -> AppResult<(DateTime<Utc>, DateTime<Utc>)> {
        let minimum = settings.disclosure_days;
        let days = self.days.unwrap_or(minimum);
        if days < minimum || days > 60 {
            return Err(AppError::invalid_field(
                "days",
                said!("disclosure_days", "a disclosure lasts {minimum} to 60 days", minimum = minimum),
            ));
        }
        let start = self.start.unwrap_or(now);
        if start > now + Duration::minutes(5) || start < now - Duration::days(30) {
            return Err(AppError::invalid_field(
                "start",
                said!("posting_date", "the posting date is today or up to 30 days back"),
            ));
        }
        Ok((start, start + Duration::days(days)))
    }
}

/// Publishes an approved list for 公示, from `start` (default now, up to 30 days back) for at least
/// the configured number of days.
pub async fn publish<S: GrantStore + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    settings: &Settings,
    input: PublishInput,
) -> AppResult<GrantList> {
    let (start, end) = input.period(settings, Utc::now())?;
    let stamp = Stamp { disclosure: Some((start, end)), ..Default::default() };
    step(
        store,
        actor,
        id,
        Step {
            from: &[ListStatus::Approved],
            to: ListStatus::Published,
            stamp,
            action: "grant_list.publish",
            extra: json!({"disclosure_start": start, "disclosure_end": end}),
        },
    )
    .await
}

/// Marks a published list paid: only after the disclosure has ended and every objection is answered.
pub async fn pay<S: GrantStore + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<GrantList> {
    let list = list_or_404(store, actor, id).await?;
    let audit = actor
        .audit("grant_list.pay", "grant_list", id.to_string())
        .with_before(json!({"status": list.status}))
        .with_after(json!({
            "status": "paid", "total_fen": list.total_fen, "households": list.households,
        }));
    store.pay_list(id, &actor.user.username, &audit).await?;
    detail(store, actor, id).await
}

/// Cancels a list not yet published; its households can be listed again.
pub async fn cancel<S: GrantStore + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<GrantList> {
    if list_or_404(store, actor, id).await?.source == ListSource::Applications {
        return Err(AppError::conflict(said!(
            "application_list_cancel",
            "a list of the county's approved applications is not cancelled: each line answers a decision, \
             withdrawn after an objection to its notice"
        )));
    }
    step(
        store,
        actor,
        id,
        Step {
            from: &[ListStatus::Draft, ListStatus::Submitted, ListStatus::Approved],
            to: ListStatus::Cancelled,
            stamp: Stamp::default(),
            action: "grant_list.cancel",
            extra: json!({}),
        },
    )
    .await
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The grant stands.
    Dismissed,
    /// The grant is taken off the list (the household can be listed again after review).
    Withdrawn,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    pub decision: Decision,
    /// The answer given to the objector.
    pub answer: String,
}

/// Answers an objection to a list in the caller's scope.
pub async fn answer_objection<S: GrantStore + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    objection_id: i64,
    input: AnswerInput,
) -> AppResult<Objection> {
    list_or_404(store, actor, id).await?;
    if !store.objections(Some(id)).await?.iter().any(|o| o.id == objection_id) {
        return Err(AppError::NotFound(format!("no objection {objection_id} to grant list {id}")));
    }
    let answer = input.answer.trim();
    if answer.is_empty() || answer.chars().count() > 2000 {
        return Err(AppError::invalid_field(
            "answer",
            said!("text_required", "required, at most {max} characters", max = 2000),
        ));
    }
    let decision = match input.decision {
        Decision::Dismissed => "dismissed",
        Decision::Withdrawn => "withdrawn",
    };
    let audit = actor
        .audit("grant_objection.answer", "grant_objection", objection_id.to_string())
        .with_after(json!({"decision": decision, "answer": answer}));
    Ok(store.answer_objection(objection_id, decision, answer, &audit).await?)
}

/// One line of the 一卡通 payment file: the only place the full ID number and account appear.
pub struct PaymentLine {
    pub head_name: String,
    pub id_number: String,
    pub account: Option<String>,
    pub amount_fen: Fen,
    pub area_code: AreaCode,
    pub address: String,
}

/// The payment file's lines, decrypted here only: once the disclosure has ended with no open
/// objection (or after payment). Every download is audited with its `format`.
pub async fn payment_lines<S: AuditStore + GrantStore + HouseholdStore + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    id: i64,
    format: &str,
) -> AppResult<(GrantListRow, Vec<PaymentLine>)> {
    let list = list_or_404(store, actor, id).await?;
    match list.status() {
        ListStatus::Paid => {}
        ListStatus::Published => {
            if let Some(end) = list.disclosure_end.filter(|end| *end > Utc::now()) {
                return Err(GrantError::DisclosureRunning(end).into());
            }
            let open = open_objections(store, id).await?;
            if open > 0 {
                return Err(GrantError::OpenObjections(open).into());
            }
        }
        other => {
            return Err(AppError::conflict(said!(
                "payment_file_state",
                "the grant list is {list_status}; the payment file follows the disclosure",
                list_status = enum_text(other)
            )));
        }
    }
    let pii = Pii::from_settings(settings);
    let grants = store.grants_of(id).await?;
    let households: HashMap<i64, HouseholdRow> = store
        .households_by_ids(&grants.iter().map(|g| g.household_id).collect::<Vec<_>>())
        .await?
        .into_iter()
        .map(|h| (h.id, h))
        .collect();
    let mut lines = Vec::with_capacity(grants.len());
    for g in &grants {
        let household = households
            .get(&g.household_id)
            .ok_or_else(|| AppError::NotFound(format!("household {} vanished", g.household_id)))?;
        let decrypt = |text: &str| pii.decrypt(text).map_err(|e| AppError::Internal(e.into()));
        lines.push(PaymentLine {
            head_name: household.head_name.clone(),
            id_number: decrypt(&household.id_encrypted)?,
            account: household.bank_encrypted.as_deref().map(decrypt).transpose()?,
            amount_fen: g.amount_fen,
            area_code: household.area_code.clone(),
            address: household.address.clone(),
        });
    }
    let audit = actor
        .audit("grant_list.payment_file", "grant_list", id.to_string())
        .with_after(json!({"rows": lines.len(), "total_fen": list.total_fen, "format": format}));
    store.record_audit(&audit).await?;
    Ok((list, lines))
}
