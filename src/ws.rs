//! WebSocket plumbing shared by `wsadm client` and `wsadm loadtest`: the upgrade request (token
//! in the query string or a header, extra headers), connecting from a chosen local address,
//! what close codes and refused upgrades mean, reconnect backoff with full jitter, and durations
//! for people. Everything here but [`connect`] is pure and unit-tested.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::{self, HeaderName, HeaderValue};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use url::Url;
use wsadm_core::{Error, ErrorKind};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Where the token goes in the upgrade request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TokenIn {
    /// `?token=…` (what browsers can do; the chat authorizer reads it)
    Query,
    /// `Authorization: Bearer …`
    Header,
}

/// Where a token comes from. Files and variables are read again on every (re)connect, so a
/// token refreshed by another process is picked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    None,
    Literal(String),
    Env(String),
    File(PathBuf),
}

impl TokenSource {
    pub fn from_args(token: Option<String>, env: Option<String>, file: Option<PathBuf>) -> Result<Self, Error> {
        match (token, env, file) {
            (None, None, None) => Ok(TokenSource::None),
            (Some(t), None, None) => Ok(TokenSource::Literal(t)),
            (None, Some(v), None) => Ok(TokenSource::Env(v)),
            (None, None, Some(f)) => Ok(TokenSource::File(f)),
            _ => Err(Error::invalid(
                "give one of --token, --token-env, --token-file",
                "--token-file or --token-env keep the token out of the process list",
            )),
        }
    }

    /// The token, read now.
    pub fn read(&self) -> Result<Option<String>, Error> {
        match self {
            TokenSource::None => Ok(None),
            TokenSource::Literal(t) => Ok(Some(t.trim().to_string())),
            TokenSource::Env(v) => match std::env::var(v) {
                Ok(t) if !t.trim().is_empty() => Ok(Some(t.trim().to_string())),
                _ => Err(Error::invalid(format!("--token-env {v}: the variable is not set"), format!("export {v}=…"))),
            },
            TokenSource::File(f) => {
                let text = std::fs::read_to_string(f).map_err(|source| Error::Io {
                    context: format!("cannot read --token-file {}", f.display()),
                    source,
                })?;
                tokens_in(&text).into_iter().next().map(Some).ok_or_else(|| {
                    Error::invalid(
                        format!("--token-file {} has no token", f.display()),
                        "put the token on the first line",
                    )
                })
            }
        }
    }
}

/// The tokens in a token file: one per line; blank lines and `#` comments are skipped.
pub fn tokens_in(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_string).collect()
}

/// `--header 'K: V'` (or `K:V`).
pub fn parse_header(s: &str) -> Result<(String, String), String> {
    let (k, v) = s.split_once(':').ok_or_else(|| format!("`{s}` is not NAME:VALUE"))?;
    let (k, v) = (k.trim(), v.trim());
    HeaderName::from_bytes(k.as_bytes()).map_err(|_| format!("`{k}` is not a valid header name"))?;
    HeaderValue::from_str(v).map_err(|_| format!("the value of `{k}` is not a valid header value"))?;
    Ok((k.to_string(), v.to_string()))
}

/// The WebSocket URL: `ws://` or `wss://` (an `http(s)://` API endpoint is accepted and converted).
pub fn parse_url(s: &str) -> Result<Url, Error> {
    let hint = "a URL like wss://ID.execute-api.REGION.amazonaws.com/STAGE, or --api/--stage";
    let mut u = Url::parse(s).map_err(|e| Error::invalid(format!("`{s}` is not a URL: {e}"), hint))?;
    let scheme = match u.scheme() {
        "ws" | "http" => "ws",
        "wss" | "https" => "wss",
        other => return Err(Error::invalid(format!("`{s}`: unsupported scheme {other}"), hint)),
    };
    if u.scheme() != scheme {
        // http(s) -> ws(s) is allowed by the url crate (both are special schemes).
        let _ = u.set_scheme(scheme);
    }
    if u.host_str().is_none() {
        return Err(Error::invalid(format!("`{s}` has no host"), hint));
    }
    Ok(u)
}

