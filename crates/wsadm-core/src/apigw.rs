//! Paged reads of the API Gateway v2 control plane.

use crate::{AwsResultExt, Error};
use aws_sdk_apigatewayv2::types::{Api, Authorizer, Integration, ProtocolType, Route, Stage};
use aws_sdk_apigatewayv2::Client;
use std::future::Future;

/// Page size asked for; servers that ignore it still work.
const PAGE: &str = "100";

/// Follows `NextToken` until the last page. Stops if a server hands back the same token twice.
pub async fn paged<T, F, Fut>(mut page: F) -> Result<Vec<T>, Error>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), Error>>,
{
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let (items, next) = page(token.clone()).await?;
        out.extend(items);
        match next {
            Some(t) if !t.is_empty() && Some(&t) != token.as_ref() => token = Some(t),
            _ => return Ok(out),
        }
    }
}

/// Every API in the region (HTTP and WebSocket).
pub async fn all_apis(c: &Client) -> Result<Vec<Api>, Error> {
    paged(|t| async move {
        let o = c.get_apis().max_results(PAGE).set_next_token(t).send().await.ctx("GetApis")?;
        Ok((o.items.unwrap_or_default(), o.next_token))
    })
    .await
}

/// The WebSocket APIs in the region.
pub async fn websocket_apis(c: &Client) -> Result<Vec<Api>, Error> {
    let mut apis = all_apis(c).await?;
    apis.retain(is_websocket);
    Ok(apis)
}

pub fn is_websocket(api: &Api) -> bool {
    api.protocol_type() == Some(&ProtocolType::Websocket)
}

pub async fn stages(c: &Client, api_id: &str) -> Result<Vec<Stage>, Error> {
    paged(|t| async move {
        let o = c.get_stages().api_id(api_id).max_results(PAGE).set_next_token(t).send().await.ctx("GetStages")?;
        Ok((o.items.unwrap_or_default(), o.next_token))
    })
    .await
}

pub async fn routes(c: &Client, api_id: &str) -> Result<Vec<Route>, Error> {
    paged(|t| async move {
        let o = c.get_routes().api_id(api_id).max_results(PAGE).set_next_token(t).send().await.ctx("GetRoutes")?;
        Ok((o.items.unwrap_or_default(), o.next_token))
    })
    .await
}

pub async fn integrations(c: &Client, api_id: &str) -> Result<Vec<Integration>, Error> {
    paged(|t| async move {
        let o = c
            .get_integrations()
            .api_id(api_id)
            .max_results(PAGE)
            .set_next_token(t)
            .send()
            .await
            .ctx("GetIntegrations")?;
        Ok((o.items.unwrap_or_default(), o.next_token))
    })
    .await
}

pub async fn authorizers(c: &Client, api_id: &str) -> Result<Vec<Authorizer>, Error> {
    paged(|t| async move {
        let o = c
            .get_authorizers()
            .api_id(api_id)
            .max_results(PAGE)
            .set_next_token(t)
            .send()
            .await
            .ctx("GetAuthorizers")?;
        Ok((o.items.unwrap_or_default(), o.next_token))
    })
    .await
}

pub async fn authorizer(c: &Client, api_id: &str, authorizer_id: &str) -> Result<Authorizer, Error> {
    let o = c.get_authorizer().api_id(api_id).authorizer_id(authorizer_id).send().await.ctx("GetAuthorizer")?;
    Ok(Authorizer::builder()
        .set_authorizer_id(o.authorizer_id)
        .set_name(o.name)
        .set_authorizer_type(o.authorizer_type)
        .set_authorizer_uri(o.authorizer_uri)
        .set_identity_source(o.identity_source)
        .set_authorizer_result_ttl_in_seconds(o.authorizer_result_ttl_in_seconds)
        .set_authorizer_credentials_arn(o.authorizer_credentials_arn)
        .build())
}

/// The Lambda function an integration or authorizer URI invokes
/// (`arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function-arn}/invocations`).
pub fn lambda_function_arn(uri: &str) -> Option<&str> {
    let (_, rest) = uri.split_once(":lambda:path/")?.1.split_once("/functions/")?;
    Some(rest.strip_suffix("/invocations").unwrap_or(rest))
}

/// A function's short name from its ARN (`arn:aws:lambda:r:a:function:NAME[:qualifier]`) or name.
pub fn function_name(arn_or_name: &str) -> &str {
    match arn_or_name.split_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
        None => arn_or_name,
    }
}

/// The log group an access-log destination ARN names (`arn:aws:logs:r:a:log-group:NAME[:*]`).
pub fn log_group_name(arn: &str) -> Option<&str> {
    let name = arn.split_once(":log-group:")?.1;
    Some(name.strip_suffix(":*").unwrap_or(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_from_integration_uris() {
        let uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:chat-send:live/invocations";
        assert_eq!(lambda_function_arn(uri), Some("arn:aws:lambda:us-east-1:123456789012:function:chat-send:live"));
        assert_eq!(function_name(lambda_function_arn(uri).unwrap()), "chat-send");
        assert_eq!(function_name("chat-send"), "chat-send");
        assert_eq!(lambda_function_arn("http://127.0.0.1:9000/hook"), None);
        assert_eq!(log_group_name("arn:aws:logs:us-east-1:1:log-group:/chat/access:*"), Some("/chat/access"));
        assert_eq!(log_group_name("arn:aws:logs:us-east-1:1:log-group:chat"), Some("chat"));
        assert_eq!(log_group_name("chat"), None);
    }

    #[tokio::test]
    async fn paged_follows_tokens_and_stops_on_repeats() {
        let pages = |t: Option<String>| async move {
            Ok::<_, Error>(match t.as_deref() {
                None => (vec![1, 2], Some("a".to_string())),
                Some("a") => (vec![3], Some("b".to_string())),
                _ => (vec![4], None),
            })
        };
        assert_eq!(paged(pages).await.unwrap(), vec![1, 2, 3, 4]);
        let stuck = |_t: Option<String>| async move { Ok::<_, Error>((vec![0], Some("same".to_string()))) };
        assert_eq!(paged(stuck).await.unwrap(), vec![0, 0]);
    }
}
