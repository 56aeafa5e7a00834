//! `wsadm destroy`: finds everything of the stack by tag and name, and deletes it in order
//! (the HS256 secret at once, without Secrets Manager's recovery window: a stack made again
//! under the same name must be able to create it anew).

use super::lookup::{delete_ok, log_group_arn, log_group_owner, log_groups_with_prefix, table_owner, Optional};
use super::names::{function_name, lambda_log_group, role_name, secret_name, table_name, validate_name, FnRole};
use super::report::{Action, DestroyReport, Failure, Step};
use crate::cli::DestroyCommand;
use crate::commands::Ctx;
use std::collections::BTreeSet;
use std::io::IsTerminal;
use wsadm_core::target::TAG_STACK;
use wsadm_core::{apigw, Aws, AwsResultExt, Error};

/// Asks on the terminal; true for "y"/"yes".
async fn confirm(question: String) -> Result<bool, Error> {
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{question} [y/N] ");
        let _ = err.flush();
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
    })
    .await
    .map_err(|e| Error::invalid(format!("the confirmation prompt failed: {e}"), "pass --yes"))?
    .map_err(|source| Error::Io { context: "cannot read the answer from the terminal".into(), source })
}

/// What destroy found: deleted in this order.
enum Found {
    Api(String),
    Function(String),
    /// The HS256 secret, by ARN.
    Secret(String),
    Role(String),
    LogGroup(String),
    Table(String),
}

impl Found {
    fn kind(&self) -> &'static str {
        match self {
            Found::Api(_) => "api",
            Found::Function(_) => "function",
            Found::Secret(_) => "secret",
            Found::Role(_) => "iam_role",
            Found::LogGroup(_) => "log_group",
            Found::Table(_) => "table",
        }
    }
}

/// Finds everything of the stack: by tag, and by name checked against the tag.
async fn discover(
    aws: &Aws,
    stack: &str,
    warnings: &mut Vec<String>,
) -> Result<(Vec<(Found, String)>, Vec<Step>), Error> {
    let mut found: Vec<(Found, String)> = Vec::new();
    let mut skipped = Vec::new();
    let mut skip = |kind: &'static str, name: String, owner: Option<String>, warnings: &mut Vec<String>| {
        warnings.push(format!(
            "{kind} {name} has the stack's name but {}; left alone",
            match owner {
                Some(o) => format!("belongs to stack `{o}`"),
                None => format!("no {TAG_STACK} tag"),
            }
        ));
        skipped.push(Step { kind, name, id: None, action: Action::Skipped, changes: vec![] });
    };
    let gw = aws.apigw();
    let mut api_ids = Vec::new();
    for a in apigw::websocket_apis(&gw).await? {
        let owner = a.tags().and_then(|t| t.get(TAG_STACK)).cloned();
        let id = a.api_id().unwrap_or_default().to_string();
        if owner.as_deref() == Some(stack) {
            api_ids.push(id.clone());
            found.push((Found::Api(id.clone()), format!("{} ({id})", a.name().unwrap_or_default())));
        } else if a.name() == Some(stack) {
            skip("api", format!("{stack} ({id})"), owner, warnings);
        }
    }
    let lambda = aws.lambda();
    let mut our_functions = Vec::new();
    for role in FnRole::ALL {
        let name = function_name(stack, role);
        if let Some(o) = lambda.get_function().function_name(&name).send().await.ctx("GetFunction").optional()? {
            let owner = o.tags().and_then(|t| t.get(TAG_STACK)).cloned();
            if owner.as_deref() == Some(stack) {
                our_functions.push(name.clone());
                found.push((Found::Function(name.clone()), name));
            } else {
                skip("function", name, owner, warnings);
            }
        }
    }
    discover_secrets(
        aws,
        stack,
        &mut found,
        &mut |name, owner, w: &mut Vec<String>| skip("secret", name, owner, w),
        warnings,
    )
    .await?;
    let iam = aws.iam();
    let role = role_name(stack);
    if let Some(o) = iam.get_role().role_name(&role).send().await.ctx("GetRole").optional()? {
        let owner =
            o.role().and_then(|r| r.tags().iter().find(|t| t.key() == TAG_STACK)).map(|t| t.value().to_string());
        if owner.as_deref() == Some(stack) {
            found.push((Found::Role(role.clone()), role));
        } else {
            skip("iam_role", role, owner, warnings);
        }
    }
    let logs = aws.logs();
    let mut prefixes = vec![format!("/wsadm/{stack}/"), format!("/aws/lambda/{stack}-")];
    prefixes.extend(api_ids.iter().map(|id| format!("API-Gateway-Execution-Logs_{id}/")));
    let derived: BTreeSet<String> = our_functions.iter().map(|f| lambda_log_group(f)).collect();
    for prefix in prefixes {
        for g in log_groups_with_prefix(&logs, &prefix).await? {
            let name = g.log_group_name().unwrap_or_default().to_string();
            let arn = log_group_arn(&g).unwrap_or_default();
            let owner = log_group_owner(&logs, &arn).await?;
            // Groups AWS made for the stack's own functions or API count as the stack's even untagged.
            let adopted =
                owner.is_none() && (derived.contains(&name) || prefix.starts_with("API-Gateway-Execution-Logs_"));
            if owner.as_deref() == Some(stack) || adopted {
                found.push((Found::LogGroup(name.clone()), name));
            } else if name.starts_with("/wsadm/") || derived.contains(&name) {
                skip("log_group", name, owner, warnings);
            }
        }
    }
    let ddb = aws.dynamodb();
    let table = table_name(stack);
    if let Some(o) = ddb.describe_table().table_name(&table).send().await.ctx("DescribeTable").optional()? {
        let owner = table_owner(&ddb, o.table().and_then(|t| t.table_arn()).unwrap_or_default()).await?;
        if owner.as_deref() == Some(stack) {
            found.push((Found::Table(table.clone()), table));
        } else {
            skip("table", table, owner, warnings);
        }
    }
    Ok((found, skipped))
}

