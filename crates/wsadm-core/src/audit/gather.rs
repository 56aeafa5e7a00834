//! Gathers the facts about one API once, with few concurrent calls: the API Gateway lists (routes,
//! integrations, authorizers, stages) in one round, then the functions and the session table,
//! then the roles and log groups. Nothing is read per route. A read that fails (access denied)
//! becomes a fact that says why, so the checks report "not checked" instead of passing.

use super::facts::*;
use crate::logs::groups::{execution_group, function_name, function_of_uri, log_group_of_arn};
use crate::{apigw, Aws, AwsResultExt, Error, ErrorKind};
use aws_sdk_apigatewayv2::types::{Api, Authorizer};
use futures::future::join_all;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU32, Ordering};

/// Why a fact could not be read, for the finding: `access denied (GetRolePolicy)`.
pub fn reason(e: &Error) -> String {
    match e {
        Error::AccessDenied { operation, .. } => format!("access denied ({operation})"),
        other => other.to_string(),
    }
}

/// Counts the AWS calls made for one API.
#[derive(Default)]
struct Calls(AtomicU32);

impl Calls {
    fn add(&self, n: u32) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
}

/// The account's CloudWatch role, read once per run (it is shared by every API of the region).
pub async fn account_role(aws: &Aws) -> Fact<Option<String>> {
    crate::logs::groups::cloudwatch_role(aws).await.map_err(|e| reason(&e))
}

fn s(v: Option<&str>) -> String {
    v.unwrap_or_default().to_string()
}

fn authorizer_facts(a: &Authorizer) -> AuthorizerFacts {
    AuthorizerFacts {
        id: s(a.authorizer_id()),
        name: s(a.name()),
        authorizer_type: a.authorizer_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
        identity_sources: a.identity_source().to_vec(),
        uri: a.authorizer_uri().map(str::to_string),
    }
}

fn settings(r: Option<&aws_sdk_apigatewayv2::types::RouteSettings>) -> RouteSettingsFacts {
    r.map(|r| RouteSettingsFacts {
        rate: r.throttling_rate_limit(),
        burst: r.throttling_burst_limit(),
        logging_level: r.logging_level().map(|l| l.as_str().to_string()),
        data_trace: r.data_trace_enabled(),
    })
    .unwrap_or_default()
}

fn policy_doc(doc: &str) -> Option<Value> {
    let decoded = if doc.trim_start().starts_with('{') {
        doc.to_string()
    } else {
        percent_encoding::percent_decode_str(doc).decode_utf8_lossy().into_owned()
    };
    serde_json::from_str(&decoded).ok()
}

/// The length of each HS256 secret the functions name in `WSADM_JWT_SECRET_ARN` (read once
/// each; the value is dropped at once).
async fn secret_lengths(aws: &Aws, functions: &[FunctionFacts], calls: &Calls) -> Vec<SecretFacts> {
    let mut by_arn: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in functions {
        if let Some(arn) = f.config.as_ref().ok().and_then(|c| c.env.get("WSADM_JWT_SECRET_ARN")) {
            by_arn.entry(arn.clone()).or_default().push(f.name.clone());
        }
    }
    let sm = aws.secretsmanager();
    calls.add(by_arn.len() as u32);
    let reads = futures::future::join_all(by_arn.keys().map(|arn| {
        let sm = sm.clone();
        async move { sm.get_secret_value().secret_id(arn).send().await.ctx("GetSecretValue") }
    }))
    .await;
    by_arn
        .into_iter()
        .zip(reads)
        .map(|((arn, used_by), read)| {
            let current_len = read.map_err(|e| reason(&e)).and_then(|o| {
                let text = o.secret_string().ok_or("the secret has no SecretString")?;
                Ok(current_secret_len(text))
            });
            SecretFacts { arn, used_by, current_len }
        })
        .collect()
}

/// The stack's secret is `{"current": "...", ...}`; anything else is the key itself.
fn current_secret_len(text: &str) -> usize {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v.get("current").and_then(|c| c.as_str()).map(str::len))
        .unwrap_or(text.len())
}

/// GetConnection calls in flight at once for the stale sample.
const STALE_CONCURRENCY: usize = 16;
/// Scan pages read at most for the stale sample (membership items share the pages).
const STALE_PAGES: usize = 3;

