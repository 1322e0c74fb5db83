//! Getting data into and out of the one map: survey tables and files ([`survey`]: CSV in any
//! Chinese encoding, spreadsheets, GeoJSON; WGS84, CGCS2000, GCJ-02, BD-09, Web Mercator and
//! Gauss–Krüger coordinates, see [`crs`]), the generated demo county, and layers derived from an
//! OpenStreetMap extract.
//!
//! Stored coordinates are EPSG:4326/4490 longitude/latitude in degrees.

pub mod crs;
pub mod demo;
mod error;
pub mod export;
pub mod osm;
mod rng;
pub mod survey;

pub use error::{CrsOrigin, ImportError, Result};
