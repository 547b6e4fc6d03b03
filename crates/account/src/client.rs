//! The browser's half of sign-up and login. Every message goes out and comes
//! back as bytes, ready for an HTTP body.

use core::fmt;

use opaque_ke::errors::{InternalError, ProtocolError};
use opaque_ke::{
    ClientLoginFinishParameters, ClientRegistrationFinishParameters, CredentialResponse,
    Identifiers, RegistrationResponse,
};
use rand_core::OsRng;

use crate::error::{AccountError, exact_len};
use crate::name::AccountName;
use crate::secret::{ExportKey, SessionKey};
use crate::suite::{Argon2idKsf, Purpose, Suite};

/// A sign-up (or passphrase change) waiting for the server's response.
/// Holds the OPRF blind, which zeroizes on drop.
pub struct ClientRegistration {
    state: opaque_ke::ClientRegistration<Suite>,
    account: AccountName,
}

impl ClientRegistration {
    /// Blinds the passphrase. Send the returned bytes (a
    /// `RegistrationRequest`) to the server with the account name.
    pub fn start(account: &AccountName, passphrase: &str) -> Result<(Self, Vec<u8>), AccountError> {
        let start =
            opaque_ke::ClientRegistration::<Suite>::start(&mut OsRng, passphrase.as_bytes())
                .map_err(|e| protocol_error(e, "passphrase"))?;
        let request = start.message.serialize().to_vec();
        let state = ClientRegistration {
            state: start.state,
            account: account.clone(),
        };
        Ok((state, request))
    }

    /// Runs Argon2id on the server's evaluated blind and seals the OPAQUE
    /// envelope. Send the returned bytes (a `RegistrationUpload`) to the
    /// server; keep the [`ExportKey`] to wrap the key bundle.
    pub fn finish(
        self,
        response: &[u8],
        passphrase: &str,
    ) -> Result<(Vec<u8>, ExportKey), AccountError> {
        let message = RegistrationResponse::<Suite>::deserialize(response)
            .map_err(|_| AccountError::Malformed("registration response"))?;
        exact_len(response, message.serialize().len(), "registration response")?;
        let ksf = Argon2idKsf::default();
        ksf.params().check()?;
        let params =
            ClientRegistrationFinishParameters::new(identifiers(&self.account), Some(&ksf));
        let mut finish = self
            .state
            .finish(&mut OsRng, passphrase.as_bytes(), message, params)
            .map_err(|e| protocol_error(e, "registration response"))?;
        let upload = finish.message.serialize().to_vec();
        Ok((upload, ExportKey::take(&mut finish.export_key)))
    }
}

/// A login waiting for the server's credential response. Holds the OPRF
/// blind and the key-exchange secret, which zeroize on drop.
pub struct ClientLogin {
    state: opaque_ke::ClientLogin<Suite>,
    account: AccountName,
    purpose: Purpose,
}

impl ClientLogin {
    /// Blinds the passphrase and starts the key exchange. Send the returned
    /// bytes (a `CredentialRequest`) to the server with the account name.
    pub fn start(account: &AccountName, passphrase: &str) -> Result<(Self, Vec<u8>), AccountError> {
        Self::start_for(account, passphrase, Purpose::Passphrase)
    }

    pub(crate) fn start_for(
        account: &AccountName,
        password: &str,
        purpose: Purpose,
    ) -> Result<(Self, Vec<u8>), AccountError> {
        let start = opaque_ke::ClientLogin::<Suite>::start(&mut OsRng, password.as_bytes())
            .map_err(|e| protocol_error(e, "passphrase"))?;
        let request = start.message.serialize().to_vec();
        let state = ClientLogin {
            state: start.state,
            account: account.clone(),
            purpose,
        };
        Ok((state, request))
    }

    /// Runs Argon2id, opens the envelope and finishes the key exchange.
    /// Send the returned bytes (a `CredentialFinalization`) to the server;
    /// the [`SessionKey`] equals the server's, and the [`ExportKey`] unwraps
    /// the key bundle.
    ///
    /// Fails with [`AccountError::WrongPassphrase`] for a wrong passphrase
    /// and equally for an account the server does not have.
    pub fn finish(
        self,
        response: &[u8],
        passphrase: &str,
    ) -> Result<(Vec<u8>, SessionKey, ExportKey), AccountError> {
        let message = CredentialResponse::<Suite>::deserialize(response)
            .map_err(|_| AccountError::Malformed("credential response"))?;
        exact_len(response, message.serialize().len(), "credential response")?;
        let ksf = Argon2idKsf::default();
        ksf.params().check()?;
        let params = ClientLoginFinishParameters::new(
            Some(self.purpose.context()),
            identifiers(&self.account),
            Some(&ksf),
        );
        let mut finish = self
            .state
            .finish(&mut OsRng, passphrase.as_bytes(), message, params)
            .map_err(|e| protocol_error(e, "credential response"))?;
        let finalization = finish.message.serialize().to_vec();
        Ok((
            finalization,
            SessionKey::take(&mut finish.session_key),
            ExportKey::take(&mut finish.export_key),
        ))
    }
}

/// The account name is the client identity bound into the envelope and the
/// key exchange, so a record served under another name does not open. The
/// server identity stays opaque-ke's default, the server's public key.
pub(crate) fn identifiers(account: &AccountName) -> Identifiers<'_> {
    Identifiers {
        client: Some(account.as_bytes()),
        server: None,
    }
}

fn protocol_error(error: ProtocolError, what: &'static str) -> AccountError {
    match error {
        ProtocolError::InvalidLoginError => AccountError::WrongPassphrase,
        ProtocolError::ReflectedValueError => AccountError::ServerMisbehaved,
        ProtocolError::LibraryError(InternalError::KsfError) => AccountError::Ksf,
        _ => AccountError::Malformed(what),
    }
}

impl fmt::Debug for ClientRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientRegistration")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ClientLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientLogin")
            .field("account", &self.account)
            .field("purpose", &self.purpose)
            .finish_non_exhaustive()
    }
}
