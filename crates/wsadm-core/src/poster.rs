//! PostToConnection for fan-out: hyper's pooled HTTP/1.1 client and SigV4 per call, without
//! the SDK's per-call orchestration (interceptors, config bags, retry and endpoint machinery),
//! which costs more CPU than the call. The signature uses `aws-sigv4`'s key derivation and HMAC
//! (the SDK's signer) over a canonical request built here for this one request shape. The
//! request is the SDK's request: same path encoding, same signed headers, same signature
//! (tested against `aws-sigv4`'s general signer, and that against the SDK, with a fixed clock).
//! The SDK client stays in use for everything else, and for broadcasts behind a proxy.

use crate::connections::{self, ConnError, MAX_POST_BYTES};
use crate::{guard, Error};
use aws_config::SdkConfig;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_sigv4::sign::v4;
use bytes::Bytes;
use hyper_util::client::legacy::connect::HttpConnector;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, SystemTime};
use url::Url;

/// The SDK's path-label encoding for the characters a connection id can hold: `=`, `+` and
/// `/` are percent-encoded, letters, digits, `-` and `_` are not.
const LABEL: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// PostToConnection's content type, as the SDK sends it.
const OCTET_STREAM: &str = "application/octet-stream";

/// Credentials are refreshed this long before they expire.
const REFRESH_BEFORE: Duration = Duration::from_secs(300);

/// Error bodies are read up to this size (AWS sends a short JSON message).
const MAX_ERROR_BODY: usize = 64 * 1024;

// `*.localhost` endpoints (a local custom domain) resolve to loopback without DNS.
type Connector = hyper_rustls::HttpsConnector<HttpConnector<crate::localhost::Resolver>>;
type Client = hyper_util::client::legacy::Client<Connector, http_body_util::Full<Bytes>>;

/// What came back.
struct Answer {
    status: u16,
    error_type: Option<String>,
    body: Bytes,
    /// The server's clock (`Date`), for a signature refused as expired.
    date: Option<String>,
}

/// Sends one request on the pooled client. hyper re-sends a request only when none of it was
/// written (a kept-alive connection found closed first); any other failure after connecting
/// is [`ConnError::MaybeDelivered`]: the server may have acted on it, so it is not re-sent.
async fn exchange(client: &Client, request: hyper::Request<http_body_util::Full<Bytes>>) -> Result<Answer, ConnError> {
    use http_body_util::BodyExt;
    let origin = request.uri().authority().map(|a| a.to_string()).unwrap_or_default();
    let resp = client.request(request).await.map_err(|e| {
        let unsent = e.is_connect() || hyper_error(&e).is_some_and(|h| h.is_canceled());
        if e.is_connect() {
            ConnError::Transient(format!("cannot connect to {origin}: {}", chain(&e)))
        } else if unsent {
            ConnError::Transient(chain(&e))
        } else {
            ConnError::MaybeDelivered(chain(&e))
        }
    })?;
    let status = resp.status().as_u16();
    let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let error_type = header("x-amzn-errortype").map(|v| v.split(':').next().unwrap_or(&v).trim().to_string());
    let date = header("date");
    // A success needs no body; an error's short JSON explains it (bounded).
    let body = if (200..300).contains(&status) {
        Bytes::new()
    } else {
        match http_body_util::Limited::new(resp.into_body(), MAX_ERROR_BODY).collect().await {
            Ok(b) => b.to_bytes(),
            Err(_) => Bytes::new(),
        }
    };
    Ok(Answer { status, error_type, body, date })
}

/// The hyper error under a client error, if any.
fn hyper_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a hyper::Error> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            return Some(h);
        }
        source = s.source();
    }
    None
}

/// Sends PostToConnection calls to one stage's management endpoint.
pub struct DirectPoster {
    client: Client,
    /// `scheme://host[:port]`.
    origin: String,
    /// The endpoint's path (`/prod`, or `/apis/ID/prod` locally), without a trailing slash.
    base_path: String,
    user_agent: &'static str,
    timeout: Duration,
    credentials: CredentialsCache,
    signer: Signer,
    /// The last payload and its SHA-256 (a broadcast sends one payload many times).
    payload: Mutex<Option<(Bytes, String)>>,
    /// Server clock minus ours, in ms, learnt from a signature refused as expired (as the SDK).
    skew_ms: std::sync::atomic::AtomicI64,
}

struct CredentialsCache {
    provider: SharedCredentialsProvider,
    current: RwLock<Credentials>,
    refresh: tokio::sync::Mutex<()>,
}

impl CredentialsCache {
    async fn fetch(provider: &SharedCredentialsProvider) -> Result<Credentials, String> {
        provider
            .provide_credentials()
            .await
            .map_err(|e| aws_smithy_types::error::display::DisplayErrorContext(&e).to_string())
    }

    fn fresh(id: &Credentials) -> bool {
        id.expiry().is_none_or(|t| t > SystemTime::now() + REFRESH_BEFORE)
    }

