//! The `jiuzai` command line lists its commands. (Being an integration test of this package also
//! makes `cargo test --workspace` build the binary that the API tests in `tests/` start.)

use std::process::Command;

#[test]
fn help_lists_every_command() {
    let output = Command::new(env!("CARGO_BIN_EXE_jiuzai")).arg("--help").output().expect("run jiuzai --help");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for command in ["serve", "migrate", "areas", "demo", "user", "households", "backup", "checksum"] {
        assert!(help.contains(command), "`{command}` missing from:\n{help}");
    }
}

#[test]
fn an_unknown_command_fails_with_usage() {
    let output = Command::new(env!("CARGO_BIN_EXE_jiuzai")).arg("launch-rockets").output().expect("run jiuzai");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Usage"));
}
