//! Account flows: create an account for this vault, sign in on a new device,
//! sign out, and carry a passphrase change to the server. The account's
//! user key *is* the vault key, so every device of an account opens the
//! same envelopes; the server keeps it only wrapped under the OPAQUE export
//! key, which only the passphrase yields.

use coffer_account::{AccountError, AccountName, KeyBundle};
use coffer_core::i18n::{Msg, fill};
use coffer_core::record::ACCOUNT_NAMESPACE;
use coffer_core::settings::Locale;
use coffer_crypto::{KdfParams, Passphrase, RecoveryCode, VaultHeader, VaultKey};
use zeroize::Zeroizing;

use crate::api::{self, ApiError};
use crate::audit;
use crate::pages::unlock::error_text;
use crate::state::{AppState, Session};
use crate::sync::AccountLink;
use crate::vault::{self, Credential, VaultError};
use coffer_core::privacy::audit::AuditAction;
use leptos::prelude::*;

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("invalid account name")]
    Name,
}

impl From<AccountError> for FlowError {
    fn from(e: AccountError) -> Self {
        FlowError::Api(ApiError::Account(e))
    }
}

/// A message for the user, in `locale`.
/// Whether the server asks for (or refused) the authenticator code, so the
/// form should show its field.
pub fn needs_totp(error: &FlowError) -> bool {
    matches!(error, FlowError::Api(e) if matches!(e.code(), Some("totp_required" | "totp_invalid")))
}

pub fn flow_error_text(error: &FlowError, locale: Locale) -> String {
    let seconds = |s: &Option<u32>| s.unwrap_or(1).to_string();
    let msg = match error {
        FlowError::Vault(e) => return error_text(e, locale),
        FlowError::Name => Msg::InvalidAccountName,
        FlowError::Api(e) => match e {
            ApiError::Unreachable(_) => Msg::ServerUnreachable,
            ApiError::Malformed(_) => Msg::ServerMalformed,
            ApiError::Account(AccountError::WrongPassphrase) => Msg::LoginFailed,
            ApiError::Account(AccountError::BundleTampered) => Msg::BundleTampered,
            ApiError::Account(_) => Msg::ServerMalformed,
            ApiError::Refused {
                code, retry_after, ..
            } => match code.as_str() {
                "account_exists" => Msg::AccountExists,
                "totp_required" => Msg::TotpRequired,
                "totp_invalid" => Msg::TotpInvalid,
                "totp_enabled" => Msg::TotpAlreadyOn,
                "ip_not_allowed" => Msg::IpNotAllowed,
                "login_failed" => Msg::LoginFailed,
                "invalid_account_name" => Msg::InvalidAccountName,
                "account_locked" => {
                    return fill(
                        Msg::AccountLocked.in_locale(locale),
                        &[("seconds", &seconds(retry_after))],
                    );
                }
                "rate_limited" => {
                    return fill(
                        Msg::RateLimited.in_locale(locale),
                        &[("seconds", &seconds(retry_after))],
                    );
                }
                other => {
                    return fill(Msg::ServerRefused.in_locale(locale), &[("code", other)]);
                }
            },
        },
    };
    msg.in_locale(locale).to_string()
}

fn parse_name(name: &str) -> Result<AccountName, FlowError> {
    AccountName::parse(name).map_err(|_| FlowError::Name)
}

fn link_for(account: &AccountName, session: api::SessionToken, bundle: &KeyBundle) -> AccountLink {
    AccountLink {
        account: account.as_str().to_owned(),
        session,
        x25519_secret: bundle.x25519_secret,
        ed25519_seed: bundle.ed25519_seed,
    }
}

/// Creates an account for the unlocked vault and starts syncing it. The
/// passphrase must be the vault's (checked here first), so one passphrase
/// opens the vault on this device and the account everywhere. Returns the
/// account's new recovery code (show it once): it replaces this vault's
/// old one, and also signs in on a new device when the passphrase is lost.
pub async fn create_account(
    state: AppState,
    name: &str,
    passphrase: &Passphrase,
) -> Result<Option<RecoveryCode>, FlowError> {
    let account = parse_name(name)?;
    let (Some(db), Some(key), Some(sync)) = (state.db(), state.key(), state.sync()) else {
        return Ok(None);
    };
    // Proves the passphrase (and counts a wrong one like at the lock screen).
    vault::unlock(&db, Credential::Passphrase(passphrase)).await?;
    let mut bundle = KeyBundle::generate()?;
    bundle.user_key = *key.secret_bytes();
    api::sign_up(&account, passphrase.as_str(), &bundle).await?;
    let (session, _) = api::log_in(&account, passphrase.as_str(), None).await?;
    let code = RecoveryCode::try_generate().map_err(VaultError::from)?;
    api::set_recovery_code(&session.token, &account, &code.to_display(), &bundle).await?;
    let header = vault::header(&db).await?;
    let renewed = header
        .with_recovery(&key, &code)
        .map_err(VaultError::from)?;
    db.put_header(&renewed.to_bytes())
        .await
        .map_err(VaultError::from)?;
    let link = link_for(&account, session, &bundle);
    sync.save_link(&link).await?;
    sync.connect(link);
    audit::record(state, AuditAction::Login, "session", None, "sign_up");
    Ok(Some(code))
}