/// The URL as shown to people: the token query parameter is masked.
pub fn redact(u: &Url) -> String {
    if !u.query_pairs().any(|(k, _)| k == "token") {
        return u.to_string();
    }
    let mut c = u.clone();
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| (k.to_string(), if k == "token" { "***".to_string() } else { v.to_string() }))
        .collect();
    c.query_pairs_mut().clear().extend_pairs(pairs);
    c.to_string().replace("token=%2A%2A%2A", "token=***")
}

/// The upgrade request: the token in the query string or an `Authorization` header, extra
/// query parameters (`room=` for the chat handler's join-on-connect), headers, user agent.
pub fn build_request(
    url: &Url,
    token: Option<&str>,
    token_in: TokenIn,
    query: &[(&str, &str)],
    headers: &[(String, String)],
    user_agent: &str,
) -> Result<http::Request<()>, Error> {
    let mut u = url.clone();
    {
        let extra: Vec<(&str, &str)> =
            query.iter().copied().chain(token.filter(|_| token_in == TokenIn::Query).map(|t| ("token", t))).collect();
        if !extra.is_empty() {
            u.query_pairs_mut().extend_pairs(extra);
        }
    }
    let mut req = u.as_str().into_client_request().map_err(|e| {
        Error::invalid(format!("cannot make a WebSocket request for {}: {e}", redact(url)), "check the URL")
    })?;
    let h = req.headers_mut();
    if let Ok(v) = HeaderValue::from_str(user_agent) {
        h.insert(http::header::USER_AGENT, v);
    }
    if let (Some(t), TokenIn::Header) = (token, token_in) {
        let v = HeaderValue::from_str(&format!("Bearer {t}"))
            .map_err(|_| Error::invalid("the token has characters a header cannot carry", "check the token"))?;
        h.insert(http::header::AUTHORIZATION, v);
    }
    for (k, v) in headers {
        let (Ok(name), Ok(value)) = (HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_str(v)) else {
            return Err(Error::invalid(format!("bad header `{k}`"), "--header NAME:VALUE"));
        };
        h.append(name, value);
    }
    Ok(req)
}

/// Small buffers: a held connection should cost a few KB (the read buffer grows if needed).
pub fn ws_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_message_size(Some(1 << 20))
        .max_frame_size(Some(1 << 20))
}

/// Why an upgrade did not happen.
#[derive(Debug)]
pub enum ConnectError {
    /// The server answered the upgrade with an HTTP status (401, 403, 429, 5xx …).
    Http {
        status: u16,
        body: String,
    },
    Timeout,
    Io(std::io::Error),
    /// TLS, protocol or URL errors.
    Ws(String),
}

impl ConnectError {
    /// A short label for counting errors: `http 429`, `timeout`, `connection refused` …
    pub fn label(&self) -> String {
        match self {
            ConnectError::Http { status, .. } => format!("http {status}"),
            ConnectError::Timeout => "timeout".into(),
            ConnectError::Io(e) => match e.raw_os_error() {
                Some(libc::EMFILE) | Some(libc::ENFILE) => "too many open files".into(),
                Some(libc::EADDRNOTAVAIL) => "no free local port".into(),
                _ => match e.kind() {
                    std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
                    std::io::ErrorKind::ConnectionReset => "connection reset".into(),
                    k => format!("io: {k}"),
                },
            },
            ConnectError::Ws(m) => m.split(':').next().unwrap_or(m).trim().to_string(),
        }
    }

