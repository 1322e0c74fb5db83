//! MVT 2.1 encoding: geometry commands ([`geom`]), clipping ([`clip`]) and layers ([`layer`]).

pub mod clip;
pub mod geom;
pub mod layer;

pub use geom::{encode, encode_point, Encoded, TileFrame};
pub use layer::{AttrValue, LayerBuilder};

use geozero::mvt::{Message, Tile};

/// Serialises layers into a tile; no layers gives an empty byte string.
pub fn tile_bytes(layers: Vec<geozero::mvt::tile::Layer>) -> Vec<u8> {
    if layers.is_empty() {
        return Vec::new();
    }
    Tile { layers }.encode_to_vec()
}

/// A stable 53-bit feature id from a string id (FNV-1a), usable by MapLibre's feature state.
pub fn feature_id(id: &str) -> u64 {
    onemap_model::hash::fnv1a(id.as_bytes()) & ((1 << 53) - 1)
}
