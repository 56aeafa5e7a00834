//! The Lambda `bootstrap`: one binary for the connect, disconnect, chat and authorizer
//! functions; each is configured by its environment (see the README).

use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;
use std::sync::Arc;
use wsadm_handler::lambda::Functions;
use wsadm_handler::ports::ManagementGateway;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WSADM_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_current_span(false)
        .without_time() // CloudWatch stamps every line
        .init();
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let functions = Arc::new(Functions::from_env(|k| std::env::var(k).ok(), &sdk, ManagementGateway::new(sdk.clone())));
    lambda_runtime::run(service_fn(move |ev: LambdaEvent<Value>| {
        let f = functions.clone();
        async move { f.invoke(ev.payload).await.map_err(lambda_runtime::Error::from) }
    }))
    .await
}
