//! The checked-in completions and man pages must match the clap definitions.

mod common;

use common::wsadm;
use std::collections::BTreeMap;
use std::path::Path;

const FIX: &str = "they are stale: run `scripts/generate` and commit completions/ and man/";

fn read_dir(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect()
}

fn compare(checked_in: &Path, fresh: &Path) {
    let (old, new) = (read_dir(checked_in), read_dir(fresh));
    let old_names: Vec<_> = old.keys().collect();
    let new_names: Vec<_> = new.keys().collect();
    assert_eq!(old_names, new_names, "{}: files differ; {FIX}", checked_in.display());
    for (name, text) in &new {
        assert!(old[name] == *text, "{}/{name} differs; {FIX}", checked_in.display());
    }
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let comp = tmp.path().join("completions");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        wsadm(&[], &["generate", "completions", shell, "--dir", comp.to_str().unwrap()]).ok();
    }
    compare(&root.join("completions"), &comp);
    let man = tmp.path().join("man");
    wsadm(&[], &["generate", "man", man.to_str().unwrap()]).ok();
    compare(&root.join("man"), &man);
    assert!(read_dir(&man).contains_key("wsadm-apis-ls.1"));
}

#[test]
fn completions_print_to_stdout() {
    let r = wsadm(&[], &["generate", "completions", "bash"]).ok();
    assert!(r.stdout.contains("_wsadm()"), "{}", &r.stdout[..200.min(r.stdout.len())]);
    assert!(r.stdout.contains("--endpoint-url"));
}
