//! Known-answer vectors for the envelope and the vault header, each checked
//! twice: byte for byte against a pinned hex string (so the format cannot
//! drift silently), and by decrypting it with raw `aes-gcm`, `hkdf` and
//! `argon2` following only FORMAT.md (so the documentation is true).

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use argon2::{Algorithm, Argon2, Params, Version};
use coffer_crypto::hazmat::{self, HeaderInputs};
use coffer_crypto::{EnvelopeMeta, KdfParams, Passphrase, RecoveryCode, VaultHeader, open};
use hkdf::Hkdf;
use sha2::Sha256;
use uuid::Uuid;

fn seq<const N: usize>(start: u8) -> [u8; N] {
    core::array::from_fn(|i| start.wrapping_add(i as u8))
}

const KEY: [u8; 32] = [
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
];
const RECORD_ID: Uuid = Uuid::from_u128(0x6f1c_2e0a_9b3d_4c5e_8f7a_1b2c_3d4e_5f60);
const PLAINTEXT: &str = "{\"name\":\"李小龙\",\"note\":\"👋 call back Tuesday\"}";

/// Key 00..1f, nonce a0..ab, meta ("contact", RECORD_ID, 42), PLAINTEXT.
const ENVELOPE_HEX: &str = concat!(
    "0107636f6e746163746f1c2e0a9b3d4c5e8f7a1b2c3d4e5f6000000000000000",
    "2ae75861c9e63e6ad1a0a1a2a3a4a5a6a7a8a9aaabd83c8443ccf5e19233d3e8",
    "093e4a06a911ec0a8c8142fba2f7a70bdbfa52d326b869398169b46d28da5fe7",
    "40b308dcd5b51aa69d297d0a69f7ae66eb90712f694a6aedf68da064110fb637",
    "d24d5d19379d19737f3bbce20bc7a4fb9cbc85be609c96afea6f126586d0b314",
    "a3aa65b20a2d8be9dda983006263edd06b413f508c28f22e1bf46dc52252f160",
    "df9f1d58a4bde4df30f36bb5272ed6882aa97ee0fd75af9cee21b2a0e8604833",
    "f5c589f1a6a172279367d1d00a2c41b6b877f3bb3b7879ec06488d2878596a92",
    "3b899bb93953a4ed1a7090f6ff6a18d66cbc61377ae46b33ff81c6061c68b6fb",
    "639796fd504eed2864026a1081474b354586139616e7246dd477a118029257f2",
    "699a358de1e74be4f30d035400234119d331136a5ac1f523fb46729bb6a527b1",
    "339fbcea717893c0af73c50da182dafb3835a069be22e971745f7066e38759d1",
    "9dc9ba7e2652ab0844745f59ff37977830dc03d93344188cc2a3d7954acf300d",
    "75bf24e0687d17a5900b8ab12f34447d77018e23e28724b626b87cc8d23f8a09",
    "abb9be66542f9c6349f35961a80f4ef8d81420f4a8e9d8ed5c65aab8c2aa315f",
    "398d31817e9ca94369ab4403cab716e89fd115452a6117a945a2904770be9d28",
    "2e732fcabd209d0a92e0aff22629d5ea5c47d8926a2d093eefb9c4db7c37c6ee",
    "fd1e64d50e2ed31343cd14f3d7ffd9648ffa34a7ae5675620bd567a138f76c67",
    "18bc611aaa",
);
/// `header_inputs()`, passphrase HEADER_PASSPHRASE, KdfParams::FLOOR.
const HEADER_HEX: &str = concat!(
    "434656480101000100000000000300000001101112131415161718191a1b1c1d",
    "1e1f202122232425262728292a2b2c2d2e2f707172737475767778797a7b72f8",
    "718e03e820a998461396c881eae1d2fc04e560aa47ea6caf5995d150f3a5349f",
    "6ec804886ae894d460a7e153c8a8808182838485868788898a8b785886d154f9",
    "e57949bdd60fc20537c857397bb96608a2cca9be31a85fd9d48191233b4b79fb",
    "4cfc9a2d03eddb48e770",
);
const RECOVERY_DISPLAY: &str = "C1GP-4RV4-CNK6-ET39-D9NP-RVBE-DW1";

fn vector_meta() -> EnvelopeMeta {
    EnvelopeMeta {
        namespace: "contact".into(),
        record_id: RECORD_ID,
        revision: 42,
    }
}

#[test]
fn envelope_vector_is_reproduced_exactly() {
    let key = hazmat::vault_key_from_bytes(KEY);
    let envelope =
        hazmat::seal_with_nonce(&key, &vector_meta(), PLAINTEXT.as_bytes(), seq(0xa0)).unwrap();
    assert_eq!(hex::encode(envelope.as_bytes()), ENVELOPE_HEX);
    let (plain, revision) = open(&key, &envelope, "contact", RECORD_ID).unwrap();
    assert_eq!(plain.as_bytes(), PLAINTEXT.as_bytes());
    assert_eq!(revision, 42);
}

