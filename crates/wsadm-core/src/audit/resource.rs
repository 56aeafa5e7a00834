//! The resources findings are about, with their ARNs.

use super::facts::{AuthorizerFacts, Facts, FunctionFacts, RouteFacts};
use super::finding::Resource;

pub fn api(f: &Facts) -> Resource {
    Resource::new("api", &f.api.name, Some(f.api_arn("")))
}

pub fn stage(f: &Facts, stage: &str) -> Resource {
    Resource::new("stage", stage, Some(f.api_arn(&format!("/stages/{stage}"))))
}

/// A route's own settings on a stage: `prod/send`.
pub fn route_settings(f: &Facts, stage: &str, route_key: &str) -> Resource {
    Resource::new("route_settings", format!("{stage}/{route_key}"), Some(f.api_arn(&format!("/stages/{stage}"))))
}

pub fn route(f: &Facts, r: &RouteFacts) -> Resource {
    Resource::new("route", &r.key, Some(f.api_arn(&format!("/routes/{}", r.id))))
}

pub fn authorizer(f: &Facts, a: &AuthorizerFacts) -> Resource {
    Resource::new("authorizer", &a.name, Some(f.api_arn(&format!("/authorizers/{}", a.id))))
}

pub fn function(func: &FunctionFacts) -> Resource {
    Resource::new("function", &func.name, Some(func.arn.clone()))
}

pub fn account(f: &Facts) -> Resource {
    Resource::new(
        "account",
        format!("API Gateway settings ({})", f.region),
        Some(format!("arn:aws:apigateway:{}::/account", f.region)),
    )
}
