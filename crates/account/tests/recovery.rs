//! The recovery-code credential between the client and server halves, over
//! bytes: set it, log in with it, open its bundle, and check that it never
//! stands in for the passphrase credential or the reverse.

mod support;

use coffer_account::*;
use support::{PASSPHRASE, registered};

const CODE: &str = "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345";

struct Recovery {
    password_file: Vec<u8>,
    wrapped: Vec<u8>,
}

fn set_recovery(r: &support::Registered) -> Recovery {
    let (client, request) = RecoveryRegistration::start(&r.alice, CODE).unwrap();
    let response = recovery_registration_response(&r.setup, &request, &r.alice).unwrap();
    let (upload, export_key) = client.finish(&response, CODE).unwrap();
    let wrapped = wrap_recovery_bundle(&export_key, &r.bundle, &r.alice).unwrap();
    Recovery {
        password_file: registration_finish(&upload).unwrap(),
        wrapped,
    }
}

#[test]
fn recovery_login_opens_the_same_bundle_and_only_with_the_right_code() {
    let r = registered();
    let recovery = set_recovery(r);

    let (client, request) = RecoveryLogin::start(&r.alice, CODE).unwrap();
    let (state, response) =
        recovery_login_start(&r.setup, Some(&recovery.password_file), &request, &r.alice).unwrap();
    let (finalization, client_session, export_key) = client.finish(&response, CODE).unwrap();
    let server_session = login_finish(state, &finalization).unwrap();
    assert!(client_session == server_session);
    let bundle = unwrap_recovery_bundle(&export_key, &recovery.wrapped, &r.alice).unwrap();
    assert!(bundle == r.bundle);
    // The passphrase-wrapped copy does not open with the recovery key.
    assert_eq!(
        unwrap_recovery_bundle(&export_key, &r.wrapped, &r.alice).unwrap_err(),
        AccountError::BundleTampered
    );

    // A wrong code fails like a wrong passphrase.
    let (client, request) =
        RecoveryLogin::start(&r.alice, "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2346").unwrap();
    let (_, response) =
        recovery_login_start(&r.setup, Some(&recovery.password_file), &request, &r.alice).unwrap();
    assert_eq!(
        client
            .finish(&response, "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2346")
            .unwrap_err(),
        AccountError::WrongPassphrase
    );
}

#[test]
fn the_credentials_do_not_stand_in_for_each_other() {
    let r = registered();
    let recovery = set_recovery(r);

    // The passphrase against the recovery record, through a passphrase login.
    let (client, request) = ClientLogin::start(&r.alice, PASSPHRASE).unwrap();
    let (_, response) =
        login_start(&r.setup, Some(&recovery.password_file), &request, &r.alice).unwrap();
    assert_eq!(
        client.finish(&response, PASSPHRASE).unwrap_err(),
        AccountError::WrongPassphrase
    );

    // A recovery login served from the passphrase record (same "password"
    // on both sides) still fails: other credential identifier and context.
    let (client, request) = RecoveryLogin::start(&r.alice, PASSPHRASE).unwrap();
    let (_, response) =
        recovery_login_start(&r.setup, Some(&r.password_file), &request, &r.alice).unwrap();
    assert_eq!(
        client.finish(&response, PASSPHRASE).unwrap_err(),
        AccountError::WrongPassphrase
    );

    // No recovery credential: a response of the same size that fails.
    let (client, request) = RecoveryLogin::start(&r.alice, CODE).unwrap();
    let (_, response) = recovery_login_start(&r.setup, None, &request, &r.alice).unwrap();
    assert_eq!(response.len(), 320);
    assert_eq!(
        client.finish(&response, CODE).unwrap_err(),
        AccountError::WrongPassphrase
    );
}
