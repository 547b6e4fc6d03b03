//! The key bundle wrapped under a real OPAQUE export key.

use coffer_account::*;

fn export_key(account: &AccountName, passphrase: &str) -> ExportKey {
    let setup = ServerSetup::generate();
    let (client, request) = ClientRegistration::start(account, passphrase).unwrap();
    let response = registration_response(&setup, &request, account).unwrap();
    client.finish(&response, passphrase).unwrap().1
}

#[test]
fn bundle_round_trips_and_refuses_any_change_or_another_account() {
    let alice = AccountName::parse("alice@example.com").unwrap();
    let key = export_key(&alice, "correct horse battery staple");
    let bundle = KeyBundle::generate().unwrap();
    let wrapped = wrap_bundle(&key, &bundle, &alice).unwrap();
    assert_eq!(wrapped.len(), WRAPPED_LEN);
    assert_eq!(wrapped[0], BUNDLE_VERSION);
    assert!(unwrap_bundle(&key, &wrapped, &alice).unwrap() == bundle);

    // A fresh nonce each time.
    assert_ne!(wrap_bundle(&key, &bundle, &alice).unwrap(), wrapped);

    for bit in 0..wrapped.len() * 8 {
        let mut flipped = wrapped.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        let expected = if bit < 8 {
            AccountError::UnsupportedVersion(flipped[0])
        } else {
            AccountError::BundleTampered
        };
        assert_eq!(
            unwrap_bundle(&key, &flipped, &alice).unwrap_err(),
            expected,
            "bit {bit}"
        );
    }

    let bob = AccountName::parse("bob@example.com").unwrap();
    assert_eq!(
        unwrap_bundle(&key, &wrapped, &bob).unwrap_err(),
        AccountError::BundleTampered
    );
    // Names differing only in case are the same account.
    let shouting = AccountName::parse("ALICE@EXAMPLE.COM").unwrap();
    assert!(unwrap_bundle(&key, &wrapped, &shouting).unwrap() == bundle);
}

#[test]
fn bundle_does_not_open_under_another_export_key() {
    let alice = AccountName::parse("alice@example.com").unwrap();
    let bundle = KeyBundle::generate().unwrap();
    let wrapped = wrap_bundle(&export_key(&alice, "one"), &bundle, &alice).unwrap();
    assert_eq!(
        unwrap_bundle(&export_key(&alice, "two"), &wrapped, &alice).unwrap_err(),
        AccountError::BundleTampered
    );
}
