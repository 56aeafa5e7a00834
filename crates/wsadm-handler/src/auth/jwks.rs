//! The JWKS: fetched (or read from a file) on first use, cached for the TTL, refetched for an
//! unknown `kid` at most every 30 seconds. A failed fetch backs off (1 s doubling to 60 s, see
//! [`Backoff`]) whether or not a key set was ever loaded, and connections that arrive during the
//! back-off are answered at once from what is cached (or refused when nothing is). A cached set
//! keeps being used while refreshes fail, but never longer than the max age after it was loaded.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;
use serde_json::Value;

use super::backoff::Backoff;
use super::config::JwksSource;
use super::rejection::Rejection;
use crate::ports::Clock;

/// Unknown kids refetch at most this often, so bad tokens cannot hammer the JWKS endpoint.
const MIN_REFETCH_INTERVAL: Duration = Duration::from_secs(30);
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_JWKS_BYTES: usize = 1 << 20;

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
    max_age: Duration,
    clock: Arc<dyn Clock>,
    client: OnceLock<HttpClient>,
    fetches: AtomicU64,
    state: tokio::sync::Mutex<CacheState>,
}

#[derive(Default)]
struct CacheState {
    keys: Option<KeySet>,
    /// When `keys` was loaded (clock milliseconds).
    loaded_at_ms: i64,
    attempted_at_ms: Option<i64>,
    backoff: Backoff,
}

impl CacheState {
    fn age(&self, now_ms: i64) -> Option<Duration> {
        self.keys.as_ref().map(|_| Duration::from_millis(now_ms.saturating_sub(self.loaded_at_ms).max(0) as u64))
    }

    fn needs_refresh(&self, now_ms: i64, ttl: Duration) -> bool {
        let stale = self.age(now_ms).is_none_or(|age| age >= ttl);
        // While failing, the next attempt waits for the back-off; the cached set (if any) stays in use.
        stale && self.backoff.may_try(now_ms)
    }

    /// The key set, unless it is older than `max_age` (then it is no longer trusted).
    fn usable(&self, now_ms: i64, max_age: Duration) -> Result<&KeySet, Rejection> {
        match (&self.keys, self.age(now_ms)) {
            (Some(keys), Some(age)) if age < max_age => Ok(keys),
            _ => Err(Rejection::JwksUnavailable),
        }
    }

    fn lookup(
        &self,
        now_ms: i64,
        max_age: Duration,
        kid: Option<&str>,
        alg: Algorithm,
    ) -> Result<Option<DecodingKey>, Rejection> {
        self.usable(now_ms, max_age)?.find(kid, alg).map(|key| key.cloned())
    }
}

