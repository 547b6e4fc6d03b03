use super::*;

const HOUR: i64 = 3_600_000;
const T0: i64 = 1_795_435_200_000; // 2026-11-23 12:00 UTC

fn incident() -> BreachIncident {
    BreachIncident {
        id: Uuid::from_u128(0xB),
        discovered_ms: T0,
        description: "A laptop with an unlocked session was stolen.".into(),
        affected_record_ids: vec![Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3)],
        categories: vec![BreachCategory::Identity, BreachCategory::ContactDetails],
        likely_consequences: "Phishing attempts.".into(),
        measures_taken: "Device revoked; sessions ended.".into(),
        advice_to_people: "Be wary of unexpected emails.".into(),
        ..BreachIncident::default()
    }
}

fn controller() -> Controller {
    Controller {
        name: "Acme Trading".into(),
        contact_person: "DPO".into(),
        email: "privacy@acme.example".into(),
        ..Controller::default()
    }
}

#[test]
fn the_clock_runs_72_hours_from_discovery() {
    let mut i = incident();
    assert_eq!(i.authority_deadline_ms(), T0 + 72 * HOUR);
    assert_eq!(
        i.authority_clock(T0 + 10 * HOUR),
        NotificationClock::Running {
            deadline_ms: T0 + 72 * HOUR,
            remaining_ms: 62 * HOUR
        }
    );
    assert_eq!(
        i.authority_clock(T0 + 73 * HOUR),
        NotificationClock::Overdue {
            deadline_ms: T0 + 72 * HOUR,
            late_by_ms: HOUR
        }
    );
    i.authority_notified_ms = Some(T0 + 72 * HOUR);
    assert_eq!(
        i.authority_clock(T0 + 100 * HOUR),
        NotificationClock::NotifiedInTime {
            notified_ms: T0 + 72 * HOUR
        }
    );
    i.authority_notified_ms = Some(T0 + 80 * HOUR);
    assert_eq!(
        i.authority_clock(0),
        NotificationClock::NotifiedLate {
            notified_ms: T0 + 80 * HOUR,
            late_by_ms: 8 * HOUR
        }
    );
}

#[test]
fn authority_drafts_are_filled_in_both_languages_and_ask_for_delay_reasons_when_late() {
    let en = authority_notice(
        &incident(),
        &controller(),
        DraftLanguage::English,
        T0 + HOUR,
    );
    assert!(en.contains("Controller: Acme Trading\n"), "{en}");
    assert!(en.contains("Contact point: DPO, privacy@acme.example\n"));
    assert!(en.contains("Discovered: 2026-11-23 12:00 UTC\n"));
    assert!(en.contains("Occurred: (not yet known)\n"));
    assert!(en.contains("people concerned: 3; records concerned: 3\n"));
    assert!(en.contains("identity data (names, identifiers); contact details"));
    assert!(!en.contains("Reasons for the delay"));
    let late = authority_notice(
        &incident(),
        &controller(),
        DraftLanguage::English,
        T0 + 73 * HOUR,
    );
    assert!(late.contains("Reasons for the delay: (not yet known)\n"));

    let zh = authority_notice(
        &incident(),
        &controller(),
        DraftLanguage::SimplifiedChinese,
        T0 + 73 * HOUR,
    );
    assert!(zh.starts_with("个人信息安全事件报告\n"), "{zh}");
    assert!(zh.contains("个人信息处理者：Acme Trading\n"));
    assert!(zh.contains("涉及的个人信息种类：身份信息（姓名、证件号码等）；联系方式"));
    assert!(zh.contains("涉及个人数量（约）：3；涉及记录数：3\n"));
    assert!(zh.contains("迟延报告的原因：（尚不清楚）\n"));
    assert!(zh.contains("报告时间：2026-11-26 13:00 UTC\n"));
}

#[test]
fn people_notices_carry_advice_and_contact() {
    let mut i = incident();
    i.affected_people_estimate = Some(2);
    i.categories.push(BreachCategory::Other("会员等级".into()));
    let en = people_notice(&i, &controller(), DraftLanguage::English);
    assert!(
        en.contains("What you can do: Be wary of unexpected emails.\n"),
        "{en}"
    );
    assert!(en.contains("Questions: DPO, privacy@acme.example\n"));
    let zh = people_notice(&i, &controller(), DraftLanguage::SimplifiedChinese);
    assert!(
        zh.contains("我们（Acme Trading）于2026-11-23 12:00 UTC发现了"),
        "{zh}"
    );
    assert!(zh.contains("；会员等级\n"));
    assert!(zh.contains("如有疑问，请联系：DPO, privacy@acme.example\n"));
    assert_eq!(i.affected_people(), 2);
}

#[test]
fn utc_formatting_handles_the_epoch_and_before() {
    assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
    assert_eq!(format_utc(-60_000), "1969-12-31 23:59 UTC");
}

#[test]
fn incidents_are_records_with_every_field_classified() {
    use crate::record::{Record, assert_fields_classified};
    let mut i = incident();
    i.recorded_by = Some(Actor {
        user_id: Uuid::nil(),
        device_id: Uuid::from_u128(4),
    });
    // Every optional field present, so every key is written.
    i.occurred_ms = Some(T0);
    assert_fields_classified(&i);
    assert_eq!(BreachIncident::from_json(&i.to_json()).unwrap(), i);
    assert_eq!(BreachIncident::NAMESPACE, BREACH_NAMESPACE);
}

#[test]
fn form_times_are_read_as_utc_minutes() {
    assert_eq!(parse_utc_minute("2026-11-23T12:00"), Some(T0));
    assert_eq!(
        parse_utc_minute(" 2026-11-23 13:30 "),
        Some(T0 + 90 * 60_000)
    );
    assert_eq!(
        parse_utc_minute("2026-11-23T13:30:59"),
        Some(T0 + 90 * 60_000)
    );
    assert_eq!(parse_utc_minute("2026-11-23T24:00"), None);
    assert_eq!(parse_utc_minute("2026-02-30T10:00"), None);
    assert_eq!(parse_utc_minute("yesterday"), None);
    assert_eq!(utc_minute_input(T0 + 90 * 60_000), "2026-11-23T13:30");
    assert_eq!(format_utc(T0), "2026-11-23 12:00 UTC");
}
