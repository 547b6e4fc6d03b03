//! Pieces shared by the company, deal and pipeline forms: a labelled input
//! with its error line, and the text of core's validation problems.

use crate::state::{AppState, use_app};
use coffer_core::company::UsccError;
use coffer_core::custom_field::CustomFieldError;
use coffer_core::i18n::crm::CrmMsg;
use coffer_core::i18n::{Msg, fill};
use coffer_core::pipeline::PipelineError;
use coffer_core::problem::Problem;
use leptos::prelude::*;

/// Splits tags on ASCII and Chinese commas.
pub fn parse_tags(text: &str) -> Vec<String> {
    text.split([',', '，', '、'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

pub fn uscc_text(e: UsccError, state: &AppState) -> String {
    match e {
        UsccError::WrongLength { got } => {
            fill(state.t(CrmMsg::UsccLength), &[("got", &got.to_string())])
        }
        UsccError::InvalidCharacter { position } => fill(
            state.t(CrmMsg::UsccCharacter),
            &[("position", &position.to_string())],
        ),
        UsccError::RegionNotDigits => state.t(CrmMsg::UsccRegion).to_string(),
        UsccError::BadCheckCharacter => state.t(CrmMsg::UsccCheck).to_string(),
    }
}

pub fn custom_error_text(e: CustomFieldError, state: &AppState) -> String {
    use CustomFieldError as E;
    match e {
        E::Required => state.t(CrmMsg::ErrRequired).to_string(),
        E::WrongType { .. } => state.t(CrmMsg::ErrWrongType).to_string(),
        E::TooLong { max } => fill(state.t(Msg::ErrTooLong), &[("max", &max.to_string())]),
        E::InvalidDate(_) => state.t(CrmMsg::FilterNeedsDate).to_string(),
        E::UnknownOption | E::DuplicateOption => state.t(CrmMsg::ErrUnknownOption).to_string(),
        E::InvalidUrl => state.t(CrmMsg::ErrInvalidUrl).to_string(),
        E::InvalidEmail => state.t(Msg::ErrInvalidEmail).to_string(),
        E::InvalidPhone => state.t(Msg::ErrInvalidPhone).to_string(),
        E::CurrencyMismatch { expected } => fill(
            state.t(CrmMsg::ErrCurrencyMismatch),
            &[("currency", expected.code())],
        ),
    }
}

pub fn pipeline_error_text(e: PipelineError, state: &AppState) -> String {
    use PipelineError as E;
    match e {
        E::UnknownStage => state.t(CrmMsg::ErrUnknownStage).to_string(),
        E::ClosedStageFixed => state.t(CrmMsg::ErrClosedStageFixed).to_string(),
        E::LastOpenStage => state.t(CrmMsg::ErrLastOpenStage).to_string(),
        E::LastWonStage => state.t(CrmMsg::ErrLastWonStage).to_string(),
        E::TooManyStages { max } => fill(state.t(Msg::ErrTooMany), &[("max", &max.to_string())]),
        E::PositionOutOfRange => state.t(CrmMsg::ErrUnknownStage).to_string(),
        E::ProbabilityOutOfRange { .. } => state.t(CrmMsg::ErrPercent).to_string(),
        E::NameRequired => state.t(CrmMsg::ErrRequired).to_string(),
        E::NameTooLong { max } => fill(state.t(Msg::ErrTooLong), &[("max", &max.to_string())]),
        E::DuplicateName => state.t(CrmMsg::ErrDuplicateName).to_string(),
        E::DuplicateId => state.t(CrmMsg::ErrStages).to_string(),
    }
}

pub fn problem_text(p: &Problem, state: &AppState) -> String {
    match *p {
        Problem::Required => state.t(CrmMsg::ErrRequired).to_string(),
        Problem::TooLong { max } => fill(state.t(Msg::ErrTooLong), &[("max", &max.to_string())]),
        Problem::TooMany { max } => fill(state.t(Msg::ErrTooMany), &[("max", &max.to_string())]),
        Problem::Duplicate => state.t(CrmMsg::ErrDuplicateName).to_string(),
        Problem::InvalidEmail => state.t(Msg::ErrInvalidEmail).to_string(),
        Problem::InvalidPhone => state.t(Msg::ErrInvalidPhone).to_string(),
        Problem::InvalidUrl => state.t(CrmMsg::ErrInvalidUrl).to_string(),
        Problem::InvalidDomain => state.t(CrmMsg::ErrInvalidDomain).to_string(),
        Problem::InvalidPostcode => state.t(CrmMsg::ErrInvalidPostcode).to_string(),
        Problem::InvalidUscc(e) => uscc_text(e, state),
        Problem::Negative => state.t(CrmMsg::ErrNegative).to_string(),
        Problem::OutOfRange { .. } => state.t(CrmMsg::ErrPercent).to_string(),
        Problem::BeforeStart | Problem::Unsuitable => state.t(CrmMsg::ErrWrongType).to_string(),
        Problem::UnknownReference => state.t(CrmMsg::ErrUnknownStage).to_string(),
        Problem::Pipeline(e) => pipeline_error_text(e, state),
        Problem::Custom(e) => custom_error_text(e, state),
    }
}

/// A labelled text input with an error line tied to it.
#[component]
pub fn CrmInput(
    id: &'static str,
    label: CrmMsg,
    value: RwSignal<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] input_type: &'static str,
    #[prop(optional)] hint: Option<CrmMsg>,
    #[prop(optional)] inputmode: &'static str,
) -> impl IntoView {
    let state = use_app();
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = match hint {
        Some(_) => format!("{hint_id} {error_id}"),
        None => error_id.clone(),
    };
    view! {
        <div class="field">
            <label for=id>{move || state.t(label)}</label>
            <input id=id type=if input_type.is_empty() { "text" } else { input_type }
                autocomplete="off"
                inputmode=(!inputmode.is_empty()).then_some(inputmode)
                aria-describedby=described
                aria-invalid=move || error.get().is_some().to_string()
                bind:value=value/>
            {hint.map(|h| view! { <p id=hint_id class="hint">{move || state.t(h)}</p> })}
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}
