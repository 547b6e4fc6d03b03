//! Audit entries as synced records, and what the viewer needs: each
//! device's chain rebuilt from the records, the device keys they publish,
//! filters, and CSV/JSON exports.
//!
//! Each entry is its own record ([`AuditRecord`]) with an id derived from
//! (device, sequence number), so one entry can only ever be one record. The
//! record also carries its device's Ed25519 public key: a device's chain is
//! verified with the key published by its first stored entry, so a key
//! swapped into a later entry makes that entry fail.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{AUDIT_NAMESPACE, AuditAction, AuditEntry, check_detail};
use crate::privacy::processing::csv_cell;
use crate::record::impl_record;

/// Namespace of this device's sealed audit signing key (never synced).
pub const AUDIT_KEY_NAMESPACE: &str = "audit_key";

/// Namespace of this device's sealed [`super::TrustedHeads`] (never synced).
pub const AUDIT_HEADS_NAMESPACE: &str = "audit_heads";

/// One audit entry as a synced record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub id: Uuid,
    pub entry: AuditEntry,
    /// The device's Ed25519 public key, hex.
    pub device_key: String,
}

impl Default for AuditRecord {
    fn default() -> Self {
        AuditRecord {
            id: Uuid::nil(),
            entry: AuditEntry {
                device_id: Uuid::nil(),
                seq: 0,
                prev_hash: [0; 32],
                at_ms: 0,
                actor: Uuid::nil(),
                action: AuditAction::Create,
                record_type: String::new(),
                record_id: None,
                detail: String::new(),
                signature: Vec::new(),
            },
            device_key: String::new(),
        }
    }
}

impl_record!(AuditRecord, AUDIT_NAMESPACE, {
    id: Public,
    entry: Personal,
    device_key: Public,
});

impl AuditRecord {
    pub fn new(entry: AuditEntry, device_key: &[u8; 32]) -> AuditRecord {
        AuditRecord {
            id: record_id(entry.device_id, entry.seq),
            entry,
            device_key: device_key.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }

    /// The published key's bytes, if well formed.
    pub fn key_bytes(&self) -> Option<[u8; 32]> {
        let s = self.device_key.as_bytes();
        if s.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, pair) in s.chunks(2).enumerate() {
            let text = std::str::from_utf8(pair).ok()?;
            out[i] = u8::from_str_radix(text, 16).ok()?;
        }
        Some(out)
    }
}

/// The record id of entry `seq` of `device`'s chain.
pub fn record_id(device: Uuid, seq: u64) -> Uuid {
    let mut h = Sha256::new();
    h.update(b"coffer/v1/audit-record");
    h.update(device.as_bytes());
    h.update(seq.to_be_bytes());
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    // Version 8 (custom) and the RFC 4122 variant, set by hand.
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    Uuid::from_bytes(bytes)
}

/// One device's chain as stored, with the key its first entry publishes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeviceChain {
    pub entries: Vec<AuditEntry>,
    pub key: Option<[u8; 32]>,
}

/// Groups records by device, each chain in sequence order (the order
/// [`super::verify_chain`] expects; gaps stay gaps for it to find).
pub fn chains(records: impl IntoIterator<Item = AuditRecord>) -> BTreeMap<Uuid, DeviceChain> {
    let mut by_device: BTreeMap<Uuid, Vec<AuditRecord>> = BTreeMap::new();
    for r in records {
        by_device.entry(r.entry.device_id).or_default().push(r);
    }
    by_device
        .into_iter()
        .map(|(device, mut records)| {
            records.sort_by_key(|r| r.entry.seq);
            let key = records.first().and_then(AuditRecord::key_bytes);
            let entries = records.into_iter().map(|r| r.entry).collect();
            (device, DeviceChain { entries, key })
        })
        .collect()
}

/// `"fields=a,b,c"` for the changed top-level fields, cut to fit the
/// detail limit (then ending in `",more"`). Field names that are not codes
/// (custom keys) are left out.
pub fn fields_detail<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::from("fields=");
    let mut first = true;
    for f in fields {
        if f.is_empty() || check_detail(f).is_err() {
            continue;
        }
        let extra = f.len() + usize::from(!first);
        if out.len() + extra > 120 {
            out.push_str(",more");
            break;
        }
        if !first {
            out.push(',');
        }
        out.push_str(f);
        first = false;
    }
    out
}

/// `"count=12"`; counts of five digits or more (which the detail rules
/// refuse, as they could be a number about a person) in thousands:
/// `"count_k=12"` (or millions, `"count_m=12"`).
pub fn count_detail(n: usize) -> String {
    if n < 10_000 {
        format!("count={n}")
    } else if n < 10_000_000 {
        format!("count_k={}", n / 1000)
    } else {
        format!("count_m={}", n / 1_000_000)
    }
}

/// Which entries the viewer shows. Empty fields match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    pub device: Option<Uuid>,
    /// Inclusive bounds, unix ms.
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// Matches the record id, or its prefix as typed.
    pub record: String,
}

impl AuditFilter {
    pub fn matches(&self, e: &AuditEntry) -> bool {
        let record = self.record.trim().to_ascii_lowercase();
        self.action.is_none_or(|a| a == e.action)
            && self.device.is_none_or(|d| d == e.device_id)
            && self.from_ms.is_none_or(|f| e.at_ms >= f)
            && self.to_ms.is_none_or(|t| e.at_ms <= t)
            && (record.is_empty()
                || e.record_id
                    .is_some_and(|id| id.to_string().starts_with(&record)))
    }
}