    async fn get(&self) -> Result<Credentials, ConnError> {
        let id = self.current.read().expect("not poisoned").clone();
        if Self::fresh(&id) {
            return Ok(id);
        }
        // One refresh at a time; the others wait for it and take its result.
        let _one = self.refresh.lock().await;
        let id = self.current.read().expect("not poisoned").clone();
        if Self::fresh(&id) {
            return Ok(id);
        }
        match Self::fetch(&self.provider).await {
            Ok(new) => {
                *self.current.write().expect("not poisoned") = new.clone();
                Ok(new)
            }
            // Still valid for a while: use them and try again on the next call.
            Err(_) if id.expiry().is_some_and(|t| t > SystemTime::now()) => Ok(id),
            Err(e) => Err(ConnError::Transient(format!("credentials could not be refreshed: {e}"))),
        }
    }
}

impl DirectPoster {
    /// A poster for `endpoint` (see [`crate::target::management_endpoint`]), with the config's
    /// credentials, region and timeouts. Fails when there are no usable credentials.
    pub async fn new(config: &SdkConfig, endpoint: &Url) -> Result<Self, Error> {
        if guard::loopback_only() {
            guard::check(endpoint.as_str())?;
        }
        let region = config.region().map(|r| r.to_string()).ok_or(Error::NoRegion { profile: None })?;
        let provider = config
            .credentials_provider()
            .ok_or_else(|| Error::NoCredentials { source: "no credentials provider is configured".into() })?;
        let credentials =
            CredentialsCache::fetch(&provider).await.map_err(|e| Error::NoCredentials { source: e.into() })?;
        let tc = config.timeout_config();
        let connect = tc.and_then(|t| t.connect_timeout()).unwrap_or(Duration::from_secs(2));
        let read = tc.and_then(|t| t.read_timeout()).unwrap_or(Duration::from_secs(20));
        let mut http = HttpConnector::new_with_resolver(crate::localhost::Resolver);
        http.set_connect_timeout(Some(connect));
        http.set_nodelay(true);
        http.enforce_http(false);
        // AWS_CA_BUNDLE (or the profile's ca_bundle) when set, else the system's roots for https
        // (as the SDK); a plain-http endpoint (the local stack) never reads them.
        let tls = match crate::tls::bundle()? {
            Some(b) => hyper_rustls::HttpsConnectorBuilder::new().with_tls_config((*b.client_config(false)?).clone()),
            None => {
                let native = if endpoint.scheme() == "https" {
                    hyper_rustls::HttpsConnectorBuilder::new().with_native_roots().ok()
                } else {
                    None
                };
                native.unwrap_or_else(|| hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots())
            }
        };
        let https = tls.https_or_http().enable_http1().wrap_connector(http);
        let (origin, base_path) = split_endpoint(endpoint)?;
        let host = origin.split_once("://").map_or("", |(_, h)| h).to_string();
        let signer = Signer::new(&region, &host);
        // The Host header is the one signed (set per request); idle connections are kept for
        // the next call and dropped after a while, before AWS would close them.
        let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .set_host(false)
            .build(https);
        Ok(DirectPoster {
            client,
            origin,
            base_path,
            user_agent: concat!("wsadm/", env!("CARGO_PKG_VERSION")),
            timeout: connect + read,
            signer,
            credentials: CredentialsCache {
                provider,
                current: RwLock::new(credentials),
                refresh: tokio::sync::Mutex::new(()),
            },
            payload: Mutex::new(None),
            skew_ms: std::sync::atomic::AtomicI64::new(0),
        })
    }

    /// The payload as a shared buffer with its hex SHA-256, computed once per distinct payload.
    fn payload(&self, data: &[u8]) -> (Bytes, String) {
        let mut last = self.payload.lock().expect("not poisoned");
        if let Some((b, h)) = last.as_ref() {
            if b.as_ref() == data {
                return (b.clone(), h.clone());
            }
        }
        let b = Bytes::copy_from_slice(data);
        let h = sha256_hex(data);
        *last = Some((b.clone(), h.clone()));
        (b, h)
    }

    /// The request path for a connection id: the endpoint's path, `/@connections/`, the id
    /// percent-encoded once.
    pub fn path(&self, connection_id: &str) -> String {
        format!("{}/@connections/{}", self.base_path, utf8_percent_encode(connection_id, LABEL))
    }

    /// Sends `data` to one connection.
    pub async fn post(&self, connection_id: &str, data: &[u8]) -> Result<(), ConnError> {
        if data.len() > MAX_POST_BYTES {
            return Err(ConnError::PayloadTooLarge);
        }
        let credentials = self.credentials.get().await?;
        let (body, hash) = self.payload(data);
        let path = self.path(connection_id);
        let call = async {
            // A second try only after a signature refused for our clock: nothing was done.
            for attempt in 0..2 {
                let answer = exchange(&self.client, self.request(&credentials, &path, &body, &hash)?).await?;
                if (200..300).contains(&answer.status) {
                    return Ok(());
                }
                if attempt == 0 && answer.status == 403 && self.learn_skew(&answer) {
                    continue;
                }
                return Err(classify_response(answer.status, answer.error_type.as_deref(), &answer.body));
            }
            unreachable!("the loop returns")
        };
        match tokio::time::timeout(self.timeout, call).await {
            Ok(r) => r,
            // Connected (connecting has its own, shorter timeout) and no answer: maybe done.
            Err(_) => Err(ConnError::MaybeDelivered(format!("no answer within {:?}", self.timeout))),
        }
    }

