//! The chat rules over fakes: who may enter which room, the room cap, the per-user send
//! budget (with its log line), and how failures are answered.

mod support;

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use support::*;
use wsadm_core::store::RateLimit;
use wsadm_handler::chat::rooms::RoomPattern;
use wsadm_handler::chat::ChatConfig;

fn policy_config() -> ChatConfig {
    ChatConfig {
        public_rooms: vec![RoomPattern::Exact("lobby".into()), RoomPattern::Prefix("team-".into())],
        max_rooms_per_connection: 3,
        ..Default::default()
    }
}

async fn join(w: &World, id: &str, user: &str, granted: Option<&str>, room: &str) -> Value {
    let b = json!({ "action": "join", "room": room }).to_string();
    body(&w.chat.handle(&message_as(id, Some(user), granted, "join", &b)).await)
}

#[tokio::test]
async fn the_rooms_policy_table() {
    let w = world(policy_config());
    // (connection, user, rooms the token grants, room, joined?)
    let cases = [
        ("A=", "alice", None, "lobby", true),
        ("A=", "alice", None, "team-red", true),
        ("A=", "alice", None, "team", false),
        ("A=", "alice", None, "ops", false),
        ("B=", "bob", Some("ops,board-*"), "ops", true),
        ("B=", "bob", Some("ops,board-*"), "board-q3", true),
        ("B=", "bob", Some("ops,board-*"), "payroll", false),
        ("A=", "alice", None, "dm:alice:bob", true),
        ("B=", "bob", Some("ops,board-*"), "dm:alice:bob", true),
        ("C=", "carol", Some("*,dm:alice:bob"), "dm:alice:bob", false),
        ("C=", "carol", None, "dm:carol", false),
    ];
    for id in ["A=", "B=", "C="] {
        let user = match id {
            "A=" => "alice",
            "B=" => "bob",
            _ => "carol",
        };
        connect(&w, id, user, None).await;
    }
    for (id, user, granted, room, ok) in cases {
        let r = join(&w, id, user, granted, room).await;
        let joined = r["type"] == "joined";
        assert_eq!(joined, ok, "{user} -> {room}: {r}");
        assert_eq!(w.store.rooms_of(id).contains(room), ok, "{user} -> {room}: membership");
        if !ok {
            assert_eq!(r["error"], "room_forbidden", "{r}");
            assert_eq!(r["room"], room);
            assert!(r["message"].as_str().unwrap().contains(room), "{r}");
        }
    }
    // Bob is in 3 rooms, the cap: a fourth is refused with its own reason.
    let r = join(&w, "B=", "bob", Some("ops,board-*"), "lobby").await;
    assert_eq!((r["error"].as_str(), r["max"].as_u64()), (Some("too_many_rooms"), Some(3)), "{r}");
    assert_eq!(w.store.rooms_of("B=").len(), 3);
    // At the cap, a room already joined is fine; after a leave there is room again.
    assert_eq!(join(&w, "B=", "bob", Some("ops,board-*"), "ops").await["type"], "joined");
    let leave = json!({"action":"leave","room":"ops"}).to_string();
    body(&w.chat.handle(&message_as("B=", Some("bob"), None, "leave", &leave)).await);
    assert_eq!(join(&w, "B=", "bob", None, "lobby").await["type"], "joined");
}

#[tokio::test]
async fn without_the_authorizer_context_the_recorded_user_decides() {
    let w = world(policy_config());
    connect(&w, "A=", "alice", None).await;
    let b = json!({ "action": "join", "room": "dm:alice:bob" }).to_string();
    let r = body(&w.chat.handle(&message_as("A=", None, None, "join", &b)).await);
    assert_eq!(r["type"], "joined", "{r}");
    let b = json!({ "action": "join", "room": "dm:bob:carol" }).to_string();
    assert_eq!(body(&w.chat.handle(&message_as("A=", None, None, "join", &b)).await)["error"], "room_forbidden");
    assert_eq!(body(&w.chat.handle(&message_as("X=", None, None, "join", &b)).await)["error"], "no_session");
}

