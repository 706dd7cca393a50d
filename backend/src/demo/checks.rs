//! Findings for the cross-programme checks (docs/domain/checks.md) planted in the demo, in 湖口
//! (360429), a county the other demo seeds and the API tests leave alone: two households sharing
//! one bank account (an edit through the registry), an emergency grant list with a grant above the
//! standard and a grant to a household whose damage record shows no loss, and a winter–spring
//! household paid at once as well as in the demo county's first phase. Every write is audited;
//! the households are the demo's synthetic ones, and the grant reasons say （虚构）.

use std::collections::HashMap;

use serde_json::json;

use super::actor;
use crate::areas::AreaCode;
use crate::auth::Actor;
use crate::config::Settings;
use crate::funds::AidType;
use crate::grants::store::{NewGrant, NewGrantList};
use crate::households::pii::Pii;
use crate::households::registry::{self, HouseholdInputJson};
use crate::households::store::{EditGuard, HouseholdFilter, NewDamage};
use crate::money::Fen;
use crate::store::Store;

/// The county the checks' demo findings are planted in.
const COUNTY: &str = "360429";

fn err(step: &str) -> impl Fn(crate::error::AppError) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("demo checks, {step}: {e}")
}

/// Plants the findings once (nothing when 湖口 has a grant list already, or without the demo's
/// event, households and manager).
pub async fn seed_findings(store: &dyn Store, settings: &Settings) -> anyhow::Result<()> {
    let Some(manager) = actor(store, "manager").await? else { return Ok(()) };
    let Some(event) = store.list_events().await?.into_iter().find(|e| e.name.contains("虚构")) else {
        return Ok(());
    };
    let county = AreaCode::parse(COUNTY).map_err(anyhow::Error::msg)?;
    if store.list_grant_lists(Some(event.id)).await?.iter().any(|l| county.contains(l.area_code.as_str())) {
        return Ok(());
    }
    let pattern = format!("{COUNTY}%");
    let filter = HouseholdFilter { area: Some(pattern.clone()), limit: 500, ..Default::default() };
    let mut households = store.list_households(&filter).await?;
    households.sort_by_key(|h| h.id);
    let damage: HashMap<i64, crate::households::DamageRecord> = store
        .damage_records(event.id, Some(pattern.as_str()))
        .await?
        .into_iter()
        .map(|d| (d.household_id, d))
        .collect();
    let with_bank: Vec<_> = households.iter().filter(|h| h.bank_encrypted.is_some()).collect();
    let (Some(first), Some(second)) = (with_bank.first(), with_bank.get(1)) else { return Ok(()) };

    // 1. The second household's account is set to the first's, as a mistyped edit would.
    let pii = Pii::from_settings(settings);
    let account = pii.decrypt(first.bank_encrypted.as_deref().unwrap_or_default())?;
    let input: HouseholdInputJson = serde_json::from_value(json!({"bank_account": account}))?;
    registry::update(store, settings, &manager, second.id, input, EditGuard::default())
        .await
        .map_err(err("sharing a bank account"))?;

    // 2. An emergency list of the county: one household at twice its standard, one whose damage
    // record (recorded now) shows no loss.
    let standards = crate::funds::service::standards(store).await?;
    let above = households.iter().find(|h| damage.get(&h.id).is_some_and(|d| d.emergency_persons > 0));
    let no_loss = households.iter().rev().find(|h| !damage.contains_key(&h.id));
    let (Some(above), Some(no_loss)) = (above, no_loss) else { return Ok(()) };
    let persons = damage[&above.id].emergency_persons;
    let (standard, _) = crate::households::rules::per_person(&standards, AidType::Emergency, persons);
    let mut audit = manager.audit("household_damage.record", "household_damage", no_loss.id.to_string());
    audit.after = Some(json!({"event_id": event.id, "house_damage": "none", "synthetic": true}));
    store
        .upsert_damage(
            &NewDamage {
                event_id: event.id,
                household_id: no_loss.id,
                house_damage: "none".into(),
                damaged_rooms: 0,
                transitional_persons: 0,
                emergency_persons: 0,
                drought_persons: 0,
                crop_total_loss: false,
                dead: 0,
                missing: 0,
                injured: 0,
                has_other_home: false,
                exclusions: vec![],
            },
            &audit,
        )
        .await?;
    let grants = vec![
        NewGrant {
            household_id: above.id,
            amount_fen: standard.times(2),
            reason: format!("{persons}人 × 应急救助，按两倍标准（虚构，交叉比对演示）"),
            priority: false,
        },
        NewGrant {
            household_id: no_loss.id,
            amount_fen: crate::households::rules::per_person(&standards, AidType::Emergency, no_loss.members).0,
            reason: format!("{}人 × 应急救助（虚构，交叉比对演示）", no_loss.members),
            priority: false,
        },
    ];
    create_list(store, &manager, event.id, AidType::Emergency, &county, grants).await?;

    // 3. A household on the first winter–spring phase's list paid at once as well.
    let phased = store.check_grant_lines().await?.into_iter().find(|line| line.3 == "winter_spring" && line.7 > 0);
    if let Some((_, _, event_id, _, household_id, area, amount, _)) = phased {
        let township = area.at_level(crate::areas::Level::Township).unwrap_or(area);
        let grants = vec![NewGrant {
            household_id,
            amount_fen: amount,
            reason: "冬春救助，一次发放（虚构，交叉比对演示）".into(),
            priority: false,
        }];
        create_list(store, &manager, event_id, AidType::WinterSpring, &township, grants).await?;
    }
    tracing::info!("demo findings for the cross-programme checks planted (synthetic)");
    Ok(())
}

async fn create_list(
    store: &dyn Store,
    manager: &Actor,
    event_id: i64,
    aid: AidType,
    area: &AreaCode,
    grants: Vec<NewGrant>,
) -> anyhow::Result<i64> {
    let total: Fen = grants.iter().map(|g| g.amount_fen).sum();
    let aid_type = crate::text_enum::enum_text(aid);
    let list = NewGrantList {
        event_id,
        aid_type: aid_type.clone(),
        area_code: area.clone(),
        author_id: manager.user.id,
        author_name: manager.user.username.clone(),
        phase: None,
    };
    let audit = manager.audit("grant_list.create", "grant_list", "").with_after(json!({
        "event_id": event_id, "aid_type": aid_type, "area_code": area, "households": grants.len(),
        "total_fen": total, "synthetic": true,
    }));
    Ok(store.create_grant_list(&list, &grants, &audit).await?)
}
