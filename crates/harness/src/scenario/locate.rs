//! Finds where a field path (`faults.schedule[1].crash`) sits in JSON source text.
//!
//! serde reports line and column for what it parses; rules checked after parsing
//! (a node index out of range, two actions in one entry) only know the field path.
//! This walks the text with a minimal JSON scanner to turn that path back into a
//! line and column, so every error points at the place to edit.

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// Parses `a.b[2].c` into steps.
pub fn parse_path(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = match part.find('[') {
            Some(i) => part.split_at(i),
            None => (part, ""),
        };
        if !key.is_empty() {
            steps.push(Step::Key(key.to_string()));
        }
        while let Some(close) = rest.find(']') {
            if let Ok(i) = rest[1..close].parse() {
                steps.push(Step::Index(i));
            }
            rest = &rest[close + 1..];
        }
    }
    steps
}

/// The 1-based (line, column) of the value at `path`, or of the deepest part of the
/// path that exists.
pub fn locate(source: &str, path: &str) -> (usize, usize) {
    let bytes = source.as_bytes();
    let mut scanner = Scanner { bytes, pos: 0 };
    scanner.skip_ws();
    let mut best = scanner.pos;
    for step in parse_path(path) {
        let found = match step {
            Step::Key(key) => scanner.enter_key(&key),
            Step::Index(i) => scanner.enter_index(i),
        };
        if !found {
            break;
        }
        best = scanner.pos;
    }
    line_column(source, best)
}

fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rfind('\n').map_or(before.chars().count(), |nl| {
        before[nl + 1..].chars().count()
    }) + 1;
    (line, column)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// At an object: moves to the value of `key`; false if absent.
    fn enter_key(&mut self, key: &str) -> bool {
        if self.peek() != Some(b'{') {
            return false;
        }
        self.pos += 1;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => {}
                _ => return false,
            }
            let name = self.string();
            self.skip_ws();
            if self.peek() != Some(b':') {
                return false;
            }
            self.pos += 1;
            self.skip_ws();
            if name == key {
                return true;
            }
            self.skip_value();
            self.skip_ws();
            if self.peek() != Some(b',') {
                return false;
            }
            self.pos += 1;
        }
    }

    /// At an array: moves to element `index`; false if absent.
    fn enter_index(&mut self, index: usize) -> bool {
        if self.peek() != Some(b'[') {
            return false;
        }
        self.pos += 1;
        for _ in 0..index {
            self.skip_ws();
            self.skip_value();
            self.skip_ws();
            if self.peek() != Some(b',') {
                return false;
            }
            self.pos += 1;
        }
        self.skip_ws();
        !matches!(self.peek(), Some(b']') | None)
    }

    fn string(&mut self) -> String {
        let start = self.pos + 1;
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => self.pos += 1,
                b'"' => break,
                _ => {}
            }
        }
        String::from_utf8_lossy(&self.bytes[start..self.pos.saturating_sub(1)]).into_owned()
    }

    fn skip_value(&mut self) {
        match self.peek() {
            Some(b'"') => {
                self.string();
            }
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(b) = self.peek() {
                    match b {
                        b'"' => {
                            self.string();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                return;
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.pos += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"{
  "name": "x",
  "faults": {
    "schedule": [
      { "at": "1s", "crash": 1 },
      { "at": "2s", "crash": 9 }
    ]
  }
}"#;

    #[test]
    fn finds_nested_fields_and_elements() {
        assert_eq!(locate(SOURCE, "name"), (2, 11));
        assert_eq!(locate(SOURCE, "faults.schedule[1].crash"), (6, 30));
        assert_eq!(locate(SOURCE, "faults.schedule[1]"), (6, 7));
    }

    #[test]
    fn stops_at_the_deepest_existing_part() {
        assert_eq!(locate(SOURCE, "faults.missing"), (3, 13));
    }

    #[test]
    fn parses_paths_with_indices() {
        assert_eq!(
            parse_path("a.b[2].c"),
            vec![
                Step::Key("a".into()),
                Step::Key("b".into()),
                Step::Index(2),
                Step::Key("c".into())
            ]
        );
    }
}
