//! Decoding our own tiles for tests and snapshot dumps (other people's decoders are used in the
//! end-to-end tests: GDAL's MVT driver and Python's mapbox-vector-tile).

pub use geozero::mvt::tile::GeomType;
use geozero::mvt::tile::Value;
use geozero::mvt::{Message, Tile};
use std::fmt::Write;

fn unzigzag(v: u32) -> i32 {
    ((v >> 1) as i32) ^ -((v & 1) as i32)
}

/// The parts of a command stream (points, lines or polygon rings, open): each MoveTo starts a
/// part; coordinates in tile units.
pub fn parts(cmds: &[u32]) -> Vec<Vec<(i32, i32)>> {
    let mut out: Vec<Vec<(i32, i32)>> = Vec::new();
    let (mut x, mut y, mut i) = (0i32, 0i32, 0usize);
    while i < cmds.len() {
        let (id, count) = (cmds[i] & 7, (cmds[i] >> 3) as usize);
        i += 1;
        match id {
            1 | 2 => {
                for k in 0..count {
                    let (Some(&dx), Some(&dy)) = (cmds.get(i), cmds.get(i + 1)) else { return out };
                    x += unzigzag(dx);
                    y += unzigzag(dy);
                    i += 2;
                    if id == 1 && (k == 0 || count > 1) {
                        out.push(vec![(x, y)]);
                    } else if let Some(p) = out.last_mut() {
                        p.push((x, y));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn value(v: &Value) -> serde_json::Value {
    use serde_json::json;
    if let Some(s) = &v.string_value {
        json!(s)
    } else if let Some(f) = v.double_value {
        json!(f)
    } else if let Some(f) = v.float_value {
        json!(f)
    } else if let Some(i) = v.int_value.or(v.sint_value) {
        json!(i)
    } else if let Some(u) = v.uint_value {
        json!(u)
    } else if let Some(b) = v.bool_value {
        json!(b)
    } else {
        serde_json::Value::Null
    }
}

/// One decoded feature.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedFeature {
    pub layer: String,
    pub id: Option<u64>,
    pub kind: GeomType,
    pub attrs: serde_json::Map<String, serde_json::Value>,
    /// Parts (points, lines or rings) in tile units.
    pub parts: Vec<Vec<(i32, i32)>>,
}

/// Every feature of a tile, layer by layer; an empty input is an empty tile.
pub fn features(bytes: &[u8]) -> Result<Vec<DecodedFeature>, String> {
    let tile = Tile::decode(bytes).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for l in &tile.layers {
        for f in &l.features {
            let mut attrs = serde_json::Map::new();
            for kv in f.tags.chunks(2) {
                let k = l.keys.get(kv[0] as usize).ok_or("tag key out of range")?;
                let v = kv.get(1).and_then(|&i| l.values.get(i as usize)).ok_or("tag value out of range")?;
                attrs.insert(k.clone(), value(v));
            }
            out.push(DecodedFeature {
                layer: l.name.clone(),
                id: f.id,
                kind: f.r#type.and_then(|t| GeomType::try_from(t).ok()).unwrap_or(GeomType::Unknown),
                attrs,
                parts: parts(&f.geometry),
            });
        }
    }
    Ok(out)
}

/// A readable dump of a tile: layers, then each feature's id, type, attributes and parts.
pub fn dump(bytes: &[u8]) -> Result<String, String> {
    let tile = Tile::decode(bytes).map_err(|e| e.to_string())?;
    let feats = features(bytes)?;
    let mut s = String::new();
    for l in &tile.layers {
        let _ = writeln!(s, "layer {} (extent {}, {} features)", l.name, l.extent.unwrap_or(4096), l.features.len());
        for f in feats.iter().filter(|f| f.layer == l.name) {
            let attrs: Vec<String> = f.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let parts: Vec<String> = f
                .parts
                .iter()
                .map(|p| p.iter().map(|(x, y)| format!("{x} {y}")).collect::<Vec<_>>().join(","))
                .collect();
            let _ = writeln!(
                s,
                "  {} {} [{}] ({})",
                f.id.unwrap_or(0),
                f.kind.as_str_name(),
                attrs.join(" "),
                parts.join(" | ")
            );
        }
    }
    Ok(s)
}
