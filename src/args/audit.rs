//! The options of `wsadm audit`.

use clap::{Args, ValueEnum};
use std::path::PathBuf;
use wsadm_core::audit::Severity;

/// A document for CI instead of the report (`-o` still chooses table or JSON for the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// SARIF 2.1.0 (GitHub code scanning: upload with github/codeql-action/upload-sarif)
    Sarif,
    /// JUnit XML (one test case per check and API; a failure per finding at or above --fail-on)
    Junit,
}

fn severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Audit every WebSocket API in the region, every stage (instead of --api/--stage)
    #[arg(long)]
    pub all: bool,

    /// Exit with code 3 when a finding at or above this severity is found (critical, high,
    /// medium, low, info); 6 when none is but a check could not run
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = severity)]
    pub fail_on: Severity,

    /// Suppress a check (ID, e.g. WS-LOG-003) or a check on one resource (ID:RESOURCE, the
    /// resource's name or ARN); repeatable. Suppressed findings are listed, not hidden
    #[arg(long, value_name = "ID[:RESOURCE]")]
    pub ignore: Vec<String>,

    /// File of ignore rules: `ID[:RESOURCE] reason` per line (# comments)
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<PathBuf>,

    /// Session records to sample for WS-DATA-004 (stale records): one bounded Scan, then
    /// GetConnection for each on the stage (given, or the API's only one); 0 skips the check
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub stale_sample: u32,
    /// Read the HS256 secrets the functions name (secretsmanager:GetSecretValue) to check their
    /// length (WS-AUTH-007); the values are never printed or kept
    #[arg(long)]
    pub read_secrets: bool,

    /// Print a SARIF 2.1.0 or JUnit XML document instead of the report
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<AuditFormat>,
}
