//! Which rendered line came from which template line, found by handlebars itself: every
//! template line that renders as itself (no tag at all), and every line of plain expressions
//! with text around them, gets a unique marker appended before its newline; the marked
//! blueprint is rendered once, and an output line that ends with a marker seen once in the
//! whole render came from that template line. A marker seen more than once is a line that
//! repeats (an `each` body, a partial used twice). Files whose marked render, markers
//! stripped, differs from the normal one (whitespace control) are left untraced. Pure.

use crate::blueprint::{Blueprint, Entry, FileTree};
use crate::render::{self, TEMPLATE_SUFFIX};
use crate::template::Engine;
use crate::template::chunks::{Kind, next_tag};
use std::collections::{BTreeMap, BTreeSet};

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// A template source: a file under `template/` or a partial.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum SourceKey {
    /// `template/<path>`.
    Template(String),
    /// `partials/<name>.hbs`.
    Partial(String),
}

impl SourceKey {
    /// The path in the blueprint folder.
    pub(crate) fn folder_path(&self) -> String {
        match self {
            SourceKey::Template(p) => format!("template/{p}"),
            SourceKey::Partial(n) => format!("partials/{n}.hbs"),
        }
    }
}

/// A literal piece of a line with tags: its byte range in the template line and in the
/// rendered line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    pub(crate) src: (usize, usize),
    pub(crate) out: (usize, usize),
}

/// Where one rendered line came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Exactly template line `line` (0-based) of `source`, once.
    Literal { source: SourceKey, line: usize },
    /// Template line `line` with tags: its literal pieces, and the tags as written.
    Tagged {
        source: SourceKey,
        line: usize,
        pieces: Vec<Piece>,
        tags: Vec<String>,
    },
    /// A template line rendered `times` times.
    Repeats { source: SourceKey, times: usize },
    /// Not text of any template line (a tag's output, or an untraced file).
    Untraced,
}

/// The origins of one rendered file's lines, or why it has none.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileTrace {
    pub(crate) lines: Vec<Origin>,
    /// Set when no line of the file is traced.
    pub(crate) untraced: Option<String>,
    /// The template source of a traced file (the place for the text of one that rendered
    /// empty).
    pub(crate) source: Option<SourceKey>,
}

impl FileTrace {
    fn traced(source: SourceKey, lines: Vec<Origin>) -> Self {
        FileTrace {
            lines,
            untraced: None,
            source: Some(source),
        }
    }

    fn untraced(why: &str) -> Self {
        FileTrace {
            lines: Vec::new(),
            untraced: Some(why.to_string()),
            source: None,
        }
    }

    pub(crate) fn origin(&self, line: usize) -> &Origin {
        self.lines.get(line).unwrap_or(&Origin::Untraced)
    }
}

/// The trace of a whole render.
#[derive(Debug, Clone, Default)]
pub(crate) struct Trace {
    pub(crate) files: BTreeMap<String, FileTrace>,
}

/// A line's literal pieces (byte ranges of the template line) and its tags as written.
type Pieces = (Vec<(usize, usize)>, Vec<String>);

#[derive(Debug, Clone)]
struct Mark {
    source: SourceKey,
    line: usize,
    text: String,
    /// Literal pieces (source byte ranges) and tags, for a line with tags.
    tagged: Option<Pieces>,
}

/// The source's lines with their terminators (`\n`, or none at the end).
pub(crate) fn lines(src: &str) -> Vec<&str> {
    src.split_inclusive('\n').collect()
}

/// A line without its `\n`.
pub(crate) fn body(line: &str) -> &str {
    line.strip_suffix('\n').unwrap_or(line)
}

