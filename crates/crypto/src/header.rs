//! The vault header: the vault key wrapped under the passphrase and under the
//! recovery code, stored as bytes next to the data (IndexedDB).
//!
//! # Binary format, version 1 (170 bytes, integers big-endian)
//!
//! | offset | len | field                                              |
//! |-------:|----:|----------------------------------------------------|
//! |      0 |   4 | magic `b"CFVH"`                                    |
//! |      4 |   1 | format version = 1                                 |
//! |      5 |   1 | KDF algorithm id, 1 = Argon2id v0x13               |
//! |      6 |   4 | `m_kib` (u32)                                      |
//! |     10 |   4 | `t` (u32)                                          |
//! |     14 |   4 | `p` (u32)                                          |
//! |     18 |  16 | salt                                               |
//! |     34 |  16 | vault id                                           |
//! |     50 |  60 | passphrase wrap: nonce 12, ciphertext 32, tag 16   |
//! |    110 |  60 | recovery wrap: nonce 12, ciphertext 32, tag 16     |
//!
//! Passphrase wrap: AES-256-GCM under `Argon2id(passphrase, salt, m, t, p)`
//! (32-byte output), associated data = bytes `0..50` ‖
//! `"coffer/v1/wrap/passphrase"`. Editing the magic, version, algorithm,
//! parameters, salt or vault id makes passphrase unlock fail.
//!
//! Recovery wrap: AES-256-GCM under `HKDF-SHA256(salt = vault id, IKM =
//! recovery code, info = "coffer/v1/wrap/recovery", L = 32)`, associated data
//! = bytes `0..5` (magic, version) ‖ bytes `34..50` (vault id) ‖
//! `"coffer/v1/wrap/recovery"`. It leaves out the KDF algorithm, parameters
//! and salt on purpose: [`VaultHeader::rewrap`] replaces those without
//! knowing the recovery code, and the recovery path does not use them.
//!
//! [`VaultHeader::from_bytes`] refuses parameters outside the floor/ceiling
//! before any key derivation can run; see also `crates/crypto/FORMAT.md`.

use zeroize::Zeroizing;

use crate::aead::{self, NONCE_LEN, TAG_LEN};
use crate::error::CryptoError;
use crate::kdf::{self, KDF_ARGON2ID_V13, KdfParams};
use crate::key::{Passphrase, VAULT_KEY_LEN, VaultKey};
use crate::random;
use crate::recovery::RecoveryCode;

const MAGIC: &[u8; 4] = b"CFVH";
const VERSION: u8 = 1;
const PREFIX_LEN: usize = 50;
const WRAP_LEN: usize = NONCE_LEN + VAULT_KEY_LEN + TAG_LEN;
const PASSPHRASE_LABEL: &[u8] = b"coffer/v1/wrap/passphrase";
const RECOVERY_LABEL: &[u8] = b"coffer/v1/wrap/recovery";

/// The vault key wrapped twice: by the passphrase and by the recovery code.
///
/// Holds no secret in the clear; its bytes ([`VaultHeader::to_bytes`]) may
/// be stored and synced. Every value of this type has KDF parameters within
/// [`KdfParams::FLOOR`] ..= [`KdfParams::CEILING`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultHeader {
    params: KdfParams,
    salt: [u8; 16],
    vault_id: [u8; 16],
    passphrase_wrap: Wrap,
    recovery_wrap: Wrap,
}

/// One wrapped copy of the vault key.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Wrap {
    nonce: [u8; NONCE_LEN],
    ciphertext: [u8; VAULT_KEY_LEN],
    tag: [u8; TAG_LEN],
}

/// Fixed inputs for deterministic header creation (known-answer tests).
pub(crate) struct HeaderSeed {
    pub salt: [u8; 16],
    pub vault_id: [u8; 16],
    pub key: Zeroizing<[u8; VAULT_KEY_LEN]>,
    pub recovery: RecoveryCode,
    pub passphrase_nonce: [u8; NONCE_LEN],
    pub recovery_nonce: [u8; NONCE_LEN],
}

