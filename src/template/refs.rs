//! Which variables, helpers and partials a handlebars template refers to, with their positions, by
//! walking the parsed template. Bodies of `each` and `with` are skipped (their context is not
//! the answers); block parameters are local names.

use handlebars::template::{BlockParam, HelperTemplate, Parameter, Template, TemplateElement};
use handlebars::{Path, PathSeg};

/// A name a template uses, with its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use {
    /// The variable (first path segment) or partial name.
    pub name: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl Use {
    fn at(name: impl Into<String>, (line, column): (usize, usize)) -> Self {
        Use {
            name: name.into(),
            line,
            column,
        }
    }
}

/// Everything a template refers to.
#[derive(Debug, Default, Clone)]
pub struct Refs {
    /// Variables read from the answers.
    pub variables: Vec<Use>,
    /// Helpers called.
    pub helpers: Vec<Use>,
    /// Names called like helpers (with arguments, or in a subexpression) that are not helpers.
    pub unknown_helpers: Vec<Use>,
    /// Partials included.
    pub partials: Vec<Use>,
}

/// Collects the references of a compiled template.
pub fn refs(template: &Template, is_helper: &dyn Fn(&str) -> bool) -> Refs {
    let mut out = Refs::default();
    walk(template, is_helper, &[], &mut out, (1, 1));
    out
}

/// Collects the references of a file compiled in pieces ([`super::compile_file`]), each
/// placed in the whole file.
pub fn refs_in_pieces(pieces: &[(usize, Template)], is_helper: &dyn Fn(&str) -> bool) -> Refs {
    let mut out = Refs::default();
    for (before, template) in pieces {
        let piece = refs(template, is_helper);
        for (all, mut uses) in [
            (&mut out.variables, piece.variables),
            (&mut out.helpers, piece.helpers),
            (&mut out.unknown_helpers, piece.unknown_helpers),
            (&mut out.partials, piece.partials),
        ] {
            uses.iter_mut().for_each(|u| u.line += before);
            all.append(&mut uses);
        }
    }
    out
}

fn walk(
    template: &Template,
    is_helper: &dyn Fn(&str) -> bool,
    locals: &[String],
    out: &mut Refs,
    at: (usize, usize),
) {
    for (i, element) in template.elements.iter().enumerate() {
        let pos = template.mapping.get(i).map_or(at, |m| (m.0, m.1));
        match element {
            TemplateElement::Expression(h)
            | TemplateElement::HtmlExpression(h)
            | TemplateElement::HelperBlock(h) => helper(h, is_helper, locals, out, pos, false),
            TemplateElement::PartialExpression(d) | TemplateElement::PartialBlock(d) => {
                // A name or a path, as written.
                if let Some(name) = d.name.as_name() {
                    out.partials.push(Use::at(name, pos));
                }
                for p in &d.params {
                    param(p, is_helper, locals, out, pos);
                }
                if let Some(t) = &d.template {
                    walk(t, is_helper, locals, out, pos);
                }
            }
            TemplateElement::DecoratorExpression(_)
            | TemplateElement::DecoratorBlock(_)
            | TemplateElement::RawString(_)
            | TemplateElement::Comment(_) => {}
            _ => {}
        }
    }
}

fn helper(
    h: &HelperTemplate,
    is_helper: &dyn Fn(&str) -> bool,
    locals: &[String],
    out: &mut Refs,
    pos: (usize, usize),
    subexpression: bool,
) {
    let name = name_of(&h.name);
    let called = name.as_deref().filter(|n| is_helper(n));
    // With arguments (or inside parentheses) a name is a helper call, never a variable.
    let call = subexpression || !h.params.is_empty() || !h.hash.is_empty();
    match (&h.name, called) {
        (_, Some(n)) => out.helpers.push(Use::at(n, pos)),
        (Parameter::Name(_) | Parameter::Path(_), None) if call => {
            out.unknown_helpers
                .push(Use::at(name.clone().unwrap_or_default(), pos));
        }
        (Parameter::Path(p), None) => variable(p, locals, out, pos),
        (Parameter::Name(n), None) => push_var(n, locals, out, pos),
        (other, None) => param(other, is_helper, locals, out, pos),
    }
    for p in h.params.iter().chain(h.hash.values()) {
        param(p, is_helper, locals, out, pos);
    }
    let changes_context = matches!(called, Some("each" | "with"));
    let mut inner: Vec<String> = locals.to_vec();
    match &h.block_param {
        Some(BlockParam::Single(p)) => inner.extend(name_of(p)),
        Some(BlockParam::Pair((a, b))) => inner.extend(name_of(a).into_iter().chain(name_of(b))),
        _ => {}
    }
    if let Some(t) = &h.template
        && !changes_context
    {
        walk(t, is_helper, &inner, out, pos);
    }
    if let Some(t) = &h.inverse {
        walk(t, is_helper, locals, out, pos);
    }
}

