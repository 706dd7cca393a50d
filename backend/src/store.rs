//! The whole store: every domain's store trait over one database, as the application state holds
//! it. Domain services never take this: each names the traits of the domains it reads or writes.

use std::sync::Arc;

use crate::applications::store::ApplicationStore;
use crate::areas::store::AreaStore;
use crate::audit::store::AuditStore;
use crate::auth::store::AuthStore;
use crate::cases::store::CaseStore;
use crate::checks::store::CheckStore;
use crate::db::{Database, Opened, PgStore, SqliteStore};
use crate::depots::store::DepotStore;
use crate::disasters::store::DisasterStore;
use crate::funds::store::FundStore;
use crate::grants::store::GrantStore;
use crate::households::store::HouseholdStore;
use crate::insurance::store::InsuranceStore;
use crate::plans::store::PlanStore;
use crate::ratelimit::RateStore;
use crate::rebuild::store::RebuildStore;
use crate::winterspring::store::WinterSpringStore;

/// Everything the application needs from storage.
pub trait Store:
    Database
    + ApplicationStore
    + AreaStore
    + AuthStore
    + AuditStore
    + CaseStore
    + CheckStore
    + DepotStore
    + DisasterStore
    + FundStore
    + GrantStore
    + HouseholdStore
    + InsuranceStore
    + PlanStore
    + RateStore
    + RebuildStore
    + WinterSpringStore
{
}

impl Store for SqliteStore {}
impl Store for PgStore {}

pub type SharedStore = Arc<dyn Store>;

/// Opens the store named by `url` (SQLite or PostgreSQL) and applies its migrations.
pub async fn connect(url: &str, limits: &crate::db::Limits) -> anyhow::Result<SharedStore> {
    Ok(match crate::db::open(url, limits).await? {
        Opened::Sqlite(store) => Arc::new(store),
        Opened::Postgres(store) => Arc::new(store),
    })
}
