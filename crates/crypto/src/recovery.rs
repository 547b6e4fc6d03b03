//! The recovery code: 128 random bits the user writes down once.
//!
//! Shown as 26 Crockford base32 characters (alphabet
//! `0123456789ABCDEFGHJKMNPQRSTVWXYZ`, no `I L O U`) carrying the 16 bytes
//! most-significant bit first (the last character holds 3 data bits and 2
//! zero bits), then one check character, grouped by 4 with `-`:
//! `XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXX`.
//!
//! The check character is `c = Σ αⁱ⁺¹ · dᵢ` over GF(32) (polynomial
//! `x⁵ + x² + 1`, `α = x`, `dᵢ` the value of data character `i`). Because the
//! weights are distinct and non-zero, every single-character substitution and
//! every swap of two different characters is detected, not merely most.

use core::fmt;

use data_encoding::{Encoding, Specification};
use zeroize::Zeroizing;

use crate::error::CryptoError;
use crate::random;

/// Entropy of a recovery code in bytes.
pub const RECOVERY_CODE_LEN: usize = 16;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const DATA_CHARS: usize = 26;
const GROUP: usize = 4;

/// A recovery code. Zeroized on drop, redacted in `Debug`.
pub struct RecoveryCode(Zeroizing<[u8; RECOVERY_CODE_LEN]>);

impl RecoveryCode {
    /// A fresh random code.
    ///
    /// # Panics
    /// If the platform random number generator fails; use
    /// [`RecoveryCode::try_generate`] to handle that.
    pub fn generate() -> Self {
        match Self::try_generate() {
            Ok(code) => code,
            Err(e) => panic!("cannot generate a recovery code: {e}"),
        }
    }

    /// A fresh random code, reporting RNG failure as [`CryptoError::Rng`].
    pub fn try_generate() -> Result<Self, CryptoError> {
        let mut bytes = Zeroizing::new([0u8; RECOVERY_CODE_LEN]);
        random::fill(&mut bytes[..])?;
        Ok(RecoveryCode(bytes))
    }

    pub(crate) fn from_bytes(bytes: [u8; RECOVERY_CODE_LEN]) -> Self {
        RecoveryCode(Zeroizing::new(bytes))
    }

    pub(crate) fn bytes(&self) -> &[u8; RECOVERY_CODE_LEN] {
        &self.0
    }

    /// The code as the user should write it down, e.g.
    /// `"7K2M-0QXF-…-9AB"` (33 characters).
    pub fn to_display(&self) -> Zeroizing<String> {
        let mut chars = Zeroizing::new([0u8; DATA_CHARS + 1]);
        crockford().encode_mut(&self.0[..], &mut chars[..DATA_CHARS]);
        let mut values = Zeroizing::new([0u8; DATA_CHARS]);
        for (value, &c) in values.iter_mut().zip(&chars[..DATA_CHARS]) {
            *value = symbol_value(c).unwrap_or(0); // always Some: we just encoded it.
        }
        chars[DATA_CHARS] = ALPHABET[usize::from(check_value(&values[..]))];

        let len = chars.len() + (chars.len() - 1) / GROUP;
        let mut out = Zeroizing::new(String::with_capacity(len));
        for (i, &c) in chars.iter().enumerate() {
            if i > 0 && i % GROUP == 0 {
                out.push('-');
            }
            out.push(char::from(c));
        }
        out
    }

