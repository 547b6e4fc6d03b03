//! OPAQUE sign-up and login run in the browser (wasm32 in Chromium): both
//! halves of the protocol, Argon2id at 64 MiB included, with the key bundle
//! wrapped on "one device" and opened on "another" with the passphrase alone.

use coffer_account::{
    AccountError, AccountName, ClientLogin, ClientRegistration, KeyBundle, ServerSetup,
    login_finish, login_start, registration_finish, registration_response, unwrap_bundle,
    wrap_bundle,
};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const PASSPHRASE: &str = "violet canyon drums under 42 teacups";

#[wasm_bindgen_test]
fn sign_up_and_login_in_the_browser_open_the_same_bundle() {
    let setup = ServerSetup::generate();
    let account = AccountName::parse("ada@example.com").expect("valid name");

    // Device 1: sign up and wrap a fresh key bundle under the export key.
    let (client, request) = ClientRegistration::start(&account, PASSPHRASE).expect("start");
    let response = registration_response(&setup, &request, &account).expect("server response");
    let (upload, export_key) = client.finish(&response, PASSPHRASE).expect("finish");
    let password_file = registration_finish(&upload).expect("password file");
    let bundle = KeyBundle::generate().expect("bundle");
    let wrapped = wrap_bundle(&export_key, &bundle, &account).expect("wrap");

    // Device 2: log in with the passphrase alone and open the bundle.
    let (client, request) = ClientLogin::start(&account, PASSPHRASE).expect("login start");
    let (state, response) =
        login_start(&setup, Some(&password_file), &request, &account).expect("server login start");
    let (finalization, client_session, export_key) =
        client.finish(&response, PASSPHRASE).expect("login finish");
    let server_session = login_finish(state, &finalization).expect("server accepts");
    assert!(client_session == server_session);
    assert!(unwrap_bundle(&export_key, &wrapped, &account).expect("unwrap") == bundle);
}

#[wasm_bindgen_test]
fn a_wrong_passphrase_is_refused_in_the_browser() {
    let setup = ServerSetup::generate();
    let account = AccountName::parse("zhang.wei@example.cn").expect("valid name");
    let (client, request) = ClientRegistration::start(&account, PASSPHRASE).expect("start");
    let response = registration_response(&setup, &request, &account).expect("response");
    let (upload, _) = client.finish(&response, PASSPHRASE).expect("finish");
    let password_file = registration_finish(&upload).expect("password file");

    let (client, request) =
        ClientLogin::start(&account, "not the passphrase at all").expect("start");
    let (_, response) =
        login_start(&setup, Some(&password_file), &request, &account).expect("server");
    assert_eq!(
        client
            .finish(&response, "not the passphrase at all")
            .unwrap_err(),
        AccountError::WrongPassphrase
    );
}
