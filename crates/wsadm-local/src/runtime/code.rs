//! Function code. moto keeps a function's zip but hands out a URL that cannot be fetched, so
//! the emulator keeps its own copy of every zip it forwards (CreateFunction, UpdateFunctionCode),
//! keyed by CodeSha256 as Lambda computes it (base64 of the zip's SHA-256), and unzips each hash
//! once, with Lambda's bounds. Pure parts: [`extract`], [`classify`].

use base64::Engine as _;
use sha2::Digest as _;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Lambda's limits: a 50 MB zip uploaded directly, 250 MB unzipped.
pub const MAX_ZIPPED: usize = 50 * 1024 * 1024;
pub const MAX_UNZIPPED: u64 = 250 * 1024 * 1024;
/// The largest CreateFunction/UpdateFunctionCode body buffered: a 50 MB zip is ~67 MB of base64.
pub const MAX_UPLOAD_BODY: usize = 70 * 1024 * 1024;

/// The CodeSha256 Lambda reports for a zip.
pub fn code_sha256(zip: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(zip))
}

/// Which Lambda call a request is, when it uploads code: `Some(None)` for CreateFunction,
/// `Some(Some(name))` for UpdateFunctionCode.
pub fn upload_of(method: &hyper::Method, path: &str) -> Option<Option<String>> {
    let rest = path.strip_prefix("/2015-03-31/functions")?;
    match (method, rest) {
        (&hyper::Method::POST, "" | "/") => Some(None),
        (&hyper::Method::PUT, r) => {
            let name = r.strip_prefix('/')?.strip_suffix("/code")?;
            (!name.is_empty() && !name.contains('/')).then(|| Some(name.to_string()))
        }
        _ => None,
    }
}

/// The zip in a CreateFunction (`Code.ZipFile`) or UpdateFunctionCode (`ZipFile`) body.
pub fn zip_in_body(body: &[u8]) -> Option<Vec<u8>> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let b64 = v.pointer("/Code/ZipFile").or_else(|| v.get("ZipFile"))?.as_str()?;
    let zip = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    (zip.len() <= MAX_ZIPPED).then_some(zip)
}

