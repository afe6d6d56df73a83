//! The handlebars adapter: one registry per render with strict mode on, HTML escaping off, the
//! blueprint's partials and pave's helpers. Templates are compiled once each, in pieces of a
//! bounded number of lines (see `chunks`) rendered one after the other; errors carry the
//! template's name and its position in the whole file.

use handlebars::template::Template;
use handlebars::{Context, Handlebars, Renderable, StringOutput, handlebars_helper};
use heck::{ToKebabCase, ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use super::TemplateError;

/// How many lines with tags are compiled as one piece (cut where a cut is safe): handlebars'
/// parser finds each element's line by counting from the start of its piece, so small pieces
/// keep that cost low. Lines without a tag are never parsed (see [`groups`]).
const CHUNK_LINES: usize = 8;

/// How much template source (in bytes) is compiled on one thread; more is spread over the
/// machine's cores.
const SPREAD_ABOVE: usize = 1 << 20;

handlebars_helper!(starts_with: |s: str, prefix: str| s.starts_with(prefix));
handlebars_helper!(ends_with: |s: str, suffix: str| s.ends_with(suffix));
handlebars_helper!(contains: |haystack: Json, needle: Json| match haystack {
    Json::String(s) => needle.as_str().is_some_and(|n| s.contains(n)),
    Json::Array(items) => items.contains(needle),
    _ => false,
});
handlebars_helper!(upper: |s: str| s.to_uppercase());
handlebars_helper!(lower: |s: str| s.to_lowercase());
handlebars_helper!(kebab: |s: str| s.to_kebab_case());
handlebars_helper!(snake: |s: str| s.to_snake_case());
handlebars_helper!(pascal: |s: str| s.to_upper_camel_case());
handlebars_helper!(camel: |s: str| s.to_lower_camel_case());
handlebars_helper!(json: |v: Json| serde_json::to_string(v).unwrap_or_default());
handlebars_helper!(join: |items: array, sep: str| items
    .iter()
    .map(|item| match item { Json::String(s) => s.clone(), other => other.to_string() })
    .collect::<Vec<_>>()
    .join(sep));
handlebars_helper!(split: |s: str, sep: str| Json::Array(
    s.split(sep).map(str::trim).filter(|p| !p.is_empty()).map(|p| Json::String(p.to_string())).collect()
));

/// Every helper a template may call: handlebars' built-ins, its string helpers, and pave's.
pub const HELPERS: &[&str] = &[
    "if",
    "unless",
    "each",
    "with",
    "lookup",
    "raw",
    "log",
    "eq",
    "ne",
    "gt",
    "gte",
    "lt",
    "lte",
    "and",
    "or",
    "not",
    "len",
    "lowerCamelCase",
    "upperCamelCase",
    "snakeCase",
    "kebabCase",
    "shoutySnakeCase",
    "shoutyKebabCase",
    "titleCase",
    "trainCase",
    "startsWith",
    "endsWith",
    "contains",
    "upper",
    "lower",
    "pascalCase",
    "camelCase",
    "json",
    "join",
    "split",
];

/// A configured handlebars registry, and the compiled templates of files.
pub struct Engine {
    hb: Handlebars<'static>,
    /// Each file template's pieces, in order, with the number of lines before each.
    files: HashMap<String, Vec<(usize, Template)>>,
    /// One-off templates (file names, defaults, conditions) by source: a manifest's conditions
    /// are evaluated again each time the answers they read change. Only those that compile.
    strings: Mutex<HashMap<String, Arc<Template>>>,
    /// The context of the last render, used again while the value it was made from stays the
    /// same (every file of a project renders with the same answers).
    last_context: Mutex<Option<Arc<Context>>>,
}

impl Engine {
    /// A registry with pave's helpers and the given partials.
    pub fn new(partials: &BTreeMap<String, String>) -> Result<Self, TemplateError> {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(handlebars::no_escape);
        hb.register_helper("startsWith", Box::new(starts_with));
        hb.register_helper("endsWith", Box::new(ends_with));
        hb.register_helper("contains", Box::new(contains));
        hb.register_helper("upper", Box::new(upper));
        hb.register_helper("lower", Box::new(lower));
        hb.register_helper("kebabCase", Box::new(kebab));
        hb.register_helper("snakeCase", Box::new(snake));
        hb.register_helper("pascalCase", Box::new(pascal));
        hb.register_helper("camelCase", Box::new(camel));
        hb.register_helper("json", Box::new(json));
        hb.register_helper("join", Box::new(join));
        hb.register_helper("split", Box::new(split));
        let mut includes = BTreeMap::new();
        for (name, src) in partials {
            let file = format!("partials/{name}.hbs");
            let parsed = Template::compile_with_name(src, name.clone())
                .map_err(|e| parse_error(&file, src, &e))?;
            let refs = super::refs::refs(&parsed, &|n| HELPERS.contains(&n));
            includes.insert(
                name.as_str(),
                refs.partials
                    .into_iter()
                    .map(|u| u.name)
                    .collect::<Vec<_>>(),
            );
            // A partial is a template by another name: register the one already parsed.
            hb.register_template(name, parsed);
        }
        if let Some(cycle) = find_cycle(&includes) {
            return Err(TemplateError {
                file: format!("partials/{}.hbs", cycle[0]),
                line: None,
                column: None,
                message: format!(
                    "partials include each other in a loop ({}); break the loop",
                    cycle.join(" -> ")
                ),
            });
        }
        Ok(Engine {
            hb,
            files: HashMap::new(),
            strings: Mutex::new(HashMap::new()),
            last_context: Mutex::new(None),
        })
    }

    /// Compiles many templates (name, source), spread over the machine's cores when there is
    /// more than 1 MiB of them (`SPREAD_ABOVE`). The first error in name order is returned. A name
    /// compiled before is kept as it is: an engine serves one blueprint, whose template of a
    /// given name never changes, so rendering it again costs no parse.
    pub fn compile_many(&mut self, sources: &[(String, &str)]) -> Result<(), TemplateError> {
        let fresh: Vec<(String, &str)> = sources
            .iter()
            .filter(|(name, _)| !self.files.contains_key(name))
            .cloned()
            .collect();
        if fresh.is_empty() {
            return Ok(());
        }
        let sources = &fresh[..];
        let size: usize = sources.iter().map(|(_, src)| src.len()).sum();
        // Below this much source a thread costs more (its stack, its heap) than it saves.
        let threads = if size < SPREAD_ABOVE {
            1
        } else {
            std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(sources.len())
                .max(1)
        };
        // Balance by size: the largest sources first, each to the least loaded thread.
        let mut order: Vec<usize> = (0..sources.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(sources[i].1.len()));
        let mut buckets: Vec<(usize, Vec<usize>)> = vec![(0, Vec::new()); threads];
        for i in order {
            if let Some(bucket) = buckets.iter_mut().min_by_key(|b| b.0) {
                bucket.0 += sources[i].1.len();
                bucket.1.push(i);
            }
        }
        let compile = |i: usize| {
            let (name, src) = &sources[i];
            (i, compile_pieces(name, src, CHUNK_LINES))
        };
        let mut compiled: Vec<_> = if threads == 1 {
            (0..sources.len()).map(compile).collect()
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = buckets
                    .iter()
                    .map(|(_, indices)| {
                        scope.spawn(|| indices.iter().map(|&i| compile(i)).collect::<Vec<_>>())
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_default())
                    .collect()
            })
        };
        if compiled.len() != sources.len() {
            return Err(TemplateError {
                file: String::from("(compiler)"),
                line: None,
                column: None,
                message: String::from("the template compiler failed"),
            });
        }
        compiled.sort_by_key(|(i, _)| *i);
        for (i, pieces) in compiled {
            self.files.insert(sources[i].0.clone(), pieces?);
        }
        Ok(())
    }

    /// The compiled templates: each piece of each file (a file may have several) and each
    /// partial, by name, with the number of lines of the file before the piece.
    pub fn compiled(&self) -> impl Iterator<Item = (&str, usize, &Template)> {
        let partials = self
            .hb
            .get_templates()
            .iter()
            .map(|(name, t)| (name.as_str(), 0, t));
        let files = self.files.iter().flat_map(|(name, pieces)| {
            pieces
                .iter()
                .map(move |(before, t)| (name.as_str(), *before, t))
        });
        partials.chain(files)
    }

    /// Renders a compiled file template: its pieces one after the other, with the same context.
    pub fn render(&self, name: &str, ctx: &Json) -> Result<String, TemplateError> {
        let pieces = self.files.get(name).ok_or_else(|| {
            TemplateError::new(name, "this template was not compiled before rendering")
        })?;
        let context = self.context(ctx);
        let mut out = StringOutput::new();
        for (before, template) in pieces {
            let mut rc = handlebars::RenderContext::new(template.name.as_ref());
            template
                .render(&self.hb, &context, &mut rc, &mut out)
                .map_err(|e| render_error(name, &e, *before))?;
        }
        let mut text = out
            .into_string()
            .map_err(|e| render_error(name, &e.into(), 0))?;
        // The output starts with room for 8 KiB; a project's rendered files are kept until
        // they are written, so each gives back what it does not use.
        text.shrink_to_fit();
        Ok(text)
    }

    /// Compiles and renders a one-off template (a path, a default, a condition).
    pub fn render_str(&self, what: &str, src: &str, ctx: &Json) -> Result<String, TemplateError> {
        if !src.contains("{{") {
            return Ok(src.to_string());
        }
        let template = self
            .string(src)
            .map_err(|e| render_error(what, &handlebars::RenderError::from(e), 0))?;
        let context = self.context(ctx);
        let mut rc = handlebars::RenderContext::new(None);
        let mut out = StringOutput::new();
        template
            .render(&self.hb, &context, &mut rc, &mut out)
            .map_err(|e| render_error(what, &e, 0))?;
        out.into_string()
            .map_err(|e| render_error(what, &e.into(), 0))
    }

    /// `src` compiled, once per engine.
    fn string(&self, src: &str) -> Result<Arc<Template>, handlebars::TemplateError> {
        if let Some(template) = self.strings.lock().ok().and_then(|s| s.get(src).cloned()) {
            return Ok(template);
        }
        let template = Arc::new(Template::compile(src)?);
        if let Ok(mut strings) = self.strings.lock() {
            strings.insert(src.to_string(), Arc::clone(&template));
        }
        Ok(template)
    }

    /// The render context of `ctx`: the last one when it was made from the same value, else a
    /// copy of `ctx` (what `Context::wraps` gives, without a trip through serde).
    fn context(&self, ctx: &Json) -> Arc<Context> {
        let Ok(mut last) = self.last_context.lock() else {
            return Arc::new(Context::from(ctx.clone()));
        };
        if let Some(context) = last.as_ref()
            && identical(context.data(), ctx)
        {
            return Arc::clone(context);
        }
        let context = Arc::new(Context::from(ctx.clone()));
        *last = Some(Arc::clone(&context));
        context
    }

    /// Evaluates a condition: rendered, trimmed, and false when it is `""`, `false`, `0`,
    /// `null` or `[]`.
    pub fn truthy(&self, what: &str, expr: &str, ctx: &Json) -> Result<bool, TemplateError> {
        let out = self.render_str(what, expr, ctx)?;
        Ok(!matches!(out.trim(), "" | "false" | "0" | "null" | "[]"))
    }
}

