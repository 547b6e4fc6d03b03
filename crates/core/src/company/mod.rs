//! Companies (organisations a team sells to or serves): name, web domain,
//! industry, size band, a registration number (a Chinese unified social
//! credit code is checked digit by digit, see [`uscc`]), several addresses,
//! an owner, tags, notes and custom field values.
//!
//! As for contacts: [`Company::normalized`] tidies input,
//! [`Company::validate`] reports every problem at once as
//! [`Problems<CompanyField>`], and the JSON form tolerates missing and
//! unknown fields ([`crate::record::Record`]).

pub mod table;
pub mod uscc;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::contact::{MAX_ADDRESS_PART_CHARS, MAX_NAME_CHARS, MAX_NOTES_CHARS};
use crate::custom_field::{
    CustomFieldDef, CustomValues, RecordKind, check_custom, normalize_custom,
};
use crate::problem::{Problem, Problems, check_tags, normalize_tags, too_long};
use crate::record::{COMPANY_NAMESPACE, impl_record};
use crate::text::{collapse_whitespace, fold};
use crate::website::{domain_of, is_plausible_domain, normalize_url};

pub use uscc::{UsccError, normalize_uscc, uscc_check_char, validate_uscc};

pub const MAX_INDUSTRY_CHARS: usize = 100;
pub const MAX_REGISTRATION_CHARS: usize = 50;
pub const MAX_ADDRESSES: usize = 20;

/// An organisation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Company {
    /// Random (v4), never derived from content.
    pub id: Uuid,
    pub name: String,
    /// Bare lowercase domain, "example.com"; used to match contacts'
    /// email addresses to their company.
    pub domain: String,
    /// Full address of the home page, `https://www.example.com`.
    pub website: String,
    pub industry: String,
    pub size: SizeBand,
    pub registration: Registration,
    pub addresses: Vec<CompanyAddress>,
    /// The team member responsible for this company.
    pub owner: Option<Uuid>,
    /// Who is responsible, as the team writes it (until team members are
    /// records, when `owner` names one).
    pub owner_name: String,
    pub tags: Vec<String>,
    pub notes: String,
    /// Unix milliseconds.
    pub created_ms: i64,
    /// Unix milliseconds.
    pub updated_ms: i64,
    pub custom: CustomValues,
}

impl_record!(Company, COMPANY_NAMESPACE, {
    id: Public,
    name: Personal,
    domain: Personal,
    website: Personal,
    industry: Public,
    size: Public,
    registration: Personal,
    addresses: Personal,
    owner: Public,
    owner_name: Personal,
    tags: Personal,
    notes: Sensitive,
    created_ms: Public,
    updated_ms: Public,
    // Per value in truth: see `custom_field::split_by_class`.
    custom: Sensitive,
});

/// Head count, in the bands most CRMs and business registers use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SizeBand {
    #[serde(rename = "1-10")]
    UpTo10,
    #[serde(rename = "11-50")]
    UpTo50,
    #[serde(rename = "51-200")]
    UpTo200,
    #[serde(rename = "201-500")]
    UpTo500,
    #[serde(rename = "501-1000")]
    UpTo1000,
    #[serde(rename = "1001-5000")]
    UpTo5000,
    #[serde(rename = "5001-10000")]
    UpTo10000,
    #[serde(rename = "10001+")]
    Over10000,
    /// Not known, or a band this version does not know (written by a newer
    /// one). Last because serde requires `other` there.
    #[default]
    #[serde(rename = "unknown", other)]
    Unknown,
}

impl SizeBand {
    pub const ALL: [SizeBand; 9] = [
        SizeBand::Unknown,
        SizeBand::UpTo10,
        SizeBand::UpTo50,
        SizeBand::UpTo200,
        SizeBand::UpTo500,
        SizeBand::UpTo1000,
        SizeBand::UpTo5000,
        SizeBand::UpTo10000,
        SizeBand::Over10000,
    ];

    /// The band holding `employees` people.
    pub fn for_headcount(employees: u64) -> SizeBand {
        match employees {
            0 => SizeBand::Unknown,
            1..=10 => SizeBand::UpTo10,
            11..=50 => SizeBand::UpTo50,
            51..=200 => SizeBand::UpTo200,
            201..=500 => SizeBand::UpTo500,
            501..=1000 => SizeBand::UpTo1000,
            1001..=5000 => SizeBand::UpTo5000,
            5001..=10_000 => SizeBand::UpTo10000,
            _ => SizeBand::Over10000,
        }
    }
}

