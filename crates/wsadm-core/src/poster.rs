//! PostToConnection for fan-out: keep-alive HTTP/1.1 connections and SigV4 per call, without
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
use bytes::{Bytes, BytesMut};
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
type Stream = hyper_util::rt::TokioIo<hyper_rustls::MaybeHttpsStream<hyper_util::rt::TokioIo<tokio::net::TcpStream>>>;

/// One keep-alive HTTP/1.1 connection (TCP, or TLS over it), with its read buffer.
struct Conn {
    io: Stream,
    buf: BytesMut,
}

/// What came back, and whether the connection may carry another request.
struct Answer {
    status: u16,
    error_type: Option<String>,
    body: Bytes,
    reusable: bool,
}

/// Why a call on a connection failed.
enum ConnFailure {
    /// Closed before any byte of an answer: on a kept-alive connection, the server had closed it
    /// while idle, and a fresh connection may be tried.
    ClosedBeforeAnswer(String),
    Other(String),
}

/// Largest answer head read.
const MAX_HEAD: usize = 16 * 1024;

impl Conn {
    /// Reads more of the answer; the end of the stream here means it was cut short.
    async fn fill(&mut self) -> Result<(), ConnFailure> {
        use tokio::io::AsyncReadExt;
        match self.io.read_buf(&mut self.buf).await {
            Ok(0) => Err(ConnFailure::Other("the answer was cut short".into())),
            Ok(_) => Ok(()),
            Err(e) => Err(ConnFailure::Other(e.to_string())),
        }
    }

    /// Writes one request and reads its answer. The request is a POST with a Content-Length (no
    /// 100-continue); the answer is read by Content-Length, chunked, or to the end.
    async fn call(&mut self, request: &[u8]) -> Result<Answer, ConnFailure> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        self.io.write_all(request).await.map_err(|e| ConnFailure::ClosedBeforeAnswer(e.to_string()))?;
        // Over TLS the end of the request can wait in the TLS buffer when the socket was full:
        // without a flush the server never sees it and the call hangs until the read timeout.
        self.io.flush().await.map_err(|e| ConnFailure::ClosedBeforeAnswer(e.to_string()))?;
        self.buf.clear();
        let (status, error_type, mut reusable, length, chunked) = loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut resp = httparse::Response::new(&mut headers);
            match resp.parse(&self.buf) {
                Ok(httparse::Status::Complete(n)) => {
                    let status = resp.code.unwrap_or(0);
                    let (mut error_type, mut length, mut chunked) = (None, None, false);
                    let mut reusable = resp.version == Some(1);
                    for h in resp.headers.iter() {
                        let value = std::str::from_utf8(h.value).unwrap_or("").trim();
                        if h.name.eq_ignore_ascii_case("content-length") {
                            length = value.parse::<usize>().ok();
                        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                            chunked = value.to_ascii_lowercase().contains("chunked");
                        } else if h.name.eq_ignore_ascii_case("connection") {
                            reusable &= !value.eq_ignore_ascii_case("close");
                        } else if h.name.eq_ignore_ascii_case("x-amzn-errortype") {
                            error_type = Some(value.split(':').next().unwrap_or(value).to_string());
                        }
                    }
                    let _ = self.buf.split_to(n);
                    if (100..200).contains(&status) {
                        continue; // an interim answer: read on
                    }
                    break (status, error_type, reusable, length, chunked);
                }
                Ok(httparse::Status::Partial) if self.buf.len() < MAX_HEAD => {
                    match self.io.read_buf(&mut self.buf).await {
                        Ok(0) if self.buf.is_empty() => {
                            return Err(ConnFailure::ClosedBeforeAnswer("closed by the server".into()))
                        }
                        Err(e) if self.buf.is_empty() => return Err(ConnFailure::ClosedBeforeAnswer(e.to_string())),
                        Ok(0) => return Err(ConnFailure::Other("the answer was cut short".into())),
                        Ok(_) => {}
                        Err(e) => return Err(ConnFailure::Other(e.to_string())),
                    }
                }
                Ok(httparse::Status::Partial) => return Err(ConnFailure::Other("answer head too large".into())),
                Err(e) => return Err(ConnFailure::Other(format!("not an HTTP answer: {e}"))),
            }
        };
        let too_large = || ConnFailure::Other("answer body too large".into());
        let body = if chunked {
            let mut body = BytesMut::new();
            loop {
                match httparse::parse_chunk_size(&self.buf) {
                    Ok(httparse::Status::Complete((n, size))) => {
                        let size = usize::try_from(size).ok().filter(|s| *s <= MAX_ERROR_BODY).ok_or_else(too_large)?;
                        // Size line, data, CRLF (after the last, empty chunk: the final CRLF).
                        while self.buf.len() < n + size + 2 {
                            self.fill().await?;
                        }
                        let chunk = self.buf.split_to(n + size + 2);
                        if size == 0 {
                            break;
                        }
                        body.extend_from_slice(&chunk[n..n + size]);
                        if body.len() > MAX_ERROR_BODY {
                            return Err(too_large());
                        }
                    }
                    Ok(httparse::Status::Partial) => self.fill().await?,
                    Err(_) => return Err(ConnFailure::Other("bad chunked answer".into())),
                }
            }
            body.freeze()
        } else if let Some(n) = length {
            if n > MAX_ERROR_BODY {
                return Err(too_large());
            }
            while self.buf.len() < n {
                self.fill().await?;
            }
            self.buf.split_to(n).freeze()
        } else if status == 204 || status == 304 {
            Bytes::new()
        } else {
            // No length: the body runs to the end of the connection.
            reusable = false;
            while self.buf.len() <= MAX_ERROR_BODY {
                match self.io.read_buf(&mut self.buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
            self.buf.split().freeze()
        };
        // Anything after the answer means the stream is out of step.
        reusable &= self.buf.is_empty();
        Ok(Answer { status, error_type, body, reusable })
    }
}

