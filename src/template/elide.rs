//! Plain text kept away from the handlebars parser. The parser walks text one character at a
//! time through its whole grammar, so it spends most of a render on lines that hold no tag.
//! Before a source is parsed, each long run of whole lines between two tags is replaced by one
//! marker character; after parsing, every marker in the parsed template's text is replaced by
//! the run it stands for, and the recorded line of every element after it is moved down by the
//! lines it took. The result is the template handlebars makes of the whole source.
//!
//! Why that holds: handlebars looks at text only at its ends. Whitespace control (`~`) strips
//! whitespace up to the first other character, a standalone tag looks at its own line, and an
//! escape (`\{{`) is a backslash right before a tag. A run starts after the first newline of the
//! text and ends before its last one (so both lines next to a tag stay), and it starts and ends
//! with a character that is not whitespace, so none of those rules reaches into it. Anything the
//! restore cannot place (a marker that landed somewhere other than plain text) makes the source
//! be parsed whole instead, as does a parse error, so errors keep their exact positions.

use handlebars::template::{Template, TemplateElement};

/// The first marker: one character of the supplementary private use area per run.
const FIRST_MARK: u32 = 0xF0000;
/// How many markers there are (U+F0000 to U+FFFFD).
const MARKS: usize = 0xFFFE;
/// Runs shorter than this (in bytes) stay in the source: they cost the parser little.
const SHORTEST_RUN: usize = 24;

/// A run of text taken out of the source.
struct Run<'a> {
    text: &'a str,
    /// The line (1-based) of its marker in the elided source.
    line: usize,
    /// The newlines it holds: the lines after its marker move down by this many.
    newlines: usize,
}

/// The template of `src` parsed with its long runs of text taken out; `None` when there are
/// none, or the elided source does not parse, or a run cannot be put back.
pub(super) fn elided(src: &str, name: Option<&str>) -> Option<Template> {
    let (elided, runs) = elide(src)?;
    let compiled = match name {
        Some(name) => Template::compile_with_name(&elided, name.to_string()),
        None => Template::compile(&elided),
    };
    let mut template = compiled.ok()?;
    restore(&mut template, &runs).then_some(template)
}

/// `src` with each long run of plain text replaced by a marker, and the runs; `None` when there
/// is nothing to take out, or the source cannot be read safely (a marker character in it, a
/// tag never closed).
fn elide(src: &str) -> Option<(String, Vec<Run<'_>>)> {
    // Characters from U+F0000 up are encoded starting with byte 0xF3 or 0xF4.
    if src.bytes().any(|b| b >= 0xF3) {
        return None;
    }
    let mut out = String::with_capacity(src.len());
    let mut runs: Vec<Run<'_>> = Vec::new();
    let mut copied = 0;
    let mut line = 1;
    let mut at = 0;
    loop {
        let tag = super::chunks::next_tag(src, at)?;
        let text_end = tag.as_ref().map_or(src.len(), |t| t.start);
        if let Some((start, end)) = interior(&src[at..text_end]) {
            if runs.len() == MARKS {
                return None;
            }
            let (start, end) = (at + start, at + end);
            let before = &src[copied..start];
            line += before.matches('\n').count();
            out.push_str(before);
            out.push(mark(runs.len())?);
            let text = &src[start..end];
            runs.push(Run {
                text,
                line,
                newlines: text.matches('\n').count(),
            });
            copied = end;
        }
        match tag {
            Some(tag) => at = tag.end,
            None => break,
        }
    }
    if runs.is_empty() {
        return None;
    }
    out.push_str(&src[copied..]);
    Some((out, runs))
}

/// The run to take out of a text between two tags, as offsets in it: its lines after the first
/// and before the last, without the whitespace at either end.
fn interior(text: &str) -> Option<(usize, usize)> {
    let first = text.find('\n')? + 1;
    let last = text.rfind('\n')?;
    let middle = text.get(first..last)?;
    let body = middle.trim();
    if body.len() < SHORTEST_RUN || body.contains("{{") {
        return None;
    }
    let start = first + (middle.len() - middle.trim_start().len());
    Some((start, start + body.len()))
}

fn mark(index: usize) -> Option<char> {
    char::from_u32(FIRST_MARK + u32::try_from(index).ok()?)
}

