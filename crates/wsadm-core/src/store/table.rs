//! Creating the session table (indexes, TTL, point-in-time recovery, encryption), or bringing
//! an existing one up to that.

use super::item::build_err;
use super::{INDEX_BY_ROOM, INDEX_BY_USER, TTL_ATTRIBUTE};
use crate::{AwsResultExt, Error};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    PointInTimeRecoverySpecification, Projection, ProjectionType, ScalarAttributeType, SseSpecification, TableStatus,
    Tag, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;
use std::time::Duration;

/// Creates the session table (indexes, TTL, point-in-time recovery, encryption) or brings an
/// existing one up to that, and waits until it is active. Returns true when it created it.
pub async fn ensure_table(client: &Client, table: &str, tags: &[(String, String)]) -> Result<bool, Error> {
    let attr = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .map_err(build_err)
    };
    let key_el = |name: &str, kt: KeyType| {
        KeySchemaElement::builder().attribute_name(name).key_type(kt).build().map_err(build_err)
    };
    let gsi = |name: &str, hash: &str| -> Result<GlobalSecondaryIndex, Error> {
        GlobalSecondaryIndex::builder()
            .index_name(name)
            .key_schema(key_el(hash, KeyType::Hash)?)
            .key_schema(key_el("connectionId", KeyType::Range)?)
            .projection(Projection::builder().projection_type(ProjectionType::All).build())
            .build()
            .map_err(build_err)
    };
    let exists = match client.describe_table().table_name(table).send().await.ctx("DescribeTable") {
        Ok(_) => true,
        Err(Error::Service { ref code, .. }) if code == "ResourceNotFoundException" => false,
        Err(e) => return Err(e),
    };
    if !exists {
        let mut req = client
            .create_table()
            .table_name(table)
            .attribute_definitions(attr("connectionId")?)
            .attribute_definitions(attr("sk")?)
            .attribute_definitions(attr("userId")?)
            .attribute_definitions(attr("room")?)
            .key_schema(key_el("connectionId", KeyType::Hash)?)
            .key_schema(key_el("sk", KeyType::Range)?)
            .global_secondary_indexes(gsi(INDEX_BY_USER, "userId")?)
            .global_secondary_indexes(gsi(INDEX_BY_ROOM, "room")?)
            .billing_mode(BillingMode::PayPerRequest)
            .sse_specification(SseSpecification::builder().enabled(true).build());
        for (k, v) in tags {
            req = req.tags(Tag::builder().key(k).value(v).build().map_err(build_err)?);
        }
        match req.send().await.ctx("CreateTable") {
            Ok(_) => {}
            // Someone else created it meanwhile: converge on theirs.
            Err(Error::Service { ref code, .. }) if code == "ResourceInUseException" => {}
            Err(e) => return Err(e),
        }
    }
    wait_active(client, table).await?;
    let ttl = client.describe_time_to_live().table_name(table).send().await.ctx("DescribeTimeToLive")?;
    let ttl_on = ttl.time_to_live_description().is_some_and(|d| {
        d.attribute_name() == Some(TTL_ATTRIBUTE) && d.time_to_live_status().is_some_and(|s| s.as_str() != "DISABLED")
    });
    if !ttl_on {
        client
            .update_time_to_live()
            .table_name(table)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .enabled(true)
                    .attribute_name(TTL_ATTRIBUTE)
                    .build()
                    .map_err(build_err)?,
            )
            .send()
            .await
            .ctx("UpdateTimeToLive")?;
    }
    let backups =
        client.describe_continuous_backups().table_name(table).send().await.ctx("DescribeContinuousBackups")?;
    let pitr_on = backups
        .continuous_backups_description()
        .and_then(|d| d.point_in_time_recovery_description())
        .and_then(|p| p.point_in_time_recovery_status())
        .is_some_and(|s| s.as_str() == "ENABLED");
    if !pitr_on {
        client
            .update_continuous_backups()
            .table_name(table)
            .point_in_time_recovery_specification(
                PointInTimeRecoverySpecification::builder()
                    .point_in_time_recovery_enabled(true)
                    .build()
                    .map_err(build_err)?,
            )
            .send()
            .await
            .ctx("UpdateContinuousBackups")?;
    }
    Ok(!exists)
}

async fn wait_active(client: &Client, table: &str) -> Result<(), Error> {
    for attempt in 0..120u64 {
        let d = client.describe_table().table_name(table).send().await.ctx("DescribeTable")?;
        let status = d.table().and_then(|t| t.table_status()).cloned();
        if status == Some(TableStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250 * (attempt + 1).min(8))).await;
    }
    Err(Error::invalid(format!("table {table} did not become ACTIVE"), "check it in the DynamoDB console"))
}
