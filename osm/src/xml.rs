//! OSM XML extracts (`.osm`, `.osm.gz`), through quick-xml.

use crate::{Extract, OsmError, TagFilter, Tags};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::path::Path;

/// Reads a file, un-gzipping it when its name ends in `.gz`.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, OsmError> {
    let raw = std::fs::read(path)?;
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz")) {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut out)?;
        return Ok(out);
    }
    Ok(raw)
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

/// The element being read.
struct Element {
    is_node: bool,
    id: i64,
    pos: Option<(f64, f64)>,
    refs: Vec<i64>,
    tags: Tags,
}

/// The file's text: UTF-8 (with or without a byte-order mark), UTF-16 with one, or GBK/GB18030
/// as editors on a Chinese Windows save it.
fn text(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, OsmError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    for (bom, enc) in [(&b"\xFF\xFE"[..], encoding_rs::UTF_16LE), (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE)] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let (t, bad) = enc.decode_without_bom_handling(rest);
            return if bad { Err(OsmError::NotUtf8 { at: 0 }) } else { Ok(t) };
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(t.into()),
        Err(e) => {
            let (t, bad) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
            if bad {
                Err(OsmError::NotUtf8 { at: e.valid_up_to() })
            } else {
                Ok(t)
            }
        }
    }
}

pub fn read(bytes: &[u8], filter: &TagFilter) -> Result<Extract, OsmError> {
    let text = text(bytes)?;
    let mut r = Reader::from_str(&text);
    let mut x = Extract::default();
    let mut cur: Option<Element> = None;
    loop {
        let ev = r.read_event().map_err(|source| OsmError::Xml { at: r.buffer_position(), source })?;
        let (start, empty) = match &ev {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(e) if matches!(e.local_name().as_ref(), "node" | "way") => (None, false),
            Event::Eof => break,
            _ => continue,
        };
        if let Some(e) = start {
            let name = e.local_name().as_ref().to_owned();
            match name.as_str() {
                "node" | "way" => {
                    let id = attr(&e, "id")
                        .and_then(|v| v.parse::<i64>().ok())
                        .ok_or_else(|| OsmError::NoId { element: name.clone() })?;
                    let lon = attr(&e, "lon").and_then(|v| v.parse().ok());
                    let lat = attr(&e, "lat").and_then(|v| v.parse().ok());
                    let pos = lon.zip(lat);
                    cur = Some(Element { is_node: name == "node", id, pos, refs: Vec::new(), tags: Vec::new() });
                }
                "nd" => {
                    if let (Some(c), Some(r)) = (cur.as_mut(), attr(&e, "ref").and_then(|v| v.parse().ok())) {
                        c.refs.push(r);
                    }
                }
                "tag" => {
                    if let (Some(c), Some(k), Some(v)) = (cur.as_mut(), attr(&e, "k"), attr(&e, "v")) {
                        c.tags.push((k, v));
                    }
                }
                _ => {}
            }
            if !(empty && (name == "node" || name == "way")) {
                continue;
            }
        }
        // The end of a node or way.
        if let Some(el) = cur.take() {
            if el.is_node {
                let p = el.pos.ok_or(OsmError::NoPosition { id: el.id })?;
                x.coords.insert(el.id, p);
                if filter.matches(&el.tags) {
                    x.nodes.push((el.id, p, el.tags));
                }
            } else if filter.matches(&el.tags) {
                x.ways.push((el.id, el.refs, el.tags));
            }
        }
    }
    if cur.is_some() {
        return Err(OsmError::Truncated);
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0"?><osm version="0.6">
      <node id="1" lat="30.1" lon="103.5"><tag k="amenity" v="hospital"/></node>
      <node id="2" lat="30.2" lon="103.6"/>
      <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
    </osm>"#;

    #[test]
    fn nodes_and_ways_that_match() {
        let f = TagFilter::parse("highway=*,amenity=hospital").expect("filter");
        let x = read(DOC.as_bytes(), &f).expect("read");
        assert_eq!(x.nodes, vec![(1, (103.5, 30.1), vec![("amenity".to_owned(), "hospital".to_owned())])]);
        assert_eq!(x.ways.len(), 1);
        assert_eq!(x.positions(&x.ways[0].1), Some(vec![(103.5, 30.1), (103.6, 30.2)]));
    }

    #[test]
    fn broken_files_say_what_is_wrong() {
        let f = TagFilter::any_of(&["highway"]);
        let cut = DOC.find("<tag").expect("a tag");
        assert!(matches!(read(&DOC.as_bytes()[..cut], &f), Err(OsmError::Truncated)), "cut inside a node");
        assert!(matches!(read(&DOC.as_bytes()[..cut + 3], &f), Err(OsmError::Xml { .. })), "cut inside a tag");
        assert!(matches!(read(b"<osm><node lat=\"1\" lon=\"2\"/></osm>", &f), Err(OsmError::NoId { .. })));
        assert!(matches!(read(b"<osm><node id=\"3\"/></osm>", &f), Err(OsmError::NoPosition { id: 3 })));
        assert!(matches!(read(b"<osm>\xff</osm>", &f), Err(OsmError::NotUtf8 { at: 5 })));
        // GBK tags (an editor on a Chinese Windows) are read.
        let (gbk, _, _) = encoding_rs::GBK.encode("<osm><node id=\"1\" lat=\"1\" lon=\"2\"><tag k=\"name\" v=\"避难所\"/><tag k=\"highway\" v=\"x\"/></node></osm>");
        let x = read(&gbk, &f).expect("GBK");
        assert_eq!(x.nodes[0].2[0].1, "避难所");
    }
}
