//! The JWKS: fetched (or read from a file) on first use, cached for the TTL, refetched for an
//! unknown `kid` at most every 30 seconds, and kept when a refresh fails.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;
use serde_json::Value;

use super::config::JwksSource;
use super::rejection::Rejection;

/// Unknown kids and failed refreshes refetch at most this often, so bad tokens cannot hammer the JWKS endpoint.
const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(30);
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_JWKS_BYTES: usize = 1 << 20;

/// The time source of the JWKS cache, replaceable in tests.
pub trait Clock: Send + Sync {
    fn now(&self) -> Instant;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

#[derive(Debug, thiserror::Error)]
enum FetchError {
    #[error("cannot read the JWKS file: {0}")]
    Io(#[from] std::io::Error),
    #[error("invalid JWKS URL")]
    InvalidUrl,
    #[error("JWKS request failed: {0}")]
    Http(String),
    #[error("JWKS request returned HTTP {0}")]
    Status(u16),
    #[error("JWKS request timed out after {}s", FETCH_TIMEOUT.as_secs())]
    Timeout,
    #[error("JWKS is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
}

type HttpClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>;

/// The JWKS, loaded on first use and kept for the TTL.
///
/// Callers that arrive while a fetch is running wait for it rather than starting their own.
pub struct JwksCache {
    source: JwksSource,
    ttl: Duration,
    clock: Arc<dyn Clock>,
    client: OnceLock<HttpClient>,
    fetches: AtomicU64,
    state: tokio::sync::Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    keys: Option<KeySet>,
    loaded_at: Option<Instant>,
    attempted_at: Option<Instant>,
    failed_at: Option<Instant>,
}

impl CacheState {
    fn needs_refresh(&self, now: Instant, ttl: Duration) -> bool {
        let Some(loaded_at) = self.loaded_at else {
            return true;
        };
        let stale = now.saturating_duration_since(loaded_at) >= ttl;
        // After a failed refresh the stale set stays in use; retry only after the back-off.
        stale && !within(self.failed_at, now, MIN_REFETCH_INTERVAL)
    }

    fn lookup(&self, kid: Option<&str>, alg: Algorithm) -> Result<Option<DecodingKey>, Rejection> {
        let keys = self.keys.as_ref().ok_or(Rejection::JwksUnavailable)?;
        keys.find(kid, alg).map(|key| key.cloned())
    }
}

fn within(at: Option<Instant>, now: Instant, interval: Duration) -> bool {
    at.is_some_and(|at| now.saturating_duration_since(at) < interval)
}

impl JwksCache {
    pub fn new(source: JwksSource, ttl: Duration) -> Self {
        Self::with_clock(source, ttl, Arc::new(SystemClock))
    }

    pub fn with_clock(source: JwksSource, ttl: Duration, clock: Arc<dyn Clock>) -> Self {
        JwksCache {
            source,
            ttl,
            clock,
            client: OnceLock::new(),
            fetches: AtomicU64::new(0),
            state: tokio::sync::Mutex::new(CacheState::default()),
        }
    }

    /// How many times the JWKS was fetched (or the file read), failures included.
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The key for a token's `kid` and algorithm, refetching on an unknown kid (rate-limited).
    pub(super) async fn key_for(&self, kid: Option<&str>, alg: Algorithm) -> Result<DecodingKey, Rejection> {
        let mut state = self.state.lock().await;
        let now = self.clock.now();
        if state.needs_refresh(now, self.ttl) {
            self.refresh(&mut state, now).await;
        }
        if let Some(key) = state.lookup(kid, alg)? {
            return Ok(key);
        }
        // The key may have been rotated in since the last fetch.
        if within(state.attempted_at, now, MIN_REFETCH_INTERVAL) {
            return Err(Rejection::UnknownKid);
        }
        self.refresh(&mut state, now).await;
        state.lookup(kid, alg)?.ok_or(Rejection::UnknownKid)
    }

    async fn refresh(&self, state: &mut CacheState, now: Instant) {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        state.attempted_at = Some(now);
        match self.fetch().await.and_then(|body| KeySet::parse(&body)) {
            Ok(keys) => {
                tracing::debug!(keys = keys.len(), "JWKS loaded");
                state.keys = Some(keys);
                state.loaded_at = Some(now);
                state.failed_at = None;
            }
            Err(error) => {
                tracing::warn!(%error, keeping_cached = state.keys.is_some(), "JWKS fetch failed");
                state.failed_at = Some(now);
            }
        }
    }

