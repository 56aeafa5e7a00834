//! The session store against both engines of the local stack's DynamoDB (dynalite, and moto),
//! through the front `wsadm local` puts before them: every test runs on each.

use futures::TryStreamExt;
use std::collections::BTreeSet;
use wsadm_core::store::{
    ensure_table, Admit, GoneRemoval, Member, PutError, RateLimit, RoomError, ScanOptions, Session, SessionStore,
    INDEX_BY_ROOM, INDEX_BY_USER, MAX_CONNECTION_SECS,
};
use wsadm_local::testing::{emulator_on, Engines};

#[derive(Clone, Copy)]
enum Engine {
    Dynalite,
    Moto,
}

/// The local stack's DynamoDB on one engine: the emulator's endpoint, with the engines kept alive.
struct Backend {
    emulator: wsadm_local::Running,
    _engines: Engines,
}

impl Backend {
    async fn start(engine: Engine) -> Backend {
        let (engines, emulator) = emulator_on(Default::default(), matches!(engine, Engine::Dynalite)).await;
        Backend { emulator, _engines: engines }
    }

    async fn sdk_config(&self) -> aws_config::SdkConfig {
        wsadm_testkit::sdk_config_for(&self.emulator.url()).await
    }
}

/// Each named test function, run once on each engine.
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn dynalite() {
                super::$name(super::Engine::Dynalite).await
            }
            #[tokio::test]
            async fn moto() {
                super::$name(super::Engine::Moto).await
            }
        }
    )*};
}

async fn store(be: &Backend) -> SessionStore {
    let client = aws_sdk_dynamodb::Client::new(&be.sdk_config().await);
    assert!(ensure_table(&client, "sessions", &[("wsadm:stack".into(), "t".into())]).await.unwrap());
    SessionStore::new(client, "sessions")
}

/// The store for tests of concurrent conditional writes: each write is atomic on both engines
/// (dynalite locks the item; with moto the front passes writes one at a time).
async fn atomic_store(be: &Backend) -> ((), SessionStore) {
    let client = aws_sdk_dynamodb::Client::new(&be.sdk_config().await);
    ((), SessionStore::new(client, "sessions"))
}

fn session(id: &str, user: &str, rooms: &[&str], at: i64) -> Session {
    let mut s = Session::new(id, user, at);
    s.rooms = rooms.iter().map(|r| r.to_string()).collect();
    s.source_ip = Some("127.0.0.1".into());
    s.stage = Some("prod".into());
    s
}

const T0: i64 = 1_800_000_000_000;

async fn table_has_indexes_ttl_pitr_and_encryption_and_ensure_is_idempotent(engine: Engine) {
    let be = Backend::start(engine).await;
    let st = store(&be).await;
    let client = aws_sdk_dynamodb::Client::new(&be.sdk_config().await);
    let d = client.describe_table().table_name("sessions").send().await.unwrap();
    let t = d.table().unwrap();
    let mut idx: Vec<&str> = t.global_secondary_indexes().iter().filter_map(|g| g.index_name()).collect();
    idx.sort();
    assert_eq!(idx, vec![INDEX_BY_ROOM, INDEX_BY_USER]);
    assert!(t.sse_description().is_some());
    let ttl = client.describe_time_to_live().table_name("sessions").send().await.unwrap();
    assert_eq!(ttl.time_to_live_description().unwrap().attribute_name(), Some("expiresAt"));
    let b = client.describe_continuous_backups().table_name("sessions").send().await.unwrap();
    let pitr = b.continuous_backups_description().unwrap().point_in_time_recovery_description().unwrap();
    assert_eq!(pitr.point_in_time_recovery_status().unwrap().as_str(), "ENABLED");
    assert!(!ensure_table(&client, st.table(), &[]).await.unwrap(), "second ensure creates nothing");
}

