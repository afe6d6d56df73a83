//! A parser for the handlebars that blueprints write most: text (with `\{{` escapes),
//! `{{expressions}}`, blocks (`{{#if}}`, `{{#each}}`...) with `{{else}}` and `{{else if}}`,
//! their closing tags, and partials by name (`{{> name}}`). It builds the very template that
//! handlebars' own parser builds, element for element and position for position, in one pass
//! over the source; `tag` reads the inside of each tag. A source with anything else (comments,
//! raw blocks, partials with arguments, whitespace control with `~`, triple braces,
//! decorators, a tag `tag` does not read) or with an error is declined, and handlebars parses
//! it whole.
//!
//! The rules it follows are handlebars' own (`Template::compile2` in handlebars 6): the
//! whitespace its grammar skips between elements, a trailing run of whitespace becoming its own
//! text element, standalone block and partial tags taking their line's indentation and
//! newline, a partial keeping the blanks before it as its indent, an escape losing its first
//! backslash, and the order in which `else if` chains are linked.

use super::tag::{Head, Parts, identifier};
use handlebars::template::{
    DecoratorTemplate, ExpressionSpec, ExpressionSpecBuilder, HelperTemplate, Parameter, Template,
    TemplateElement, TemplateMapping,
};
use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::OnceLock;

/// Tag text -> what handlebars makes of its inside, for the tags seen by this process
/// (blueprints repeat their tags, and a condition is read when the manifest is checked and
/// again when it is evaluated).
static SPECS: super::Memo<Option<ExpressionSpec>> = OnceLock::new();

/// A mapping entry at the given place. handlebars makes these only in its own parser, and
/// copying one it made would cost every process a parse with its grammar, so one is made here.
fn mapping(line: usize, col: usize) -> TemplateMapping {
    // SAFETY: `TemplateMapping` is a tuple struct of two public `usize` fields: `transmute`
    // checks at compile time that it is exactly two words, any bits are a valid `usize`, and
    // both fields are then set by name, so their order in memory does not matter. A field of
    // another type or a third field fails to compile here. The unit test `mappings_match`
    // compares the result with one handlebars made.
    #[allow(unsafe_code)]
    let mut m: TemplateMapping = unsafe { std::mem::transmute([0usize; 2]) };
    m.0 = line;
    m.1 = col;
    m
}

