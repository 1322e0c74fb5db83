//! Delimited text (CSV, semicolon- or tab-separated) in any encoding [`super::text`] detects.

use super::text::decode;
use super::FileError;
use crate::survey::source::{RawRecord, RawValue, Source};

/// The delimiter the header line uses most among `,` `;` tab and `|`.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    [b',', b';', b'\t', b'|'].into_iter().max_by_key(|d| first.bytes().filter(|b| b == d).count()).unwrap_or(b',')
}

/// Reads delimited text; `Err` is about the whole file.
pub fn read(bytes: &[u8]) -> Result<Source, FileError> {
    let (text, encoding) = decode(bytes)?;
    let delimiter = sniff_delimiter(&text);
    let mut reader =
        csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(true).from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(FileError::CsvHeader)?.iter().map(|h| h.trim().to_owned()).collect();
    if headers.iter().all(String::is_empty) {
        return Err(FileError::EmptyHeader);
    }
    let mut records = Vec::new();
    // Line numbers from byte offsets (the csv crate does not count the blank lines it skips).
    let (mut at_byte, mut at_line) = (0usize, 1usize);
    let mut line_of = |byte: usize| {
        // A record's position can be the blank lines before it: step over them.
        let mut byte = byte.min(text.len());
        while byte < text.len() && matches!(text.as_bytes()[byte], b'\n' | b'\r') {
            byte += 1;
        }
        if byte >= at_byte {
            at_line += text.as_bytes()[at_byte..byte].iter().filter(|b| **b == b'\n').count();
            at_byte = byte;
        }
        at_line
    };
    for rec in reader.records() {
        let rec = rec.map_err(|source| {
            let line = source.position().map_or(0, |p| line_of(p.byte() as usize));
            FileError::CsvRecord { line, source }
        })?;
        if rec.iter().all(|v| v.trim().is_empty()) {
            continue; // blank line
        }
        let row = rec.position().map_or(0, |p| line_of(p.byte() as usize));
        let mut values: Vec<RawValue> = rec
            .iter()
            .map(|v| if v.trim().is_empty() { RawValue::Empty } else { RawValue::Text(v.to_owned()) })
            .collect();
        let error =
            (values.len() > headers.len() && values[headers.len()..].iter().any(|v| !v.is_empty())).then(|| {
                format!("has {} fields but the header has {} (an unquoted delimiter?)", values.len(), headers.len())
            });
        values.resize(headers.len(), RawValue::Empty);
        records.push(RawRecord { row, values, geometry: None, error });
    }
    let name = match delimiter {
        b'\t' => "tab",
        b';' => "semicolon",
        b'|' => "pipe",
        _ => "comma",
    };
    Ok(Source {
        headers,
        records,
        crs: None,
        notes: vec![format!("text encoding {encoding}, {name}-separated")],
        area_as_point: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_with_their_line_numbers() {
        let s = read("名称;经度;纬度\n\"滑坡;北\";104.1;30.6\n\n崩塌;104.2;30.7;多余\n".as_bytes()).expect("read");
        assert_eq!(s.headers, ["名称", "经度", "纬度"]);
        assert_eq!(s.records.len(), 2);
        assert_eq!(s.records[0].values[0], RawValue::Text("滑坡;北".into()));
        assert_eq!(s.records[1].row, 4);
        assert!(s.records[1].error.as_deref().unwrap_or("").contains("has 4 fields but the header has 3"));
        assert!(s.notes[0].contains("semicolon"));
    }
}
