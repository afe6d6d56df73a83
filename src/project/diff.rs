//! `pave diff` as a library: what differs between two trees, file by file, with unified-diff
//! hunks ([`diff_trees`]), and the two comparisons the command makes: the project on disk
//! against the pristine render of its recorded version and answers ([`project_diff`]), and the
//! blueprint's own change between the recorded version and a target one, both rendered with
//! the project's answers ([`blueprint_change`]). The result, [`ProjectDiff`], renders itself
//! as a git-style patch ([`ProjectDiff::unified`]) or per-file counts ([`ProjectDiff::stat`]);
//! nothing here prints. A diff that leaves the machine (`pave feedback submit --include-diff`)
//! asks [`project_diff`] to leave secrets out: secret answers are never recorded, so they
//! render as a placeholder, and every file that renders one is left out on both sides and
//! named instead, so a secret on disk never reaches the diff. Both comparisons can be limited
//! to some of the project's paths ([`project_paths`] turns the command line's paths, relative
//! to the current folder, into the project's own).

use super::pristine::{self, PristineError};
use super::tree::{self, WalkError};
use crate::blueprint::{Entry, FileTree, changed, is_binary};
use crate::error::{Classify, ErrorKind};
use crate::manifest::ParamType;
use crate::registry::{Registries, RegistryError};
use serde::Serialize;
use serde_json::{Map, Value};
use similar::{ChangeTag, TextDiff};
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

/// Lines of context around each change, as `git diff` shows.
pub const CONTEXT_LINES: usize = 3;

/// How a file differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Only on the new side (a file the project added; a file the target version adds).
    Added,
    /// Only on the old side (a file the project deleted; a file the target version drops).
    Removed,
    /// On both sides, with other contents or another mode.
    Modified,
}

impl Status {
    /// The lower-case name used in listings and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Modified => "modified",
        }
    }
}

/// A file's kind, as git writes it in a patch header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A regular file (`100644`).
    Regular,
    /// An executable file (`100755`).
    Executable,
    /// A symbolic link (`120000`).
    Symlink,
}

impl Mode {
    /// The mode of an entry.
    pub fn of(entry: &Entry) -> Self {
        match entry {
            Entry::File {
                executable: true, ..
            } => Mode::Executable,
            Entry::File { .. } => Mode::Regular,
            Entry::Symlink { .. } => Mode::Symlink,
        }
    }

    /// The octal form git uses.
    pub fn octal(self) -> &'static str {
        match self {
            Mode::Regular => "100644",
            Mode::Executable => "100755",
            Mode::Symlink => "120000",
        }
    }
}

/// One hunk of a unified diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hunk {
    /// First line of the old side (1-based; the line before the hunk when it holds none).
    pub old_start: usize,
    /// Lines of the old side.
    pub old_lines: usize,
    /// First line of the new side (as `old_start`).
    pub new_start: usize,
    /// Lines of the new side.
    pub new_lines: usize,
    /// The lines without their line end, each starting with ` `, `-` or `+`; a line missing
    /// its final newline is followed by `\ No newline at end of file`.
    pub lines: Vec<String>,
}

impl Hunk {
    /// The `@@ -a,b +c,d @@` line.
    pub fn header(&self) -> String {
        format!(
            "@@ -{} +{} @@",
            range(self.old_start, self.old_lines),
            range(self.new_start, self.new_lines)
        )
    }
}

/// `start,len` as unified diffs write it (`,1` left out).
fn range(start: usize, len: usize) -> String {
    if len == 1 {
        start.to_string()
    } else {
        format!("{start},{len}")
    }
}

