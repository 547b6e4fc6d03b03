//! The data-subject request register: who asked for what, under which law,
//! and by when it must be answered.
//!
//! Deadlines are computed in dates ([`CivilDate`]) from the day the request
//! was received:
//!
//! | jurisdiction | base period                     | extension at most        |
//! |--------------|---------------------------------|--------------------------|
//! | GDPR         | 1 calendar month (art. 12(3))   | 2 further months         |
//! | CCPA         | 45 calendar days (§1798.130)    | 45 further days          |
//! | CCPA opt-out | 15 business days (regs §7026(f))| none                     |
//! | PIPL         | 15 working days (configurable)  | 15 working days (config) |
//!
//! PIPL art. 50 only says requests are handled "in a timely manner" (及时)
//! and sets no number. 15 working days is this product's default, a figure
//! common in Chinese regulators' guidance for apps; it is not the law, and
//! [`DeadlineRules`] lets the user set what their counsel advises (days,
//! working days with their own holiday calendar, or months). Month arithmetic clamps to month ends ([`CivilDate::add_months`]):
//! a GDPR request received on 31 January is due on 28 (or 29) February.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::calendar::WorkingCalendar;
use super::consent::Actor;
use crate::date::CivilDate;

/// Record namespace of data-subject requests.
pub const REQUEST_NAMESPACE: &str = "privacy_request";

/// What the person asks for (the GDPR's rights, which the other laws map to).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// Art. 15: a copy of their data (CCPA "right to know").
    Access,
    /// Art. 16: correct it (CCPA "right to correct").
    Rectification,
    /// Art. 17: erase it (CCPA "right to delete").
    Erasure,
    /// Art. 18: keep but do not use it (CCPA "limit use of sensitive data").
    Restriction,
    /// Art. 20: a machine-readable copy.
    Portability,
    /// Art. 21: stop a processing (CCPA "opt out of sale or sharing").
    Objection,
}

/// The CCPA's own request names, mapped onto [`RequestKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CcpaRequest {
    Know,
    Delete,
    Correct,
    OptOutOfSaleOrSharing,
    LimitSensitiveUse,
}

impl CcpaRequest {
    pub fn kind(self) -> RequestKind {
        match self {
            CcpaRequest::Know => RequestKind::Access,
            CcpaRequest::Delete => RequestKind::Erasure,
            CcpaRequest::Correct => RequestKind::Rectification,
            CcpaRequest::OptOutOfSaleOrSharing => RequestKind::Objection,
            CcpaRequest::LimitSensitiveUse => RequestKind::Restriction,
        }
    }

