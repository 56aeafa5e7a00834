//! The API Gateway v2 control plane (REST-JSON under `/v2/...`) for WebSocket APIs, kept in
//! memory. Request and response shapes, status codes and error types follow AWS, so the AWS
//! SDKs, boto3 and the AWS CLI work against it unchanged. HTTP APIs are stored too, with
//! lighter validation: only WebSocket APIs are served by the data plane.

use crate::model::{
    AccessLogSettings, Api, ApiState, Authorizer, Deployment, Integration, Route, RouteResponse, RouteSettings, Stage,
};
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use hyper::{Method, Response, StatusCode};
use rand::Rng;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

const WEBSOCKET: &str = "WEBSOCKET";
const HTTP: &str = "HTTP";
const API_ID_LEN: usize = 10;
const CHILD_ID_LEN: usize = 7;
const DEFAULT_PAGE_SIZE: usize = 100;
const MAX_PAGE_SIZE: usize = 100;
/// AWS's limit on an integration's timeout for WebSocket APIs (HTTP APIs allow 30 s).
const WS_MAX_TIMEOUT_MS: i32 = 29_000;
const HTTP_ROUTE_SELECTION_EXPRESSION: &str = "${request.method} ${request.path}";
const DEFAULT_API_KEY_SELECTION_EXPRESSION: &str = "$request.header.x-api-key";

/// A control-plane error, rendered as AWS renders it: `x-amzn-ErrorType` plus `{"message"}`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
}

impl ApiError {
    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
        }
    }

    fn error_type(&self) -> &'static str {
        match self {
            ApiError::BadRequest(_) => "BadRequestException",
            ApiError::NotFound(_) => "NotFoundException",
            ApiError::Conflict(_) => "ConflictException",
        }
    }
}

type Result<T> = std::result::Result<T, ApiError>;

fn bad(msg: impl Into<String>) -> ApiError {
    ApiError::BadRequest(msg.into())
}

fn not_found(msg: impl Into<String>) -> ApiError {
    ApiError::NotFound(msg.into())
}

fn conflict(msg: impl Into<String>) -> ApiError {
    ApiError::Conflict(msg.into())
}

/// A successful answer: status and JSON body (empty for 204).
struct Reply {
    status: StatusCode,
    body: Vec<u8>,
}

fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Reply {
    // Serializing our own model types cannot fail (string-keyed maps only); `{}` is a safe fallback.
    Reply { status, body: serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec()) }
}

fn no_content() -> Reply {
    Reply { status: StatusCode::NO_CONTENT, body: Vec::new() }
}

