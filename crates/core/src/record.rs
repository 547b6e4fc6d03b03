//! Record types, used as the namespace bound into each envelope's
//! associated data so a ciphertext of one type can never be opened as
//! another. These strings are part of the stored format: never rename one.

/// A [`crate::contact::Contact`].
pub const CONTACT_NAMESPACE: &str = "contact";
/// The user's [`crate::settings::Settings`].
pub const SETTINGS_NAMESPACE: &str = "settings";

/// Every namespace this version knows.
pub const ALL_NAMESPACES: [&str; 2] = [CONTACT_NAMESPACE, SETTINGS_NAMESPACE];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_are_distinct_and_stable() {
        assert_eq!(CONTACT_NAMESPACE, "contact");
        assert_eq!(SETTINGS_NAMESPACE, "settings");
        assert_ne!(ALL_NAMESPACES[0], ALL_NAMESPACES[1]);
    }
}
