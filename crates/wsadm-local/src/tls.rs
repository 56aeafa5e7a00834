//! `wsadm local --tls`: a certificate authority made for this run, and certificates it signs
//! for 127.0.0.1 and localhost, and for each `*.localhost` name a client asks for (SNI), so the
//! emulator serves `https://` and `wss://` as AWS does, custom domains such as
//! `wss://chat.localhost:PORT/v1` included. Clients trust it through the CA file
//! (`AWS_CA_BUNDLE`, as the AWS CLI and boto3 do).

use rcgen::{BasicConstraints, Certificate, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Names under `localhost` certified at most (each is a key and a signature; the rest get the
/// default certificate, which their clients refuse).
const MOST_NAMES: usize = 256;

/// The CA (PEM, for clients) and the server side of TLS.
pub struct LocalTls {
    pub ca_pem: String,
    pub server: Arc<rustls::ServerConfig>,
    #[cfg(test)]
    names: Arc<ByName>,
}

fn err(what: &'static str) -> impl Fn(rcgen::Error) -> String {
    move |e| format!("{what}: {e}")
}

/// The CA of this run, and what it signs.
struct Authority {
    cert: Certificate,
    key: KeyPair,
}

impl Authority {
    fn new() -> Result<Authority, String> {
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err("CA parameters"))?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, "wsadm local CA");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let key = KeyPair::generate().map_err(err("CA key"))?;
        let cert = ca.self_signed(&key).map_err(err("CA certificate"))?;
        Ok(Authority { cert, key })
    }

    /// A server certificate (ECDSA P-256) for `names`, with its chain, ready for rustls.
    fn issue(&self, names: Vec<String>) -> Result<Arc<CertifiedKey>, String> {
        let mut leaf = CertificateParams::new(names).map_err(err("names"))?;
        leaf.distinguished_name.push(DnType::CommonName, "wsadm local");
        let leaf_key = KeyPair::generate().map_err(err("server key"))?;
        let leaf_cert = leaf.signed_by(&leaf_key, &self.cert, &self.key).map_err(err("server certificate"))?;
        let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone(), self.cert.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let signer = rustls::crypto::aws_lc_rs::sign::any_supported_type(&key).map_err(|e| e.to_string())?;
        Ok(Arc::new(CertifiedKey::new(chain, signer)))
    }
}

/// Picks the certificate by the name the client asked for: 127.0.0.1 and localhost share
/// one; each `*.localhost` name (a custom domain) gets its own, signed on first use. Names
/// outside `localhost` get the default: this CA never vouches for a real domain.
struct ByName {
    authority: Authority,
    default: Arc<CertifiedKey>,
    issued: Mutex<HashMap<String, Arc<CertifiedKey>>>,
}

impl std::fmt::Debug for ByName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByName").finish_non_exhaustive()
    }
}

impl ResolvesServerCert for ByName {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let Some(name) = hello.server_name().map(str::to_ascii_lowercase) else {
            return Some(self.default.clone());
        };
        if !name.ends_with(".localhost") {
            return Some(self.default.clone());
        }
        let mut issued = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = issued.get(&name) {
            return Some(k.clone());
        }
        if issued.len() >= MOST_NAMES {
            tracing::warn!(name, "more than {MOST_NAMES} local names asked for: default certificate");
            return Some(self.default.clone());
        }
        match self.authority.issue(vec![name.clone()]) {
            Ok(k) => {
                issued.insert(name, k.clone());
                Some(k)
            }
            Err(e) => {
                tracing::warn!(name, "cannot issue a certificate: {e}");
                Some(self.default.clone())
            }
        }
    }
}

impl LocalTls {
    /// A fresh CA and server certificate (ECDSA P-256), valid for the names the emulator answers on.
    pub fn generate() -> Result<LocalTls, String> {
        let authority = Authority::new()?;
        let default = authority.issue(vec!["127.0.0.1".to_string(), "localhost".to_string()])?;
        let ca_pem = authority.cert.pem();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let names = Arc::new(ByName { authority, default, issued: Mutex::new(HashMap::new()) });
        let mut server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_cert_resolver(names.clone());
        server.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(LocalTls {
            ca_pem,
            server: Arc::new(server),
            #[cfg(test)]
            names,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::ServerName;

    /// A TLS handshake to `tls` asking for `name`, trusting only its CA.
    async fn handshake(tls: &LocalTls, name: &str) -> Result<(), String> {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from_pem_slice(tls.ca_pem.as_bytes()).unwrap()).unwrap();
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let client = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(tls.server.clone());
        let server = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.unwrap();
            let _ = acceptor.accept(tcp).await;
        });
        let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        let name = ServerName::try_from(name.to_string()).unwrap();
        let r = tokio_rustls::TlsConnector::from(Arc::new(client)).connect(name, tcp).await;
        server.abort();
        r.map(|_| ()).map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn loopback_localhost_and_local_custom_domains_are_trusted_and_nothing_else() {
        let tls = LocalTls::generate().unwrap();
        for name in ["127.0.0.1", "localhost", "chat.localhost", "api.chat.localhost", "CHAT.localhost"] {
            handshake(&tls, name).await.unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        let e = handshake(&tls, "chat.example.com").await.unwrap_err();
        assert!(e.contains("certificate"), "a real domain is never vouched for: {e}");
        let issued = || tls.names.issued.lock().unwrap().len();
        assert_eq!(issued(), 2, "one certificate per local name, reused");
        handshake(&tls, "chat.localhost").await.unwrap();
        assert_eq!(issued(), 2);
    }
}
