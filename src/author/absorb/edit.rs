//! A hunk as edits of template lines: its runs of deleted and inserted lines, each deleted line
//! replaced or deleted where its template line is, inserted lines put after the template line
//! of the line before them (or before the one after them), new text templatized with the
//! project's answers. A line with tags is edited only in its literal pieces. Pure.

use super::trace::{FileTrace, Origin, SourceKey, body, lines};
use crate::project::diff::Hunk;
use crate::template::templatize::Substitutions;
use std::collections::{BTreeMap, BTreeSet};

/// What to do at one template line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op {
    /// Replace the line's text; its own line end is kept when `end` is `None`.
    Replace { text: String, end: Option<String> },
    /// Replace bytes `from..to` of the line (a literal piece of a line with tags).
    Splice {
        from: usize,
        to: usize,
        text: String,
    },
    /// Delete the line.
    Delete,
    /// Insert this text before the line.
    Before(String),
    /// Insert this text after the line.
    After(String),
}

/// One edit of a template source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LineEdit {
    pub(crate) source: SourceKey,
    pub(crate) line: usize,
    pub(crate) op: Op,
}

/// A hunk's lines as (kind, text with its line end).
pub(crate) fn hunk_lines(hunk: &Hunk) -> Vec<(char, String)> {
    let mut out: Vec<(char, String)> = Vec::new();
    for line in &hunk.lines {
        if line.starts_with('\\') {
            if let Some(last) = out.last_mut()
                && let Some(stripped) = last.1.strip_suffix('\n')
            {
                last.1 = stripped.to_string();
            }
            continue;
        }
        let mut chars = line.chars();
        let kind = chars.next().unwrap_or(' ');
        out.push((kind, format!("{}\n", chars.as_str())));
    }
    out
}

/// The 0-based index of the hunk's first old line.
pub(crate) fn old_index(hunk: &Hunk) -> usize {
    if hunk.old_lines == 0 {
        hunk.old_start
    } else {
        hunk.old_start.saturating_sub(1)
    }
}

/// The old side of a hunk (context and deleted lines) as text lines.
pub(crate) fn old_side(hunk: &Hunk) -> Vec<String> {
    hunk_lines(hunk)
        .into_iter()
        .filter(|(k, _)| *k != '+')
        .map(|(_, t)| t)
        .collect()
}

/// `old` with `hunks` (sorted, not overlapping, each at its `old_start`) applied; `None` when a
/// hunk's old side is not where it says.
pub(crate) fn apply_hunks(old: &str, hunks: &[&Hunk]) -> Option<String> {
    let old_lines = lines(old);
    let mut out = String::with_capacity(old.len() + 256);
    let mut at = 0;
    for hunk in hunks {
        let start = old_index(hunk);
        if start < at || start > old_lines.len() {
            return None;
        }
        out.extend(old_lines[at..start].iter().copied());
        let mut i = start;
        for (kind, text) in hunk_lines(hunk) {
            match kind {
                '+' => out.push_str(&text),
                _ => {
                    if old_lines.get(i).copied() != Some(text.as_str()) {
                        return None;
                    }
                    if kind == ' ' {
                        out.push_str(&text);
                    }
                    i += 1;
                }
            }
        }
        at = i;
    }
    out.extend(old_lines[at..].iter().copied());
    Some(out)
}

/// A hunk turned into template edits.
#[derive(Debug, Clone, Default)]
pub(crate) struct Planned {
    pub(crate) edits: Vec<LineEdit>,
    /// The parameters whose values became tags.
    pub(crate) variables: BTreeSet<String>,
}

/// How new text becomes template text.
pub(crate) struct Text<'a> {
    pub(crate) subs: &'a Substitutions,
    pub(crate) with_variables: bool,
}

impl Text<'_> {
    fn make(&self, source: &SourceKey, text: &str, vars: &mut BTreeSet<String>) -> String {
        let rendered = match source {
            SourceKey::Template(p) => p.ends_with(crate::render::TEMPLATE_SUFFIX),
            SourceKey::Partial(_) => true,
        };
        if !rendered {
            return text.to_string();
        }
        let t = if self.with_variables {
            self.subs.apply(text)
        } else {
            Substitutions::default().apply(text)
        };
        vars.extend(t.replaced.keys().cloned());
        t.text
    }
}

