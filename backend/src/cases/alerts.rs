//! Detection (救急难 主动发现, docs/domain/one-window.md#detection-主动发现): after a household's damage
//! record or edit, and for every open event each night, the households' needs for other programmes
//! (`households::rules::needs`) become alerts; township staff turn an alert into a case or dismiss it.

use std::collections::HashMap;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::rules::{self, Finding};
use super::service::{Cases, Filing, INTAKE, Intake, file, text_problem};
use super::store::AlertFilter;
use super::{Alert, AlertFacts, AlertRow, AlertStatus, CaseKind, CaseSource};
use crate::areas::AreaCode;
use crate::audit::AuditEntry;
use crate::auth::Actor;
use crate::config::Settings;
use crate::disasters::EventStatus;
use crate::disasters::store::DisasterStore;
use crate::error::{AppError, AppResult, FieldError};
use crate::households::idnumber::IdNumber;
use crate::households::pii::Pii;
use crate::households::rules::{Need, poverty_class};
use crate::households::{DamageRecord, HouseholdRow, sees_names};

/// What detection reads and writes.
pub trait Detecting: Cases + DisasterStore {}
impl<T: Cases + DisasterStore + ?Sized> Detecting for T {}

/// What one detection run did.
#[derive(Debug, Default, Clone, Serialize, ToSchema)]
pub struct DetectionOutcome {
    /// Events looked at.
    pub events: usize,
    /// Households with a damage record looked at.
    pub households: usize,
    pub raised: usize,
    /// Alerts opened again or given newer facts.
    pub refreshed: usize,
    pub withdrawn: usize,
}

/// The needs a household's losses show, as detection's findings.
fn findings(household: &HouseholdRow, damage: &DamageRecord, today: chrono::NaiveDate) -> Vec<Finding> {
    let losses = damage.facts();
    let facts = AlertFacts {
        dead: losses.dead,
        missing: losses.missing,
        injured: losses.injured,
        house: losses.house,
        children: household.children_in_education() as i64,
        poverty_class: poverty_class(&household.facts(today)),
    };
    household
        .needs(&losses, today)
        .into_iter()
        .map(|need| Finding {
            household_id: household.id,
            area_code: household.area_code.clone(),
            need,
            facts: facts.clone(),
        })
        .collect()
}

/// Detection over some households' damage records in one event, written with `audit`.
async fn detect<S: Detecting + ?Sized>(
    store: &S,
    event_id: i64,
    households: &[HouseholdRow],
    damage: &[DamageRecord],
    whole_event: bool,
    audit: AuditEntry,
) -> AppResult<DetectionOutcome> {
    let today = crate::clock::today();
    let records: HashMap<i64, &DamageRecord> = damage.iter().map(|d| (d.household_id, d)).collect();
    let found: Vec<Finding> =
        households.iter().filter_map(|h| Some(findings(h, records.get(&h.id)?, today))).flatten().collect();
    let ids: Vec<i64> = households.iter().map(|h| h.id).collect();
    let existing = store.event_alerts(event_id, if whole_event { None } else { Some(&ids) }).await?;
    let changes = rules::alert_changes(&existing, found);
    let outcome = DetectionOutcome {
        events: 1,
        households: households.len(),
        raised: changes.raise.len(),
        refreshed: changes.refresh.len(),
        withdrawn: changes.withdraw.len(),
    };
    let audit = audit.with_after(json!({
        "event_id": event_id, "households": outcome.households, "raised": outcome.raised,
        "refreshed": outcome.refreshed, "withdrawn": outcome.withdrawn,
    }));
    store.apply_alert_changes(event_id, &changes, &audit).await?;
    Ok(outcome)
}

/// After a household's damage record: detection for that household in that event.
pub async fn after_damage<S: Detecting + ?Sized>(
    store: &S,
    actor: &Actor,
    damage: &DamageRecord,
) -> AppResult<DetectionOutcome> {
    let Some(household) = store.get_household(damage.household_id).await? else {
        return Ok(DetectionOutcome::default());
    };
    let audit = actor.audit("assistance_alert.detect", "household", household.id.to_string());
    detect(store, damage.event_id, &[household], std::slice::from_ref(damage), false, audit).await
}

