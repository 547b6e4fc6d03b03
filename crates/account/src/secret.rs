//! Secrets the login produces. They zeroize on drop, print as `..` and
//! compare in constant time.

use core::fmt;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Length of both secrets: one SHA-512 output.
pub const SECRET_LEN: usize = 64;

/// OPAQUE's export key: known only to a client that knows the passphrase,
/// the same on every login until the passphrase changes. It never leaves the
/// device; [`crate::wrap_bundle`] derives the key-bundle unlock key from it.
pub struct ExportKey(Zeroizing<[u8; SECRET_LEN]>);

/// The key both sides share after a successful login, for the server to
/// bind its session to (for example through HKDF into a session token).
pub struct SessionKey(Zeroizing<[u8; SECRET_LEN]>);

macro_rules! secret {
    ($name:ident, $vis:vis) => {
        impl $name {
            /// Copies the bytes out of opaque-ke's array and wipes that array.
            /// `source` is always a SHA-512 output, so the lengths match.
            pub(crate) fn take(source: &mut [u8]) -> Self {
                let mut bytes = Zeroizing::new([0u8; SECRET_LEN]);
                bytes.copy_from_slice(source);
                zeroize::Zeroize::zeroize(source);
                $name(bytes)
            }

            /// The raw key. Keep it in memory only.
            $vis fn as_bytes(&self) -> &[u8; SECRET_LEN] {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(..)"))
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.ct_eq(&*other.0).into()
            }
        }

        impl Eq for $name {}
    };
}

secret!(ExportKey, pub(crate));
secret!(SessionKey, pub);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_and_source_is_wiped() {
        let mut source = [7u8; SECRET_LEN];
        let key = ExportKey::take(&mut source);
        assert_eq!(source, [0; SECRET_LEN]);
        assert_eq!(key.as_bytes(), &[7; SECRET_LEN]);
        assert_eq!(format!("{key:?}"), "ExportKey(..)");
        let session = SessionKey::take(&mut [1; SECRET_LEN]);
        assert_eq!(format!("{session:?}"), "SessionKey(..)");
    }
}