/// Whether `a` and `b` are the same value with their keys in the same order (`==` does not
/// look at the order, which `{{#each}}` over an object follows).
fn identical(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k, v), (l, w))| k == l && identical(v, w))
        }
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| identical(v, w))
        }
        _ => a == b,
    }
}

/// A loop in the partial inclusion graph, as the names along it (first repeated at the end).
fn find_cycle(includes: &BTreeMap<&str, Vec<String>>) -> Option<Vec<String>> {
    fn visit<'a>(
        name: &'a str,
        includes: &'a BTreeMap<&str, Vec<String>>,
        path: &mut Vec<&'a str>,
        done: &mut std::collections::BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| *p == name) {
            let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
            cycle.push(name.to_string());
            return Some(cycle);
        }
        if !done.insert(name) {
            return None;
        }
        path.push(name);
        for next in includes.get(name).into_iter().flatten() {
            if let Some((key, _)) = includes.get_key_value(next.as_str())
                && let Some(cycle) = visit(key, includes, path, done)
            {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = std::collections::BTreeSet::new();
    includes
        .keys()
        .find_map(|name| visit(name, includes, &mut Vec::new(), &mut done))
}

/// Compiles a file's template in pieces of a few lines with tags (cut where that cannot change
/// its output), each with the number of lines of the file before it; runs of lines without a
/// tag are not parsed. An error is placed in the whole file.
pub fn compile_file(name: &str, src: &str) -> Result<Vec<(usize, Template)>, TemplateError> {
    compile_pieces(name, src, CHUNK_LINES)
}

/// Compiles `src` in pieces of about `lines` lines; an error is placed in the whole file.
fn compile_pieces(
    name: &str,
    src: &str,
    lines: usize,
) -> Result<Vec<(usize, Template)>, TemplateError> {
    let mut pieces = Vec::new();
    for group in groups(src, lines) {
        if group.literal {
            // Text without a tag renders to itself: no parse.
            let mut template = Template::new();
            template.name = Some(name.to_string());
            template
                .elements
                .push(handlebars::template::TemplateElement::RawString(
                    group.src.to_string(),
                ));
            pieces.push((group.lines_before, template));
        } else {
            let template = Template::compile_with_name(group.src, name.to_string())
                .map_err(|e| shifted(parse_error(name, group.src, &e), name, group.lines_before))?;
            pieces.push((group.lines_before, template));
        }
    }
    Ok(pieces)
}

/// A run of a template's source: lines without any tag (`literal`), or lines with tags.
struct Group<'a> {
    lines_before: usize,
    src: &'a str,
    literal: bool,
}

