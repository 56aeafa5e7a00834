//! `wsadm audit`: gathers the facts of one API (or every WebSocket API of the region) once, runs
//! every check of `wsadm_core::audit` over them, applies the ignore rules, and returns the report
//! (table, JSON) or a document for CI (SARIF, JUnit).

pub mod junit;
pub mod report;
pub mod sarif;

use super::Ctx;
use crate::args::audit::AuditArgs;
use futures::stream::{self, StreamExt, TryStreamExt};
pub use report::AuditReport;
use report::AuditedApi;
use wsadm_core::audit::{self, ignore, IgnoreRule};
use wsadm_core::{apigw, target, Error};

/// APIs audited at once with `--all` (each makes a handful of concurrent calls).
const CONCURRENCY: usize = 4;

fn rules(args: &AuditArgs) -> Result<Vec<IgnoreRule>, Error> {
    let mut rules = Vec::new();
    for spec in &args.ignore {
        let rule = IgnoreRule::parse(spec, "--ignore").map_err(|e| {
            Error::invalid(format!("--ignore {e}"), "e.g. --ignore WS-LOG-003 or --ignore WS-LOG-003:prod")
        })?;
        rules.push(rule);
    }
    if let Some(path) = &args.ignore_file {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            context: format!("cannot read the ignore file {}", path.display()),
            source,
        })?;
        let file = IgnoreRule::parse_file(&text).map_err(|e| {
            Error::invalid(
                format!("ignore file {}: {e}", path.display()),
                "one `ID[:RESOURCE] reason` per line, e.g. `WS-LOG-003:dev data trace while we debug #123`",
            )
        })?;
        rules.extend(file);
    }
    Ok(rules)
}

pub async fn run(ctx: &Ctx, args: &AuditArgs) -> Result<AuditReport, Error> {
    let rules = rules(args)?;
    let started = std::time::Instant::now();
    let aws = ctx.aws().await?;
    let (apis, stage, table) = if args.all {
        let mut apis = apigw::websocket_apis(&aws.apigw()).await?;
        apis.sort_by(|a, b| (a.name(), a.api_id()).cmp(&(b.name(), b.api_id())));
        (apis, None, None)
    } else {
        let query = ctx.global.api.clone().ok_or_else(|| {
            Error::invalid(
                "no API given",
                "pass --api NAME|ID (or WSADM_API), or --all for every WebSocket API in the region (see `wsadm apis ls`)",
            )
        })?;
        let api = target::resolve_api(aws, &query).await?;
        (vec![api], ctx.global.stage.clone(), ctx.global.table.clone())
    };
    // The account's CloudWatch role is one setting per region: read once.
    let role = audit::gather::account_role(aws).await;
    let gathered: Vec<audit::Facts> =
        stream::iter(apis)
            .map(|api| {
                let role = role.clone();
                let (stage, table) = (stage.as_deref(), table.as_deref());
                async move {
                    audit::gather(aws, &api, stage, table, role, args.stale_sample as usize, args.read_secrets).await
                }
            })
            .buffered(CONCURRENCY)
            .try_collect()
            .await?;
    let mut findings = Vec::new();
    let mut audited = Vec::new();
    for facts in &gathered {
        findings.extend(audit::run(facts));
        audited.push(AuditedApi {
            id: facts.api.id.clone(),
            name: facts.api.name.clone(),
            stages: facts.stages.iter().map(|s| s.name.clone()).collect(),
            table: facts.table.as_ref().map(|t| t.name.clone()),
            functions: facts.functions.iter().map(|f| f.name.clone()).collect(),
            aws_calls: facts.calls,
        });
    }
    ignore::apply(&mut findings, &rules);
    Ok(AuditReport::new(aws.region(), args.fail_on, audited, findings, started.elapsed()))
}