/// How one file differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileDiff {
    /// Path relative to the project, `/`-separated.
    pub path: String,
    /// Added, removed or modified.
    pub status: Status,
    /// The old side's mode (none when added).
    pub old_mode: Option<Mode>,
    /// The new side's mode (none when removed).
    pub new_mode: Option<Mode>,
    /// Whether either side is binary (a NUL in its first 8 KiB, or not UTF-8): no hunks then.
    pub binary: bool,
    /// Lines added.
    pub insertions: usize,
    /// Lines removed.
    pub deletions: usize,
    /// The hunks (empty for binary files and mode-only changes).
    pub hunks: Vec<Hunk>,
}

impl FileDiff {
    /// Whether only the mode changed (the executable bit), not the contents.
    pub fn mode_only(&self) -> bool {
        self.status == Status::Modified && !self.binary && self.hunks.is_empty()
    }
}

/// What differs between two trees: the old side (the pristine render, or the recorded version)
/// and the new side (the project, or the target version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectDiff {
    /// What the old side is, in words (`orders-api 1.0.0, pristine render`).
    pub old: String,
    /// What the new side is, in words (`the project`, `orders-api 1.1.0`).
    pub new: String,
    /// Each file that differs, sorted by path.
    pub files: Vec<FileDiff>,
    /// Files left out of the comparison because they render a secret answer (only with
    /// [`ProjectDiffOptions::leave_out_secrets`]), sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left_out: Vec<String>,
}