/// What a tag is, by its first characters.
enum Tag<'a> {
    /// `{{name args}}`.
    Expression,
    /// `{{#name args}}`, with the name.
    Open(&'a str),
    /// `{{else}}` or `{{^}}`.
    Else,
    /// `{{else name args}}`.
    ElseChain,
    /// `{{/name}}`, with the name.
    Close(&'a str),
    /// `{{> name}}`, with the name.
    Partial(&'a str),
}

/// The template handlebars makes of `src`, or `None` when `src` holds something this parser
/// leaves to handlebars.
pub(super) fn parse(src: &str, name: Option<&str>) -> Option<Template> {
    let mut p = Parser {
        src,
        stack: VecDeque::from([Template::new()]),
        open: VecDeque::new(),
        trim_line: false,
        prev_end: 0,
        at: Cursor::START,
    };
    let mut pos = 0;
    loop {
        let (tag_start, escapes) = next_tag(src, pos);
        let text_end = tag_start.unwrap_or(src.len());
        // The grammar skips whitespace between elements, except before the very first.
        let text_start = if pos == 0 {
            0
        } else {
            pos + src[pos..text_end].len() - src[pos..text_end].trim_start_matches(is_ws).len()
        };
        if text_start < text_end {
            p.raw_text(text_start, text_end, &escapes)?;
        }
        let Some(start) = tag_start else {
            p.trailing(src.len())?;
            break;
        };
        let end = find_pair(src, start, b'}')? + 2;
        let tag = &src[start..end];
        let body = tag[2..tag.len() - 2].trim_matches(is_ws);
        match classify(tag, body)? {
            Tag::Expression => p.expression(start, end, spec_of(tag, body, Head::Expression)?)?,
            Tag::Open(helper) => {
                let inside = body.get(1..).unwrap_or_default();
                p.open(start, end, spec_of(tag, inside, Head::Helper)?, helper)?;
            }
            Tag::Else => p.inverse(start, end, None)?,
            Tag::ElseChain => {
                let inside = body.get(4..).unwrap_or_default();
                p.inverse(start, end, Some(spec_of(tag, inside, Head::Helper)?))?;
            }
            Tag::Close(helper) => p.close(start, end, helper)?,
            Tag::Partial(partial) => p.partial(start, end, partial)?,
        }
        pos = end;
    }
    if !p.open.is_empty() || p.stack.len() != 1 {
        return None;
    }
    let mut root = p.stack.pop_front()?;
    root.name = name.map(str::to_string);
    Some(root)
}

/// Where `cc` (`{{` or `}}`) next occurs in `src` at or after `from`: a search for one byte,
/// which is much cheaper than a search for two for the short texts between tags.
fn find_pair(src: &str, from: usize, c: u8) -> Option<usize> {
    let bytes = src.as_bytes();
    let mut at = from;
    loop {
        at += memchr::memchr(c, bytes.get(at..)?)?;
        if bytes.get(at + 1) == Some(&c) {
            return Some(at);
        }
        at += 1;
    }
}

/// The next tag at or after `from`, and the backslashes before it that the grammar's escapes
/// remove. A lone backslash before `{{` (and `{{{{`) makes the braces text; two or more make
/// the first of them go, and the braces open a tag.
fn next_tag(src: &str, from: usize) -> (Option<usize>, Vec<usize>) {
    let bytes = src.as_bytes();
    let mut escapes = Vec::new();
    let mut search = from;
    while let Some(at) = find_pair(src, search, b'{') {
        let run = bytes[from..at]
            .iter()
            .rev()
            .take_while(|b| **b == b'\\')
            .count();
        match run {
            0 => return (Some(at), escapes),
            1 => {
                escapes.push(at - 1);
                search = if bytes.get(at + 2..at + 4) == Some(b"{{") {
                    at + 4
                } else {
                    at + 2
                };
            }
            _ => {
                escapes.push(at - run);
                return (Some(at), escapes);
            }
        }
    }
    (None, escapes)
}

/// The grammar's whitespace.
fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// What `tag` (with `body`, its inside without the braces and whitespace) is; `None` for what
/// this parser leaves to handlebars.
fn classify<'a>(tag: &'a str, body: &'a str) -> Option<Tag<'a>> {
    if tag.contains('~') || tag.starts_with("{{{") || tag[2..].contains("{{") {
        return None;
    }
    let first = body.chars().next()?;
    if matches!(first, '!' | '&' | '*' | '{' | '^' | '"' | '\'') {
        return None;
    }
    if body == "else" {
        return Some(Tag::Else);
    }
    if let Some(rest) = body.strip_prefix("else") {
        // `else` followed by anything but whitespace is still an `else` tag to the grammar.
        return rest.starts_with(is_ws).then_some(Tag::ElseChain);
    }
    if let Some(rest) = body.strip_prefix('#') {
        let rest = rest.trim_start_matches(is_ws);
        if rest.starts_with(['*', '>']) {
            return None;
        }
        let helper = identifier(rest)?;
        return Some(Tag::Open(helper));
    }
    if let Some(rest) = body.strip_prefix('>') {
        let partial = rest.trim_start_matches(is_ws);
        let plain = !partial.is_empty()
            && partial
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
        return plain.then_some(Tag::Partial(partial));
    }
    if let Some(rest) = body.strip_prefix('/') {
        let helper = rest.trim_start_matches(is_ws);
        return (identifier(helper)? == helper).then_some(Tag::Close(helper));
    }
    Some(Tag::Expression)
}

/// The expression of `tag` (whose inside is `inside`), each distinct tag read once per
/// process.
fn spec_of(tag: &str, inside: &str, head: Head) -> Option<ExpressionSpec> {
    let make = || Ok::<_, Infallible>(super::tag::parts(inside, head).and_then(spec));
    let Ok(spec) = super::remembered(&SPECS, tag, make);
    spec
}

fn spec(parts: Parts) -> Option<ExpressionSpec> {
    // The builder's `build` clones every part it was given; an empty spec built once is
    // cloned (nothing to allocate) and given the parts instead.
    static EMPTY: OnceLock<Option<ExpressionSpec>> = OnceLock::new();
    let mut spec = EMPTY
        .get_or_init(|| {
            ExpressionSpecBuilder::default()
                .name(Parameter::Name(String::new()))
                .params(Vec::new())
                .hash(HashMap::new())
                .omit_pre_ws(false)
                .omit_pro_ws(false)
                .build()
                .ok()
        })
        .clone()?;
    spec.name = parts.name;
    spec.params = parts.params;
    spec.hash = parts.hash;
    spec.block_param = parts.block_param;
    Some(spec)
}

/// Line and column (1-based, in characters, `\r\n` one newline) of increasing offsets.
#[derive(Clone, Copy)]
struct Cursor {
    pos: usize,
    line: usize,
    col: usize,
}

impl Cursor {
    const START: Cursor = Cursor {
        pos: 0,
        line: 1,
        col: 1,
    };
}

/// A block being read: its helper, and whether its plain `{{else}}` was seen (the grammar
/// allows one, after every `{{else if}}`).
struct Open {
    helper: HelperTemplate,
    plain_else: bool,
}

/// The state of handlebars' compiler, for the subset this parser reads.
struct Parser<'a> {
    src: &'a str,
    /// The templates being built, innermost first.
    stack: VecDeque<Template>,
    /// The blocks open, innermost first.
    open: VecDeque<Open>,
    /// After a standalone tag: the next text loses its leading blanks and first newline.
    trim_line: bool,
    /// Where the previous element ended.
    prev_end: usize,
    at: Cursor,
}

impl Parser<'_> {
    /// The mapping entry (line and column) of the offset `pos`.
    fn at(&mut self, pos: usize) -> Option<TemplateMapping> {
        if pos < self.at.pos {
            self.at = Cursor::START;
        }
        let skipped = &self.src[self.at.pos..pos];
        match skipped.rfind('\n') {
            Some(nl) => {
                self.at.line += skipped.matches('\n').count();
                self.at.col = 1 + skipped[nl + 1..].chars().count();
            }
            None => self.at.col += skipped.chars().count(),
        }
        self.at.pos = pos;
        Some(mapping(self.at.line, self.at.col))
    }

    fn push(&mut self, element: TemplateElement, pos: usize) -> Option<()> {
        let at = self.at(pos)?;
        let t = self.stack.front_mut()?;
        t.elements.push(element);
        t.mapping.push(at);
        Some(())
    }

    /// Text before an element that the grammar skipped over (whitespace only).
    fn trailing(&mut self, start: usize) -> Option<()> {
        if start != self.prev_end {
            let text = raw_string(&self.src[self.prev_end..start], self.trim_line);
            self.push(TemplateElement::RawString(text), start)?;
            self.trim_line = false;
        }
        Some(())
    }

    fn raw_text(&mut self, start: usize, end: usize, escapes: &[usize]) -> Option<()> {
        let text = if escapes.is_empty() {
            raw_string(&self.src[self.prev_end..end], self.trim_line)
        } else {
            let mut unescaped = String::with_capacity(end - self.prev_end);
            let mut from = self.prev_end;
            for &backslash in escapes {
                unescaped.push_str(self.src.get(from..backslash)?);
                from = backslash + 1;
            }
            unescaped.push_str(self.src.get(from..end)?);
            raw_string(&unescaped, self.trim_line)
        };
        self.push(TemplateElement::RawString(text), start)?;
        self.trim_line = false;
        self.prev_end = end;
        Some(())
    }

    fn expression(&mut self, start: usize, end: usize, spec: ExpressionSpec) -> Option<()> {
        self.trailing(start)?;
        let h = HelperTemplate::new(spec, false, false);
        self.push(TemplateElement::Expression(Box::new(h)), start)?;
        self.prev_end = end;
        Some(())
    }

    fn open(&mut self, start: usize, end: usize, spec: ExpressionSpec, helper: &str) -> Option<()> {
        self.trailing(start)?;
        if spec.name.as_name() != Some(helper) {
            return None;
        }
        self.trim_line = self.standalone(start, end)?;
        let helper = HelperTemplate::new(spec, true, self.trim_line);
        self.open.push_front(Open {
            helper,
            plain_else: false,
        });
        // Handlebars records a block's place when it opens, and adds the block when it closes.
        let at = self.at(start)?;
        self.stack.front_mut()?.mapping.push(at);
        self.stack.push_front(Template::new());
        self.prev_end = end;
        Some(())
    }

    /// `{{else}}` (no expression) or `{{else name args}}`.
    fn inverse(&mut self, start: usize, end: usize, chain: Option<ExpressionSpec>) -> Option<()> {
        self.trailing(start)?;
        self.trim_line = self.standalone(start, end)?;
        let open = self.open.front_mut()?;
        if open.plain_else || self.stack.len() < 2 {
            return None;
        }
        open.plain_else = chain.is_none();
        let body = self.stack.pop_front()?;
        let indent = self.trim_line;
        let h = &mut open.helper;
        if chain.is_some() {
            h.chain = true;
        }
        set_chain_template(h, body);
        if let Some(spec) = chain {
            let mut node = Box::new(HelperTemplate::new_chain(spec, true, indent));
            node.inverse = h.inverse.take();
            let mut holder = Template::new();
            holder.elements.push(TemplateElement::HelperBlock(node));
            h.inverse = Some(holder);
        }
        self.stack.push_front(Template::new());
        self.prev_end = end;
        Some(())
    }

    fn close(&mut self, start: usize, end: usize, helper: &str) -> Option<()> {
        self.trailing(start)?;
        self.trim_line = self.standalone(start, end)?;
        let mut h = self.open.pop_front()?.helper;
        if h.name.as_name() != Some(helper) || self.stack.len() < 2 {
            return None;
        }
        let body = self.stack.pop_front()?;
        revert_chain_and_set(&mut h, body);
        self.stack
            .front_mut()?
            .elements
            .push(TemplateElement::HelperBlock(Box::new(h)));
        self.prev_end = end;
        Some(())
    }

    /// `{{> name}}`: standalone like a block tag, and indented by the blanks before it.
    fn partial(&mut self, start: usize, end: usize, name: &str) -> Option<()> {
        self.trailing(start)?;
        self.trim_line = self.standalone(start, end)?;
        let before = &self.src[..start];
        let blanks = &before[before.trim_end_matches([' ', '\t']).len()..];
        let exp = spec(Parts {
            name: Parameter::Name(name.to_string()),
            params: Vec::new(),
            hash: HashMap::new(),
            block_param: None,
        })?;
        let mut partial = DecoratorTemplate::new(exp, self.trim_line);
        partial.indent = (!blanks.is_empty()).then(|| blanks.to_string());
        self.push(TemplateElement::PartialExpression(Box::new(partial)), start)?;
        self.prev_end = end;
        Some(())
    }

    /// Whether the tag at `start..end` stands alone on its line; if so, the blanks before it
    /// on its line leave the text before it.
    fn standalone(&mut self, start: usize, end: usize) -> Option<bool> {
        let after = &self.src[end..];
        if !(starts_with_empty_line(after) || after.is_empty()) {
            return Some(false);
        }
        let leading = ends_with_empty_line(&self.src[..start]);
        if leading
            && let Some(TemplateElement::RawString(text)) =
                self.stack.front_mut()?.elements.last_mut()
        {
            let kept = text.trim_end_matches([' ', '\t']).len();
            text.truncate(kept);
        }
        Some(start == 0 || leading)
    }
}

