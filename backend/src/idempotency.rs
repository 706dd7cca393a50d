//! Safe retries: a write sent with an `Idempotency-Key` header applies once; a retry with the same
//! key and body returns the first result, the same key with another body is refused (422).
//! The key is recorded in the same transaction as the write it belongs to.

use axum::http::HeaderMap;
use chrono::Utc;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::Transaction;

use crate::db::Backend;
use crate::db::for_both_backends;
use crate::error::{AppError, AppResult};
use macro_rules_attribute::apply;

/// A key claimed for one request body, within a scope (who, and which endpoint).
#[derive(Debug, Clone)]
pub struct IdempotencyClaim {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
}

/// What an earlier use of the key says about this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Earlier {
    /// First use: go ahead.
    None,
    /// The same request was applied before and produced this entity.
    Replay(String),
    /// The key was used with a different body.
    Conflict,
}

pub const KEY_REUSED: &str = "this Idempotency-Key was used with a different request";

/// The refusal of a key sent again with another request.
pub fn key_reused() -> crate::error::Said {
    crate::error::Said { code: "idempotency_key_reused", params: Default::default(), text: KEY_REUSED.to_owned() }
}

/// The `Idempotency-Key` header, if any, as a claim on this request body.
pub fn claim_from(headers: &HeaderMap, scope: String, body: &Value) -> AppResult<Option<IdempotencyClaim>> {
    let Some(value) = headers.get("idempotency-key") else { return Ok(None) };
    let key = value.to_str().ok().map(str::trim).filter(|k| !k.is_empty() && k.len() <= 200);
    let key = key.ok_or_else(|| AppError::BadRequest("Idempotency-Key must be 1–200 visible characters".into()))?;
    // serde_json sorts object keys, so the same body always hashes the same.
    let request_hash = hex::encode(Sha256::digest(body.to_string().as_bytes()));
    Ok(Some(IdempotencyClaim { scope, key: key.to_owned(), request_hash }))
}

/// Two retries raced with the same key and the loser's insert of the key failed: retrying the
/// whole write then finds the winner's result.
pub fn is_key_race(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

#[apply(for_both_backends!)]
impl Backends {
    /// Looks the key up in a write's transaction (`&mut *tx`) or, before any work, in a pool.
    pub(crate) async fn earlier_use<'e, E>(executor: E, claim: Option<&IdempotencyClaim>) -> sqlx::Result<Earlier>
    where
        E: sqlx::Executor<'e, Database = <Self as Backend>::Db>,
    {
        let Some(claim) = claim else { return Ok(Earlier::None) };
        let earlier: Option<(String, String)> =
            sqlx::query_as("SELECT request_hash, entity_id FROM idempotency_keys WHERE scope = $1 AND key = $2")
                .bind(&claim.scope)
                .bind(&claim.key)
                .fetch_optional(executor)
                .await?;
        Ok(match earlier {
            None => Earlier::None,
            Some((hash, entity)) if hash == claim.request_hash => Earlier::Replay(entity),
            Some(_) => Earlier::Conflict,
        })
    }

    pub(crate) async fn record_use(
        tx: &mut Transaction<'static, <Self as Backend>::Db>,
        claim: Option<&IdempotencyClaim>,
        entity_id: &str,
    ) -> sqlx::Result<()> {
        let Some(claim) = claim else { return Ok(()) };
        sqlx::query("INSERT INTO idempotency_keys (scope, key, request_hash, entity_id, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&claim.scope)
            .bind(&claim.key)
            .bind(&claim.request_hash)
            .bind(entity_id)
            .bind(Utc::now())
            .execute(&mut **tx)
            .await
            .map(|_| ())
    }
}