    /// Worth another attempt later (network trouble, throttling, server errors)?
    pub fn retryable(&self) -> bool {
        match self {
            ConnectError::Http { status, .. } => upgrade_retryable(*status),
            ConnectError::Timeout | ConnectError::Io(_) => true,
            ConnectError::Ws(_) => false,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            ConnectError::Http { status, body } => {
                let body = body.trim();
                let said = if body.is_empty() || body.len() > 200 { String::new() } else { format!(" (\"{body}\")") };
                format!("upgrade refused with HTTP {status}{said}: {}", http_meaning(*status))
            }
            ConnectError::Timeout => "the WebSocket handshake timed out".into(),
            ConnectError::Io(e) => format!("cannot connect: {e}"),
            ConnectError::Ws(m) => format!("WebSocket handshake failed: {m}"),
        }
    }

    /// The error a command ends with when it does not (or no longer) retry.
    pub fn into_error(self, url: &Url) -> Error {
        let msg = format!("{}: {}", redact(url), self.describe());
        match &self {
            ConnectError::Http { status: 401 | 403, .. } => Error::other(
                ErrorKind::Auth,
                format!("{msg}; not reconnecting"),
                "check the token (--token/--token-env/--token-file, --token-in query|header), that it has not expired, and the URL's stage",
            ),
            ConnectError::Http { status: 404, .. } => {
                Error::other(ErrorKind::Usage, msg, "the URL is the API endpoint + / + stage (see `wsadm apis show`)")
            }
            e @ (ConnectError::Ws(_) | ConnectError::Io(_)) if wsadm_core::tls::is_certificate_error(&e.describe()) => {
                Error::other(ErrorKind::Failure, msg, wsadm_core::tls::UNTRUSTED_HINT)
            }
            _ => Error::other(
                ErrorKind::Failure,
                msg,
                "check the URL and that the endpoint is up (for the local stack: `wsadm local`)",
            ),
        }
    }
}

/// What an HTTP status refusing the upgrade means on API Gateway.
pub fn http_meaning(status: u16) -> &'static str {
    match status {
        400 => "bad request: the upgrade request or a query parameter was rejected",
        401 => "unauthorized: the token is missing, expired or invalid (the authorizer said no)",
        403 => "forbidden: the authorizer denied the connection, or the API or stage does not exist",
        404 => "not found: check the URL (the API endpoint + / + stage)",
        408 => "request timeout",
        409 => "conflict: the $connect route refused the connection",
        410 => "gone",
        429 => "too many requests: over the new-connection rate (500/s per account and region) or a per-user connection cap",
        500 => "internal server error: the authorizer or the $connect integration failed",
        502 => "bad gateway: the $connect integration returned an invalid response",
        503 => "service unavailable",
        504 => "gateway timeout: the authorizer or $connect integration took too long",
        _ if (400..500).contains(&status) => "the request was refused",
        _ if (500..600).contains(&status) => "server error",
        _ => "unexpected status",
    }
}

/// Only throttling and server errors are worth retrying; 401/403 never are (a new attempt with
/// the same token gets the same answer, and hammering an authorizer helps no one).
pub fn upgrade_retryable(status: u16) -> bool {
    matches!(status, 408 | 429 | 500..=599)
}

/// What a close code means, in words.
pub fn close_meaning(code: u16) -> &'static str {
    match code {
        1000 => "normal closure",
        1001 => "going away (on API Gateway: the 10-minute idle timeout or the 2-hour maximum)",
        1002 => "protocol error",
        1003 => "unsupported data",
        1005 => "no status code",
        1006 => "abnormal closure: the connection dropped without a close frame",
        1007 => "invalid payload data",
        1008 => "policy violation",
        1009 => "message too big (API Gateway: 32 KB frames, 128 KB messages)",
        1010 => "mandatory extension missing",
        1011 => "internal server error",
        1012 => "service restart",
        1013 => "try again later",
        1014 => "bad gateway",
        1015 => "TLS handshake failure",
        3000 => "unauthorized",
        3003 => "forbidden",
        _ if (3000..4000).contains(&code) => "registered by a library or framework",
        _ if (4000..5000).contains(&code) => "application-defined",
        _ => "unknown close code",
    }
}

