//! `wsadm alarms` and `provision --alarms` end to end: the recommended set planned on an empty
//! stage, applied (then planned again: no change), checked in CloudWatch (moto) for metric,
//! dimensions, threshold, actions and tag, changed, deleted — and only wsadm's.

mod common;

use common::stack::{local, Local};
use serde_json::Value;

const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:oncall";

fn alarms(l: &Local, args: &[&str]) -> Value {
    let mut a = vec!["alarms"];
    a.extend_from_slice(args);
    a.extend(["--api", "chat", "--stage", "prod", "-o", "json"]);
    l.run(&a).ok().json()
}

fn actions(r: &Value) -> Vec<(String, String)> {
    r["alarms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["key"].as_str().unwrap_or("").to_string(), a["action"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alarms_plan_apply_delete_and_provision() {
    let l = local().await;
    let v = l.provision(&[]).ok().json();
    let api_id = v["outputs"]["api_id"].as_str().unwrap().to_string();
    let prefix = format!("wsadm/{api_id}/prod/");

    // An empty stage: the whole set is to be created.
    let plan = alarms(&l, &["plan", "--topic", TOPIC, "--max-sessions", "100"]);
    let keys =
        ["integration-error-share", "execution-errors", "connect-client-errors", "integration-latency-p99", "sessions"];
    assert_eq!(actions(&plan), keys.map(|k| (k.to_string(), "create".to_string())), "{plan:#}");
    assert_eq!((plan["up_to_date"].as_bool(), plan["summary"]["create"].as_u64()), (Some(false), Some(5)));
    let human = l.run(&["alarms", "plan", "--api", "chat", "--stage", "prod"]).ok().stdout;
    assert!(human.contains("create") && human.contains(&format!("{prefix}integration-latency-p99")), "{human}");
    assert!(human.contains("IntegrationLatency p99 60s"), "{human}");

    // Apply, then plan again: nothing to do.
    let applied = alarms(&l, &["apply", "--topic", TOPIC, "--max-sessions", "100"]);
    assert_eq!(applied["summary"]["create"], 5, "{applied:#}");
    let again = alarms(&l, &["plan", "--topic", TOPIC, "--max-sessions", "100"]);
    assert_eq!(again["up_to_date"], true, "{again:#}");
    assert_eq!(again["summary"]["unchanged"], 5, "{again:#}");
    let rerun = alarms(&l, &["apply", "--topic", TOPIC, "--max-sessions", "100"]);
    assert_eq!(rerun["up_to_date"], true, "apply is idempotent: {rerun:#}");
    let human = l
        .run(&["alarms", "plan", "--api", "chat", "--stage", "prod", "--topic", TOPIC, "--max-sessions", "100"])
        .ok()
        .stdout;
    assert!(human.contains("Up to date."), "{human}");

    // In CloudWatch: the right metric, dimensions, statistic, threshold, actions and tag.
    let cw = aws_sdk_cloudwatch::Client::new(&l.sdk);
    let got = cw.describe_alarms().alarm_name_prefix(&prefix).send().await.unwrap();
    let by = |key: &str| {
        got.metric_alarms().iter().find(|a| a.alarm_name() == Some(format!("{prefix}{key}").as_str())).cloned().unwrap()
    };
    assert_eq!(got.metric_alarms().len(), 5);
    let dims = |d: &[aws_sdk_cloudwatch::types::Dimension]| {
        let mut v: Vec<String> = d.iter().map(|d| format!("{}={}", d.name().unwrap(), d.value().unwrap())).collect();
        v.sort();
        v
    };
    let stage_dims = vec![format!("ApiId={api_id}"), "Stage=prod".to_string()];
    let lat = by("integration-latency-p99");
    assert_eq!(
        (lat.namespace(), lat.metric_name(), lat.extended_statistic()),
        (Some("AWS/ApiGateway"), Some("IntegrationLatency"), Some("p99"))
    );
    assert_eq!(dims(lat.dimensions()), stage_dims);
    assert_eq!(
        (lat.threshold(), lat.period(), lat.evaluation_periods(), lat.datapoints_to_alarm()),
        (Some(25_000.0), Some(60), Some(5), Some(3))
    );
    assert_eq!(lat.alarm_actions(), [TOPIC]);
    assert_eq!(lat.ok_actions(), [TOPIC]);
    let share = by("integration-error-share");
    let expr = share.metrics().iter().find(|q| q.expression().is_some()).unwrap();
    assert_eq!(expr.expression(), Some("100 * errors / messages"));
    let errors = share.metrics().iter().find(|q| q.id() == Some("errors")).unwrap().metric_stat().unwrap();
    assert_eq!(errors.metric().unwrap().metric_name(), Some("IntegrationError"));
    assert_eq!(dims(errors.metric().unwrap().dimensions()), stage_dims);
    assert_eq!(share.threshold(), Some(5.0));
    let connect = by("connect-client-errors");
    assert_eq!((connect.metric_name(), connect.threshold()), (Some("ClientError"), Some(50.0)));
    let sessions = by("sessions");
    assert_eq!(
        (sessions.namespace(), sessions.metric_name(), sessions.threshold()),
        (Some("wsadm"), Some("ConnectedSessions"), Some(80.0))
    );
    assert_eq!(sessions.treat_missing_data(), Some("missing"));
    let tags = cw.list_tags_for_resource().resource_arn(lat.alarm_arn().unwrap()).send().await.unwrap();
    assert!(tags
        .tags()
        .iter()
        .any(|t| t.key() == Some("wsadm:alarms") && t.value() == Some(format!("{api_id}/prod").as_str())));

    // A tighter threshold is one update of that alarm; dropping --max-sessions deletes its alarm.
    let tighter = alarms(&l, &["plan", "--topic", TOPIC, "--max-sessions", "100", "--latency-ms", "20000"]);
    let updated: Vec<&Value> =
        tighter["alarms"].as_array().unwrap().iter().filter(|a| a["action"] == "update").collect();
    assert_eq!(updated.len(), 1, "{tighter:#}");
    assert!(
        updated[0]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["field"] == "threshold" && c["from"] == "25000" && c["to"] == "20000"),
        "{tighter:#}"
    );
    let fewer = alarms(&l, &["apply", "--topic", TOPIC]);
    assert_eq!(
        (fewer["summary"]["delete"].as_u64(), fewer["summary"]["unchanged"].as_u64()),
        (Some(1), Some(4)),
        "{fewer:#}"
    );

    // Someone else's alarm under wsadm's prefix, without the tag: listed as such, never deleted.
    cw.put_metric_alarm()
        .alarm_name(format!("{prefix}theirs"))
        .namespace("AWS/ApiGateway")
        .metric_name("MessageCount")
        .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
        .period(60)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    let ls = alarms(&l, &["ls"]);
    assert_eq!(ls["alarms"].as_array().unwrap().len(), 5, "{ls:#}");
    assert!(ls["alarms"].as_array().unwrap().iter().all(|a| a["state"].is_string()), "{ls:#}");
    assert_eq!(ls["alarms"].as_array().unwrap().iter().filter(|a| a["managed"] == false).count(), 1, "{ls:#}");
    let dry = alarms(&l, &["delete", "--dry-run"]);
    assert_eq!(dry["summary"]["delete"], 4, "{dry:#}");
    assert_eq!(cw.describe_alarms().alarm_name_prefix(&prefix).send().await.unwrap().metric_alarms().len(), 5);
    let deleted = alarms(&l, &["delete"]);
    assert_eq!((deleted["summary"]["delete"].as_u64(), deleted["summary"]["conflict"].as_u64()), (Some(4), Some(1)));
    let left = cw.describe_alarms().alarm_name_prefix(&prefix).send().await.unwrap();
    let names: Vec<&str> = left.metric_alarms().iter().filter_map(|a| a.alarm_name()).collect();
    assert_eq!(names, [format!("{prefix}theirs").as_str()], "only wsadm's are deleted");

    // provision --alarms adds them to the stack; a rerun changes nothing.
    let p = l.provision(&["--alarms", "--alarm-topic", TOPIC]).ok().json();
    let made: Vec<&Value> = p["resources"].as_array().unwrap().iter().filter(|r| r["kind"] == "alarm").collect();
    assert_eq!(made.len(), 4, "{p:#}");
    assert!(made.iter().all(|r| r["action"] == "create"), "{p:#}");
    let p = l.provision(&["--alarms", "--alarm-topic", TOPIC]).ok().json();
    assert_eq!(p["up_to_date"], true, "{p:#}");
    assert_eq!(by_kind(&p, "alarm"), 4);

    // Bad input.
    let r = l.run(&["alarms", "apply", "--api", "chat", "--stage", "prod", "--topic", "oncall"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not an SNS topic ARN"), "{}", r.stderr);
    let r = l.run(&["alarms", "plan", "--api", "chat", "--stage", "nope"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

fn by_kind(report: &Value, kind: &str) -> usize {
    report["resources"].as_array().unwrap().iter().filter(|r| r["kind"] == kind && r["action"] == "unchanged").count()
}