/// Marks `src`'s lines, numbering markers from `marks.len()`; `None` when the source cannot
/// be marked (it holds the marker characters, or a tag never closes).
fn mark_source(key: &SourceKey, src: &str, marks: &mut Vec<Mark>) -> Option<String> {
    if src.contains([OPEN, CLOSE]) {
        return None;
    }
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(tag) = next_tag(src, at)? {
        at = tag.end;
        tags.push(tag);
    }
    let tilde = src.contains("~}}") || src.contains("{{~");
    let mut out = String::with_capacity(src.len() + src.len() / 4);
    let mut start = 0;
    let mut t = 0;
    for (i, line) in lines(src).into_iter().enumerate() {
        let text = body(line);
        let end = start + text.len();
        while t < tags.len() && tags[t].end <= start {
            t += 1;
        }
        let line_end = start + line.len();
        let on_line: Vec<_> = tags[t..]
            .iter()
            .take_while(|tag| tag.start < line_end)
            .filter(|tag| tag.end > start)
            .collect();
        let crosses = on_line.iter().any(|tag| tag.start < start || tag.end > end);
        let mark = if on_line.is_empty() && !crosses {
            // A line with no tag. A blank line next to `~` would be stripped with its
            // neighbours' whitespace unless unmarked.
            if tilde && text.trim().is_empty() {
                None
            } else {
                Some(None)
            }
        } else if !crosses && on_line.iter().all(|tag| is_expression(src, tag)) {
            let mut pieces = Vec::new();
            let mut names = Vec::new();
            let mut from = start;
            for tag in &on_line {
                pieces.push((from - start, tag.start - start));
                names.push(src[tag.start..tag.end].to_string());
                from = tag.end;
            }
            pieces.push((from - start, end - start));
            let has_text = pieces.iter().any(|(a, b)| !text[*a..*b].trim().is_empty());
            let escaped = text.contains("\\{{");
            (has_text && !escaped).then_some(Some((pieces, names)))
        } else {
            None
        };
        out.push_str(text);
        if let Some(tagged) = mark {
            out.push(OPEN);
            out.push_str(&marks.len().to_string());
            out.push(CLOSE);
            marks.push(Mark {
                source: key.clone(),
                line: i,
                text: text.to_string(),
                tagged,
            });
        }
        out.push_str(&line[text.len()..]);
        start += line.len();
    }
    Some(out)
}

/// A plain expression (`{{name}}`, `{{helper a b}}`): never standalone, never a block.
fn is_expression(src: &str, tag: &crate::template::chunks::Tag) -> bool {
    if tag.kind != Kind::Other || tag.strips_before || tag.strips_after {
        return false;
    }
    let text = &src[tag.start..tag.end];
    if text.starts_with("{{{{") {
        return false;
    }
    let inner = text.trim_start_matches('{').trim_start();
    !(inner.starts_with(['#', '^', '/', '>', '!', '*', '&'])
        || inner.starts_with("else")
        || text.contains('\n'))
}

/// The template files of `bp` that need rendering to see the files rendered from `wanted`:
/// those, and every template that uses a partial (a partial's lines count over all its uses).
pub(crate) fn needed(bp: &Blueprint, wanted: &BTreeSet<String>, all: bool) -> Blueprint {
    let mut sub = bp.clone();
    if all {
        return sub;
    }
    let uses_partials = !bp.partials.is_empty();
    sub.template.retain(|path, entry| {
        wanted.contains(path)
            || (uses_partials
                && matches!(entry, Entry::File { data, .. } if data.windows(3).any(|w| w == b"{{>")))
    });
    sub
}

