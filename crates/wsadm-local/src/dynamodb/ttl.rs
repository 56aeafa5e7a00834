//! Time to live on the fast engine: every sweep, items whose TTL attribute (epoch seconds) is
//! in the past are deleted, as DynamoDB does in the background. DynamoDB deletes within a few
//! days; here within one sweep interval. Like DynamoDB it ignores values that are not numbers
//! or that lie more than five years in the past, and an item whose TTL moved into the future
//! meanwhile is kept (the delete is conditional).

use super::DynamoDb;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

const FIVE_YEARS_SECS: i64 = 5 * 365 * 24 * 3600;

/// Runs sweeps every `every` until the task is dropped.
pub fn spawn(front: Arc<DynamoDb>, engine: Client, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            for (table, attr) in front.ttl_tables() {
                match sweep(&engine, &table, &attr, jiff::Timestamp::now().as_second()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(table, deleted = n, "time to live: expired items deleted"),
                    Err(e) => tracing::warn!(table, "time to live sweep failed: {e}"),
                }
            }
        }
    })
}

/// Deletes the items of `table` expired at `now`; returns how many.
pub async fn sweep(ddb: &Client, table: &str, attr: &str, now: i64) -> Result<usize, String> {
    // The error's whole chain (an SDK error's own text is only "service error").
    fn err<E: std::error::Error>(e: &E) -> String {
        aws_smithy_types::error::display::DisplayErrorContext(e).to_string()
    }
    let described = ddb.describe_table().table_name(table).send().await.map_err(|e| err(&e))?;
    let keys: Vec<String> = described
        .table()
        .map(|t| t.key_schema().iter().map(|k| k.attribute_name().to_string()).collect())
        .unwrap_or_default();
    if keys.is_empty() {
        return Ok(0);
    }
    let mut names: HashMap<String, String> = HashMap::from([("#ttl".to_string(), attr.to_string())]);
    let projection: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            names.insert(format!("#k{i}"), k.clone());
            format!("#k{i}")
        })
        .collect();
    let now_v = AttributeValue::N(now.to_string());
    let mut deleted = 0;
    let mut start = None;
    loop {
        let page = ddb
            .scan()
            .table_name(table)
            .consistent_read(true)
            .filter_expression("#ttl < :now AND #ttl > :floor")
            .projection_expression(projection.join(", "))
            .set_expression_attribute_names(Some(names.clone()))
            .expression_attribute_values(":now", now_v.clone())
            .expression_attribute_values(":floor", AttributeValue::N((now - FIVE_YEARS_SECS).to_string()))
            .set_exclusive_start_key(start.take())
            .send()
            .await
            .map_err(|e| err(&e))?;
        for key in page.items() {
            let r = ddb
                .delete_item()
                .table_name(table)
                .set_key(Some(key.clone()))
                .condition_expression("#ttl < :now")
                .expression_attribute_names("#ttl", attr)
                .expression_attribute_values(":now", now_v.clone())
                .send()
                .await;
            match r {
                Ok(_) => deleted += 1,
                Err(e) if e.as_service_error().is_some_and(|s| s.is_conditional_check_failed_exception()) => {}
                Err(e) => return Err(err(&e)),
            }
        }
        match page.last_evaluated_key() {
            Some(k) if !k.is_empty() => start = Some(k.clone()),
            _ => return Ok(deleted),
        }
    }
}
