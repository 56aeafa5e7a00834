//! Trust for https endpoints signed by a private CA (a corporate proxy, `wsadm local --tls`):
//! the bundle the operator names — `AWS_CA_BUNDLE`, else `ca_bundle` in the active profile, as
//! the AWS CLI and boto3 read them — replaces the default roots for every AWS call, the
//! broadcast sender and the WebSocket clients. Loaded once per process.

use crate::Error;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A CA bundle: its file, its PEM text, its certificates.
#[derive(Debug)]
pub struct CaBundle {
    pub path: PathBuf,
    pub pem: Vec<u8>,
    certs: Vec<CertificateDer<'static>>,
}

static BUNDLE: OnceLock<Option<Arc<CaBundle>>> = OnceLock::new();

/// Reads the bundle the environment or `profile` names (once; later calls return the same).
pub fn init(profile: Option<&str>) -> Result<Option<Arc<CaBundle>>, Error> {
    if let Some(b) = BUNDLE.get() {
        return Ok(b.clone());
    }
    let loaded = match bundle_path(profile) {
        Some(p) => Some(Arc::new(load(&p)?)),
        None => None,
    };
    Ok(BUNDLE.get_or_init(|| loaded).clone())
}

/// The bundle read by [`init`] (or from the environment alone, if `init` was not called).
pub fn bundle() -> Result<Option<Arc<CaBundle>>, Error> {
    init(None)
}

/// `AWS_CA_BUNDLE`, else the profile's `ca_bundle`.
fn bundle_path(profile: Option<&str>) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AWS_CA_BUNDLE").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let name = profile.map(str::to_string).or_else(|| std::env::var("AWS_PROFILE").ok()).unwrap_or("default".into());
    let text = std::fs::read_to_string(crate::config::config_file()).ok()?;
    profile_value(&text, &name, "ca_bundle").map(PathBuf::from)
}

/// `key = value` in the `[profile NAME]` (or `[NAME]`) section of a config file.
fn profile_value(text: &str, profile: &str, key: &str) -> Option<String> {
    let mut inside = false;
    for line in text.lines().map(str::trim) {
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let section = section.trim();
            inside = section == profile || section.strip_prefix("profile").map(str::trim) == Some(profile);
            continue;
        }
        if inside {
            if let Some((k, v)) = line.split_once('=') {
                if k.trim() == key {
                    return Some(v.trim().to_string());
                }
            }
        }
    }
    None
}

pub fn load(path: &Path) -> Result<CaBundle, Error> {
    // A configuration mistake (exit 2, as a bundle without certificates), not a failed call.
    let pem = std::fs::read(path).map_err(|e| {
        Error::invalid(
            format!("cannot read the CA bundle {} (AWS_CA_BUNDLE or the profile's ca_bundle): {e}", path.display()),
            "point AWS_CA_BUNDLE (or ca_bundle in the profile) at the CA's PEM file (wsadm local --tls prints it), \
             or unset it to trust the system's roots",
        )
    })?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem).filter_map(Result::ok).collect();
    if certs.is_empty() {
        return Err(Error::invalid(
            format!("the CA bundle {} holds no PEM certificate", path.display()),
            "point AWS_CA_BUNDLE at a file with -----BEGIN CERTIFICATE----- blocks (wsadm local --tls prints one)",
        ));
    }
    Ok(CaBundle { path: path.to_path_buf(), pem, certs })
}

impl CaBundle {
    /// A TLS client configuration trusting exactly this bundle (HTTP/1.1 by ALPN when `alpn`).
    pub fn client_config(&self, alpn: bool) -> Result<Arc<rustls::ClientConfig>, Error> {
        let mut roots = rustls::RootCertStore::empty();
        let (added, _) = roots.add_parsable_certificates(self.certs.iter().cloned());
        if added == 0 {
            return Err(Error::invalid(
                format!("no certificate in {} can be used as a root", self.path.display()),
                "check the CA bundle",
            ));
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::invalid(format!("TLS: {e}"), "this is a bug"))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        if alpn {
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
        }
        Ok(Arc::new(config))
    }
}

/// The hint for a certificate the client does not trust.
pub const UNTRUSTED_HINT: &str =
    "the endpoint's certificate is not trusted: set AWS_CA_BUNDLE to the CA that signed it \
     (`wsadm local --tls` prints its AWS_CA_BUNDLE), or fix the endpoint URL";

/// True when an error chain (its Display or Debug text) says the peer's certificate was
/// refused: by an unknown issuer, or by a known CA name whose signature does not match (another
/// CA of the same name), an expiry, a wrong name.
pub fn is_certificate_error(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("invalid peer certificate")
        || t.contains("invalidcertificate")
        || t.contains("unknownissuer")
        || t.contains("certificate verify failed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ca_bundle_from_the_profile_section() {
        let text = "[default]\nca_bundle = /a.pem\n[profile ops]\nregion=x\nca_bundle=/ops.pem\n[other]\n";
        assert_eq!(profile_value(text, "default", "ca_bundle").as_deref(), Some("/a.pem"));
        assert_eq!(profile_value(text, "ops", "ca_bundle").as_deref(), Some("/ops.pem"));
        assert_eq!(profile_value(text, "other", "ca_bundle"), None);
    }

    #[test]
    fn a_bundle_without_certificates_is_refused_with_a_hint() {
        let dir = std::env::temp_dir().join(format!("wsadm-tls-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("empty.pem");
        std::fs::write(&f, "not a certificate").unwrap();
        let e = load(&f).unwrap_err();
        assert!(e.to_string().contains("holds no PEM certificate"), "{e}");
        let e = load(&dir.join("missing.pem")).unwrap_err();
        assert!(e.to_string().contains("cannot read the CA bundle"), "{e}");
        assert_eq!(e.kind(), crate::error::ErrorKind::Usage, "a configuration mistake");
    }

    /// Every refusal of the server's certificate is recognised, in rustls' Display and Debug.
    #[test]
    fn certificate_errors_are_recognised() {
        use rustls::CertificateError::*;
        for c in [UnknownIssuer, BadSignature, Expired, NotValidForName, BadEncoding] {
            let e = rustls::Error::InvalidCertificate(c);
            assert!(is_certificate_error(&e.to_string()), "{e}");
            assert!(is_certificate_error(&format!("{e:?}")), "{e:?}");
        }
        assert!(!is_certificate_error("Connection refused (os error 111)"));
    }
}
