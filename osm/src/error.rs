//! Why an extract cannot be read. The messages say what is wrong with the file; the caller names it.

/// An unreadable extract.
#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    #[error("cannot be read: {0}")]
    Io(#[from] std::io::Error),
    #[error("is not a readable .osm.pbf (truncated?): {0}")]
    Pbf(#[from] osmpbf::Error),
    #[error("is not OSM XML in UTF-8, UTF-16 or GBK (invalid byte at {at})")]
    NotUtf8 { at: usize },
    #[error("is not well-formed OSM XML at byte {at}: {source}")]
    Xml {
        at: u64,
        #[source]
        source: quick_xml::Error,
    },
    #[error("a <{element}> without a numeric id")]
    NoId { element: String },
    #[error("node {id} has no lat/lon")]
    NoPosition { id: i64 },
    #[error("ends inside a node or way: the file is truncated")]
    Truncated,
}