#[tokio::test]
async fn a_third_party_never_receives_a_direct_rooms_messages() {
    let w = world(policy_config());
    connect(&w, "A=", "alice", None).await;
    connect(&w, "B=", "bob", None).await;
    connect(&w, "M=", "mallory", None).await;
    assert_eq!(join(&w, "A=", "alice", None, "dm:alice:bob").await["type"], "joined");
    assert_eq!(join(&w, "B=", "bob", None, "dm:alice:bob").await["type"], "joined");
    assert_eq!(join(&w, "M=", "mallory", Some("*"), "dm:alice:bob").await["error"], "room_forbidden");
    let send = json!({"action":"send","room":"dm:alice:bob","text":"psst"}).to_string();
    let r = body(&w.chat.handle(&message_as("A=", Some("alice"), None, "send", &send)).await);
    assert_eq!(r["delivered"], 1);
    assert_eq!(w.gw.posted_to(), BTreeSet::from(["B=".to_string()]));
    let r = body(&w.chat.handle(&message_as("M=", Some("mallory"), None, "send", &send)).await);
    assert_eq!(r["error"], "not_in_room", "nor can a third party send to it");
}

#[tokio::test]
async fn room_at_connect_follows_the_policy() {
    let w = world(policy_config());
    let r = w.chat.handle(&connect_event_as("X=", Some("alice"), Some("ops"), None)).await;
    assert_eq!(r.status, 403);
    assert!(r.note.reason.as_deref().unwrap().starts_with("room_forbidden"), "{r:?}");
    assert!(w.store.ids().is_empty(), "a refused connect records nothing");
    assert_eq!(w.chat.handle(&connect_event_as("Y=", Some("alice"), Some("ops"), Some("ops"))).await.status, 200);
    assert_eq!(w.chat.handle(&connect_event_as("Z=", Some("carol"), Some("dm:alice:bob"), None)).await.status, 403);
    assert_eq!(w.chat.handle(&connect_event_as("Q=", Some("bob"), Some("dm:alice:bob"), None)).await.status, 200);
    assert_eq!(w.store.ids(), BTreeSet::from(["Q=".to_string(), "Y=".to_string()]));
}

#[tokio::test(flavor = "current_thread")]
async fn the_send_budget_is_per_user_over_all_connections() {
    let (logs, _guard) = LogLines::capture();
    let w = world(ChatConfig { user_rate: RateLimit { per_sec: 2.0, burst: 3 }, ..Default::default() });
    for (id, user) in [("A1=", "alice"), ("A2=", "alice"), ("A3=", "alice"), ("B1=", "bob"), ("R=", "rita")] {
        connect(&w, id, user, Some("lobby")).await;
    }
    let send = |id: &'static str, user: &'static str| {
        let w = &w;
        async move {
            let b = r#"{"action":"send","room":"lobby","text":"hi"}"#;
            body(&w.chat.handle(&message_as(id, Some(user), None, "send", b)).await)
        }
    };
    // Alice's burst of 3 is shared by her three connections.
    for id in ["A1=", "A2=", "A3="] {
        assert_eq!(send(id, "alice").await["type"], "sent");
    }
    let r = send("A1=", "alice").await;
    assert_eq!(r["error"], "rate_limited", "{r}");
    assert_eq!(r["retryAfterMs"], 500, "one message refills in 500 ms at 2/s");
    assert_eq!(send("A2=", "alice").await["error"], "rate_limited", "another connection of hers too");
    // Bob is not affected.
    for _ in 0..3 {
        assert_eq!(send("B1=", "bob").await["type"], "sent");
    }
    // After the wait it names, one more message goes.
    w.clock.set(T0 + 200);
    assert_eq!(send("A3=", "alice").await["retryAfterMs"], 300);
    w.clock.set(T0 + 500);
    assert_eq!(send("A3=", "alice").await["type"], "sent");
    assert_eq!(send("A3=", "alice").await["error"], "rate_limited");

    // Each refusal is marked in the handler's line (what `logs summary` counts), and only those.
    let lines = logs.handled();
    let limited: Vec<&Value> = lines.iter().filter(|l| l["rate_limited"] == true).collect();
    assert_eq!(limited.len(), 4, "{lines:#?}");
    assert!(limited.iter().all(|l| l["user"] == "alice" && l["status"] == 200 && l["route"] == "send"));
    assert!(lines.iter().filter(|l| l["route"] == "send").count() > 4);
}

