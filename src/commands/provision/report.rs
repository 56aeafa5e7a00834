//! What provision and destroy report: one step per resource, the summary, the outputs, and how it reads.

use crate::output::{cell, Block, Report};
use serde::Serialize;
use wsadm_core::target::TAG_STACK;
use wsadm_core::{Error, ErrorKind};

/// What happens (or happened) to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Unchanged,
    Delete,
    /// destroy: it was not there (already deleted)
    Gone,
    /// destroy: a resource with the stack's name that is not tagged as the stack's; left alone
    Skipped,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Delete => "delete",
            Action::Gone => "gone",
            Action::Skipped => "skipped",
        }
    }
}

/// One field that differs: its current and its desired value (`None`: not set / not there).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub field: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub kind: &'static str,
    pub name: String,
    pub id: Option<String>,
    pub action: Action,
    pub changes: Vec<Change>,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub delete: usize,
    pub unchanged: usize,
}

pub(super) fn summarize(steps: &[Step]) -> Summary {
    let mut s = Summary::default();
    for st in steps {
        match st.action {
            Action::Create => s.create += 1,
            Action::Update => s.update += 1,
            Action::Delete => s.delete += 1,
            Action::Unchanged | Action::Gone | Action::Skipped => s.unchanged += 1,
        }
    }
    s
}

/// Where the stack can be reached and what it is made of.
#[derive(Debug, Default, Serialize)]
pub struct Outputs {
    pub api_id: Option<String>,
    pub wss_url: Option<String>,
    pub management_endpoint: Option<String>,
    pub table: String,
    pub role: String,
    pub functions: Vec<String>,
    pub log_groups: Vec<String>,
    /// The Secrets Manager secret holding the HS256 key (never its value).
    pub jwt_secret_arn: Option<String>,
    /// Where clients put the token on $connect (`--token-in`), with a JWT authorizer.
    pub token_in: Option<String>,
    /// Where the functions' code came from, and the wsadm version that built it (when known).
    pub handlers: String,
    pub handlers_version: Option<String>,
}

/// Why a run stopped, with what to do about it (the same fields as wsadm's JSON errors).
#[derive(Debug, Serialize)]
pub struct Failure {
    pub kind: ErrorKind,
    pub exit_code: i32,
    pub message: String,
    pub causes: Vec<String>,
    pub hint: Option<String>,
}

impl Failure {
    pub(super) fn from_error(e: &Error) -> Self {
        let mut causes: Vec<String> = Vec::new();
        let mut src = std::error::Error::source(e);
        while let Some(c) = src {
            let m = c.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
            if !m.is_empty() && !causes.contains(&m) {
                causes.push(m);
            }
            src = c.source();
        }
        Failure { kind: e.kind(), exit_code: e.kind().exit_code(), message: e.to_string(), causes, hint: e.hint() }
    }

    fn blocks(&self, what: &str, trailer: &str) -> Block {
        let mut text = format!("error: {what} stopped: {}", self.message);
        for c in &self.causes {
            text.push_str(": ");
            text.push_str(c);
        }
        text.push('\n');
        if let Some(h) = &self.hint {
            text.push_str(&format!("hint: {h}\n"));
        }
        text.push_str(trailer);
        text.push('\n');
        Block::Raw(text)
    }
}

#[derive(Debug, Serialize)]
pub struct ProvisionReport {
    pub stack: String,
    pub stage: String,
    pub region: String,
    pub account: Option<String>,
    pub dry_run: bool,
    /// Nothing differed (and so nothing was, or would be, changed).
    pub up_to_date: bool,
    pub summary: Summary,
    pub resources: Vec<Step>,
    pub outputs: Outputs,
    pub warnings: Vec<String>,
    /// Set when the run stopped halfway: `resources` is what was done until then.
    pub error: Option<Failure>,
}

/// How a client sends its token, as the stack was provisioned.
fn token_in_help(t: &str) -> String {
    match t {
        "query" => "query: ?token=JWT".into(),
        "header" => "header: Authorization: Bearer JWT".into(),
        "both" => "both: ?token=JWT or Authorization: Bearer JWT".into(),
        other => other.into(),
    }
}

