//! Where a template source can be cut into pieces that compile and render on their own. The
//! handlebars parser finds the line and column of every element by counting from the start of
//! the source, so compiling a long template costs time in the square of its length; pieces of a
//! bounded number of lines keep that cost linear (the engine also keeps runs of lines without
//! tags out of the parser). A cut is made only after a newline outside
//! every tag, comment and raw block, where no block is open, and where no `~` on either side
//! would strip whitespace across it; templates that define inline partials (`{{#*inline}}`)
//! are never cut, since their definitions must be seen by the rest of the template.

/// A piece of a template source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Chunk<'a> {
    /// How many lines of the source come before this piece.
    pub(super) lines_before: usize,
    /// The piece itself.
    pub(super) src: &'a str,
}

/// Cuts `src` into pieces of about `lines` lines each (more where no cut is safe); the pieces
/// joined are `src`.
pub(super) fn split(src: &str, lines: usize) -> Vec<Chunk<'_>> {
    let whole = vec![Chunk {
        lines_before: 0,
        src,
    }];
    let Some(cuts) = cut_points(src) else {
        return whole;
    };
    let mut out = Vec::new();
    let (mut start, mut start_line) = (0, 0);
    for (at, line) in cuts {
        if line - start_line >= lines.max(1) && at < src.len() {
            out.push(Chunk {
                lines_before: start_line,
                src: &src[start..at],
            });
            (start, start_line) = (at, line);
        }
    }
    out.push(Chunk {
        lines_before: start_line,
        src: &src[start..],
    });
    out
}

/// Every offset (just after a newline) where `src` may be cut, with the number of lines before
/// it; `None` when the template must stay whole.
fn cut_points(src: &str) -> Option<Vec<(usize, usize)>> {
    if src.contains("{{#*") || src.contains("{{~#*") {
        return None;
    }
    let mut cuts = Vec::new();
    let mut depth = 0usize;
    let mut line = 0;
    // Where the previous tag ended, and whether it strips the whitespace after it (`~}}`).
    let mut prev_end = 0;
    let mut prev_strips = false;
    let mut at = 0;
    loop {
        let tag = next_tag(src, at)?;
        let text_end = tag.as_ref().map_or(src.len(), |t| t.start);
        for (i, _) in src[at..text_end].match_indices('\n') {
            let p = at + i + 1;
            line += 1;
            // A `~` strips a run of whitespace; a cut may end the run but not split it.
            let stripped_before = prev_strips
                && src[prev_end..p].trim().is_empty()
                && src[p..].starts_with(char::is_whitespace);
            let stripped_after =
                tag.as_ref().is_some_and(|t| t.strips_before) && src[p..text_end].trim().is_empty();
            if depth == 0 && !stripped_before && !stripped_after {
                cuts.push((p, line));
            }
        }
        let Some(tag) = tag else {
            return Some(cuts);
        };
        line += src[tag.start..tag.end].matches('\n').count();
        match tag.kind {
            Kind::Open => depth += 1,
            Kind::Close => depth = depth.saturating_sub(1),
            Kind::Other => {}
        }
        prev_end = tag.end;
        prev_strips = tag.strips_after;
        at = tag.end;
    }
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `{{#name}}` or `{{^name}}`: a block opens.
    Open,
    /// `{{/name}}`.
    Close,
    /// Anything else: a value, `{{else}}`, a partial, a comment, a raw block.
    Other,
}

pub(crate) struct Tag {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) kind: Kind,
    /// `{{~`: the whitespace before the tag is stripped.
    pub(crate) strips_before: bool,
    /// `~}}`: the whitespace after the tag is stripped.
    pub(crate) strips_after: bool,
}

