//! Money: integer fen (分, a hundredth of a yuan), never floating point. Amounts are parsed into
//! [`Fen`] at the edge (API bodies, stored columns) and keep the type through the rules; the API
//! spells them as plain integers (`*_fen` fields, `value_type = i64` in the document).

use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub, SubAssign};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// `count` of this amount (people × a rate per person, …).
    pub fn times(self, count: i64) -> Fen {
        Fen(self.0 * count)
    }

    /// This amount as a share of `whole` (1.0 when `whole` is nothing).
    pub fn share_of(self, whole: Fen) -> f64 {
        if whole.0 == 0 { 1.0 } else { self.0 as f64 / whole.0 as f64 }
    }

    /// 300.00: yuan with two decimals, as payment files and spreadsheets take them.
    pub fn decimal(self) -> String {
        format!("{}{}.{:02}", if self.0 < 0 { "-" } else { "" }, (self.0 / 100).abs(), (self.0 % 100).abs())
    }

    /// An amount in yuan as people type it in a spreadsheet: `20000`, `20000.5`, `20,000.00`, with
    /// at most two decimals and never negative (None otherwise).
    pub fn parse_yuan(text: &str) -> Option<Fen> {
        let text = text.trim().trim_start_matches(['¥', '￥']).replace(',', "");
        let (whole, part) = text.split_once('.').unwrap_or((&text, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (!part.is_empty() && !digits(part)) || part.len() > 2 || whole.len() > 13 {
            return None;
        }
        let cents = format!("{part:0<2}").parse::<i64>().ok()?;
        Some(Fen(whole.parse::<i64>().ok()? * 100 + cents))
    }

    /// ¥300 or ¥12.50, as lists and files show money.
    pub fn yuan(self) -> String {
        if self.0 % 100 == 0 { format!("¥{}", self.0 / 100) } else { format!("¥{}", self.decimal()) }
    }
}

/// The plain number of fen, as error messages and logs give it.
impl std::fmt::Display for Fen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, other: Fen) -> Fen {
        Fen(self.0 + other.0)
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, other: Fen) -> Fen {
        Fen(self.0 - other.0)
    }
}

impl AddAssign for Fen {
    fn add_assign(&mut self, other: Fen) {
        self.0 += other.0;
    }
}

impl SubAssign for Fen {
    fn sub_assign(&mut self, other: Fen) {
        self.0 -= other.0;
    }
}

impl Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(amounts: I) -> Fen {
        Fen(amounts.map(|f| f.0).sum())
    }
}

impl<'a> Sum<&'a Fen> for Fen {
    fn sum<I: Iterator<Item = &'a Fen>>(amounts: I) -> Fen {
        amounts.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_as_typed() {
        assert_eq!(Fen::parse_yuan("20000"), Some(Fen(2_000_000)));
        assert_eq!(Fen::parse_yuan(" 20,000.5 "), Some(Fen(2_000_050)));
        assert_eq!(Fen::parse_yuan("¥0.05"), Some(Fen(5)));
        for bad in ["", "-1", "1.234", "1e3", "abc", ".5"] {
            assert_eq!(Fen::parse_yuan(bad), None, "{bad}");
        }
    }

    #[test]
    fn adds_multiplies_and_shows_yuan() {
        let rate = Fen(30_000);
        assert_eq!(rate.times(3) + Fen(50), Fen(90_050));
        assert_eq!(Fen(90_050).yuan(), "¥900.50");
        assert_eq!(Fen(30_000).yuan(), "¥300");
        assert_eq!(Fen(30_005).decimal(), "300.05");
        assert_eq!(Fen(-50).yuan(), "¥-0.50", "the sign survives an amount under one yuan");
        assert_eq!([Fen(1), Fen(2)].iter().sum::<Fen>(), Fen(3));
        assert_eq!(Fen(25).share_of(Fen(100)), 0.25);
        assert_eq!(Fen(0).share_of(Fen(0)), 1.0);
    }
}
