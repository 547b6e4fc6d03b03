//! This device's security settings: how long a copied confidential value
//! stays on the clipboard, how strong a new passphrase must be, and who the
//! controller is (the sender of breach notices and the head of the
//! processing register). Kept sealed in the vault, not synced.

use serde::{Deserialize, Serialize};

use super::processing::Controller;
use crate::passphrase::{MIN_SCORE, Strength};

/// Namespace of the sealed settings (private to the device).
pub const SECURITY_SETTINGS_NAMESPACE: &str = "security_settings";
pub const CLIPBOARD_MIN_SECONDS: u32 = 5;
pub const CLIPBOARD_MAX_SECONDS: u32 = 300;
pub const CLIPBOARD_DEFAULT_SECONDS: u32 = 30;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecuritySettings {
    /// Seconds before a copied confidential value is cleared.
    pub clipboard_clear_seconds: u32,
    /// The zxcvbn score (3 or 4) a new passphrase needs.
    pub min_passphrase_score: u8,
    pub controller: Controller,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings {
            clipboard_clear_seconds: CLIPBOARD_DEFAULT_SECONDS,
            min_passphrase_score: MIN_SCORE,
            controller: Controller::default(),
        }
    }
}

impl SecuritySettings {
    /// Brings out-of-range values (from an older or tampered copy) back in.
    pub fn clamped(mut self) -> SecuritySettings {
        self.clipboard_clear_seconds = self
            .clipboard_clear_seconds
            .clamp(CLIPBOARD_MIN_SECONDS, CLIPBOARD_MAX_SECONDS);
        self.min_passphrase_score = self.min_passphrase_score.clamp(MIN_SCORE, 4);
        self
    }

    /// Whether a new passphrase of this strength may be chosen: the core
    /// policy, and the stricter score if one is set.
    pub fn accepts(&self, strength: &Strength) -> bool {
        strength.acceptable && strength.score >= self.min_passphrase_score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passphrase::assess;

    #[test]
    fn settings_clamp_and_the_stricter_score_refuses_a_weaker_passphrase() {
        let s = SecuritySettings {
            clipboard_clear_seconds: 1,
            min_passphrase_score: 9,
            ..SecuritySettings::default()
        }
        .clamped();
        assert_eq!(s.clipboard_clear_seconds, CLIPBOARD_MIN_SECONDS);
        assert_eq!(s.min_passphrase_score, 4);
        let strong = assess("correct horse battery staple lamp", &[]);
        assert!(SecuritySettings::default().accepts(&strong));
        // Acceptable to the core policy (score 3), not to the stricter one.
        let ok = assess("summer2024!!", &[]);
        assert_eq!((ok.score, ok.acceptable), (3, true));
        assert!(SecuritySettings::default().accepts(&ok));
        assert!(!s.accepts(&ok));
        assert!(s.accepts(&strong));
        assert!(!s.accepts(&assess("short", &[])));
        let back: SecuritySettings = serde_json::from_str("{}").unwrap();
        assert_eq!(back, SecuritySettings::default());
    }
}
