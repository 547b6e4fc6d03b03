//! Money: an integer count of a currency's minor units (cents, fen, yen)
//! and an ISO 4217 currency. Never floating point, so `0.1 + 0.2` is
//! exactly `0.3` and totals never drift.
//!
//! - [`Currency`]: a fixed table of common ISO 4217 currencies with their
//!   exponent (USD 2, JPY 0, KWD 3) and their symbols in English and
//!   Chinese. [`Currency::from_code`] looks one up; unknown codes are refused
//!   rather than guessed, because the exponent decides what a stored number
//!   means.
//! - [`Money::parse`] reads what people type — "1,234.56", "¥1,234.5",
//!   "-$5", "１２３４", "1234 USD" — for a currency chosen beforehand, and
//!   says precisely what is wrong otherwise ([`MoneyError`]).
//! - [`Money::format`] writes "$1,234.56" (en) or "US$1,234.56" (zh-CN);
//!   [`Money::to_plain_string`] writes "1234.56" for form inputs. Both parse
//!   back to the same amount.
//! - [`Money::checked_add`], [`Money::checked_sub`] and [`sum_by_currency`]
//!   refuse to mix currencies and report overflow instead of wrapping.
//! - [`Money::weighted`] takes a whole percentage (a deal's probability) and
//!   rounds the result to the nearest minor unit, **halves away from zero**
//!   (as a spreadsheet's ROUND does): 50 % of 1 cent is 1 cent, 50 % of −1
//!   cent is −1 cent, 10 % of 4 cents is 0. Each amount is rounded on its
//!   own, so a pipeline's weighted total is the sum of the weighted values
//!   shown next to each deal.
//!
//! Stored as `{"minor": 123456, "currency": "USD"}`: both parts in one value,
//! so a merge can never pair one device's number with another's currency.
//! Adding a currency to the table is a format change in one direction: an
//! older version refuses a record holding a code it does not know (the app
//! reports the record as unreadable and leaves it untouched).
//!
//! Limits: "," always groups by three and "." is always the decimal point,
//! in both locales; Indian lakh grouping ("1,23,456") and decimal commas
//! ("1.234,56") are refused with [`MoneyError::MisplacedGroupSeparator`]
//! rather than guessed.

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::settings::Locale;

mod currency;

pub use currency::{Currency, MAX_EXPONENT};

/// Why an amount could not be read or computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum MoneyError {
    /// Nothing but whitespace was typed.
    #[error("amount is empty")]
    Empty,
    /// Not a number: letters inside the digits, two decimal points, two
    /// signs, a sign after the number, no digits at all.
    #[error("amount is not a number")]
    NotANumber,
    /// A "," that does not separate groups of three digits in the whole
    /// part ("1,23", "12,3456", "1.234,5"): often a decimal comma typed by
    /// mistake, so it is refused rather than guessed.
    #[error("digit group separators are misplaced")]
    MisplacedGroupSeparator,
    /// A non-zero digit beyond the currency's decimals ("1.234" for USD,
    /// "1.5" for JPY). Extra trailing zeros are fine: "¥100.00" is 100 yen
    /// and "1.230" is $1.23.
    #[error("too many decimals for the currency (at most {max})")]
    TooManyDecimals { max: u8 },
    /// Beyond ±(2^63 − 1) minor units, or a sum or difference that would be.
    #[error("amount is too large")]
    Overflow,
    /// A symbol or code that belongs to another currency ("€5" for USD).
    #[error("the symbol belongs to another currency")]
    SymbolMismatch,
    /// A symbol or word next to the number that is no currency's.
    #[error("unknown currency symbol")]
    UnknownSymbol,
    /// An ISO 4217 code not in Coffer's table.
    #[error("unknown currency code")]
    UnknownCurrency,
    /// Adding or comparing amounts in two currencies.
    #[error("amounts are in different currencies ({left} and {right})")]
    CurrencyMismatch { left: Currency, right: Currency },
    /// A weighting percentage above 100.
    #[error("percentage must be between 0 and 100, got {got}")]
    PercentOutOfRange { got: u8 },
}

