//! Passphrase strength policy, scored by zxcvbn.
//!
//! The passphrase itself is a secret: it is only borrowed here, never stored
//! in [`Strength`], and never formatted. (zxcvbn copies it internally while
//! scoring; that copy is freed, not zeroised, which the caller's own
//! zeroising cannot reach.)

use zxcvbn::feedback::Warning;
use zxcvbn::matching::patterns::MatchPattern;

use crate::text::{contains_cjk, fold};

/// Minimum length in characters (Unicode scalar values), so a 10-character
/// Chinese sentence counts as 10, not 30 bytes.
pub const MIN_LENGTH: usize = 10;
/// Minimum zxcvbn score (0..=4): 3 means about 10^10 guesses or more.
pub const MIN_SCORE: u8 = 3;

/// How good a passphrase is, and why not when it is not acceptable.
#[derive(Clone, Debug, PartialEq)]
pub struct Strength {
    /// zxcvbn's score, 0..=4.
    pub score: u8,
    /// `chars >= MIN_LENGTH && score >= MIN_SCORE`.
    pub acceptable: bool,
    /// Why the passphrase is refused, most important first; empty exactly
    /// when `acceptable`.
    pub problems: Vec<WeakReason>,
    /// log10 of zxcvbn's guess estimate, for a strength meter.
    pub guesses_log10: f64,
    /// Estimated seconds to crack offline at 10^4 guesses per second (a slow
    /// hash). The UI formats it in the user's language.
    pub offline_crack_seconds: u64,
}

/// A reason a passphrase is refused. The UI translates each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WeakReason {
    TooShort {
        min: usize,
    },
    /// Weak for no reason zxcvbn could name; "add another word or two".
    TooGuessable,
    /// A well-known password, or a small variation of one.
    CommonPassword,
    /// "aaaa", "abcabc".
    RepeatedPattern,
    /// "abcd", "6543".
    Sequence,
    /// "qwerty", "zxcvbn".
    KeyboardPattern,
    DateOrYear,
    /// A single dictionary word.
    SingleWord,
    /// A common first name or surname.
    CommonName,
    /// Contains one of the user's own details (name, email, ...).
    ContainsPersonalInfo,
}

/// Scores `passphrase`. `user_inputs` are the user's own details (name,
/// email, organisation): zxcvbn treats them as a dictionary, and a
/// passphrase that is weak and contains one is reported as such.
pub fn assess(passphrase: &str, user_inputs: &[&str]) -> Strength {
    let entropy = zxcvbn::zxcvbn(passphrase, user_inputs);
    let score = u8::from(entropy.score());
    let long_enough = passphrase.chars().count() >= MIN_LENGTH;
    let acceptable = long_enough && score >= MIN_SCORE;

    let mut problems = Vec::new();
    if !long_enough {
        problems.push(WeakReason::TooShort { min: MIN_LENGTH });
    }
    if score < MIN_SCORE {
        if contains_user_input(passphrase, user_inputs) {
            problems.push(WeakReason::ContainsPersonalInfo);
        }
        if let Some(reason) = entropy
            .feedback()
            .and_then(|f| f.warning())
            .and_then(reason_for_warning)
        {
            push_unique(&mut problems, reason);
        }
        // zxcvbn names only the longest weak pattern; the others are worth
        // telling too ("Summer2024!": a word and a recent year).
        for m in entropy.sequence() {
            if let Some(reason) = reason_for_pattern(&m.pattern) {
                push_unique(&mut problems, reason);
            }
        }
        if !problems
            .iter()
            .any(|p| !matches!(p, WeakReason::TooShort { .. }))
        {
            problems.push(WeakReason::TooGuessable);
        }
    }
    debug_assert_eq!(acceptable, problems.is_empty());

    Strength {
        score,
        acceptable,
        problems,
        guesses_log10: entropy.guesses_log10(),
        offline_crack_seconds: seconds(entropy.crack_times().offline_slow_hashing_1e4_per_second()),
    }
}

fn push_unique(problems: &mut Vec<WeakReason>, reason: WeakReason) {
    if !problems.contains(&reason) {
        problems.push(reason);
    }
}

