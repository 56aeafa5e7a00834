//! Embeds bootstrap.zip when it is present (a release has it; a checkout, usually not). A
//! package without it was published by mistake: it fails to build rather than leave an
//! installed wsadm without handlers for this architecture.

fn main() {
    let dir = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let zip = dir.join("bootstrap.zip");
    println!("cargo::rerun-if-changed={}", zip.display());
    println!("cargo::rustc-check-cfg=cfg(has_bootstrap)");
    if zip.is_file() {
        println!("cargo::rustc-cfg=has_bootstrap");
    } else if dir.join("Cargo.toml.orig").is_file() {
        // `cargo package` writes Cargo.toml.orig into every package, never into a checkout.
        panic!(
            "this package of {} has no bootstrap.zip: it was packaged without running scripts/build-bootstraps",
            std::env::var("CARGO_PKG_NAME").unwrap_or_default()
        );
    }
}
