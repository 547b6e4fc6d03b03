//! Per-user preferences, stored encrypted under [`crate::record::SETTINGS_NAMESPACE`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::contact::NameOrder;

pub const AUTO_LOCK_MIN_MINUTES: u32 = 1;
pub const AUTO_LOCK_MAX_MINUTES: u32 = 240;
pub const AUTO_LOCK_DEFAULT_MINUTES: u32 = 10;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Idle minutes before the vault locks itself; 1..=240. There is no
    /// "never": an unlocked, unattended vault is what auto-lock prevents.
    pub auto_lock_minutes: u32,
    pub name_order: NameOrder,
    pub locale: Locale,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            auto_lock_minutes: AUTO_LOCK_DEFAULT_MINUTES,
            name_order: NameOrder::default(),
            locale: Locale::default(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("auto-lock must be between {min} and {max} minutes, got {got}")]
    AutoLockOutOfRange { min: u32, max: u32, got: u32 },
    #[error("settings JSON is malformed: {0}")]
    Json(String),
}

impl Settings {
    /// Defaults suited to a locale: Chinese users get surname-first names.
    pub fn for_locale(locale: Locale) -> Settings {
        Settings {
            locale,
            name_order: locale.name_order(),
            ..Settings::default()
        }
    }

    pub fn validate(&self) -> Result<(), SettingsError> {
        let range = AUTO_LOCK_MIN_MINUTES..=AUTO_LOCK_MAX_MINUTES;
        if !range.contains(&self.auto_lock_minutes) {
            return Err(SettingsError::AutoLockOutOfRange {
                min: AUTO_LOCK_MIN_MINUTES,
                max: AUTO_LOCK_MAX_MINUTES,
                got: self.auto_lock_minutes,
            });
        }
        Ok(())
    }

    /// The idle time after which the app locks, in milliseconds.
    pub fn idle_limit_ms(&self) -> i64 {
        i64::from(self.auto_lock_minutes) * 60_000
    }

    pub fn to_json(&self) -> Vec<u8> {
        // Cannot fail: plain numbers and strings.
        serde_json::to_vec(self).expect("settings serialise to JSON")
    }

    /// Reads settings back; missing fields take defaults, and the result is
    /// validated so a tampered or corrupt value is never used.
    pub fn from_json(bytes: &[u8]) -> Result<Settings, SettingsError> {
        let settings: Settings =
            serde_json::from_slice(bytes).map_err(|e| SettingsError::Json(e.to_string()))?;
        settings.validate()?;
        Ok(settings)
    }
}

/// The languages the UI is translated into.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    #[default]
    En,
    /// Simplified Chinese.
    ZhCn,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];

    /// The BCP 47 tag: "en" or "zh-CN".
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// Parses a BCP 47 tag by its primary language, ignoring case and
    /// accepting "_" for "-": "en-GB" is English; "zh", "zh-CN", "zh-Hans",
    /// "zh_SG" are Chinese. Traditional-script tags ("zh-TW", "zh-Hant")
    /// also map to Chinese: until a Traditional translation exists,
    /// Simplified is closer for those readers than English.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?;
        if primary.eq_ignore_ascii_case("en") {
            Some(Locale::En)
        } else if primary.eq_ignore_ascii_case("zh") {
            Some(Locale::ZhCn)
        } else {
            None
        }
    }

    /// The first supported language in the browser's preference list
    /// (`navigator.languages`), or English.
    pub fn from_browser(langs: &[String]) -> Locale {
        langs
            .iter()
            .find_map(|l| Locale::from_tag(l))
            .unwrap_or_default()
    }

    /// The customary name order for this language.
    pub fn name_order(self) -> NameOrder {
        match self {
            Locale::En => NameOrder::GivenFirst,
            Locale::ZhCn => NameOrder::SurnameFirst,
        }
    }
}

impl Serialize for Locale {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.tag())
    }
}

/// Unknown tags (a newer app's language, say) load as English rather than
/// making all of the user's settings unreadable.
impl<'de> Deserialize<'de> for Locale {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let tag = String::deserialize(deserializer)?;
        Ok(Locale::from_tag(&tag).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_ten_minutes_given_first_english() {
        let s = Settings::default();
        assert_eq!(s.auto_lock_minutes, 10);
        assert_eq!(s.name_order, NameOrder::GivenFirst);
        assert_eq!(s.locale, Locale::En);
        assert_eq!(s.validate(), Ok(()));
    }

    #[test]
    fn chinese_locale_defaults_to_surname_first() {
        let s = Settings::for_locale(Locale::ZhCn);
        assert_eq!(
            (s.locale, s.name_order),
            (Locale::ZhCn, NameOrder::SurnameFirst)
        );
    }

    #[test]
    fn tag_round_trips_through_from_tag() {
        for l in Locale::ALL {
            assert_eq!(Locale::from_tag(l.tag()), Some(l));
        }
    }
}
