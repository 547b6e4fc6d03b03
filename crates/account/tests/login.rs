//! Sign-up, login and passphrase change between the client and server
//! halves, passing only bytes, as over HTTP.

mod support;

use coffer_account::*;
use support::{PASSPHRASE, login, register, registered};

#[test]
fn sign_up_then_login_over_bytes_gives_both_sides_the_session_key_and_the_bundle() {
    let r = registered();
    let (client, request) = ClientLogin::start(&r.alice, PASSPHRASE).unwrap();
    let (state, response) =
        login_start(&r.setup, Some(&r.password_file), &request, &r.alice).unwrap();
    let (finalization, client_session, export_key) = client.finish(&response, PASSPHRASE).unwrap();
    let server_session = login_finish(state, &finalization).unwrap();

    assert!(client_session == server_session);
    assert_eq!(format!("{client_session:?}"), "SessionKey(..)");
    // The export key from login is the one from sign-up: a second device
    // opens the bundle with the passphrase alone.
    assert!(export_key == r.export_key);
    assert!(unwrap_bundle(&export_key, &r.wrapped, &r.alice).unwrap() == r.bundle);
}

#[test]
fn export_key_is_the_same_on_every_login() {
    let r = registered();
    let export_key = login(&r.setup, Some(&r.password_file), &r.alice, PASSPHRASE).unwrap();
    assert!(export_key == r.export_key);
}

#[test]
fn a_different_passphrase_gives_a_different_export_key() {
    let r = registered();
    let (_, export_key) = register(&r.setup, &r.alice, "another passphrase entirely");
    assert!(export_key != r.export_key);
}

#[test]
fn wrong_passphrase_fails_on_both_sides() {
    let r = registered();
    let (client, request) = ClientLogin::start(&r.alice, "Correct horse battery staple").unwrap();
    let (state, response) =
        login_start(&r.setup, Some(&r.password_file), &request, &r.alice).unwrap();
    assert_eq!(
        client
            .finish(&response, "Correct horse battery staple")
            .unwrap_err(),
        AccountError::WrongPassphrase
    );

    // The client produced nothing to send; whatever an attacker sends
    // instead fails on the server: random bytes...
    let state_bytes = state.as_bytes().to_vec();
    assert_eq!(
        login_finish(state, &[0x5a; 64]).unwrap_err(),
        AccountError::LoginFailed
    );
    // ...or a valid finalization from another login of the same account.
    let (client, request) = ClientLogin::start(&r.alice, PASSPHRASE).unwrap();
    let (_, response) = login_start(&r.setup, Some(&r.password_file), &request, &r.alice).unwrap();
    let (finalization, _, _) = client.finish(&response, PASSPHRASE).unwrap();
    let state = ServerLoginState::from_bytes(&state_bytes).unwrap();
    assert_eq!(
        login_finish(state, &finalization).unwrap_err(),
        AccountError::LoginFailed
    );
}

#[test]
fn login_to_an_unknown_account_looks_like_a_real_one_and_fails() {
    let r = registered();
    let mallory = AccountName::parse("mallory@example.com").unwrap();

    let (_, request) = ClientLogin::start(&r.alice, PASSPHRASE).unwrap();
    let (real_state, real_response) =
        login_start(&r.setup, Some(&r.password_file), &request, &r.alice).unwrap();

    let (client, request) = ClientLogin::start(&mallory, PASSPHRASE).unwrap();
    let (fake_state, fake_response) = login_start(&r.setup, None, &request, &mallory).unwrap();

    assert_eq!(fake_response.len(), real_response.len());
    assert_eq!(fake_state.as_bytes().len(), real_state.as_bytes().len());
    assert_eq!(
        client.finish(&fake_response, PASSPHRASE).unwrap_err(),
        AccountError::WrongPassphrase
    );
    assert_eq!(
        login_finish(fake_state, &[0; 64]).unwrap_err(),
        AccountError::LoginFailed
    );
}

