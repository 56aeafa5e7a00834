//! The README's first command must work: scripts/demo against the local stack.

use std::process::Command;

#[test]
fn demo_runs_and_shows_the_api() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("bash")
        .arg(format!("{root}/scripts/demo"))
        .env("WSADM_BIN", env!("CARGO_BIN_EXE_wsadm"))
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run scripts/demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "demo failed:\n{stdout}\n{stderr}");
    for line in ["$ wsadm apis ls", "$ wsadm apis show chat --stage prod", "100 rps, burst 200", "demo: done"] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    assert!(stdout.contains("\"routes\": 8"), "{stdout}");
}
