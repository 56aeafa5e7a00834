//! The one printer. Commands return reports; this renders them as a table for people
//! (fitted to the terminal), or as JSON / JSONL for scripts. Errors are rendered here too.

use clap::ValueEnum;
use serde::Serialize;
use std::io::{IsTerminal, Write};
use tabled::builder::Builder;
use tabled::settings::peaker::Priority;
use tabled::settings::{Style, Width};
use wsadm_core::{Error, ErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns for people
    Table,
    /// One JSON document
    Json,
    /// One JSON object per line (ndjson), for streaming and jq
    #[value(alias = "ndjson")]
    Jsonl,
}

/// A piece of the human view of a report.
pub enum Block {
    /// Key/value lines under an optional title.
    Fields { title: Option<String>, rows: Vec<(String, String)> },
    /// A table under an optional title; `empty` is shown when there are no rows.
    Table { title: Option<String>, header: Vec<String>, rows: Vec<Vec<String>>, empty: String },
    /// Text printed as it is (completion scripts, notes).
    Raw(String),
}

/// What a command returns: data that serializes (the JSON schema) and a human view.
pub trait Report: Serialize {
    fn view(&self) -> Vec<Block>;

    /// The JSONL lines: by default the whole report as one line; list reports give one line per item.
    fn lines(&self) -> Vec<serde_json::Value> {
        vec![serde_json::to_value(self).unwrap_or(serde_json::Value::Null)]
    }

    /// A report can end the process with a non-zero code (partial delivery, findings).
    fn exit_kind(&self) -> Option<ErrorKind> {
        None
    }
}

pub struct Printer {
    pub format: OutputFormat,
    color: bool,
    err_color: bool,
    width: Option<usize>,
}

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

impl Printer {
    pub fn new(format: OutputFormat, no_color: bool) -> Self {
        // https://no-color.org: any non-empty NO_COLOR turns colour off.
        let no_color = no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let stdout_tty = std::io::stdout().is_terminal();
        let width = if stdout_tty {
            terminal_size::terminal_size().map(|(w, _)| w.0 as usize)
        } else {
            std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
        };
        Printer {
            format,
            color: !no_color && stdout_tty,
            err_color: !no_color && std::io::stderr().is_terminal(),
            width,
        }
    }

    /// Renders a report to stdout.
    pub fn print<R: Report>(&self, report: &R) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        match self.format {
            OutputFormat::Json => {
                serde_json::to_writer_pretty(&mut out, report)?;
                writeln!(out)?;
            }
            OutputFormat::Jsonl => {
                for line in report.lines() {
                    serde_json::to_writer(&mut out, &line)?;
                    writeln!(out)?;
                }
            }
            OutputFormat::Table => out.write_all(self.render(&report.view()).as_bytes())?,
        }
        out.flush()
    }

    /// The human view as text.
    pub fn render(&self, blocks: &[Block]) -> String {
        let mut s = String::new();
        for (i, b) in blocks.iter().enumerate() {
            if i > 0 && !matches!(b, Block::Raw(_)) {
                s.push('\n');
            }
            match b {
                Block::Fields { title, rows } => {
                    self.title(&mut s, title);
                    let w = rows.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
                    for (k, v) in rows {
                        s.push_str(&format!("{k:<w$}  {v}\n"));
                    }
                }
                Block::Table { title, header, rows, empty } => {
                    self.title(&mut s, title);
                    if rows.is_empty() {
                        s.push_str(empty);
                        s.push('\n');
                    } else {
                        s.push_str(&self.table(header, rows));
                        s.push('\n');
                    }
                }
                Block::Raw(text) => s.push_str(text),
            }
        }
        s
    }

    fn title(&self, s: &mut String, title: &Option<String>) {
        if let Some(t) = title {
            if self.color {
                s.push_str(&format!("{BOLD}{t}{RESET}\n"));
            } else {
                s.push_str(&format!("{t}\n"));
            }
        }
    }

    fn table(&self, header: &[String], rows: &[Vec<String>]) -> String {
        let mut b = Builder::default();
        b.push_record(header.iter().map(|h| if self.color { format!("{BOLD}{h}{RESET}") } else { h.clone() }));
        for r in rows {
            b.push_record(r.iter().cloned());
        }
        let mut t = b.build();
        t.with(Style::blank());
        if let Some(w) = self.width {
            t.with(Width::wrap(w.max(40)).priority(Priority::max(true)));
        }
        t.to_string()
    }

    /// Prints an error to stderr: one line with its causes, then a hint; JSON when the output is JSON.
    pub fn error(&self, err: &Error, extra: Option<&str>) {
        let mut causes: Vec<String> = Vec::new();
        let mut src = std::error::Error::source(err);
        while let Some(e) = src {
            // One line: multi-line SDK messages are folded.
            let m = e.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
            if !m.is_empty() && !causes.contains(&m) {
                causes.push(m);
            }
            src = e.source();
        }
        let hint = err.hint();
        let kind = err.kind();
        let mut stderr = std::io::stderr().lock();
        if self.format != OutputFormat::Table {
            let v = serde_json::json!({ "error": {
                "kind": kind, "exit_code": kind.exit_code(), "message": err.to_string(),
                "causes": causes, "hint": hint, "detail": extra,
            }});
            let _ = writeln!(stderr, "{v}");
            return;
        }
        let (red, yellow, reset) = if self.err_color { (RED, YELLOW, RESET) } else { ("", "", "") };
        let mut line = format!("{red}error:{reset} {err}");
        for c in &causes {
            line.push_str(": ");
            line.push_str(c);
        }
        let _ = writeln!(stderr, "{line}");
        if let Some(x) = extra {
            let _ = writeln!(stderr, "  {x}");
        }
        if let Some(h) = hint {
            let _ = writeln!(stderr, "{yellow}hint:{reset} {h}");
        }
    }
}

/// Formats an optional value for a table cell.
pub fn cell<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct R {
        items: Vec<u32>,
    }
    impl Report for R {
        fn view(&self) -> Vec<Block> {
            vec![Block::Table {
                title: Some("Items".into()),
                header: vec!["N".into(), "SQUARE".into()],
                rows: self.items.iter().map(|n| vec![n.to_string(), (n * n).to_string()]).collect(),
                empty: "none".into(),
            }]
        }
    }

    #[test]
    fn table_has_header_and_rows_without_colour_when_piped() {
        let p = Printer { format: OutputFormat::Table, color: false, err_color: false, width: None };
        let s = p.render(&R { items: vec![2, 3] }.view());
        assert!(s.starts_with("Items\n"));
        assert!(s.contains("SQUARE"));
        assert!(s.contains('9'));
        assert!(!s.contains('\x1b'));
        let s = p.render(&R { items: vec![] }.view());
        assert!(s.contains("none"));
    }

    #[test]
    fn table_fits_the_width() {
        let p = Printer { format: OutputFormat::Table, color: false, err_color: false, width: Some(50) };
        let long = "x".repeat(200);
        let s = p.render(&[Block::Table {
            title: None,
            header: vec!["A".into(), "B".into()],
            rows: vec![vec!["1".into(), long]],
            empty: String::new(),
        }]);
        assert!(s.lines().all(|l| l.chars().count() <= 50), "{s}");
    }
}
