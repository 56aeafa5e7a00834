//! DynamoDB for the local stack. moto answers a few hundred DynamoDB writes a second, far below
//! what the chat stack needs at AWS's connect rate, so DynamoDB requests go to an engine built
//! for speed (dynalite). This front answers what that engine lacks: the time-to-live,
//! point-in-time-recovery and encryption settings (kept here, so Describe* reads them back),
//! tags given to CreateTable, and the deletion of expired items ([`ttl`]). With moto as the
//! engine it only passes requests on, one write at a time.

mod settings;
pub mod ttl;
mod wire;

use crate::response::ResponseBody;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::{HeaderMap, Request, Response};
use serde_json::{json, Value};
use settings::TableSettings;
use std::collections::HashMap;
use std::sync::Mutex;
use wire::{ddb_error, Answer};

pub mod warm_up;

/// The scratch table the engine is warmed with ([`warm_up`]): never listed, never created
/// through the front.
pub const WARM_UP_TABLE: &str = "wsadm-local-warm-up";

/// Which engine answers DynamoDB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Engine {
    /// moto, like every other service: complete but slow.
    Moto(String),
    /// An engine built for speed (dynalite) at this URL; the front fills in what it lacks.
    Fast(String),
}

impl Engine {
    pub fn url(&self) -> &str {
        match self {
            Engine::Moto(u) | Engine::Fast(u) => u,
        }
    }
}

pub struct DynamoDb {
    engine: Engine,
    region: String,
    account: String,
    tables: Mutex<HashMap<String, TableSettings>>,
    client: wire::Client,
    /// moto checks a write's condition and applies it without a lock, so two concurrent
    /// conditional writes could both pass; DynamoDB applies each write atomically (the per-user
    /// cap, the room cap and the rate limit rely on it). With moto, writes pass one at a time.
    /// dynalite locks each item for the check and the write, as DynamoDB does.
    moto_writes: tokio::sync::Mutex<()>,
}

const TARGET_PREFIX: &str = "DynamoDB_20120810.";
/// DynamoDB's largest request (BatchWriteItem: 25 items of 400 KB, with room to spare).
const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// The DynamoDB operation a request is for (its `X-Amz-Target`), if it is one.
pub fn operation(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-amz-target").and_then(|v| v.to_str().ok()).and_then(|t| t.strip_prefix(TARGET_PREFIX))
}

fn is_write(op: &str) -> bool {
    matches!(op, "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem" | "TransactWriteItems")
}

