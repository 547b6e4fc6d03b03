//! The single place randomness enters the crate.
//!
//! On wasm32 this is the browser's `crypto.getRandomValues` (through
//! `getrandom`'s `js` feature); natively it is the operating system's RNG.

use rand_core::{OsRng, RngCore};

use crate::error::CryptoError;

/// Fills `buf` from the platform CSPRNG.
pub(crate) fn fill(buf: &mut [u8]) -> Result<(), CryptoError> {
    OsRng.try_fill_bytes(buf).map_err(|_| CryptoError::Rng)
}

/// Returns `N` fresh random bytes.
pub(crate) fn array<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    fill(&mut out)?;
    Ok(out)
}
