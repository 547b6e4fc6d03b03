//! The breach register: incidents, the 72-hour clock for notifying the
//! supervisory authority (GDPR art. 33(1)), and notification drafts for the
//! authority (art. 33(3), PIPL art. 57) and for the people affected
//! (art. 34) in English and Simplified Chinese.
//!
//! The drafts are documents the user edits and sends, not UI text, which is
//! why their wording lives here rather than in [`crate::i18n`]. The free-text
//! fields of the incident are inserted as the user wrote them; the incident
//! names affected people only by record id, and the drafts print counts.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::consent::Actor;
use super::processing::Controller;
use crate::date::{CivilDate, DAY_MS};

/// Record namespace of incidents.
pub const BREACH_NAMESPACE: &str = "breach";
/// The authority must be told within 72 hours of discovery.
pub const AUTHORITY_DEADLINE_MS: i64 = 72 * 3_600_000;

/// The kinds of personal data a breach involved.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachCategory {
    Identity,
    ContactDetails,
    Financial,
    /// GDPR special categories / PIPL sensitive personal information.
    Sensitive,
    Credentials,
    Location,
    Communications,
    /// Described by the user.
    Other(String),
}

impl BreachCategory {
    fn label(&self, lang: DraftLanguage) -> &str {
        use BreachCategory::*;
        use DraftLanguage::*;
        match (self, lang) {
            (Identity, English) => "identity data (names, identifiers)",
            (Identity, SimplifiedChinese) => "身份信息（姓名、证件号码等）",
            (ContactDetails, English) => {
                "contact details (email addresses, phone numbers, postal addresses)"
            }
            (ContactDetails, SimplifiedChinese) => "联系方式（电子邮箱、电话号码、通讯地址）",
            (Financial, English) => "financial data (amounts, bank or payment details)",
            (Financial, SimplifiedChinese) => "财产信息（金额、银行或支付信息）",
            (Sensitive, English) => "special categories of personal data",
            (Sensitive, SimplifiedChinese) => "敏感个人信息",
            (Credentials, English) => "account credentials",
            (Credentials, SimplifiedChinese) => "账户登录凭据",
            (Location, English) => "location data",
            (Location, SimplifiedChinese) => "位置信息",
            (Communications, English) => "communications and notes",
            (Communications, SimplifiedChinese) => "通信内容及备注",
            (Other(text), _) => text,
        }
    }
}

/// One incident.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BreachIncident {
    pub id: Uuid,
    /// When the user became aware of it: the clock starts here (unix ms).
    pub discovered_ms: i64,
    /// When it happened, if known.
    pub occurred_ms: Option<i64>,
    pub description: String,
    pub affected_record_ids: Vec<Uuid>,
    /// Overrides the count of affected records when the number of people
    /// differs (or is only estimated).
    pub affected_people_estimate: Option<u64>,
    pub categories: Vec<BreachCategory>,
    pub likely_consequences: String,
    pub measures_taken: String,
    pub measures_proposed: String,
    /// What affected people can do to protect themselves.
    pub advice_to_people: String,
    /// Required when the authority is told after 72 hours.
    pub delay_reason: String,
    pub authority_notified_ms: Option<i64>,
    pub people_notified_ms: Option<i64>,
    pub recorded_by: Option<Actor>,
}

/// The state of the 72-hour clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationClock {
    Running { deadline_ms: i64, remaining_ms: i64 },
    Overdue { deadline_ms: i64, late_by_ms: i64 },
    NotifiedInTime { notified_ms: i64 },
    NotifiedLate { notified_ms: i64, late_by_ms: i64 },
}

impl BreachIncident {
    /// Discovery + 72 hours.
    pub fn authority_deadline_ms(&self) -> i64 {
        self.discovered_ms.saturating_add(AUTHORITY_DEADLINE_MS)
    }

    /// Where the authority clock stands at `now_ms`.
    pub fn authority_clock(&self, now_ms: i64) -> NotificationClock {
        let deadline_ms = self.authority_deadline_ms();
        match self.authority_notified_ms {
            Some(notified_ms) if notified_ms <= deadline_ms => {
                NotificationClock::NotifiedInTime { notified_ms }
            }
            Some(notified_ms) => NotificationClock::NotifiedLate {
                notified_ms,
                late_by_ms: notified_ms - deadline_ms,
            },
            None if now_ms <= deadline_ms => NotificationClock::Running {
                deadline_ms,
                remaining_ms: deadline_ms - now_ms,
            },
            None => NotificationClock::Overdue {
                deadline_ms,
                late_by_ms: now_ms - deadline_ms,
            },
        }
    }

    /// How many people are affected, as the drafts state it.
    pub fn affected_people(&self) -> u64 {
        self.affected_people_estimate
            .unwrap_or(self.affected_record_ids.len() as u64)
    }
}

