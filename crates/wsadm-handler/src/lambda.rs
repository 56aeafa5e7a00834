//! One function value that answers any event the chat stack's Lambdas receive: the
//! authorizer's REQUEST event or a WebSocket route event. The Lambda binary and the local
//! emulator both invoke it with the raw event JSON, configured from the function's environment.

use crate::auth::{allow_response, AuthConfig, Authorizer};
use crate::chat::{Chat, ChatConfig};
use crate::ports::{Gateway, SystemClock};
use aws_lambda_events::apigw::{ApiGatewayCustomAuthorizerRequestTypeRequest, ApiGatewayWebsocketProxyRequest};
use serde_json::Value;
use std::sync::Arc;
use wsadm_core::store::SessionStore;

/// Why an invocation failed (what Lambda reports as the function error).
#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    /// The authorizer's rejection: API Gateway answers 401.
    #[error("Unauthorized")]
    Unauthorized,
    #[error("this function is not configured for {0} events: {1}")]
    NotConfigured(&'static str, String),
    #[error("cannot parse the event: {0}")]
    BadEvent(String),
}

pub struct Functions<G: Gateway> {
    chat: Result<Chat<SessionStore, G, SystemClock>, String>,
    authorizer: Result<Arc<Authorizer>, String>,
}

impl<G: Gateway> Functions<G> {
    /// Builds whatever the environment configures: the chat handlers need `WSADM_TABLE`, the
    /// authorizer needs one of the `WSADM_JWT_*`/`WSADM_JWKS_*` key settings. A secret in Secrets
    /// Manager is read through `sdk`, starting now (cold start) when a Tokio runtime is running.
    pub fn from_env(get: impl Fn(&str) -> Option<String>, sdk: &aws_config::SdkConfig, gateway: G) -> Self {
        let chat = match (get("WSADM_TABLE").filter(|t| !t.is_empty()), ChatConfig::from_env(&get)) {
            (Some(table), Ok(cfg)) => {
                Ok(Chat::new(SessionStore::new(aws_sdk_dynamodb::Client::new(sdk), table), gateway, SystemClock, cfg))
            }
            (None, _) => Err("WSADM_TABLE is not set".to_string()),
            (_, Err(e)) => Err(e.to_string()),
        };
        let authorizer = AuthConfig::from_env(&get)
            .and_then(|config| Authorizer::with_sdk(config, sdk))
            .map(Arc::new)
            .map_err(|e| e.to_string());
        if let (Ok(auth), Ok(runtime)) = (&authorizer, tokio::runtime::Handle::try_current()) {
            if auth.secret_cache().is_some() {
                let auth = auth.clone();
                // The outcome is logged by the cache; the first `$connect` waits for this read.
                runtime.spawn(async move { auth.warm_up().await });
            }
        }
        Functions { chat, authorizer }
    }

    /// Answers one event, as the Lambda function would.
    pub async fn invoke(&self, event: Value) -> Result<Value, InvokeError> {
        let is_authorizer =
            event.get("methodArn").is_some() && event.get("type").and_then(Value::as_str) == Some("REQUEST");
        if is_authorizer {
            let auth = self.authorizer.as_ref().map_err(|e| InvokeError::NotConfigured("authorizer", e.clone()))?;
            let req: ApiGatewayCustomAuthorizerRequestTypeRequest =
                serde_json::from_value(event).map_err(|e| InvokeError::BadEvent(e.to_string()))?;
            let arn = req.method_arn.clone().unwrap_or_default();
            let allowed = auth.authorize(&req).await.map_err(|_| InvokeError::Unauthorized)?;
            return serde_json::to_value(allow_response(&allowed, &arn))
                .map_err(|e| InvokeError::BadEvent(e.to_string()));
        }
        let chat = self.chat.as_ref().map_err(|e| InvokeError::NotConfigured("WebSocket route", e.clone()))?;
        let ev: ApiGatewayWebsocketProxyRequest =
            serde_json::from_value(event).map_err(|e| InvokeError::BadEvent(e.to_string()))?;
        let resp = chat.handle(&ev).await.into_response();
        serde_json::to_value(resp).map_err(|e| InvokeError::BadEvent(e.to_string()))
    }
}
