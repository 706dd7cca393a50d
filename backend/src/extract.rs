//! The JSON body of a request, parsed one way for every handler. Handlers take the body as
//! `Json<Value>` (malformed JSON or a wrong content type is refused as axum refuses it: 400, 415)
//! and parse it with [`parse_body`] after their authorization checks, so a caller without the
//! right learns nothing from validation; a body that does not fit is a 422 field error named by its
//! path (`area_code`, `lines[2].quantity`), or `body` when the body as a whole does not fit.

use axum::http::{HeaderMap, header};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{AppError, AppResult};

/// Parses a request body into its input type; what did not fit is named in the field error.
pub fn parse_body<T: DeserializeOwned>(body: Value) -> AppResult<T> {
    serde_path_to_error::deserialize(body).map_err(|e| {
        let path = e.path().to_string();
        let reason = e.into_inner().to_string();
        // serde reports a missing field at its parent's path, with the name only in the message.
        let missing = reason.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
        let field = match (path.as_str(), missing) {
            (".", Some(name)) => name.to_owned(),
            (".", None) => "body".to_owned(),
            (parent, Some(name)) => format!("{parent}.{name}"),
            (path, None) => path.to_owned(),
        };
        let said = match missing {
            Some(_) => crate::said!("required", "{detail}", detail = reason),
            None => crate::said!("body_format", "{detail}", detail = reason),
        };
        AppError::invalid_field(field, said)
    })
}

/// The version a change was made against: the record's `updated_at` as the editor read it, quoted,
/// in `If-Match` (a weak `W/` tag is taken too); none when the header is absent.
pub fn if_match_version(headers: &HeaderMap) -> AppResult<Option<DateTime<Utc>>> {
    let Some(value) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let tag = value.to_str().unwrap_or_default().trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag).trim_matches('"');
    DateTime::parse_from_rfc3339(tag).map(|t| Some(t.with_timezone(&Utc))).map_err(|_| {
        AppError::invalid_field(
            "If-Match",
            crate::said!("if_match_format", "the record's updated_at as read, e.g. \"2026-07-01T08:00:00.123456Z\""),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Line {
        quantity: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Input {
        name: String,
        lines: Vec<Line>,
    }

    fn field_of(body: Value) -> String {
        match parse_body::<Input>(body).unwrap_err() {
            AppError::Invalid { details, .. } => details[0].field.clone(),
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn refusals_name_the_field_that_did_not_fit() {
        assert_eq!(field_of(json!({"name": 3, "lines": []})), "name");
        assert_eq!(field_of(json!({"lines": []})), "name");
        assert_eq!(field_of(json!({"name": "a", "lines": [{"quantity": 1}, {"quantity": -1}]})), "lines[1].quantity");
        assert_eq!(field_of(json!({"name": "a", "lines": [{}]})), "lines[0].quantity");
        assert_eq!(field_of(json!("text")), "body");
    }
}
