//! The emulators' Python unit tests (lib/testbed/tests), pinned against the
//! real samples in fixtures/real. No root or testbed needed.

use std::process::Command;

#[test]
fn emulator_unit_tests() {
    let lib = std::path::Path::new(zone_testbed::SRC).join("lib");
    let out = Command::new("/usr/bin/python3")
        .args(["-m", "unittest", "-v", "testbed.tests.test_emulators"])
        .current_dir(&lib)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("python3");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("\nOK"), "{err}");
}
