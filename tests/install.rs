//! An installed wsadm, packaged and installed by `scripts/check-package` (which sets
//! WSADM_TEST_BIN), provisions the chat stack on `wsadm local` from a directory that holds no
//! checkout, and the stack works. Run only by that script: it needs the installed binary.

mod common;

use common::stack::{connect, local, recv, send, token, SECRET, STACK};
use common::wsadm_in;
use serde_json::json;

#[tokio::test]
#[ignore = "run by scripts/check-package against the installed wsadm"]
async fn the_installed_wsadm_provisions_a_working_stack_without_a_checkout() {
    let installed = std::env::var("WSADM_TEST_BIN").expect("WSADM_TEST_BIN: the installed wsadm");
    assert!(!installed.starts_with(env!("CARGO_MANIFEST_DIR")), "{installed} must be outside the checkout");
    let l = local().await;
    let dir = tempfile::tempdir().unwrap();
    assert!(!dir.path().ancestors().any(|d| d.join("Cargo.toml").exists()), "no checkout around {dir:?}");
    let mut env = l.env.clone();
    env.push(("WSADM_CACHE_DIR".into(), dir.path().join("cache").display().to_string()));
    let args = ["provision", "--name", STACK, "--stage", "prod", "--jwt-secret-env", "CHAT_SECRET", "-o", "json"];
    let out = wsadm_in(Some(dir.path()), &env, &args).ok().json();
    assert_eq!(out["outputs"]["handlers"], format!("this wsadm {} as bootstrap", env!("CARGO_PKG_VERSION")));
    let url = out["outputs"]["wss_url"].as_str().unwrap().to_string();

    let mut alice = connect(&format!("{url}?token={}", token("alice", SECRET))).await.unwrap();
    let mut bob = connect(&format!("{url}?token={}", token("bob", SECRET))).await.unwrap();
    for ws in [&mut alice, &mut bob] {
        send(ws, json!({"action": "join", "room": "lobby"})).await;
        assert_eq!(recv(ws).await["type"], "joined");
    }
    send(&mut alice, json!({"action": "send", "room": "lobby", "text": "installed"})).await;
    assert_eq!(recv(&mut alice).await["delivered"], 1);
    assert_eq!(recv(&mut bob).await["text"], "installed");
}