/// Which registry a company number belongs to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationScheme {
    /// 统一社会信用代码, checked by [`validate_uscc`].
    #[default]
    Uscc,
    /// Any other registry; `issuer` says which. Not checked beyond length.
    #[serde(other)]
    Other,
}

/// A company's official registration number. Empty `number`: none known.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Registration {
    pub scheme: RegistrationScheme,
    pub number: String,
    /// For [`RegistrationScheme::Other`]: the registry or kind of number
    /// ("Companies House", "EIN", "HRB München").
    pub issuer: String,
}

/// What an address is used for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    /// The registered (legal) address.
    Registered,
    Office,
    Billing,
    Shipping,
    #[default]
    #[serde(other)]
    Other,
}

/// A postal address, in the parts Chinese addresses have (省/市/区) and
/// that cover most others (state as province, no district).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompanyAddress {
    pub kind: AddressKind,
    pub country: String,
    /// Province, state or region.
    pub province: String,
    pub city: String,
    pub district: String,
    pub street: String,
    pub postcode: String,
}

impl CompanyAddress {
    pub fn parts(&self) -> [&str; 6] {
        [
            &self.country,
            &self.province,
            &self.city,
            &self.district,
            &self.street,
            &self.postcode,
        ]
    }

    pub fn is_empty(&self) -> bool {
        self.parts().iter().all(|p| p.trim().is_empty())
    }

    /// Whether the country names mainland China, where postcodes are six
    /// digits.
    fn is_in_china(&self) -> bool {
        matches!(
            fold(self.country.trim()).as_str(),
            "cn" | "chn" | "china" | "prc" | "中国" | "中华人民共和国" | "中国大陆"
        )
    }
}

/// Which input of a company form a problem belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompanyField {
    Name,
    Domain,
    Website,
    Industry,
    Registration,
    Address(usize),
    /// The postcode of one address.
    Postcode(usize),
    Tag(usize),
    Notes,
    Custom(Uuid),
}

impl Company {
    /// An empty company with the given id, created and updated at `now_ms`.
    pub fn new(id: Uuid, now_ms: i64) -> Company {
        Company {
            id,
            created_ms: now_ms,
            updated_ms: now_ms,
            ..Company::default()
        }
    }

    /// Trims everything; collapses whitespace in the name and industry;
    /// brings the website to canonical form and the domain to a bare
    /// lowercase domain (taken from the website when empty); normalises a
    /// USCC ([`normalize_uscc`]); drops empty addresses and tags, and tags
    /// repeating an earlier one; tidies custom values against `defs`.
    /// Input that cannot be made plausible is kept trimmed, for
    /// [`Company::validate`] to report.
    pub fn normalized(self, defs: &[CustomFieldDef]) -> Company {
        let website = self.website.trim();
        let website = normalize_url(website).unwrap_or_else(|| website.to_owned());
        let domain = self.domain.trim();
        let domain = if domain.is_empty() {
            domain_of(&website).unwrap_or_default()
        } else {
            domain_of(domain).unwrap_or_else(|| domain.to_lowercase())
        };
        let number = match self.registration.scheme {
            RegistrationScheme::Uscc => normalize_uscc(&self.registration.number),
            RegistrationScheme::Other => collapse_whitespace(&self.registration.number),
        };
        Company {
            name: collapse_whitespace(&self.name),
            domain,
            website,
            industry: collapse_whitespace(&self.industry),
            owner_name: collapse_whitespace(&self.owner_name),
            registration: Registration {
                scheme: self.registration.scheme,
                number,
                issuer: collapse_whitespace(&self.registration.issuer),
            },
            addresses: self
                .addresses
                .into_iter()
                .map(|a| CompanyAddress {
                    kind: a.kind,
                    country: a.country.trim().to_owned(),
                    province: a.province.trim().to_owned(),
                    city: a.city.trim().to_owned(),
                    district: a.district.trim().to_owned(),
                    street: a.street.trim().to_owned(),
                    postcode: a.postcode.trim().to_owned(),
                })
                .filter(|a| !a.is_empty())
                .collect(),
            tags: normalize_tags(self.tags),
            notes: self.notes.trim().to_owned(),
            custom: normalize_custom(defs, RecordKind::Company, self.custom),
            ..self
        }
    }

