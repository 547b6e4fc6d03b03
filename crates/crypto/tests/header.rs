//! Behaviour of the vault header: creation, unlock by passphrase and by
//! recovery code, rewrap, and refusal of weak or edited headers.
//!
//! Argon2id at the 64 MiB floor runs about a dozen times in this file, so
//! one vault is created once and shared.

use std::sync::OnceLock;

use coffer_crypto::{
    CryptoError, EnvelopeMeta, KdfParams, Passphrase, RecoveryCode, VaultHeader, VaultKey, open,
    seal,
};
use uuid::Uuid;
use zeroize::Zeroizing;

const PASSPHRASE: &str = "正确 horse 电池 staple 订书钉";

struct Vault {
    header: VaultHeader,
    key: VaultKey,
    code: Zeroizing<String>,
}

fn vault() -> &'static Vault {
    static VAULT: OnceLock<Vault> = OnceLock::new();
    VAULT.get_or_init(|| {
        let (header, key, code) =
            VaultHeader::create(&pass(PASSPHRASE), KdfParams::DEFAULT).unwrap();
        Vault {
            header,
            key,
            code: code.to_display(),
        }
    })
}

fn pass(s: &str) -> Passphrase {
    Passphrase::new(s.to_owned())
}

/// Offsets from the format table in `header.rs` / FORMAT.md.
const T_OFFSET: usize = 10;
const SALT_OFFSET: usize = 18;
const VAULT_ID_OFFSET: usize = 34;

fn edited(header: &VaultHeader, edit: impl FnOnce(&mut Vec<u8>)) -> VaultHeader {
    let mut bytes = header.to_bytes();
    edit(&mut bytes);
    VaultHeader::from_bytes(&bytes).unwrap()
}

#[test]
fn created_vault_unlocks_with_its_passphrase_to_the_same_key() {
    let v = vault();
    assert_eq!(v.header.kdf_params(), KdfParams::FLOOR);
    let key = v.header.unlock(&pass(PASSPHRASE)).unwrap();
    assert_eq!(key.key_id(), v.key.key_id());
    // Same key, not merely the same id: it opens what the original sealed.
    let id = Uuid::from_u128(1);
    let meta = EnvelopeMeta {
        namespace: "contact".into(),
        record_id: id,
        revision: 1,
    };
    let envelope = seal(&v.key, &meta, b"Alice").unwrap();
    assert_eq!(
        open(&key, &envelope, "contact", id).unwrap().0.as_bytes(),
        b"Alice"
    );
}

#[test]
fn header_bytes_round_trip() {
    let v = vault();
    let bytes = v.header.to_bytes();
    assert_eq!(bytes.len(), VaultHeader::LEN);
    assert_eq!(VaultHeader::LEN, 170);
    assert_eq!(&bytes[..6], b"CFVH\x01\x01");
    let parsed = VaultHeader::from_bytes(&bytes).unwrap();
    assert_eq!(parsed, v.header);
    assert_eq!(parsed.vault_id(), v.header.vault_id());
    assert_eq!(
        &bytes[VAULT_ID_OFFSET..VAULT_ID_OFFSET + 16],
        &v.header.vault_id()
    );
}

#[test]
fn wrong_passphrase_is_reported() {
    assert_eq!(
        vault()
            .header
            .unlock(&pass("正确 horse 电池 staple 订书针"))
            .unwrap_err(),
        CryptoError::WrongPassphrase
    );
}

#[test]
fn recovery_code_unlocks_the_same_key() {
    let v = vault();
    let code = RecoveryCode::parse(&v.code).unwrap();
    let key = v.header.unlock_with_recovery(&code).unwrap();
    assert_eq!(key.key_id(), v.key.key_id());
}

#[test]
fn recovery_code_of_another_vault_is_wrong() {
    let other = RecoveryCode::generate();
    assert_eq!(
        vault().header.unlock_with_recovery(&other).unwrap_err(),
        CryptoError::WrongRecoveryCode
    );
}

