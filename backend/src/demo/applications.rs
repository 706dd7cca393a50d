//! Demo applications: one township of the demo flood with emergency-aid applications at every step
//! of the chain (docs/domain/applications.md), worked by three users scoped where each step belongs:
//! `caseworker` (the township's caseworker), `township` (its reviewer) and `county` (the county's
//! decider). Taken through the services, as staff would take them.

use chrono::{Duration, Utc};

use super::DEMO_PASSWORD;
use crate::applications::service::{
    self as chain, ApplicationInput, CountyDecision, CountyDecisionInput, NoticeInput, NoticeObjectionInput,
    TownshipDecision, TownshipReviewInput, VillageAssessmentInput, VillageDecision,
};
use crate::applications::store::ApplicationFilter;
use crate::areas::{AreaCode, Level};
use crate::audit::AuditEntry;
use crate::auth::service::{CreateUser, add_user};
use crate::auth::{Actor, Role, User};
use crate::config::Settings;
use crate::funds::AidType;
use crate::store::Store;

/// The chain's demo users: (username, role, the level of their scope).
pub const CHAIN_USERS: [(&str, Role, Level); 3] = [
    ("caseworker", Role::Reporter, Level::Township),
    ("township", Role::Reviewer, Level::Township),
    ("county", Role::Reviewer, Level::County),
];

async fn chain_user(store: &dyn Store, username: &str, role: Role, area: AreaCode) -> anyhow::Result<Actor> {
    let user: User = match store.find_credentials(username).await? {
        Some((user, _)) => user,
        None => {
            let request = CreateUser {
                username: username.into(),
                display_name: Some(format!("演示 {username}")),
                password: DEMO_PASSWORD.into(),
                role,
                area_code: Some(area),
            };
            add_user(store, request, AuditEntry::system("user.create", "user", username))
                .await
                .map_err(|e| anyhow::anyhow!("creating demo user {username}: {e}"))?
        }
    };
    Ok(Actor { user, request_id: None })
}

fn err(step: &str) -> impl Fn(crate::error::AppError) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("demo applications, {step}: {e}")
}

