//! Reading a CSV file: encoding, delimiter, header row, then data rows one
//! at a time, so a 100,000-row file can be converted in chunks while the
//! app shows progress and yields to the browser between chunks.

use std::io::Cursor;
use std::sync::Arc;

use csv::{ReaderBuilder, StringRecord};

use super::ImportError;
use super::convert::{RowError, RowProblem, convert_row};
use super::decode::{SourceEncoding, decode};
use super::mapping::{ColumnMapping, propose_mapping};
use crate::contact::Contact;
use crate::settings::Locale;

/// Delimiters tried when sniffing, in order of preference on a tie.
const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];
/// Rows looked at when sniffing the delimiter.
const SNIFF_ROWS: usize = 20;

/// An opened CSV file: decoded, its delimiter found and its header read.
#[derive(Clone, Debug)]
pub struct CsvImport {
    data: Arc<[u8]>,
    encoding: SourceEncoding,
    had_replacements: bool,
    delimiter: u8,
    /// Byte offset of the header row in `data` (after an Excel "sep=" line).
    start: u64,
    headers: Vec<String>,
}

/// One data row after conversion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvertedRow {
    /// 1-based data row number (the header is row 0).
    pub row: u64,
    /// The contact (nil id, normalised, valid), or every problem found.
    pub result: Result<Contact, Vec<RowError>>,
}

/// A mapped row for the preview table: the raw cells and the outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewRow {
    pub cells: Vec<String>,
    pub converted: ConvertedRow,
}

fn builder(delimiter: u8) -> ReaderBuilder {
    let mut b = ReaderBuilder::new();
    b.delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .double_quote(true);
    b
}

/// The delimiter that splits the first rows into the same number (more
/// than one) of fields most consistently; ties go to ",", then ";", then
/// tab. Quoted fields (with delimiters or newlines inside) are parsed, not
/// counted.
fn sniff(text: &[u8]) -> u8 {
    let mut best = (0usize, 0usize, b',');
    for d in DELIMITERS {
        let mut rdr = builder(d).from_reader(text);
        let mut record = StringRecord::new();
        let mut widths = Vec::new();
        while widths.len() < SNIFF_ROWS {
            match rdr.read_record(&mut record) {
                Ok(true) => widths.push(record.len()),
                _ => break,
            }
        }
        let Some(&first) = widths.first() else {
            continue;
        };
        let consistent = widths.iter().filter(|&&w| w == first).count();
        let score = (consistent, first);
        if first > 1 && score > (best.0, best.1) {
            best = (consistent, first, d);
        }
    }
    best.2
}

impl CsvImport {
    /// Decodes `bytes`, finds the delimiter (honouring an Excel "sep=;"
    /// first line) and reads the header row.
    pub fn open(bytes: &[u8]) -> Result<CsvImport, ImportError> {
        let decoded = decode(bytes);
        let data: Arc<[u8]> = Arc::from(decoded.text.into_bytes().into_boxed_slice());
        if data.iter().all(u8::is_ascii_whitespace) {
            return Err(ImportError::Empty);
        }
        let (delimiter, start) = match explicit_separator(&data) {
            Some((d, skip)) => (d, skip as u64),
            None => (sniff(&data), 0),
        };
        let mut rdr = builder(delimiter).from_reader(&data[start as usize..]);
        let mut record = StringRecord::new();
        let headers = match rdr.read_record(&mut record) {
            Ok(true) => record
                .iter()
                .map(|h| h.trim().to_owned())
                .collect::<Vec<_>>(),
            Ok(false) => return Err(ImportError::Empty),
            Err(e) => return Err(ImportError::Malformed(e.to_string())),
        };
        if headers.iter().all(String::is_empty) {
            return Err(ImportError::NoHeader);
        }
        Ok(CsvImport {
            data,
            encoding: decoded.encoding,
            had_replacements: decoded.had_replacements,
            delimiter,
            start,
            headers,
        })
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    pub fn encoding(&self) -> SourceEncoding {
        self.encoding
    }

    /// Some bytes were invalid in the detected encoding (see
    /// [`super::Decoded::had_replacements`]).
    pub fn had_replacements(&self) -> bool {
        self.had_replacements
    }

    pub fn delimiter(&self) -> u8 {
        self.delimiter
    }

    /// Size of the decoded text, the denominator for progress.
    pub fn total_bytes(&self) -> u64 {
        self.data.len() as u64
    }

    pub fn proposed_mapping(&self) -> ColumnMapping {
        propose_mapping(&self.headers)
    }

    /// The first `n` data rows mapped with `mapping`, for a preview table.
    pub fn preview(&self, mapping: &ColumnMapping, n: usize) -> Vec<PreviewRow> {
        let mut rows = self.rows(mapping.clone());
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let Some((cells, converted)) = rows.next_row(true) else {
                break;
            };
            out.push(PreviewRow { cells, converted });
        }
        out
    }

