//! The on-disk cache of git registries: one bare clone per registry URL under
//! `<cache dir>/git/<key>.git` ([`super::url::cache_key`]), a lock file beside it
//! (`<key>.lock`), and a stamp inside it that says when it was last fetched.
//!
//! Clones are made in a temporary sibling (`.<key>.tmp-*`) and renamed into place, so a killed
//! clone never leaves a half-made entry under the real name. Processes coordinate through
//! `std::fs::File` locks on the lock file: exclusive while cloning or fetching, shared while
//! reading. Waiting for a lock is reported through a callback, never printed.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The stamp file inside a cache entry; its modification time is the last successful fetch.
const STAMP: &str = "pave-fetched";

/// Why the cache could not be used.
#[derive(Debug, thiserror::Error)]
#[error("pave's cache at {}: {source}", path.display())]
pub struct CacheError {
    /// The file or folder concerned.
    pub path: PathBuf,
    /// The cause.
    pub source: io::Error,
}

fn at(path: &Path) -> impl FnOnce(io::Error) -> CacheError + '_ {
    move |source| CacheError {
        path: path.to_path_buf(),
        source,
    }
}

/// The cache entry of one registry URL.
#[derive(Debug, Clone)]
pub struct CacheEntry {
    root: PathBuf,
    key: String,
}

impl CacheEntry {
    /// The entry for `url` under the cache directory `cache_dir`.
    pub fn new(cache_dir: &Path, url: &str) -> Self {
        CacheEntry {
            root: cache_dir.join("git"),
            key: super::url::cache_key(url),
        }
    }

    /// The bare repository.
    pub fn repo_dir(&self) -> PathBuf {
        self.root.join(format!("{}.git", self.key))
    }

    /// The lock file.
    pub fn lock_path(&self) -> PathBuf {
        self.root.join(format!("{}.lock", self.key))
    }

    /// Whether the entry's folder exists (it may still be damaged).
    pub fn exists(&self) -> bool {
        self.repo_dir().is_dir()
    }

    /// How long ago the entry was last fetched; `None` when it never was (or the stamp is gone).
    pub fn age(&self) -> Option<Duration> {
        let modified = std::fs::metadata(self.repo_dir().join(STAMP))
            .and_then(|m| m.modified())
            .ok()?;
        Some(
            SystemTime::now()
                .duration_since(modified)
                .unwrap_or(Duration::ZERO),
        )
    }

    /// Records a successful fetch into the repository at `dir` (the entry, or a clone
    /// about to become it).
    pub fn stamp(dir: &Path) -> Result<(), CacheError> {
        let path = dir.join(STAMP);
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        std::fs::write(&path, format!("{now}\n")).map_err(at(&path))?;
        let file = File::options().write(true).open(&path).map_err(at(&path))?;
        file.set_modified(SystemTime::now()).map_err(at(&path))
    }

    /// A new empty folder beside the entry for a clone, removed on drop unless installed.
    pub fn temp_sibling(&self) -> Result<tempfile::TempDir, CacheError> {
        std::fs::create_dir_all(&self.root).map_err(at(&self.root))?;
        tempfile::Builder::new()
            .prefix(&format!(".{}.tmp-", self.key))
            .tempdir_in(&self.root)
            .map_err(at(&self.root))
    }

    /// Moves a finished clone into place. Call with the exclusive lock held.
    pub fn install(&self, clone: tempfile::TempDir) -> Result<(), CacheError> {
        let target = self.repo_dir();
        self.remove_repo()?;
        let made = clone.keep();
        std::fs::rename(&made, &target).map_err(|source| {
            let _ = std::fs::remove_dir_all(&made);
            CacheError {
                path: target.clone(),
                source,
            }
        })
    }

    /// Removes the entry (damaged, or no longer wanted) and any clone a killed process left
    /// behind. Call with the exclusive lock held.
    pub fn discard(&self) -> Result<(), CacheError> {
        self.remove_repo()?;
        self.remove_leftovers();
        Ok(())
    }

    /// Removes the entry's repository folder.
    fn remove_repo(&self) -> Result<(), CacheError> {
        let target = self.repo_dir();
        if target.exists() {
            // Rename first so that a half-removed folder never sits under the real name.
            let trash = self
                .root
                .join(format!(".{}.trash-{}", self.key, std::process::id()));
            std::fs::rename(&target, &trash).map_err(at(&target))?;
            std::fs::remove_dir_all(&trash).map_err(at(&trash))?;
        }
        Ok(())
    }