    async fn fetch(&self) -> Result<Vec<u8>, FetchError> {
        match &self.source {
            JwksSource::File(path) => Ok(tokio::fs::read(path).await?),
            JwksSource::Url(url) => {
                tokio::time::timeout(FETCH_TIMEOUT, self.fetch_url(url)).await.map_err(|_| FetchError::Timeout)?
            }
        }
    }

    async fn fetch_url(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let uri: hyper::Uri = url.parse().map_err(|_| FetchError::InvalidUrl)?;
        let request = hyper::Request::get(uri)
            .header(hyper::header::ACCEPT, "application/json")
            .body(Empty::new())
            .map_err(|_| FetchError::InvalidUrl)?;
        let response = self.client().request(request).await.map_err(|e| FetchError::Http(e.to_string()))?;
        if !response.status().is_success() {
            return Err(FetchError::Status(response.status().as_u16()));
        }
        let body = Limited::new(response.into_body(), MAX_JWKS_BYTES)
            .collect()
            .await
            .map_err(|e| FetchError::Http(e.to_string()))?;
        Ok(body.to_bytes().to_vec())
    }

    fn client(&self) -> &HttpClient {
        self.client.get_or_init(|| {
            let https =
                hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots().https_or_http().enable_http1().build();
            // Fetches are minutes apart and Lambda freezes between invocations, so a pooled
            // connection would mostly be a dead one.
            Client::builder(TokioExecutor::new()).pool_max_idle_per_host(0).build(https)
        })
    }
}

/// The usable keys of a JWKS: RSA keys for RS256 and P-256 keys for ES256.
struct KeySet {
    keys: Vec<KeyEntry>,
}

struct KeyEntry {
    kid: Option<String>,
    alg: Algorithm,
    key: DecodingKey,
}

impl KeySet {
    fn parse(body: &[u8]) -> Result<KeySet, FetchError> {
        // Keys are parsed one by one so that one key of a type jsonwebtoken does not know does
        // not void the whole set.
        #[derive(Deserialize)]
        struct RawSet {
            keys: Vec<Value>,
        }
        let raw: RawSet = serde_json::from_slice(body)?;
        let keys = raw
            .keys
            .into_iter()
            .filter_map(|key| serde_json::from_value::<Jwk>(key).ok())
            .filter_map(|jwk| KeyEntry::from_jwk(&jwk))
            .collect();
        Ok(KeySet { keys })
    }

    fn len(&self) -> usize {
        self.keys.len()
    }

    /// `Ok(None)` when no key matches (a refetch may help), an error when the kid names a key of
    /// another algorithm.
    fn find(&self, kid: Option<&str>, alg: Algorithm) -> Result<Option<&DecodingKey>, Rejection> {
        let Some(kid) = kid else {
            // Without a kid the key is unambiguous only if exactly one key fits the algorithm.
            let mut fitting = self.keys.iter().filter(|entry| entry.alg == alg);
            return Ok(match (fitting.next(), fitting.next()) {
                (Some(entry), None) => Some(&entry.key),
                _ => None,
            });
        };
        let mut named = self.keys.iter().filter(|entry| entry.kid.as_deref() == Some(kid)).peekable();
        if named.peek().is_none() {
            return Ok(None);
        }
        named.find(|entry| entry.alg == alg).map(|entry| Some(&entry.key)).ok_or(Rejection::AlgorithmNotAllowed)
    }
}

impl KeyEntry {
    fn from_jwk(jwk: &Jwk) -> Option<KeyEntry> {
        if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
            return None;
        }
        // Symmetric ("oct") keys are never taken from a JWKS: that would reopen algorithm confusion.
        let alg = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => Algorithm::RS256,
            AlgorithmParameters::EllipticCurve(params) if params.curve == EllipticCurve::P256 => Algorithm::ES256,
            _ => return None,
        };
        // A key pinned to another algorithm (RS384, PS256 …) is not used for ours.
        let pinned_ok = matches!(
            (jwk.common.key_algorithm, alg),
            (None, _) | (Some(KeyAlgorithm::RS256), Algorithm::RS256) | (Some(KeyAlgorithm::ES256), Algorithm::ES256)
        );
        if !pinned_ok {
            return None;
        }
        let key = DecodingKey::from_jwk(jwk).ok()?;
        Some(KeyEntry { kid: jwk.common.key_id.clone(), alg, key })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;
    use crate::auth::test_support::*;
    use crate::auth::{AuthConfig, Authorizer};