/// The language of a draft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DraftLanguage {
    English,
    SimplifiedChinese,
}

/// `"2026-11-23 14:05 UTC"`.
pub fn format_utc(ms: i64) -> String {
    let minutes = ms.rem_euclid(DAY_MS) / 60_000;
    match CivilDate::from_unix_ms(ms, 0) {
        Ok(date) => format!("{date} {:02}:{:02} UTC", minutes / 60, minutes % 60),
        // Outside years 1–9999: a corrupt timestamp, shown as it is.
        Err(_) => format!("{ms} ms since 1970-01-01 UTC"),
    }
}

fn or_unknown(text: &str, lang: DraftLanguage) -> &str {
    match (text.trim().is_empty(), lang) {
        (false, _) => text.trim(),
        (true, DraftLanguage::English) => "(not yet known)",
        (true, DraftLanguage::SimplifiedChinese) => "（尚不清楚）",
    }
}

fn contact_line(c: &Controller) -> String {
    [
        c.contact_person.as_str(),
        c.email.as_str(),
        c.phone.as_str(),
    ]
    .into_iter()
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

fn categories(incident: &BreachIncident, lang: DraftLanguage) -> String {
    let sep = match lang {
        DraftLanguage::English => "; ",
        DraftLanguage::SimplifiedChinese => "；",
    };
    let all: Vec<&str> = incident.categories.iter().map(|c| c.label(lang)).collect();
    or_unknown(&all.join(sep), lang).to_owned()
}

/// The notification to the supervisory authority, written at `now_ms`.
/// Includes the reasons for delay when it goes out after the deadline.
pub fn authority_notice(
    incident: &BreachIncident,
    controller: &Controller,
    lang: DraftLanguage,
    now_ms: i64,
) -> String {
    let late = now_ms > incident.authority_deadline_ms();
    let occurred = incident.occurred_ms.map(format_utc).unwrap_or_default();
    let mut lines: Vec<String> = Vec::new();
    match lang {
        DraftLanguage::English => {
            lines.push("Notification of a personal data breach".into());
            lines.push(String::new());
            lines.push(format!("Controller: {}", controller.name.trim()));
            lines.push(format!(
                "Address: {}",
                or_unknown(&controller.address, lang)
            ));
            lines.push(format!(
                "Contact point: {}",
                or_unknown(&contact_line(controller), lang)
            ));
            lines.push(format!("Reference: {}", incident.id));
            lines.push(format!(
                "Discovered: {}",
                format_utc(incident.discovered_ms)
            ));
            lines.push(format!("Occurred: {}", or_unknown(&occurred, lang)));
            lines.push(String::new());
            lines.push(format!(
                "Nature of the breach: {}",
                or_unknown(&incident.description, lang)
            ));
            lines.push(format!(
                "Categories of personal data: {}",
                categories(incident, lang)
            ));
            lines.push(format!(
                "Approximate number of people concerned: {}; records concerned: {}",
                incident.affected_people(),
                incident.affected_record_ids.len()
            ));
            lines.push(format!(
                "Likely consequences: {}",
                or_unknown(&incident.likely_consequences, lang)
            ));
            lines.push(format!(
                "Measures taken: {}",
                or_unknown(&incident.measures_taken, lang)
            ));
            lines.push(format!(
                "Measures proposed: {}",
                or_unknown(&incident.measures_proposed, lang)
            ));
            if late {
                lines.push(format!(
                    "Reasons for the delay: {}",
                    or_unknown(&incident.delay_reason, lang)
                ));
            }
            lines.push(String::new());
            lines.push(format!("Date of this notification: {}", format_utc(now_ms)));
        }
        DraftLanguage::SimplifiedChinese => {
            lines.push("个人信息安全事件报告".into());
            lines.push(String::new());
            lines.push(format!("个人信息处理者：{}", controller.name.trim()));
            lines.push(format!("地址：{}", or_unknown(&controller.address, lang)));
            lines.push(format!(
                "联系人及联系方式：{}",
                or_unknown(&contact_line(controller), lang)
            ));
            lines.push(format!("事件编号：{}", incident.id));
            lines.push(format!("发现时间：{}", format_utc(incident.discovered_ms)));
            lines.push(format!("发生时间：{}", or_unknown(&occurred, lang)));
            lines.push(String::new());
            lines.push(format!(
                "事件经过及原因：{}",
                or_unknown(&incident.description, lang)
            ));
            lines.push(format!(
                "涉及的个人信息种类：{}",
                categories(incident, lang)
            ));
            lines.push(format!(
                "涉及个人数量（约）：{}；涉及记录数：{}",
                incident.affected_people(),
                incident.affected_record_ids.len()
            ));
            lines.push(format!(
                "可能造成的危害：{}",
                or_unknown(&incident.likely_consequences, lang)
            ));
            lines.push(format!(
                "已采取的补救措施：{}",
                or_unknown(&incident.measures_taken, lang)
            ));
            lines.push(format!(
                "拟采取的措施：{}",
                or_unknown(&incident.measures_proposed, lang)
            ));
            if late {
                lines.push(format!(
                    "迟延报告的原因：{}",
                    or_unknown(&incident.delay_reason, lang)
                ));
            }
            lines.push(String::new());
            lines.push(format!("报告时间：{}", format_utc(now_ms)));
        }
    }
    lines.join("\n") + "\n"
}

/// The notice to the people affected, in plain language.
pub fn people_notice(
    incident: &BreachIncident,
    controller: &Controller,
    lang: DraftLanguage,
) -> String {
    let mut lines: Vec<String> = Vec::new();
    match lang {
        DraftLanguage::English => {
            lines.push("Important: a security incident involving your personal data".into());
            lines.push(String::new());
            lines.push(format!(
                "On {} we, {}, discovered a security incident that may involve your personal data.",
                format_utc(incident.discovered_ms),
                controller.name.trim()
            ));
            lines.push(String::new());
            lines.push(format!(
                "What happened: {}",
                or_unknown(&incident.description, lang)
            ));
            lines.push(format!("Which data: {}", categories(incident, lang)));
            lines.push(format!(
                "What this may mean for you: {}",
                or_unknown(&incident.likely_consequences, lang)
            ));
            lines.push(format!(
                "What we have done: {}",
                or_unknown(&incident.measures_taken, lang)
            ));
            lines.push(format!(
                "What you can do: {}",
                or_unknown(&incident.advice_to_people, lang)
            ));
            lines.push(String::new());
            lines.push(format!(
                "Questions: {}",
                or_unknown(&contact_line(controller), lang)
            ));
        }
        DraftLanguage::SimplifiedChinese => {
            lines.push("重要通知：涉及您个人信息的安全事件".into());
            lines.push(String::new());
            lines.push(format!(
                "我们（{}）于{}发现了一起可能涉及您个人信息的安全事件。",
                controller.name.trim(),
                format_utc(incident.discovered_ms)
            ));
            lines.push(String::new());
            lines.push(format!(
                "事件情况：{}",
                or_unknown(&incident.description, lang)
            ));
            lines.push(format!(
                "涉及的个人信息种类：{}",
                categories(incident, lang)
            ));
            lines.push(format!(
                "可能对您造成的影响：{}",
                or_unknown(&incident.likely_consequences, lang)
            ));
            lines.push(format!(
                "我们已采取的措施：{}",
                or_unknown(&incident.measures_taken, lang)
            ));
            lines.push(format!(
                "您可以采取的措施：{}",
                or_unknown(&incident.advice_to_people, lang)
            ));
            lines.push(String::new());
            lines.push(format!(
                "如有疑问，请联系：{}",
                or_unknown(&contact_line(controller), lang)
            ));
        }
    }
    lines.join("\n") + "\n"
}

/// Reads a UTC time as a form gives it, `"2026-11-23T14:05"` (a
/// `datetime-local` input) or `"2026-11-23 14:05"`, into unix ms.
pub fn parse_utc_minute(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = text.split_once(['T', ' '])?;
    let date: CivilDate = date.parse().ok()?;
    let (h, m) = time.split_once(':')?;
    let h: i64 = h.parse().ok()?;
    // Seconds, if the input gives them, are dropped.
    let m: i64 = m.get(..2)?.parse().ok()?;
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    Some(date.start_unix_ms(0).ok()? + (h * 60 + m) * 60_000)
}

/// The value for a `datetime-local` input showing `ms` in UTC.
pub fn utc_minute_input(ms: i64) -> String {
    let Ok(date) = CivilDate::from_unix_ms(ms, 0) else {
        return String::new();
    };
    let minutes = ms.rem_euclid(DAY_MS) / 60_000;
    format!("{date}T{:02}:{:02}", minutes / 60, minutes % 60)
}

crate::record::impl_record!(BreachIncident, BREACH_NAMESPACE, {
    id: Public,
    discovered_ms: Public,
    occurred_ms: Public,
    description: Personal,
    affected_record_ids: Personal,
    affected_people_estimate: Public,
    categories: Public,
    likely_consequences: Personal,
    measures_taken: Public,
    measures_proposed: Public,
    advice_to_people: Public,
    delay_reason: Public,
    authority_notified_ms: Public,
    people_notified_ms: Public,
    recorded_by: Personal,
});

#[cfg(test)]
mod tests;
