//! How privacy values are named on screen, and who "we" are when a
//! privacy record is written.

use crate::state::AppState;
use coffer_core::date::CivilDate;
use coffer_core::i18n::privacy::PrivacyMsg;
use coffer_core::privacy::request::{CcpaRequest, RequestKind, RequestStatus};
use coffer_core::privacy::{Actor, ConsentDecision, LawfulBasis, Purpose, RetentionAction};
use uuid::Uuid;

pub fn purpose_msg(purpose: &Purpose) -> PrivacyMsg {
    match purpose {
        Purpose::MarketingEmail => PrivacyMsg::PurposeMarketingEmail,
        Purpose::MarketingPhone => PrivacyMsg::PurposeMarketingPhone,
        Purpose::Profiling => PrivacyMsg::PurposeProfiling,
        Purpose::ThirdPartySharing => PrivacyMsg::PurposeThirdParty,
        Purpose::CrossBorderTransfer => PrivacyMsg::PurposeCrossBorder,
        Purpose::Custom(_) => PrivacyMsg::PurposeCustom,
    }
}

pub const BASES: [(LawfulBasis, &str, PrivacyMsg); 6] = [
    (LawfulBasis::Consent, "consent", PrivacyMsg::BasisConsent),
    (LawfulBasis::Contract, "contract", PrivacyMsg::BasisContract),
    (
        LawfulBasis::LegalObligation,
        "legal_obligation",
        PrivacyMsg::BasisLegalObligation,
    ),
    (
        LawfulBasis::VitalInterests,
        "vital_interests",
        PrivacyMsg::BasisVitalInterests,
    ),
    (
        LawfulBasis::PublicTask,
        "public_task",
        PrivacyMsg::BasisPublicTask,
    ),
    (
        LawfulBasis::LegitimateInterests,
        "legitimate_interests",
        PrivacyMsg::BasisLegitimateInterests,
    ),
];

pub fn basis_msg(basis: LawfulBasis) -> PrivacyMsg {
    BASES
        .iter()
        .find(|(b, _, _)| *b == basis)
        .map_or(PrivacyMsg::BasisConsent, |(_, _, m)| *m)
}

pub fn decision_msg(decision: ConsentDecision) -> PrivacyMsg {
    match decision {
        ConsentDecision::Given => PrivacyMsg::DecisionGiven,
        ConsentDecision::Withdrawn => PrivacyMsg::DecisionWithdrawn,
    }
}

pub const KINDS: [(RequestKind, &str, PrivacyMsg); 6] = [
    (RequestKind::Access, "access", PrivacyMsg::KindAccess),
    (
        RequestKind::Rectification,
        "rectification",
        PrivacyMsg::KindRectification,
    ),
    (RequestKind::Erasure, "erasure", PrivacyMsg::KindErasure),
    (
        RequestKind::Restriction,
        "restriction",
        PrivacyMsg::KindRestriction,
    ),
    (
        RequestKind::Portability,
        "portability",
        PrivacyMsg::KindPortability,
    ),
    (
        RequestKind::Objection,
        "objection",
        PrivacyMsg::KindObjection,
    ),
];

pub fn kind_msg(kind: RequestKind) -> PrivacyMsg {
    KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or(PrivacyMsg::KindAccess, |(_, _, m)| *m)
}

/// The CCPA's own request names, in the order the form offers them.
pub const CCPA_KINDS: [(CcpaRequest, &str, PrivacyMsg); 5] = [
    (CcpaRequest::Know, "know", PrivacyMsg::CcpaKnow),
    (CcpaRequest::Delete, "delete", PrivacyMsg::CcpaDelete),
    (CcpaRequest::Correct, "correct", PrivacyMsg::CcpaCorrect),
    (
        CcpaRequest::OptOutOfSaleOrSharing,
        "opt_out",
        PrivacyMsg::CcpaOptOut,
    ),
    (
        CcpaRequest::LimitSensitiveUse,
        "limit",
        PrivacyMsg::CcpaLimit,
    ),
];

pub fn ccpa_msg(request: CcpaRequest) -> PrivacyMsg {
    CCPA_KINDS
        .iter()
        .find(|(r, _, _)| *r == request)
        .map_or(PrivacyMsg::CcpaKnow, |(_, _, m)| *m)
}

pub fn status_msg(status: RequestStatus) -> PrivacyMsg {
    match status {
        RequestStatus::Received => PrivacyMsg::StatusReceived,
        RequestStatus::VerifyingIdentity => PrivacyMsg::StatusVerifying,
        RequestStatus::InProgress => PrivacyMsg::StatusInProgress,
        RequestStatus::Completed => PrivacyMsg::StatusCompleted,
        RequestStatus::Refused => PrivacyMsg::StatusRefused,
        RequestStatus::Withdrawn => PrivacyMsg::StatusWithdrawn,
    }
}

pub fn action_msg(action: RetentionAction) -> PrivacyMsg {
    match action {
        RetentionAction::Anonymise => PrivacyMsg::ActionAnonymise,
        RetentionAction::Erase => PrivacyMsg::ActionErase,
    }
}

/// Restriction reasons: stable codes stored on the record, and their labels.
pub const REASONS: [(&str, PrivacyMsg); 4] = [
    ("accuracy_contested", PrivacyMsg::ReasonAccuracy),
    ("unlawful_processing", PrivacyMsg::ReasonUnlawful),
    ("legal_claims", PrivacyMsg::ReasonLegalClaims),
    ("objection_pending", PrivacyMsg::ReasonObjection),
];

pub fn reason_msg(code: &str) -> PrivacyMsg {
    REASONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(PrivacyMsg::ReasonAccuracy, |(_, m)| *m)
}

/// The device id as a UUID (the sync engine's 16 random bytes).
pub fn device_uuid(state: &AppState) -> Uuid {
    state
        .sync()
        .map_or(Uuid::nil(), |s| Uuid::from_bytes(s.device().0))
}

/// Who records a privacy decision from here: the vault's user (a vault has
/// one, so the nil id) on this device.
pub fn actor(state: &AppState) -> Actor {
    Actor {
        user_id: Uuid::nil(),
        device_id: device_uuid(state),
    }
}

/// "You, on this device" or "You, on another device".
pub fn actor_msg(state: &AppState, actor: &Actor) -> PrivacyMsg {
    if actor.device_id == device_uuid(state) {
        PrivacyMsg::ByThisDevice
    } else {
        PrivacyMsg::ByOtherDevice
    }
}

/// Minutes east of UTC of the browser's clock now.
pub fn utc_offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// Today in the browser's time zone.
pub fn today() -> CivilDate {
    CivilDate::from_unix_ms(crate::vault::now_ms(), utc_offset_minutes()).unwrap_or(CivilDate::MIN)
}

/// A local date for a unix time.
pub fn date_of(ms: i64) -> String {
    CivilDate::from_unix_ms(ms, utc_offset_minutes())
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// The instant a decision made on `date` is recorded at: now if it is
/// today, else the start of that day (local time).
pub fn instant_of(date: CivilDate) -> i64 {
    if date == today() {
        crate::vault::now_ms()
    } else {
        date.start_unix_ms(utc_offset_minutes())
            .unwrap_or_else(|_| crate::vault::now_ms())
    }
}
