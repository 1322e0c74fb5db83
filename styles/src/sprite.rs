//! The icon sprite: every SVG of `styles/icons/` packed into one PNG sheet and its MapLibre index
//! (name → position and size), at pixel ratio 1 and 2 (`onemap.png`, `onemap@2x.png`), with
//! spreet (resvg renders the SVGs).

use spreet::{load_svg, sprite_name, Sprite, Spritesheet};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a sprite could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SpriteError {
    #[error("cannot read the icons in {dir}: {source}")]
    Dir { dir: PathBuf, source: std::io::Error },
    #[error("icon {file}: {message}")]
    Icon { file: PathBuf, message: String },
    #[error("no SVG icons in {0}")]
    Empty(PathBuf),
    #[error("the sprite sheet cannot be packed or encoded: {0}")]
    Sheet(String),
}

/// One sprite sheet: the PNG and its index as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpriteSheet {
    pub png: Vec<u8>,
    pub index: Vec<u8>,
}

/// The SVG files of `dir`, by name.
fn icons(dir: &Path) -> Result<Vec<PathBuf>, SpriteError> {
    let entries = std::fs::read_dir(dir).map_err(|source| SpriteError::Dir { dir: dir.to_owned(), source })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(SpriteError::Empty(dir.to_owned()));
    }
    Ok(files)
}

/// The sheet of every icon in `dir` at `pixel_ratio` (1 or 2).
pub fn build(dir: &Path, pixel_ratio: u8) -> Result<SpriteSheet, SpriteError> {
    let mut sprites = BTreeMap::new();
    for file in icons(dir)? {
        let bad = |message: String| SpriteError::Icon { file: file.clone(), message };
        let tree = load_svg(&file).map_err(|e| bad(e.to_string()))?;
        let sprite = Sprite::new(tree, pixel_ratio).ok_or_else(|| bad("renders to nothing".into()))?;
        let name = sprite_name(&file, dir).map_err(|e| bad(e.to_string()))?;
        sprites.insert(name, sprite);
    }
    let mut builder = Spritesheet::build();
    builder.sprites(sprites).spacing(2);
    let sheet = builder.generate().ok_or_else(|| SpriteError::Sheet("the icons do not pack".into()))?;
    let png = sheet.encode_png().map_err(|e| SpriteError::Sheet(e.to_string()))?;
    let index = serde_json::to_vec(sheet.get_index()).map_err(|e| SpriteError::Sheet(e.to_string()))?;
    Ok(SpriteSheet { png, index })
}

/// The icon names the styles use that `dir` lacks (every hazard, shelter and team kind, the
/// depot and the route arrow).
pub fn missing_icons(dir: &Path, wanted: &[String]) -> Vec<String> {
    wanted.iter().filter(|name| !dir.join(format!("{name}.svg")).exists()).cloned().collect()
}
