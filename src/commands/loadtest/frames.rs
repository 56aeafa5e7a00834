//! The loadtest's messages (texts `wsadm-lt:SEQ:MICROS:xxx…`, MICROS the send time since the
//! start of the run) and what a received frame is, for the counters.

// A message is `{"action":"send","room":R,"text":…}`: every copy a room member receives gives a
// round trip (send -> delivery) without any bookkeeping; the sender's `sent` reply gives the ack.

use serde_json::Value;

const PAYLOAD_PREFIX: &str = "wsadm-lt:";

/// A message text of at least `bytes` bytes carrying its sequence number and send time.
pub fn payload(seq: u64, sent_us: u64, bytes: usize) -> String {
    let mut s = format!("{PAYLOAD_PREFIX}{seq}:{sent_us}:");
    if s.len() < bytes {
        s.extend(std::iter::repeat_n('x', bytes - s.len()));
    }
    s
}

/// (sequence, send time) from a loadtest message text.
pub fn parse_payload(text: &str) -> Option<(u64, u64)> {
    let mut it = text.strip_prefix(PAYLOAD_PREFIX)?.splitn(3, ':');
    let seq = it.next()?.parse().ok()?;
    let us = it.next()?.parse().ok()?;
    it.next()?;
    Some((seq, us))
}

/// What a received frame is, for the counters.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// `joined`: the join action's reply.
    Joined,
    /// `sent`: the send action's reply.
    Ack { delivered: u64 },
    /// `pong`, `left`, `whoami`: other replies.
    Reply,
    /// An error reply: the chat's `{"type":"error"}` or API Gateway's `{"message":…}` frame.
    Error(String),
    /// A chat message; `sent_us` when it is one of ours.
    Message { sent_us: Option<u64> },
    /// Anything else the server pushed (a broadcast).
    Push,
}

pub fn classify(text: &str) -> (Frame, Option<String>) {
    let Ok(v) = serde_json::from_str::<Value>(text) else { return (Frame::Push, None) };
    let ty = v.get("type").and_then(Value::as_str).map(str::to_string);
    let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let frame = match ty.as_deref() {
        Some("joined") => Frame::Joined,
        Some("sent") => Frame::Ack { delivered: v.get("delivered").and_then(Value::as_u64).unwrap_or(0) },
        Some("pong" | "left" | "whoami") => Frame::Reply,
        Some("error") => Frame::Error(format!("error: {}", s("error"))),
        Some("message") => Frame::Message { sent_us: parse_payload(&s("text")).map(|(_, us)| us) },
        None if v.get("message").is_some_and(Value::is_string) && v.get("requestId").is_some() => {
            Frame::Error(s("message"))
        }
        _ => Frame::Push,
    };
    (frame, ty)
}

/// Whether a frame counts for `--expect`: of `count_type` when given, else anything that is
/// not a reply to the connection's own actions.
pub fn counts(frame: &Frame, ty: Option<&str>, count_type: Option<&str>) -> bool {
    match count_type {
        Some(t) => ty == Some(t),
        None => matches!(frame, Frame::Message { .. } | Frame::Push),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_carry_sequence_and_time() {
        let p = payload(42, 1_234_567, 100);
        assert_eq!(p.len(), 100);
        assert_eq!(parse_payload(&p), Some((42, 1_234_567)));
        // Never shorter than its header.
        let p = payload(7, 9, 1);
        assert_eq!(p, "wsadm-lt:7:9:");
        assert_eq!(parse_payload(&p), Some((7, 9)));
        assert_eq!(parse_payload("hello"), None);
        assert_eq!(parse_payload("wsadm-lt:x:1:"), None);
    }

    #[test]
    fn frames_are_classified_and_counted() {
        let c = |t: &str| classify(t).0;
        assert_eq!(c(r#"{"type":"joined","room":"r","rooms":["r"]}"#), Frame::Joined);
        assert_eq!(c(r#"{"type":"sent","room":"r","delivered":3,"gone":0,"failed":0}"#), Frame::Ack { delivered: 3 });
        assert_eq!(c(r#"{"type":"pong","ts":1}"#), Frame::Reply);
        assert_eq!(c(r#"{"type":"error","error":"not_in_room"}"#), Frame::Error("error: not_in_room".into()));
        assert_eq!(
            c(r#"{"message":"Too Many Requests","connectionId":"x","requestId":"y"}"#),
            Frame::Error("Too Many Requests".into())
        );
        let ours = format!(r#"{{"type":"message","room":"r","from":"u","text":"{}"}}"#, payload(1, 500, 40));
        assert_eq!(c(&ours), Frame::Message { sent_us: Some(500) });
        assert_eq!(c(r#"{"type":"message","text":"hi"}"#), Frame::Message { sent_us: None });
        assert_eq!(c(r#"{"type":"maintenance"}"#), Frame::Push);
        assert_eq!(c("plain text"), Frame::Push);
        // Counting: pushes and messages, not replies; or one type.
        let (f, ty) = classify(r#"{"type":"maintenance"}"#);
        assert!(counts(&f, ty.as_deref(), None));
        assert!(counts(&f, ty.as_deref(), Some("maintenance")));
        let (f, ty) = classify(r#"{"type":"pong"}"#);
        assert!(!counts(&f, ty.as_deref(), None));
        let (f, ty) = classify(r#"{"type":"message","text":"x"}"#);
        assert!(counts(&f, ty.as_deref(), None));
        assert!(!counts(&f, ty.as_deref(), Some("maintenance")));
    }
}
