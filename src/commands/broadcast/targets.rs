//! Who a broadcast goes to: the connections of the table (`--all`, `--room`, `--user`) sorted
//! by the stage each record names, or the ids given (`--connection`, `--targets`).
//!
//! The table is read as the broadcast sends: a task reads it page by page into a bounded
//! channel ([`Reader`]), so sending starts with the first page and memory stays bounded for
//! any number of connections. Given ids are all read and checked first: a bad line is a usage
//! error before anything is sent.
//!
//! One table may serve several stages (the handlers record each connection's `stage`). A
//! record of another stage is skipped and counted: posted to this stage's endpoint it would
//! answer 410, and its live record would be removed. `--all-stages` sends it to its own
//! stage's endpoint instead (a stage the API no longer has is skipped and counted). A record
//! without a stage (written before stages were recorded) goes to this stage. Ids read from
//! the table are validated like ids from files; an invalid one is counted, named in the
//! summary, and never sent.

use super::BroadcastArgs;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;
use wsadm_core::broadcast::{Outcome, Target};
use wsadm_core::connections::validate_connection_id;
use wsadm_core::store::{ScanOptions, SessionStore};
use wsadm_core::Error;

/// Invalid ids named in the summary (the rest are counted).
const INVALID_SHOWN: usize = 20;

/// Targets read ahead of the sender, at most (besides the sender's own queue).
const READ_AHEAD: usize = 1024;

/// Connections found and not sent to.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Skipped {
    /// Records of another stage of the API (`--all-stages` sends them).
    pub other_stage: u64,
    /// Records naming a stage the API does not have (with `--all-stages`).
    pub unknown_stage: u64,
    /// Ids read from the table that are not connection ids: never sent.
    pub invalid_id: u64,
    /// The first of them.
    pub invalid_ids: Vec<String>,
    /// Records of other stages, by stage.
    pub by_stage: BTreeMap<String, u64>,
}

/// Live counts of the table read, for the progress line. Counted as the records are read,
/// skipped ones included: the sender's own count lags by up to the read-ahead and never sees
/// the skipped.
#[derive(Debug, Default)]
pub struct ReadCounts {
    /// Records read.
    pub read: AtomicU64,
    /// Of them, records of another stage (skipped).
    pub other_stage: AtomicU64,
    /// Of them, other records skipped: a stage the API does not have, an invalid id.
    pub other_skipped: AtomicU64,
}

impl ReadCounts {
    /// `12000 read from the table (300 of other stages skipped), 11000 sent`.
    pub fn line(&self, sent: u64) -> String {
        let (read, other_stage, other_skipped) = (
            self.read.load(Ordering::Relaxed),
            self.other_stage.load(Ordering::Relaxed),
            self.other_skipped.load(Ordering::Relaxed),
        );
        let mut skipped = Vec::new();
        if other_stage > 0 {
            skipped.push(format!("{other_stage} of other stages skipped"));
        }
        if other_skipped > 0 {
            skipped.push(format!("{other_skipped} other skipped"));
        }
        let skipped = if skipped.is_empty() { String::new() } else { format!(" ({})", skipped.join(", ")) };
        format!("{read} read from the table{skipped}, {sent} sent")
    }
}

/// Sorts candidates into routes (one per stage sent to): this stage is route 0; with
/// `--all-stages`, the API's other stages follow, in name order.
struct Sorter {
    routes: HashMap<String, usize>,
    all_stages: bool,
    /// Given ids are sent once each, whatever lists them twice (the table's are unique).
    seen: Option<HashSet<String>>,
    skipped: Skipped,
    counts: Arc<ReadCounts>,
}

impl Sorter {
    /// `stages`: the routes' stages, this one first.
    fn new(stages: &[String], all_stages: bool, dedupe: bool) -> Self {
        Sorter {
            routes: stages.iter().enumerate().map(|(i, s)| (s.clone(), i)).collect(),
            all_stages,
            seen: dedupe.then(HashSet::new),
            skipped: Skipped::default(),
            counts: Arc::default(),
        }
    }