/// An amount of one currency, in its minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Cents for USD, fen for CNY, yen for JPY.
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money::new(0, currency)
    }

    pub fn is_zero(self) -> bool {
        self.minor == 0
    }

    pub fn is_negative(self) -> bool {
        self.minor < 0
    }

    /// Reads an amount of `currency` as people type it (see the module
    /// docs). Input is NFKC-folded first, so full-width digits, "，" and
    /// "￥" from Chinese input methods work; whitespace anywhere is ignored;
    /// "," groups thousands and "." is the decimal point; one "-" (or "−")
    /// before or after a leading symbol makes it negative; a symbol or code
    /// may come before or after the number.
    pub fn parse(input: &str, currency: Currency) -> Result<Money, MoneyError> {
        let s: String = input
            .nfkc()
            .map(|c| if c == '\u{2212}' { '-' } else { c })
            .filter(|c| !c.is_whitespace())
            .collect();
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        let is_num = |c: char| c.is_ascii_digit() || c == '.' || c == ',';
        let start = s.find(is_num).ok_or(MoneyError::NotANumber)?;
        // `start` found a numeric char, so `rfind` finds one too.
        let end = s.rfind(is_num).ok_or(MoneyError::NotANumber)? + 1;
        let (prefix, body, suffix) = (&s[..start], &s[start..end], &s[end..]);

        let is_sign = |c: char| c == '-' || c == '+';
        let (mut rest, mut negative) = (prefix, false);
        if let Some(r) = rest.strip_prefix(is_sign) {
            negative = rest.starts_with('-');
            rest = r;
        } else if let Some(r) = rest.strip_suffix(is_sign) {
            negative = rest.ends_with('-');
            rest = r;
        }
        if rest.contains(is_sign) || suffix.contains(is_sign) {
            return Err(MoneyError::NotANumber);
        }
        let mut symbol = rest.to_owned();
        if !symbol.is_empty() && !suffix.is_empty() {
            return Err(MoneyError::NotANumber);
        }
        symbol.push_str(suffix);
        if !symbol.is_empty() && !currency.accepts_symbol(&symbol) {
            return Err(if Currency::all().any(|c| c.accepts_symbol(&symbol)) {
                MoneyError::SymbolMismatch
            } else if symbol.chars().any(|c| c.is_alphanumeric() || c.is_ascii()) {
                // Letters inside or around the digits ("12abc"): a typo,
                // unless they spell a known currency (handled above).
                MoneyError::NotANumber
            } else {
                MoneyError::UnknownSymbol
            });
        }
        let magnitude = parse_unsigned(body, currency.exponent())?;
        Ok(Money::new(
            if negative { -magnitude } else { magnitude },
            currency,
        ))
    }

    /// "1234.56", "-5", "0.05": no symbol, no grouping, exactly the
    /// currency's decimals. For editable inputs; [`Money::parse`] reads it
    /// back.
    pub fn to_plain_string(self) -> String {
        self.render(None, false)
    }

    /// "1,234.56" without a symbol, for tables with a currency column.
    pub fn format_number(self) -> String {
        self.render(None, true)
    }

    /// "$1,234.56" / "-CN¥5.00" / "CHF 10.00" in English, "US$1,234.56" /
    /// "¥5.00" in Chinese. Both locales group by thousands with "," and use
    /// "." as the decimal point; a symbol made of letters is followed by a
    /// space. [`Money::parse`] reads the result back.
    pub fn format(self, locale: Locale) -> String {
        self.render(Some(self.currency.symbol(locale)), true)
    }

    fn render(self, symbol: Option<&str>, group: bool) -> String {
        let exp = u32::from(self.currency.exponent());
        // `unsigned_abs` so that i64::MIN formats too.
        let abs = self.minor.unsigned_abs();
        let scale = 10_u64.pow(exp);
        let whole = (abs / scale).to_string();
        let mut out = String::with_capacity(whole.len() + 12);
        if self.minor < 0 {
            out.push('-');
        }
        if let Some(symbol) = symbol {
            out.push_str(symbol);
            if symbol.ends_with(|c: char| c.is_alphabetic()) {
                out.push(' ');
            }
        }
        for (i, c) in whole.chars().enumerate() {
            if group && i > 0 && (whole.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        if exp > 0 {
            out.push('.');
            out.push_str(&format!("{:0width$}", abs % scale, width = exp as usize));
        }
        out
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let minor = self
            .minor
            .checked_sub(other.minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            });
        }
        Ok(())
    }

    /// `percent` % of this amount, rounded to the nearest minor unit with
    /// halves away from zero. Never overflows: the result is no larger in
    /// magnitude than `self`.
    pub fn weighted(self, percent: u8) -> Result<Money, MoneyError> {
        if percent > 100 {
            return Err(MoneyError::PercentOutOfRange { got: percent });
        }
        let product = i128::from(self.minor) * i128::from(percent);
        let (q, r) = (product / 100, product % 100);
        let rounded = if r.abs() * 2 >= 100 {
            q + product.signum()
        } else {
            q
        };
        // |rounded| <= |minor| because percent <= 100.
        let minor = i64::try_from(rounded).map_err(|_| MoneyError::Overflow)?;
        Ok(Money::new(minor, self.currency))
    }
}