    /// Opt-out and limit requests run on the 15-business-day clock.
    pub fn is_opt_out(self) -> bool {
        matches!(
            self,
            CcpaRequest::OptOutOfSaleOrSharing | CcpaRequest::LimitSensitiveUse
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Jurisdiction {
    Gdpr,
    Ccpa,
    Pipl,
}

/// A length of time in the unit the law uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "unit", content = "n")]
pub enum Period {
    Months(u32),
    Days(u32),
    WorkingDays(u32),
}

impl Period {
    /// The last day of the period starting the day after `from`. A period
    /// that would end after year 9999 ends on [`CivilDate::MAX`]: as good as
    /// never for a deadline.
    pub fn after(self, from: CivilDate, calendar: &WorkingCalendar) -> CivilDate {
        match self {
            Period::Months(n) => from.add_months(n),
            Period::Days(n) => from.add_days(i64::from(n)),
            Period::WorkingDays(n) => calendar.add_working_days(from, n),
        }
        .unwrap_or(CivilDate::MAX)
    }
}

/// The response clock of one jurisdiction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockRule {
    pub base: Period,
    pub max_extension: Option<Period>,
}

/// The clocks in force, editable in settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeadlineRules {
    pub gdpr: ClockRule,
    pub ccpa: ClockRule,
    /// CCPA opt-out of sale/sharing and limit requests.
    pub ccpa_opt_out: ClockRule,
    pub pipl: ClockRule,
    /// Holidays and make-up working days for working-day periods.
    pub calendar: WorkingCalendar,
}

impl Default for DeadlineRules {
    fn default() -> Self {
        DeadlineRules {
            gdpr: ClockRule {
                base: Period::Months(1),
                max_extension: Some(Period::Months(2)),
            },
            ccpa: ClockRule {
                base: Period::Days(45),
                max_extension: Some(Period::Days(45)),
            },
            ccpa_opt_out: ClockRule {
                base: Period::WorkingDays(15),
                max_extension: None,
            },
            pipl: ClockRule {
                base: Period::WorkingDays(15),
                max_extension: Some(Period::WorkingDays(15)),
            },
            calendar: WorkingCalendar::default(),
        }
    }
}

impl DeadlineRules {
    pub fn rule(&self, jurisdiction: Jurisdiction, ccpa: Option<CcpaRequest>) -> &ClockRule {
        match jurisdiction {
            Jurisdiction::Gdpr => &self.gdpr,
            Jurisdiction::Ccpa if ccpa.is_some_and(CcpaRequest::is_opt_out) => &self.ccpa_opt_out,
            Jurisdiction::Ccpa => &self.ccpa,
            Jurisdiction::Pipl => &self.pipl,
        }
    }
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Received,
    /// Waiting for the person to prove who they are; the clock keeps running.
    VerifyingIdentity,
    InProgress,
    Completed,
    Refused,
    /// The person took the request back.
    Withdrawn,
}

impl RequestStatus {
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            RequestStatus::Completed | RequestStatus::Refused | RequestStatus::Withdrawn
        )
    }
}

/// How a closed request ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum RequestOutcome {
    Fulfilled,
    PartiallyFulfilled { reason_code: String },
    Refused { reason_code: String },
}

/// A granted extension.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub period: Period,
    /// When the person was told (the GDPR wants it within the first month).
    pub notified_on: CivilDate,
    pub reason_code: String,
}

/// One request. The subject is named by contact id only: the register holds
/// no personal data of its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectRequest {
    pub id: Uuid,
    pub contact_id: Option<Uuid>,
    pub kind: RequestKind,
    /// Set when the request came in under the CCPA's own names.
    pub ccpa: Option<CcpaRequest>,
    pub jurisdiction: Jurisdiction,
    pub received_on: CivilDate,
    pub status: RequestStatus,
    pub extension: Option<Extension>,
    pub outcome: Option<RequestOutcome>,
    pub closed_on: Option<CivilDate>,
    pub recorded_by: Actor,
}

/// A request could not change as asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("{jurisdiction:?} allows no extension for this request")]
    ExtensionNotAllowed { jurisdiction: Jurisdiction },
    #[error("the extension asked for goes past the longest allowed (until {latest})")]
    ExtensionTooLong { latest: CivilDate },
    /// GDPR art. 12(3) and the CCPA want the person told of an extension
    /// within the first period.
    #[error("the person must be told of an extension by {deadline}")]
    ExtensionNotifiedTooLate { deadline: CivilDate },
    #[error("the request already has an extension")]
    AlreadyExtended,
    #[error("the request is already closed")]
    AlreadyClosed,
    #[error("a request cannot be closed before it was received ({received_on})")]
    ClosedBeforeReceived { received_on: CivilDate },
}

/// How urgent an open request is today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Urgency {
    /// More than the due-soon window left.
    OnTrack {
        days_left: i64,
    },
    /// Due within the window (today counts: 0 days left).
    DueSoon {
        days_left: i64,
    },
    Overdue {
        days_late: i64,
    },
    /// Closed; `late` if closed after its deadline.
    Closed {
        late: bool,
    },
}

impl SubjectRequest {
    /// The deadline without any extension.
    pub fn base_deadline(&self, rules: &DeadlineRules) -> CivilDate {
        let rule = rules.rule(self.jurisdiction, self.ccpa);
        rule.base.after(self.received_on, &rules.calendar)
    }