/// `1001 going away (…) "Going away"`.
pub fn describe_close(code: u16, reason: &str) -> String {
    let mut s = format!("{code} {}", close_meaning(code));
    if !reason.is_empty() {
        s.push_str(&format!(": \"{reason}\""));
    }
    s
}

/// Whether the client reconnects after the server closed with `code`. It does after anything
/// the server or the network did (a kick with 1000, 1001 at the idle timeout or the 2-hour
/// limit, 1006 drops, 1011-1014), except codes that say this client is not welcome or broke
/// the protocol: reconnecting would only repeat them.
pub fn reconnect_after_close(code: u16) -> bool {
    !matches!(code, 1002 | 1003 | 1007 | 1008 | 1010 | 3000 | 3003 | 4001 | 4003 | 4401 | 4403)
}

/// Reconnect timing: exponential backoff with full jitter.
#[derive(Debug, Clone, PartialEq)]
pub struct BackoffPolicy {
    pub base: Duration,
    pub cap: Duration,
    /// Consecutive failed attempts before giving up; 0 = never give up.
    pub max_attempts: u32,
    /// A connection that stayed up this long resets the count (a flapping one does not).
    pub stable_after: Duration,
}

impl Default for BackoffPolicy {
    fn default() -> Self {
        BackoffPolicy {
            base: Duration::from_millis(500),
            cap: Duration::from_secs(30),
            max_attempts: 10,
            stable_after: Duration::from_secs(30),
        }
    }
}

/// The reconnect state: pure, driven by the caller's clock (`now`) and random numbers in [0, 1).
#[derive(Debug, Clone)]
pub struct Backoff {
    pub policy: BackoffPolicy,
    attempt: u32,
    up_since: Option<Instant>,
}

impl Backoff {
    pub fn new(policy: BackoffPolicy) -> Self {
        Backoff { policy, attempt: 0, up_since: None }
    }

    /// Consecutive failures so far.
    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// A connection opened at `now`.
    pub fn connected(&mut self, now: Instant) {
        self.up_since = Some(now);
    }

    /// The upper bound of the next delay: `min(cap, base * 2^attempts)`.
    pub fn ceiling(&self) -> Duration {
        let factor = 2u32.saturating_pow(self.attempt.min(31));
        self.policy.base.saturating_mul(factor).min(self.policy.cap)
    }

    /// The connection was lost (or an attempt failed) at `now`: the delay before the next
    /// attempt, uniform in [0, ceiling) ("full jitter"), or None when the attempts are used up.
    pub fn failed(&mut self, now: Instant, random: f64) -> Option<Duration> {
        if let Some(since) = self.up_since.take() {
            if now.saturating_duration_since(since) >= self.policy.stable_after {
                self.attempt = 0;
            }
        }
        if self.policy.max_attempts > 0 && self.attempt >= self.policy.max_attempts {
            return None;
        }
        let delay = self.ceiling().mul_f64(random.clamp(0.0, 1.0));
        self.attempt += 1;
        Some(delay)
    }
}

/// `1.2s`, `350ms`, `2m05s`: a duration for people.
pub fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.1}s", d.as_secs_f64())
    } else if ms < 3_600_000 {
        format!("{}m{:02}s", ms / 60_000, (ms / 1000) % 60)
    } else {
        format!("{}h{:02}m", ms / 3_600_000, (ms / 60_000) % 60)
    }
}

/// The local address connection `index` is made from: on loopback (IPv4) connections are spread
/// over 127.0.0.1 … 127.0.0.`spread`, each address with its own ephemeral ports, so one
/// address's ~28,000 ports do not cap the count. None: let the kernel choose.
pub fn source_ip(target: IpAddr, index: usize, spread: u8) -> Option<IpAddr> {
    match target {
        IpAddr::V4(ip) if ip.is_loopback() && spread > 1 => {
            Some(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1 + (index % spread as usize) as u8)))
        }
        _ => None,
    }
}

