//! A small EDN reader: enough of the format for Jepsen histories.
//!
//! Reads nil, booleans, integers, floats, strings (with escapes), characters,
//! keywords, symbols, lists, vectors, maps and sets, skips comments, commas and
//! `#_` discards, and reads tagged literals as their value. Every error carries the
//! line and column where it happened (an unclosed bracket or string: where it opened).
//!
//! The reader is recursive, so nesting is bounded by [`NESTING_DEPTH_MAX`]: deeper
//! input is an error, not a stack overflow. Each top-level value comes with its
//! position, and a top-level vector or list with the positions of its items, so a
//! history written as one big vector can still name the source line of an event.

use std::fmt;

/// How deeply values may nest (a tagged or `#_` discarded value is one level deeper).
/// Jepsen events nest three or four levels; this leaves ample room while keeping the
/// recursive reader far from the end of the stack.
pub const NESTING_DEPTH_MAX: usize = 256;

#[derive(Clone, Debug, PartialEq)]
pub enum Edn {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Char(char),
    Keyword(String),
    Symbol(String),
    List(Vec<Edn>),
    Vector(Vec<Edn>),
    Set(Vec<Edn>),
    /// Entries in source order (keys are usually keywords).
    Map(Vec<(Edn, Edn)>),
}

impl Edn {
    /// The value under keyword `:name` in a map.
    pub fn get(&self, name: &str) -> Option<&Edn> {
        match self {
            Edn::Map(entries) => entries
                .iter()
                .find(|(k, _)| matches!(k, Edn::Keyword(key) if key == name))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Written as EDN, shortened to about [`Edn::SHOWN_CHARS_MAX`] characters: for
/// messages that quote what was found.
impl Edn {
    pub const SHOWN_CHARS_MAX: usize = 60;

    pub fn shown(&self) -> String {
        let text = self.to_string();
        match text.char_indices().nth(Edn::SHOWN_CHARS_MAX) {
            Some((cut, _)) => format!("{}...", &text[..cut]),
            None => text,
        }
    }
}

impl fmt::Display for Edn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Edn::Nil => f.write_str("nil"),
            Edn::Bool(b) => write!(f, "{b}"),
            Edn::Int(i) => write!(f, "{i}"),
            Edn::Float(x) => write!(f, "{x}"),
            Edn::Str(s) => write!(f, "{s:?}"),
            Edn::Char(c) => write!(f, "\\{c}"),
            Edn::Keyword(k) => write!(f, ":{k}"),
            Edn::Symbol(s) => f.write_str(s),
            Edn::List(items) => write_items(f, "(", items, ")"),
            Edn::Vector(items) => write_items(f, "[", items, "]"),
            Edn::Set(items) => write_items(f, "#{", items, "}"),
            Edn::Map(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    let separator = if i == 0 { "" } else { ", " };
                    write!(f, "{separator}{k} {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

fn write_items(f: &mut fmt::Formatter<'_>, open: &str, items: &[Edn], close: &str) -> fmt::Result {
    f.write_str(open)?;
    for (i, item) in items.iter().enumerate() {
        let separator = if i == 0 { "" } else { " " };
        write!(f, "{separator}{item}")?;
    }
    f.write_str(close)
}

/// A place in the text: 1-based line, and 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct EdnError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A top-level value and where it starts; for a vector or list, where each item starts.
#[derive(Clone, Debug, PartialEq)]
pub struct TopLevel {
    pub at: Position,
    pub value: Edn,
    /// One position per item of a top-level vector or list; empty for anything else.
    pub item_positions: Vec<Position>,
}

/// Reads every top-level value with its position.
pub fn read_all(text: &str) -> Result<Vec<TopLevel>, EdnError> {
    let mut reader = Reader {
        chars: text.chars().collect(),
        pos: 0,
        line: 1,
        column: 1,
        depth: 0,
        item_positions: Vec::new(),
    };
    let mut values = Vec::new();
    loop {
        reader.skip_ignored()?;
        if reader.peek().is_none() {
            return Ok(values);
        }
        // A `#_` vector skipped just now noted its items' positions too.
        reader.item_positions.clear();
        let at = reader.position();
        let value = reader.value()?;
        values.push(TopLevel {
            at,
            value,
            item_positions: std::mem::take(&mut reader.item_positions),
        });
    }
}

struct Reader {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    column: usize,
    /// How many values are being read, one inside the other.
    depth: usize,
    /// Where the items of the top-level vector or list being read start.
    item_positions: Vec<Position>,
}

fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | '(' | ')' | '[' | ']' | '{' | '}' | '"' | ';')
}

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn position(&self) -> Position {
        Position {
            line: self.line,
            column: self.column,
        }
    }

    fn error(&self, message: impl Into<String>) -> EdnError {
        error_at(self.position(), message)
    }

    /// Skips whitespace, commas, comments and `#_` discarded values (one after the
    /// other, without nesting: a file may hold any number of them).
    fn skip_ignored(&mut self) -> Result<(), EdnError> {
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == ',' {
                self.bump();
            } else if c == ';' {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.bump();
                }
            } else if c == '#' && self.chars.get(self.pos + 1) == Some(&'_') {
                self.bump();
                self.bump();
                self.value()?;
            } else {
                return Ok(());
            }
        }
        Ok(())
    }

