//! `wsadm audit`'s engine: facts about an API gathered once ([`gather`]), checks as data
//! ([`check::Check`]: id, title, severity, scope, and a pure function over the facts), findings
//! with their evidence and fix, and ignore rules.
//!
//! Checks by area: [`auth`], [`throttle`], [`logging`], [`backend`].

pub mod auth;
pub mod backend;
pub mod check;
pub mod facts;
pub mod finding;
pub mod gather;
pub mod ignore;
pub mod logging;
pub mod policy;
pub mod resource;
pub mod throttle;

pub use check::{Check, Hit, Scope};
pub use facts::Facts;
pub use finding::{Finding, Resource, Severity, Status};
pub use gather::gather;
pub use ignore::IgnoreRule;

/// Every check, in the order they are reported.
pub fn checks() -> Vec<&'static Check> {
    auth::CHECKS.iter().chain(throttle::CHECKS).chain(logging::CHECKS).chain(backend::CHECKS).collect()
}

/// Runs every check over the facts of one API.
pub fn run(facts: &Facts) -> Vec<Finding> {
    checks().into_iter().flat_map(|c| c.findings(facts)).collect()
}

#[cfg(test)]
mod tests;