#[tokio::test(flavor = "current_thread")]
async fn internal_failures_answer_a_generic_5xx_and_log_the_detail() {
    let (logs, _guard) = LogLines::capture();
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", Some("lobby")).await;
    w.store.down.store(true, Ordering::SeqCst);
    for (route, b) in [
        ("whoami", r#"{"action":"whoami"}"#),
        ("join", r#"{"action":"join","room":"ops"}"#),
        ("leave", r#"{"action":"leave","room":"lobby"}"#),
        ("send", r#"{"action":"send","room":"lobby","text":"hi"}"#),
    ] {
        let r = w.chat.handle(&message_as("A1=", Some("alice"), None, route, b)).await;
        assert_eq!(r.status, 500, "{route}");
        let frame: Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        assert_eq!(frame["error"], "internal", "{route}: {frame}");
        assert_eq!(frame["requestId"], "Req1=");
        let text = frame.to_string();
        assert!(!text.contains("Throughput") && !text.contains("user#") && !text.contains("no_session"), "{text}");
    }
    let lines = logs.handled();
    assert_eq!(lines.len(), 5, "{lines:#?}");
    for l in &lines[1..] {
        assert_eq!(l["level"], "ERROR");
        assert_eq!(l["request_id"], "Req1=");
        assert!(l["error"].as_str().unwrap().contains("ProvisionedThroughputExceededException"), "{l}");
    }
    assert!(lines[0].get("error").is_none(), "no error field on a good line: {}", lines[0]);
}

#[tokio::test]
async fn no_session_only_when_there_is_none() {
    let w = world(ChatConfig::default());
    for (route, b) in [
        ("whoami", r#"{"action":"whoami"}"#),
        ("join", r#"{"action":"join","room":"lobby"}"#),
        ("leave", r#"{"action":"leave","room":"lobby"}"#),
        ("send", r#"{"action":"send","room":"lobby","text":"hi"}"#),
    ] {
        let r = body(&w.chat.handle(&message_as("NONE=", Some("alice"), None, route, b)).await);
        assert_eq!(r["error"], "no_session", "{route}");
    }
}

#[tokio::test]
async fn a_failed_leave_says_so_and_changes_nothing() {
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", Some("lobby")).await;
    connect(&w, "B1=", "bob", Some("lobby")).await;
    w.store.leave_fails.store(true, Ordering::SeqCst);
    let r =
        w.chat.handle(&message_as("A1=", Some("alice"), None, "leave", r#"{"action":"leave","room":"lobby"}"#)).await;
    assert_eq!(r.status, 500, "the client is told the leave did not happen");
    assert!(w.store.rooms_of("A1=").contains("lobby"), "still a member, consistently");
    w.store.leave_fails.store(false, Ordering::SeqCst);
    let r = body(
        &w.chat.handle(&message_as("A1=", Some("alice"), None, "leave", r#"{"action":"leave","room":"lobby"}"#)).await,
    );
    assert_eq!(r["type"], "left");
    let send = r#"{"action":"send","room":"lobby","text":"hi"}"#;
    body(&w.chat.handle(&message_as("B1=", Some("bob"), None, "send", send)).await);
    assert!(w.gw.posted_to().is_empty(), "nothing is delivered after the leave");
}

#[tokio::test]
async fn whoami_stays_within_a_frame() {
    let w = world(ChatConfig { max_rooms_per_connection: 100, ..Default::default() });
    connect(&w, "A1=", "alice", None).await;
    // A session recorded before the cap existed, with far more rooms than a frame holds.
    let many: BTreeSet<String> = (0..2000).map(|i| format!("{i:0>60}")).collect();
    w.store.sessions.lock().unwrap().get_mut("A1=").unwrap().rooms = many;
    let r = w.chat.handle(&message_as("A1=", Some("alice"), None, "whoami", r#"{"action":"whoami"}"#)).await;
    assert!(r.body.as_ref().unwrap().len() < 32 * 1024, "{}", r.body.as_ref().unwrap().len());
    assert_eq!(body(&r)["rooms"].as_array().unwrap().len(), 100);
}

#[tokio::test]
async fn a_frame_over_the_post_limit_once_encoded_is_refused() {
    let w = world(ChatConfig { max_text_bytes: 32 * 1024, ..Default::default() });
    connect(&w, "A1=", "alice", Some("lobby")).await;
    connect(&w, "B1=", "bob", Some("lobby")).await;
    // 30,000 control characters: within the text limit, about 180 KB once JSON-escaped.
    let text = "\u{1}".repeat(30_000);
    let b = json!({ "action": "send", "room": "lobby", "text": text }).to_string();
    let r = body(&w.chat.handle(&message_as("A1=", Some("alice"), None, "send", &b)).await);
    assert_eq!(r["error"], "too_large", "{r}");
    assert!(w.gw.posts.lock().unwrap().is_empty());
}
