//! The account's second, optional credential: its recovery code. It is a
//! separate OPAQUE registration (its own credential identifier, so its own
//! OPRF key and password file, and its own key-exchange context) whose
//! "password" is the recovery code's display string, and a separate copy of
//! the same key bundle wrapped under its export key with its own HKDF info
//! and associated data (`FORMAT.md`).
//!
//! A user who forgot the passphrase logs in with the account name and the
//! recovery code ([`RecoveryLogin`]), opens the recovery-wrapped bundle
//! ([`unwrap_recovery_bundle`]) and sets a new passphrase with an ordinary
//! registration, wrapping the same keys with [`crate::wrap_bundle`].
//!
//! Pass the code's canonical display string (coffer-crypto's
//! `RecoveryCode::to_display()` after parsing what the user typed), never
//! the raw input: OPAQUE compares exact bytes.

use core::fmt;

use crate::bundle::{self, KeyBundle, Wrapping};
use crate::client::{ClientLogin, ClientRegistration};
use crate::error::AccountError;
use crate::name::AccountName;
use crate::secret::{ExportKey, SessionKey};
use crate::server::{self, ServerLoginState, ServerSetup};
use crate::suite::Purpose;

/// The export key of the recovery credential. A distinct type from the
/// passphrase's [`ExportKey`], so it can only open the recovery-wrapped
/// bundle; it zeroizes on drop and prints as `..`.
#[derive(PartialEq, Eq)]
pub struct RecoveryExportKey(ExportKey);

impl fmt::Debug for RecoveryExportKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryExportKey(..)")
    }
}

/// Setting (or replacing) the recovery credential, waiting for the server's
/// response. Run it while signed in, with the keys unlocked.
#[derive(Debug)]
pub struct RecoveryRegistration(ClientRegistration);

impl RecoveryRegistration {
    /// Blinds the recovery code. Send the returned bytes (a
    /// `RegistrationRequest`, 32 bytes) to `POST /api/account/recovery/start`.
    pub fn start(
        account: &AccountName,
        recovery_code: &str,
    ) -> Result<(Self, Vec<u8>), AccountError> {
        let (state, request) = ClientRegistration::start(account, recovery_code)?;
        Ok((RecoveryRegistration(state), request))
    }

    /// Runs Argon2id and seals the OPAQUE envelope. Send the returned bytes
    /// (a `RegistrationUpload`) with the bundle wrapped by
    /// [`wrap_recovery_bundle`] under the returned key.
    pub fn finish(
        self,
        response: &[u8],
        recovery_code: &str,
    ) -> Result<(Vec<u8>, RecoveryExportKey), AccountError> {
        let (upload, export_key) = self.0.finish(response, recovery_code)?;
        Ok((upload, RecoveryExportKey(export_key)))
    }
}

/// A login with the recovery code, waiting for the server's credential
/// response.
#[derive(Debug)]
pub struct RecoveryLogin(ClientLogin);

impl RecoveryLogin {
    /// Blinds the recovery code and starts the key exchange. Send the
    /// returned bytes (a `CredentialRequest`, 96 bytes) with the account
    /// name to `POST /api/login/recovery/start`.
    pub fn start(
        account: &AccountName,
        recovery_code: &str,
    ) -> Result<(Self, Vec<u8>), AccountError> {
        let (state, request) = ClientLogin::start_for(account, recovery_code, Purpose::Recovery)?;
        Ok((RecoveryLogin(state), request))
    }

    /// Runs Argon2id, opens the envelope and finishes the key exchange. Send
    /// the returned bytes (a `CredentialFinalization`) to
    /// `POST /api/login/recovery/finish`; open the bundle it returns with
    /// the [`RecoveryExportKey`].
    ///
    /// Fails with [`AccountError::WrongPassphrase`] for a wrong code, and
    /// equally for an unknown account or one without a recovery credential.
    pub fn finish(
        self,
        response: &[u8],
        recovery_code: &str,
    ) -> Result<(Vec<u8>, SessionKey, RecoveryExportKey), AccountError> {
        let (finalization, session, export_key) = self.0.finish(response, recovery_code)?;
        Ok((finalization, session, RecoveryExportKey(export_key)))
    }
}

