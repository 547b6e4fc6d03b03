//! CSV export with formula-injection protection.

use std::borrow::Cow;

use crate::contact::{Contact, ContactPointKind};

/// How to write the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvOptions {
    /// Start with a UTF-8 byte-order mark: Excel on Windows then reads the
    /// file as UTF-8 instead of the system code page (GBK in China).
    pub bom: bool,
    pub delimiter: u8,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            bom: true,
            delimiter: b',',
        }
    }
}

/// Cells starting with these are run as formulas by spreadsheet apps.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Prefixes an apostrophe to a cell that a spreadsheet would run as a
/// formula (it starts with `=`, `+`, `-`, `@`, tab or carriage return), as
/// OWASP's CSV-injection guidance says; the apostrophe makes Excel and
/// LibreOffice show the text as is. A cell that itself starts with an
/// apostrophe gets one too, so the importer, which drops one protecting
/// apostrophe, reads every cell back exactly (and Excel shows it as is). Negative numbers ("-5") are protected
/// too: the app should format numbers it wants summed without a sign
/// prefix or accept them as text.
pub fn protect_cell(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) || cell.starts_with('\'') {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Writes CSV in chunks: push rows, take the bytes so far (to hand to a
/// download stream and let the browser breathe), finish.
pub struct CsvWriter {
    inner: ::csv::Writer<Vec<u8>>,
    delimiter: u8,
}

fn writer(delimiter: u8, buf: Vec<u8>) -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(::csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(buf)
}

impl CsvWriter {
    /// Starts a file with its header row (protected like any row).
    pub fn new<S: AsRef<str>>(header: &[S], options: CsvOptions) -> CsvWriter {
        let mut buf = Vec::new();
        if options.bom {
            buf.extend_from_slice(b"\xEF\xBB\xBF");
        }
        let mut w = CsvWriter {
            inner: writer(options.delimiter, buf),
            delimiter: options.delimiter,
        };
        w.push_row(header);
        w
    }

    pub fn push_row<S: AsRef<str>>(&mut self, cells: &[S]) {
        // Writing to a Vec cannot fail: no I/O, and flexible rows allow
        // any length.
        let _ = self
            .inner
            .write_record(cells.iter().map(|c| protect_cell(c.as_ref()).into_owned()));
    }

    /// The bytes written since the last call.
    pub fn take_bytes(&mut self) -> Vec<u8> {
        let fresh = writer(self.delimiter, Vec::new());
        // Flushing into a Vec cannot fail, so neither can into_inner.
        std::mem::replace(&mut self.inner, fresh)
            .into_inner()
            .unwrap_or_default()
    }

    /// The remaining bytes.
    pub fn finish(mut self) -> Vec<u8> {
        self.take_bytes()
    }
}

/// A whole file at once.
pub fn write_csv<S: AsRef<str>>(header: &[S], rows: &[Vec<S>], options: CsvOptions) -> Vec<u8> {
    let mut w = CsvWriter::new(header, options);
    for row in rows {
        w.push_row(row);
    }
    w.finish()
}

/// Column names of the default contact layout, in English; each is one
/// that [`crate::import`] maps back to the same field.
pub fn contact_csv_header() -> [&'static str; 24] {
    [
        "Salutation",
        "First Name",
        "Last Name",
        "Full Name",
        "Work Email",
        "Home Email",
        "Email",
        "Mobile",
        "Work Phone",
        "Home Phone",
        "Phone",
        "Company",
        "Job Title",
        "WeChat",
        "Country",
        "Province",
        "City",
        "District",
        "Street",
        "Postcode",
        "Source",
        "Owner",
        "Notes",
        "Tags",
    ]
}

/// The cells of one contact in [`contact_csv_header`] order. Several
/// emails of one kind are joined with "; ", phones with " ::: " (Google's
/// separator, as phone numbers may contain other punctuation), tags with
/// ", ". Custom fields are not included: the app adds its own columns.
pub fn contact_csv_cells(c: &Contact) -> Vec<String> {
    let emails = |k: ContactPointKind| {
        c.emails
            .iter()
            .filter(|e| {
                e.kind == k || (k == ContactPointKind::Other && e.kind == ContactPointKind::Mobile)
            })
            .map(|e| e.address.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let phones = |k: ContactPointKind| {
        c.phones
            .iter()
            .filter(|p| p.kind == k)
            .map(|p| p.number.as_str())
            .collect::<Vec<_>>()
            .join(" ::: ")
    };
    let a = &c.address;
    vec![
        c.salutation.clone(),
        c.given_name.clone(),
        c.family_name.clone(),
        c.full_name.clone(),
        emails(ContactPointKind::Work),
        emails(ContactPointKind::Home),
        emails(ContactPointKind::Other),
        phones(ContactPointKind::Mobile),
        phones(ContactPointKind::Work),
        phones(ContactPointKind::Home),
        phones(ContactPointKind::Other),
        c.company.clone(),
        c.job_title.clone(),
        c.wechat.clone(),
        a.country.clone(),
        a.province.clone(),
        a.city.clone(),
        a.district.clone(),
        a.street.clone(),
        a.postcode.clone(),
        c.source.clone(),
        c.owner.clone(),
        c.notes.clone(),
        c.tags.join(", "),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_an_apostrophe() {
        for (cell, out) in [
            ("=1+1", "'=1+1"),
            ("+86 138", "'+86 138"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("张伟", "张伟"),
            ("a=b", "a=b"),
            ("", ""),
            ("'=x", "''=x"),
            ("'quoted'", "''quoted'"),
        ] {
            assert_eq!(protect_cell(cell), out, "{cell:?}");
        }
    }

    #[test]
    fn bom_quotes_and_crlf() {
        let bytes = write_csv(
            &["Name", "Note"],
            &[vec!["张伟", "a,b\n\"c\""], vec!["=cmd|' /C calc'!A0", "x"]],
            CsvOptions::default(),
        );
        let text = std::str::from_utf8(&bytes).unwrap();
        assert_eq!(
            text,
            "\u{feff}Name,Note\r\n张伟,\"a,b\n\"\"c\"\"\"\r\n'=cmd|' /C calc'!A0,x\r\n"
        );
        let plain = write_csv(
            &["A"],
            &[vec!["1"]],
            CsvOptions {
                bom: false,
                delimiter: b';',
            },
        );
        assert_eq!(plain, b"A\r\n1\r\n");
    }

    #[test]
    fn chunks_concatenate_to_the_whole() {
        let mut w = CsvWriter::new(&["A", "B"], CsvOptions::default());
        let mut all = w.take_bytes();
        w.push_row(&["1", "2"]);
        all.extend(w.take_bytes());
        w.push_row(&["3", "4"]);
        all.extend(w.finish());
        assert_eq!(all, b"\xEF\xBB\xBFA,B\r\n1,2\r\n3,4\r\n");
    }
}
