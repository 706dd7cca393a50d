//! The application state every handler receives: the store, the settings and the per-process
//! caches. It sits below the HTTP layer (handlers and the router import it) and above the domain
//! services, which take only the store and settings they need.

use std::sync::Arc;
use std::time::Duration;

use crate::areas::service::EventOverlay;
use crate::auth::SessionCache;
use crate::auth::throttle::LoginThrottle;
use crate::config::Settings;
use crate::db::Change;
use crate::depots::cache::ReferenceCache;
use crate::disasters::service::EventMapOverlay;
use crate::grants::limiter::ObjectionLimiter;
use crate::households::progress::ImportBoard;
use crate::plans::cache::PlanningCache;
use crate::store::SharedStore;

#[derive(Clone)]
pub struct AppState {
    pub store: SharedStore,
    pub settings: Arc<Settings>,
    pub throttle: Arc<LoginThrottle>,
    /// What planning keeps between requests (travel paths, routings).
    pub planning: Arc<PlanningCache>,
    pub sessions: SessionCache,
    pub references: ReferenceCache,
    /// Household imports in progress, for their importers to poll.
    pub imports: ImportBoard,
    /// Public objections per client address.
    pub objections: Arc<ObjectionLimiter>,
    /// What an event adds to the areas' map (registered by the disasters domain).
    pub event_overlay: Arc<dyn EventOverlay>,
}

impl AppState {
    pub fn new(store: SharedStore, settings: Settings) -> Self {
        let throttle = Arc::new(LoginThrottle::new(settings.login_max_failures, settings.login_window()));
        let sessions = SessionCache::new(Duration::from_secs(settings.session_cache_seconds));
        let references = ReferenceCache::new(Duration::from_secs(settings.reference_cache_seconds));
        let objections = Arc::new(ObjectionLimiter::new(settings.objections_per_hour, Duration::from_secs(3600)));
        let settings = Arc::new(settings);
        let event_overlay = Arc::new(EventMapOverlay { store: store.clone(), settings: settings.clone() });
        Self {
            store,
            settings,
            throttle,
            planning: Default::default(),
            sessions,
            references,
            imports: Default::default(),
            objections,
            event_overlay,
        }
    }

    /// Forgets this process's cached copy of what changed, and tells the other servers on the
    /// database to forget theirs. The change is committed already: a failed announcement is
    /// logged, and the others' copies expire within the cache time.
    pub async fn changed(&self, change: Change) {
        self.forget(Some(&change));
        if let Err(error) = self.store.announce(&change).await {
            tracing::warn!(%error, change = change.payload(), "announcing a change failed");
        }
    }

    /// Forgets the cached copy of a change another server announced (None: changes may have been
    /// missed, so everything).
    pub fn forget(&self, change: Option<&Change>) {
        match change {
            Some(Change::Session(hash)) => self.sessions.forget(hash),
            Some(Change::Sessions) => self.sessions.forget_all(),
            Some(Change::Depot(id)) => self.references.forget_depot(*id),
            Some(Change::Item(code)) => self.references.forget_item(code),
            None => {
                self.sessions.forget_all();
                self.references.forget_all();
            }
        }
    }

    /// Hears the other servers' changes (PostgreSQL; a SQLite file has one server).
    pub fn follow_changes(&self) {
        let state = self.clone();
        self.store.follow_changes(Arc::new(move |change| state.forget(change.as_ref())));
    }
}