fn starts_with_empty_line(s: &str) -> bool {
    s.trim_start_matches([' ', '\t']).starts_with(['\n', '\r'])
}

fn ends_with_empty_line(s: &str) -> bool {
    let s = s.trim_end_matches([' ', '\t']);
    s.ends_with(['\n', '\r']) || s.is_empty()
}

/// Text as an element: after a standalone tag, without its leading blanks and first newline.
fn raw_string(text: &str, trim_line: bool) -> String {
    if !trim_line {
        return text.to_string();
    }
    let s = text.trim_start_matches([' ', '\t']);
    let s = s
        .strip_prefix("\r\n")
        .or_else(|| s.strip_prefix('\n'))
        .unwrap_or(s);
    s.to_string()
}

/// The body before an `{{else}}` goes to the head of the `else if` chain, or to the block.
fn set_chain_template(h: &mut HelperTemplate, body: Template) {
    match chain_head(h) {
        Some(head) => head.template = Some(body),
        None => h.template = Some(body),
    }
}

fn chain_head(h: &mut HelperTemplate) -> Option<&mut Box<HelperTemplate>> {
    if !h.chain {
        return None;
    }
    match h.inverse.as_mut()?.elements.as_mut_slice() {
        [TemplateElement::HelperBlock(head)] => Some(head),
        _ => None,
    }
}