/// Traces the files rendered from the template files `wanted` of `bp` rendered with `ctx`
/// (the answers); `rendered` is its normal render.
pub(crate) fn trace(
    bp: &Blueprint,
    wanted: &BTreeSet<String>,
    ctx: &serde_json::Value,
    rendered: &FileTree,
) -> Trace {
    let mut marks = Vec::new();
    let bp = &needed(bp, wanted, false);
    let mut marked = bp.clone();
    let mut unmarkable: BTreeMap<String, &'static str> = BTreeMap::new();
    for (path, entry) in &bp.template {
        let Entry::File { data, .. } = entry else {
            continue;
        };
        if !path.ends_with(TEMPLATE_SUFFIX) {
            continue;
        }
        let key = SourceKey::Template(path.clone());
        let done = std::str::from_utf8(data)
            .ok()
            .and_then(|src| mark_source(&key, src, &mut marks));
        match done {
            Some(src) => {
                let file = crate::author::file_like(src, Some(entry));
                marked.template.insert(path.clone(), file);
            }
            None => {
                unmarkable.insert(path.clone(), "its template could not be traced");
            }
        }
    }
    for (name, src) in &bp.partials {
        let key = SourceKey::Partial(name.clone());
        if let Some(src) = mark_source(&key, src, &mut marks) {
            marked.partials.insert(name.clone(), src);
        }
    }
    let origins_marked = Engine::new(&marked.partials)
        .map_err(|_| ())
        .and_then(|mut e| render::render_traced(&mut e, &marked, ctx).map_err(|_| ()));
    let mut trace = Trace::default();
    let Ok((tree, origins)) = origins_marked else {
        for path in rendered.keys() {
            trace.files.insert(
                path.clone(),
                FileTrace::untraced("the marked blueprint does not render"),
            );
        }
        return trace;
    };
    // How often each marker occurs in the whole render.
    let mut counts = vec![0usize; marks.len()];
    for entry in tree.values() {
        if let Entry::File { data, .. } = entry
            && let Ok(text) = std::str::from_utf8(data)
        {
            for (_, id, _) in markers(text) {
                if let Some(c) = counts.get_mut(id) {
                    *c += 1;
                }
            }
        }
    }
    for (path, template) in &origins {
        let Some(Entry::File { data, .. }) = rendered.get(path) else {
            continue;
        };
        let Ok(normal) = std::str::from_utf8(data) else {
            continue;
        };
        let key = SourceKey::Template(template.clone());
        let traced = if !template.ends_with(TEMPLATE_SUFFIX) {
            // Copied byte for byte: every line is its own.
            let lines = (0..lines(normal).len())
                .map(|line| Origin::Literal {
                    source: key.clone(),
                    line,
                })
                .collect();
            FileTrace::traced(key, lines)
        } else if let Some(why) = unmarkable.get(template) {
            FileTrace::untraced(why)
        } else {
            let Some(Entry::File { data: m, .. }) = tree.get(path) else {
                continue;
            };
            let marked_text = String::from_utf8_lossy(m);
            if strip(&marked_text) != normal {
                FileTrace::untraced(
                    "its template strips whitespace (`~`) where lines could not be told apart",
                )
            } else {
                let lines = lines(&marked_text)
                    .into_iter()
                    .map(|line| origin_of(body(line), &marks, &counts))
                    .collect();
                FileTrace::traced(key, lines)
            }
        };
        trace.files.insert(path.clone(), traced);
    }
    trace
}

/// Every marker in `text`: (start, id, end).
fn markers(text: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..].find(OPEN) {
        let start = at + found;
        let digits_from = start + OPEN.len_utf8();
        let Some(len) = text[digits_from..].find(CLOSE) else {
            break;
        };
        let end = digits_from + len + CLOSE.len_utf8();
        if let Ok(id) = text[digits_from..digits_from + len].parse() {
            out.push((start, id, end));
        }
        at = end;
    }
    out
}

fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, _, end) in markers(text) {
        out.push_str(&text[at..start]);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

fn origin_of(line: &str, marks: &[Mark], counts: &[usize]) -> Origin {
    let found = markers(line);
    let [(start, id, end)] = found.as_slice() else {
        return Origin::Untraced;
    };
    let (Some(mark), Some(&times)) = (marks.get(*id), counts.get(*id)) else {
        return Origin::Untraced;
    };
    if *end != line.len() {
        return Origin::Untraced;
    }
    if times > 1 {
        return Origin::Repeats {
            source: mark.source.clone(),
            times,
        };
    }
    let out = &line[..*start];
    match &mark.tagged {
        None if out == mark.text => Origin::Literal {
            source: mark.source.clone(),
            line: mark.line,
        },
        None => Origin::Untraced,
        Some((pieces, tags)) => match match_pieces(&mark.text, pieces, out) {
            Some(found) => Origin::Tagged {
                source: mark.source.clone(),
                line: mark.line,
                pieces: found,
                tags: tags.clone(),
            },
            None => Origin::Untraced,
        },
    }
}

/// Finds the literal pieces of a line with tags in its rendered text, in order: the first at
/// the start, the last at the end, the others where they match first and last alike (else the
/// tags' outputs cannot be told apart).
fn match_pieces(src: &str, pieces: &[(usize, usize)], out: &str) -> Option<Vec<Piece>> {
    let texts: Vec<&str> = pieces.iter().map(|(a, b)| &src[*a..*b]).collect();
    let (first, last) = (texts.first()?, texts.last()?);
    if !out.starts_with(first) || out.len() < first.len() + last.len() || !out.ends_with(last) {
        return None;
    }
    let n = texts.len();
    let mut found = vec![(0, first.len())];
    // Leftmost placement of the middle pieces.
    let mut at = first.len();
    for text in &texts[1..n - 1] {
        let i = at + out[at..].find(text)?;
        found.push((i, i + text.len()));
        at = i + text.len();
    }
    let last_start = out.len() - last.len();
    if at > last_start {
        return None;
    }
    // Rightmost placement must agree.
    let mut limit = last_start;
    for (k, text) in texts[1..n - 1].iter().enumerate().rev() {
        let i = out[..limit].rfind(text)?;
        if i != found[k + 1].0 {
            return None;
        }
        limit = i;
    }
    found.push((last_start, out.len()));
    Some(
        pieces
            .iter()
            .zip(found)
            .map(|(s, o)| Piece { src: *s, out: o })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bp(files: &[(&str, &str)], partials: &[(&str, &str)]) -> Blueprint {
        let mut tree = FileTree::new();
        tree.insert(
            String::from("blueprint.yaml"),
            Entry::file(
                "apiVersion: pave/v1\nname: t\nversion: 1.0.0\nsummary: s\nparameters:\n  - name: name\n  - name: items\n    type: multichoice\n    choices: [a, b]\n",
            ),
        );
        for (p, s) in files {
            tree.insert(format!("template/{p}"), Entry::file(*s));
        }
        for (p, s) in partials {
            tree.insert(format!("partials/{p}.hbs"), Entry::file(*s));
        }
        Blueprint::from_tree("test", tree).unwrap()
    }

    fn traced(bp: &Blueprint, ctx: serde_json::Value) -> Trace {
        let rendered = render::render(bp, &ctx).unwrap();
        trace(bp, &bp.template.keys().cloned().collect(), &ctx, &rendered)
    }

    #[test]
    fn plain_lines_tag_lines_repeats_and_branches_are_told_apart() {
        let b = bp(
            &[(
                "a.txt.hbs",
                "one\nname: {{name}}-fn\n{{#if name}}\nin branch\n{{/if}}\n{{#each items}}\nitem\n{{/each}}\n{{> p}}\n{{> p}}\nend",
            )],
            &[("p", "from p\n")],
        );
        let t = traced(&b, serde_json::json!({"name": "svc", "items": [1, 2]}));
        let f = &t.files["a.txt"];
        let key = SourceKey::Template(String::from("a.txt.hbs"));
        assert_eq!(
            f.lines[0],
            Origin::Literal {
                source: key.clone(),
                line: 0
            }
        );
        match &f.lines[1] {
            Origin::Tagged { pieces, tags, .. } => {
                assert_eq!(tags, &vec![String::from("{{name}}")]);
                assert_eq!(pieces[0].out, (0, 6));
                assert_eq!(pieces[1].out, (9, 12));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            f.lines[2],
            Origin::Literal {
                source: key.clone(),
                line: 3
            }
        );
        assert!(matches!(f.lines[3], Origin::Repeats { times: 2, .. }));
        assert!(matches!(
            &f.lines[5],
            Origin::Repeats { source: SourceKey::Partial(p), times: 2 } if p == "p"
        ));
        assert_eq!(
            f.lines[7],
            Origin::Literal {
                source: key,
                line: 10
            }
        );
    }

    #[test]
    fn whitespace_control_that_changes_the_render_leaves_the_file_untraced() {
        let b = bp(&[("a.hbs", "a\n   \n{{~name}}\nb\n")], &[]);
        let t = traced(&b, serde_json::json!({"name": "svc"}));
        let f = &t.files["a"];
        assert!(f.untraced.is_none(), "{f:?}");
        assert_eq!(
            strip("x\u{E000}12\u{E001}y\u{E000}3\u{E001}"),
            String::from("xy")
        );
    }
}
