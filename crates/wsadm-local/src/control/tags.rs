//! Tags on APIs, stages and domain names, addressed by ARN (`/v2/tags/{arn}`).

use super::domains::DomainState;
use super::errors::{bad, resource_not_found, Result};
use super::store::ControlPlane;
use super::wire::{json, no_content, parse_body, required, Query, Reply};
use crate::model::ApiState;
use hyper::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Default, Serialize, Deserialize)]
struct TagsBody {
    tags: Option<BTreeMap<String, String>>,
}

impl ControlPlane {
    pub(super) fn get_tags(&self, arn: &str) -> Result<Reply> {
        let target = parse_tag_arn(arn, &self.region)?;
        let apis = self.read();
        let domains = self.domains_read();
        let tags = match &target {
            TagTarget::Api(a) => apis.get(a).map(|s| &s.api.tags),
            TagTarget::Stage(a, st) => apis.get(a).and_then(|s| s.stages.get(st)).map(|s| &s.tags),
            TagTarget::Domain(d) => domains.get(d).map(|s| &s.domain.tags),
        };
        let tags = tags.ok_or_else(|| resource_not_found(arn))?;
        Ok(json(StatusCode::OK, &TagsBody { tags: Some(tags.clone()) }))
    }

    pub(super) fn tag_resource(&self, arn: &str, body: &[u8]) -> Result<Reply> {
        let target = parse_tag_arn(arn, &self.region)?;
        let input: TagsBody = parse_body(body)?;
        let new_tags = required(input.tags, "tags")?;
        let mut apis = self.write();
        let mut domains = self.domains_write();
        let tags = tags_mut(&mut apis, &mut domains, &target).ok_or_else(|| resource_not_found(arn))?;
        let mut merged = tags.clone();
        merged.extend(new_tags);
        validate_tags(&merged)?;
        *tags = merged;
        Ok(json(StatusCode::CREATED, &serde_json::json!({})))
    }

    pub(super) fn untag_resource(&self, arn: &str, q: &Query) -> Result<Reply> {
        let target = parse_tag_arn(arn, &self.region)?;
        let keys = q.all("tagKeys");
        if keys.is_empty() {
            return Err(bad("tagKeys is required"));
        }
        let mut apis = self.write();
        let mut domains = self.domains_write();
        let tags = tags_mut(&mut apis, &mut domains, &target).ok_or_else(|| resource_not_found(arn))?;
        for k in keys {
            tags.remove(k);
        }
        Ok(no_content())
    }
}

fn tags_mut<'a>(
    apis: &'a mut BTreeMap<String, ApiState>,
    domains: &'a mut BTreeMap<String, DomainState>,
    target: &TagTarget,
) -> Option<&'a mut BTreeMap<String, String>> {
    match target {
        TagTarget::Api(a) => apis.get_mut(a).map(|s| &mut s.api.tags),
        TagTarget::Stage(a, st) => apis.get_mut(a).and_then(|s| s.stages.get_mut(st)).map(|s| &mut s.tags),
        TagTarget::Domain(d) => domains.get_mut(d).map(|s| &mut s.domain.tags),
    }
}

pub(super) fn validate_tags(tags: &BTreeMap<String, String>) -> Result<()> {
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
    Domain(String),
}

/// `arn:{partition}:apigateway:{region}::/apis/{apiId}[/stages/{stage}]` or `…::/domainnames/{name}`.
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
        ["", "domainnames", name] if !name.is_empty() => Ok(TagTarget::Domain(name.to_string())),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::errors::{is_bad, ApiError};

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
        assert_eq!(
            parse_tag_arn("arn:aws:apigateway:us-east-1::/domainnames/chat.localhost", r),
            Ok(TagTarget::Domain("chat.localhost".into()))
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
}
