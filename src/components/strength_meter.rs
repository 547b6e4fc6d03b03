//! Shows how hard a passphrase is to guess and why it is refused.

use crate::state::use_app;
use coffer_core::i18n::{Msg, fill};
use coffer_core::passphrase::{self, Strength, WeakReason};
use leptos::prelude::*;

pub fn reason_text(reason: &WeakReason, locale: coffer_core::settings::Locale) -> String {
    let msg = match reason {
        WeakReason::TooShort { min } => {
            return fill(
                Msg::WeakTooShort.in_locale(locale),
                &[("min", &min.to_string())],
            );
        }
        WeakReason::CommonPassword => Msg::WeakCommon,
        WeakReason::RepeatedPattern => Msg::WeakRepeated,
        WeakReason::Sequence => Msg::WeakSequence,
        WeakReason::DateOrYear => Msg::WeakDate,
        WeakReason::ContainsPersonalInfo => Msg::WeakPersonal,
        _ => Msg::WeakGuessable,
    };
    msg.in_locale(locale).to_string()
}

/// Assesses the passphrase as it is typed.
pub fn strength_of(value: RwSignal<String>) -> Memo<Strength> {
    Memo::new(move |_| value.with(|v| passphrase::assess(v, &["coffer"])))
}

#[component]
pub fn StrengthMeter(
    #[prop(into)] id: String,
    strength: Memo<Strength>,
    value: RwSignal<String>,
) -> impl IntoView {
    let state = use_app();
    let label = move || {
        let msg = match strength.get().score {
            0 => Msg::Strength0,
            1 => Msg::Strength1,
            2 => Msg::Strength2,
            3 => Msg::Strength3,
            _ => Msg::Strength4,
        };
        state.t(msg)
    };
    view! {
        <div id=id class="strength" aria-live="polite">
            <Show when=move || value.with(|v| !v.is_empty())>
                <label>
                    {move || state.t(Msg::StrengthLabel)} ": " {label}
                    <meter min="0" max="4" low="2" high="3" optimum="4"
                        value=move || strength.get().score.to_string()></meter>
                </label>
                <ul class="reasons">
                    {move || {
                        let locale = state.locale.get();
                        strength.get().problems.iter().map(|r| view! { <li>{reason_text(r, locale)}</li> }).collect_view()
                    }}
                </ul>
            </Show>
        </div>
    }
}
