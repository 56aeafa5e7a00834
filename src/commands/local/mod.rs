//! `wsadm local`: the local API Gateway WebSocket stack on one port, with its engines behind
//! it (moto; dynalite for DynamoDB), supervised: if one dies, wsadm local says so and stops.

mod engines;

pub use crate::args::local::DynamoDbEngine;
use crate::output::{Block, Report};
use engines::{Died, Engine};
use serde::Serialize;
use std::net::SocketAddr;
use std::time::Instant;
use wsadm_core::{Error, ErrorKind};

pub struct LocalArgs {
    pub port: u16,
    pub moto_url: Option<String>,
    pub dynamodb_url: Option<String>,
    pub dynamodb_engine: DynamoDbEngine,
    /// Serve https:// and wss://, writing the CA that signs the certificate to this file.
    pub tls_ca_file: Option<std::path::PathBuf>,
    pub region: String,
    pub account_id: String,
    pub limits: wsadm_local::Limits,
    pub faults: wsadm_local::Faults,
}

/// What `wsadm local` prints when it is ready, and the environment to use it.
#[derive(Debug, Serialize)]
pub struct Ready {
    pub endpoint: String,
    pub moto_url: String,
    pub dynamodb: DynamoDbInfo,
    pub region: String,
    pub env: Vec<(String, String)>,
    /// The CA bundle clients must trust (`--tls`), also in `env` as AWS_CA_BUNDLE.
    pub ca_bundle: Option<String>,
    /// The engines wsadm local started and watches (not those given by URL).
    pub engines: Vec<EngineInfo>,
    /// Shown on stderr too (e.g. DynamoDB fell back to moto).
    pub warnings: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct EngineInfo {
    pub name: &'static str,
    pub url: String,
    pub pid: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct DynamoDbInfo {
    /// `dynalite`, `moto`, or `external` (--dynamodb-url).
    pub engine: &'static str,
    pub url: String,
}

impl Report for Ready {
    fn view(&self) -> Vec<Block> {
        let mut text = format!(
            "wsadm local: API Gateway WebSocket emulator on {}\n  DynamoDB: {} at {}\n  other services: moto at {}\n  \
             Lambda: a function whose zip has a `bootstrap` runs it as a process (Lambda Runtime API);\n  \
             placeholder zips (no bootstrap) run the built-in wsadm handlers in process\n\nUse it with:\n",
            self.endpoint, self.dynamodb.engine, self.dynamodb.url, self.moto_url
        );
        for (k, v) in &self.env {
            text.push_str(&format!("  export {k}={v}\n"));
        }
        text.push_str("\nCtrl-C stops it (clients get close 1001 \"Going away\").\n");
        vec![Block::Raw(text)]
    }
}

/// What it did, printed when it stops.
#[derive(Debug, Serialize)]
pub struct Stopped {
    pub open_connections_closed: usize,
    pub uptime_secs: u64,
}

impl Report for Stopped {
    fn view(&self) -> Vec<Block> {
        vec![Block::Raw(format!(
            "wsadm local: stopped after {} s; closed {} open connection(s)\n",
            self.uptime_secs, self.open_connections_closed
        ))]
    }
}

/// Ctrl-C (SIGINT) or SIGTERM: both stop the stack cleanly. Listened for from the start, so a
/// signal sent as soon as the readiness line appears (or during start-up) is not lost.
struct StopSignal {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl StopSignal {
    fn listen() -> Self {
        StopSignal {
            #[cfg(unix)]
            term: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok(),
        }
    }

    async fn wait(&mut self) {
        #[cfg(unix)]
        if let Some(term) = self.term.as_mut() {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn loopback(url: &str, flag: &str) -> Result<(), Error> {
    wsadm_core::guard::check(url).map_err(|_| {
        Error::invalid(format!("{flag} {url} is not a loopback address"), "the local stack only talks to 127.0.0.1")
    })
}

const DYNALITE_INSTALL: &str =
    "install it with `scripts/setup` (into .venv/npm) or `npm install -g dynalite@4.0.0` (needs Node.js)";

/// Runs until Ctrl-C or SIGTERM, or until an engine it started dies (an error saying which).
/// `ready` is called once the port answers.
pub async fn run(args: LocalArgs, ready: impl FnOnce(&Ready)) -> Result<Stopped, Error> {
    let mut stop = StopSignal::listen();
    let mut children: Vec<Engine> = Vec::new();
    let mut warnings = Vec::new();
    let moto_url = match args.moto_url {
        Some(u) => {
            loopback(&u, "--moto-url")?;
            u
        }
        None => {
            let moto = engines::start_moto().await?;
            let url = moto.url.clone();
            children.push(moto);
            url
        }
    };
    let dynamodb = match (args.dynamodb_url, args.dynamodb_engine) {
        (Some(u), _) => {
            loopback(&u, "--dynamodb-url")?;
            DynamoDbInfo { engine: "external", url: u }
        }
        (None, DynamoDbEngine::Moto) => DynamoDbInfo { engine: "moto", url: moto_url.clone() },
        (None, choice) => match engines::find_dynalite() {
            Some(bin) => {
                let d = engines::start_dynalite(&bin, &args.region, &args.account_id).await?;
                let url = d.url.clone();
                children.push(d);
                DynamoDbInfo { engine: "dynalite", url }
            }
            None if choice == DynamoDbEngine::Dynalite => {
                return Err(Error::invalid("dynalite is not installed", DYNALITE_INSTALL))
            }
            None => {
                warnings.push(format!(
                    "dynalite is not installed: DynamoDB runs on moto, which answers a few hundred writes \
                     a second (the chat stack then holds about 25 connects/s, not AWS's 500); {DYNALITE_INSTALL}"
                ));
                DynamoDbInfo { engine: "moto", url: moto_url.clone() }
            }
        },
    };
    let tls = match &args.tls_ca_file {
        Some(path) => {
            let t = wsadm_local::tls::LocalTls::generate()
                .map_err(|e| Error::invalid(format!("cannot make the TLS certificate: {e}"), "this is a bug"))?;
            std::fs::write(path, &t.ca_pem).map_err(|source| Error::Io {
                context: format!("cannot write the CA to {} (choose another with --tls-ca-file)", path.display()),
                source,
            })?;
            Some((path.clone(), t.server))
        }
        None => None,
    };
    let bind: SocketAddr = ([127, 0, 0, 1], args.port).into();
    let running = wsadm_local::start(wsadm_local::Config {
        bind,
        moto_url: moto_url.clone(),
        dynamodb_url: (dynamodb.engine != "moto").then(|| dynamodb.url.clone()),
        region: args.region.clone(),
        account_id: args.account_id,
        limits: args.limits,
        faults: args.faults,
        tls: tls.as_ref().map(|(_, server)| server.clone()),
        warm_up_dynamodb: dynamodb.engine == "dynalite",
    })
    .await
    .map_err(|source| Error::Io {
        context: format!("cannot listen on {bind} (is it in use? pick another with --port)"),
        source,
    })?;
    let endpoint = running.url();
    let ca_bundle = tls.as_ref().map(|(path, _)| path.display().to_string());
    let mut env: Vec<(String, String)> = vec![
        ("AWS_ENDPOINT_URL".into(), endpoint.clone()),
        ("AWS_REGION".into(), args.region.clone()),
        ("AWS_ACCESS_KEY_ID".into(), "local".into()),
        ("AWS_SECRET_ACCESS_KEY".into(), "local".into()),
    ];
    if let Some(ca) = &ca_bundle {
        env.push(("AWS_CA_BUNDLE".into(), ca.clone()));
    }
    ready(&Ready {
        env,
        ca_bundle,
        endpoint,
        moto_url,
        dynamodb,
        region: args.region,
        engines: children.iter().map(|c| EngineInfo { name: c.name, url: c.url.clone(), pid: c.pid() }).collect(),
        warnings,
    });
    let started = Instant::now();
    let died = tokio::select! {
        _ = stop.wait() => None,
        d = first_to_die(&mut children) => Some(d),
    };
    let open = running.emulator.registry.len();
    running.shutdown().await;
    for c in &mut children {
        c.stop().await;
    }
    if let Some(d) = died {
        return Err(Error::other(
            ErrorKind::Failure,
            d.message(),
            "wsadm local stopped: the engine's state (tables, functions, logs) is lost; start it again",
        ));
    }
    Ok(Stopped { open_connections_closed: open, uptime_secs: started.elapsed().as_secs() })
}

/// The first child engine to exit; never, when there are none.
async fn first_to_die(children: &mut [Engine]) -> Died {
    if children.is_empty() {
        return std::future::pending().await;
    }
    let waits = children.iter_mut().map(|c| Box::pin(c.exited()));
    futures::future::select_all(waits).await.0
}
