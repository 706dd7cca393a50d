//! Rules of the official division codes: 6 digits for province/city/county, 9 for township,
//! 12 for village. The code itself encodes the hierarchy, which is what area scopes rely on.

use serde::{Deserialize, Serialize};

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Province,
    City,
    County,
    Township,
    Village,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "province" => Self::Province,
            "city" => Self::City,
            "county" => Self::County,
            "township" => Self::Township,
            "village" => Self::Village,
            _ => return None,
        })
    }

    /// Province, city and county areas are drawn as polygons; below that a point is enough.
    pub fn needs_polygon(self) -> bool {
        self <= Self::County
    }

    /// Number of leading code digits shared by every area inside an area of this level.
    fn significant_digits(self) -> usize {
        match self {
            Self::Province => 2,
            Self::City => 4,
            Self::County => 6,
            Self::Township => 9,
            Self::Village => 12,
        }
    }
}

/// Checks the shape of a code and returns the level it encodes.
pub fn level_of(code: &str) -> Result<Level, String> {
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("code {code:?} must contain digits only"));
    }
    match code.len() {
        6 if code.ends_with("0000") => Ok(Level::Province),
        6 if code.ends_with("00") => Ok(Level::City),
        6 => Ok(Level::County),
        9 => Ok(Level::Township),
        12 => Ok(Level::Village),
        n => Err(format!("code {code:?} has {n} digits; expected 6, 9 or 12")),
    }
}

/// The parent's code as the numbering scheme implies it (None for a province).
pub fn implied_parent(code: &str) -> Option<String> {
    match level_of(code).ok()? {
        Level::Province => None,
        Level::City => Some(format!("{}0000", &code[..2])),
        Level::County => Some(format!("{}00", &code[..4])),
        Level::Township => Some(code[..6].to_owned()),
        Level::Village => Some(code[..9].to_owned()),
    }
}

/// Whether `code` lies in the subtree of `scope` (an area contains itself).
pub fn within(scope: &str, code: &str) -> bool {
    match level_of(scope) {
        Ok(level) => code.starts_with(&scope[..level.significant_digits()]),
        Err(_) => false,
    }
}

/// SQL `LIKE` pattern matching every code in the subtree of `scope`.
pub fn subtree_pattern(scope: &str) -> String {
    match level_of(scope) {
        Ok(level) => format!("{}%", &scope[..level.significant_digits()]),
        Err(_) => scope.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_text_is_the_api_spelling() {
        for variant in <Level as strum::VariantArray>::VARIANTS {
            assert_eq!(variant.as_str(), crate::text_enum::enum_text(*variant));
        }
    }

    #[test]
    fn levels_follow_the_numbering_scheme() {
        assert_eq!(level_of("360000"), Ok(Level::Province));
        assert_eq!(level_of("360400"), Ok(Level::City));
        assert_eq!(level_of("360402"), Ok(Level::County));
        assert_eq!(level_of("360402001"), Ok(Level::Township));
        assert_eq!(level_of("360402001001"), Ok(Level::Village));
        assert!(level_of("36A402").is_err());
        assert!(level_of("3604021").is_err());
        assert!(level_of("").is_err());
    }

    #[test]
    fn parents_are_implied_by_the_code() {
        assert_eq!(implied_parent("360402").as_deref(), Some("360400"));
        assert_eq!(implied_parent("360400").as_deref(), Some("360000"));
        assert_eq!(implied_parent("360402101").as_deref(), Some("360402"));
        assert_eq!(implied_parent("360000"), None);
    }

    #[test]
    fn scopes_cover_their_subtree_only() {
        assert!(within("360400", "360402"));
        assert!(within("360400", "360402101"));
        assert!(within("360400", "360400"));
        assert!(!within("360400", "360500"));
        assert!(within("360402", "360402101"));
        assert!(!within("360402", "360403101"));
        assert!(within("360000", "360402"));
        assert_eq!(subtree_pattern("360400"), "3604%");
    }
}
