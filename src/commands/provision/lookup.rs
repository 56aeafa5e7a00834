//! Finding the stack's resources and telling them from others': not found, owner tags, log groups.

use wsadm_core::error::service_code;
use wsadm_core::target::TAG_STACK;
use wsadm_core::{apigw, AwsResultExt, Error};

fn is_not_found(e: &Error) -> bool {
    matches!(
        service_code(e),
        Some("NotFoundException" | "ResourceNotFoundException" | "NoSuchEntity" | "NoSuchEntityException")
    )
}

/// A resource with the stack's name that does not carry the stack's tag: never adopted.
pub(super) fn not_ours(kind: &str, name: &str, stack: &str, tag: Option<&str>) -> Error {
    let found = match tag {
        Some(t) => format!("it belongs to stack `{t}`"),
        None => format!("it has no {TAG_STACK} tag"),
    };
    Error::invalid(
        format!("{kind} {name} exists but is not part of stack {stack} ({found})"),
        format!(
            "wsadm never takes over resources it did not create: pick another --name, or remove {name}, or tag it {TAG_STACK}={stack} if it really is this stack's"
        ),
    )
}

/// Reading something that may not be there: AWS's not-found is `None`, any other error stays one.
pub(super) trait Optional<T> {
    fn optional(self) -> Result<Option<T>, Error>;
}

impl<T> Optional<T> for Result<T, Error> {
    fn optional(self) -> Result<Option<T>, Error> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Deleting something already gone is fine.
pub(super) fn delete_ok<T>(r: Result<T, Error>) -> Result<bool, Error> {
    Ok(r.optional()?.is_some())
}

pub(super) async fn find_log_group(
    logs: &aws_sdk_cloudwatchlogs::Client,
    name: &str,
) -> Result<Option<aws_sdk_cloudwatchlogs::types::LogGroup>, Error> {
    Ok(log_groups_with_prefix(logs, name).await?.into_iter().find(|g| g.log_group_name() == Some(name)))
}

pub(super) async fn log_groups_with_prefix(
    logs: &aws_sdk_cloudwatchlogs::Client,
    prefix: &str,
) -> Result<Vec<aws_sdk_cloudwatchlogs::types::LogGroup>, Error> {
    apigw::paged(|t| async move {
        let o = logs
            .describe_log_groups()
            .log_group_name_prefix(prefix)
            .set_next_token(t)
            .send()
            .await
            .ctx("DescribeLogGroups")?;
        Ok((o.log_groups.unwrap_or_default(), o.next_token))
    })
    .await
}

pub(super) async fn table_owner(ddb: &aws_sdk_dynamodb::Client, arn: &str) -> Result<Option<String>, Error> {
    let o = ddb.list_tags_of_resource().resource_arn(arn).send().await.ctx("ListTagsOfResource")?;
    Ok(o.tags().iter().find(|t| t.key() == TAG_STACK).map(|t| t.value().to_string()))
}

pub(super) fn log_group_arn(g: &aws_sdk_cloudwatchlogs::types::LogGroup) -> Option<String> {
    g.log_group_arn().map(str::to_string).or_else(|| g.arn().map(|a| a.trim_end_matches(":*").to_string()))
}

pub(super) async fn log_group_owner(logs: &aws_sdk_cloudwatchlogs::Client, arn: &str) -> Result<Option<String>, Error> {
    let o = logs.list_tags_for_resource().resource_arn(arn).send().await.ctx("ListTagsForResource")?;
    Ok(o.tags().and_then(|t| t.get(TAG_STACK)).cloned())
}
