//! A small element tree over quick-xml, enough for GPX and KML: local names (namespace prefixes
//! dropped), attributes, and text with entity and character references resolved.

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

/// One element.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Every descendant named `name`, depth first.
    pub fn descendants<'a>(&'a self, name: &'a str, out: &mut Vec<&'a Node>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            }
            c.descendants(name, out);
        }
    }

    /// The trimmed text of child `name`, if any and not empty.
    pub fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.trim().to_owned()).filter(|t| !t.is_empty())
    }
}

/// Why a document is not well-formed XML; `at` is a byte position in it.
#[derive(Debug, thiserror::Error)]
pub enum XmlError {
    #[error("is not well-formed XML at byte {at}: {source}")]
    Syntax {
        at: u64,
        #[source]
        source: quick_xml::Error,
    },
    #[error("bad attribute at byte {at}: {source}")]
    Attribute {
        at: u64,
        #[source]
        source: quick_xml::Error,
    },
    #[error("bad character reference at byte {at}: {source}")]
    CharRef {
        at: u64,
        #[source]
        source: quick_xml::Error,
    },
    #[error("unknown entity &{name}; at byte {at}")]
    UnknownEntity { name: String, at: u64 },
    #[error("unbalanced end tag at byte {at}")]
    UnbalancedEnd { at: u64 },
    /// The document ends inside element `inside`.
    #[error("ends inside <{inside}>: the file is truncated")]
    Truncated { inside: String },
    #[error("has no root element")]
    NoRoot,
}

fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap_or(name).to_owned()
}

/// Parses a document into its root element; the error names the byte position.
pub fn parse(text: &str) -> Result<Node, XmlError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = vec![Node::default()];
    let at = |r: &Reader<&[u8]>| r.buffer_position();
    loop {
        let ev = reader.read_event().map_err(|source| XmlError::Syntax { at: at(&reader), source })?;
        match ev {
            Event::Start(e) => {
                let mut n = Node { name: local(e.local_name().as_ref()), ..Node::default() };
                for a in e.attributes().flatten() {
                    let v = a
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|source| XmlError::Attribute { at: at(&reader), source })?;
                    n.attrs.push((local(a.key.local_name().as_ref()), v.into_owned()));
                }
                stack.push(n);
            }
            Event::Empty(e) => {
                let mut n = Node { name: local(e.local_name().as_ref()), ..Node::default() };
                for a in e.attributes().flatten() {
                    let v = a
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|source| XmlError::Attribute { at: at(&reader), source })?;
                    n.attrs.push((local(a.key.local_name().as_ref()), v.into_owned()));
                }
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(n);
                }
            }
            Event::End(_) => {
                let at = at(&reader);
                let n = stack.pop().ok_or(XmlError::UnbalancedEnd { at })?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(n),
                    None => return Err(XmlError::UnbalancedEnd { at }),
                }
            }
            Event::Text(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().map_err(|source| XmlError::CharRef { at: at(&reader), source })? {
                    Some(c) => c,
                    None => match &*r {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(XmlError::UnknownEntity { name: other.to_owned(), at: at(&reader) }),
                    },
                };
                if let Some(n) = stack.last_mut() {
                    n.text.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err(XmlError::Truncated { inside: stack.last().map_or(String::new(), |n| n.name.clone()) });
    }
    stack.pop().and_then(|mut doc| doc.children.pop()).ok_or(XmlError::NoRoot)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_attributes_and_references() {
        let doc =
            parse(r#"<?xml version="1.0"?><kml:a xmlns:kml="x" k="1 &amp; 2"><b>x &lt; y &#x4E2D;</b><c/></kml:a>"#)
                .expect("parse");
        assert_eq!(doc.name, "a");
        assert_eq!(doc.attr("k"), Some("1 & 2"));
        assert_eq!(doc.child_text("b").as_deref(), Some("x < y 中"));
        assert!(doc.child("c").is_some());
        let e = parse("<a><b>cut").unwrap_err();
        assert!(matches!(&e, XmlError::Truncated { inside } if inside == "b"), "{e:?}");
        assert!(e.to_string().contains("truncated"));
        assert!(matches!(parse("<a>&nope;</a>"), Err(XmlError::UnknownEntity { .. })));
    }
}
