//! wsadm: argv -> command -> report -> printer; errors mapped to the documented exit codes.

mod args;
mod cli;
mod commands;
mod output;
mod term;
mod ws;

use clap::Parser;

/// mimalloc: `wsadm local` and `loadtest` allocate from many threads at once, and glibc's
/// malloc locks showed as a fifth of the emulator's CPU at 500 connects/s.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use cli::{ApisCommand, Cli, Command, GenerateCommand, HandlersCommand, LocalCommand};
use commands::Ctx;
use output::{Printer, Report};
use std::process::ExitCode;
use wsadm_core::{Error, ErrorKind};

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "wsadm=warn,wsadm_core=warn,wsadm_local=info,wsadm_handler=warn,error",
        1 => "wsadm=info,wsadm_core=info,wsadm_local=info,wsadm_handler=info,warn",
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
        Command::Local(l) => emit(printer, local(ctx, printer, l).await?),
        Command::Handlers(HandlersCommand::Build(b)) => emit(
            printer,
            commands::handlers::build(commands::handlers::BuildArgs {
                arch: b.arch.lambda(),
                source: b.source,
                out: b.out,
            })?,
        ),
        Command::Provision(p) => emit(printer, commands::provision::provision(ctx, p).await?),
        Command::Destroy(d) => emit(printer, commands::provision::destroy(ctx, d).await?),
        Command::Audit(a) => {
            let report = commands::audit::run(ctx, &a).await?;
            match a.format {
                None => emit(printer, report),
                Some(format) => {
                    let text = match format {
                        args::audit::AuditFormat::Sarif => {
                            let mut t = serde_json::to_string_pretty(&commands::audit::sarif::render(&report))
                                .unwrap_or_default();
                            t.push('\n');
                            t
                        }
                        args::audit::AuditFormat::Junit => commands::audit::junit::render(&report),
                    };
                    printer
                        .raw(&text)
                        .map_err(|source| Error::Io { context: "cannot write to stdout".into(), source })?;
                    Ok(report.exit_kind())
                }
            }
        }
        Command::Metrics(m) if m.watch => commands::metrics::watch::watch(ctx, printer, &m).await.map(|_| None),
        Command::Metrics(m) => emit(printer, commands::metrics::run(ctx, &m).await?),
        Command::Alarms(a) => emit(printer, commands::alarms::run(ctx, a).await?),
        Command::Sessions(s) => sessions(ctx, printer, s).await,
        Command::Logs(l) => logs(ctx, printer, l).await,
        Command::Broadcast(b) => emit(printer, commands::broadcast::run(ctx, commands::broadcast::args(b)).await?),
        Command::Client(c) => {
            // Scripted, stdout carries only the frames (the summary went to stderr).
            let r = commands::client::run(ctx, c).await?;
            if r.interactive {
                emit(printer, r)
            } else {
                Ok(r.exit_kind())
            }
        }
        Command::Loadtest(l) => emit(
            printer,
            commands::loadtest::run(ctx, l, |ready| {
                let _ = printer.print(ready);
            })
            .await?,
        ),
    }
}

async fn sessions(ctx: &Ctx, printer: &Printer, s: cli::SessionsCommand) -> Result<Option<ErrorKind>, Error> {
    use cli::SessionsCommand as S;
    use commands::sessions;
    match s {
        S::Ls(a) if a.count => emit(printer, sessions::count(ctx, a).await?),
        S::Ls(a) => printer.print_list(sessions::ls(ctx, a).await?).await,
        S::Show { id } => emit(printer, sessions::show(ctx, &id).await?),
        S::Kick(a) => emit(printer, sessions::kick(ctx, a, printer).await?),
        S::Prune(a) => emit(printer, sessions::prune(ctx, a).await?),
    }
}

async fn logs(ctx: &Ctx, printer: &Printer, l: args::logs::LogsCommand) -> Result<Option<ErrorKind>, Error> {
    use args::logs::LogsCommand as L;
    use commands::logs;
    // Logging that is off explains missing events: said before them, on stderr, for people.
    let warn = |findings: &[wsadm_core::logs::Finding]| {
        if printer.format == output::OutputFormat::Table {
            for f in findings {
                let label = match f.severity {
                    wsadm_core::logs::groups::Severity::Warning => "warning",
                    wsadm_core::logs::groups::Severity::Info => "note",
                };
                printer.warn(label, &f.message, f.hint.as_deref());
            }
        }
    };
    match l {
        L::Tail(a) => {
            let report = logs::tail::tail(ctx, a).await?;
            warn(report.findings());
            printer.print_list(report).await
        }
        L::Trace(a) => {
            let report = logs::trace::run(ctx, a).await?;
            warn(&report.findings);
            emit(printer, report)
        }
        L::Summary(a) => {
            let report = logs::summary::run(ctx, a).await?;
            warn(&report.findings);
            emit(printer, report)
        }
        L::Groups => {
            let report = logs::groups::run(ctx).await?;
            warn(&report.logs.findings);
            emit(printer, report)
        }
    }
}