    /// Every data row from the start, converted with `mapping`. Blank rows
    /// are skipped. Take chunks with `.by_ref().take(n)` and read
    /// [`Rows::bytes_read`] for progress.
    pub fn rows(&self, mapping: ColumnMapping) -> Rows {
        let mut cursor = Cursor::new(self.data.clone());
        cursor.set_position(self.start);
        let mut reader = builder(self.delimiter).from_reader(cursor);
        // `open` already read this header successfully.
        let mut header = StringRecord::new();
        let _ = reader.read_record(&mut header);
        Rows {
            reader,
            mapping,
            record: StringRecord::new(),
            row: 0,
            phone_locale: None,
            start: self.start,
            line_base: if self.start > 0 { 1 } else { 0 },
            done: false,
        }
    }
}

/// An Excel "sep=X" first line: the delimiter and the bytes to skip.
fn explicit_separator(data: &[u8]) -> Option<(u8, usize)> {
    let line_end = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let line = std::str::from_utf8(&data[..line_end])
        .ok()?
        .trim_end_matches('\r');
    let sep = line.strip_prefix("sep=")?;
    let &[d] = sep.as_bytes() else {
        return None;
    };
    Some((d, (line_end + 1).min(data.len())))
}

/// Data rows of a [`CsvImport`], converted one by one.
pub struct Rows {
    reader: csv::Reader<Cursor<Arc<[u8]>>>,
    mapping: ColumnMapping,
    record: StringRecord,
    row: u64,
    phone_locale: Option<Locale>,
    start: u64,
    /// Lines before the header (an Excel "sep=" line).
    line_base: u64,
    done: bool,
}

impl Rows {
    /// Gives numbers without a country code the one proposed for `locale`
    /// (see [`crate::contact::with_default_country_code`]).
    pub fn with_phone_locale(mut self, locale: Locale) -> Rows {
        self.phone_locale = Some(locale);
        self
    }

    /// Bytes of the decoded text consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte() + self.start
    }

    pub fn mapping(&self) -> &ColumnMapping {
        &self.mapping
    }

    /// The next non-blank row, with its raw cells when `want_cells`.
    fn next_row(&mut self, want_cells: bool) -> Option<(Vec<String>, ConvertedRow)> {
        loop {
            if self.done {
                return None;
            }
            let line = self.reader.position().line() + self.line_base;
            match self.reader.read_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Ok(true) => {
                    if self.record.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    self.row += 1;
                    let cells: Vec<&str> = self.record.iter().collect();
                    let line = self
                        .record
                        .position()
                        .map_or(line, |p| p.line() + self.line_base);
                    let result =
                        convert_row(&self.mapping, &cells, self.row, line, self.phone_locale);
                    let owned = if want_cells {
                        cells.iter().map(|c| (*c).to_owned()).collect()
                    } else {
                        Vec::new()
                    };
                    return Some((
                        owned,
                        ConvertedRow {
                            row: self.row,
                            result,
                        },
                    ));
                }
                Err(e) => {
                    // With flexible rows and text already decoded, the
                    // parser has nothing left to reject but keep going
                    // defensively: report the row and continue.
                    self.row += 1;
                    let error = RowError {
                        row: self.row,
                        line,
                        column: None,
                        problem: RowProblem::Malformed(e.to_string()),
                    };
                    return Some((
                        Vec::new(),
                        ConvertedRow {
                            row: self.row,
                            result: Err(vec![error]),
                        },
                    ));
                }
            }
        }
    }
}

impl Iterator for Rows {
    type Item = ConvertedRow;

    fn next(&mut self) -> Option<ConvertedRow> {
        self.next_row(false).map(|(_, r)| r)
    }
}
