//! Synthetic households for the demo flood: a few thousand clearly made-up households (names
//! like 王某甲, addresses marked 虚构) in the townships that reported losses, with valid ID check
//! digits, and damage records that follow each township's reported collapsed, severe and general
//! damage. Deterministic: the same demo every time.

use rand::Rng;
use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use crate::audit::AuditEntry;
use crate::config::Settings;
use crate::disasters::Indicator;
use crate::households::idnumber;
use crate::households::import::{HouseholdInput, NewHousehold};
use crate::households::pii::Pii;
use crate::households::store::{HouseholdFilter, ImportMessage, NewDamage};
use crate::households::{AgeGroup, Enrolment, Exclusion, HouseDamage, HouseholdType, Member, Programme};
use crate::store::Store;
use crate::text_enum::enum_text;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗",
    "高", "熊", "邹", "万", "程", "涂", "喻", "余", "曹", "彭", "汪",
];
const STEMS: &[&str] = &["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];

/// Seeded, so the demo households are the same on every run of this build.
type Mix = rand::rngs::StdRng;

fn household(index: usize, township: &crate::areas::Area, rng: &mut Mix, today: NaiveDate) -> HouseholdInput {
    let birth = NaiveDate::from_ymd_opt(1940, 1, 1).expect("date") + Duration::days((index as i64 * 37) % 23_000);
    let id_number = idnumber::compose(&township.code[..6], birth, ((index * 7 + 3) % 1000) as u32);
    let roll = rng.random_range(0..100);
    let household_type = match roll {
        0..8 => HouseholdType::Dibao,
        8..11 => HouseholdType::Tekun,
        11..13 => HouseholdType::Youfu,
        13..17 => HouseholdType::Disabled,
        _ => HouseholdType::General,
    };
    let members = if household_type == HouseholdType::Tekun { 1 } else { 1 + rng.random_range(0..5) as i64 };
    let elderly_head = birth < NaiveDate::from_ymd_opt(1966, 1, 1).expect("date");
    let mut member_list = vec![Member {
        relation: "户主".into(),
        age_group: if elderly_head { AgeGroup::Elderly } else { AgeGroup::Adult },
        disability: false,
    }];
    for k in 1..members {
        let (relation, age_group) = match k {
            1 => ("配偶", member_list[0].age_group),
            _ if elderly_head => {
                ("孙子女", if rng.random_range(0..3) == 0 { AgeGroup::Preschool } else { AgeGroup::SchoolAge })
            }
            _ => ("子女", if rng.random_range(0..4) == 0 { AgeGroup::Preschool } else { AgeGroup::SchoolAge }),
        };
        member_list.push(Member { relation: relation.into(), age_group, disability: false });
    }
    if household_type == HouseholdType::Disabled {
        let who = rng.random_range(0..member_list.len() as u64) as usize;
        member_list[who].disability = true;
    }
    let since = NaiveDate::from_ymd_opt(2021, 3, 1).expect("date") + Duration::days(rng.random_range(0..900) as i64);
    let mut programmes = Vec::new();
    match household_type {
        HouseholdType::Dibao => programmes.push(Enrolment { programme: Programme::Dibao, since, until: None }),
        HouseholdType::Tekun => programmes.push(Enrolment { programme: Programme::Tekun, since, until: None }),
        _ => {}
    }
    if rng.random_range(0..10) == 0 {
        programmes.push(Enrolment { programme: Programme::Medical, since: since.min(today), until: None });
    }
    let (dx, dy) =
        (rng.random_range(0..4001) as f64 / 100_000.0 - 0.02, rng.random_range(0..4001) as f64 / 100_000.0 - 0.02);
    HouseholdInput {
        head_name: format!(
            "{}某{}",
            SURNAMES[rng.random_range(0..SURNAMES.len() as u64) as usize],
            STEMS[rng.random_range(0..STEMS.len() as u64) as usize]
        ),
        id_number,
        members,
        member_list,
        address: format!(
            "{}某村{}组{}号（虚构）",
            township.name,
            1 + rng.random_range(0..12),
            1 + rng.random_range(0..80)
        ),
        area_code: township.code.clone(),
        lon: Some(((township.lon + dx) * 1e5).round() / 1e5),
        lat: Some(((township.lat + dy) * 1e5).round() / 1e5),
        cell: None,
        household_type,
        programmes,
        bank_account: Some(format!("6217{:012}", rng.random_range(0..1_000_000_000_000u64))),
    }
}

/// Splits `total` rooms over `n` households, at least one each.
fn rooms(total: i64, n: usize, i: usize) -> i64 {
    if n == 0 {
        return 0;
    }
    let n = n as i64;
    let i = i as i64;
    (total / n + i64::from(i < total % n)).max(1)
}

/// Seeds the demo households and their damage in the demo flood. Does nothing if households exist
/// or there is no event.
pub async fn seed_households(store: &dyn Store, settings: &Settings) -> anyhow::Result<()> {
    if store.count_households(&HouseholdFilter { limit: 1, ..Default::default() }).await? > 0 {
        return Ok(());
    }
    let Some(event) = store.list_events().await?.into_iter().find(|e| e.name.contains("虚构")) else {
        return Ok(());
    };
    let summarized = crate::disasters::service::summarize(store, settings, &event)
        .await
        .map_err(|e| anyhow::anyhow!("demo households: {e}"))?;
    let mut townships: Vec<&crate::areas::Area> = summarized
        .areas
        .iter()
        .filter(|a| a.level == crate::areas::Level::Township && summarized.own_best.contains_key(&a.code))
        .collect();
    townships.sort_by(|a, b| a.code.cmp(&b.code));
    let resolution = settings.coverage_resolution();
    let pii = Pii::from_settings(settings);
    let today = crate::clock::today();
    let mut rng = <Mix as rand::SeedableRng>::seed_from_u64(20_200_712);
    let mut sealed: Vec<NewHousehold> = Vec::new();
    // per township: (code, figures, number of households generated there)
    let mut plan: Vec<(crate::areas::AreaCode, HashMap<Indicator, i64>, usize)> = Vec::new();
    for township in &townships {
        let figures: HashMap<Indicator, i64> =
            summarized.own_best[&township.code].iter().map(|(k, v)| (*k, *v)).collect();
        let get = |i: Indicator| figures.get(&i).copied().unwrap_or(0).max(0) as usize;
        let damaged =
            get(Indicator::CollapsedHouseholds) + get(Indicator::SevereHouseholds) + get(Indicator::GeneralHouseholds);
        let count = damaged + damaged / 2 + 10;
        for _ in 0..count {
            let mut input = household(sealed.len(), township, &mut rng, today);
            input.cell =
                crate::areas::import::cell_of(input.lon.unwrap_or(0.0), input.lat.unwrap_or(0.0), resolution).ok();
            if input.cell.is_none() {
                (input.lon, input.lat) = (None, None);
            }
            sealed.push(input.seal(&pii));
        }
        plan.push((township.code.clone(), figures, count));
    }
    if sealed.is_empty() {
        return Ok(());
    }
    let mut audit = AuditEntry::system("demo.seed", "households", event.id.to_string());
    audit.after = Some(serde_json::json!({"synthetic": true}));
    let (sender, mut messages) = tokio::sync::mpsc::channel(2);
    for message in [ImportMessage::Batch(sealed.clone()), ImportMessage::Finish(Some(audit))] {
        sender.try_send(message).expect("room for both messages");
    }
    drop(sender);
    store.import_households(&mut messages, true, &Default::default()).await?;

    // Damage records, township by township, in the order the households were generated.
    let ids: HashMap<String, i64> = store
        .list_households(&HouseholdFilter { limit: sealed.len() as i64 + 1, ..Default::default() })
        .await?
        .into_iter()
        .map(|h| (h.id_hash, h.id))
        .collect();
    let mut records = Vec::new();
    let mut offset = 0;
    for (_, figures, count) in &plan {
        let get = |i: Indicator| figures.get(&i).copied().unwrap_or(0).max(0);
        let grades = [
            (HouseDamage::Collapsed, get(Indicator::CollapsedHouseholds) as usize, get(Indicator::CollapsedRooms)),
            (HouseDamage::Severe, get(Indicator::SevereHouseholds) as usize, get(Indicator::SevereRooms)),
            (HouseDamage::General, get(Indicator::GeneralHouseholds) as usize, get(Indicator::GeneralRooms)),
        ];
        let mut k = 0;
        let mut missing = get(Indicator::Missing);
        // The township's people needing emergency aid live in its damaged houses first.
        let mut emergency = get(Indicator::NeedingEmergencyAid);
        let take = |pool: &mut i64, members: i64| {
            let taken = (*pool).min(members);
            *pool -= taken;
            taken
        };
        for (grade, households, total_rooms) in grades {
            for i in 0..households {
                let h = &sealed[offset + k];
                let lost = grade != HouseDamage::General;
                let second_home = lost && k % 25 == 7;
                let has_other_home = second_home || (lost && k % 15 == 4);
                let mut exclusions = Vec::new();
                if second_home {
                    exclusions.push(Exclusion::SecondHome);
                }
                if grade == HouseDamage::General && k % 20 == 9 {
                    exclusions.push(Exclusion::AuxiliaryRoom);
                }
                records.push(NewDamage {
                    event_id: event.id,
                    household_id: ids[&h.id_hash],
                    house_damage: enum_text(grade),
                    damaged_rooms: rooms(total_rooms, households, i),
                    transitional_persons: if lost && !has_other_home { h.members } else { 0 },
                    emergency_persons: take(&mut emergency, h.members),
                    drought_persons: 0,
                    crop_total_loss: k % 3 == 0,
                    dead: 0,
                    missing: take(&mut missing, h.members),
                    injured: 0,
                    has_other_home,
                    exclusions,
                });
                k += 1;
            }
        }
        // The rest: about half lost their crops only; the others were not hit.
        for j in k..*count {
            if j % 2 == 0 {
                let h = &sealed[offset + j];
                records.push(NewDamage {
                    event_id: event.id,
                    household_id: ids[&h.id_hash],
                    house_damage: enum_text(HouseDamage::None),
                    damaged_rooms: 0,
                    transitional_persons: 0,
                    emergency_persons: take(&mut emergency, h.members),
                    drought_persons: 0,
                    crop_total_loss: true,
                    dead: 0,
                    missing: 0,
                    injured: 0,
                    has_other_home: false,
                    exclusions: vec![],
                });
            }
        }
        offset += count;
    }
    let mut audit = AuditEntry::system("demo.seed", "household_damage", event.id.to_string());
    audit.actor_name = "reporter".into();
    audit.after = Some(serde_json::json!({"records": records.len(), "synthetic": true}));
    store.insert_damage(&records, &audit).await?;
    tracing::info!(households = sealed.len(), damage_records = records.len(), "demo households seeded (synthetic)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_add_up() {
        let total: i64 = (0..7).map(|i| rooms(17, 7, i)).sum();
        assert_eq!(total, 17);
        assert!((0..3).all(|i| rooms(1, 3, i) >= 1), "every damaged house has a room");
    }

    #[test]
    fn demo_households_are_synthetic_and_valid() {
        let township = crate::areas::Area {
            code: "360425100".into(),
            name: "涂埠镇".into(),
            level: crate::areas::Level::Township,
            parent_code: Some("360425".into()),
            population: None,
            lon: 115.8,
            lat: 29.2,
            point_approximate: false,
            has_geometry: false,
        };
        let mut rng = <Mix as rand::SeedableRng>::seed_from_u64(1);
        let today = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let mut ids = std::collections::HashSet::new();
        for i in 0..3000 {
            let h = household(i, &township, &mut rng, today);
            assert_eq!(idnumber::IdNumber::parse(h.id_number.as_str()).as_ref(), Ok(&h.id_number));
            assert!(ids.insert(h.id_number.clone()), "ID numbers are unique");
            assert!(h.head_name.contains('某') && h.address.contains("虚构"));
            assert!((1..=5).contains(&h.members) && h.member_list.len() as i64 == h.members);
        }
    }
}
