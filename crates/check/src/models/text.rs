//! [`Text`]: a key-value model's string state, shared rather than copied and hashed
//! once when it is made.
//!
//! An append-heavy history on one key makes a long string (800 appends of `<p.s>`
//! are several KB), and the search clones, hashes and compares states at every step it
//! cannot answer from its memo. With a plain `String` each of those costs the length
//! of the string; here a clone is a reference count, a hash is the polynomial hash
//! kept beside the text (extended in time proportional to the appended piece), and
//! equality looks at the text only when the hashes agree. Equality stays exact: a
//! hash collision costs a comparison, never a wrong answer.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The multiplier of the polynomial hash (odd, so powers never vanish mod 2^64).
const BASE: u64 = 0x100_0000_01B3;

/// An immutable string with its length-aware polynomial hash.
#[derive(Clone)]
pub struct Text {
    text: Arc<str>,
    hash: u64,
}

impl Text {
    /// `text` as a state.
    pub fn new(text: &str) -> Text {
        Text {
            text: Arc::from(text),
            hash: extend_hash(0, text),
        }
    }

    /// This text followed by `piece`.
    pub fn appended(&self, piece: &str) -> Text {
        if piece.is_empty() {
            return self.clone();
        }
        let mut joined = String::with_capacity(self.text.len() + piece.len());
        joined.push_str(&self.text);
        joined.push_str(piece);
        Text {
            text: Arc::from(joined),
            hash: extend_hash(self.hash, piece),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// The polynomial hash of `prefix + piece`, given that of `prefix`.
fn extend_hash(prefix_hash: u64, piece: &str) -> u64 {
    piece.bytes().fold(prefix_hash, |h, b| {
        h.wrapping_mul(BASE).wrapping_add(u64::from(b) + 1)
    })
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        Arc::ptr_eq(&self.text, &other.text) || (self.hash == other.hash && self.text == other.text)
    }
}

impl Eq for Text {}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
        state.write_usize(self.text.len());
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text, f)
    }
}

impl Default for Text {
    fn default() -> Text {
        Text::new("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn hash_of(text: &Text) -> u64 {
        let mut hasher = DefaultHasher::new();
        text.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn the_same_string_built_two_ways_is_equal_and_hashes_alike() {
        let stepwise = Text::new("<1.1>").appended("<2.1>").appended("<3.1>");
        let at_once = Text::new("<1.1><2.1><3.1>");
        assert_eq!(stepwise, at_once);
        assert_eq!(hash_of(&stepwise), hash_of(&at_once));
        assert_eq!(stepwise.as_str(), "<1.1><2.1><3.1>");
    }

    #[test]
    fn appends_in_another_order_are_another_state() {
        let ab = Text::new("a").appended("b");
        let ba = Text::new("b").appended("a");
        assert_ne!(ab, ba);
        assert_ne!(Text::new(""), Text::new("\0"));
    }

    #[test]
    fn renders_as_the_string() {
        assert_eq!(format!("{:?}", Text::new("x\"y")), "\"x\\\"y\"");
    }
}