/// Gathers the facts of `api`; `stage` limits the stage checks to one stage (it must exist);
/// `table` overrides the API's `wsadm:table` tag; `stale_sample` records of the table (0: none)
/// are checked with GetConnection when the stage is known (given, or the API's only one).
pub async fn gather(
    aws: &Aws,
    api: &Api,
    stage: Option<&str>,
    table: Option<&str>,
    cloudwatch_role: Fact<Option<String>>,
    stale_sample: usize,
    read_secrets: bool,
) -> Result<Facts, Error> {
    let calls = Calls::default();
    let gw = aws.apigw();
    let id = s(api.api_id());
    let tags: BTreeMap<String, String> = api.tags().map(|t| t.clone().into_iter().collect()).unwrap_or_default();
    let mut facts = Facts::new(aws.region(), ApiFacts { id: id.clone(), name: s(api.name()), tags });
    facts.cloudwatch_role = cloudwatch_role;

    // Round 1: the API's configuration.
    calls.add(4);
    let (routes, integrations, stages, authorizers) = futures::join!(
        apigw::routes(&gw, &id),
        apigw::integrations(&gw, &id),
        apigw::stages(&gw, &id),
        apigw::authorizers(&gw, &id)
    );
    let (routes, integrations, stages) = (routes?, integrations?, stages?);
    facts.authorizers = match authorizers {
        Ok(list) => Ok(list.iter().map(authorizer_facts).collect()),
        // Some endpoints (moto) lack GetAuthorizers: read the ones the routes use instead.
        Err(e) if e.kind() == ErrorKind::Failure => {
            let mut ids: Vec<&str> = routes.iter().filter_map(|r| r.authorizer_id()).collect();
            ids.sort();
            ids.dedup();
            calls.add(ids.len() as u32);
            let read = join_all(ids.iter().map(|aid| apigw::authorizer(&gw, &id, aid))).await;
            read.into_iter().map(|r| r.map(|a| authorizer_facts(&a)).map_err(|e| reason(&e))).collect()
        }
        Err(e) => Err(reason(&e)),
    };
    facts.routes = routes
        .iter()
        .map(|r| RouteFacts {
            id: s(r.route_id()),
            key: s(r.route_key()),
            authorization_type: r.authorization_type().map(|a| a.as_str().to_string()).unwrap_or_else(|| "NONE".into()),
            authorizer_id: r.authorizer_id().map(str::to_string),
            integration_id: r.target().and_then(|t| t.strip_prefix("integrations/")).map(str::to_string),
        })
        .collect();
    facts.integrations = integrations
        .iter()
        .map(|i| IntegrationFacts {
            id: s(i.integration_id()),
            integration_type: i.integration_type().map(|t| t.as_str().to_string()).unwrap_or_default(),
            uri: i.integration_uri().map(str::to_string),
            timeout_ms: i.timeout_in_millis(),
        })
        .collect();
    if let Some(want) = stage {
        if !stages.iter().any(|st| st.stage_name() == Some(want)) {
            let mut available: Vec<String> = stages.iter().map(|st| s(st.stage_name())).collect();
            available.sort();
            return Err(Error::StageNotFound { api: id, stage: want.to_string(), available });
        }
    }
    facts.stages = stages
        .iter()
        .filter(|st| stage.is_none() || st.stage_name() == stage)
        .map(|st| StageFacts {
            name: s(st.stage_name()),
            default: settings(st.default_route_settings()),
            routes: st
                .route_settings()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), settings(Some(v)))).collect())
                .unwrap_or_default(),
            access_log_arn: st.access_log_settings().and_then(|a| a.destination_arn()).map(str::to_string),
            access_log_format: st.access_log_settings().and_then(|a| a.format()).map(str::to_string),
        })
        .collect();
    facts.stages.sort_by(|a, b| a.name.cmp(&b.name));

    // The functions the routes and authorizers invoke.
    let none = HashMap::new();
    let mut functions: Vec<FunctionFacts> = Vec::new();
    let mut use_fn = |arn: String, by: String| match functions.iter_mut().find(|f| f.arn == arn) {
        Some(f) => f.used_by.push(by),
        None => functions.push(FunctionFacts {
            name: function_name(&arn),
            arn,
            used_by: vec![by],
            config: Err("not read".into()),
        }),
    };
    let mut sorted: Vec<&RouteFacts> = facts.routes.iter().collect();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    for r in sorted {
        let uri = r.integration_id.as_deref().and_then(|i| facts.integration(i)).and_then(|i| i.uri.as_deref());
        if let Some(f) = uri.and_then(|u| function_of_uri(u, &none)) {
            use_fn(f, format!("route {}", r.key));
        }
    }
    if let Ok(list) = &facts.authorizers {
        for a in list {
            if let Some(f) = a.uri.as_deref().and_then(|u| function_of_uri(u, &none)) {
                use_fn(f, format!("authorizer {}", a.name));
            }
        }
    }

    // Round 2: the functions' configurations and the session table.
    let lambda = aws.lambda();
    calls.add(functions.len() as u32);
    let configs =
        join_all(functions.iter().map(|f| {
            let lambda = lambda.clone();
            async move {
                lambda.get_function_configuration().function_name(&f.arn).send().await.ctx("GetFunctionConfiguration")
            }
        }));
    let table_name = table.map(str::to_string).or_else(|| facts.api.tags.get(crate::target::TAG_TABLE).cloned());
    let (configs, table_facts) = futures::join!(configs, async {
        match &table_name {
            Some(t) => Some(read_table(aws, t, &calls).await),
            None => None,
        }
    });
    for (f, c) in functions.iter_mut().zip(configs) {
        f.config = c.map_err(|e| reason(&e)).map(|c| {
            if let Some(arn) = c.function_arn() {
                f.arn = arn.to_string();
            }
            FunctionConfig {
                role_arn: c.role().map(str::to_string),
                timeout_secs: c.timeout(),
                description: c.description().map(str::to_string),
                env: c
                    .environment()
                    .and_then(|e| e.variables())
                    .map(|v| v.clone().into_iter().collect())
                    .unwrap_or_default(),
                log_group: c
                    .logging_config()
                    .and_then(|l| l.log_group())
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("/aws/lambda/{}", c.function_name().unwrap_or(&f.name))),
            }
        });
    }
    facts.functions = functions;
    facts.table = table_facts;
    if read_secrets {
        facts.secrets = Some(secret_lengths(aws, &facts.functions, &calls).await);
    }
    if let (Some(t), [st], true) = (&facts.table, facts.stages.as_slice(), stale_sample > 0) {
        if t.arn.is_ok() {
            let endpoint = api.api_endpoint().unwrap_or_default();
            let sample = sample_stale(aws, endpoint, &st.name, &t.name, stale_sample, &calls).await;
            facts.stale = Some(StaleFacts { stage: st.name.clone(), sample });
        }
    }

    // Round 3: the roles' policies and the log groups' retention.
    let mut role_arns: Vec<String> =
        facts.functions.iter().filter_map(|f| f.config.as_ref().ok()?.role_arn.clone()).collect();
    role_arns.sort();
    role_arns.dedup();
    let mut groups: Vec<(String, String)> = Vec::new();
    let mut add_group = |name: String, role: String| {
        if !groups.iter().any(|(n, _)| *n == name) {
            groups.push((name, role));
        }
    };
    for st in &facts.stages {
        if let Some(g) = st.access_log_arn.as_deref().and_then(log_group_of_arn) {
            add_group(g, format!("access log of stage {}", st.name));
        }
        add_group(execution_group(&id, &st.name), format!("execution log of stage {}", st.name));
    }
    for f in &facts.functions {
        if let Ok(c) = &f.config {
            add_group(c.log_group.clone(), format!("function {}", f.name));
        }
    }
    let (roles, retention) = futures::join!(
        join_all(role_arns.iter().map(|arn| read_role(aws, arn, &calls))),
        join_all(groups.iter().map(|(name, _)| read_group(aws, name, &calls)))
    );
    facts.roles = roles;
    facts.log_groups = groups
        .into_iter()
        .zip(retention)
        .map(|((name, role), r)| {
            let (arn, retention) = match r {
                Ok(Some((arn, days))) => (arn, Ok(Some(days))),
                Ok(None) => (None, Ok(None)),
                Err(e) => (None, Err(e)),
            };
            LogGroupFacts { name, arn, role, retention }
        })
        .collect();
    facts.calls = calls.0.load(Ordering::Relaxed);
    Ok(facts)
}

