//! Prepared hierarchies saved beside the store, so a restart on the same roads does not prepare
//! again. A file is named by the profile and a hash of everything the preparation depends on
//! (the nodes and every link with its weight); a file that does not match is prepared anew.

use crate::profile::Profile;
use crate::{Result, RoutingError};
use fast_paths::FastGraph;
use onemap_model::hash::{fnv1a_from, FNV_OFFSET};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 10] = b"ONEMAPCH1\n";

/// The hash of a preparation's input: node count and every `(tail, head, weight)` link in order.
pub fn input_key(nodes: usize, links: impl Iterator<Item = (u32, u32, u32)>) -> u64 {
    let mut h = fnv1a_from(FNV_OFFSET, &(nodes as u64).to_le_bytes());
    for (u, v, w) in links {
        h = fnv1a_from(h, &u.to_le_bytes());
        h = fnv1a_from(h, &v.to_le_bytes());
        h = fnv1a_from(h, &w.to_le_bytes());
    }
    h
}

/// The file for `profile`'s hierarchy with input `key` in `dir`.
pub fn file(dir: &Path, profile: Profile, key: u64) -> PathBuf {
    dir.join(format!("{profile}-{key:016x}.ch"))
}

fn saved(path: &Path, reason: impl std::fmt::Display) -> RoutingError {
    RoutingError::Saved { path: path.display().to_string(), reason: reason.to_string() }
}

/// Reads a saved hierarchy; `Ok(None)` when there is none for this input.
pub fn load(dir: &Path, profile: Profile, key: u64, nodes: usize) -> Result<Option<FastGraph>> {
    let path = file(dir, profile, key);
    let Ok(f) = std::fs::File::open(&path) else { return Ok(None) };
    let mut r = BufReader::new(f);
    let mut head = [0u8; 18];
    r.read_exact(&mut head).map_err(|e| saved(&path, e))?;
    if &head[..10] != MAGIC || head[10..] != key.to_le_bytes() {
        return Err(saved(&path, "not a onemap hierarchy for this input"));
    }
    let g: FastGraph = bincode::deserialize_from(r).map_err(|e| saved(&path, e))?;
    if g.get_num_nodes() != nodes {
        return Err(saved(&path, format!("{} nodes, the network has {nodes}", g.get_num_nodes())));
    }
    Ok(Some(g))
}

/// Writes a hierarchy: a temporary file, fsync, then a rename (never a half-written file under
/// the final name).
pub fn save(dir: &Path, profile: Profile, key: u64, g: &FastGraph) -> Result<()> {
    let path = file(dir, profile, key);
    std::fs::create_dir_all(dir).map_err(|e| saved(&path, e))?;
    let tmp = path.with_extension("ch.tmp");
    let f = std::fs::File::create(&tmp).map_err(|e| saved(&tmp, e))?;
    let mut w = BufWriter::new(f);
    w.write_all(MAGIC).and_then(|()| w.write_all(&key.to_le_bytes())).map_err(|e| saved(&tmp, e))?;
    bincode::serialize_into(&mut w, g).map_err(|e| saved(&tmp, e))?;
    let f = w.into_inner().map_err(|e| saved(&tmp, e.error()))?;
    f.sync_all().map_err(|e| saved(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| saved(&path, e))?;
    // Older hierarchies of this profile are of other roads: remove them.
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(&format!("{profile}-")) && name.ends_with(".ch") && e.path() != path {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(())
}