impl VaultHeader {
    /// Length of a version 1 header in bytes.
    pub const LEN: usize = PREFIX_LEN + 2 * WRAP_LEN;

    /// Creates a new vault: random [`VaultKey`], random 16-byte salt, random
    /// vault id; wraps the key with `Argon2id(passphrase, salt, params)` and
    /// with a fresh [`RecoveryCode`] (HKDF; its 128 bits need no stretching).
    ///
    /// Refuses `params` outside floor/ceiling before doing anything else.
    /// Show the returned recovery code to the user once, then drop it.
    pub fn create(
        passphrase: &Passphrase,
        params: KdfParams,
    ) -> Result<(VaultHeader, VaultKey, RecoveryCode), CryptoError> {
        params.check()?;
        let mut key = Zeroizing::new([0u8; VAULT_KEY_LEN]);
        random::fill(&mut key[..])?;
        let seed = HeaderSeed {
            salt: random::array()?,
            vault_id: random::array()?,
            key,
            recovery: RecoveryCode::try_generate()?,
            passphrase_nonce: random::array()?,
            recovery_nonce: random::array()?,
        };
        Self::create_with(passphrase, params, seed)
    }

    /// A header for an existing key on a new device: the key of an account
    /// unwrapped from the server's bundle gets a fresh salt and vault id
    /// here, wrapped under `passphrase` and `recovery` (the account's
    /// recovery code when the user signed in with it, else a fresh one), so
    /// this device unlocks offline.
    pub fn create_for_key(
        passphrase: &Passphrase,
        params: KdfParams,
        key: &VaultKey,
        recovery: &RecoveryCode,
    ) -> Result<VaultHeader, CryptoError> {
        params.check()?;
        let seed = HeaderSeed {
            salt: random::array()?,
            vault_id: random::array()?,
            key: key.secret_bytes(),
            recovery: RecoveryCode::parse(&recovery.to_display())?,
            passphrase_nonce: random::array()?,
            recovery_nonce: random::array()?,
        };
        let (header, _, _) = Self::create_with(passphrase, params, seed)?;
        Ok(header)
    }

    /// The same header with `key` wrapped under `code`, which replaces the
    /// old recovery code (that one stops working here). `key` must be the
    /// key this header holds, as for [`VaultHeader::rewrap`].
    pub fn with_recovery(
        &self,
        key: &VaultKey,
        code: &RecoveryCode,
    ) -> Result<VaultHeader, CryptoError> {
        let mut header = self.clone();
        header.recovery_wrap = header.wrap_for_recovery(key, code, random::array()?)?;
        Ok(header)
    }

    pub(crate) fn create_with(
        passphrase: &Passphrase,
        params: KdfParams,
        seed: HeaderSeed,
    ) -> Result<(VaultHeader, VaultKey, RecoveryCode), CryptoError> {
        params.check()?;
        let HeaderSeed {
            salt,
            vault_id,
            key,
            recovery,
            passphrase_nonce,
            recovery_nonce,
        } = seed;
        let key = VaultKey::from_bytes(key);

        let placeholder = Wrap {
            nonce: [0; NONCE_LEN],
            ciphertext: [0; VAULT_KEY_LEN],
            tag: [0; TAG_LEN],
        };
        let mut header = VaultHeader {
            params,
            salt,
            vault_id,
            passphrase_wrap: placeholder.clone(),
            recovery_wrap: placeholder,
        };
        header.passphrase_wrap = header.wrap_for_passphrase(&key, passphrase, passphrase_nonce)?;
        header.recovery_wrap = header.wrap_for_recovery(&key, &recovery, recovery_nonce)?;
        Ok((header, key, recovery))
    }

