//! The audit log wired to real device keys, as the app will wire it:
//! `coffer_crypto::DeviceSigningKey` signs, a table of published
//! `DeviceVerifyingKey`s verifies.

use std::collections::HashMap;

use coffer_core::privacy::audit::{
    AuditAction, AuditDraft, AuditEntry, ChainBreak, ChainHead, SignatureProblem, append,
    merge_for_display, verify_chain,
};
use coffer_crypto::{DeviceSigningKey, DeviceVerifyingKey};
use uuid::Uuid;

fn draft(at_ms: i64, action: AuditAction) -> AuditDraft {
    AuditDraft {
        at_ms,
        actor: Uuid::from_u128(0x05E5),
        action,
        record_type: "contact".into(),
        record_id: Some(Uuid::from_u128(at_ms as u128)),
        detail: "fields=phones".into(),
    }
}

fn write_chain(
    device: Uuid,
    key: &DeviceSigningKey,
    times: &[i64],
) -> (Vec<AuditEntry>, ChainHead) {
    let signer = |m: &[u8]| key.sign(m);
    let mut head: Option<ChainHead> = None;
    let mut entries = Vec::new();
    for &t in times {
        let (entry, h) = append(
            device,
            head.as_ref(),
            draft(t, AuditAction::Reveal),
            &signer,
        )
        .unwrap();
        entries.push(entry);
        head = Some(h);
    }
    (entries, head.unwrap())
}

#[test]
fn chains_signed_by_device_keys_verify_and_breaks_are_named() {
    let (laptop, phone) = (Uuid::from_u128(1), Uuid::from_u128(2));
    let laptop_key = DeviceSigningKey::generate().unwrap();
    let phone_key = DeviceSigningKey::generate().unwrap();
    let published: HashMap<Uuid, [u8; 32]> = [
        (laptop, laptop_key.verifying_key().to_bytes()),
        (phone, phone_key.verifying_key().to_bytes()),
    ]
    .into();
    let verifier = |device: Uuid, message: &[u8], signature: &[u8]| {
        let bytes = published
            .get(&device)
            .ok_or(SignatureProblem::UnknownDevice)?;
        let key =
            DeviceVerifyingKey::from_bytes(bytes).map_err(|_| SignatureProblem::UnknownDevice)?;
        key.verify(message, signature)
            .map_err(|_| SignatureProblem::Invalid)
    };

    let (a, a_head) = write_chain(laptop, &laptop_key, &[10, 30, 50]);
    let (b, b_head) = write_chain(phone, &phone_key, &[20, 40]);
    assert_eq!(verify_chain(laptop, &a, &verifier, None), Ok(Some(a_head)));
    assert_eq!(
        verify_chain(phone, &b, &verifier, Some(&b_head)),
        Ok(Some(b_head))
    );
    let times: Vec<i64> = merge_for_display(&[&a, &b])
        .iter()
        .map(|e| e.at_ms)
        .collect();
    assert_eq!(times, [10, 20, 30, 40, 50]);

    let mut edited = a.clone();
    edited[0].detail = "fields=emails".into();
    assert_eq!(
        verify_chain(laptop, &edited, &verifier, None),
        Err(ChainBreak::Edited { index: 0, seq: 0 })
    );
    // The phone's key cannot sign for the laptop.
    let (forged, _) = write_chain(laptop, &phone_key, &[10]);
    assert_eq!(
        verify_chain(laptop, &forged, &verifier, None),
        Err(ChainBreak::BadSignature { index: 0, seq: 0 })
    );
    let stranger = Uuid::from_u128(3);
    let (unknown, _) = write_chain(stranger, &laptop_key, &[1]);
    assert_eq!(
        verify_chain(stranger, &unknown, &verifier, None),
        Err(ChainBreak::UnknownDeviceKey {
            device_id: stranger
        })
    );
}
