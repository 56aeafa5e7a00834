//! `wsadm metrics --watch`: the report again every period (or --interval), like top: redrawn in
//! place on a terminal, one report after another when stdout is not one (a line each with
//! `-o jsonl`). Ctrl-C ends it with exit 0; `-n N` after N refreshes.

use super::run;
use crate::args::metrics::MetricsArgs;
use crate::commands::Ctx;
use crate::output::{OutputFormat, Printer};
use std::io::{IsTerminal, Write};
use std::time::Duration;
use wsadm_core::Error;

/// Home the cursor and clear the screen.
const CLEAR: &str = "\x1b[H\x1b[2J";

pub async fn watch(ctx: &Ctx, printer: &Printer, a: &MetricsArgs) -> Result<(), Error> {
    let io = |source| Error::Io { context: "cannot write to stdout".into(), source };
    let redraw = printer.format == OutputFormat::Table && std::io::stdout().is_terminal();
    let mut n = 0u64;
    loop {
        let report = run(ctx, a).await?;
        let every = a.interval.unwrap_or(Duration::from_secs(report.period_secs as u64)).max(Duration::from_secs(1));
        if redraw {
            let mut out = std::io::stdout().lock();
            write!(out, "{CLEAR}").and_then(|_| out.flush()).map_err(io)?;
        } else if n > 0 && printer.format == OutputFormat::Table {
            println!("\n---");
        }
        printer.print(&report).map_err(io)?;
        n += 1;
        if a.iterations.is_some_and(|max| n >= max) {
            return Ok(());
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}
