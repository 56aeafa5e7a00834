//! The Lambda runtime loop: what the `bootstrap` executable runs, whether it is the
//! `wsadm-handler` binary or `wsadm` itself started by the runtime as `bootstrap`.

use crate::lambda::Functions;
use crate::ports::ManagementGateway;
use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;
use std::sync::Arc;

/// Whether this process was started by a Lambda runtime as its `bootstrap` (the Runtime API
/// address is set and the executable is named `bootstrap`).
pub fn started_as_bootstrap() -> bool {
    let named_bootstrap = std::env::args_os()
        .next()
        .map(std::path::PathBuf::from)
        .and_then(|p| p.file_name().map(|n| n == "bootstrap"))
        .unwrap_or(false);
    named_bootstrap && std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some()
}

/// Serves invocations until the runtime stops the process. Logs are JSON lines on stdout,
/// which Lambda sends to the function's log group.
pub async fn run() -> Result<(), lambda_runtime::Error> {
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WSADM_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_current_span(false)
        .without_time() // CloudWatch stamps every line
        .try_init();
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let functions = Arc::new(Functions::from_env(|k| std::env::var(k).ok(), &sdk, ManagementGateway::new(sdk.clone())));
    lambda_runtime::run(service_fn(move |ev: LambdaEvent<Value>| {
        let f = functions.clone();
        async move { f.invoke(ev.payload).await.map_err(lambda_runtime::Error::from) }
    }))
    .await
}

/// [`run`] on a new multi-thread runtime: the whole `main` of a bootstrap executable.
pub fn run_blocking() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("bootstrap: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bootstrap: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
