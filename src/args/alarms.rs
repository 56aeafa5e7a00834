//! The options of `wsadm alarms` (and of `provision --alarms`, which uses the defaults).

use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum AlarmsCommand {
    /// The stage's alarms that wsadm made: metric, threshold, state
    #[command(visible_alias = "list", after_help = LS_HELP)]
    Ls,
    /// What `apply` would create, update or delete, field by field; changes nothing
    #[command(after_help = PLAN_HELP)]
    Plan(AlarmsArgs),
    /// Create or update the recommended alarms (idempotent; each tagged wsadm:alarms=API/STAGE)
    #[command(after_help = APPLY_HELP)]
    Apply(AlarmsArgs),
    /// Delete the stage's alarms that wsadm made (alarms without its tag are left alone)
    #[command(after_help = DELETE_HELP)]
    Delete {
        /// Show what would be deleted, and delete nothing
        #[arg(long)]
        dry_run: bool,
    },
}

const LS_HELP: &str = "\
Examples:
  wsadm alarms ls --api chat --stage prod
  wsadm alarms ls -o json | jq '.alarms[] | select(.state == \"ALARM\")'";

const PLAN_HELP: &str = "\
The recommended set, named wsadm/API_ID/STAGE/KEY:
  integration-error-share  100 * IntegrationError / MessageCount (metric math) > --error-share %,
                           5-minute periods, 2 of 3
  execution-errors         ExecutionError sum > --execution-errors per 5 minutes, 2 of 3
  connect-client-errors    ClientError of $connect (per-route metrics; the stage's without them)
                           > --connect-client-errors per 5 minutes, 3 of 3: auth failures rising
  integration-latency-p99  IntegrationLatency p99 > --latency-ms (default 25,000: API Gateway
                           cuts integrations at 29 s), 1-minute periods, 3 of 5
  sessions                 wsadm/ConnectedSessions maximum > 80% of --max-sessions (only with it;
                           published by `wsadm metrics --publish`), 5-minute periods, 1 of 1
Missing data is not breaching, except for sessions (a publisher that stopped shows as
INSUFFICIENT_DATA). --topic adds an SNS topic to the alarm and OK actions.

Examples:
  wsadm alarms plan --api chat --stage prod
  wsadm alarms plan --topic arn:aws:sns:eu-west-1:123456789012:oncall --max-sessions 10000";

const APPLY_HELP: &str = "\
Creates or updates the alarms `plan` shows, tags them wsadm:alarms=API_ID/STAGE, and deletes
those it made earlier that the options no longer ask for (e.g. sessions without
--max-sessions). A rerun changes nothing. An alarm with one of its names but without its tag is
an error, never taken over.

Examples:
  wsadm alarms apply --api chat --stage prod --topic arn:aws:sns:eu-west-1:123456789012:oncall
  wsadm alarms apply --max-sessions 10000 --latency-ms 20000 -o json";

const DELETE_HELP: &str = "\
Examples:
  wsadm alarms delete --api chat --stage prod --dry-run
  wsadm alarms delete --api chat --stage prod";

/// The thresholds of the recommended alarms and where they notify.
#[derive(Debug, Clone, Args)]
pub struct AlarmsArgs {
    /// SNS topic notified when an alarm fires and when it recovers
    #[arg(long, value_name = "ARN")]
    pub topic: Option<String>,
    /// Integration errors, percent of messages, per 5 minutes
    #[arg(long, value_name = "PCT", default_value_t = 5.0)]
    pub error_share: f64,
    /// Execution errors per 5 minutes
    #[arg(long, value_name = "N", default_value_t = 5.0)]
    pub execution_errors: f64,
    /// Client errors on $connect (authorizer rejections) per 5 minutes
    #[arg(long, value_name = "N", default_value_t = 50.0)]
    pub connect_client_errors: f64,
    /// p99 integration latency in ms (API Gateway's integration timeout is 29,000)
    #[arg(long, value_name = "MS", default_value_t = 25_000.0)]
    pub latency_ms: f64,
    /// The session limit: alarm at 80% of it (the sessions alarm is made only with this)
    #[arg(long, value_name = "N")]
    pub max_sessions: Option<u64>,
}
