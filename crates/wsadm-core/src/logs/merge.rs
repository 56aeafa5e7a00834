//! Many groups' time-sorted batches as one time-ordered stream, and the event-id memory that
//! keeps `--follow`'s look-back from printing an event twice.

use super::event::LogEvent;
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeSet, BinaryHeap, HashSet};

/// Event ids compare as numbers when both are digit strings (CloudWatch's are; "9" < "10"), else as text.
pub fn cmp_event_id(a: &str, b: &str) -> Ordering {
    id_key(a).cmp(&id_key(b))
}

fn id_key(id: &str) -> (u8, usize, &str) {
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        let trimmed = id.trim_start_matches('0');
        (0, trimmed.len(), trimmed)
    } else {
        (1, 0, id)
    }
}

/// Time, then group, then event id, then stream.
pub fn event_order(a: &LogEvent, b: &LogEvent) -> Ordering {
    a.timestamp_ms
        .cmp(&b.timestamp_ms)
        .then_with(|| a.group.cmp(&b.group))
        .then_with(|| cmp_event_id(&a.event_id, &b.event_id))
        .then_with(|| a.stream.cmp(&b.stream))
}

/// Merges batches into one stream ordered by [`event_order`] (a k-way merge; each batch is
/// sorted first, unless it already is). The heap holds small keys, not events: events are
/// large, and each is moved once, into the output.
pub fn merge(batches: Vec<Vec<LogEvent>>) -> Vec<LogEvent> {
    let total = batches.iter().map(Vec::len).sum();
    let mut batches: Vec<Vec<LogEvent>> = batches
        .into_iter()
        .map(|mut b| {
            if !b.is_sorted_by(|x, y| event_order(x, y) != Ordering::Greater) {
                b.sort_by(event_order);
            }
            b
        })
        .collect();
    // Equal times across batches: the one whose head sorts first (group, then event id).
    let mut heads: Vec<std::vec::IntoIter<LogEvent>> = Vec::with_capacity(batches.len());
    let mut next: Vec<Option<LogEvent>> = Vec::with_capacity(batches.len());
    for b in batches.drain(..) {
        let mut it = b.into_iter();
        next.push(it.next());
        heads.push(it);
    }
    let mut heap: BinaryHeap<Reverse<(i64, usize)>> =
        next.iter().enumerate().filter_map(|(i, e)| e.as_ref().map(|e| Reverse((e.timestamp_ms, i)))).collect();
    let mut out = Vec::with_capacity(total);
    while let Some(Reverse((ts, i))) = heap.pop() {
        // Among the batches whose head has this time, take the one that sorts first.
        let mut best = i;
        let mut tied = Vec::new();
        while let Some(Reverse((t, j))) = heap.peek().copied() {
            if t != ts {
                break;
            }
            heap.pop();
            tied.push(j);
        }
        for &j in &tied {
            if let (Some(a), Some(b)) = (&next[j], &next[best]) {
                if event_order(a, b) == Ordering::Less {
                    best = j;
                }
            }
        }
        tied.push(i);
        for j in tied {
            if j != best {
                heap.push(Reverse((ts, j)));
            }
        }
        if let Some(e) = next[best].take() {
            out.push(e);
        }
        next[best] = heads[best].next();
        if let Some(e) = &next[best] {
            heap.push(Reverse((e.timestamp_ms, best)));
        }
    }
    out
}

/// Default bound on remembered ids.
pub const DEFAULT_MAX_IDS: usize = 1_000_000;

/// Remembers `(group, event id)` of the events already emitted, forgetting those older than the
/// look-back (they cannot come back) and, past `max_ids`, the oldest.
#[derive(Debug)]
pub struct Dedup {
    seen: HashSet<(String, String)>,
    by_time: BTreeSet<(i64, String, String)>,
    max_ids: usize,
}

impl Default for Dedup {
    fn default() -> Self {
        Dedup::new(DEFAULT_MAX_IDS)
    }
}

impl Dedup {
    pub fn new(max_ids: usize) -> Self {
        Dedup { seen: HashSet::new(), by_time: BTreeSet::new(), max_ids: max_ids.max(1) }
    }

