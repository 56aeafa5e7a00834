//! Custom domain names and their API mappings (`/v2/domainnames/...`), and the lookup the data
//! plane and @connections use to route a request by its Host header, as API Gateway does:
//! `wss://{domain}/{basePath}` is the mapped API and stage.

use super::errors::{bad, conflict, not_found, ApiError, Result};
use super::ids::{new_id, API_ID_LEN, CHILD_ID_LEN};
use super::paging::{page, Page};
use super::store::ControlPlane;
use super::tags::validate_tags;
use super::wire::{json, no_content, parse_body, required, Query, Reply};
use hyper::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What every v2 domain name answers: mappings are chosen by base path.
const API_MAPPING_SELECTION_EXPRESSION: &str = "$request.basepath";

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DomainNameConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_gateway_domain_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_name_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosted_zone_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_policy: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DomainName {
    pub domain_name: String,
    pub domain_name_arn: String,
    pub api_mapping_selection_expression: String,
    pub domain_name_configurations: Vec<DomainNameConfiguration>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ApiMapping {
    pub api_id: String,
    pub api_mapping_id: String,
    pub api_mapping_key: String,
    pub stage: String,
}

/// One domain name and its mappings (by mapping id).
#[derive(Debug, Clone, Default)]
pub struct DomainState {
    pub domain: DomainName,
    pub mappings: BTreeMap<String, ApiMapping>,
}

/// Where a request to a custom domain goes.
#[derive(Debug, Clone, PartialEq)]
pub struct DomainRoute {
    pub api_id: String,
    pub stage: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DomainInput {
    domain_name: Option<String>,
    domain_name_configurations: Option<Vec<DomainNameConfiguration>>,
    mutual_tls_authentication: Option<serde_json::Value>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MappingInput {
    api_id: Option<String>,
    api_mapping_key: Option<String>,
    stage: Option<String>,
}

pub(super) fn domain_not_found(name: &str) -> ApiError {
    not_found(format!("Invalid domain name identifier specified {name}"))
}

fn mapping_not_found(id: &str) -> ApiError {
    not_found(format!("Invalid ApiMapping identifier specified {id}"))
}

impl ControlPlane {
    pub(super) fn create_domain_name(&self, body: &[u8]) -> Result<Reply> {
        let input: DomainInput = parse_body(body)?;
        let name = required(input.domain_name, "domainName")?;
        validate_domain_name(&name)?;
        if input.mutual_tls_authentication.is_some_and(|m| !m.is_null()) {
            return Err(bad("Mutual TLS authentication is not supported by wsadm local"));
        }
        let config = self.domain_configuration(input.domain_name_configurations.unwrap_or_default(), None)?;
        let tags = input.tags.unwrap_or_default();
        validate_tags(&tags)?;
        let mut domains = self.domains_write();
        if domains.contains_key(&name) {
            return Err(conflict(format!("The domain name you provided already exists: {name}")));
        }
        let domain = DomainName {
            domain_name_arn: self.domain_arn(&name),
            domain_name: name.clone(),
            api_mapping_selection_expression: API_MAPPING_SELECTION_EXPRESSION.into(),
            domain_name_configurations: vec![config],
            tags,
        };
        domains.insert(name, DomainState { domain: domain.clone(), mappings: BTreeMap::new() });
        Ok(json(StatusCode::CREATED, &domain))
    }

    pub(super) fn get_domain_names(&self, q: &Query) -> Result<Reply> {
        let domains = self.domains_read();
        let (items, next_token) = page(&domains, q)?;
        let items: Vec<&DomainName> = items.into_iter().map(|s| &s.domain).collect();
        Ok(json(StatusCode::OK, &Page { items, next_token }))
    }

    pub(super) fn get_domain_name(&self, name: &str) -> Result<Reply> {
        let domains = self.domains_read();
        let state = domains.get(name).ok_or_else(|| domain_not_found(name))?;
        Ok(json(StatusCode::OK, &state.domain))
    }

    /// Only the configuration (certificate, security policy) changes; the name cannot.
    pub(super) fn update_domain_name(&self, name: &str, body: &[u8]) -> Result<Reply> {
        let input: DomainInput = parse_body(body)?;
        if input.mutual_tls_authentication.is_some_and(|m| !m.is_null()) {
            return Err(bad("Mutual TLS authentication is not supported by wsadm local"));
        }
        let mut domains = self.domains_write();
        let state = domains.get_mut(name).ok_or_else(|| domain_not_found(name))?;
        if let Some(configs) = input.domain_name_configurations {
            let current = state.domain.domain_name_configurations.first().cloned();
            state.domain.domain_name_configurations = vec![self.domain_configuration(configs, current)?];
        }
        Ok(json(StatusCode::OK, &state.domain))
    }

    /// Its API mappings go with it, as on AWS.
    pub(super) fn delete_domain_name(&self, name: &str) -> Result<Reply> {
        self.domains_write().remove(name).map(|_| no_content()).ok_or_else(|| domain_not_found(name))
    }

    pub(super) fn create_api_mapping(&self, name: &str, body: &[u8]) -> Result<Reply> {
        let input: MappingInput = parse_body(body)?;
        let api_id = required(input.api_id, "apiId")?;
        let stage = required(input.stage, "stage")?;
        let key = input.api_mapping_key.unwrap_or_default();
        validate_mapping_key(&key)?;
        let apis = self.read();
        let mut domains = self.domains_write();
        let state = domains.get_mut(name).ok_or_else(|| domain_not_found(name))?;
        self.check_mapping_target(&apis, &api_id, &stage)?;
        check_key_free(state, &key, None)?;
        let id = new_id(CHILD_ID_LEN, |id| state.mappings.contains_key(id));
        let mapping = ApiMapping { api_id, api_mapping_id: id.clone(), api_mapping_key: key, stage };
        state.mappings.insert(id, mapping.clone());
        Ok(json(StatusCode::CREATED, &mapping))
    }

    pub(super) fn get_api_mappings(&self, name: &str, q: &Query) -> Result<Reply> {
        let domains = self.domains_read();
        let state = domains.get(name).ok_or_else(|| domain_not_found(name))?;
        let (items, next_token) = page(&state.mappings, q)?;
        Ok(json(StatusCode::OK, &Page { items, next_token }))
    }

    pub(super) fn get_api_mapping(&self, name: &str, id: &str) -> Result<Reply> {
        let domains = self.domains_read();
        let state = domains.get(name).ok_or_else(|| domain_not_found(name))?;
        let mapping = state.mappings.get(id).ok_or_else(|| mapping_not_found(id))?;
        Ok(json(StatusCode::OK, mapping))
    }

    pub(super) fn update_api_mapping(&self, name: &str, id: &str, body: &[u8]) -> Result<Reply> {
        let input: MappingInput = parse_body(body)?;
        // AWS requires apiId on every update.
        let api_id = required(input.api_id, "apiId")?;
        let apis = self.read();
        let mut domains = self.domains_write();
        let state = domains.get_mut(name).ok_or_else(|| domain_not_found(name))?;
        let mut mapping = state.mappings.get(id).cloned().ok_or_else(|| mapping_not_found(id))?;
        mapping.api_id = api_id;
        if let Some(stage) = input.stage {
            mapping.stage = stage;
        }
        if let Some(key) = input.api_mapping_key {
            validate_mapping_key(&key)?;
            mapping.api_mapping_key = key;
        }
        self.check_mapping_target(&apis, &mapping.api_id, &mapping.stage)?;
        check_key_free(state, &mapping.api_mapping_key, Some(id))?;
        state.mappings.insert(id.to_string(), mapping.clone());
        Ok(json(StatusCode::OK, &mapping))
    }

    pub(super) fn delete_api_mapping(&self, name: &str, id: &str) -> Result<Reply> {
        let mut domains = self.domains_write();
        let state = domains.get_mut(name).ok_or_else(|| domain_not_found(name))?;
        state.mappings.remove(id).map(|_| no_content()).ok_or_else(|| mapping_not_found(id))
    }

    /// The mappings naming this API (and stage, when given): AWS refuses to delete an API or
    /// stage a custom domain still serves. Callers hold the `apis` lock (lock order).
    pub(super) fn mapped_from(&self, api_id: &str, stage: Option<&str>) -> Vec<String> {
        self.domains_read()
            .values()
            .flat_map(|d| d.mappings.values().map(move |m| (d, m)))
            .filter(|(_, m)| m.api_id == api_id && stage.is_none_or(|s| s == m.stage))
            .map(|(d, m)| format!("{}/{}", d.domain.domain_name, m.api_mapping_key))
            .collect()
    }

    /// Routes a request by its Host header: None when the host is not a custom domain name
    /// here; `Some(None)` when it is but no mapping has this base path (AWS answers 403);
    /// else the mapped API and stage. `base_path` is the request path before the API's own
    /// part (the whole path of a WebSocket upgrade), compared without its slashes.
    pub fn route_custom_domain(&self, host: Option<&str>, base_path: &str) -> Option<Option<DomainRoute>> {
        let name = domain_of_host(host?)?;
        let domains = self.domains_read();
        let state = domains.get(&name)?;
        let key = base_path.trim_matches('/');
        Some(
            state
                .mappings
                .values()
                .find(|m| m.api_mapping_key == key)
                .map(|m| DomainRoute { api_id: m.api_id.clone(), stage: m.stage.clone() }),
        )
    }

    fn domain_arn(&self, name: &str) -> String {
        format!("arn:aws:apigateway:{}::/domainnames/{name}", self.region)
    }

    /// The one configuration a domain name has, as AWS fills it in; `current` keeps what an
    /// update leaves out.
    fn domain_configuration(
        &self,
        configs: Vec<DomainNameConfiguration>,
        current: Option<DomainNameConfiguration>,
    ) -> Result<DomainNameConfiguration> {
        let [input] = <[DomainNameConfiguration; 1]>::try_from(configs)
            .map_err(|_| bad("DomainNameConfigurations must hold exactly one configuration"))?;
        let current = current.unwrap_or_default();
        let endpoint = input.endpoint_type.or(current.endpoint_type).unwrap_or_else(|| "REGIONAL".into());
        match endpoint.as_str() {
            "REGIONAL" => {}
            "EDGE" => {
                return Err(bad("WebSocket APIs are served by REGIONAL domain names only; use EndpointType REGIONAL"))
            }
            other => return Err(bad(format!("Invalid EndpointType {other}: must be REGIONAL or EDGE"))),
        }
        let certificate_arn = input
            .certificate_arn
            .or(current.certificate_arn)
            .ok_or_else(|| bad("CertificateArn is required for a REGIONAL domain name"))?;
        if !certificate_arn.starts_with("arn:") {
            return Err(bad(format!("Invalid certificate ARN {certificate_arn}")));
        }
        let policy = input.security_policy.or(current.security_policy).unwrap_or_else(|| "TLS_1_2".into());
        if !matches!(policy.as_str(), "TLS_1_0" | "TLS_1_2") {
            return Err(bad(format!("Invalid SecurityPolicy {policy}: must be TLS_1_0 or TLS_1_2")));
        }
        let ip = input.ip_address_type.or(current.ip_address_type).unwrap_or_else(|| "ipv4".into());
        if !matches!(ip.as_str(), "ipv4" | "dualstack") {
            return Err(bad(format!("Invalid IpAddressType {ip}: must be ipv4 or dualstack")));
        }
        let target = current.api_gateway_domain_name.unwrap_or_else(|| {
            format!("d-{}.execute-api.{}.amazonaws.com", new_id(API_ID_LEN, |_| false), self.region)
        });
        Ok(DomainNameConfiguration {
            api_gateway_domain_name: Some(target),
            certificate_arn: Some(certificate_arn),
            certificate_name: input.certificate_name.or(current.certificate_name),
            domain_name_status: Some("AVAILABLE".into()),
            endpoint_type: Some(endpoint),
            hosted_zone_id: regional_hosted_zone(&self.region).map(str::to_string),
            ip_address_type: Some(ip),
            security_policy: Some(policy),
        })
    }

    fn check_mapping_target(
        &self,
        apis: &BTreeMap<String, crate::model::ApiState>,
        api_id: &str,
        stage: &str,
    ) -> Result<()> {
        let state = apis.get(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.stages.contains_key(stage) {
            // AWS answers a bad stage here with 400, not 404.
            return Err(bad(format!("Invalid stage identifier specified {stage}")));
        }
        Ok(())
    }
}

fn check_key_free(state: &DomainState, key: &str, except: Option<&str>) -> Result<()> {
    let taken = state.mappings.values().any(|m| m.api_mapping_key == key && Some(m.api_mapping_id.as_str()) != except);
    if taken {
        let shown = if key.is_empty() { "(none)" } else { key };
        return Err(conflict(format!(
            "ApiMapping key {shown} already exists for domain name {}",
            state.domain.domain_name
        )));
    }
    Ok(())
}

/// AWS's rule for domain names: lowercase labels of letters, digits and hyphens.
fn validate_domain_name(name: &str) -> Result<()> {
    let invalid = |why: &str| Err(bad(format!("Invalid domain name {name}: {why}")));
    if name.is_empty() || name.len() > 512 {
        return invalid("must be 1-512 characters");
    }
    if name.starts_with("*.") {
        return invalid("wildcard domain names are not supported by wsadm local");
    }
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        return invalid("uppercase letters are not supported");
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return invalid("use a fully qualified name such as chat.example.com (chat.localhost locally)");
    }
    for l in labels {
        let ok = (1..=63).contains(&l.len())
            && l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-');
        if !ok {
            return invalid("each label is 1-63 of a-z, 0-9 and -, not starting or ending with -");
        }
    }
    Ok(())
}

/// AWS's rule for API mapping keys: letters, digits and `$-_.+!*'()`, up to 300 characters,
/// levels separated by single slashes; "" maps the domain's root.
fn validate_mapping_key(key: &str) -> Result<()> {
    if key.is_empty() {
        return Ok(());
    }
    let ok = key.len() <= 300
        && key
            .split('/')
            .all(|seg| !seg.is_empty() && seg.chars().all(|c| c.is_ascii_alphanumeric() || "$-_.+!*'()".contains(c)));
    if ok {
        Ok(())
    } else {
        Err(bad(format!(
            "Invalid ApiMappingKey {key}: use up to 300 of letters, digits and $-_.+!*'(), levels separated by single slashes, no leading or trailing slash"
        )))
    }
}

/// The domain name a Host header names: port and trailing dot dropped, lowercased; None for
/// IP literals (a custom domain is a name).
fn domain_of_host(host: &str) -> Option<String> {
    let host = host.trim();
    if host.starts_with('[') {
        return None;
    }
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        Some(_) => return None,
        None => host,
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name.is_empty() || name.parse::<std::net::Ipv4Addr>().is_ok() {
        return None;
    }
    Some(name)
}

/// Route 53 hosted zones of API Gateway's regional endpoints (AWS's published table); other
/// regions get none.
fn regional_hosted_zone(region: &str) -> Option<&'static str> {
    Some(match region {
        "us-east-1" => "Z1UJRXOUMOOFQ8",
        "us-east-2" => "ZOJJZC49E0EPZ",
        "us-west-1" => "Z2MUQ32089INYE",
        "us-west-2" => "Z2OJLYMUO9EFXC",
        "eu-west-1" => "ZLY8HYME6SFDD",
        "eu-central-1" => "Z1U9ULNL0V5AJ3",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::errors::is_bad;
    use hyper::Method;
    use serde_json::{json, Value};

    fn call(cp: &ControlPlane, m: Method, path: &str, body: Value) -> (u16, Value) {
        let body = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
        let resp = cp.handle(&m, path, None, &body);
        let status = resp.status().as_u16();
        let bytes = futures::executor::block_on(http_body_util::BodyExt::collect(resp.into_body())).unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// A control plane with API `a` (stages prod and dev) and domain chat.localhost.
    fn setup() -> (ControlPlane, String) {
        let cp = ControlPlane::new("127.0.0.1:1", "us-east-1", "123456789012", false);
        let (s, api) = call(
            &cp,
            Method::POST,
            "/v2/apis",
            json!({"name": "chat", "protocolType": "WEBSOCKET", "routeSelectionExpression": "$request.body.action"}),
        );
        assert_eq!(s, 201);
        let id = api["apiId"].as_str().unwrap().to_string();
        for st in ["prod", "dev"] {
            assert_eq!(call(&cp, Method::POST, &format!("/v2/apis/{id}/stages"), json!({"stageName": st})).0, 201);
        }
        let cert = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
        let (s, d) = call(
            &cp,
            Method::POST,
            "/v2/domainnames",
            json!({"domainName": "chat.localhost", "domainNameConfigurations": [{"certificateArn": cert, "endpointType": "REGIONAL"}], "tags": {"team": "chat"}}),
        );
        assert_eq!(s, 201, "{d}");
        let c = &d["domainNameConfigurations"][0];
        assert!(c["apiGatewayDomainName"].as_str().unwrap().starts_with("d-"), "{d}");
        assert!(c["apiGatewayDomainName"].as_str().unwrap().ends_with(".execute-api.us-east-1.amazonaws.com"));
        assert_eq!(
            (&c["hostedZoneId"], &c["domainNameStatus"], &c["securityPolicy"], &c["certificateArn"]),
            (&json!("Z1UJRXOUMOOFQ8"), &json!("AVAILABLE"), &json!("TLS_1_2"), &json!(cert))
        );
        assert_eq!(d["apiMappingSelectionExpression"], "$request.basepath");
        assert_eq!(d["domainNameArn"], "arn:aws:apigateway:us-east-1::/domainnames/chat.localhost");
        (cp, id)
    }

    #[test]
    fn domain_names_crud_and_errors() {
        let (cp, _) = setup();
        let cert = json!([{"certificateArn": "arn:aws:acm:us-east-1:1:certificate/x"}]);
        // Duplicate, bad names, bad configurations.
        let (s, e) = call(
            &cp,
            Method::POST,
            "/v2/domainnames",
            json!({"domainName": "chat.localhost", "domainNameConfigurations": cert}),
        );
        assert_eq!(s, 409, "{e}");
        for (name, configs) in [
            ("Chat.localhost", cert.clone()),
            ("localhost", cert.clone()),
            ("a..b", cert.clone()),
            ("-a.b", cert.clone()),
            ("ok.localhost", json!([])),
            ("ok.localhost", json!([{}])),
            ("ok.localhost", json!([{"certificateArn": "arn:x", "endpointType": "EDGE"}])),
            ("ok.localhost", json!([{"certificateArn": "arn:x", "securityPolicy": "TLS_9"}])),
        ] {
            let (s, e) = call(
                &cp,
                Method::POST,
                "/v2/domainnames",
                json!({"domainName": name, "domainNameConfigurations": configs}),
            );
            assert_eq!(s, 400, "{name} {e}");
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        assert_eq!(call(&cp, Method::POST, "/v2/domainnames", json!({})).0, 400);
        // Reads, paging.
        let (s, d) = call(&cp, Method::GET, "/v2/domainnames/chat.localhost", Value::Null);
        assert_eq!((s, d["tags"]["team"].as_str()), (200, Some("chat")));
        assert_eq!(call(&cp, Method::GET, "/v2/domainnames/nope.localhost", Value::Null).0, 404);
        call(
            &cp,
            Method::POST,
            "/v2/domainnames",
            json!({"domainName": "b.localhost", "domainNameConfigurations": cert}),
        );
        let resp = cp.handle(&Method::GET, "/v2/domainnames", Some("maxResults=1"), b"");
        let bytes = futures::executor::block_on(http_body_util::BodyExt::collect(resp.into_body())).unwrap().to_bytes();
        let page1: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(page1["items"][0]["domainName"], "b.localhost");
        let token = page1["nextToken"].as_str().unwrap();
        let resp = cp.handle(&Method::GET, "/v2/domainnames", Some(&format!("maxResults=1&nextToken={token}")), b"");
        let bytes = futures::executor::block_on(http_body_util::BodyExt::collect(resp.into_body())).unwrap().to_bytes();
        let page2: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(page2["items"][0]["domainName"], "chat.localhost");
        assert!(page2.get("nextToken").is_none());
        // Update keeps the generated target, changes the policy.
        let (_, before) = call(&cp, Method::GET, "/v2/domainnames/chat.localhost", Value::Null);
        let (s, after) = call(
            &cp,
            Method::PATCH,
            "/v2/domainnames/chat.localhost",
            json!({"domainNameConfigurations": [{"securityPolicy": "TLS_1_0"}]}),
        );
        assert_eq!(s, 200, "{after}");
        let (b, a) = (&before["domainNameConfigurations"][0], &after["domainNameConfigurations"][0]);
        assert_eq!(
            (&a["apiGatewayDomainName"], &a["certificateArn"]),
            (&b["apiGatewayDomainName"], &b["certificateArn"])
        );
        assert_eq!(a["securityPolicy"], "TLS_1_0");
        // Delete.
        assert_eq!(call(&cp, Method::DELETE, "/v2/domainnames/b.localhost", Value::Null).0, 204);
        assert_eq!(call(&cp, Method::DELETE, "/v2/domainnames/b.localhost", Value::Null).0, 404);
    }

    #[test]
    fn api_mappings_crud_errors_and_routing() {
        let (cp, api) = setup();
        let base = "/v2/domainnames/chat.localhost/apimappings";
        let (s, m) = call(&cp, Method::POST, base, json!({"apiId": api, "stage": "prod", "apiMappingKey": "v1"}));
        assert_eq!(s, 201, "{m}");
        let id = m["apiMappingId"].as_str().unwrap().to_string();
        assert_eq!(
            (m["apiId"].as_str(), m["stage"].as_str(), m["apiMappingKey"].as_str()),
            (Some(&*api), Some("prod"), Some("v1"))
        );
        // Root mapping: no key.
        let (s, root) = call(&cp, Method::POST, base, json!({"apiId": api, "stage": "dev"}));
        assert_eq!((s, root["apiMappingKey"].as_str()), (201, Some("")));
        // Errors: duplicate key, unknown API (404), unknown stage (400), unknown domain, bad key, missing fields.
        assert_eq!(call(&cp, Method::POST, base, json!({"apiId": api, "stage": "dev", "apiMappingKey": "v1"})).0, 409);
        assert_eq!(
            call(&cp, Method::POST, base, json!({"apiId": "nope", "stage": "prod", "apiMappingKey": "x"})).0,
            404
        );
        let (s, e) = call(&cp, Method::POST, base, json!({"apiId": api, "stage": "nope", "apiMappingKey": "x"}));
        assert_eq!(s, 400, "{e}");
        assert!(e["message"].as_str().unwrap().contains("stage"), "{e}");
        assert_eq!(
            call(&cp, Method::POST, "/v2/domainnames/no.localhost/apimappings", json!({"apiId": api, "stage": "prod"}))
                .0,
            404
        );
        for key in ["/v1", "v1/", "a//b", "a b", "é"] {
            assert_eq!(
                call(&cp, Method::POST, base, json!({"apiId": api, "stage": "prod", "apiMappingKey": key})).0,
                400,
                "{key}"
            );
        }
        assert_eq!(call(&cp, Method::POST, base, json!({"stage": "prod"})).0, 400);
        assert_eq!(call(&cp, Method::POST, base, json!({"apiId": api})).0, 400);

        // Routing by Host: port and case ignored; unknown base path -> Some(None); other hosts -> None.
        let prod = Some(Some(DomainRoute { api_id: api.clone(), stage: "prod".into() }));
        assert_eq!(cp.route_custom_domain(Some("chat.localhost:4510"), "/v1"), prod);
        assert_eq!(cp.route_custom_domain(Some("CHAT.localhost."), "/v1/"), prod);
        assert_eq!(
            cp.route_custom_domain(Some("chat.localhost"), "/").flatten().map(|r| r.stage),
            Some("dev".to_string())
        );
        assert_eq!(cp.route_custom_domain(Some("chat.localhost:1"), "/v2"), Some(None));
        assert_eq!(cp.route_custom_domain(Some("127.0.0.1:4510"), "/v1"), None);
        assert_eq!(cp.route_custom_domain(Some("other.localhost"), "/v1"), None);
        assert_eq!(cp.route_custom_domain(None, "/v1"), None);

        // Reads and update.
        let (s, list) = call(&cp, Method::GET, base, Value::Null);
        assert_eq!((s, list["items"].as_array().unwrap().len()), (200, 2));
        assert_eq!(call(&cp, Method::GET, &format!("{base}/{id}"), Value::Null).1["apiMappingKey"], "v1");
        assert_eq!(call(&cp, Method::GET, &format!("{base}/nope"), Value::Null).0, 404);
        // apiId is required on update; a key taken by another mapping is a conflict.
        assert_eq!(call(&cp, Method::PATCH, &format!("{base}/{id}"), json!({"apiMappingKey": "v2"})).0, 400);
        assert_eq!(
            call(&cp, Method::PATCH, &format!("{base}/{id}"), json!({"apiId": api, "apiMappingKey": ""})).0,
            409
        );
        let (s, m) = call(
            &cp,
            Method::PATCH,
            &format!("{base}/{id}"),
            json!({"apiId": api, "apiMappingKey": "v2", "stage": "dev"}),
        );
        assert_eq!((s, m["apiMappingKey"].as_str(), m["stage"].as_str()), (200, Some("v2"), Some("dev")));
        assert_eq!(cp.route_custom_domain(Some("chat.localhost"), "v1"), Some(None));

        // An API or stage a mapping serves cannot be deleted; the domain goes with its mappings.
        let (s, e) = call(&cp, Method::DELETE, &format!("/v2/apis/{api}"), Value::Null);
        assert_eq!(s, 400, "{e}");
        assert!(e["message"].as_str().unwrap().contains("API mappings"), "{e}");
        assert_eq!(call(&cp, Method::DELETE, &format!("/v2/apis/{api}/stages/dev"), Value::Null).0, 400);
        assert_eq!(call(&cp, Method::DELETE, &format!("{base}/{id}"), Value::Null).0, 204);
        assert_eq!(call(&cp, Method::DELETE, &format!("{base}/{id}"), Value::Null).0, 404);
        assert_eq!(call(&cp, Method::DELETE, "/v2/domainnames/chat.localhost", Value::Null).0, 204);
        assert_eq!(cp.route_custom_domain(Some("chat.localhost"), ""), None);
        assert_eq!(call(&cp, Method::DELETE, &format!("/v2/apis/{api}"), Value::Null).0, 204);
    }

    #[test]
    fn names_keys_and_hosts() {
        assert!(validate_domain_name("chat.example.com").is_ok());
        assert!(validate_domain_name("chat-1.localhost").is_ok());
        assert!(is_bad(validate_domain_name("*.example.com")));
        assert!(is_bad(validate_domain_name("chat_1.example.com")));
        assert!(validate_mapping_key("").is_ok());
        assert!(validate_mapping_key("v1/chat").is_ok());
        assert!(validate_mapping_key("$-_.+!*'()").is_ok());
        assert!(is_bad(validate_mapping_key(&"a".repeat(301))));
        assert_eq!(domain_of_host("Chat.Localhost:80").as_deref(), Some("chat.localhost"));
        assert_eq!(domain_of_host("[::1]:80"), None);
        assert_eq!(domain_of_host("127.0.0.1"), None);
        assert_eq!(domain_of_host("a.b:x"), None);
        assert_eq!(regional_hosted_zone("mars-1"), None);
    }
}
