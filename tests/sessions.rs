//! `wsadm sessions ls|show|kick|prune` end to end: the built binary against the emulator (moto
//! behind it), with real WebSocket clients of different users in different rooms.

mod common;
use wsadm_local::testing as stack;

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use common::{wsadm, wsadm_async};
use futures::StreamExt;
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wsadm_core::store::{Session, SessionStore};
use wsadm_local::registry::Outbound;
use wsadm_testkit::{wsadm_env, Moto};

const TABLE: &str = "chat-sessions";

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

/// The chat stack (wsadm_local::testing) with its API tagged with the session table, as
/// `wsadm provision` tags it, and the environment for running wsadm against it.
struct Chat {
    s: stack::Stack,
    env: Vec<(String, String)>,
}

impl Chat {
    async fn start() -> Chat {
        let s = stack::stack(Default::default()).await;
        aws_sdk_apigatewayv2::Client::new(&s.sdk)
            .tag_resource()
            .resource_arn(format!("arn:aws:apigateway:us-east-1::/apis/{}", s.api_id))
            .tags("wsadm:table", TABLE)
            .send()
            .await
            .unwrap();
        let mut env = wsadm_env(&s.emulator.url());
        env.push(("WSADM_API".into(), "chat".into()));
        Chat { s, env }
    }

    fn store(&self) -> SessionStore {
        self.s.store()
    }

    /// A signed-in client of `user` that joined `room` on connect; its id comes from `whoami`.
    async fn client(&self, user: &str, room: &str) -> Client {
        let mut ws = self.s.user(user, room).await;
        stack::send(&mut ws, json!({"action": "whoami"})).await;
        let id = stack::recv(&mut ws).await["connectionId"].as_str().expect("whoami gives the id").to_string();
        Client { ws, id, user: user.to_string() }
    }

    /// Removes the `$disconnect` route, as when AWS's best-effort `$disconnect` never runs:
    /// connections that end from now on leave their records behind.
    async fn without_disconnect_route(&self) {
        let gw = aws_sdk_apigatewayv2::Client::new(&self.s.sdk);
        let routes = gw.get_routes().api_id(&self.s.api_id).send().await.unwrap();
        let id = routes.items().iter().find(|r| r.route_key() == Some("$disconnect")).unwrap().route_id().unwrap();
        gw.delete_route().api_id(&self.s.api_id).route_id(id).send().await.unwrap();
    }

    /// The emulator's drop knob: the server drops the TCP connection without a close frame.
    fn abort(&self, id: &str) {
        let conn = self.s.emulator.emulator.registry.get(id).expect("an open connection");
        conn.tx.try_send(Outbound::Abort).expect("the connection task takes the abort");
    }

    /// Writes a session record directly, as `$connect` would have (for connections that do not exist).
    async fn put_record(&self, id: &str, user: &str, rooms: &[&str], connected_ago_s: i64, idle_s: i64) {
        let now = now_ms();
        let mut s = Session::new(id, user, now - connected_ago_s * 1000);
        s.last_seen_at = now - idle_s * 1000;
        s.rooms = rooms.iter().map(|r| r.to_string()).collect();
        s.stage = Some("prod".into());
        s.source_ip = Some("192.0.2.7".into());
        s.user_agent = Some("test-writer".into());
        self.store().put_session(&s).await.unwrap();
    }
}

struct Client {
    ws: stack::Ws,
    id: String,
    user: String,
}

impl Client {
    /// True when the server still answers: a `ping` action gets its `pong`.
    async fn alive(&mut self) -> bool {
        stack::send(&mut self.ws, json!({"action": "ping"})).await;
        stack::recv(&mut self.ws).await["type"] == "pong"
    }

    async fn join(&mut self, room: &str) {
        stack::send(&mut self.ws, json!({"action": "join", "room": room})).await;
        assert_eq!(stack::recv(&mut self.ws).await["type"], "joined");
    }

    /// The server's close code (5 s at most).
    async fn closed(&mut self) -> u16 {
        stack::closed(&mut self.ws).await
    }

