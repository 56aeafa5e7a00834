//! The account the stack lives in: what its ARNs are made of.

use wsadm_core::{Aws, AwsResultExt, Error};

/// Account id and partition (from STS), and region: what ARNs are made of.
#[derive(Debug, Clone)]
pub(super) struct Account {
    pub(super) id: String,
    partition: String,
    pub(super) region: String,
}

impl Account {
    pub(super) async fn load(aws: &Aws) -> Result<Self, Error> {
        let who = aws.sts().get_caller_identity().send().await.ctx("GetCallerIdentity")?;
        let id = who.account().unwrap_or_default().to_string();
        let partition = who.arn().and_then(|a| a.split(':').nth(1)).filter(|p| !p.is_empty()).unwrap_or("aws");
        if id.is_empty() {
            return Err(Error::invalid("GetCallerIdentity returned no account id", "check the credentials"));
        }
        Ok(Account { id, partition: partition.to_string(), region: aws.region().to_string() })
    }

    pub(super) fn arn(&self, service: &str, resource: &str) -> String {
        format!("arn:{}:{service}:{}:{}:{resource}", self.partition, self.region, self.id)
    }

    pub(super) fn function_arn(&self, name: &str) -> String {
        self.arn("lambda", &format!("function:{name}"))
    }

    pub(super) fn role_arn(&self, role: &str) -> String {
        format!("arn:{}:iam::{}:role/{role}", self.partition, self.id)
    }

    pub(super) fn log_group_arn(&self, group: &str) -> String {
        self.arn("logs", &format!("log-group:{group}"))
    }

    pub(super) fn invocation_uri(&self, function_arn: &str) -> String {
        format!(
            "arn:{}:apigateway:{}:lambda:path/2015-03-31/functions/{function_arn}/invocations",
            self.partition, self.region
        )
    }

    pub(super) fn api_arn(&self, api_id: &str) -> String {
        format!("arn:{}:apigateway:{}::/apis/{api_id}", self.partition, self.region)
    }
}