/// After a household's edit (its programmes or members may have changed): detection for it in
/// every open event where it has a damage record.
pub async fn after_household_edit<S: Detecting + ?Sized>(
    store: &S,
    actor: &Actor,
    household: &HouseholdRow,
) -> AppResult<DetectionOutcome> {
    let mut outcome = DetectionOutcome::default();
    for event in store.list_events().await? {
        if event.status.0 == EventStatus::Closed {
            continue;
        }
        let damage = store.damage_records(event.id, Some(household.area_code.as_str())).await?;
        let Some(record) = damage.into_iter().find(|d| d.household_id == household.id) else { continue };
        let audit = actor.audit("assistance_alert.detect", "household", household.id.to_string());
        let one = detect(store, event.id, std::slice::from_ref(household), &[record], false, audit).await?;
        outcome.add(&one);
    }
    Ok(outcome)
}

impl DetectionOutcome {
    fn add(&mut self, other: &Self) {
        self.events += other.events;
        self.households += other.households;
        self.raised += other.raised;
        self.refreshed += other.refreshed;
        self.withdrawn += other.withdrawn;
    }
}

/// Detection over every household with a damage record in one open event, or in all of them (the
/// nightly run, the demo, and a manager's "run now").
pub async fn scan<S: Detecting + ?Sized>(
    store: &S,
    event_id: Option<i64>,
    audit: &AuditEntry,
) -> AppResult<DetectionOutcome> {
    let mut outcome = DetectionOutcome::default();
    for event in store.list_events().await? {
        if event.status.0 == EventStatus::Closed || event_id.is_some_and(|id| id != event.id) {
            continue;
        }
        let damage = store.damage_records(event.id, None).await?;
        let households = store.damaged_households(event.id, "%").await?;
        outcome.add(&detect(store, event.id, &households, &damage, true, audit.clone()).await?);
    }
    Ok(outcome)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct AlertQuery {
    /// Within this area (default: the caller's scope).
    #[param(value_type = Option<String>)]
    pub area_code: Option<AreaCode>,
    /// Default `open`.
    #[param(value_type = Option<String>)]
    pub status: Option<AlertStatus>,
    pub event_id: Option<i64>,
}

fn view(row: AlertRow, household: Option<&HouseholdRow>, actor: &Actor) -> Alert {
    let head_name = household
        .map(
            |h| if sees_names(&actor.user, h.area_code.as_str()) { h.head_name.clone() } else { h.name_masked.clone() },
        )
        .unwrap_or_default();
    Alert {
        id: row.id,
        event_id: row.event_id,
        household_id: row.household_id,
        area_code: row.area_code,
        head_name,
        need: row.need,
        programmes: row.need.programmes().to_vec(),
        facts: row.facts.0,
        status: row.status,
        case_id: row.case_id,
        resolution: row.resolution,
        resolved_by: row.resolved_by,
        raised_at: row.raised_at,
        updated_at: row.updated_at,
    }
}

async fn views<S: Detecting + ?Sized>(store: &S, actor: &Actor, rows: Vec<AlertRow>) -> AppResult<Vec<Alert>> {
    let ids: Vec<i64> = rows.iter().map(|a| a.household_id).collect();
    let households: HashMap<i64, HouseholdRow> =
        store.households_by_ids(&ids).await?.into_iter().map(|h| (h.id, h)).collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let household = households.get(&row.household_id);
            view(row, household, actor)
        })
        .collect())
}

/// The alerts of the caller's area: hardship first (a death or a lost house cannot wait), then
/// the newest.
pub async fn list<S: Detecting + ?Sized>(store: &S, actor: &Actor, query: &AlertQuery) -> AppResult<Vec<Alert>> {
    let filter = AlertFilter {
        area_pattern: actor.area_pattern(query.area_code.as_ref())?,
        status: Some(query.status.unwrap_or(AlertStatus::Open)),
        event_id: query.event_id,
    };
    let mut rows = store.assistance_alerts(&filter).await?;
    rows.sort_by_key(|a| a.need != Need::Hardship);
    views(store, actor, rows).await
}