/// A new device when the passphrase is lost: the recovery code signs in,
/// its copy of the key bundle gives the vault key, and `new_passphrase`
/// becomes the account's passphrase and this device's.
pub async fn recover_new_device(
    state: AppState,
    name: &str,
    code_text: &str,
    new_passphrase: &Passphrase,
    totp: Option<&str>,
) -> Result<(), FlowError> {
    let account = parse_name(name)?;
    let code = RecoveryCode::parse(code_text).map_err(VaultError::from)?;
    let Some(db) = state.db() else {
        return Err(FlowError::Vault(VaultError::NoVault));
    };
    if vault::has_vault(&db).await? {
        return Err(FlowError::Vault(VaultError::VaultExists));
    }
    let (session, bundle) = api::log_in_with_recovery(&account, &code.to_display(), totp).await?;
    api::change_passphrase(&session.token, &account, new_passphrase.as_str(), &bundle).await?;
    let key = VaultKey::from_secret(Zeroizing::new(bundle.user_key));
    let header = VaultHeader::create_for_key(new_passphrase, KdfParams::DEFAULT, &key, &code)
        .map_err(VaultError::from)?;
    let link = link_for(&account, session, &bundle);
    vault::save_private(&db, &key, ACCOUNT_NAMESPACE, &link).await?;
    db.put_header(&header.to_bytes())
        .await
        .map_err(VaultError::from)?;
    state.session.set_value(Some(Session::new(key)));
    audit::record(state, AuditAction::Login, "session", None, "recovery_code");
    Ok(())
}

/// Signs in on a device without a vault: the key bundle from the server
/// gives the vault key, which is wrapped here under the passphrase so this
/// device unlocks offline from now on. Returns this device's recovery code.
pub async fn sign_in_new_device(
    state: AppState,
    name: &str,
    passphrase: &Passphrase,
    totp: Option<&str>,
) -> Result<RecoveryCode, FlowError> {
    let account = parse_name(name)?;
    let Some(db) = state.db() else {
        return Err(FlowError::Vault(VaultError::NoVault));
    };
    if vault::has_vault(&db).await? {
        return Err(FlowError::Vault(VaultError::VaultExists));
    }
    let (session, bundle) = api::log_in(&account, passphrase.as_str(), totp).await?;
    let key = VaultKey::from_secret(Zeroizing::new(bundle.user_key));
    // The account's recovery code is not known here: this device gets its
    // own, shown once like when a vault is created.
    let code = RecoveryCode::try_generate().map_err(VaultError::from)?;
    let header = VaultHeader::create_for_key(passphrase, KdfParams::DEFAULT, &key, &code)
        .map_err(VaultError::from)?;
    let link = link_for(&account, session, &bundle);
    vault::save_private(&db, &key, ACCOUNT_NAMESPACE, &link).await?;
    db.put_header(&header.to_bytes())
        .await
        .map_err(VaultError::from)?;
    state.session.set_value(Some(Session::new(key)));
    audit::record(
        state,
        AuditAction::Login,
        "session",
        None,
        "sign_in_new_device",
    );
    Ok(code)
}

/// Signs in again on a device whose session ended (vault unlocked).
pub async fn sign_in_again(
    state: AppState,
    name: &str,
    passphrase: &Passphrase,
    totp: Option<&str>,
) -> Result<(), FlowError> {
    let account = parse_name(name)?;
    let (Some(key), Some(sync)) = (state.key(), state.sync()) else {
        return Ok(());
    };
    let (session, bundle) = api::log_in(&account, passphrase.as_str(), totp).await?;
    if bundle.user_key != *key.secret_bytes() {
        // Another account's data must never be merged into this vault.
        return Err(FlowError::Api(ApiError::Account(
            AccountError::BundleTampered,
        )));
    }
    let link = link_for(&account, session, &bundle);
    sync.save_link(&link).await?;
    sync.connect(link);
    audit::record(state, AuditAction::Login, "session", None, "sign_in");
    Ok(())
}

/// Ends this device's session on the server (if it answers) and stops
/// syncing. Contacts stay on this device.
pub async fn sign_out(state: AppState) -> Result<(), FlowError> {
    let (Some(db), Some(sync)) = (state.db(), state.sync()) else {
        return Ok(());
    };
    if let Some(link) = sync.link() {
        match api::log_out(&link.session.token).await {
            Ok(()) | Err(ApiError::Unreachable(_)) => {}
            Err(e) if e.is_unauthorized() => {}
            Err(e) => return Err(e.into()),
        }
    }
    vault::delete_private(&db, ACCOUNT_NAMESPACE).await?;
    sync.disconnect();
    audit::record(state, AuditAction::Logout, "session", None, "sign_out");
    Ok(())
}

/// After the vault's passphrase changed: re-register the account under it
/// and rewrap the same key bundle. Nothing else is re-encrypted or
/// re-uploaded. Returns whether the account was updated (false: this device
/// is not signed in).
pub async fn change_account_passphrase(
    state: AppState,
    passphrase: &Passphrase,
) -> Result<bool, FlowError> {
    let (Some(key), Some(sync)) = (state.key(), state.sync()) else {
        return Ok(false);
    };
    let Some(link) = sync.link() else {
        return Ok(false);
    };
    let account = parse_name(&link.account)?;
    let bundle = KeyBundle {
        user_key: *key.secret_bytes(),
        x25519_secret: link.x25519_secret,
        ed25519_seed: link.ed25519_seed,
    };
    api::change_passphrase(&link.session.token, &account, passphrase.as_str(), &bundle).await?;
    Ok(true)
}
