//! Enums stored as text, one mechanism for every domain: serde names the variants (snake_case, as
//! in the API), so the database, the API and the code agree on one spelling. An unknown stored
//! value is an error, never a default.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Parses a stored or submitted text into an enum; the error names the value.
pub fn parse_enum<T: DeserializeOwned>(text: String) -> Result<T, crate::error::Said> {
    serde_json::from_value(serde_json::Value::String(text.clone()))
        .map_err(|_| crate::said!("value_unknown", "unexpected value {value:?}", value = text))
}

/// The text of a unit enum variant, as stored and as the API spells it.
pub fn enum_text<T: Serialize>(value: T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        other => unreachable!("enum_text on a value that is not a unit variant: {other:?}"),
    }
}

/// Declares `$wrapper`, a column type that `FromRow` decodes with `#[sqlx(try_from = "String")]`,
/// failing the query on an unknown value; it serialises as the bare enum.
#[macro_export]
macro_rules! text_column {
    ($wrapper:ident, $inner:ty) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $wrapper(pub $inner);
        impl TryFrom<String> for $wrapper {
            type Error = $crate::error::Said;
            fn try_from(text: String) -> Result<Self, $crate::error::Said> {
                $crate::text_enum::parse_enum(text).map($wrapper)
            }
        }
    };
}

/// Lets `FromRow` decode these enums from their text columns with `#[sqlx(try_from = "String")]`,
/// failing the query on an unknown value.
#[macro_export]
macro_rules! decode_from_text {
    ($($enum_:ty),+ $(,)?) => {$(
        impl TryFrom<String> for $enum_ {
            type Error = $crate::error::Said;
            fn try_from(text: String) -> Result<Self, $crate::error::Said> {
                $crate::text_enum::parse_enum(text)
            }
        }
    )+};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Colour {
        DeepRed,
    }

    #[test]
    fn round_trips_and_refuses_unknown_values() {
        assert_eq!(enum_text(Colour::DeepRed), "deep_red");
        assert_eq!(parse_enum::<Colour>("deep_red".into()), Ok(Colour::DeepRed));
        assert_eq!(parse_enum::<Colour>("draft".into()).unwrap_err().code, "value_unknown");
    }
}