    #[tokio::test]
    async fn token_without_kid_needs_exactly_one_key_of_its_family() {
        let authorizer = Authorizer::new(jwks_config(JwksSource::File(JWKS_ROTATED_PATH.into())));
        let claims = json!({ "sub": "u", "exp": now() + 60 });
        // Two RSA keys: ambiguous. One EC key: fine.
        assert_eq!(
            authorizer.authorize(&bearer_event(&rs256(None, RSA_PRIVATE, &claims))).await,
            Err(Rejection::UnknownKid)
        );
        assert!(authorizer.authorize(&bearer_event(&es256(None, &claims))).await.is_ok());
        assert!(authorizer.authorize(&bearer_event(&rs256(Some("rsa-2"), RSA2_PRIVATE, &claims))).await.is_ok());
    }

    #[test]
    fn jwks_parsing_skips_keys_it_cannot_use() {
        let body = json!({ "keys": [
            { "kty": "oct", "kid": "sym", "k": "c2VjcmV0" },
            { "kty": "OKP", "kid": "x", "crv": "X25519", "x": "AAAA" },
            { "kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB" },
            { "kty": "RSA", "kid": "ps", "alg": "PS256", "n": "AQAB", "e": "AQAB" },
            { "kty": "EC", "kid": "p384", "crv": "P-384", "x": "AAAA", "y": "AAAA" },
            { "kty": "RSA", "kid": "ok", "n": "AQAB", "e": "AQAB" },
        ]});
        let keys = KeySet::parse(body.to_string().as_bytes()).unwrap();
        let kids: Vec<_> = keys.keys.iter().map(|k| k.kid.as_deref()).collect();
        assert_eq!(kids, [Some("ok")]);
        assert!(KeySet::parse(b"not json").is_err());
        assert!(KeySet::parse(b"{\"nokeys\": []}").is_err());
        assert_eq!(KeySet::parse(JWKS.as_bytes()).unwrap().len(), 2);
    }

    // ---- JWKS over HTTP ----

    /// A clock the test moves by hand.
    struct TestClock {
        start: Instant,
        offset: Mutex<Duration>,
    }

    impl TestClock {
        fn new() -> Arc<TestClock> {
            Arc::new(TestClock { start: Instant::now(), offset: Mutex::new(Duration::ZERO) })
        }
        fn advance(&self, secs: u64) {
            *self.offset.lock().unwrap() += Duration::from_secs(secs);
        }
    }

    impl Clock for TestClock {
        fn now(&self) -> Instant {
            self.start + *self.offset.lock().unwrap()
        }
    }

    /// A one-route HTTP/1.1 server on 127.0.0.1 answering every request with `status` and `body`.
    struct JwksServer {
        url: String,
        hits: Arc<AtomicU64>,
        response: Arc<Mutex<(u16, String)>>,
        task: tokio::task::JoinHandle<()>,
    }

    impl JwksServer {
        async fn start(body: &str) -> JwksServer {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}/.well-known/jwks.json", listener.local_addr().unwrap());
            let hits = Arc::new(AtomicU64::new(0));
            let response = Arc::new(Mutex::new((200, body.to_owned())));
            let (task_hits, task_response) = (hits.clone(), response.clone());
            let task = tokio::spawn(async move {
                while let Ok((mut socket, _)) = listener.accept().await {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    task_hits.fetch_add(1, Ordering::SeqCst);
                    let (status, body) = task_response.lock().unwrap().clone();
                    let reply = format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(reply.as_bytes()).await;
                    let _ = socket.shutdown().await;
                }
            });
            JwksServer { url, hits, response, task }
        }

        fn hits(&self) -> u64 {
            self.hits.load(Ordering::SeqCst)
        }

        fn respond(&self, status: u16, body: &str) {
            *self.response.lock().unwrap() = (status, body.to_owned());
        }
    }