/// Seeds the township's applications once (nothing when any application exists).
pub async fn seed_applications(store: &dyn Store, settings: &Settings) -> anyhow::Result<()> {
    if !store.list_applications(&ApplicationFilter::default()).await?.is_empty() {
        return Ok(());
    }
    let Some(event) = store.list_events().await?.into_iter().find(|e| e.name.contains("虚构")) else {
        return Ok(());
    };
    // The first township (by code) with households needing emergency aid.
    let mut candidates: Vec<_> =
        store.damage_records(event.id, None).await?.into_iter().filter(|d| d.emergency_persons > 0).collect();
    let Some(first) = candidates.iter().map(|d| d.household_id).min() else {
        return Ok(());
    };
    let Some(township) = store.get_household(first).await?.map(|h| h.area_code) else {
        return Ok(());
    };
    let township = std::iter::successors(Some(township), AreaCode::parent)
        .find(|a| a.level() == Level::Township)
        .ok_or_else(|| anyhow::anyhow!("demo applications: the household lies in no township"))?;
    let county = township.parent().ok_or_else(|| anyhow::anyhow!("demo applications: no county"))?;
    let mut households = Vec::new();
    candidates.sort_by_key(|d| d.household_id);
    for damage in candidates {
        if households.len() == 9 {
            break;
        }
        if let Some(h) = store.get_household(damage.household_id).await?
            && township.contains(&h.area_code)
        {
            households.push((h.id, damage.emergency_persons));
        }
    }
    if households.len() < 9 {
        return Ok(());
    }
    let [caseworker, reviewer, decider] = [
        chain_user(store, CHAIN_USERS[0].0, CHAIN_USERS[0].1, township.clone()).await?,
        chain_user(store, CHAIN_USERS[1].0, CHAIN_USERS[1].1, township.clone()).await?,
        chain_user(store, CHAIN_USERS[2].0, CHAIN_USERS[2].1, county).await?,
    ];
    let mut ids = Vec::new();
    for (household_id, persons) in &households {
        let input = ApplicationInput {
            event_id: event.id,
            household_id: *household_id,
            aid_type: AidType::Emergency,
            persons: *persons,
            reason: "房屋进水，口粮和衣被被冲毁，需紧急生活救助（虚构）".into(),
            phone: Some("0792-0000000".into()),
            attachments: Some(vec!["申请表扫描件（虚构）".into()]),
        };
        ids.push(chain::file(store, &caseworker, input).await.map_err(err("filing"))?);
    }
    let assess =
        |decision: VillageDecision, votes_for: i64, votes_against: i64, reason: Option<&str>| VillageAssessmentInput {
            decision,
            minutes: "村民代表会议，四议两公开，到会代表13人（虚构）".into(),
            votes_for,
            votes_against,
            reason: reason.map(str::to_owned),
            photos: Some(vec!["会议照片1（虚构）".into()]),
        };
    let notice = |start| NoticeInput {
        event_id: event.id,
        aid_type: AidType::Emergency,
        area_code: township.clone(),
        location: Some("村务公开栏（虚构）".into()),
        start: Some(start),
        days: None,
    };
    // Four recommended and posted in a notice that ended two weeks ago: one approved by the township
    // and the county (now in the county's grant list), one rejected by the county, one at the county,
    // one still waiting for the township (overdue).
    for id in &ids[0..4] {
        chain::assess(store, &caseworker, *id, assess(VillageDecision::Recommend, 11, 2, None))
            .await
            .map_err(err("assessing"))?;
    }
    let ended = Utc::now() - Duration::days(settings.disclosure_days + settings.application_review_days + 8);
    chain::post_notice(store, &caseworker, settings, notice(ended)).await.map_err(err("posting the first notice"))?;
    for id in &ids[0..3] {
        let input = TownshipReviewInput {
            decision: TownshipDecision::Approve,
            reason: Some("身份、损失已核实".into()),
        };
        chain::review(store, &reviewer, *id, input).await.map_err(err("reviewing"))?;
    }
    let approve = CountyDecisionInput { decision: CountyDecision::Approve, amount_fen: None, reason: None };
    chain::decide(store, &decider, ids[0], approve).await.map_err(err("deciding"))?;
    let reject = CountyDecisionInput {
        decision: CountyDecision::Reject,
        amount_fen: None,
        reason: Some("抽查发现家中另有住房和存粮，不符合紧急救助条件（虚构）".into()),
    };
    chain::decide(store, &decider, ids[1], reject).await.map_err(err("rejecting"))?;
    // Two in a notice that runs now, one of them under a public objection; one recommended and
    // waiting for its notice; one not recommended; one just filed.
    for id in &ids[4..6] {
        chain::assess(store, &caseworker, *id, assess(VillageDecision::Recommend, 10, 3, None))
            .await
            .map_err(err("assessing"))?;
    }
    let running = chain::post_notice(store, &caseworker, settings, notice(Utc::now() - Duration::days(2)))
        .await
        .map_err(err("posting the second notice"))?;
    let objection = NoticeObjectionInput {
        application_id: Some(ids[5]),
        text: "该户外出务工，房屋未进水（虚构）".into(),
        contact: None,
    };
    chain::object(store, running, objection).await.map_err(err("objecting"))?;
    chain::assess(store, &caseworker, ids[6], assess(VillageDecision::Recommend, 12, 1, None))
        .await
        .map_err(err("assessing"))?;
    let not_recommended = assess(VillageDecision::NotRecommend, 3, 9, Some("损失轻微，家庭有自救能力（虚构）"));
    chain::assess(store, &caseworker, ids[7], not_recommended).await.map_err(err("assessing"))?;
    tracing::info!(township = %township, applications = ids.len(), "demo applications seeded");
    Ok(())
}