fn changes_cell(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "-".into();
    }
    changes
        .iter()
        .map(|c| {
            format!("{}: {} -> {}", c.field, c.from.as_deref().unwrap_or("(none)"), c.to.as_deref().unwrap_or("(none)"))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn steps_table(steps: &[Step], with_changes: bool) -> Block {
    let mut header = vec!["KIND".to_string(), "NAME".into(), "ACTION".into()];
    if with_changes {
        header.push("CHANGES".into());
    }
    Block::Table {
        title: None,
        header,
        rows: steps
            .iter()
            .map(|s| {
                let mut row = vec![s.kind.to_string(), s.name.clone(), s.action.as_str().to_string()];
                if with_changes {
                    row.push(changes_cell(&s.changes));
                }
                row
            })
            .collect(),
        empty: "No resources.".into(),
    }
}

impl Report for ProvisionReport {
    fn view(&self) -> Vec<Block> {
        let s = &self.summary;
        let headline = if self.error.is_some() {
            format!("Stack {} (stage {}): provision did not finish", self.stack, self.stage)
        } else if self.up_to_date {
            format!("Stack {} (stage {}) is up to date: nothing to change.", self.stack, self.stage)
        } else if self.dry_run {
            format!(
                "Plan for stack {} (stage {}): {} to create, {} to update, {} to delete, {} unchanged (dry run: nothing was changed)",
                self.stack, self.stage, s.create, s.update, s.delete, s.unchanged
            )
        } else {
            format!(
                "Stack {} (stage {}): {} created, {} updated, {} deleted, {} unchanged",
                self.stack, self.stage, s.create, s.update, s.delete, s.unchanged
            )
        };
        let mut blocks = vec![Block::Raw(format!("{headline}\n")), steps_table(&self.resources, true)];
        let o = &self.outputs;
        if !self.dry_run && self.error.is_none() {
            blocks.push(Block::Fields {
                title: Some("Stack".into()),
                rows: vec![
                    ("WebSocket URL".into(), cell(o.wss_url.as_deref())),
                    ("Management endpoint".into(), cell(o.management_endpoint.as_deref())),
                    ("API id".into(), cell(o.api_id.as_deref())),
                    ("Session table".into(), o.table.clone()),
                    ("Role".into(), o.role.clone()),
                    ("Functions".into(), o.functions.join(", ")),
                    ("Handlers' code".into(), o.handlers.clone()),
                    ("Log groups".into(), o.log_groups.join(", ")),
                ]
                .into_iter()
                .chain(o.jwt_secret_arn.as_ref().map(|a| ("JWT secret".to_string(), a.clone())))
                .chain(o.token_in.as_ref().map(|t| ("Token in".to_string(), token_in_help(t))))
                .collect(),
            });
        }
        if !self.warnings.is_empty() {
            blocks.push(Block::Raw(self.warnings.iter().map(|w| format!("warning: {w}\n")).collect()));
        }
        if let Some(f) = &self.error {
            blocks.push(if self.dry_run {
                f.blocks("the dry run", "The plan above is as far as it got; nothing was changed.")
            } else {
                f.blocks(
                    "provision",
                    "The resources above are what exists now; run the same command again to converge.",
                )
            });
        }
        blocks
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        self.error.as_ref().map(|f| f.kind)
    }
}

#[derive(Debug, Serialize)]
pub struct DestroyReport {
    pub stack: String,
    pub region: String,
    pub dry_run: bool,
    /// Nothing of the stack was found.
    pub nothing_to_destroy: bool,
    pub resources: Vec<Step>,
    pub warnings: Vec<String>,
    pub error: Option<Failure>,
}

impl Report for DestroyReport {
    fn view(&self) -> Vec<Block> {
        let deleted = self.resources.iter().filter(|s| s.action == Action::Delete).count();
        let gone = self.resources.iter().filter(|s| s.action == Action::Gone).count();
        let headline = if self.error.is_some() {
            format!("Stack {}: destroy did not finish", self.stack)
        } else if self.nothing_to_destroy {
            format!(
                "Stack {}: nothing to destroy (no resource tagged {TAG_STACK}={} was found).",
                self.stack, self.stack
            )
        } else if self.dry_run {
            format!("Stack {}: {deleted} resource(s) would be deleted (dry run: nothing was changed)", self.stack)
        } else {
            format!("Stack {} destroyed: {deleted} deleted, {gone} already gone", self.stack)
        };
        let mut blocks = vec![Block::Raw(format!("{headline}\n"))];
        if !self.resources.is_empty() {
            blocks.push(steps_table(&self.resources, false));
        }
        if !self.warnings.is_empty() {
            blocks.push(Block::Raw(self.warnings.iter().map(|w| format!("warning: {w}\n")).collect()));
        }
        if let Some(f) = &self.error {
            blocks.push(f.blocks(
                "destroy",
                "The resources above are what was deleted; run the same command again to delete the rest.",
            ));
        }
        blocks
    }

    fn exit_kind(&self) -> Option<ErrorKind> {
        self.error.as_ref().map(|f| f.kind)
    }
}
