//! Demo winter–spring campaign (docs/domain/winter-spring.md): the city's campaign for the flood's
//! year, need records surveyed in the flood's townships across every hardship class, the demo
//! township's taken through the chain to the county's decision, and the demo county's figures
//! submitted (after their 15 October deadline; the other counties are overdue). Taken through the
//! services, as staff would.

use chrono::{Datelike, Duration, Utc};

use super::CITY_CODE;
use super::actor;
use crate::applications::WinterSpringNeeds;
use crate::applications::service::{
    self as chain, CountyDecision, CountyDecisionInput, NoticeInput, TownshipDecision, TownshipReviewInput,
    VillageAssessmentInput, VillageDecision,
};
use crate::areas::{AreaCode, Level};
use crate::auth::Role;
use crate::config::Settings;
use crate::funds::{AidType, HardshipClass};
use crate::households::HouseDamage;
use crate::store::Store;
use crate::winterspring::service::{self as campaigns, CampaignInput, NeedInput, PhasesInput, ReceivedInput};

fn err(step: &str) -> impl Fn(crate::error::AppError) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("demo winter–spring campaign, {step}: {e}")
}

/// Seeds the campaign once (nothing when any campaign exists, or without the demo flood).
pub async fn seed_campaign(store: &dyn Store, settings: &Settings) -> anyhow::Result<()> {
    if !store.campaigns().await?.is_empty() {
        return Ok(());
    }
    let Some(event) = store.list_events().await?.into_iter().find(|e| e.name.contains("虚构")) else {
        return Ok(());
    };
    let (Some(manager), Some(caseworker), Some(township_reviewer), Some(county_decider)) = (
        actor(store, Role::Manager.as_str()).await?,
        actor(store, "caseworker").await?,
        actor(store, "township").await?,
        actor(store, "county").await?,
    ) else {
        return Ok(());
    };
    let year = event.onset_at.with_timezone(&crate::clock::beijing()).year();
    let city = AreaCode::parse(CITY_CODE).map_err(anyhow::Error::msg)?;
    let campaign = campaigns::create(store, &manager, settings, CampaignInput { year, area_code: city })
        .await
        .map_err(err("opening"))?;
    let demo_township = caseworker.user.area_code.clone();
    // Households the flood left short: a lost house, a lost crop, a member dead or missing; three
    // per township (six in the demo township, to take through the chain).
    let mut per_township: std::collections::HashMap<AreaCode, usize> = std::collections::HashMap::new();
    let mut records = store.damage_records(event.id, None).await?;
    records.sort_by_key(|d| d.household_id);
    let mut filed = Vec::new();
    for damage in records {
        let lost_house = matches!(damage.house_damage.0, HouseDamage::Collapsed | HouseDamage::Severe);
        if !(lost_house || damage.crop_total_loss || damage.dead + damage.missing > 0) {
            continue;
        }
        let Some(household) = store.get_household(damage.household_id).await? else { continue };
        let Some(township) = household.area_code.at_level(Level::Township) else { continue };
        let in_demo_township = demo_township.as_ref() == Some(&township);
        let count = per_township.entry(township).or_default();
        if *count >= if in_demo_township { 6 } else { 3 } {
            continue;
        }
        *count += 1;
        let class = match filed.len() % 4 {
            0 => HardshipClass::ClassOne,
            1 => HardshipClass::ClassTwo,
            _ => HardshipClass::ClassThree,
        };
        let persons = household.members.clamp(1, 4);
        let needs = WinterSpringNeeds {
            food_months: if damage.crop_total_loss { 5 } else { 3 },
            clothing: persons,
            quilts: persons,
            heating: lost_house,
            housing: damage.house_damage.0 == HouseDamage::Collapsed,
        };
        let input = NeedInput {
            household_id: household.id,
            event_id: Some(event.id),
            persons,
            category: class,
            needs,
            reason: "洪水冲毁口粮和衣被，冬春生活困难（虚构）".into(),
            phone: None,
        };
        let by = if in_demo_township { &caseworker } else { &manager };
        let id = campaigns::file_need(store, by, campaign.id, input).await.map_err(err("filing a need"))?;
        filed.push((id, in_demo_township));
    }
    // The demo township's first four: assessed by the village, posted in a notice that has ended,
    // reviewed by the township; the county approves two and has two before it.
    let chain_ids: Vec<i64> = filed.iter().filter(|(_, demo)| *demo).map(|(id, _)| *id).take(4).collect();
    if let (Some(township), [first, second, ..]) = (demo_township, chain_ids.as_slice()) {
        for id in &chain_ids {
            let assessment = VillageAssessmentInput {
                decision: VillageDecision::Recommend,
                minutes: "村民代表会议评议冬春救助对象，到会代表12人（虚构）".into(),
                votes_for: 11,
                votes_against: 1,
                reason: None,
                photos: None,
            };
            chain::assess(store, &caseworker, *id, assessment).await.map_err(err("assessing"))?;
        }
        let ended = Utc::now() - Duration::days(settings.disclosure_days + 2);
        let notice = NoticeInput {
            event_id: event.id,
            aid_type: AidType::WinterSpring,
            area_code: township,
            location: Some("村务公开栏（虚构）".into()),
            start: Some(ended),
            days: None,
        };
        chain::post_notice(store, &caseworker, settings, notice).await.map_err(err("posting the notice"))?;
        for id in &chain_ids {
            let review =
                TownshipReviewInput { decision: TownshipDecision::Approve, reason: Some("入户核实".into()) };
            chain::review(store, &township_reviewer, *id, review).await.map_err(err("reviewing"))?;
        }
        for id in [first, second] {
            let approve = CountyDecisionInput { decision: CountyDecision::Approve, amount_fen: None, reason: None };
            chain::decide(store, &county_decider, *id, approve).await.map_err(err("deciding"))?;
        }
    }
    // The demo county sends its figures up, after the deadline, splits its money into the default
    // phases (冬令, 春荒) and drafts the first phase's list; one household has had quilts already.
    if let Some(county) = county_decider.user.area_code.clone() {
        campaigns::submit(store, &county_decider, campaign.id, &county).await.map_err(err("submitting"))?;
        let phases = PhasesInput { area_code: county, phases: None };
        let phases = campaigns::set_phases(store, &county_decider, settings, campaign.id, phases)
            .await
            .map_err(err("setting the phases"))?;
        if let (Some(first), true) = (phases.first(), chain_ids.len() >= 2) {
            campaigns::draft_phase(store, &county_decider, campaign.id, first.phase.id)
                .await
                .map_err(err("drafting the first phase's list"))?;
        }
        if let Some(need) = chain_ids.first().map(|id| store.get_application(*id)) {
            let household_id = need.await?.map(|a| a.household_id).unwrap_or_default();
            let quilts = ReceivedInput {
                household_id,
                money_fen: None,
                goods: Some("棉被2床（虚构）".into()),
                goods_value_fen: Some(crate::money::Fen(36_000)),
                // Today, kept within the campaign's calendar (the demo's flood is always recent).
                received_on: crate::clock::today().clamp(campaign.calendar.survey_start, campaign.calendar.relief_end),
            };
            campaigns::record_received(store, &caseworker, campaign.id, quilts)
                .await
                .map_err(err("recording goods received"))?;
        }
    }
    tracing::info!(campaign = campaign.id, needs = filed.len(), "demo winter–spring campaign seeded");
    Ok(())
}
