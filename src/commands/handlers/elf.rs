//! What an executable needs to run as a Lambda `bootstrap` on the provided.al2023 runtime:
//! a Linux ELF for the function's architecture, needing no newer glibc than Amazon Linux 2023's.

use object::read::elf::{ElfFile64, FileHeader};
use object::{Endianness, Object};

/// The glibc of Amazon Linux 2023, the provided.al2023 runtime's base.
pub const AL2023_GLIBC: (u32, u32) = (2, 34);

pub use wsadm_core::arch::Arch;
use wsadm_core::arch::{classify, Bootstrap};

/// Why an executable cannot be a `bootstrap` for the runtime.
#[derive(Debug, PartialEq, Eq)]
pub enum Unfit {
    NotLinuxElf,
    WrongArch { is: String, wanted: Arch },
    Glibc { needs: (u32, u32) },
}

impl std::fmt::Display for Unfit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unfit::NotLinuxElf => write!(f, "it is not a 64-bit Linux executable"),
            Unfit::WrongArch { is, wanted } => write!(f, "it is built for {is}, not {}", wanted.name()),
            Unfit::Glibc { needs: (a, b) } => write!(
                f,
                "it needs glibc {a}.{b}, newer than the {}.{} of Lambda's provided.al2023 runtime",
                AL2023_GLIBC.0, AL2023_GLIBC.1
            ),
        }
    }
}

/// Checks that `exe` can run as `arch`'s bootstrap on provided.al2023.
pub fn check_bootstrap(exe: &[u8], arch: Arch) -> Result<(), Unfit> {
    let file = ElfFile64::<Endianness>::parse(exe).map_err(|_| Unfit::NotLinuxElf)?;
    let is = match classify(exe) {
        Bootstrap::Elf(Some(is)) => is,
        _ => return Err(Unfit::WrongArch { is: format!("{:?}", file.architecture()), wanted: arch }),
    };
    if is != arch {
        return Err(Unfit::WrongArch { is: is.name().into(), wanted: arch });
    }
    match newest_glibc(&file) {
        Some(v) if v > AL2023_GLIBC => Err(Unfit::Glibc { needs: v }),
        _ => Ok(()),
    }
}

/// The newest `GLIBC_x.y` symbol version the executable asks for (none: static, or no glibc).
fn newest_glibc(file: &ElfFile64<Endianness>) -> Option<(u32, u32)> {
    let endian = file.endian();
    let data = file.data();
    let sections = file.elf_header().sections(endian, data).ok()?;
    let (mut needs, link) = sections.gnu_verneed(endian, data).ok()??;
    let strings = sections.strings(endian, data, link).ok()?;
    let mut newest = None;
    while let Ok(Some((_, mut aux))) = needs.next() {
        while let Ok(Some(a)) = aux.next() {
            let Ok(name) = a.name(endian, strings) else { continue };
            if let Some(v) = std::str::from_utf8(name).ok().and_then(glibc_version) {
                newest = newest.max(Some(v));
            }
        }
    }
    newest
}

/// `GLIBC_2.34` -> (2, 34); `GLIBC_PRIVATE` and others -> None.
fn glibc_version(name: &str) -> Option<(u32, u32)> {
    let mut parts = name.strip_prefix("GLIBC_")?.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glibc_versions_parse() {
        assert_eq!(glibc_version("GLIBC_2.34"), Some((2, 34)));
        assert_eq!(glibc_version("GLIBC_2.2.5"), Some((2, 2)));
        assert_eq!(glibc_version("GLIBC_2"), Some((2, 0)));
        assert_eq!(glibc_version("GLIBC_PRIVATE"), None);
        assert_eq!(glibc_version("GCC_3.0"), None);
        assert!((2, 39) > AL2023_GLIBC && (2, 9) < AL2023_GLIBC);
    }

    #[test]
    fn this_test_binary_is_checked() {
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let Some(host) = Arch::host().filter(|_| cfg!(target_os = "linux")) else { return };
        let other = if host == Arch::X86_64 { Arch::Arm64 } else { Arch::X86_64 };
        assert!(matches!(check_bootstrap(&exe, other), Err(Unfit::WrongArch { .. })));
        // Built on this machine: the verdict depends only on its glibc requirement.
        match check_bootstrap(&exe, host) {
            Ok(()) => {}
            Err(Unfit::Glibc { needs }) => assert!(needs > AL2023_GLIBC),
            Err(e) => panic!("unexpected: {e}"),
        }
    }

    #[test]
    fn not_elf() {
        assert_eq!(check_bootstrap(b"#!/bin/sh\necho hi\n", Arch::X86_64), Err(Unfit::NotLinuxElf));
        assert_eq!(check_bootstrap(b"", Arch::Arm64), Err(Unfit::NotLinuxElf));
    }
}
