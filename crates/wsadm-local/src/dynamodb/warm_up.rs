//! dynalite is JavaScript: Node compiles its request paths to fast code only after they have
//! run a while. Cold, it answered the first second of a 500 connects/s load test at a
//! fraction of its speed, and the queue that built up was the run's connect p99 (135-335 ms;
//! under 50 ms once warm). DynamoDB on AWS has no such start, so the stack runs the chat's
//! kinds of requests through the engine as it starts, in the background (it takes 1-2 s of
//! the engine's time), on a scratch table that the front never lists nor lets anyone create.
//! Only an engine the stack started is warmed, never a user's running one.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType,
};
use aws_sdk_dynamodb::Client;
use futures::StreamExt;
use std::time::{Duration, Instant};

use super::WARM_UP_TABLE as TABLE;
/// Rounds of put, get, update, query and delete: enough for Node to optimise those paths.
const ROUNDS: usize = 600;
/// Past this the engine is left as it is: warming is a speed-up, never a reason to wait.
const BUDGET: Duration = Duration::from_secs(5);

/// Runs the chat's requests through the engine at `url`; a failure only means a colder start.
pub async fn warm_up(url: &str, region: &str) -> Duration {
    let started = Instant::now();
    let db = Client::new(&crate::server::local_sdk_config(url, region).await);
    let work = async {
        if create(&db).await.is_err() {
            return;
        }
        futures::stream::iter(0..ROUNDS).for_each_concurrent(8, |i| round(&db, i)).await;
    };
    if tokio::time::timeout(BUDGET, work).await.is_err() {
        tracing::debug!("dynalite warm-up cut at {BUDGET:?}");
    }
    let _ = db.delete_table().table_name(TABLE).send().await;
    started.elapsed()
}

async fn create(db: &Client) -> Result<(), aws_sdk_dynamodb::Error> {
    let attr =
        |name: &str| AttributeDefinition::builder().attribute_name(name).attribute_type(ScalarAttributeType::S).build();
    let key = |name: &str, kind| KeySchemaElement::builder().attribute_name(name).key_type(kind).build();
    let index = GlobalSecondaryIndex::builder()
        .index_name("by-room")
        .key_schema(key("room", KeyType::Hash)?)
        .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
        .build()?;
    db.create_table()
        .table_name(TABLE)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr("pk")?)
        .attribute_definitions(attr("sk")?)
        .attribute_definitions(attr("room")?)
        .key_schema(key("pk", KeyType::Hash)?)
        .key_schema(key("sk", KeyType::Range)?)
        .global_secondary_indexes(index)
        .send()
        .await?;
    Ok(())
}

async fn round(db: &Client, i: usize) {
    let s = |v: String| AttributeValue::S(v);
    let (pk, room) = (format!("conn#{i}"), format!("room#{}", i % 10));
    let _ = db
        .put_item()
        .table_name(TABLE)
        .item("pk", s(pk.clone()))
        .item("sk", s("session".into()))
        .item("room", s(room.clone()))
        .item("ttl", AttributeValue::N("4102444800".into()))
        .condition_expression("attribute_not_exists(pk)")
        .send()
        .await;
    let _ = db
        .get_item()
        .table_name(TABLE)
        .key("pk", s(pk.clone()))
        .key("sk", s("session".into()))
        .consistent_read(true)
        .send()
        .await;
    let _ = db
        .update_item()
        .table_name(TABLE)
        .key("pk", s(room.clone()))
        .key("sk", s("version".into()))
        .update_expression("ADD ver :one")
        .expression_attribute_values(":one", AttributeValue::N("1".into()))
        .send()
        .await;
    let _ = db
        .query()
        .table_name(TABLE)
        .index_name("by-room")
        .key_condition_expression("room = :r")
        .expression_attribute_values(":r", s(room))
        .send()
        .await;
    let _ = db
        .delete_item()
        .table_name(TABLE)
        .key("pk", s(pk))
        .key("sk", s("session".into()))
        .condition_expression("attribute_exists(pk)")
        .send()
        .await;
}
