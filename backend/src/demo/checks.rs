//! Findings for the cross-programme checks (docs/domain/checks.md) planted in the demo, in 湖口
//! (360429), a county the other demo seeds and the API tests leave alone: two households sharing
//! one bank account (an edit through the registry), an emergency grant list with a grant above the
//! standard and a grant to a household whose damage record shows no loss, a winter–spring
//! household paid at once as well as in the demo county's first phase, a one-window case filed for
//! a household by the head of another, and an emergency materials plan whose towel quilts, received
//! in a township, are ten times what the people granted emergency aid there need. Every write is
//! audited; the households are the demo's synthetic ones, and the reasons say （虚构）.

use std::collections::HashMap;

use serde_json::json;

use super::actor;
use crate::areas::{AreaCode, Level};
use crate::auth::Actor;
use crate::cases::service::{self as cases, ApplicantInput, CaseInput};
use crate::cases::store::CaseFilter;
use crate::cases::{CaseKind, CaseSource, Programme};
use crate::config::Settings;
use crate::funds::AidType;
use crate::grants::store::{NewGrant, NewGrantList};
use crate::households::pii::Pii;
use crate::households::registry::{self, HouseholdInputJson};
use crate::households::store::{EditGuard, HouseholdFilter, NewDamage};
use crate::households::{DamageRecord, HouseholdRow};
use crate::money::Fen;
use crate::plans::rules::ReceiptLine;
use crate::plans::store::NewPlan;
use crate::plans::{AreaFill, PlanLine, PlanResult, workflow};
use crate::store::Store;

/// The county the checks' demo findings are planted in.
const COUNTY: &str = "360429";
/// The item the demo's stock finding is about (emergency norm: one per person).
const STOCK_ITEM: &str = "towel-quilt";
/// How many times the people served the towel quilts received are.
const STOCK_TIMES: i64 = 10;

fn err(step: &str) -> impl Fn(crate::error::AppError) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("demo checks, {step}: {e}")
}

/// What the plantings read: the demo's manager and event, and 湖口's households and damage records.
struct Demo {
    manager: Actor,
    event_id: i64,
    county: AreaCode,
    /// 湖口's households, in id order.
    households: Vec<HouseholdRow>,
    damage: HashMap<i64, DamageRecord>,
}

/// Plants the findings, each kind once (nothing without the demo's event, households and manager).
pub async fn seed_findings(store: &dyn Store, settings: &Settings) -> anyhow::Result<()> {
    let Some(manager) = actor(store, "manager").await? else { return Ok(()) };
    let Some(event) = store.list_events().await?.into_iter().find(|e| e.name.contains("虚构")) else {
        return Ok(());
    };
    let county = AreaCode::parse(COUNTY).map_err(anyhow::Error::msg)?;
    let pattern = format!("{COUNTY}%");
    let filter = HouseholdFilter { area: Some(pattern.clone()), limit: 500, ..Default::default() };
    let mut households = store.list_households(&filter).await?;
    households.sort_by_key(|h| h.id);
    let damage = store
        .damage_records(event.id, Some(pattern.as_str()))
        .await?
        .into_iter()
        .map(|d| (d.household_id, d))
        .collect();
    let demo = Demo { manager, event_id: event.id, county, households, damage };
    plant_grant_findings(store, settings, &demo).await?;
    plant_person_in_two_households(store, settings, &demo).await?;
    plant_stock_beyond_the_served(store, &demo).await?;
    tracing::info!("demo findings for the cross-programme checks in place (synthetic)");
    Ok(())
}

