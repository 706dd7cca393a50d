//! Hand-offs to the other social-assistance programmes: per programme, the households an event
//! left in need of it (children to the education bureau, collapsed houses to housing aid, …),
//! as a table for staff (masked) or for the receiving department (in full, to enrol them).

use std::collections::HashMap;

use serde_json::{Value, json};

use super::disclosure::Public;
use super::store::GrantStore;
use crate::auth::departments::HandoffProgramme;
use crate::error::{AppError, AppResult};
use crate::export::{Cell, Table};
use crate::households::pii::Pii;
use crate::households::rules::{DamageFacts, Need, poverty_class};
use crate::households::store::HouseholdStore;
use crate::households::{AgeGroup, DamageRecord, HouseDamage, HouseholdRow, sees_names};

/// The stores a hand-off reads.
pub trait Referring: Public + GrantStore + HouseholdStore {}
impl<T: Public + GrantStore + HouseholdStore + ?Sized> Referring for T {}

/// What the audit record of a hand-off read says.
pub fn audit_record(table: &Table, programme: HandoffProgramme, event_id: i64, area: &str, format: &str) -> Value {
    json!({"programme": programme.file(), "event_id": event_id, "area": area, "rows": table.rows.len(), "format": format})
}

/// How a hand-off identifies its households, by reader.
pub enum Identify<'a> {
    /// Staff: full names for the managers and admins of the area, masked otherwise; ID numbers masked.
    Staff(&'a crate::auth::User),
    /// The receiving department enrols the household, so it reads the full name and ID number.
    Department(&'a Pii),
}

impl Identify<'_> {
    fn name_and_id(&self, h: &HouseholdRow) -> AppResult<(Cell, Cell)> {
        Ok(match self {
            Self::Staff(user) => {
                let name = if sees_names(user, &h.area_code) { h.head_name.as_str() } else { h.name_masked.as_str() };
                (name.into(), h.id_masked.as_str().into())
            }
            Self::Department(pii) => {
                let id_number = pii.decrypt(&h.id_encrypted).map_err(|e| AppError::Internal(e.into()))?;
                (h.head_name.as_str().into(), id_number.into())
            }
        })
    }
}

