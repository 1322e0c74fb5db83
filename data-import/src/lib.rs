//! Getting data into and out of the one map: GeoJSON files, the generated demo county, and
//! layers derived from an OpenStreetMap extract. (The full survey importer is its own piece.)
//!
//! Coordinates are EPSG:4326 longitude/latitude in degrees.

pub mod demo;
mod error;
pub mod export;
pub mod geojson_file;
pub mod osm;
mod rng;

pub use error::{ImportError, Result};
