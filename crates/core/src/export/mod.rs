//! Exporting records.
//!
//! - [`CsvWriter`] / [`write_csv`]: rows the app chooses (header and cells
//!   already translated and formatted) as CSV for spreadsheets, each cell
//!   protected from formula injection ([`protect_cell`]), optionally with
//!   a UTF-8 byte-order mark so Excel reads Chinese text correctly.
//!   [`contact_csv_header`] and [`contact_csv_cells`] give a default
//!   contact layout that [`crate::import`] reads back.
//! - [`JsonExportWriter`] / [`read_json_export`]: the full, versioned JSON
//!   export of records by type (format below), written in chunks.

mod csv;
mod json;

pub use self::csv::{
    CsvOptions, CsvWriter, contact_csv_cells, contact_csv_header, protect_cell, write_csv,
};
pub use self::json::{
    EXPORT_FORMAT, EXPORT_VERSION, ExportError, JsonExport, JsonExportWriter, read_json_export,
};
