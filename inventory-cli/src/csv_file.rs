//! Reading an import file: UTF-8 CSV with a header row (a byte-order mark allowed), the columns
//! by name in any order, each record with the line it starts on.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use crate::Failure;

/// The columns an import reads; any other column is refused, so a misnamed one (`qty`) is not
/// silently ignored.
pub const COLUMNS: [&str; 6] = [
    "sku",
    "name",
    "price",
    "quantity",
    "location",
    "reorder_point",
];

/// One data record, its cells by column (`None`: no such column, or an empty cell).
#[derive(Debug, Default, Clone)]
pub struct Record {
    /// The line the record starts on (the header is line 1).
    pub line: u64,
    /// Where the record ends in the file, in bytes (for progress).
    pub byte: u64,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub price: Option<String>,
    pub quantity: Option<String>,
    pub location: Option<String>,
    pub reorder_point: Option<String>,
}

/// A CSV file opened for records: its header read and checked.
pub struct Records {
    reader: csv::Reader<Box<dyn Read>>,
    /// For each column of the file, which of [`COLUMNS`] it is.
    columns: Vec<usize>,
    record: csv::ByteRecord,
    /// The file's size in bytes.
    pub size: u64,
}

fn unreadable(path: &Path, e: impl std::fmt::Display) -> Failure {
    Failure::Usage(format!("{}: {e}", path.display()))
}

impl Records {
    /// Opens `path` and reads its header: every column one of [`COLUMNS`], once; `sku` and
    /// `quantity` there.
    pub fn open(path: &Path) -> Result<Self, Failure> {
        let file = File::open(path).map_err(|e| unreadable(path, e))?;
        let size = file.metadata().map_err(|e| unreadable(path, e))?.len();
        let mut buffered = BufReader::new(file);
        let head = buffered.fill_buf().map_err(|e| unreadable(path, e))?;
        if head.starts_with(b"\xEF\xBB\xBF") {
            buffered.consume(3);
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Box::new(buffered) as Box<dyn Read>);
        let mut header = csv::ByteRecord::new();
        if !reader
            .read_byte_record(&mut header)
            .map_err(|e| unreadable(path, e))?
        {
            return Err(Failure::Refused(vec![
                "line 1: the file is empty; it needs a header row (sku,name,price,quantity)".into(),
            ]));
        }
        let mut columns = Vec::new();
        let mut problems = Vec::new();
        for cell in header.iter() {
            let name = String::from_utf8_lossy(cell).trim().to_lowercase();
            match COLUMNS.iter().position(|c| *c == name) {
                Some(i) if columns.contains(&i) => {
                    problems.push(format!("line 1: the column {name:?} appears twice"))
                }
                Some(i) => columns.push(i),
                None => {
                    problems.push(format!(
                        "line 1: unknown column {name:?}; the columns are {}",
                        COLUMNS.join(", ")
                    ));
                    columns.push(usize::MAX);
                }
            }
        }
        for required in ["sku", "quantity"] {
            let i = COLUMNS
                .iter()
                .position(|c| *c == required)
                .unwrap_or_default();
            if !columns.contains(&i) {
                problems.push(format!("line 1: the header has no {required:?} column"));
            }
        }
        if !problems.is_empty() {
            return Err(Failure::Refused(problems));
        }
        Ok(Self {
            reader,
            columns,
            record: csv::ByteRecord::new(),
            size,
        })
    }

    /// The next record, or `None` at the end. A record that cannot be read (not UTF-8, the
    /// wrong number of cells) is an error naming its line; reading goes on after it.
    pub fn next_record(&mut self) -> Option<Result<Record, String>> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    return Some(Err(format!("line {line}: {e}")));
                }
            }
            let line = self.record.position().map_or(0, |p| p.line());
            // A blank line between records is no record.
            if self.record.len() == 1 && self.record[0].is_empty() {
                continue;
            }
            if self.record.len() != self.columns.len() {
                return Some(Err(format!(
                    "line {line}: has {} cells, the header has {}",
                    self.record.len(),
                    self.columns.len()
                )));
            }
            let mut out = Record {
                line,
                byte: self.reader.position().byte(),
                ..Record::default()
            };
            for (cell, column) in self.record.iter().zip(&self.columns) {
                let name = COLUMNS[*column];
                let Ok(text) = std::str::from_utf8(cell) else {
                    return Some(Err(format!("line {line}, {name}: is not UTF-8 text")));
                };
                let text = (!text.trim().is_empty()).then(|| text.to_owned());
                let slot = match name {
                    "sku" => &mut out.sku,
                    "name" => &mut out.name,
                    "price" => &mut out.price,
                    "quantity" => &mut out.quantity,
                    "location" => &mut out.location,
                    _ => &mut out.reorder_point,
                };
                *slot = text;
            }
            return Some(Ok(out));
        }
    }
}