    /// Reads a code typed by a user: case-insensitive; spaces, dashes and
    /// full-width forms (as Chinese input methods produce) are fine; `O` reads
    /// as `0`, `I` and `L` as `1`.
    ///
    /// Wrong length or a character outside the alphabet gives
    /// [`CryptoError::RecoveryCodeMalformed`]; a check-character mismatch
    /// gives [`CryptoError::RecoveryCodeMistyped`].
    pub fn parse(s: &str) -> Result<Self, CryptoError> {
        let mut chars = Zeroizing::new(Vec::with_capacity(DATA_CHARS + 1));
        for c in s.chars() {
            let c = fold_full_width(c);
            if c.is_whitespace() || c == '-' {
                continue;
            }
            if chars.len() == DATA_CHARS + 1 || !c.is_ascii() {
                return Err(CryptoError::RecoveryCodeMalformed);
            }
            let c = match c.to_ascii_uppercase() {
                'O' => b'0',
                'I' | 'L' => b'1',
                other => other as u8, // ASCII, checked above.
            };
            chars.push(c);
        }
        if chars.len() != DATA_CHARS + 1 {
            return Err(CryptoError::RecoveryCodeMalformed);
        }
        let mut values = Zeroizing::new([0u8; DATA_CHARS + 1]);
        for (value, &c) in values.iter_mut().zip(chars.iter()) {
            *value = symbol_value(c).ok_or(CryptoError::RecoveryCodeMalformed)?;
        }
        if check_value(&values[..DATA_CHARS]) != values[DATA_CHARS] {
            return Err(CryptoError::RecoveryCodeMistyped);
        }
        let mut bytes = Zeroizing::new([0u8; RECOVERY_CODE_LEN]);
        // The only possible failure left is non-zero trailing bits in the last
        // data character, which a valid code never has: treat it as a typo.
        crockford()
            .decode_mut(&chars[..DATA_CHARS], &mut bytes[..])
            .map_err(|_| CryptoError::RecoveryCodeMistyped)?;
        Ok(RecoveryCode(bytes))
    }
}

impl fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryCode(..)")
    }
}

fn crockford() -> Encoding {
    let mut spec = Specification::new();
    spec.symbols.push_str("0123456789ABCDEFGHJKMNPQRSTVWXYZ");
    // A constant, valid specification (32 unique ASCII symbols, no padding),
    // exercised by every test that displays or parses a code.
    spec.encoding()
        .expect("the Crockford base32 specification is valid")
}

fn symbol_value(c: u8) -> Option<u8> {
    // Position < 32, so the cast is lossless.
    ALPHABET.iter().position(|&a| a == c).map(|i| i as u8)
}

/// Maps full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space
/// to their ASCII counterparts.
fn fold_full_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// `Σ αⁱ⁺¹ · dᵢ` over GF(32).
fn check_value(data: &[u8]) -> u8 {
    let mut weight = 1u8;
    let mut sum = 0u8;
    for &d in data {
        weight = gf32_mul(weight, 2);
        sum ^= gf32_mul(weight, d);
    }
    sum
}

