//! Explicit saga workloads: every `workload.script` entry is an order, in the fields
//! of the client history: `{"f": "order", "key": "i3", "value": "2"}` orders two units
//! of item 3. Checked once at load time, turned into [`OrderOp`]s for the customers.

use crate::protocol::{ScriptProblem, ScriptedOp};
use crate::saga::config::ITEMS_MAX;
use crate::saga::customer::OrderOp;
/// The most units one order may ask for.
pub const QTY_MAX: u32 = 1_000;

/// Every entry orders a positive quantity of an item named `i<n>`.
pub fn check_script(script: &[ScriptedOp]) -> Result<(), ScriptProblem> {
    for (entry, op) in script.iter().enumerate() {
        let problem = |field, message: String| ScriptProblem {
            entry,
            field,
            message,
        };
        if op.f != "order" {
            let message = format!("unknown operation `{}`; expected order", op.f);
            return Err(problem("f", message));
        }
        if item_number(&op.key).is_none() {
            let message = format!(
                "`{}` is not an item; expected i0 to i{}",
                op.key,
                ITEMS_MAX - 1
            );
            return Err(problem("key", message));
        }
        let Some(value) = &op.value else {
            let message = "an order needs \"value\": the quantity, e.g. \"2\"".to_string();
            return Err(problem("", message));
        };
        if quantity(value).is_none() {
            let message = format!("`{value}` is not a quantity; expected 1 to {QTY_MAX}");
            return Err(problem("value", message));
        }
    }
    Ok(())
}

/// The order a checked script entry names.
pub fn order_op(op: &ScriptedOp) -> OrderOp {
    OrderOp {
        item: item_number(&op.key).expect("checked: an item"),
        qty: op
            .value
            .as_deref()
            .and_then(quantity)
            .expect("checked: a quantity"),
    }
}

/// How many items the inventory must stock for `script` (one past the highest named).
pub fn scripted_item_count(script: &[ScriptedOp]) -> u32 {
    let items = script.iter().filter_map(|op| item_number(&op.key));
    items.map(|n| n + 1).max().unwrap_or(0)
}

fn item_number(key: &str) -> Option<u32> {
    let digits = key.strip_prefix('i')?;
    let canonical = !digits.is_empty() && (digits == "0" || !digits.starts_with('0'));
    let n: u32 = digits.parse().ok().filter(|_| canonical)?;
    (n < ITEMS_MAX).then_some(n)
}

fn quantity(value: &str) -> Option<u32> {
    let qty: u32 = value.parse().ok()?;
    (1..=QTY_MAX).contains(&qty).then_some(qty)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(f: &str, key: &str, value: Option<&str>) -> ScriptedOp {
        ScriptedOp {
            client: 0,
            at_ns: 0,
            f: f.into(),
            key: key.into(),
            value: value.map(Into::into),
        }
    }

    #[test]
    fn orders_of_items_pass() {
        let script = [
            entry("order", "i0", Some("2")),
            entry("order", "i12", Some("1")),
        ];
        assert_eq!(check_script(&script), Ok(()));
        assert_eq!(order_op(&script[1]), OrderOp { item: 12, qty: 1 });
        assert_eq!(scripted_item_count(&script), 13);
    }

    #[test]
    fn bad_entries_name_their_field() {
        let field = |op: ScriptedOp| check_script(&[op]).unwrap_err().field;
        assert_eq!(field(entry("put", "i0", Some("1"))), "f");
        assert_eq!(field(entry("order", "k0", Some("1"))), "key");
        assert_eq!(field(entry("order", "i01", Some("1"))), "key");
        assert_eq!(field(entry("order", "i0", None)), "");
        assert_eq!(field(entry("order", "i0", Some("0"))), "value");
        assert_eq!(field(entry("order", "i0", Some("two"))), "value");
    }
}
