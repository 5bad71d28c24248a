//! Stopping long work cleanly on SIGINT (Ctrl-C) or SIGTERM (a cancelled CI job, a
//! Kubernetes deadline).
//!
//! The default action kills the process wherever it is: no summary, no JUnit, a
//! half-written temporary file. Instead, the first signal only raises a flag that
//! the work polls between steps, so it can stop, write its reports and exit with the
//! status a shell expects of a process the signal killed (130, 143). A second signal
//! ends the process at once with that status, for a person who will not wait.
//!
//! Uses `signal-hook`'s flag handlers: async-signal-safe (an atomic store), no extra
//! thread, and well kept; `ctrlc` would also do, but gives no way to tell the two
//! signals apart for the exit status.

use anyhow::{Context as _, Result};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A signal that asks the process to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopSignal {
    Interrupt,
    Terminate,
}

impl StopSignal {
    const ALL: [StopSignal; 2] = [StopSignal::Interrupt, StopSignal::Terminate];

    fn number(self) -> i32 {
        match self {
            StopSignal::Interrupt => SIGINT,
            StopSignal::Terminate => SIGTERM,
        }
    }

    /// `SIGINT` or `SIGTERM`.
    pub fn name(self) -> &'static str {
        match self {
            StopSignal::Interrupt => "SIGINT",
            StopSignal::Terminate => "SIGTERM",
        }
    }

    /// 128 + the signal number, as a shell reports a process the signal killed.
    pub fn exit_code(self) -> i32 {
        128 + self.number()
    }
}

/// Whether a stop signal arrived, shared with the signal handlers.
#[derive(Clone)]
pub struct Interrupts {
    /// The number of the first signal received, 0 before any.
    received: Arc<AtomicUsize>,
}

impl Interrupts {
    /// Installs the handlers (once per process; later calls share them).
    pub fn install() -> Result<Interrupts> {
        static INSTALLED: Mutex<Option<Interrupts>> = Mutex::new(None);
        let mut installed = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(interrupts) = installed.as_ref() {
            return Ok(interrupts.clone());
        }
        let interrupts = Interrupts {
            received: Arc::new(AtomicUsize::new(0)),
        };
        let any = Arc::new(AtomicBool::new(false));
        for signal in StopSignal::ALL {
            let number = signal.number();
            // Order matters: the shutdown check runs before the flag is raised, so
            // it fires only on the second signal.
            flag::register_conditional_shutdown(number, signal.exit_code(), Arc::clone(&any))
                .and_then(|_| flag::register(number, Arc::clone(&any)))
                .and_then(|_| {
                    flag::register_usize(number, Arc::clone(&interrupts.received), number as usize)
                })
                .with_context(|| format!("cannot handle {}", signal.name()))?;
        }
        *installed = Some(interrupts.clone());
        Ok(interrupts)
    }

    /// The signal received, if one was.
    pub fn received(&self) -> Option<StopSignal> {
        let number = self.received.load(Ordering::SeqCst);
        StopSignal::ALL
            .into_iter()
            .find(|s| s.number() as usize == number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_shells() {
        assert_eq!(StopSignal::Interrupt.exit_code(), 130);
        assert_eq!(StopSignal::Terminate.exit_code(), 143);
    }
}