/// `src` cut wherever a cut is safe, then joined again into runs: every run of lines without
/// a tag is one literal piece, and lines with tags are joined up to about `lines` lines.
fn groups(src: &str, lines: usize) -> Vec<Group<'_>> {
    let mut out: Vec<Group<'_>> = Vec::new();
    // Where the last run starts in `src`.
    let mut run_start = 0;
    let mut end = 0;
    for chunk in super::chunks::split(src, 1) {
        let literal = !chunk.src.contains("{{");
        let start = end;
        end += chunk.src.len();
        match out.last_mut() {
            Some(last)
                if last.literal == literal
                    && (literal || chunk.lines_before - last.lines_before < lines.max(1)) =>
            {
                last.src = &src[run_start..end];
            }
            _ => {
                run_start = start;
                out.push(Group {
                    lines_before: chunk.lines_before,
                    src: &src[start..end],
                    literal,
                });
            }
        }
    }
    out
}

/// `err` with its line moved down by `lines` when it is in the file `name` (not in a partial).
fn shifted(mut err: TemplateError, name: &str, lines: usize) -> TemplateError {
    if err.file == name {
        err.line = err.line.map(|l| l + lines);
    }
    err
}

/// A handlebars parse error of the template `name`, as it places it.
pub(super) fn template_error(name: &str, err: &handlebars::TemplateError) -> TemplateError {
    TemplateError {
        file: name.to_string(),
        line: err.pos().map(|p| p.0),
        column: err.pos().map(|p| p.1),
        message: err.reason().to_string(),
    }
}

