//! The OPAQUE cipher suite and its key-stretching function.
//!
//! opaque-ke takes the stretching function as the suite's `Ksf` type and,
//! unless a caller passes an instance in the finish parameters, builds it
//! with `Ksf::default()`. `argon2::Argon2::default()` would mean Argon2id
//! with m = 19 MiB, t = 2: below Coffer's floor. So the suite's `Ksf` is
//! [`Argon2idKsf`], whose `Default` *is* the floor, and the client code also
//! passes that instance explicitly. The parameters are part of the suite:
//! changing them changes every export key and breaks every existing login,
//! so they only change together with [`SUITE_VERSION`] and a re-registration.

use core::fmt;

use argon2::{Algorithm, Argon2, Params, Version};
use opaque_ke::errors::InternalError;
use opaque_ke::generic_array::{ArrayLength, GenericArray};
use opaque_ke::ksf::Ksf;

use crate::error::AccountError;

/// Version of the whole login suite (group, hash, KSF and its parameters).
pub const SUITE_VERSION: u8 = 1;

/// Context string both sides feed into the OPAQUE key exchange, so a
/// transcript from any other protocol or version cannot be replayed here.
pub(crate) const CONTEXT: &[u8] = b"coffer/v1/opaque-login";

/// Key-exchange context of a recovery-code login: a transcript of a
/// passphrase login cannot be replayed as a recovery login, nor the reverse.
pub(crate) const RECOVERY_CONTEXT: &[u8] = b"coffer/v1/opaque-recovery";

/// Prefix of the recovery credential's OPAQUE credential identifier. The
/// NUL cannot occur in an account name, so it can never equal the
/// passphrase credential's identifier (the bare name).
pub(crate) const RECOVERY_CREDENTIAL_PREFIX: &[u8] = b"coffer/v1/recovery\0";

/// Which of an account's two OPAQUE credentials a message belongs to. Each
/// has its own credential identifier (so its own OPRF key and record) and
/// its own key-exchange context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// The passphrase.
    Passphrase,
    /// The account's recovery code.
    Recovery,
}

impl Purpose {
    pub(crate) fn context(self) -> &'static [u8] {
        match self {
            Purpose::Passphrase => CONTEXT,
            Purpose::Recovery => RECOVERY_CONTEXT,
        }
    }

    /// OPAQUE's credential identifier for `account`'s credential of this
    /// purpose.
    pub(crate) fn credential_id(self, account: &crate::AccountName) -> Vec<u8> {
        match self {
            Purpose::Passphrase => account.as_bytes().to_vec(),
            Purpose::Recovery => [RECOVERY_CREDENTIAL_PREFIX, account.as_bytes()].concat(),
        }
    }
}

/// OPAQUE (RFC 9807) with ristretto255 for the OPRF and the key exchange,
/// triple-DH with SHA-512, and Argon2id at [`KSF_PARAMS`] as the stretching
/// function.
pub struct Suite;

impl opaque_ke::CipherSuite for Suite {
    type OprfCs = opaque_ke::Ristretto255;
    type KeyExchange = opaque_ke::TripleDh<opaque_ke::Ristretto255, sha2::Sha512>;
    type Ksf = Argon2idKsf;
}

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KsfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KsfParams {
    /// The weakest parameters Coffer accepts: 64 MiB, t = 3, p = 1.
    pub const FLOOR: KsfParams = KsfParams {
        m_kib: 65_536,
        t: 3,
        p: 1,
    };

    /// Refuses parameters below [`KsfParams::FLOOR`] in any component.
    pub fn check(&self) -> Result<(), AccountError> {
        let floor = Self::FLOOR;
        if self.m_kib < floor.m_kib || self.t < floor.t || self.p < floor.p {
            return Err(AccountError::WeakKsfParams {
                found: *self,
                floor,
            });
        }
        Ok(())
    }
}

impl fmt::Display for KsfParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Argon2id m={} KiB, t={}, p={}",
            self.m_kib, self.t, self.p
        )
    }
}

/// The parameters suite version 1 uses.
pub const KSF_PARAMS: KsfParams = KsfParams::FLOOR;

/// Checked at compile time, so `Default` below needs no `unwrap`.
const ARGON2_PARAMS: Params = match Params::new(KSF_PARAMS.m_kib, KSF_PARAMS.t, KSF_PARAMS.p, None)
{
    Ok(params) => params,
    Err(_) => panic!("KSF_PARAMS are not valid Argon2 parameters"),
};

/// Argon2id v0x13 at [`KSF_PARAMS`], the suite's key-stretching function.
///
/// Like opaque-ke's own `Argon2` implementation it uses an all-zero salt:
/// its input is the OPRF output, already unique per account and server.
pub struct Argon2idKsf(Argon2<'static>);

impl Argon2idKsf {
    /// The parameters this instance will run with.
    pub fn params(&self) -> KsfParams {
        let params = self.0.params();
        KsfParams {
            m_kib: params.m_cost(),
            t: params.t_cost(),
            p: params.p_cost(),
        }
    }
}

impl Default for Argon2idKsf {
    fn default() -> Self {
        Argon2idKsf(Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            ARGON2_PARAMS,
        ))
    }
}

impl Ksf for Argon2idKsf {
    fn hash<L: ArrayLength<u8>>(
        &self,
        input: GenericArray<u8, L>,
    ) -> Result<GenericArray<u8, L>, InternalError> {
        // Defence in depth: never stretch with less than the floor, whatever
        // instance reached this point.
        self.params().check().map_err(|_| InternalError::KsfError)?;
        let mut output = GenericArray::default();
        self.0
            .hash_password_into(&input, &[0; argon2::RECOMMENDED_SALT_LEN], &mut output)
            .map_err(|_| InternalError::KsfError)?;
        Ok(output)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weaker_params_are_refused() {
        assert!(KsfParams::FLOOR.check().is_ok());
        for weak in [
            KsfParams {
                m_kib: 65_535,
                ..KsfParams::FLOOR
            },
            KsfParams {
                t: 2,
                ..KsfParams::FLOOR
            },
            KsfParams {
                p: 0,
                ..KsfParams::FLOOR
            },
        ] {
            assert!(matches!(
                weak.check(),
                Err(AccountError::WeakKsfParams { .. })
            ));
        }
    }
}
