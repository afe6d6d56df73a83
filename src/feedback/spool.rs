//! The local spool: every item waits here, one file per item (`<id>.json`, written
//! atomically), from the moment it is submitted until a sink confirmed it; the last failure
//! to send it is kept beside it (`<id>.failure.json`). [`Spool::flush`] sends what waits and
//! removes an item only after its sink confirmed it; concurrent flushes are serialised by a
//! lock file (and a resend is harmless anyway: sinks key items by id). [`SentLog`] keeps the
//! ids a submitter sent, per project, so `update`/`outdated` can show which of a newer
//! version's addressed items are theirs. Everything lives in the XDG state folder
//! (`$XDG_STATE_HOME/pave`) or `PAVE_STATE_DIR`.

use super::item::{self, Item, Kind};
use super::sink::{FeedbackSink, Sent, SinkError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Environment variable that overrides the state folder.
pub const STATE_ENV: &str = "PAVE_STATE_DIR";

/// Why the spool or the sent log cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    /// Reading or writing failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// No home directory for the state folder.
    #[error("cannot find the home directory for pave's state folder; set HOME or PAVE_STATE_DIR")]
    NoHome,
    /// A file of the spool or log is not what pave wrote.
    #[error("{}: not a feedback file pave can read: {reason}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SpoolError + '_ {
    move |source| SpoolError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Takes the exclusive lock of the file at `path` (made when missing, with its folder), held
/// until the file is dropped.
fn lock_file(path: &Path) -> Result<std::fs::File, SpoolError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(io(path))?;
    lock.lock().map_err(io(path))?;
    Ok(lock)
}

/// Where pave keeps its state: `PAVE_STATE_DIR`, else `<XDG state dir>/pave` (on systems
/// without a state folder, the data folder).
pub fn state_dir() -> Result<PathBuf, SpoolError> {
    if let Some(path) = std::env::var_os(STATE_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let base = etcetera::choose_base_strategy().map_err(|_| SpoolError::NoHome)?;
    let dir = etcetera::BaseStrategy::state_dir(&base)
        .unwrap_or_else(|| etcetera::BaseStrategy::data_dir(&base));
    Ok(dir.join("pave"))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, flushed to disk,
/// then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SpoolError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".pave-tmp-")
        .tempfile_in(&dir)
        .map_err(io(&dir))?;
    tmp.write_all(bytes).map_err(io(path))?;
    tmp.as_file().sync_all().map_err(io(path))?;
    tmp.persist(path).map_err(|e| io(path)(e.error))?;
    // Make the rename itself durable; not every file system lets a folder be synced.
    if let Ok(folder) = std::fs::File::open(&dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// The last failure to send an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// What went wrong (no credentials).
    pub reason: String,
    /// Whether a later send may succeed without a change (`false`: the sink refused it).
    pub retry: bool,
    /// When (RFC 3339, UTC).
    pub at: String,
}

/// An item waiting in the spool.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiting {
    /// The item.
    pub item: Item,
    /// Why the last send failed; none when it was never tried.
    pub failure: Option<Failure>,
}

/// What waits in the spool.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpoolStatus {
    /// Items, oldest first.
    pub waiting: Vec<Waiting>,
    /// Files of the spool that cannot be read (left untouched), with why.
    pub unreadable: Vec<(PathBuf, String)>,
}

/// Which items a flush tries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlushScope {
    /// Every item, refused ones too (`pave feedback flush`).
    All,
    /// Items not refused by their sink (the flush after a `submit`).
    Retryable,
}

/// What happened to one item in a flush.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The item's id.
    pub id: String,
    /// The sink's answer.
    pub result: Result<Sent, SinkError>,
}

/// The spool folder.
#[derive(Debug, Clone)]
pub struct Spool {
    dir: PathBuf,
}

impl Spool {
    /// The spool under a state folder (`<state>/spool`).
    pub fn in_state(state: &Path) -> Self {
        Spool {
            dir: state.join("spool"),
        }
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn item_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    fn failure_path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.failure.json"))
    }

    /// Keeps `item` until a sink confirms it.
    pub fn put(&self, item: &Item) -> Result<(), SpoolError> {
        write_json(&self.item_path(&item.id), item)
    }

    /// Records why sending `id` failed.
    pub fn mark(&self, id: &str, failure: &Failure) -> Result<(), SpoolError> {
        write_json(&self.failure_path(id), failure)
    }

