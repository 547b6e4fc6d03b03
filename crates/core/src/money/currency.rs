//! The currency table: ISO 4217 codes, exponents and symbols.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::MoneyError;
use crate::settings::Locale;

struct CurrencyInfo {
    code: &'static str,
    exponent: u8,
    /// CLDR's symbol for English.
    en: &'static str,
    /// CLDR's symbol for Simplified Chinese.
    zh: &'static str,
    /// Other symbols people type for this currency, accepted on input only.
    /// "$" and "¥" are shared by several currencies: they are accepted for
    /// each (the currency is chosen beforehand). None contains a digit,
    /// ",", ".", "+" or "-".
    aliases: &'static [&'static str],
}

/// Sorted by code: [`Currency`]'s order is its index, so it sorts by code.
const TABLE: [CurrencyInfo; 30] = [
    cur("AED", 2, "AED", "AED", &[]),
    cur("AUD", 2, "A$", "AU$", &["$"]),
    cur("BHD", 3, "BHD", "BHD", &[]),
    cur("BRL", 2, "R$", "R$", &[]),
    cur("CAD", 2, "CA$", "CA$", &["C$", "$"]),
    cur("CHF", 2, "CHF", "CHF", &[]),
    cur("CNY", 2, "CN¥", "¥", &["RMB", "元", "CNH"]),
    cur("DKK", 2, "DKK", "DKK", &[]),
    cur("EUR", 2, "€", "€", &[]),
    cur("GBP", 2, "£", "£", &[]),
    cur("HKD", 2, "HK$", "HK$", &["$", "港元"]),
    cur("IDR", 2, "IDR", "IDR", &["Rp"]),
    cur("INR", 2, "₹", "₹", &[]),
    cur("JPY", 0, "¥", "JP¥", &["円", "日元"]),
    cur("KRW", 0, "₩", "₩", &["원", "韩元"]),
    cur("KWD", 3, "KWD", "KWD", &[]),
    cur("MOP", 2, "MOP", "MOP", &["MOP$", "澳门元"]),
    cur("MXN", 2, "MX$", "MX$", &["$"]),
    cur("MYR", 2, "MYR", "MYR", &["RM"]),
    cur("NOK", 2, "NOK", "NOK", &[]),
    cur("NZD", 2, "NZ$", "NZ$", &["$"]),
    cur("PHP", 2, "₱", "PHP", &["₱"]),
    cur("RUB", 2, "RUB", "RUB", &["₽"]),
    cur("SAR", 2, "SAR", "SAR", &[]),
    cur("SEK", 2, "SEK", "SEK", &[]),
    cur("SGD", 2, "SGD", "SGD", &["S$", "$", "新加坡元"]),
    cur("THB", 2, "THB", "THB", &["฿"]),
    cur("TWD", 2, "NT$", "NT$", &["$", "新台币"]),
    cur("USD", 2, "$", "US$", &["美元"]),
    cur("VND", 0, "₫", "₫", &[]),
];

const fn cur(
    code: &'static str,
    exponent: u8,
    en: &'static str,
    zh: &'static str,
    aliases: &'static [&'static str],
) -> CurrencyInfo {
    CurrencyInfo {
        code,
        exponent,
        en,
        zh,
        aliases,
    }
}

/// The largest exponent in the table; 10^this fits easily in an `i64`.
pub const MAX_EXPONENT: u8 = 3;

/// An ISO 4217 currency from Coffer's table. Orders by code.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency(u8);

impl Currency {
    pub const CNY: Currency = Currency::at("CNY");
    pub const USD: Currency = Currency::at("USD");
    pub const EUR: Currency = Currency::at("EUR");
    pub const GBP: Currency = Currency::at("GBP");
    pub const JPY: Currency = Currency::at("JPY");
    pub const HKD: Currency = Currency::at("HKD");
    pub const TWD: Currency = Currency::at("TWD");
    pub const SGD: Currency = Currency::at("SGD");
    pub const KRW: Currency = Currency::at("KRW");
    pub const AUD: Currency = Currency::at("AUD");
    pub const CAD: Currency = Currency::at("CAD");
    pub const CHF: Currency = Currency::at("CHF");
    pub const INR: Currency = Currency::at("INR");

    /// Compile-time lookup for the constants above; a typo fails the build.
    const fn at(code: &str) -> Currency {
        let code = code.as_bytes();
        let mut i = 0;
        while i < TABLE.len() {
            let c = TABLE[i].code.as_bytes();
            if c[0] == code[0] && c[1] == code[1] && c[2] == code[2] {
                return Currency(i as u8);
            }
            i += 1;
        }
        panic!("currency not in the table")
    }

    /// Every currency in the table, by code.
    pub fn all() -> impl Iterator<Item = Currency> {
        (0..TABLE.len() as u8).map(Currency)
    }

    /// Looks up an ISO 4217 code, ignoring case and surrounding whitespace.
    pub fn from_code(code: &str) -> Result<Currency, MoneyError> {
        let code = code.trim();
        TABLE
            .iter()
            .position(|c| c.code.eq_ignore_ascii_case(code))
            .map(|i| Currency(i as u8))
            .ok_or(MoneyError::UnknownCurrency)
    }

    fn info(self) -> &'static CurrencyInfo {
        &TABLE[usize::from(self.0)]
    }

    /// The three-letter ISO 4217 code, e.g. "CNY".
    pub fn code(self) -> &'static str {
        self.info().code
    }

    /// Digits after the decimal point: 2 for USD, 0 for JPY and KRW.
    pub fn exponent(self) -> u8 {
        self.info().exponent
    }

    /// Minor units in one major unit: 100 for USD, 1 for JPY.
    pub fn minor_per_major(self) -> i64 {
        10_i64.pow(u32::from(self.exponent()))
    }

    /// The symbol printed before amounts in `locale`: "$" and "CN¥" in
    /// English, "US$" and "¥" in Chinese, the code where there is no
    /// unambiguous symbol.
    pub fn symbol(self, locale: Locale) -> &'static str {
        match locale {
            Locale::En => self.info().en,
            Locale::ZhCn => self.info().zh,
        }
    }

    /// Whether `symbol` (already folded, compared ignoring ASCII case) is
    /// one people use for this currency.
    pub(super) fn accepts_symbol(self, symbol: &str) -> bool {
        let info = self.info();
        [info.code, info.en, info.zh]
            .iter()
            .chain(info.aliases)
            .any(|s| s.eq_ignore_ascii_case(symbol))
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Currency::from_code(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_exponents_are_iso() {
        let codes: Vec<&str> = Currency::all().map(Currency::code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
        );
        assert_eq!(Currency::JPY.exponent(), 0);
        assert_eq!(Currency::KRW.exponent(), 0);
        assert_eq!(Currency::from_code("kwd").unwrap().exponent(), 3);
        assert_eq!(Currency::CNY.exponent(), 2);
        assert_eq!(Currency::USD.minor_per_major(), 100);
        assert!(Currency::all().all(|c| c.exponent() <= MAX_EXPONENT));
        assert_eq!(Currency::from_code(" usd "), Ok(Currency::USD));
        assert_eq!(Currency::from_code("XXX"), Err(MoneyError::UnknownCurrency));
        assert!(Currency::CNY < Currency::USD);
    }

    #[test]
    fn each_locale_prints_each_currency_with_a_symbol_it_accepts() {
        for c in Currency::all() {
            for l in Locale::ALL {
                assert!(c.accepts_symbol(c.symbol(l)), "{c:?} {l:?}");
            }
        }
    }
}