    impl Drop for JwksServer {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    #[tokio::test]
    async fn jwks_url_is_cached_refreshed_after_ttl_and_refetched_for_unknown_kids_at_most_every_30s() {
        let server = JwksServer::start(JWKS).await;
        let clock = TestClock::new();
        let authorizer = Authorizer::with_clock(jwks_config(JwksSource::Url(server.url.clone())), clock.clone());
        let cache = authorizer.jwks_cache().unwrap();
        let claims = json!({ "sub": "user-3", "exp": now() + 3600 });
        let rsa = bearer_event(&rs256(Some("rsa-1"), RSA_PRIVATE, &claims));
        let ec = bearer_event(&es256(Some("ec-1"), &claims));
        let rotated = bearer_event(&rs256(Some("rsa-2"), RSA2_PRIVATE, &claims));

        // Many authorizations, one fetch.
        for _ in 0..5 {
            assert!(authorizer.authorize(&rsa).await.is_ok());
            assert!(authorizer.authorize(&ec).await.is_ok());
        }
        assert_eq!((cache.fetch_count(), server.hits()), (1, 1));

        // Within the TTL nothing is fetched; once it has passed, the set is fetched again.
        clock.advance(599);
        assert!(authorizer.authorize(&rsa).await.is_ok());
        assert_eq!((cache.fetch_count(), server.hits()), (1, 1));
        clock.advance(1);
        assert!(authorizer.authorize(&rsa).await.is_ok());
        assert_eq!((cache.fetch_count(), server.hits()), (2, 2));

        // An unknown kid right after a fetch does not refetch; after 30 s it does, once.
        assert_eq!(authorizer.authorize(&rotated).await, Err(Rejection::UnknownKid));
        assert_eq!(server.hits(), 2);
        clock.advance(30);
        for _ in 0..5 {
            assert_eq!(authorizer.authorize(&rotated).await, Err(Rejection::UnknownKid));
        }
        assert_eq!((cache.fetch_count(), server.hits()), (3, 3));
        clock.advance(29);
        assert_eq!(authorizer.authorize(&rotated).await, Err(Rejection::UnknownKid));
        assert_eq!(server.hits(), 3);

        // The key is rotated in: the next allowed refetch picks it up.
        server.respond(200, JWKS_ROTATED);
        clock.advance(1);
        assert!(authorizer.authorize(&rotated).await.is_ok());
        assert_eq!((cache.fetch_count(), server.hits()), (4, 4));
        assert!(authorizer.authorize(&rotated).await.is_ok());
        assert_eq!(server.hits(), 4);
    }

    #[tokio::test]
    async fn jwks_fetch_failure_keeps_the_cached_set() {
        let server = JwksServer::start(JWKS).await;
        let clock = TestClock::new();
        let config =
            AuthConfig { jwks_ttl: Duration::from_secs(60), ..jwks_config(JwksSource::Url(server.url.clone())) };
        let authorizer = Authorizer::with_clock(config, clock.clone());
        let cache = authorizer.jwks_cache().unwrap();
        let rsa = bearer_event(&rs256(Some("rsa-1"), RSA_PRIVATE, &json!({ "sub": "u", "exp": now() + 3600 })));
        assert!(authorizer.authorize(&rsa).await.is_ok());

        for (status, body) in [(500, "oops"), (200, "not json")] {
            server.respond(status, body);
            clock.advance(61);
            let before = server.hits();
            assert!(authorizer.authorize(&rsa).await.is_ok(), "HTTP {status}");
            assert_eq!(server.hits(), before + 1);
            // A failed refresh is retried only after the back-off, not on every request.
            clock.advance(10);
            assert!(authorizer.authorize(&rsa).await.is_ok());
            assert_eq!(server.hits(), before + 1);
        }
        assert_eq!(cache.fetch_count(), 3);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_callers_share_one_fetch() {
        let server = JwksServer::start(JWKS).await;
        let authorizer = Arc::new(Authorizer::new(jwks_config(JwksSource::Url(server.url.clone()))));
        let token = rs256(Some("rsa-1"), RSA_PRIVATE, &json!({ "sub": "u", "exp": now() + 3600 }));
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (authorizer, req) = (authorizer.clone(), bearer_event(&token));
                tokio::spawn(async move { authorizer.authorize(&req).await })
            })
            .collect();
        for task in tasks {
            assert!(task.await.unwrap().is_ok());
        }
        assert_eq!(server.hits(), 1);
        assert_eq!(authorizer.jwks_cache().unwrap().fetch_count(), 1);
    }

    #[tokio::test]
    async fn unreachable_jwks_without_a_cached_set_is_jwks_unavailable() {
        // A port that was just free: nothing listens there.
        let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}/jwks.json");
        let authorizer = Authorizer::new(jwks_config(JwksSource::Url(url)));
        let token = rs256(Some("rsa-1"), RSA_PRIVATE, &json!({ "sub": "u", "exp": now() + 3600 }));
        assert_eq!(authorizer.authorize(&bearer_event(&token)).await, Err(Rejection::JwksUnavailable));

        let missing = Authorizer::new(jwks_config(JwksSource::File("/nonexistent/jwks.json".into())));
        assert_eq!(missing.authorize(&bearer_event(&token)).await, Err(Rejection::JwksUnavailable));
    }
}