#[test]
fn mistyped_recovery_code_is_detected_before_unlocking() {
    let shown = vault().code.to_string();
    // Change one character to another valid symbol.
    let first = shown.as_bytes()[0];
    let replacement = if first == b'7' { "8" } else { "7" };
    let typo = format!("{replacement}{}", &shown[1..]);
    assert_eq!(
        RecoveryCode::parse(&typo).unwrap_err(),
        CryptoError::RecoveryCodeMistyped
    );
    assert_eq!(
        RecoveryCode::parse(&shown[..shown.len() - 2]).unwrap_err(),
        CryptoError::RecoveryCodeMalformed
    );
    // Sloppy but correct input still works.
    let sloppy = shown.to_lowercase().replace('-', " ").replace('0', "o");
    let key = vault()
        .header
        .unlock_with_recovery(&RecoveryCode::parse(&sloppy).unwrap())
        .unwrap();
    assert_eq!(key.key_id(), vault().key.key_id());
}

#[test]
fn rewrap_changes_the_passphrase_but_keeps_key_and_recovery() {
    let v = vault();
    let id = Uuid::from_u128(2);
    let meta = EnvelopeMeta {
        namespace: "note".into(),
        record_id: id,
        revision: 4,
    };
    let before = seal(&v.key, &meta, "改密码之前".as_bytes()).unwrap();

    let new_pass = pass("a brand new passphrase");
    let stronger = KdfParams {
        t: 4,
        ..KdfParams::FLOOR
    };
    let rewrapped = v.header.rewrap(&v.key, &new_pass, stronger).unwrap();
    let rewrapped = VaultHeader::from_bytes(&rewrapped.to_bytes()).unwrap();

    assert_eq!(rewrapped.kdf_params(), stronger);
    assert_eq!(rewrapped.vault_id(), v.header.vault_id());
    let old_bytes = v.header.to_bytes();
    let new_bytes = rewrapped.to_bytes();
    assert_ne!(
        old_bytes[SALT_OFFSET..SALT_OFFSET + 16],
        new_bytes[SALT_OFFSET..SALT_OFFSET + 16]
    );
    assert_eq!(
        old_bytes[110..],
        new_bytes[110..],
        "recovery wrap is unchanged"
    );

    assert_eq!(
        rewrapped.unlock(&pass(PASSPHRASE)).unwrap_err(),
        CryptoError::WrongPassphrase
    );
    let key = rewrapped.unlock(&new_pass).unwrap();
    assert_eq!(key.key_id(), v.key.key_id());
    let (plain, revision) = open(&key, &before, "note", id).unwrap();
    assert_eq!(plain.as_bytes(), "改密码之前".as_bytes());
    assert_eq!(revision, 4);

    let code = RecoveryCode::parse(&v.code).unwrap();
    assert_eq!(
        rewrapped.unlock_with_recovery(&code).unwrap().key_id(),
        v.key.key_id()
    );
}

#[test]
fn weak_params_are_refused_at_create_and_rewrap() {
    let weak = KdfParams {
        m_kib: 19_456,
        t: 2,
        p: 1,
    };
    let expected = CryptoError::WeakKdfParams {
        found: weak,
        floor: KdfParams::FLOOR,
    };
    assert_eq!(VaultHeader::create(&pass("x"), weak).unwrap_err(), expected);
    let v = vault();
    assert_eq!(
        v.header.rewrap(&v.key, &pass("x"), weak).unwrap_err(),
        expected
    );
    let huge = KdfParams {
        t: 1000,
        ..KdfParams::FLOOR
    };
    assert_eq!(
        VaultHeader::create(&pass("x"), huge).unwrap_err(),
        CryptoError::UnreasonableKdfParams
    );
}

