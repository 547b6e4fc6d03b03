use super::*;
use std::collections::BTreeMap;

const A: Uuid = Uuid::from_u128(0xA);
const B: Uuid = Uuid::from_u128(0xB);

/// A stand-in for Ed25519 (the real one lives in coffer-crypto): a keyed
/// hash, which is all the chain logic needs from a signature.
fn fake_sign(key: u8, message: &[u8]) -> [u8; 64] {
    let h: [u8; 32] = Sha256::digest([&[key][..], message].concat()).into();
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&h);
    sig[32..].copy_from_slice(&h);
    sig
}

fn key_of(device: Uuid) -> Option<u8> {
    match device {
        A => Some(1),
        B => Some(2),
        _ => None,
    }
}

fn verifier(device: Uuid, message: &[u8], sig: &[u8]) -> Result<(), SignatureProblem> {
    let key = key_of(device).ok_or(SignatureProblem::UnknownDevice)?;
    if fake_sign(key, message)[..] == *sig {
        Ok(())
    } else {
        Err(SignatureProblem::Invalid)
    }
}

fn chain(device: Uuid, n: usize, t0: i64) -> (Vec<AuditEntry>, Option<ChainHead>) {
    let key = key_of(device).unwrap_or(9);
    let signer = move |m: &[u8]| fake_sign(key, m);
    let mut head = None;
    let mut out = Vec::new();
    for i in 0..n {
        let draft = AuditDraft {
            at_ms: t0 + 10 * i as i64,
            actor: Uuid::from_u128(0x05E5),
            action: if i == 0 {
                AuditAction::Login
            } else {
                AuditAction::Edit
            },
            record_type: "contact".into(),
            record_id: Some(Uuid::from_u128(i as u128)),
            detail: "fields=emails".into(),
        };
        let (entry, h) = append(device, head.as_ref(), draft, &signer).unwrap();
        out.push(entry);
        head = Some(h);
    }
    (out, head)
}

#[test]
fn an_untouched_chain_verifies_and_reports_its_head() {
    let (entries, head) = chain(A, 5, 0);
    assert_eq!(verify_chain(A, &entries, &verifier, None), Ok(head));
    assert_eq!(
        verify_chain(A, &entries, &verifier, head.as_ref()),
        Ok(head)
    );
    assert_eq!(verify_chain(A, &[], &verifier, None), Ok(None));
    assert_eq!(entries[0].prev_hash, [0; 32]);
    assert_eq!(entries[3].prev_hash, entry_hash(&entries[2]));
}

#[test]
fn an_edited_entry_is_named() {
    let (mut entries, _) = chain(A, 5, 0);
    entries[2].action = AuditAction::Export;
    assert_eq!(
        verify_chain(A, &entries, &verifier, None),
        Err(ChainBreak::Edited { index: 2, seq: 2 })
    );
    // The last entry has no successor to testify: reported by position.
    let (mut entries, _) = chain(A, 5, 0);
    entries[4].record_type = "deal".into();
    assert_eq!(
        verify_chain(A, &entries, &verifier, None),
        Err(ChainBreak::BadSignature { index: 4, seq: 4 })
    );
}

#[test]
fn a_bad_signature_on_intact_content_is_told_apart_from_an_edit() {
    let (mut entries, _) = chain(A, 5, 0);
    entries[1].signature[0] ^= 1;
    assert_eq!(
        verify_chain(A, &entries, &verifier, None),
        Err(ChainBreak::BadSignature { index: 1, seq: 1 })
    );
    // Re-signed by another device's key: still a bad signature.
    let (mut entries, _) = chain(A, 3, 0);
    entries[1].signature = fake_sign(2, &signed_message(&entry_hash(&entries[1]))).to_vec();
    assert_eq!(
        verify_chain(A, &entries, &verifier, None),
        Err(ChainBreak::BadSignature { index: 1, seq: 1 })
    );
}

