//! Embeds bootstrap.zip when it is present (a release has it; a checkout, usually not).

fn main() {
    let dir = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let zip = dir.join("bootstrap.zip");
    println!("cargo::rerun-if-changed={}", zip.display());
    println!("cargo::rustc-check-cfg=cfg(has_bootstrap)");
    if zip.is_file() {
        println!("cargo::rustc-cfg=has_bootstrap");
    }
}