#[test]
fn a_record_served_under_another_account_name_does_not_open() {
    let r = registered();
    // The server (or an attacker in its place) answers bob's login with
    // alice's password file: the account name is bound into the envelope.
    let bob = AccountName::parse("bob@example.com").unwrap();
    assert_eq!(
        login(&r.setup, Some(&r.password_file), &bob, PASSPHRASE).unwrap_err(),
        AccountError::WrongPassphrase
    );
}

#[test]
fn passphrase_change_replaces_the_login_and_keeps_the_bundle() {
    let setup = ServerSetup::generate();
    let carol = AccountName::parse("carol@example.com").unwrap();
    let (old_file, old_export_key) = register(&setup, &carol, "old passphrase");
    let bundle = KeyBundle::generate().unwrap();
    let old_wrapped = wrap_bundle(&old_export_key, &bundle, &carol).unwrap();

    // Logged in with the old passphrase (`old_export_key` is what that login
    // returns), carol registers the new one and rewraps the same bundle.
    let (new_file, new_export_key) = register(&setup, &carol, "new passphrase");
    let new_wrapped = rewrap(&old_export_key, &old_wrapped, &new_export_key, &carol).unwrap();
    assert_ne!(new_file, old_file);
    // The server now stores `new_file` and `new_wrapped` in place of the old.

    assert_eq!(
        login(&setup, Some(&new_file), &carol, "old passphrase").unwrap_err(),
        AccountError::WrongPassphrase
    );
    let export_key = login(&setup, Some(&new_file), &carol, "new passphrase").unwrap();
    assert!(unwrap_bundle(&export_key, &new_wrapped, &carol).unwrap() == bundle);
    assert_eq!(
        unwrap_bundle(&export_key, &old_wrapped, &carol).unwrap_err(),
        AccountError::BundleTampered
    );
    // A rewrap needs the current export key.
    assert_eq!(
        rewrap(&new_export_key, &old_wrapped, &new_export_key, &carol).unwrap_err(),
        AccountError::BundleTampered
    );
}

#[test]
fn restored_server_setup_keeps_existing_accounts_working() {
    let r = registered();
    let bytes = r.setup.to_bytes();
    let restored = ServerSetup::from_bytes(&bytes).unwrap();
    assert_eq!(*restored.to_bytes(), *bytes);
    assert_eq!(format!("{restored:?}"), "ServerSetup(..)");
    let export_key = login(&restored, Some(&r.password_file), &r.alice, PASSPHRASE).unwrap();
    assert!(export_key == r.export_key);

    assert_eq!(
        ServerSetup::from_bytes(&bytes[..bytes.len() - 1]).unwrap_err(),
        AccountError::Malformed("server setup")
    );
}

/// The sizes `FORMAT.md` documents; a change here is a wire-format change.
#[test]
fn message_sizes_match_format_md() {
    let r = registered();
    assert_eq!(r.setup.to_bytes().len(), 128);
    assert_eq!(r.password_file.len(), 192);
    assert_eq!(r.wrapped.len(), 125);

    let (client, request) = ClientRegistration::start(&r.alice, PASSPHRASE).unwrap();
    assert_eq!(request.len(), 32);
    let response = registration_response(&r.setup, &request, &r.alice).unwrap();
    assert_eq!(response.len(), 64);
    drop(client);

    let (client, request) = ClientLogin::start(&r.alice, PASSPHRASE).unwrap();
    assert_eq!(request.len(), 96);
    let (state, response) =
        login_start(&r.setup, Some(&r.password_file), &request, &r.alice).unwrap();
    assert_eq!(response.len(), 320);
    assert_eq!(state.as_bytes().len(), 128);
    let (finalization, _, _) = client.finish(&response, PASSPHRASE).unwrap();
    assert_eq!(finalization.len(), 64);
    assert!(login_finish(state, &finalization).is_ok());
}
