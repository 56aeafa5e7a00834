//! Which API, stage, management endpoint and session table a command works on.

use crate::error::ApiRef;
use crate::{apigw, Aws, AwsResultExt, Error};
use aws_sdk_apigatewayv2::types::Api;
use std::collections::HashMap;
use url::Url;

/// Tag naming the wsadm stack an API (or any resource) belongs to; written by provision.
pub const TAG_STACK: &str = "wsadm:stack";
/// Tag on the API naming its session table; written by provision.
pub const TAG_TABLE: &str = "wsadm:table";

/// The target options as given (flags or WSADM_* environment).
#[derive(Debug, Clone, Default)]
pub struct TargetArgs {
    pub api: Option<String>,
    pub stage: Option<String>,
    /// Custom domain (optionally with base path) serving the stage: `chat.example.com/v1`.
    pub domain: Option<String>,
    pub table: Option<String>,
}

/// A resolved WebSocket API and stage.
#[derive(Debug, Clone)]
pub struct Target {
    pub api_id: String,
    pub api_name: String,
    pub api_endpoint: String,
    pub stage: String,
    pub management_endpoint: Url,
    /// The session table: `--table`, else the API's `wsadm:table` tag.
    pub table: Option<String>,
    pub tags: HashMap<String, String>,
}

fn api_ref(a: &Api) -> ApiRef {
    ApiRef {
        id: a.api_id().unwrap_or_default().to_string(),
        name: a.name().unwrap_or_default().to_string(),
        endpoint: a.api_endpoint().unwrap_or_default().to_string(),
    }
}

/// Finds one WebSocket API by id or by name among `apis`. Pure, for tests.
pub fn pick_api(apis: &[Api], query: &str) -> Result<Api, Error> {
    if let Some(a) = apis.iter().find(|a| a.api_id() == Some(query)) {
        return Ok(a.clone());
    }
    let by_name: Vec<&Api> = apis.iter().filter(|a| a.name() == Some(query)).collect();
    match by_name.len() {
        1 => Ok(by_name[0].clone()),
        0 => {
            let mut available: Vec<String> = apis
                .iter()
                .map(|a| format!("{} ({})", a.name().unwrap_or_default(), a.api_id().unwrap_or_default()))
                .collect();
            available.sort();
            available.truncate(20);
            Err(Error::ApiNotFound { query: query.to_string(), available })
        }
        _ => {
            Err(Error::AmbiguousApi { name: query.to_string(), candidates: by_name.into_iter().map(api_ref).collect() })
        }
    }
}

/// Resolves `query` (an API id or name) to a WebSocket API.
pub async fn resolve_api(aws: &Aws, query: &str) -> Result<Api, Error> {
    let client = aws.apigw();
    let all = apigw::all_apis(&client).await?;
    // An HTTP API named or id'd by the query gets a clearer error than "not found".
    let ws_has_name = all.iter().any(|a| apigw::is_websocket(a) && a.name() == Some(query));
    let other = all
        .iter()
        .filter(|a| !apigw::is_websocket(a))
        .find(|a| a.api_id() == Some(query) || (!ws_has_name && a.name() == Some(query)));
    if let Some(a) = other {
        return Err(Error::NotWebSocket {
            id: a.api_id().unwrap_or_default().to_string(),
            name: a.name().unwrap_or_default().to_string(),
            protocol: a.protocol_type().map(|p| p.as_str().to_string()).unwrap_or_default(),
        });
    }
    let ws: Vec<Api> = all.into_iter().filter(apigw::is_websocket).collect();
    pick_api(&ws, query)
}

/// The @connections endpoint of a stage — the one place it is derived.
///
/// From the API endpoint: `wss://` becomes `https://`, `ws://` becomes `http://`, then `/{stage}`.
/// From a custom domain (`host[/basePath]`, scheme optional): `https://host[/basePath]`; the
/// base path mapping selects the stage, so the stage is not appended.
pub fn management_endpoint(api_endpoint: &str, stage: &str, domain: Option<&str>) -> Result<Url, Error> {
    let raw = match domain {
        Some(d) => {
            let d = d.trim_end_matches('/');
            if d.contains("://") {
                d.to_string()
            } else {
                format!("https://{d}")
            }
        }
        None => {
            let base = api_endpoint.trim_end_matches('/');
            let http = if let Some(rest) = base.strip_prefix("wss://") {
                format!("https://{rest}")
            } else if let Some(rest) = base.strip_prefix("ws://") {
                format!("http://{rest}")
            } else {
                base.to_string()
            };
            format!("{http}/{stage}")
        }
    };
    Url::parse(&raw).map_err(|e| {
        Error::invalid(
            format!("cannot make a management endpoint from `{raw}`: {e}"),
            "pass --domain HOST[/BASEPATH] for a custom domain, or check the API's endpoint",
        )
    })
}