#[test]
fn envelope_vector_decrypts_with_raw_primitives_per_format_md() {
    let bytes = hex::decode(ENVELOPE_HEX).unwrap();
    // Header: version, namespace length, namespace, id, revision, key id.
    assert_eq!(bytes[0], 1);
    let n = usize::from(bytes[1]);
    assert_eq!(&bytes[2..2 + n], b"contact");
    let id_at = 2 + n;
    assert_eq!(&bytes[id_at..id_at + 16], RECORD_ID.as_bytes());
    assert_eq!(&bytes[id_at + 16..id_at + 24], &42u64.to_be_bytes());
    let ad_len = id_at + 32;
    let ad = &bytes[..ad_len];

    let prk = Hkdf::<Sha256>::new(Some(b"coffer/v1/vault-key"), &KEY);
    let mut key_id = [0u8; 8];
    prk.expand(b"coffer/v1/key-id", &mut key_id).unwrap();
    assert_eq!(&bytes[id_at + 24..ad_len], &key_id);

    let info = [&b"coffer/v1/envelope"[..], ad].concat();
    let mut aes_key = [0u8; 32];
    prk.expand(&info, &mut aes_key).unwrap();

    let nonce = &bytes[ad_len..ad_len + 12];
    assert_eq!(nonce, &seq::<12>(0xa0));
    let padded = Aes256Gcm::new(&aes_key.into())
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: &bytes[ad_len + 12..],
                aad: ad,
            },
        )
        .unwrap();

    // ISO/IEC 7816-4 padding to max(512, padme(len + 1)).
    let len = PLAINTEXT.len();
    assert!(len < 512, "the vector is a small record");
    assert_eq!(padded.len(), 512);
    assert_eq!(&padded[..len], PLAINTEXT.as_bytes());
    assert_eq!(padded[len], 0x80);
    assert!(padded[len + 1..].iter().all(|&b| b == 0));
}

const HEADER_PASSPHRASE: &str = "correct horse battery staple";

fn header_inputs() -> HeaderInputs {
    HeaderInputs {
        salt: seq(0x10),
        vault_id: seq(0x20),
        key: KEY,
        recovery: seq(0x60),
        passphrase_nonce: seq(0x70),
        recovery_nonce: seq(0x80),
    }
}

#[test]
fn header_vector_is_reproduced_exactly_and_unlocks() {
    let pass = Passphrase::new(HEADER_PASSPHRASE.into());
    let (header, key, code) =
        hazmat::create_header_with(&pass, KdfParams::FLOOR, header_inputs()).unwrap();
    assert_eq!(hex::encode(header.to_bytes()), HEADER_HEX);
    assert_eq!(*code.to_display(), RECOVERY_DISPLAY);
    assert_eq!(key.key_id(), hazmat::vault_key_from_bytes(KEY).key_id());

    let parsed = VaultHeader::from_bytes(&hex::decode(HEADER_HEX).unwrap()).unwrap();
    let code = RecoveryCode::parse(RECOVERY_DISPLAY).unwrap();
    assert_eq!(
        parsed.unlock_with_recovery(&code).unwrap().key_id(),
        key.key_id()
    );
}

#[test]
fn header_vector_decrypts_with_raw_primitives_per_format_md() {
    let bytes = hex::decode(HEADER_HEX).unwrap();
    assert_eq!(bytes.len(), 170);
    assert_eq!(&bytes[0..4], b"CFVH");
    assert_eq!(bytes[4], 1);
    assert_eq!(bytes[5], 1);
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    let (m, t, p) = (be(6), be(10), be(14));
    assert_eq!((m, t, p), (65_536, 3, 1));
    let salt = &bytes[18..34];
    let vault_id = &bytes[34..50];
    assert_eq!(salt, &seq::<16>(0x10));
    assert_eq!(vault_id, &seq::<16>(0x20));

    // Passphrase wrap: Argon2id v0x13 → AES-256-GCM, AD = bytes[0..50] ‖ label.
    let mut wrap_key = [0u8; 32];
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(m, t, p, Some(32)).unwrap(),
    )
    .hash_password_into(HEADER_PASSPHRASE.as_bytes(), salt, &mut wrap_key)
    .unwrap();
    let aad = [&bytes[..50], b"coffer/v1/wrap/passphrase"].concat();
    let key = Aes256Gcm::new(&wrap_key.into())
        .decrypt(
            Nonce::from_slice(&bytes[50..62]),
            Payload {
                msg: &bytes[62..110],
                aad: &aad,
            },
        )
        .unwrap();
    assert_eq!(key, KEY);

    // Recovery wrap: HKDF(salt = vault id, IKM = code, info = label) →
    // AES-256-GCM, AD = magic ‖ version ‖ vault id ‖ label.
    let mut wrap_key = [0u8; 32];
    Hkdf::<Sha256>::new(Some(vault_id), &seq::<16>(0x60))
        .expand(b"coffer/v1/wrap/recovery", &mut wrap_key)
        .unwrap();
    let aad = [&bytes[..5], vault_id, b"coffer/v1/wrap/recovery"].concat();
    let key = Aes256Gcm::new(&wrap_key.into())
        .decrypt(
            Nonce::from_slice(&bytes[110..122]),
            Payload {
                msg: &bytes[122..170],
                aad: &aad,
            },
        )
        .unwrap();
    assert_eq!(key, KEY);
}

#[test]
fn recovery_display_vector_encodes_the_bytes_in_crockford_base32() {
    // 0x60..0x6f, 5 bits at a time, most significant first, in the alphabet
    // 0123456789ABCDEFGHJKMNPQRSTVWXYZ; then the GF(32) check character.
    let code = hazmat::recovery_code_from_bytes(seq(0x60));
    let shown = code.to_display();
    let data: String = shown.chars().filter(|&c| c != '-').take(26).collect();
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut expected = String::new();
    let alphabet = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    for byte in seq::<16>(0x60) {
        bits = (bits << 8) | u32::from(byte);
        nbits += 8;
        while nbits >= 5 {
            nbits -= 5;
            expected.push(char::from(alphabet[((bits >> nbits) & 31) as usize]));
        }
    }
    expected.push(char::from(alphabet[((bits << (5 - nbits)) & 31) as usize]));
    assert_eq!(data, expected);
    assert_eq!(*shown, RECOVERY_DISPLAY);
}
