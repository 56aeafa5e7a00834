//! `wsadm alarms`' engine: the recommended CloudWatch alarms of a stage ([`recommend`]), compared
//! field by field with what CloudWatch holds ([`plan`]), created, updated and deleted only when
//! they carry wsadm's tag ([`cloudwatch`]).
//!
//! Every alarm is named `wsadm/API_ID/STAGE/KEY` and tagged `wsadm:alarms=API_ID/STAGE`; an alarm
//! with such a name but without the tag is someone else's and is never changed.

pub mod cloudwatch;
pub mod plan;
pub mod recommend;

pub use plan::{plan, Action, Change, PlanItem};
pub use recommend::{recommend, AlarmSpec, Options};

/// The tag on every alarm wsadm makes; its value is `API_ID/STAGE`.
pub const TAG: &str = "wsadm:alarms";

/// The names of a stage's alarms start with this.
pub fn prefix(api_id: &str, stage: &str) -> String {
    format!("wsadm/{api_id}/{stage}/")
}

pub fn tag_value(api_id: &str, stage: &str) -> String {
    format!("{api_id}/{stage}")
}