#[test]
fn header_edited_to_weak_params_is_refused_when_parsed() {
    let mut bytes = vault().header.to_bytes();
    bytes[6..10].copy_from_slice(&19_456u32.to_be_bytes());
    bytes[10..14].copy_from_slice(&2u32.to_be_bytes());
    // from_bytes is the only way to get a header to unlock, and it derives
    // nothing: the refusal happens before any Argon2 run.
    assert_eq!(
        VaultHeader::from_bytes(&bytes).unwrap_err(),
        CryptoError::WeakKdfParams {
            found: KdfParams {
                m_kib: 19_456,
                t: 2,
                p: 1
            },
            floor: KdfParams::FLOOR,
        }
    );
}

#[test]
fn header_edited_to_absurd_params_is_refused_when_parsed() {
    for (offset, value) in [(6, 5u32 * 1024 * 1024), (10, 65), (14, 17), (6, u32::MAX)] {
        let mut bytes = vault().header.to_bytes();
        bytes[offset..offset + 4].copy_from_slice(&value.to_be_bytes());
        assert_eq!(
            VaultHeader::from_bytes(&bytes).unwrap_err(),
            CryptoError::UnreasonableKdfParams,
            "offset {offset}"
        );
    }
}

#[test]
fn header_with_edited_params_fails_to_unlock() {
    let v = vault();
    let header = edited(&v.header, |b| {
        b[T_OFFSET..T_OFFSET + 4].copy_from_slice(&4u32.to_be_bytes())
    });
    assert_eq!(header.kdf_params().t, 4);
    assert_eq!(
        header.unlock(&pass(PASSPHRASE)).unwrap_err(),
        CryptoError::WrongPassphrase
    );
}

#[test]
fn header_with_edited_salt_fails_to_unlock() {
    let v = vault();
    let header = edited(&v.header, |b| b[SALT_OFFSET] ^= 1);
    assert_eq!(
        header.unlock(&pass(PASSPHRASE)).unwrap_err(),
        CryptoError::WrongPassphrase
    );
}

#[test]
fn header_with_edited_vault_id_fails_both_unlocks() {
    let v = vault();
    let header = edited(&v.header, |b| b[VAULT_ID_OFFSET + 15] ^= 0x80);
    assert_eq!(
        header.unlock(&pass(PASSPHRASE)).unwrap_err(),
        CryptoError::WrongPassphrase
    );
    let code = RecoveryCode::parse(&v.code).unwrap();
    assert_eq!(
        header.unlock_with_recovery(&code).unwrap_err(),
        CryptoError::WrongRecoveryCode
    );
}

#[test]
fn edited_wraps_fail_to_unlock() {
    let v = vault();
    let code = RecoveryCode::parse(&v.code).unwrap();
    // Every byte of the recovery wrap (cheap to check: no Argon2).
    for i in 110..170 {
        let header = edited(&v.header, |b| b[i] ^= 0x01);
        assert_eq!(
            header.unlock_with_recovery(&code).unwrap_err(),
            CryptoError::WrongRecoveryCode,
            "byte {i}"
        );
    }
    // One byte of the passphrase wrap (its last tag byte): each check costs
    // an Argon2 run, and the AEAD treats every byte alike.
    let header = edited(&v.header, |b| b[109] ^= 0x01);
    assert_eq!(
        header.unlock(&pass(PASSPHRASE)).unwrap_err(),
        CryptoError::WrongPassphrase
    );
}