/// The socket address of the URL's host (first answer of the resolver; names under
/// `localhost`, such as a local custom domain, are 127.0.0.1 without DNS).
pub async fn resolve(url: &Url) -> Result<SocketAddr, Error> {
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    let addrs = wsadm_core::localhost::lookup(&host)
        .await
        .map_err(|source| Error::Io { context: format!("cannot resolve {host}"), source })?;
    let ip =
        addrs.into_iter().next().ok_or_else(|| Error::invalid(format!("{host} has no address"), "check the URL"))?;
    Ok(SocketAddr::new(ip, port))
}

/// TCP connect to `addr` (from `source` when given), then the WebSocket handshake (TLS for
/// wss://), all within `timeout`.
pub async fn connect(
    request: http::Request<()>,
    addr: SocketAddr,
    source: Option<IpAddr>,
    timeout: Duration,
) -> Result<Ws, ConnectError> {
    let attempt = async {
        let socket =
            if addr.is_ipv4() { TcpSocket::new_v4() } else { TcpSocket::new_v6() }.map_err(ConnectError::Io)?;
        if let Some(ip) = source {
            socket.bind(SocketAddr::new(ip, 0)).map_err(ConnectError::Io)?;
        }
        let stream = socket.connect(addr).await.map_err(ConnectError::Io)?;
        let _ = stream.set_nodelay(true);
        // AWS_CA_BUNDLE (or the profile's ca_bundle) replaces the default roots, as for AWS calls.
        let connector = match wsadm_core::tls::bundle() {
            Ok(Some(b)) => Some(tokio_tungstenite::Connector::Rustls(
                b.client_config(false).map_err(|e| ConnectError::Ws(e.to_string()))?,
            )),
            Ok(None) => None,
            Err(e) => return Err(ConnectError::Ws(e.to_string())),
        };
        match tokio_tungstenite::client_async_tls_with_config(request, stream, Some(ws_config()), connector).await {
            Ok((ws, _)) => Ok(ws),
            Err(e) => Err(handshake_error(e)),
        }
    };
    match tokio::time::timeout(timeout, attempt).await {
        Ok(r) => r,
        Err(_) => Err(ConnectError::Timeout),
    }
}

