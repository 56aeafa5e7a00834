//! `wsadm handlers build`: the chat stack's handlers as a Lambda zip for either architecture,
//! cross-built by cargo-lambda (zig links for Lambda's glibc), into the cache where
//! `wsadm provision` looks for them (see [`artifact`] for the order provision follows).

pub mod artifact;
pub mod elf;

use crate::output::{Block, Report};
use artifact::{bootstrap_of, built_path, cache_dir, VERSION};
use elf::Arch;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use wsadm_core::{Error, ErrorKind};

#[derive(Debug)]
pub struct BuildArgs {
    pub arch: Arch,
    /// A wsadm checkout; without it, the one around the working directory, else the published
    /// `wsadm-handler` crate of this version.
    pub source: Option<PathBuf>,
    pub out: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
pub struct Built {
    pub path: PathBuf,
    pub arch: &'static str,
    pub bytes: u64,
    pub code_sha256: String,
    /// What was compiled: a checkout, or the published crate.
    pub source: String,
    pub seconds: f64,
}

impl Report for Built {
    fn view(&self) -> Vec<Block> {
        vec![Block::Fields {
            title: Some("handlers built".into()),
            rows: vec![
                ("zip".into(), self.path.display().to_string()),
                ("arch".into(), self.arch.into()),
                ("size".into(), format!("{:.1} MB", self.bytes as f64 / 1e6)),
                ("code_sha256".into(), self.code_sha256.clone()),
                ("source".into(), self.source.clone()),
                ("took".into(), format!("{:.0} s", self.seconds)),
                ("next".into(), format!("wsadm provision --architecture {} ... uses it", self.arch)),
            ],
        }]
    }
}

/// The crate to compile: (directory, cargo arguments naming the binary, description).
fn source(args: &BuildArgs) -> Result<(PathBuf, Vec<&'static str>, String), Error> {
    let checkout_args = vec!["--package", "wsadm-handler", "--bin", "wsadm-handler"];
    if let Some(dir) = &args.source {
        if !dir.join("crates/wsadm-handler/Cargo.toml").is_file() {
            return Err(Error::invalid(
                format!("{} is not a wsadm checkout (no crates/wsadm-handler/Cargo.toml)", dir.display()),
                "pass the root of a wsadm checkout, or omit --source to build the published crate",
            ));
        }
        return Ok((dir.clone(), checkout_args, format!("checkout {}", dir.display())));
    }
    let cwd = std::env::current_dir().map_err(|source| Error::Io { context: "no working directory".into(), source })?;
    if let Some(root) = cwd.ancestors().find(|d| d.join("crates/wsadm-handler/Cargo.toml").is_file()) {
        return Ok((root.to_path_buf(), checkout_args, format!("checkout {}", root.display())));
    }
    let dir = cache_dir().join("handlers").join(format!("src-{VERSION}"));
    write_wrapper_crate(&dir)?;
    Ok((dir, vec!["--bin", "bootstrap"], format!("crates.io wsadm-handler {VERSION}")))
}

/// A one-file crate whose `bootstrap` is the published handlers of this version.
fn write_wrapper_crate(dir: &Path) -> Result<(), Error> {
    let io = |source| Error::Io { context: format!("cannot write {}", dir.display()), source };
    std::fs::create_dir_all(dir).map_err(io)?;
    let manifest = format!(
        "[package]\nname = \"wsadm-handler-bootstrap\"\nversion = \"{VERSION}\"\nedition = \"2021\"\npublish = false\n\n\
         [[bin]]\nname = \"bootstrap\"\npath = \"main.rs\"\n\n[dependencies]\nwsadm-handler = \"={VERSION}\"\n\n\
         [profile.release]\nlto = \"thin\"\nstrip = true\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(io)?;
    std::fs::write(
        dir.join("main.rs"),
        "fn main() -> std::process::ExitCode {\n    wsadm_handler::runtime::run_blocking()\n}\n",
    )
    .map_err(io)
}

/// cargo-lambda on PATH, or in a checkout's `.venv` (where `scripts/build-handlers` puts it).
fn cargo_lambda(root: &Path) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("cargo-lambda")).collect::<Vec<_>>())
        .unwrap_or_default();
    on_path.into_iter().chain([root.join(".venv/bin/cargo-lambda")]).find(|p| p.is_file())
}