/// Resolves API, stage, management endpoint and table. A missing stage defaults to the
/// API's only stage.
pub async fn resolve(aws: &Aws, args: &TargetArgs) -> Result<Target, Error> {
    let query = args.api.as_deref().ok_or(Error::MissingApi)?;
    let api = resolve_api(aws, query).await?;
    let api_id = api.api_id().unwrap_or_default().to_string();
    let stage = resolve_stage(aws, &api_id, args.stage.as_deref()).await?;
    let api_endpoint = api.api_endpoint().unwrap_or_default().to_string();
    let management_endpoint = management_endpoint(&api_endpoint, &stage, args.domain.as_deref())?;
    let tags = api.tags().cloned().unwrap_or_default();
    let table = args.table.clone().or_else(|| tags.get(TAG_TABLE).cloned());
    Ok(Target {
        api_id,
        api_name: api.name().unwrap_or_default().to_string(),
        api_endpoint,
        stage,
        management_endpoint,
        table,
        tags,
    })
}

/// Checks that `stage` exists on the API (or picks the only one when none is given).
pub async fn resolve_stage(aws: &Aws, api_id: &str, stage: Option<&str>) -> Result<String, Error> {
    let client = aws.apigw();
    if let Some(s) = stage {
        match client.get_stage().api_id(api_id).stage_name(s).send().await.ctx("GetStage") {
            Ok(_) => return Ok(s.to_string()),
            Err(Error::Service { code, .. }) if code == "NotFoundException" => {}
            Err(e) => return Err(e),
        }
    }
    let mut available: Vec<String> =
        apigw::stages(&client, api_id).await?.iter().map(|s| s.stage_name().unwrap_or_default().to_string()).collect();
    available.sort();
    match stage {
        Some(s) => Err(Error::StageNotFound { api: api_id.to_string(), stage: s.to_string(), available }),
        None if available.len() == 1 => Ok(available.remove(0)),
        None => Err(Error::MissingStage { api: api_id.to_string(), available }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_apigatewayv2::types::ProtocolType;

    fn api(id: &str, name: &str) -> Api {
        Api::builder()
            .api_id(id)
            .name(name)
            .protocol_type(ProtocolType::Websocket)
            .route_selection_expression("$request.body.action")
            .api_endpoint(format!("wss://{id}.execute-api.us-east-1.amazonaws.com"))
            .build()
    }

    #[test]
    fn management_endpoint_rules() {
        let u = management_endpoint("wss://abc123.execute-api.eu-west-1.amazonaws.com", "prod", None).unwrap();
        assert_eq!(u.as_str(), "https://abc123.execute-api.eu-west-1.amazonaws.com/prod");
        let u = management_endpoint("ws://127.0.0.1:4510/apis/abc123/", "dev", None).unwrap();
        assert_eq!(u.as_str(), "http://127.0.0.1:4510/apis/abc123/dev");
        let u = management_endpoint("wss://x", "prod", Some("chat.example.com/v1")).unwrap();
        assert_eq!(u.as_str(), "https://chat.example.com/v1");
        let u = management_endpoint("wss://x", "prod", Some("chat.example.com")).unwrap();
        assert_eq!(u.as_str(), "https://chat.example.com/");
        assert!(management_endpoint("", "prod", None).is_err());
    }

    #[test]
    fn picks_by_id_then_unique_name() {
        let apis = vec![api("a1", "chat"), api("a2", "chat"), api("b1", "ops")];
        assert_eq!(pick_api(&apis, "a2").unwrap().api_id(), Some("a2"));
        assert_eq!(pick_api(&apis, "ops").unwrap().api_id(), Some("b1"));
        match pick_api(&apis, "chat") {
            Err(Error::AmbiguousApi { candidates, .. }) => {
                let ids: Vec<_> = candidates.iter().map(|c| c.id.as_str()).collect();
                assert_eq!(ids, vec!["a1", "a2"]);
            }
            other => panic!("expected ambiguity, got {other:?}"),
        }
        match pick_api(&apis, "nope") {
            Err(Error::ApiNotFound { available, .. }) => assert_eq!(available.len(), 3),
            other => panic!("expected not found, got {other:?}"),
        }
    }
}
