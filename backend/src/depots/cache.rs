//! Items and depots looked up in the last few seconds (`JIUZAI_REFERENCE_CACHE_SECONDS`), so a stock
//! movement — the hottest write — does not read them from the database every time. Both change
//! rarely: this process forgets its copy the moment it changes one, and other servers on the same
//! PostgreSQL forget theirs when the change's announcement reaches them (`db::changes`; at most the
//! time to live if it is lost). A movement checks its depots again inside its transaction, so a
//! stale copy never lets one through. Unknown codes are not cached, so they cannot fill it.

use std::sync::Arc;
use std::time::Duration;

use moka::sync::Cache;

use super::store::DepotStore;
use super::{Depot, Item};

#[derive(Clone)]
pub struct ReferenceCache {
    items: Option<Cache<String, Arc<Item>>>,
    depots: Option<Cache<i64, Arc<Depot>>>,
}

fn bounded<K, V>(ttl: Duration) -> Option<Cache<K, V>>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    (!ttl.is_zero()).then(|| Cache::builder().max_capacity(10_000).time_to_live(ttl).build())
}

impl ReferenceCache {
    /// A time to live of zero is no cache.
    pub fn new(ttl: Duration) -> Self {
        Self { items: bounded(ttl), depots: bounded(ttl) }
    }

    pub async fn item(&self, store: &(impl DepotStore + ?Sized), code: &str) -> sqlx::Result<Option<Arc<Item>>> {
        if let Some(item) = self.items.as_ref().and_then(|c| c.get(code)) {
            return Ok(Some(item));
        }
        let item = store.get_item(code).await?.map(Arc::new);
        if let (Some(cache), Some(item)) = (&self.items, &item) {
            cache.insert(code.to_owned(), item.clone());
        }
        Ok(item)
    }

    pub async fn depot(&self, store: &(impl DepotStore + ?Sized), id: i64) -> sqlx::Result<Option<Arc<Depot>>> {
        if let Some(depot) = self.depots.as_ref().and_then(|c| c.get(&id)) {
            return Ok(Some(depot));
        }
        let depot = store.get_depot(id).await?.map(Arc::new);
        if let (Some(cache), Some(depot)) = (&self.depots, &depot) {
            cache.insert(id, depot.clone());
        }
        Ok(depot)
    }

    pub fn forget_item(&self, code: &str) {
        if let Some(cache) = &self.items {
            cache.invalidate(code);
        }
    }

    pub fn forget_all(&self) {
        if let Some(cache) = &self.items {
            cache.invalidate_all();
        }
        if let Some(cache) = &self.depots {
            cache.invalidate_all();
        }
    }

    pub fn forget_depot(&self, id: i64) {
        if let Some(cache) = &self.depots {
            cache.invalidate(&id);
        }
    }
}
