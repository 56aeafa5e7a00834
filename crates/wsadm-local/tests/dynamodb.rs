//! The local stack's DynamoDB on dynalite: what the front adds to the engine (settings kept and
//! read back, tags given at creation, time to live enforced) and what it says it lacks.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, PointInTimeRecoverySpecification,
    ScalarAttributeType, SseSpecification, Tag, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;
use std::time::{Duration, Instant};
use wsadm_local::testing::emulator_on;
use wsadm_local::Limits;

async fn table(ddb: &Client, name: &str, encrypted: bool) {
    ddb.create_table()
        .table_name(name)
        .attribute_definitions(
            AttributeDefinition::builder().attribute_name("pk").attribute_type(ScalarAttributeType::S).build().unwrap(),
        )
        .key_schema(KeySchemaElement::builder().attribute_name("pk").key_type(KeyType::Hash).build().unwrap())
        .billing_mode(BillingMode::PayPerRequest)
        .sse_specification(SseSpecification::builder().enabled(encrypted).build())
        .tags(Tag::builder().key("team").value("chat").build().unwrap())
        .send()
        .await
        .unwrap();
}

fn code<E: aws_smithy_types::error::metadata::ProvideErrorMetadata>(
    e: &aws_sdk_dynamodb::error::SdkError<E>,
) -> String {
    e.as_service_error().and_then(|s| s.code()).unwrap_or("?").to_string()
}