/// A template that does not parse, as an error at the right place: a block left open is
/// reported where it was opened (handlebars itself points at the end of the file).
pub fn parse_error(name: &str, src: &str, err: &handlebars::TemplateError) -> TemplateError {
    if let handlebars::TemplateErrorReason::InvalidSyntax(_) = err.reason()
        && let Some(open) = super::blocks::unclosed(src)
    {
        return TemplateError {
            file: name.to_string(),
            line: Some(open.line),
            column: Some(open.column),
            message: format!(
                "the block `{{{{#{0}}}}}` opened here is never closed; add `{{{{/{0}}}}}`",
                open.name
            ),
        };
    }
    template_error(name, err)
}

/// A render error of the piece of `name` that has `lines_before` lines of the file before it.
fn render_error(name: &str, err: &handlebars::RenderError, lines_before: usize) -> TemplateError {
    let message = match err.reason() {
        handlebars::RenderErrorReason::MissingVariable(Some(var)) => format!(
            "`{var}` is not defined (strict mode: every variable must be a declared parameter)"
        ),
        handlebars::RenderErrorReason::TemplateError(inner) => {
            let err = template_error(inner.name().map_or(name, String::as_str), inner);
            return shifted(err, name, lines_before);
        }
        other => other.to_string(),
    };
    let err = TemplateError {
        file: err
            .template_name
            .clone()
            .unwrap_or_else(|| name.to_string()),
        line: err.line_no,
        column: err.column_no,
        message,
    };
    shifted(err, name, lines_before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_context_is_used_again_only_for_the_same_value_in_the_same_order() {
        let engine = Engine::new(&BTreeMap::new()).unwrap();
        let each = "{{#each this}}{{@key}}={{this}} {{/each}}";
        let ab = serde_json::json!({"a": 1, "b": [2]});
        let mut ba = serde_json::Map::new();
        ba.insert("b".into(), serde_json::json!([2]));
        ba.insert("a".into(), serde_json::json!(1));
        let ba = Json::Object(ba);
        assert_eq!(ab, ba, "serde_json's == does not look at the order");
        assert!(!identical(&ab, &ba));
        assert_eq!(engine.render_str("t", each, &ab).unwrap(), "a=1 b=[2] ");
        assert_eq!(engine.render_str("t", each, &ba).unwrap(), "b=[2] a=1 ");
        let other = serde_json::json!({"a": 1, "b": [3]});
        assert_eq!(engine.render_str("t", each, &other).unwrap(), "a=1 b=[3] ");
        assert_eq!(engine.render_str("t", each, &ab).unwrap(), "a=1 b=[2] ");
    }

    #[test]
    fn lines_without_tags_are_one_literal_piece_and_render_as_the_whole() {
        let src = "# Title\nplain\nplain\n{{name}}\n{{#if on}}\nyes\n{{/if}}\nmore\nplain\n{{~name}}\nend\n";
        let kinds: Vec<(usize, bool)> = groups(src, 8)
            .iter()
            .map(|g| (g.lines_before, g.literal))
            .collect();
        // The first three lines are text; then tags (the block with the line inside it); then
        // text that the `~` on line 10 joins to its tag.
        assert_eq!(kinds[0], (0, true));
        assert!(kinds.iter().any(|&(_, literal)| !literal));
        let joined: String = groups(src, 8).iter().map(|g| g.src).collect();
        assert_eq!(joined, src);
        let mut engine = Engine::new(&BTreeMap::new()).unwrap();
        engine.compile_many(&[(String::from("t"), src)]).unwrap();
        let ctx = serde_json::json!({"name": "orders", "on": true});
        let whole = Handlebars::new().render_template(src, &ctx).unwrap();
        assert_eq!(engine.render("t", &ctx).unwrap(), whole);
    }

    #[test]
    fn a_name_compiled_before_is_not_parsed_again() {
        let mut engine = Engine::new(&BTreeMap::new()).unwrap();
        let ctx = serde_json::json!({"name": "orders"});
        engine
            .compile_many(&[(String::from("a"), "first {{name}}")])
            .unwrap();
        // The same name again (as a second render of one blueprint does): kept as compiled.
        engine
            .compile_many(&[
                (String::from("a"), "second {{name}}"),
                (String::from("b"), "b {{name}}"),
            ])
            .unwrap();
        assert_eq!(engine.render("a", &ctx).unwrap(), "first orders");
        assert_eq!(engine.render("b", &ctx).unwrap(), "b orders");
        let other = serde_json::json!({"name": "billing"});
        assert_eq!(engine.render("a", &other).unwrap(), "first billing");
    }

    /// Renders `src` whole and cut at every safe line, and checks both give the same text.
    fn same_cut_or_whole(src: &str, ctx: &Json) -> String {
        let partials = BTreeMap::from([(String::from("p"), String::from("  part {{x}}\n"))]);
        let mut engine = Engine::new(&partials).unwrap();
        let whole = engine.hb.render_template(src, ctx).unwrap();
        let pieces = compile_pieces("template/t.hbs", src, 1).unwrap();
        assert!(pieces.len() > 1, "{src:?} was not cut");
        engine.files.insert(String::from("template/t.hbs"), pieces);
        let cut = engine.render("template/t.hbs", ctx).unwrap();
        assert_eq!(cut, whole, "{src:?}");
        cut
    }

    #[test]
    fn pieces_render_like_the_whole_template() {
        let ctx = serde_json::json!({"x": "X", "yes": true, "no": false, "xs": [1, 2]});
        let cases = [
            // Standalone block lines lose their line; the ones around them stay.
            "a\n{{#if yes}}\n  b\n{{/if}}\nc\n  {{#if no}}\nd\n  {{else}}\n  e\n  {{/if}}\nf\n",
            // Nested blocks, `each`, and an inverse block.
            "{{#each xs}}\n{{#if @first}}\nfirst\n{{/if}}\n{{this}}\n{{/each}}\n{{#unless no}}\nnot\n{{/unless}}\nz",
            // Whitespace control at what would be a piece's edge.
            "a {{x~}}\n\n   b\n  {{~x}}\n\nc\n{{~#if yes~}}\n d \n{{~/if~}}\n\ne\n",
            // Standalone partials keep their indentation; comments and raw blocks.
            "top\n  {{> p}}\n{{!-- {{#if}}\n --}}\n{{! one }}\nx\n{{{{raw}}}}\n{{x}}\n{{{{/raw}}}}\nend\n",
            // Text first and last, no newline at the end, an escaped mustache.
            "\n\n{{x}}\n\\{{x}}\n{{{x}}}\n  {{#if yes}}  \ny\n{{/if}}",
        ];
        for src in cases {
            same_cut_or_whole(src, &ctx);
        }
    }

    #[test]
    fn random_templates_render_in_pieces_as_they_render_whole() {
        let partials = BTreeMap::from(
            ["p", "p-q", "p_1"].map(|p| (p.to_string(), format!("  {p} {{{{a}}}}\n"))),
        );
        let engine = Engine::new(&partials).unwrap();
        let ctx = serde_json::json!({"a": "A", "b": true, "xs": [1, 2], "x y": "s"});
        let engine = std::cell::RefCell::new(engine);
        let (rendered, cut) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
        let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
            cases: 3000,
            failure_persistence: None,
            // The same cases on every run and machine, so CI never depends on luck.
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x7061_7665),
            ..Default::default()
        });
        let result = runner.run(&super::super::samples::tapes(), |tape| {
            let mut src = String::new();
            let mut dice = super::super::samples::Dice::new(&tape);
            super::super::samples::random_template(&mut dice, 0, &mut src);
            let mut engine = engine.borrow_mut();
            let whole = engine.hb.render_template(&src, &ctx);
            let pieces = match compile_pieces("t", &src, 1) {
                Ok(pieces) => pieces,
                Err(e) => {
                    proptest::prop_assert!(
                        whole.is_err(),
                        "{src:?} compiles whole, not in pieces: {e}"
                    );
                    return Ok(());
                }
            };
            cut.set(cut.get() + usize::from(pieces.len() > 1));
            engine.files.insert(String::from("t"), pieces);
            match (whole, engine.render("t", &ctx)) {
                (Ok(whole), Ok(in_pieces)) => {
                    proptest::prop_assert_eq!(in_pieces, whole, "{:?}", src);
                    rendered.set(rendered.get() + 1);
                }
                (Err(_), Err(_)) => {}
                (whole, in_pieces) => proptest::prop_assert!(
                    false,
                    "{src:?}: whole {whole:?}, in pieces {in_pieces:?}"
                ),
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        let (rendered, cut) = (rendered.get(), cut.get());
        assert!(rendered > 600, "only {rendered} rendered");
        assert!(cut > 250, "only {cut} were cut");
    }

    #[test]
    fn errors_are_placed_in_the_whole_file() {
        let engine = Engine::new(&BTreeMap::new()).unwrap();
        let src = "a\n{{x}}\nb\nc\n  {{missing}}\n";
        let pieces = compile_pieces("template/t.hbs", src, 2).unwrap();
        assert!(pieces.len() > 1);
        let mut engine = engine;
        engine.files.insert(String::from("template/t.hbs"), pieces);
        let err = engine
            .render("template/t.hbs", &serde_json::json!({"x": 1}))
            .unwrap_err();
        assert_eq!(
            (err.file.as_str(), err.line, err.column),
            ("template/t.hbs", Some(5), Some(3))
        );
        // A block never closed, in a later piece, is reported where it opens.
        let src = "a\nb\nc\nd\n{{x}}\n\n  {{#if x}}\nnever closed\n";
        let err = compile_pieces("template/t.hbs", src, 2).unwrap_err();
        assert_eq!((err.line, err.column), (Some(7), Some(3)), "{err}");
        // A syntax error in a later piece.
        let src = "a\nb\nc\nd\n{{x}}\nok\n{{x y}\n";
        let err = compile_pieces("template/t.hbs", src, 2).unwrap_err();
        assert_eq!(err.line, Some(7), "{err}");
    }
}
