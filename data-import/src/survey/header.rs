//! Finding the header of a sheet as township offices make them: a title row on top
//! ("河口镇地质灾害隐患点台账"), and headers over two rows where a merged cell ("坐标") spans
//! "经度" and "纬度" below it while "名称" is merged down across both.
//!
//! The header is the row (or pair of adjacent rows, read column by column: the lower cell where
//! it has text, else the upper one) among the first [`SEARCH_ROWS`] that names the most columns
//! this layer knows; it replaces the first non-empty row only when it names more of them.

use super::mapping::{target, MappingFile};
use super::source::{RawValue, Source};
use onemap_model::LayerId;

/// How many rows from the top may hold the header.
pub const SEARCH_ROWS: usize = 10;

fn texts(values: &[RawValue]) -> Vec<String> {
    values.iter().map(|v| v.text().unwrap_or_default()).collect()
}

/// The lower row's text where it has some, else the upper row's (a merged cell's text is in its
/// top-left cell).
fn stack(upper: &[String], lower: &[String]) -> Vec<String> {
    lower.iter().zip(upper).map(|(l, u)| if l.is_empty() { u.clone() } else { l.clone() }).collect()
}

/// Moves `source`'s header down to the row that names the most known columns, dropping the rows
/// above it; returns a note for the report when it did.
pub fn find(layer: LayerId, source: &mut Source, file: &MappingFile) -> Option<String> {
    let score = |hs: &[String]| {
        let mut seen: Vec<String> = hs
            .iter()
            .filter(|h| !h.is_empty())
            .filter_map(|h| target(layer, h, file))
            .map(|t| format!("{t:?}"))
            .collect();
        seen.sort();
        seen.dedup();
        seen.len()
    };
    // Candidate rows: the current header (index 0), then the first records.
    let mut rows: Vec<Vec<String>> = vec![source.headers.clone()];
    rows.extend(source.records.iter().take(SEARCH_ROWS - 1).map(|r| texts(&r.values)));
    let current = score(&rows[0]);
    // (score, last row used, header): ties keep the earliest.
    let mut best: (usize, usize, Vec<String>) = (current, 0, rows[0].clone());
    for k in 0..rows.len() {
        let single = score(&rows[k]);
        if single > best.0 {
            best = (single, k, rows[k].clone());
        }
        if k > 0 {
            let two = stack(&rows[k - 1], &rows[k]);
            let s = score(&two);
            if s > best.0 {
                best = (s, k, two);
            }
        }
    }
    let (s, last, headers) = best;
    if last == 0 || s <= current {
        return None;
    }
    let header_row = source.records[last - 1].row;
    source.headers = headers;
    source.records.drain(..last);
    Some(format!("the header is row {header_row} (with the row above it where that names a column); the rows above it are a title and were skipped"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::survey::source::RawRecord;

    fn rec(row: usize, cells: &[&str]) -> RawRecord {
        let values = cells
            .iter()
            .map(|c| if c.is_empty() { RawValue::Empty } else { RawValue::Text((*c).to_owned()) })
            .collect();
        RawRecord { row, values, geometry: None, error: None }
    }

    #[test]
    fn a_title_and_a_two_row_header_are_found() {
        let mut s = Source {
            headers: vec![
                "河口镇地质灾害隐患点台账".into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
            records: vec![
                rec(2, &["名称", "坐标", "", "风险等级", "乡镇代码"]),
                rec(3, &["", "经度", "纬度", "", ""]),
                rec(4, &["滑坡1", "104.1", "30.6", "重大", "510104001"]),
            ],
            ..Source::default()
        };
        let note = find(LayerId::HAZARDS, &mut s, &MappingFile::default()).expect("moved");
        assert!(note.contains("row 3"), "{note}");
        assert_eq!(s.headers, ["名称", "经度", "纬度", "风险等级", "乡镇代码"]);
        assert_eq!(s.records.len(), 1);
        assert_eq!(s.records[0].row, 4);
    }

    #[test]
    fn a_plain_header_stays() {
        let mut s = Source {
            headers: vec!["名称".into(), "经度".into(), "纬度".into()],
            records: vec![rec(2, &["名称", "经度", "纬度"]), rec(3, &["a", "1", "2"])],
            ..Source::default()
        };
        // A data row that repeats the header names no more columns: the first row stays.
        assert_eq!(find(LayerId::HAZARDS, &mut s, &MappingFile::default()), None);
        assert_eq!(s.records.len(), 2);
    }
}
