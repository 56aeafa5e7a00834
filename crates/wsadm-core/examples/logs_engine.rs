//! Benchmark of `wsadm logs`' engine (run by scripts/bench, release build): generates N events
//! of a chat stage in AWS's line shapes (access JSON, execution INFO lines, Lambda START/handler/
//! END/REPORT), then parses, merges, correlates and filters them as `logs tail` does. Prints one
//! JSON line: events, seconds per stage, events/s, peak RSS.
//!
//!   cargo run --release -p wsadm-core --example logs_engine -- 1000000

use std::time::Instant;
use wsadm_core::logs::event::RawEvent;
use wsadm_core::logs::{merge::merge, AccessFormat, Correlator, Filter, Parser};

const ACCESS_FORMAT: &str = concat!(
    r#"{"requestId":"$context.requestId","requestTime":"$context.requestTimeEpoch","#,
    r#""connectionId":"$context.connectionId","eventType":"$context.eventType","routeKey":"$context.routeKey","#,
    r#""status":"$context.status","integrationLatency":"$context.integrationLatency","#,
    r#""authorizerError":"$context.authorizer.error","errorMessage":"$context.error.message","#,
    r#""sourceIp":"$context.identity.sourceIp","userAgent":"$context.identity.userAgent"}"#
);
const API: &str = "a1b2c3d4e5";

struct Groups {
    access: Vec<RawEvent>,
    execution: Vec<RawEvent>,
    lambda: [Vec<RawEvent>; 3],
}

fn id(n: u64, len: usize) -> String {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut s = String::with_capacity(len + 1);
    for _ in 0..len {
        s.push(B64[(x & 63) as usize] as char);
        x = x.rotate_right(6).wrapping_mul(0x2545_F491_4F6C_DD1D);
    }
    s.push('=');
    s
}

/// One connection's requests, 11 events each: access, 6 execution lines, 4 Lambda lines.
fn generate(target: usize) -> Groups {
    let mut g = Groups { access: vec![], execution: vec![], lambda: [vec![], vec![], vec![]] };
    let (mut t, mut seq, mut conn) = (1_795_000_000_000i64, 0u64, 0u64);
    let mut total = 0usize;
    while total < target {
        conn += 1;
        let cid = id(conn, 15);
        let user = format!("user{}", conn % 5000);
        let routes: Vec<(&str, &str, usize)> = [
            ("$connect", "CONNECT", 0),
            ("send", "MESSAGE", 1),
            ("send", "MESSAGE", 1),
            ("join", "MESSAGE", 1),
            ("$disconnect", "DISCONNECT", 2),
        ]
        .into();
        for (route, ev_type, f) in routes {
            t += 3;
            seq += 1;
            let rid = id(seq << 8, 11);
            let lid =
                format!("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", seq, seq & 0xffff, seq & 0xfff, conn & 0xfff, seq * 7);
            let push = |v: &mut Vec<RawEvent>, stream: &str, ts: i64, message: String| {
                v.push(RawEvent {
                    stream: stream.into(),
                    event_id: format!("{ts}{:012}", v.len()),
                    timestamp_ms: ts,
                    message,
                });
            };
            push(
                &mut g.access,
                "a",
                t,
                format!(
                    r#"{{"requestId":"{rid}","requestTime":"{t}","connectionId":"{cid}","eventType":"{ev_type}","routeKey":"{route}","status":"200","integrationLatency":"12","authorizerError":"-","errorMessage":"-","sourceIp":"203.0.113.7","userAgent":"chat-web/3.1"}}"#
                ),
            );
            let ex = |l: &str| format!("({rid}) {l}");
            for line in [
                ex(&format!("Extended Request Id: {rid}")),
                ex(&format!("Starting execution for request: {rid}")),
                ex(&format!("WebSocket Request Route: [{route}]")),
                ex(&format!("WebSocket API [{API}] received message from client [Connection Id: {cid}].")),
                ex(&format!("AWS Integration Endpoint RequestId : {lid}")),
                ex(&format!(
                    "Message from client [Connection Id: {cid}] sent to API [{API}] with response status code [200]."
                )),
            ] {
                push(&mut g.execution, "e", t, line);
            }
            let lam = &mut g.lambda[f];
            push(lam, "l", t + 1, format!("START RequestId: {lid} Version: $LATEST"));
            push(
                lam,
                "l",
                t + 1,
                format!(
                    r#"{{"level":"INFO","fields":{{"message":"handled","connection_id":"{cid}","route":"{route}","user":"{user}","status":200,"latency_ms":11}},"target":"wsadm_handler::chat"}}"#
                ),
            );
            push(lam, "l", t + 2, format!("END RequestId: {lid}"));
            push(lam, "l", t + 2, format!("REPORT RequestId: {lid}\tDuration: 11.52 ms\tBilled Duration: 12 ms\tMemory Size: 256 MB\tMax Memory Used: 41 MB"));
            total += 11;
        }
    }
    g
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let started = Instant::now();
    let g = generate(n);
    let generated_secs = started.elapsed().as_secs_f64();
    let rss_generated_kb = peak_rss_kb();

    let parsers = [
        ("/wsadm/chat/prod/access", Parser::Access(AccessFormat::compile(ACCESS_FORMAT))),
        ("API-Gateway-Execution-Logs_a1b2c3d4e5/prod", Parser::Execution),
        ("/aws/lambda/chat-connect", Parser::Lambda { function: "chat-connect".into() }),
        ("/aws/lambda/chat-chat", Parser::Lambda { function: "chat-chat".into() }),
        ("/aws/lambda/chat-disconnect", Parser::Lambda { function: "chat-disconnect".into() }),
    ];
    let [l0, l1, l2] = g.lambda;
    let raws = [g.access, g.execution, l0, l1, l2];
    let events_in: usize = raws.iter().map(Vec::len).sum();

    let t0 = Instant::now();
    let batches: Vec<_> = raws
        .into_iter()
        .zip(parsers.iter())
        .map(|(raw, (group, p))| raw.into_iter().map(|r| p.parse(group, r)).collect::<Vec<_>>())
        .collect();
    let parse_secs = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let mut events = merge(batches);
    let merge_secs = t1.elapsed().as_secs_f64();
    let t2 = Instant::now();
    Correlator::new().apply(&mut events);
    let correlate_secs = t2.elapsed().as_secs_f64();
    let wanted = id(7, 15);
    let filter = Filter { connection: Some(wanted.clone()), ..Filter::default() };
    let t3 = Instant::now();
    let matched = events.iter().filter(|e| filter.matches(e)).count();
    let filter_secs = t3.elapsed().as_secs_f64();
    let total = parse_secs + merge_secs + correlate_secs + filter_secs;

    // The whole of one connection's life must be found, Lambda lines included: 5 requests x 11.
    let ordered = events.windows(2).all(|w| w[0].timestamp_ms <= w[1].timestamp_ms);
    println!(
        "{}",
        serde_json::json!({
            "events": events_in,
            "event_struct_bytes": std::mem::size_of::<wsadm_core::logs::LogEvent>(),
            "generated_secs": generated_secs,
            "parse_secs": parse_secs,
            "merge_secs": merge_secs,
            "correlate_secs": correlate_secs,
            "filter_secs": filter_secs,
            "total_secs": total,
            "events_per_sec": events_in as f64 / total,
            "matched_one_connection": matched,
            "ordered": ordered,
            "rss_after_generation_kb": rss_generated_kb,
            "peak_rss_kb": peak_rss_kb(),
        })
    );
}