/// Encrypts `bundle` for the server under the recovery credential's export
/// key, bound to `account`. It does not open with [`crate::unwrap_bundle`].
pub fn wrap_recovery_bundle(
    export_key: &RecoveryExportKey,
    bundle: &KeyBundle,
    account: &AccountName,
) -> Result<Vec<u8>, AccountError> {
    bundle::wrap_as(Wrapping::RECOVERY, &export_key.0, bundle, account)
}

/// Opens what [`wrap_recovery_bundle`] produced; a passphrase-wrapped
/// bundle, another account's, or any changed byte gives
/// [`AccountError::BundleTampered`].
pub fn unwrap_recovery_bundle(
    export_key: &RecoveryExportKey,
    wrapped: &[u8],
    account: &AccountName,
) -> Result<KeyBundle, AccountError> {
    bundle::unwrap_as(Wrapping::RECOVERY, &export_key.0, wrapped, account)
}

/// Server: answers a [`RecoveryRegistration`] request for `account`.
/// Finish it with [`crate::registration_finish`] and store the password
/// file as the account's recovery credential.
pub fn recovery_registration_response(
    setup: &ServerSetup,
    request: &[u8],
    account: &AccountName,
) -> Result<Vec<u8>, AccountError> {
    server::registration_response_for(setup, request, account, Purpose::Recovery)
}

/// Server: answers a [`RecoveryLogin`] request. Pass `None` when the
/// account is unknown or has no recovery credential: the answer looks the
/// same and the login fails like a wrong code. Finish with
/// [`crate::login_finish`].
pub fn recovery_login_start(
    setup: &ServerSetup,
    password_file: Option<&[u8]>,
    request: &[u8],
    account: &AccountName,
) -> Result<(ServerLoginState, Vec<u8>), AccountError> {
    server::login_start_for(setup, password_file, request, account, Purpose::Recovery)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> RecoveryExportKey {
        RecoveryExportKey(ExportKey::take(&mut [byte; 64]))
    }

    fn alice() -> AccountName {
        AccountName::parse("alice@example.com").unwrap()
    }

    fn sample() -> KeyBundle {
        KeyBundle {
            user_key: [1; 32],
            x25519_secret: [2; 32],
            ed25519_seed: [3; 32],
        }
    }

    /// Same inputs as the passphrase vector in `bundle.rs`, recovery
    /// wrapping; computed independently with Python's `cryptography`.
    #[test]
    fn recovery_wrapped_bundle_matches_the_test_vector() {
        let wrapped =
            bundle::wrap_with_nonce(Wrapping::RECOVERY, &key(9).0, &sample(), &alice(), [5; 12])
                .unwrap();
        let hex: String = wrapped.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, RECOVERY_VECTOR);
        assert!(unwrap_recovery_bundle(&key(9), &wrapped, &alice()).unwrap() == sample());
    }

    #[test]
    fn the_two_wrapped_copies_cannot_be_swapped_even_under_one_key() {
        let recovery = wrap_recovery_bundle(&key(9), &sample(), &alice()).unwrap();
        let passphrase = crate::wrap_bundle(&key(9).0, &sample(), &alice()).unwrap();
        assert_eq!(
            crate::unwrap_bundle(&key(9).0, &recovery, &alice()).unwrap_err(),
            AccountError::BundleTampered
        );
        assert_eq!(
            unwrap_recovery_bundle(&key(9), &passphrase, &alice()).unwrap_err(),
            AccountError::BundleTampered
        );
        let bob = AccountName::parse("bob@example.com").unwrap();
        assert_eq!(
            unwrap_recovery_bundle(&key(9), &recovery, &bob).unwrap_err(),
            AccountError::BundleTampered
        );
    }

    #[test]
    fn credential_identifiers_differ_per_purpose() {
        let name = alice();
        assert_ne!(
            Purpose::Passphrase.credential_id(&name),
            Purpose::Recovery.credential_id(&name)
        );
        assert_eq!(format!("{:?}", key(1)), "RecoveryExportKey(..)");
    }

    const RECOVERY_VECTOR: &str = concat!(
        "01",                       // version
        "050505050505050505050505", // nonce
        "899200db620695716f2892d2925128efbb297446f01c2bb40eee8f956f60e7132afedd62ba3300baba9c50d754756b37", // ciphertext
        "f3f4474da661fccdb0557a73099935117654022d2757e6ce57e089ea7023b4340e5762b4719f70c008bb69ff57c156ea",
        "2f15412032c3d02438c603d1bd249eb1", // tag
    );
}
