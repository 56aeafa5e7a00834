//! Handler artifacts: provision with no checkout uploads this wsadm as the functions'
//! `bootstrap`; `wsadm handlers build` drives cargo-lambda and provision picks up its zip.

mod common;

use base64::Engine as _;
use common::stack::{local, STACK};
use common::{wsadm_bin, wsadm_in};
use sha2::Digest;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn env_with_cache(base: &[(String, String)], cache: &Path) -> Vec<(String, String)> {
    let mut env = base.to_vec();
    env.push(("WSADM_CACHE_DIR".into(), cache.display().to_string()));
    env
}

fn provision_args(extra: &[&'static str]) -> Vec<&'static str> {
    let mut args =
        vec!["provision", "--name", STACK, "--stage", "prod", "--jwt-secret-env", "CHAT_SECRET", "-o", "json"];
    args.extend_from_slice(extra);
    args
}

fn zip_of(name: &str, body: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().unix_permissions(0o755);
    w.start_file(name, opts).unwrap();
    w.write_all(body).unwrap();
    w.finish().unwrap().into_inner()
}

#[tokio::test]
async fn provision_without_a_checkout_uploads_this_wsadm_as_bootstrap() {
    let l = local().await;
    let dir = tempfile::tempdir().unwrap(); // no dist/, no checkout
    let env = env_with_cache(&l.env, &dir.path().join("cache"));
    let run = wsadm_in(Some(dir.path()), &env, &provision_args(&[])).ok();
    let out = run.json();
    assert_eq!(out["outputs"]["handlers"], format!("this wsadm {VERSION} as bootstrap"), "{}", run.stdout);
    assert_eq!(out["outputs"]["handlers_version"], VERSION);

    let lambda = aws_sdk_lambda::Client::new(&l.sdk);
    let conf = lambda.get_function_configuration().function_name("chat-connect").send().await.unwrap();
    assert_eq!(conf.description(), Some(format!("wsadm stack chat: $connect; handlers from wsadm {VERSION}").as_str()));
    // What was uploaded is exactly this executable, executable, as `bootstrap`.
    let cached: Vec<_> = std::fs::read_dir(dir.path().join("cache/handlers")).unwrap().flatten().collect();
    assert_eq!(cached.len(), 1, "one cached zip: {cached:?}");
    let zip = std::fs::read(cached[0].path()).unwrap();
    let sha = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&zip));
    assert_eq!(conf.code_sha256(), Some(sha.as_str()));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut f = archive.by_name("bootstrap").unwrap();
    assert_eq!(f.unix_mode().map(|m| m & 0o777), Some(0o755));
    let mut exe = Vec::new();
    f.read_to_end(&mut exe).unwrap();
    assert!(exe == std::fs::read(wsadm_bin()).unwrap(), "the zip holds this wsadm");

    // `apis show` says which wsadm built each function's handlers, and warns when it is older.
    let show = wsadm_in(Some(dir.path()), &env, &["apis", "show", STACK, "-o", "json"]).ok().json();
    let connect = show["functions"].as_array().unwrap().iter().find(|f| f["name"] == "chat-connect").unwrap();
    assert_eq!(connect["handlers_version"], VERSION, "{show}");
    assert_eq!(show["functions"].as_array().unwrap().len(), 4, "connect, disconnect, chat, authorizer: {show}");
    assert_eq!(show["warnings"], serde_json::json!([]));
    let old = "wsadm stack chat: $connect; handlers from wsadm 0.0.1";
    lambda.update_function_configuration().function_name("chat-connect").description(old).send().await.unwrap();
    let show = wsadm_in(Some(dir.path()), &env, &["apis", "show", STACK, "-o", "json"]).ok().json();
    let warning = show["warnings"][0].as_str().unwrap_or_default();
    assert!(warning.contains("chat-connect runs handlers from wsadm 0.0.1, older than this wsadm"), "{show}");
    let again = wsadm_in(Some(dir.path()), &env, &provision_args(&[])).ok().json();
    assert_eq!(again["summary"]["update"], 1, "provision puts the description back: {again}");

    // The same executable zips to the same bytes, with or without the cache: nothing changes.
    std::fs::remove_dir_all(dir.path().join("cache")).unwrap();
    let again = wsadm_in(Some(dir.path()), &env, &provision_args(&[])).ok().json();
    assert_eq!(again["up_to_date"], true, "{again}");

    // The other architecture cannot be this executable: a clear error before any change.
    let other = if cfg!(target_arch = "x86_64") { "arm64" } else { "x86_64" };
    let run = wsadm_in(Some(dir.path()), &env, &provision_args(&["--architecture", other]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("wsadm handlers build --arch {other}")), "{}", run.stderr);
    let conf = lambda.get_function_configuration().function_name("chat-connect").send().await.unwrap();
    assert_eq!(conf.code_sha256(), Some(sha.as_str()), "nothing was changed");
}

