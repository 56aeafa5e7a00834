//! Every handler path over fakes, fed with API Gateway's WebSocket event JSON.

mod support;

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use support::*;
use wsadm_core::connections::ConnError;
use wsadm_handler::chat::ChatConfig;

#[tokio::test]
async fn connect_records_the_session() {
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", Some("lobby")).await;
    let s = w.store.sessions.lock().unwrap()["A1="].clone();
    assert_eq!(s.user_id, "alice");
    assert_eq!(s.rooms, BTreeSet::from(["lobby".to_string()]));
    assert_eq!(s.source_ip.as_deref(), Some("203.0.113.9"));
    assert_eq!(s.user_agent.as_deref(), Some("wscat/5"));
    assert_eq!(s.stage.as_deref(), Some("prod"));
    assert_eq!(s.connected_at, T0);
}

#[tokio::test]
async fn connect_rejections() {
    let w = world(ChatConfig { max_connections_per_user: 2, ..Default::default() });
    assert_eq!(w.chat.handle(&connect_event("N=", None, None)).await.status, 401, "no user, no anonymous");
    assert_eq!(w.chat.handle(&connect_event("R=", Some("alice"), Some("bad room"))).await.status, 400);
    connect(&w, "A1=", "alice", None).await;
    connect(&w, "A2=", "alice", None).await;
    assert_eq!(w.chat.handle(&connect_event("A3=", Some("alice"), None)).await.status, 429, "cap of 2");
    assert_eq!(
        w.chat.handle(&connect_event("A1=", Some("alice"), None)).await.status,
        409,
        "a duplicate id, whatever the cap"
    );
    connect(&w, "B1=", "bob", None).await;
    assert_eq!(w.store.ids(), BTreeSet::from(["A1=".into(), "A2=".into(), "B1=".into()]));
    w.store.down.store(true, Ordering::SeqCst);
    assert_eq!(w.chat.handle(&connect_event("C1=", Some("carol"), None)).await.status, 500);

    let anon = world(ChatConfig { allow_anonymous: true, ..Default::default() });
    assert_eq!(anon.chat.handle(&connect_event("XYZ12345abc=", None, None)).await.status, 200);
    assert_eq!(anon.chat.handle(&connect_event("XYZ12345abd=", None, None)).await.status, 200);
    // Named from the whole id: two ids sharing 8 characters are two users.
    assert_eq!(anon.store.sessions.lock().unwrap()["XYZ12345abc="].user_id, "anon-XYZ12345abc=");
    assert_eq!(anon.store.sessions.lock().unwrap()["XYZ12345abd="].user_id, "anon-XYZ12345abd=");
}

#[tokio::test]
async fn disconnect_removes_the_record() {
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", Some("lobby")).await;
    assert_eq!(w.chat.handle(&disconnect_event("A1=")).await.status, 200);
    assert!(w.store.ids().is_empty());
    assert_eq!(w.chat.handle(&disconnect_event("A1=")).await.status, 200, "idempotent");
}

