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
/// From a custom domain (`host[/basePath]`, scheme optional): `https://host[/basePath]` (`http://`
/// when the API endpoint is `ws://`: a local stack without TLS); the base path mapping selects
/// the stage, so the stage is not appended.
pub fn management_endpoint(api_endpoint: &str, stage: &str, domain: Option<&str>) -> Result<Url, Error> {
    let raw = match domain {
        Some(d) => {
            let d = d.trim_end_matches('/');
            if d.contains("://") {
                d.to_string()
            } else if api_endpoint.starts_with("ws://") {
                format!("http://{d}")
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
    let mapped = match args.domain.as_deref() {
        Some(d) => domain_stage(aws, d, &api_id, args.stage.as_deref()).await?,
        None => None,
    };
    let stage = match mapped {
        Some(s) => s,
        None => resolve_stage(aws, &api_id, args.stage.as_deref()).await?,
    };
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

/// `--domain [SCHEME://]HOST[:PORT][/BASEPATH]` split into the domain name and the base path
/// (API Gateway ignores the port and compares base paths without slashes). None for an IP
/// address: no custom domain name is one.
pub fn split_domain(domain: &str) -> Option<(String, String)> {
    let rest = domain.split_once("://").map_or(domain, |(_, r)| r);
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() || host.starts_with('[') || host.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    Some((host, path.trim_matches('/').to_string()))
}

/// With `--domain` naming a custom domain name of the region: the stage its API mapping for
/// the base path serves, checked against the API (and `--stage`), so a wrong base path is a
/// clear error before any @connections call. None when it cannot be checked (an IP address,
/// or no permission to read domain names).
async fn domain_stage(aws: &Aws, domain: &str, api_id: &str, stage: Option<&str>) -> Result<Option<String>, Error> {
    let Some((name, base_path)) = split_domain(domain) else { return Ok(None) };
    let client = aws.apigw();
    let mut mappings = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = match client.get_api_mappings().domain_name(&name).set_next_token(token).send().await.ctx("GetApiMappings") {
            Ok(p) => p,
            Err(Error::Service { code, .. }) if code == "NotFoundException" => {
                return Err(Error::invalid(
                    format!("--domain {domain}: {name} is not a custom domain name in {}", aws.region()),
                    "list them with `aws apigatewayv2 get-domain-names`; --domain takes HOST[/BASEPATH] of a domain name mapped to the API",
                ))
            }
            Err(Error::AccessDenied { .. }) => {
                tracing::info!("cannot read the API mappings of {name} (access denied): --domain is not checked");
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        mappings.extend(page.items().iter().cloned());
        token = page.next_token().map(str::to_string).filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    let key = |m: &aws_sdk_apigatewayv2::types::ApiMapping| m.api_mapping_key().unwrap_or_default().to_string();
    let Some(m) = mappings.iter().find(|m| key(m) == base_path) else {
        let mut known: Vec<String> = mappings
            .iter()
            .map(|m| {
                format!(
                    "`{name}/{}` -> API {} stage {}",
                    key(m),
                    m.api_id().unwrap_or_default(),
                    m.stage().unwrap_or_default()
                )
            })
            .collect();
        known.sort();
        let shown = if base_path.is_empty() { "(none)".to_string() } else { format!("`{base_path}`") };
        return Err(Error::invalid(
            format!("--domain {domain}: {name} has no API mapping for the base path {shown}"),
            if known.is_empty() {
                format!("{name} has no API mappings: create one with `aws apigatewayv2 create-api-mapping`")
            } else {
                format!("its mappings: {}", known.join(", "))
            },
        ));
    };
    let (mapped_api, mapped_stage) = (m.api_id().unwrap_or_default(), m.stage().unwrap_or_default());
    if mapped_api != api_id {
        return Err(Error::invalid(
            format!("--domain {domain} serves API {mapped_api} (stage {mapped_stage}), not {api_id}"),
            "check --api, or the base path in --domain",
        ));
    }
    if let Some(s) = stage.filter(|s| *s != mapped_stage) {
        return Err(Error::invalid(
            format!("--domain {domain} serves stage {mapped_stage}, not --stage {s}"),
            format!("drop --stage, or pass --stage {mapped_stage}"),
        ));
    }
    Ok(Some(mapped_stage.to_string()))
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
        let u = management_endpoint("ws://127.0.0.1:4510/apis/abc", "prod", Some("chat.localhost:4510/v1")).unwrap();
        assert_eq!(u.as_str(), "http://chat.localhost:4510/v1");
        assert!(management_endpoint("", "prod", None).is_err());
    }

    #[test]
    fn domains_split_into_name_and_base_path() {
        let s = |d: &str| split_domain(d);
        assert_eq!(s("chat.example.com/v1"), Some(("chat.example.com".into(), "v1".into())));
        assert_eq!(s("https://Chat.localhost:4510/v1/chat/"), Some(("chat.localhost".into(), "v1/chat".into())));
        assert_eq!(s("chat.localhost:4510"), Some(("chat.localhost".into(), String::new())));
        assert_eq!(s("http://127.0.0.1:4510/apis/x/prod"), None);
        assert_eq!(s("[::1]:80/v1"), None);
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