    /// Unwraps the vault key with the passphrase.
    ///
    /// Runs Argon2id with this header's parameters (hundreds of milliseconds
    /// by design). A wrong passphrase, or a header whose parameters, salt or
    /// vault id were edited, gives [`CryptoError::WrongPassphrase`].
    pub fn unlock(&self, passphrase: &Passphrase) -> Result<VaultKey, CryptoError> {
        let wrap_key = kdf::derive_wrap_key(passphrase, &self.salt, self.params)?;
        let aad = [&self.prefix()[..], PASSPHRASE_LABEL].concat();
        unwrap(&wrap_key, &aad, &self.passphrase_wrap).ok_or(CryptoError::WrongPassphrase)
    }

    /// Unwraps the vault key with the recovery code (fast: HKDF only).
    /// A code of another vault gives [`CryptoError::WrongRecoveryCode`].
    pub fn unlock_with_recovery(&self, code: &RecoveryCode) -> Result<VaultKey, CryptoError> {
        let wrap_key = recovery_wrap_key(code, &self.vault_id);
        unwrap(&wrap_key, &self.recovery_aad(), &self.recovery_wrap)
            .ok_or(CryptoError::WrongRecoveryCode)
    }

    /// A header for the same vault with `key` wrapped under `new_passphrase`,
    /// a fresh salt and `params`; the recovery wrap is carried over unchanged.
    ///
    /// `key` must be the key unlocked from this header: the header holds
    /// nothing that could check it, and a different key would leave the
    /// passphrase and the recovery code opening different keys.
    pub fn rewrap(
        &self,
        key: &VaultKey,
        new_passphrase: &Passphrase,
        params: KdfParams,
    ) -> Result<VaultHeader, CryptoError> {
        params.check()?;
        self.rewrap_with(
            key,
            new_passphrase,
            params,
            random::array()?,
            random::array()?,
        )
    }

    pub(crate) fn rewrap_with(
        &self,
        key: &VaultKey,
        new_passphrase: &Passphrase,
        params: KdfParams,
        salt: [u8; 16],
        nonce: [u8; NONCE_LEN],
    ) -> Result<VaultHeader, CryptoError> {
        params.check()?;
        let mut header = VaultHeader {
            params,
            salt,
            ..self.clone()
        };
        header.passphrase_wrap = header.wrap_for_passphrase(key, new_passphrase, nonce)?;
        Ok(header)
    }

    /// The Argon2id parameters the passphrase wrap uses.
    pub fn kdf_params(&self) -> KdfParams {
        self.params
    }

    /// The random identifier of this vault (public).
    pub fn vault_id(&self) -> [u8; 16] {
        self.vault_id
    }