async fn put_is_conditional_and_rooms_are_indexed(engine: Engine) {
    let be = Backend::start(engine).await;
    let st = store(&be).await;
    st.put_session(&session("a1=", "alice", &["lobby"], T0)).await.unwrap();
    st.put_session(&session("a2=", "alice", &[], T0 + 1)).await.unwrap();
    st.put_session(&session("b1=", "bob", &["lobby", "ops"], T0 + 2)).await.unwrap();

    // Never overwrite another connection's record.
    let err = st.put_session(&session("a1=", "mallory", &[], T0 + 5)).await.unwrap_err();
    assert!(matches!(err, PutError::Exists(ref id) if id == "a1="), "{err}");
    let a1 = st.get("a1=").await.unwrap().unwrap();
    assert_eq!(a1.user_id, "alice");
    assert_eq!(a1.expires_at, T0 / 1000 + 7200 + 900);

    let ids = |v: Vec<Session>| v.into_iter().map(|s| s.connection_id).collect::<BTreeSet<_>>();
    let lobby = ids(st.list_by_room("lobby").try_collect().await.unwrap());
    assert_eq!(lobby, BTreeSet::from(["a1=".to_string(), "b1=".to_string()]));
    let alice = ids(st.list_by_user("alice").try_collect().await.unwrap());
    assert_eq!(alice, BTreeSet::from(["a1=".to_string(), "a2=".to_string()]));
    assert_eq!(st.count_by_user("alice").await.unwrap(), 2);
    assert_eq!(st.count().await.unwrap(), 3);

    let a2 = st.join("a2=", "ops", T0 + 10, 20).await.unwrap();
    assert!(a2.rooms.contains("ops"));
    assert_eq!(ids(st.list_by_room("ops").try_collect().await.unwrap()).len(), 2);
    let b1 = st.leave("b1=", "ops").await.unwrap();
    assert_eq!(b1.rooms, BTreeSet::from(["lobby".to_string()]));
    assert_eq!(ids(st.list_by_room("ops").try_collect().await.unwrap()), BTreeSet::from(["a2=".to_string()]));
    assert!(matches!(st.join("nope=", "ops", T0, 20).await, Err(RoomError::NoSession(_))), "no record");
    assert!(matches!(st.join("a2=", "bad room", T0, 20).await, Err(RoomError::Invalid(_))));
    assert!(matches!(st.leave("nope=", "ops").await, Err(RoomError::NoSession(_))));

    // Delete is idempotent and takes the memberships along.
    assert_eq!(st.delete("b1=").await.unwrap().unwrap().user_id, "bob");
    assert!(st.delete("b1=").await.unwrap().is_none());
    assert_eq!(ids(st.list_by_room("lobby").try_collect().await.unwrap()), BTreeSet::from(["a1=".to_string()]));
    assert_eq!(st.count().await.unwrap(), 2);
}

async fn touch_writes_at_most_once_a_minute(engine: Engine) {
    let be = Backend::start(engine).await;
    let st = store(&be).await;
    st.put_session(&session("c=", "carol", &[], T0)).await.unwrap();
    assert!(!st.touch("c=", T0 + 30_000).await.unwrap(), "within a minute of connect");
    assert!(st.touch("c=", T0 + 61_000).await.unwrap());
    assert!(!st.touch("c=", T0 + 90_000).await.unwrap());
    assert_eq!(st.get("c=").await.unwrap().unwrap().last_seen_at, T0 + 61_000);
    assert!(!st.touch("gone=", T0 + 90_000).await.unwrap(), "no record, no write");
    st.mark_disconnected("c=", 1001, "Going away").await.unwrap();
    let c = st.get("c=").await.unwrap().unwrap();
    assert_eq!((c.disconnect_status, c.disconnect_reason.as_deref()), (Some(1001), Some("Going away")));
}

async fn lists_page_and_scan_in_parallel(engine: Engine) {
    let be = Backend::start(engine).await;
    let st = store(&be).await;
    let n = 230;
    for i in 0..n {
        let rooms: &[&str] = if i % 2 == 0 { &["big"] } else { &[] };
        st.put_session(&session(&format!("c{i:04}="), &format!("u{}", i % 7), rooms, T0 + i)).await.unwrap();
    }
    let all: Vec<Session> = st.list_all(ScanOptions { segments: 1, page_size: 40 }).try_collect().await.unwrap();
    assert_eq!(all.iter().map(|s| &s.connection_id).collect::<BTreeSet<_>>().len(), n as usize);
    let par: Vec<Session> = st.list_all(ScanOptions { segments: 4, page_size: 25 }).try_collect().await.unwrap();
    assert_eq!(par.len(), n as usize);
    assert_eq!(par.iter().map(|s| &s.connection_id).collect::<BTreeSet<_>>().len(), n as usize);
    // 115 members: more than one BatchGetItem of 100.
    let big: Vec<Session> = st.list_by_room("big").try_collect().await.unwrap();
    assert_eq!(big.len(), 115);
    assert_eq!(st.count().await.unwrap(), n as u64);
}

