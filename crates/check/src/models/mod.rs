//! The built-in models: `register`, `cas-register`, `kv` (by key or as one whole map),
//! `mutex` and `multi-register` (transactions over registers), and [`ModelKind`] to
//! pick one by name (and box it as a [`HistoryModel`]); [`validate`] says which
//! operations of a history a model cannot perform.

pub mod cas_register;
pub mod kv;
pub mod multi_register;
pub mod mutex;
pub mod register;
pub mod text;
pub mod validate;

use crate::history_model::HistoryModel;

pub use cas_register::{CasFail, CasRegister};
pub use kv::{Kv, KvWhole};
pub use multi_register::MultiRegister;
pub use mutex::Mutex;
pub use register::Register;
pub use text::Text;

/// A built-in model chosen by name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelKind {
    Register,
    CasRegister(CasFail),
    /// Key-value, checked key by key.
    Kv,
    /// Key-value, the whole map as one state (no partitioning).
    KvWhole,
    Mutex,
    /// Registers read and written together by transactions (Knossos's).
    MultiRegister,
}

impl ModelKind {
    /// `register`, `cas-register`, `kv`, `mutex`.
    pub fn parse(name: &str) -> Option<ModelKind> {
        Some(match name {
            "register" => ModelKind::Register,
            "cas-register" => ModelKind::CasRegister(CasFail::Knossos),
            "kv" => ModelKind::Kv,
            "mutex" => ModelKind::Mutex,
            "multi-register" => ModelKind::MultiRegister,
            _ => return None,
        })
    }

    /// The model's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            ModelKind::Register => "register",
            ModelKind::CasRegister(_) => "cas-register",
            ModelKind::Kv => "kv",
            ModelKind::KvWhole => "kv (whole map)",
            ModelKind::Mutex => "mutex",
            ModelKind::MultiRegister => "multi-register",
        }
    }

    /// The built-in model itself, for a harness that holds built-in and users' models
    /// alike.
    pub fn boxed(self) -> Box<dyn HistoryModel> {
        match self {
            ModelKind::Register => Box::new(Register),
            ModelKind::CasRegister(cas_fail) => Box::new(CasRegister { cas_fail }),
            ModelKind::Kv => Box::new(Kv),
            ModelKind::KvWhole => Box::new(KvWhole),
            ModelKind::Mutex => Box::new(Mutex),
            ModelKind::MultiRegister => Box::new(MultiRegister),
        }
    }
}
