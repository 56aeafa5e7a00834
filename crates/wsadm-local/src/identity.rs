//! The authorizer's identity sources: whether API Gateway calls the authorizer at all.
//!
//! AWS checks every listed source before invoking a REQUEST authorizer: one that is absent or
//! empty answers 401 without calling the function. An authorizer with no identity source (allowed
//! for REQUEST authorizers; WebSocket APIs never cache authorizer results) is invoked on every
//! `$connect`, and the function looks for the credentials itself.

use std::collections::BTreeMap;

/// The first listed identity source the request lacks (absent or empty), if any.
pub fn missing_source<'a>(
    sources: &'a [String],
    headers: &BTreeMap<String, Vec<String>>,
    query: &BTreeMap<String, Vec<String>>,
    stage_variables: &BTreeMap<String, String>,
) -> Option<&'a String> {
    let present = |values: Option<&Vec<String>>| values.is_some_and(|v| v.iter().any(|x| !x.is_empty()));
    sources.iter().find(|src| {
        if let Some(h) = src.strip_prefix("route.request.header.") {
            !present(headers.get(&h.to_ascii_lowercase()))
        } else if let Some(q) = src.strip_prefix("route.request.querystring.") {
            !present(query.get(q))
        } else if let Some(v) = src.strip_prefix("stageVariables.") {
            stage_variables.get(v).is_none_or(|x| x.is_empty())
        } else {
            // context.* values are API Gateway's own and always there.
            false
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            m.entry(k.to_string()).or_default().push(v.to_string());
        }
        m
    }

    #[test]
    fn listed_sources_must_be_present_and_non_empty() {
        let none: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let nv: BTreeMap<String, String> = BTreeMap::new();
        let q = vec!["route.request.querystring.token".to_string()];
        let h = vec!["route.request.header.Authorization".to_string()];
        assert_eq!(missing_source(&q, &none, &map(&[("token", "x")]), &nv), None);
        assert_eq!(missing_source(&q, &none, &map(&[("token", "")]), &nv), Some(&q[0]), "empty counts as missing");
        assert_eq!(missing_source(&q, &map(&[("authorization", "Bearer x")]), &none, &nv), Some(&q[0]));
        assert_eq!(missing_source(&h, &map(&[("authorization", "Bearer x")]), &none, &nv), None, "any case");
        assert_eq!(missing_source(&h, &none, &map(&[("token", "x")]), &nv), Some(&h[0]));
        let both: Vec<String> = [q[0].clone(), h[0].clone()].into();
        assert_eq!(missing_source(&both, &none, &map(&[("token", "x")]), &nv), Some(&h[0]), "every one is needed");
        let sv = vec!["stageVariables.tenant".to_string()];
        assert_eq!(missing_source(&sv, &none, &none, &nv), Some(&sv[0]));
        let vars = BTreeMap::from([("tenant".to_string(), "a".to_string())]);
        assert_eq!(missing_source(&sv, &none, &none, &vars), None);
    }

    #[test]
    fn no_identity_source_means_always_invoked() {
        assert_eq!(missing_source(&[], &BTreeMap::new(), &BTreeMap::new(), &BTreeMap::new()), None);
    }
}