/// The hand-off table of a programme for an event within an area subtree (`LIKE` pattern).
pub async fn table<S: Referring + ?Sized>(
    store: &S,
    event_id: i64,
    area: &str,
    programme: HandoffProgramme,
    identify: Identify<'_>,
) -> AppResult<Table> {
    let damage: HashMap<i64, DamageRecord> =
        store.damage_records(event_id, Some(area)).await?.into_iter().map(|d| (d.household_id, d)).collect();
    let households = store.damaged_households(event_id, area).await?;
    let names = crate::areas::service::area_names(store).await?;
    let paid = store.paid_by_household(event_id).await?;
    let today = crate::clock::today();
    let who: HashMap<i64, (Cell, Cell)> =
        households.iter().map(|h| Ok((h.id, identify.name_and_id(h)?))).collect::<AppResult<_>>()?;
    // Every row opens with the household: number, head, ID number, place.
    let identity = |h: &HouseholdRow| -> Vec<Cell> {
        let (name, id_number) = who[&h.id].clone();
        let place = names.get(&h.area_code).cloned().unwrap_or_default();
        vec![h.id.into(), name, id_number, place.into(), h.area_code.as_str().into()]
    };
    let (title, own_headers, rows): (&str, Vec<&'static str>, Vec<Vec<Cell>>) = match programme {
        HandoffProgramme::Education => {
            let rows = households
                .iter()
                .filter_map(|h| {
                    let d = damage.get(&h.id)?.facts();
                    let class = poverty_class(&h.facts(today))?.label_zh();
                    let children: Vec<_> = h
                        .member_list
                        .0
                        .iter()
                        .filter(|m| matches!(m.age_group, AgeGroup::Preschool | AgeGroup::SchoolAge))
                        .collect();
                    h.needs(&d, today).contains(&Need::Schooling).then(|| {
                        let count = |group| children.iter().filter(|m| m.age_group == group).count() as i64;
                        let relations: Vec<&str> = children.iter().map(|m| m.relation.as_str()).collect();
                        let mut row = identity(h);
                        row.extend([
                            h.address.as_str().into(),
                            count(AgeGroup::Preschool).into(),
                            count(AgeGroup::SchoolAge).into(),
                            relations.join("、").into(),
                            format!("{class}受灾：{}", losses(&d).join("；")).into(),
                        ]);
                        row
                    })
                })
                .collect();
            ("教育救助转介", vec!["家庭住址", "学前人数", "在学年龄人数", "与户主关系", "转介原因"], rows)
        }
        HandoffProgramme::TemporaryAssistance => {
            let rows = households
                .iter()
                .filter_map(|h| {
                    let d = damage.get(&h.id)?.facts();
                    let hardship = d.house_lost() || d.crop_total_loss || d.dead + d.missing > 0;
                    hardship.then(|| {
                        let covered = poverty_class(&h.facts(today)).is_some();
                        let paid = paid.get(&h.id).copied().unwrap_or(0);
                        let mut row = identity(h);
                        row.extend([
                            h.members.into(),
                            h.kind().label_zh().into(),
                            losses(&d).join("；").into(),
                            crate::money::Fen(paid).decimal().into(),
                            (if covered { "是" } else { "否" }).into(),
                        ]);
                        row
                    })
                })
                .collect();
            ("临时救助转介", vec!["家庭人口", "家庭类型", "转介原因", "已发救灾资金(元)", "已纳入低保/特困"], rows)
        }
        HandoffProgramme::Housing => {
            let rows = households
                .iter()
                .filter_map(|h| {
                    let d = damage.get(&h.id)?;
                    d.facts().house_lost().then(|| {
                        let exclusions: Vec<&str> = d.exclusions.0.iter().map(|e| e.label_zh()).collect();
                        let mut row = identity(h);
                        row.extend([
                            h.address.as_str().into(),
                            h.members.into(),
                            d.house_damage.0.label_zh().into(),
                            d.damaged_rooms.into(),
                            h.kind().label_zh().into(),
                            (if d.has_other_home { "是" } else { "否" }).into(),
                            exclusions.join("；").into(),
                            format!("房屋{}{}间", d.house_damage.0.label_zh(), d.damaged_rooms).into(),
                        ]);
                        row
                    })
                })
                .collect();
            (
                "住房救助转介",
                vec![
                    "家庭住址",
                    "家庭人口",
                    "损坏程度",
                    "损坏间数",
                    "家庭类型",
                    "另有住房",
                    "重建补助排除情形",
                    "转介原因",
                ],
                rows,
            )
        }
        HandoffProgramme::Medical => {
            let rows = households
                .iter()
                .filter_map(|h| {
                    let d = damage.get(&h.id)?;
                    h.needs(&d.facts(), today).contains(&Need::Injury).then(|| {
                        let mut row = identity(h);
                        row.extend([
                            h.address.as_str().into(),
                            h.members.into(),
                            d.injured.into(),
                            h.kind().label_zh().into(),
                            (if poverty_class(&h.facts(today)).is_some() { "是" } else { "否" }).into(),
                            format!("受伤{}人", d.injured).into(),
                        ]);
                        row
                    })
                })
                .collect();
            ("医疗救助转介", vec!["家庭住址", "家庭人口", "受伤人数", "家庭类型", "已纳入低保/特困", "转介原因"], rows)
        }
    };
    let mut headers = vec!["户编号", "户主姓名", "身份证号", "所在地", "区划代码"];
    headers.extend(own_headers);
    Ok(Table { name: format!("handoff-{}-event-{event_id}", programme.file()), title: title.into(), headers, rows })
}

/// The household's losses in words, as a hand-off gives its reason.
fn losses(d: &DamageFacts) -> Vec<String> {
    let mut why = Vec::new();
    if d.house != HouseDamage::None {
        why.push(format!("房屋{}", d.house.label_zh()));
    }
    if d.crop_total_loss {
        why.push("农作物绝收".to_owned());
    }
    if d.dead + d.missing > 0 {
        why.push(format!("死亡{}人、失踪{}人", d.dead, d.missing));
    }
    if d.injured > 0 {
        why.push(format!("受伤{}人", d.injured));
    }
    if why.is_empty() {
        why.push("有受灾记录".to_owned());
    }
    why
}
