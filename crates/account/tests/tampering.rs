//! Malformed, tampered and reflected messages: each is refused with an error
//! that says which message was wrong, never with a successful login.

mod support;

use coffer_account::*;
use support::{PASSPHRASE, registered};

#[test]
fn malformed_sign_up_messages_are_rejected() {
    let r = registered();
    let (client, request) = ClientRegistration::start(&r.alice, PASSPHRASE).unwrap();
    assert_eq!(
        registration_response(&r.setup, &request[1..], &r.alice).unwrap_err(),
        AccountError::Malformed("registration request")
    );
    let response = registration_response(&r.setup, &request, &r.alice).unwrap();
    // Deserialisation fails before any Argon2id run.
    assert_eq!(
        client
            .finish(&response[..response.len() - 1], PASSPHRASE)
            .unwrap_err(),
        AccountError::Malformed("registration response")
    );
    assert_eq!(
        registration_finish(&[0; 10]).unwrap_err(),
        AccountError::Malformed("registration upload")
    );
    assert_eq!(
        registration_finish(&r.password_file[1..]).unwrap_err(),
        AccountError::Malformed("registration upload")
    );
}

#[test]
fn a_server_reflecting_the_blinded_passphrase_is_refused() {
    let r = registered();
    let (client, request) = ClientRegistration::start(&r.alice, PASSPHRASE).unwrap();
    let mut response = registration_response(&r.setup, &request, &r.alice).unwrap();
    response[..32].copy_from_slice(&request[..32]);
    assert_eq!(
        client.finish(&response, PASSPHRASE).unwrap_err(),
        AccountError::ServerMisbehaved
    );

    let (client, request) = ClientLogin::start(&r.alice, PASSPHRASE).unwrap();
    let (_, mut response) =
        login_start(&r.setup, Some(&r.password_file), &request, &r.alice).unwrap();
    response[..32].copy_from_slice(&request[..32]);
    assert_eq!(
        client.finish(&response, PASSPHRASE).unwrap_err(),
        AccountError::ServerMisbehaved
    );
}

#[test]
fn malformed_login_messages_and_records_are_rejected() {
    let r = registered();
    let (_, request) = ClientLogin::start(&r.alice, PASSPHRASE).unwrap();
    assert_eq!(
        login_start(
            &r.setup,
            Some(&r.password_file),
            &request[..request.len() - 1],
            &r.alice
        )
        .unwrap_err(),
        AccountError::Malformed("credential request")
    );
    // 0xff.. is not a canonical ristretto255 encoding.
    let mut bad_point = request.clone();
    bad_point[..32].fill(0xff);
    assert_eq!(
        login_start(&r.setup, Some(&r.password_file), &bad_point, &r.alice).unwrap_err(),
        AccountError::Malformed("credential request")
    );
    assert_eq!(
        login_start(&r.setup, Some(&r.password_file[1..]), &request, &r.alice).unwrap_err(),
        AccountError::Malformed("password file")
    );
    let (state, _) = login_start(&r.setup, Some(&r.password_file), &request, &r.alice).unwrap();
    assert_eq!(
        ServerLoginState::from_bytes(&state.as_bytes()[1..]).unwrap_err(),
        AccountError::Malformed("server login state")
    );
    assert_eq!(format!("{state:?}"), "ServerLoginState(..)");
    assert_eq!(
        login_finish(state, &[0; 63]).unwrap_err(),
        AccountError::Malformed("credential finalization")
    );

    let (client, request) = ClientLogin::start(&r.alice, PASSPHRASE).unwrap();
    let (_, response) = login_start(&r.setup, Some(&r.password_file), &request, &r.alice).unwrap();
    assert_eq!(
        client.finish(&response[1..], PASSPHRASE).unwrap_err(),
        AccountError::Malformed("credential response")
    );
}

/// Credential response layout: evaluated element (32) || masking nonce (32)
/// || masked response (32 + 96) || server nonce (32) || server key share (32)
/// || server MAC (64).
#[test]
fn tampered_credential_response_or_finalization_fails_the_login() {
    let r = registered();
    for position in [64 + 40, 320 - 1] {
        let (client, request) = ClientLogin::start(&r.alice, PASSPHRASE).unwrap();
        let (_, mut response) =
            login_start(&r.setup, Some(&r.password_file), &request, &r.alice).unwrap();
        assert_eq!(response.len(), 320);
        response[position] ^= 0x01;
        assert_eq!(
            client.finish(&response, PASSPHRASE).unwrap_err(),
            AccountError::WrongPassphrase,
            "byte {position}"
        );
    }

    let (client, request) = ClientLogin::start(&r.alice, PASSPHRASE).unwrap();
    let (state, response) =
        login_start(&r.setup, Some(&r.password_file), &request, &r.alice).unwrap();
    let (mut finalization, _, _) = client.finish(&response, PASSPHRASE).unwrap();
    finalization[17] ^= 0x80;
    assert_eq!(
        login_finish(state, &finalization).unwrap_err(),
        AccountError::LoginFailed
    );
}

#[test]
fn trailing_bytes_are_refused_everywhere() {
    let r = registered();
    let longer = |bytes: &[u8]| [bytes, &[0]].concat();

    assert_eq!(
        ServerSetup::from_bytes(&longer(&r.setup.to_bytes())).unwrap_err(),
        AccountError::Malformed("server setup")
    );
    assert_eq!(
        registration_finish(&longer(&r.password_file)).unwrap_err(),
        AccountError::Malformed("registration upload")
    );

    let (client, request) = ClientRegistration::start(&r.alice, PASSPHRASE).unwrap();
    assert_eq!(
        registration_response(&r.setup, &longer(&request), &r.alice).unwrap_err(),
        AccountError::Malformed("registration request")
    );
    let response = registration_response(&r.setup, &request, &r.alice).unwrap();
    assert_eq!(
        client.finish(&longer(&response), PASSPHRASE).unwrap_err(),
        AccountError::Malformed("registration response")
    );

    let (client, request) = ClientLogin::start(&r.alice, PASSPHRASE).unwrap();
    assert_eq!(
        login_start(
            &r.setup,
            Some(&r.password_file),
            &longer(&request),
            &r.alice
        )
        .unwrap_err(),
        AccountError::Malformed("credential request")
    );
    assert_eq!(
        login_start(
            &r.setup,
            Some(&longer(&r.password_file)),
            &request,
            &r.alice
        )
        .unwrap_err(),
        AccountError::Malformed("password file")
    );
    let (state, response) =
        login_start(&r.setup, Some(&r.password_file), &request, &r.alice).unwrap();
    assert_eq!(
        ServerLoginState::from_bytes(&longer(state.as_bytes())).unwrap_err(),
        AccountError::Malformed("server login state")
    );
    assert_eq!(
        client.finish(&longer(&response), PASSPHRASE).unwrap_err(),
        AccountError::Malformed("credential response")
    );
    assert_eq!(
        login_finish(state, &[0; 65]).unwrap_err(),
        AccountError::Malformed("credential finalization")
    );
}
