//! The open-files budget: a held connection is a file descriptor.

use wsadm_core::Error;

/// File descriptors kept for everything but the connections (stdio, epoll, the resolver …).
const RESERVED_FDS: u64 = 32;

/// Raises the soft open-files limit to the hard one; returns (soft, hard).
pub fn raise_nofile() -> (u64, u64) {
    #[cfg(unix)]
    unsafe {
        let mut r = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut r) == 0 {
            if r.rlim_cur < r.rlim_max {
                let want = libc::rlimit { rlim_cur: r.rlim_max, rlim_max: r.rlim_max };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &want) == 0 {
                    r.rlim_cur = r.rlim_max;
                }
            }
            #[allow(clippy::unnecessary_cast)] // rlim_t is not u64 everywhere
            return (r.rlim_cur as u64, r.rlim_max as u64);
        }
    }
    (u64::MAX, u64::MAX)
}

/// Refuses more connections than the process may open files for.
pub fn check_fd_budget(connections: usize, soft: u64, hard: u64) -> Result<(), Error> {
    let budget = soft.saturating_sub(RESERVED_FDS);
    if connections as u64 > budget {
        return Err(Error::invalid(
            format!(
                "cannot hold {connections} connections: this process may have at most {soft} open files (RLIMIT_NOFILE, hard limit {hard}), {RESERVED_FDS} of them kept for other uses"
            ),
            format!(
                "use --connections {budget} or fewer, raise the hard limit (ulimit -Hn, limits.conf, systemd LimitNOFILE), or run several loadtest processes"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wsadm_core::ErrorKind;

    #[test]
    fn the_open_files_budget() {
        assert!(check_fd_budget(15_000, 20_000, 20_000).is_ok());
        let e = check_fd_budget(25_000, 20_000, 20_000).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Usage);
        assert!(e.to_string().contains("20000"), "{e}");
        assert!(e.hint().unwrap().contains("--connections 19968"));
        let (soft, hard) = raise_nofile();
        assert_eq!(soft, hard, "the soft limit is raised to the hard one");
    }
}