/// For logs and debugging: "1234.56 USD". The UI uses [`Money::format`].
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.to_plain_string(), self.currency)
    }
}

/// Parses the digits of an amount (no sign, no symbol) into minor units.
fn parse_unsigned(body: &str, exponent: u8) -> Result<i64, MoneyError> {
    // Checked first so that the byte slicing below is on char boundaries:
    // the body may hold any character between its first and last digit.
    if !body
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return Err(MoneyError::NotANumber);
    }
    let (whole, frac) = match body.split_once('.') {
        Some((w, f)) => (w, f),
        None => (body, ""),
    };
    if frac.contains('.') {
        return Err(MoneyError::NotANumber);
    }
    if frac.contains(',') {
        return Err(MoneyError::MisplacedGroupSeparator);
    }
    if whole.is_empty() && frac.is_empty() {
        return Err(MoneyError::NotANumber);
    }
    if whole.contains(',') {
        let mut groups = whole.split(',');
        let first = groups.next().unwrap_or_default();
        if !(1..=3).contains(&first.len()) || groups.any(|g| g.len() != 3) {
            return Err(MoneyError::MisplacedGroupSeparator);
        }
    }
    let exponent = usize::from(exponent);
    let (kept, dropped) = frac.split_at(frac.len().min(exponent));
    if dropped.bytes().any(|b| b != b'0') {
        return Err(MoneyError::TooManyDecimals {
            max: exponent as u8,
        });
    }
    let mut value: i64 = 0;
    let digits = whole
        .bytes()
        .filter(|&b| b != b',')
        .chain(kept.bytes())
        .chain(std::iter::repeat_n(b'0', exponent - kept.len()));
    for b in digits {
        if !b.is_ascii_digit() {
            return Err(MoneyError::NotANumber);
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or(MoneyError::Overflow)?;
    }
    Ok(value)
}

