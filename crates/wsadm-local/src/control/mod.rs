//! The API Gateway v2 control plane (REST-JSON under `/v2/...`) for WebSocket APIs, kept in
//! memory. Request and response shapes, status codes and error types follow AWS, so the AWS
//! SDKs, boto3 and the AWS CLI work against it unchanged. HTTP APIs are stored too, with
//! lighter validation: only WebSocket APIs are served by the data plane.
//!
//! This module is the request router; the store and each resource kind have their own file.

mod apis;
mod authorizers;
mod deployments;
mod domains;
mod errors;
mod ids;
mod integrations;
mod paging;
mod route_responses;
mod routes;
mod stages;
mod store;
mod tags;
mod wire;

pub use domains::DomainRoute;
pub use store::ControlPlane;

use bytes::Bytes;
use errors::{not_found, Result};
use http_body_util::Full;
use hyper::{Method, Response};
use wire::{decode_segment, respond, Query, Reply};

impl ControlPlane {
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

            ("GET", ["domainnames"]) => self.get_domain_names(&q),
            ("POST", ["domainnames"]) => self.create_domain_name(body),
            ("GET", ["domainnames", d]) => self.get_domain_name(d),
            ("PATCH", ["domainnames", d]) => self.update_domain_name(d, body),
            ("DELETE", ["domainnames", d]) => self.delete_domain_name(d),
            ("GET", ["domainnames", d, "apimappings"]) => self.get_api_mappings(d, &q),
            ("POST", ["domainnames", d, "apimappings"]) => self.create_api_mapping(d, body),
            ("GET", ["domainnames", d, "apimappings", m]) => self.get_api_mapping(d, m),
            ("PATCH", ["domainnames", d, "apimappings", m]) => self.update_api_mapping(d, m, body),
            ("DELETE", ["domainnames", d, "apimappings", m]) => self.delete_api_mapping(d, m),

            _ => Err(unknown()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handle_never_panics_on_junk() {
        let cp = ControlPlane::new("127.0.0.1:1", "us-east-1", "123456789012", false);
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