/// Samples at most `n` records of the table and asks the stage's @connections endpoint about
/// each (410: stale). Any other answer (403, throttling, errors) makes the sample unusable.
async fn sample_stale(
    aws: &Aws,
    endpoint: &str,
    stage: &str,
    table: &str,
    n: usize,
    calls: &Calls,
) -> Fact<StaleSample> {
    use crate::connections::{self, ConnError};
    use futures::stream::{self, StreamExt};
    let url = crate::target::management_endpoint(endpoint, stage, None).map_err(|e| reason(&e))?;
    let client = aws.management(&url).map_err(|e| reason(&e))?;
    let store = crate::store::SessionStore::new(aws.dynamodb(), table);
    calls.add(1);
    let records = store.sample(n, STALE_PAGES).await.map_err(|e| reason(&e))?;
    let ids: Vec<String> = records
        .into_iter()
        .filter(|r| r.stage.as_deref().is_none_or(|s| s.is_empty() || s == stage))
        .map(|r| r.connection_id)
        .collect();
    calls.add(ids.len() as u32);
    let answers: Vec<Result<(), ConnError>> = stream::iter(ids)
        .map(|id| {
            let client = client.clone();
            async move { connections::get(&client, &id).await.map(|_| ()) }
        })
        .buffer_unordered(STALE_CONCURRENCY)
        .collect()
        .await;
    let mut sample = StaleSample { checked: answers.len(), gone: 0 };
    for a in answers {
        match a {
            Ok(()) => {}
            Err(ConnError::Gone) => sample.gone += 1,
            Err(e) => return Err(format!("GetConnection on stage {stage}: {e}")),
        }
    }
    Ok(sample)
}

