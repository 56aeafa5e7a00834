//! The hardened chat backend end to end: `wsadm provision` on `wsadm local` with a room policy,
//! a per-user cap and a per-user rate, then real WebSocket clients with JWTs.

mod common;

use common::stack::{connect, local, recv, send, Local, Ws, SECRET};
use futures::StreamExt;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

fn token_with(user: &str, claims: Value) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let mut body = json!({ "sub": user, "exp": now + 600 });
    body.as_object_mut().unwrap().extend(claims.as_object().unwrap().clone());
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &body,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

async fn stack(extra: &[&str]) -> (Local, String) {
    let l = local().await;
    let v = l.provision(extra).ok().json();
    let url = v["outputs"]["wss_url"].as_str().unwrap().to_string();
    (l, url)
}

async fn user(url: &str, name: &str, claims: Value) -> Ws {
    connect(&format!("{url}?token={}", token_with(name, claims))).await.unwrap()
}

/// Sends `v` and returns the reply (the next frame that is not a room message).
async fn ask(ws: &mut Ws, v: Value) -> Value {
    send(ws, v).await;
    loop {
        let f = recv(ws).await;
        if f["type"] != "message" {
            return f;
        }
    }
}

/// Whether a text frame arrives within `wait`.
async fn quiet(ws: &mut Ws, wait: Duration) -> bool {
    loop {
        match tokio::time::timeout(wait, ws.next()).await {
            Err(_) => return true,
            Ok(Some(Ok(Message::Ping(_) | Message::Pong(_)))) => continue,
            Ok(_) => return false,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_follow_the_policy_and_dm_rooms_admit_exactly_their_two_users() {
    let (_l, url) = stack(&["--public-rooms", "lobby,team-*", "--max-rooms", "3"]).await;
    let mut alice = user(&url, "alice", json!({ "rooms": ["ops"] })).await;
    let mut bob = user(&url, "bob", json!({})).await;
    let mut carol = user(&url, "carol", json!({})).await;

    // Public by name and by prefix; granted by the token; everything else refused, with no membership.
    for room in ["lobby", "team-red", "ops"] {
        assert_eq!(ask(&mut alice, json!({"action": "join", "room": room})).await["type"], "joined", "{room}");
    }
    let refused = ask(&mut bob, json!({"action": "join", "room": "ops"})).await;
    assert_eq!(
        (refused["type"].as_str(), refused["error"].as_str()),
        (Some("error"), Some("room_forbidden")),
        "{refused}"
    );
    assert_eq!(ask(&mut bob, json!({"action": "whoami"})).await["rooms"], json!([]));
    // bob is not in ops, so alice's message there never reaches him.
    assert_eq!(ask(&mut alice, json!({"action": "send", "room": "ops", "text": "secret plans"})).await["type"], "sent");
    assert!(quiet(&mut bob, Duration::from_millis(500)).await, "bob received ops traffic");
    // A send to a room one is not in is refused too.
    let r = ask(&mut bob, json!({"action": "send", "room": "ops", "text": "let me in"})).await;
    assert_eq!(r["type"], "error", "{r}");

    // The room cap: alice is in 3 rooms already.
    let capped = ask(&mut alice, json!({"action": "join", "room": "team-blue"})).await;
    assert_eq!(capped["type"], "error", "{capped}");

    // dm:alice:bob admits alice and bob, not carol.
    let dm = "dm:alice:bob";
    assert_eq!(ask(&mut bob, json!({"action": "join", "room": dm})).await["type"], "joined");
    let mut alice2 = user(&url, "alice", json!({})).await;
    assert_eq!(ask(&mut alice2, json!({"action": "join", "room": dm})).await["type"], "joined");
    let no = ask(&mut carol, json!({"action": "join", "room": dm})).await;
    assert_eq!(no["error"], "room_forbidden", "{no}");
    assert_eq!(ask(&mut alice2, json!({"action": "send", "room": dm, "text": "hi bob"})).await["delivered"], 1);
    assert_eq!(recv(&mut bob).await["text"], "hi bob");
    assert!(quiet(&mut carol, Duration::from_millis(300)).await);

    // ?room= at $connect follows the same policy: refused before the connection opens.
    let status = connect(&format!("{url}?room=ops&token={}", token_with("carol", json!({})))).await.err();
    assert_eq!(status, Some(403));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_simultaneous_connects_of_one_user_hold_exactly_the_cap() {
    let (l, url) = stack(&[]).await;
    let t = token_with("mallory", json!({}));
    let target = format!("{url}?token={t}");
    let attempts = futures::future::join_all((0..20).map(|_| connect(&target))).await;
    let mut open: Vec<Ws> = attempts.into_iter().filter_map(Result::ok).collect();
    assert_eq!(open.len(), 10, "the default cap is 10 connections per user");
    let ls =
        l.run(&["sessions", "ls", "--api", "chat", "--stage", "prod", "--user", "mallory", "--count", "-o", "json"]);
    assert_eq!(ls.ok().json()["count"], 10);
    // A place is freed by a close, and taken again.
    let mut one = open.pop().unwrap();
    one.close(None).await.unwrap();
    drop(one);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match connect(&format!("{url}?token={t}")).await {
            Ok(ws) => {
                open.push(ws);
                break;
            }
            Err(_) => assert!(std::time::Instant::now() < deadline, "the closed connection's place never came back"),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(connect(&format!("{url}?token={t}")).await.is_err(), "still exactly 10");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_over_the_rate_from_three_connections_is_refused_while_others_flow() {
    let (l, url) = stack(&["--user-rate", "2:4"]).await;
    let mut flood = Vec::new();
    for _ in 0..3 {
        let mut ws = user(&url, "spammer", json!({})).await;
        assert_eq!(ask(&mut ws, json!({"action": "join", "room": "lobby"})).await["type"], "joined");
        flood.push(ws);
    }
    let mut bob = user(&url, "bob", json!({})).await;
    assert_eq!(ask(&mut bob, json!({"action": "join", "room": "lobby"})).await["type"], "joined");

    // 12 sends at once over three connections: the burst (4) passes, the rest is refused with a retry hint.
    let started = std::time::Instant::now();
    for (i, ws) in flood.iter_mut().enumerate() {
        for j in 0..4 {
            send(ws, json!({"action": "send", "room": "lobby", "text": format!("spam {i}.{j}")})).await;
        }
    }
    let (mut sent, mut limited) = (0, 0);
    for ws in flood.iter_mut() {
        let mut replies = 0;
        while replies < 4 {
            let f = recv(ws).await;
            match (f["type"].as_str(), f["error"].as_str()) {
                (Some("sent"), _) => sent += 1,
                (Some("error"), Some("rate_limited")) => {
                    assert!(f["retryAfterMs"].as_u64().is_some_and(|ms| ms > 0 && ms <= 1000), "{f}");
                    limited += 1;
                }
                (Some("message"), _) => continue,
                _ => panic!("unexpected frame {f}"),
            }
            replies += 1;
        }
    }
    // The burst, plus what the rate (2/s) refilled while the sends ran (a slow machine refills more).
    let refilled = (2.0 * started.elapsed().as_secs_f64()).ceil() as i32;
    assert!(sent >= 4 && sent <= 4 + refilled, "{sent} sent; burst 4, {refilled} refilled");
    assert!(limited > 0, "nothing was refused");
    assert_eq!(sent + limited, 12);

    // Another user is not held back by the spammer's budget.
    for k in 0..3 {
        assert_eq!(
            ask(&mut bob, json!({"action": "send", "room": "lobby", "text": format!("hello {k}")})).await["type"],
            "sent"
        );
    }

    // The refusals are counted in the handler's log lines, so `logs summary` shows them.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let s = l.run(&["logs", "summary", "--api", "chat", "--stage", "prod", "-o", "json"]).ok().json();
        if s["rate_limited"]["spammer"] == limited {
            assert!(s["rate_limited"].get("bob").is_none(), "{s:#}");
            break;
        }
        assert!(std::time::Instant::now() < deadline, "rate-limited sends never summarized: {s:#}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
