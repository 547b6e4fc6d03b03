//! Client and server halves driven over bytes, as over HTTP. Each login or
//! registration runs Argon2id at 64 MiB once on the client, so each test
//! binary shares one registration and the tests keep their own logins few.

#![allow(dead_code)] // each test binary uses a different subset

use std::sync::OnceLock;

use coffer_account::*;

pub const PASSPHRASE: &str = "correct horse battery staple";

pub struct Registered {
    pub setup: ServerSetup,
    pub alice: AccountName,
    pub password_file: Vec<u8>,
    pub export_key: ExportKey,
    pub bundle: KeyBundle,
    pub wrapped: Vec<u8>,
}

/// One sign-up of alice, shared by the tests that only log in.
pub fn registered() -> &'static Registered {
    static REGISTERED: OnceLock<Registered> = OnceLock::new();
    REGISTERED.get_or_init(|| {
        let setup = ServerSetup::generate();
        let alice = AccountName::parse("Alice@Example.com").unwrap();
        let (password_file, export_key) = register(&setup, &alice, PASSPHRASE);
        let bundle = KeyBundle::generate().unwrap();
        let wrapped = wrap_bundle(&export_key, &bundle, &alice).unwrap();
        Registered {
            setup,
            alice,
            password_file,
            export_key,
            bundle,
            wrapped,
        }
    })
}

/// Client and server sign-up; returns the server's password file and the
/// client's export key.
pub fn register(
    setup: &ServerSetup,
    account: &AccountName,
    passphrase: &str,
) -> (Vec<u8>, ExportKey) {
    let (client, request) = ClientRegistration::start(account, passphrase).unwrap();
    let response = registration_response(setup, &request, account).unwrap();
    let (upload, export_key) = client.finish(&response, passphrase).unwrap();
    (registration_finish(&upload).unwrap(), export_key)
}

/// Client and server login; the client's error if it fails.
pub fn login(
    setup: &ServerSetup,
    password_file: Option<&[u8]>,
    account: &AccountName,
    passphrase: &str,
) -> Result<ExportKey, AccountError> {
    let (client, request) = ClientLogin::start(account, passphrase)?;
    let (state, response) = login_start(setup, password_file, &request, account).unwrap();
    let (finalization, client_session, export_key) = client.finish(&response, passphrase)?;
    let server_session = login_finish(state, &finalization).unwrap();
    assert!(client_session == server_session);
    Ok(export_key)
}
