//! The one printer. Commands return reports; this renders them as a table for people
//! (fitted to the terminal), or as JSON / JSONL for scripts. Errors are rendered here too.

use clap::ValueEnum;
use futures::stream::{BoxStream, Stream, StreamExt};
use futures::FutureExt;
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
    /// On a terminal wide cells are cut with an ellipsis; elsewhere they wrap, so nothing is lost.
    truncate: bool,
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
            truncate: stdout_tty,
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

    /// Writes a document as it is (SARIF, JUnit XML) to stdout.
    pub fn raw(&self, text: &str) -> std::io::Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
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
            if self.truncate {
                t.with(Width::truncate(w.max(40)).suffix("…").priority(Priority::max(true)));
            } else {
                t.with(Width::wrap(w.max(40)).priority(Priority::max(true)));
            }
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

/// Most rows a table holds; the rest of a longer list is counted, not shown (`-o jsonl` shows all).
pub const TABLE_MAX_ROWS: usize = 10_000;

/// A list too long to hold in memory: the printer writes its items as they arrive.
/// `-o jsonl` writes one line per item; `-o json` writes `{HEAD…, "KEY": [item, …], TAIL…}`
/// incrementally, one item per line; a table buffers up to [`TABLE_MAX_ROWS`] rows and counts the rest.
pub trait ListReport {
    type Item: Serialize;
    /// The field of the JSON document that holds the items.
    const KEY: &'static str;
    /// The items (taken once, by the printer).
    fn items(&mut self) -> BoxStream<'static, Result<Self::Item, Error>>;
    /// Fields before the items in `-o json` (what was asked).
    fn head(&self) -> serde_json::Map<String, serde_json::Value>;
    /// Fields after the items in `-o json`, known once every item has been read (counts).
    fn tail(&self) -> serde_json::Map<String, serde_json::Value>;
    fn header(&self) -> Vec<String>;
    fn row(&self, item: &Self::Item) -> Vec<String>;
    /// Shown instead of an empty table.
    fn empty(&self) -> String;
    /// Orders a table's rows (streams keep the order the items come in).
    fn sort_table(&self, _items: &mut [Self::Item]) {}
    /// A list that is a stream for people (log lines): each item printed as one line as it
    /// arrives, instead of an aligned table at the end.
    fn stream_line(&self, _item: &Self::Item, _color: bool) -> Option<String> {
        None
    }
    /// Lines under the table, once every item has been read.
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
    fn exit_kind(&self) -> Option<ErrorKind> {
        None
    }
}

enum ListError {
    Io(std::io::Error),
    Item(Error),
}

impl From<std::io::Error> for ListError {
    fn from(e: std::io::Error) -> Self {
        ListError::Io(e)
    }
}

impl From<serde_json::Error> for ListError {
    fn from(e: serde_json::Error) -> Self {
        ListError::Io(e.into())
    }
}

/// The next item; `out` is flushed first when the item is not ready yet, so what has been
/// written is visible while the source waits (rows appear as pages arrive, in big writes).
async fn next_flushing<S: Stream + Unpin, W: Write>(items: &mut S, out: &mut W) -> std::io::Result<Option<S::Item>> {
    if let Some(next) = items.next().now_or_never() {
        return Ok(next);
    }
    out.flush()?;
    Ok(items.next().await)
}

impl Printer {
    /// Prints a streamed list; returns the report's exit kind once every item has been printed.
    /// A reader that goes away (`| head`) ends the listing quietly.
    pub async fn print_list<R: ListReport>(&self, mut report: R) -> Result<Option<ErrorKind>, Error> {
        let mut items = report.items();
        let result = match self.format {
            OutputFormat::Table => self.list_table(&report, &mut items).await,
            OutputFormat::Json | OutputFormat::Jsonl => self.list_json(&report, &mut items).await,
        };
        match result {
            Ok(()) => Ok(report.exit_kind()),
            Err(ListError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(None),
            Err(ListError::Io(source)) => Err(Error::Io { context: "cannot write to stdout".into(), source }),
            Err(ListError::Item(e)) => Err(e),
        }
    }

    async fn list_json<R: ListReport>(
        &self,
        report: &R,
        items: &mut BoxStream<'static, Result<R::Item, Error>>,
    ) -> Result<(), ListError> {
        let jsonl = self.format == OutputFormat::Jsonl;
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout());
        if !jsonl {
            out.write_all(b"{\n")?;
            for (k, v) in report.head() {
                writeln!(out, "  {}: {},", serde_json::Value::String(k), v)?;
            }
            write!(out, "  {}: [", serde_json::Value::String(R::KEY.into()))?;
        }
        let mut n = 0u64;
        while let Some(item) = next_flushing(items, &mut out).await? {
            let item = match item {
                Ok(i) => i,
                Err(e) => {
                    out.flush()?;
                    return Err(ListError::Item(e));
                }
            };
            if jsonl {
                serde_json::to_writer(&mut out, &item)?;
                out.write_all(b"\n")?;
            } else {
                out.write_all(if n == 0 { b"\n    " } else { b",\n    " })?;
                serde_json::to_writer(&mut out, &item)?;
            }
            n += 1;
        }
        if !jsonl {
            out.write_all(if n == 0 { b"]" } else { b"\n  ]" })?;
            for (k, v) in report.tail() {
                write!(out, ",\n  {}: {}", serde_json::Value::String(k), v)?;
            }
            out.write_all(b"\n}\n")?;
        }
        out.flush()?;
        Ok(())
    }