async fn twenty_simultaneous_connects_of_one_user_with_a_cap_of_ten_hold_exactly_ten(engine: Engine) {
    let be = Backend::start(engine).await;
    store(&be).await;
    let (_proxy, st) = atomic_store(&be).await;
    let results = futures::future::join_all((0..20).map(|i| {
        let st = st.clone();
        async move { st.open_session(&session(&format!("m{i:02}="), "mallory", &[], T0), 10, T0).await }
    }))
    .await;
    let ok = results.iter().filter(|r| r.is_ok()).count();
    let capped = results.iter().filter(|r| matches!(r, Err(PutError::CapReached { cap: 10, .. }))).count();
    assert_eq!((ok, capped), (10, 10), "{results:?}");
    assert_eq!(st.open_connections("mallory", T0).await.unwrap(), 10);
    let listed: Vec<Session> = st.list_by_user("mallory").try_collect().await.unwrap();
    assert_eq!(listed.len(), 10, "a refused connect leaves no record");

    // A disconnect frees its place at once; another user is not affected.
    let first = results.iter().position(|r| r.is_ok()).unwrap();
    st.delete(&format!("m{first:02}=")).await.unwrap();
    assert_eq!(st.open_connections("mallory", T0).await.unwrap(), 9);
    st.open_session(&session("m99=", "mallory", &[], T0 + 1), 10, T0 + 1).await.unwrap();
    assert!(matches!(
        st.open_session(&session("m98=", "mallory", &[], T0 + 2), 10, T0 + 2).await,
        Err(PutError::CapReached { open: 10, .. })
    ));
    st.open_session(&session("o1=", "oscar", &[], T0), 10, T0).await.unwrap();
    // A second connect with a counted id is refused as a duplicate, and takes nothing.
    assert!(matches!(st.open_session(&session("o1=", "oscar", &[], T0), 10, T0).await, Err(PutError::Exists(_))));
    assert_eq!(st.open_connections("oscar", T0).await.unwrap(), 1);

    // The per-user items are no sessions: not listed, not counted, not in the indexes.
    assert_eq!(st.count().await.unwrap(), 11);
    let all: Vec<Session> = st.list_all(ScanOptions::default()).try_collect().await.unwrap();
    assert_eq!(all.len(), 11);
    assert!(all.iter().all(|s| !s.connection_id.starts_with("user#")));
    assert_eq!(st.count_by_user("mallory").await.unwrap(), 10);
}

async fn places_past_their_expiry_never_count(engine: Engine) {
    let be = Backend::start(engine).await;
    let st = store(&be).await;
    // Two connections whose $disconnect never came (their records stay).
    st.open_session(&session("x1=", "xavier", &[], T0), 2, T0).await.unwrap();
    st.open_session(&session("x2=", "xavier", &[], T0), 2, T0).await.unwrap();
    assert!(matches!(
        st.open_session(&session("x3=", "xavier", &[], T0 + 1), 2, T0 + 1).await,
        Err(PutError::CapReached { .. })
    ));
    // After the longest a connection can live, they no longer count.
    let later = T0 + MAX_CONNECTION_SECS * 1000 + 1;
    assert_eq!(st.open_connections("xavier", later).await.unwrap(), 0);
    st.open_session(&session("x3=", "xavier", &[], later), 2, later).await.unwrap();
    st.open_session(&session("x4=", "xavier", &[], later), 2, later).await.unwrap();
    assert!(matches!(
        st.open_session(&session("x5=", "xavier", &[], later), 2, later).await,
        Err(PutError::CapReached { open: 2, .. })
    ));
    // Removing a stale record frees nothing it no longer holds, and breaks nothing.
    st.delete("x1=").await.unwrap();
    assert_eq!(st.open_connections("xavier", later).await.unwrap(), 2);
}