impl DynamoDb {
    pub fn new(engine: Engine, region: &str, account: &str) -> Self {
        DynamoDb {
            engine,
            region: region.to_string(),
            account: account.to_string(),
            tables: Mutex::new(HashMap::new()),
            client: wire::client(),
            moto_writes: tokio::sync::Mutex::new(()),
        }
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The TTL attribute of each table that has TTL enabled.
    pub fn ttl_tables(&self) -> Vec<(String, String)> {
        let tables = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        tables.iter().filter_map(|(t, s)| Some((t.clone(), s.ttl_attribute.clone()?))).collect()
    }

    pub async fn handle(&self, req: Request<Incoming>) -> Response<ResponseBody> {
        let (parts, body) = req.into_parts();
        let op = operation(&parts.headers).unwrap_or_default().to_string();
        // DynamoDB takes requests of at most 16 MB; a larger one is refused, never buffered.
        let body = match http_body_util::Limited::new(body, MAX_REQUEST_BYTES).collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) => {
                let mut a = ddb_error("ValidationException", &format!("the request could not be read: {e}"));
                a.set_status(hyper::StatusCode::PAYLOAD_TOO_LARGE);
                return a.response();
            }
        };
        let headers = parts.headers;
        let answer = match &self.engine {
            Engine::Moto(_) => {
                let _gate = if is_write(&op) { Some(self.moto_writes.lock().await) } else { None };
                self.send(&headers, &op, body).await
            }
            Engine::Fast(_) => self.fast(&headers, &op, body).await,
        };
        answer.response()
    }

    async fn send(&self, headers: &HeaderMap, op: &str, body: Bytes) -> Answer {
        wire::exchange(&self.client, self.engine.url(), headers, op, body).await
    }

    async fn fast(&self, headers: &HeaderMap, op: &str, body: Bytes) -> Answer {
        if op == "ListTables" {
            let mut a = self.send(headers, op, body).await;
            if a.ok() {
                let mut v = a.json_body();
                if let Some(names) = v.get_mut("TableNames").and_then(Value::as_array_mut) {
                    names.retain(|n| n.as_str() != Some(WARM_UP_TABLE));
                }
                a.set_json(v);
            }
            return a;
        }
        // Item operations pass as they are: only table operations are read.
        let table_op = matches!(
            op,
            "DescribeTimeToLive"
                | "UpdateTimeToLive"
                | "DescribeContinuousBackups"
                | "UpdateContinuousBackups"
                | "CreateTable"
                | "UpdateTable"
                | "DescribeTable"
                | "DeleteTable"
        );
        let input = if table_op { serde_json::from_slice::<Value>(&body).ok() } else { None };
        let Some(mut input) = input else {
            return self.pass(headers, op, body).await;
        };
        let table = input.get("TableName").and_then(Value::as_str).unwrap_or_default().to_string();
        match op {
            "DescribeTimeToLive" | "UpdateTimeToLive" | "DescribeContinuousBackups" | "UpdateContinuousBackups" => {
                self.settings_op(headers, op, &table, &input).await
            }
            "CreateTable" if table == WARM_UP_TABLE => ddb_error(
                "ValidationException",
                &format!("{WARM_UP_TABLE} is wsadm local's own scratch table: choose another name"),
            ),
            "CreateTable" => {
                let sse = input.as_object_mut().and_then(|o| o.remove("SSESpecification"));
                let tags = input.as_object_mut().and_then(|o| o.remove("Tags"));
                let mut a = self.send(headers, op, wire::to_bytes(&input)).await;
                if a.ok() {
                    let mut s = TableSettings::default();
                    if let Some(sse) = &sse {
                        s.set_sse(sse);
                    }
                    self.settings(&table, |t| *t = s);
                    if let Some(tags) = tags.filter(|t| t.as_array().is_some_and(|a| !a.is_empty())) {
                        let arn = a.json_body().pointer("/TableDescription/TableArn").cloned().unwrap_or_default();
                        let tagged = self
                            .send(headers, "TagResource", wire::to_bytes(&json!({"ResourceArn": arn, "Tags": tags})))
                            .await;
                        if !tagged.ok() {
                            return tagged;
                        }
                    }
                    self.patch(&mut a, "/TableDescription", &table);
                }
                a
            }
            "UpdateTable" => {
                let sse = input.as_object_mut().and_then(|o| o.remove("SSESpecification"));
                let only_sse = sse.is_some() && input.as_object().is_some_and(|o| o.len() == 1);
                let mut a = if only_sse {
                    // The engine refuses an update with nothing it knows; answer with the table.
                    let mut d = self.describe(headers, &table).await;
                    if d.ok() {
                        let t = d.json_body().get("Table").cloned().unwrap_or_default();
                        d.set_json(json!({ "TableDescription": t }));
                    }
                    d
                } else {
                    self.send(headers, op, wire::to_bytes(&input)).await
                };
                if a.ok() {
                    if let Some(sse) = &sse {
                        self.settings(&table, |t| t.set_sse(sse));
                    }
                    self.patch(&mut a, "/TableDescription", &table);
                }
                a
            }
            "DescribeTable" => {
                let mut a = self.send(headers, op, body).await;
                if a.ok() {
                    self.patch(&mut a, "/Table", &table);
                }
                a
            }
            "DeleteTable" => {
                let mut a = self.send(headers, op, body).await;
                if a.ok() {
                    self.patch(&mut a, "/TableDescription", &table);
                    self.tables.lock().unwrap_or_else(|p| p.into_inner()).remove(&table);
                }
                a
            }
            _ => self.pass(headers, op, body).await,
        }
    }

    /// Any other operation, as it is; what the engine does not know is named with the way out.
    async fn pass(&self, headers: &HeaderMap, op: &str, body: Bytes) -> Answer {
        let a = self.send(headers, op, body).await;
        if a.error_type().as_deref() == Some("UnknownOperationException") {
            return ddb_error(
                "UnknownOperationException",
                &format!(
                    "{op} is not implemented by the local DynamoDB engine (dynalite); \
                     run `wsadm local --dynamodb-engine moto` to use it, at moto's speed"
                ),
            );
        }
        a
    }

    /// TTL and point-in-time recovery, answered here for a table the engine has.
    async fn settings_op(&self, headers: &HeaderMap, op: &str, table: &str, input: &Value) -> Answer {
        let exists = self.describe(headers, table).await;
        if !exists.ok() {
            return if op.ends_with("ContinuousBackups")
                && exists.error_type().as_deref() == Some("ResourceNotFoundException")
            {
                ddb_error("TableNotFoundException", &format!("Table not found: {table}"))
            } else {
                exists
            };
        }
        let result = match op {
            "DescribeTimeToLive" => Ok(self.settings(table, |s| s.describe_ttl())),
            "UpdateTimeToLive" => {
                let spec = input.get("TimeToLiveSpecification").cloned().unwrap_or_default();
                self.settings(table, |s| s.update_ttl(&spec))
            }
            "DescribeContinuousBackups" => Ok(self.settings(table, |s| s.describe_pitr(settings::now_secs()))),
            _ => {
                let spec = input.get("PointInTimeRecoverySpecification").cloned().unwrap_or_default();
                self.settings(table, |s| s.update_pitr(&spec))
            }
        };
        match result {
            Ok(v) => Answer::json(v),
            Err(refusal) => ddb_error("ValidationException", &refusal),
        }
    }

    async fn describe(&self, headers: &HeaderMap, table: &str) -> Answer {
        self.send(headers, "DescribeTable", wire::to_bytes(&json!({ "TableName": table }))).await
    }

    fn settings<T>(&self, table: &str, f: impl FnOnce(&mut TableSettings) -> T) -> T {
        let mut tables = self.tables.lock().unwrap_or_else(|p| p.into_inner());
        f(tables.entry(table.to_string()).or_default())
    }

    /// Adds the encryption the engine does not report to the table description at `pointer`.
    fn patch(&self, a: &mut Answer, pointer: &str, table: &str) {
        let s = self.settings(table, |s| s.clone());
        let mut v = a.json_body();
        if let Some(t) = v.pointer_mut(pointer) {
            s.describe_sse(t, &self.region, &self.account);
            a.set_json(v);
        }
    }
}
