//! The full JSON export: every record the user holds, by type, in one
//! versioned document for portability (GDPR Art. 20, PIPL Art. 45) and
//! backups the user keeps themselves.
//!
//! ```json
//! {
//!   "format": "coffer-export",
//!   "version": 1,
//!   "exported_ms": 1700000000000,
//!   "records": {
//!     "contact": [ { "id": "…", "given_name": "伟", … }, … ],
//!     "company": [ … ]
//!   }
//! }
//! ```
//!
//! - `format` is always `"coffer-export"`; `version` is
//!   [`EXPORT_VERSION`] and changes only when this layout changes (not
//!   when a record type gains fields).
//! - `records` maps each record namespace (see [`crate::record`]) to its
//!   records, each the same JSON object the app encrypts, so any field a
//!   record has is exported. Types appear in the order written; records
//!   keep the order given.
//! - Plain UTF-8 JSON, no byte-order mark. It contains plaintext personal
//!   data: the app must say so before the user downloads it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const EXPORT_FORMAT: &str = "coffer-export";
pub const EXPORT_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// A record handed to the writer is not a JSON object.
    #[error("record {index} of type {namespace} is not a JSON object")]
    NotAnObject { namespace: String, index: usize },
    /// Records of one type must be written together.
    #[error("records of type {0} were already written before another type")]
    NamespaceNotContiguous(String),
    #[error("not a Coffer export")]
    NotAnExport,
    #[error("export version {0} is newer than this app understands")]
    UnsupportedVersion(u32),
    #[error("export JSON is malformed: {0}")]
    Json(String),
}

/// A read export.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JsonExport {
    pub format: String,
    pub version: u32,
    pub exported_ms: i64,
    pub records: BTreeMap<String, Vec<Value>>,
}

/// Writes an export in chunks: push records type by type, take the bytes
/// so far whenever convenient, then finish.
pub struct JsonExportWriter {
    out: Vec<u8>,
    current: Option<String>,
    done: Vec<String>,
    in_type: usize,
}

impl JsonExportWriter {
    pub fn new(exported_ms: i64) -> JsonExportWriter {
        let out = format!(
            "{{\"format\":\"{EXPORT_FORMAT}\",\"version\":{EXPORT_VERSION},\"exported_ms\":{exported_ms},\"records\":{{"
        )
        .into_bytes();
        JsonExportWriter {
            out,
            current: None,
            done: Vec::new(),
            in_type: 0,
        }
    }

    /// Adds one record (its JSON plaintext) under `namespace`.
    pub fn push(&mut self, namespace: &str, record_json: &[u8]) -> Result<(), ExportError> {
        let value: Value =
            serde_json::from_slice(record_json).map_err(|e| ExportError::Json(e.to_string()))?;
        self.push_value(namespace, &value)
    }

    /// Adds one record already parsed.
    pub fn push_value(&mut self, namespace: &str, record: &Value) -> Result<(), ExportError> {
        if self.current.as_deref() != Some(namespace) {
            if self.done.iter().any(|d| d == namespace) {
                return Err(ExportError::NamespaceNotContiguous(namespace.to_owned()));
            }
            if let Some(prev) = self.current.take() {
                self.out.extend_from_slice(b"],");
                self.done.push(prev);
            }
            // A namespace is a JSON string like any other.
            let key = Value::String(namespace.to_owned()).to_string();
            self.out.extend_from_slice(key.as_bytes());
            self.out.extend_from_slice(b":[");
            self.current = Some(namespace.to_owned());
            self.in_type = 0;
        }
        if !record.is_object() {
            return Err(ExportError::NotAnObject {
                namespace: namespace.to_owned(),
                index: self.in_type,
            });
        }
        if self.in_type > 0 {
            self.out.push(b',');
        }
        self.out.extend_from_slice(record.to_string().as_bytes());
        self.in_type += 1;
        Ok(())
    }

    /// The bytes written since the last call.
    pub fn take_bytes(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// The closing bytes (after anything not yet taken).
    pub fn finish(mut self) -> Vec<u8> {
        if self.current.is_some() {
            self.out.push(b']');
        }
        self.out.extend_from_slice(b"}}");
        self.out
    }
}

/// Reads an export back, refusing other documents and newer versions.
pub fn read_json_export(bytes: &[u8]) -> Result<JsonExport, ExportError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| ExportError::Json(e.to_string()))?;
    if value.get("format").and_then(Value::as_str) != Some(EXPORT_FORMAT) {
        return Err(ExportError::NotAnExport);
    }
    let version = value.get("version").and_then(Value::as_u64).unwrap_or(0);
    if version > u64::from(EXPORT_VERSION) || version == 0 {
        return Err(ExportError::UnsupportedVersion(
            u32::try_from(version).unwrap_or(u32::MAX),
        ));
    }
    serde_json::from_value(value).map_err(|e| ExportError::Json(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn written_in_chunks_reads_back() {
        let mut w = JsonExportWriter::new(42);
        let mut bytes = Vec::new();
        w.push("contact", r#"{"id":"a","given_name":"伟"}"#.as_bytes())
            .unwrap();
        bytes.extend(w.take_bytes());
        w.push("contact", br#"{"id":"b"}"#).unwrap();
        w.push_value("company", &json!({"id": "c", "name": "Acme"}))
            .unwrap();
        bytes.extend(w.finish());
        let export = read_json_export(&bytes).unwrap();
        assert_eq!(export.version, EXPORT_VERSION);
        assert_eq!(export.exported_ms, 42);
        assert_eq!(export.records["contact"].len(), 2);
        assert_eq!(export.records["contact"][0]["given_name"], "伟");
        assert_eq!(export.records["company"][0]["name"], "Acme");
    }

    #[test]
    fn empty_export_is_valid() {
        let bytes = JsonExportWriter::new(1).finish();
        assert!(read_json_export(&bytes).unwrap().records.is_empty());
    }

    #[test]
    fn misuse_and_foreign_documents_are_refused() {
        let mut w = JsonExportWriter::new(1);
        w.push("contact", b"{}").unwrap();
        w.push("company", b"{}").unwrap();
        assert_eq!(
            w.push("contact", b"{}"),
            Err(ExportError::NamespaceNotContiguous("contact".into()))
        );
        assert_eq!(
            w.push("company", b"[1]"),
            Err(ExportError::NotAnObject {
                namespace: "company".into(),
                index: 1
            })
        );
        assert!(matches!(w.push("company", b"{"), Err(ExportError::Json(_))));
        assert_eq!(read_json_export(b"{}"), Err(ExportError::NotAnExport));
        assert_eq!(
            read_json_export(br#"{"format":"coffer-export","version":2}"#),
            Err(ExportError::UnsupportedVersion(2))
        );
    }
}
