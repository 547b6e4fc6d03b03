//! Choosing a passphrase: the passphrase, its strength and reasons, and a
//! confirmation that must match. Used when creating the vault and when
//! setting a new passphrase.

use crate::components::passphrase_field::PassphraseField;
use crate::components::strength_meter::{StrengthMeter, strength_of};
use crate::state::use_app;
use coffer_core::i18n::{Msg, fill};
use coffer_core::passphrase::{MIN_LENGTH, Strength};
use coffer_crypto::Passphrase;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct PassphraseChoice {
    passphrase: RwSignal<String>,
    confirm: RwSignal<String>,
    strength: Memo<Strength>,
}

impl Default for PassphraseChoice {
    fn default() -> Self {
        let passphrase = RwSignal::new(String::new());
        PassphraseChoice {
            passphrase,
            confirm: RwSignal::new(String::new()),
            strength: strength_of(passphrase),
        }
    }
}

impl PassphraseChoice {
    fn mismatch(&self) -> bool {
        self.confirm.with(|c| !c.is_empty()) && self.passphrase.get() != self.confirm.get()
    }

    /// Strong enough and confirmed (reactive).
    pub fn ready(&self) -> bool {
        self.strength.get().acceptable && self.confirm.with(|c| !c.is_empty()) && !self.mismatch()
    }

    pub fn passphrase(&self) -> Passphrase {
        Passphrase::new(self.passphrase.get_untracked())
    }

    pub fn clear(&self) {
        self.passphrase.set(String::new());
        self.confirm.set(String::new());
    }
}

#[component]
pub fn PassphraseChoiceFields(
    choice: PassphraseChoice,
    /// The label of the first field ("Passphrase", "New passphrase").
    label: Msg,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let state = use_app();
    view! {
        <PassphraseField id="choose-passphrase" label=label value=choice.passphrase
            autocomplete="new-password" described_by="choose-hint choose-strength" autofocus=autofocus/>
        <p id="choose-hint" class="hint">
            {move || fill(state.t(Msg::PassphraseHint), &[("min", &MIN_LENGTH.to_string())])}
        </p>
        <StrengthMeter id="choose-strength" strength=choice.strength value=choice.passphrase/>
        <PassphraseField id="choose-confirm" label=Msg::ConfirmPassphrase value=choice.confirm
            autocomplete="new-password" described_by="choose-confirm-error"
            invalid=Signal::derive(move || choice.mismatch())/>
        <p id="choose-confirm-error" class="field-error" aria-live="polite">
            {move || choice.mismatch().then(|| state.t(Msg::PassphrasesDiffer))}
        </p>
    }
}
