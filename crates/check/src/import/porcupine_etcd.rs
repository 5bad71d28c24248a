//! Porcupine's etcd logs: `INFO  jepsen.util - <process> <type> <f> <value>` lines,
//! separated by tabs or runs of spaces.
//!
//! Read as Porcupine reads them: `:info` completions leave the operation open (its
//! outcome is unknown, so it may take effect at any point after its invocation); a
//! `:fail :read :timed-out` is unknown too; a `:fail :cas` is a compare that ran and
//! found another value (the etcd reading of a failed CAS).

use crate::history::{Func, History, HistoryError, Status};
use crate::value::Val;

const PREFIX: &str = "INFO";

pub fn parse(text: &str) -> Result<History, HistoryError> {
    let mut history = History::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let words: Vec<&str> = raw.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        let error = |message: String| HistoryError { line, message };
        if words.len() < 6 || words[0] != PREFIX || words[1] != "jepsen.util" || words[2] != "-" {
            return Err(error(format!(
                "expected `INFO  jepsen.util - <process> <type> <f> <value>`, found `{}`",
                raw.trim()
            )));
        }
        let process: u64 = words[3]
            .parse()
            .map_err(|_| error(format!("`{}` is not a process number", words[3])))?;
        let f = match words[5] {
            ":read" => Func::Read,
            ":write" => Func::Write,
            ":cas" => Func::Cas,
            other => {
                return Err(error(format!(
                    "unknown operation `{other}`; expected :read, :write or :cas"
                )))
            }
        };
        let value = parse_value(&words[6..]).map_err(error)?;
        match words[4] {
            ":invoke" => history.invoke(
                process,
                f,
                None,
                if f == Func::Read { Val::Nil } else { value },
                line,
            )?,
            ":ok" => {
                let output = if f == Func::Read { value } else { Val::Nil };
                history.complete_matching(process, f, Status::Ok, output, line)?
            }
            ":fail" if f == Func::Cas => {
                history.complete_matching(process, f, Status::Fail, Val::Nil, line)?
            }
            ":fail" | ":info" => {
                history.complete_matching(process, f, Status::Info, Val::Nil, line)?
            }
            other => {
                return Err(error(format!(
                    "unknown type `{other}`; expected :invoke, :ok, :fail or :info"
                )))
            }
        }
    }
    Ok(history)
}

fn parse_value(words: &[&str]) -> Result<Val, String> {
    let joined = words.join(" ");
    let text = joined.trim();
    if text == "nil" || text == ":timed-out" {
        return Ok(Val::Nil);
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let parts: Vec<&str> = inner.split_whitespace().collect();
        if parts.len() == 2 {
            return Ok(Val::Pair(
                Box::new(int(parts[0])?),
                Box::new(int(parts[1])?),
            ));
        }
        return Err(format!("`{text}`: expected [from to]"));
    }
    int(text)
}

fn int(text: &str) -> Result<Val, String> {
    text.parse::<i64>()
        .map(Val::Int)
        .map_err(|_| format!("`{text}`: expected an integer, nil or [from to]"))
}
