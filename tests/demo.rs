//! The README's first command must work: scripts/demo against the local stack.

use std::process::Command;

#[test]
fn demo_runs_and_shows_the_api() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("bash")
        .arg(format!("{root}/scripts/demo"))
        .env("WSADM_BIN", env!("CARGO_BIN_EXE_wsadm"))
        .env("DEMO_FAST", "1")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run scripts/demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "demo failed:\n{stdout}\n{stderr}");
    for line in [
        "$ wsadm provision --name chat --stage prod",
        " as bootstrap",
        "$ wsadm apis show chat",
        "$ wsadm sessions ls --api chat --stage prod --room lobby",
        "$ wsadm broadcast --api chat --stage prod --room lobby --message '{\"type\":\"maintenance\",\"in\":\"5m\"}' --json",
        "alice's client received: {",
        "$ wsadm sessions kick --api chat --stage prod --user bob --yes",
        "$ wsadm sessions prune",
        "(bob and erin are back with new connection ids",
        "$ wsadm logs summary --api chat --stage prod",
        "$ wsadm logs trace ",
        "User                erin",
        "$ wsadm destroy --name chat --yes",
        "demo: done",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in:\n{stdout}");
    }
    let broadcast = stdout.split("$ wsadm broadcast").nth(1).unwrap();
    assert!(broadcast.lines().any(|l| l.starts_with("Delivered") && l.trim_end().ends_with(" 3")), "{broadcast}");
    let prune = stdout.split("$ wsadm sessions prune").nth(1).unwrap();
    assert!(prune.lines().any(|l| l.starts_with("Gone (410)") && l.trim_end().ends_with(" 1")), "{prune}");
    let tail = stdout.split("$ wsadm logs tail").nth(1).unwrap();
    assert!(tail.lines().any(|l| l.contains("DISCONNECT $disconnect -> 200") && l.contains("user=bob")), "{tail}");
    assert!(!stderr.contains("step failed"), "{stderr}");
}