async fn alert_in_scope<S: Detecting + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<AlertRow> {
    let not_found = || AppError::NotFound(format!("no alert {id}"));
    let alert = store.assistance_alert(id).await?.ok_or_else(not_found)?;
    if !actor.user.can_reach(alert.area_code.as_str()) {
        return Err(not_found());
    }
    Ok(alert)
}

pub async fn get<S: Detecting + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<Alert> {
    let alert = alert_in_scope(store, actor, id).await?;
    Ok(views(store, actor, vec![alert]).await?.remove(0))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertCaseInput {
    /// The household's phone, if staff reached it (the register holds none).
    pub phone: Option<String>,
    /// What happened, in staff's words; by default the losses the alert names.
    pub description: Option<String>,
}

/// The case's description by default: the alert's facts, as the township writes them.
fn describe(alert: &AlertRow) -> String {
    let facts = &alert.facts.0;
    let mut parts = Vec::new();
    if facts.dead + facts.missing > 0 {
        parts.push(format!("死亡{}人、失踪{}人", facts.dead, facts.missing));
    }
    if facts.house != crate::households::HouseDamage::None {
        parts.push(format!("房屋{}", facts.house.label_zh()));
    }
    if facts.injured > 0 {
        parts.push(format!("受伤{}人", facts.injured));
    }
    if alert.need == Need::Schooling {
        parts.push(format!("在学或学前儿童{}人", facts.children));
    }
    format!("主动发现（灾害事件 {}）：{}", alert.event_id, parts.join("；"))
}

/// Turns an open alert into a case (source `detection`, the household's head as applicant): 409
/// when it is no longer open.
pub async fn to_case<S: Detecting + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    id: i64,
    input: AlertCaseInput,
) -> AppResult<i64> {
    actor.require_role(INTAKE)?;
    let alert = alert_in_scope(store, actor, id).await?;
    if alert.status != AlertStatus::Open {
        return Err(AppError::conflict(crate::said!(
            "alert_state",
            "the alert is {alert_status} now",
            alert_status = crate::text_enum::enum_text(alert.status)
        )));
    }
    let household = store
        .get_household(alert.household_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no household {}", alert.household_id)))?;
    let mut problems = Vec::new();
    let phone = input.phone.as_deref().map(str::trim).unwrap_or_default().to_owned();
    if !phone.is_empty() && !rules::valid_phone(&phone) {
        problems.push(FieldError::new("phone", super::service::phone_format()));
    }
    let description = match input.description.as_deref() {
        Some(text) => text_problem("description", text, 2000, &mut problems),
        None => describe(&alert),
    };
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid case", problems));
    }
    let id_number =
        Pii::from_settings(settings).decrypt(&household.id_encrypted).map_err(|e| AppError::Internal(e.into()))?;
    let id_number =
        IdNumber::parse(&id_number).map_err(|e| AppError::Internal(anyhow::anyhow!("stored ID number: {e}")))?;
    let intake = Intake {
        area_code: household.area_code.clone(),
        household_id: Some(household.id),
        name: household.head_name.clone(),
        id_number: Some(id_number),
        phone,
        kind: if alert.need == Need::Hardship { CaseKind::Urgent } else { CaseKind::Application },
        source: CaseSource::Detection,
        programmes: alert.need.programmes().to_vec(),
        description,
    };
    file(store, settings, actor, intake, Filing { from_alert: Some(alert.id), claim: None }).await
}

/// Dismisses an open alert with a reason: 409 when it is no longer open.
pub async fn dismiss<S: Detecting + ?Sized>(store: &S, actor: &Actor, id: i64, reason: &str) -> AppResult<Alert> {
    actor.require_role(INTAKE)?;
    let alert = alert_in_scope(store, actor, id).await?;
    let mut problems = Vec::new();
    let reason = text_problem("reason", reason, 1000, &mut problems);
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid dismissal", problems));
    }
    let audit = actor
        .audit("assistance_alert.dismiss", "assistance_alert", id.to_string())
        .with_before(json!({"status": alert.status}))
        .with_after(json!({"status": AlertStatus::Dismissed, "reason": reason, "at": Utc::now()}));
    store.dismiss_assistance_alert(id, &reason, &actor.user.username, &audit).await?;
    get(store, actor, id).await
}