    /// The signed request, as the SDK would send it: origin-form path, the signed Host.
    fn request(
        &self,
        credentials: &Credentials,
        path: &str,
        body: &Bytes,
        hash: &str,
    ) -> Result<hyper::Request<http_body_util::Full<Bytes>>, ConnError> {
        let now = self.now();
        let (amz_date, authorization) = self.signer.sign(credentials, path, body.len(), hash, now);
        let mut b = hyper::Request::post(format!("{}{path}", self.origin))
            .header("host", &self.signer.host)
            .header("user-agent", self.user_agent)
            .header("content-type", OCTET_STREAM)
            .header("content-length", body.len())
            .header("x-amz-date", amz_date)
            .header("authorization", authorization);
        if let Some(token) = credentials.session_token() {
            b = b.header("x-amz-security-token", token);
        }
        b.body(http_body_util::Full::new(body.clone())).map_err(|e| ConnError::Other(format!("bad request: {e}")))
    }

    /// Now, by the server's clock as far as it is known.
    fn now(&self) -> SystemTime {
        let skew = self.skew_ms.load(std::sync::atomic::Ordering::Relaxed);
        let d = Duration::from_millis(skew.unsigned_abs());
        if skew >= 0 {
            SystemTime::now() + d
        } else {
            SystemTime::now() - d
        }
    }

    /// On a signature refused as expired or not yet current, the offset of the server's clock
    /// (its `Date`) from ours; true when it changed what we sign with.
    fn learn_skew(&self, answer: &Answer) -> bool {
        let text = String::from_utf8_lossy(&answer.body);
        if !(text.contains("Signature expired") || text.contains("Signature not yet current")) {
            return false;
        }
        let Some(server) = answer.date.as_deref().and_then(http_date_ms) else { return false };
        let ours = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
        let skew = server - ours;
        let before = self.skew_ms.swap(skew, std::sync::atomic::Ordering::Relaxed);
        // Under a minute of difference cannot be why a signature expired (AWS allows 5).
        (skew - before).abs() > 60_000
    }
}

/// An HTTP `Date` (`Sun, 06 Nov 1994 08:49:37 GMT`) in ms since the epoch.
fn http_date_ms(v: &str) -> Option<i64> {
    let t = jiff::fmt::rfc2822::parse(v).ok()?;
    Some(t.timestamp().as_millisecond())
}

/// SigV4 for this one request shape (POST, no query, content-length, content-type, host,
/// x-amz-date, and x-amz-security-token with temporary credentials, in SigV4's sorted order),
/// with the day's signing key kept: the general signer derives it (four HMACs) and builds the
/// canonical request through several allocations on every call. Tested equal to the general
/// signer, which is tested equal to the SDK.
pub struct Signer {
    region: String,
    /// The Host header, as signed and as sent (the port only when it is not the default).
    host: String,
    day: Mutex<Option<SigningDay>>,
}

/// The signing key of one day and one set of credentials.
struct SigningDay {
    day: u64,
    access_key_id: String,
    secret: String,
    key: std::sync::Arc<[u8]>,
}

impl Signer {
    pub fn new(region: &str, host: &str) -> Self {
        Signer { region: region.to_string(), host: host.to_string(), day: Mutex::new(None) }
    }

    /// The `x-amz-date` and `authorization` header values for a POST of `content_length` bytes
    /// hashing to `payload_sha256` to `path` (as sent: the id percent-encoded once).
    pub fn sign(
        &self,
        creds: &Credentials,
        path: &str,
        content_length: usize,
        payload_sha256: &str,
        time: SystemTime,
    ) -> (String, String) {
        use std::fmt::Write;
        let secs = time.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let amz_date = amz_date(secs);
        let date = &amz_date[..8];
        let key = {
            let mut day = self.day.lock().expect("not poisoned");
            let current = day.as_ref().is_some_and(|d| {
                d.day == secs / 86_400
                    && d.access_key_id == creds.access_key_id()
                    && d.secret == creds.secret_access_key()
            });
            if !current {
                let key = v4::generate_signing_key(creds.secret_access_key(), time, &self.region, "execute-api");
                *day = Some(SigningDay {
                    day: secs / 86_400,
                    access_key_id: creds.access_key_id().to_string(),
                    secret: creds.secret_access_key().to_string(),
                    key: key.as_ref().into(),
                });
            }
            day.as_ref().expect("set above").key.clone()
        };
        let token = creds.session_token();
        let signed_headers = if token.is_some() {
            "content-length;content-type;host;x-amz-date;x-amz-security-token"
        } else {
            "content-length;content-type;host;x-amz-date"
        };
        let mut canonical = String::with_capacity(320 + path.len() * 2 + token.map_or(0, str::len));
        canonical.push_str("POST\n");
        // Double URI encoding (execute-api is not S3): the path as sent, encoded again.
        for b in path.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
                canonical.push(b as char);
            } else {
                let _ = write!(canonical, "%{b:02X}");
            }
        }
        let _ = write!(
            canonical,
            "\n\ncontent-length:{content_length}\ncontent-type:{OCTET_STREAM}\nhost:{}\nx-amz-date:{amz_date}\n",
            self.host
        );
        if let Some(t) = token {
            let _ = writeln!(canonical, "x-amz-security-token:{}", t.trim());
        }
        let _ = write!(canonical, "\n{signed_headers}\n{payload_sha256}");
        let scope = format!("{date}/{}/execute-api/aws4_request", self.region);
        let string_to_sign = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", sha256_hex(canonical.as_bytes()));
        let signature = v4::calculate_signature(&key, string_to_sign.as_bytes());
        let authorization = format!(
            "AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
            creds.access_key_id()
        );
        (amz_date, authorization)
    }
}

