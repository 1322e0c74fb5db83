//! Spreadsheets (XLSX, XLS, ODS) through calamine: the chosen sheet, or the first with data; the
//! first non-empty row is the header (a title row above the real header is found later, by
//! `survey::header`), as wide as the widest row.

use super::FileError;
use crate::survey::source::{RawRecord, RawValue, Source};
use calamine::{open_workbook_auto, Data, DataType, Reader};
use std::path::Path;

fn cell(d: &Data) -> RawValue {
    match d {
        Data::Empty => RawValue::Empty,
        Data::String(s) => RawValue::Text(s.clone()),
        Data::Int(i) => RawValue::Number(*i as f64),
        Data::Float(f) => RawValue::Number(*f),
        Data::Bool(b) => RawValue::Bool(*b),
        Data::DateTime(_) | Data::DateTimeIso(_) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => RawValue::Text(t.date().format("%Y-%m-%d").to_string()),
            Some(t) => RawValue::Text(t.format("%Y-%m-%dT%H:%M:%S").to_string()),
            None => RawValue::Text(d.to_string()),
        },
        Data::Error(e) => RawValue::Text(format!("#ERROR {e:?}")),
        other => RawValue::Text(other.to_string()),
    }
}

/// Reads one sheet: `sheet` by name, else the first sheet that has cells.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Source, FileError> {
    let mut book = open_workbook_auto(path).map_err(|e| FileError::Spreadsheet(Box::new(e)))?;
    let names = book.sheet_names();
    let candidates: Vec<String> = match sheet {
        Some(s) if names.iter().any(|n| n == s) => vec![s.to_owned()],
        Some(s) => return Err(FileError::NoSuchSheet { wanted: s.to_owned(), available: names }),
        None => names.clone(),
    };
    for name in candidates {
        let range = book
            .worksheet_range(&name)
            .map_err(|source| FileError::Sheet { sheet: name.clone(), source: Box::new(source) })?;
        let first_row = range.start().map_or(0, |(r, _)| r as usize);
        let mut rows = range.rows().enumerate().filter(|(_, r)| r.iter().any(|c| !matches!(c, Data::Empty)));
        let Some((_, header)) = rows.next() else { continue };
        // As wide as the widest row: a title row is often one merged cell.
        let width =
            range.rows().filter_map(|r| r.iter().rposition(|c| !matches!(c, Data::Empty))).max().map_or(0, |i| i + 1);
        let mut headers: Vec<String> = header.iter().take(width).map(|c| cell(c).text().unwrap_or_default()).collect();
        headers.resize(width, String::new());
        let records = rows
            .map(|(i, r)| {
                let mut values: Vec<RawValue> = r.iter().take(width).map(cell).collect();
                values.resize(width, RawValue::Empty);
                // Spreadsheet rows are numbered from 1.
                RawRecord { row: first_row + i + 1, values, geometry: None, error: None }
            })
            .collect();
        return Ok(Source {
            headers,
            records,
            crs: None,
            notes: vec![format!("sheet `{name}` of {}", names.len())],
            area_as_point: false,
        });
    }
    Err(FileError::NoSheetWithData)
}