    /// A connection read from the table, with the stage its record names (None: no record, or
    /// a record without a stage): its target, or None when it is skipped.
    fn sort(&mut self, id: String, stage: Option<String>) -> Option<Target> {
        self.counts.read.fetch_add(1, Ordering::Relaxed);
        if validate_connection_id(&id).is_err() {
            self.counts.other_skipped.fetch_add(1, Ordering::Relaxed);
            self.skipped.invalid_id += 1;
            if self.skipped.invalid_ids.len() < INVALID_SHOWN {
                tracing::warn!(connection_id = %id, "not a connection id: skipped");
                self.skipped.invalid_ids.push(id);
            }
            return None;
        }
        if let Some(seen) = &mut self.seen {
            if !seen.insert(id.clone()) {
                return None;
            }
        }
        let route = match stage {
            None => 0,
            Some(s) => match self.routes.get(&s) {
                Some(&0) => 0,
                Some(&r) if self.all_stages => r,
                _ if self.all_stages => {
                    self.counts.other_skipped.fetch_add(1, Ordering::Relaxed);
                    self.skipped.unknown_stage += 1;
                    return None;
                }
                _ => {
                    self.counts.other_stage.fetch_add(1, Ordering::Relaxed);
                    self.skipped.other_stage += 1;
                    *self.skipped.by_stage.entry(s).or_default() += 1;
                    return None;
                }
            },
        };
        Some(Target::new(id, route))
    }
}

/// Reads target ids: one per line, or JSON lines from `sessions ls -o jsonl` or a broadcast report.
pub fn parse_targets(reader: impl BufRead, only: Option<Outcome>) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(super::io_err("cannot read the targets".into()))?;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (id, outcome) = if line.starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(line).map_err(|e| {
                Error::invalid(format!("targets line {}: not JSON: {e}", n + 1), "one id per line, or JSON lines")
            })?;
            let id = ["connection_id", "connectionId", "id"].iter().find_map(|k| v.get(*k).and_then(|x| x.as_str()));
            let id = id.ok_or_else(|| {
                Error::invalid(
                    format!("targets line {}: no connection_id", n + 1),
                    "JSON lines need a connection_id field",
                )
            })?;
            let outcome = v.get("outcome").and_then(|o| serde_json::from_value::<Outcome>(o.clone()).ok());
            (id.to_string(), outcome)
        } else {
            (line.to_string(), None)
        };
        if let Some(want) = only {
            if outcome != Some(want) {
                continue;
            }
        }
        validate_connection_id(&id)?;
        out.push(id);
    }
    Ok(out)
}

/// How reading the targets ended.
#[derive(Debug, Default)]
pub struct ReadEnd {
    pub skipped: Skipped,
    /// The table was not read to the end: the broadcast stopped first.
    pub stopped_early: bool,
    /// Reading failed part way (the targets read before were sent).
    pub error: Option<String>,
}

/// The targets as they are read: the channel the sender takes them from, and the task reading.
pub struct Reader {
    /// Route index -> stage.
    pub stages: Vec<String>,
    pub targets: mpsc::Receiver<Target>,
    /// Given ids: how many (the table's are counted as they are read, in `counts`).
    pub known_count: Option<u64>,
    pub counts: Arc<ReadCounts>,
    pub task: ReadTask,
}

/// The task reading the targets.
pub struct ReadTask(tokio::task::JoinHandle<ReadEnd>);

impl ReadTask {
    /// Waits for it: once the channel is drained or dropped, it ends.
    pub async fn finish(self) -> ReadEnd {
        self.0
            .await
            .unwrap_or_else(|e| ReadEnd { error: Some(format!("the reader failed: {e}")), ..ReadEnd::default() })
    }
}

/// Candidates from the table: (connection id, the stage its record names).
type Candidates = BoxStream<'static, Result<(String, Option<String>), Error>>;

/// A room's members with their stages; for memberships written before they named one, the
/// session records are read (100 to a call). A member without a record is stale: it goes to
/// this stage.
fn room_candidates(store: SessionStore, room: &str) -> Candidates {
    store
        .room_members_staged(room)
        .and_then(move |members| {
            let store = store.clone();
            async move {
                let unstaged: Vec<String> =
                    members.iter().filter(|m| m.stage.is_none()).map(|m| m.connection_id.clone()).collect();
                let mut stages: HashMap<String, Option<String>> = if unstaged.is_empty() {
                    HashMap::new()
                } else {
                    store.batch_get(unstaged).await?.into_iter().map(|s| (s.connection_id, s.stage)).collect()
                };
                let page: Vec<Result<(String, Option<String>), Error>> = members
                    .into_iter()
                    .map(|m| {
                        let stage = m.stage.or_else(|| stages.remove(&m.connection_id).flatten());
                        Ok((m.connection_id, stage))
                    })
                    .collect();
                Ok(stream::iter(page))
            }
        })
        .try_flatten()
        .boxed()
}

