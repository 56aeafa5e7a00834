//! One simulated connection: open (retrying 429/5xx/timeouts), join, receive and count, send
//! what it is told to, and close with 1000.

use super::frames::{classify, counts, Frame};
use super::stats::{lock, Stats, DONE};
use super::{deadline, Plan};
use crate::args::loadtest::JoinVia;
use crate::ws::{self, Backoff, BackoffPolicy, Ws};
use futures::{SinkExt, StreamExt};
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

const USER_AGENT: &str = concat!("wsadm-loadtest/", env!("CARGO_PKG_VERSION"));

async fn stopped(stop: &mut watch::Receiver<bool>) {
    while !*stop.borrow() {
        if stop.changed().await.is_err() {
            return;
        }
    }
}

async fn recv_cmd(cmds: &mut Option<mpsc::Receiver<String>>) -> Option<String> {
    match cmds {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// Opens connection `i` (retrying 429/5xx/timeouts), joins its room, then receives, sends what
/// it is told to, and closes with 1000 when stopped.
pub(super) async fn connection(
    i: usize,
    plan: Arc<Plan>,
    st: Arc<Stats>,
    mut cmds: Option<mpsc::Receiver<String>>,
    mut stop: watch::Receiver<bool>,
) {
    let room = plan.room(i);
    let source = ws::source_ip(plan.addr.ip(), i, plan.source_addrs);
    let mut backoff = Backoff::new(BackoffPolicy {
        base: Duration::from_millis(250),
        cap: Duration::from_secs(5),
        max_attempts: plan.connect_retries,
        stable_after: Duration::MAX,
    });
    let mut ws: Ws = loop {
        let query: Vec<(&str, &str)> = match (plan.join_via, room) {
            (JoinVia::Query, Some(r)) => vec![("room", r)],
            _ => vec![],
        };
        let req = match ws::build_request(&plan.url, plan.token(i), plan.token_in, &query, &plan.headers, USER_AGENT) {
            Ok(r) => r,
            Err(e) => return st.fail(i, &e.to_string()),
        };
        let t = Instant::now();
        let r = tokio::select! {
            r = ws::connect(req, plan.addr, source, plan.handshake_timeout) => r,
            _ = stopped(&mut stop) => return st.fail(i, "stopped before it connected"),
        };
        match r {
            Ok(ws) => {
                lock(&st.connect).record(t.elapsed());
                break ws;
            }
            Err(e) => {
                let label = e.label();
                if e.retryable() {
                    if let Some(d) = backoff.failed(Instant::now(), rand::random::<f64>()) {
                        Stats::bump(&mut lock(&st.errors).connect_retries, &label);
                        tokio::select! {
                            _ = tokio::time::sleep(d) => continue,
                            _ = stopped(&mut stop) => return st.fail(i, "stopped before it connected"),
                        }
                    }
                }
                Stats::bump(&mut lock(&st.errors).connect_failures, &label);
                return st.fail(i, &e.describe());
            }
        }
    };
    st.opened.fetch_add(1, Ordering::AcqRel);
    let mut joining: Option<(Instant, tokio::time::Instant)> = None;
    match (plan.join_via, room) {
        (JoinVia::Action, Some(r)) => {
            let join = serde_json::json!({ "action": "join", "room": r }).to_string();
            if let Err(e) = ws.send(Message::text(join)).await {
                return st.fail(i, &format!("join: {e}"));
            }
            joining = Some((Instant::now(), tokio::time::Instant::now() + plan.handshake_timeout));
        }
        _ => st.ready(i),
    }
    let mut conn = Conn { i, received: 0, pending: VecDeque::new(), joining };
    let hb = plan.heartbeat;
    let mut heartbeat = (!hb.is_zero()).then(|| tokio::time::interval_at(tokio::time::Instant::now() + hb, hb));
    loop {
        tokio::select! {
            m = ws.next() => match m {
                Some(Ok(Message::Text(t))) => {
                    if let Err(why) = conn.on_text(&t, &plan, &st) {
                        close(&mut ws, None).await;
                        return st.fail(i, &why);
                    }
                }
                Some(Ok(Message::Binary(_))) => {
                    let _ = conn.on_text("", &plan, &st);
                }
                Some(Ok(Message::Close(f))) => {
                    let (code, reason) = f.map(|f| (u16::from(f.code), f.reason.to_string())).unwrap_or((1005, String::new()));
                    let why = format!("closed by the server: {}", ws::describe_close(code, &reason));
                    let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(None)).await;
                    return lost(&st, i, conn.joining.is_some(), code, why);
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return lost(&st, i, conn.joining.is_some(), 1006, format!("connection lost: {e}")),
                None => return lost(&st, i, conn.joining.is_some(), 1006, "connection lost".into()),
            },
            c = recv_cmd(&mut cmds) => match c {
                Some(text) => {
                    if let Err(e) = ws.send(Message::text(text)).await {
                        return lost(&st, i, false, 1006, format!("send failed: {e}"));
                    }
                    conn.pending.push_back(Instant::now());
                    st.sent.fetch_add(1, Ordering::AcqRel);
                }
                None => cmds = None,
            },
            _ = async { heartbeat.as_mut().expect("guarded").tick().await }, if heartbeat.is_some() => {
                let ping = serde_json::json!({ "action": "ping" }).to_string();
                if let Err(e) = ws.send(Message::text(ping)).await {
                    return lost(&st, i, conn.joining.is_some(), 1006, format!("heartbeat failed: {e}"));
                }
            }
            _ = deadline(conn.joining.map(|(_, d)| d)), if conn.joining.is_some() => {
                Stats::bump(&mut lock(&st.errors).frames, "join: no reply");
                close(&mut ws, None).await;
                return st.fail(i, "join: no `joined` reply in time");
            }
            _ = stopped(&mut stop) => {
                if conn.joining.is_some() {
                    close(&mut ws, None).await;
                    return st.fail(i, "stopped before it joined");
                }
                st.state[i].store(DONE, Ordering::Release);
                // Frames that arrive before the server's close reply still count.
                close(&mut ws, Some((&mut conn, &plan, &st))).await;
                return;
            }
        }
    }
}

/// One connection's receive-side state.
struct Conn {
    i: usize,
    received: u64,
    /// Send times of messages not yet answered, oldest first.
    pending: VecDeque<Instant>,
    /// (started, deadline) while the join action waits for `joined`.
    joining: Option<(Instant, tokio::time::Instant)>,
}

impl Conn {
    /// Counts a received frame; Err when it refused the join.
    fn on_text(&mut self, text: &str, plan: &Plan, st: &Stats) -> Result<(), String> {
        st.frames.fetch_add(1, Ordering::Relaxed);
        let (frame, ty) = classify(text);
        if counts(&frame, ty.as_deref(), plan.count_type.as_deref()) {
            self.received += 1;
            st.received[self.i].store(self.received, Ordering::Relaxed);
            if plan.expect == Some(self.received) {
                st.reached.fetch_add(1, Ordering::AcqRel);
            }
        }
        match frame {
            Frame::Joined if self.joining.is_some() => {
                let (t, _) = self.joining.take().expect("joining");
                lock(&st.join).record(t.elapsed());
                st.ready(self.i);
            }
            Frame::Error(label) if self.joining.is_some() => {
                Stats::bump(&mut lock(&st.errors).frames, &label);
                return Err(format!("join refused: {label}"));
            }
            Frame::Ack { delivered } => {
                if let Some(t) = self.pending.pop_front() {
                    lock(&st.ack).record(t.elapsed());
                }
                st.acked.fetch_add(1, Ordering::AcqRel);
                st.claimed.fetch_add(delivered, Ordering::AcqRel);
            }
            Frame::Error(label) => {
                Stats::bump(&mut lock(&st.errors).frames, &label);
                if self.pending.pop_front().is_some() {
                    st.rejected.fetch_add(1, Ordering::AcqRel);
                }
            }
            Frame::Message { sent_us: Some(us) } => {
                lock(&st.rtt).record_us(plan.micros().saturating_sub(us));
                st.delivered.fetch_add(1, Ordering::AcqRel);
            }
            _ => {}
        }
        Ok(())
    }
}

fn lost(st: &Stats, i: usize, before_ready: bool, code: u16, why: String) {
    if before_ready {
        Stats::bump(&mut lock(&st.errors).closes, &format!("{code} {}", ws::close_meaning(code)));
        st.fail(i, &why);
    } else {
        st.drop_conn(i, code, why);
    }
}

/// Closes with 1000 and waits (2 s at most) for the server's close frame; frames that arrive
/// meanwhile are counted when `count` is given.
async fn close(ws: &mut Ws, mut count: Option<(&mut Conn, &Plan, &Stats)>) {
    let frame = CloseFrame { code: CloseCode::Normal, reason: "".into() };
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        if ws.close(Some(frame)).await.is_ok() {
            while let Some(Ok(m)) = ws.next().await {
                if let (Message::Text(t), Some((conn, plan, st))) = (&m, count.as_mut()) {
                    let _ = conn.on_text(t, plan, st);
                }
            }
        }
    })
    .await;
}
