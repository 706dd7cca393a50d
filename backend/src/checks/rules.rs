//! The cross-programme checks — pure functions over what the store loaded (docs/domain/checks.md).
//! Each returns its findings in key order; a finding's key is stable while the same records
//! disagree in the same way, so its stored resolution keeps applying.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sha2::{Digest, Sha256};

use super::{CheckKind, FindingGrant, FindingStock, Found};
use crate::areas::AreaCode;
use crate::depots::Norm;
use crate::disasters::Hazard;
use crate::funds::AidType;
use crate::funds::rules::Standards;
use crate::households::rules::{DamageFacts, HouseholdFacts, assess};
use crate::money::Fen;
use crate::text_enum::enum_text;

/// Stock received in an area is "far off" the people served there when it is more than this many
/// times what the item's norm gives them, or less than the norm's figure divided by it.
pub const STOCK_FACTOR: i64 = 2;

/// A grant line on a list that is not cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantLine {
    pub id: i64,
    pub list_id: i64,
    pub event_id: i64,
    pub aid: AidType,
    pub household_id: i64,
    pub household_area: AreaCode,
    pub amount_fen: Fen,
    /// 0: paid at once; 1, 2, …: a payment phase (winter–spring phases, rebuild stages).
    pub phase: i64,
}

/// What the product itself set as a household's standard for an aid item in an event, where a
/// path other than the register set it: an approved application's claim (applications and
/// winter–spring need records), or a rebuild case's standard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetStandard {
    pub standard_fen: Fen,
    /// e.g. `application 12`, `rebuild case 3`.
    pub source: String,
}

/// What the grant checks read: the grants, their households and damage records, the standards.
#[derive(Debug, Clone)]
pub struct GrantData {
    pub grants: Vec<GrantLine>,
    /// The facts of every household with a grant (programmes as of today).
    pub households: HashMap<i64, HouseholdFacts>,
    /// (event, household) → the damage record's facts.
    pub damage: HashMap<(i64, i64), DamageFacts>,
    /// (event, aid, household) → the standard another path set.
    pub set_standards: HashMap<(i64, AidType, i64), SetStandard>,
    pub hazards: HashMap<i64, Hazard>,
    pub standards: Standards,
}

/// A one-window case's applicant, matched by the keyed hash of the ID number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseIdentity {
    pub case_id: i64,
    /// The keyed hash of the applicant's ID number.
    pub id_key: String,
    pub case_area: AreaCode,
    /// The household the case was filed for, with its area.
    pub case_household: Option<(i64, AreaCode)>,
    /// The household whose head has this ID number, with its area.
    pub head_household: Option<(i64, AreaCode)>,
}

/// A household's bank account, as a keyed hash (the account itself is never compared in clear
/// outside the service that decrypts it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankHolder {
    pub household_id: i64,
    pub area_code: AreaCode,
    pub account_key: [u8; 16],
}

/// Units of an item received in an area from a shipment of an emergency materials plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub event_id: i64,
    pub shipment_id: i64,
    pub depot_id: i64,
    pub area_code: AreaCode,
    pub item_code: String,
    pub units: i64,
}

/// An item's emergency norm (persons or households; shelter norms are not checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemNorm {
    pub name_zh: String,
    pub name_en: String,
    pub unit: String,
    pub norm: Norm,
}

/// A short stable fingerprint of a keyed hash, for finding keys (the hash itself is not shown).
pub fn fingerprint(bytes: &[u8]) -> String {
    hex::encode(&Sha256::digest(bytes)[..8])
}

/// The lowest area that holds all of `areas` (the first itself when there is one).
pub fn common_area<'a>(mut areas: impl Iterator<Item = &'a AreaCode>) -> Option<AreaCode> {
    let mut common = areas.next()?.clone();
    for area in areas {
        while !common.contains(area.as_str()) {
            match common.parent() {
                Some(parent) => common = parent,
                None => break,
            }
        }
    }
    Some(common)
}

fn ids(list: impl IntoIterator<Item = i64>) -> Vec<i64> {
    list.into_iter().collect::<BTreeSet<_>>().into_iter().collect()
}

