//! The zip `wsadm provision` uploads, found in this order:
//! 1. `--handler-zip PATH`;
//! 2. `dist/wsadm-handler-ARCH.zip` under the working directory (a checkout's `scripts/build-handlers`);
//! 3. the zip `wsadm handlers build --arch ARCH` left in the cache for this version;
//! 4. the zip for ARCH this wsadm embeds (`wsadm-bootstrap-ARCH`: a release embeds both
//!    architectures' handlers, prebuilt for Lambda's glibc);
//! 5. this very executable as `bootstrap`, when it is a Linux build for ARCH that Lambda's
//!    provided.al2023 can run (it acts as the handlers when the runtime starts it).
//!
//! So an installed release of wsadm provisions working handlers for either architecture from
//! any machine, with no toolchain; a build without the embedded zips does so on Linux for its
//! own architecture, and `wsadm handlers build` makes the others.

use super::elf::{self, Arch};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use wsadm_core::Error;

/// A zip uploaded directly (not through S3) may be at most this big.
pub const MAX_ZIP_BYTES: usize = 50 * 1024 * 1024;
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Where the uploaded code came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// `--handler-zip`: whoever built it.
    Given(PathBuf),
    /// A checkout's `dist/` (`scripts/build-handlers`).
    Dist(PathBuf),
    /// `wsadm handlers build`, this version.
    Built(PathBuf),
    /// Prebuilt, embedded in this wsadm.
    Embedded,
    /// This executable, zipped as `bootstrap`.
    ThisExecutable,
}

impl Origin {
    /// The wsadm version that built the code, when known.
    pub fn version(&self) -> Option<&'static str> {
        match self {
            Origin::Given(_) => None,
            _ => Some(VERSION),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Origin::Given(p) => format!("{} (--handler-zip)", p.display()),
            Origin::Dist(p) => format!("{} (scripts/build-handlers)", p.display()),
            Origin::Built(p) => format!("{} (wsadm handlers build)", p.display()),
            Origin::Embedded => format!("the handlers embedded in wsadm {VERSION}"),
            Origin::ThisExecutable => format!("this wsadm {VERSION} as bootstrap"),
        }
    }
}

#[derive(Debug)]
pub struct Artifact {
    pub zip: Vec<u8>,
    /// Base64 SHA-256 of the zip, as Lambda reports CodeSha256.
    pub code_sha256: String,
    pub origin: Origin,
}

impl Artifact {
    fn new(zip: Vec<u8>, origin: Origin) -> Self {
        let code_sha256 = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&zip));
        Artifact { zip, code_sha256, origin }
    }
}

/// wsadm's cache: `WSADM_CACHE_DIR`, else `$XDG_CACHE_HOME/wsadm`, else `~/.cache/wsadm`.
pub fn cache_dir() -> PathBuf {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    env("WSADM_CACHE_DIR")
        .or_else(|| env("XDG_CACHE_HOME").map(|d| d.join("wsadm")))
        .or_else(|| env("HOME").map(|d| d.join(".cache").join("wsadm")))
        .unwrap_or_else(|| std::env::temp_dir().join("wsadm-cache"))
}

/// Where `wsadm handlers build` puts its zip for `arch`.
pub fn built_path(arch: Arch) -> PathBuf {
    cache_dir().join("handlers").join(format!("wsadm-handler-{VERSION}-{}.zip", arch.name()))
}

/// The artifact for `arch` (see the module documentation for the order).
pub fn resolve(given: Option<&Path>, arch: Arch) -> Result<Artifact, Error> {
    if let Some(path) = given {
        return Ok(Artifact::new(read_zip(path)?, Origin::Given(path.to_path_buf())));
    }
    let dist = PathBuf::from(format!("dist/wsadm-handler-{}.zip", arch.name()));
    if dist.is_file() {
        return Ok(Artifact::new(read_zip(&dist)?, Origin::Dist(dist)));
    }
    let built = built_path(arch);
    if built.is_file() {
        return Ok(Artifact::new(read_zip(&built)?, Origin::Built(built)));
    }
    if let Some(zip) = embedded(arch) {
        check_embedded(zip, arch)?;
        return Ok(Artifact::new(zip.to_vec(), Origin::Embedded));
    }
    this_executable(arch).map(|zip| Artifact::new(zip, Origin::ThisExecutable))
}

