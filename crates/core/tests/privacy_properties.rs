//! Property tests of the privacy rules: calendar arithmetic behind legal
//! deadlines, tamper detection of the audit chain, and anonymisation.

use coffer_core::date::{CivilDate, days_in_month};
use coffer_core::privacy::anonymise::{
    anonymise_contact, contact_field_class, kept_by_anonymisation,
};
use coffer_core::privacy::audit::{
    AuditAction, AuditDraft, AuditEntry, ChainHead, SignatureProblem, append, verify_chain,
};
use coffer_core::privacy::calendar::WorkingCalendar;
use coffer_core::privacy::request::{DeadlineRules, Jurisdiction, Period};
use proptest::prelude::*;
use serde_json::json;
use uuid::Uuid;

fn date() -> impl Strategy<Value = CivilDate> {
    // 1900-01-01 ..= 2200-12-31
    (-25_567i64..84_000).prop_map(|days| CivilDate::from_days_since_epoch(days).unwrap())
}

/// A keyed hash standing in for a signature (the chain logic is what is
/// under test; real Ed25519 is covered in `privacy_audit_ed25519.rs`).
fn sign(message: &[u8]) -> [u8; 64] {
    let mut sig = [0u8; 64];
    for (i, b) in message.iter().enumerate() {
        sig[i % 64] = sig[i % 64].wrapping_mul(31).wrapping_add(*b ^ 0x5a);
    }
    sig
}

fn verify(_: Uuid, message: &[u8], sig: &[u8]) -> Result<(), SignatureProblem> {
    if sign(message)[..] == *sig {
        Ok(())
    } else {
        Err(SignatureProblem::Invalid)
    }
}

const DEVICE: Uuid = Uuid::from_u128(0xD);

fn chain(n: usize) -> (Vec<AuditEntry>, Option<ChainHead>) {
    let mut head = None;
    let mut out = Vec::new();
    for i in 0..n {
        let draft = AuditDraft {
            at_ms: 1000 * i as i64,
            actor: Uuid::from_u128(1),
            action: AuditAction::Edit,
            record_type: "contact".into(),
            record_id: Some(Uuid::from_u128(i as u128)),
            detail: format!("n={i}"),
        };
        let (e, h) = append(DEVICE, head.as_ref(), draft, &sign).unwrap();
        out.push(e);
        head = Some(h);
    }
    (out, head)
}

proptest! {
    #[test]
    fn dates_round_trip_through_days_and_text(d in date()) {
        prop_assert_eq!(CivilDate::from_days_since_epoch(d.days_since_epoch()), Some(d));
        prop_assert_eq!(d.to_string().parse::<CivilDate>(), Ok(d));
        prop_assert_eq!(d.add_days(1).unwrap().days_since_epoch(), d.days_since_epoch() + 1);
    }

    #[test]
    fn adding_months_moves_the_month_and_clamps_the_day(d in date(), n in 0u32..40) {
        let later = d.add_months(n).unwrap();
        let months = |x: CivilDate| i64::from(x.year()) * 12 + i64::from(x.month());
        prop_assert_eq!(months(later) - months(d), i64::from(n));
        prop_assert_eq!(later.day(), d.day().min(days_in_month(later.year(), later.month())));
        prop_assert_eq!(d.whole_months_until(later), i64::from(n));
    }

    #[test]
    fn gdpr_deadlines_fall_28_to_31_days_after_receipt(d in date()) {
        let rules = DeadlineRules::default();
        let due = rules.gdpr.base.after(d, &rules.calendar);
        prop_assert!((28..=31).contains(&d.days_until(due)), "{} -> {}", d, due);
        prop_assert_eq!(rules.rule(Jurisdiction::Gdpr, None).base, Period::Months(1));
    }

    #[test]
    fn working_day_deadlines_land_on_working_days_and_count_exactly(
        d in date(),
        n in 1u32..40,
        holidays in prop::collection::btree_set(0i64..60, 0..8),
    ) {
        let cal = WorkingCalendar {
            holidays: holidays.into_iter().map(|k| d.add_days(k).unwrap()).collect(),
            ..WorkingCalendar::default()
        };
        let due = cal.add_working_days(d, n).unwrap();
        prop_assert!(cal.is_working_day(due));
        let counted = (1..=d.days_until(due)).filter(|&k| cal.is_working_day(d.add_days(k).unwrap())).count();
        prop_assert_eq!(counted, n as usize);
    }

    #[test]
    fn any_single_change_to_a_chain_is_detected(
        len in 2usize..8,
        pick in any::<prop::sample::Index>(),
        field in 0u8..6,
        flip in 1u8..=255,
    ) {
        let (mut entries, head) = chain(len);
        let i = pick.index(len);
        let e = &mut entries[i];
        match field {
            0 => e.at_ms ^= i64::from(flip),
            1 => e.actor = Uuid::from_u128(e.actor.as_u128() ^ u128::from(flip)),
            2 => e.action = AuditAction::Export,
            3 => e.detail.push('x'),
            4 => e.signature[usize::from(flip) % 64] ^= flip,
            _ => e.prev_hash[usize::from(flip) % 32] ^= flip,
        }
        prop_assert!(verify_chain(DEVICE, &entries, &verify, head.as_ref()).is_err());
    }

    #[test]
    fn anonymisation_removes_every_unlisted_value(
        key in "[a-z]{3,10}_[a-z]{3,10}",
        secret in "[A-Za-z]{12}",
    ) {
        prop_assume!(!kept_by_anonymisation(contact_field_class(&key)));
        let mut record = json!({"id": "6f1c2a52-0d8e-4b7e-9c59-3b8f0c1d2e3f", "given_name": secret.clone()});
        record[key.as_str()] = json!({"nested": [secret.clone()]});
        let out = anonymise_contact(&record, 0).unwrap();
        prop_assert!(!out.record.to_string().contains(&secret));
    }
}
