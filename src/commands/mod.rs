//! One module per subcommand. A command returns a report; it never prints.

pub mod alarms;
pub mod apis;
pub mod audit;
pub mod broadcast;
pub mod client;
pub mod generate;
pub mod handlers;
pub mod loadtest;
pub mod local;
pub mod logs;
pub mod metrics;
pub mod provision;
pub mod sessions;

use crate::cli::GlobalArgs;
use std::time::Duration;
use tokio::sync::OnceCell;
use wsadm_core::{Aws, AwsOptions, Error, Target, TargetArgs};

/// What every command gets: the global options and the AWS layer, loaded once on first use
/// (so commands that need no AWS, like `generate`, need no region or credentials).
pub struct Ctx {
    pub global: GlobalArgs,
    aws: OnceCell<Aws>,
}

fn secs(name: &str, v: f64) -> Result<Duration, Error> {
    if v.is_finite() && v > 0.0 && v <= 3600.0 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(Error::invalid(format!("--{name} {v} is out of range"), "give a number of seconds between 0 and 3600"))
    }
}

impl Ctx {
    pub fn new(global: GlobalArgs) -> Self {
        Ctx { global, aws: OnceCell::new() }
    }

    pub async fn aws(&self) -> Result<&Aws, Error> {
        self.aws
            .get_or_try_init(|| async {
                let g = &self.global;
                let opts = AwsOptions {
                    profile: g.profile.clone(),
                    region: g.region.clone(),
                    endpoint_url: g.endpoint_url.clone(),
                    connect_timeout: secs("connect-timeout", g.connect_timeout)?,
                    read_timeout: secs("read-timeout", g.read_timeout)?,
                };
                Aws::load(&opts).await
            })
            .await
    }

    /// The target options as given (flags or WSADM_* environment).
    pub fn target_args(&self) -> TargetArgs {
        TargetArgs {
            api: self.global.api.clone(),
            stage: self.global.stage.clone(),
            domain: self.global.domain.clone(),
            table: self.global.table.clone(),
        }
    }

    /// The resolved API and stage (management endpoint, session table) for commands that work on one stage.
    pub async fn target(&self) -> Result<Target, Error> {
        wsadm_core::target::resolve(self.aws().await?, &self.target_args()).await
    }
}
