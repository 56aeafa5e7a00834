//! An installed wsadm, packaged and installed by `scripts/check-package` (which sets
//! WSADM_TEST_BIN), provisions the chat stack on `wsadm local` from a directory that holds no
//! checkout, with the handlers it embeds, and the stack works. For the architecture this
//! machine cannot run, what was uploaded is checked. Run only by that script: it needs the
//! installed binary (WSADM_TEST_EMBEDDED names the architectures embedded in it, and
//! WSADM_TEST_BOOTSTRAPS the folder of the extracted packages holding their zips).

mod common;

use base64::Engine as _;
use common::stack::{connect, local, recv, send, token, SECRET, STACK};
use common::wsadm_in;
use serde_json::json;
use sha2::Digest as _;

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
    let embedded = std::env::var("WSADM_TEST_EMBEDDED").unwrap_or_default();
    let version = env!("CARGO_PKG_VERSION");
    let from = |arch: &str| {
        if embedded.split_whitespace().any(|a| a == arch) {
            format!("the handlers embedded in wsadm {version}")
        } else {
            format!("this wsadm {version} as bootstrap")
        }
    };
    assert_eq!(out["outputs"]["handlers"], from("x86_64"), "{out}");
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

    // The other architecture: the embedded zip, uploaded as is, for arm64 functions.
    if embedded.split_whitespace().any(|a| a == "arm64") {
        let args = ["provision", "--name", "graviton", "--stage", "prod", "--architecture", "arm64"];
        let args = [&args[..], &["--jwt-secret-env", "CHAT_SECRET", "-o", "json"]].concat();
        let out = wsadm_in(Some(dir.path()), &env, &args).ok().json();
        assert_eq!(out["outputs"]["handlers"], from("arm64"), "{out}");
        let dir = std::env::var("WSADM_TEST_BOOTSTRAPS").expect("WSADM_TEST_BOOTSTRAPS");
        let zip = std::fs::read(format!("{dir}/wsadm-bootstrap-arm64-{version}/bootstrap.zip")).unwrap();
        let sha = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&zip));
        let lambda = aws_sdk_lambda::Client::new(&l.sdk);
        let fns = lambda.list_functions().send().await.unwrap();
        let graviton: Vec<_> =
            fns.functions().iter().filter(|f| f.function_name().unwrap_or_default().starts_with("graviton")).collect();
        assert!(!graviton.is_empty(), "{fns:?}");
        for f in graviton {
            assert_eq!(f.code_sha256(), Some(sha.as_str()), "{f:?}");
            assert_eq!(f.architectures(), &[aws_sdk_lambda::types::Architecture::Arm64], "{f:?}");
        }
    }
}
