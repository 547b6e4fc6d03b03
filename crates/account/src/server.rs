//! The server's half of sign-up and login. The server learns nothing it
//! could test a passphrase guess against offline: it keeps a
//! [`ServerSetup`] (one per deployment) and one password file per account.

use core::fmt;

use opaque_ke::errors::ProtocolError;
use opaque_ke::{
    CredentialFinalization, CredentialRequest, RegistrationRequest, RegistrationUpload,
    ServerLogin, ServerLoginParameters, ServerRegistration,
};
use rand_core::OsRng;
use zeroize::Zeroizing;

use crate::client::identifiers;
use crate::error::{AccountError, exact_len};
use crate::name::AccountName;
use crate::secret::SessionKey;
use crate::suite::{Purpose, Suite};

/// The server's long-term OPAQUE secrets: the OPRF seed and the
/// key-exchange key pair. Generate once per deployment and keep it as
/// carefully as a TLS private key: losing it invalidates every password
/// file, and leaking it together with the password files allows offline
/// guessing.
pub struct ServerSetup(opaque_ke::ServerSetup<Suite>);

impl ServerSetup {
    /// Fresh secrets from the platform CSPRNG.
    pub fn generate() -> Self {
        ServerSetup(opaque_ke::ServerSetup::new(&mut OsRng))
    }

    /// The bytes to store (secret).
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(self.0.serialize().to_vec())
    }

    /// Restores what [`ServerSetup::to_bytes`] returned.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, AccountError> {
        let setup = opaque_ke::ServerSetup::deserialize(bytes)
            .map_err(|_| AccountError::Malformed("server setup"))?;
        exact_len(bytes, setup.serialize().len(), "server setup")?;
        Ok(ServerSetup(setup))
    }
}

impl fmt::Debug for ServerSetup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerSetup(..)")
    }
}

/// Answers a client's `RegistrationRequest` for `account`. Send the
/// returned bytes back; nothing needs to be kept.
pub fn registration_response(
    setup: &ServerSetup,
    request: &[u8],
    account: &AccountName,
) -> Result<Vec<u8>, AccountError> {
    registration_response_for(setup, request, account, Purpose::Passphrase)
}

pub(crate) fn registration_response_for(
    setup: &ServerSetup,
    request: &[u8],
    account: &AccountName,
    purpose: Purpose,
) -> Result<Vec<u8>, AccountError> {
    let message = RegistrationRequest::<Suite>::deserialize(request)
        .map_err(|_| AccountError::Malformed("registration request"))?;
    exact_len(request, message.serialize().len(), "registration request")?;
    let credential_id = purpose.credential_id(account);
    let start = ServerRegistration::<Suite>::start(&setup.0, message, &credential_id)
        .map_err(|_| AccountError::Malformed("registration request"))?;
    Ok(start.message.serialize().to_vec())
}

/// Checks the client's `RegistrationUpload` and returns the password file
/// to store for the account (replacing the old one on a passphrase change).
pub fn registration_finish(upload: &[u8]) -> Result<Vec<u8>, AccountError> {
    let message = RegistrationUpload::<Suite>::deserialize(upload)
        .map_err(|_| AccountError::Malformed("registration upload"))?;
    exact_len(upload, message.serialize().len(), "registration upload")?;
    Ok(ServerRegistration::finish(message).serialize().to_vec())
}

/// What the server keeps between [`login_start`] and [`login_finish`]: the
/// would-be session key and the MAC the client must produce. Secret; keep
/// it in memory (or encrypted) and for a short time only.
pub struct ServerLoginState(Zeroizing<Vec<u8>>);

impl ServerLoginState {
    /// The bytes, for a server that keeps login state outside the process.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Restores what [`ServerLoginState::as_bytes`] returned.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, AccountError> {
        let state = ServerLogin::<Suite>::deserialize(bytes)
            .map_err(|_| AccountError::Malformed("server login state"))?;
        exact_len(bytes, state.serialize().len(), "server login state")?;
        Ok(ServerLoginState(Zeroizing::new(bytes.to_vec())))
    }
}

impl fmt::Debug for ServerLoginState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerLoginState(..)")
    }
}

/// Answers a client's `CredentialRequest` for `account`.
///
/// Pass `None` as `password_file` when the account does not exist: the
/// response is then built from a fake record, the same size and shape as a
/// real one, and the client's login fails exactly as with a wrong
/// passphrase, so the endpoint does not reveal which accounts exist.
pub fn login_start(
    setup: &ServerSetup,
    password_file: Option<&[u8]>,
    request: &[u8],
    account: &AccountName,
) -> Result<(ServerLoginState, Vec<u8>), AccountError> {
    login_start_for(setup, password_file, request, account, Purpose::Passphrase)
}

pub(crate) fn login_start_for(
    setup: &ServerSetup,
    password_file: Option<&[u8]>,
    request: &[u8],
    account: &AccountName,
    purpose: Purpose,
) -> Result<(ServerLoginState, Vec<u8>), AccountError> {
    let record = match password_file {
        Some(bytes) => {
            let record = ServerRegistration::<Suite>::deserialize(bytes)
                .map_err(|_| AccountError::Malformed("password file"))?;
            exact_len(bytes, record.serialize().len(), "password file")?;
            Some(record)
        }
        None => None,
    };
    let message = CredentialRequest::<Suite>::deserialize(request)
        .map_err(|_| AccountError::Malformed("credential request"))?;
    exact_len(request, message.serialize().len(), "credential request")?;
    let start = ServerLogin::start(
        &mut OsRng,
        &setup.0,
        record,
        message,
        &purpose.credential_id(account),
        ServerLoginParameters {
            context: Some(purpose.context()),
            identifiers: identifiers(account),
        },
    )
    .map_err(|_| AccountError::Malformed("credential request"))?;
    let state = ServerLoginState(Zeroizing::new(start.state.serialize().to_vec()));
    Ok((state, start.message.serialize().to_vec()))
}

/// Checks the client's `CredentialFinalization`. On success both sides hold
/// the same [`SessionKey`]; on [`AccountError::LoginFailed`] count a failed
/// attempt against the account.
pub fn login_finish(
    state: ServerLoginState,
    finalization: &[u8],
) -> Result<SessionKey, AccountError> {
    let state = ServerLogin::<Suite>::deserialize(&state.0)
        .map_err(|_| AccountError::Malformed("server login state"))?;
    let message = CredentialFinalization::<Suite>::deserialize(finalization)
        .map_err(|_| AccountError::Malformed("credential finalization"))?;
    exact_len(
        finalization,
        message.serialize().len(),
        "credential finalization",
    )?;
    // Triple-DH bound the account name and context into the expected MAC
    // during `login_start`; its finish only compares MACs and ignores these
    // parameters, so neither the account name nor the purpose (passphrase
    // or recovery code) is needed again here.
    let params = ServerLoginParameters {
        context: None,
        identifiers: Default::default(),
    };
    let mut finish = state.finish(message, params).map_err(|error| match error {
        ProtocolError::InvalidLoginError => AccountError::LoginFailed,
        _ => AccountError::Malformed("credential finalization"),
    })?;
    Ok(SessionKey::take(&mut finish.session_key))
}
