//! Settings validation and locale negotiation.

use coffer_core::contact::NameOrder;
use coffer_core::settings::{Locale, Settings, SettingsError};

fn langs(tags: &[&str]) -> Vec<String> {
    tags.iter().map(|t| t.to_string()).collect()
}

#[test]
fn auto_lock_accepts_1_to_240_minutes() {
    for minutes in [1, 10, 240] {
        let s = Settings {
            auto_lock_minutes: minutes,
            ..Settings::default()
        };
        assert_eq!(s.validate(), Ok(()), "{minutes}");
    }
    for minutes in [0, 241, u32::MAX] {
        let s = Settings {
            auto_lock_minutes: minutes,
            ..Settings::default()
        };
        assert_eq!(
            s.validate(),
            Err(SettingsError::AutoLockOutOfRange {
                min: 1,
                max: 240,
                got: minutes
            })
        );
    }
}

#[test]
fn idle_limit_is_minutes_in_milliseconds() {
    assert_eq!(Settings::default().idle_limit_ms(), 600_000);
    let s = Settings {
        auto_lock_minutes: 240,
        ..Settings::default()
    };
    assert_eq!(s.idle_limit_ms(), 14_400_000);
}

#[test]
fn locale_tags_parse_by_primary_language() {
    for (tag, locale) in [
        ("en", Some(Locale::En)),
        ("en-US", Some(Locale::En)),
        ("EN_gb", Some(Locale::En)),
        ("zh", Some(Locale::ZhCn)),
        ("zh-CN", Some(Locale::ZhCn)),
        ("zh-Hans-CN", Some(Locale::ZhCn)),
        ("zh_SG", Some(Locale::ZhCn)),
        ("zh-TW", Some(Locale::ZhCn)),
        ("fr-FR", None),
        ("", None),
        ("english", None),
    ] {
        assert_eq!(Locale::from_tag(tag), locale, "{tag}");
    }
    assert_eq!(Locale::ZhCn.tag(), "zh-CN");
    assert_eq!(Locale::En.tag(), "en");
}

#[test]
fn browser_languages_pick_the_first_supported_one() {
    assert_eq!(
        Locale::from_browser(&langs(&["fr-FR", "zh-CN", "en"])),
        Locale::ZhCn
    );
    assert_eq!(Locale::from_browser(&langs(&["en-GB", "zh"])), Locale::En);
    assert_eq!(Locale::from_browser(&langs(&["de", "ja"])), Locale::En);
    assert_eq!(Locale::from_browser(&[]), Locale::En);
}

#[test]
fn locale_serialises_as_its_tag() {
    assert_eq!(serde_json::to_string(&Locale::ZhCn).unwrap(), r#""zh-CN""#);
    assert_eq!(serde_json::to_string(&Locale::En).unwrap(), r#""en""#);
    assert_eq!(
        serde_json::from_str::<Locale>(r#""zh-CN""#).unwrap(),
        Locale::ZhCn
    );
}

#[test]
fn unknown_stored_locale_falls_back_to_english() {
    assert_eq!(
        serde_json::from_str::<Locale>(r#""tlh""#).unwrap(),
        Locale::En
    );
}

#[test]
fn settings_round_trip_and_missing_fields_take_defaults() {
    let s = Settings {
        auto_lock_minutes: 30,
        name_order: NameOrder::SurnameFirst,
        locale: Locale::ZhCn,
    };
    assert_eq!(Settings::from_json(&s.to_json()), Ok(s));
    let partial = Settings::from_json(br#"{"locale":"zh-CN"}"#).unwrap();
    assert_eq!(
        partial,
        Settings {
            locale: Locale::ZhCn,
            ..Settings::default()
        }
    );
}

#[test]
fn name_order_serialises_in_snake_case() {
    let json = String::from_utf8(Settings::for_locale(Locale::ZhCn).to_json()).unwrap();
    assert!(json.contains(r#""name_order":"surname_first""#), "{json}");
}

#[test]
fn stored_settings_out_of_range_are_refused() {
    assert!(matches!(
        Settings::from_json(br#"{"auto_lock_minutes":0}"#),
        Err(SettingsError::AutoLockOutOfRange { got: 0, .. })
    ));
    assert!(matches!(
        Settings::from_json(b"{\"auto_lock_minutes\":"),
        Err(SettingsError::Json(_))
    ));
}