/// Puts every run back into `template`; false when a marker is missing, found twice, or found
/// anywhere but in plain text.
fn restore(template: &mut Template, runs: &[Run<'_>]) -> bool {
    let mut placed = vec![false; runs.len()];
    restore_in(template, runs, &mut placed) && placed.iter().all(|p| *p)
}

fn restore_in(template: &mut Template, runs: &[Run<'_>], placed: &mut [bool]) -> bool {
    for at in &mut template.mapping {
        at.0 += moved(runs, at.0);
    }
    template.elements.iter_mut().all(|element| match element {
        TemplateElement::RawString(text) => put_back(text, runs, placed),
        TemplateElement::Comment(text) => !has_mark(text),
        TemplateElement::HelperBlock(h) => h
            .template
            .iter_mut()
            .chain(h.inverse.iter_mut())
            .all(|t| restore_in(t, runs, placed)),
        TemplateElement::DecoratorBlock(d) | TemplateElement::PartialBlock(d) => {
            d.template.iter_mut().all(|t| restore_in(t, runs, placed))
        }
        TemplateElement::Expression(_)
        | TemplateElement::HtmlExpression(_)
        | TemplateElement::DecoratorExpression(_)
        | TemplateElement::PartialExpression(_) => true,
        // A kind of element this code does not know: parse the source whole.
        _ => false,
    })
}

/// How many lines an element recorded at `line` of the elided source moves down: the newlines
/// of every run whose marker is on an earlier line.
fn moved(runs: &[Run<'_>], line: usize) -> usize {
    runs.iter()
        .take_while(|r| r.line < line)
        .map(|r| r.newlines)
        .sum()
}

fn has_mark(text: &str) -> bool {
    text.chars().any(|c| u32::from(c) >= FIRST_MARK)
}

/// Replaces the markers in `text` by their runs; false when one was placed before.
fn put_back(text: &mut String, runs: &[Run<'_>], placed: &mut [bool]) -> bool {
    if !has_mark(text) {
        return true;
    }
    let extra: usize = runs.iter().map(|r| r.text.len()).sum();
    let mut out = String::with_capacity(text.len() + extra);
    for c in text.chars() {
        let index = (u32::from(c))
            .checked_sub(FIRST_MARK)
            .and_then(|i| usize::try_from(i).ok())
            .filter(|i| *i < runs.len());
        match index {
            Some(i) if !placed[i] => {
                placed[i] = true;
                out.push_str(runs[i].text);
            }
            Some(_) => return false,
            None => out.push(c),
        }
    }
    *text = out;
    true
}

#[cfg(test)]
mod tests {
    use super::super::samples::{self, LONG};
    use super::*;

    fn compile(src: &str, name: &str) -> Result<Template, handlebars::TemplateError> {
        match elided(src, Some(name)) {
            Some(template) => Ok(template),
            None => Template::compile_with_name(src, name.to_string()),
        }
    }

    /// Compiles `src` both ways and checks that the templates are the same, and whether the
    /// fast way was taken (`elides`).
    fn same(src: &str, elides: bool) {
        let whole = Template::compile_with_name(src, "t".to_string());
        let fast = compile(src, "t");
        match (whole, fast) {
            (Ok(whole), Ok(fast)) => assert_eq!(whole, fast, "source:\n{src}"),
            (Err(whole), Err(fast)) => assert_eq!(whole.to_string(), fast.to_string()),
            (whole, fast) => panic!("{src:?}: whole {whole:?}, fast {fast:?}"),
        }
        assert_eq!(
            elided(src, Some("t")).is_some(),
            elides,
            "elided or not: {src:?}"
        );
    }

    #[test]
    fn text_between_tags_is_put_back_where_it_was() {
        same(&format!("{{{{a}}}}\n{LONG}\n{LONG}\n{{{{b}}}}\n"), true);
        same(
            &format!("x {{{{a}}}} y\n  {LONG}\n\n  {LONG}  \n  z {{{{b}}}}"),
            true,
        );
        same(&format!("{LONG}\n{LONG}\n{LONG}\n"), true);
    }

    #[test]
    fn blocks_keep_their_standalone_lines_and_their_positions() {
        let src = format!(
            "{{{{#if a}}}}\n{LONG}\n{LONG}\n{{{{else if b}}}}\n{LONG}\n{LONG}\n  {{{{else}}}}  \n{LONG}\n{LONG}\n{{{{/if}}}}\n{{{{#each xs}}}}\n{LONG}\n{LONG}\n{{{{/each}}}}\n{{{{c}}}}\n"
        );
        same(&src, true);
        let crlf = src.replace('\n', "\r\n");
        same(&crlf, true);
    }

    #[test]
    fn whitespace_control_strips_what_it_stripped_before() {
        same(
            &format!("{{{{a~}}}}\n\n   \n{LONG}\n{LONG}\n\n  \n{{{{~b}}}}\n"),
            true,
        );
        same(
            &format!("{{{{#if a~}}}}\n  {LONG}\n{LONG}  \n{{{{~/if}}}}"),
            true,
        );
    }

    #[test]
    fn partials_comments_raw_blocks_and_escapes_are_left_as_they_are() {
        same(
            &format!("{{{{> p}}}}\n{LONG}\n{LONG}\n  {{{{> q}}}}\n"),
            true,
        );
        same(&format!("{{{{!-- x\n{LONG}\n{LONG}\n --}}}}\n"), false);
        same(
            &format!("{{{{{{{{raw}}}}}}}}\n{LONG}\n{{{{x}}}}\n{LONG}\n{{{{{{{{/raw}}}}}}}}\n"),
            false,
        );
        same(
            &format!("a\n{LONG} \\{{{{x}}}}\n{LONG}\n{{{{y}}}}\n"),
            false,
        );
        same(&format!("a\n{LONG}\n{LONG}\n\\\\{{{{y}}}}\n"), false);
    }

    #[test]
    fn a_source_with_marker_characters_or_errors_is_parsed_whole() {
        same(
            &format!("{{{{a}}}}\n{LONG}\u{F0000}\n{LONG}\n{{{{b}}}}\n"),
            false,
        );
        same(
            &format!("{{{{#if a}}}}\n{LONG}\n{LONG}\n{{{{/unless}}}}\n"),
            false,
        );
        same(&format!("{{{{#if a}}}}\n{LONG}\n{LONG}\n{{{{x"), false);
        same(&format!("{{{{#if a}}}}\n{LONG}\n{LONG}\n"), false);
    }

    #[test]
    fn short_runs_stay() {
        same("{{a}}\nshort\nshort\n{{b}}\n", false);
    }

    #[test]
    fn random_templates_compile_to_the_same_template() {
        let fast = samples::random_agree(3000, |src| elided(src, Some("t")));
        assert!(fast > 500, "only {fast} sources took the fast way");
    }

    #[test]
    fn every_built_in_template_compiles_to_the_same_template() {
        let fast = samples::built_ins_agree(|src| elided(src, Some("t")));
        assert!(fast > 20, "only {fast} took the fast way");
    }
}
