//! Tile filters: `township=<admin code prefix>` and property equality (`risk_level=major`).

use crate::TileError;
use onemap_model::{Feature, LayerId};

/// Filters shared by every tile endpoint. A property filter applies to each requested layer that
/// has that property; layers without it are drawn unfiltered. `township` keeps the features whose
/// admin code starts with it (layers without admin codes, such as roads, stay as context).
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct TileFilter {
    pub township: Option<String>,
    pub equals: Vec<(String, String)>,
}

impl TileFilter {
    /// Builds and checks a filter from query pairs (other parameters must be removed first):
    /// each property must belong to at least one of `layers` and the value must fit its type.
    pub fn parse(pairs: &[(String, String)], layers: &[LayerId]) -> Result<Self, TileError> {
        let mut f = TileFilter::default();
        for (k, v) in pairs {
            if k == "township" {
                if v.is_empty() || !v.chars().all(|c| c.is_ascii_digit()) {
                    return Err(TileError::BadFilter {
                        field: k.clone(),
                        message: format!("`{v}` is not an admin code (digits)"),
                    });
                }
                f.township = Some(v.clone());
                continue;
            }
            let mut known = false;
            for &l in layers {
                if let Some(col) = l.column(k) {
                    known = true;
                    col.ty
                        .check_filter(col.enum_values, v)
                        .map_err(|m| TileError::BadFilter { field: k.clone(), message: format!("{m} (layer {l})") })?;
                }
            }
            if !known {
                let names: Vec<&str> = layers.iter().map(|l| l.as_str()).collect();
                return Err(TileError::BadFilter {
                    field: k.clone(),
                    message: format!("no requested layer ({}) has this property", names.join(", ")),
                });
            }
            f.equals.push((k.clone(), v.clone()));
        }
        f.equals.sort();
        Ok(f)
    }

    /// The property filters that apply to `layer`.
    pub fn for_layer(&self, layer: LayerId) -> Vec<(String, String)> {
        self.equals.iter().filter(|(k, _)| layer.column(k).is_some()).cloned().collect()
    }

    /// Whether a feature passes the township filter.
    pub fn township_ok(&self, f: &Feature) -> bool {
        match (&self.township, f.properties.admin_code()) {
            (None, _) | (Some(_), None) => true,
            (Some(t), Some(code)) => code.starts_with(t.as_str()),
        }
    }

    /// A canonical text form for cache keys.
    pub fn key(&self) -> String {
        let mut s = self.township.as_deref().map(|t| format!("township={t}")).unwrap_or_default();
        for (k, v) in &self.equals {
            s.push('&');
            s.push_str(k);
            s.push('=');
            s.push_str(v);
        }
        s
    }
}