impl ProjectDiff {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The difference as a git-style patch (`diff --git a/x b/x`, mode lines, `---`/`+++`,
    /// hunks; `Binary files ... differ` for binary files), which `git apply` takes.
    pub fn unified(&self) -> String {
        let mut out = String::new();
        for file in &self.files {
            write_file(&mut out, file);
        }
        out
    }

    /// Per-file counts in the shape of `git diff --stat`, and a summary line.
    pub fn stat(&self) -> String {
        let width = self.files.iter().map(|f| f.path.len()).max().unwrap_or(0);
        let mut out = String::new();
        let (mut ins, mut del) = (0, 0);
        for file in &self.files {
            ins += file.insertions;
            del += file.deletions;
            let counts = if file.binary {
                String::from("Bin")
            } else if file.mode_only() {
                format!(
                    "0 (mode {} => {})",
                    file.old_mode.map_or("", Mode::octal),
                    file.new_mode.map_or("", Mode::octal)
                )
            } else {
                format!(
                    "{} {}{}",
                    file.insertions + file.deletions,
                    "+".repeat(file.insertions.min(40)),
                    "-".repeat(file.deletions.min(40))
                )
            };
            let _ = writeln!(out, " {:<width$} | {counts}", file.path);
        }
        let n = self.files.len();
        let _ = writeln!(
            out,
            " {n} file{} changed, {ins} insertion{}(+), {del} deletion{}(-)",
            plural(n),
            plural(ins),
            plural(del)
        );
        out
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn write_file(out: &mut String, file: &FileDiff) {
    let p = &file.path;
    let _ = writeln!(out, "diff --git a/{p} b/{p}");
    match (file.old_mode, file.new_mode) {
        (None, Some(new)) => {
            let _ = writeln!(out, "new file mode {}", new.octal());
        }
        (Some(old), None) => {
            let _ = writeln!(out, "deleted file mode {}", old.octal());
        }
        (Some(old), Some(new)) if old != new => {
            let _ = writeln!(out, "old mode {}\nnew mode {}", old.octal(), new.octal());
        }
        _ => {}
    }
    let old_name = match file.status {
        Status::Added => String::from("/dev/null"),
        _ => format!("a/{p}"),
    };
    let new_name = match file.status {
        Status::Removed => String::from("/dev/null"),
        _ => format!("b/{p}"),
    };
    if file.binary {
        let _ = writeln!(out, "Binary files {old_name} and {new_name} differ");
        return;
    }
    if file.hunks.is_empty() {
        return;
    }
    let _ = writeln!(out, "--- {old_name}\n+++ {new_name}");
    for hunk in &file.hunks {
        let _ = writeln!(out, "{}", hunk.header());
        for line in &hunk.lines {
            let _ = writeln!(out, "{line}");
        }
    }
}

/// The paths that differ between `old` and `new`, with how, sorted; no contents are diffed.
/// This is what `outdated` counts as drift.
pub fn changed_paths(old: &FileTree, new: &FileTree) -> Vec<(String, Status)> {
    let mut out: Vec<(String, Status)> = changed(old, new)
        .map(|(path, entry)| {
            let status = match entry {
                None => Status::Removed,
                Some(_) if old.contains_key(path) => Status::Modified,
                Some(_) => Status::Added,
            };
            (path.clone(), status)
        })
        .collect();
    out.sort();
    out
}

/// Every file that differs between `old` and `new`, with its hunks.
pub fn diff_trees(old: &FileTree, new: &FileTree, old_label: &str, new_label: &str) -> ProjectDiff {
    let files = changed_paths(old, new)
        .into_iter()
        .map(|(path, status)| {
            let (a, b) = (old.get(&path), new.get(&path));
            diff_file(path, status, a, b)
        })
        .collect();
    ProjectDiff {
        old: old_label.to_string(),
        new: new_label.to_string(),
        files,
        left_out: Vec::new(),
    }
}

fn diff_file(path: String, status: Status, old: Option<&Entry>, new: Option<&Entry>) -> FileDiff {
    let empty: &[u8] = &[];
    let a = old.map_or(empty, Entry::bytes);
    let b = new.map_or(empty, Entry::bytes);
    let texts = match (std::str::from_utf8(a), std::str::from_utf8(b)) {
        (Ok(a), Ok(b)) if !is_binary(a.as_bytes()) && !is_binary(b.as_bytes()) => Some((a, b)),
        _ => None,
    };
    let mut file = FileDiff {
        path,
        status,
        old_mode: old.map(Mode::of),
        new_mode: new.map(Mode::of),
        binary: texts.is_none(),
        insertions: 0,
        deletions: 0,
        hunks: Vec::new(),
    };
    if let Some((a, b)) = texts {
        file.hunks = hunks(a, b, &mut file.insertions, &mut file.deletions);
    }
    file
}

fn hunks(a: &str, b: &str, insertions: &mut usize, deletions: &mut usize) -> Vec<Hunk> {
    let diff = TextDiff::from_lines(a, b);
    let mut out = Vec::new();
    for group in diff.grouped_ops(CONTEXT_LINES) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old = first.old_range().start..last.old_range().end;
        let new = first.new_range().start..last.new_range().end;
        let mut lines = Vec::new();
        for op in &group {
            for change in diff.iter_changes(op) {
                let prefix = match change.tag() {
                    ChangeTag::Equal => ' ',
                    ChangeTag::Delete => {
                        *deletions += 1;
                        '-'
                    }
                    ChangeTag::Insert => {
                        *insertions += 1;
                        '+'
                    }
                };
                let value = change.value();
                match value.strip_suffix('\n') {
                    Some(line) => lines.push(format!("{prefix}{line}")),
                    None => {
                        lines.push(format!("{prefix}{value}"));
                        lines.push(String::from("\\ No newline at end of file"));
                    }
                }
            }
        }
        // 1-based starts; a side with no lines names the line before it (0 at the top).
        let start = |r: &std::ops::Range<usize>| if r.is_empty() { r.start } else { r.start + 1 };
        out.push(Hunk {
            old_start: start(&old),
            old_lines: old.len(),
            new_start: start(&new),
            new_lines: new.len(),
            lines,
        });
    }
    out
}

/// Why a diff could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// The project's record, or its recorded version, could not be had or rendered.
    #[error(transparent)]
    Pristine(#[from] PristineError),
    /// The target version could not be found or loaded.
    #[error(transparent)]
    Registry(#[from] RegistryError),
    /// The project's files could not be read.
    #[error(transparent)]
    Walk(#[from] WalkError),
    /// A path to limit the diff to lies outside the project folder, or names no file of the
    /// project nor of its blueprint.
    #[error("{} is not part of the project at {}: {why}", .path.display(), .dir.display())]
    NotInProject {
        /// The path as given.
        path: PathBuf,
        /// The project folder.
        dir: PathBuf,
        /// Outside the folder, or no such file.
        why: &'static str,
    },
}

impl Classify for DiffError {
    fn kind(&self) -> ErrorKind {
        match self {
            DiffError::Pristine(e) => e.kind(),
            DiffError::Registry(e) => e.kind(),
            DiffError::Walk(e) => e.kind(),
            DiffError::NotInProject { .. } => ErrorKind::Usage,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            DiffError::Pristine(e) => e.hint(),
            DiffError::Registry(e) => e.hint(),
            DiffError::Walk(e) => e.hint(),
            DiffError::NotInProject { .. } => Some(String::from(
                "give paths inside the project folder (relative to the current folder, as git takes them), or none for the whole project",
            )),
        }
    }
}

/// Stands in for every secret answer when secrets are left out; a rendered file that holds it
/// renders a secret.
pub const SECRET_PLACEHOLDER: &str = "pave-secret-answer-not-recorded";

/// How [`project_diff`] compares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProjectDiffOptions {
    /// Render every secret parameter as [`SECRET_PLACEHOLDER`] and leave out, on both sides,
    /// every file whose path or contents render it (named in [`ProjectDiff::left_out`]): for
    /// a diff that leaves the machine.
    pub leave_out_secrets: bool,
}

/// The paths `given` (relative to `cwd`, as on a command line) as paths of the project at
/// `dir` (relative to `cwd` too, or absolute): `/`-separated, relative to the project, `""`
/// for the project folder itself. A path outside the folder is
/// [`DiffError::NotInProject`]. Paths are compared as written (`.` and `..` resolved), then,
/// failing that, with links resolved.
pub fn project_paths(dir: &Path, cwd: &Path, given: &[PathBuf]) -> Result<Vec<String>, DiffError> {
    let root = normalize(&cwd.join(dir));
    given
        .iter()
        .map(|path| {
            let full = normalize(&cwd.join(path));
            let inside = full
                .strip_prefix(&root)
                .map(Path::to_path_buf)
                .or_else(|_| {
                    let real_root = root.canonicalize()?;
                    let real = full.canonicalize()?;
                    real.strip_prefix(&real_root)
                        .map(Path::to_path_buf)
                        .map_err(|_| std::io::Error::other("outside"))
                });
            let outside = || DiffError::NotInProject {
                path: path.clone(),
                dir: dir.to_path_buf(),
                why: "it is outside the project folder",
            };
            let inside = inside.map_err(|_| outside())?;
            let parts: Vec<String> = inside
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            Ok(parts.join("/"))
        })
        .collect()
}

/// `path` with `.` left out and each `..` taking off the name before it.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Paths to limit a diff to: the project's own (see [`project_paths`]) and, for messages, as
/// the user gave them. Empty: the whole project.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limit {
    /// Project paths, `/`-separated (`""`: the whole project).
    pub paths: Vec<String>,
    /// The same paths as given on the command line.
    pub given: Vec<PathBuf>,
}

impl Limit {
    /// The `given` paths (relative to `cwd`) of the project at `dir`.
    pub fn new(dir: &Path, cwd: &Path, given: &[PathBuf]) -> Result<Self, DiffError> {
        Ok(Limit {
            paths: project_paths(dir, cwd, given)?,
            given: given.to_vec(),
        })
    }

    /// Keeps, in both trees, only the files at or below one of the paths (none keeps
    /// everything). A path that holds no file on either side is [`DiffError::NotInProject`],
    /// named as it was given.
    pub(crate) fn apply(
        &self,
        dir: &Path,
        old: &mut FileTree,
        new: &mut FileTree,
    ) -> Result<(), DiffError> {
        if self.paths.is_empty() {
            return Ok(());
        }
        let under = |file: &str, limit: &str| {
            limit.is_empty()
                || file == limit
                || file
                    .strip_prefix(limit)
                    .is_some_and(|rest| rest.starts_with('/'))
        };
        for (i, limit) in self.paths.iter().enumerate() {
            if !old.keys().chain(new.keys()).any(|f| under(f, limit)) {
                return Err(DiffError::NotInProject {
                    path: self
                        .given
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| PathBuf::from(limit)),
                    dir: dir.to_path_buf(),
                    why: "neither the project nor its blueprint has a file there (ignored files and nested projects are not part of it)",
                });
            }
        }
        let keep = |file: &String| self.paths.iter().any(|limit| under(file, limit));
        old.retain(|file, _| keep(file));
        new.retain(|file, _| keep(file));
        Ok(())
    }
}

/// What the project at `dir` changed against the pristine render of its recorded version with
/// its recorded answers (`.pave.yaml` left out; secrets, never recorded, render as if not
/// given, or as `options` say), limited to `limit`. The project's files are those
/// [`tree::read`] finds.
pub fn project_diff(
    registries: &Registries,
    dir: &Path,
    options: ProjectDiffOptions,
    limit: &Limit,
) -> Result<ProjectDiff, DiffError> {
    let record = pristine::read_record(dir)?;
    let loaded = pristine::load_recorded(registries, &record)?;
    let mut secrets = Map::new();
    if options.leave_out_secrets {
        for param in &loaded.blueprint.manifest.parameters {
            if param.kind == ParamType::Secret {
                secrets.insert(param.name.clone(), Value::from(SECRET_PLACEHOLDER));
            }
        }
    }
    let mut rendered = pristine::render_recorded(&loaded, &record.answers, &secrets)?;
    let mut project = tree::read(dir, &rendered.tree)?;
    limit.apply(dir, &mut rendered.tree, &mut project)?;
    let mut left_out = Vec::new();
    if options.leave_out_secrets {
        let placeholder = SECRET_PLACEHOLDER.as_bytes();
        left_out = rendered
            .tree
            .iter()
            .filter(|(path, entry)| {
                path.contains(SECRET_PLACEHOLDER)
                    || entry
                        .bytes()
                        .windows(placeholder.len())
                        .any(|w| w == placeholder)
            })
            .map(|(path, _)| path.clone())
            .collect();
        for path in &left_out {
            rendered.tree.remove(path);
            project.remove(path);
        }
    }
    let old = format!("{} {}, pristine render", record.blueprint, record.version);
    let mut diff = diff_trees(&rendered.tree, &project, &old, "the project");
    diff.left_out = left_out;
    Ok(diff)
}

/// What updating the project at `dir` to the newest version matching `req` would bring from
/// the blueprint: the recorded version and the target version, both rendered with the
/// project's recorded answers (the project's own edits are not part of it), limited to `limit`.
pub fn blueprint_change(
    registries: &Registries,
    dir: &Path,
    req: &semver::VersionReq,
    limit: &Limit,
) -> Result<ProjectDiff, DiffError> {
    let record = pristine::read_record(dir)?;
    let loaded = pristine::load_recorded(registries, &record)?;
    let secrets = Default::default();
    let mut base = pristine::render_recorded(&loaded, &record.answers, &secrets)?;
    let source = registries.open_recorded(record.origin())?;
    let version = source.resolve(&record.blueprint, req)?;
    let target = source.load(&record.blueprint, &version)?;
    let mut theirs = pristine::render_recorded(&target, &record.answers, &secrets)?;
    limit.apply(dir, &mut base.tree, &mut theirs.tree)?;
    let old = format!("{} {}", record.blueprint, record.version);
    let new = format!("{} {}", record.blueprint, version);
    Ok(diff_trees(&base.tree, &theirs.tree, &old, &new))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> FileTree {
        files
            .iter()
            .map(|(p, t)| (p.to_string(), Entry::file(t.as_bytes())))
            .collect()
    }

    #[test]
    fn identical_trees_have_no_diff() {
        let a = tree(&[("a.txt", "one\n"), ("b/c.txt", "two\n")]);
        let d = diff_trees(&a, &a.clone(), "old", "new");
        assert!(d.is_empty());
        assert_eq!(d.unified(), "");
    }

    #[test]
    fn added_removed_and_modified_files_are_a_git_patch() {
        let old = tree(&[
            ("keep.txt", "1\n2\n3\n4\n5\n6\n7\n8\n"),
            ("gone.txt", "bye\n"),
        ]);
        let new = tree(&[
            ("keep.txt", "1\n2\n3\nfour\n5\n6\n7\n8\n"),
            ("new.txt", "hi"),
        ]);
        let d = diff_trees(&old, &new, "old", "new");
        let statuses: Vec<(&str, Status)> = d
            .files
            .iter()
            .map(|f| (f.path.as_str(), f.status))
            .collect();
        assert_eq!(
            statuses,
            [
                ("gone.txt", Status::Removed),
                ("keep.txt", Status::Modified),
                ("new.txt", Status::Added)
            ]
        );
        assert_eq!(
            d.unified(),
            "diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n\
             diff --git a/keep.txt b/keep.txt\n--- a/keep.txt\n+++ b/keep.txt\n@@ -1,7 +1,7 @@\n 1\n 2\n 3\n-4\n+four\n 5\n 6\n 7\n\
             diff --git a/new.txt b/new.txt\nnew file mode 100644\n--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1 @@\n+hi\n\\ No newline at end of file\n"
        );
        let keep = &d.files[1];
        assert_eq!((keep.insertions, keep.deletions), (1, 1));
        let stat = d.stat();
        assert!(stat.contains(" keep.txt | 2 +-\n"), "{stat}");
        assert!(
            stat.ends_with(" 3 files changed, 2 insertions(+), 2 deletions(-)\n"),
            "{stat}"
        );
    }

    #[test]
    fn binary_files_and_mode_changes_have_no_hunks() {
        let mut old = tree(&[("run.sh", "echo\n")]);
        old.insert(String::from("logo.png"), Entry::file(vec![0x89, 0, 1]));
        let mut new = old.clone();
        new.insert(String::from("logo.png"), Entry::file(vec![0x89, 0, 2]));
        new.insert(
            String::from("run.sh"),
            Entry::File {
                data: b"echo\n".to_vec().into(),
                executable: true,
            },
        );
        let d = diff_trees(&old, &new, "old", "new");
        assert!(d.files[0].binary && d.files[0].hunks.is_empty());
        assert!(d.files[1].mode_only());
        assert_eq!(
            d.unified(),
            "diff --git a/logo.png b/logo.png\nBinary files a/logo.png and b/logo.png differ\n\
             diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n"
        );
        assert!(d.stat().contains(" logo.png | Bin\n"));
        assert!(d.stat().contains("run.sh   | 0 (mode 100644 => 100755)"));
    }

    #[test]
    fn a_patch_applies_with_git() {
        let old = tree(&[("a.txt", "x\ny\nz\n"), ("sub/b.txt", "b\n")]);
        let new = tree(&[("a.txt", "x\nY\nz\nw"), ("c.txt", "c\n")]);
        let patch = diff_trees(&old, &new, "old", "new").unified();
        let dir = tempfile::tempdir().unwrap();
        for (path, entry) in &old {
            let full = dir.path().join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, entry.bytes()).unwrap();
        }
        std::fs::write(dir.path().join("p.diff"), patch).unwrap();
        let status = std::process::Command::new("git")
            .args(["apply", "p.diff"])
            .current_dir(dir.path())
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.txt")).unwrap(),
            "x\nY\nz\nw"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("c.txt")).unwrap(),
            "c\n"
        );
        assert!(!dir.path().join("sub/b.txt").exists());
    }
}
