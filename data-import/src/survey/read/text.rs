//! Turning file bytes into text: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode
//! text"), and GBK/GB18030 (what Excel on a Chinese Windows saves as "CSV"), detected.

/// Text in no encoding onemap detects.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodingError {
    /// `at` counts from the start of the file, the mark included.
    #[error("starts with a UTF-8 byte-order mark but is not UTF-8 at byte {at}")]
    BadUtf8AfterBom {
        at: usize,
        #[source]
        source: std::str::Utf8Error,
    },
    #[error("starts with a {encoding} byte-order mark but does not decode as it")]
    BadUtf16 { encoding: &'static str },
    #[error("is neither UTF-8 nor GBK/GB18030 text: save it again as \"CSV UTF-8\"")]
    Unknown,
}

/// The decoded text and the name of the encoding found.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), EncodingError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_owned(), "UTF-8 (with BOM)"))
            .map_err(|source| EncodingError::BadUtf8AfterBom { at: source.valid_up_to() + 3, source });
    }
    for (bom, enc) in [(&b"\xFF\xFE"[..], encoding_rs::UTF_16LE), (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE)] {
        if bytes.starts_with(bom) {
            let (text, had_errors) = enc.decode_without_bom_handling(&bytes[2..]);
            if had_errors {
                return Err(EncodingError::BadUtf16 { encoding: enc.name() });
            }
            return Ok((text.into_owned(), enc.name()));
        }
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_owned(), "UTF-8"));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(EncodingError::Unknown);
    }
    Ok((text.into_owned(), "GBK/GB18030"))
}

/// Reads a file, un-gzipping it when its name ends in `.gz` (data that does not un-gzip is a
/// [`super::FileError::Gzip`], not an I/O error).
pub fn read_bytes(path: &std::path::Path) -> Result<Vec<u8>, super::ReadError> {
    let raw = std::fs::read(path)?;
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz")) {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut out).map_err(super::FileError::Gzip)?;
        return Ok(out);
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_encodings_excel_writes() {
        let s = "名称,经度\n滑坡点,104.1\n";
        assert_eq!(decode(s.as_bytes()), Ok((s.to_owned(), "UTF-8")));
        let bom = [b"\xEF\xBB\xBF".as_slice(), s.as_bytes()].concat();
        assert_eq!(decode(&bom), Ok((s.to_owned(), "UTF-8 (with BOM)")));
        let (gbk, _, _) = encoding_rs::GBK.encode(s);
        assert_eq!(decode(&gbk), Ok((s.to_owned(), "GBK/GB18030")));
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(s.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(decode(&utf16).map(|d| d.0), Ok(s.to_owned()));
        // Bytes that are neither: a clear message.
        assert_eq!(decode(&[0x81, 0x20, 0xFF, 0xFF]), Err(EncodingError::Unknown));
        assert!(EncodingError::Unknown.to_string().contains("neither UTF-8 nor GBK"));
        assert!(matches!(decode(b"\xEF\xBB\xBFab\xFF"), Err(EncodingError::BadUtf8AfterBom { at: 5, .. })));
    }
}