#[derive(Debug, thiserror::Error)]
pub enum ExtractError {
    #[error("the code is not a valid zip: {0}")]
    Zip(String),
    #[error("zip entry {0:?} would be written outside the function's directory")]
    Escapes(String),
    #[error("unzipped, the code is larger than Lambda's 250 MB")]
    TooLarge,
    #[error("cannot unzip the code: {0}")]
    Io(#[from] std::io::Error),
}

/// Unzips `zip` into `dest` (which must exist), keeping unix modes. Refuses entries or symlinks
/// that would escape `dest` (zip-slip) and stops past `limit` bytes written, whatever the zip claims.
pub fn extract(zip: &[u8], dest: &Path, limit: u64) -> Result<(), ExtractError> {
    use std::os::unix::fs::PermissionsExt as _;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).map_err(|e| ExtractError::Zip(e.to_string()))?;
    let mut written = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| ExtractError::Zip(e.to_string()))?;
        let name = entry.name().map_err(|e| ExtractError::Zip(e.to_string()))?.to_string();
        let rel = entry.enclosed_name().ok_or_else(|| ExtractError::Escapes(name.clone()))?;
        let path = dest.join(&rel);
        if entry.is_dir() {
            std::fs::create_dir_all(&path)?;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if entry.is_symlink() {
            let mut target = String::new();
            entry.read_to_string(&mut target).map_err(|e| ExtractError::Zip(e.to_string()))?;
            // Only targets that stay inside: relative, and resolving under `dest` from the link's folder.
            if !stays_inside(&rel, Path::new(&target)) {
                return Err(ExtractError::Escapes(name));
            }
            std::os::unix::fs::symlink(&target, &path)?;
            continue;
        }
        // create_new: never write through something an earlier entry put there (a symlink).
        let mut out = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        let copied = std::io::copy(&mut (&mut entry).take(limit - written + 1), &mut out)
            .map_err(|e| ExtractError::Zip(e.to_string()))?;
        written += copied;
        if written > limit {
            return Err(ExtractError::TooLarge);
        }
        out.flush()?;
        let mode = entry.unix_mode().map(|m| m & 0o777).unwrap_or(0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

/// Whether a symlink at `link` (relative to the root) pointing at `target` stays under the root.
fn stays_inside(link: &Path, target: &Path) -> bool {
    let mut depth: i64 = link.components().count() as i64 - 1;
    for c in target.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    true
}

pub use wsadm_core::arch::{classify, Arch, Bootstrap};

const DIR_PREFIX: &str = "wsadm-local-code-";

/// Removes the code dirs of emulators that were killed (SIGKILL leaves them): their pid is gone.
fn sweep_orphans() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(DIR_PREFIX).and_then(|r| r.split('-').next()) else { continue };
        if pid.parse::<u32>().is_ok() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// A hash's tree, unzipped once (or why it could not be).
type Unzipped = tokio::sync::OnceCell<Result<PathBuf, String>>;

/// The zips this emulator has seen, on disk in its own temp dir, and their unzipped trees.
pub struct CodeStore {
    dir: tempfile::TempDir,
    zips: Mutex<HashMap<String, PathBuf>>,
    unzipped: Mutex<HashMap<String, Arc<Unzipped>>>,
}

impl CodeStore {
    pub fn new() -> std::io::Result<Self> {
        sweep_orphans();
        let prefix = format!("{DIR_PREFIX}{}-", std::process::id());
        let dir = tempfile::Builder::new().prefix(&prefix).tempdir()?;
        Ok(CodeStore { dir, zips: Mutex::new(HashMap::new()), unzipped: Mutex::new(HashMap::new()) })
    }

    /// A file name for a hash (base64 has `/`).
    fn file_name(sha: &str) -> String {
        sha.replace('/', "_").replace('+', "-").trim_end_matches('=').to_string()
    }

    /// Keeps a zip Lambda accepted. Returns its CodeSha256.
    pub fn keep(&self, zip: &[u8]) -> std::io::Result<String> {
        let sha = code_sha256(zip);
        if self.zips.lock().unwrap_or_else(|e| e.into_inner()).contains_key(&sha) {
            return Ok(sha);
        }
        let path = self.dir.path().join(format!("{}.zip", Self::file_name(&sha)));
        std::fs::write(&path, zip)?;
        self.zips.lock().unwrap_or_else(|e| e.into_inner()).insert(sha.clone(), path);
        Ok(sha)
    }

    /// The unzipped code for a CodeSha256 (unzipped on first use); `None` if never seen.
    pub async fn tree(&self, sha: &str) -> Option<Result<PathBuf, String>> {
        let zip = self.zips.lock().unwrap_or_else(|e| e.into_inner()).get(sha).cloned()?;
        let cell = self.unzipped.lock().unwrap_or_else(|e| e.into_inner()).entry(sha.to_string()).or_default().clone();
        let dest = self.dir.path().join(Self::file_name(sha));
        let r = cell
            .get_or_init(|| async move {
                let job = tokio::task::spawn_blocking(move || {
                    let bytes = std::fs::read(&zip).map_err(|e| e.to_string())?;
                    std::fs::create_dir_all(&dest).map_err(|e| e.to_string())?;
                    extract(&bytes, &dest, MAX_UNZIPPED).map_err(|e| e.to_string())?;
                    Ok(dest)
                });
                job.await.unwrap_or_else(|e| Err(format!("unzipping stopped: {e}")))
            })
            .await;
        Some(r.clone())
    }

    /// Removes every zip and tree (also done when the store is dropped).
    pub fn remove_all(&self) {
        let _ = std::fs::remove_dir_all(self.dir.path());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zip::write::SimpleFileOptions;

    fn zip_of(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data, mode) in entries {
            w.start_file(*name, SimpleFileOptions::default().unix_permissions(*mode)).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn unzips_with_modes_and_refuses_escapes_and_bombs() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let z = zip_of(&[("bootstrap", b"#!/bin/sh\n", 0o755), ("lib/data.txt", b"x", 0o644)]);
        extract(&z, dir.path(), MAX_UNZIPPED).unwrap();
        let mode = std::fs::metadata(dir.path().join("bootstrap")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755);
        assert_eq!(std::fs::read(dir.path().join("lib/data.txt")).unwrap(), b"x");

        for evil in ["../evil", "a/../../evil"] {
            let d = tempfile::tempdir().unwrap();
            let inner = d.path().join("in");
            std::fs::create_dir(&inner).unwrap();
            let r = extract(&zip_of(&[(evil, b"x", 0o644)]), &inner, MAX_UNZIPPED);
            assert!(matches!(r, Err(ExtractError::Escapes(_))), "{evil}: {r:?}");
            assert!(!d.path().join("evil").exists());
        }
        // An absolute name lands under the directory, or nowhere.
        let d = tempfile::tempdir().unwrap();
        let _ = extract(&zip_of(&[("/tmp/wsadm-zip-slip-test", b"x", 0o644)]), d.path(), MAX_UNZIPPED);
        assert!(!Path::new("/tmp/wsadm-zip-slip-test").exists());

        let d = tempfile::tempdir().unwrap();
        let big = vec![0u8; 4096];
        let r = extract(&zip_of(&[("a", &big, 0o644), ("b", &big, 0o644)]), d.path(), 6000);
        assert!(matches!(r, Err(ExtractError::TooLarge)), "{r:?}");
        assert!(matches!(extract(b"not a zip", d.path(), 10), Err(ExtractError::Zip(_))));
    }

    #[test]
    fn symlinks_must_stay_inside() {
        assert!(stays_inside(Path::new("bin/tool"), Path::new("../lib/tool")));
        assert!(!stays_inside(Path::new("tool"), Path::new("../outside")));
        assert!(!stays_inside(Path::new("tool"), Path::new("/etc/passwd")));
    }

    #[test]
    fn uploads_and_their_zips_are_recognised() {
        use hyper::Method;
        assert_eq!(upload_of(&Method::POST, "/2015-03-31/functions"), Some(None));
        assert_eq!(
            upload_of(&Method::PUT, "/2015-03-31/functions/chat-connect/code"),
            Some(Some("chat-connect".into()))
        );
        assert_eq!(upload_of(&Method::PUT, "/2015-03-31/functions/chat-connect/configuration"), None);
        assert_eq!(upload_of(&Method::GET, "/2015-03-31/functions"), None);
        let b64 = base64::engine::general_purpose::STANDARD.encode(b"PK zip");
        assert_eq!(zip_in_body(format!(r#"{{"Code":{{"ZipFile":"{b64}"}}}}"#).as_bytes()), Some(b"PK zip".to_vec()));
        assert_eq!(zip_in_body(format!(r#"{{"ZipFile":"{b64}"}}"#).as_bytes()), Some(b"PK zip".to_vec()));
        assert_eq!(zip_in_body(br#"{"Code":{"S3Bucket":"b"}}"#), None);
        // Lambda's CodeSha256: base64 of the SHA-256.
        assert_eq!(code_sha256(b""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }
}
