//! A panic in protocol code is a failure like any other: in Rust it is the most
//! common way a bug shows itself (an index out of range, a failed `expect`, an
//! assertion on an invariant). A run catches it, names it as the property `panic`
//! with its message and source location, and goes on to write its trace, so a fuzz
//! campaign keeps going, `replay` reproduces it at the same event and `shrink`
//! minimises it.
//!
//! The panic hook is process-wide; it is replaced once by one that, on a thread that
//! is inside [`catch`], records the message and location instead of printing them,
//! and otherwise hands the panic to the hook it replaced (test failures still print).

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Whether this thread is inside [`catch`].
    static CATCHING: Cell<bool> = const { Cell::new(false) };
    /// The last caught panic's message and location, for [`catch`] to take.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Runs `work`; a panic inside it becomes `Err` with its message and location
/// (`index out of bounds: ... at crates/x/src/log.rs:42:9`), printed nowhere.
pub fn catch<R>(work: impl FnOnce() -> R) -> Result<R, String> {
    HOOK.call_once(install_hook);
    let outer = CATCHING.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    CATCHING.with(|c| c.set(outer));
    result.map_err(|payload| {
        CAUGHT
            .with(|c| c.borrow_mut().take())
            .unwrap_or_else(|| payload_text(payload.as_ref()))
    })
}

fn install_hook() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !CATCHING.with(Cell::get) {
            return previous(info);
        }
        let location = info
            .location()
            .map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let text = format!("{}{location}", payload_text(info.payload()));
        CAUGHT.with(|c| *c.borrow_mut() = Some(text));
    }));
}

/// The text a panic was raised with (`panic!("...")`, `expect`, an assertion).
fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        return (*text).to_string();
    }
    if let Some(text) = payload.downcast_ref::<String>() {
        return text.clone();
    }
    "a panic with a non-text payload".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_location() {
        let caught = catch(|| {
            let entries: Vec<u64> = Vec::new();
            entries[3]
        })
        .expect_err("it panics");
        assert!(caught.contains("index out of bounds"), "{caught}");
        assert!(caught.contains("panic_capture.rs:"), "{caught}");
    }

    #[test]
    fn work_that_does_not_panic_returns_its_value() {
        assert_eq!(catch(|| 7), Ok(7));
    }

    #[test]
    fn nested_catches_each_see_their_own_panic() {
        let outer = catch(|| {
            let inner = catch(|| panic!("inner"));
            assert!(inner.unwrap_err().starts_with("inner"));
            panic!("outer")
        });
        assert!(outer.unwrap_err().starts_with("outer"));
    }
}
