//! A pull's answer as JSON, written straight into one buffer. A page holds
//! up to 1,000 blobs: through serde each became its own base64 `String`,
//! then was scanned byte by byte for characters to escape. Base64, hex and
//! numbers never need escaping, so they are written as they are.
//!
//! The shape is `{"entries":[{"seq","record_id","revision","parent_hash",
//! "blob","link"}…],"head":{"seq","link"}|null,"more":bool}` (openapi.json,
//! `PullPage`).

use std::io::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::format_record_id;
use crate::store::{PullEntry, PullPage};

/// The JSON body of `page`.
pub fn encode(page: &PullPage) -> Vec<u8> {
    let blobs: usize = page.entries.iter().map(|e| e.blob.len()).sum();
    // Base64 is 4/3 of the bytes; the rest of an entry is under 256.
    let mut out = Vec::with_capacity(64 + blobs / 3 * 4 + page.entries.len() * 256);
    out.extend_from_slice(b"{\"entries\":[");
    for (i, entry) in page.entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_entry(&mut out, entry);
    }
    out.extend_from_slice(b"],\"head\":");
    match &page.head {
        Some(head) => {
            // Writing to a Vec cannot fail.
            let _ = write!(out, "{{\"seq\":{},\"link\":", head.seq);
            write_base64(&mut out, &head.link);
            out.push(b'}');
        }
        None => out.extend_from_slice(b"null"),
    }
    let _ = write!(out, ",\"more\":{}}}", page.more);
    out
}

fn write_entry(out: &mut Vec<u8>, entry: &PullEntry) {
    let _ = write!(
        out,
        "{{\"seq\":{},\"record_id\":\"{}\",\"revision\":{},\"parent_hash\":",
        entry.seq,
        format_record_id(&entry.record_id),
        entry.revision
    );
    match &entry.parent_hash {
        Some(hash) => write_base64(out, hash),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"blob\":");
    write_base64(out, &entry.blob);
    out.extend_from_slice(b",\"link\":");
    write_base64(out, &entry.link);
    out.push(b'}');
}

/// `bytes` as a quoted standard-base64 JSON string.
fn write_base64(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    let start = out.len();
    // Padded base64 of n bytes is 4 * ceil(n / 3) characters.
    out.resize(start + bytes.len().div_ceil(3) * 4, 0);
    let written = STANDARD
        .encode_slice(bytes, &mut out[start..])
        .unwrap_or_default();
    out.truncate(start + written);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::store::ChainHead;

    #[test]
    fn pages_encode_as_the_documented_json() {
        let page = PullPage {
            entries: vec![
                PullEntry {
                    seq: 1,
                    record_id: [0xab; 16],
                    revision: 1,
                    parent_hash: None,
                    blob: b"hello".to_vec(),
                    link: [1; 32],
                },
                PullEntry {
                    seq: 2,
                    record_id: [0x01; 16],
                    revision: 7,
                    parent_hash: Some([2; 32]),
                    blob: Vec::new(),
                    link: [3; 32],
                },
            ],
            head: Some(ChainHead {
                seq: 9,
                link: [4; 32],
            }),
            more: true,
        };
        let b64 = |bytes: &[u8]| STANDARD.encode(bytes);
        let value: Value = serde_json::from_slice(&encode(&page)).unwrap();
        assert_eq!(
            value,
            json!({
                "entries": [
                    {
                        "seq": 1,
                        "record_id": "abababab-abab-abab-abab-abababababab",
                        "revision": 1,
                        "parent_hash": null,
                        "blob": b64(b"hello"),
                        "link": b64(&[1; 32]),
                    },
                    {
                        "seq": 2,
                        "record_id": "01010101-0101-0101-0101-010101010101",
                        "revision": 7,
                        "parent_hash": b64(&[2; 32]),
                        "blob": "",
                        "link": b64(&[3; 32]),
                    },
                ],
                "head": { "seq": 9, "link": b64(&[4; 32]) },
                "more": true,
            })
        );
        let empty = PullPage {
            entries: Vec::new(),
            head: None,
            more: false,
        };
        assert_eq!(
            encode(&empty),
            br#"{"entries":[],"head":null,"more":false}"#.to_vec()
        );
    }
}
