//! Record types, used as the namespace bound into each envelope's
//! associated data so a ciphertext of one type can never be opened as
//! another. These strings are part of the stored format: never rename one.

/// A [`crate::contact::Contact`].
pub const CONTACT_NAMESPACE: &str = "contact";
/// The user's [`crate::settings::Settings`].
pub const SETTINGS_NAMESPACE: &str = "settings";

/// This device's account session and key bundle (never synced).
pub const ACCOUNT_NAMESPACE: &str = "account";

/// Every namespace this version knows.
pub const ALL_NAMESPACES: [&str; 3] = [CONTACT_NAMESPACE, SETTINGS_NAMESPACE, ACCOUNT_NAMESPACE];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_distinct_and_stable() {
        assert_eq!(CONTACT_NAMESPACE, "contact");
        assert_eq!(SETTINGS_NAMESPACE, "settings");
        assert_eq!(ACCOUNT_NAMESPACE, "account");
        let mut names = ALL_NAMESPACES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ALL_NAMESPACES.len());
    }
}
