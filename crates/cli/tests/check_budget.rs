//! `faultline check` and `faultline run` share one linearizability step budget
//! (`faultline_check::STEPS_PER_PARTITION_MAX`): `check --help` shows it as the
//! default of `--budget`.

use std::process::Command;

#[test]
fn check_help_shows_the_one_budget_as_the_default() {
    let output = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["check", "--help"])
        .output()
        .expect("faultline runs");
    let help = String::from_utf8_lossy(&output.stdout);
    let budget = faultline_check::STEPS_PER_PARTITION_MAX.to_string();
    assert!(help.contains(&format!("[default: {budget}]")), "{help}");
    assert!(help.contains("faultline run"), "{help}");
}
