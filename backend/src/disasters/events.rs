//! Opening and editing disaster events, and the blocked zones drawn on them; an event is changed
//! only by someone whose scope holds every county it affects.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::service::event_or_404;
use super::store::{DisasterStore, EventFields};
use super::{Event, EventStatus, Hazard};
use crate::areas::store::AreaStore;
use crate::areas::{AreaCode, Level};
use crate::auth::Actor;
use crate::error::{AppError, AppResult, FieldError};
use crate::text_enum::enum_text;

/// An event the caller may change: every one of its counties is in their scope, so one county's
/// manager does not close, rename or redraw (blocked zones reroute its plans) an event that other
/// counties live through.
pub async fn event_to_change<S: DisasterStore + ?Sized>(store: &S, actor: &Actor, id: i64) -> AppResult<Event> {
    let event = event_or_404(store, id).await?;
    actor.require_areas(event.affected_areas.iter().map(AreaCode::as_str))?;
    Ok(event)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    pub name: Option<String>,
    pub hazard: Option<Hazard>,
    pub onset_at: Option<DateTime<Utc>>,
    pub status: Option<EventStatus>,
    pub description: Option<String>,
    /// County codes expected to report.
    pub affected_areas: Option<Vec<AreaCode>>,
}

/// Merges `input` over `current` (None for a new event) and checks the result.
async fn event_fields<S: AreaStore + ?Sized>(
    store: &S,
    input: EventInput,
    current: Option<&Event>,
) -> AppResult<EventFields> {
    let mut problems = Vec::new();
    let name = input.name.or_else(|| current.map(|e| e.name.clone())).unwrap_or_default().trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        problems.push(FieldError::new(
            "name",
            crate::said!("text_required", "required, at most {max} characters", max = 200),
        ));
    }
    let hazard = input.hazard.or(current.map(|e| e.hazard.0));
    let onset_at = input.onset_at.or(current.map(|e| e.onset_at));
    if hazard.is_none() {
        problems.push(FieldError::new("hazard", crate::said!("required", "required")));
    }
    match onset_at {
        None => problems.push(FieldError::new("onset_at", crate::said!("time_required", "required (RFC 3339, UTC)"))),
        Some(t) if t > Utc::now() + chrono::Duration::hours(1) => {
            problems.push(FieldError::new("onset_at", crate::said!("in_future", "cannot be in the future")))
        }
        _ => {}
    }
    let affected = input.affected_areas.or_else(|| current.map(|e| e.affected_areas.0.clone())).unwrap_or_default();
    for area in &affected {
        match store.get_area(area).await? {
            Some(a) if a.level == Level::County => {}
            Some(_) => problems.push(FieldError::new(
                "affected_areas",
                crate::said!("not_county", "{area} is not a county", area = area),
            )),
            None => problems.push(FieldError::new(
                "affected_areas",
                crate::said!("area_unknown", "unknown area {area}", area = area),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid event", problems));
    }
    Ok(EventFields {
        name,
        hazard: enum_text(hazard.expect("checked")),
        onset_at: onset_at.expect("checked"),
        status: enum_text(input.status.or(current.map(|e| e.status.0)).unwrap_or(EventStatus::Active)),
        description: input.description.or_else(|| current.and_then(|e| e.description.clone())),
        affected_areas: affected,
    })
}

/// Opens an event over counties in the caller's scope.
pub async fn open<S: AreaStore + DisasterStore + ?Sized>(
    store: &S,
    actor: &Actor,
    input: EventInput,
) -> AppResult<Event> {
    let fields = event_fields(store, input, None).await?;
    actor.require_areas(fields.affected_areas.iter().map(AreaCode::as_str))?;
    let audit = actor
        .audit("event.create", "event", "")
        .with_after(serde_json::json!({"name": fields.name, "hazard": fields.hazard}));
    let id = store.create_event(&fields, &audit).await?;
    event_or_404(store, id).await
}

/// Edits an event: status (active → stabilised → closed), affected counties, description. A
/// closed event changes only by being reopened.
pub async fn edit<S: AreaStore + DisasterStore + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    input: EventInput,
) -> AppResult<Event> {
    let event = event_to_change(store, actor, id).await?;
    if event.status.0 == EventStatus::Closed && input.status != Some(EventStatus::Active) {
        return Err(AppError::conflict(crate::said!(
            "event_closed_reopen",
            "the event is closed; reopen it (status active) to change it"
        )));
    }
    let fields = event_fields(store, input, Some(&event)).await?;
    actor.require_areas(fields.affected_areas.iter().map(AreaCode::as_str))?;
    let audit = actor.audit("event.update", "event", id.to_string()).with_before(&event).with_after(
        serde_json::json!({"name": fields.name, "status": fields.status, "affected_areas": fields.affected_areas}),
    );
    store.update_event(id, &fields, &audit).await?;
    event_or_404(store, id).await
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BlockageInput {
    pub name: Option<String>,
    /// GeoJSON Polygon or MultiPolygon in WGS84 (or a Feature carrying one).
    #[schema(value_type = Object)]
    pub geometry: Value,
}

/// Draws a blocked zone on an event the caller may change; answers its id and name.
pub async fn add_blockage<S: DisasterStore + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    input: BlockageInput,
) -> AppResult<(i64, String)> {
    event_to_change(store, actor, id).await?;
    let geometry = match input.geometry.get("type").and_then(Value::as_str) {
        Some("Feature") => input.geometry.get("geometry").cloned().unwrap_or(Value::Null),
        _ => input.geometry,
    };
    let polygon = crate::areas::import::read_polygon("geometry", &geometry)
        .map_err(|p| AppError::invalid("invalid blocked zone", p))?;
    let stored = geojson::Geometry::from(&geo::Geometry::MultiPolygon(polygon)).to_string();
    let name = input.name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()).unwrap_or_else(|| "封闭区域".into());
    let audit =
        actor.audit("blockage.create", "blockage", "").with_after(serde_json::json!({"event_id": id, "name": name}));
    let blockage_id = store.add_blockage(id, &name, &stored, &audit).await?;
    Ok((blockage_id, name))
}

/// Removes a blocked zone from an event the caller may change.
pub async fn remove_blockage<S: DisasterStore + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
    blockage_id: i64,
) -> AppResult<()> {
    event_to_change(store, actor, id).await?;
    let audit = actor.audit("blockage.delete", "blockage", blockage_id.to_string());
    if !store.delete_blockage(id, blockage_id, &audit).await? {
        return Err(AppError::NotFound(format!("no blocked zone {blockage_id} in event {id}")));
    }
    Ok(())
}
