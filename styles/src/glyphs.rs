//! Signed-distance-field glyphs for the map's labels, rendered from Noto Sans CJK SC (Debian
//! `fonts-noto-cjk`) with FreeType through pbf_font_tools: one protobuf per range of 256 code
//! points, as MapLibre asks for them (`/fonts/{fontstack}/{start}-{end}.pbf`), so Chinese labels
//! render with no font from the internet.

use pbf_font_tools::prost::Message;
use pbf_font_tools::{freetype, glyph_range_for_face, Glyphs};
use std::path::{Path, PathBuf};

/// The Debian file holding Noto Sans CJK (a collection: JP, KR, SC, TC, HK faces).
pub const NOTO_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

/// Why glyphs could not be made.
#[derive(Debug, thiserror::Error)]
pub enum GlyphError {
    #[error("font {path}: {message}")]
    Font { path: PathBuf, message: String },
    #[error("no Simplified Chinese face in {0}")]
    NoChineseFace(PathBuf),
    #[error("`{0}` is not a glyph range: it must be START-END with START a multiple of 256 and END = START + 255, below 65536")]
    Range(String),
    #[error("rendering glyphs {range}: {message}")]
    Render { range: String, message: String },
}

/// A font face the labels are drawn with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Font {
    path: PathBuf,
    face: isize,
    /// The font stack name (family and style), as the styles ask for it.
    pub name: String,
}

fn font_error(path: &Path, e: impl std::fmt::Display) -> GlyphError {
    GlyphError::Font { path: path.to_owned(), message: e.to_string() }
}

impl Font {
    /// The Simplified Chinese face of a font file (the first face whose family ends in "SC", or
    /// the only face).
    pub fn open(path: &Path) -> Result<Font, GlyphError> {
        let lib = freetype::Library::init().map_err(|e| font_error(path, e))?;
        let first = lib.new_face(path, 0).map_err(|e| font_error(path, e))?;
        let faces = first.num_faces().max(1) as isize;
        for i in 0..faces {
            let face = lib.new_face(path, i).map_err(|e| font_error(path, e))?;
            let family = face.family_name().unwrap_or_default();
            if faces == 1 || family.ends_with(" SC") {
                let name = format!("{family} {}", face.style_name().unwrap_or_else(|| "Regular".into()));
                return Ok(Font { path: path.to_owned(), face: i, name });
            }
        }
        Err(GlyphError::NoChineseFace(path.to_owned()))
    }

    /// The glyphs of `range` (`0-255`, `19968-20223`) as a protobuf, named `self.name`.
    pub fn range(&self, range: &str) -> Result<Vec<u8>, GlyphError> {
        let bad = || GlyphError::Range(range.to_owned());
        let (a, b) = range.split_once('-').ok_or_else(bad)?;
        let (start, end): (u32, u32) = (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?);
        if start % 256 != 0 || end != start + 255 || end > 65_535 {
            return Err(bad());
        }
        let render = |e: &dyn std::fmt::Display| GlyphError::Render { range: range.to_owned(), message: e.to_string() };
        let lib = freetype::Library::init().map_err(|e| render(&e))?;
        let face = lib.new_face(&self.path, self.face).map_err(|e| render(&e))?;
        let mut stack = glyph_range_for_face(&face, start, end, 24, 8, 0.25).map_err(|e| render(&e))?;
        stack.name = self.name.clone();
        Ok(Glyphs { stacks: vec![stack] }.encode_to_vec())
    }
}

/// Decodes a glyph protobuf: `(font stack name, code points)` (for tests and checks).
pub fn decode(bytes: &[u8]) -> Option<Vec<(String, Vec<u32>)>> {
    let glyphs = Glyphs::decode(bytes).ok()?;
    Some(glyphs.stacks.into_iter().map(|s| (s.name, s.glyphs.into_iter().map(|g| g.id).collect())).collect())
}
