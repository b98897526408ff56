//! [`ParamBuilder`]: PHP `parse_str` bracket semantics for one parameter at a time.
//!
//! PHP arrays are ordered maps whose keys are integers or strings. Integer-like
//! strings (`"0"`, `"12"`, `"-3"`, but not `"01"` or `"-0"`) are integer keys,
//! so a key is identified by its string form here and only `[]` appends need to
//! know the integer keys. The tree is turned into JSON by [`ParamBuilder::finish`].

use std::collections::HashMap;

use serde_json::Value;

use super::{clip, DecodeError, ParamMap, MAX_DEPTH, MAX_PAIRS};

/// A PHP array under construction: insertion-ordered entries plus an index.
#[derive(Debug, Default, Clone)]
struct PhpArray {
    entries: Vec<(String, Node)>,
    index: HashMap<String, usize>,
    /// PHP's `nNextFreeElement`: one past the largest non-negative integer key.
    next_free: i64,
}

#[derive(Debug, Clone)]
enum Node {
    Leaf(Value),
    Array(PhpArray),
}

impl PhpArray {
    /// The key `[]` appends under, advancing the counter.
    fn append_key(&mut self) -> String {
        let key = self.next_free.to_string();
        self.next_free = self.next_free.saturating_add(1);
        key
    }

    fn note_key(&mut self, key: &str) {
        if let Some(n) = integer_key(key) {
            if n >= self.next_free {
                self.next_free = n.saturating_add(1);
            }
        }
    }

    /// The slot for `key`, created (at the end) with `make` when missing.
    fn slot(&mut self, key: String, make: impl FnOnce() -> Node) -> &mut Node {
        let pos = match self.index.get(&key) {
            Some(&pos) => pos,
            None => {
                self.note_key(&key);
                let pos = self.entries.len();
                self.index.insert(key.clone(), pos);
                self.entries.push((key, make()));
                pos
            }
        };
        &mut self.entries[pos].1
    }

    fn into_value(self) -> Value {
        let is_list = !self.entries.is_empty()
            && self
                .entries
                .iter()
                .enumerate()
                .all(|(i, (k, _))| *k == i.to_string());
        if is_list {
            Value::Array(
                self.entries
                    .into_iter()
                    .map(|(_, n)| n.into_value())
                    .collect(),
            )
        } else {
            Value::Object(self.into_map())
        }
    }

    fn into_map(self) -> ParamMap {
        self.entries
            .into_iter()
            .map(|(k, n)| (k, n.into_value()))
            .collect()
    }
}

impl Node {
    fn into_value(self) -> Value {
        match self {
            Node::Leaf(v) => v,
            Node::Array(a) => a.into_value(),
        }
    }
}

/// The integer a PHP array key string stands for, if it is integer-like.
pub(crate) fn integer_key(key: &str) -> Option<i64> {
    let digits = key.strip_prefix('-').unwrap_or(key);
    let bytes = digits.as_bytes();
    let canonical = match bytes {
        [] => false,
        [b'0'] => digits.len() == key.len(), // "0" yes, "-0" no
        [first, rest @ ..] => (b'1'..=b'9').contains(first) && rest.iter().all(u8::is_ascii_digit),
    };
    if canonical {
        key.parse().ok()
    } else {
        None
    }
}

/// Builds a parameter map from `name[seg][seg]=value` pairs with PHP rules.
#[derive(Debug, Default, Clone)]
pub struct ParamBuilder {
    root: PhpArray,
    pairs: usize,
}

impl ParamBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `value` under `key`, written in PHP bracket syntax (`a[b][]`).
    ///
    /// Errors on malformed brackets, an empty top-level name, nesting deeper
    /// than [`MAX_DEPTH`] and on more than [`MAX_PAIRS`] insertions.
    pub fn insert(&mut self, key: &str, value: Value) -> Result<(), DecodeError> {
        self.pairs += 1;
        if self.pairs > MAX_PAIRS {
            return Err(DecodeError::new(format!(
                "Too many parameters (more than {MAX_PAIRS})"
            )));
        }
        let (name, segments) = parse_key(key)?;
        let mut node: &mut PhpArray = &mut self.root;
        let mut current = name.to_owned();
        for segment in segments {
            let slot = node.slot(current, || Node::Array(PhpArray::default()));
            if let Node::Leaf(_) = slot {
                // PHP: writing below a scalar replaces the scalar by an array.
                *slot = Node::Array(PhpArray::default());
            }
            node = match slot {
                Node::Array(a) => a,
                // Unreachable in practice: the slot was just made an array.
                Node::Leaf(_) => return Err(DecodeError::new("Internal decoder state")),
            };
            current = match segment {
                Some(k) => k.to_owned(),
                None => node.append_key(),
            };
        }
        *node.slot(current, || Node::Leaf(Value::Null)) = Node::Leaf(value);
        Ok(())
    }

    /// The decoded map; nested maps keyed exactly `0..n-1` become JSON arrays.
    pub fn finish(self) -> ParamMap {
        self.root.into_map()
    }
}

/// Splits `name[a][][b]` into `("name", [Some("a"), None, Some("b")])`.
fn parse_key(key: &str) -> Result<(&str, Vec<Option<&str>>), DecodeError> {
    let bad =
        |why: &str| DecodeError::new(format!("Malformed parameter name '{}': {why}", clip(key)));
    let (name, mut rest) = match key.find('[') {
        Some(pos) => key.split_at(pos),
        None => (key, ""),
    };
    if name.is_empty() {
        return Err(bad("empty name"));
    }
    if name.contains(']') {
        return Err(bad("unexpected ']'"));
    }
    let mut segments = Vec::new();
    while !rest.is_empty() {
        let Some(inner) = rest.strip_prefix('[') else {
            return Err(bad("characters after ']'"));
        };
        let Some(close) = inner.find(']') else {
            return Err(bad("missing ']'"));
        };
        if segments.len() >= MAX_DEPTH {
            return Err(bad("nested too deeply"));
        }
        let segment = &inner[..close];
        segments.push(if segment.is_empty() {
            None
        } else {
            Some(segment)
        });
        rest = &inner[close + 1..];
    }
    Ok((name, segments))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_keys() {
        for (k, want) in [
            ("0", Some(0)),
            ("12", Some(12)),
            ("-3", Some(-3)),
            ("01", None),
            ("-0", None),
            ("-", None),
            ("", None),
            ("1a", None),
            (" 1", None),
            ("+1", None),
            ("99999999999999999999", None),
        ] {
            assert_eq!(integer_key(k), want, "{k:?}");
        }
    }

    #[test]
    fn key_parsing() {
        assert_eq!(parse_key("a").unwrap(), ("a", vec![]));
        assert_eq!(
            parse_key("a[b][][c]").unwrap(),
            ("a", vec![Some("b"), None, Some("c")])
        );
        assert_eq!(parse_key("f[[x]").unwrap(), ("f", vec![Some("[x")]));
        for bad in ["[a]", "", "a]", "a[b", "a[b]c", "a[b]]", "a[b][c"] {
            assert!(parse_key(bad).is_err(), "{bad:?}");
        }
    }
}