#[tokio::test]
async fn join_leave_whoami_ping() {
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", None).await;
    let r = body(&w.chat.handle(&message_event("A1=", "join", r#"{"action":"join","room":"lobby"}"#)).await);
    assert_eq!(r, json!({"type":"joined","room":"lobby","rooms":["lobby"]}));
    let r = body(&w.chat.handle(&message_event("A1=", "whoami", r#"{"action":"whoami"}"#)).await);
    assert_eq!(r["userId"], "alice");
    assert_eq!(r["rooms"], json!(["lobby"]));
    let r = body(&w.chat.handle(&message_event("A1=", "leave", r#"{"action":"leave","room":"lobby"}"#)).await);
    assert_eq!(r["type"], "left");
    assert_eq!(r["rooms"], json!([]));
    let r = body(&w.chat.handle(&message_event("A1=", "ping", r#"{"action":"ping"}"#)).await);
    assert_eq!(r, json!({"type":"pong","ts":T0}));
    let r = body(&w.chat.handle(&message_event("GONE=", "join", r#"{"action":"join","room":"lobby"}"#)).await);
    assert_eq!(r["error"], "no_session");
}

#[tokio::test]
async fn send_fans_out_to_the_room_only_and_removes_the_gone() {
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", Some("lobby")).await;
    connect(&w, "B1=", "bob", Some("lobby")).await;
    connect(&w, "C1=", "carol", Some("lobby")).await;
    connect(&w, "D1=", "dave", Some("lobby")).await;
    connect(&w, "E1=", "erin", Some("ops")).await;
    // A 410 from a connection made a moment ago: it may still be in $connect, so its record stays.
    w.gw.script.lock().unwrap().insert("C1=".into(), vec![ConnError::Gone, ConnError::Gone]);
    let r = body(&w.chat.handle(&message_event("A1=", "send", r#"{"action":"send","room":"lobby","text":"0"}"#)).await);
    assert_eq!((r["delivered"].as_u64(), r["gone"].as_u64()), (Some(2), Some(1)));
    assert!(w.store.ids().contains("C1="), "younger than the minimum age: kept");
    w.gw.posts.lock().unwrap().clear();

    w.clock.set(T0 + 30_000);
    w.gw.script.lock().unwrap().insert("D1=".into(), vec![ConnError::Throttled("slow".into())]);
    let r =
        body(&w.chat.handle(&message_event("A1=", "send", r#"{"action":"send","room":"lobby","text":"hi"}"#)).await);
    assert_eq!(r, json!({"type":"sent","room":"lobby","delivered":2,"gone":1,"failed":0}));
    let posts = w.gw.posts.lock().unwrap().clone();
    let to: BTreeSet<&str> = posts.iter().map(|p| p.1.as_str()).collect();
    assert_eq!(to, BTreeSet::from(["B1=", "D1="]), "not the sender, not another room; D1 after a retry");
    assert!(posts.iter().all(|p| p.0 == "https://abc123.execute-api.us-east-1.amazonaws.com/prod"));
    let frame: Value = serde_json::from_str(&posts[0].2).unwrap();
    assert_eq!(
        (frame["type"].as_str(), frame["from"].as_str(), frame["text"].as_str()),
        (Some("message"), Some("alice"), Some("hi"))
    );
    // The gone member's record went, never the sender's.
    assert_eq!(w.store.ids(), BTreeSet::from(["A1=".into(), "B1=".into(), "D1=".into(), "E1=".into()]));

    w.gw.script.lock().unwrap().insert("B1=".into(), vec![ConnError::Forbidden("x".into())]);
    let r =
        body(&w.chat.handle(&message_event("A1=", "send", r#"{"action":"send","room":"lobby","text":"again"}"#)).await);
    assert_eq!((r["delivered"].as_u64(), r["failed"].as_u64()), (Some(1), Some(1)));
    assert!(w.store.ids().contains("B1="), "a 403 never deletes");
}

#[tokio::test]
async fn a_room_is_read_again_only_after_its_membership_changed() {
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", Some("lobby")).await;
    connect(&w, "B1=", "bob", Some("lobby")).await;
    connect(&w, "C1=", "carol", None).await;
    let send =
        |text: &str| message_event("A1=", "send", &format!(r#"{{"action":"send","room":"lobby","text":"{text}"}}"#));
    for t in ["1", "2", "3"] {
        assert_eq!(body(&w.chat.handle(&send(t)).await)["delivered"], 1);
    }
    assert_eq!(w.store.member_reads.load(Ordering::SeqCst), 1, "unchanged room: its list is kept");

    // A join answered before a send is seen by that send.
    let r = body(&w.chat.handle(&message_event("C1=", "join", r#"{"action":"join","room":"lobby"}"#)).await);
    assert_eq!(r["type"], "joined");
    w.gw.posts.lock().unwrap().clear();
    assert_eq!(body(&w.chat.handle(&send("4")).await)["delivered"], 2);
    assert_eq!(w.gw.posted_to(), BTreeSet::from(["B1=".to_string(), "C1=".to_string()]));

    // So is a leave, and a disconnect.
    w.chat.handle(&message_event("C1=", "leave", r#"{"action":"leave","room":"lobby"}"#)).await;
    w.gw.posts.lock().unwrap().clear();
    assert_eq!(body(&w.chat.handle(&send("5")).await)["delivered"], 1);
    assert_eq!(w.gw.posted_to(), BTreeSet::from(["B1=".to_string()]));
    w.chat.handle(&disconnect_event("B1=")).await;
    assert_eq!(body(&w.chat.handle(&send("6")).await)["delivered"], 0);
    assert_eq!(w.store.member_reads.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn client_mistakes_get_error_frames_not_5xx() {
    let w = world(ChatConfig { max_text_bytes: 10, ..Default::default() });
    connect(&w, "A1=", "alice", Some("lobby")).await;
    let cases = [
        ("send", "not json", "bad_request"),
        ("send", "[1,2]", "bad_request"),
        ("send", r#"{"action":"send","room":"lobby"}"#, "bad_request"),
        ("send", r#"{"action":"send","room":"lobby","text":5}"#, "bad_request"),
        ("send", r#"{"action":"send","room":"lobby","text":"01234567890"}"#, "too_large"),
        ("send", r#"{"action":"send","room":"ops","text":"hi"}"#, "not_in_room"),
        ("send", r#"{"action":"send","room":"no room","text":"hi"}"#, "invalid_room"),
        ("join", r#"{"action":"join"}"#, "bad_request"),
        ("join", r#"{"action":"join","room":7}"#, "bad_request"),
        ("$default", r#"{"action":"dance"}"#, "unknown_action"),
    ];
    for (route, b, code) in cases {
        let r = w.chat.handle(&message_event("A1=", route, b)).await;
        assert_eq!(body(&r)["error"], code, "{route} {b}");
    }
    let r = body(&w.chat.handle(&message_event("A1=", "$default", "{}")).await);
    assert_eq!(r["validActions"], json!(["join", "leave", "send", "ping", "whoami"]));
    assert!(w.gw.posts.lock().unwrap().is_empty());

    w.store.down.store(true, Ordering::SeqCst);
    let r = w.chat.handle(&message_event("A1=", "whoami", r#"{"action":"whoami"}"#)).await;
    assert_eq!(r.status, 500, "a store outage is a server error");
}

#[tokio::test]
async fn last_seen_is_written_at_most_once_a_minute() {
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", None).await;
    for _ in 0..5 {
        w.chat.handle(&message_event("A1=", "ping", r#"{"action":"ping"}"#)).await;
    }
    assert_eq!(w.store.touches.load(Ordering::SeqCst), 1);
    w.clock.set(T0 + 61_000);
    w.chat.handle(&message_event("A1=", "ping", r#"{"action":"ping"}"#)).await;
    assert_eq!(w.store.touches.load(Ordering::SeqCst), 2);
    assert_eq!(w.store.sessions.lock().unwrap()["A1="].last_seen_at, T0 + 61_000);
}

/// One send, to a room whose members include: one connected a moment ago (maybe still in
/// `$connect`: its record kept on a 410), one old (removed on a 410), one of another stage
/// sharing the table (not posted to at all), and one of another stage whose membership was
/// written before memberships named a stage (posted, and its record kept on the 410: this
/// stage's 410 says nothing about it).
#[tokio::test]
async fn a_410_removes_only_old_records_of_this_stage() {
    let w = world(ChatConfig::default());
    connect(&w, "A1=", "alice", Some("lobby")).await;
    connect(&w, "OLD=", "olga", Some("lobby")).await;
    let template = w.store.sessions.lock().unwrap()["OLD="].clone();
    let add = |id: &str, stage: &str, connected_at: i64| {
        let mut s = template.clone();
        s.connection_id = id.into();
        s.stage = Some(stage.into());
        s.connected_at = connected_at;
        w.store.sessions.lock().unwrap().insert(id.into(), s);
    };
    add("DEV=", "dev", T0);
    add("LEG=", "dev", T0);
    w.store.unstaged_memberships.lock().unwrap().insert("LEG=".into());
    w.clock.set(T0 + 60_000);
    add("NEW=", "prod", T0 + 59_000);
    for id in ["OLD=", "DEV=", "LEG=", "NEW="] {
        w.gw.script.lock().unwrap().insert(id.into(), vec![ConnError::Gone]);
    }
    let r = body(&w.chat.handle(&message_event("A1=", "send", r#"{"action":"send","room":"lobby","text":"x"}"#)).await);
    assert_eq!((r["delivered"].as_u64(), r["gone"].as_u64(), r["failed"].as_u64()), (Some(0), Some(3), Some(0)), "{r}");
    assert_eq!(w.gw.script.lock().unwrap()["DEV="].len(), 1, "dev's member was not posted to");
    assert_eq!(
        w.store.ids(),
        BTreeSet::from(["A1=".into(), "DEV=".into(), "LEG=".into(), "NEW=".into()]),
        "only the old one of this stage went"
    );
}
