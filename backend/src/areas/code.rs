//! Rules of the official division codes: 6 digits for province/city/county, 9 for township,
//! 12 for village. The code itself encodes the hierarchy, which is what area scopes rely on.

use crate::error::Said;
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
        Self::try_from(text.to_owned()).ok()
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

crate::decode_from_text!(Level);

/// Checks the shape of a code and returns the level it encodes.
pub fn level_of(code: &str) -> Result<Level, Said> {
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(crate::said!("area_code_digits", "code {code:?} must contain digits only", code = code));
    }
    match code.len() {
        6 if code.ends_with("0000") => Ok(Level::Province),
        6 if code.ends_with("00") => Ok(Level::City),
        6 => Ok(Level::County),
        9 => Ok(Level::Township),
        12 => Ok(Level::Village),
        n => Err(crate::said!(
            "area_code_length",
            "code {code:?} has {digits} digits; expected 6, 9 or 12",
            code = code,
            digits = n
        )),
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

/// An official division code, checked where it enters (request bodies, query strings, stored
/// columns, files) and carried checked: code that holds one never asks again whether it is valid.
/// The API spells it as the bare digits.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AreaCode(String);

impl AreaCode {
    pub fn parse(text: &str) -> Result<Self, Said> {
        level_of(text).map(|_| Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> Level {
        level_of(&self.0).expect("an AreaCode is checked when it is made")
    }

    /// The parent's code as the numbering scheme implies it (None for a province).
    pub fn parent(&self) -> Option<AreaCode> {
        implied_parent(&self.0).map(AreaCode)
    }

    /// The area of `level` this one lies in (itself at its own level; None below it).
    pub fn at_level(&self, level: Level) -> Option<AreaCode> {
        std::iter::successors(Some(self.clone()), AreaCode::parent).find(|a| a.level() == level)
    }

    /// Whether `code` lies in this area's subtree (an area contains itself).
    pub fn contains(&self, code: &str) -> bool {
        within(&self.0, code)
    }
}

impl TryFrom<String> for AreaCode {
    type Error = Said;
    fn try_from(text: String) -> Result<Self, Said> {
        level_of(&text).map(|_| Self(text))
    }
}

/// Unit tests spell codes as literals; a mistyped one fails the test that wrote it.
#[cfg(test)]
impl From<&str> for AreaCode {
    fn from(text: &str) -> Self {
        Self::parse(text).unwrap()
    }
}

impl std::str::FromStr for AreaCode {
    type Err = Said;
    fn from_str(text: &str) -> Result<Self, Said> {
        Self::parse(text)
    }
}

impl From<AreaCode> for String {
    fn from(code: AreaCode) -> String {
        code.0
    }
}

impl std::ops::Deref for AreaCode {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for AreaCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for AreaCode {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for AreaCode {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for AreaCode {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for AreaCode {
    fn eq(&self, other: &String) -> bool {
        self.0 == *other
    }
}

impl PartialEq<AreaCode> for String {
    fn eq(&self, other: &AreaCode) -> bool {
        *self == other.0
    }
}

impl PartialEq<AreaCode> for str {
    fn eq(&self, other: &AreaCode) -> bool {
        self == other.0
    }
}

impl std::fmt::Display for AreaCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for AreaCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

// Stored as text in both databases; a stored code that is not one fails the query.
impl<DB: sqlx::Database> sqlx::Type<DB> for AreaCode
where
    String: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as sqlx::Type<DB>>::type_info()
    }
    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for AreaCode
where
    String: sqlx::Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut <DB as sqlx::Database>::ArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        self.0.encode_by_ref(buf)
    }
}

impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for AreaCode
where
    String: sqlx::Decode<'r, DB>,
{
    fn decode(value: <DB as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(AreaCode::try_from(String::decode(value)?)?)
    }
}

impl utoipa::PartialSchema for AreaCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(r"^[0-9]{6}([0-9]{3}){0,2}$"))
            .description(Some(
                "Official division code: 6 digits for province, city and county, 9 for township, 12 for village",
            ))
            .examples([serde_json::json!("360402")])
            .into()
    }
}

impl utoipa::ToSchema for AreaCode {}

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
    fn area_codes_are_checked_once_where_they_enter() {
        let code: AreaCode = serde_json::from_str("\"360402101\"").unwrap();
        assert_eq!(code.level(), Level::Township);
        assert_eq!(code.parent().unwrap(), "360402");
        assert!(code.parent().unwrap().contains(&code));
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"360402101\"");
        let refused = serde_json::from_str::<AreaCode>("\"36040\"").unwrap_err();
        assert!(refused.to_string().contains("expected 6, 9 or 12"), "{refused}");
        assert!(AreaCode::parse("36A402").is_err());
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
