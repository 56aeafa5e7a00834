//! The chat stack's Lambda handlers, prebuilt for the architecture in this crate's name: the
//! zip `wsadm provision` uploads when nothing else was given, so an installed wsadm deploys
//! working handlers for x86_64 and arm64 from any machine, with no toolchain. (One crate per
//! architecture: together they would pass crates.io's 10 MiB.)
//!
//! `scripts/build-bootstraps` makes the zip before the crates are packaged (cargo-lambda: the
//! `wsadm-handler` crate of the same version, linked for the glibc of Lambda's provided.al2023).
//! A checkout without it embeds nothing, and wsadm falls back to other sources.

/// The `bootstrap` zip, when this build embeds it.
#[cfg(has_bootstrap)]
pub const ZIP: Option<&[u8]> = Some(include_bytes!("../bootstrap.zip"));
/// The `bootstrap` zip, when this build embeds it.
#[cfg(not(has_bootstrap))]
pub const ZIP: Option<&[u8]> = None;
