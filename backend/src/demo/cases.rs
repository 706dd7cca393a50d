//! Demo one-window cases (docs/domain/one-window.md): the demo township's requests at every status,
//! referred to the education bureau (a department token the demo issues) and answered by it and by
//! county civil-affairs staff; and the detection alerts the flood raised, one turned into a case and
//! one dismissed. Taken through the services, as staff and the department would.

use chrono::NaiveDate;

use super::actor;
use crate::auth::departments::{self, Department, HandoffProgramme, TokenInput};
use crate::cases::alerts::{self, AlertCaseInput, AlertQuery};
use crate::cases::service::{self as cases, ApplicantInput, CaseInput, OutcomeInput, StaffOutcomeInput};
use crate::cases::store::CaseFilter;
use crate::cases::{CaseKind, CaseSource, Decision, Programme};
use crate::config::Settings;
use crate::households::idnumber;
use crate::households::rules::Need;
use crate::money::Fen;
use crate::store::Store;

fn err(step: &str) -> impl Fn(crate::error::AppError) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("demo one-window cases, {step}: {e}")
}

/// Seeds the cases once (nothing when any case exists, or without the demo township's users).
pub async fn seed_cases(store: &dyn Store, settings: &Settings) -> anyhow::Result<()> {
    if !store.assistance_cases(&CaseFilter { area_pattern: "%".into(), ..CaseFilter::default() }).await?.is_empty() {
        return Ok(());
    }
    let (Some(caseworker), Some(staff), Some(admin)) =
        (actor(store, "caseworker").await?, actor(store, "manager").await?, actor(store, "admin").await?)
    else {
        return Ok(());
    };
    let Some(township) = caseworker.user.area_code.clone() else { return Ok(()) };
    let county = township.at_level(crate::areas::Level::County).unwrap_or_else(|| township.clone());
    let issued = departments::issue(
        store,
        &admin,
        TokenInput {
            department: "教育局（虚构）".into(),
            programmes: vec![HandoffProgramme::Education],
            area_code: county,
            expires_in_days: Some(90),
        },
    )
    .await
    .map_err(err("issuing the education bureau's token"))?;
    tracing::warn!(token = %issued.token, "demo department token of the education bureau (for the department desk)");
    let education = Department { token: issued.view.token, request_id: None };

    let born = NaiveDate::from_ymd_opt(1968, 5, 4).expect("a real day");
    let open = |n: u32, name: &str, kind: CaseKind, programmes: Vec<Programme>, description: &str| CaseInput {
        area_code: township.clone(),
        household_id: None,
        applicant: ApplicantInput {
            name: name.into(),
            id_number: Some(idnumber::compose(township.as_str(), born, 900 + n).as_str().to_owned()),
            phone: format!("139079200{n:02}"),
        },
        kind,
        programmes,
        description: description.into(),
        source: if kind == CaseKind::Urgent { CaseSource::Detection } else { CaseSource::OneWindow },
    };
    let requests = [
        open(
            1,
            "周某（虚构）",
            CaseKind::Urgent,
            vec![Programme::Temporary, Programme::Dibao],
            "户主在洪灾中遇难，家中无劳动力（虚构）",
        ),
        open(
            2,
            "吴某（虚构）",
            CaseKind::Application,
            vec![Programme::Education, Programme::Housing],
            "住房倒塌，两名子女在读（虚构）",
        ),
        open(3, "郑某（虚构）", CaseKind::Application, vec![Programme::Education], "子女入学困难（虚构）"),
        open(
            4,
            "王某（虚构）",
            CaseKind::Application,
            vec![Programme::Dibao, Programme::Education],
            "因灾失去收入来源（虚构）",
        ),
        open(5, "冯某（虚构）", CaseKind::Application, vec![Programme::Tekun], "独居老人申请特困供养（虚构）"),
    ];
    let mut ids = Vec::new();
    for request in requests {
        ids.push(cases::open_case(store, settings, &caseworker, request, None).await.map_err(err("taking in"))?);
    }
    // Case 1 stays received; 2–5 are referred.
    for &id in &ids[1..] {
        cases::refer(store, settings, &caseworker, id).await.map_err(err("referring"))?;
    }
    // Case 3: accepted by the education bureau. Case 4: answered by it and by county staff.
    cases::department_accept(store, &education, ids[2]).await.map_err(err("accepting"))?;
    let grant = OutcomeInput {
        decision: Decision::Granted,
        amount_fen: Some(Fen(100_000)),
        reason: "免除学杂费并发放助学金（虚构）".into(),
    };
    cases::department_outcome(store, &education, ids[3], grant).await.map_err(err("answering"))?;
    let dibao = StaffOutcomeInput {
        programme: Programme::Dibao,
        decision: Decision::Granted,
        amount_fen: Some(Fen(68_000)),
        reason: "核实家庭收入低于当地低保标准，纳入低保（虚构）".into(),
    };
    cases::staff_outcome(store, &staff, ids[3], dibao).await.map_err(err("answering 低保"))?;
    // Case 5: withdrawn.
    cases::close(store, &caseworker, ids[4], "申请人已由亲属赡养，撤回申请（虚构）").await.map_err(err("closing"))?;
    seed_alerts(store, settings, &caseworker).await
}

/// Detection over the flood's damage records, as the nightly run would; in the caseworker's
/// township one hardship alert becomes a case and one is dismissed, the rest stay open.
async fn seed_alerts(store: &dyn Store, settings: &Settings, caseworker: &crate::auth::Actor) -> anyhow::Result<()> {
    let audit = crate::audit::AuditEntry::system("assistance_alert.scan", "event", "");
    let outcome = alerts::scan(store, None, &audit).await.map_err(err("detecting"))?;
    tracing::info!(raised = outcome.raised, households = outcome.households, "demo detection alerts raised");
    let open = alerts::list(store, caseworker, &AlertQuery::default()).await.map_err(err("listing alerts"))?;
    let mut hardship = open.iter().filter(|a| a.need == Need::Hardship);
    if let Some(first) = hardship.next() {
        let input = AlertCaseInput { phone: Some("13907920088".into()), description: None };
        alerts::to_case(store, settings, caseworker, first.id, input).await.map_err(err("converting an alert"))?;
    }
    if let Some(second) = hardship.next() {
        let reason = "已在外县纳入低保，经核实无需临时救助（虚构）";
        alerts::dismiss(store, caseworker, second.id, reason).await.map_err(err("dismissing an alert"))?;
    }
    Ok(())
}
