//! Public disclosure (公示) of grant lists: what anyone may read without login (names and ID
//! numbers masked, never more), and objections filed by the public against a published list.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::store::GrantStore;
use super::{GrantListRow, ListStatus};
use crate::areas::AreaCode;
use crate::areas::service::area_names;
use crate::areas::store::AreaStore;
use crate::disasters::store::DisasterStore;
use crate::error::{AppError, AppResult};
use crate::funds::AidType;
use crate::money::Fen;

/// The stores the public pages read.
pub trait Public: AreaStore + DisasterStore + GrantStore {}
impl<T: AreaStore + DisasterStore + GrantStore + ?Sized> Public for T {}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Disclosure {
    pub id: i64,
    pub event_id: i64,
    pub event_name: String,
    pub aid_type: AidType,
    pub aid_type_zh: String,
    pub area_code: AreaCode,
    pub area_name: String,
    /// published (公示中) or paid
    pub status: ListStatus,
    pub disclosure_start: Option<DateTime<Utc>>,
    pub disclosure_end: Option<DateTime<Utc>>,
    pub households: i64,
    #[schema(value_type = i64)]
    pub total_fen: Fen,
    /// Objections are taken while the list is published.
    pub accepts_objections: bool,
    /// The lines (in the detail view).
    pub entries: Vec<DisclosureEntry>,
}

/// One disclosed line: names and ID numbers masked, never more.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DisclosureEntry {
    /// Quote this when objecting to the line.
    pub grant_id: i64,
    /// e.g. 张*明
    pub name: String,
    /// e.g. 3604**********1234
    pub id_number: String,
    pub area_name: String,
    pub members: i64,
    #[schema(value_type = i64)]
    pub amount_fen: Fen,
    pub reason: String,
    pub under_review: bool,
}

async fn disclosure_view<S: Public + ?Sized>(
    store: &S,
    row: &GrantListRow,
    names: &HashMap<AreaCode, String>,
    with_entries: bool,
) -> AppResult<Disclosure> {
    let event_name = store.get_event(row.event_id).await?.map(|e| e.name).unwrap_or_default();
    let entries = if with_entries {
        store
            .grants_of(row.id)
            .await?
            .into_iter()
            .map(|g| DisclosureEntry {
                grant_id: g.id,
                name: g.name_masked,
                id_number: g.id_masked,
                area_name: names.get(&g.area_code).cloned().unwrap_or_else(|| g.area_code.to_string()),
                members: g.members,
                amount_fen: g.amount_fen,
                reason: g.reason,
                under_review: g.status == "under_review",
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Disclosure {
        id: row.id,
        event_id: row.event_id,
        event_name,
        aid_type: row.aid(),
        aid_type_zh: row.aid().label_zh().into(),
        area_code: row.area_code.clone(),
        area_name: names.get(&row.area_code).cloned().unwrap_or_default(),
        status: row.status(),
        disclosure_start: row.disclosure_start,
        disclosure_end: row.disclosure_end,
        households: row.households,
        total_fen: row.total_fen,
        accepts_objections: row.status() == ListStatus::Published,
        entries,
    })
}

fn disclosed(row: &GrantListRow) -> bool {
    matches!(row.status(), ListStatus::Published | ListStatus::Paid)
}

pub async fn disclosed_or_404<S: Public + ?Sized>(store: &S, id: i64) -> AppResult<GrantListRow> {
    store
        .get_grant_list(id)
        .await?
        .filter(disclosed)
        .ok_or_else(|| AppError::NotFound(format!("no published list {id}")))
}

/// Published and paid lists, of an area's subtree and an event when given (without their lines).
pub async fn list<S: Public + ?Sized>(
    store: &S,
    area_code: Option<&AreaCode>,
    event_id: Option<i64>,
) -> AppResult<Vec<Disclosure>> {
    let names = area_names(store).await?;
    let mut out = Vec::new();
    for row in store.list_grant_lists(event_id).await?.iter().filter(|r| disclosed(r)) {
        if area_code.is_none_or(|a| a.contains(&row.area_code)) {
            out.push(disclosure_view(store, row, &names, false).await?);
        }
    }
    Ok(out)
}

/// One disclosed list with its lines.
pub async fn one<S: Public + ?Sized>(store: &S, id: i64) -> AppResult<Disclosure> {
    let row = disclosed_or_404(store, id).await?;
    disclosure_view(store, &row, &area_names(store).await?, true).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionInput {
    /// The disclosed line objected to, if any.
    pub grant_id: Option<i64>,
    pub text: String,
    /// How to reach you for the answer (optional; seen by staff only).
    pub contact: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionReceipt {
    pub id: i64,
    pub status: String,
}

/// An objection as filed: its text and contact trimmed and checked.
pub struct CheckedObjection<'a> {
    grant_id: Option<i64>,
    text: &'a str,
    contact: Option<&'a str>,
}

pub fn checked_objection(input: &ObjectionInput) -> AppResult<CheckedObjection<'_>> {
    let (text, contact) = objection_text(&input.text, input.contact.as_deref())?;
    Ok(CheckedObjection { grant_id: input.grant_id, text, contact })
}

/// A public objection's text and contact, trimmed and checked: the one rule of every notice.
pub fn objection_text<'a>(text: &'a str, contact: Option<&'a str>) -> AppResult<(&'a str, Option<&'a str>)> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(AppError::invalid_field(
            "text",
            crate::said!("text_required", "required, at most {max} characters", max = 2000),
        ));
    }
    let contact = contact.map(str::trim).filter(|c| !c.is_empty());
    if contact.is_some_and(|c| c.chars().count() > 100) {
        return Err(AppError::invalid_field(
            "contact",
            crate::said!("text_max", "at most {max} characters", max = 100),
        ));
    }
    Ok((text, contact))
}

/// Files a public objection to a published list; the line it names goes back under review.
pub async fn file_objection<S: Public + ?Sized>(
    store: &S,
    id: i64,
    objection: CheckedObjection<'_>,
) -> AppResult<ObjectionReceipt> {
    let mut audit = crate::audit::AuditEntry::system("grant_objection.file", "grant_objection", "");
    audit.actor_name = "public".into();
    audit.after = Some(json!({"list_id": id, "grant_id": objection.grant_id}));
    let objection_id = store.add_objection(id, objection.grant_id, objection.text, objection.contact, &audit).await?;
    Ok(ObjectionReceipt { id: objection_id, status: "open".into() })
}
