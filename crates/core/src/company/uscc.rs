//! The unified social credit code (统一社会信用代码, GB 32100-2015) that
//! identifies every organisation registered in mainland China:
//!
//! ```text
//! position  1     registration authority (1–9, A–Y)
//!           2     organisation type
//!           3–8   administrative division code (6 digits)
//!           9–17  organisation code
//!           18    check character
//! ```
//!
//! Characters come from the 31-character set "0123456789ABCDEFGHJKLMNPQRTUWXY"
//! (no I, O, Z, S, V, which are easily confused with digits). Each of the
//! first 17 characters is worth its index in that set and weighted by
//! 3^i mod 31 (i = 0..16); the check character is the one worth
//! `31 − (sum mod 31)`, with 31 taken as 0.

use unicode_normalization::UnicodeNormalization;

const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
pub const USCC_LEN: usize = 18;

/// Why a string is not a valid unified social credit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum UsccError {
    /// Not 18 characters (after normalisation).
    #[error("a unified social credit code has 18 characters, got {got}")]
    WrongLength { got: usize },
    /// A character outside the code's 31-character set; `position` counts
    /// from 1.
    #[error("character {position} is not allowed in a unified social credit code")]
    InvalidCharacter { position: usize },
    /// Positions 3–8 (the administrative division) are not all digits.
    #[error("positions 3-8 must be digits")]
    RegionNotDigits,
    /// The 18th character does not match the other 17: a typo somewhere.
    #[error("check character does not match")]
    BadCheckCharacter,
}

/// Tidies typed input: NFKC (full-width characters from Chinese input
/// methods become ASCII), uppercase, spaces and hyphens removed.
pub fn normalize_uscc(input: &str) -> String {
    input
        .nfkc()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn value_of(c: u8) -> Option<u32> {
    CHARSET.iter().position(|&x| x == c).map(|i| i as u32)
}

/// The check character for the first 17 characters of a code.
pub fn uscc_check_char(first17: &str) -> Result<char, UsccError> {
    let b = first17.as_bytes();
    if first17.chars().count() != USCC_LEN - 1 || b.len() != USCC_LEN - 1 {
        return Err(UsccError::WrongLength {
            got: first17.chars().count() + 1,
        });
    }
    let mut sum = 0;
    for (i, (&c, w)) in b.iter().zip(WEIGHTS).enumerate() {
        let v = value_of(c).ok_or(UsccError::InvalidCharacter { position: i + 1 })?;
        sum += v * w;
    }
    if !b[2..8].iter().all(u8::is_ascii_digit) {
        return Err(UsccError::RegionNotDigits);
    }
    Ok(char::from(CHARSET[((31 - sum % 31) % 31) as usize]))
}

/// Checks an already normalised code (see [`normalize_uscc`]).
pub fn validate_uscc(code: &str) -> Result<(), UsccError> {
    let len = code.chars().count();
    if len != USCC_LEN || !code.is_ascii() {
        if len == USCC_LEN {
            let position = code.chars().position(|c| !c.is_ascii()).unwrap_or(0) + 1;
            return Err(UsccError::InvalidCharacter { position });
        }
        return Err(UsccError::WrongLength { got: len });
    }
    let (first17, check) = code.split_at(USCC_LEN - 1);
    let expected = uscc_check_char(first17)?;
    let check = check.as_bytes()[0];
    if value_of(check).is_none() {
        return Err(UsccError::InvalidCharacter { position: USCC_LEN });
    }
    if char::from(check) != expected {
        return Err(UsccError::BadCheckCharacter);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    // Vectors computed by hand from the rule in the module docs (and
    // cross-checked with a separate script). The first is the worked
    // example printed in GB 32100-2015.
    const VALID: [&str; 5] = [
        "91350100M000100Y43",
        "91110108000000001A",
        "12100000400000321 3",
        "51100000500000000 7",
        "92310115MA1K3YJ75W",
    ];

    #[test]
    fn valid_codes_pass() {
        for code in VALID {
            let code = normalize_uscc(code);
            assert_eq!(validate_uscc(&code), Ok(()), "{code}");
        }
        assert_eq!(uscc_check_char("91350100M000100Y4"), Ok('3'));
    }

    #[test]
    fn each_fault_is_reported() {
        for (code, err) in [
            ("91350100M000100Y4", UsccError::WrongLength { got: 17 }),
            ("91350100M000100Y433", UsccError::WrongLength { got: 19 }),
            ("91350100M000100Y42", UsccError::BadCheckCharacter),
            (
                "91350100M000100I43",
                UsccError::InvalidCharacter { position: 16 },
            ),
            (
                "91350100M000100Y4O",
                UsccError::InvalidCharacter { position: 18 },
            ),
            (
                "9135010OM000100Y43",
                UsccError::InvalidCharacter { position: 8 },
            ),
            ("913501A0M000100Y43", UsccError::RegionNotDigits),
            (
                "91350100M000100Y4张",
                UsccError::InvalidCharacter { position: 18 },
            ),
        ] {
            assert_eq!(validate_uscc(code), Err(err), "{code}");
        }
    }

    #[test]
    fn normalisation_folds_full_width_case_and_separators() {
        assert_eq!(
            normalize_uscc(" ９１３５０１００m000-100y43 "),
            "91350100M000100Y43"
        );
    }

    fn body() -> impl Strategy<Value = String> {
        (
            proptest::collection::vec(0..31usize, 2),
            proptest::collection::vec(0..10usize, 6),
            proptest::collection::vec(0..31usize, 9),
        )
            .prop_map(|(a, r, o)| {
                a.into_iter()
                    .chain(r)
                    .chain(o)
                    .map(|i| char::from(CHARSET[i]))
                    .collect()
            })
    }

    proptest! {
        #[test]
        fn computed_check_char_validates(first17 in body()) {
            let c = uscc_check_char(&first17).unwrap();
            prop_assert_eq!(validate_uscc(&format!("{first17}{c}")), Ok(()));
        }

        #[test]
        fn any_single_substitution_is_caught(first17 in body(), pos in 0..17usize, shift in 1..31usize) {
            let c = uscc_check_char(&first17).unwrap();
            let mut bytes: Vec<u8> = format!("{first17}{c}").into_bytes();
            let old = value_of(bytes[pos]).unwrap() as usize;
            // Keep positions 3-8 digits so the checksum is what fails.
            let modulus = if (2..8).contains(&pos) { 10 } else { 31 };
            let new = (old + shift % modulus) % modulus;
            prop_assume!(new != old);
            bytes[pos] = CHARSET[new];
            let code = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(validate_uscc(&code), Err(UsccError::BadCheckCharacter));
        }
    }
}
