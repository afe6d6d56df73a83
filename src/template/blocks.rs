//! Where a block that is never closed was opened. Handlebars' parser reports an unclosed
//! `{{#if}}` at the end of the file, which says nothing useful about a long template; this scan
//! of the source pairs every `{{#name}}` with its `{{/name}}` and returns the opening left over.

/// A block opened and never closed: its helper name and the 1-based position of its `{{`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclosed {
    /// The block's name (`if`, `each`, a partial block's partial...).
    pub name: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// The innermost block of `src` that is opened and never closed, if any. Comments, raw blocks
/// (`{{{{raw}}}}...{{{{/raw}}}}`) and escaped mustaches (`\{{`) are skipped.
pub fn unclosed(src: &str) -> Option<Unclosed> {
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut at = 0;
    while let Some(found) = src[at..].find("{{") {
        let start = at + found;
        if start > 0 && src.as_bytes()[start - 1] == b'\\' {
            at = start + 2;
            continue;
        }
        let rest = &src[start..];
        if let Some(raw) = rest.strip_prefix("{{{{") {
            // A raw block: its body is text up to the matching `{{{{/name}}}}`.
            let name = word(raw.trim_start_matches('~'));
            let close = format!("{{{{{{{{/{name}}}}}}}}}");
            match rest.find(&close) {
                Some(end) => at = start + end + close.len(),
                None => {
                    open.push((name.to_string(), start));
                    break;
                }
            }
            continue;
        }
        let inner = rest[2..].trim_start_matches(['~', '{']).trim_start();
        if inner.starts_with("!--") {
            at = match rest.find("--}}") {
                Some(end) => start + end + 4,
                None => src.len(),
            };
            continue;
        }
        let end = rest.find("}}").map_or(src.len(), |e| start + e + 2);
        if let Some(body) = inner.strip_prefix('#') {
            let body = body.trim_start_matches(['>', '*']).trim_start();
            let name = word(body);
            if !name.is_empty() {
                open.push((name.to_string(), start));
            }
        } else if let Some(body) = inner.strip_prefix('/') {
            let name = word(body.trim_start());
            if let Some(i) = open.iter().rposition(|(n, _)| n == name) {
                open.truncate(i);
            }
        }
        at = end;
    }
    let (name, offset) = open.pop()?;
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    Some(Unclosed { name, line, column })
}

/// The name at the start of `s`: up to whitespace, `}` or `~`.
pub(super) fn word(s: &str) -> &str {
    let end = s
        .find(|c: char| c.is_whitespace() || c == '}' || c == '~' || c == ')')
        .unwrap_or(s.len());
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(src: &str) -> Option<(String, usize, usize)> {
        unclosed(src).map(|u| (u.name, u.line, u.column))
    }

    #[test]
    fn finds_the_opening_that_is_never_closed() {
        let src = "a\n{{#if x}}\n  {{#each xs}}{{this}}{{/each}}\nend\n";
        assert_eq!(at(src), Some(("if".into(), 2, 1)));
        let nested = "{{#if a}}\n  x {{#unless b}}y\n";
        assert_eq!(at(nested), Some(("unless".into(), 2, 5)));
    }

    #[test]
    fn closed_blocks_comments_raw_blocks_and_escapes_are_fine() {
        assert_eq!(
            at("{{#if x}}a{{else}}b{{/if}} {{~#with y~}}{{/with}}"),
            None
        );
        assert_eq!(at("{{!-- {{#if x}} --}} {{! {{#if}} }}"), None);
        assert_eq!(at("{{{{raw}}}}{{#if x}}{{{{/raw}}}}"), None);
        assert_eq!(at(r"\{{#if x}}"), None);
        assert_eq!(at("{{#> layout}}body{{/layout}}"), None);
    }
}
