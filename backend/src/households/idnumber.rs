//! Resident identity numbers (公民身份号码, GB 11643-1999) and the masked forms shown to people
//! without need (docs/domain/privacy.md#identity-numbers, #masking). Pure functions: no keys, no I/O.
//!
//! An ID number has 18 characters: a 6-digit address code, an 8-digit birth date (YYYYMMDD), a
//! 3-digit sequence and a check character computed over the first 17 digits (ISO 7064 MOD 11-2):
//! Σ digitᵢ × weightᵢ mod 11 indexes "10X98765432".

use chrono::{Datelike, NaiveDate};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// Why an ID number is not valid. The messages never repeat the number itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdError {
    Length,
    Characters,
    BirthDate,
    CheckDigit,
}

impl std::error::Error for IdError {}

impl std::fmt::Display for IdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::error::Said::from(*self).text)
    }
}

impl From<IdError> for crate::error::Said {
    fn from(error: IdError) -> Self {
        match error {
            IdError::Length => crate::said!("id_length", "an ID number has 18 characters"),
            IdError::Characters => crate::said!(
                "id_characters",
                "the first 17 characters of an ID number are digits; the last is a digit or X"
            ),
            IdError::BirthDate => crate::said!("id_birth_date", "the birth date in the ID number is not a real date"),
            IdError::CheckDigit => crate::said!("id_check_digit", "the check digit does not match (GB 11643)"),
        }
    }
}

/// The check character (0–9 or X) for the first 17 digits of an ID number.
pub fn check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    Some(CHECK_CHARS[(sum % 11) as usize] as char)
}

/// A valid ID number, normalized (trimmed, upper-case X): parsed once where it enters (a form,
/// a file row, a search) and carried as this type. Its `Debug` form is masked, so a stray log
/// line never holds a full number.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

impl IdNumber {
    pub fn parse(text: &str) -> Result<Self, IdError> {
        normalize(text).map(IdNumber)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 3604**********0114: what readers without need see.
    pub fn masked(&self) -> String {
        mask_id(&self.0)
    }

    /// The first 17 digits, which identify the person (the 18th only checks them).
    pub fn key(&self) -> u64 {
        self.0[..17].parse().expect("17 digits, checked on parse")
    }
}

impl std::fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

/// Validates an ID number and returns its normalized form (trimmed, upper-case X).
fn normalize(text: &str) -> Result<String, IdError> {
    let id = text.trim().to_ascii_uppercase();
    if id.chars().count() != 18 {
        return Err(IdError::Length);
    }
    let bytes = id.as_bytes();
    if !bytes[..17].iter().all(u8::is_ascii_digit) || !(bytes[17].is_ascii_digit() || bytes[17] == b'X') {
        return Err(IdError::Characters);
    }
    if birth_date(&id).is_none() {
        return Err(IdError::BirthDate);
    }
    if check_char(&bytes[..17]) != Some(bytes[17] as char) {
        return Err(IdError::CheckDigit);
    }
    Ok(id)
}

/// The birth date encoded in a (shape-checked) ID number.
pub fn birth_date(id: &str) -> Option<NaiveDate> {
    let digits = id.get(6..14)?;
    let date = NaiveDate::parse_from_str(digits, "%Y%m%d").ok()?;
    (date.year() >= 1900).then_some(date)
}

/// `3604**********1234`: the first four and last four characters, the rest starred.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// Names as posted in public: `张*明`, `张*` (two characters), `欧**明`; the first and last
/// characters stay, everything between is starred.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// Bank accounts show their last four digits only: `************5678`.
pub fn mask_account(account: &str) -> String {
    let chars: Vec<char> = account.chars().collect();
    let keep = chars.len().min(4);
    let tail: String = chars[chars.len() - keep..].iter().collect();
    format!("{}{tail}", "*".repeat(chars.len() - keep))
}

/// A valid ID number from a 6-digit area code, a birth date and a 3-digit sequence (demo data
/// and tests).
pub fn compose(area: &str, birth: NaiveDate, sequence: u32) -> IdNumber {
    let first17 = format!("{area:0>6.6}{}{:03}", birth.format("%Y%m%d"), sequence % 1000);
    let check = check_char(first17.as_bytes()).expect("17 digits");
    IdNumber(format!("{first17}{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_numbers_validate() {
        // the worked example of GB 11643-1999
        assert_eq!(normalize("11010519491231002X"), Ok("11010519491231002X".into()));
        assert_eq!(normalize(" 11010519491231002x "), Ok("11010519491231002X".into()), "lower-case x and spaces");
        assert_eq!(check_char(b"44052419800101001"), Some('3'));
        assert_eq!(normalize("440524198001010013"), Ok("440524198001010013".into()));
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        assert_eq!(normalize("110105194912310021"), Err(IdError::CheckDigit));
        assert_eq!(normalize("440524198001010014"), Err(IdError::CheckDigit));
        // every other last character is wrong
        let valid = "440524198001010013";
        for c in "0123456789X".chars().filter(|c| *c != '3') {
            let wrong = format!("{}{c}", &valid[..17]);
            assert_eq!(normalize(&wrong), Err(IdError::CheckDigit), "{wrong}");
        }
    }

    #[test]
    fn shape_and_birth_date_are_checked() {
        assert_eq!(normalize("4405241980010100"), Err(IdError::Length));
        assert_eq!(normalize("4405241980010100131"), Err(IdError::Length));
        assert_eq!(normalize("44052419800101001A"), Err(IdError::Characters));
        assert_eq!(normalize("4405241980O101001X"), Err(IdError::Characters));
        assert_eq!(normalize(""), Err(IdError::Length));
        // 1980-02-30 does not exist
        let bad_date = format!("44052419800230001{}", check_char(b"44052419800230001").unwrap());
        assert_eq!(normalize(&bad_date), Err(IdError::BirthDate));
        // full-width digits are not 18 ASCII characters
        assert!(normalize("４４０５２４１９８００１０１００１４").is_err());
    }

    #[test]
    fn composed_numbers_are_valid() {
        let birth = NaiveDate::from_ymd_opt(1975, 6, 30).unwrap();
        for seq in [0, 7, 123, 999] {
            let id = compose("360425", birth, seq);
            assert_eq!(IdNumber::parse(id.as_str()), Ok(id.clone()));
            assert_eq!(birth_date(id.as_str()), Some(birth));
            assert!(id.as_str().starts_with("36042519750630"));
        }
    }

    #[test]
    fn masks_hide_the_middle() {
        assert_eq!(mask_id("36042519750630123X"), "3604**********123X");
        assert_eq!(mask_id("360425197506301234").chars().count(), 18);
        assert_eq!(mask_name("张三明"), "张*明");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳小明"), "欧**明");
        assert_eq!(mask_name("王"), "*");
        assert_eq!(mask_name(" 李某甲 "), "李*甲");
        assert_eq!(mask_account("6217001234567895678"), "***************5678");
        assert_eq!(mask_account("12"), "12");
    }

    #[test]
    fn a_parsed_number_keeps_its_digits_and_never_prints_them() {
        let id = IdNumber::parse(" 11010519491231002x ").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.key(), 11010519491231002);
        assert!(!format!("{id:?}").contains("19491231"), "{id:?}");
    }
}