/// Totals per currency, sorted by currency code, leaving out none: a
/// currency whose amounts cancel out appears with zero. Amounts are never
/// converted between currencies.
pub fn sum_by_currency(amounts: impl IntoIterator<Item = Money>) -> Result<Vec<Money>, MoneyError> {
    let mut totals: std::collections::BTreeMap<Currency, i64> = Default::default();
    for m in amounts {
        let t = totals.entry(m.currency).or_insert(0);
        *t = t.checked_add(m.minor).ok_or(MoneyError::Overflow)?;
    }
    Ok(totals
        .into_iter()
        .map(|(currency, minor)| Money::new(minor, currency))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::USD)
    }

    #[test]
    fn parse_reads_what_people_type() {
        let cny = Currency::CNY;
        for (input, cur, minor) in [
            ("1,234.56", Currency::USD, 123_456),
            ("1234", Currency::USD, 123_400),
            ("¥1,234.5", cny, 123_450),
            ("￥１，２３４．５", cny, 123_450),
            ("CN¥ 10", cny, 1000),
            ("10 元", cny, 1000),
            ("rmb 10", cny, 1000),
            ("-$5", Currency::USD, -500),
            ("$-5", Currency::USD, -500),
            ("−5.00", Currency::USD, -500),
            ("+5", Currency::USD, 500),
            ("US$ 0.05", Currency::USD, 5),
            ("1234 USD", Currency::USD, 123_400),
            (".5", Currency::USD, 50),
            ("5.", Currency::USD, 500),
            ("¥1,000", Currency::JPY, 1000),
            ("¥1,000.00", Currency::JPY, 1000),
            ("1.230", Currency::USD, 123),
            ("€1,234.00", Currency::EUR, 123_400),
            ("CHF 10.5", Currency::CHF, 1050),
            ("HK$7", Currency::HKD, 700),
            ("$7", Currency::HKD, 700),
            ("₩5,000", Currency::KRW, 5000),
            ("1.234 KWD", Currency::from_code("KWD").unwrap(), 1234),
        ] {
            assert_eq!(
                Money::parse(input, cur),
                Ok(Money::new(minor, cur)),
                "{input}"
            );
        }
    }

    #[test]
    fn parse_reports_what_is_wrong() {
        let usd = Currency::USD;
        for (input, cur, err) in [
            ("", usd, MoneyError::Empty),
            ("   ", usd, MoneyError::Empty),
            ("$", usd, MoneyError::NotANumber),
            ("abc", usd, MoneyError::NotANumber),
            ("12a4", usd, MoneyError::NotANumber),
            // A digit of another script after the point: refused, not a
            // panic on slicing inside it.
            (".\u{11D60}0", usd, MoneyError::NotANumber),
            ("1.5€5", usd, MoneyError::NotANumber),
            ("1.2.3", usd, MoneyError::NotANumber),
            ("--5", usd, MoneyError::NotANumber),
            ("5-", usd, MoneyError::NotANumber),
            ("$5 USD", usd, MoneyError::NotANumber),
            ("1,23", usd, MoneyError::MisplacedGroupSeparator),
            ("12,3456", usd, MoneyError::MisplacedGroupSeparator),
            (",123", usd, MoneyError::MisplacedGroupSeparator),
            ("1.234,5", usd, MoneyError::MisplacedGroupSeparator),
            ("1.234", usd, MoneyError::TooManyDecimals { max: 2 }),
            (
                "¥1.5",
                Currency::JPY,
                MoneyError::TooManyDecimals { max: 0 },
            ),
            ("92233720368547758.08", usd, MoneyError::Overflow),
            ("99999999999999999999", Currency::JPY, MoneyError::Overflow),
            ("€5", usd, MoneyError::SymbolMismatch),
            ("5 EUR", usd, MoneyError::SymbolMismatch),
            ("¥5", usd, MoneyError::SymbolMismatch),
            ("$5", Currency::CNY, MoneyError::SymbolMismatch),
            ("§5", usd, MoneyError::UnknownSymbol),
        ] {
            assert_eq!(Money::parse(input, cur), Err(err), "{input:?}");
        }
        assert_eq!(
            Money::parse("92233720368547758.07", usd),
            Ok(Money::new(i64::MAX, usd))
        );
    }

    #[test]
    fn format_groups_thousands_and_uses_locale_symbols() {
        let m = Money::new(123_456, Currency::USD);
        assert_eq!(m.format(Locale::En), "$1,234.56");
        assert_eq!(m.format(Locale::ZhCn), "US$1,234.56");
        let c = Money::new(123_456, Currency::CNY);
        assert_eq!(c.format(Locale::En), "CN¥1,234.56");
        assert_eq!(c.format(Locale::ZhCn), "¥1,234.56");
        assert_eq!(Money::new(-5, Currency::CNY).format(Locale::ZhCn), "-¥0.05");
        assert_eq!(
            Money::new(1_000_000, Currency::JPY).format(Locale::En),
            "¥1,000,000"
        );
        assert_eq!(
            Money::new(1_000_000, Currency::JPY).format(Locale::ZhCn),
            "JP¥1,000,000"
        );
        assert_eq!(
            Money::new(1050, Currency::CHF).format(Locale::En),
            "CHF 10.50"
        );
        assert_eq!(Money::new(0, Currency::EUR).format(Locale::En), "€0.00");
        assert_eq!(Money::new(100, Currency::USD).format_number(), "1.00");
        assert_eq!(
            Money::new(-123_456_789, Currency::USD).to_plain_string(),
            "-1234567.89"
        );
        assert_eq!(
            Money::new(i64::MIN, Currency::USD).format(Locale::En),
            "-$92,233,720,368,547,758.08"
        );
        assert_eq!(Money::new(1234, Currency::USD).to_string(), "12.34 USD");
    }

    #[test]
    fn arithmetic_refuses_mixed_currencies_and_overflow() {
        assert_eq!(usd(150).checked_add(usd(250)), Ok(usd(400)));
        assert_eq!(usd(150).checked_sub(usd(250)), Ok(usd(-100)));
        assert_eq!(
            usd(1).checked_add(Money::new(1, Currency::EUR)),
            Err(MoneyError::CurrencyMismatch {
                left: Currency::USD,
                right: Currency::EUR
            })
        );
        assert_eq!(usd(i64::MAX).checked_add(usd(1)), Err(MoneyError::Overflow));
        assert_eq!(usd(i64::MIN).checked_sub(usd(1)), Err(MoneyError::Overflow));
    }

    #[test]
    fn sums_are_kept_per_currency() {
        let eur = |m| Money::new(m, Currency::EUR);
        assert_eq!(
            sum_by_currency([usd(10), eur(5), usd(-10), eur(7)]),
            Ok(vec![eur(12), usd(0)])
        );
        assert_eq!(sum_by_currency([]), Ok(vec![]));
        assert_eq!(
            sum_by_currency([usd(i64::MAX), usd(1)]),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn weighting_rounds_halves_away_from_zero() {
        assert_eq!(usd(1).weighted(50), Ok(usd(1)));
        assert_eq!(usd(-1).weighted(50), Ok(usd(-1)));
        assert_eq!(usd(4).weighted(10), Ok(usd(0)));
        assert_eq!(usd(5).weighted(10), Ok(usd(1)));
        assert_eq!(usd(149).weighted(1), Ok(usd(1)));
        assert_eq!(usd(150).weighted(1), Ok(usd(2)));
        assert_eq!(usd(100_000).weighted(80), Ok(usd(80_000)));
        assert_eq!(usd(i64::MAX).weighted(100), Ok(usd(i64::MAX)));
        assert_eq!(usd(i64::MIN).weighted(100), Ok(usd(i64::MIN)));
        assert_eq!(usd(7).weighted(0), Ok(usd(0)));
        assert_eq!(
            usd(7).weighted(101),
            Err(MoneyError::PercentOutOfRange { got: 101 })
        );
    }

    #[test]
    fn serialises_as_minor_units_and_code() {
        let json = serde_json::to_string(&Money::new(123, Currency::CNY)).unwrap();
        assert_eq!(json, r#"{"minor":123,"currency":"CNY"}"#);
        let back: Money = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Money::new(123, Currency::CNY));
        assert!(serde_json::from_str::<Money>(r#"{"minor":1,"currency":"XXX"}"#).is_err());
    }

    fn any_money() -> impl Strategy<Value = Money> {
        (-i64::MAX..=i64::MAX, 0..Currency::all().count())
            .prop_map(|(m, c)| Money::new(m, Currency::all().nth(c).unwrap()))
    }

    proptest! {
        #[test]
        fn format_and_plain_parse_back(m in any_money()) {
            prop_assert_eq!(Money::parse(&m.to_plain_string(), m.currency), Ok(m));
            prop_assert_eq!(Money::parse(&m.format_number(), m.currency), Ok(m));
            for l in Locale::ALL {
                prop_assert_eq!(Money::parse(&m.format(l), m.currency), Ok(m));
            }
        }

        #[test]
        fn addition_matches_wide_arithmetic(a in any::<i64>(), b in any::<i64>()) {
            let wide = i128::from(a) + i128::from(b);
            match usd(a).checked_add(usd(b)) {
                Ok(sum) => prop_assert_eq!(i128::from(sum.minor), wide),
                Err(e) => {
                    prop_assert_eq!(e, MoneyError::Overflow);
                    prop_assert!(i64::try_from(wide).is_err());
                }
            }
        }

        #[test]
        fn sum_is_order_independent(xs in proptest::collection::vec((-1_000_000_000i64..1_000_000_000, 0..3u8), 0..40)) {
            let ms: Vec<Money> = xs
                .iter()
                .map(|&(m, c)| Money::new(m, Currency::all().nth(usize::from(c)).unwrap()))
                .collect();
            let mut rev = ms.clone();
            rev.reverse();
            prop_assert_eq!(sum_by_currency(ms), sum_by_currency(rev));
        }

        #[test]
        fn weighting_is_within_half_a_unit(m in any::<i64>(), p in 0u8..=100) {
            let w = usd(m).weighted(p).unwrap().minor;
            let exact = i128::from(m) * i128::from(p);
            // |w * 100 - exact| <= 50, and w has the sign of the product.
            prop_assert!((i128::from(w) * 100 - exact).abs() <= 50);
            prop_assert!(i128::from(w).abs() <= i128::from(m).abs());
        }
    }
}