/// Turns `hunk` of a rendered file whose lines are traced by `trace` into template edits, or
/// says why it cannot be absorbed.
pub(crate) fn plan_hunk(
    hunk: &Hunk,
    trace: &FileTrace,
    text: &Text<'_>,
) -> Result<Planned, String> {
    if let Some(why) = &trace.untraced {
        return Err(why.clone());
    }
    let mut planned = Planned::default();
    let mut idx = old_index(hunk);
    let mut prev: Option<usize> = None;
    let mut dels: Vec<(usize, String)> = Vec::new();
    let mut ins: Vec<String> = Vec::new();
    let all = hunk_lines(hunk);
    for (kind, line) in all.into_iter().chain(std::iter::once(('E', String::new()))) {
        match kind {
            '-' => {
                dels.push((idx, line));
                idx += 1;
            }
            '+' => ins.push(line),
            _ => {
                if !dels.is_empty() || !ins.is_empty() {
                    plan_run(
                        trace,
                        prev,
                        idx,
                        &dels,
                        &ins,
                        text,
                        &mut planned,
                        kind == 'E',
                    )?;
                    dels.clear();
                    ins.clear();
                }
                if kind == ' ' {
                    prev = Some(idx);
                    idx += 1;
                }
            }
        }
    }
    Ok(planned)
}

fn why_not(origin: &Origin) -> String {
    match origin {
        Origin::Repeats {
            source: SourceKey::Partial(name),
            times,
        } => format!("in partial {name}, used {times} times"),
        Origin::Repeats { times, .. } => {
            format!("in a block that repeats ({times} times in this project)")
        }
        _ => String::from("not template text: a tag or a block produced it"),
    }
}

