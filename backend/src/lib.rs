//! jiuzai (救灾): disaster relief logistics and reserve management.
//!
//! One module per domain (`areas`, `auth`, `audit`, ...), each with its model, rules, storage
//! (`store.rs`, one SQL body for SQLite and PostgreSQL) and HTTP handlers (`http.rs`).

pub mod applications;
pub mod areas;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod checks;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod depots;
pub mod disasters;
pub mod error;
pub mod export;
pub mod extract;
pub mod funds;
pub mod grants;
pub mod households;
pub mod http;
pub mod idempotency;
pub mod insurance;
pub mod money;
pub mod planner;
pub mod plans;
pub mod ratelimit;
pub mod rebuild;
pub mod routing;
pub mod server;
pub mod state;
pub mod store;
pub mod text_enum;
pub mod upload;
pub mod winterspring;