/// At `{{/name}}`: the last body goes where handlebars puts it, and the `else if` chain, built
/// newest first, is put in source order.
fn revert_chain_and_set(h: &mut HelperTemplate, last: Template) {
    if h.chain {
        let mut prev = None;
        if let Some(head) = chain_head(h) {
            if head.template.is_some() {
                prev = Some(last);
            } else {
                head.template = Some(last);
            }
        }
        while let Some(mut node) = h.inverse.take() {
            if let [TemplateElement::HelperBlock(c)] = node.elements.as_mut_slice() {
                h.inverse = c.inverse.take();
                c.inverse = prev;
                prev = Some(node);
            }
        }
        h.inverse = prev;
    } else if h.template.is_some() {
        h.inverse = Some(last);
    } else {
        h.template = Some(last);
    }
}

#[cfg(test)]
mod tests {
    use super::super::samples;
    use super::*;

    fn same(src: &str) {
        let whole = Template::compile_with_name(src, "t".to_string()).ok();
        assert_eq!(
            parse(src, Some("t")).as_ref(),
            whole.as_ref(),
            "source: {src:?}"
        );
    }

    fn declines(src: &str) {
        assert!(parse(src, Some("t")).is_none(), "taken: {src:?}");
    }

    #[test]
    fn mappings_match() {
        let t = Template::compile("ab\n  {{x}}").unwrap();
        assert_eq!(t.mapping.len(), 2);
        assert_eq!(mapping(1, 1), t.mapping[0]);
        assert_eq!(mapping(2, 3), t.mapping[1]);
        assert_ne!(mapping(2, 3), mapping(3, 2));
    }

