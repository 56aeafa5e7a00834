//! `wsadm logs`' engine: a stage's log groups (access, execution, Lambda) discovered, read,
//! parsed, correlated by request and connection, filtered, merged, followed, summarized and traced.
//!
//! The CLI's path: [`groups::discover`] → [`fetch::Fetcher::fetch`] (or [`follow::Follow::poll`])
//! → [`correlate::Correlator::apply`] → [`filter::Filter::matches`] → print, [`summary::summarize`]
//! or [`trace::trace`].

pub mod access;
pub mod correlate;
pub mod event;
pub mod execution;
pub mod fetch;
pub mod filter;
pub mod follow;
pub mod groups;
pub mod lambda;
pub mod merge;
pub mod summary;
pub mod time;
pub mod trace;

pub use access::AccessFormat;
pub use correlate::Correlator;
pub use event::{Kind, LambdaReport, LogEvent, Parser, Source};
pub use fetch::{FetchOptions, FetchResult, Fetcher, GroupQuery};
pub use filter::{Filter, StatusMatch};
pub use follow::Follow;
pub use groups::{discover, Finding, LogGroup, StageLogs};
pub use summary::{summarize, Summary};
pub use trace::{trace, Trace};

/// Lines longer than this are kept raw and not parsed (AWS caps an event at 256 KB, access lines at 3 KB).
pub const MAX_PARSE_BYTES: usize = 256 * 1024;
