//! Names under `localhost` (`chat.localhost`): RFC 6761 reserves them for loopback, and browsers
//! and curl answer them with 127.0.0.1 themselves; glibc does not (it asks the DNS server). wsadm's
//! connectors (the SDK's HTTP client for such endpoints, the broadcast sender, the WebSocket
//! client) answer them here, so a custom domain of the local stack (`--domain
//! chat.localhost:PORT/v1`) works without DNS and never leaves the machine.

use crate::Error;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Where every `*.localhost` name points: the address `wsadm local` listens on.
pub const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// True for `localhost` and names under it (case and a trailing dot ignored).
pub fn is_localhost(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "localhost" || h.ends_with(".localhost")
}

/// The addresses of `host`: loopback for `*.localhost` without asking anyone, else the system
/// resolver's answer.
pub async fn lookup(host: &str) -> std::io::Result<Vec<IpAddr>> {
    if is_localhost(host) {
        return Ok(vec![LOOPBACK]);
    }
    Ok(tokio::net::lookup_host((host, 0)).await?.map(|a| a.ip()).collect())
}

/// A resolver for the SDK's HTTP client and for hyper's connector (the broadcast sender).
#[derive(Debug, Clone, Copy, Default)]
pub struct Resolver;

impl aws_smithy_runtime_api::client::dns::ResolveDns for Resolver {
    fn resolve_dns<'a>(&'a self, name: &'a str) -> aws_smithy_runtime_api::client::dns::DnsFuture<'a> {
        aws_smithy_runtime_api::client::dns::DnsFuture::new(async move {
            lookup(name).await.map_err(aws_smithy_runtime_api::client::dns::ResolveDnsError::new)
        })
    }
}

type Addrs = std::vec::IntoIter<SocketAddr>;

impl tower_service::Service<hyper_util::client::legacy::connect::dns::Name> for Resolver {
    type Response = Addrs;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = std::io::Result<Addrs>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: hyper_util::client::legacy::connect::dns::Name) -> Self::Future {
        let host = name.as_str().to_string();
        // The connector sets the port itself.
        Box::pin(async move {
            Ok(lookup(&host).await?.into_iter().map(|ip| SocketAddr::new(ip, 0)).collect::<Vec<_>>().into_iter())
        })
    }
}

/// The SDK's HTTP client: `AWS_CA_BUNDLE`'s roots when given, and with [`Resolver`] when
/// `localhost_names` (an endpoint under `localhost`).
pub fn sdk_http_client(
    bundle: Option<&crate::tls::CaBundle>,
    localhost_names: bool,
) -> Result<aws_smithy_runtime_api::client::http::SharedHttpClient, Error> {
    use aws_smithy_http_client::tls;
    let mut builder = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc));
    if let Some(bundle) = bundle {
        let trust = tls::TrustStore::empty().with_pem_certificate(bundle.pem.clone());
        let ctx = tls::TlsContext::builder().with_trust_store(trust).build().map_err(|e| {
            Error::invalid(format!("the CA bundle {}: {e}", bundle.path.display()), "check the PEM file")
        })?;
        builder = builder.tls_context(ctx);
    }
    Ok(if localhost_names { builder.build_with_resolver(Resolver) } else { builder.build_https() })
}

/// True when `url`'s host is a name under `localhost` (not `localhost` itself, which the
/// system resolves from /etc/hosts).
pub fn url_needs_resolver(url: &str) -> bool {
    url::Url::parse(url).ok().and_then(|u| u.host_str().map(|h| h.to_ascii_lowercase())).is_some_and(|h| {
        let h = h.trim_end_matches('.');
        h != "localhost" && is_localhost(h)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn names_under_localhost_are_loopback_without_dns() {
        for name in ["localhost", "chat.localhost", "a.b.LOCALHOST.", "chat.localhost."] {
            assert!(is_localhost(name), "{name}");
            assert_eq!(lookup(name).await.unwrap(), vec![LOOPBACK]);
        }
        for name in ["localhost.example.com", "notlocalhost", "chat.localhostx", "127.0.0.1"] {
            assert!(!is_localhost(name), "{name}");
        }
        assert!(url_needs_resolver("http://chat.localhost:4510/v1"));
        assert!(!url_needs_resolver("http://localhost:4510"));
        assert!(!url_needs_resolver("http://127.0.0.1:4510"));
        let mut r = Resolver;
        let name: hyper_util::client::legacy::connect::dns::Name = "chat.localhost".parse().unwrap();
        let addrs: Vec<SocketAddr> = tower_service::Service::call(&mut r, name).await.unwrap().collect();
        assert_eq!(addrs, vec![SocketAddr::new(LOOPBACK, 0)]);
        let ips = aws_smithy_runtime_api::client::dns::ResolveDns::resolve_dns(&r, "x.localhost").await.unwrap();
        assert_eq!(ips, vec![LOOPBACK]);
    }
}