    /// One value, at most [`NESTING_DEPTH_MAX`] levels deep.
    fn value(&mut self) -> Result<Edn, EdnError> {
        self.skip_ignored()?;
        if self.depth == NESTING_DEPTH_MAX {
            return Err(self.error(format!(
                "values nest more than {NESTING_DEPTH_MAX} levels deep"
            )));
        }
        self.depth += 1;
        let value = self.unbounded_value();
        self.depth -= 1;
        value
    }

    fn unbounded_value(&mut self) -> Result<Edn, EdnError> {
        let c = self
            .peek()
            .ok_or_else(|| self.error("unexpected end of input; expected a value"))?;
        match c {
            '(' => self.sequence(')').map(Edn::List),
            '[' => self.sequence(']').map(Edn::Vector),
            '{' => self.map(),
            '"' => self.string(),
            '\\' => self.character(),
            ':' => {
                self.bump();
                Ok(Edn::Keyword(self.token()))
            }
            '#' => self.dispatch(),
            ')' | ']' | '}' => Err(self.error(format!("unexpected `{c}`"))),
            _ => self.atom(),
        }
    }

    /// The items up to `close`; a top-level vector or list notes where each starts.
    fn sequence(&mut self, close: char) -> Result<Vec<Edn>, EdnError> {
        let opened = self.position();
        let open = self.bump().unwrap_or(close);
        let top_level = self.depth == 1 && close != '}';
        let mut items = Vec::new();
        loop {
            self.skip_ignored()?;
            match self.peek() {
                None => {
                    return Err(error_at(
                        opened,
                        format!("`{open}` is never closed: the input ends before its `{close}`"),
                    ))
                }
                Some(c) if c == close => {
                    self.bump();
                    return Ok(items);
                }
                Some(_) => {
                    if top_level {
                        self.item_positions.push(self.position());
                    }
                    items.push(self.value()?)
                }
            }
        }
    }

    fn map(&mut self) -> Result<Edn, EdnError> {
        let opened = self.position();
        let items = self.sequence('}')?;
        if items.len() % 2 != 0 {
            return Err(error_at(
                opened,
                format!(
                    "this map has {} forms; a map needs an even number (key, value, ...)",
                    items.len()
                ),
            ));
        }
        let mut entries = Vec::with_capacity(items.len() / 2);
        let mut iter = items.into_iter();
        while let (Some(k), Some(v)) = (iter.next(), iter.next()) {
            entries.push((k, v));
        }
        Ok(Edn::Map(entries))
    }

    fn string(&mut self) -> Result<Edn, EdnError> {
        let opened = self.position();
        self.bump();
        let mut out = String::new();
        let unterminated = || error_at(opened, "this string is never closed by a `\"`");
        loop {
            let c = self.bump().ok_or_else(unterminated)?;
            match c {
                '"' => return Ok(Edn::Str(out)),
                '\\' => {
                    let e = self.bump().ok_or_else(unterminated)?;
                    out.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        other => other,
                    });
                }
                other => out.push(other),
            }
        }
    }

    fn character(&mut self) -> Result<Edn, EdnError> {
        self.bump();
        let token = self.token();
        let c = match token.as_str() {
            "newline" => '\n',
            "space" => ' ',
            "tab" => '\t',
            _ => token
                .chars()
                .next()
                .ok_or_else(|| self.error("empty character literal"))?,
        };
        Ok(Edn::Char(c))
    }

    fn dispatch(&mut self) -> Result<Edn, EdnError> {
        self.bump();
        match self.peek() {
            Some('{') => self.sequence('}').map(Edn::Set),
            _ => {
                let _tag = self.token();
                self.value()
            }
        }
    }

    fn token(&mut self) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek().filter(|c| !is_delimiter(*c)) {
            out.push(c);
            self.bump();
        }
        out
    }

    fn atom(&mut self) -> Result<Edn, EdnError> {
        let token = self.token();
        if token.is_empty() {
            return Err(self.error("expected a value"));
        }
        Ok(match token.as_str() {
            "nil" => Edn::Nil,
            "true" => Edn::Bool(true),
            "false" => Edn::Bool(false),
            t if t.starts_with(|c: char| c.is_ascii_digit())
                || (t.len() > 1
                    && t.starts_with(['-', '+'])
                    && t[1..].starts_with(|c: char| c.is_ascii_digit())) =>
            {
                let digits = t.trim_end_matches(['N', 'M']);
                if let Ok(i) = digits.parse::<i64>() {
                    Edn::Int(i)
                } else {
                    Edn::Float(
                        digits
                            .parse()
                            .map_err(|_| self.error(format!("`{t}` is not a number")))?,
                    )
                }
            }
            t => Edn::Symbol(t.to_string()),
        })
    }
}