async fn read_table(aws: &Aws, name: &str, calls: &Calls) -> TableFacts {
    let ddb = aws.dynamodb();
    calls.add(3);
    let (described, ttl, backups) = futures::join!(
        ddb.describe_table().table_name(name).send(),
        ddb.describe_time_to_live().table_name(name).send(),
        ddb.describe_continuous_backups().table_name(name).send()
    );
    let described = described
        .ctx("DescribeTable")
        .map_err(|e| reason(&e))
        .and_then(|o| o.table.ok_or_else(|| "DescribeTable returned no table".to_string()));
    let (arn, sse) = match described {
        Ok(t) => {
            let kms = t
                .sse_description()
                .and_then(|s| s.status())
                .is_some_and(|s| matches!(s.as_str(), "ENABLED" | "ENABLING" | "UPDATING"));
            (Ok(s(t.table_arn())), Ok(if kms { "KMS" } else { "AWS_OWNED" }.to_string()))
        }
        Err(e) => (Err(e.clone()), Err(e)),
    };
    let ttl = ttl.ctx("DescribeTimeToLive").map_err(|e| reason(&e)).map(|o| {
        o.time_to_live_description()
            .filter(|d| d.time_to_live_status().is_some_and(|s| matches!(s.as_str(), "ENABLED" | "ENABLING")))
            .and_then(|d| d.attribute_name())
            .map(str::to_string)
    });
    let pitr = backups.ctx("DescribeContinuousBackups").map_err(|e| reason(&e)).map(|o| {
        o.continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            .is_some_and(|s| s.as_str() == "ENABLED")
    });
    TableFacts { name: name.to_string(), arn, ttl, pitr, sse }
}

async fn read_role(aws: &Aws, arn: &str, calls: &Calls) -> RoleFacts {
    let name = arn.rsplit('/').next().unwrap_or(arn).to_string();
    let iam = aws.iam();
    let policies = async {
        calls.add(2);
        let (inline, attached) = futures::join!(
            iam.list_role_policies().role_name(&name).send(),
            iam.list_attached_role_policies().role_name(&name).send()
        );
        let inline = inline.ctx("ListRolePolicies")?;
        let attached = attached.ctx("ListAttachedRolePolicies")?;
        calls.add(inline.policy_names().len() as u32 + 2 * attached.attached_policies().len() as u32);
        let inline_docs = join_all(inline.policy_names().iter().map(|p| {
            let iam = iam.clone();
            let name = name.clone();
            async move {
                let o = iam.get_role_policy().role_name(&name).policy_name(p).send().await.ctx("GetRolePolicy")?;
                Ok::<_, Error>((p.clone(), policy_doc(o.policy_document()).unwrap_or(Value::Null)))
            }
        }));
        let managed_docs = join_all(attached.attached_policies().iter().filter_map(|p| p.policy_arn()).map(|parn| {
            let iam = iam.clone();
            async move {
                let p = iam.get_policy().policy_arn(parn).send().await.ctx("GetPolicy")?;
                let version = p.policy().and_then(|p| p.default_version_id()).unwrap_or("v1").to_string();
                let v = iam
                    .get_policy_version()
                    .policy_arn(parn)
                    .version_id(version)
                    .send()
                    .await
                    .ctx("GetPolicyVersion")?;
                let doc = v.policy_version().and_then(|v| v.document()).and_then(policy_doc).unwrap_or(Value::Null);
                Ok::<_, Error>((parn.to_string(), doc))
            }
        }));
        let (a, b) = futures::join!(inline_docs, managed_docs);
        a.into_iter().chain(b).collect::<Result<Vec<_>, Error>>()
    }
    .await
    .map_err(|e| reason(&e));
    RoleFacts { name, arn: arn.to_string(), policies }
}

/// `Some((arn, retention))` when the group exists.
#[allow(clippy::type_complexity)]
async fn read_group(aws: &Aws, name: &str, calls: &Calls) -> Result<Option<(Option<String>, Option<i32>)>, String> {
    calls.add(1);
    let o = aws
        .logs()
        .describe_log_groups()
        .log_group_name_prefix(name)
        .send()
        .await
        .ctx("DescribeLogGroups")
        .map_err(|e| reason(&e))?;
    Ok(o.log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(name))
        .map(|g| (g.arn().map(|a| a.strip_suffix(":*").unwrap_or(a).to_string()), g.retention_in_days())))
}