    /// The deadline in force: the extension runs on from the base deadline.
    pub fn deadline(&self, rules: &DeadlineRules) -> CivilDate {
        let base = self.base_deadline(rules);
        match &self.extension {
            Some(ext) => ext.period.after(base, &rules.calendar),
            None => base,
        }
    }

    /// The latest the deadline may be pushed to.
    pub fn latest_possible_deadline(&self, rules: &DeadlineRules) -> CivilDate {
        let base = self.base_deadline(rules);
        match rules.rule(self.jurisdiction, self.ccpa).max_extension {
            Some(max) => max.after(base, &rules.calendar),
            None => base,
        }
    }

    /// Grants an extension, refusing one longer than the law allows.
    pub fn extend(
        &mut self,
        extension: Extension,
        rules: &DeadlineRules,
    ) -> Result<(), RequestError> {
        if self.status.is_closed() {
            return Err(RequestError::AlreadyClosed);
        }
        if self.extension.is_some() {
            return Err(RequestError::AlreadyExtended);
        }
        if rules
            .rule(self.jurisdiction, self.ccpa)
            .max_extension
            .is_none()
        {
            return Err(RequestError::ExtensionNotAllowed {
                jurisdiction: self.jurisdiction,
            });
        }
        let base = self.base_deadline(rules);
        if extension.notified_on > base {
            return Err(RequestError::ExtensionNotifiedTooLate { deadline: base });
        }
        let latest = self.latest_possible_deadline(rules);
        if extension
            .period
            .after(self.base_deadline(rules), &rules.calendar)
            > latest
        {
            return Err(RequestError::ExtensionTooLong { latest });
        }
        self.extension = Some(extension);
        Ok(())
    }

    /// Closes the request with an outcome.
    pub fn close(&mut self, outcome: RequestOutcome, on: CivilDate) -> Result<(), RequestError> {
        if self.status.is_closed() {
            return Err(RequestError::AlreadyClosed);
        }
        if on < self.received_on {
            return Err(RequestError::ClosedBeforeReceived {
                received_on: self.received_on,
            });
        }
        self.status = match outcome {
            RequestOutcome::Refused { .. } => RequestStatus::Refused,
            _ => RequestStatus::Completed,
        };
        self.outcome = Some(outcome);
        self.closed_on = Some(on);
        Ok(())
    }

    /// Overdue / due soon / on track, given today's date and how many days
    /// ahead counts as "soon".
    pub fn urgency(&self, today: CivilDate, due_soon_days: i64, rules: &DeadlineRules) -> Urgency {
        let deadline = self.deadline(rules);
        if self.status.is_closed() {
            let late = self.closed_on.is_some_and(|closed| closed > deadline);
            return Urgency::Closed { late };
        }
        let days_left = today.days_until(deadline);
        if days_left < 0 {
            Urgency::Overdue {
                days_late: -days_left,
            }
        } else if days_left <= due_soon_days {
            Urgency::DueSoon { days_left }
        } else {
            Urgency::OnTrack { days_left }
        }
    }
}

/// Open requests with their urgency, most urgent first (earliest deadline,
/// then earliest received); closed requests are left out.
pub fn triage<'a>(
    requests: &'a [SubjectRequest],
    today: CivilDate,
    due_soon_days: i64,
    rules: &DeadlineRules,
) -> Vec<(&'a SubjectRequest, Urgency)> {
    let mut open: Vec<(&SubjectRequest, Urgency, CivilDate)> = requests
        .iter()
        .filter(|r| !r.status.is_closed())
        .map(|r| (r, r.urgency(today, due_soon_days, rules), r.deadline(rules)))
        .collect();
    open.sort_by_key(|(r, _, deadline)| (*deadline, r.received_on, r.id));
    open.into_iter().map(|(r, u, _)| (r, u)).collect()
}

#[cfg(test)]
mod tests;
