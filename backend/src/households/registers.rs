//! The statutory per-household registers an event's damage records fill (docs/domain/loss-reports.md):
//! 因灾死亡失踪人口一览表 (one row per dead or missing person) and 因灾倒塌损坏住房户一览表 (one row per
//! household whose house was damaged). Names are full only for readers who need them; ID numbers
//! are always masked.

use std::collections::HashMap;

use super::store::HouseholdStore;
use super::{DamageRecord, HouseDamage, HouseholdRow, sees_names};
use crate::areas::store::AreaStore;
use crate::auth::Actor;
use crate::disasters::service::event_or_404;
use crate::disasters::store::DisasterStore;
use crate::error::AppResult;
use crate::export::{Cell, Table};

/// Which register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    DeadMissing,
    DamagedHouses,
}

impl Register {
    pub fn file(self) -> &'static str {
        match self {
            Self::DeadMissing => "dead-missing",
            Self::DamagedHouses => "damaged-houses",
        }
    }
}

/// Columns another domain adds to a register's rows, per household (e.g. a rebuild case's status
/// and payments); households without values get empty cells.
#[derive(Debug, Default)]
pub struct ExtraColumns {
    pub headers: Vec<&'static str>,
    pub by_household: HashMap<i64, Vec<Cell>>,
}

/// The register of an event within the area `pattern` covers (`LIKE`), in area and household order.
pub async fn register<S: AreaStore + DisasterStore + HouseholdStore + ?Sized>(
    store: &S,
    actor: &Actor,
    event_id: i64,
    pattern: &str,
    register: Register,
    extra: ExtraColumns,
) -> AppResult<Table> {
    let event = event_or_404(store, event_id).await?;
    let names = crate::areas::service::area_names(store).await?;
    let households: HashMap<i64, HouseholdRow> =
        store.damaged_households(event_id, pattern).await?.into_iter().map(|h| (h.id, h)).collect();
    let mut records: Vec<DamageRecord> = store.damage_records(event_id, Some(pattern)).await?;
    records.sort_by(|a, b| (&a.area_code, a.household_id).cmp(&(&b.area_code, b.household_id)));
    // Each row: where, whose household, then the register's own columns.
    let identify = |d: &DamageRecord| -> Option<(&HouseholdRow, Vec<Cell>)> {
        let h = households.get(&d.household_id)?;
        let name = if sees_names(&actor.user, &h.area_code) { &h.head_name } else { &h.name_masked };
        let place = names.get(&h.area_code).cloned().unwrap_or_default();
        Some((h, vec![place.into(), h.area_code.as_str().into(), name.as_str().into(), h.id_masked.as_str().into()]))
    };
    let recorded = |d: &DamageRecord| -> Vec<Cell> {
        vec![
            d.recorded_by.as_str().into(),
            d.recorded_at.with_timezone(&crate::clock::beijing()).format("%Y-%m-%d %H:%M").to_string().into(),
        ]
    };
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let (title, own): (&str, Vec<&'static str>) = match register {
        Register::DeadMissing => {
            for d in &records {
                let Some((h, who)) = identify(d) else { continue };
                let persons =
                    std::iter::repeat_n("死亡", d.dead as usize).chain(std::iter::repeat_n("失踪", d.missing as usize));
                for state in persons {
                    let mut row = who.clone();
                    row.extend([state.into(), h.address.as_str().into(), h.members.into()]);
                    row.extend(recorded(d));
                    rows.push(row);
                }
            }
            ("因灾死亡失踪人口一览表", vec!["情形", "家庭住址", "家庭人口", "登记人", "登记时间"])
        }
        Register::DamagedHouses => {
            for d in records.iter().filter(|d| d.house_damage.0 != HouseDamage::None) {
                let Some((h, mut row)) = identify(d) else { continue };
                let exclusions: Vec<&str> = d.exclusions.0.iter().map(|e| e.label_zh()).collect();
                row.extend([
                    h.members.into(),
                    h.kind().label_zh().into(),
                    h.address.as_str().into(),
                    d.house_damage.0.label_zh().into(),
                    d.damaged_rooms.into(),
                    d.transitional_persons.into(),
                    (if d.has_other_home { "是" } else { "否" }).into(),
                    exclusions.join("；").into(),
                ]);
                row.extend(recorded(d));
                match extra.by_household.get(&h.id) {
                    Some(cells) => row.extend(cells.iter().cloned()),
                    None => row.extend(std::iter::repeat_n(Cell::Empty, extra.headers.len())),
                }
                rows.push(row);
            }
            (
                "因灾倒塌损坏住房户一览表",
                vec![
                    "家庭人口",
                    "家庭类型",
                    "家庭住址",
                    "损坏程度",
                    "损坏间数",
                    "需过渡期生活救助人数",
                    "另有住房",
                    "重建补助排除情形",
                    "登记人",
                    "登记时间",
                ]
                .into_iter()
                .chain(extra.headers.iter().copied())
                .collect(),
            )
        }
    };
    let mut headers = vec!["序号", "所在地", "区划代码", "户主姓名", "户主身份证号"];
    headers.extend(own);
    for (i, row) in rows.iter_mut().enumerate() {
        row.insert(0, Cell::Int(i as i64 + 1));
    }
    Ok(Table { name: format!("event-{}-{}", event.id, register.file()), title: title.into(), headers, rows })
}