/// A stand-in for cargo-lambda that records its arguments and "builds" the zip in $FAKE_ZIP.
fn fake_cargo_lambda(bin: &Path, exit: i32) {
    std::fs::create_dir_all(bin).unwrap();
    let script = format!(
        "#!/bin/sh\necho \"$@\" > \"$FAKE_ARGS\"\n[ {exit} -eq 0 ] || exit {exit}\n\
         while [ $# -gt 0 ]; do case \"$1\" in --lambda-dir) dir=$2; shift;; --bin) b=$2; shift;; esac; shift; done\n\
         mkdir -p \"$dir/$b\" && cp \"$FAKE_ZIP\" \"$dir/$b/bootstrap.zip\"\n"
    );
    let path = bin.join("cargo-lambda");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[tokio::test]
async fn handlers_build_drives_cargo_lambda_and_provision_uses_its_zip() {
    let l = local().await;
    let dir = tempfile::tempdir().unwrap();
    let (bin, cache) = (dir.path().join("bin"), dir.path().join("cache"));
    let mut env = env_with_cache(&l.env, &cache);
    env.push(("PATH".into(), format!("{}:/usr/bin:/bin", bin.display())));
    env.push(("FAKE_ARGS".into(), dir.path().join("args").display().to_string()));
    env.push(("FAKE_ZIP".into(), dir.path().join("fake.zip").display().to_string()));
    let arch = if cfg!(target_arch = "x86_64") { "x86_64" } else { "arm64" };
    let build = ["handlers", "build", "--arch", arch, "-o", "json"];

    // Not installed: how to install it.
    let run = wsadm_in(Some(dir.path()), &env, &build);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("pip install cargo-lambda"), "{}", run.stderr);

    // A failed build is exit 1, and nothing is left where provision looks.
    fake_cargo_lambda(&bin, 101);
    let run = wsadm_in(Some(dir.path()), &env, &build);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("cargo-lambda failed"), "{}", run.stderr);

    // A bootstrap Lambda cannot run (a script here) is refused.
    fake_cargo_lambda(&bin, 0);
    std::fs::write(dir.path().join("fake.zip"), zip_of("bootstrap", b"#!/bin/sh\nexit 0\n")).unwrap();
    let run = wsadm_in(Some(dir.path()), &env, &build);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("not a 64-bit Linux executable"), "{}", run.stderr);
    let built = cache.join(format!("handlers/wsadm-handler-{VERSION}-{arch}.zip"));
    assert!(!built.exists());

    // A good one: outside a checkout the published crate of this version is compiled.
    let exe = std::fs::read(wsadm_bin()).unwrap();
    std::fs::write(dir.path().join("fake.zip"), zip_of("bootstrap", &exe)).unwrap();
    let run = wsadm_in(Some(dir.path()), &env, &build).ok();
    let out = run.json();
    assert_eq!(out["path"], built.display().to_string());
    assert_eq!(out["source"], format!("crates.io wsadm-handler {VERSION}"));
    let args = std::fs::read_to_string(dir.path().join("args")).unwrap();
    let flag = if arch == "x86_64" { "--x86-64" } else { "--arm64" };
    assert!(args.starts_with(&format!("lambda build --release {flag} --output-format zip")), "{args}");
    assert!(args.trim_end().ends_with("--bin bootstrap"), "{args}");
    let manifest = std::fs::read_to_string(cache.join(format!("handlers/src-{VERSION}/Cargo.toml"))).unwrap();
    assert!(manifest.contains(&format!("wsadm-handler = \"={VERSION}\"")), "{manifest}");

    // provision takes the built zip before this executable.
    let out = wsadm_in(Some(dir.path()), &env, &provision_args(&["--architecture", arch])).ok().json();
    assert_eq!(out["outputs"]["handlers"], format!("{} (wsadm handlers build)", built.display()));
}