async fn a_410_removes_only_records_past_the_minimum_age_and_frees_their_place(engine: Engine) {
    let be = Backend::start(engine).await;
    let st = store(&be).await;
    st.open_session(&session("g1=", "gina", &["lobby"], T0), 5, T0).await.unwrap();
    assert_eq!(st.remove_gone("g1=", T0 + 1_000).await.unwrap(), GoneRemoval::TooNew, "may still be in $connect");
    assert!(st.get("g1=").await.unwrap().is_some());
    let removed = st.remove_gone("g1=", T0 + 30_000).await.unwrap();
    assert!(matches!(removed, GoneRemoval::Removed(ref s) if s.user_id == "gina"), "{removed:?}");
    assert_eq!(st.open_connections("gina", T0 + 30_000).await.unwrap(), 0, "the place is free");
    let lobby: Vec<Session> = st.list_by_room("lobby").try_collect().await.unwrap();
    assert!(lobby.is_empty());
    assert_eq!(st.remove_gone("g1=", T0 + 30_000).await.unwrap(), GoneRemoval::NoRecord);
    // A 410 from one stage's endpoint never removes another stage's record.
    let mut dev = session("d1=", "dora", &["lobby"], T0);
    dev.stage = Some("dev".into());
    st.put_session(&dev).await.unwrap();
    let members: Vec<Vec<Member>> = st.room_members_staged("lobby").try_collect().await.unwrap();
    assert_eq!(members.concat(), vec![Member { connection_id: "d1=".into(), stage: Some("dev".into()) }]);
    let later = T0 + 60_000;
    let r = st.remove_gone_in_stage("d1=", later, 30_000, Some("prod")).await.unwrap();
    assert_eq!(r, GoneRemoval::OtherStage("dev".into()));
    assert!(st.get("d1=").await.unwrap().is_some(), "kept");
    let r = st.remove_gone_in_stage("d1=", later, 30_000, Some("dev")).await.unwrap();
    assert!(matches!(r, GoneRemoval::Removed(_)), "its own stage's 410: {r:?}");
}