    /// Removes a confirmed item and its failure.
    pub fn remove(&self, id: &str) -> Result<(), SpoolError> {
        for path in [self.item_path(id), self.failure_path(id)] {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(&path)(e)),
            }
        }
        Ok(())
    }

    /// What waits, oldest first, and what cannot be read.
    pub fn status(&self) -> Result<SpoolStatus, SpoolError> {
        let mut status = SpoolStatus::default();
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(status),
            Err(e) => return Err(io(&self.dir)(e)),
        };
        let mut ids = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io(&self.dir))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(id) = name.strip_suffix(".json")
                && item::is_id(id)
            {
                ids.push(id.to_string());
            }
        }
        ids.sort();
        for id in ids {
            let path = self.item_path(&id);
            let item: Item = match read_json(&path) {
                Ok(Some(item)) => item,
                Ok(None) => continue,
                Err(e) => {
                    status.unreadable.push((path, e.to_string()));
                    continue;
                }
            };
            let failure = read_json::<Failure>(&self.failure_path(&id)).unwrap_or(None);
            status.waiting.push(Waiting { item, failure });
        }
        Ok(status)
    }

    /// Sends each waiting item (in `scope`, oldest first) to the sink `sink_for` gives for it;
    /// an item leaves the spool only after its sink confirmed it, and its id is then recorded
    /// in `sent`. A failure is recorded beside the item and the flush goes on.
    pub fn flush<'s>(
        &self,
        scope: FlushScope,
        sent: &SentLog,
        mut sink_for: impl FnMut(&Item) -> Result<Box<dyn FeedbackSink + 's>, SinkError>,
    ) -> Result<Vec<Outcome>, SpoolError> {
        let _lock = lock_file(&self.dir.join(".lock"))?;
        let mut outcomes = Vec::new();
        for waiting in self.status()?.waiting {
            if scope == FlushScope::Retryable && waiting.failure.as_ref().is_some_and(|f| !f.retry)
            {
                continue;
            }
            // Another process may have sent it while this one waited for the lock.
            if !self.item_path(&waiting.item.id).exists() {
                continue;
            }
            let result = sink_for(&waiting.item).and_then(|sink| sink.send(&waiting.item));
            match &result {
                Ok(_) => {
                    sent.record(&waiting.item)?;
                    self.remove(&waiting.item.id)?;
                }
                Err(e) => {
                    let failure = Failure {
                        reason: e.reason().to_string(),
                        retry: e.retry_later(),
                        at: item::now_rfc3339(),
                    };
                    self.mark(&waiting.item.id, &failure)?;
                }
            }
            outcomes.push(Outcome {
                id: waiting.item.id,
                result,
            });
        }
        Ok(outcomes)
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, SpoolError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(path)(e)),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| SpoolError::Corrupt {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
}

