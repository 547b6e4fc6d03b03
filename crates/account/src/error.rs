//! The one error type of this crate.

use crate::name::AccountNameError;
use crate::suite::KsfParams;

/// Everything that can go wrong signing up, logging in or opening the key
/// bundle.
///
/// Each variant names a situation a user or a caller can act on; the UI and
/// the server map variants to translated messages or HTTP statuses, so the
/// English text here is for logs and developers. No variant ever carries
/// secret material.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum AccountError {
    /// Client side: the server's login reply does not open with this
    /// passphrase. Either the passphrase is wrong or there is no such account;
    /// by design the client cannot tell which (nor can an eavesdropper).
    #[error("the account name or passphrase is wrong")]
    WrongPassphrase,

    /// Server side: the client's final login message does not prove knowledge
    /// of the passphrase (or belongs to another login attempt). Count it
    /// against the login-attempt limit.
    #[error("login failed")]
    LoginFailed,

    /// The bytes are not a well-formed message, state or record of the named
    /// kind (truncated, wrong length, not a valid group element).
    #[error("malformed {0}")]
    Malformed(&'static str),

    /// The server's reply echoed the client's own blinded value back: a
    /// broken or malicious server. Do not retry against it blindly.
    #[error("the server's reply is invalid (possible attack)")]
    ServerMisbehaved,

    /// The wrapped key bundle did not authenticate under this export key and
    /// account name: it was altered, or stored under another account.
    #[error("the account's key bundle was altered or belongs to another account")]
    BundleTampered,

    /// The wrapped key bundle was written by a format version this client
    /// does not know (update the app).
    #[error("unsupported key bundle format version {0}")]
    UnsupportedVersion(u8),

    /// The account name is not acceptable; the inner error says why.
    #[error("invalid account name: {0}")]
    InvalidAccountName(#[from] AccountNameError),

    /// The passphrase-stretching settings are below the floor this crate
    /// accepts.
    #[error("the passphrase-stretching settings ({found}) are weaker than the minimum ({floor})")]
    WeakKsfParams {
        /// The settings that were about to be used.
        found: KsfParams,
        /// The minimum this crate accepts.
        floor: KsfParams,
    },

    /// Argon2id refused to run (for example its output length); not a
    /// passphrase problem.
    #[error("the passphrase could not be stretched")]
    Ksf,

    /// The platform's random number generator failed.
    #[error("the system random number generator failed")]
    Rng,
}

/// opaque-ke's decoders ignore trailing bytes; Coffer's formats are fixed
/// size, so anything longer than the decoded value is refused too.
pub(crate) fn exact_len(
    bytes: &[u8],
    decoded_len: usize,
    what: &'static str,
) -> Result<(), AccountError> {
    if bytes.len() == decoded_len {
        Ok(())
    } else {
        Err(AccountError::Malformed(what))
    }
}
