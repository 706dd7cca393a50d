//! Demo rebuild cases (docs/domain/rebuild.md): the demo township's damaged houses as cases at every
//! stage, one failed at inspection and back with the builder, and the township's housing insurance
//! (a blanket policy) with claims paid, pending and refused. Taken through the services, as staff
//! would.

use super::actor;
use super::demo_username;
use crate::auth::Actor;
use crate::auth::Role;
use crate::config::Settings;
use crate::households::{DamageRecord, HouseDamage};
use crate::insurance::service::{self as insurance, ClaimInput, PayoutInput, RefusalInput, SurveyInput};
use crate::money::Fen;
use crate::rebuild::service::{self as cases, ApprovalInput, CaseInput, InspectionInput, Progress, ProgressInput};
use crate::rebuild::{Mode, rules};
use crate::store::Store;

fn err(step: &str) -> impl Fn(crate::error::AppError) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("demo rebuild cases, {step}: {e}")
}

/// Seeds the cases once (nothing when any case exists, or without the demo township's users).
pub async fn seed_cases(store: &dyn Store, settings: &Settings) -> anyhow::Result<()> {
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
    seed_insurance(store, settings, &county, &caseworker, event.id, &township, &records).await?;
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
            cases::approve(store, &county, settings, id, approval).await.map_err(err("approving"))?;
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

/// The demo township's blanket housing policy (¥5,000 a room, an illustrative sum; the whole year) and claims for its
/// first damaged houses: two paid, one surveyed, one reported, one refused.
async fn seed_insurance(
    store: &dyn Store,
    settings: &Settings,
    county: &Actor,
    caseworker: &Actor,
    event_id: i64,
    township: &crate::areas::AreaCode,
    records: &[DamageRecord],
) -> anyhow::Result<()> {
    let year = crate::clock::today().format("%Y");
    let file = format!(
        "保险公司,保单号,区划代码,每间保额,起保日期,终保日期\n\
         中国人民财产保险股份有限公司九江市分公司（虚构）,PICC-NF-{year}-0001,{township},5000,{year}-01-01,{year}-12-31\n"
    );
    let imported = insurance::import_policies(store, county, settings, file.as_bytes(), crate::upload::FileKind::Csv)
        .await
        .map_err(err("importing policies"))?;
    if let Err(rows) = imported {
        anyhow::bail!("demo insurance policy rejected: {rows:?}");
    }
    let today = crate::clock::today();
    let damaged = records.iter().filter(|d| d.house_damage.0 != HouseDamage::None).take(5);
    for (i, damage) in damaged.enumerate() {
        let input = ClaimInput { event_id, household_id: damage.household_id };
        let id = insurance::open_claim(store, caseworker, input).await.map_err(err("opening a claim"))?;
        let claim = insurance::claim(store, county, id).await.map_err(err("reading a claim"))?;
        // Claim i: 0 and 1 paid, 2 surveyed, 3 reported, 4 refused.
        if i <= 2 {
            let assessed = Fen(claim.cap_fen.0 * 3 / 5);
            insurance::survey(store, county, id, SurveyInput { assessed_fen: assessed })
                .await
                .map_err(err("survey"))?;
            if i <= 1 {
                let payout = PayoutInput { payout_fen: assessed, paid_on: today };
                insurance::pay(store, county, id, payout).await.map_err(err("payout"))?;
            }
        } else if i == 4 {
            let reason =
                RefusalInput { reason: "受损房屋为生产用房，不在保险责任范围（虚构）".into() };
            insurance::refuse(store, county, id, reason).await.map_err(err("refusal"))?;
        }
    }
    Ok(())
}
