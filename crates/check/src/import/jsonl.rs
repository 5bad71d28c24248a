//! faultline's JSON Lines histories: one event per line,
//! `{"process":3,"type":"invoke","f":"put","key":"k1","value":"<3.7>"}`.

use crate::history::{Func, History, HistoryError, Status};
use crate::value::Val;
use serde_json::Value;

pub fn parse(text: &str) -> Result<History, HistoryError> {
    let mut history = History::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let error = |message: String| HistoryError { line, message };
        let event: Value = serde_json::from_str(raw).map_err(|e| {
            error(format!(
                "column {}: {e}; expected one JSON object per line",
                e.column()
            ))
        })?;
        let process = event["process"]
            .as_u64()
            .ok_or_else(|| error("`process`: expected a non-negative integer".into()))?;
        let f_name = event["f"]
            .as_str()
            .ok_or_else(|| error("`f`: expected a string such as \"get\"".into()))?;
        let f = Func::parse(f_name)
            .ok_or_else(|| error(format!("`f`: unknown operation `{f_name}`")))?;
        let key = match &event["key"] {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        };
        let value = Val::from_json(&event["value"]).ok_or_else(|| {
            error(format!(
                "`value`: expected null, an integer, a string or a pair, found {}",
                event["value"]
            ))
        })?;
        match event["type"].as_str() {
            Some("invoke") => history.invoke(process, f, key, value, line)?,
            Some("ok") => history.complete(process, Status::Ok, value, line)?,
            Some("fail") => history.complete(process, Status::Fail, value, line)?,
            Some("info") => history.complete(process, Status::Info, value, line)?,
            _ => {
                return Err(error(
                    "`type`: expected \"invoke\", \"ok\", \"fail\" or \"info\"".into(),
                ))
            }
        }
    }
    Ok(history)
}