/// Sorts the table's candidates into the channel until they end, reading fails, the
/// broadcast stops (`stop`), or the sender is gone.
async fn feed(
    first: Option<(String, Option<String>)>,
    mut candidates: Candidates,
    mut sorter: Sorter,
    tx: mpsc::Sender<Target>,
    stop: Arc<AtomicBool>,
) -> ReadEnd {
    let mut end = ReadEnd::default();
    let mut next: Option<Result<(String, Option<String>), Error>> = first.map(Ok);
    while let Some(item) = next {
        match item {
            Ok((id, stage)) => {
                if let Some(t) = sorter.sort(id, stage) {
                    if tx.send(t).await.is_err() {
                        break;
                    }
                }
            }
            Err(e) => {
                end.error = Some(e.to_string());
                break;
            }
        }
        if stop.load(Ordering::Relaxed) {
            end.stopped_early = true;
            break;
        }
        next = candidates.next().await;
    }
    end.skipped = sorter.skipped;
    end
}

/// Checks `args` and starts reading their targets on `stage`. `api_stages`: the API's stages,
/// needed with `--all-stages`. `stop`: set when the broadcast stops (the table is then read no
/// further). A table that cannot be read at all is an error here, before anything is sent.
pub async fn read(
    args: &BroadcastArgs,
    store: Option<&SessionStore>,
    stage: &str,
    api_stages: Option<&HashSet<String>>,
    stop: Arc<AtomicBool>,
) -> Result<Reader, Error> {
    let chosen =
        [args.all, args.room.is_some(), args.user.is_some(), !args.connections.is_empty(), args.targets.is_some()]
            .iter()
            .filter(|b| **b)
            .count();
    if chosen != 1 {
        return Err(Error::invalid(
            "choose exactly one set of targets",
            "--all, --room R, --user U, --connection ID..., or --targets FILE (- for stdin)",
        ));
    }
    if args.only.is_some() && args.targets.is_none() {
        return Err(Error::invalid("--only works with --targets", "e.g. --targets last.jsonl --only failed"));
    }
    let from_table = args.all || args.room.is_some() || args.user.is_some();
    if args.all_stages && !from_table {
        return Err(Error::invalid(
            "--all-stages works with --all, --room or --user",
            "the stage of a connection is read from its record; given ids go to --stage",
        ));
    }
    let mut stages = vec![stage.to_string()];
    if let Some(all) = api_stages.filter(|_| args.all_stages) {
        let mut others: Vec<String> = all.iter().filter(|s| *s != stage).cloned().collect();
        others.sort();
        stages.extend(others);
    }
    let mut sorter = Sorter::new(&stages, args.all_stages, !from_table);
    let (tx, rx) = mpsc::channel(READ_AHEAD);
    if !from_table {
        let ids = if !args.connections.is_empty() {
            for c in &args.connections {
                validate_connection_id(c)?;
            }
            args.connections.clone()
        } else {
            let path = args.targets.clone().unwrap_or_default();
            if path.as_os_str() == "-" {
                parse_targets(std::io::stdin().lock(), args.only)?
            } else {
                let f = std::fs::File::open(&path).map_err(super::io_err(format!("cannot open {}", path.display())))?;
                parse_targets(std::io::BufReader::new(f), args.only)?
            }
        };
        // Given ids go to this stage, once each; all of them are fed, also after a stop, so
        // the report names every one.
        let targets: Vec<Target> = ids.into_iter().filter_map(|id| sorter.sort(id, None)).collect();
        let known_count = Some(targets.len() as u64);
        let counts = sorter.counts.clone();
        let task = tokio::spawn(async move {
            for t in targets {
                if tx.send(t).await.is_err() {
                    break;
                }
            }
            ReadEnd { skipped: sorter.skipped, ..ReadEnd::default() }
        });
        return Ok(Reader { stages, targets: rx, known_count, counts, task: ReadTask(task) });
    }
    let store = store.cloned().ok_or_else(|| {
        Error::invalid("no session table for this API", "pass --table, or provision the stack with `wsadm provision`")
    })?;
    let mut candidates: Candidates = if args.all {
        let segments = args.scan_segments.max(1);
        store.list_all(ScanOptions { segments, page_size: 1000 }).map_ok(|s| (s.connection_id, s.stage)).boxed()
    } else if let Some(room) = &args.room {
        room_candidates(store, room)
    } else {
        let user = args.user.clone().unwrap_or_default();
        store.list_by_user(&user).map_ok(|s| (s.connection_id, s.stage)).boxed()
    };
    // The first page here: a table that cannot be read is an error before anything is sent.
    let first = candidates.try_next().await?;
    let counts = sorter.counts.clone();
    let task = tokio::spawn(feed(first, candidates, sorter, tx, stop));
    Ok(Reader { stages, targets: rx, known_count: None, counts, task: ReadTask(task) })
}

