//! Funds use-cases shared by the API, plans and grant lists.

use super::rules::Standards;
use super::store::FundStore;

/// The standards in force, read from storage over the defaults.
pub async fn standards(store: &(impl FundStore + ?Sized)) -> sqlx::Result<Standards> {
    Ok(Standards::with_stored(store.stored_standards().await?))
}