fn anchor(origin: &Origin) -> Option<(&SourceKey, usize)> {
    match origin {
        Origin::Literal { source, line } | Origin::Tagged { source, line, .. } => {
            Some((source, *line))
        }
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_run(
    trace: &FileTrace,
    prev: Option<usize>,
    next: usize,
    dels: &[(usize, String)],
    ins: &[String],
    text: &Text<'_>,
    planned: &mut Planned,
    at_end: bool,
) -> Result<(), String> {
    let vars = &mut planned.variables;
    if dels.is_empty() {
        let before = prev.map(|p| trace.origin(p)).and_then(anchor);
        let after = (!at_end || trace.lines.len() > next)
            .then(|| trace.origin(next))
            .and_then(anchor);
        let (source, line, after_it) = match (before, after) {
            (Some((s, l)), _) => (s, l, true),
            (None, Some((s, l))) => (s, l, false),
            (None, None) => match &trace.source {
                // A file that rendered empty: the text goes at the top of its template.
                Some(s) if trace.lines.is_empty() => (s, 0, false),
                _ => {
                    let near = prev.map(|p| trace.origin(p)).unwrap_or(trace.origin(next));
                    return Err(format!(
                        "inserted next to lines that are {}",
                        describe(near)
                    ));
                }
            },
        };
        for new in ins {
            let t = text.make(source, new, vars);
            planned.edits.push(LineEdit {
                source: source.clone(),
                line,
                op: if after_it {
                    Op::After(t)
                } else {
                    Op::Before(t)
                },
            });
        }
        return Ok(());
    }
    for (i, _) in dels {
        let origin = trace.origin(*i);
        if anchor(origin).is_none() {
            return Err(why_not(origin));
        }
    }
    align(trace, dels, ins, text, planned)
}

/// How a run's deleted and inserted lines correspond.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Deleted line `i` became inserted line `j`.
    Pair(usize, usize),
    /// Deleted line `i` is gone.
    Delete(usize),
    /// Inserted line `j` is new.
    Insert(usize),
}

/// Aligns the run's deleted lines with its inserted ones, pairing as many as it can: a line
/// without tags may pair with any line or be deleted; a line with tags must pair with a line
/// that changes only its literal pieces (its tags would otherwise go with it). Inserted lines
/// go after the template line of the deleted line before them, or before the one after them.
fn align(
    trace: &FileTrace,
    dels: &[(usize, String)],
    ins: &[String],
    text: &Text<'_>,
    planned: &mut Planned,
) -> Result<(), String> {
    let (d, n) = (dels.len(), ins.len());
    let mut scratch = BTreeSet::new();
    let mut first_err: Option<String> = None;
    let mut can_pair = |i: usize, j: usize, first_err: &mut Option<String>| -> bool {
        match pair(
            trace.origin(dels[i].0),
            &dels[i].1,
            &ins[j],
            text,
            &mut scratch,
        ) {
            Ok(_) => true,
            Err(why) => {
                first_err.get_or_insert(why);
                false
            }
        }
    };
    let tagged = |i: usize| matches!(trace.origin(dels[i].0), Origin::Tagged { .. });
    // cost[i][j]: fewest unpaired lines to align dels[i..] with ins[j..]; None when impossible.
    let mut cost = vec![vec![None::<usize>; n + 1]; d + 1];
    let mut step = vec![vec![None::<Step>; n + 1]; d + 1];
    cost[d][n] = Some(0);
    for i in (0..=d).rev() {
        for j in (0..=n).rev() {
            if i == d && j == n {
                continue;
            }
            let mut best: Option<(usize, Step)> = None;
            let mut consider = |c: Option<usize>, extra: usize, s: Step| {
                if let Some(c) = c
                    && best.is_none_or(|(b, _)| c + extra < b)
                {
                    best = Some((c + extra, s));
                }
            };
            if i < d && j < n && can_pair(i, j, &mut first_err) {
                consider(cost[i + 1][j + 1], 0, Step::Pair(i, j));
            }
            if i < d && !tagged(i) {
                consider(cost[i + 1][j], 1, Step::Delete(i));
            }
            if j < n {
                consider(cost[i][j + 1], 1, Step::Insert(j));
            }
            if let Some((c, s)) = best {
                cost[i][j] = Some(c);
                step[i][j] = Some(s);
            }
        }
    }
    if cost[0][0].is_none() {
        return Err(first_err.unwrap_or_else(|| {
            String::from("removes a line with tags amid changes that cannot be told apart")
        }));
    }
    let (mut i, mut j) = (0, 0);
    let mut last: Option<(SourceKey, usize)> = None;
    let mut pending: Vec<String> = Vec::new();
    let vars = &mut planned.variables;
    while let Some(s) = step[i][j] {
        let here = match s {
            Step::Pair(a, _) | Step::Delete(a) => anchor(trace.origin(dels[a].0)),
            Step::Insert(_) => None,
        }
        .map(|(k, l)| (k.clone(), l));
        if let Some((source, line)) = &here {
            for t in pending.drain(..) {
                let t = text.make(source, &t, vars);
                planned.edits.push(LineEdit {
                    source: source.clone(),
                    line: *line,
                    op: Op::Before(t),
                });
            }
        }
        match s {
            Step::Pair(a, b) => {
                planned.edits.push(pair(
                    trace.origin(dels[a].0),
                    &dels[a].1,
                    &ins[b],
                    text,
                    vars,
                )?);
                (i, j) = (a + 1, b + 1);
            }
            Step::Delete(a) => {
                if let Some((source, line)) = &here {
                    planned.edits.push(LineEdit {
                        source: source.clone(),
                        line: *line,
                        op: Op::Delete,
                    });
                }
                i = a + 1;
            }
            Step::Insert(b) => {
                match &last {
                    Some((source, line)) => {
                        let t = text.make(source, &ins[b], vars);
                        planned.edits.push(LineEdit {
                            source: source.clone(),
                            line: *line,
                            op: Op::After(t),
                        });
                    }
                    None => pending.push(ins[b].clone()),
                }
                j = b + 1;
            }
        }
        if here.is_some() {
            last = here;
        }
    }
    if !pending.is_empty() {
        return Err(String::from("inserted where no template line is near"));
    }
    Ok(())
}

/// The edit that makes the template line behind `origin` render `new` instead of `old`.
fn pair(
    origin: &Origin,
    old: &str,
    new: &str,
    text: &Text<'_>,
    vars: &mut BTreeSet<String>,
) -> Result<LineEdit, String> {
    match origin {
        Origin::Literal { source, line } => {
            let t = text.make(source, body(new), vars);
            let end = (ends(old) != ends(new)).then(|| ends(new).to_string());
            Ok(LineEdit {
                source: source.clone(),
                line: *line,
                op: Op::Replace { text: t, end },
            })
        }
        Origin::Tagged {
            source,
            line,
            pieces,
            tags,
        } => {
            let (a, b, s) = changed(body(old), body(new));
            let Some(piece) = pieces.iter().find(|p| p.out.0 <= a && b <= p.out.1) else {
                let tag = pieces
                    .windows(2)
                    .zip(tags)
                    .find(|(w, _)| a < w[1].out.0 && b > w[0].out.1)
                    .or_else(|| {
                        pieces
                            .windows(2)
                            .zip(tags)
                            .find(|(w, _)| a >= w[0].out.1 && a < w[1].out.0)
                    })
                    .map(|(_, t)| t.clone())
                    .unwrap_or_else(|| tags.join(""));
                return Err(format!(
                    "changes what `{tag}` produced: that is an answer, not the pattern"
                ));
            };
            if ends(old) != ends(new) {
                return Err(String::from("changes the line end of a line with tags"));
            }
            let t = text.make(source, s, vars);
            let from = piece.src.0 + (a - piece.out.0);
            let to = piece.src.0 + (b - piece.out.0);
            Ok(LineEdit {
                source: source.clone(),
                line: *line,
                op: Op::Splice { from, to, text: t },
            })
        }
        other => Err(why_not(other)),
    }
}

fn describe(origin: &Origin) -> String {
    match origin {
        Origin::Repeats { .. } => why_not(origin),
        _ => String::from("not template text (a tag or a block produced them)"),
    }
}

fn ends(line: &str) -> &str {
    if line.ends_with('\n') { "\n" } else { "" }
}

/// The changed byte range `[a, b)` of `old` and what replaces it in `new`.
fn changed<'a>(old: &str, new: &'a str) -> (usize, usize, &'a str) {
    let prefix = old
        .char_indices()
        .zip(new.chars())
        .find(|((_, a), b)| a != b)
        .map_or(old.len().min(new.len()), |((i, _), _)| i);
    let prefix = floor(new, prefix.min(new.len()));
    let max_suffix = (old.len() - prefix).min(new.len() - prefix);
    let suffix = old
        .chars()
        .rev()
        .zip(new.chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .scan(0, |acc, n| {
            *acc += n;
            Some(*acc)
        })
        .take_while(|n| *n <= max_suffix)
        .last()
        .unwrap_or(0);
    (prefix, old.len() - suffix, &new[prefix..new.len() - suffix])
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Applies `edits` to the sources (each as text); a source not edited is left out.
pub(crate) fn apply_edits<'a>(
    sources: &BTreeMap<SourceKey, String>,
    edits: impl IntoIterator<Item = &'a LineEdit>,
) -> BTreeMap<SourceKey, String> {
    let mut by_source: BTreeMap<&SourceKey, Vec<&LineEdit>> = BTreeMap::new();
    for e in edits {
        by_source.entry(&e.source).or_default().push(e);
    }
    let mut out = BTreeMap::new();
    for (key, edits) in by_source {
        let Some(src) = sources.get(key) else {
            continue;
        };
        let src_lines = lines(src);
        let mut text = String::with_capacity(src.len() + 256);
        for (i, line) in src_lines.iter().enumerate() {
            let here: Vec<&&LineEdit> = edits.iter().filter(|e| e.line == i).collect();
            for e in &here {
                if let Op::Before(t) = &e.op {
                    text.push_str(t);
                }
            }
            let mut kept = Some((*line).to_string());
            for e in &here {
                match &e.op {
                    Op::Delete => kept = None,
                    Op::Replace { text, end } => {
                        kept = Some(format!("{text}{}", end.as_deref().unwrap_or(ends(line))));
                    }
                    Op::Splice { from, to, text } if from <= to && *to <= line.len() => {
                        kept = Some(format!("{}{text}{}", &line[..*from], &line[*to..]));
                    }
                    _ => {}
                }
            }
            if let Some(k) = kept {
                text.push_str(&k);
            }
            for e in &here {
                if let Op::After(t) = &e.op {
                    if !text.ends_with('\n') && !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(t);
                }
            }
        }
        // Text put before the end of the source (a source that renders empty).
        for e in edits.iter().filter(|e| e.line >= src_lines.len()) {
            if let Op::Before(t) = &e.op {
                text.push_str(t);
            }
        }
        out.insert(key.clone(), text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changed_range_is_between_the_common_prefix_and_suffix() {
        assert_eq!(changed("a-foo-b", "a-foo-c"), (6, 7, "c"));
        assert_eq!(changed("abc", "abbc"), (2, 2, "b"));
        assert_eq!(changed("aaa", "aaa"), (3, 3, ""));
        assert_eq!(changed("héllo", "hallo"), (1, 3, "a"));
    }

    #[test]
    fn text_before_the_end_of_an_empty_source_is_its_whole_text() {
        let key = SourceKey::Template(String::from("empty.hbs"));
        let src = BTreeMap::from([(key.clone(), String::new())]);
        let edit = LineEdit {
            source: key.clone(),
            line: 0,
            op: Op::Before(String::from("now {{x}}\n")),
        };
        assert_eq!(apply_edits(&src, [&edit])[&key], "now {{x}}\n");
    }

    #[test]
    fn edits_apply_in_line_order() {
        let key = SourceKey::Template(String::from("a.hbs"));
        let src = BTreeMap::from([(key.clone(), String::from("one\ntwo {{x}} z\nthree"))]);
        let e = |line, op| LineEdit {
            source: key.clone(),
            line,
            op,
        };
        let out = apply_edits(
            &src,
            &[
                e(
                    0,
                    Op::Replace {
                        text: String::from("ONE"),
                        end: None,
                    },
                ),
                e(
                    1,
                    Op::Splice {
                        from: 10,
                        to: 11,
                        text: String::from("Z"),
                    },
                ),
                e(2, Op::After(String::from("four\n"))),
                e(0, Op::Before(String::from("zero\n"))),
            ],
        );
        assert_eq!(out[&key], "zero\nONE\ntwo {{x}} Z\nthree\nfour\n");
    }
}
