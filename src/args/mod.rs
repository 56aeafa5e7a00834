//! Argument types shared by the command line (`cli.rs`) and the commands that take them: both
//! import these, never each other.

pub mod alarms;
pub mod audit;
pub mod auth;
pub mod client;
pub mod duration;
pub mod loadtest;
pub mod local;
pub mod logs;
pub mod metrics;
pub mod sessions;