    /// Waits until the connection ends and says whether it ended without a close frame.
    async fn dropped(&mut self) -> bool {
        loop {
            match tokio::time::timeout(Duration::from_secs(5), self.ws.next()).await {
                Ok(Some(Ok(tokio_tungstenite::tungstenite::Message::Close(_)))) => return false,
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(_))) | Ok(None) => return true,
                Err(_) => panic!("{}: the connection did not end within 5 s", self.user),
            }
        }
    }
}

/// The connection ids of a `sessions ls -o json` document.
fn ids(doc: &Value) -> BTreeSet<String> {
    doc["sessions"].as_array().unwrap().iter().map(|s| s["connection_id"].as_str().unwrap().to_string()).collect()
}

fn set<'a>(v: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    v.into_iter().map(str::to_string).collect()
}

async fn ls(s: &Chat, args: &[&str]) -> Value {
    let mut all = vec!["sessions", "ls", "-o", "json"];
    all.extend_from_slice(args);
    wsadm_async(&s.env, &all).await.ok().json()
}

// Records no live connection can have, written as a crashed `$disconnect` would leave them.
// The ids use the characters that need percent-encoding in the @connections path.
const GHOST: &str = "Gh0st+/Record0A=";
const SLEEPY: &str = "S1eepy/+Record0=";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_shows_exactly_the_matching_sessions_in_table_and_json() {
    let s = Chat::start().await;
    let a1 = s.client("alice", "lobby").await;
    let a2 = s.client("alice", "ops").await;
    let b = s.client("bob", "lobby").await;
    let c = s.client("carol", "ops").await;
    let mut d = s.client("dave", "dev").await;
    d.join("lobby").await;
    s.put_record(GHOST, "ghost", &["lobby"], 3 * 3600, 3 * 3600).await; // connected 3 h ago
    s.put_record(SLEEPY, "sleepy", &["ops"], 30 * 60, 20 * 60).await; // idle for 20 min

    // Everything: a scan of the table named by the API's wsadm:table tag.
    let all = ls(&s, &[]).await;
    assert_eq!(ids(&all), set([&*a1.id, &a2.id, &b.id, &c.id, &d.id, GHOST, SLEEPY]));
    assert_eq!((all["table"].as_str(), all["count"].as_u64(), all["stale"].as_u64()), (Some(TABLE), Some(7), Some(2)));
    let row = all["sessions"].as_array().unwrap().iter().find(|r| r["connection_id"] == d.id.as_str()).unwrap();
    assert_eq!(row["user_id"], "dave");
    assert_eq!(row["rooms"], json!(["dev", "lobby"]));
    assert_eq!(row["source_ip"], "127.0.0.1");
    assert_eq!(row["stale"], false);
    assert!(row["connected_secs"].as_i64().unwrap() < 120 && row["live"].is_null(), "{row}");

    // Index queries.
    assert_eq!(ids(&ls(&s, &["--user", "alice"]).await), set([&*a1.id, &a2.id]));
    assert_eq!(ids(&ls(&s, &["--room", "lobby"]).await), set([&*a1.id, &b.id, &d.id, GHOST]));
    assert_eq!(ids(&ls(&s, &["--room", "ops", "--user", "alice"]).await), set([&*a2.id]));
    assert_eq!(ids(&ls(&s, &["--user", "nobody"]).await), set([]));
    // Filters on what they return.
    assert_eq!(ids(&ls(&s, &["--since", "1h"]).await), set([&*a1.id, &a2.id, &b.id, &c.id, &d.id, SLEEPY]));
    assert_eq!(ids(&ls(&s, &["--idle-over", "15m"]).await), set([GHOST, SLEEPY]));
    assert_eq!(ids(&ls(&s, &["--stale"]).await), set([GHOST, SLEEPY]));
    assert_eq!(ids(&ls(&s, &["--room", "ops", "--stale"]).await), set([SLEEPY]));
    assert_eq!(ls(&s, &["--limit", "3"]).await["count"], 3);
    let by_idle = ls(&s, &["--sort", "idle", "--limit", "2"]).await;
    let order: Vec<&str> =
        by_idle["sessions"].as_array().unwrap().iter().map(|r| r["user_id"].as_str().unwrap()).collect();
    assert_eq!(order, ["ghost", "sleepy"], "most idle first");

    // JSONL: one session per line, in --sort order.
    let lines = wsadm_async(&s.env, &["sessions", "ls", "--sort", "user", "-o", "jsonl"]).await.ok();
    let users: Vec<String> = lines
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["user_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(users, ["alice", "alice", "bob", "carol", "dave", "ghost", "sleepy"]);

    // --count.
    assert_eq!(wsadm_async(&s.env, &["sessions", "ls", "--count"]).await.ok().stdout, "7\n");
    let n = wsadm_async(&s.env, &["sessions", "ls", "--count", "--room", "lobby", "-o", "json"]).await.ok().json();
    assert_eq!(n["count"], 4);
    assert_eq!(wsadm_async(&s.env, &["sessions", "ls", "--count", "--user", "alice"]).await.ok().stdout, "2\n");

    // --live: GetConnection for each listed session (ids with '=', '+', '/' encoded once).
    let live = ls(&s, &["--live"]).await;
    let status: HashMap<String, String> = live["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["connection_id"].as_str().unwrap().into(), r["live"]["status"].as_str().unwrap().into()))
        .collect();
    for c in [&a1, &a2, &b, &c, &d] {
        assert_eq!(status[&c.id], "connected", "{}", c.user);
    }
    assert_eq!((status[GHOST].as_str(), status[SLEEPY].as_str()), ("gone", "gone"));
    assert_eq!(live["live"], json!({"connected": 5, "gone": 2, "errors": 0, "unchecked": 0}));

    // The table for people: exactly the room's sessions, the stale one starred.
    let t = wsadm_async(&s.env, &["sessions", "ls", "--room", "ops"]).await.ok().stdout;
    assert!(t.contains("CONNECTION ID") && t.contains("USER AGENT"), "{t}");
    for present in [&a2.id, &c.id, &SLEEPY.to_string()] {
        assert!(t.contains(present.as_str()), "{present} missing:\n{t}");
    }
    for absent in [&a1.id, &b.id, &d.id, &GHOST.to_string()] {
        assert!(!t.contains(absent.as_str()), "{absent} listed:\n{t}");
    }
    let sleepy_line = t.lines().find(|l| l.contains(SLEEPY)).unwrap();
    assert!(sleepy_line.contains("20m") && sleepy_line.contains("s*"), "the stale idle time is starred: {sleepy_line}");
    assert!(t.contains("3 session(s)"), "{t}");
    let t = wsadm_async(&s.env, &["sessions", "ls", "--room", "nowhere"]).await.ok().stdout;
    assert!(t.contains("No sessions match."), "{t}");

    // Filtered lists are Queries on the indexes, never a Scan (the SDK logs each operation at -vv).
    let v = wsadm_async(&s.env, &["-vv", "sessions", "ls", "--room", "lobby", "--user", "bob"]).await.ok();
    assert!(v.stderr.contains("Query") && !v.stderr.contains("Scan"), "{}", v.stderr);
    let v = wsadm_async(&s.env, &["-vv", "sessions", "ls", "--room", "lobby"]).await.ok();
    assert!(v.stderr.contains("Query") && !v.stderr.contains("Scan"), "{}", v.stderr);

    // Bad input is a usage error before any call.
    for bad in [["--since", "yesterday"], ["--idle-over", "5 minutes"], ["--room", "no spaces"], ["--limit", "0"]] {
        let r = wsadm_async(&s.env, &["sessions", "ls", bad[0], bad[1]]).await;
        assert_eq!(r.code, 2, "{bad:?}: {}", r.stderr);
        assert!(r.stderr.contains("hint:"), "{}", r.stderr);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kick_user_closes_exactly_their_clients_and_removes_their_records() {
    let s = Chat::start().await;
    let mut a1 = s.client("alice", "lobby").await;
    let mut a2 = s.client("alice", "ops").await;
    let mut b = s.client("bob", "lobby").await;
    let mut c = s.client("carol", "lobby").await;
    let store = s.store();

    // More than one connection, not on a terminal, no --yes: refused, nothing touched.
    let r = wsadm_async(&s.env, &["sessions", "kick", "--user", "alice"]).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("refusing to kick 2 connections") && r.stderr.contains("--yes"), "{}", r.stderr);
    assert!(a1.alive().await && a2.alive().await);
    assert_eq!(store.count().await.unwrap(), 4);

    let r = wsadm_async(&s.env, &["sessions", "kick", "--user", "alice", "--yes", "-o", "json"]).await.ok().json();
    assert_eq!(
        (r["requested"].as_u64(), r["closed"].as_u64(), r["records_removed"].as_u64()),
        (Some(2), Some(2), Some(2))
    );
    assert_eq!((r["already_gone"].as_u64(), r["errors"].as_u64()), (Some(0), Some(0)));
    let kicked: BTreeSet<String> =
        r["results"].as_array().unwrap().iter().map(|x| x["connection_id"].as_str().unwrap().to_string()).collect();
    assert_eq!(kicked, set([&*a1.id, &a2.id]));
    // Alice's clients see the close; their records are gone; the others are untouched.
    assert_eq!(a1.closed().await, 1000);
    assert_eq!(a2.closed().await, 1000);
    assert!(store.get(&a1.id).await.unwrap().is_none() && store.get(&a2.id).await.unwrap().is_none());
    assert!(b.alive().await && c.alive().await);
    assert_eq!(ids(&ls(&s, &[]).await), set([&*b.id, &c.id]));

    // One connection needs no --yes; its id ends in '=' and is encoded exactly once.
    assert!(b.id.ends_with('='), "{}", b.id);
    // (Given twice, it is still one.)
    let r = wsadm_async(&s.env, &["sessions", "kick", &b.id, &b.id]).await.ok();
    let requested = r.stdout.lines().find(|l| l.starts_with("Requested")).unwrap();
    assert!(requested.ends_with(" 1") && r.stdout.contains("closed") && r.stdout.contains(&b.id), "{}", r.stdout);
    assert_eq!(b.closed().await, 1000);
    assert!(c.alive().await);

    // A stale record: its connection is already gone (410), the record still goes.
    s.put_record(GHOST, "ghost", &["lobby"], 600, 600).await;
    let r = wsadm_async(&s.env, &["sessions", "kick", GHOST, "-o", "json"]).await.ok().json();
    assert_eq!(
        (r["already_gone"].as_u64(), r["closed"].as_u64(), r["records_removed"].as_u64()),
        (Some(1), Some(0), Some(1))
    );
    assert!(store.get(GHOST).await.unwrap().is_none());

    // --room with --yes: carol is the last one in the lobby.
    let r = wsadm_async(&s.env, &["-y", "sessions", "kick", "--room", "lobby", "-o", "json"]).await.ok().json();
    assert_eq!((r["requested"].as_u64(), r["closed"].as_u64()), (Some(1), Some(1)));
    assert_eq!(c.closed().await, 1000);
    assert_eq!(store.count().await.unwrap(), 0);

    // Nobody matches: nothing to do.
    let r = wsadm_async(&s.env, &["sessions", "kick", "--room", "lobby", "-o", "json"]).await.ok().json();
    assert_eq!(r["requested"], 0);
    // Not a connection id, or two selections at once: usage errors.
    for bad in [
        &["sessions", "kick", "not an id!"][..],
        &["sessions", "kick", "abc=", "--user", "x"][..],
        &["sessions", "kick"][..],
    ] {
        let r = wsadm_async(&s.env, bad).await;
        assert_eq!(r.code, 2, "{bad:?}: {}", r.stderr);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_removes_the_records_of_gone_connections_and_only_those() {
    let s = Chat::start().await;
    let mut alice = s.client("alice", "lobby").await;
    let mut bob = s.client("bob", "ops").await;
    let mut carol = s.client("carol", "lobby").await;
    let mut dave = s.client("dave", "ops").await;
    // Carol and dave are dropped without a close frame, and no $disconnect removes their
    // records (it is best effort on AWS): their records are stale.
    s.without_disconnect_route().await;
    s.abort(&carol.id);
    s.abort(&dave.id);
    assert!(carol.dropped().await && dave.dropped().await, "the clients see the TCP drop, no close frame");
    // Two more records of connections that never existed here (5 min old), and one written
    // just now, as by a $connect still running (GetConnection does not know it yet either).
    s.put_record(GHOST, "ghost", &["lobby"], 300, 300).await;
    s.put_record(SLEEPY, "sleepy", &["ops"], 300, 300).await;
    s.put_record("Connecting00000=", "newbie", &["lobby"], 0, 0).await;
    let store = s.store();
    assert_eq!(store.count().await.unwrap(), 7);

    // show: a live connection beside its record; a gone one with its stale record, exit 5.
    let r = wsadm_async(&s.env, &["sessions", "show", &alice.id, "-o", "json"]).await.ok().json();
    assert_eq!((r["status"].as_str(), r["record"]["user_id"].as_str()), (Some("connected"), Some("alice")));
    assert_eq!(r["gateway"]["source_ip"], "127.0.0.1");
    assert!(r["gateway"]["connected_at"].is_string() && r["gateway"]["last_active_at"].is_string(), "{r}");
    let r = wsadm_async(&s.env, &["sessions", "show", &carol.id, "-o", "json"]).await;
    assert_eq!(r.code, 5, "{}", r.stderr);
    let r = r.json();
    assert_eq!((r["status"].as_str(), r["record"]["user_id"].as_str()), (Some("gone"), Some("carol")));
    let r = wsadm_async(&s.env, &["sessions", "show", GHOST]).await;
    assert_eq!(r.code, 5);
    assert!(
        r.stdout.contains("GONE (410)") && r.stdout.contains("ghost") && r.stdout.contains("stale"),
        "{}",
        r.stdout
    );
    let r = wsadm_async(&s.env, &["sessions", "show", "NoSuchConn0000=", "-o", "json"]).await;
    assert_eq!(r.code, 5);
    assert!(r.json()["record"].is_null());

    // A dry run (default --min-age 30s): the young records are not judged yet, nothing is removed.
    let r = wsadm_async(&s.env, &["sessions", "prune", "--dry-run", "-o", "json"]).await.ok().json();
    assert_eq!((r["checked"].as_u64(), r["gone"].as_u64(), r["removed"].as_u64()), (Some(7), Some(2), Some(0)));
    assert_eq!(r["kept_because"], json!({"connected": 2, "too_new": 3, "unchecked": 0}));
    assert_eq!(store.count().await.unwrap(), 7);
    let t = wsadm_async(&s.env, &["sessions", "prune", "--dry-run"]).await.ok().stdout;
    assert!(t.contains("Would remove") && t.contains(GHOST) && t.contains(SLEEPY), "{t}");

    // A 403 (here: a management endpoint that is not the API's) never removes anything.
    let bad_domain = format!("{}/not-the-api", s.s.emulator.url());
    let r = wsadm_async(&s.env, &["sessions", "prune", "--min-age", "0s", "--domain", &bad_domain, "-o", "json"]).await;
    assert_eq!(r.code, 3, "{}\n{}", r.stdout, r.stderr);
    let r = r.json();
    assert_eq!((r["errors"].as_u64(), r["gone"].as_u64(), r["removed"].as_u64()), (Some(7), Some(0), Some(0)));
    assert!(r["error_details"][0]["error"].as_str().unwrap().contains("403"), "{r}");
    assert_eq!(store.count().await.unwrap(), 7);

    // Prune: exactly the gone ones go; the live clients' records stay, and the clients too.
    let r = wsadm_async(&s.env, &["sessions", "prune", "--min-age", "0s", "-o", "json"]).await.ok().json();
    assert_eq!((r["checked"].as_u64(), r["gone"].as_u64(), r["removed"].as_u64()), (Some(7), Some(5), Some(5)));
    assert_eq!((r["kept"].as_u64(), r["errors"].as_u64()), (Some(2), Some(0)));
    let gone: BTreeSet<String> = r["gone_sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["connection_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(gone, set([&*carol.id, &dave.id, GHOST, SLEEPY, "Connecting00000="]));
    assert_eq!(ids(&ls(&s, &[]).await), set([&*alice.id, &bob.id]));
    assert!(alice.alive().await && bob.alive().await);
    // Their room memberships went with them: the lobby has only alice.
    assert_eq!(ids(&ls(&s, &["--room", "lobby"]).await), set([&*alice.id]));
    // Nothing left to prune.
    let r = wsadm_async(&s.env, &["sessions", "prune", "--min-age", "0s", "-o", "json"]).await.ok().json();
    assert_eq!((r["checked"].as_u64(), r["gone"].as_u64()), (Some(2), Some(0)));
}

#[tokio::test]
async fn the_session_table_comes_from_the_flag_or_the_api_tag() {
    let moto = Moto::start();
    let sdk = moto.sdk_config().await;
    let gw = aws_sdk_apigatewayv2::Client::new(&sdk);
    gw.create_api()
        .name("bare")
        .protocol_type(aws_sdk_apigatewayv2::types::ProtocolType::Websocket)
        .route_selection_expression("$request.body.action")
        .send()
        .await
        .unwrap();
    let env = wsadm_env(&moto.url);
    let r = wsadm(&env, &["sessions", "ls", "--api", "bare"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("has no wsadm:table tag") && r.stderr.contains("--table"), "{}", r.stderr);
    let r = wsadm(&env, &["sessions", "ls"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no session table given") && r.stderr.contains("hint:"), "{}", r.stderr);
    let r = wsadm(&env, &["sessions", "ls", "--table", "no-such-table", "-o", "json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    let r = wsadm(&env, &["sessions", "prune", "--api", "bare"]);
    assert_eq!(r.code, 2);
}

/// Session items as `$connect` writes them, straight to moto.
async fn fill(ddb: &aws_sdk_dynamodb::Client, table: &str, n: usize) {
    let now = now_ms();
    let s = |v: String| AttributeValue::S(v);
    let num = |v: i64| AttributeValue::N(v.to_string());
    let batches: Vec<Vec<WriteRequest>> = (0..n)
        .collect::<Vec<_>>()
        .chunks(25) // DynamoDB's (and dynalite's) most per BatchWriteItem
        .map(|chunk| {
            chunk
                .iter()
                .map(|i| {
                    let item = HashMap::from([
                        ("connectionId".to_string(), s(format!("Big{i:012}AAA="))),
                        ("sk".into(), s("session".into())),
                        ("userId".into(), s(format!("user{}", i % 5000))),
                        ("rooms".into(), AttributeValue::Ss(vec![format!("room{}", i % 100)])),
                        ("connectedAt".into(), num(now - (*i as i64 % 7000) * 1000)),
                        ("lastSeenAt".into(), num(now - (*i as i64 % 600) * 1000)),
                        ("expiresAt".into(), num(now / 1000 + 8100)),
                        ("sourceIp".into(), s("198.51.100.23".into())),
                        ("userAgent".into(), s("Mozilla/5.0 (X11; Linux x86_64) chat/1.0".into())),
                        ("stage".into(), s("prod".into())),
                    ]);
                    WriteRequest::builder()
                        .put_request(PutRequest::builder().set_item(Some(item)).build().unwrap())
                        .build()
                })
                .collect()
        })
        .collect();
    futures::stream::iter(batches)
        .map(|b| async move {
            let o = ddb.batch_write_item().request_items(table, b).send().await.unwrap();
            assert!(o.unprocessed_items().is_none_or(|u| u.is_empty()));
        })
        .buffer_unordered(8)
        .collect::<Vec<_>>()
        .await;
}

struct Measured {
    lines: usize,
    first_line: Duration,
    total: Duration,
    peak_rss_kb: u64,
    still_running_at_first_line: bool,
}

/// Runs wsadm with piped stdout, sampling its peak RSS (VmHWM) while reading its lines.
fn measure(env: &[(String, String)], args: &[&str]) -> Measured {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wsadm"));
    for k in wsadm_testkit::inherited_vars_to_clear() {
        cmd.env_remove(k);
    }
    cmd.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str()))).args(args);
    let start = Instant::now();
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut peak = 0u64;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let hwm = std::fs::read_to_string(&status_file)
                    .ok()
                    .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
                    .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<u64>().ok()));
                peak = peak.max(hwm.unwrap_or(0));
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        })
    };
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let (mut lines, mut first_line, mut still_running) = (0usize, None, false);
    let mut line = String::new();
    while out.read_line(&mut line).unwrap() > 0 {
        if first_line.is_none() {
            first_line = Some(start.elapsed());
            still_running = child.try_wait().unwrap().is_none();
            let v: Value = serde_json::from_str(&line).unwrap();
            assert!(v["connection_id"].as_str().unwrap().starts_with("Big"), "{line}");
        }
        lines += 1;
        line.clear();
    }
    let status = child.wait_with_output().unwrap();
    let total = start.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak_rss_kb = sampler.join().unwrap();
    assert!(status.status.success(), "wsadm failed: {}", String::from_utf8_lossy(&status.stderr));
    Measured {
        lines,
        first_line: first_line.unwrap_or(total),
        total,
        peak_rss_kb,
        still_running_at_first_line: still_running,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_streams_100k_records_with_bounded_memory() {
    const N: usize = 100_000;
    // The local stack's DynamoDB (dynalite behind the emulator): moto takes minutes to fill.
    let (_engines, emulator) = wsadm_local::testing::emulator(Default::default()).await;
    let aws = wsadm_core::Aws::from_config(wsadm_testkit::sdk_config_for(&emulator.url()).await);
    let ddb = aws.dynamodb();
    wsadm_core::store::ensure_table(&ddb, "big-sessions", &[]).await.unwrap();
    let started = Instant::now();
    fill(&ddb, "big-sessions", N).await;
    let filled = started.elapsed();
    let env = wsadm_env(&emulator.url());

    let (baseline, big, held) = tokio::task::spawn_blocking(move || {
        // The same binary and table, listing nothing (a Query): its peak RSS is the baseline.
        let baseline = measure(&env, &["sessions", "ls", "--table", "big-sessions", "--user", "nobody", "-o", "jsonl"]);
        let big = measure(&env, &["sessions", "ls", "--table", "big-sessions", "-o", "jsonl"]);
        // --sort must hold every row first: what an unbounded listing would cost.
        let held = measure(&env, &["sessions", "ls", "--table", "big-sessions", "--sort", "id", "-o", "jsonl"]);
        (baseline, big, held)
    })
    .await
    .unwrap();
    println!(
        "100k: filled in {filled:?}; ls -o jsonl: {} lines, first after {:?}, all after {:?}; peak RSS {} KiB (baseline {} KiB)",
        big.lines, big.first_line, big.total, big.peak_rss_kb, baseline.peak_rss_kb
    );
    assert_eq!(big.lines, N);
    assert_eq!(baseline.lines, 0);
    assert!(big.still_running_at_first_line, "the first row must arrive while the table is still being read");
    assert!(
        big.first_line < big.total / 4,
        "the first row came after {:?} of {:?}: rows must stream, not wait for the scan",
        big.first_line,
        big.total
    );
    // Streaming holds a few pages per scan segment; holding the 100k rows (what --sort must do)
    // takes far more. Streaming must cost less than half of what holding adds.
    println!("held for --sort: peak RSS {} KiB", held.peak_rss_kb);
    assert_eq!(held.lines, N);
    assert!(baseline.peak_rss_kb > 0 && big.peak_rss_kb > 0);
    let (streamed, holding) = (big.peak_rss_kb - baseline.peak_rss_kb, held.peak_rss_kb - baseline.peak_rss_kb);
    assert!(
        streamed < holding / 2,
        "streaming added {streamed} KiB of peak RSS, holding every row {holding} KiB: memory is not bounded"
    );
}