/// A shared bank account, a grant above the standard, a grant without a loss and a double grant
/// (nothing when 湖口 has a grant list already).
async fn plant_grant_findings(store: &dyn Store, settings: &Settings, demo: &Demo) -> anyhow::Result<()> {
    let Demo { manager, event_id, county, households, damage } = demo;
    let event_id = *event_id;
    if store.list_grant_lists(Some(event_id)).await?.iter().any(|l| county.contains(l.area_code.as_str())) {
        return Ok(());
    }
    let with_bank: Vec<_> = households.iter().filter(|h| h.bank_encrypted.is_some()).collect();
    let (Some(first), Some(second)) = (with_bank.first(), with_bank.get(1)) else { return Ok(()) };

    // 1. The second household's account is set to the first's, as a mistyped edit would.
    let pii = Pii::from_settings(settings);
    let account = pii.decrypt(first.bank_encrypted.as_deref().unwrap_or_default())?;
    let input: HouseholdInputJson = serde_json::from_value(json!({"bank_account": account}))?;
    registry::update(store, settings, manager, second.id, input, EditGuard::default())
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
    audit.after = Some(json!({"event_id": event_id, "house_damage": "none", "synthetic": true}));
    store
        .upsert_damage(
            &NewDamage {
                event_id,
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
    create_list(store, manager, event_id, AidType::Emergency, county, grants).await?;

    // 3. A household on the first winter–spring phase's list paid at once as well.
    let phased = store.check_grant_lines().await?.into_iter().find(|line| line.3 == "winter_spring" && line.7 > 0);
    if let Some((_, _, event_id, _, household_id, area, amount, _)) = phased {
        let township = area.at_level(Level::Township).unwrap_or(area);
        let grants = vec![NewGrant {
            household_id,
            amount_fen: amount,
            reason: "冬春救助，一次发放（虚构，交叉比对演示）".into(),
            priority: false,
        }];
        create_list(store, manager, event_id, AidType::WinterSpring, &township, grants).await?;
    }
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

/// The head of one household of a township applies at the one window for the household next to
/// it in the register (nothing when 湖口 has a case already).
async fn plant_person_in_two_households(store: &dyn Store, settings: &Settings, demo: &Demo) -> anyhow::Result<()> {
    let in_county = CaseFilter { area_pattern: format!("{COUNTY}%"), ..CaseFilter::default() };
    if !store.assistance_cases(&in_county).await?.is_empty() {
        return Ok(());
    }
    let township = |h: &HouseholdRow| h.area_code.at_level(Level::Township);
    let Some([head, other]) = demo.households.windows(2).rev().find(|pair| township(&pair[0]) == township(&pair[1]))
    else {
        return Ok(());
    };
    let Some(area_code) = township(other) else { return Ok(()) };
    let id_number = Pii::from_settings(settings).decrypt(&head.id_encrypted)?;
    let input = CaseInput {
        area_code,
        household_id: Some(other.id),
        applicant: ApplicantInput {
            name: head.head_name.clone(),
            id_number: Some(id_number),
            phone: "13907920177".into(),
        },
        kind: CaseKind::Application,
        programmes: vec![Programme::Temporary],
        description: "为邻户申请临时救助，申请人是另一户的户主（虚构，交叉比对演示）".into(),
        source: CaseSource::OneWindow,
    };
    cases::open_case(store, settings, &demo.manager, input, None).await.map_err(err("opening a case"))?;
    Ok(())
}

/// An emergency materials plan from 湖口's depot to the township of its first emergency grant,
/// with ten times the towel quilts the people granted there need, approved by the reviewer,
/// shipped and received (nothing when a shipment went to 湖口 already, or without the grant, the
/// depot or its stock).
async fn plant_stock_beyond_the_served(store: &dyn Store, demo: &Demo) -> anyhow::Result<()> {
    let Some(reviewer) = actor(store, "reviewer").await? else { return Ok(()) };
    let shipped = store.shipments(Default::default()).await?;
    if shipped.iter().any(|s| demo.county.contains(s.area_code.as_str())) {
        return Ok(());
    }
    let emergency_text = crate::text_enum::enum_text(AidType::Emergency);
    let served: Vec<(i64, AreaCode)> = store
        .check_grant_lines()
        .await?
        .into_iter()
        .filter(|line| line.2 == demo.event_id && line.3 == emergency_text && demo.county.contains(line.5.as_str()))
        .map(|line| (line.4, line.5))
        .collect();
    let Some(township) = served.first().and_then(|(_, area)| area.at_level(Level::Township)) else { return Ok(()) };
    let depot = store.list_depots().await?.into_iter().find(|d| d.area_code == demo.county);
    let Some(depot) = depot else { return Ok(()) };
    // The people the check counts: the emergency persons of the township's households on the lists.
    let persons: i64 = served
        .iter()
        .filter(|(_, area)| township.contains(area.as_str()))
        .filter_map(|(household_id, _)| demo.damage.get(household_id))
        .map(|d| d.emergency_persons)
        .sum();
    let available = store
        .balances()
        .await?
        .into_iter()
        .find(|b| b.depot_id == depot.id && b.item_code == STOCK_ITEM)
        .map_or(0, |b| b.on_hand - b.reserved);
    let quantity = (persons.max(1) * STOCK_TIMES).min(available);
    if quantity <= 0 {
        return Ok(());
    }
    let lines = vec![PlanLine {
        depot_id: depot.id,
        area_code: township.clone(),
        item: STOCK_ITEM.into(),
        quantity,
        travel_minutes: 40,
        late: false,
    }];
    let mut result = PlanResult {
        areas: vec![AreaFill {
            area_code: township.clone(),
            item: STOCK_ITEM.into(),
            demand: quantity,
            allocated: quantity,
            fill_rate: 1.0,
            tier: 1,
            basis: None,
        }],
        ..PlanResult::default()
    };
    result.totals = crate::plans::service::totals(&lines, &result);
    let plan = NewPlan {
        event_id: demo.event_id,
        aid_type: crate::text_enum::enum_text(AidType::Emergency),
        kind: "materials".into(),
        author_id: demo.manager.user.id,
        author_name: demo.manager.user.username.clone(),
        result,
        lines,
    };
    let audit = demo.manager.audit("plan.create", "plan", "").with_after(json!({
        "event_id": demo.event_id, "area_code": township, "item": STOCK_ITEM, "quantity": quantity, "synthetic": true,
    }));
    let id = store.create_plan(&plan, &audit).await?.id;
    workflow::submit(store, &demo.manager, id).await.map_err(err("submitting the plan"))?;
    workflow::approve(store, &reviewer, id).await.map_err(err("approving the plan"))?;
    for shipment in workflow::dispatch(store, &demo.manager, id, None).await.map_err(err("dispatching the plan"))? {
        let received: Vec<ReceiptLine> =
            shipment.lines.iter().map(|l| ReceiptLine { item: l.item.clone(), quantity: l.quantity }).collect();
        workflow::receive(store, &demo.manager, shipment.id, &received, Some("值班员（虚构）"))
            .await
            .map_err(err("receiving the shipment"))?;
    }
    Ok(())
}
