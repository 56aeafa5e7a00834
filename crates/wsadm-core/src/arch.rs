//! The CPU architectures Lambda offers, and what a `bootstrap` executable is built for, read
//! from its ELF header: the emulator reads it from the first bytes of an uploaded zip's entry
//! (which may be truncated), `wsadm handlers` and provision from a whole executable.

/// The CPU architectures Lambda offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    X86_64,
    Arm64,
}

impl Arch {
    /// This machine's, when it is one Lambda has.
    pub fn host() -> Option<Arch> {
        match std::env::consts::ARCH {
            "x86_64" => Some(Arch::X86_64),
            "aarch64" => Some(Arch::Arm64),
            _ => None,
        }
    }

    /// From a function's `Architectures` (absent means x86_64, as in Lambda).
    pub fn of_function(name: Option<&str>) -> Arch {
        match name {
            Some("arm64") => Arch::Arm64,
            _ => Arch::X86_64,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }
}

/// What a zip's `bootstrap` is, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bootstrap {
    /// An ELF executable; `None`: for a machine Lambda does not have.
    Elf(Option<Arch>),
    /// `#!`: the kernel runs its interpreter.
    Script,
    /// Neither: the kernel will refuse it.
    Unknown,
}

/// Classifies a bootstrap by its head (the first 20 bytes are enough).
pub fn classify(head: &[u8]) -> Bootstrap {
    if head.starts_with(b"#!") {
        return Bootstrap::Script;
    }
    if !head.starts_with(b"\x7fELF") || head.len() < 20 {
        return Bootstrap::Unknown;
    }
    // e_machine at offset 18, in the byte order EI_DATA (offset 5) names.
    let machine = match head[5] {
        1 => u16::from_le_bytes([head[18], head[19]]),
        2 => u16::from_be_bytes([head[18], head[19]]),
        _ => return Bootstrap::Unknown,
    };
    Bootstrap::Elf(match machine {
        62 => Some(Arch::X86_64),
        183 => Some(Arch::Arm64),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bootstraps_are_classified_by_their_head() {
        let mut elf = vec![0u8; 64];
        elf[..4].copy_from_slice(b"\x7fELF");
        elf[5] = 1;
        elf[18] = 62;
        assert_eq!(classify(&elf), Bootstrap::Elf(Some(Arch::X86_64)));
        elf[18] = 183;
        assert_eq!(classify(&elf), Bootstrap::Elf(Some(Arch::Arm64)));
        elf[18] = 40; // 32-bit ARM
        assert_eq!(classify(&elf), Bootstrap::Elf(None));
        assert_eq!(classify(b"#!/bin/sh\n"), Bootstrap::Script);
        assert_eq!(classify(b"PK\x03\x04"), Bootstrap::Unknown);
        assert_eq!(classify(b"\x7fELF"), Bootstrap::Unknown);
        // This test binary is an ELF for this machine.
        let me = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        assert_eq!(classify(&me[..20]), Bootstrap::Elf(Arch::host()));
    }
}
