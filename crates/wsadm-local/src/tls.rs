//! `wsadm local --tls`: a certificate authority made for this run, and a certificate it signs
//! for 127.0.0.1 and localhost, so the emulator serves `https://` and `wss://` as AWS does.
//! Clients trust it through the CA file (`AWS_CA_BUNDLE`, as the AWS CLI and boto3 do).

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::Arc;

/// The CA (PEM, for clients) and the server side of TLS.
pub struct LocalTls {
    pub ca_pem: String,
    pub server: Arc<rustls::ServerConfig>,
}

impl LocalTls {
    /// A fresh CA and server certificate (ECDSA P-256), valid for the names the emulator answers on.
    pub fn generate() -> Result<LocalTls, String> {
        fn err(what: &'static str) -> impl Fn(rcgen::Error) -> String {
            move |e| format!("{what}: {e}")
        }
        let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err("CA parameters"))?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name.push(DnType::CommonName, "wsadm local CA");
        ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let ca_key = KeyPair::generate().map_err(err("CA key"))?;
        let ca_cert = ca.self_signed(&ca_key).map_err(err("CA certificate"))?;

        let mut leaf =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).map_err(err("names"))?;
        leaf.distinguished_name.push(DnType::CommonName, "wsadm local");
        let leaf_key = KeyPair::generate().map_err(err("server key"))?;
        let leaf_cert = leaf.signed_by(&leaf_key, &ca_cert, &ca_key).map_err(err("server certificate"))?;

        let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone(), ca_cert.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let mut server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| e.to_string())?;
        server.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(LocalTls { ca_pem: ca_cert.pem(), server: Arc::new(server) })
    }
}