fn reason_for_warning(warning: Warning) -> Option<WeakReason> {
    use WeakReason::*;
    Some(match warning {
        Warning::StraightRowsOfKeysAreEasyToGuess
        | Warning::ShortKeyboardPatternsAreEasyToGuess => KeyboardPattern,
        Warning::RepeatsLikeAaaAreEasyToGuess
        | Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => RepeatedPattern,
        Warning::ThisIsATop10Password
        | Warning::ThisIsATop100Password
        | Warning::ThisIsACommonPassword
        | Warning::ThisIsSimilarToACommonlyUsedPassword => CommonPassword,
        Warning::SequencesLikeAbcAreEasyToGuess => Sequence,
        Warning::RecentYearsAreEasyToGuess | Warning::DatesAreOftenEasyToGuess => DateOrYear,
        Warning::AWordByItselfIsEasyToGuess => SingleWord,
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess
        | Warning::CommonNamesAndSurnamesAreEasyToGuess => CommonName,
    })
}

/// Reasons visible in any matched pattern, not only the one zxcvbn's
/// feedback picks. Dictionary words are left to the warning, which knows
/// whether the word stood alone.
fn reason_for_pattern(pattern: &MatchPattern) -> Option<WeakReason> {
    match pattern {
        MatchPattern::Repeat(_) => Some(WeakReason::RepeatedPattern),
        MatchPattern::Sequence(_) => Some(WeakReason::Sequence),
        MatchPattern::Spatial(_) => Some(WeakReason::KeyboardPattern),
        MatchPattern::Date(_) => Some(WeakReason::DateOrYear),
        MatchPattern::Regex(r) if r.regex_name == "recent_year" => Some(WeakReason::DateOrYear),
        _ => None,
    }
}

/// Whether a user detail of meaningful length appears in the passphrase,
/// ignoring case and width. Two characters are enough for CJK details, where
/// a whole name is often two characters ("张伟").
fn contains_user_input(passphrase: &str, user_inputs: &[&str]) -> bool {
    let haystack = fold(passphrase);
    user_inputs.iter().any(|input| {
        let needle = fold(input.trim());
        let min = if contains_cjk(&needle) { 2 } else { 3 };
        needle.chars().count() >= min && haystack.contains(&needle)
    })
}

fn seconds(t: zxcvbn::time_estimates::CrackTimeSeconds) -> u64 {
    use zxcvbn::time_estimates::CrackTimeSeconds;
    match t {
        CrackTimeSeconds::Integer(s) => s,
        // `as` saturates for floats: huge estimates become u64::MAX.
        CrackTimeSeconds::Float(s) => s as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_a_reason_and_acceptance_has_none() {
        for p in [
            "",
            "a",
            "password",
            "qwertyuiop",
            "Tr0ub4dor&3",
            "correct horse battery staple",
        ] {
            let s = assess(p, &[]);
            assert_eq!(s.acceptable, s.problems.is_empty(), "{p}: {s:?}");
        }
    }

    #[test]
    fn short_strong_passphrase_is_refused_only_for_length() {
        let s = assess("k#9Qz!v2W", &[]);
        assert!(s.score >= MIN_SCORE, "{s:?}");
        assert_eq!(s.problems, [WeakReason::TooShort { min: MIN_LENGTH }]);
    }

    #[test]
    fn keyboard_row_is_reported_as_keyboard_pattern() {
        let s = assess("asdfghjkl;'", &[]);
        assert!(s.problems.contains(&WeakReason::KeyboardPattern), "{s:?}");
    }

    #[test]
    fn user_input_inside_a_weak_passphrase_is_reported() {
        let s = assess("zhangwei2024", &["Zhangwei", "wei@example.cn"]);
        assert!(
            s.problems.contains(&WeakReason::ContainsPersonalInfo),
            "{s:?}"
        );
        let s = assess("张伟张伟张伟张伟张伟", &["张伟"]);
        assert!(
            s.problems.contains(&WeakReason::ContainsPersonalInfo),
            "{s:?}"
        );
    }
}
