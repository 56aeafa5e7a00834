//! The session store against moto's DynamoDB.

use futures::TryStreamExt;
use std::collections::BTreeSet;
use wsadm_core::store::{ensure_table, PutError, ScanOptions, Session, SessionStore, INDEX_BY_ROOM, INDEX_BY_USER};
use wsadm_testkit::Moto;

async fn store(moto: &Moto) -> SessionStore {
    let client = aws_sdk_dynamodb::Client::new(&moto.sdk_config().await);
    assert!(ensure_table(&client, "sessions", &[("wsadm:stack".into(), "t".into())]).await.unwrap());
    SessionStore::new(client, "sessions")
}

fn session(id: &str, user: &str, rooms: &[&str], at: i64) -> Session {
    let mut s = Session::new(id, user, at);
    s.rooms = rooms.iter().map(|r| r.to_string()).collect();
    s.source_ip = Some("127.0.0.1".into());
    s.stage = Some("prod".into());
    s
}

const T0: i64 = 1_800_000_000_000;

#[tokio::test]
async fn table_has_indexes_ttl_pitr_and_encryption_and_ensure_is_idempotent() {
    let moto = Moto::start();
    let st = store(&moto).await;
    let client = aws_sdk_dynamodb::Client::new(&moto.sdk_config().await);
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

#[tokio::test]
async fn put_is_conditional_and_rooms_are_indexed() {
    let moto = Moto::start();
    let st = store(&moto).await;
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

    let a2 = st.join("a2=", "ops", T0 + 10).await.unwrap();
    assert!(a2.rooms.contains("ops"));
    assert_eq!(ids(st.list_by_room("ops").try_collect().await.unwrap()).len(), 2);
    let b1 = st.leave("b1=", "ops").await.unwrap();
    assert_eq!(b1.rooms, BTreeSet::from(["lobby".to_string()]));
    assert_eq!(ids(st.list_by_room("ops").try_collect().await.unwrap()), BTreeSet::from(["a2=".to_string()]));
    assert!(st.join("nope=", "ops", T0).await.is_err(), "joining without a record fails");
    assert!(st.join("a2=", "bad room", T0).await.is_err());

    // Delete is idempotent and takes the memberships along.
    assert_eq!(st.delete("b1=").await.unwrap().unwrap().user_id, "bob");
    assert!(st.delete("b1=").await.unwrap().is_none());
    assert_eq!(ids(st.list_by_room("lobby").try_collect().await.unwrap()), BTreeSet::from(["a1=".to_string()]));
    assert_eq!(st.count().await.unwrap(), 2);
}

#[tokio::test]
async fn touch_writes_at_most_once_a_minute() {
    let moto = Moto::start();
    let st = store(&moto).await;
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

#[tokio::test]
async fn lists_page_and_scan_in_parallel() {
    let moto = Moto::start();
    let st = store(&moto).await;
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