    #[test]
    fn text_expressions_and_blocks_are_read_as_handlebars_reads_them() {
        same("plain");
        same("  lead {{a}} and {{upper b}}\n");
        same(
            "{{#if a}}\n  yes {{b}}\n{{else if (eq c \"d\")}}\n  maybe\n  {{else}}  \nno\n{{/if}}\n",
        );
        same("{{#each xs}}{{this}},{{/each}}\r\n{{#unless a}}\r\n  x\r\n{{/unless}}\r\n");
        same("x\n  {{#if a}}\n{{#if b}}\n\n{{/if}}\n  {{/if}}  \n{{a}}   ");
        same("é {{a}}\n\t{{#with a as |b|}}{{b}}{{/with}}");
    }

    #[test]
    fn escapes_and_partials_are_read_as_handlebars_reads_them() {
        same("\\{{a}}");
        same("x: $\\{{ secrets.A }} {{b}}\n");
        same("\\{{{{a}}}} {{b}} \\{{{c}} \\\\{{d}} \\\\\\{{e}}");
        same("a\\b \\\\ {{c}}\\");
        same("{{#if a}}\n  \\{{x}}\n{{/if}}\n");
        same("{{> p}}");
        same("{{>p}}\n  {{> p-2_x}}\n\t{{ > q }}  \nafter {{> r}} {{a}}\n");
        same("{{#if a}}\n    {{> p}}\n{{/if}}\n  {{> p}}");
    }

    #[test]
    fn anything_else_is_left_to_handlebars() {
        declines("{{> partial arg}}");
        declines("{{> a/b}}");
        declines("{{#> layout}}{{/layout}}");
        declines("{{! comment }}");
        declines("{{~a}}");
        declines("{{{a}}}");
        declines("{{#if a}}open");
        declines("{{#if a}}{{/each}}");
        declines("{{#if a}}{{else}}{{else}}{{/if}}");
        declines("{{else}}");
        declines("{{elsewhere}}");
        declines("{{a \"}}\"}}");
    }

    #[test]
    fn random_templates_compile_to_the_same_template() {
        let escaped = std::cell::Cell::new(0);
        let partials = std::cell::Cell::new(0);
        let fast = samples::random_agree(4000, |src| {
            let t = parse(src, Some("t"))?;
            escaped.set(escaped.get() + usize::from(src.contains("\\{{")));
            partials.set(partials.get() + usize::from(src.contains('>')));
            Some(t)
        });
        assert!(fast > 700, "only {fast} sources were read");
        let (escaped, partials) = (escaped.get(), partials.get());
        assert!(
            escaped > 100,
            "only {escaped} sources with escapes were read"
        );
        assert!(
            partials > 25,
            "only {partials} sources with partials were read"
        );
    }

    #[test]
    fn every_built_in_template_compiles_to_the_same_template() {
        let fast = samples::built_ins_agree(|src| parse(src, Some("t")));
        assert!(fast > 400, "only {fast} were read");
    }
}