/// The stack's secrets: the one with the stack's secret name, and any other tagged as the stack's.
async fn discover_secrets(
    aws: &Aws,
    stack: &str,
    found: &mut Vec<(Found, String)>,
    skip: &mut impl FnMut(String, Option<String>, &mut Vec<String>),
    warnings: &mut Vec<String>,
) -> Result<(), Error> {
    use aws_sdk_secretsmanager::types::{Filter, FilterNameStringType};
    let sm = aws.secretsmanager();
    let owner = |tags: &[aws_sdk_secretsmanager::types::Tag]| {
        tags.iter().find(|t| t.key() == Some(TAG_STACK)).and_then(|t| t.value()).map(str::to_string)
    };
    let name = secret_name(stack);
    let mut arns = BTreeSet::new();
    if let Some(d) = sm.describe_secret().secret_id(&name).send().await.ctx("DescribeSecret").optional()? {
        let tag = owner(d.tags());
        if tag.as_deref() == Some(stack) {
            let arn = d.arn().unwrap_or(&name).to_string();
            arns.insert(arn.clone());
            found.push((Found::Secret(arn), name.clone()));
        } else {
            skip(name.clone(), tag, warnings);
        }
    }
    let filters = [
        Filter::builder().key(FilterNameStringType::TagKey).values(TAG_STACK).build(),
        Filter::builder().key(FilterNameStringType::TagValue).values(stack).build(),
    ];
    let listed = apigw::paged(|t| {
        let sm = sm.clone();
        let filters = filters.to_vec();
        async move {
            let o = sm.list_secrets().set_filters(Some(filters)).set_next_token(t).send().await.ctx("ListSecrets")?;
            Ok((o.secret_list.unwrap_or_default(), o.next_token))
        }
    })
    .await?;
    for s in listed {
        // The filters match key and value separately: the pair is checked here.
        let arn = s.arn().unwrap_or_default().to_string();
        if owner(s.tags()).as_deref() == Some(stack) && !arn.is_empty() && arns.insert(arn.clone()) {
            found.push((Found::Secret(arn), s.name().unwrap_or_default().to_string()));
        }
    }
    Ok(())
}

