//! Demo rebuild cases (docs/domain/rebuild.md): the demo township's damaged houses as cases at every
//! stage, one failed at inspection and back with the builder. Taken through the services, as
//! staff would.

use super::actor;
use super::demo_username;
use crate::auth::Role;
use crate::rebuild::service::{self as cases, ApprovalInput, CaseInput, InspectionInput, Progress, ProgressInput};
use crate::rebuild::{Mode, rules};
use crate::store::Store;

fn err(step: &str) -> impl Fn(crate::error::AppError) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("demo rebuild cases, {step}: {e}")
}

/// Seeds the cases once (nothing when any case exists, or without the demo township's users).
pub async fn seed_cases(store: &dyn Store) -> anyhow::Result<()> {
    if !store.cases("%", None, None).await?.is_empty() {
        return Ok(());
    }
    let Some(event) = store.list_events().await?.into_iter().find(|e| e.name.contains("虚构")) else {
        return Ok(());
    };
    let (Some(caseworker), Some(county), Some(inspector)) = (
        actor(store, "caseworker").await?,
        actor(store, "county").await?,
        actor(store, demo_username(Role::Assessor)).await?,
    ) else {
        return Ok(());
    };
    let Some(township) = caseworker.user.area_code.clone() else { return Ok(()) };
    let mut records = store.damage_records(event.id, Some(&crate::areas::code::subtree_pattern(&township))).await?;
    records.sort_by_key(|d| d.household_id);
    let mut ids = Vec::new();
    for damage in records.iter().filter(|d| d.exclusions.0.is_empty()) {
        let Some(mode) = rules::mode_for(damage.house_damage.0) else { continue };
        let input = CaseInput { event_id: event.id, household_id: damage.household_id, mode };
        ids.push((cases::open(store, &caseworker, input).await.map_err(err("opening"))?, mode));
        if ids.len() == 7 {
            break;
        }
    }
    // Case i reaches stage i: surveyed, approved, started, structure done (or completed), completed,
    // failed at inspection, accepted.
    let progress = |stage| ProgressInput { stage, on: None, photos: Some(vec!["施工照片（虚构）".into()]) };
    let inspection = |passed: bool| InspectionInput {
        passed,
        findings: if passed {
            "结构安全，质量合格（虚构）".into()
        } else {
            "圈梁未闭合，需整改（虚构）".into()
        },
        photos: vec!["验收照片（虚构）".into()],
    };
    for (reached, (id, mode)) in ids.iter().enumerate() {
        let id = *id;
        if reached >= 1 {
            let approval = ApprovalInput { amount_fen: None, reason: None };
            cases::approve(store, &county, id, approval).await.map_err(err("approving"))?;
        }
        if reached >= 2 {
            cases::progress(store, &caseworker, id, progress(Progress::Started)).await.map_err(err("starting"))?;
        }
        if reached >= 3 && *mode == Mode::Rebuild {
            cases::progress(store, &caseworker, id, progress(Progress::StructureDone))
                .await
                .map_err(err("structure"))?;
        }
        if reached >= 4 {
            cases::progress(store, &caseworker, id, progress(Progress::Completed)).await.map_err(err("completing"))?;
        }
        if reached >= 5 {
            cases::inspect(store, &inspector, id, inspection(reached == 6)).await.map_err(err("inspecting"))?;
        }
    }
    tracing::info!(cases = ids.len(), "demo rebuild cases seeded");
    Ok(())
}
