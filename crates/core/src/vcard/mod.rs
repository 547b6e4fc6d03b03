//! vCard import and export.
//!
//! - [`cards`]`(text)`: an iterator of [`ParsedCard`]s, one per
//!   BEGIN/END:VCARD block, each a valid normalised contact (nil id) or a
//!   [`CardProblem`]; a bad card does not stop the others. Reads 2.1, 3.0
//!   and 4.0: folded lines, QUOTED-PRINTABLE with CHARSET (UTF-8, GBK…),
//!   escaped `,` `;` `\n`, N, FN, EMAIL/TEL with TYPE, ORG, TITLE, ADR,
//!   NOTE, CATEGORIES, X-WECHAT. PHOTO, LOGO, SOUND and KEY are skipped
//!   line by line without copying their data. Decode bytes first with
//!   [`crate::import::decode()`].
//! - [`write_vcard`] / [`write_vcards`]: 4.0 or 3.0 ([`VcardVersion`]),
//!   CRLF lines folded at 75 octets on UTF-8 boundaries, values escaped.

mod escape;
mod parse;
mod write;

pub use parse::{CardProblem, Cards, ParsedCard, cards};
pub use write::{VcardVersion, write_vcard, write_vcards};