    /// Checks every rule; run on [`Company::normalized`] output.
    pub fn validate(&self, defs: &[CustomFieldDef]) -> Result<(), Problems<CompanyField>> {
        use CompanyField as F;
        let mut p = Problems::default();
        if self.name.trim().is_empty() {
            p.push(F::Name, Problem::Required);
        } else if too_long(&self.name, MAX_NAME_CHARS) {
            p.push(
                F::Name,
                Problem::TooLong {
                    max: MAX_NAME_CHARS,
                },
            );
        }
        if !self.domain.is_empty() && !is_plausible_domain(&self.domain) {
            p.push(F::Domain, Problem::InvalidDomain);
        }
        if !self.website.is_empty() && normalize_url(&self.website).as_ref() != Some(&self.website)
        {
            p.push(F::Website, Problem::InvalidUrl);
        }
        if too_long(&self.industry, MAX_INDUSTRY_CHARS) {
            let max = MAX_INDUSTRY_CHARS;
            p.push(F::Industry, Problem::TooLong { max });
        }
        let reg = &self.registration;
        if !reg.number.is_empty() {
            match reg.scheme {
                RegistrationScheme::Uscc => {
                    if let Err(e) = validate_uscc(&reg.number) {
                        p.push(F::Registration, Problem::InvalidUscc(e));
                    }
                }
                RegistrationScheme::Other => {
                    let max = MAX_REGISTRATION_CHARS;
                    if too_long(&reg.number, max) || too_long(&reg.issuer, max) {
                        p.push(F::Registration, Problem::TooLong { max });
                    }
                }
            }
        }
        for (i, a) in self.addresses.iter().enumerate() {
            if i == MAX_ADDRESSES {
                p.push(F::Address(i), Problem::TooMany { max: MAX_ADDRESSES });
            }
            if a.parts()
                .iter()
                .any(|s| too_long(s, MAX_ADDRESS_PART_CHARS))
            {
                let max = MAX_ADDRESS_PART_CHARS;
                p.push(F::Address(i), Problem::TooLong { max });
            }
            let code = a.postcode.trim();
            if a.is_in_china()
                && !code.is_empty()
                && !(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()))
            {
                p.push(F::Postcode(i), Problem::InvalidPostcode);
            }
        }
        check_tags(&self.tags, F::Tag, &mut p);
        if too_long(&self.notes, MAX_NOTES_CHARS) {
            p.push(
                F::Notes,
                Problem::TooLong {
                    max: MAX_NOTES_CHARS,
                },
            );
        }
        check_custom(defs, RecordKind::Company, &self.custom, F::Custom, &mut p);
        p.into_result()
    }
}