/// SigV4's `YYYYMMDDTHHMMSSZ` (UTC) of a Unix time.
fn amz_date(secs: u64) -> String {
    let t = i64::try_from(secs).ok().and_then(|s| jiff::Timestamp::from_second(s).ok()).unwrap_or_default();
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// True when HTTPS_PROXY/HTTP_PROXY (and NO_PROXY) send requests to `endpoint` through a proxy,
/// as the SDK's client reads them. This sender does not speak to proxies: callers use the SDK
/// client then.
pub fn proxied(endpoint: &Url) -> bool {
    let Ok(uri) = endpoint.as_str().parse::<hyper::Uri>() else { return false };
    hyper_util::client::proxy::matcher::Matcher::from_env().intercept(&uri).is_some()
}

/// Lowercase hex SHA-256, as SigV4 wants the payload hash.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(64);
    for b in sha2::Sha256::digest(data) {
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 15)] as char);
    }
    s
}

/// `scheme://authority` (the port only when it is not the scheme's default) and the path
/// without a trailing slash.
fn split_endpoint(endpoint: &Url) -> Result<(String, String), Error> {
    let host = endpoint.host_str().ok_or_else(|| {
        Error::invalid(format!("`{endpoint}` has no host"), "the management endpoint is https://HOST/STAGE")
    })?;
    let host = match endpoint.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    let origin = format!("{}://{}", endpoint.scheme(), host);
    Ok((origin, endpoint.path().trim_end_matches('/').to_string()))
}

/// An error with its causes, one line.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}