#[test]
fn a_removed_entry_is_named() {
    let (mut entries, head) = chain(A, 5, 0);
    entries.remove(2);
    assert_eq!(
        verify_chain(A, &entries, &verifier, None),
        Err(ChainBreak::Missing {
            index: 2,
            expected_seq: 2,
            found_seq: 3
        })
    );
    let (mut entries, _) = chain(A, 5, 0);
    entries.remove(0);
    assert!(matches!(
        verify_chain(A, &entries, &verifier, None),
        Err(ChainBreak::Missing { index: 0, .. })
    ));
    // Cutting the end is only visible against the head verified before.
    let (mut entries, _) = chain(A, 5, 0);
    entries.truncate(3);
    assert!(verify_chain(A, &entries, &verifier, None).is_ok());
    assert_eq!(
        verify_chain(A, &entries, &verifier, head.as_ref()),
        Err(ChainBreak::Truncated {
            last_seq: Some(2),
            head_seq: 4
        })
    );
}

#[test]
fn reordered_entries_are_named() {
    let (mut entries, _) = chain(A, 5, 0);
    entries.swap(1, 3);
    assert_eq!(
        verify_chain(A, &entries, &verifier, None),
        Err(ChainBreak::Reordered {
            index: 1,
            expected_seq: 1,
            found_seq: 3
        })
    );
    // Renumbering to hide the swap breaks the signatures instead.
    let (mut entries, _) = chain(A, 5, 0);
    entries.swap(1, 2);
    entries[1].seq = 1;
    entries[2].seq = 2;
    assert!(matches!(
        verify_chain(A, &entries, &verifier, None),
        Err(ChainBreak::Edited { index: 1, .. })
    ));
}

#[test]
fn unknown_devices_foreign_entries_and_rewritten_history_are_named() {
    let stranger = Uuid::from_u128(0xEE);
    let (entries, _) = chain(stranger, 2, 0);
    assert_eq!(
        verify_chain(stranger, &entries, &verifier, None),
        Err(ChainBreak::UnknownDeviceKey {
            device_id: stranger
        })
    );
    let (mut a, _) = chain(A, 3, 0);
    let (b, _) = chain(B, 3, 0);
    a[1] = b[1].clone();
    assert_eq!(
        verify_chain(A, &a, &verifier, None),
        Err(ChainBreak::ForeignEntry { index: 1, found: B })
    );
    // The device itself (or a thief of its key) re-signs a new history:
    // each entry verifies but the chain no longer matches what was seen.
    let (original, head) = chain(A, 3, 0);
    let (forked, _) = chain(A, 3, 5);
    assert_ne!(original, forked);
    assert_eq!(
        verify_chain(A, &forked, &verifier, head.as_ref()),
        Err(ChainBreak::Rewritten { seq: 2 })
    );
    // Splicing two histories breaks the link.
    let mut spliced = original.clone();
    spliced[2] = forked[2].clone();
    assert_eq!(
        verify_chain(A, &spliced, &verifier, None),
        Err(ChainBreak::LinkBroken { index: 2, seq: 2 })
    );
}

#[test]
fn details_must_be_codes() {
    assert!(check_detail("fields=emails,phones").is_ok());
    assert!(check_detail("count=1200").is_ok());
    for bad in [
        "Wei Zhang",
        "wei@example.cn",
        "phone=13800131234",
        "张伟",
        &"a".repeat(129),
    ] {
        assert!(check_detail(bad).is_err(), "{bad}");
    }
    let draft = AuditDraft {
        at_ms: 0,
        actor: A,
        action: AuditAction::Reveal,
        record_type: "contact".into(),
        record_id: None,
        detail: "name=Ann".into(),
    };
    assert!(matches!(
        append(A, None, draft, &|m: &[u8]| fake_sign(1, m)),
        Err(AuditError::DetailNotACode(_))
    ));
}

#[test]
fn chains_merge_by_time_and_round_trip_through_json() {
    let (a, _) = chain(A, 3, 0); // 0, 10, 20
    let (b, _) = chain(B, 3, 5); // 5, 15, 25
    let merged: Vec<(i64, Uuid)> = merge_for_display(&[&a, &b])
        .into_iter()
        .map(|e| (e.at_ms, e.device_id))
        .collect();
    assert_eq!(merged, [(0, A), (5, B), (10, A), (15, B), (20, A), (25, B)]);
    let json = serde_json::to_string(&a[1]).unwrap();
    assert_eq!(serde_json::from_str::<AuditEntry>(&json).unwrap(), a[1]);
    assert_eq!(AuditAction::Create.code(), 1);
    assert_eq!(AuditAction::SettingsChanged.code(), 18);
}