/// The entries as CSV (header row, CRLF, formula-safe cells).
pub fn entries_csv(entries: &[&AuditEntry]) -> String {
    let mut out = String::from(
        "at_ms,device_id,seq,action,record_type,record_id,detail,prev_hash,signature\r\n",
    );
    for e in entries {
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        let action = serde_json::to_value(e.action)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let row = [
            e.at_ms.to_string(),
            e.device_id.to_string(),
            e.seq.to_string(),
            action,
            e.record_type.clone(),
            e.record_id.map(|i| i.to_string()).unwrap_or_default(),
            e.detail.clone(),
            hex(&e.prev_hash),
            hex(&e.signature),
        ];
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The entries as a pretty JSON array (the stored form, signatures
/// included, so the export can be verified elsewhere).
pub fn entries_json(entries: &[&AuditEntry]) -> String {
    // Cannot fail: entries hold strings, numbers, UUIDs and unit enums.
    serde_json::to_string_pretty(entries).expect("audit entries serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::audit::{AuditDraft, SignatureProblem, append, verify_chain};
    use crate::record::{Record, assert_fields_classified};

    fn entry(device: Uuid, seq: u64) -> AuditEntry {
        let signer = |_: &[u8]| [7u8; 64];
        let mut head = None;
        let mut last = None;
        for _ in 0..=seq {
            let (e, h) = append(
                device,
                head.as_ref(),
                AuditDraft {
                    at_ms: 1000,
                    actor: Uuid::nil(),
                    action: AuditAction::Reveal,
                    record_type: "contact".into(),
                    record_id: Some(Uuid::from_u128(5)),
                    detail: "field=notes".into(),
                },
                &signer,
            )
            .unwrap();
            head = Some(h);
            last = Some(e);
        }
        last.unwrap()
    }

    #[test]
    fn audit_records_are_classified_and_round_trip() {
        let r = AuditRecord::new(entry(Uuid::from_u128(1), 0), &[0xab; 32]);
        assert_fields_classified(&r);
        let back = AuditRecord::from_json(&r.to_json()).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.key_bytes(), Some([0xab; 32]));
        assert_eq!(r.id, record_id(Uuid::from_u128(1), 0));
        assert_ne!(r.id, record_id(Uuid::from_u128(1), 1));
        assert_ne!(r.id, record_id(Uuid::from_u128(2), 0));
    }

    #[test]
    fn chains_group_by_device_in_seq_order_and_a_removed_record_is_named() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut records: Vec<AuditRecord> = (0..4)
            .rev()
            .map(|s| AuditRecord::new(entry(a, s), &[1; 32]))
            .collect();
        records.push(AuditRecord::new(entry(b, 0), &[2; 32]));
        let all = chains(records.clone());
        assert_eq!(all.len(), 2);
        let seqs: Vec<u64> = all[&a].entries.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [0, 1, 2, 3]);
        assert_eq!(all[&b].key, Some([2; 32]));
        let ok = |_: Uuid, _: &[u8], sig: &[u8]| {
            if sig == [7u8; 64] {
                Ok(())
            } else {
                Err(SignatureProblem::Invalid)
            }
        };
        assert!(verify_chain(a, &all[&a].entries, &ok, None).is_ok());
        records.retain(|r| !(r.entry.device_id == a && r.entry.seq == 2));
        let broken = chains(records);
        assert_eq!(
            verify_chain(a, &broken[&a].entries, &ok, None),
            Err(crate::privacy::audit::ChainBreak::Missing {
                index: 2,
                expected_seq: 2,
                found_seq: 3
            })
        );
    }

    #[test]
    fn details_are_codes_that_fit() {
        let d = fields_detail(["given_name", "notes", "Custom Label"]);
        assert_eq!(d, "fields=given_name,notes");
        assert!(check_detail(&d).is_ok());
        let many: Vec<String> = (0..40).map(|i| format!("field_{i}")).collect();
        let d = fields_detail(many.iter().map(String::as_str));
        assert!(d.ends_with(",more"), "{d}");
        assert!(check_detail(&d).is_ok());
        assert_eq!(count_detail(12), "count=12");
        assert_eq!(count_detail(12_345), "count_k=12");
        assert!(check_detail(&count_detail(99_999_999)).is_ok());
    }

    #[test]
    fn filters_combine_and_exports_carry_every_entry() {
        let e = entry(Uuid::from_u128(1), 0);
        let mut f = AuditFilter::default();
        assert!(f.matches(&e));
        f.action = Some(AuditAction::Reveal);
        f.record = "00000000-0000-0000-0000-0000000000".into();
        assert!(f.matches(&e));
        f.from_ms = Some(1001);
        assert!(!f.matches(&e));
        f.from_ms = None;
        f.device = Some(Uuid::from_u128(9));
        assert!(!f.matches(&e));
        let csv = entries_csv(&[&e]);
        assert_eq!(csv.lines().count(), 2);
        assert!(csv.contains(",reveal,contact,"));
        let json: Vec<AuditEntry> = serde_json::from_str(&entries_json(&[&e])).unwrap();
        assert_eq!(json, [e]);
    }
}
