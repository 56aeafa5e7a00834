//! Who a broadcast goes to: the connections of the table (`--all`, `--room`, `--user`) sorted
//! by the stage each record names, or the ids given (`--connection`, `--targets`).
//!
//! One table may serve several stages (the handlers record each connection's `stage`). A
//! record of another stage is skipped and counted: posted to this stage's endpoint it would
//! answer 410, and its live record would be removed. `--all-stages` sends it to its own
//! stage's endpoint instead (a stage the API no longer has is skipped and counted). A record
//! without a stage (written before stages were recorded) goes to this stage. Ids read from
//! the table are validated like ids from files; an invalid one is counted, named in the
//! summary, and never sent.

use super::BroadcastArgs;
use futures::TryStreamExt;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;
use wsadm_core::broadcast::Outcome;
use wsadm_core::connections::validate_connection_id;
use wsadm_core::store::{ScanOptions, SessionStore};
use wsadm_core::Error;

/// Invalid ids named in the summary (the rest are counted).
const INVALID_SHOWN: usize = 20;

/// The targets, by the stage they are sent to, and what was left out.
#[derive(Debug, Default)]
pub struct Targets {
    /// This stage first, then the others (`--all-stages`), each with its ids.
    pub by_stage: Vec<(String, Vec<String>)>,
    pub skipped: Skipped,
}

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

impl Targets {
    pub fn count(&self) -> usize {
        self.by_stage.iter().map(|(_, ids)| ids.len()).sum()
    }
}

/// Sorts candidates into [`Targets`]: one target per connection, whatever lists it twice.
struct Sorter<'a> {
    stage: &'a str,
    /// With `--all-stages`: the API's stages.
    all_stages: Option<&'a HashSet<String>>,
    seen: HashSet<String>,
    by_stage: BTreeMap<String, Vec<String>>,
    here: Vec<String>,
    skipped: Skipped,
}

impl<'a> Sorter<'a> {
    fn new(stage: &'a str, all_stages: Option<&'a HashSet<String>>) -> Self {
        Sorter {
            stage,
            all_stages,
            seen: HashSet::new(),
            by_stage: BTreeMap::new(),
            here: Vec::new(),
            skipped: Skipped::default(),
        }
    }

    /// A connection read from the table, with the stage its record names (None: no record, or
    /// a record without a stage).
    fn add(&mut self, id: String, stage: Option<String>) {
        if validate_connection_id(&id).is_err() {
            self.skipped.invalid_id += 1;
            if self.skipped.invalid_ids.len() < INVALID_SHOWN {
                tracing::warn!(connection_id = %id, "not a connection id: skipped");
                self.skipped.invalid_ids.push(id);
            }
            return;
        }
        if !self.seen.insert(id.clone()) {
            return;
        }
        match stage {
            None => self.here.push(id),
            Some(s) if s == self.stage => self.here.push(id),
            Some(s) => match self.all_stages {
                Some(known) if known.contains(&s) => self.by_stage.entry(s).or_default().push(id),
                Some(_) => self.skipped.unknown_stage += 1,
                None => {
                    self.skipped.other_stage += 1;
                    *self.skipped.by_stage.entry(s).or_default() += 1;
                }
            },
        }
    }

    fn finish(self) -> Targets {
        let mut by_stage = vec![(self.stage.to_string(), self.here)];
        by_stage.extend(self.by_stage);
        Targets { by_stage, skipped: self.skipped }
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

/// The targets of `args` on `stage`. `api_stages`: the API's stages, needed with `--all-stages`.
pub async fn resolve(
    args: &BroadcastArgs,
    store: Option<&SessionStore>,
    stage: &str,
    api_stages: Option<&HashSet<String>>,
) -> Result<Targets, Error> {
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
    let need_store = || {
        store.ok_or_else(|| {
            Error::invalid(
                "no session table for this API",
                "pass --table, or provision the stack with `wsadm provision`",
            )
        })
    };
    let mut sorter = Sorter::new(stage, api_stages.filter(|_| args.all_stages));
    if args.all {
        let segments = args.scan_segments.max(1);
        let mut sessions = need_store()?.list_all(ScanOptions { segments, page_size: 1000 });
        while let Some(s) = sessions.try_next().await? {
            sorter.add(s.connection_id, s.stage);
        }
    } else if let Some(room) = &args.room {
        let store = need_store()?;
        let mut pages = store.room_members_staged(room);
        while let Some(members) = pages.try_next().await? {
            // A membership names its stage; for older ones, read the session records (100 to a
            // call). A member without a record is stale: it goes to this stage.
            let unstaged: Vec<String> =
                members.iter().filter(|m| m.stage.is_none()).map(|m| m.connection_id.clone()).collect();
            let mut stages: HashMap<String, Option<String>> = if unstaged.is_empty() {
                HashMap::new()
            } else {
                store.batch_get(unstaged).await?.into_iter().map(|s| (s.connection_id, s.stage)).collect()
            };
            for m in members {
                let stage = m.stage.or_else(|| stages.remove(&m.connection_id).flatten());
                sorter.add(m.connection_id, stage);
            }
        }
    } else if let Some(user) = &args.user {
        let mut sessions = need_store()?.list_by_user(user);
        while let Some(s) = sessions.try_next().await? {
            sorter.add(s.connection_id, s.stage);
        }
    } else {
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
        // Given ids go to this stage (already validated: a bad one is a usage error).
        for id in ids {
            sorter.add(id, None);
        }
    }
    Ok(sorter.finish())
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

    fn sorted(all_stages: Option<&HashSet<String>>) -> Targets {
        let mut s = Sorter::new("prod", all_stages);
        for (id, stage) in [
            ("P1=", Some("prod")),
            ("D1=", Some("dev")),
            ("P2=", None),
            ("D2=", Some("dev")),
            ("O1=", Some("old")),
            ("P1=", Some("prod")),
            ("bad id!", Some("prod")),
            ("a%3Db", None),
            ("", Some("dev")),
        ] {
            s.add(id.to_string(), stage.map(String::from));
        }
        s.finish()
    }

    #[test]
    fn records_of_other_stages_are_skipped_and_counted() {
        let t = sorted(None);
        assert_eq!(t.by_stage, vec![("prod".to_string(), vec!["P1=".to_string(), "P2=".to_string()])]);
        assert_eq!((t.skipped.other_stage, t.skipped.unknown_stage), (3, 0));
        assert_eq!(t.skipped.by_stage, BTreeMap::from([("dev".to_string(), 2), ("old".to_string(), 1)]));
        assert_eq!(t.skipped.invalid_id, 3);
        assert_eq!(t.skipped.invalid_ids, vec!["bad id!", "a%3Db", ""]);
        assert_eq!(t.count(), 2, "once each, the invalid never");
        let row = t.skipped.row().unwrap().1;
        assert!(row.contains("3 of other stages (dev: 2, old: 1;") && row.contains("3 invalid"), "{row}");
    }

    #[test]
    fn all_stages_sends_each_to_its_own_stage_and_skips_unknown_ones() {
        let known: HashSet<String> = ["prod", "dev"].map(String::from).into();
        let t = sorted(Some(&known));
        assert_eq!(
            t.by_stage,
            vec![
                ("prod".to_string(), vec!["P1=".to_string(), "P2=".to_string()]),
                ("dev".to_string(), vec!["D1=".to_string(), "D2=".to_string()]),
            ]
        );
        assert_eq!((t.skipped.other_stage, t.skipped.unknown_stage, t.skipped.invalid_id), (0, 1, 3));
    }
}