/// Keep-alive HTTP/1.1 connections to the one endpoint: a call takes an idle one or opens one,
/// and gives it back after reading the answer. Each call does its own reads and writes (no task
/// per connection, no channels, no header maps): the CPU a call costs is what limits a broadcast.
struct Pool {
    connector: Connector,
    origin: hyper::Uri,
    idle: Mutex<Vec<Conn>>,
}

impl Pool {
    async fn connect(&self) -> Result<Conn, ConnError> {
        use tower_service::Service;
        let io =
            self.connector.clone().call(self.origin.clone()).await.map_err(|e| {
                ConnError::Transient(format!("cannot connect to {}: {}", self.origin, chain(e.as_ref())))
            })?;
        Ok(Conn { io: hyper_util::rt::TokioIo::new(io), buf: BytesMut::with_capacity(4096) })
    }

    /// Sends `request` on an idle connection, or a new one; a kept-alive connection that turns
    /// out closed is replaced once.
    async fn send(&self, request: &[u8]) -> Result<Answer, ConnError> {
        let idle = self.idle.lock().expect("not poisoned").pop();
        if let Some(mut conn) = idle {
            match conn.call(request).await {
                Ok(a) => return Ok(self.keep(conn, a)),
                Err(ConnFailure::ClosedBeforeAnswer(_)) => {}
                Err(ConnFailure::Other(e)) => return Err(ConnError::Transient(e)),
            }
        }
        let mut conn = self.connect().await?;
        match conn.call(request).await {
            Ok(a) => Ok(self.keep(conn, a)),
            Err(ConnFailure::ClosedBeforeAnswer(e) | ConnFailure::Other(e)) => Err(ConnError::Transient(e)),
        }
    }

    fn keep(&self, conn: Conn, answer: Answer) -> Answer {
        if answer.reusable {
            self.idle.lock().expect("not poisoned").push(conn);
        }
        answer
    }
}

/// Sends PostToConnection calls to one stage's management endpoint.
pub struct DirectPoster {
    pool: Pool,
    /// The endpoint's path (`/prod`, or `/apis/ID/prod` locally), without a trailing slash.
    base_path: String,
    user_agent: &'static str,
    timeout: Duration,
    credentials: CredentialsCache,
    signer: Signer,
    /// The last payload and its SHA-256 (a broadcast sends one payload many times).
    payload: Mutex<Option<(Bytes, String)>>,
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
        let pool = Pool {
            connector: https,
            origin: origin.parse().map_err(|e| Error::invalid(format!("`{origin}`: {e}"), "check the endpoint"))?,
            idle: Mutex::new(Vec::new()),
        };
        Ok(DirectPoster {
            pool,
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
        let (amz_date, authorization) = self.signer.sign(&credentials, &path, body.len(), &hash, SystemTime::now());
        // The request as it goes on the wire: origin-form path, and the Host that was signed.
        let mut request = Vec::with_capacity(512 + path.len() + authorization.len() + body.len());
        {
            use std::io::Write;
            let _ = write!(
                request,
                "POST {path} HTTP/1.1\r\nhost: {}\r\nuser-agent: {}\r\ncontent-type: {OCTET_STREAM}\r\ncontent-length: {}\r\nx-amz-date: {amz_date}\r\nauthorization: {authorization}\r\n",
                self.signer.host,
                self.user_agent,
                body.len()
            );
            if let Some(token) = credentials.session_token() {
                let _ = write!(request, "x-amz-security-token: {token}\r\n");
            }
            request.extend_from_slice(b"\r\n");
            request.extend_from_slice(&body);
        }
        let call = async {
            let answer = self.pool.send(&request).await?;
            if (200..300).contains(&answer.status) {
                Ok(())
            } else {
                Err(classify_response(answer.status, answer.error_type.as_deref(), &answer.body))
            }
        };
        match tokio::time::timeout(self.timeout, call).await {
            Ok(r) => r,
            Err(_) => Err(ConnError::Transient(format!("no answer within {:?}", self.timeout))),
        }
    }
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

    /// The HTTP/1.1 reader against a scripted server: Content-Length, chunked and to-the-end
    /// bodies, an interim 100, `connection: close`, and a kept-alive connection that the server
    /// closed while idle (replaced once, the request not lost).
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
                    "HTTP/1.1 410 Gone\r\nx-amzn-ErrorType: GoneException:http://internal\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{\"mes\r\n10\r\nsage\":\"gone\"}   \r\n0\r\n\r\n",
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
        // The server closed that kept-alive connection: the next call goes on a new one.
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
}
