//! wsadm: argv -> command -> report -> printer; errors mapped to the documented exit codes.

mod cli;
mod commands;
mod output;

use clap::Parser;
use cli::{ApisCommand, Cli, Command, GenerateCommand};
use commands::Ctx;
use output::{Printer, Report};
use std::process::ExitCode;
use wsadm_core::{Error, ErrorKind};

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "wsadm=warn,wsadm_core=warn,error",
        1 => "wsadm=info,wsadm_core=info,warn",
        2 => "debug,hyper=info,h2=info",
        _ => "trace",
    };
    let filter = std::env::var("WSADM_LOG").unwrap_or_else(|_| default.to_string());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

fn emit<R: Report>(printer: &Printer, report: R) -> Result<Option<ErrorKind>, Error> {
    printer.print(&report).map_err(|source| Error::Io { context: "cannot write to stdout".into(), source })?;
    Ok(report.exit_kind())
}

async fn dispatch(ctx: &Ctx, printer: &Printer, command: Command) -> Result<Option<ErrorKind>, Error> {
    match command {
        Command::Apis(ApisCommand::Ls) => emit(printer, commands::apis::ls(ctx).await?),
        Command::Apis(ApisCommand::Show { name }) => emit(printer, commands::apis::show(ctx, name).await?),
        Command::Generate(GenerateCommand::Completions { shell, dir }) => {
            emit(printer, commands::generate::completions(shell, dir.as_deref())?)
        }
        Command::Generate(GenerateCommand::Man { dir }) => emit(printer, commands::generate::man(&dir)?),
    }
}

/// Where the AWS calls went, for "cannot reach" errors.
fn endpoint_detail(ctx: &Ctx) -> String {
    let g = &ctx.global;
    match g.endpoint_url.clone().or_else(|| std::env::var("AWS_ENDPOINT_URL").ok()) {
        Some(u) => format!("endpoint: {u}"),
        None => format!(
            "endpoint: the AWS regional endpoint ({})",
            g.region.as_deref().unwrap_or("region from the AWS config")
        ),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose);
    let printer = Printer::new(cli.global.output, cli.global.no_color);
    let ctx = Ctx::new(cli.global.clone());
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(source) => {
            printer.error(&Error::Io { context: "cannot start the async runtime".into(), source }, None);
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async {
        tokio::select! {
            r = dispatch(&ctx, &printer, cli.command) => r.map(|k| k.map(|k| k.exit_code())),
            _ = tokio::signal::ctrl_c() => Ok(Some(ErrorKind::Interrupted.exit_code())),
        }
    });
    let code = match result {
        Ok(code) => code.unwrap_or(0),
        Err(e) => {
            let detail = matches!(e.kind(), ErrorKind::Failure).then(|| endpoint_detail(&ctx));
            printer.error(
                &e,
                detail.as_deref().filter(|_| matches!(e, Error::Unreachable { .. } | Error::Timeout { .. })),
            );
            e.kind().exit_code()
        }
    };
    // Do not wait for background SDK tasks (credential refresh) on the way out.
    runtime.shutdown_background();
    ExitCode::from(code as u8)
}
