//! The JSON body of a request, parsed one way for every handler. Handlers take the body as
//! `Json<Value>` (malformed JSON or a wrong content type is refused as axum refuses it: 400, 415)
//! and parse it with [`parse_body`] after their authorization checks, so a caller without the
//! right learns nothing from validation; a body that does not fit is a 422 field error on `body`.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{AppError, AppResult};

/// Parses a request body into its input type; what did not fit is named in the field error.
pub fn parse_body<T: DeserializeOwned>(body: Value) -> AppResult<T> {
    serde_json::from_value(body).map_err(|e| AppError::invalid_field("body", e.to_string()))
}