/// A name or a path as written (a local `@name` with its `@`); `None` for other parameters.
pub(super) fn name_of(p: &Parameter) -> Option<String> {
    match p {
        Parameter::Name(n) => Some(n.clone()),
        Parameter::Path(Path::Relative((_, raw))) => Some(raw.clone()),
        Parameter::Path(Path::Local((_, name, _))) => Some(format!("@{name}")),
        _ => None,
    }
}

fn param(
    p: &Parameter,
    is_helper: &dyn Fn(&str) -> bool,
    locals: &[String],
    out: &mut Refs,
    pos: (usize, usize),
) {
    match p {
        Parameter::Path(path) => variable(path, locals, out, pos),
        Parameter::Name(n) => push_var(n, locals, out, pos),
        Parameter::Subexpression(sub) => {
            if let TemplateElement::Expression(h) = sub.as_element() {
                helper(h, is_helper, locals, out, pos, true);
            }
        }
        Parameter::Literal(_) => {}
        _ => {}
    }
}

fn variable(path: &Path, locals: &[String], out: &mut Refs, pos: (usize, usize)) {
    if let Path::Relative((segs, _)) = path
        && let Some(PathSeg::Named(first)) = segs.first()
    {
        push_var(first, locals, out, pos);
    }
}

fn push_var(name: &str, locals: &[String], out: &mut Refs, pos: (usize, usize)) {
    let first = name.split(['.', '/']).next().unwrap_or(name);
    if first.is_empty()
        || first == "this"
        || first.starts_with('@')
        || locals.iter().any(|l| l == first)
    {
        return;
    }
    out.variables.push(Use::at(first, pos));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> (Vec<String>, Vec<String>) {
        let t = Template::compile(src).unwrap();
        let helpers = ["if", "unless", "each", "with", "eq", "upper", "and"];
        let r = refs(&t, &|n| helpers.contains(&n));
        (
            r.variables.into_iter().map(|u| u.name).collect(),
            r.partials.into_iter().map(|u| u.name).collect(),
        )
    }

    #[test]
    fn finds_variables_in_expressions_helpers_and_blocks() {
        let (vars, partials) =
            names("{{a}} {{upper b}} {{#if (eq c 'x')}}{{d}}{{else}}{{e}}{{/if}}\n{{> part}}");
        assert_eq!(vars, ["a", "b", "c", "d", "e"]);
        assert_eq!(partials, ["part"]);
    }

    #[test]
    fn uses_in_a_file_compiled_in_pieces_are_placed_in_the_whole_file() {
        let mut src: String = (1..=20).map(|i| format!("line {i} {{{{a}}}}\n")).collect();
        src.push_str("{{#if b}}\n  {{c}} {{> p}}\n{{/if}}\n");
        let pieces = super::super::compile_file("t", &src).unwrap();
        assert!(pieces.len() > 1);
        let r = refs_in_pieces(&pieces, &|n| n == "if");
        let at = |uses: &[Use], name: &str| {
            uses.iter()
                .filter(|u| u.name == name)
                .map(|u| (u.line, u.column))
                .collect::<Vec<_>>()
        };
        assert_eq!(at(&r.variables, "a").len(), 20);
        assert_eq!(at(&r.variables, "a")[19], (20, 9));
        assert_eq!(at(&r.variables, "b"), [(21, 1)]);
        assert_eq!(at(&r.variables, "c"), [(22, 3)]);
        assert_eq!(at(&r.partials, "p"), [(22, 9)]);
        assert_eq!(at(&r.helpers, "if"), [(21, 1)]);
    }

    #[test]
    fn skips_each_bodies_and_block_params() {
        let (vars, _) = names("{{#each items as |item|}}{{item}} {{name}}{{/each}}{{@root}}");
        assert_eq!(vars, ["items"]);
    }

    #[test]
    fn a_name_called_with_arguments_is_an_unknown_helper_not_a_variable() {
        let t = Template::compile("{{frob a}}\n{{#if (twist b)}}{{/if}} {{plain}}").unwrap();
        let r = refs(&t, &|n| n == "if");
        let unknown: Vec<_> = r
            .unknown_helpers
            .iter()
            .map(|u| (u.name.as_str(), u.line))
            .collect();
        assert_eq!(unknown, [("frob", 1), ("twist", 2)]);
        let vars: Vec<_> = r.variables.iter().map(|u| u.name.as_str()).collect();
        assert_eq!(vars, ["a", "b", "plain"]);
    }

    #[test]
    fn positions_are_lines_and_columns() {
        let t = Template::compile("x\n  {{missing}}").unwrap();
        let r = refs(&t, &|_| false);
        assert_eq!((r.variables[0].line, r.variables[0].column), (2, 3));
    }
}
