//! [`Text`]: a key-value model's string state, shared rather than copied and hashed
//! once when it is made.
//!
//! An append-heavy history on one key makes a long string, and the search keeps every
//! state it reaches. Copying the whole string at each append cost time and memory in
//! the string's length per state. Here an
//! append is a piece on top of the state it extends, and only every
//! `PIECES_MAX`-th append copies the text into one flat piece again, so a state costs
//! its piece and comparisons walk at most that many pieces. A clone is a reference
//! count; a hash is the polynomial hash kept beside the text (extended in time
//! proportional to the appended piece); equality compares the text only when the
//! hashes and lengths agree. Equality stays exact: a hash collision costs a
//! comparison, never a wrong answer.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The multiplier of the polynomial hash (odd, so powers never vanish mod 2^64).
const BASE: u64 = 0x100_0000_01B3;

/// Appends stacked on a flat piece before the text is copied flat again.
const PIECES_MAX: u32 = 32;

/// An immutable string with its length-aware polynomial hash.
#[derive(Clone)]
pub struct Text {
    top: Arc<Piece>,
    hash: u64,
    len: usize,
}

/// The last piece of a text and the text before it.
struct Piece {
    text: Box<str>,
    before: Option<Text>,
    /// Pieces below this one.
    depth: u32,
}

impl Text {
    /// `text` as a state.
    pub fn new(text: &str) -> Text {
        Text {
            top: Arc::new(Piece {
                text: text.into(),
                before: None,
                depth: 0,
            }),
            hash: extend_hash(0, text),
            len: text.len(),
        }
    }

    /// This text followed by `piece`.
    pub fn appended(&self, piece: &str) -> Text {
        if piece.is_empty() {
            return self.clone();
        }
        if self.top.depth + 1 >= PIECES_MAX {
            let mut joined = self.to_string();
            joined.push_str(piece);
            return Text::new(&joined);
        }
        Text {
            top: Arc::new(Piece {
                text: piece.into(),
                before: Some(self.clone()),
                depth: self.top.depth + 1,
            }),
            hash: extend_hash(self.hash, piece),
            len: self.len + piece.len(),
        }
    }

    /// The length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `s` starts with this text.
    pub fn is_prefix_of(&self, s: &str) -> bool {
        self.len <= s.len() && self.ends_at(&s.as_bytes()[..self.len])
    }

    /// Whether this text is `s`.
    pub fn equals(&self, s: &str) -> bool {
        self.len == s.len() && self.ends_at(s.as_bytes())
    }

    /// Whether this text is all of `bytes` (which has its length), compared piece by
    /// piece from the end.
    fn ends_at(&self, bytes: &[u8]) -> bool {
        let mut end = bytes.len();
        self.pieces_last_first().all(|piece| {
            let start = end - piece.len();
            let same = &bytes[start..end] == piece.as_bytes();
            end = start;
            same
        })
    }

    /// The pieces from the last to the first.
    fn pieces_last_first(&self) -> impl Iterator<Item = &str> {
        std::iter::successors(Some(self), |text| text.top.before.as_ref())
            .map(|text| &*text.top.text)
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
        if Arc::ptr_eq(&self.top, &other.top) {
            return true;
        }
        if self.hash != other.hash || self.len != other.len {
            return false;
        }
        match other.top.before {
            None => self.equals(&other.top.text),
            Some(_) => self.equals(&other.to_string()),
        }
    }
}

impl Eq for Text {}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
        state.write_usize(self.len);
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut pieces: Vec<&str> = self.pieces_last_first().collect();
        pieces.reverse();
        pieces.into_iter().try_for_each(|piece| f.write_str(piece))
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_string(), f)
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
        assert_eq!(stepwise.to_string(), "<1.1><2.1><3.1>");
        assert!(stepwise.equals("<1.1><2.1><3.1>"));
        assert!(stepwise.is_prefix_of("<1.1><2.1><3.1><4.1>"));
        assert!(!stepwise.is_prefix_of("<1.1><2.1><3.2>"));
    }

    #[test]
    fn long_chains_flatten_and_stay_equal_to_the_string() {
        let mut text = Text::default();
        let mut string = String::new();
        for i in 0..200 {
            let piece = format!("<{i}>");
            text = text.appended(&piece);
            string.push_str(&piece);
            assert!(text.top.depth < PIECES_MAX);
            assert!(text.equals(&string) && text.is_prefix_of(&string));
            assert_eq!(text, Text::new(&string));
            assert_eq!(Text::new(&string), text);
        }
        assert!(!text.equals(&string[1..]) && !text.is_prefix_of(&string[..10]));
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
