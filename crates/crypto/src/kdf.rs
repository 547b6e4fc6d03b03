//! Passphrase stretching: Argon2id with parameters that travel in the vault
//! header and are checked against a floor and a ceiling before use.

use core::fmt;

use argon2::{Algorithm, Argon2, Params, Version};
use zeroize::Zeroizing;

use crate::error::CryptoError;
use crate::key::Passphrase;

/// Argon2id cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// The weakest parameters any Coffer client accepts: 64 MiB, t = 3, p = 1.
    pub const FLOOR: KdfParams = KdfParams {
        m_kib: 65_536,
        t: 3,
        p: 1,
    };

    /// What new vaults use.
    pub const DEFAULT: KdfParams = Self::FLOOR;

    /// The largest parameters accepted: 4 GiB, t = 64, p = 16. Anything above
    /// can only come from a forged header meant to freeze or crash the device.
    pub const CEILING: KdfParams = KdfParams {
        m_kib: 4 * 1024 * 1024,
        t: 64,
        p: 16,
    };

    /// Refuses parameters below [`KdfParams::FLOOR`] in any component
    /// ([`CryptoError::WeakKdfParams`]) or above [`KdfParams::CEILING`] in any
    /// component ([`CryptoError::UnreasonableKdfParams`]).
    pub fn check(&self) -> Result<(), CryptoError> {
        let floor = Self::FLOOR;
        if self.m_kib < floor.m_kib || self.t < floor.t || self.p < floor.p {
            return Err(CryptoError::WeakKdfParams {
                found: *self,
                floor,
            });
        }
        let ceiling = Self::CEILING;
        if self.m_kib > ceiling.m_kib || self.t > ceiling.t || self.p > ceiling.p {
            return Err(CryptoError::UnreasonableKdfParams);
        }
        Ok(())
    }
}

impl fmt::Display for KdfParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Argon2id m={} KiB, t={}, p={}",
            self.m_kib, self.t, self.p
        )
    }
}

/// Algorithm id stored in the header for Argon2id version 0x13.
pub(crate) const KDF_ARGON2ID_V13: u8 = 1;

/// `Argon2id_v0x13(passphrase, salt, params)` → 32-byte wrapping key.
///
/// Checks `params` first, so nothing is allocated for refused parameters.
pub(crate) fn derive_wrap_key(
    passphrase: &Passphrase,
    salt: &[u8; 16],
    params: KdfParams,
) -> Result<Zeroizing<[u8; 32]>, CryptoError> {
    params.check()?;
    // Within floor..=ceiling every value is accepted by Argon2 (m >= 8p holds
    // since m >= 65536 and p <= 16), so an error here means the device could
    // not honour the parameters.
    let argon_params = Params::new(params.m_kib, params.t, params.p, Some(32))
        .map_err(|_| CryptoError::UnreasonableKdfParams)?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_str().as_bytes(), salt, &mut out[..])
        .map_err(|_| CryptoError::UnreasonableKdfParams)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_and_ceiling_are_accepted() {
        assert_eq!(KdfParams::FLOOR.check(), Ok(()));
        assert_eq!(KdfParams::DEFAULT, KdfParams::FLOOR);
        assert_eq!(KdfParams::CEILING.check(), Ok(()));
    }

    #[test]
    fn each_component_below_the_floor_is_weak() {
        let floor = KdfParams::FLOOR;
        for weak in [
            KdfParams {
                m_kib: 65_535,
                ..floor
            },
            KdfParams { t: 2, ..floor },
            KdfParams { p: 0, ..floor },
            // OWASP's minimum for Argon2id: fine for servers, not for us.
            KdfParams {
                m_kib: 19_456,
                t: 2,
                p: 1,
            },
        ] {
            assert_eq!(
                weak.check(),
                Err(CryptoError::WeakKdfParams { found: weak, floor })
            );
        }
    }

    #[test]
    fn a_weak_component_is_refused_even_if_another_is_huge() {
        let p = KdfParams {
            m_kib: u32::MAX,
            t: 1,
            p: 1,
        };
        assert!(matches!(p.check(), Err(CryptoError::WeakKdfParams { .. })));
    }

    #[test]
    fn each_component_above_the_ceiling_is_unreasonable() {
        let c = KdfParams::CEILING;
        for big in [
            KdfParams {
                m_kib: c.m_kib + 1,
                ..c
            },
            KdfParams { t: 65, ..c },
            KdfParams { p: 17, ..c },
            KdfParams {
                m_kib: u32::MAX,
                t: u32::MAX,
                p: u32::MAX,
            },
        ] {
            assert_eq!(big.check(), Err(CryptoError::UnreasonableKdfParams));
        }
    }

    #[test]
    fn derivation_refuses_weak_params_without_running_argon2() {
        let weak = KdfParams {
            m_kib: 8,
            t: 1,
            p: 1,
        };
        let pass = Passphrase::new("x".into());
        assert!(matches!(
            derive_wrap_key(&pass, &[0; 16], weak),
            Err(CryptoError::WeakKdfParams { .. })
        ));
    }

    #[test]
    fn display_names_the_algorithm_and_values() {
        assert_eq!(
            KdfParams::FLOOR.to_string(),
            "Argon2id m=65536 KiB, t=3, p=1"
        );
    }
}