/// The `bootstrap` inside a Lambda zip, bounded by Lambda's 250 MB unzipped.
pub fn bootstrap_of(zip: &[u8]) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let bad =
        |m: String| Error::other(wsadm_core::ErrorKind::Failure, m, "the zip must hold an executable named bootstrap");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).map_err(|e| bad(format!("not a zip: {e}")))?;
    let file = archive.by_name("bootstrap").map_err(|_| bad("the zip has no bootstrap".into()))?;
    let mut exe = Vec::new();
    file.take(250 * 1024 * 1024).read_to_end(&mut exe).map_err(|e| bad(format!("cannot unzip bootstrap: {e}")))?;
    Ok(exe)
}

/// A release that embedded the wrong build must not deploy it.
fn check_embedded(zip: &[u8], arch: Arch) -> Result<(), Error> {
    let unusable = |why: String| {
        Error::other(
            wsadm_core::ErrorKind::Failure,
            format!("the {} handlers embedded in wsadm {VERSION} cannot run on Lambda: {why}", arch.name()),
            format!("this release was packaged wrongly: report it; meanwhile {}", build_hint(arch)),
        )
    };
    let exe = bootstrap_of(zip).map_err(|e| unusable(e.to_string()))?;
    elf::check_bootstrap(&exe, arch).map_err(|why| unusable(why.to_string()))
}

/// The prebuilt zip for `arch` this wsadm embeds, if any.
pub fn embedded(arch: Arch) -> Option<&'static [u8]> {
    match arch {
        Arch::X86_64 => wsadm_bootstrap_x86_64::ZIP,
        Arch::Arm64 => wsadm_bootstrap_arm64::ZIP,
    }
}

fn build_hint(arch: Arch) -> String {
    format!(
        "build the handlers with `wsadm handlers build --arch {}` (needs cargo-lambda), or pass --handler-zip PATH",
        arch.name()
    )
}

/// This executable zipped as `bootstrap`, when provided.al2023 on `arch` can run it. The zip is
/// byte-for-byte the same for the same executable (fixed times and modes), so a rerun of
/// provision changes nothing; it is cached by the executable's hash.
fn this_executable(arch: Arch) -> Result<Vec<u8>, Error> {
    if !cfg!(target_os = "linux") || Arch::host() != Some(arch) {
        return Err(Error::invalid(
            format!(
                "no handler artifact for {}: this wsadm runs on {} {}, so it cannot be the functions' bootstrap",
                arch.name(),
                std::env::consts::OS,
                std::env::consts::ARCH
            ),
            build_hint(arch),
        ));
    }
    let exe_path = std::env::current_exe()
        .map_err(|source| Error::Io { context: "cannot find this executable".into(), source })?;
    let exe = std::fs::read(&exe_path)
        .map_err(|source| Error::Io { context: format!("cannot read {}", exe_path.display()), source })?;
    if let Err(why) = elf::check_bootstrap(&exe, arch) {
        return Err(Error::invalid(
            format!(
                "no handler artifact for {}: this wsadm ({}) cannot be the functions' bootstrap: {why}",
                arch.name(),
                exe_path.display()
            ),
            build_hint(arch),
        ));
    }
    let hash = Sha256::digest(&exe);
    let cached = cache_dir().join("handlers").join(format!(
        "wsadm-{VERSION}-{}-{}.zip",
        arch.name(),
        hash.iter().take(8).map(|b| format!("{b:02x}")).collect::<String>()
    ));
    if let Ok(zip) = std::fs::read(&cached) {
        if zip.starts_with(b"PK") {
            return Ok(zip);
        }
    }
    let zip = zip_bootstrap(&exe)?;
    if zip.len() > MAX_ZIP_BYTES {
        return Err(Error::invalid(
            format!("this wsadm zips to {} bytes, over Lambda's 50 MB for a direct upload", zip.len()),
            format!("use a release build of wsadm, or {}", build_hint(arch)),
        ));
    }
    // The cache only saves time: a failed write is not an error.
    if let Some(dir) = cached.parent() {
        let tmp = cached.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::create_dir_all(dir).is_ok() && std::fs::write(&tmp, &zip).is_ok() {
            let _ = std::fs::rename(&tmp, &cached);
        }
    }
    Ok(zip)
}

