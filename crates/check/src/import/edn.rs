//! A small EDN reader: enough of the format for Jepsen histories.
//!
//! Reads nil, booleans, integers, floats, strings (with escapes), characters,
//! keywords, symbols, lists, vectors, maps and sets, skips comments, commas and
//! `#_` discards, and reads tagged literals as their value. Every error carries the
//! line and column where it happened.

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

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct EdnError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Reads every top-level value with the line it starts on.
pub fn read_all(text: &str) -> Result<Vec<(usize, Edn)>, EdnError> {
    let mut reader = Reader {
        chars: text.chars().collect(),
        pos: 0,
        line: 1,
        column: 1,
    };
    let mut values = Vec::new();
    loop {
        reader.skip_space();
        if reader.peek().is_none() {
            return Ok(values);
        }
        let line = reader.line;
        values.push((line, reader.value()?));
    }
}

struct Reader {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    column: usize,
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

    fn error(&self, message: impl Into<String>) -> EdnError {
        EdnError {
            line: self.line,
            column: self.column,
            message: message.into(),
        }
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() || c == ',' {
                self.bump();
            } else if c == ';' {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.bump();
                }
            } else {
                return;
            }
        }
    }

    fn value(&mut self) -> Result<Edn, EdnError> {
        self.skip_space();
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

    fn sequence(&mut self, close: char) -> Result<Vec<Edn>, EdnError> {
        self.bump();
        let mut items = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                None => {
                    return Err(self.error(format!("unexpected end of input; expected `{close}`")))
                }
                Some(c) if c == close => {
                    self.bump();
                    return Ok(items);
                }
                Some(_) => items.push(self.value()?),
            }
        }
    }

    fn map(&mut self) -> Result<Edn, EdnError> {
        let items = self.sequence('}')?;
        if items.len() % 2 != 0 {
            return Err(self.error("a map needs an even number of forms"));
        }
        let mut entries = Vec::with_capacity(items.len() / 2);
        let mut iter = items.into_iter();
        while let (Some(k), Some(v)) = (iter.next(), iter.next()) {
            entries.push((k, v));
        }
        Ok(Edn::Map(entries))
    }

    fn string(&mut self) -> Result<Edn, EdnError> {
        self.bump();
        let mut out = String::new();
        loop {
            let c = self
                .bump()
                .ok_or_else(|| self.error("unterminated string"))?;
            match c {
                '"' => return Ok(Edn::Str(out)),
                '\\' => {
                    let e = self
                        .bump()
                        .ok_or_else(|| self.error("unterminated escape"))?;
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
            Some('_') => {
                self.bump();
                self.value()?;
                self.value()
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_jepsen_maps() {
        let values = read_all("{:process 0, :type :invoke, :f :get, :key \"4\", :value nil}\n[1 -2 \"a\\\"b\"] ; c\n#{:x}").unwrap();
        assert_eq!(values.len(), 3);
        let (line, map) = &values[0];
        assert_eq!(*line, 1);
        assert_eq!(map.get("process"), Some(&Edn::Int(0)));
        assert_eq!(map.get("f"), Some(&Edn::Keyword("get".into())));
        assert_eq!(map.get("value"), Some(&Edn::Nil));
        assert_eq!(
            values[1].1,
            Edn::Vector(vec![Edn::Int(1), Edn::Int(-2), Edn::Str("a\"b".into())])
        );
        assert_eq!(values[1].0, 2);
    }

    #[test]
    fn errors_say_where() {
        let err = read_all("{:a 1\n :b").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("expected"), "{err}");
    }
}
