//! Messages for consent, data-subject requests, restriction, erasure and retention.

use super::messages;

messages! { pub enum PrivacyMsg {
    NavPrivacy => ("Privacy", "隐私"),
} }