#[test]
fn malformed_headers_give_clear_errors() {
    let good = vault().header.to_bytes();
    assert_eq!(
        VaultHeader::from_bytes(&[]).unwrap_err(),
        CryptoError::Malformed("not a Coffer vault header")
    );
    assert_eq!(
        VaultHeader::from_bytes(b"PK\x03\x04 a zip file").unwrap_err(),
        CryptoError::Malformed("not a Coffer vault header")
    );
    let mut v2 = good.clone();
    v2[4] = 2;
    assert_eq!(
        VaultHeader::from_bytes(&v2).unwrap_err(),
        CryptoError::UnsupportedVersion(2)
    );
    for len in [5, 50, 169] {
        assert_eq!(
            VaultHeader::from_bytes(&good[..len]).unwrap_err(),
            CryptoError::Malformed("vault header has the wrong length"),
            "len {len}"
        );
    }
    assert_eq!(
        VaultHeader::from_bytes(&[&good[..], b"x"].concat()).unwrap_err(),
        CryptoError::Malformed("vault header has the wrong length")
    );
    let mut alg = good.clone();
    alg[5] = 2;
    assert_eq!(
        VaultHeader::from_bytes(&alg).unwrap_err(),
        CryptoError::Malformed("vault header names an unknown key-derivation algorithm")
    );
}

#[test]
fn each_vault_is_different() {
    // Create costs one Argon2 run; compare against the shared vault.
    let (header, key, code) = VaultHeader::create(&pass(PASSPHRASE), KdfParams::DEFAULT).unwrap();
    let v = vault();
    assert_ne!(header.vault_id(), v.header.vault_id());
    assert_ne!(key.key_id(), v.key.key_id());
    assert_ne!(*code.to_display(), *v.code);
    assert_ne!(
        header.to_bytes()[SALT_OFFSET..34],
        v.header.to_bytes()[SALT_OFFSET..34]
    );
}

#[test]
fn debug_output_is_redacted() {
    let code = RecoveryCode::parse(&vault().code).unwrap();
    assert_eq!(format!("{code:?}"), "RecoveryCode(..)");
    assert_eq!(format!("{:?}", vault().key), "VaultKey(..)");
}

#[test]
fn a_decomposed_accent_unlocks_a_vault_made_with_a_precomposed_one() {
    let (header, key, _) = VaultHeader::create(
        &Passphrase::new("crème brûlée at dawn".to_owned()),
        KdfParams::FLOOR,
    )
    .expect("create");
    let typed_differently = Passphrase::new("cre\u{300}me bru\u{302}le\u{301}e at dawn".to_owned());
    let unlocked = header
        .unlock(&typed_differently)
        .expect("same passphrase after NFC");
    assert_eq!(unlocked.key_id(), key.key_id());
}

#[test]
fn a_second_device_header_holds_the_same_key_under_its_own_salt_and_code() {
    let v = vault();
    // What a new device does after unwrapping the account's key bundle.
    let from_bundle = VaultKey::from_secret(v.key.secret_bytes());
    let code = RecoveryCode::generate();
    let second = VaultHeader::create_for_key(
        &pass("another device passphrase"),
        KdfParams::DEFAULT,
        &from_bundle,
        &code,
    )
    .unwrap();
    assert_ne!(second.vault_id(), v.header.vault_id());
    let key = second.unlock(&pass("another device passphrase")).unwrap();
    assert_eq!(key.key_id(), v.key.key_id());
    assert_eq!(
        second.unlock_with_recovery(&code).unwrap().key_id(),
        v.key.key_id()
    );
    // The first device's recovery code is not this header's.
    let first_code = RecoveryCode::parse(&v.code).unwrap();
    assert_eq!(
        second.unlock_with_recovery(&first_code).unwrap_err(),
        CryptoError::WrongRecoveryCode
    );
}

#[test]
fn a_new_recovery_code_replaces_the_old_one_and_keeps_the_passphrase() {
    let v = vault();
    let code = RecoveryCode::generate();
    let renewed = v.header.with_recovery(&v.key, &code).unwrap();
    assert_eq!(
        renewed.unlock_with_recovery(&code).unwrap().key_id(),
        v.key.key_id()
    );
    let old = RecoveryCode::parse(&v.code).unwrap();
    assert_eq!(
        renewed.unlock_with_recovery(&old).unwrap_err(),
        CryptoError::WrongRecoveryCode
    );
    assert_eq!(
        renewed.unlock(&pass(PASSPHRASE)).unwrap().key_id(),
        v.key.key_id()
    );
}
