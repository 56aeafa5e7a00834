//! The events API Gateway sends to integrations and authorizers, in its JSON shapes.

use crate::time::request_time;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// What every event of one connection shares.
#[derive(Debug, Clone)]
pub struct EventContext<'a> {
    pub api_id: &'a str,
    pub stage: &'a str,
    pub connection_id: &'a str,
    pub connected_at: i64,
    pub domain_name: &'a str,
    pub source_ip: &'a str,
    pub user_agent: Option<&'a str>,
    pub request_id: &'a str,
    pub now_ms: i64,
    pub stage_variables: &'a BTreeMap<String, String>,
}

fn request_context(c: &EventContext, route_key: &str, event_type: &str) -> Map<String, Value> {
    let mut identity = json!({ "sourceIp": c.source_ip });
    if let Some(ua) = c.user_agent {
        identity["userAgent"] = json!(ua);
    }
    let v = json!({
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": c.request_id,
        "requestTime": request_time(c.now_ms),
        "messageDirection": "IN",
        "stage": c.stage,
        "connectedAt": c.connected_at,
        "requestTimeEpoch": c.now_ms,
        "identity": identity,
        "requestId": c.request_id,
        "domainName": c.domain_name,
        "connectionId": c.connection_id,
        "apiId": c.api_id,
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn multi(map: &BTreeMap<String, Vec<String>>) -> (Value, Value) {
    let single: Map<String, Value> = map.iter().filter_map(|(k, v)| Some((k.clone(), json!(v.last()?)))).collect();
    let multi: Map<String, Value> = map.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    (Value::Object(single), Value::Object(multi))
}

/// `$connect` (with the authorizer context when there is one).
pub fn connect(
    c: &EventContext,
    headers: &BTreeMap<String, Vec<String>>,
    query: &BTreeMap<String, Vec<String>>,
    authorizer: Option<&Map<String, Value>>,
) -> Value {
    let mut ctx = request_context(c, "$connect", "CONNECT");
    if let Some(a) = authorizer {
        ctx.insert("authorizer".into(), Value::Object(a.clone()));
    }
    let (h, mh) = multi(headers);
    let mut ev = json!({ "headers": h, "multiValueHeaders": mh, "requestContext": ctx, "isBase64Encoded": false });
    if !query.is_empty() {
        let (q, mq) = multi(query);
        ev["queryStringParameters"] = q;
        ev["multiValueQueryStringParameters"] = mq;
    }
    if !c.stage_variables.is_empty() {
        ev["stageVariables"] = json!(c.stage_variables);
    }
    ev
}

/// A message routed to `route_key`.
pub fn message(
    c: &EventContext,
    route_key: &str,
    message_id: &str,
    body: &str,
    base64: bool,
    authorizer: Option<&Map<String, Value>>,
) -> Value {
    let mut ctx = request_context(c, route_key, "MESSAGE");
    ctx.insert("messageId".into(), json!(message_id));
    if let Some(a) = authorizer {
        ctx.insert("authorizer".into(), Value::Object(a.clone()));
    }
    let mut ev = json!({ "requestContext": ctx, "body": body, "isBase64Encoded": base64 });
    if !c.stage_variables.is_empty() {
        ev["stageVariables"] = json!(c.stage_variables);
    }
    ev
}

/// `$disconnect`, with the close code and reason.
pub fn disconnect(c: &EventContext, status: u16, reason: &str, authorizer: Option<&Map<String, Value>>) -> Value {
    let mut ctx = request_context(c, "$disconnect", "DISCONNECT");
    ctx.insert("disconnectStatusCode".into(), json!(status));
    ctx.insert("disconnectReason".into(), json!(reason));
    if let Some(a) = authorizer {
        ctx.insert("authorizer".into(), Value::Object(a.clone()));
    }
    json!({ "headers": { "Host": c.domain_name }, "requestContext": ctx, "isBase64Encoded": false })
}

/// The REQUEST authorizer event for `$connect`.
pub fn authorizer_request(
    c: &EventContext,
    method_arn: &str,
    headers: &BTreeMap<String, Vec<String>>,
    query: &BTreeMap<String, Vec<String>>,
) -> Value {
    let (h, mh) = multi(headers);
    let (q, mq) = multi(query);
    json!({
        "type": "REQUEST",
        "methodArn": method_arn,
        "headers": h,
        "multiValueHeaders": mh,
        "queryStringParameters": q,
        "multiValueQueryStringParameters": mq,
        "stageVariables": c.stage_variables,
        "requestContext": request_context(c, "$connect", "CONNECT"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_parse_as_aws_lambda_events_types() {
        let vars = BTreeMap::new();
        let c = EventContext {
            api_id: "abc",
            stage: "prod",
            connection_id: "Xy12=",
            connected_at: 5,
            domain_name: "127.0.0.1:1",
            source_ip: "127.0.0.1",
            user_agent: Some("t"),
            request_id: "r",
            now_ms: 6,
            stage_variables: &vars,
        };
        let mut auth = Map::new();
        auth.insert("principalId".into(), json!("alice"));
        let q = BTreeMap::from([("room".to_string(), vec!["lobby".to_string()])]);
        let ev: aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest =
            serde_json::from_value(connect(&c, &BTreeMap::new(), &q, Some(&auth))).unwrap();
        assert_eq!(ev.request_context.connection_id.as_deref(), Some("Xy12="));
        assert_eq!(ev.query_string_parameters.first("room"), Some("lobby"));
        let ev: aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest =
            serde_json::from_value(disconnect(&c, 1001, "Going away", None)).unwrap();
        assert_eq!(ev.request_context.disconnect_status_code, Some(1001));
        let ev: aws_lambda_events::apigw::ApiGatewayCustomAuthorizerRequestTypeRequest =
            serde_json::from_value(authorizer_request(&c, "arn:x", &BTreeMap::new(), &q)).unwrap();
        assert_eq!(ev.method_arn.as_deref(), Some("arn:x"));
    }
}