async fn delete_pages_through_every_membership(engine: Engine) {
    let be = Backend::start(engine).await;
    let st = store(&be).await;
    let rooms: Vec<String> = (0..230).map(|i| format!("r{i:03}")).collect();
    let refs: Vec<&str> = rooms.iter().map(String::as_str).collect();
    st.put_session(&session("big=", "bea", &refs, T0)).await.unwrap();
    st.put_session(&session("other=", "otto", &["r229"], T0)).await.unwrap();
    assert_eq!(st.delete("big=").await.unwrap().unwrap().rooms.len(), 230);
    for r in ["r000", "r100", "r228"] {
        let left: Vec<Session> = st.list_by_room(r).try_collect().await.unwrap();
        assert!(left.is_empty(), "{r} still lists the deleted connection");
    }
    let members: Vec<Vec<String>> = st.room_members("r229").try_collect().await.unwrap();
    assert_eq!(members.concat(), vec!["other=".to_string()]);
    // Nothing at all is left under the deleted id.
    let ddb = aws_sdk_dynamodb::Client::new(&be.sdk_config().await);
    let o = ddb
        .query()
        .table_name("sessions")
        .key_condition_expression("connectionId = :c")
        .expression_attribute_values(":c", aws_sdk_dynamodb::types::AttributeValue::S("big=".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(o.count, 0);
}

async fn the_room_cap_is_a_condition_on_the_write(engine: Engine) {
    let be = Backend::start(engine).await;
    store(&be).await;
    let (_proxy, st) = atomic_store(&be).await;
    st.put_session(&session("r=", "rita", &["a"], T0)).await.unwrap();
    st.join("r=", "b", T0, 2).await.unwrap();
    assert!(matches!(st.join("r=", "c", T0, 2).await, Err(RoomError::TooManyRooms { max: 2 })));
    assert_eq!(st.join("r=", "a", T0, 2).await.unwrap().rooms.len(), 2, "joining a room it is in is fine at the cap");
    st.leave("r=", "a").await.unwrap();
    assert_eq!(st.join("r=", "c", T0, 2).await.unwrap().rooms, BTreeSet::from(["b".to_string(), "c".to_string()]));
    let members: Vec<Vec<String>> = st.room_members("c").try_collect().await.unwrap();
    assert_eq!(members.concat(), vec!["r=".to_string()]);

    // Simultaneous joins of different rooms never pass the cap.
    st.put_session(&session("s=", "sam", &[], T0)).await.unwrap();
    let res = futures::future::join_all((0..8).map(|i| {
        let st = st.clone();
        async move { st.join("s=", &format!("room{i}"), T0, 3).await }
    }))
    .await;
    assert_eq!(res.iter().filter(|r| r.is_ok()).count(), 3, "{res:?}");
    assert!(res.iter().all(|r| r.is_ok() || matches!(r, Err(RoomError::TooManyRooms { max: 3 }))));
    let s = st.get("s=").await.unwrap().unwrap();
    assert_eq!(s.rooms.len(), 3);
}

async fn the_send_budget_is_per_user_and_refills_with_time(engine: Engine) {
    let be = Backend::start(engine).await;
    store(&be).await;
    let (_proxy, st) = atomic_store(&be).await;
    let lim = RateLimit { per_sec: 2.0, burst: 3 };
    for _ in 0..3 {
        assert_eq!(st.take_send_token("ursula", T0, lim).await.unwrap(), Admit::Allowed);
    }
    assert_eq!(st.take_send_token("ursula", T0, lim).await.unwrap(), Admit::Limited { retry_after_ms: 500 });
    assert_eq!(st.take_send_token("ursula", T0 + 200, lim).await.unwrap(), Admit::Limited { retry_after_ms: 300 });
    assert_eq!(st.take_send_token("victor", T0, lim).await.unwrap(), Admit::Allowed, "another user's budget");
    assert_eq!(st.take_send_token("ursula", T0 + 500, lim).await.unwrap(), Admit::Allowed);
    assert!(matches!(st.take_send_token("ursula", T0 + 500, lim).await.unwrap(), Admit::Limited { .. }));
    let off = RateLimit { per_sec: 0.0, burst: 1 };
    assert_eq!(st.take_send_token("ursula", T0 + 500, off).await.unwrap(), Admit::Allowed, "0 = off");
    assert_eq!(st.count().await.unwrap(), 0, "budgets are no sessions");

    // Concurrent sends of one user never take more than the burst.
    let lim = RateLimit { per_sec: 0.001, burst: 5 };
    let res = futures::future::join_all((0..12).map(|_| {
        let st = st.clone();
        async move { st.take_send_token("wanda", T0, lim).await.unwrap() }
    }))
    .await;
    let allowed = res.iter().filter(|a| **a == Admit::Allowed).count();
    assert!((1..=5).contains(&allowed), "{res:?}");
}

/// Fails every request of one DynamoDB operation before it is sent (an outage of that call).
#[derive(Debug)]
struct FailOperation(&'static str);

impl aws_sdk_dynamodb::config::Intercept for FailOperation {
    fn name(&self) -> &'static str {
        "FailOperation"
    }
    fn read_before_transmit(
        &self,
        ctx: &aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _rc: &aws_sdk_dynamodb::config::RuntimeComponents,
        _cfg: &mut aws_sdk_dynamodb::config::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let target = ctx.request().headers().get("x-amz-target").unwrap_or_default();
        if target.ends_with(&format!(".{}", self.0)) {
            return Err(format!("injected failure of {}", self.0).into());
        }
        Ok(())
    }
}

async fn failing_store(be: &Backend, op: &'static str) -> SessionStore {
    let sdk = be.sdk_config().await;
    let conf = aws_sdk_dynamodb::config::Builder::from(&sdk).interceptor(FailOperation(op)).build();
    SessionStore::new(aws_sdk_dynamodb::Client::from_conf(conf), "sessions")
}

async fn members(st: &SessionStore, room: &str) -> BTreeSet<String> {
    let pages: Vec<Vec<String>> = st.room_members(room).try_collect().await.unwrap();
    pages.concat().into_iter().collect()
}

async fn a_failed_leave_never_leaves_the_room_delivered_but_unlisted(engine: Engine) {
    let be = Backend::start(engine).await;
    let st = store(&be).await;
    st.put_session(&session("a=", "alice", &["lobby"], T0)).await.unwrap();
    st.put_session(&session("b=", "bob", &["lobby"], T0)).await.unwrap();

    // The membership delete fails: nothing changes, and the caller is told.
    let err = failing_store(&be, "DeleteItem").await.leave("a=", "lobby").await.unwrap_err();
    assert!(matches!(err, RoomError::Store(_)), "{err}");
    assert!(st.get("a=").await.unwrap().unwrap().rooms.contains("lobby"), "still listed");
    assert!(members(&st, "lobby").await.contains("a="), "and still delivered: consistent");

    // The membership goes but the set's update fails: no longer delivered (listed until retried).
    let err = failing_store(&be, "UpdateItem").await.leave("a=", "lobby").await.unwrap_err();
    assert!(matches!(err, RoomError::Store(_)), "{err}");
    assert_eq!(members(&st, "lobby").await, BTreeSet::from(["b=".to_string()]), "not delivered any more");
    // Leaving again completes it.
    assert!(st.leave("a=", "lobby").await.unwrap().rooms.is_empty());
    assert_eq!(members(&st, "lobby").await, BTreeSet::from(["b=".to_string()]));

    // A failed membership write on join undoes the set change; a room joined before stays.
    let err = failing_store(&be, "BatchWriteItem").await.join("b=", "ops", T0, 20).await.unwrap_err();
    assert!(matches!(err, RoomError::Store(_)), "{err}");
    assert_eq!(st.get("b=").await.unwrap().unwrap().rooms, BTreeSet::from(["lobby".to_string()]));
    let err = failing_store(&be, "BatchWriteItem").await.join("b=", "lobby", T0, 20).await.unwrap_err();
    assert!(matches!(err, RoomError::Store(_)), "{err}");
    assert!(st.get("b=").await.unwrap().unwrap().rooms.contains("lobby"), "a failed re-join does not evict");
}

async fn every_membership_change_bumps_the_room_version(engine: Engine) {
    let be = Backend::start(engine).await;
    let st = store(&be).await;
    assert_eq!(st.room_version("lobby").await.unwrap(), 0, "never changed");
    st.put_session(&session("a=", "alice", &["lobby"], T0)).await.unwrap();
    st.put_session(&session("b=", "bob", &[], T0)).await.unwrap();
    let v1 = st.room_version("lobby").await.unwrap();
    assert!(v1 > 0, "a connect into the room");
    st.join("b=", "lobby", T0, 20).await.unwrap();
    let v2 = st.room_version("lobby").await.unwrap();
    assert!(v2 > v1, "a join");
    assert!(matches!(st.join("b=", "ops", T0, 1).await, Err(RoomError::TooManyRooms { .. })));
    assert_eq!(st.room_version("ops").await.unwrap(), 0, "a refused join changes nothing");
    st.leave("b=", "lobby").await.unwrap();
    let v3 = st.room_version("lobby").await.unwrap();
    assert!(v3 > v2, "a leave");
    st.delete("a=").await.unwrap();
    assert!(st.room_version("lobby").await.unwrap() > v3, "a removal");

    // The version items are no sessions: not listed, not counted.
    assert_eq!(st.count().await.unwrap(), 1);
    let all: Vec<Session> = st.list_all(ScanOptions::default()).try_collect().await.unwrap();
    assert_eq!(all.iter().map(|s| s.connection_id.as_str()).collect::<Vec<_>>(), ["b="]);
}

on_both_engines!(
    every_membership_change_bumps_the_room_version,
    table_has_indexes_ttl_pitr_and_encryption_and_ensure_is_idempotent,
    put_is_conditional_and_rooms_are_indexed,
    touch_writes_at_most_once_a_minute,
    lists_page_and_scan_in_parallel,
    twenty_simultaneous_connects_of_one_user_with_a_cap_of_ten_hold_exactly_ten,
    places_past_their_expiry_never_count,
    a_410_removes_only_records_past_the_minimum_age_and_frees_their_place,
    delete_pages_through_every_membership,
    the_room_cap_is_a_condition_on_the_write,
    the_send_budget_is_per_user_and_refills_with_time,
    a_failed_leave_never_leaves_the_room_delivered_but_unlisted,
);