    /// True the first time an event is seen.
    pub fn insert(&mut self, e: &LogEvent) -> bool {
        let key = (e.group.clone(), e.event_id.clone());
        if self.seen.contains(&key) {
            return false;
        }
        while self.seen.len() >= self.max_ids {
            let Some((_, g, id)) = self.by_time.pop_first() else { break };
            self.seen.remove(&(g, id));
        }
        self.by_time.insert((e.timestamp_ms, key.0.clone(), key.1.clone()));
        self.seen.insert(key);
        true
    }

    /// Forgets events with a timestamp before `ts_ms`.
    pub fn forget_before(&mut self, ts_ms: i64) {
        while let Some(first) = self.by_time.first() {
            if first.0 >= ts_ms {
                break;
            }
            if let Some((_, g, id)) = self.by_time.pop_first() {
                self.seen.remove(&(g, id));
            }
        }
    }

    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::event::{Parser, RawEvent};

    pub(crate) fn ev(group: &str, id: &str, ts: i64) -> LogEvent {
        let raw =
            RawEvent { stream: "s".into(), event_id: id.into(), timestamp_ms: ts, message: format!("{group} {id}") };
        Parser::Execution.parse(group, raw)
    }

    fn keys(v: &[LogEvent]) -> Vec<(i64, &str, &str)> {
        v.iter().map(|e| (e.timestamp_ms, e.group.as_str(), e.event_id.as_str())).collect()
    }

    #[test]
    fn merges_in_time_order_with_ties_by_group_then_id() {
        let a = vec![ev("b-group", "1", 10), ev("b-group", "2", 20), ev("b-group", "3", 30)];
        let b = vec![ev("a-group", "9", 20), ev("a-group", "10", 20), ev("a-group", "11", 40)];
        let c = vec![];
        let d = vec![ev("c-group", "5", 5), ev("c-group", "4", 30)];
        let out = merge(vec![a, b, c, d]);
        assert_eq!(
            keys(&out),
            vec![
                (5, "c-group", "5"),
                (10, "b-group", "1"),
                (20, "a-group", "9"),
                (20, "a-group", "10"),
                (20, "b-group", "2"),
                (30, "b-group", "3"),
                (30, "c-group", "4"),
                (40, "a-group", "11"),
            ]
        );
        assert!(merge(vec![]).is_empty());
    }

    #[test]
    fn unsorted_batches_are_sorted_first() {
        let out = merge(vec![vec![ev("g", "2", 20), ev("g", "1", 10)], vec![ev("h", "3", 15)]]);
        assert_eq!(keys(&out), vec![(10, "g", "1"), (15, "h", "3"), (20, "g", "2")]);
    }

    #[test]
    fn event_ids_compare_as_numbers() {
        assert_eq!(cmp_event_id("9", "10"), Ordering::Less);
        assert_eq!(cmp_event_id("0010", "9"), Ordering::Greater);
        let long_a = "37587339437839404383928461082541254512654523765217099776";
        let long_b = "37587339437839404383928461082541254512654523765217099777";
        assert_eq!(cmp_event_id(long_a, long_b), Ordering::Less);
        assert_eq!(cmp_event_id("abc", "abd"), Ordering::Less);
        assert_eq!(cmp_event_id("99", "abc"), Ordering::Less);
    }

    #[test]
    fn dedup_remembers_within_the_window_and_forgets_older() {
        let mut d = Dedup::default();
        assert!(d.insert(&ev("g", "1", 100)));
        assert!(!d.insert(&ev("g", "1", 100)));
        assert!(d.insert(&ev("h", "1", 100)), "ids are per group");
        assert!(d.insert(&ev("g", "2", 200)));
        d.forget_before(150);
        assert_eq!(d.len(), 1);
        assert!(d.insert(&ev("g", "1", 100)), "forgotten once out of the window");
        assert!(!d.insert(&ev("g", "2", 200)));
    }

    #[test]
    fn dedup_is_bounded() {
        let mut d = Dedup::new(3);
        for i in 0..10 {
            assert!(d.insert(&ev("g", &i.to_string(), i)));
        }
        assert_eq!(d.len(), 3);
        assert!(!d.insert(&ev("g", "9", 9)), "the newest are kept");
        assert!(d.insert(&ev("g", "0", 0)), "the oldest were dropped");
    }
}
