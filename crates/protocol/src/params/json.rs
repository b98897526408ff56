//! JSON bodies decoded straight into the canonical parameter tree, with a budget
//! on the number of values so that a small body cannot cost a large amount of
//! memory (a body of empty arrays grows about forty times once decoded).
//!
//! The tree is built in the same canonical shape as PHP bracket decoding gives:
//! an object keyed exactly `"0".."n-1"` becomes a list and `{}` becomes `[]`, so
//! a PHP array reaches a method in one shape whichever way it was encoded.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::{is_list_keyed, DecodeError, MAX_ELEMENTS};

/// Decodes one JSON document into the canonical tree, counting every value
/// (containers and leaves) against [`MAX_ELEMENTS`].
pub(super) fn parse_bounded(input: &[u8]) -> Result<Value, DecodeError> {
    let budget = Cell::new(MAX_ELEMENTS);
    let mut de = serde_json::Deserializer::from_slice(input);
    let value = Seed(&budget)
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    value.map_err(|e| {
        if budget.get() == 0 {
            DecodeError::new(format!(
                "Request has too many values (more than {MAX_ELEMENTS})"
            ))
        } else {
            DecodeError::new(format!("Invalid JSON body: {e}"))
        }
    })
}

/// The canonical form of a decoded PHP array given as a map.
pub(super) fn canonical_map(map: Map<String, Value>) -> Value {
    if map.is_empty() {
        Value::Array(Vec::new())
    } else if is_list_keyed(&map) {
        Value::Array(map.into_iter().map(|(_, v)| v).collect())
    } else {
        Value::Object(map)
    }
}

#[derive(Clone, Copy)]
struct Seed<'b>(&'b Cell<usize>);

impl Seed<'_> {
    fn spend<E: de::Error>(&self) -> Result<(), E> {
        match self.0.get() {
            0 => Err(E::custom("too many values")),
            n => {
                self.0.set(n - 1);
                Ok(())
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let value = access.next_value_seed(self)?;
            map.insert(key, value);
        }
        Ok(canonical_map(map))
    }
}