fn respond(status: StatusCode, body: Vec<u8>, error_type: Option<&'static str>) -> Response<Full<Bytes>> {
    let has_body = !body.is_empty();
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    if has_body {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    if let Some(t) = error_type {
        headers.insert(HeaderName::from_static("x-amzn-errortype"), HeaderValue::from_static(t));
    }
    if let Ok(v) = HeaderValue::from_str(&request_id()) {
        headers.insert(HeaderName::from_static("x-amzn-requestid"), v);
    }
    resp
}

/// The in-memory API Gateway v2 control plane.
pub struct ControlPlane {
    apis: RwLock<BTreeMap<String, ApiState>>,
    endpoint_host: String,
    region: String,
    account_id: String,
}

impl ControlPlane {
    /// `endpoint_host` like "127.0.0.1:4510": a created API's apiEndpoint is `ws://{endpoint_host}/apis/{apiId}`,
    /// so clients connect to apiEndpoint + "/" + stage and the management endpoint is
    /// http://{endpoint_host}/apis/{apiId}/{stage}.
    pub fn new(endpoint_host: &str, region: &str, account_id: &str) -> Self {
        ControlPlane {
            apis: RwLock::new(BTreeMap::new()),
            endpoint_host: endpoint_host.to_string(),
            region: region.to_string(),
            account_id: account_id.to_string(),
        }
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// Read access for the data plane (no clone).
    pub fn with_api<R>(&self, api_id: &str, f: impl FnOnce(&ApiState) -> R) -> Option<R> {
        self.read().get(api_id).map(f)
    }

    /// Handles one control-plane request (path starts with /v2/). Query string without '?'.
    pub fn handle(&self, method: &Method, path: &str, query: Option<&str>, body: &[u8]) -> Response<Full<Bytes>> {
        let result = self.dispatch(method, path, query.unwrap_or(""), body);
        match result {
            Ok(reply) => {
                tracing::debug!(%method, path, status = reply.status.as_u16(), "control plane");
                respond(reply.status, reply.body, None)
            }
            Err(e) => {
                tracing::debug!(%method, path, error = e.error_type(), message = %e, "control plane");
                let body = serde_json::json!({ "message": e.to_string() }).to_string().into_bytes();
                respond(e.status(), body, Some(e.error_type()))
            }
        }
    }

    // A panic elsewhere must not take the whole emulator down with a poisoned lock; the maps
    // are only mutated after validation, so the data is still consistent.
    fn read(&self) -> RwLockReadGuard<'_, BTreeMap<String, ApiState>> {
        self.apis.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, BTreeMap<String, ApiState>> {
        self.apis.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn dispatch(&self, method: &Method, path: &str, query: &str, body: &[u8]) -> Result<Reply> {
        let q = Query::parse(query);
        let unknown = || not_found(format!("No operation matches {method} {path}"));
        // The ARN is one label, URL-encoded by the SDKs; take the rest of the path whole so an
        // unencoded ARN (with '/') works as well.
        if let Some(arn) = path.strip_prefix("/v2/tags/") {
            let arn = decode_segment(arn)?;
            return match *method {
                Method::GET => self.get_tags(&arn),
                Method::POST => self.tag_resource(&arn, body),
                Method::DELETE => self.untag_resource(&arn, &q),
                _ => Err(unknown()),
            };
        }
        let Some(rest) = path.strip_prefix("/v2/") else { return Err(unknown()) };
        let segs = rest.trim_end_matches('/').split('/').map(decode_segment).collect::<Result<Vec<String>>>()?;
        let s: Vec<&str> = segs.iter().map(String::as_str).collect();
        match (method.as_str(), s.as_slice()) {
            ("GET", ["apis"]) => self.get_apis(&q),
            ("POST", ["apis"]) => self.create_api(body),
            ("GET", ["apis", a]) => self.get_api(a),
            ("PATCH", ["apis", a]) => self.update_api(a, body),
            ("DELETE", ["apis", a]) => self.delete_api(a),

            ("GET", ["apis", a, "routes"]) => self.list_children(a, &q, |s| &s.routes),
            ("POST", ["apis", a, "routes"]) => self.create_route(a, body),
            ("GET", ["apis", a, "routes", r]) => self.get_child(a, r, "Route", |s| &s.routes),
            ("PATCH", ["apis", a, "routes", r]) => self.update_route(a, r, body),
            ("DELETE", ["apis", a, "routes", r]) => self.delete_route(a, r),

            ("GET", ["apis", a, "routes", r, "routeresponses"]) => self.list_route_responses(a, r, &q),
            ("POST", ["apis", a, "routes", r, "routeresponses"]) => self.create_route_response(a, r, body),
            ("GET", ["apis", a, "routes", r, "routeresponses", rr]) => self.get_route_response(a, r, rr),
            ("PATCH", ["apis", a, "routes", r, "routeresponses", rr]) => self.update_route_response(a, r, rr, body),
            ("DELETE", ["apis", a, "routes", r, "routeresponses", rr]) => self.delete_route_response(a, r, rr),

            ("GET", ["apis", a, "integrations"]) => self.list_children(a, &q, |s| &s.integrations),
            ("POST", ["apis", a, "integrations"]) => self.create_integration(a, body),
            ("GET", ["apis", a, "integrations", i]) => self.get_child(a, i, "Integration", |s| &s.integrations),
            ("PATCH", ["apis", a, "integrations", i]) => self.update_integration(a, i, body),
            ("DELETE", ["apis", a, "integrations", i]) => self.delete_integration(a, i),

            ("GET", ["apis", a, "authorizers"]) => self.list_children(a, &q, |s| &s.authorizers),
            ("POST", ["apis", a, "authorizers"]) => self.create_authorizer(a, body),
            ("GET", ["apis", a, "authorizers", z]) => self.get_child(a, z, "Authorizer", |s| &s.authorizers),
            ("PATCH", ["apis", a, "authorizers", z]) => self.update_authorizer(a, z, body),
            ("DELETE", ["apis", a, "authorizers", z]) => self.delete_authorizer(a, z),

            ("GET", ["apis", a, "stages"]) => self.list_children(a, &q, |s| &s.stages),
            ("POST", ["apis", a, "stages"]) => self.create_stage(a, body),
            ("GET", ["apis", a, "stages", st]) => self.get_child(a, st, "Stage", |s| &s.stages),
            ("PATCH", ["apis", a, "stages", st]) => self.update_stage(a, st, body),
            ("DELETE", ["apis", a, "stages", st]) => self.delete_stage(a, st),
            ("DELETE", ["apis", a, "stages", st, "routesettings", k]) => self.delete_route_settings(a, st, k),

            ("GET", ["apis", a, "deployments"]) => self.list_children(a, &q, |s| &s.deployments),
            ("POST", ["apis", a, "deployments"]) => self.create_deployment(a, body),
            ("GET", ["apis", a, "deployments", d]) => self.get_child(a, d, "Deployment", |s| &s.deployments),
            ("PATCH", ["apis", a, "deployments", d]) => self.update_deployment(a, d, body),
            ("DELETE", ["apis", a, "deployments", d]) => self.delete_deployment(a, d),

            _ => Err(unknown()),
        }
    }

    fn api_not_found(&self, api_id: &str) -> ApiError {
        not_found(format!("Invalid API identifier specified {}:{api_id}", self.account_id))
    }

    // ----- APIs -----

    fn create_api(&self, body: &[u8]) -> Result<Reply> {
        let input: ApiInput = parse_body(body)?;
        let name = required(input.name, "name")?;
        validate_name(&name)?;
        let protocol = required(input.protocol_type, "protocolType")?;
        validate_protocol_type(&protocol)?;
        let rse = match (protocol.as_str(), input.route_selection_expression) {
            (WEBSOCKET, None) => return Err(bad("RouteSelectionExpression is required for WEBSOCKET APIs")),
            (_, None) => HTTP_ROUTE_SELECTION_EXPRESSION.to_string(),
            (_, Some(e)) => e,
        };
        validate_route_selection_expression(&protocol, &rse)?;
        let akse = input.api_key_selection_expression.unwrap_or_else(|| DEFAULT_API_KEY_SELECTION_EXPRESSION.into());
        validate_api_key_selection_expression(&akse)?;
        let tags = input.tags.unwrap_or_default();
        validate_tags(&tags)?;

        let mut apis = self.write();
        let api_id = new_id(API_ID_LEN, |id| apis.contains_key(id));
        let scheme = if protocol == WEBSOCKET { "ws" } else { "http" };
        let api = Api {
            api_endpoint: format!("{scheme}://{}/apis/{api_id}", self.endpoint_host),
            api_id: api_id.clone(),
            name,
            protocol_type: protocol,
            route_selection_expression: rse,
            api_key_selection_expression: Some(akse),
            description: input.description,
            created_date: now_iso8601(),
            disable_execute_api_endpoint: input.disable_execute_api_endpoint.unwrap_or(false),
            tags,
        };
        apis.insert(api_id, ApiState { api: api.clone(), ..ApiState::default() });
        Ok(json(StatusCode::CREATED, &api))
    }

    fn get_apis(&self, q: &Query) -> Result<Reply> {
        let apis = self.read();
        let (items, next_token) = page(&apis, q)?;
        let items: Vec<&Api> = items.into_iter().map(|s| &s.api).collect();
        Ok(json(StatusCode::OK, &Page { items, next_token }))
    }

    fn get_api(&self, api_id: &str) -> Result<Reply> {
        self.with_api(api_id, |s| json(StatusCode::OK, &s.api)).ok_or_else(|| self.api_not_found(api_id))
    }

    fn update_api(&self, api_id: &str, body: &[u8]) -> Result<Reply> {
        let input: ApiInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let mut api = state.api.clone();
        if let Some(name) = input.name {
            validate_name(&name)?;
            api.name = name;
        }
        if let Some(rse) = input.route_selection_expression {
            validate_route_selection_expression(&api.protocol_type, &rse)?;
            api.route_selection_expression = rse;
        }
        if let Some(akse) = input.api_key_selection_expression {
            validate_api_key_selection_expression(&akse)?;
            api.api_key_selection_expression = Some(akse);
        }
        if let Some(d) = input.description {
            api.description = Some(d);
        }
        if let Some(v) = input.disable_execute_api_endpoint {
            api.disable_execute_api_endpoint = v;
        }
        state.api = api;
        Ok(json(StatusCode::OK, &state.api))
    }

    fn delete_api(&self, api_id: &str) -> Result<Reply> {
        self.write().remove(api_id).map(|_| no_content()).ok_or_else(|| self.api_not_found(api_id))
    }

    // ----- generic child reads -----

    fn get_child<T: Serialize>(
        &self,
        api_id: &str,
        id: &str,
        kind: &str,
        pick: impl FnOnce(&ApiState) -> &BTreeMap<String, T>,
    ) -> Result<Reply> {
        let apis = self.read();
        let state = apis.get(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let item = pick(state).get(id).ok_or_else(|| not_found(format!("Invalid {kind} identifier specified {id}")))?;
        Ok(json(StatusCode::OK, item))
    }

    fn list_children<T: Serialize>(
        &self,
        api_id: &str,
        q: &Query,
        pick: impl FnOnce(&ApiState) -> &BTreeMap<String, T>,
    ) -> Result<Reply> {
        let apis = self.read();
        let state = apis.get(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let (items, next_token) = page(pick(state), q)?;
        Ok(json(StatusCode::OK, &Page { items, next_token }))
    }

    // ----- routes -----

    fn create_route(&self, api_id: &str, body: &[u8]) -> Result<Reply> {
        let input: RouteInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let key = required(input.route_key, "routeKey")?;
        validate_route_key(&state.api.protocol_type, &key)?;
        if state.route_by_key(&key).is_some() {
            return Err(conflict(format!("Unable to create Route, a Route already exists with key {key}")));
        }
        let route = Route {
            route_id: new_id(CHILD_ID_LEN, |id| state.routes.contains_key(id)),
            route_key: key,
            target: input.target.filter(|t| !t.is_empty()),
            authorization_type: input.authorization_type.unwrap_or_else(|| "NONE".into()),
            authorizer_id: input.authorizer_id.filter(|a| !a.is_empty()),
            api_key_required: input.api_key_required.unwrap_or(false),
            route_response_selection_expression: input.route_response_selection_expression.filter(|e| !e.is_empty()),
            operation_name: input.operation_name,
        };
        check_route(state, &route)?;
        state.routes.insert(route.route_id.clone(), route.clone());
        Ok(json(StatusCode::CREATED, &route))
    }

    fn update_route(&self, api_id: &str, route_id: &str, body: &[u8]) -> Result<Reply> {
        let input: RouteInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let mut route = state.routes.get(route_id).cloned().ok_or_else(|| route_not_found(route_id))?;
        if let Some(key) = input.route_key {
            validate_route_key(&state.api.protocol_type, &key)?;
            if state.routes.values().any(|r| r.route_key == key && r.route_id != route_id) {
                return Err(conflict(format!("Unable to update Route, a Route already exists with key {key}")));
            }
            route.route_key = key;
        }
        if let Some(t) = input.authorization_type {
            // Switching away from an authorizer detaches it, as AWS does for NONE/AWS_IAM.
            if !uses_authorizer(&t) && input.authorizer_id.is_none() {
                route.authorizer_id = None;
            }
            route.authorization_type = t;
        }
        if let Some(a) = input.authorizer_id {
            route.authorizer_id = Some(a).filter(|a| !a.is_empty());
        }
        if let Some(t) = input.target {
            route.target = Some(t).filter(|t| !t.is_empty());
        }
        if let Some(v) = input.api_key_required {
            route.api_key_required = v;
        }
        if let Some(e) = input.route_response_selection_expression {
            route.route_response_selection_expression = Some(e).filter(|e| !e.is_empty());
        }
        if let Some(o) = input.operation_name {
            route.operation_name = Some(o).filter(|o| !o.is_empty());
        }
        check_route(state, &route)?;
        state.routes.insert(route.route_id.clone(), route.clone());
        Ok(json(StatusCode::OK, &route))
    }

    fn delete_route(&self, api_id: &str, route_id: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        state.routes.remove(route_id).ok_or_else(|| route_not_found(route_id))?;
        // Route responses live under their route; they go with it.
        state.route_responses.remove(route_id);
        Ok(no_content())
    }

    // ----- route responses -----

    fn list_route_responses(&self, api_id: &str, route_id: &str, q: &Query) -> Result<Reply> {
        let apis = self.read();
        let state = apis.get(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.routes.contains_key(route_id) {
            return Err(route_not_found(route_id));
        }
        let empty = BTreeMap::new();
        let (items, next_token) = page(state.route_responses.get(route_id).unwrap_or(&empty), q)?;
        Ok(json(StatusCode::OK, &Page { items, next_token }))
    }

    fn get_route_response(&self, api_id: &str, route_id: &str, rr_id: &str) -> Result<Reply> {
        let apis = self.read();
        let state = apis.get(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.routes.contains_key(route_id) {
            return Err(route_not_found(route_id));
        }
        let rr = state.route_responses.get(route_id).and_then(|m| m.get(rr_id));
        rr.map(|rr| json(StatusCode::OK, rr)).ok_or_else(|| route_response_not_found(rr_id))
    }

    fn create_route_response(&self, api_id: &str, route_id: &str, body: &[u8]) -> Result<Reply> {
        let input: RouteResponseInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.routes.contains_key(route_id) {
            return Err(route_not_found(route_id));
        }
        let key = required(input.route_response_key, "routeResponseKey")?;
        validate_route_response_key(&state.api.protocol_type, &key)?;
        let responses = state.route_responses.entry(route_id.to_string()).or_default();
        if responses.values().any(|r| r.route_response_key == key) {
            return Err(conflict(format!("A RouteResponse with key {key} already exists for this Route")));
        }
        let rr = RouteResponse {
            route_response_id: new_id(CHILD_ID_LEN, |id| responses.contains_key(id)),
            route_response_key: key,
            model_selection_expression: input.model_selection_expression,
        };
        responses.insert(rr.route_response_id.clone(), rr.clone());
        Ok(json(StatusCode::CREATED, &rr))
    }

    fn update_route_response(&self, api_id: &str, route_id: &str, rr_id: &str, body: &[u8]) -> Result<Reply> {
        let input: RouteResponseInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.routes.contains_key(route_id) {
            return Err(route_not_found(route_id));
        }
        let protocol = state.api.protocol_type.clone();
        let responses = state.route_responses.get_mut(route_id).ok_or_else(|| route_response_not_found(rr_id))?;
        let mut rr = responses.get(rr_id).cloned().ok_or_else(|| route_response_not_found(rr_id))?;
        if let Some(key) = input.route_response_key {
            validate_route_response_key(&protocol, &key)?;
            if responses.values().any(|r| r.route_response_key == key && r.route_response_id != rr_id) {
                return Err(conflict(format!("A RouteResponse with key {key} already exists for this Route")));
            }
            rr.route_response_key = key;
        }
        if let Some(m) = input.model_selection_expression {
            rr.model_selection_expression = Some(m).filter(|m| !m.is_empty());
        }
        responses.insert(rr.route_response_id.clone(), rr.clone());
        Ok(json(StatusCode::OK, &rr))
    }

    fn delete_route_response(&self, api_id: &str, route_id: &str, rr_id: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.routes.contains_key(route_id) {
            return Err(route_not_found(route_id));
        }
        let responses = state.route_responses.get_mut(route_id).ok_or_else(|| route_response_not_found(rr_id))?;
        responses.remove(rr_id).ok_or_else(|| route_response_not_found(rr_id))?;
        if responses.is_empty() {
            state.route_responses.remove(route_id);
        }
        Ok(no_content())
    }

    // ----- integrations -----

    fn create_integration(&self, api_id: &str, body: &[u8]) -> Result<Reply> {
        let input: IntegrationInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let integration_type = required(input.integration_type, "integrationType")?;
        let max_timeout = if state.api.protocol_type == WEBSOCKET { WS_MAX_TIMEOUT_MS } else { 30_000 };
        let integration = Integration {
            integration_id: new_id(CHILD_ID_LEN, |id| state.integrations.contains_key(id)),
            integration_type,
            integration_uri: input.integration_uri,
            integration_method: input.integration_method,
            credentials_arn: input.credentials_arn,
            description: input.description,
            timeout_in_millis: input.timeout_in_millis.unwrap_or(max_timeout),
            // AWS reports 1.0 for WebSocket integrations, the only format they support.
            payload_format_version: input.payload_format_version.or_else(|| Some("1.0".into())),
            content_handling_strategy: input.content_handling_strategy,
            passthrough_behavior: input.passthrough_behavior,
            template_selection_expression: input.template_selection_expression,
        };
        validate_integration(&state.api.protocol_type, &integration)?;
        state.integrations.insert(integration.integration_id.clone(), integration.clone());
        Ok(json(StatusCode::CREATED, &integration))
    }

    fn update_integration(&self, api_id: &str, integration_id: &str, body: &[u8]) -> Result<Reply> {
        let input: IntegrationInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let mut i =
            state.integrations.get(integration_id).cloned().ok_or_else(|| integration_not_found(integration_id))?;
        fn set(field: &mut Option<String>, value: Option<String>) {
            if let Some(v) = value {
                *field = Some(v).filter(|v| !v.is_empty());
            }
        }
        if let Some(t) = input.integration_type {
            i.integration_type = t;
        }
        set(&mut i.integration_uri, input.integration_uri);
        set(&mut i.integration_method, input.integration_method);
        set(&mut i.credentials_arn, input.credentials_arn);
        set(&mut i.description, input.description);
        set(&mut i.payload_format_version, input.payload_format_version);
        set(&mut i.content_handling_strategy, input.content_handling_strategy);
        set(&mut i.passthrough_behavior, input.passthrough_behavior);
        set(&mut i.template_selection_expression, input.template_selection_expression);
        if let Some(t) = input.timeout_in_millis {
            i.timeout_in_millis = t;
        }
        validate_integration(&state.api.protocol_type, &i)?;
        state.integrations.insert(i.integration_id.clone(), i.clone());
        Ok(json(StatusCode::OK, &i))
    }

    fn delete_integration(&self, api_id: &str, integration_id: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.integrations.contains_key(integration_id) {
            return Err(integration_not_found(integration_id));
        }
        // AWS refuses this with 409 (observed: "Cannot delete Integration because it is referenced
        // by the following Routes with Ids: [...]"); it also keeps routes from dangling here.
        let target = format!("integrations/{integration_id}");
        let users: Vec<&str> = state
            .routes
            .values()
            .filter(|r| r.target.as_deref() == Some(&target))
            .map(|r| r.route_id.as_str())
            .collect();
        if !users.is_empty() {
            return Err(conflict(format!(
                "Cannot delete Integration because it is referenced by the following Routes with Ids: [{}]",
                users.join(", ")
            )));
        }
        state.integrations.remove(integration_id);
        Ok(no_content())
    }

    // ----- authorizers -----

    fn create_authorizer(&self, api_id: &str, body: &[u8]) -> Result<Reply> {
        let input: AuthorizerInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let name = required(input.name, "name")?;
        let authorizer_type = required(input.authorizer_type, "authorizerType")?;
        if state.authorizers.values().any(|a| a.name == name) {
            return Err(conflict(format!("An Authorizer named {name} already exists in this API")));
        }
        let authorizer = Authorizer {
            authorizer_id: new_id(CHILD_ID_LEN, |id| state.authorizers.contains_key(id)),
            name,
            authorizer_type,
            authorizer_uri: input.authorizer_uri,
            identity_source: input.identity_source.unwrap_or_default(),
            authorizer_result_ttl_in_seconds: input.authorizer_result_ttl_in_seconds,
            authorizer_credentials_arn: input.authorizer_credentials_arn,
        };
        validate_authorizer(&state.api.protocol_type, &authorizer)?;
        state.authorizers.insert(authorizer.authorizer_id.clone(), authorizer.clone());
        Ok(json(StatusCode::CREATED, &authorizer))
    }

    fn update_authorizer(&self, api_id: &str, authorizer_id: &str, body: &[u8]) -> Result<Reply> {
        let input: AuthorizerInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let mut a = state.authorizers.get(authorizer_id).cloned().ok_or_else(|| authorizer_not_found(authorizer_id))?;
        if let Some(name) = input.name {
            if state.authorizers.values().any(|o| o.name == name && o.authorizer_id != authorizer_id) {
                return Err(conflict(format!("An Authorizer named {name} already exists in this API")));
            }
            a.name = name;
        }
        if let Some(t) = input.authorizer_type {
            a.authorizer_type = t;
        }
        if let Some(u) = input.authorizer_uri {
            a.authorizer_uri = Some(u).filter(|u| !u.is_empty());
        }
        if let Some(sources) = input.identity_source {
            a.identity_source = sources;
        }
        if let Some(ttl) = input.authorizer_result_ttl_in_seconds {
            a.authorizer_result_ttl_in_seconds = Some(ttl);
        }
        if let Some(c) = input.authorizer_credentials_arn {
            a.authorizer_credentials_arn = Some(c).filter(|c| !c.is_empty());
        }
        validate_authorizer(&state.api.protocol_type, &a)?;
        state.authorizers.insert(a.authorizer_id.clone(), a.clone());
        Ok(json(StatusCode::OK, &a))
    }

    fn delete_authorizer(&self, api_id: &str, authorizer_id: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let a = state.authorizers.get(authorizer_id).ok_or_else(|| authorizer_not_found(authorizer_id))?;
        // AWS answers 409 "Cannot delete authorizer 'x', is referenced in route: ..." here.
        if let Some(r) = state.routes.values().find(|r| r.authorizer_id.as_deref() == Some(authorizer_id)) {
            return Err(conflict(format!(
                "Cannot delete authorizer '{}', is referenced in route: {}",
                a.name, r.route_key
            )));
        }
        state.authorizers.remove(authorizer_id);
        Ok(no_content())
    }

    // ----- stages -----

    fn create_stage(&self, api_id: &str, body: &[u8]) -> Result<Reply> {
        let input: StageInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let name = required(input.stage_name, "stageName")?;
        validate_stage_name(&state.api.protocol_type, &name)?;
        if state.stages.contains_key(&name) {
            return Err(conflict(format!("Stage already exists: {name}")));
        }
        let mut defaults = input.default_route_settings.unwrap_or_default();
        if state.api.protocol_type == WEBSOCKET {
            // What AWS reports for a WebSocket stage created without settings.
            defaults.data_trace_enabled.get_or_insert(false);
            defaults.detailed_metrics_enabled.get_or_insert(false);
            defaults.logging_level.get_or_insert_with(|| "OFF".into());
        }
        let now = now_iso8601();
        let stage = Stage {
            stage_name: name,
            deployment_id: input.deployment_id.filter(|d| !d.is_empty()),
            auto_deploy: input.auto_deploy.unwrap_or(false),
            description: input.description,
            default_route_settings: defaults,
            route_settings: input.route_settings.unwrap_or_default(),
            access_log_settings: input.access_log_settings.filter(|s| !access_log_is_empty(s)),
            stage_variables: input.stage_variables.unwrap_or_default(),
            created_date: now.clone(),
            last_updated_date: now,
            tags: input.tags.unwrap_or_default(),
        };
        let named: Vec<String> = stage.route_settings.keys().cloned().collect();
        check_stage(state, &stage, &named)?;
        validate_tags(&stage.tags)?;
        state.stages.insert(stage.stage_name.clone(), stage.clone());
        Ok(json(StatusCode::CREATED, &stage))
    }

    fn update_stage(&self, api_id: &str, stage_name: &str, body: &[u8]) -> Result<Reply> {
        let input: StageInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let mut stage = state.stages.get(stage_name).cloned().ok_or_else(|| stage_not_found(stage_name))?;
        if let Some(d) = input.deployment_id {
            stage.deployment_id = Some(d).filter(|d| !d.is_empty());
        }
        if let Some(v) = input.auto_deploy {
            stage.auto_deploy = v;
        }
        if let Some(d) = input.description {
            stage.description = Some(d).filter(|d| !d.is_empty());
        }
        // Settings merge field by field: an update names only what it changes.
        if let Some(patch) = input.default_route_settings {
            merge_route_settings(&mut stage.default_route_settings, &patch);
        }
        let route_settings = input.route_settings.unwrap_or_default();
        let named: Vec<String> = route_settings.keys().cloned().collect();
        for (key, patch) in route_settings {
            merge_route_settings(stage.route_settings.entry(key).or_default(), &patch);
        }
        if let Some(patch) = input.access_log_settings {
            let mut merged = stage.access_log_settings.take().unwrap_or_default();
            if patch.destination_arn.is_some() {
                merged.destination_arn = patch.destination_arn;
            }
            if patch.format.is_some() {
                merged.format = patch.format;
            }
            // Sending both fields empty turns access logging off.
            stage.access_log_settings = Some(merged).filter(|s| !access_log_is_empty(s));
        }
        for (k, v) in input.stage_variables.unwrap_or_default() {
            stage.stage_variables.insert(k, v);
        }
        check_stage(state, &stage, &named)?;
        stage.last_updated_date = now_iso8601();
        state.stages.insert(stage.stage_name.clone(), stage.clone());
        Ok(json(StatusCode::OK, &stage))
    }

    fn delete_stage(&self, api_id: &str, stage_name: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        state.stages.remove(stage_name).map(|_| no_content()).ok_or_else(|| stage_not_found(stage_name))
    }

    fn delete_route_settings(&self, api_id: &str, stage_name: &str, route_key: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let stage = state.stages.get_mut(stage_name).ok_or_else(|| stage_not_found(stage_name))?;
        stage
            .route_settings
            .remove(route_key)
            .ok_or_else(|| not_found(format!("Unable to find RouteSettings for route key {route_key}")))?;
        stage.last_updated_date = now_iso8601();
        Ok(no_content())
    }

    // ----- deployments -----

    fn create_deployment(&self, api_id: &str, body: &[u8]) -> Result<Reply> {
        let input: DeploymentInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if state.routes.is_empty() {
            return Err(bad("At least one route is required before deploying the Api."));
        }
        let stage_name = input.stage_name.filter(|s| !s.is_empty());
        if let Some(name) = &stage_name {
            if !state.stages.contains_key(name) {
                return Err(stage_not_found(name));
            }
        }
        let now = now_iso8601();
        let deployment = Deployment {
            deployment_id: new_id(CHILD_ID_LEN, |id| state.deployments.contains_key(id)),
            deployment_status: "DEPLOYED".into(),
            description: input.description,
            created_date: now.clone(),
            auto_deployed: false,
        };
        if let Some(stage) = stage_name.and_then(|n| state.stages.get_mut(&n)) {
            stage.deployment_id = Some(deployment.deployment_id.clone());
            stage.last_updated_date = now;
        }
        state.deployments.insert(deployment.deployment_id.clone(), deployment.clone());
        Ok(json(StatusCode::CREATED, &deployment))
    }

    fn update_deployment(&self, api_id: &str, deployment_id: &str, body: &[u8]) -> Result<Reply> {
        let input: DeploymentInput = parse_body(body)?;
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        let d = state.deployments.get_mut(deployment_id).ok_or_else(|| deployment_not_found(deployment_id))?;
        if let Some(desc) = input.description {
            d.description = Some(desc).filter(|s| !s.is_empty());
        }
        Ok(json(StatusCode::OK, d))
    }

    fn delete_deployment(&self, api_id: &str, deployment_id: &str) -> Result<Reply> {
        let mut apis = self.write();
        let state = apis.get_mut(api_id).ok_or_else(|| self.api_not_found(api_id))?;
        if !state.deployments.contains_key(deployment_id) {
            return Err(deployment_not_found(deployment_id));
        }
        if let Some(s) = state.stages.values().find(|s| s.deployment_id.as_deref() == Some(deployment_id)) {
            return Err(bad(format!(
                "Active stages pointing to this deployment must be moved or deleted (stage {})",
                s.stage_name
            )));
        }
        state.deployments.remove(deployment_id);
        Ok(no_content())
    }

    // ----- tags -----

    fn get_tags(&self, arn: &str) -> Result<Reply> {
        let target = parse_tag_arn(arn, &self.region)?;
        let apis = self.read();
        let tags = match &target {
            TagTarget::Api(a) => apis.get(a).map(|s| &s.api.tags),
            TagTarget::Stage(a, st) => apis.get(a).and_then(|s| s.stages.get(st)).map(|s| &s.tags),
        };
        let tags = tags.ok_or_else(|| resource_not_found(arn))?;
        Ok(json(StatusCode::OK, &TagsBody { tags: Some(tags.clone()) }))
    }

    fn tag_resource(&self, arn: &str, body: &[u8]) -> Result<Reply> {
        let target = parse_tag_arn(arn, &self.region)?;
        let input: TagsBody = parse_body(body)?;
        let new_tags = required(input.tags, "tags")?;
        let mut apis = self.write();
        let tags = tags_mut(&mut apis, &target).ok_or_else(|| resource_not_found(arn))?;
        let mut merged = tags.clone();
        merged.extend(new_tags);
        validate_tags(&merged)?;
        *tags = merged;
        Ok(json(StatusCode::CREATED, &serde_json::json!({})))
    }

    fn untag_resource(&self, arn: &str, q: &Query) -> Result<Reply> {
        let target = parse_tag_arn(arn, &self.region)?;
        let keys = q.all("tagKeys");
        if keys.is_empty() {
            return Err(bad("tagKeys is required"));
        }
        let mut apis = self.write();
        let tags = tags_mut(&mut apis, &target).ok_or_else(|| resource_not_found(arn))?;
        for k in keys {
            tags.remove(k);
        }
        Ok(no_content())
    }
}

fn tags_mut<'a>(
    apis: &'a mut BTreeMap<String, ApiState>,
    target: &TagTarget,
) -> Option<&'a mut BTreeMap<String, String>> {
    match target {
        TagTarget::Api(a) => apis.get_mut(a).map(|s| &mut s.api.tags),
        TagTarget::Stage(a, st) => apis.get_mut(a).and_then(|s| s.stages.get_mut(st)).map(|s| &mut s.tags),
    }
}

fn route_not_found(id: &str) -> ApiError {
    not_found(format!("Invalid Route identifier specified {id}"))
}

fn route_response_not_found(id: &str) -> ApiError {
    not_found(format!("Invalid RouteResponse identifier specified {id}"))
}

fn integration_not_found(id: &str) -> ApiError {
    not_found(format!("Invalid Integration identifier specified {id}"))
}

fn authorizer_not_found(id: &str) -> ApiError {
    not_found(format!("Invalid Authorizer identifier specified {id}"))
}

fn stage_not_found(name: &str) -> ApiError {
    not_found(format!("Invalid stage identifier specified {name}"))
}

fn deployment_not_found(id: &str) -> ApiError {
    not_found(format!("Invalid Deployment identifier specified {id}"))
}

fn resource_not_found(arn: &str) -> ApiError {
    not_found(format!("Resource not found: {arn}"))
}

// ----- request bodies -----

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiInput {
    name: Option<String>,
    protocol_type: Option<String>,
    route_selection_expression: Option<String>,
    api_key_selection_expression: Option<String>,
    description: Option<String>,
    disable_execute_api_endpoint: Option<bool>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RouteInput {
    route_key: Option<String>,
    target: Option<String>,
    authorization_type: Option<String>,
    authorizer_id: Option<String>,
    api_key_required: Option<bool>,
    route_response_selection_expression: Option<String>,
    operation_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RouteResponseInput {
    route_response_key: Option<String>,
    model_selection_expression: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IntegrationInput {
    integration_type: Option<String>,
    integration_uri: Option<String>,
    integration_method: Option<String>,
    credentials_arn: Option<String>,
    description: Option<String>,
    timeout_in_millis: Option<i32>,
    payload_format_version: Option<String>,
    content_handling_strategy: Option<String>,
    passthrough_behavior: Option<String>,
    template_selection_expression: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthorizerInput {
    name: Option<String>,
    authorizer_type: Option<String>,
    authorizer_uri: Option<String>,
    identity_source: Option<Vec<String>>,
    authorizer_result_ttl_in_seconds: Option<i32>,
    authorizer_credentials_arn: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StageInput {
    stage_name: Option<String>,
    deployment_id: Option<String>,
    auto_deploy: Option<bool>,
    description: Option<String>,
    default_route_settings: Option<RouteSettings>,
    route_settings: Option<BTreeMap<String, RouteSettings>>,
    access_log_settings: Option<AccessLogSettings>,
    stage_variables: Option<BTreeMap<String, String>>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeploymentInput {
    description: Option<String>,
    stage_name: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct TagsBody {
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Page<'a, T: Serialize> {
    items: Vec<&'a T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// An empty body counts as `{}` (some clients send nothing for an all-optional input).
fn parse_body<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|e| bad(format!("Invalid request body: {e}")))
}

fn required<T>(value: Option<T>, field: &str) -> Result<T> {
    value.ok_or_else(|| bad(format!("{field} is required")))
}

fn decode_segment(s: &str) -> Result<String> {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| bad(format!("Invalid URL encoding in path segment {s}")))
}

/// Decoded query parameters, repeated keys kept (UntagResource sends `tagKeys` repeatedly).
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(query: &str) -> Query {
        Query(url::form_urlencoded::parse(query.as_bytes()).into_owned().collect())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }
}

// ----- paging -----

fn parse_max_results(value: Option<&str>) -> Result<usize> {
    match value {
        None | Some("") => Ok(DEFAULT_PAGE_SIZE),
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n.min(MAX_PAGE_SIZE)),
            _ => Err(bad(format!("Invalid maxResults: {v}"))),
        },
    }
}

/// The token is the hex of the last key returned: opaque to clients and stable across
/// inserts and deletes between pages (the next page starts after that key).
fn encode_token(key: &str) -> String {
    key.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_token(token: &str) -> Result<String> {
    let invalid = || bad("The nextToken is invalid");
    if token.len() % 2 != 0 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid());
    }
    let bytes = (0..token.len())
        .step_by(2)
        .map(|i| token.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or_else(invalid))
        .collect::<Result<Vec<u8>>>()?;
    String::from_utf8(bytes).map_err(|_| invalid())
}

fn page<'a, V>(map: &'a BTreeMap<String, V>, q: &Query) -> Result<(Vec<&'a V>, Option<String>)> {
    let max = parse_max_results(q.get("maxResults"))?;
    let start = match q.get("nextToken").filter(|t| !t.is_empty()) {
        Some(t) => Bound::Excluded(decode_token(t)?),
        None => Bound::Unbounded,
    };
    let mut iter = map.range::<String, _>((start, Bound::Unbounded));
    let items: Vec<(&String, &V)> = iter.by_ref().take(max).collect();
    let next = if iter.next().is_some() { items.last().map(|(k, _)| encode_token(k)) } else { None };
    Ok((items.into_iter().map(|(_, v)| v).collect(), next))
}

// ----- ids and clocks -----

fn new_id(len: usize, taken: impl Fn(&str) -> bool) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    loop {
        let id: String = (0..len).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect();
        if !taken(&id) {
            return id;
        }
    }
}

fn request_id() -> String {
    let v: u128 = rand::random();
    let h = format!("{v:032x}");
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

fn now_iso8601() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    format_iso8601(secs)
}

/// Seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (the SDKs' date-time format).
fn format_iso8601(secs: u64) -> String {
    wsadm_core::clock::Utc::from_unix(secs).iso8601()
}

// ----- validation (pure) -----

fn validate_name(name: &str) -> Result<()> {
    if name.is_empty() || name.chars().count() > 128 {
        return Err(bad("name must be between 1 and 128 characters"));
    }
    Ok(())
}

fn validate_protocol_type(protocol: &str) -> Result<()> {
    match protocol {
        WEBSOCKET | HTTP => Ok(()),
        other => Err(bad(format!("Invalid protocolType {other}: must be WEBSOCKET or HTTP"))),
    }
}

/// A JSON member name in a selection expression path.
fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn validate_route_selection_expression(protocol: &str, expr: &str) -> Result<()> {
    let ok = if protocol == WEBSOCKET {
        expr.strip_prefix("$request.body.").is_some_and(|path| path.split('.').all(is_identifier))
    } else {
        expr == HTTP_ROUTE_SELECTION_EXPRESSION
    };
    if ok {
        Ok(())
    } else if protocol == WEBSOCKET {
        Err(bad(format!(
            "Invalid routeSelectionExpression {expr}: expected $request.body.<path>, e.g. $request.body.action"
        )))
    } else {
        Err(bad(format!("Invalid routeSelectionExpression {expr}: HTTP APIs use {HTTP_ROUTE_SELECTION_EXPRESSION}")))
    }
}

fn validate_api_key_selection_expression(expr: &str) -> Result<()> {
    match expr {
        "$request.header.x-api-key" | "$context.authorizer.usageIdentifierKey" => Ok(()),
        other => Err(bad(format!("Invalid apiKeySelectionExpression {other}"))),
    }
}

fn validate_route_key(protocol: &str, key: &str) -> Result<()> {
    if protocol == WEBSOCKET {
        let ok = match key {
            "$connect" | "$disconnect" | "$default" => true,
            custom => !custom.starts_with('$') && (1..=128).contains(&custom.chars().count()),
        };
        if !ok {
            return Err(bad(format!(
                "Invalid routeKey {key}: use $connect, $disconnect, $default or a custom key of 1-128 characters not starting with $"
            )));
        }
        return Ok(());
    }
    // HTTP: `$default` or `METHOD /path`.
    const METHODS: &[&str] = &["ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
    let ok = key == "$default"
        || key.split_once(' ').is_some_and(|(m, p)| METHODS.contains(&m) && p.starts_with('/') && !p.contains(' '));
    if ok {
        Ok(())
    } else {
        Err(bad(format!("Invalid routeKey {key}: use $default or '<METHOD> /<path>'")))
    }
}

fn validate_route_response_selection_expression(protocol: &str, expr: Option<&str>) -> Result<()> {
    match expr {
        None => Ok(()),
        Some(_) if protocol != WEBSOCKET => {
            Err(bad("routeResponseSelectionExpression is supported only for WEBSOCKET"))
        }
        Some("$default") => Ok(()),
        Some(other) => {
            Err(bad(format!("Invalid routeResponseSelectionExpression {other}: only $default is supported")))
        }
    }
}

fn validate_route_response_key(protocol: &str, key: &str) -> Result<()> {
    if protocol != WEBSOCKET {
        return Err(bad("Route responses are supported only for WEBSOCKET APIs"));
    }
    if key != "$default" {
        return Err(bad(format!("Invalid routeResponseKey {key}: only $default is supported")));
    }
    Ok(())
}

fn uses_authorizer(authorization_type: &str) -> bool {
    matches!(authorization_type, "CUSTOM" | "JWT")
}

/// The route-local part of the authorization rules; the authorizer's existence is checked by
/// `check_route`, which has the API.
fn validate_authorization(protocol: &str, route_key: &str, auth_type: &str, authorizer_id: Option<&str>) -> Result<()> {
    let allowed: &[&str] =
        if protocol == WEBSOCKET { &["NONE", "AWS_IAM", "CUSTOM"] } else { &["NONE", "AWS_IAM", "CUSTOM", "JWT"] };
    if !allowed.contains(&auth_type) {
        return Err(bad(format!("Invalid authorizationType {auth_type}: must be one of {}", allowed.join(", "))));
    }
    if protocol == WEBSOCKET && auth_type != "NONE" && route_key != "$connect" {
        return Err(bad("Currently, authorization is restricted to the $connect route only"));
    }
    match (uses_authorizer(auth_type), authorizer_id) {
        (true, None) => Err(bad(format!("authorizerId is required when authorizationType is {auth_type}"))),
        (false, Some(_)) => Err(bad(format!("authorizerId is not allowed when authorizationType is {auth_type}"))),
        _ => Ok(()),
    }
}

/// The integration id a route target names (`integrations/{id}`).
fn parse_target(target: &str) -> Result<&str> {
    match target.strip_prefix("integrations/") {
        Some(id) if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()) => Ok(id),
        _ => Err(bad(format!("Invalid target {target}: expected integrations/<integrationId>"))),
    }
}

/// Every rule a route must satisfy against its API.
fn check_route(state: &ApiState, route: &Route) -> Result<()> {
    let protocol = state.api.protocol_type.as_str();
    validate_route_key(protocol, &route.route_key)?;
    validate_authorization(protocol, &route.route_key, &route.authorization_type, route.authorizer_id.as_deref())?;
    if let Some(id) = &route.authorizer_id {
        let a = state.authorizers.get(id).ok_or_else(|| bad(format!("Invalid authorizer id specified: {id}")))?;
        let expected = if route.authorization_type == "JWT" { "JWT" } else { "REQUEST" };
        if a.authorizer_type != expected {
            return Err(bad(format!(
                "Authorizer {id} is of type {}, which authorizationType {} cannot use",
                a.authorizer_type, route.authorization_type
            )));
        }
    }
    if let Some(target) = &route.target {
        let id = parse_target(target)?;
        if !state.integrations.contains_key(id) {
            return Err(bad(format!("Invalid target {target}: no integration {id} in this API")));
        }
    }
    validate_route_response_selection_expression(protocol, route.route_response_selection_expression.as_deref())
}

fn validate_integration(protocol: &str, i: &Integration) -> Result<()> {
    let types: &[&str] = if protocol == WEBSOCKET {
        &["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"]
    } else {
        &["AWS_PROXY", "HTTP_PROXY"]
    };
    if !types.contains(&i.integration_type.as_str()) {
        return Err(bad(format!(
            "Invalid integrationType {}: must be one of {}",
            i.integration_type,
            types.join(", ")
        )));
    }
    if i.integration_type != "MOCK" && i.integration_uri.as_deref().is_none_or(str::is_empty) {
        return Err(bad(format!("integrationUri is required for integrationType {}", i.integration_type)));
    }
    let max = if protocol == WEBSOCKET { WS_MAX_TIMEOUT_MS } else { 30_000 };
    if !(50..=max).contains(&i.timeout_in_millis) {
        return Err(bad(format!("timeoutInMillis must be between 50 and {max}")));
    }
    if let Some(s) = &i.content_handling_strategy {
        if !matches!(s.as_str(), "CONVERT_TO_BINARY" | "CONVERT_TO_TEXT") {
            return Err(bad(format!("Invalid contentHandlingStrategy {s}")));
        }
    }
    if let Some(p) = &i.passthrough_behavior {
        if !matches!(p.as_str(), "WHEN_NO_MATCH" | "NEVER" | "WHEN_NO_TEMPLATES") {
            return Err(bad(format!("Invalid passthroughBehavior {p}")));
        }
    }
    if let Some(v) = &i.payload_format_version {
        let ok = v == "1.0" || (v == "2.0" && protocol != WEBSOCKET);
        if !ok {
            return Err(bad(format!("Invalid payloadFormatVersion {v}")));
        }
    }
    Ok(())
}

/// WebSocket REQUEST authorizer identity sources (AWS's forms; `$`-less, unlike HTTP APIs).
fn validate_identity_source(protocol: &str, source: &str) -> Result<()> {
    if protocol != WEBSOCKET {
        return Ok(());
    }
    const PREFIXES: &[&str] = &["route.request.header.", "route.request.querystring.", "stageVariables.", "context."];
    let ok = PREFIXES.iter().any(|p| source.strip_prefix(p).is_some_and(|rest| !rest.is_empty()));
    if ok {
        Ok(())
    } else {
        Err(bad(format!(
            "Invalid identitySource {source}: expected route.request.header.<name>, route.request.querystring.<name>, stageVariables.<name> or context.<name>"
        )))
    }
}

fn validate_authorizer(protocol: &str, a: &Authorizer) -> Result<()> {
    validate_name(&a.name)?;
    let types: &[&str] = if protocol == WEBSOCKET { &["REQUEST"] } else { &["REQUEST", "JWT"] };
    if !types.contains(&a.authorizer_type.as_str()) {
        return Err(bad(format!(
            "Invalid authorizerType {}: {protocol} APIs support {}",
            a.authorizer_type,
            types.join(", ")
        )));
    }
    if a.authorizer_type == "REQUEST" {
        match a.authorizer_uri.as_deref() {
            None | Some("") => return Err(bad("authorizerUri is required for REQUEST authorizers")),
            Some(uri) if !uri.starts_with("arn:") => return Err(bad(format!("Invalid authorizerUri {uri}"))),
            _ => {}
        }
        if protocol == WEBSOCKET && a.identity_source.is_empty() {
            return Err(bad("identitySource is required for REQUEST authorizers"));
        }
    }
    for source in &a.identity_source {
        validate_identity_source(protocol, source)?;
    }
    if let Some(ttl) = a.authorizer_result_ttl_in_seconds {
        if !(0..=3600).contains(&ttl) {
            return Err(bad("authorizerResultTtlInSeconds must be between 0 and 3600"));
        }
    }
    Ok(())
}

fn validate_logging_level(level: Option<&str>) -> Result<()> {
    match level {
        None | Some("OFF" | "ERROR" | "INFO") => Ok(()),
        Some(other) => Err(bad(format!("Invalid loggingLevel {other}: must be OFF, ERROR or INFO"))),
    }
}

fn validate_route_settings(s: &RouteSettings) -> Result<()> {
    validate_logging_level(s.logging_level.as_deref())?;
    if s.throttling_rate_limit.is_some_and(|r| r < 0.0) {
        return Err(bad("throttlingRateLimit must not be negative"));
    }
    if s.throttling_burst_limit.is_some_and(|b| b < 0) {
        return Err(bad("throttlingBurstLimit must not be negative"));
    }
    Ok(())
}

fn merge_route_settings(base: &mut RouteSettings, patch: &RouteSettings) {
    if patch.throttling_rate_limit.is_some() {
        base.throttling_rate_limit = patch.throttling_rate_limit;
    }
    if patch.throttling_burst_limit.is_some() {
        base.throttling_burst_limit = patch.throttling_burst_limit;
    }
    if patch.logging_level.is_some() {
        base.logging_level.clone_from(&patch.logging_level);
    }
    if patch.data_trace_enabled.is_some() {
        base.data_trace_enabled = patch.data_trace_enabled;
    }
    if patch.detailed_metrics_enabled.is_some() {
        base.detailed_metrics_enabled = patch.detailed_metrics_enabled;
    }
}

fn validate_stage_name(protocol: &str, name: &str) -> Result<()> {
    if protocol == HTTP && name == "$default" {
        return Ok(());
    }
    let ok = (1..=128).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(bad(format!("Invalid stageName {name}: use 1-128 characters from a-z, A-Z, 0-9, - and _")))
    }
}

fn access_log_is_empty(s: &AccessLogSettings) -> bool {
    s.destination_arn.as_deref().is_none_or(str::is_empty) && s.format.as_deref().is_none_or(str::is_empty)
}

fn validate_access_log_settings(s: &AccessLogSettings) -> Result<()> {
    if access_log_is_empty(s) {
        return Ok(());
    }
    let arn = s.destination_arn.as_deref().unwrap_or("");
    if arn.split(':').nth(2) != Some("logs") || !arn.starts_with("arn:") {
        return Err(bad(format!("Invalid access log destinationArn {arn}: expected a CloudWatch Logs log group ARN")));
    }
    let format = s.format.as_deref().unwrap_or("");
    // AWS insists on a request id in every access log line.
    if !format.contains("$context.requestId") && !format.contains("$context.extendedRequestId") {
        return Err(bad("Access log format must include at least $context.requestId or $context.extendedRequestId"));
    }
    Ok(())
}

fn validate_stage_variables(vars: &BTreeMap<String, String>) -> Result<()> {
    for (k, v) in vars {
        if k.is_empty() || k.len() > 64 || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(bad(format!("Invalid stage variable name {k}: use 1-64 characters from A-Z, a-z, 0-9 and _")));
        }
        if v.len() > 2048 || !v.chars().all(|c| c.is_ascii_alphanumeric() || "-._~:/?#&=,".contains(c)) {
            return Err(bad(format!(
                "Invalid value for stage variable {k}: use up to 2048 of A-Z a-z 0-9 -._~:/?#&=,"
            )));
        }
    }
    Ok(())
}

/// Every rule a stage must satisfy against its API. Only the route keys a request names must
/// exist: settings left behind by a renamed or deleted route must not block later updates.
fn check_stage(state: &ApiState, stage: &Stage, named_keys: &[String]) -> Result<()> {
    if let Some(d) = &stage.deployment_id {
        if !state.deployments.contains_key(d) {
            return Err(bad(format!("Invalid deployment identifier specified {d}")));
        }
    }
    validate_route_settings(&stage.default_route_settings)?;
    if let Some(key) = named_keys.iter().find(|k| state.route_by_key(k).is_none()) {
        return Err(bad(format!("Unable to find Route by key {key} within the provided RouteSettings")));
    }
    for settings in stage.route_settings.values() {
        validate_route_settings(settings)?;
    }
    if let Some(s) = &stage.access_log_settings {
        validate_access_log_settings(s)?;
    }
    validate_stage_variables(&stage.stage_variables)
}

fn validate_tags(tags: &BTreeMap<String, String>) -> Result<()> {
    if tags.len() > 50 {
        return Err(bad("A resource can have at most 50 tags"));
    }
    for (k, v) in tags {
        if k.is_empty() || k.chars().count() > 128 {
            return Err(bad(format!("Invalid tag key {k}: must be 1-128 characters")));
        }
        if k.to_ascii_lowercase().starts_with("aws:") {
            return Err(bad(format!("Invalid tag key {k}: the aws: prefix is reserved")));
        }
        if v.chars().count() > 256 {
            return Err(bad(format!("Invalid value for tag {k}: at most 256 characters")));
        }
    }
    Ok(())
}

#[derive(Debug, PartialEq)]
enum TagTarget {
    Api(String),
    Stage(String, String),
}

/// `arn:{partition}:apigateway:{region}::/apis/{apiId}[/stages/{stage}]`.
fn parse_tag_arn(arn: &str, region: &str) -> Result<TagTarget> {
    let invalid = || bad(format!("Invalid resource ARN {arn}"));
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, _partition, service, arn_region, _account, resource] = parts.as_slice() else {
        return Err(invalid());
    };
    if *prefix != "arn" || *service != "apigateway" {
        return Err(invalid());
    }
    if *arn_region != region {
        return Err(resource_not_found(arn));
    }
    let segs: Vec<&str> = resource.split('/').collect();
    match segs.as_slice() {
        ["", "apis", api] if !api.is_empty() => Ok(TagTarget::Api(api.to_string())),
        ["", "apis", api, "stages", stage] if !api.is_empty() && !stage.is_empty() => {
            Ok(TagTarget::Stage(api.to_string(), stage.to_string()))
        }
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_bad<T: std::fmt::Debug>(r: Result<T>) -> bool {
        matches!(r, Err(ApiError::BadRequest(_)))
    }

    #[test]
    fn formats_iso8601_dates() {
        assert_eq!(format_iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_iso8601(1_795_752_306), "2026-11-27T04:05:06Z");
    }

    #[test]
    fn protocol_types() {
        assert!(validate_protocol_type("WEBSOCKET").is_ok());
        assert!(validate_protocol_type("HTTP").is_ok());
        assert!(is_bad(validate_protocol_type("REST")));
        assert!(is_bad(validate_protocol_type("websocket")));
    }

    #[test]
    fn route_selection_expressions() {
        assert!(validate_route_selection_expression(WEBSOCKET, "$request.body.action").is_ok());
        assert!(validate_route_selection_expression(WEBSOCKET, "$request.body.meta.type").is_ok());
        assert!(validate_route_selection_expression(WEBSOCKET, "$request.body.my_key-2").is_ok());
        for bad_expr in [
            "",
            "action",
            "$request.body.",
            "$request.body..a",
            "$request.body.a.",
            "$request.header.x",
            "${request.body.action}",
            "$request.body.1a",
            "$request.body.a b",
        ] {
            assert!(is_bad(validate_route_selection_expression(WEBSOCKET, bad_expr)), "{bad_expr}");
        }
        assert!(validate_route_selection_expression(HTTP, HTTP_ROUTE_SELECTION_EXPRESSION).is_ok());
        assert!(is_bad(validate_route_selection_expression(HTTP, "$request.body.action")));
    }

    #[test]
    fn websocket_route_keys() {
        for ok in ["$connect", "$disconnect", "$default", "send", "a", &"x".repeat(128)] {
            assert!(validate_route_key(WEBSOCKET, ok).is_ok(), "{ok}");
        }
        for no in ["", "$foo", "$Connect", &"x".repeat(129)] {
            assert!(is_bad(validate_route_key(WEBSOCKET, no)), "{no}");
        }
        assert!(validate_route_key(HTTP, "GET /items").is_ok());
        assert!(validate_route_key(HTTP, "$default").is_ok());
        assert!(is_bad(validate_route_key(HTTP, "send")));
    }

    #[test]
    fn authorization_rules() {
        assert!(validate_authorization(WEBSOCKET, "$connect", "CUSTOM", Some("abc1234")).is_ok());
        assert!(validate_authorization(WEBSOCKET, "$connect", "AWS_IAM", None).is_ok());
        assert!(validate_authorization(WEBSOCKET, "send", "NONE", None).is_ok());
        assert!(is_bad(validate_authorization(WEBSOCKET, "send", "CUSTOM", Some("abc1234"))));
        assert!(is_bad(validate_authorization(WEBSOCKET, "$default", "AWS_IAM", None)));
        assert!(is_bad(validate_authorization(WEBSOCKET, "$connect", "CUSTOM", None)));
        assert!(is_bad(validate_authorization(WEBSOCKET, "$connect", "NONE", Some("abc1234"))));
        assert!(is_bad(validate_authorization(WEBSOCKET, "$connect", "JWT", Some("abc1234"))));
        assert!(validate_authorization(HTTP, "GET /x", "JWT", Some("abc1234")).is_ok());
    }

    #[test]
    fn targets() {
        assert_eq!(parse_target("integrations/abc1234"), Ok("abc1234"));
        for no in ["", "integrations/", "abc1234", "integrations/a/b", "lambda:arn"] {
            assert!(is_bad(parse_target(no)), "{no}");
        }
    }

    fn integration(t: &str, uri: Option<&str>) -> Integration {
        Integration {
            integration_type: t.into(),
            integration_uri: uri.map(Into::into),
            timeout_in_millis: WS_MAX_TIMEOUT_MS,
            ..Integration::default()
        }
    }

    #[test]
    fn integrations() {
        for t in ["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY"] {
            assert!(validate_integration(WEBSOCKET, &integration(t, Some("arn:aws:lambda"))).is_ok(), "{t}");
        }
        assert!(validate_integration(WEBSOCKET, &integration("MOCK", None)).is_ok());
        assert!(is_bad(validate_integration(WEBSOCKET, &integration("LAMBDA", Some("x")))));
        assert!(is_bad(validate_integration(WEBSOCKET, &integration("AWS_PROXY", None))));
        let mut slow = integration("MOCK", None);
        slow.timeout_in_millis = 29_001;
        assert!(is_bad(validate_integration(WEBSOCKET, &slow)));
        slow.timeout_in_millis = 49;
        assert!(is_bad(validate_integration(WEBSOCKET, &slow)));
        let mut v2 = integration("AWS_PROXY", Some("arn"));
        v2.payload_format_version = Some("2.0".into());
        assert!(is_bad(validate_integration(WEBSOCKET, &v2)));
    }

    fn authorizer(t: &str, sources: &[&str]) -> Authorizer {
        Authorizer {
            name: "auth".into(),
            authorizer_type: t.into(),
            authorizer_uri: Some("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/f/invocations".into()),
            identity_source: sources.iter().map(|s| s.to_string()).collect(),
            ..Authorizer::default()
        }
    }

    #[test]
    fn authorizers() {
        let ok = authorizer("REQUEST", &["route.request.header.Authorization", "route.request.querystring.token"]);
        assert!(validate_authorizer(WEBSOCKET, &ok).is_ok());
        assert!(is_bad(validate_authorizer(WEBSOCKET, &authorizer("TOKEN", &["route.request.header.A"]))));
        assert!(is_bad(validate_authorizer(WEBSOCKET, &authorizer("JWT", &["route.request.header.A"]))));
        assert!(is_bad(validate_authorizer(WEBSOCKET, &authorizer("REQUEST", &[]))));
        assert!(is_bad(validate_authorizer(WEBSOCKET, &authorizer("REQUEST", &["$request.header.A"]))));
        assert!(is_bad(validate_authorizer(WEBSOCKET, &authorizer("REQUEST", &["route.request.header."]))));
        let mut no_uri = ok.clone();
        no_uri.authorizer_uri = None;
        assert!(is_bad(validate_authorizer(WEBSOCKET, &no_uri)));
        let mut ttl = ok;
        ttl.authorizer_result_ttl_in_seconds = Some(3601);
        assert!(is_bad(validate_authorizer(WEBSOCKET, &ttl)));
    }

    #[test]
    fn route_settings_rules() {
        let mut s = RouteSettings {
            logging_level: Some("INFO".into()),
            throttling_rate_limit: Some(0.0),
            throttling_burst_limit: Some(0),
            ..RouteSettings::default()
        };
        assert!(validate_route_settings(&s).is_ok());
        s.logging_level = Some("DEBUG".into());
        assert!(is_bad(validate_route_settings(&s)));
        s.logging_level = None;
        s.throttling_rate_limit = Some(-1.0);
        assert!(is_bad(validate_route_settings(&s)));
        s.throttling_rate_limit = None;
        s.throttling_burst_limit = Some(-1);
        assert!(is_bad(validate_route_settings(&s)));
    }

    #[test]
    fn merging_route_settings_keeps_unnamed_fields() {
        let mut base = RouteSettings {
            logging_level: Some("INFO".into()),
            throttling_rate_limit: Some(10.0),
            ..RouteSettings::default()
        };
        merge_route_settings(&mut base, &RouteSettings { throttling_burst_limit: Some(5), ..RouteSettings::default() });
        assert_eq!(base.logging_level.as_deref(), Some("INFO"));
        assert_eq!(base.throttling_rate_limit, Some(10.0));
        assert_eq!(base.throttling_burst_limit, Some(5));
    }

    #[test]
    fn access_logs_stage_names_and_variables() {
        let good = AccessLogSettings {
            destination_arn: Some("arn:aws:logs:us-east-1:123456789012:log-group:chat".into()),
            format: Some(r#"{"requestId":"$context.requestId"}"#.into()),
        };
        assert!(validate_access_log_settings(&good).is_ok());
        assert!(validate_access_log_settings(&AccessLogSettings::default()).is_ok());
        let no_id = AccessLogSettings { format: Some("$context.status".into()), ..good.clone() };
        assert!(is_bad(validate_access_log_settings(&no_id)));
        let s3 = AccessLogSettings { destination_arn: Some("arn:aws:s3:::bucket".into()), ..good };
        assert!(is_bad(validate_access_log_settings(&s3)));

        assert!(validate_stage_name(WEBSOCKET, "prod").is_ok());
        assert!(validate_stage_name(WEBSOCKET, "dev_1-a").is_ok());
        assert!(is_bad(validate_stage_name(WEBSOCKET, "$default")));
        assert!(is_bad(validate_stage_name(WEBSOCKET, "")));
        assert!(is_bad(validate_stage_name(WEBSOCKET, "a/b")));
        assert!(validate_stage_name(HTTP, "$default").is_ok());

        let vars = |k: &str, v: &str| BTreeMap::from([(k.to_string(), v.to_string())]);
        assert!(validate_stage_variables(&vars("table", "chat-sessions")).is_ok());
        assert!(is_bad(validate_stage_variables(&vars("bad-name", "x"))));
        assert!(is_bad(validate_stage_variables(&vars("ok", "has space"))));
    }

    #[test]
    fn tags_rules() {
        assert!(validate_tags(&BTreeMap::from([("team".into(), "chat".into())])).is_ok());
        assert!(is_bad(validate_tags(&BTreeMap::from([("aws:x".into(), "y".into())]))));
        assert!(is_bad(validate_tags(&BTreeMap::from([(String::new(), "y".into())]))));
        let many: BTreeMap<String, String> = (0..51).map(|i| (format!("k{i}"), String::new())).collect();
        assert!(is_bad(validate_tags(&many)));
    }

    #[test]
    fn tag_arns() {
        let r = "us-east-1";
        assert_eq!(parse_tag_arn("arn:aws:apigateway:us-east-1::/apis/abc", r), Ok(TagTarget::Api("abc".into())));
        assert_eq!(
            parse_tag_arn("arn:aws:apigateway:us-east-1::/apis/abc/stages/prod", r),
            Ok(TagTarget::Stage("abc".into(), "prod".into()))
        );
        assert!(matches!(parse_tag_arn("arn:aws:apigateway:eu-west-1::/apis/abc", r), Err(ApiError::NotFound(_))));
        for no in [
            "",
            "arn:aws:s3:::bucket",
            "arn:aws:apigateway:us-east-1::/restapis/abc",
            "arn:aws:apigateway:us-east-1::/apis/",
        ] {
            assert!(is_bad(parse_tag_arn(no, r)), "{no}");
        }
    }

    #[test]
    fn paging() {
        assert_eq!(parse_max_results(None), Ok(DEFAULT_PAGE_SIZE));
        assert_eq!(parse_max_results(Some("2")), Ok(2));
        assert_eq!(parse_max_results(Some("1000")), Ok(MAX_PAGE_SIZE));
        assert!(is_bad(parse_max_results(Some("0"))));
        assert!(is_bad(parse_max_results(Some("-1"))));
        assert!(is_bad(parse_max_results(Some("two"))));

        assert_eq!(decode_token(&encode_token("$connect é")), Ok("$connect é".to_string()));
        assert!(is_bad(decode_token("abc")));
        assert!(is_bad(decode_token("zz")));
        assert!(is_bad(decode_token("ff")));

        let map: BTreeMap<String, u32> = (0..5).map(|i| (format!("k{i}"), i)).collect();
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let query = match &token {
                Some(t) => format!("maxResults=2&nextToken={t}"),
                None => "maxResults=2".to_string(),
            };
            let (items, next) = page(&map, &Query::parse(&query)).unwrap();
            seen.extend(items.into_iter().copied());
            pages += 1;
            match next {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        assert_eq!(seen, vec![0, 1, 2, 3, 4]);
        assert_eq!(pages, 3);
    }

    #[test]
    fn route_response_rules() {
        assert!(validate_route_response_key(WEBSOCKET, "$default").is_ok());
        assert!(is_bad(validate_route_response_key(WEBSOCKET, "ok")));
        assert!(validate_route_response_selection_expression(WEBSOCKET, Some("$default")).is_ok());
        assert!(validate_route_response_selection_expression(WEBSOCKET, None).is_ok());
        assert!(is_bad(validate_route_response_selection_expression(WEBSOCKET, Some("$request.body.x"))));
    }

    #[test]
    fn ids_have_aws_shapes() {
        let id = new_id(API_ID_LEN, |_| false);
        assert_eq!(id.len(), 10);
        assert!(id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        assert_eq!(new_id(CHILD_ID_LEN, |_| false).len(), 7);
    }

    #[test]
    fn handle_never_panics_on_junk() {
        let cp = ControlPlane::new("127.0.0.1:1", "us-east-1", "123456789012");
        for (m, p, q, b) in [
            (Method::POST, "/v2/apis", None, &b"{not json"[..]),
            (Method::POST, "/v2/apis", None, b"[]"),
            (Method::POST, "/v2/apis", None, b"null"),
            (Method::GET, "/v2/apis", Some("maxResults=x&nextToken=%zz"), b""),
            (Method::GET, "/v2/apis/%ff%fe", None, b""),
            (Method::GET, "/v2/tags/%E0%A4%A", None, b""),
            (Method::PUT, "/v2/apis", None, b""),
            (Method::GET, "/", None, b""),
            (Method::DELETE, "/v2/tags/arn", Some("tagKeys=a"), b""),
        ] {
            let resp = cp.handle(&m, p, q, b);
            assert!(resp.status().is_client_error(), "{m} {p}: {}", resp.status());
            assert!(resp.headers().contains_key("x-amzn-errortype"));
        }
    }
}