/// Multiplication in GF(2⁵) modulo `x⁵ + x² + 1`.
fn gf32_mul(mut a: u8, mut b: u8) -> u8 {
    let mut product = 0u8;
    for _ in 0..5 {
        // Branch-free: the code is secret, so avoid data-dependent branches.
        product ^= a & 0u8.wrapping_sub(b & 1);
        b >>= 1;
        let carry = 0u8.wrapping_sub((a >> 4) & 1);
        a = ((a << 1) & 0x1f) ^ (0x05 & carry);
    }
    product
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> RecoveryCode {
        RecoveryCode::from_bytes(
            *b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff",
        )
    }

    fn strip(s: &str) -> Vec<u8> {
        s.bytes().filter(|&b| b != b'-').collect()
    }

    #[test]
    fn gf32_alpha_has_order_31() {
        let mut x = 1u8;
        for i in 1..=31 {
            x = gf32_mul(x, 2);
            assert_eq!(x == 1, i == 31, "alpha^{i}");
        }
    }

    #[test]
    fn gf32_multiplication_has_inverses() {
        for a in 1..32u8 {
            assert_eq!((1..32u8).filter(|&b| gf32_mul(a, b) == 1).count(), 1);
            assert_eq!(gf32_mul(a, 0), 0);
            assert_eq!(gf32_mul(a, 1), a);
        }
    }

    #[test]
    fn display_is_grouped_crockford_with_check_character() {
        let shown = sample().to_display();
        assert_eq!(shown.len(), 33);
        let groups: Vec<&str> = shown.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [4, 4, 4, 4, 4, 4, 3]
        );
        assert!(shown.bytes().all(|b| b == b'-' || ALPHABET.contains(&b)));
        // Data part is plain Crockford base32 of the bytes.
        assert_eq!(&strip(&shown)[..26], b"008J4CT4ANK7F24SNAXWSQFEZW");
    }

    #[test]
    fn display_then_parse_round_trips() {
        for _ in 0..50 {
            let code = RecoveryCode::generate();
            let parsed = RecoveryCode::parse(&code.to_display()).unwrap();
            assert_eq!(parsed.bytes(), code.bytes());
        }
    }

    #[test]
    fn parse_tolerates_case_spacing_full_width_and_lookalikes() {
        let shown = sample().to_display();
        let code = sample();
        let variants = [
            shown.to_lowercase(),
            shown.replace('-', " "),
            shown.replace('-', ""),
            format!("  {}\n", shown.replace('-', " - ")),
            shown.replace('0', "O"),
            shown.replace('1', "l"),
            shown.replace('1', "I"),
            shown
                .chars()
                .map(|c| char::from_u32(u32::from(c) + 0xFEE0).unwrap())
                .collect(),
        ];
        for v in variants {
            assert_eq!(
                RecoveryCode::parse(&v).unwrap().bytes(),
                code.bytes(),
                "{v}"
            );
        }
    }

    #[test]
    fn every_single_character_substitution_is_detected() {
        let good = strip(&sample().to_display());
        for pos in 0..good.len() {
            for &c in ALPHABET {
                if c == good[pos] {
                    continue;
                }
                let mut bad = good.clone();
                bad[pos] = c;
                let bad = String::from_utf8(bad).unwrap();
                let err = RecoveryCode::parse(&bad).unwrap_err();
                assert_eq!(err, CryptoError::RecoveryCodeMistyped, "{bad}");
            }
        }
    }

    #[test]
    fn every_swap_of_two_different_characters_is_detected() {
        let good = strip(&sample().to_display());
        for i in 0..good.len() {
            for j in i + 1..good.len() {
                if good[i] == good[j] {
                    continue;
                }
                let mut bad = good.clone();
                bad.swap(i, j);
                let bad = String::from_utf8(bad).unwrap();
                assert_eq!(
                    RecoveryCode::parse(&bad).unwrap_err(),
                    CryptoError::RecoveryCodeMistyped,
                    "{bad}"
                );
            }
        }
    }

    #[test]
    fn wrong_length_or_characters_are_malformed() {
        let good = strip(&sample().to_display());
        let good = String::from_utf8(good).unwrap();
        for bad in [
            String::new(),
            good[..26].to_owned(),
            format!("{good}0"),
            good.replacen(&good[3..4], "U", 1),
            good.replacen(&good[3..4], "*", 1),
            good.replacen(&good[3..4], "好", 1),
        ] {
            assert_eq!(
                RecoveryCode::parse(&bad).unwrap_err(),
                CryptoError::RecoveryCodeMalformed,
                "{bad}"
            );
        }
    }

    #[test]
    fn nonzero_trailing_bits_are_rejected() {
        // Last data character of the sample is 'W' (value 28 = 0b11100); its
        // two low bits are padding. Change it to 'X' (29) and fix the check
        // character so only the padding is wrong.
        let mut chars = strip(&sample().to_display());
        chars[25] = b'X';
        let values: Vec<u8> = chars[..26]
            .iter()
            .map(|&c| symbol_value(c).unwrap())
            .collect();
        chars[26] = ALPHABET[usize::from(check_value(&values[..]))];
        let s = String::from_utf8(chars).unwrap();
        assert_eq!(
            RecoveryCode::parse(&s).unwrap_err(),
            CryptoError::RecoveryCodeMistyped
        );
    }

    #[test]
    fn debug_is_redacted() {
        assert_eq!(format!("{:?}", sample()), "RecoveryCode(..)");
    }
}
