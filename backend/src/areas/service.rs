//! Importing area files: shared by `POST /api/v1/areas/import` and `jiuzai areas import`.

use std::collections::{HashMap, HashSet};

use h3o::Resolution;
use serde::Serialize;
use serde_json::Value;

use super::store::AreaStore;
use super::{AreaCode, Crs, Level, PreparedArea, import};
use crate::audit::AuditEntry;
use crate::error::{AppError, AppResult, FieldError};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub imported: usize,
    pub counties: usize,
    pub townships: usize,
    pub codes: Vec<AreaCode>,
}

/// Validates the document, checks every parent exists (in the database or the same file), and
/// stores all areas in one transaction, or none.
pub async fn import_document(
    store: &(impl AreaStore + ?Sized),
    document: &Value,
    crs: Crs,
    resolution: Resolution,
    audit: AuditEntry,
) -> AppResult<ImportSummary> {
    let areas = import::prepare_areas(document, crs, resolution)
        .map_err(|details| AppError::invalid("the area file is invalid", details))?;
    store_areas(store, areas, audit).await
}

/// Stores prepared areas after checking their parents; used for files and for the demo seed.
pub async fn store_areas(
    store: &(impl AreaStore + ?Sized),
    mut areas: Vec<PreparedArea>,
    audit: AuditEntry,
) -> AppResult<ImportSummary> {
    if areas.is_empty() {
        return Err(AppError::invalid_field("features", crate::said!("file_no_areas", "the file contains no areas")));
    }
    let mut known = store.area_codes().await?;
    known.extend(areas.iter().map(|a| a.code.clone()));
    check_parents(&areas, &known)?;
    keep_stored_names(store, &mut areas).await?;
    areas.sort_by(|a, b| a.level.cmp(&b.level).then_with(|| a.code.cmp(&b.code)));
    let count_level = |level| areas.iter().filter(|a| a.level == level).count();
    let summary = ImportSummary {
        imported: areas.len(),
        counties: count_level(Level::County),
        townships: count_level(Level::Township),
        codes: areas.iter().map(|a| a.code.clone()).collect(),
    };
    let audit = audit.with_after(serde_json::json!({ "imported": summary.imported, "codes": summary.codes }));
    store.upsert_areas(&areas, &audit).await?;
    Ok(summary)
}

/// Areas imported without a name keep the one already stored; new areas must bring one.
async fn keep_stored_names(store: &(impl AreaStore + ?Sized), areas: &mut [PreparedArea]) -> AppResult<()> {
    let mut problems = Vec::new();
    for area in areas.iter_mut().filter(|a| a.name.is_empty()) {
        match store.get_area(&area.code).await? {
            Some(stored) => area.name = stored.name,
            None => problems.push(FieldError::new(
                format!("{}.properties.name", area.code),
                crate::said!("area_name_required", "missing name for a new area"),
            )),
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(AppError::invalid("areas without a name", problems)) }
}

fn check_parents(areas: &[PreparedArea], known: &HashSet<AreaCode>) -> AppResult<()> {
    let problems: Vec<FieldError> = areas
        .iter()
        .filter_map(|area| match &area.parent_code {
            None if area.level != Level::Province => Some(FieldError::new(
                format!("{}.parent_code", area.code),
                crate::said!("parent_required", "only a province may have no parent"),
            )),
            Some(parent) if !known.contains(parent) => Some(FieldError::new(
                format!("{}.parent_code", area.code),
                crate::said!("parent_unknown", "unknown parent area {parent}", parent = parent),
            )),
            Some(parent) if !parent.contains(&area.code) || parent == &area.code => Some(FieldError::new(
                format!("{}.parent_code", area.code),
                crate::said!(
                    "parent_wrong",
                    "{parent} cannot be the parent of {area}",
                    parent = parent,
                    area = &area.code
                ),
            )),
            _ => None,
        })
        .collect();
    if problems.is_empty() { Ok(()) } else { Err(AppError::invalid("unknown or impossible parent areas", problems)) }
}

/// Properties a higher domain adds to each area on the map (`/api/v1/map/areas.geojson?event=`).
/// The disasters domain registers its implementation in the application state, so areas need not
/// know what an event is.
#[async_trait::async_trait]
pub trait EventOverlay: Send + Sync {
    async fn properties(&self, event_id: i64) -> AppResult<HashMap<AreaCode, serde_json::Value>>;
}

/// Area code → name, for lists, files and pages that show places by name.
/// The county an area lies in (422 for an area above a county).
pub fn county_of(area: &AreaCode) -> AppResult<AreaCode> {
    area.at_level(Level::County).ok_or_else(|| {
        AppError::invalid_field("area_code", crate::said!("county_or_below", "a county or an area in one"))
    })
}

pub async fn area_names(store: &(impl AreaStore + ?Sized)) -> sqlx::Result<HashMap<AreaCode, String>> {
    Ok(store.list_areas(&Default::default()).await?.into_iter().map(|a| (a.code, a.name)).collect())
}