    /// Removes temporary clones and trash of this key that a killed process left. Call with the
    /// exclusive lock held (no live process of this key has one then).
    pub fn remove_leftovers(&self) {
        let Ok(items) = std::fs::read_dir(&self.root) else {
            return;
        };
        let prefixes = [
            format!(".{}.tmp-", self.key),
            format!(".{}.trash-", self.key),
        ];
        for item in items.flatten() {
            let name = item.file_name();
            let name = name.to_string_lossy();
            if prefixes.iter().any(|p| name.starts_with(p.as_str())) {
                let _ = std::fs::remove_dir_all(item.path());
            }
        }
    }

    /// Opens the entry's lock file (creating the cache folder), unlocked.
    pub fn lock(&self) -> Result<EntryLock, CacheError> {
        std::fs::create_dir_all(&self.root).map_err(at(&self.root))?;
        let path = self.lock_path();
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(at(&path))?;
        Ok(EntryLock {
            file,
            path,
            held: Held::None,
        })
    }
}

/// Which lock a process holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// None.
    None,
    /// Shared: reading.
    Shared,
    /// Exclusive: cloning or fetching.
    Exclusive,
}

/// The lock file of a cache entry. Dropping it releases the lock.
#[derive(Debug)]
pub struct EntryLock {
    file: File,
    path: PathBuf,
    held: Held,
}

impl EntryLock {
    /// What is held now.
    pub fn held(&self) -> Held {
        self.held
    }

    /// Takes the shared lock (releasing an exclusive one first). `on_wait` is called once if
    /// another process holds the lock and this one has to wait.
    pub fn shared(&mut self, on_wait: &mut dyn FnMut()) -> Result<(), CacheError> {
        self.take(Held::Shared, on_wait)
    }

    /// Takes the exclusive lock (releasing a shared one first), like [`Self::shared`].
    pub fn exclusive(&mut self, on_wait: &mut dyn FnMut()) -> Result<(), CacheError> {
        self.take(Held::Exclusive, on_wait)
    }

    fn take(&mut self, want: Held, on_wait: &mut dyn FnMut()) -> Result<(), CacheError> {
        if self.held == want {
            return Ok(());
        }
        if self.held != Held::None {
            self.file.unlock().map_err(at(&self.path))?;
            self.held = Held::None;
        }
        let attempt = match want {
            Held::Exclusive => self.file.try_lock(),
            _ => self.file.try_lock_shared(),
        };
        match attempt {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                on_wait();
                match want {
                    Held::Exclusive => self.file.lock(),
                    _ => self.file.lock_shared(),
                }
                .map_err(at(&self.path))?;
            }
            Err(TryLockError::Error(e)) => return Err(at(&self.path)(e)),
        }
        self.held = want;
        Ok(())
    }
}

impl crate::error::Classify for CacheError {
    fn kind(&self) -> crate::error::ErrorKind {
        crate::error::ErrorKind::Failure
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_keyed_without_credentials() {
        let dir = tempfile::tempdir().unwrap();
        let a = CacheEntry::new(dir.path(), "https://u:secret@host/x.git");
        let b = CacheEntry::new(dir.path(), "https://host/x.git");
        assert_eq!(a.repo_dir(), b.repo_dir());
        assert!(!a.repo_dir().display().to_string().contains("secret"));
    }

    #[test]
    fn install_discard_and_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let entry = CacheEntry::new(dir.path(), "file:///srv/reg.git");
        assert!(!entry.exists());
        assert!(entry.age().is_none());
        let tmp = entry.temp_sibling().unwrap();
        CacheEntry::stamp(tmp.path()).unwrap();
        entry.install(tmp).unwrap();
        assert!(entry.exists());
        assert!(entry.age().unwrap() < Duration::from_secs(60));
        // A leftover from a killed clone is cleaned up by discard.
        let leftover = entry.temp_sibling().unwrap().keep();
        entry.discard().unwrap();
        assert!(!entry.exists());
        assert!(!leftover.exists());
    }

    #[test]
    fn exclusive_waits_for_shared_and_reports_it() {
        let dir = tempfile::tempdir().unwrap();
        let entry = CacheEntry::new(dir.path(), "file:///srv/reg.git");
        let mut reader = entry.lock().unwrap();
        reader.shared(&mut || {}).unwrap();
        let mut second_reader = entry.lock().unwrap();
        let mut waited = false;
        second_reader.shared(&mut || waited = true).unwrap();
        assert!(!waited, "shared locks do not exclude each other");
        drop(second_reader);
        let writer_entry = entry.clone();
        let handle = std::thread::spawn(move || {
            let mut writer = writer_entry.lock().unwrap();
            let mut waited = false;
            writer.exclusive(&mut || waited = true).unwrap();
            waited
        });
        std::thread::sleep(Duration::from_millis(200));
        drop(reader);
        assert!(handle.join().unwrap(), "the writer had to wait");
    }
}