fn stored(entries: &[AuditEntry]) -> DeviceChain {
    DeviceChain {
        entries: entries.to_vec(),
        key: None,
    }
}

#[test]
fn entries_cut_off_the_end_are_found_once_a_head_was_trusted() {
    let (a, _) = chain(A, 6, 0);
    let (b, _) = chain(B, 3, 5);
    let mut trusted = TrustedHeads::default();
    let all = BTreeMap::from([(A, stored(&a)), (B, stored(&b))]);
    let results = trusted.verify(&all, &verifier);
    assert_eq!(results, vec![(A, 6, Ok(())), (B, 3, Ok(()))]);
    assert_eq!(trusted.get(A).map(|h| h.seq), Some(5));

    // The last two of A's entries and all of B's are removed.
    let cut = BTreeMap::from([(A, stored(&a[..4]))]);
    let results = trusted.verify(&cut, &verifier);
    assert_eq!(
        results,
        vec![
            (
                A,
                4,
                Err(ChainBreak::Truncated {
                    last_seq: Some(3),
                    head_seq: 5
                })
            ),
            (
                B,
                0,
                Err(ChainBreak::Truncated {
                    last_seq: None,
                    head_seq: 2
                })
            ),
        ]
    );
    // A failed check trusts nothing new: the finding stays.
    assert_eq!(trusted.get(A).map(|h| h.seq), Some(5));
    assert!(trusted.verify(&cut, &verifier)[0].2.is_err());
}

#[test]
fn writing_after_a_cut_does_not_hide_it() {
    let (a, _) = chain(A, 6, 0);
    let head = |e: &AuditEntry| ChainHead {
        device_id: A,
        seq: e.seq,
        hash: entry_hash(e),
    };
    let mut trusted = TrustedHeads::default();
    // Written one by one: the head follows.
    let mut prev: Option<ChainHead> = None;
    for e in &a {
        assert!(trusted.written(prev.as_ref(), head(e)));
        prev = Some(head(e));
    }
    assert_eq!(trusted.get(A), prev.as_ref());
    // The stored chain is cut after entry 3 and the device writes on from
    // there: its new entries 4 and 5 differ from the trusted ones.
    let signer = |m: &[u8]| fake_sign(1, m);
    let mut rewritten = a[..4].to_vec();
    let mut from = Some(head(&a[3]));
    for i in 0..3 {
        let draft = AuditDraft {
            at_ms: 1_000 + i,
            actor: Uuid::nil(),
            action: AuditAction::Export,
            record_type: "contact".into(),
            record_id: None,
            detail: String::new(),
        };
        let (entry, h) = append(A, from.as_ref(), draft, &signer).unwrap();
        assert!(
            !trusted.written(from.as_ref(), h),
            "the cut chain is not trusted"
        );
        rewritten.push(entry);
        from = Some(h);
    }
    let results = trusted.verify(&BTreeMap::from([(A, stored(&rewritten))]), &verifier);
    assert_eq!(results, vec![(A, 7, Err(ChainBreak::Rewritten { seq: 5 }))]);

    // Resuming after the trusted head instead makes the cut a named gap.
    let resume = trusted.continue_from(A, Some(head(&a[3])));
    assert_eq!(resume, Some(head(&a[5])));
    let draft = AuditDraft {
        at_ms: 2_000,
        actor: Uuid::nil(),
        action: AuditAction::Login,
        record_type: "vault".into(),
        record_id: None,
        detail: String::new(),
    };
    let (next, h) = append(A, resume.as_ref(), draft, &signer).unwrap();
    assert!(trusted.written(resume.as_ref(), h));
    let mut gap = a[..4].to_vec();
    gap.push(next);
    let results = trusted.verify(&BTreeMap::from([(A, stored(&gap))]), &verifier);
    assert_eq!(
        results,
        vec![(
            A,
            5,
            Err(ChainBreak::Missing {
                index: 4,
                expected_seq: 4,
                found_seq: 6
            })
        )]
    );
    // A longer stored chain (the head was not saved yet) is carried on.
    let mut behind = TrustedHeads::default();
    behind.written(None, head(&a[0]));
    assert_eq!(
        behind.continue_from(A, Some(head(&a[5]))),
        Some(head(&a[5]))
    );
    assert_eq!(behind.continue_from(A, None), Some(head(&a[0])));
}
