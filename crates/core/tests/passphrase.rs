//! Passphrase policy: what is accepted, and the reasons given for refusals.

use coffer_core::passphrase::{MIN_LENGTH, MIN_SCORE, WeakReason, assess};

#[test]
fn common_password_with_digits_is_refused_as_common() {
    let s = assess("password123", &[]);
    assert!(!s.acceptable);
    assert!(s.score < MIN_SCORE);
    assert!(s.problems.contains(&WeakReason::CommonPassword), "{s:?}");
}

#[test]
fn four_random_words_are_accepted() {
    let s = assess("correct horse battery staple", &[]);
    assert!(s.acceptable, "{s:?}");
    assert_eq!(s.score, 4);
    assert!(s.problems.is_empty());
}

#[test]
fn a_repeated_character_is_refused_as_a_repeat() {
    let s = assess("aaaaaaaaaaaa", &[]);
    assert!(!s.acceptable);
    assert!(s.problems.contains(&WeakReason::RepeatedPattern), "{s:?}");
}

#[test]
fn a_twelve_character_chinese_sentence_is_accepted() {
    // zxcvbn has no Chinese dictionary, so each Han character is scored as
    // a brute-force guess: 12 of them reach score 4. Repeats are still caught.
    let sentence = "我的猫喜欢在阳台上晒太阳";
    assert_eq!(sentence.chars().count(), 12);
    let s = assess(sentence, &[]);
    assert!(s.acceptable, "{s:?}");
    assert!(s.score >= MIN_SCORE);
}

#[test]
fn a_repeated_chinese_phrase_is_refused() {
    let s = assess("我爱你中国我爱你中国", &[]);
    assert!(!s.acceptable);
    assert!(s.problems.contains(&WeakReason::RepeatedPattern), "{s:?}");
}

#[test]
fn length_is_counted_in_characters() {
    assert_eq!(MIN_LENGTH, 10);
    // Nine Han characters are 27 bytes but still too short.
    let s = assess("猫狗鸟鱼虫花草树木", &[]);
    assert!(
        s.problems.contains(&WeakReason::TooShort { min: 10 }),
        "{s:?}"
    );
    assert!(!s.acceptable);
}

#[test]
fn strong_but_short_is_refused_only_for_length() {
    let s = assess("k#9Qz!v2W", &[]);
    assert!(s.score >= MIN_SCORE, "{s:?}");
    assert_eq!(s.problems, [WeakReason::TooShort { min: MIN_LENGTH }]);
}

#[test]
fn empty_passphrase_is_too_short_and_too_guessable() {
    let s = assess("", &[]);
    assert_eq!(s.score, 0);
    assert_eq!(
        s.problems,
        [
            WeakReason::TooShort { min: MIN_LENGTH },
            WeakReason::TooGuessable
        ]
    );
}

#[test]
fn sequences_keyboard_rows_and_dates_are_named() {
    let cases = [
        ("abcdefghijkl", WeakReason::Sequence),
        ("asdfghjkl;'", WeakReason::KeyboardPattern),
        ("19900101abc", WeakReason::DateOrYear),
    ];
    for (p, reason) in cases {
        let s = assess(p, &[]);
        assert!(!s.acceptable, "{p}");
        assert!(s.problems.contains(&reason), "{p}: {s:?}");
    }
}

#[test]
fn the_users_own_name_is_reported_as_personal_info() {
    let s = assess("zhangwei2024", &["Zhang Wei", "zhangwei"]);
    assert!(!s.acceptable);
    assert!(
        s.problems.contains(&WeakReason::ContainsPersonalInfo),
        "{s:?}"
    );
}

#[test]
fn user_inputs_lower_the_score() {
    let alone = assess("flamingo-rutherford", &[]);
    let known = assess("flamingo-rutherford", &["flamingo", "rutherford"]);
    assert!(known.guesses_log10 < alone.guesses_log10);
}

#[test]
fn refusals_always_carry_a_reason() {
    for p in [
        "",
        "1",
        "password",
        "Password1",
        "iloveyou",
        "12345678901",
        "qwerty123456",
        "tr0ub4dor",
    ] {
        let s = assess(p, &[]);
        assert!(!s.acceptable, "{p}");
        assert!(!s.problems.is_empty(), "{p}");
    }
}

#[test]
fn strength_debug_never_contains_the_passphrase() {
    let secret = "Unicorn-Battery-Marmalade-42";
    let s = assess(secret, &[]);
    assert!(!format!("{s:?}").contains("Unicorn"));
}

#[test]
fn crack_time_grows_with_strength() {
    let weak = assess("password123", &[]);
    let strong = assess("correct horse battery staple", &[]);
    assert!(weak.offline_crack_seconds < strong.offline_crack_seconds);
}
