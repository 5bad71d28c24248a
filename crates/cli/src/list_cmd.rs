//! `faultline list protocols|bugs|models`: what faultline can run, break and check.

use clap::ValueEnum;
use faultline_protocols::registry::all_protocols;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListWhat {
    Protocols,
    Bugs,
    Models,
}

pub fn list_command(what: ListWhat) -> i32 {
    match what {
        ListWhat::Protocols => list_protocols(),
        ListWhat::Bugs => list_bugs(),
        ListWhat::Models => list_models(),
    }
    0
}

fn list_protocols() {
    for p in all_protocols() {
        let model = p
            .history_model
            .map(|m| format!(" (history: {m})"))
            .unwrap_or_default();
        println!("{:<10} {}{model}", p.name, p.summary);
        for option in p.options {
            println!(
                "    option {:<16} {} (default {})",
                option.name, option.meaning, option.default
            );
        }
    }
}

fn list_bugs() {
    for p in all_protocols() {
        for bug in p.bugs {
            println!("{:<36} {}", bug.name, bug.mechanism);
            println!("{:<36} violates: {}", "", bug.violates.join(", "));
        }
    }
}

fn list_models() {
    for (name, meaning) in [
        ("register", "read/write register"),
        ("cas-register", "read/write/compare-and-set register"),
        ("kv", "get/put/append per key, checked key by key"),
        ("mutex", "acquire/release lock"),
    ] {
        println!("{name:<14} {meaning}");
    }
}