async fn local(ctx: &Ctx, printer: &Printer, l: LocalCommand) -> Result<commands::local::Stopped, Error> {
    let region =
        ctx.global.region.clone().or_else(|| std::env::var("AWS_REGION").ok()).unwrap_or_else(|| "us-east-1".into());
    if l.idle_timeout == 0 || l.max_duration == 0 || l.connect_rate <= 0.0 {
        return Err(Error::invalid("timeouts and the connect rate must be positive", "e.g. --idle-timeout 30"));
    }
    let limits = wsadm_local::Limits {
        idle_timeout: std::time::Duration::from_secs(l.idle_timeout),
        max_duration: std::time::Duration::from_secs(l.max_duration),
        connect_rate: l.connect_rate,
        metrics_interval: std::time::Duration::from_secs(l.metrics_interval.max(1)),
        ttl_sweep_interval: std::time::Duration::from_secs(l.ttl_sweep.max(1)),
        ..Default::default()
    };
    let faults = wsadm_local::Faults {
        connections_latency_ms: l.connections_latency_ms,
        integration_latency_ms: l.integration_latency_ms,
        fail_429: l.fail_429,
        fail_500: l.fail_500,
        fail_410: l.fail_410,
        drop_on_post: l.drop_on_post,
        account_rate: l.account_rate,
        account_burst: l.account_burst,
        lambda_concurrency: l.lambda_concurrency,
    };
    faults
        .validate()
        .map_err(|e| Error::invalid(format!("bad fault settings: {e}"), "fractions are 0..1; rates positive"))?;
    let args = commands::local::LocalArgs {
        port: l.port,
        moto_url: l.moto_url,
        dynamodb_url: l.dynamodb_url,
        dynamodb_engine: l.dynamodb_engine,
        tls_ca_file: l.tls.then(|| {
            l.tls_ca_file
                .clone()
                .unwrap_or_else(|| std::env::temp_dir().join(format!("wsadm-local-ca-{}.pem", std::process::id())))
        }),
        region,
        account_id: l.account_id,
        limits,
        faults,
    };
    commands::local::run(args, |ready| {
        let _ = printer.print(ready);
        for w in &ready.warnings {
            printer.warn("warning", w, None);
        }
    })
    .await
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
    // Zipped as a function's `bootstrap`, wsadm is the chat stack's handler (see provision).
    if wsadm_handler::runtime::started_as_bootstrap() {
        return wsadm_handler::runtime::run_blocking();
    }
    let cli = Cli::parse();
    init_logging(cli.global.verbose);
    let printer = Printer::new(cli.global.output, cli.global.no_color);
    let ctx = Ctx::new(cli.global.clone());
    // A broadcast runs on one thread: one core signs and sends faster than an account's
    // @connections limit (10,000/s), and a multi-thread runtime only adds cross-thread wake-ups
    // (about a third more CPU per call, measured with scripts/bench).
    let mut builder = match cli.command {
        Command::Broadcast(_) => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    };
    let runtime = match builder.enable_all().build() {
        Ok(r) => r,
        Err(source) => {
            printer.error(&Error::Io { context: "cannot start the async runtime".into(), source }, None);
            return ExitCode::from(1);
        }
    };
    // Long-running commands stop cleanly on Ctrl-C themselves; the rest are cut short.
    let handles_interrupt =
        matches!(cli.command, Command::Local(_) | Command::Client(_) | Command::Loadtest(_) | Command::Broadcast(_))
            || matches!(&cli.command, Command::Logs(args::logs::LogsCommand::Tail(t)) if t.follow)
            || matches!(&cli.command, Command::Metrics(m) if m.watch);
    let result = runtime.block_on(async {
        if handles_interrupt {
            return dispatch(&ctx, &printer, cli.command).await.map(|k| k.map(|k| k.exit_code()));
        }
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
