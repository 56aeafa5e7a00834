//! Which wsadm built a function's code: provision writes it into the function's description
//! ("...; handlers from wsadm 0.1.0"), and `apis show` and audit read it back.

/// This wsadm's version (the workspace's one version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// What precedes the version in a description.
pub const MARK: &str = "handlers from wsadm ";

/// The version named in a function's description, if provision wrote one.
pub fn built_by(description: &str) -> Option<&str> {
    let rest = &description[description.rfind(MARK)? + MARK.len()..];
    let v = rest.split(|c: char| c.is_whitespace() || c == ';' || c == ')').next()?;
    v.chars().next().filter(char::is_ascii_digit).map(|_| v)
}

/// Whether version `v` is older than `than` (numeric, dot by dot; a pre-release suffix is
/// older than its release).
pub fn is_older(v: &str, than: &str) -> bool {
    fn parts(v: &str) -> (Vec<u64>, bool) {
        let (core, pre) = match v.split_once('-') {
            Some((c, _)) => (c, true),
            None => (v, false),
        };
        (core.split('.').map(|p| p.parse().unwrap_or(0)).collect(), pre)
    }
    let ((a, a_pre), (b, b_pre)) = (parts(v), parts(than));
    let n = a.len().max(b.len());
    let pad = |x: &Vec<u64>| (0..n).map(|i| x.get(i).copied().unwrap_or(0)).collect::<Vec<_>>();
    match pad(&a).cmp(&pad(&b)) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Greater => false,
        std::cmp::Ordering::Equal => a_pre && !b_pre,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_descriptions() {
        assert_eq!(built_by("wsadm stack chat: $connect; handlers from wsadm 0.1.0"), Some("0.1.0"));
        assert_eq!(built_by("handlers from wsadm 1.2.3-rc.1; more"), Some("1.2.3-rc.1"));
        assert_eq!(built_by("wsadm stack chat: $connect; handlers from --handler-zip"), None);
        assert_eq!(built_by("wsadm stack chat: $connect"), None);
        assert_eq!(built_by(""), None);
    }

    #[test]
    fn versions_compare_numerically() {
        assert!(is_older("0.1.0", "0.2.0"));
        assert!(is_older("0.9.0", "0.10.0"));
        assert!(is_older("1.0.0-rc.1", "1.0.0"));
        assert!(is_older("1.0", "1.0.1"));
        assert!(!is_older("0.1.0", "0.1.0"));
        assert!(!is_older("0.2.0", "0.1.9"));
        assert!(!is_older("1.0.0", "1.0.0-rc.1"));
    }
}
