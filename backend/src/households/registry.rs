//! Registering and editing households one at a time: every field checked as imports check it,
//! personal data sealed before it is stored, each change audited with the masked values.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::import::{Checker, HouseholdInput, NewHousehold};
use super::pii::Pii;
use super::service::area_levels;
use super::store::{EditGuard, Edited, HouseholdFilter, HouseholdStore};
use super::{Enrolment, HouseholdRow, HouseholdType, Member, idnumber};
use crate::areas::store::AreaStore;
use crate::areas::{AreaCode, Level};
use crate::auth::Actor;
use crate::config::Settings;
use crate::error::{AppError, AppResult};
use crate::text_enum::enum_text;

/// A household in the caller's scope.
pub async fn household_or_404<S: HouseholdStore + ?Sized>(
    store: &S,
    actor: &Actor,
    id: i64,
) -> AppResult<HouseholdRow> {
    let row = store.get_household(id).await?.ok_or_else(|| AppError::NotFound(format!("no household {id}")))?;
    actor.require_area(&row.area_code)?;
    Ok(row)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HouseholdInputJson {
    pub head_name: Option<String>,
    /// 18 characters with a valid GB 11643 check digit. Stored only as hash, mask and ciphertext.
    pub head_id_number: Option<String>,
    pub members: Option<i64>,
    pub member_list: Option<Vec<Member>>,
    pub address: Option<String>,
    /// A township or village in the caller's scope.
    pub area_code: Option<AreaCode>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub household_type: Option<HouseholdType>,
    pub programmes: Option<Vec<Enrolment>>,
    /// 一卡通 account (digits); an empty string removes it.
    pub bank_account: Option<String>,
}

fn checker<'a>(
    settings: &Settings,
    areas: &'a HashMap<AreaCode, Level>,
    reach: &'a (dyn Fn(&str) -> bool + Sync),
) -> Checker<'a> {
    Checker { areas, can_reach: reach, resolution: settings.coverage_resolution(), today: crate::clock::today() }
}

/// Registers one household in the caller's scope; answers it as stored.
pub async fn register<S: AreaStore + HouseholdStore + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    input: HouseholdInputJson,
) -> AppResult<HouseholdRow> {
    let areas = area_levels(store).await?;
    let user = actor.user.clone();
    let reach = move |code: &str| user.can_reach(code);
    let checker = checker(settings, &areas, &reach);
    let mut problems = Vec::new();
    let head_name = checker.name(input.head_name.as_deref().unwrap_or(""), &mut problems);
    let id_number = checker.id_number(input.head_id_number.as_deref().unwrap_or(""), &mut problems);
    let members = input.members.unwrap_or(0);
    checker.members(members, &mut problems);
    let member_list = input.member_list.unwrap_or_default();
    checker.member_list(&member_list, members, &mut problems);
    let address = checker.address(input.address.as_deref().unwrap_or(""), &mut problems);
    let area_code = checker.area(input.area_code.as_deref().unwrap_or(""), &mut problems);
    let cell = checker.location(input.lon, input.lat, &mut problems);
    let programmes = input.programmes.unwrap_or_default();
    checker.programmes(&programmes, &mut problems);
    let bank_account = checker.bank_account(input.bank_account.as_deref(), &mut problems);
    let (Some(id_number), Some(area_code), true) = (id_number, area_code, problems.is_empty()) else {
        return Err(AppError::invalid("invalid household", problems));
    };
    let household = HouseholdInput {
        head_name,
        id_number,
        members,
        member_list,
        address,
        area_code: area_code.clone(),
        lon: input.lon,
        lat: input.lat,
        cell,
        household_type: input.household_type.unwrap_or(HouseholdType::General),
        programmes,
        bank_account,
    };
    let sealed = household.seal(&Pii::from_settings(settings));
    let audit = actor
        .audit("household.create", "household", "")
        .with_after(json!({"area_code": area_code, "id_number": sealed.id_masked}));
    if !store.insert_household(&sealed, &audit).await? {
        return Err(AppError::conflict(crate::said!(
            "id_registered",
            "a household with this ID number is already registered"
        )));
    }
    let filter = HouseholdFilter { id_hash: Some(sealed.id_hash.clone()), limit: 1, ..Default::default() };
    store.list_households(&filter).await?.pop().ok_or_else(|| AppError::NotFound("household vanished".into()))
}

