//! Length hiding for record plaintexts.
//!
//! A plaintext of `len` bytes is extended with one `0x80` marker byte and
//! then zeros (ISO/IEC 7816-4 style) to `padme_len(len)` bytes: the Padmé
//! length of `len + 1`, but never less than [`PAD_FLOOR`]. Padmé keeps the
//! overhead below about 12 % while leaking only O(log log n) bits of the size;
//! the floor makes every small record (most contacts, notes and tasks) look
//! the same.

use zeroize::Zeroizing;

use crate::error::CryptoError;

/// Every padded plaintext is at least this long.
pub const PAD_FLOOR: usize = 512;

const MARKER: u8 = 0x80;

/// The padded length of a `len`-byte plaintext: `max(512, padme(len + 1))`.
///
/// Saturates at `usize::MAX` for sizes no device could hold; [`crate::seal`]
/// refuses those.
pub fn padme_len(len: usize) -> usize {
    match len.checked_add(1).and_then(padme) {
        Some(padded) => padded.max(PAD_FLOOR),
        None => usize::MAX,
    }
}

/// Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and
/// Communication with PURBs", 2019): round `l` up so that only the top
/// `floor(log2 E) + 1` bits of its `E`-bit magnitude may be non-zero.
/// `None` on overflow.
fn padme(l: usize) -> Option<usize> {
    if l < 2 {
        return Some(l);
    }
    let e = l.ilog2();
    let s = e.ilog2() + 1;
    let z = e - s; // s <= e for every e >= 1, so this never underflows.
    let mask = (1usize << z) - 1;
    Some(l.checked_add(mask)? & !mask)
}

/// Returns `plaintext || 0x80 || 0..` of length `padme_len(plaintext.len())`,
/// allocated once at its final size so no reallocation leaves a plaintext
/// copy behind.
pub(crate) fn pad(plaintext: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let padded_len = padme_len(plaintext.len());
    if padded_len == usize::MAX {
        return Err(CryptoError::Malformed("record is too large to encrypt"));
    }
    let mut out = Zeroizing::new(Vec::with_capacity(padded_len));
    out.extend_from_slice(plaintext);
    out.push(MARKER);
    out.resize(padded_len, 0);
    Ok(out)
}

/// Strips the padding in place: finds the last non-zero byte, which must be
/// the `0x80` marker, and truncates there.
pub(crate) fn unpad(padded: &mut Vec<u8>) -> Result<(), CryptoError> {
    let marker_at = padded
        .iter()
        .rposition(|&b| b != 0)
        .ok_or(CryptoError::BadPadding)?;
    if padded[marker_at] != MARKER {
        return Err(CryptoError::BadPadding);
    }
    padded.truncate(marker_at);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_lengths_use_the_floor() {
        for len in [0, 1, 100, 510, 511] {
            assert_eq!(padme_len(len), 512, "len {len}");
        }
    }

    #[test]
    fn padme_matches_the_paper_definition_for_large_inputs() {
        // L = 2^20 + 1: E = 20, S = floor(log2 20) + 1 = 5, z = 15.
        assert_eq!(padme((1 << 20) + 1), Some((1 << 20) + (1 << 15)));
        // Exact powers of two are already Padmé lengths.
        for e in 1..40 {
            assert_eq!(padme(1usize << e), Some(1usize << e));
        }
    }

    #[test]
    fn padme_overhead_stays_below_twelve_percent() {
        for l in (513..200_000).step_by(97) {
            let p = padme(l).unwrap();
            assert!(p >= l);
            assert!((p - l) * 100 <= l * 12, "l {l} padded to {p}");
        }
    }

    #[test]
    fn huge_lengths_saturate_instead_of_wrapping() {
        assert_eq!(padme_len(usize::MAX), usize::MAX);
        assert_eq!(padme_len(usize::MAX - 3), usize::MAX);
    }

    #[test]
    fn pad_then_unpad_restores_input_including_trailing_zeros() {
        for input in [&b""[..], b"a", b"ends with zeros\0\0\0", &[0x80; 600]] {
            let mut padded = pad(input).unwrap();
            assert_eq!(padded.len(), padme_len(input.len()));
            assert_eq!(padded[input.len()], 0x80);
            unpad(&mut padded).unwrap();
            assert_eq!(&padded[..], input);
        }
    }

    #[test]
    fn unpad_without_marker_is_bad_padding() {
        assert_eq!(unpad(&mut vec![0; 512]), Err(CryptoError::BadPadding));
        assert_eq!(unpad(&mut vec![]), Err(CryptoError::BadPadding));
        let mut v = vec![0; 512];
        v[10] = 0x81;
        assert_eq!(unpad(&mut v), Err(CryptoError::BadPadding));
    }
}