/// A zip holding `exe` as an executable `bootstrap`, with fixed metadata.
pub fn zip_bootstrap(exe: &[u8]) -> Result<Vec<u8>, Error> {
    let fail = |e: &dyn std::fmt::Display| Error::Io {
        context: "cannot zip the bootstrap".into(),
        source: std::io::Error::other(e.to_string()),
    };
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o755)
        .last_modified_time(zip::DateTime::default());
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(exe.len() / 2)));
    w.start_file("bootstrap", options).map_err(|e| fail(&e))?;
    w.write_all(exe).map_err(|e| fail(&e))?;
    Ok(w.finish().map_err(|e| fail(&e))?.into_inner())
}

pub fn read_zip(path: &Path) -> Result<Vec<u8>, Error> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::invalid(
                format!("the handler artifact {} does not exist", path.display()),
                "omit --handler-zip to use this wsadm's own handlers, or build them with `wsadm handlers build`",
            ))
        }
        Err(source) => return Err(Error::Io { context: format!("cannot read {}", path.display()), source }),
    };
    if !bytes.starts_with(b"PK") {
        return Err(Error::invalid(
            format!("{} is not a zip file", path.display()),
            "pass a Lambda zip holding a `bootstrap` executable (`wsadm handlers build` makes one)",
        ));
    }
    if bytes.len() > MAX_ZIP_BYTES {
        return Err(Error::invalid(
            format!(
                "{} is {} bytes; a directly uploaded function zip may be at most 50 MB",
                path.display(),
                bytes.len()
            ),
            "build the handlers in release mode (`wsadm handlers build`)",
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn the_bootstrap_zip_is_deterministic_and_executable() {
        let a = zip_bootstrap(b"\x7fELF pretend").unwrap();
        let b = zip_bootstrap(b"\x7fELF pretend").unwrap();
        assert_eq!(a, b, "same executable, same zip: provision stays idempotent");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(a)).unwrap();
        assert_eq!(archive.len(), 1);
        let mut f = archive.by_name("bootstrap").unwrap();
        assert_eq!(f.unix_mode().map(|m| m & 0o777), Some(0o755));
        let mut body = Vec::new();
        f.read_to_end(&mut body).unwrap();
        assert_eq!(body, b"\x7fELF pretend");
    }

    #[test]
    fn origins_say_which_version_built_them() {
        assert_eq!(Origin::ThisExecutable.version(), Some(VERSION));
        assert_eq!(Origin::Built("x".into()).version(), Some(VERSION));
        assert_eq!(Origin::Given("x.zip".into()).version(), None);
    }

    /// An embedded zip is checked before it is deployed: this test binary passes for its own
    /// architecture (when Lambda's glibc can run it), and never for the other one or a non-ELF.
    #[test]
    fn embedded_zips_are_checked_before_deploying() {
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let zip = zip_bootstrap(&exe).unwrap();
        let host = Arch::host().expect("tests run on x86_64 or arm64");
        let other = if host == Arch::X86_64 { Arch::Arm64 } else { Arch::X86_64 };
        let e = check_embedded(&zip, other).unwrap_err().to_string();
        assert!(e.contains(&format!("the {} handlers embedded in wsadm", other.name())), "{e}");
        assert_eq!(check_embedded(&zip, host).is_ok(), elf::check_bootstrap(&exe, host).is_ok());
        let e = check_embedded(&zip_bootstrap(b"#!/bin/sh\n").unwrap(), host).unwrap_err().to_string();
        assert!(e.contains("cannot run on Lambda"), "{e}");
        assert!(check_embedded(b"not a zip", host).unwrap_err().to_string().contains("not a zip"));
    }
}
