//! The loopback guard: with `WSADM_LOOPBACK_ONLY` set (tests, benchmarks, the demo),
//! every endpoint must be on 127.0.0.0/8, ::1 or a name under `localhost` (which wsadm resolves
//! to 127.0.0.1 itself, see [`crate::localhost`]), so nothing can reach real AWS.

use crate::Error;
use url::{Host, Url};

/// Environment variable that turns the guard on.
pub const LOOPBACK_ONLY_ENV: &str = "WSADM_LOOPBACK_ONLY";

/// True when the guard is on in this process.
pub fn loopback_only() -> bool {
    std::env::var_os(LOOPBACK_ONLY_ENV).is_some_and(|v| !v.is_empty() && v != "0")
}

/// True when `url` points at a loopback address.
pub fn is_loopback(url: &str) -> bool {
    match Url::parse(url) {
        Ok(u) => match u.host() {
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            // RFC 6761: names under localhost are loopback; wsadm resolves them itself.
            Some(Host::Domain(d)) => crate::localhost::is_localhost(d),
            None => false,
        },
        Err(_) => false,
    }
}

/// Refuses `url` when it is not loopback.
pub fn check(url: &str) -> Result<(), Error> {
    if is_loopback(url) {
        Ok(())
    } else {
        Err(Error::NotLoopback(url.to_string()))
    }
}

/// Checks the endpoints a process would use: the explicit one and every `AWS_ENDPOINT_URL*`
/// variable. With no endpoint at all the SDK would call AWS itself, so that is refused too.
pub fn check_process_endpoints(explicit: Option<&str>) -> Result<(), Error> {
    let mut any = false;
    if let Some(u) = explicit {
        check(u)?;
        any = true;
    }
    for (k, v) in std::env::vars() {
        if k.starts_with("AWS_ENDPOINT_URL") && !v.is_empty() {
            check(&v)?;
            if k == "AWS_ENDPOINT_URL" {
                any = true;
            }
        }
    }
    if any {
        Ok(())
    } else {
        Err(Error::NotLoopback("(the AWS regional endpoint)".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_addresses() {
        assert!(is_loopback("http://127.0.0.1:4566"));
        assert!(is_loopback("http://127.9.8.7"));
        assert!(is_loopback("http://[::1]:80/x"));
        assert!(is_loopback("ws://localhost:1/prod"));
        assert!(is_loopback("https://chat.localhost:4510/v1"));
        assert!(!is_loopback("https://chat.localhost.example.com/v1"));
        assert!(!is_loopback("https://abc.execute-api.us-east-1.amazonaws.com/prod"));
        assert!(!is_loopback("http://10.0.0.1"));
        assert!(!is_loopback("http://169.254.169.254"));
        assert!(!is_loopback("not a url"));
    }
}
