//! Choosing a passphrase: the passphrase, its strength and reasons, and a
//! confirmation that must match. Used when creating the vault and when
//! setting a new passphrase.

use crate::components::passphrase_field::PassphraseField;
use crate::components::security_settings::load_settings;
use crate::components::strength_meter::{StrengthMeter, strength_of};
use crate::state::{AppState, use_app};
use coffer_core::i18n::security::SecurityMsg;
use coffer_core::i18n::{Msg, fill};
use coffer_core::passphrase::{MIN_LENGTH, MIN_SCORE, Strength};
use coffer_crypto::Passphrase;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct PassphraseChoice {
    passphrase: RwSignal<String>,
    confirm: RwSignal<String>,
    strength: Memo<Strength>,
    /// The score the security settings ask for (at least the core's).
    min_score: RwSignal<u8>,
}

impl Default for PassphraseChoice {
    fn default() -> Self {
        let passphrase = RwSignal::new(String::new());
        let min_score = RwSignal::new(MIN_SCORE);
        if let Some(state) = use_context::<AppState>() {
            leptos::task::spawn_local(async move {
                if let Ok(s) = load_settings(state).await {
                    min_score.set(s.min_passphrase_score);
                }
            });
        }
        PassphraseChoice {
            passphrase,
            confirm: RwSignal::new(String::new()),
            strength: strength_of(passphrase),
            min_score,
        }
    }
}

impl PassphraseChoice {
    fn mismatch(&self) -> bool {
        self.confirm.with(|c| !c.is_empty()) && self.passphrase.get() != self.confirm.get()
    }

    /// Strong enough and confirmed (reactive).
    pub fn ready(&self) -> bool {
        self.strong_enough() && self.confirm.with(|c| !c.is_empty()) && !self.mismatch()
    }

    /// Acceptable to the core policy and to the security settings.
    fn strong_enough(&self) -> bool {
        let s = self.strength.get();
        s.acceptable && s.score >= self.min_score.get()
    }

    /// Acceptable to the core policy but not to the stricter setting.
    fn below_policy(&self) -> bool {
        self.strength.get().acceptable && !self.strong_enough()
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
        <p class="field-error" aria-live="polite">
            {move || choice.below_policy().then(|| state.t(SecurityMsg::BelowPolicy))}
        </p>
        <PassphraseField id="choose-confirm" label=Msg::ConfirmPassphrase value=choice.confirm
            autocomplete="new-password" described_by="choose-confirm-error"
            invalid=Signal::derive(move || choice.mismatch())/>
        <p id="choose-confirm-error" class="field-error" aria-live="polite">
            {move || choice.mismatch().then(|| state.t(Msg::PassphrasesDiffer))}
        </p>
    }
}