/// The company whose domain the email address belongs to: its domain, or a
/// subdomain of it ("ann@sales.example.com" matches "example.com"). The
/// longest matching domain wins; `None` when none matches.
pub fn company_for_email<'a>(companies: &'a [Company], email: &str) -> Option<&'a Company> {
    let (_, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.to_lowercase();
    companies
        .iter()
        .filter(|c| !c.domain.is_empty())
        .filter(|c| {
            domain == c.domain
                || domain
                    .strip_suffix(c.domain.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
        .max_by_key(|c| c.domain.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::custom_field::{CustomFieldError, FieldKind};
    use crate::record::{LoadError, Record};

    fn company() -> Company {
        Company {
            name: "Acme".into(),
            ..Company::new(Uuid::from_u128(1), 5)
        }
    }

    #[test]
    fn normalisation_tidies_names_web_and_registration() {
        let c = Company {
            name: "  Acme \t Trading ".into(),
            website: " WWW.Acme.COM/ ".into(),
            industry: " Retail  ".into(),
            registration: Registration {
                scheme: RegistrationScheme::Uscc,
                number: "９１３５０１００m000100y43".into(),
                issuer: String::new(),
            },
            addresses: vec![
                CompanyAddress::default(),
                CompanyAddress {
                    city: " 上海 ".into(),
                    ..CompanyAddress::default()
                },
            ],
            tags: vec!["VIP".into(), "vip".into()],
            ..company()
        }
        .normalized(&[]);
        assert_eq!(c.name, "Acme Trading");
        assert_eq!(c.website, "https://www.acme.com");
        assert_eq!(c.domain, "acme.com");
        assert_eq!(c.industry, "Retail");
        assert_eq!(c.registration.number, "91350100M000100Y43");
        assert_eq!(c.addresses.len(), 1);
        assert_eq!(c.addresses[0].city, "上海");
        assert_eq!(c.tags, ["VIP"]);
        assert_eq!(c.validate(&[]), Ok(()));
        let typed_domain = Company {
            domain: "https://Shop.Example.cn/x".into(),
            ..company()
        };
        assert_eq!(typed_domain.normalized(&[]).domain, "shop.example.cn");
    }

    #[test]
    fn validation_reports_each_problem() {
        use CompanyField as F;
        let c = Company {
            name: " ".into(),
            domain: "not a domain".into(),
            website: "ftp://x".into(),
            registration: Registration {
                number: "91350100M000100Y42".into(),
                ..Registration::default()
            },
            addresses: vec![CompanyAddress {
                country: "中国".into(),
                postcode: "20000".into(),
                ..CompanyAddress::default()
            }],
            tags: vec!["".into()],
            ..company()
        };
        let p = c.validate(&[]).unwrap_err();
        assert!(p.contains(F::Name, Problem::Required));
        assert!(p.contains(F::Domain, Problem::InvalidDomain));
        assert!(p.contains(F::Website, Problem::InvalidUrl));
        assert!(p.contains(
            F::Registration,
            Problem::InvalidUscc(UsccError::BadCheckCharacter)
        ));
        assert!(p.contains(F::Postcode(0), Problem::InvalidPostcode));
        assert!(p.contains(F::Tag(0), Problem::Required));
    }

    #[test]
    fn other_registrations_are_only_length_checked() {
        let c = Company {
            registration: Registration {
                scheme: RegistrationScheme::Other,
                number: "  12345678 ".into(),
                issuer: "Companies House".into(),
            },
            addresses: vec![CompanyAddress {
                country: "GB".into(),
                postcode: "SW1A 1AA".into(),
                ..CompanyAddress::default()
            }],
            ..company()
        }
        .normalized(&[]);
        assert_eq!(c.registration.number, "12345678");
        assert_eq!(c.validate(&[]), Ok(()));
    }

    #[test]
    fn custom_values_are_validated_against_company_definitions() {
        let def = CustomFieldDef {
            required: true,
            ..CustomFieldDef::new(
                Uuid::from_u128(9),
                RecordKind::Company,
                "Tier".into(),
                FieldKind::Number,
                0,
            )
        };
        let p = company().validate(std::slice::from_ref(&def)).unwrap_err();
        assert!(p.contains(
            CompanyField::Custom(def.id),
            Problem::Custom(CustomFieldError::Required)
        ));
    }

    #[test]
    fn emails_match_companies_by_domain_and_subdomain() {
        let a = Company {
            domain: "example.com".into(),
            ..company()
        };
        let b = Company {
            id: Uuid::from_u128(2),
            domain: "cn.example.com".into(),
            ..company()
        };
        let none = Company {
            id: Uuid::from_u128(3),
            ..company()
        };
        let all = [a, b, none];
        let found = |e| company_for_email(&all, e).map(|c| c.id.as_u128());
        assert_eq!(found("ann@Example.COM"), Some(1));
        assert_eq!(found("ann@sales.example.com"), Some(1));
        assert_eq!(found("wei@cn.example.com"), Some(2));
        assert_eq!(found("eve@notexample.com"), None);
        assert_eq!(found("no-at-sign"), None);
    }

    #[test]
    fn size_bands_cover_headcounts_and_tolerate_unknown_names() {
        assert_eq!(SizeBand::for_headcount(10), SizeBand::UpTo10);
        assert_eq!(SizeBand::for_headcount(11), SizeBand::UpTo50);
        assert_eq!(SizeBand::for_headcount(20_000), SizeBand::Over10000);
        assert_eq!(
            serde_json::to_string(&SizeBand::UpTo200).unwrap(),
            r#""51-200""#
        );
        let future: SizeBand = serde_json::from_str(r#""10001-50000""#).unwrap();
        assert_eq!(future, SizeBand::Unknown);
        for b in SizeBand::ALL {
            let s = serde_json::to_string(&b).unwrap();
            assert_eq!(serde_json::from_str::<SizeBand>(&s).unwrap(), b);
        }
    }

    #[test]
    fn json_round_trips_and_tolerates_old_and_new_fields() {
        let c = Company {
            addresses: vec![CompanyAddress {
                kind: AddressKind::Registered,
                city: "深圳".into(),
                ..CompanyAddress::default()
            }],
            owner: Some(Uuid::from_u128(3)),
            ..company()
        };
        assert_eq!(Company::from_json(&c.to_json()), Ok(c));
        let old = br#"{"id":"00000000-0000-0000-0000-000000000001","name":"Old","future":1}"#;
        assert_eq!(Company::from_json(old).unwrap().name, "Old");
        assert_eq!(Company::from_json(b"{}"), Err(LoadError::MissingId));
        assert_eq!(Company::NAMESPACE, "company");
    }
}