async fn delete(aws: &Aws, what: &Found) -> Result<bool, Error> {
    match what {
        Found::Api(id) => delete_ok(aws.apigw().delete_api().api_id(id).send().await.ctx("DeleteApi")),
        Found::Function(name) => {
            delete_ok(aws.lambda().delete_function().function_name(name).send().await.ctx("DeleteFunction"))
        }
        Found::Secret(arn) => {
            let r =
                aws.secretsmanager().delete_secret().secret_id(arn).force_delete_without_recovery(true).send().await;
            delete_ok(r.ctx("DeleteSecret"))
        }
        Found::Role(name) => {
            let iam = aws.iam();
            let listed = iam.list_role_policies().role_name(name).send().await.ctx("ListRolePolicies").optional()?;
            let Some(listed) = listed else { return Ok(false) };
            for p in listed.policy_names {
                delete_ok(
                    iam.delete_role_policy().role_name(name).policy_name(&p).send().await.ctx("DeleteRolePolicy"),
                )?;
            }
            delete_ok(iam.delete_role().role_name(name).send().await.ctx("DeleteRole"))
        }
        Found::LogGroup(name) => {
            delete_ok(aws.logs().delete_log_group().log_group_name(name).send().await.ctx("DeleteLogGroup"))
        }
        Found::Table(name) => delete_ok(aws.dynamodb().delete_table().table_name(name).send().await.ctx("DeleteTable")),
    }
}

/// `wsadm destroy`.
pub async fn destroy(ctx: &Ctx, p: DestroyCommand) -> Result<DestroyReport, Error> {
    validate_name(&p.name)?;
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !ctx.global.yes && !p.dry_run && !interactive {
        return Err(Error::invalid(
            format!("destroy deletes stack {} and needs confirmation; nothing was deleted", p.name),
            format!("not on a terminal: pass --yes to confirm (`wsadm destroy --name {} --yes`), or --dry-run to see what would go", p.name),
        ));
    }
    let aws = ctx.aws().await?;
    let mut warnings = Vec::new();
    let (found, skipped) = discover(aws, &p.name, &mut warnings).await?;
    let mut report = DestroyReport {
        stack: p.name.clone(),
        region: aws.region().to_string(),
        dry_run: p.dry_run,
        nothing_to_destroy: found.is_empty(),
        resources: skipped,
        warnings,
        error: None,
    };
    if found.is_empty() {
        return Ok(report);
    }
    if p.dry_run {
        for (f, name) in &found {
            report.resources.push(Step {
                kind: f.kind(),
                name: name.clone(),
                id: None,
                action: Action::Delete,
                changes: vec![],
            });
        }
        return Ok(report);
    }
    if !ctx.global.yes {
        let list: Vec<String> = found.iter().map(|(f, n)| format!("  {} {n}", f.kind())).collect();
        let question = format!(
            "This deletes stack {} for good (the session table's data too):\n{}\nDelete?",
            p.name,
            list.join("\n")
        );
        if !confirm(question).await? {
            return Err(Error::invalid(
                "destroy cancelled; nothing was deleted",
                "answer `y` to delete, or pass --yes",
            ));
        }
    }
    for (f, name) in &found {
        match delete(aws, f).await {
            Ok(deleted) => report.resources.push(Step {
                kind: f.kind(),
                name: name.clone(),
                id: None,
                action: if deleted { Action::Delete } else { Action::Gone },
                changes: vec![],
            }),
            Err(e) => {
                report.error = Some(Failure::from_error(&e));
                break;
            }
        }
    }
    Ok(report)
}