impl Skipped {
    /// The summary's row about them, if any were skipped.
    pub fn row(&self) -> Option<(String, String)> {
        let mut parts = Vec::new();
        if self.other_stage > 0 {
            let stages: Vec<String> = self.by_stage.iter().map(|(s, n)| format!("{s}: {n}")).collect();
            parts.push(format!(
                "{} of other stages ({}; --all-stages sends them to their own)",
                self.other_stage,
                stages.join(", ")
            ));
        }
        if self.unknown_stage > 0 {
            parts.push(format!("{} of stages the API does not have", self.unknown_stage));
        }
        if self.invalid_id > 0 {
            let more = if self.invalid_id as usize > self.invalid_ids.len() { ", …" } else { "" };
            parts.push(format!(
                "{} invalid connection ids in the table, never sent ({}{more})",
                self.invalid_id,
                self.invalid_ids.join(", ")
            ));
        }
        (!parts.is_empty()).then(|| ("Skipped".to_string(), parts.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_from_ids_sessions_jsonl_and_reports() {
        let text = "# ids\nAbc=\n\n{\"connection_id\":\"Def=\",\"user_id\":\"u\"}\n{\"connection_id\":\"Ghi=\",\"outcome\":\"failed\",\"attempts\":5}\n{\"connection_id\":\"Jkl=\",\"outcome\":\"delivered\",\"attempts\":1}\n";
        assert_eq!(parse_targets(text.as_bytes(), None).unwrap(), vec!["Abc=", "Def=", "Ghi=", "Jkl="]);
        assert_eq!(parse_targets(text.as_bytes(), Some(Outcome::Failed)).unwrap(), vec!["Ghi="]);
        assert!(parse_targets("not an id!\n".as_bytes(), None).is_err());
        assert!(parse_targets("{\"x\":1}\n".as_bytes(), None).is_err());
    }

    fn sorted(all_stages: bool) -> (Vec<Option<Target>>, Skipped) {
        let stages: Vec<String> = ["prod", "dev"].map(String::from).into();
        let mut s = Sorter::new(&stages, all_stages, false);
        let out = [
            ("P1=", Some("prod")),
            ("D1=", Some("dev")),
            ("P2=", None),
            ("D2=", Some("dev")),
            ("O1=", Some("old")),
            ("bad id!", Some("prod")),
            ("a%3Db", None),
            ("", Some("dev")),
        ]
        .into_iter()
        .map(|(id, stage)| s.sort(id.to_string(), stage.map(String::from)))
        .collect();
        (out, s.skipped)
    }

    #[test]
    fn records_of_other_stages_are_skipped_and_counted() {
        let (t, skipped) = sorted(false);
        let sent: Vec<Target> = t.into_iter().flatten().collect();
        assert_eq!(sent, vec![Target::new("P1=", 0), Target::new("P2=", 0)]);
        assert_eq!((skipped.other_stage, skipped.unknown_stage), (3, 0));
        assert_eq!(skipped.by_stage, BTreeMap::from([("dev".to_string(), 2), ("old".to_string(), 1)]));
        assert_eq!(skipped.invalid_id, 3);
        assert_eq!(skipped.invalid_ids, vec!["bad id!", "a%3Db", ""]);
        let row = skipped.row().unwrap().1;
        assert!(row.contains("3 of other stages (dev: 2, old: 1;") && row.contains("3 invalid"), "{row}");
    }

    #[test]
    fn all_stages_sends_each_to_its_own_stage_and_skips_unknown_ones() {
        let (t, skipped) = sorted(true);
        let sent: Vec<Target> = t.into_iter().flatten().collect();
        assert_eq!(
            sent,
            vec![Target::new("P1=", 0), Target::new("D1=", 1), Target::new("P2=", 0), Target::new("D2=", 1)]
        );
        assert_eq!((skipped.other_stage, skipped.unknown_stage, skipped.invalid_id), (0, 1, 3));
    }

    #[test]
    fn given_ids_are_sent_once_each() {
        let mut s = Sorter::new(&["prod".to_string()], false, true);
        let sent: Vec<Target> = ["A=", "B=", "A="].iter().filter_map(|id| s.sort(id.to_string(), None)).collect();
        assert_eq!(sent, vec![Target::new("A=", 0), Target::new("B=", 0)]);
    }

    fn candidates(n: usize, fail_after: bool) -> Candidates {
        let ok = (0..n).map(|i| Ok((format!("c{i}="), Some("prod".to_string()))));
        let err = fail_after.then(|| Err(Error::invalid("Scan: throttled", "later")));
        stream::iter(ok.chain(err)).boxed()
    }

    #[tokio::test]
    async fn the_table_is_fed_as_read_and_a_failure_part_way_is_kept() {
        let (tx, mut rx) = mpsc::channel(READ_AHEAD);
        let stop = Arc::new(AtomicBool::new(false));
        let sorter = Sorter::new(&["prod".to_string()], false, false);
        let task = tokio::spawn(feed(Some(("first=".into(), None)), candidates(3000, true), sorter, tx, stop));
        // The first targets arrive while the rest are still to read (the channel holds 1,024).
        assert_eq!(rx.recv().await, Some(Target::new("first=", 0)));
        let mut n = 1;
        while rx.recv().await.is_some() {
            n += 1;
        }
        let end = task.await.unwrap();
        assert_eq!(n, 3001);
        assert!(end.error.unwrap().contains("Scan: throttled"));
        assert!(!end.stopped_early);
    }

    /// The counter follows the reader, not the sender: records are counted as they are read,
    /// before anything takes them from the channel, skipped ones included.
    #[tokio::test]
    async fn the_counter_counts_records_as_read_skipped_ones_included() {
        let (tx, mut rx) = mpsc::channel(READ_AHEAD);
        let stop = Arc::new(AtomicBool::new(false));
        let sorter = Sorter::new(&["prod".to_string()], false, false);
        let counts = sorter.counts.clone();
        let page: Vec<Result<(String, Option<String>), Error>> = vec![
            Ok(("P2=".into(), Some("prod".into()))),
            Ok(("D1=".into(), Some("dev".into()))),
            Ok(("D2=".into(), Some("dev".into()))),
            Ok(("not an id!".into(), Some("prod".into()))),
            Ok(("P3=".into(), None)),
        ];
        let first = Some(("P1=".to_string(), Some("prod".to_string())));
        let end = feed(first, stream::iter(page).boxed(), sorter, tx, stop).await;
        assert_eq!(counts.read.load(Ordering::Relaxed), 6, "nothing was taken from the channel yet");
        assert_eq!(counts.other_stage.load(Ordering::Relaxed), 2);
        assert_eq!(counts.other_skipped.load(Ordering::Relaxed), 1);
        assert_eq!(end.skipped.other_stage, 2);
        assert_eq!(counts.line(0), "6 read from the table (2 of other stages skipped, 1 other skipped), 0 sent");
        let mut queued = 0;
        while rx.recv().await.is_some() {
            queued += 1;
        }
        assert_eq!(queued, 3);
        let fresh = ReadCounts::default();
        fresh.read.store(5, Ordering::Relaxed);
        assert_eq!(fresh.line(4), "5 read from the table, 4 sent");
    }

    #[tokio::test]
    async fn a_stop_ends_the_table_read() {
        let (tx, mut rx) = mpsc::channel(READ_AHEAD);
        let stop = Arc::new(AtomicBool::new(false));
        let sorter = Sorter::new(&["prod".to_string()], false, false);
        let first = Some(("first=".to_string(), None));
        let task = tokio::spawn(feed(first, candidates(1_000_000, false), sorter, tx, stop.clone()));
        for _ in 0..10 {
            rx.recv().await.unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        let mut n = 10;
        while rx.recv().await.is_some() {
            n += 1;
        }
        let end = task.await.unwrap();
        assert!(end.stopped_early && end.error.is_none());
        assert!(n < 10 + READ_AHEAD + 2, "read {n} after the stop");
    }
}