#[tokio::test]
async fn settings_tags_and_encryption_read_back_as_set() {
    let (_engines, emulator) = emulator_on(Limits::default(), true).await;
    let ddb = Client::new(&wsadm_testkit::sdk_config_for(&emulator.url()).await);
    table(&ddb, "kms-table", true).await;
    let t = ddb.describe_table().table_name("kms-table").send().await.unwrap().table.unwrap();
    assert_eq!(t.sse_description().and_then(|s| s.sse_type()).map(|s| s.as_str()), Some("KMS"));
    assert!(t.table_arn().unwrap().starts_with("arn:aws:dynamodb:us-east-1:123456789012:table/"), "{t:?}");
    let tags = ddb.list_tags_of_resource().resource_arn(t.table_arn().unwrap()).send().await.unwrap();
    assert_eq!(tags.tags().iter().map(|t| (t.key(), t.value())).collect::<Vec<_>>(), [("team", "chat")]);

    // Encryption off (an UpdateTable with nothing else): AWS owned key, not described.
    ddb.update_table()
        .table_name("kms-table")
        .sse_specification(SseSpecification::builder().enabled(false).build())
        .send()
        .await
        .unwrap();
    let t = ddb.describe_table().table_name("kms-table").send().await.unwrap().table.unwrap();
    assert!(t.sse_description().is_none(), "{t:?}");

    // PITR on, then off.
    let pitr = |on| PointInTimeRecoverySpecification::builder().point_in_time_recovery_enabled(on).build().unwrap();
    let status = |o: aws_sdk_dynamodb::types::ContinuousBackupsDescription| {
        o.point_in_time_recovery_description().unwrap().point_in_time_recovery_status().unwrap().as_str().to_string()
    };
    let b = ddb.describe_continuous_backups().table_name("kms-table").send().await.unwrap();
    assert_eq!(status(b.continuous_backups_description.unwrap()), "DISABLED");
    ddb.update_continuous_backups()
        .table_name("kms-table")
        .point_in_time_recovery_specification(pitr(true))
        .send()
        .await
        .unwrap();
    let b = ddb.describe_continuous_backups().table_name("kms-table").send().await.unwrap();
    assert_eq!(status(b.continuous_backups_description.unwrap()), "ENABLED");

    // TTL: on once; a second enable is refused as DynamoDB refuses it.
    let ttl = |on| TimeToLiveSpecification::builder().enabled(on).attribute_name("exp").build().unwrap();
    ddb.update_time_to_live().table_name("kms-table").time_to_live_specification(ttl(true)).send().await.unwrap();
    let e = ddb
        .update_time_to_live()
        .table_name("kms-table")
        .time_to_live_specification(ttl(true))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ValidationException");
    let d = ddb.describe_time_to_live().table_name("kms-table").send().await.unwrap();
    assert_eq!(d.time_to_live_description().unwrap().attribute_name(), Some("exp"));

    // A table that does not exist: the errors DynamoDB gives.
    let e = ddb.describe_time_to_live().table_name("nope-table").send().await.unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    let e = ddb.describe_continuous_backups().table_name("nope-table").send().await.unwrap_err();
    assert_eq!(code(&e), "TableNotFoundException");

    // Deleted and created again: the old settings are gone.
    ddb.delete_table().table_name("kms-table").send().await.unwrap();
    // Deleting takes a moment (DELETING), as on DynamoDB.
    let start = Instant::now();
    while ddb.describe_table().table_name("kms-table").send().await.is_ok() {
        assert!(start.elapsed() < Duration::from_secs(10), "the table is never deleted");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    table(&ddb, "kms-table", false).await;
    let d = ddb.describe_time_to_live().table_name("kms-table").send().await.unwrap();
    assert_eq!(d.time_to_live_description().unwrap().time_to_live_status().unwrap().as_str(), "DISABLED");
    let t = ddb.describe_table().table_name("kms-table").send().await.unwrap().table.unwrap();
    assert!(t.sse_description().is_none());

    // What the engine lacks is named, with the way out.
    let put = aws_sdk_dynamodb::types::Put::builder()
        .table_name("kms-table")
        .item("pk", AttributeValue::S("x".into()))
        .build()
        .unwrap();
    let e = ddb
        .transact_write_items()
        .transact_items(aws_sdk_dynamodb::types::TransactWriteItem::builder().put(put).build())
        .send()
        .await
        .unwrap_err();
    let msg = format!("{}", aws_smithy_types::error::display::DisplayErrorContext(&e));
    assert!(msg.contains("--dynamodb-engine moto"), "{msg}");
}

#[tokio::test]
async fn expired_items_disappear_within_the_sweep_interval() {
    let sweep = Duration::from_secs(1);
    let (_engines, emulator) = emulator_on(Limits { ttl_sweep_interval: sweep, ..Limits::default() }, true).await;
    let ddb = Client::new(&wsadm_testkit::sdk_config_for(&emulator.url()).await);
    table(&ddb, "ttl-table", true).await;
    ddb.update_time_to_live()
        .table_name("ttl-table")
        .time_to_live_specification(
            TimeToLiveSpecification::builder().enabled(true).attribute_name("exp").build().unwrap(),
        )
        .send()
        .await
        .unwrap();
    let now = jiff::Timestamp::now().as_second();
    let items: [(&str, Option<AttributeValue>); 5] = [
        ("expired", Some(AttributeValue::N((now - 10).to_string()))),
        ("future", Some(AttributeValue::N((now + 3600).to_string()))),
        // DynamoDB ignores what is not a number, or more than five years old.
        ("text", Some(AttributeValue::S((now - 10).to_string()))),
        ("ancient", Some(AttributeValue::N((now - 6 * 365 * 86400).to_string()))),
        ("none", None),
    ];
    for (pk, exp) in items {
        let mut put = ddb.put_item().table_name("ttl-table").item("pk", AttributeValue::S(pk.into()));
        if let Some(e) = exp {
            put = put.item("exp", e);
        }
        put.send().await.unwrap();
    }
    let keys = || async {
        let scan = ddb.scan().table_name("ttl-table").consistent_read(true).send().await.unwrap();
        let mut k: Vec<String> = scan.items().iter().map(|i| i["pk"].as_s().unwrap().to_string()).collect();
        k.sort();
        k
    };
    let start = Instant::now();
    while keys().await.contains(&"expired".to_string()) {
        assert!(start.elapsed() < 3 * sweep + Duration::from_secs(2), "the expired item is still there");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(keys().await, ["ancient", "future", "none", "text"]);
}

#[tokio::test]
async fn a_request_over_dynamodbs_16_mb_is_refused_not_buffered() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (_engines, emulator) = emulator_on(Limits::default(), true).await;
    let mut s = tokio::net::TcpStream::connect(emulator.addr).await.unwrap();
    let len = 17 * 1024 * 1024;
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nX-Amz-Target: DynamoDB_20120810.PutItem\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {len}\r\n\r\n",
        emulator.addr
    );
    s.write_all(head.as_bytes()).await.unwrap();
    // The answer may come before the whole body is sent: the server stops reading at the bound.
    let _ = s.write_all(&vec![b' '; len]).await;
    let mut answer = vec![0u8; 12];
    s.read_exact(&mut answer).await.unwrap();
    assert_eq!(&answer, b"HTTP/1.1 413");
}