/// The next tag at or after `at`: `Ok(None)` at the end of the source, and `None` (keep the
/// template whole) when a tag, comment or raw block is never closed.
pub(crate) fn next_tag(src: &str, mut at: usize) -> Option<Option<Tag>> {
    loop {
        let Some(found) = src[at..].find("{{") else {
            return Some(None);
        };
        let start = at + found;
        // As handlebars reads escapes: one backslash before `{{` makes it (and a `{{` right
        // after it) text; two or more are text themselves, and the tag is real.
        let backslashes = src[at..start].len() - src[at..start].trim_end_matches('\\').len();
        if backslashes == 1 {
            at = start + 2;
            if src[at..].starts_with("{{") {
                at += 2;
            }
            continue;
        }
        let rest = &src[start..];
        if let Some(raw) = rest.strip_prefix("{{{{") {
            // A raw block: its body is text up to the matching `{{{{/name}}}}`.
            let name = super::blocks::word(raw.trim_start_matches('~'));
            let close = format!("{{{{{{{{/{name}}}}}}}}}");
            let end = start + rest.find(&close)? + close.len();
            return Some(Some(Tag {
                start,
                end,
                kind: Kind::Other,
                strips_before: raw.starts_with('~'),
                strips_after: src[..end - 4].ends_with('~'),
            }));
        }
        let after_open = rest[2..].trim_start_matches('{');
        let strips_before = after_open.starts_with('~');
        let inner = after_open.trim_start_matches('~').trim_start();
        let close = if inner.starts_with("!--") {
            "--}}"
        } else {
            "}}"
        };
        let mut end = start + 2 + rest[2..].find(close)? + close.len();
        let strips_after = src[..end - 2].ends_with('~');
        if src[end..].starts_with('}') && rest.starts_with("{{{") {
            end += 1;
        }
        let kind = if let Some(body) = inner.strip_prefix('#') {
            Kind::Open.only_if(!body.trim_start().is_empty())
        } else if let Some(body) = inner.strip_prefix('^') {
            // `{{^}}` alone is an `{{else}}`.
            let name = super::blocks::word(body.trim_start());
            Kind::Open.only_if(!name.is_empty())
        } else if inner.starts_with('/') {
            Kind::Close
        } else {
            Kind::Other
        };
        return Some(Some(Tag {
            start,
            end,
            kind,
            strips_before,
            strips_after,
        }));
    }
}

impl Kind {
    fn only_if(self, holds: bool) -> Kind {
        if holds { self } else { Kind::Other }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first line (1-based) of every piece after the first.
    fn cuts(src: &str) -> Vec<usize> {
        let chunks = split(src, 1);
        assert_eq!(chunks.iter().map(|c| c.src).collect::<String>(), src);
        chunks.iter().skip(1).map(|c| c.lines_before + 1).collect()
    }

    #[test]
    fn cuts_only_where_no_block_is_open() {
        let src = "a\n{{#if x}}\nb\n{{else}}\nc\n{{/if}}\nd {{y}}\ne\n";
        assert_eq!(cuts(src), vec![2, 7, 8]);
        let nested = "{{#each xs}}\n{{#if this}}\n{{/if}}\n{{/each}}\nz\n";
        assert_eq!(cuts(nested), vec![5]);
        let inverse = "{{^ok}}\nno\n{{/ok}}\n{{^}}\nq\n";
        assert_eq!(cuts(inverse), vec![4, 5]);
    }

    #[test]
    fn groups_lines_into_pieces_of_the_given_size() {
        let src = "1\n2\n3\n4\n5\n6\n7";
        let chunks = split(src, 3);
        let firsts: Vec<usize> = chunks.iter().map(|c| c.lines_before).collect();
        assert_eq!(firsts, vec![0, 3, 6]);
        assert_eq!(chunks[1].src, "4\n5\n6\n");
    }

    #[test]
    fn never_cuts_inside_tags_comments_or_raw_blocks() {
        let comment = "{{!-- {{#if x}}\n}}\n --}}\nb\n";
        assert_eq!(cuts(comment), vec![4]);
        let raw = "{{{{raw}}}}\n{{#if}}\n{{{{/raw}}}}\nb\n";
        assert_eq!(cuts(raw), vec![4]);
        let long_tag = "{{join\n xs\n \",\"}}\nb\n";
        assert_eq!(cuts(long_tag), vec![4]);
        let escaped = "\\{{#if x}}\nb\n";
        assert_eq!(cuts(escaped), vec![2]);
        // Two backslashes are text, and the tag after them is real.
        let doubled = "\\\\{{!-- a\n --}}\nb\n";
        assert_eq!(cuts(doubled), vec![3]);
        // One backslash makes `{{` text, and a `{{` right after it.
        let four = "{{#if x}}\n\\{{{{/if}}}}\nb\n{{/if}}\nc\n";
        assert_eq!(cuts(four), vec![5]);
    }

    #[test]
    fn never_cuts_where_a_tilde_strips_across() {
        assert_eq!(cuts("{{x~}}\n\nb\n"), vec![3]);
        assert_eq!(cuts("a\n\n  {{~x}}\nb\n"), vec![4]);
        assert_eq!(cuts("a\n{{x}}\n"), vec![2]);
    }

    #[test]
    fn keeps_whole_what_cannot_be_cut() {
        assert!(cuts("{{#*inline \"p\"}}\nx\n{{/inline}}\n{{> p}}\n").is_empty());
        assert_eq!(cuts("a\n{{#if x}}\nb\n"), vec![2]);
        assert!(cuts("a\n{{{{raw}}}}\nb\n").is_empty());
        assert!(cuts("a\n{{x\nb\n").is_empty());
    }
}