    async fn list_table<R: ListReport>(
        &self,
        report: &R,
        items: &mut BoxStream<'static, Result<R::Item, Error>>,
    ) -> Result<(), ListError> {
        let mut kept = Vec::new();
        let mut hidden = 0u64;
        let mut streamed = false;
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout());
        while let Some(item) = next_flushing(items, &mut out).await? {
            let item = item.map_err(ListError::Item)?;
            if let Some(line) = report.stream_line(&item, self.color) {
                streamed = true;
                writeln!(out, "{line}")?;
                continue;
            }
            if kept.len() < TABLE_MAX_ROWS {
                kept.push(item);
            } else {
                hidden += 1;
            }
        }
        report.sort_table(&mut kept);
        let rows = kept.iter().map(|i| report.row(i)).collect();
        let mut blocks = Vec::new();
        if !streamed {
            blocks.push(Block::Table { title: None, header: report.header(), rows, empty: report.empty() });
        }
        let mut notes = report.notes();
        if hidden > 0 {
            notes.push(format!(
                "{hidden} more not shown (a table holds {TABLE_MAX_ROWS} rows): narrow the list, or use -o jsonl"
            ));
        }
        if !notes.is_empty() {
            blocks.push(Block::Raw(notes.iter().map(|n| format!("\n{n}")).collect::<String>() + "\n"));
        }
        out.write_all(self.render(&blocks).as_bytes())?;
        out.flush()?;
        Ok(())
    }

    /// A warning or note before the output (e.g. logging that is off), on stderr: a line and a hint.
    pub fn warn(&self, label: &str, message: &str, hint: Option<&str>) {
        let (yellow, reset) = if self.err_color { (YELLOW, RESET) } else { ("", "") };
        let mut e = std::io::stderr().lock();
        let _ = writeln!(e, "{yellow}{label}:{reset} {message}");
        if let Some(h) = hint {
            let _ = writeln!(e, "  hint: {h}");
        }
    }

    /// True when a question can be asked: stdin and stderr are terminals.
    pub fn can_prompt(&self) -> bool {
        std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
    }

    /// Asks a yes/no question on stderr and reads the answer from stdin; no is the default.
    /// (The read runs off the async thread, so Ctrl-C still interrupts.)
    pub async fn confirm(&self, question: &str) -> Result<bool, Error> {
        let io = |source| Error::Io { context: "cannot ask for confirmation".into(), source };
        {
            let mut err = std::io::stderr().lock();
            write!(err, "{question} [y/N] ").and_then(|_| err.flush()).map_err(io)?;
        }
        let answer = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).map(|_| line)
        })
        .await
        .map_err(|e| io(std::io::Error::other(e)))?
        .map_err(io)?;
        Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
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
        let p = Printer { format: OutputFormat::Table, color: false, err_color: false, width: None, truncate: false };
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
        let long = "x".repeat(200);
        let table = [Block::Table {
            title: None,
            header: vec!["A".into(), "B".into()],
            rows: vec![vec!["1".into(), long]],
            empty: String::new(),
        }];
        // Piped with COLUMNS: wrapped, every character kept.
        let p =
            Printer { format: OutputFormat::Table, color: false, err_color: false, width: Some(50), truncate: false };
        let s = p.render(&table);
        assert!(s.lines().all(|l| l.chars().count() <= 50), "{s}");
        assert_eq!(s.matches('x').count(), 200);
        // On a terminal: one line per row, cut with an ellipsis.
        let p = Printer { truncate: true, ..p };
        let s = p.render(&table);
        assert_eq!(s.lines().count(), 2, "{s}");
        assert!(s.lines().all(|l| l.chars().count() <= 50), "{s}");
        assert!(s.contains('…'), "{s}");
    }
}
