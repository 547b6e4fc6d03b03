use super::*;

fn d(y: u16, m: u8, day: u8) -> CivilDate {
    CivilDate::from_ymd(y, m, day).unwrap()
}

fn request(jurisdiction: Jurisdiction, received_on: CivilDate) -> SubjectRequest {
    SubjectRequest {
        id: Uuid::from_u128(1),
        contact_id: Some(Uuid::from_u128(2)),
        kind: RequestKind::Access,
        ccpa: None,
        jurisdiction,
        received_on,
        status: RequestStatus::Received,
        extension: None,
        outcome: None,
        closed_on: None,
        recorded_by: Actor {
            user_id: Uuid::from_u128(3),
            device_id: Uuid::from_u128(4),
        },
    }
}

#[test]
fn gdpr_month_ends_clamp_including_leap_years() {
    let rules = DeadlineRules::default();
    let due = |y, m, day| request(Jurisdiction::Gdpr, d(y, m, day)).deadline(&rules);
    assert_eq!(due(2025, 1, 31), d(2025, 2, 28));
    assert_eq!(due(2024, 1, 31), d(2024, 2, 29));
    assert_eq!(due(2024, 1, 30), d(2024, 2, 29));
    assert_eq!(due(2024, 1, 29), d(2024, 2, 29));
    assert_eq!(due(2024, 1, 28), d(2024, 2, 28));
    assert_eq!(due(2024, 3, 31), d(2024, 4, 30));
    assert_eq!(due(2024, 12, 15), d(2025, 1, 15));
    assert_eq!(due(2024, 2, 29), d(2024, 3, 29));
}

#[test]
fn gdpr_extension_adds_at_most_two_months() {
    let rules = DeadlineRules::default();
    let mut r = request(Jurisdiction::Gdpr, d(2024, 1, 31));
    let ext = |n| Extension {
        period: Period::Months(n),
        notified_on: d(2024, 2, 10),
        reason_code: "complex".into(),
    };
    assert_eq!(
        r.extend(ext(3), &rules),
        Err(RequestError::ExtensionTooLong {
            latest: d(2024, 4, 29)
        })
    );
    let mut told_late = ext(2);
    told_late.notified_on = d(2024, 3, 1);
    assert_eq!(
        r.extend(told_late, &rules),
        Err(RequestError::ExtensionNotifiedTooLate {
            deadline: d(2024, 2, 29)
        })
    );
    r.extend(ext(2), &rules).unwrap();
    assert_eq!(r.deadline(&rules), d(2024, 4, 29));
    assert_eq!(r.extend(ext(1), &rules), Err(RequestError::AlreadyExtended));
}

#[test]
fn ccpa_counts_45_days_and_opt_outs_15_business_days() {
    let rules = DeadlineRules::default();
    let mut r = request(Jurisdiction::Ccpa, d(2024, 1, 1));
    r.ccpa = Some(CcpaRequest::Know);
    assert_eq!(r.kind, CcpaRequest::Know.kind());
    assert_eq!(r.deadline(&rules), d(2024, 2, 15));
    assert_eq!(r.latest_possible_deadline(&rules), d(2024, 3, 31));
    r.ccpa = Some(CcpaRequest::OptOutOfSaleOrSharing);
    // Monday 1 January 2024 + 15 business days (no holidays configured).
    assert_eq!(r.deadline(&rules), d(2024, 1, 22));
    assert!(matches!(
        r.extend(
            Extension {
                period: Period::Days(1),
                notified_on: d(2024, 1, 2),
                reason_code: "x".into()
            },
            &rules
        ),
        Err(RequestError::ExtensionNotAllowed { .. })
    ));
    assert_eq!(CcpaRequest::Delete.kind(), RequestKind::Erasure);
}

#[test]
fn pipl_default_is_15_working_days_and_configurable() {
    let mut rules = DeadlineRules::default();
    // Friday 27 September 2024, before China's National Day week.
    let r = request(Jurisdiction::Pipl, d(2024, 9, 27));
    assert_eq!(r.deadline(&rules), d(2024, 10, 18));
    for day in 1..=7 {
        rules.calendar.holidays.insert(d(2024, 10, day));
    }
    rules.calendar.extra_working_days.insert(d(2024, 9, 29));
    rules.calendar.extra_working_days.insert(d(2024, 10, 12));
    // 29 Sep, 30 Sep, 8..=12 Oct (5 + Saturday 12th) = 7, then 13 more.
    assert_eq!(r.deadline(&rules), d(2024, 10, 23));
    rules.pipl.base = Period::Days(30);
    assert_eq!(r.deadline(&rules), d(2024, 10, 27));
}

#[test]
fn triage_lists_open_requests_most_urgent_first() {
    let rules = DeadlineRules::default();
    let mut a = request(Jurisdiction::Gdpr, d(2024, 1, 31)); // due 02-29
    a.id = Uuid::from_u128(10);
    let mut b = request(Jurisdiction::Ccpa, d(2024, 1, 1)); // due 02-15
    b.id = Uuid::from_u128(11);
    let mut c = request(Jurisdiction::Pipl, d(2024, 2, 1)); // due 02-22
    c.id = Uuid::from_u128(12);
    let mut closed = request(Jurisdiction::Gdpr, d(2024, 1, 1));
    closed
        .close(RequestOutcome::Fulfilled, d(2024, 1, 5))
        .unwrap();
    let all = [a, b, c, closed];
    let got: Vec<(u128, Urgency)> = triage(&all, d(2024, 2, 20), 5, &rules)
        .into_iter()
        .map(|(r, u)| (r.id.as_u128(), u))
        .collect();
    assert_eq!(
        got,
        [
            (11, Urgency::Overdue { days_late: 5 }),
            (12, Urgency::DueSoon { days_left: 2 }),
            (10, Urgency::OnTrack { days_left: 9 }),
        ]
    );
}

#[test]
fn urgency_classifies_open_and_closed_requests() {
    let rules = DeadlineRules::default();
    let mut r = request(Jurisdiction::Gdpr, d(2024, 1, 31)); // due 2024-02-29
    assert_eq!(
        r.urgency(d(2024, 2, 1), 7, &rules),
        Urgency::OnTrack { days_left: 28 }
    );
    assert_eq!(
        r.urgency(d(2024, 2, 22), 7, &rules),
        Urgency::DueSoon { days_left: 7 }
    );
    assert_eq!(
        r.urgency(d(2024, 2, 29), 7, &rules),
        Urgency::DueSoon { days_left: 0 }
    );
    assert_eq!(
        r.urgency(d(2024, 3, 2), 7, &rules),
        Urgency::Overdue { days_late: 2 }
    );
    assert_eq!(
        r.close(RequestOutcome::Fulfilled, d(2024, 1, 1)),
        Err(RequestError::ClosedBeforeReceived {
            received_on: d(2024, 1, 31)
        })
    );
    r.close(RequestOutcome::Fulfilled, d(2024, 3, 1)).unwrap();
    assert_eq!(r.status, RequestStatus::Completed);
    assert_eq!(
        r.urgency(d(2024, 3, 2), 7, &rules),
        Urgency::Closed { late: true }
    );
    assert_eq!(
        r.close(RequestOutcome::Fulfilled, d(2024, 3, 1)),
        Err(RequestError::AlreadyClosed)
    );
}
