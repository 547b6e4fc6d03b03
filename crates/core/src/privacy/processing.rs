//! The register of processing activities (GDPR art. 30; PIPL art. 54-55
//! ask for the same facts in audits and impact assessments): for each
//! activity its purposes, lawful bases, data categories, data subjects,
//! recipients, retention, international transfers and security measures.
//! Exported as JSON ([`ProcessingRegister::to_json`]) or CSV
//! ([`ProcessingRegister::to_csv`], one row per activity, lists joined with
//! `"; "`, RFC 4180 quoting, cells that a spreadsheet would run as a
//! formula prefixed with `'`).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::consent::LawfulBasis;

/// Record namespace of processing activities: each activity is its own
/// record (its id is the record id), so two people editing different
/// activities never overwrite each other; the register is assembled from
/// them and the controller details kept in settings.
pub const PROCESSING_NAMESPACE: &str = "processing_activity";

/// The business keeping the register (also the sender of breach notices).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Controller {
    pub name: String,
    pub address: String,
    /// The data protection officer or privacy contact.
    pub contact_person: String,
    pub email: String,
    pub phone: String,
}

/// A transfer of data out of the jurisdiction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Transfer {
    /// Country or international organisation.
    pub destination: String,
    /// The safeguard: adequacy decision, standard contractual clauses,
    /// CAC security assessment, PIPL standard contract, certification...
    pub safeguard: String,
}

/// One processing activity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcessingActivity {
    pub id: Uuid,
    pub name: String,
    pub purposes: Vec<String>,
    pub lawful_bases: Vec<LawfulBasis>,
    pub data_categories: Vec<String>,
    pub data_subjects: Vec<String>,
    pub recipients: Vec<String>,
    /// The retention period or the criteria for it.
    pub retention: String,
    pub transfers: Vec<Transfer>,
    pub security_measures: Vec<String>,
}

/// The whole register.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProcessingRegister {
    pub controller: Controller,
    pub activities: Vec<ProcessingActivity>,
}

/// The CSV header row.
pub const CSV_COLUMNS: [&str; 14] = [
    "controller",
    "controller_contact",
    "activity_id",
    "activity",
    "purposes",
    "lawful_bases",
    "data_categories",
    "data_subjects",
    "recipients",
    "retention",
    "transfers",
    "transfer_safeguards",
    "security_measures",
    "controller_address",
];

impl ProcessingRegister {
    /// Pretty-printed JSON.
    pub fn to_json(&self) -> String {
        // Cannot fail: only strings, UUIDs, unit enums and lists of them.
        serde_json::to_string_pretty(self).expect("register serialises to JSON")
    }

    /// Reads [`ProcessingRegister::to_json`] back.
    pub fn from_json(json: &str) -> Result<ProcessingRegister, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// CSV with a header row and one row per activity, CRLF line ends.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        push_row(&mut out, CSV_COLUMNS.iter().map(|c| c.to_string()));
        let contact = [
            self.controller.contact_person.as_str(),
            self.controller.email.as_str(),
            self.controller.phone.as_str(),
        ]
        .iter()
        .filter(|s| !s.trim().is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("; ");
        for a in &self.activities {
            let bases: Vec<String> = a
                .lawful_bases
                .iter()
                .map(|b| {
                    serde_json::to_value(b)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                })
                .collect();
            push_row(
                &mut out,
                [
                    self.controller.name.clone(),
                    contact.clone(),
                    a.id.to_string(),
                    a.name.clone(),
                    a.purposes.join("; "),
                    bases.join("; "),
                    a.data_categories.join("; "),
                    a.data_subjects.join("; "),
                    a.recipients.join("; "),
                    a.retention.clone(),
                    a.transfers
                        .iter()
                        .map(|t| t.destination.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                    a.transfers
                        .iter()
                        .map(|t| t.safeguard.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                    a.security_measures.join("; "),
                    self.controller.address.clone(),
                ]
                .into_iter(),
            );
        }
        out
    }
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_cell(&cell));
    }
    out.push_str("\r\n");
}

/// One CSV cell: quoted when needed, and defused when a spreadsheet would
/// read it as a formula.
pub fn csv_cell(value: &str) -> String {
    let defused;
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        defused = format!("'{value}");
        defused.as_str()
    } else {
        value
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

crate::record::impl_record!(ProcessingActivity, PROCESSING_NAMESPACE, {
    id: Public,
    name: Public,
    purposes: Public,
    lawful_bases: Public,
    data_categories: Public,
    data_subjects: Public,
    recipients: Public,
    retention: Public,
    transfers: Public,
    security_measures: Public,
});

#[cfg(test)]
mod tests {
    #[test]
    fn activities_are_records_with_every_field_classified() {
        use crate::record::{Record, assert_fields_classified};
        let a = super::ProcessingActivity {
            id: uuid::Uuid::from_u128(3),
            name: "Newsletter".into(),
            ..Default::default()
        };
        assert_fields_classified(&a);
        assert_eq!(
            super::ProcessingActivity::from_json(&a.to_json()).unwrap(),
            a
        );
    }

    use super::*;

    fn register() -> ProcessingRegister {
        ProcessingRegister {
            controller: Controller {
                name: "Acme Trading GmbH".into(),
                address: "1 Main St, Berlin".into(),
                contact_person: "Data Protection Officer".into(),
                email: "privacy@acme.example".into(),
                phone: String::new(),
            },
            activities: vec![ProcessingActivity {
                id: Uuid::from_u128(1),
                name: "Customer relationship management".into(),
                purposes: vec!["Sales follow-up".into(), "Invoicing".into()],
                lawful_bases: vec![LawfulBasis::Contract, LawfulBasis::LegitimateInterests],
                data_categories: vec!["Name".into(), "Business email, phone".into()],
                data_subjects: vec!["Customers' employees".into()],
                recipients: vec!["=HYPERLINK(\"http://evil\")".into()],
                retention: "24 months after last contact".into(),
                transfers: vec![Transfer {
                    destination: "China".into(),
                    safeguard: "Standard contractual clauses".into(),
                }],
                security_measures: vec!["End-to-end encryption".into(), "Audit log".into()],
            }],
        }
    }

    #[test]
    fn csv_has_a_header_and_one_quoted_row_per_activity() {
        let csv = register().to_csv();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 3, "{csv}");
        assert_eq!(lines[0], CSV_COLUMNS.join(","));
        assert!(lines[1].starts_with("Acme Trading GmbH,Data Protection Officer; privacy@acme.example,00000000-0000-0000-0000-000000000001,"));
        assert!(lines[1].contains(",Sales follow-up; Invoicing,contract; legitimate_interests,"));
        assert!(lines[1].contains(",\"Name; Business email, phone\","));
        assert!(lines[1].contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","));
        assert!(lines[1].ends_with(",\"1 Main St, Berlin\""));
        assert_eq!(lines[2], "");
    }

    #[test]
    fn json_round_trips() {
        let r = register();
        assert_eq!(ProcessingRegister::from_json(&r.to_json()).unwrap(), r);
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a\nb"), "\"a\nb\"");
    }
}
