//! The authorizer's answer to API Gateway: an IAM policy allowing or denying `execute-api:Invoke`
//! on the `$connect` route, with the authorizer context.

use aws_lambda_events::apigw::{ApiGatewayCustomAuthorizerPolicy, ApiGatewayCustomAuthorizerResponse};
use aws_lambda_events::iam::{IamPolicyEffect, IamPolicyStatement};
use serde_json::{Map, Value};

use super::claims::Allowed;

/// The IAM policy letting `allowed` invoke the `$connect` route (`method_arn`), with its context.
pub fn allow_response(allowed: &Allowed, method_arn: &str) -> ApiGatewayCustomAuthorizerResponse {
    policy_response(&allowed.user_id, method_arn, IamPolicyEffect::Allow, allowed.context.clone())
}

/// The IAM policy refusing the connection (API Gateway answers 403).
pub fn deny_response(principal: &str, method_arn: &str) -> ApiGatewayCustomAuthorizerResponse {
    policy_response(principal, method_arn, IamPolicyEffect::Deny, Map::new())
}

fn policy_response(
    principal: &str,
    method_arn: &str,
    effect: IamPolicyEffect,
    context: Map<String, Value>,
) -> ApiGatewayCustomAuthorizerResponse {
    // The event types are #[non_exhaustive]: built from Default, field by field.
    let mut statement = IamPolicyStatement::default();
    statement.action = vec!["execute-api:Invoke".to_owned()];
    statement.effect = effect;
    statement.resource = vec![method_arn.to_owned()];
    let mut policy = ApiGatewayCustomAuthorizerPolicy::default();
    policy.version = Some("2012-10-17".to_owned());
    policy.statement = vec![statement];
    let mut response = ApiGatewayCustomAuthorizerResponse::default();
    response.principal_id = Some(principal.to_owned());
    response.policy_document = policy;
    response.context = Value::Object(context);
    response
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::auth::test_support::METHOD_ARN;

    #[test]
    fn allow_and_deny_responses_are_iam_policies_for_the_connect_route() {
        let mut context = Map::new();
        context.insert("userId".into(), json!("user-1"));
        context.insert("admin".into(), json!(true));
        let allowed = Allowed { user_id: "user-1".into(), context };
        let allow = serde_json::to_value(allow_response(&allowed, METHOD_ARN)).unwrap();
        assert_eq!(allow["principalId"], "user-1");
        assert_eq!(
            allow["policyDocument"],
            json!({
                "Version": "2012-10-17",
                "Statement": [{ "Action": ["execute-api:Invoke"], "Effect": "Allow", "Resource": [METHOD_ARN] }],
            })
        );
        assert_eq!(allow["context"], json!({ "userId": "user-1", "admin": true }));

        let deny = serde_json::to_value(deny_response("anonymous", METHOD_ARN)).unwrap();
        assert_eq!(deny["principalId"], "anonymous");
        assert_eq!(deny["policyDocument"]["Statement"][0]["Effect"], "Deny");
        assert_eq!(deny["policyDocument"]["Statement"][0]["Resource"], json!([METHOD_ARN]));
        assert_eq!(deny["context"], json!({}));
    }
}