fn joined(list: &[i64]) -> String {
    list.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

fn found(kind: CheckKind, key: String, area_code: AreaCode, summary: String) -> Found {
    Found {
        key,
        kind,
        area_code,
        event_id: None,
        household_ids: Vec::new(),
        grant_ids: Vec::new(),
        list_ids: Vec::new(),
        case_ids: Vec::new(),
        shipment_ids: Vec::new(),
        depot_ids: Vec::new(),
        summary,
        figures: Default::default(),
    }
}

/// Check 1: one person in two households: the households the applicant's one-window cases were filed
/// for and the household the same ID number is head of, when they are two or more. (Two heads
/// cannot share an ID number: the register's ID hash is unique.)
pub fn person_in_two_households(cases: &[CaseIdentity]) -> Vec<Found> {
    let mut by_person: BTreeMap<&str, Vec<&CaseIdentity>> = BTreeMap::new();
    for case in cases {
        by_person.entry(case.id_key.as_str()).or_default().push(case);
    }
    let mut findings = Vec::new();
    for (id_key, cases) in by_person {
        let mut households: BTreeMap<i64, &AreaCode> = BTreeMap::new();
        for case in &cases {
            for (id, area) in case.case_household.iter().chain(case.head_household.iter()) {
                households.insert(*id, area);
            }
        }
        if households.len() < 2 {
            continue;
        }
        let case_ids = ids(cases.iter().map(|c| c.case_id));
        let head = cases.iter().find_map(|c| c.head_household.as_ref().map(|(id, _)| *id));
        let filed_for = ids(cases.iter().filter_map(|c| c.case_household.as_ref().map(|(id, _)| *id)));
        let summary = match head {
            Some(head) => format!(
                "the head of household {head} is the applicant of one-window case(s) {} filed for household(s) {}",
                joined(&case_ids),
                joined(&filed_for)
            ),
            None => format!(
                "one applicant's one-window cases {} were filed for different households: {}",
                joined(&case_ids),
                joined(&filed_for)
            ),
        };
        let area = common_area(households.values().copied().chain(cases.iter().map(|c| &c.case_area)))
            .expect("two households");
        let mut finding = found(
            CheckKind::PersonInTwoHouseholds,
            format!("person_in_two_households:{}", fingerprint(id_key.as_bytes())),
            area,
            summary,
        );
        finding.household_ids = households.keys().copied().collect();
        finding.case_ids = case_ids;
        finding.figures.head_household_id = head;
        findings.push(finding);
    }
    findings
}

/// Check 2: one bank account on two or more households (so with different heads: a head's ID number is
/// registered once).
pub fn shared_bank(holders: &[BankHolder]) -> Vec<Found> {
    let mut by_account: HashMap<&[u8; 16], Vec<&BankHolder>> = HashMap::with_capacity(holders.len());
    for holder in holders {
        by_account.entry(&holder.account_key).or_default().push(holder);
    }
    let mut findings: Vec<Found> = by_account
        .into_iter()
        .filter(|(_, holders)| holders.len() > 1)
        .map(|(account, holders)| {
            let households = ids(holders.iter().map(|h| h.household_id));
            let area = common_area(holders.iter().map(|h| &h.area_code)).expect("two holders");
            let mut finding = found(
                CheckKind::BankShared,
                format!("bank_shared:{}", fingerprint(account)),
                area,
                format!(
                    "one bank account (一卡通) is registered for {} households: {}",
                    households.len(),
                    joined(&households)
                ),
            );
            finding.household_ids = households;
            finding
        })
        .collect();
    findings.sort_by(|a, b| a.key.cmp(&b.key));
    findings
}

/// The grants of each (event, aid, household), in key order.
fn by_household_aid(grants: &[GrantLine]) -> BTreeMap<(i64, AidType, i64), Vec<&GrantLine>> {
    let mut groups: BTreeMap<(i64, AidType, i64), Vec<&GrantLine>> = BTreeMap::new();
    for grant in grants {
        groups.entry((grant.event_id, grant.aid, grant.household_id)).or_default().push(grant);
    }
    groups
}

fn grant_finding(kind: CheckKind, key: String, lines: &[&GrantLine], summary: String) -> Found {
    let first = lines[0];
    let mut finding = found(kind, key, first.household_area.clone(), summary);
    finding.event_id = Some(first.event_id);
    finding.household_ids = vec![first.household_id];
    finding.grant_ids = ids(lines.iter().map(|g| g.id));
    finding.list_ids = ids(lines.iter().map(|g| g.list_id));
    finding.figures.grants = lines
        .iter()
        .map(|g| FindingGrant {
            id: g.id,
            list_id: g.list_id,
            aid_type: g.aid,
            amount_fen: g.amount_fen,
            phase: g.phase,
        })
        .collect();
    finding
}

/// Check 3: one aid item paid twice to a household for one event: on a list paying it at once (phase 0)
/// and again on the lists of its payment phases. (Two lines of the same phase cannot exist: the
/// grants are unique per event, aid item, household and phase.)
pub fn double_grants(grants: &[GrantLine]) -> Vec<Found> {
    let mut findings = Vec::new();
    for ((event_id, aid, household_id), lines) in by_household_aid(grants) {
        let (at_once, phased): (Vec<&GrantLine>, Vec<&GrantLine>) = lines.iter().copied().partition(|g| g.phase == 0);
        if at_once.is_empty() || phased.is_empty() {
            continue;
        }
        let sum = |lines: &[&GrantLine]| lines.iter().map(|g| g.amount_fen).sum::<Fen>();
        let summary = format!(
            "{} for event {event_id} is on list {} at once ({}) and on list(s) {} in payment phases ({})",
            aid.label_zh(),
            joined(&ids(at_once.iter().map(|g| g.list_id))),
            sum(&at_once).yuan(),
            joined(&ids(phased.iter().map(|g| g.list_id))),
            sum(&phased).yuan(),
        );
        findings.push(grant_finding(
            CheckKind::DoubleGrant,
            format!("double_grant:{event_id}:{}:{household_id}", enum_text(aid)),
            &lines,
            summary,
        ));
    }
    findings
}

/// The rules that say a household has no loss at all: check 5 names those grants, not check 4.
fn no_loss_rule(rule: &str) -> bool {
    matches!(rule, "damage.no_record" | "damage.not_affected")
}

/// Check 4: a household's grants of an aid item for an event (all lists and phases together) above its
/// standard: the one an approved application or a rebuild case set, else what the register's
/// rules (`households::rules::assess`) give under the standards in force.
pub fn above_standard(data: &GrantData) -> Vec<Found> {
    let mut findings = Vec::new();
    for ((event_id, aid, household_id), lines) in by_household_aid(&data.grants) {
        let total: Fen = lines.iter().map(|g| g.amount_fen).sum();
        let (standard, basis) = match data.set_standards.get(&(event_id, aid, household_id)) {
            Some(set) => (set.standard_fen, set.source.clone()),
            None => {
                let (Some(hazard), Some(household)) = (data.hazards.get(&event_id), data.households.get(&household_id))
                else {
                    continue;
                };
                let damage = data.damage.get(&(event_id, household_id));
                match assess(&data.standards, aid, *hazard, household, damage) {
                    Ok(entitlement) => (entitlement.amount_fen, entitlement.reason),
                    Err(rule) if no_loss_rule(rule.rule) => continue,
                    Err(rule) => (Fen::ZERO, format!("not eligible, {}", rule.rule)),
                }
            }
        };
        if total <= standard {
            continue;
        }
        let summary = format!(
            "{} for event {event_id}: {} granted on list(s) {}, the standard gives {} ({basis})",
            aid.label_zh(),
            total.yuan(),
            joined(&ids(lines.iter().map(|g| g.list_id))),
            standard.yuan(),
        );
        let mut finding = grant_finding(
            CheckKind::AboveStandard,
            format!("above_standard:{event_id}:{}:{household_id}", enum_text(aid)),
            &lines,
            summary,
        );
        finding.figures.standard_fen = Some(standard);
        findings.push(finding);
    }
    findings
}

/// Check 5: relief granted for an event to a household whose damage record for it shows no loss, or
/// that has none.
pub fn grants_without_loss(data: &GrantData) -> Vec<Found> {
    let mut groups: BTreeMap<(i64, i64), Vec<&GrantLine>> = BTreeMap::new();
    for grant in &data.grants {
        groups.entry((grant.event_id, grant.household_id)).or_default().push(grant);
    }
    let mut findings = Vec::new();
    for ((event_id, household_id), lines) in groups {
        let damage = data.damage.get(&(event_id, household_id));
        let why = match damage {
            None => "it has no damage record for the event",
            Some(damage) if !damage.affected() => "its damage record shows no loss",
            Some(_) => continue,
        };
        let aids: BTreeSet<&str> = lines.iter().map(|g| g.aid.label_zh()).collect();
        let total: Fen = lines.iter().map(|g| g.amount_fen).sum();
        let summary = format!(
            "granted {} ({}) for event {event_id} on list(s) {}, but {why}",
            aids.into_iter().collect::<Vec<_>>().join("、"),
            total.yuan(),
            joined(&ids(lines.iter().map(|g| g.list_id))),
        );
        let mut finding = grant_finding(
            CheckKind::GrantWithoutLoss,
            format!("grant_without_loss:{event_id}:{household_id}"),
            &lines,
            summary,
        );
        finding.figures.no_damage_record = damage.is_none();
        findings.push(finding);
    }
    findings
}

/// What an item's norm gives `persons` people in `households` households, rounded up.
pub fn norm_units(norm: &Norm, persons: i64, households: i64) -> i64 {
    let basis = if norm.basis.per_household() { households } else { persons };
    (basis.max(0) * norm.per_thousand + 999) / 1000
}

/// Whether `units` received is far off `expected`: some received where the norm gives none, or
/// more than `factor` times off either way.
pub fn far_off(units: i64, expected: i64, factor: i64) -> bool {
    if expected == 0 {
        return units > 0;
    }
    units > expected * factor || units * factor < expected
}

/// Check 6: stock received in an area from emergency materials plans against the people granted
/// emergency aid there (the emergency persons of the damage records of the households with an
/// emergency grant for the event, in the area's subtree): one finding per event, area and item
/// whose units are far off what the item's emergency norm gives those people.
pub fn stock_vs_served(received: &[Received], data: &GrantData, items: &HashMap<String, ItemNorm>) -> Vec<Found> {
    // (event, area) → item → (units, shipments, depots)
    type Lines = BTreeMap<String, (i64, BTreeSet<i64>, BTreeSet<i64>)>;
    let mut by_area: BTreeMap<(i64, AreaCode), Lines> = BTreeMap::new();
    for line in received {
        let entry = by_area
            .entry((line.event_id, line.area_code.clone()))
            .or_default()
            .entry(line.item_code.clone())
            .or_default();
        entry.0 += line.units;
        entry.1.insert(line.shipment_id);
        entry.2.insert(line.depot_id);
    }
    let emergency: Vec<&GrantLine> = data.grants.iter().filter(|g| g.aid == AidType::Emergency).collect();
    let mut findings = Vec::new();
    for ((event_id, area), lines) in by_area {
        let served: BTreeSet<i64> = emergency
            .iter()
            .filter(|g| g.event_id == event_id && area.contains(g.household_area.as_str()))
            .map(|g| g.household_id)
            .collect();
        let persons: i64 =
            served.iter().filter_map(|h| data.damage.get(&(event_id, *h))).map(|d| d.emergency_persons.max(0)).sum();
        let households = served.len() as i64;
        for (item_code, (units, shipments, depots)) in lines {
            let Some(item) = items.get(&item_code) else { continue };
            let expected = norm_units(&item.norm, persons, households);
            if !far_off(units, expected, STOCK_FACTOR) {
                continue;
            }
            let per = if item.norm.basis.per_household() { "households" } else { "persons" };
            let summary = format!(
                "{units} {unit} of {name} received in {area_code} for event {event_id}; {persons} persons in {households} \
                 households were granted emergency aid there, for whom the norm ({per_thousand} per 1,000 {per}) \
                 gives {expected} (more than {STOCK_FACTOR}× off)",
                unit = item.unit,
                name = item.name_zh,
                area_code = area.as_str(),
                per_thousand = item.norm.per_thousand,
            );
            let mut finding = found(
                CheckKind::StockVsServed,
                format!("stock_vs_served:{event_id}:{area}:{item_code}", area = area.as_str()),
                area.clone(),
                summary,
            );
            finding.event_id = Some(event_id);
            finding.household_ids = served.iter().copied().collect();
            finding.shipment_ids = shipments.into_iter().collect();
            finding.depot_ids = depots.into_iter().collect();
            finding.figures.stock = Some(FindingStock {
                item_code: item_code.clone(),
                item_name_zh: item.name_zh.clone(),
                item_name_en: item.name_en.clone(),
                unit: item.unit.clone(),
                received: units,
                expected,
                persons,
                households,
            });
            findings.push(finding);
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::depots::NormBasis;
    use crate::households::{HouseDamage, HouseholdType};

    fn area(code: &str) -> AreaCode {
        AreaCode::parse(code).unwrap()
    }

    fn facts(members: i64) -> HouseholdFacts {
        HouseholdFacts { kind: HouseholdType::General, members, disabled_member: false, programmes: BTreeSet::new() }
    }

    fn damage(house: HouseDamage, emergency_persons: i64) -> DamageFacts {
        DamageFacts {
            house,
            rooms: if house == HouseDamage::None { 0 } else { 2 },
            transitional_persons: 0,
            emergency_persons,
            drought_persons: 0,
            crop_total_loss: false,
            dead: 0,
            missing: 0,
            injured: 0,
            has_other_home: false,
            exclusions: vec![],
        }
    }

    fn grant(id: i64, list_id: i64, aid: AidType, household_id: i64, yuan: i64, phase: i64) -> GrantLine {
        GrantLine {
            id,
            list_id,
            event_id: 1,
            aid,
            household_id,
            household_area: area("360425105"),
            amount_fen: Fen(yuan * 100),
            phase,
        }
    }

    fn data(grants: Vec<GrantLine>) -> GrantData {
        GrantData {
            grants,
            households: (1..=5).map(|h| (h, facts(3))).collect(),
            damage: HashMap::new(),
            set_standards: HashMap::new(),
            hazards: [(1, Hazard::Flood)].into_iter().collect(),
            standards: Standards::with_stored(vec![]),
        }
    }

    #[test]
    fn common_area_is_the_lowest_holding_all() {
        let a = area("360425105");
        let b = area("360425106");
        let c = area("360428100");
        assert_eq!(common_area([&a].into_iter()), Some(a.clone()));
        assert_eq!(common_area([&a, &a].into_iter()), Some(a.clone()));
        assert_eq!(common_area([&a, &b].into_iter()), Some(area("360425")));
        assert_eq!(common_area([&a, &b, &c].into_iter()), Some(area("360400")));
        assert_eq!(common_area(std::iter::empty()), None);
    }

    #[test]
    fn a_case_for_another_household_than_the_applicant_heads_is_found() {
        let case = |case_id, household: Option<i64>, head: Option<i64>| CaseIdentity {
            case_id,
            id_key: "aa".into(),
            case_area: area("360425105"),
            case_household: household.map(|h| (h, area("360425105"))),
            head_household: head.map(|h| (h, area("360425106"))),
        };
        // Filed for the household the applicant heads: in order.
        assert!(person_in_two_households(&[case(1, Some(7), Some(7))]).is_empty());
        // Filed with no household, or the applicant heads none: nothing to compare.
        assert!(person_in_two_households(&[case(1, None, Some(7)), case(2, Some(8), None)]).len() == 1);
        assert!(person_in_two_households(&[case(1, None, Some(7))]).is_empty());
        let found = person_in_two_households(&[case(1, Some(8), Some(7))]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].household_ids, vec![7, 8]);
        assert_eq!(found[0].case_ids, vec![1]);
        assert_eq!(found[0].area_code, area("360425"));
        assert!(found[0].key.starts_with("person_in_two_households:"));
        assert!(!found[0].key.contains("aa"), "the keyed hash is not shown");
        assert!(found[0].summary.contains("head of household 7"), "{}", found[0].summary);
        assert_eq!(found[0].figures.head_household_id, Some(7));
        // The key does not depend on the case ids: a third case keeps it.
        let again = person_in_two_households(&[case(1, Some(8), Some(7)), case(9, Some(8), Some(7))]);
        assert_eq!(again[0].key, found[0].key);
    }

    #[test]
    fn a_shared_account_is_found_once_per_account() {
        let holder = |household_id, key: u8, code: &str| BankHolder {
            household_id,
            area_code: area(code),
            account_key: [key; 16],
        };
        let holders = vec![
            holder(1, 1, "360425105"),
            holder(2, 2, "360425105"),
            holder(3, 1, "360425106"),
            holder(4, 3, "360425105"),
        ];
        let found = shared_bank(&holders);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].household_ids, vec![1, 3]);
        assert_eq!(found[0].area_code, area("360425"));
        assert_eq!(found[0].kind, CheckKind::BankShared);
        assert_eq!(shared_bank(&holders)[0].key, found[0].key, "stable");
        assert!(shared_bank(&holders[1..]).is_empty());
    }

    #[test]
    fn an_aid_paid_at_once_and_in_phases_is_found() {
        let ws = AidType::WinterSpring;
        assert!(double_grants(&[grant(1, 10, ws, 1, 390, 1), grant(2, 11, ws, 1, 390, 2)]).is_empty(), "phases only");
        assert!(
            double_grants(&[grant(1, 10, ws, 1, 390, 0), grant(2, 11, ws, 2, 390, 1)]).is_empty(),
            "two households"
        );
        assert!(
            double_grants(&[grant(1, 10, ws, 1, 390, 0), grant(2, 11, AidType::Emergency, 1, 300, 1)]).is_empty(),
            "two aid items"
        );
        let found = double_grants(&[grant(1, 10, ws, 1, 390, 0), grant(2, 11, ws, 1, 195, 1)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key, "double_grant:1:winter_spring:1");
        assert_eq!(found[0].grant_ids, vec![1, 2]);
        assert_eq!(found[0].list_ids, vec![10, 11]);
        assert_eq!(found[0].event_id, Some(1));
        let phases: Vec<(i64, Fen)> = found[0].figures.grants.iter().map(|g| (g.phase, g.amount_fen)).collect();
        assert_eq!(phases, vec![(0, Fen(39_000)), (1, Fen(19_500))]);
    }

    #[test]
    fn grants_above_the_standard_are_found() {
        // 3 emergency persons × ¥300 (the default standard) = ¥900.
        let mut d =
            data(vec![grant(1, 10, AidType::Emergency, 1, 900, 0), grant(2, 10, AidType::Emergency, 2, 1_800, 0)]);
        d.damage.insert((1, 1), damage(HouseDamage::General, 3));
        d.damage.insert((1, 2), damage(HouseDamage::General, 3));
        let found = above_standard(&d);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].key, "above_standard:1:emergency:2");
        assert_eq!(found[0].grant_ids, vec![2]);
        assert!(found[0].summary.contains("¥1,800") || found[0].summary.contains("1800"), "{}", found[0].summary);
        assert_eq!(found[0].figures.standard_fen, Some(Fen(90_000)));

        // A standard another path set wins over the register's rules.
        d.set_standards.insert(
            (1, AidType::Emergency, 2),
            SetStandard { standard_fen: Fen(180_000), source: "application 5".into() },
        );
        assert!(above_standard(&d).is_empty());

        // Granted though a rule excludes it: the standard gives nothing.
        let mut d = data(vec![grant(1, 10, AidType::Transitional, 1, 100, 0)]);
        d.damage.insert((1, 1), damage(HouseDamage::General, 3));
        let found = above_standard(&d);
        assert_eq!(found.len(), 1);
        assert!(found[0].summary.contains("transitional.house_not_lost"), "{}", found[0].summary);

        // No loss at all is check 5's, not this one's.
        let d = data(vec![grant(1, 10, AidType::Emergency, 1, 900, 0)]);
        assert!(above_standard(&d).is_empty());
    }

    #[test]
    fn phases_are_added_up_against_the_standard() {
        let ws = AidType::WinterSpring;
        let mut d = data(vec![grant(1, 10, ws, 1, 200, 1), grant(2, 11, ws, 1, 200, 2)]);
        d.set_standards.insert((1, ws, 1), SetStandard { standard_fen: Fen(40_000), source: "application 3".into() });
        assert!(above_standard(&d).is_empty(), "¥400 in two phases against ¥400");
        d.grants.push(grant(3, 12, ws, 1, 1, 3));
        assert_eq!(above_standard(&d).len(), 1);
    }

    #[test]
    fn grants_without_loss_are_found() {
        let mut d = data(vec![
            grant(1, 10, AidType::Emergency, 1, 900, 0),
            grant(2, 10, AidType::Emergency, 2, 900, 0),
            grant(3, 10, AidType::Emergency, 3, 900, 0),
            grant(4, 11, AidType::Transitional, 3, 100, 0),
        ]);
        d.damage.insert((1, 1), damage(HouseDamage::General, 3));
        d.damage.insert((1, 2), damage(HouseDamage::None, 0));
        let found = grants_without_loss(&d);
        assert_eq!(
            found.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(),
            ["grant_without_loss:1:2", "grant_without_loss:1:3"]
        );
        assert!(found[0].summary.contains("shows no loss"));
        assert!(found[1].summary.contains("no damage record"));
        assert_eq!((found[0].figures.no_damage_record, found[1].figures.no_damage_record), (false, true));
        assert_eq!(found[1].grant_ids, vec![3, 4]);
        assert_eq!(found[1].list_ids, vec![10, 11]);
    }

    #[test]
    fn the_norm_and_the_factor() {
        let per_person = Norm { basis: NormBasis::Person, per_thousand: 1000 };
        let per_household = Norm { basis: NormBasis::Household, per_thousand: 500 };
        assert_eq!(norm_units(&per_person, 7, 3), 7);
        assert_eq!(norm_units(&per_household, 7, 3), 2, "1.5 rounded up");
        assert!(!far_off(10, 10, 2) && !far_off(20, 10, 2) && !far_off(5, 10, 2));
        assert!(far_off(21, 10, 2) && far_off(4, 10, 2));
        assert!(far_off(1, 0, 2) && !far_off(0, 0, 2));
    }

    #[test]
    fn stock_far_off_the_people_served_is_found() {
        let mut d =
            data(vec![grant(1, 10, AidType::Emergency, 1, 900, 0), grant(2, 10, AidType::Emergency, 2, 900, 0)]);
        d.damage.insert((1, 1), damage(HouseDamage::General, 3));
        d.damage.insert((1, 2), damage(HouseDamage::General, 2));
        let items: HashMap<String, ItemNorm> = [(
            "quilt".to_owned(),
            ItemNorm {
                name_zh: "棉被".into(),
                name_en: "Cotton quilt".into(),
                unit: "床".into(),
                norm: Norm { basis: NormBasis::Person, per_thousand: 1000 },
            },
        )]
        .into_iter()
        .collect();
        let line = |shipment_id, code: &str, item: &str, units| Received {
            event_id: 1,
            shipment_id,
            depot_id: 4,
            area_code: area(code),
            item_code: item.into(),
            units,
        };
        // 5 persons served: 8 quilts are within 2×, 40 are not; none served in 106.
        assert!(stock_vs_served(&[line(1, "360425105", "quilt", 8)], &d, &items).is_empty());
        let found = stock_vs_served(
            &[
                line(1, "360425105", "quilt", 30),
                line(2, "360425105", "quilt", 10),
                line(3, "360425106", "quilt", 5),
                line(3, "360425106", "no-norm", 500),
            ],
            &d,
            &items,
        );
        assert_eq!(
            found.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(),
            ["stock_vs_served:1:360425105:quilt", "stock_vs_served:1:360425106:quilt"]
        );
        assert_eq!(found[0].shipment_ids, vec![1, 2]);
        assert_eq!(found[0].household_ids, vec![1, 2]);
        assert!(found[0].summary.contains("40 床") && found[0].summary.contains("gives 5"), "{}", found[0].summary);
        let stock = found[0].figures.stock.as_ref().expect("the stock's figures");
        assert_eq!((stock.received, stock.expected, stock.persons, stock.households), (40, 5, 5, 2));
        assert!(found[1].household_ids.is_empty());
    }
}
