//! Bad configuration and dead endpoints: one line, a hint, the documented exit code, fast.

mod common;

use common::wsadm;
use std::time::Duration;
use wsadm_testkit::{isolated_env, wsadm_env, Moto};

fn with(mut env: Vec<(String, String)>, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    env
}

fn first_line_and_hint(stderr: &str) -> (&str, &str) {
    let mut lines = stderr.lines();
    let first = lines.next().unwrap_or_default();
    let hint = lines.find(|l| l.starts_with("hint: ")).unwrap_or_default();
    assert!(first.starts_with("error: "), "{stderr}");
    assert!(!hint.is_empty(), "no hint in {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    (first, hint)
}

#[test]
fn dead_endpoint_fails_fast() {
    let env = with(isolated_env(), &[("AWS_ACCESS_KEY_ID", "k"), ("AWS_SECRET_ACCESS_KEY", "s")]);
    let r = wsadm(&env, &["--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9", "apis", "ls"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.elapsed < Duration::from_secs(10), "took {:?}", r.elapsed);
    let (first, hint) = first_line_and_hint(&r.stderr);
    assert!(first.contains("cannot reach") && first.contains("Connection refused"), "{first}");
    assert!(r.stderr.contains("endpoint: http://127.0.0.1:9"));
    assert!(hint.contains("--endpoint-url"));
}

#[test]
fn no_region() {
    let env = with(isolated_env(), &[("AWS_ACCESS_KEY_ID", "k"), ("AWS_SECRET_ACCESS_KEY", "s")]);
    let r = wsadm(&env, &["--endpoint-url", "http://127.0.0.1:9", "apis", "ls"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let (first, hint) = first_line_and_hint(&r.stderr);
    assert!(first.contains("no AWS region"));
    assert!(hint.contains("--region"));
}

#[test]
fn no_credentials() {
    let r = wsadm(&isolated_env(), &["--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9", "apis", "ls"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(r.elapsed < Duration::from_secs(10));
    let (first, hint) = first_line_and_hint(&r.stderr);
    assert!(first.contains("no AWS credentials"));
    assert!(hint.contains("sso login"));
    assert_eq!(r.stderr.lines().count(), 2, "one line and a hint: {}", r.stderr);
}

#[test]
fn unknown_profile() {
    let r = wsadm(
        &isolated_env(),
        &["--profile", "nosuch", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9", "apis", "ls"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let (first, hint) = first_line_and_hint(&r.stderr);
    assert!(first.contains("profile `nosuch`"));
    assert!(hint.contains("list-profiles"));
}

#[test]
fn bad_region_and_endpoint_values() {
    let env = with(isolated_env(), &[("AWS_ACCESS_KEY_ID", "k"), ("AWS_SECRET_ACCESS_KEY", "s")]);
    let r = wsadm(&env, &["--region", "us east 1", "--endpoint-url", "http://127.0.0.1:9", "apis", "ls"]);
    assert_eq!(r.code, 2);
    first_line_and_hint(&r.stderr);
    let r = wsadm(&env, &["--region", "us-east-1", "--endpoint-url", "127.0.0.1:9", "apis", "ls"]);
    assert_eq!(r.code, 2);
    first_line_and_hint(&r.stderr);
    let r = wsadm(&env, &["-o", "yaml", "apis", "ls"]);
    assert_eq!(r.code, 2, "clap usage errors exit 2: {}", r.stderr);
}

#[test]
fn loopback_guard_refuses_real_aws() {
    let env = with(
        isolated_env(),
        &[("AWS_ACCESS_KEY_ID", "k"), ("AWS_SECRET_ACCESS_KEY", "s"), ("AWS_REGION", "us-east-1")],
    );
    let r = wsadm(&env, &["apis", "ls"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("refusing to use the non-loopback endpoint"));
    let r = wsadm(&env, &["--endpoint-url", "https://apigateway.us-east-1.amazonaws.com", "apis", "ls"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("apigateway.us-east-1.amazonaws.com"));
}

#[test]
fn rejected_credentials_are_an_auth_error() {
    // moto with IAM authentication on: an access key it never issued is refused.
    let moto = Moto::start_with_env(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]);
    let r = wsadm(&wsadm_env(&moto.url), &["apis", "ls"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    let (first, hint) = first_line_and_hint(&r.stderr);
    assert!(first.contains("rejected the credentials"), "{first}");
    assert!(hint.contains("--profile"));
}
