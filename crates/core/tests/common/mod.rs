//! Builders shared by the integration tests.
#![allow(dead_code)]

use coffer_core::contact::{Contact, ContactPointKind, Email, Phone};
use uuid::Uuid;

pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// A contact that passes validation, with the given names.
pub fn person(n: u128, given: &str, family: &str) -> Contact {
    Contact {
        given_name: given.into(),
        family_name: family.into(),
        ..Contact::new(id(n), 1_700_000_000_000)
    }
}

pub fn email(address: &str) -> Email {
    Email {
        kind: ContactPointKind::Work,
        address: address.into(),
    }
}

pub fn phone(number: &str) -> Phone {
    Phone {
        kind: ContactPointKind::Mobile,
        number: number.into(),
    }
}