pub fn build(args: BuildArgs) -> Result<Built, Error> {
    let (dir, bin_args, described) = source(&args)?;
    let tool = cargo_lambda(&dir).ok_or_else(|| {
        Error::other(
            ErrorKind::Usage,
            "cargo-lambda is not installed",
            "pip install cargo-lambda   (it brings zig, the cross linker), or: cargo install --locked cargo-lambda",
        )
    })?;
    let lambda_dir = cache_dir().join("handlers").join(format!("lambda-{}-{}", std::process::id(), args.arch.name()));
    let flag = match args.arch {
        Arch::X86_64 => "--x86-64",
        Arch::Arm64 => "--arm64",
    };
    let started = Instant::now();
    eprintln!("building the handlers for {} from {described} with {} ...", args.arch.name(), tool.display());
    // cargo runs `cargo-lambda lambda ...` for `cargo lambda ...`; its progress goes to stderr.
    // Its folder first on PATH: a pip-installed cargo-lambda finds zig through the python beside it.
    let path =
        std::env::join_paths(tool.parent().map(Path::to_path_buf).into_iter().chain(
            std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).unwrap_or_default(),
        ))
        .unwrap_or_default();
    let status = Command::new(&tool)
        .env("PATH", path)
        .args(["lambda", "build", "--release", flag, "--output-format", "zip", "--lambda-dir"])
        .arg(&lambda_dir)
        .args(&bin_args)
        .current_dir(&dir)
        .stdout(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .status()
        .map_err(|source| Error::Io { context: format!("cannot run {}", tool.display()), source })?;
    let bin = bin_args.last().copied().unwrap_or("bootstrap");
    let zip_path = lambda_dir.join(bin).join("bootstrap.zip");
    let outcome = finish(&args, status, &zip_path);
    let _ = std::fs::remove_dir_all(&lambda_dir);
    let (path, zip) = outcome?;
    let art = artifact::read_zip(&path)?;
    Ok(Built {
        path,
        arch: args.arch.name(),
        bytes: zip as u64,
        code_sha256: base64_sha(&art),
        source: described,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn base64_sha(bytes: &[u8]) -> String {
    use base64::Engine as _;
    use sha2::Digest;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(bytes))
}

/// Checks what cargo-lambda made and moves it where provision looks (or to --out).
fn finish(args: &BuildArgs, status: std::process::ExitStatus, zip_path: &Path) -> Result<(PathBuf, usize), Error> {
    if !status.success() {
        return Err(Error::other(
            ErrorKind::Failure,
            format!("cargo-lambda failed ({status})"),
            "read its output above: cargo-lambda needs zig (`pip install cargo-lambda` brings it) and, for a \
             target other than this machine's, its Rust standard library (rustup target add aarch64-unknown-linux-gnu)",
        ));
    }
    let zip = std::fs::read(zip_path)
        .map_err(|source| Error::Io { context: format!("cargo-lambda made no {}", zip_path.display()), source })?;
    let exe = bootstrap_of(&zip)?;
    if let Err(why) = elf::check_bootstrap(&exe, args.arch) {
        return Err(Error::other(
            ErrorKind::Failure,
            format!("the built bootstrap cannot run on Lambda {}: {why}", args.arch.name()),
            "check the cargo-lambda version (1.9 or later links for Lambda's glibc)",
        ));
    }
    let out = args.out.clone().unwrap_or_else(|| built_path(args.arch));
    let io = |source| Error::Io { context: format!("cannot write {}", out.display()), source };
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let tmp = out.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, &zip).map_err(io)?;
    std::fs::rename(&tmp, &out).map_err(io)?;
    Ok((out, zip.len()))
}