impl JwksCache {
    /// `ttl`: refresh after this long; `max_age`: distrust a set this old that could not be refreshed.
    pub(super) fn new(source: JwksSource, ttl: Duration, max_age: Duration, clock: Arc<dyn Clock>) -> Self {
        JwksCache {
            source,
            ttl,
            max_age,
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
        let now = self.clock.now_ms();
        if state.needs_refresh(now, self.ttl) {
            self.refresh(&mut state, now).await;
        }
        if let Some(key) = state.lookup(now, self.max_age, kid, alg)? {
            return Ok(key);
        }
        // The key may have been rotated in since the last fetch.
        let recently =
            state.attempted_at_ms.is_some_and(|at| now.saturating_sub(at) < MIN_REFETCH_INTERVAL.as_millis() as i64);
        if recently || !state.backoff.may_try(now) {
            return Err(Rejection::UnknownKid);
        }
        self.refresh(&mut state, now).await;
        state.lookup(now, self.max_age, kid, alg)?.ok_or(Rejection::UnknownKid)
    }

    async fn refresh(&self, state: &mut CacheState, now: i64) {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        state.attempted_at_ms = Some(now);
        match self.fetch().await.and_then(|body| KeySet::parse(&body)) {
            Ok(keys) => {
                tracing::debug!(keys = keys.len(), "JWKS loaded");
                state.keys = Some(keys);
                state.loaded_at_ms = now;
                state.backoff.succeeded();
            }
            Err(error) => {
                let retry_in = state.backoff.failed(now);
                let cached_age = state.age(now).map(|age| age.as_secs());
                tracing::warn!(
                    %error,
                    failures = state.backoff.failures(),
                    retry_in_secs = retry_in.as_secs(),
                    cached_age_secs = cached_age,
                    cached_trusted = cached_age.is_some_and(|age| age < self.max_age.as_secs()),
                    "JWKS fetch failed"
                );
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
        let authorizer = Authorizer::new(jwks_config(JwksSource::File(JWKS_ROTATED_PATH.into()))).unwrap();
        let claims = claims(json!({}));
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

    fn url_authorizer(server: &JwksServer, clock: &Arc<ManualClock>, edit: impl FnOnce(&mut AuthConfig)) -> Authorizer {
        let mut config = jwks_config(JwksSource::Url(server.url.clone()));
        edit(&mut config);
        Authorizer::with_clock(config, None, clock.clone()).unwrap()
    }

    /// Tokens that stay valid for a day of test-clock time.
    fn long_lived(kid: &str, key: &[u8]) -> aws_lambda_events::apigw::ApiGatewayCustomAuthorizerRequestTypeRequest {
        bearer_event(&rs256(Some(kid), key, &claims(json!({ "exp": now() + 2 * 86400 }))))
    }

    #[tokio::test]
    async fn jwks_url_is_cached_refreshed_after_ttl_and_refetched_for_unknown_kids_at_most_every_30s() {
        let server = JwksServer::start(JWKS).await;
        let clock = ManualClock::new();
        let authorizer = url_authorizer(&server, &clock, |_| {});
        let cache = authorizer.jwks_cache().unwrap();
        let rsa = long_lived("rsa-1", RSA_PRIVATE);
        let ec = bearer_event(&es256(Some("ec-1"), &claims(json!({ "exp": now() + 2 * 86400 }))));
        let rotated = long_lived("rsa-2", RSA2_PRIVATE);

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
    async fn without_a_cached_set_failures_back_off_from_the_first_and_connects_fail_fast() {
        let server = JwksServer::start(JWKS).await;
        server.respond(503, "down");
        let clock = ManualClock::new();
        let authorizer = url_authorizer(&server, &clock, |_| {});
        let rsa = long_lived("rsa-1", RSA_PRIVATE);

        // The first connect tries and fails; the connects right after it do not fetch at all.
        assert_eq!(authorizer.authorize(&rsa).await, Err(Rejection::JwksUnavailable));
        assert_eq!(server.hits(), 1);
        for _ in 0..20 {
            assert_eq!(authorizer.authorize(&rsa).await, Err(Rejection::JwksUnavailable));
        }
        assert_eq!(server.hits(), 1, "no fetch during the back-off");

        // The interval doubles from 1 s and stops growing at 60 s.
        let mut expected_hits = 1;
        for delay in [1, 2, 4, 8, 16, 32, 60, 60] {
            clock.advance_ms(delay * 1000 - 1);
            assert_eq!(authorizer.authorize(&rsa).await, Err(Rejection::JwksUnavailable));
            assert_eq!(server.hits(), expected_hits, "{delay}s back-off: too early");
            clock.advance_ms(1);
            assert_eq!(authorizer.authorize(&rsa).await, Err(Rejection::JwksUnavailable));
            expected_hits += 1;
            assert_eq!(server.hits(), expected_hits, "{delay}s back-off: retried once when it ends");
        }

        // An unknown kid does not get around the back-off either.
        let rotated = long_lived("rsa-2", RSA2_PRIVATE);
        assert_eq!(authorizer.authorize(&rotated).await, Err(Rejection::JwksUnavailable));
        assert_eq!(server.hits(), expected_hits);

        // The provider is back: the first attempt after the back-off succeeds, and the back-off resets.
        server.respond(200, JWKS);
        clock.advance(59);
        assert_eq!(authorizer.authorize(&rsa).await, Err(Rejection::JwksUnavailable));
        clock.advance(1);
        assert!(authorizer.authorize(&rsa).await.is_ok());
        assert_eq!(server.hits(), expected_hits + 1);
        server.respond(500, "oops");
        clock.advance(600);
        assert!(authorizer.authorize(&rsa).await.is_ok(), "stale set still trusted");
        clock.advance(1);
        assert!(authorizer.authorize(&rsa).await.is_ok());
        assert_eq!(server.hits(), expected_hits + 3, "the back-off restarted at 1 s");
    }

    #[tokio::test]
    async fn a_cached_set_is_used_while_refreshes_fail_but_not_past_its_max_age() {
        let server = JwksServer::start(JWKS).await;
        let clock = ManualClock::new();
        let authorizer = url_authorizer(&server, &clock, |c| {
            c.jwks_ttl = Duration::from_secs(60);
            c.jwks_max_age = Duration::from_secs(3600);
        });
        let cache = authorizer.jwks_cache().unwrap();
        let rsa = long_lived("rsa-1", RSA_PRIVATE);
        assert!(authorizer.authorize(&rsa).await.is_ok());

        // Refreshes fail in every way; the set loaded at t=0 stays in use, fetched only after each back-off.
        for (status, body) in [(500, "oops"), (200, "not json"), (200, "{\"keys\": 1}")] {
            server.respond(status, body);
            clock.advance(61);
            let before = server.hits();
            assert!(authorizer.authorize(&rsa).await.is_ok(), "HTTP {status} {body}");
            assert_eq!(server.hits(), before + 1);
            assert!(authorizer.authorize(&rsa).await.is_ok());
            assert_eq!(server.hits(), before + 1, "HTTP {status}: backing off");
        }
        assert_eq!(cache.fetch_count(), 4);

        // Up to the max age (3600 s after the last good fetch) it is trusted; from then on it is not,
        // even between fetch attempts.
        clock.advance(3599 - 3 * 61);
        assert!(authorizer.authorize(&rsa).await.is_ok(), "at 3599 s");
        clock.advance(1);
        assert_eq!(authorizer.authorize(&rsa).await, Err(Rejection::JwksUnavailable), "at 3600 s");
        assert_eq!(authorizer.authorize(&rsa).await, Err(Rejection::JwksUnavailable));

        // A successful refresh restores trust.
        server.respond(200, JWKS);
        clock.advance(60);
        assert!(authorizer.authorize(&rsa).await.is_ok());
        clock.advance(3599);
        server.respond(500, "oops");
        assert!(authorizer.authorize(&rsa).await.is_ok(), "counted from the new fetch");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_callers_share_one_fetch() {
        let server = JwksServer::start(JWKS).await;
        let authorizer = Arc::new(Authorizer::new(jwks_config(JwksSource::Url(server.url.clone()))).unwrap());
        let token = rs256(Some("rsa-1"), RSA_PRIVATE, &claims(json!({})));
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
        let authorizer = Authorizer::new(jwks_config(JwksSource::Url(url))).unwrap();
        let token = rs256(Some("rsa-1"), RSA_PRIVATE, &claims(json!({})));
        assert_eq!(authorizer.authorize(&bearer_event(&token)).await, Err(Rejection::JwksUnavailable));

        let missing = Authorizer::new(jwks_config(JwksSource::File("/nonexistent/jwks.json".into()))).unwrap();
        assert_eq!(missing.authorize(&bearer_event(&token)).await, Err(Rejection::JwksUnavailable));
    }
}
