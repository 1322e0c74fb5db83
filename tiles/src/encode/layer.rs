//! One MVT layer under construction: features plus the deduplicated key and value tables.

use geozero::mvt::tile::{Feature, Layer, Value};
use std::collections::HashMap;

/// An attribute value as it goes into a tile.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

#[derive(PartialEq, Eq, Hash)]
enum ValueKey {
    Str(String),
    Int(i64),
    Float(u64),
    Bool(bool),
}

impl AttrValue {
    fn key(&self) -> ValueKey {
        match self {
            AttrValue::Str(s) => ValueKey::Str(s.clone()),
            AttrValue::Int(i) => ValueKey::Int(*i),
            AttrValue::Float(f) => ValueKey::Float(f.to_bits()),
            AttrValue::Bool(b) => ValueKey::Bool(*b),
        }
    }

    fn to_value(&self) -> Value {
        let mut v = Value::default();
        match self {
            AttrValue::Str(s) => v.string_value = Some(s.clone()),
            AttrValue::Int(i) if *i >= 0 => v.uint_value = Some(*i as u64),
            AttrValue::Int(i) => v.sint_value = Some(*i),
            AttrValue::Float(f) => v.double_value = Some(*f),
            AttrValue::Bool(b) => v.bool_value = Some(*b),
        }
        v
    }
}

/// Builds one layer.
pub struct LayerBuilder {
    layer: Layer,
    keys: HashMap<String, u32>,
    values: HashMap<ValueKey, u32>,
}

impl LayerBuilder {
    pub fn new(name: &str, extent: u32) -> Self {
        let layer = Layer { version: 2, name: name.to_owned(), extent: Some(extent), ..Layer::default() };
        LayerBuilder { layer, keys: HashMap::new(), values: HashMap::new() }
    }

    /// Adds a feature with its encoded geometry and attributes.
    pub fn add(&mut self, id: Option<u64>, geom: super::geom::Encoded, attrs: &[(&str, AttrValue)]) {
        let mut tags = Vec::with_capacity(attrs.len() * 2);
        for (k, v) in attrs {
            let ki = match self.keys.get(*k) {
                Some(&i) => i,
                None => {
                    let i = self.layer.keys.len() as u32;
                    self.layer.keys.push((*k).to_owned());
                    self.keys.insert((*k).to_owned(), i);
                    i
                }
            };
            let vk = v.key();
            let vi = match self.values.get(&vk) {
                Some(&i) => i,
                None => {
                    let i = self.layer.values.len() as u32;
                    self.layer.values.push(v.to_value());
                    self.values.insert(vk, i);
                    i
                }
            };
            tags.push(ki);
            tags.push(vi);
        }
        self.layer.features.push(Feature { id, tags, r#type: Some(geom.0 as i32), geometry: geom.1 });
    }

    pub fn is_empty(&self) -> bool {
        self.layer.features.is_empty()
    }

    pub fn len(&self) -> usize {
        self.layer.features.len()
    }

    pub fn finish(self) -> Layer {
        self.layer
    }
}