fn error_at(at: Position, message: impl Into<String>) -> EdnError {
    EdnError {
        line: at.line,
        column: at.column,
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn reads_jepsen_maps() {
        let values = read_all(
            "{:process 0, :type :invoke, :f :get, :key \"4\", :value nil}\n[1 -2 \
            \"a\\\"b\"] ; c\n#{:x}",
        )
        .unwrap();
        assert_eq!(values.len(), 3);
        let map = &values[0].value;
        assert_eq!(values[0].at, at(1, 1));
        assert_eq!(map.get("process"), Some(&Edn::Int(0)));
        assert_eq!(map.get("f"), Some(&Edn::Keyword("get".into())));
        assert_eq!(map.get("value"), Some(&Edn::Nil));
        assert_eq!(
            values[1].value,
            Edn::Vector(vec![Edn::Int(1), Edn::Int(-2), Edn::Str("a\"b".into())])
        );
        assert_eq!(values[1].at, at(2, 1));
    }

    #[test]
    fn a_top_level_vector_knows_where_its_items_start() {
        let values = read_all("; a comment\n[{:a 1}\n  {:b [2 3]}, 4]\n{:c 5}").unwrap();
        assert_eq!(
            values[0].item_positions,
            vec![at(2, 2), at(3, 3), at(3, 15)]
        );
        assert!(values[1].item_positions.is_empty(), "a map's are not noted");
        let discarded_first = read_all("#_ [0 0] [1\n 2]").unwrap();
        assert_eq!(discarded_first[0].item_positions, vec![at(1, 11), at(2, 2)]);
    }

    #[test]
    fn an_unclosed_bracket_is_blamed_where_it_opens() {
        let err = read_all("{:a 1}\n{:a 1\n :b 2\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1), "{err}");
        assert!(err.message.contains("never closed"), "{err}");
        let err = read_all("[1\n \"abc").unwrap_err();
        assert_eq!((err.line, err.column), (2, 2), "{err}");
    }

    #[test]
    fn an_odd_map_is_blamed_where_it_opens() {
        let err = read_all("\n  {:a 1 :b}").unwrap_err();
        assert_eq!((err.line, err.column), (2, 3), "{err}");
    }

    #[test]
    fn nesting_is_bounded_instead_of_overflowing_the_stack() {
        let deep = "[".repeat(15_000) + &"]".repeat(15_000);
        let err = read_all(&deep).unwrap_err();
        assert_eq!((err.line, err.column), (1, NESTING_DEPTH_MAX + 1), "{err}");
        assert!(err.message.contains("nest"), "{err}");
        let discards = "#_ 1 ".repeat(15_000) + "2";
        let values = read_all(&discards).unwrap();
        assert_eq!(
            values[0].value,
            Edn::Int(2),
            "discards in a row do not nest"
        );
        assert_eq!(
            read_all("[1 #_ 2]").unwrap()[0].value,
            Edn::Vector(vec![Edn::Int(1)])
        );
        assert_eq!(read_all("#_ #_ 1 2 3").unwrap()[0].value, Edn::Int(3));
        let nested_tags = "#t ".repeat(15_000) + "2";
        assert!(read_all(&nested_tags).is_err());
        let just_deep_enough = "[".repeat(NESTING_DEPTH_MAX) + &"]".repeat(NESTING_DEPTH_MAX);
        assert!(read_all(&just_deep_enough).is_ok());
    }

    #[test]
    fn values_are_shown_as_edn_and_shortened() {
        let values = read_all("{:f :cas, :value [1 \"x\"], :s #{nil}}").unwrap();
        assert_eq!(
            values[0].value.to_string(),
            "{:f :cas, :value [1 \"x\"], :s #{nil}}"
        );
        let long = Edn::Str("y".repeat(200));
        assert_eq!(long.shown().chars().count(), Edn::SHOWN_CHARS_MAX + 3);
    }
}