/// An error response sorted by its status first (see [`connections::classify_answer`]), with
/// the AWS error type from `x-amzn-ErrorType` or the body's `__type`.
fn classify_response(status: u16, error_type: Option<&str>, body: &[u8]) -> ConnError {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let message = ["message", "Message"].iter().find_map(|k| v.get(*k).and_then(|m| m.as_str())).unwrap_or("");
    let code = error_type.or_else(|| v.get("__type").and_then(|t| t.as_str())).unwrap_or("");
    connections::classify_answer(Some(status), code, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
    use aws_smithy_runtime_api::client::identity::Identity;
    use hyper::header::{HeaderName, HeaderValue};
    use std::sync::Arc;

    /// What one SigV4 signature covers besides the headers (for `signed_headers`, the general
    /// signer that the per-call `Signer` is tested against).
    struct SignInput<'a> {
        uri: &'a str,
        payload_sha256: String,
        region: &'a str,
        identity: &'a Identity,
        time: SystemTime,
    }

    /// The headers SigV4 adds to a request with `headers` (`x-amz-date`, `authorization`, and
    /// `x-amz-security-token` with temporary credentials), with the SDK's settings for
    /// execute-api: double URI encoding, path normalisation, no content-sha256 header, the
    /// session token included.
    fn signed_headers<'a>(
        input: &SignInput<'a>,
        headers: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Result<Vec<(HeaderName, HeaderValue)>, String> {
        let signable =
            SignableRequest::new("POST", input.uri, headers, SignableBody::Precomputed(input.payload_sha256.clone()))
                .map_err(|e| format!("cannot sign: {e}"))?;
        let params = v4::SigningParams::builder()
            .identity(input.identity)
            .region(input.region)
            .name("execute-api")
            .time(input.time)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| format!("cannot sign: {e}"))?
            .into();
        let (instructions, _signature) = sign(signable, &params).map_err(|e| format!("cannot sign: {e}"))?.into_parts();
        let (headers, _query) = instructions.into_parts();
        headers
            .into_iter()
            .map(|h| {
                let name = HeaderName::from_bytes(h.name().as_bytes()).map_err(|e| e.to_string())?;
                let mut value = HeaderValue::from_str(h.value()).map_err(|e| e.to_string())?;
                value.set_sensitive(h.sensitive());
                Ok((name, value))
            })
            .collect()
    }

    #[test]
    fn errors_sort_by_status_then_type() {
        assert_eq!(classify_response(410, Some("GoneException"), br#"{"message":"x"}"#), ConnError::Gone);
        assert_eq!(classify_response(410, None, b""), ConnError::Gone);
        assert_eq!(
            classify_response(403, Some("ForbiddenException"), br#"{"message":"Forbidden"}"#),
            ConnError::Forbidden("ForbiddenException: Forbidden".into())
        );
        assert_eq!(classify_response(403, None, b"<html>"), ConnError::Forbidden("HTTP 403".into()));
        assert!(matches!(classify_response(429, Some("LimitExceededException"), b"{}"), ConnError::Throttled(_)));
        assert!(matches!(classify_response(429, Some("Unheard"), b"{}"), ConnError::Throttled(_)));
        assert!(matches!(classify_response(429, None, b""), ConnError::Throttled(_)));
        assert_eq!(classify_response(413, Some("PayloadTooLargeException"), b""), ConnError::PayloadTooLarge);
        assert!(matches!(classify_response(502, None, b"bad gateway"), ConnError::Transient(_)));
        assert_eq!(
            classify_response(500, None, br#"{"__type":"InternalServerErrorException","message":"boom"}"#),
            ConnError::Transient("InternalServerErrorException: boom".into()),
            "the type from the body"
        );
        assert!(matches!(classify_response(400, Some("BadRequestException"), b"{}"), ConnError::Other(_)));
    }

    #[test]
    fn endpoints_split_into_origin_path_and_host() {
        let u = Url::parse("https://abc.execute-api.eu-west-1.amazonaws.com/prod/").unwrap();
        assert_eq!(
            split_endpoint(&u).unwrap(),
            ("https://abc.execute-api.eu-west-1.amazonaws.com".into(), "/prod".into())
        );
        let u = Url::parse("http://127.0.0.1:4510/apis/x1/prod").unwrap();
        assert_eq!(split_endpoint(&u).unwrap(), ("http://127.0.0.1:4510".into(), "/apis/x1/prod".into()));
        let u = Url::parse("https://ws.example.com:443/chat/").unwrap();
        assert_eq!(split_endpoint(&u).unwrap(), ("https://ws.example.com".into(), "/chat".into()));
    }

    /// The SDK's PostToConnection request, captured before it leaves the process.
    mod sdk {
        use aws_smithy_runtime_api::client::http::{
            HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
        };
        use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
        use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
        use aws_smithy_types::body::SdkBody;
        use std::sync::{Arc, Mutex};

        #[derive(Debug)]
        pub struct Captured {
            pub uri: String,
            pub headers: Vec<(String, String)>,
        }

        #[derive(Debug, Clone, Default)]
        pub struct Capture(pub Arc<Mutex<Vec<Captured>>>);

        impl HttpConnector for Capture {
            fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
                let headers = request.headers().iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
                self.0.lock().unwrap().push(Captured { uri: request.uri().to_string(), headers });
                HttpConnectorFuture::ready(Ok(HttpResponse::new(200.try_into().unwrap(), SdkBody::from("{}"))))
            }
        }

        impl HttpClient for Capture {
            fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
                SharedHttpConnector::new(self.clone())
            }
        }
    }

    /// For ids with every character a connection id can hold, with long-term and temporary
    /// credentials, at a fixed time: the SDK's request path is ours, and signing the SDK's
    /// own headers with our settings gives the SDK's Authorization header byte for byte.
    #[tokio::test]
    async fn signatures_are_the_sdks() {
        use aws_credential_types::Credentials;
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000);
        let endpoint = "https://abc123.execute-api.eu-west-1.amazonaws.com/prod";
        let (origin, base_path) = split_endpoint(&Url::parse(endpoint).unwrap()).unwrap();
        let data = br#"{"type":"notice","text":"maintenance at 03:00 UTC"}"#;
        for token in [None, Some("FQoGZXIvYXdzEJr//////////wEaDO+session=")] {
            let creds = Credentials::new(
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                token.map(String::from),
                None,
                "test",
            );
            let capture = sdk::Capture::default();
            let conf = aws_sdk_apigatewaymanagement::Config::builder()
                .behavior_version(aws_config::BehaviorVersion::latest())
                .region(aws_types::region::Region::new("eu-west-1"))
                .credentials_provider(creds.clone())
                .endpoint_url(endpoint)
                .time_source(aws_smithy_async::time::StaticTimeSource::new(time))
                .http_client(capture.clone())
                .build();
            let client = aws_sdk_apigatewaymanagement::Client::from_conf(conf);
            for id in ["L0SM9cOFvHcCIhw=", "a+b/c==", "Zm9v-YmFy_YmF6", "x"] {
                client
                    .post_to_connection()
                    .connection_id(id)
                    .data(aws_sdk_apigatewaymanagement::primitives::Blob::new(&data[..]))
                    .send()
                    .await
                    .unwrap();
                let got = capture.0.lock().unwrap().pop().unwrap();
                let path = format!("{base_path}/@connections/{}", utf8_percent_encode(id, LABEL));
                assert_eq!(got.uri, format!("{origin}{path}"), "{id}");
                let header = |name: &str| got.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
                // The headers the SDK signed (it adds amz-sdk-* after signing), less the ones
                // signing itself adds.
                let auth = header("authorization").unwrap();
                let signed_names = auth.split("SignedHeaders=").nth(1).unwrap().split(',').next().unwrap().to_string();
                let unsigned: Vec<(&str, &str)> = got
                    .headers
                    .iter()
                    .filter(|(k, _)| signed_names.split(';').any(|n| n == k))
                    .filter(|(k, _)| !matches!(k.as_str(), "x-amz-date" | "x-amz-security-token"))
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let identity = Identity::from(creds.clone());
                let input = SignInput {
                    uri: &got.uri,
                    payload_sha256: sha256_hex(data),
                    region: "eu-west-1",
                    identity: &identity,
                    time,
                };
                let ours = signed_headers(&input, unsigned.into_iter()).unwrap();
                let ours =
                    |name: &str| ours.iter().find(|(k, _)| k == name).map(|(_, v)| v.to_str().unwrap().to_string());
                assert!(header("authorization").is_some_and(|a| a.contains("/eu-west-1/execute-api/aws4_request")));
                // The headers we send and sign are the SDK's, with its values (Host comes from
                // the URI on both sides).
                assert_eq!(header("content-type").as_deref(), Some(OCTET_STREAM));
                assert_eq!(header("content-length"), Some(data.len().to_string()));
                for name in ["content-length", "content-type", "host"] {
                    assert!(signed_names.split(';').any(|n| n == name), "the SDK signs {name}");
                }
                for h in ["authorization", "x-amz-date", "x-amz-security-token"] {
                    assert_eq!(ours(h), header(h), "{h} for {id} (token: {token:?})");
                }
            }
        }
    }

    /// The fast signer gives what the general signer gives for our request, across days
    /// (the kept key), leap days, credential changes and session tokens.
    #[test]
    fn the_fast_signer_is_the_general_signer() {
        use aws_credential_types::Credentials;
        let endpoint = Url::parse("http://127.0.0.1:4510/apis/x1/prod").unwrap();
        let (origin, base_path) = split_endpoint(&endpoint).unwrap();
        let signer = Signer::new("us-east-1", "127.0.0.1:4510");
        let creds = [
            Credentials::new("AKID1", "secret/one+", None, None, "t"),
            Credentials::new("AKID2", "secret-two", Some("tok/en+=".into()), None, "t"),
        ];
        let times = [0u64, 951_782_400, 1_709_164_799, 1_709_164_800, 1_795_000_000, 1_795_000_001, 4_107_542_400];
        let payload = b"{}";
        for secs in times {
            for creds in &creds {
                for id in ["L0SM9cOFvHcCIhw=", "a+b/c==", "x"] {
                    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
                    let path = format!("{base_path}/@connections/{}", utf8_percent_encode(id, LABEL));
                    let uri = format!("{origin}{path}");
                    let (date, auth) = signer.sign(creds, &path, payload.len(), &sha256_hex(payload), time);
                    let identity = Identity::from(creds.clone());
                    let input = SignInput {
                        uri: &uri,
                        payload_sha256: sha256_hex(payload),
                        region: "us-east-1",
                        identity: &identity,
                        time,
                    };
                    let length = payload.len().to_string();
                    let headers = [("content-type", OCTET_STREAM), ("content-length", length.as_str())];
                    let general = signed_headers(&input, headers.into_iter()).unwrap();
                    let general =
                        |n: &str| general.iter().find(|(k, _)| k == n).map(|(_, v)| v.to_str().unwrap().to_string());
                    assert_eq!(Some(date), general("x-amz-date"), "{secs}");
                    assert_eq!(Some(auth), general("authorization"), "{secs} {id} {creds:?}");
                    assert_eq!(creds.session_token().map(String::from), general("x-amz-security-token"));
                }
            }
        }
    }

    /// Credentials are fetched again only near their expiry; a failed refresh keeps using
    /// ones that are still valid, and is a retryable error once they are not.
    #[tokio::test]
    async fn credentials_refresh_near_expiry_only() {
        use aws_credential_types::provider::{error::CredentialsError, future, ProvideCredentials};
        #[derive(Debug)]
        struct Script(std::sync::Mutex<Vec<Result<Credentials, ()>>>, std::sync::Arc<std::sync::atomic::AtomicU32>);
        impl ProvideCredentials for Script {
            fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
            where
                Self: 'a,
            {
                self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let next = self.0.lock().unwrap().remove(0);
                future::ProvideCredentials::ready(next.map_err(|_| CredentialsError::not_loaded("sso expired")))
            }
        }
        let at = |mins: u64| Some(SystemTime::now() + Duration::from_secs(mins * 60));
        let creds = |id: &str, exp| Credentials::new(id, "s", None, exp, "t");
        let counter = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let script = Script(std::sync::Mutex::new(vec![Ok(creds("B", at(60))), Err(()), Err(())]), counter.clone());
        let calls = || counter.load(std::sync::atomic::Ordering::SeqCst);
        let cache = CredentialsCache {
            provider: SharedCredentialsProvider::new(script),
            current: RwLock::new(creds("A", at(60))),
            refresh: tokio::sync::Mutex::new(()),
        };
        assert_eq!(cache.get().await.unwrap().access_key_id(), "A", "fresh: kept");
        assert_eq!(calls(), 0);
        *cache.current.write().unwrap() = creds("A", at(2));
        assert_eq!(cache.get().await.unwrap().access_key_id(), "B", "near expiry: refreshed");
        assert_eq!(calls(), 1);
        *cache.current.write().unwrap() = creds("B", at(2));
        assert_eq!(cache.get().await.unwrap().access_key_id(), "B", "refresh failed, still valid: kept");
        *cache.current.write().unwrap() = creds("B", Some(SystemTime::now() - Duration::from_secs(1)));
        assert!(matches!(cache.get().await, Err(ConnError::Transient(_))), "expired and no refresh");
        assert_eq!(calls(), 3);
    }

    /// The environment's proxy settings decide (each nextest test is its own process).
    #[test]
    fn proxies_come_from_the_environment() {
        let aws = Url::parse("https://abc.execute-api.eu-west-1.amazonaws.com/prod").unwrap();
        let local = Url::parse("http://127.0.0.1:4510/apis/x/prod").unwrap();
        for k in
            ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"]
        {
            std::env::remove_var(k);
        }
        assert!(!proxied(&aws) && !proxied(&local));
        std::env::set_var("HTTPS_PROXY", "http://proxy.corp:3128");
        std::env::set_var("NO_PROXY", "127.0.0.1,localhost");
        assert!(proxied(&aws), "https through the proxy");
        assert!(!proxied(&local), "NO_PROXY and no HTTP_PROXY");
        std::env::set_var("HTTP_PROXY", "http://proxy.corp:3128");
        assert!(!proxied(&local), "NO_PROXY wins");
        std::env::remove_var("NO_PROXY");
        assert!(proxied(&local));
    }

    /// Answers read against a scripted server: Content-Length, chunked and to-the-end bodies,
    /// an interim 100, `connection: close` (the next call on a new connection).
    #[tokio::test]
    async fn answers_are_read_in_every_framing() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = std::sync::Arc::new(Mutex::new(Vec::<String>::new()));
        let seen2 = seen.clone();
        // Each connection: (answers to give, then close?).
        let script: Vec<(Vec<&'static str>, bool)> = vec![
            (
                vec![
                    "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
                    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
                    "HTTP/1.1 410 Gone\r\nconnection: close\r\nx-amzn-ErrorType: GoneException:http://internal\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{\"mes\r\n10\r\nsage\":\"gone\"}   \r\n0\r\n\r\n",
                ],
                true,
            ),
            (vec!["HTTP/1.1 403 Forbidden\r\nconnection: close\r\n\r\n{\"message\":\"Forbidden\"}"], true),
            (vec!["HTTP/1.1 429 Too Many Requests\r\ncontent-length: 0\r\n\r\n"], false),
        ];
        tokio::spawn(async move {
            for (answers, close) in script {
                let (mut sock, _) = listener.accept().await.unwrap();
                let seen = seen2.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    for a in answers {
                        // Read one request: head, then its content-length body.
                        loop {
                            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                                let head = String::from_utf8_lossy(&buf[..end]).to_string();
                                let len: usize = head
                                    .lines()
                                    .find_map(|l| l.strip_prefix("content-length: "))
                                    .map(|v| v.parse().unwrap())
                                    .unwrap();
                                if buf.len() >= end + 4 + len {
                                    seen.lock().unwrap().push(head);
                                    buf.drain(..end + 4 + len);
                                    break;
                                }
                            }
                            let mut chunk = [0u8; 4096];
                            let n = sock.read(&mut chunk).await.unwrap();
                            assert!(n > 0, "client closed early");
                            buf.extend_from_slice(&chunk[..n]);
                        }
                        sock.write_all(a.as_bytes()).await.unwrap();
                    }
                    if close {
                        drop(sock);
                    } else {
                        std::future::pending::<()>().await;
                    }
                });
            }
        });
        let config = aws_config::SdkConfig::builder()
            .region(aws_types::region::Region::new("us-east-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new("AKID", "S", None, None, "t")))
            .build();
        let poster =
            DirectPoster::new(&config, &Url::parse(&format!("http://127.0.0.1:{port}/prod")).unwrap()).await.unwrap();
        assert_eq!(poster.post("a=", b"{}").await, Ok(()));
        assert_eq!(poster.post("b=", b"{}").await, Ok(()), "after an interim 100");
        assert_eq!(poster.post("c=", b"{}").await, Err(ConnError::Gone), "chunked, typed by x-amzn-ErrorType");
        // That connection was closed: the next call goes on a new one.
        assert_eq!(poster.post("d=", b"{}").await, Err(ConnError::Forbidden("Forbidden".into())), "body to the end");
        assert!(matches!(poster.post("e/+", b"{}").await, Err(ConnError::Throttled(_))));
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 5, "every request reached the server once: {seen:#?}");
        assert!(seen[4].starts_with("POST /prod/@connections/e%2F%2B HTTP/1.1\r\nhost: 127.0.0.1:"), "{}", seen[4]);
        for h in [
            "content-type: application/octet-stream",
            "content-length: 2",
            "x-amz-date: ",
            "authorization: AWS4-HMAC-SHA256 Credential=AKID/",
        ] {
            assert!(seen[0].contains(h), "{h}: {}", seen[0]);
        }
    }

    /// Reads one request (head and content-length body) from `sock`; `None` at the end.
    async fn read_request(sock: &mut tokio::net::TcpStream, buf: &mut Vec<u8>) -> Option<String> {
        use tokio::io::AsyncReadExt;
        loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).to_string();
                let len: usize =
                    head.lines().find_map(|l| l.strip_prefix("content-length: ")).map_or(0, |v| v.parse().unwrap());
                if buf.len() >= end + 4 + len {
                    buf.drain(..end + 4 + len);
                    return Some(head);
                }
            }
            let mut chunk = [0u8; 4096];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    }

    async fn poster_for(port: u16) -> DirectPoster {
        let config = aws_config::SdkConfig::builder()
            .region(aws_types::region::Region::new("us-east-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new("AKID", "S", None, None, "t")))
            .build();
        DirectPoster::new(&config, &Url::parse(&format!("http://127.0.0.1:{port}/prod")).unwrap()).await.unwrap()
    }

    /// A server that reads the request and closes without answering: the message may have been
    /// delivered, so the call is not re-sent, and says so.
    #[tokio::test]
    async fn a_request_without_an_answer_is_not_resent() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = requests.clone();
        tokio::spawn(async move {
            loop {
                let (mut sock, _) = listener.accept().await.unwrap();
                let mut buf = Vec::new();
                if read_request(&mut sock, &mut buf).await.is_some() {
                    counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                drop(sock);
            }
        });
        let poster = poster_for(port).await;
        let r = poster.post("a=", b"{}").await;
        assert!(matches!(r, Err(ConnError::MaybeDelivered(_))), "{r:?}");
        assert!(!r.unwrap_err().is_retryable());
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1, "sent once, never re-sent");
    }

    /// The server closes a kept-alive connection while it is idle: the next call goes through,
    /// once, on a new connection.
    #[tokio::test]
    async fn an_idle_connection_closed_by_the_server_is_replaced() {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let (closed_tx, closed_rx) = tokio::sync::oneshot::channel();
        let seen2 = seen.clone();
        tokio::spawn(async move {
            let mut closed_tx = Some(closed_tx);
            loop {
                let (mut sock, _) = listener.accept().await.unwrap();
                let mut buf = Vec::new();
                while let Some(head) = read_request(&mut sock, &mut buf).await {
                    seen2.lock().unwrap().push(head);
                    sock.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await.unwrap();
                    if let Some(tx) = closed_tx.take() {
                        // Answered, kept alive by the client, then closed while idle.
                        drop(sock);
                        let _ = tx.send(());
                        break;
                    }
                }
            }
        });
        let poster = poster_for(port).await;
        assert_eq!(poster.post("a=", b"{}").await, Ok(()));
        closed_rx.await.unwrap();
        // Let the client's connection task see the close (an I/O event, not a timer).
        for _ in 0..256 {
            tokio::task::yield_now().await;
        }
        assert_eq!(poster.post("b=", b"{}").await, Ok(()));
        assert_eq!(seen.lock().unwrap().len(), 2, "each request reached the server once");
    }

    /// A signature refused as expired: the clock is corrected from the server's Date and the
    /// call signed again, once; later calls use the corrected clock.
    #[tokio::test]
    async fn clock_skew_is_corrected_from_the_servers_date() {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let seen2 = seen.clone();
        // The server's clock is two hours ahead.
        let server_now = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(2);
        let date = jiff::fmt::rfc2822::DateTimePrinter::new().timestamp_to_rfc9110_string(&server_now).unwrap();
        tokio::spawn(async move {
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = Vec::new();
            let mut first = true;
            while let Some(head) = read_request(&mut sock, &mut buf).await {
                seen2.lock().unwrap().push(head);
                let answer = if std::mem::take(&mut first) {
                    let body = r#"{"message":"Signature expired: 20261130T000000Z is now earlier than 20261130T020000Z (20261130T021500Z - 15 min.)"}"#;
                    format!(
                        "HTTP/1.1 403 Forbidden\r\ndate: {date}\r\nx-amzn-ErrorType: InvalidSignatureException\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    )
                } else {
                    format!("HTTP/1.1 200 OK\r\ndate: {date}\r\ncontent-length: 0\r\n\r\n")
                };
                sock.write_all(answer.as_bytes()).await.unwrap();
            }
        });
        let poster = poster_for(port).await;
        assert_eq!(poster.post("a=", b"{}").await, Ok(()));
        assert_eq!(poster.post("b=", b"{}").await, Ok(()));
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 3, "refused, signed again, then the next call: {seen:#?}");
        let hour = |head: &str| {
            let d = head.lines().find_map(|l| l.strip_prefix("x-amz-date: ")).unwrap().to_string();
            d[9..11].parse::<i64>().unwrap()
        };
        let ahead = (hour(&seen[1]) - hour(&seen[0])).rem_euclid(24);
        assert_eq!(ahead, 2, "signed with the server's clock: {seen:#?}");
        assert_eq!(hour(&seen[2]), hour(&seen[1]), "and kept");
    }
}
