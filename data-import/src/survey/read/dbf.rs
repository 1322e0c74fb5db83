//! dBASE (.dbf) attribute tables of Shapefiles: field descriptors, fixed-width records, deleted
//! rows skipped, text decoded by the `.cpg` file, else the language driver byte, else UTF-8 when
//! it is valid and GBK otherwise (what Chinese ArcGIS and SuperMap write).

use crate::survey::source::RawValue;

/// Why a `.dbf` cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbfError {
    /// Shorter than its header.
    #[error(".dbf is truncated ({len} bytes)")]
    NoHeader { len: usize },
    /// Shorter than its records.
    #[error(".dbf is truncated: {records} records need {needed} bytes, the file has {len}")]
    Truncated { records: usize, needed: usize, len: usize },
    #[error(".dbf record length {record_len} does not match its fields ({fields_len})")]
    RecordLength { record_len: usize, fields_len: usize },
}

/// One column of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub kind: u8,
    pub len: usize,
}

/// The table: headers and the rows' values, in file order (deleted rows are `None`).
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub fields: Vec<Field>,
    pub rows: Vec<Option<Vec<RawValue>>>,
    pub encoding: String,
}

fn encoding_of(cpg: Option<&str>, ldid: u8) -> Option<&'static encoding_rs::Encoding> {
    if let Some(c) = cpg {
        let c = c.trim().to_ascii_lowercase();
        return match c.as_str() {
            "utf-8" | "utf8" | "65001" => Some(encoding_rs::UTF_8),
            "gbk" | "936" | "cp936" | "gb2312" | "gb18030" | "54936" => Some(encoding_rs::GB18030),
            "big5" | "950" | "cp950" => Some(encoding_rs::BIG5),
            "1252" | "cp1252" | "windows-1252" | "latin1" | "iso-8859-1" | "88591" => Some(encoding_rs::WINDOWS_1252),
            other => encoding_rs::Encoding::for_label(other.as_bytes()),
        };
    }
    match ldid {
        0x4D | 0x7A => Some(encoding_rs::GB18030), // 936 Chinese (PRC)
        0x4F | 0x78 => Some(encoding_rs::BIG5),
        0x57 | 0x03 => Some(encoding_rs::WINDOWS_1252),
        _ => None,
    }
}

/// Reads a .dbf; `cpg` is the content of the `.cpg` file beside it, if any.
pub fn read(bytes: &[u8], cpg: Option<&str>) -> Result<Table, DbfError> {
    if bytes.len() < 32 {
        return Err(DbfError::NoHeader { len: bytes.len() });
    }
    let n = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let header_len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
    let record_len = usize::from(u16::from_le_bytes([bytes[10], bytes[11]]));
    let ldid = bytes[29];
    let mut fields = Vec::new();
    let mut at = 32;
    while at + 32 <= bytes.len() && bytes[at] != 0x0D && at < header_len {
        let d = &bytes[at..at + 32];
        let raw_name: Vec<u8> = d[..11].iter().copied().take_while(|b| *b != 0).collect();
        fields.push((raw_name, d[11], usize::from(d[16])));
        at += 32;
    }
    let needed = header_len + n * record_len;
    if bytes.len() < needed {
        return Err(DbfError::Truncated { records: n, needed, len: bytes.len() });
    }
    let widths: usize = 1 + fields.iter().map(|f| f.2).sum::<usize>();
    if widths != record_len {
        return Err(DbfError::RecordLength { record_len, fields_len: widths });
    }
    // Decide the text encoding once for the whole file.
    let enc = encoding_of(cpg, ldid);
    let mut text_bytes = Vec::new();
    for r in 0..n.min(200) {
        text_bytes.extend_from_slice(&bytes[header_len + r * record_len..header_len + (r + 1) * record_len]);
    }
    let enc =
        enc.unwrap_or(if std::str::from_utf8(&text_bytes).is_ok() { encoding_rs::UTF_8 } else { encoding_rs::GB18030 });
    let text =
        |b: &[u8]| -> String { enc.decode_without_bom_handling(b).0.trim().trim_end_matches('\0').trim().to_owned() };
    let fields: Vec<Field> =
        fields.into_iter().map(|(name, kind, len)| Field { name: text(&name), kind, len }).collect();
    let mut rows = Vec::with_capacity(n);
    for r in 0..n {
        let rec = &bytes[header_len + r * record_len..header_len + (r + 1) * record_len];
        if rec[0] == b'*' {
            rows.push(None);
            continue;
        }
        let mut at = 1;
        let mut values = Vec::with_capacity(fields.len());
        for f in &fields {
            let raw = &rec[at..at + f.len];
            at += f.len;
            let s = text(raw);
            values.push(match f.kind {
                _ if s.is_empty() || s.chars().all(|c| c == '*') => RawValue::Empty,
                b'N' | b'F' | b'I' | b'O' => s.parse::<f64>().map_or(RawValue::Text(s), RawValue::Number),
                b'L' => match s.as_str() {
                    "T" | "t" | "Y" | "y" => RawValue::Bool(true),
                    "F" | "f" | "N" | "n" => RawValue::Bool(false),
                    _ => RawValue::Empty,
                },
                b'D' if s.len() == 8 => RawValue::Text(format!("{}-{}-{}", &s[..4], &s[4..6], &s[6..])),
                _ => RawValue::Text(s),
            });
        }
        rows.push(Some(values));
    }
    Ok(Table { fields, rows, encoding: enc.name().to_owned() })
}