/// Writes `value` to `path` as pretty JSON, atomically.
fn write_json(path: &Path, value: &impl Serialize) -> Result<(), SpoolError> {
    let bytes = serde_json::to_vec_pretty(value).map_err(|e| SpoolError::Corrupt {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    write_atomic(path, &bytes)
}

/// One item a submitter sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentRecord {
    /// The item's id.
    pub id: String,
    /// Its kind.
    pub kind: Kind,
    /// The blueprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blueprint: Option<String>,
    /// The version it was about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<semver::Version>,
    /// The message's first line.
    pub summary: String,
    /// When the sink confirmed it.
    pub sent: String,
}

/// The ids a submitter sent, per project (`<state>/sent.json`, keyed by registry and project
/// name).
#[derive(Debug, Clone)]
pub struct SentLog {
    path: PathBuf,
}

impl SentLog {
    /// The log under a state folder.
    pub fn in_state(state: &Path) -> Self {
        SentLog {
            path: state.join("sent.json"),
        }
    }

    /// The key of a project: its registry and name.
    pub fn key(registry: Option<&str>, project: Option<&str>) -> String {
        format!("{} {}", registry.unwrap_or("-"), project.unwrap_or("-"))
    }

    fn load(&self) -> Result<BTreeMap<String, Vec<SentRecord>>, SpoolError> {
        Ok(read_json(&self.path)?.unwrap_or_default())
    }

    /// Records that `item` was sent.
    pub fn record(&self, item: &Item) -> Result<(), SpoolError> {
        let _lock = lock_file(&self.path.with_extension("lock"))?;
        let mut all = self.load()?;
        let list = all
            .entry(Self::key(item.registry.as_deref(), item.project.as_deref()))
            .or_default();
        if !list.iter().any(|r| r.id == item.id) {
            list.push(SentRecord {
                id: item.id.clone(),
                kind: item.kind,
                blueprint: item.blueprint.clone(),
                version: item.version.clone(),
                summary: item.summary(120),
                sent: item::now_rfc3339(),
            });
        }
        write_json(&self.path, &all)
    }

    /// What was sent for a project, oldest first.
    pub fn for_project(
        &self,
        registry: Option<&str>,
        project: Option<&str>,
    ) -> Result<Vec<SentRecord>, SpoolError> {
        Ok(self
            .load()?
            .remove(&Self::key(registry, project))
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::item::Status;
    use std::cell::RefCell;

    fn item(n: u64) -> Item {
        Item {
            id: item::id_from(n, [7; 10]),
            kind: Kind::Bug,
            rating: Some(3),
            message: format!("item {n}"),
            blueprint: Some("bp".into()),
            version: Some(semver::Version::new(1, 0, 0)),
            registry: Some("builtin".into()),
            project: Some("demo".into()),
            author: None,
            created: item::rfc3339(n),
            pave_version: "0".into(),
            diff: None,
            diff_truncated: false,
            answers: None,
            project_remote: None,
            status: Status::Open,
            addressed_in: None,
            history: vec![],
        }
    }

    struct Scripted<'a>(
        &'a RefCell<Vec<Result<(), SinkError>>>,
        &'a RefCell<Vec<String>>,
    );

    impl FeedbackSink for Scripted<'_> {
        fn send(&self, item: &Item) -> Result<Sent, SinkError> {
            self.1.borrow_mut().push(item.id.clone());
            self.0
                .borrow_mut()
                .remove(0)
                .map(|()| Sent { to: "t".into() })
        }
        fn describe(&self) -> String {
            "t".into()
        }
    }

    #[test]
    fn only_confirmed_items_leave_and_failures_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::in_state(dir.path());
        let log = SentLog::in_state(dir.path());
        for n in [3, 1, 2] {
            spool.put(&item(n)).unwrap();
        }
        let answers = RefCell::new(vec![
            Ok(()),
            Err(SinkError::Unavailable("503".into())),
            Err(SinkError::Refused("400 bad".into())),
        ]);
        let seen = RefCell::new(vec![]);
        let out = spool
            .flush(FlushScope::All, &log, |_| {
                Ok(Box::new(Scripted(&answers, &seen)))
            })
            .unwrap();
        assert_eq!(out.len(), 3);
        assert_eq!(*seen.borrow(), vec![item(1).id, item(2).id, item(3).id]);
        let status = spool.status().unwrap();
        assert_eq!(status.waiting.len(), 2);
        assert_eq!(status.waiting[0].item, item(2));
        assert!(status.waiting[0].failure.as_ref().unwrap().retry);
        assert!(!status.waiting[1].failure.as_ref().unwrap().retry);
        let sent = log.for_project(Some("builtin"), Some("demo")).unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].id, item(1).id);

        // A submit's flush skips the refused item; `flush` tries it again.
        let answers = RefCell::new(vec![Ok(())]);
        let seen = RefCell::new(vec![]);
        spool
            .flush(FlushScope::Retryable, &log, |_| {
                Ok(Box::new(Scripted(&answers, &seen)))
            })
            .unwrap();
        assert_eq!(*seen.borrow(), vec![item(2).id]);
        assert_eq!(spool.status().unwrap().waiting.len(), 1);
    }

    #[test]
    fn unreadable_files_are_reported_not_lost() {
        let dir = tempfile::tempdir().unwrap();
        let spool = Spool::in_state(dir.path());
        spool.put(&item(1)).unwrap();
        let bad = spool
            .dir()
            .join(format!("{}.json", item::id_from(9, [1; 10])));
        std::fs::write(&bad, "{not json").unwrap();
        let status = spool.status().unwrap();
        assert_eq!(status.waiting.len(), 1);
        assert_eq!(status.unreadable.len(), 1);
        assert!(bad.exists());
    }
}