    /// The header in the version 1 binary format ([`VaultHeader::LEN`] bytes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::LEN);
        out.extend_from_slice(&self.prefix());
        for wrap in [&self.passphrase_wrap, &self.recovery_wrap] {
            out.extend_from_slice(&wrap.nonce);
            out.extend_from_slice(&wrap.ciphertext);
            out.extend_from_slice(&wrap.tag);
        }
        out
    }

    /// Parses a header, checking magic, version, length, algorithm and KDF
    /// parameters ([`KdfParams::check`]): a header edited to weaker (or
    /// absurdly expensive) parameters is refused here, before any key
    /// derivation can run.
    pub fn from_bytes(bytes: &[u8]) -> Result<VaultHeader, CryptoError> {
        if bytes.len() < 5 || &bytes[..4] != MAGIC {
            return Err(CryptoError::Malformed("not a Coffer vault header"));
        }
        if bytes[4] != VERSION {
            return Err(CryptoError::UnsupportedVersion(bytes[4]));
        }
        let mut reader = Reader(&bytes[5..]);
        if bytes.len() != Self::LEN {
            return Err(CryptoError::Malformed("vault header has the wrong length"));
        }
        if reader.array::<1>()? != [KDF_ARGON2ID_V13] {
            return Err(CryptoError::Malformed(
                "vault header names an unknown key-derivation algorithm",
            ));
        }
        let params = KdfParams {
            m_kib: u32::from_be_bytes(reader.array()?),
            t: u32::from_be_bytes(reader.array()?),
            p: u32::from_be_bytes(reader.array()?),
        };
        params.check()?;
        let salt = reader.array()?;
        let vault_id = reader.array()?;
        let passphrase_wrap = reader.wrap()?;
        let recovery_wrap = reader.wrap()?;
        Ok(VaultHeader {
            params,
            salt,
            vault_id,
            passphrase_wrap,
            recovery_wrap,
        })
    }

    /// Bytes `0..50`: everything before the first wrap.
    fn prefix(&self) -> [u8; PREFIX_LEN] {
        let mut out = [0u8; PREFIX_LEN];
        out[..4].copy_from_slice(MAGIC);
        out[4] = VERSION;
        out[5] = KDF_ARGON2ID_V13;
        out[6..10].copy_from_slice(&self.params.m_kib.to_be_bytes());
        out[10..14].copy_from_slice(&self.params.t.to_be_bytes());
        out[14..18].copy_from_slice(&self.params.p.to_be_bytes());
        out[18..34].copy_from_slice(&self.salt);
        out[34..50].copy_from_slice(&self.vault_id);
        out
    }

    fn recovery_aad(&self) -> Vec<u8> {
        let prefix = self.prefix();
        [&prefix[..5], &prefix[34..50], RECOVERY_LABEL].concat()
    }

    fn wrap_for_passphrase(
        &self,
        key: &VaultKey,
        passphrase: &Passphrase,
        nonce: [u8; NONCE_LEN],
    ) -> Result<Wrap, CryptoError> {
        let wrap_key = kdf::derive_wrap_key(passphrase, &self.salt, self.params)?;
        let aad = [&self.prefix()[..], PASSPHRASE_LABEL].concat();
        wrap(&wrap_key, &aad, key, nonce)
    }

    fn wrap_for_recovery(
        &self,
        key: &VaultKey,
        code: &RecoveryCode,
        nonce: [u8; NONCE_LEN],
    ) -> Result<Wrap, CryptoError> {
        let wrap_key = recovery_wrap_key(code, &self.vault_id);
        wrap(&wrap_key, &self.recovery_aad(), key, nonce)
    }
}

fn recovery_wrap_key(code: &RecoveryCode, vault_id: &[u8; 16]) -> Zeroizing<[u8; 32]> {
    let hkdf = hkdf::Hkdf::<sha2::Sha256>::new(Some(vault_id), code.bytes());
    let mut out = Zeroizing::new([0u8; 32]);
    // Proven invariant: 32 bytes is far below HKDF-SHA256's 8160-byte limit.
    hkdf.expand(RECOVERY_LABEL, &mut out[..])
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    out
}

fn wrap(
    wrap_key: &[u8; 32],
    aad: &[u8],
    key: &VaultKey,
    nonce: [u8; NONCE_LEN],
) -> Result<Wrap, CryptoError> {
    let mut buf = Zeroizing::new(*key.bytes());
    // Cannot fail: 32 bytes is far below AES-GCM's length limit.
    let tag = aead::encrypt(wrap_key, &nonce, aad, &mut buf[..])
        .map_err(|()| CryptoError::Malformed("key too large to wrap"))?;
    Ok(Wrap {
        nonce,
        ciphertext: *buf,
        tag,
    })
}

fn unwrap(wrap_key: &[u8; 32], aad: &[u8], wrap: &Wrap) -> Option<VaultKey> {
    let mut buf = Zeroizing::new(wrap.ciphertext);
    aead::decrypt(wrap_key, &wrap.nonce, aad, &mut buf[..], &wrap.tag).ok()?;
    Some(VaultKey::from_bytes(buf))
}

/// Reads fixed-size fields off the front of a slice.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn array<const N: usize>(&mut self) -> Result<[u8; N], CryptoError> {
        let (head, rest) = self
            .0
            .split_first_chunk::<N>()
            .ok_or(CryptoError::Malformed("vault header is truncated"))?;
        self.0 = rest;
        Ok(*head)
    }

    fn wrap(&mut self) -> Result<Wrap, CryptoError> {
        Ok(Wrap {
            nonce: self.array()?,
            ciphertext: self.array()?,
            tag: self.array()?,
        })
    }
}
