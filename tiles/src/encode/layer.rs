//! One MVT layer under construction: features plus the deduplicated key and value tables.

use geozero::mvt::tile::{Feature, Layer, Value};
use std::borrow::Cow;
use std::collections::HashMap;

/// An attribute value as it goes into a tile; text is borrowed from the feature where it can be.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
}

/// A value as the layer's value table deduplicates it (floats by bit pattern).
#[derive(PartialEq, Eq, Hash)]
enum ValueKey<'a> {
    Str(Cow<'a, str>),
    Int(i64),
    Float(u64),
    Bool(bool),
}

impl<'a> AttrValue<'a> {
    fn into_key(self) -> ValueKey<'a> {
        match self {
            AttrValue::Str(s) => ValueKey::Str(s),
            AttrValue::Int(i) => ValueKey::Int(i),
            AttrValue::Float(f) => ValueKey::Float(f.to_bits()),
            AttrValue::Bool(b) => ValueKey::Bool(b),
        }
    }
}

impl ValueKey<'_> {
    fn to_value(&self) -> Value {
        let mut v = Value::default();
        match self {
            ValueKey::Str(s) => v.string_value = Some(s.to_string()),
            ValueKey::Int(i) if *i >= 0 => v.uint_value = Some(*i as u64),
            ValueKey::Int(i) => v.sint_value = Some(*i),
            ValueKey::Float(f) => v.double_value = Some(f64::from_bits(*f)),
            ValueKey::Bool(b) => v.bool_value = Some(*b),
        }
        v
    }
}

/// Builds one layer; `'a` is the lifetime of the features whose text it borrows.
pub struct LayerBuilder<'a> {
    layer: Layer,
    keys: HashMap<&'static str, u32>,
    values: HashMap<ValueKey<'a>, u32>,
}

impl<'a> LayerBuilder<'a> {
    pub fn new(name: &str, extent: u32) -> Self {
        let layer = Layer { version: 2, name: name.to_owned(), extent: Some(extent), ..Layer::default() };
        LayerBuilder { layer, keys: HashMap::new(), values: HashMap::new() }
    }

    /// Adds a feature with its encoded geometry and attributes.
    pub fn add(&mut self, id: Option<u64>, geom: super::geom::Encoded, attrs: Vec<(&'static str, AttrValue<'a>)>) {
        let mut tags = Vec::with_capacity(attrs.len() * 2);
        for (k, v) in attrs {
            let next = self.layer.keys.len() as u32;
            let ki = *self.keys.entry(k).or_insert_with(|| next);
            if ki == next {
                self.layer.keys.push(k.to_owned());
            }
            let vk = v.into_key();
            let vi = match self.values.get(&vk) {
                Some(&i) => i,
                None => {
                    let i = self.layer.values.len() as u32;
                    self.layer.values.push(vk.to_value());
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