fn sealed_from_row(row: &HouseholdRow) -> NewHousehold {
    NewHousehold {
        head_name: row.head_name.clone(),
        name_masked: row.name_masked.clone(),
        id_hash: row.id_hash.clone(),
        id_masked: row.id_masked.clone(),
        id_encrypted: row.id_encrypted.clone(),
        members: row.members,
        member_list: row.member_list.0.clone(),
        address: row.address.clone(),
        area_code: row.area_code.clone(),
        lon: row.lon,
        lat: row.lat,
        cell: row.cell,
        household_type: enum_text(row.kind()),
        programmes: row.programmes.0.clone(),
        bank_masked: row.bank_masked.clone(),
        bank_encrypted: row.bank_encrypted.clone(),
    }
}

/// Edits a household in the caller's scope; only the fields given change.
pub async fn update<S: AreaStore + HouseholdStore + ?Sized>(
    store: &S,
    settings: &Settings,
    actor: &Actor,
    id: i64,
    input: HouseholdInputJson,
    guard: EditGuard<'_>,
) -> AppResult<HouseholdRow> {
    let current = household_or_404(store, actor, id).await?;
    let areas = area_levels(store).await?;
    let user = actor.user.clone();
    let reach = move |code: &str| user.can_reach(code);
    let checker = checker(settings, &areas, &reach);
    let pii = Pii::from_settings(settings);
    let mut next = sealed_from_row(&current);
    let mut problems = Vec::new();
    if let Some(name) = &input.head_name {
        next.head_name = checker.name(name, &mut problems);
        next.name_masked = idnumber::mask_name(&next.head_name);
    }
    if let Some(text) = &input.head_id_number
        && let Some(id_number) = checker.id_number(text, &mut problems).filter(|_| problems.is_empty())
    {
        next.id_hash = pii.id_hash(id_number.as_str());
        next.id_masked = id_number.masked();
        next.id_encrypted = pii.encrypt(id_number.as_str());
    }
    if let Some(members) = input.members {
        checker.members(members, &mut problems);
        next.members = members;
    }
    if let Some(list) = input.member_list {
        next.member_list = list;
    }
    checker.member_list(&next.member_list, next.members, &mut problems);
    if let Some(address) = &input.address {
        next.address = checker.address(address, &mut problems);
    }
    if let Some(area) = input.area_code.as_deref().and_then(|area| checker.area(area, &mut problems)) {
        next.area_code = area;
    }
    if input.lon.is_some() || input.lat.is_some() {
        next.cell = checker.location(input.lon, input.lat, &mut problems);
        (next.lon, next.lat) = (input.lon, input.lat);
    }
    if let Some(kind) = input.household_type {
        next.household_type = enum_text(kind);
    }
    if let Some(programmes) = input.programmes {
        checker.programmes(&programmes, &mut problems);
        next.programmes = programmes;
    }
    if let Some(text) = &input.bank_account {
        let account = checker.bank_account(Some(text), &mut problems);
        next.bank_masked = account.as_deref().map(idnumber::mask_account);
        next.bank_encrypted = account.as_deref().map(|a| pii.encrypt(a));
    }
    if !problems.is_empty() {
        return Err(AppError::invalid("invalid household", problems));
    }
    let audit = actor
        .audit("household.update", "household", id.to_string())
        .with_before(
            json!({"area_code": current.area_code, "members": current.members, "household_type": current.household_type,
            "id_number": current.id_masked, "address": current.address}),
        )
        .with_after(
            json!({"area_code": next.area_code, "members": next.members, "household_type": next.household_type,
            "id_number": next.id_masked, "address": next.address}),
        );
    match store.update_household(id, &next, guard, &audit).await? {
        Edited::Saved | Edited::Replayed => household_or_404(store, actor, id).await,
        Edited::KeyReused => Err(AppError::invalid_field("Idempotency-Key", crate::idempotency::key_reused())),
        Edited::IdTaken => {
            Err(AppError::conflict(crate::said!("id_taken", "another household is registered with this ID number")))
        }
        Edited::Stale => Err(AppError::Stale(
            "this household was changed since you opened it: reload it and make your change again".into(),
        )),
    }
}