fn handshake_error(e: tokio_tungstenite::tungstenite::Error) -> ConnectError {
    use tokio_tungstenite::tungstenite::Error as E;
    match e {
        E::Http(resp) => {
            let body = resp.body().as_ref().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
            ConnectError::Http { status: resp.status().as_u16(), body }
        }
        E::Io(e) => ConnectError::Io(e),
        e => ConnectError::Ws(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_the_cap_with_full_jitter_on_a_fake_clock() {
        let policy = BackoffPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
            max_attempts: 6,
            stable_after: Duration::from_secs(30),
        };
        let mut b = Backoff::new(policy);
        let t0 = Instant::now();
        // The largest draw shows the ceilings: 100, 200, 400, 800, 1000 (cap), 1000 ms.
        let just_under_one = 1.0 - f64::EPSILON;
        let mut now = t0;
        let mut ceilings = Vec::new();
        for _ in 0..6 {
            let d = b.failed(now, just_under_one).expect("attempts left");
            ceilings.push(d.as_millis());
            now += d;
        }
        assert_eq!(ceilings, vec![100, 200, 400, 800, 1000, 1000]);
        // The seventh consecutive failure gives up.
        assert_eq!(b.failed(now, 0.5), None);
        // Full jitter: the draw scales the ceiling (0 is a valid delay).
        let mut b = Backoff::new(BackoffPolicy { max_attempts: 0, ..b.policy.clone() });
        assert_eq!(b.failed(t0, 0.0), Some(Duration::ZERO));
        assert_eq!(b.failed(t0, 0.5), Some(Duration::from_millis(100)));
        assert_eq!(b.failed(t0, 0.25), Some(Duration::from_millis(100)));
        // Unlimited attempts never give up and stay at the cap.
        for _ in 0..100 {
            assert!(b.failed(t0, 0.999).unwrap() <= Duration::from_secs(1));
        }
    }

    #[test]
    fn a_stable_connection_resets_the_backoff_and_a_flapping_one_does_not() {
        let policy = BackoffPolicy {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(10),
            max_attempts: 0,
            stable_after: Duration::from_secs(30),
        };
        let mut b = Backoff::new(policy);
        let t0 = Instant::now();
        b.failed(t0, 0.5);
        b.failed(t0, 0.5);
        assert_eq!(b.attempts(), 2);
        // Up for 5 s, then dropped: still backing off (ceiling 400 ms).
        b.connected(t0 + Duration::from_secs(1));
        assert_eq!(b.failed(t0 + Duration::from_secs(6), 0.5), Some(Duration::from_millis(200)));
        assert_eq!(b.attempts(), 3);
        // Up for 30 s: the next drop starts over at the base.
        b.connected(t0 + Duration::from_secs(10));
        assert_eq!(b.failed(t0 + Duration::from_secs(40), 0.5), Some(Duration::from_millis(50)));
        assert_eq!(b.attempts(), 1);
    }

    #[test]
    fn huge_attempt_counts_do_not_overflow() {
        let mut b = Backoff::new(BackoffPolicy {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
            max_attempts: 0,
            stable_after: Duration::from_secs(1),
        });
        let t = Instant::now();
        for _ in 0..200 {
            assert!(b.failed(t, 0.99).unwrap() < Duration::from_secs(60));
        }
    }

    #[test]
    fn close_codes_in_words() {
        assert_eq!(close_meaning(1000), "normal closure");
        assert!(close_meaning(1001).starts_with("going away"));
        assert!(close_meaning(1006).starts_with("abnormal"));
        assert!(close_meaning(1009).starts_with("message too big"));
        assert_eq!(close_meaning(1011), "internal server error");
        assert_eq!(close_meaning(4321), "application-defined");
        assert_eq!(describe_close(1001, "Going away"), format!("1001 {}: \"Going away\"", close_meaning(1001)));
        assert_eq!(describe_close(1000, ""), "1000 normal closure");
    }

    #[test]
    fn which_closes_and_refusals_reconnect() {
        for code in [1000, 1001, 1005, 1006, 1009, 1011, 1012, 1013, 4000] {
            assert!(reconnect_after_close(code), "{code}");
        }
        for code in [1002, 1003, 1007, 1008, 3000, 3003, 4401, 4403] {
            assert!(!reconnect_after_close(code), "{code}");
        }
        for status in [429, 500, 502, 503, 504] {
            assert!(upgrade_retryable(status), "{status}");
        }
        for status in [400, 401, 403, 404] {
            assert!(!upgrade_retryable(status), "{status}");
        }
        let e = ConnectError::Http { status: 401, body: "Unauthorized".into() };
        assert!(!e.retryable());
        assert_eq!(e.label(), "http 401");
        let err = e.into_error(&Url::parse("ws://127.0.0.1:1/apis/a/prod?token=secret").unwrap());
        assert_eq!(err.kind(), ErrorKind::Auth);
        let msg = err.to_string();
        assert!(msg.contains("401") && msg.contains("unauthorized") && msg.contains("not reconnecting"), "{msg}");
        assert!(!msg.contains("secret"), "{msg}");
        assert_eq!(
            ConnectError::Http { status: 403, body: String::new() }.into_error(&parse_url("ws://h/x").unwrap()).kind(),
            ErrorKind::Auth
        );
        assert!(ConnectError::Timeout.retryable());
    }

    #[test]
    fn requests_carry_the_token_where_asked() {
        let u = parse_url("ws://127.0.0.1:4510/apis/abc/prod").unwrap();
        let hs = vec![("X-Trace".to_string(), "1".to_string())];
        let r = build_request(&u, Some("t.o.k"), TokenIn::Query, &[("room", "lobby")], &hs, "wsadm/test").unwrap();
        assert_eq!(r.uri().to_string(), "ws://127.0.0.1:4510/apis/abc/prod?room=lobby&token=t.o.k");
        assert_eq!(r.headers()["x-trace"], "1");
        assert_eq!(r.headers()["user-agent"], "wsadm/test");
        assert!(r.headers().get("authorization").is_none());
        let r = build_request(&u, Some("t.o.k"), TokenIn::Header, &[], &[], "wsadm/test").unwrap();
        assert_eq!(r.uri().to_string(), "ws://127.0.0.1:4510/apis/abc/prod");
        assert_eq!(r.headers()["authorization"], "Bearer t.o.k");
        let r = build_request(&u, None, TokenIn::Query, &[], &[], "wsadm/test").unwrap();
        assert_eq!(r.uri().query(), None);
    }

    #[test]
    fn urls_headers_and_tokens() {
        assert_eq!(parse_url("https://abc.execute-api.eu-west-1.amazonaws.com/prod").unwrap().scheme(), "wss");
        assert_eq!(parse_url("http://127.0.0.1:1/apis/a/dev").unwrap().scheme(), "ws");
        assert!(parse_url("ftp://x/y").is_err());
        assert!(parse_url("nope").is_err());
        let u = Url::parse("ws://h/apis/a/prod?room=x&token=abc.def").unwrap();
        assert_eq!(redact(&u), "ws://h/apis/a/prod?room=x&token=***");
        assert_eq!(parse_header("X-Api-Key: abc:def").unwrap(), ("X-Api-Key".into(), "abc:def".into()));
        assert!(parse_header("no colon").is_err());
        assert!(parse_header("bad name: v").is_err());
        assert_eq!(tokens_in("a\n\n # comment\n b \n"), vec!["a", "b"]);
        assert!(TokenSource::from_args(Some("a".into()), Some("B".into()), None).is_err());
        assert_eq!(TokenSource::from_args(None, None, None).unwrap(), TokenSource::None);
        assert_eq!(TokenSource::Literal(" t \n".into()).read().unwrap().as_deref(), Some("t"));
        let dir = std::env::temp_dir().join(format!("wsadm-ws-test-{}", std::process::id()));
        std::fs::write(&dir, "\n# rotated hourly\nfirst\nsecond\n").unwrap();
        assert_eq!(TokenSource::File(dir.clone()).read().unwrap().as_deref(), Some("first"));
        std::fs::remove_file(&dir).unwrap();
        assert!(TokenSource::Env("WSADM_TEST_SURELY_UNSET_VAR".into()).read().is_err());
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_duration(Duration::from_millis(350)), "350ms");
        assert_eq!(human_duration(Duration::from_millis(1250)), "1.2s");
        assert_eq!(human_duration(Duration::from_secs(125)), "2m05s");
    }

    #[tokio::test]
    async fn local_custom_domains_resolve_to_loopback_without_dns() {
        let a = resolve(&parse_url("ws://chat.localhost:4510/v1").unwrap()).await.unwrap();
        assert_eq!(a, "127.0.0.1:4510".parse().unwrap());
        let a = resolve(&parse_url("wss://127.0.0.1/prod").unwrap()).await.unwrap();
        assert_eq!(a, "127.0.0.1:443".parse().unwrap());
    }

    #[test]
    fn loopback_connections_are_spread_over_source_addresses() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        let ips: Vec<_> = (0..10).map(|i| source_ip(lo, i, 4).unwrap().to_string()).collect();
        assert_eq!(ips[..5], ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.1"]);
        assert_eq!(source_ip(lo, 3, 1), None);
        assert_eq!(source_ip("10.0.0.1".parse().unwrap(), 3, 8), None);
        assert_eq!(source_ip("::1".parse().unwrap(), 3, 8), None);
        // 255 addresses at most: 127.0.0.1 .. 127.0.0.255.
        assert_eq!(source_ip(lo, 254, 255).unwrap().to_string(), "127.0.0.255");
    }
}
