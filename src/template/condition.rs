//! Conditions (`when` expressions) seen from outside the engine: which answers one reads, the
//! literal values it compares them with, and a readable form for messages
//! (`{{eq waf 'existing'}}` reads `waf=existing`).

use super::engine::template_error;
use super::refs::{self, name_of};
use super::{HELPERS, TemplateError};
use handlebars::template::{HelperTemplate, Parameter, Template, TemplateElement};
use serde_json::Value;

/// The variables a condition reads, each once, in order of first use.
pub fn variables(what: &str, src: &str) -> Result<Vec<String>, TemplateError> {
    let template = Template::compile(src).map_err(|e| template_error(what, &e))?;
    let mut names: Vec<String> = Vec::new();
    for used in refs::refs(&template, &|n| HELPERS.contains(&n)).variables {
        if !names.contains(&used.name) {
            names.push(used.name);
        }
    }
    Ok(names)
}

/// The literal values a condition compares an answer with (`'us-east-1'` in
/// `{{ne region 'us-east-1'}}`): the answers it is most likely to accept or reject. Literals
/// given to other helpers (`split`'s text) are not answers and are left out.
pub fn literals(src: &str) -> Vec<Value> {
    let mut out = Vec::new();
    if let Ok(template) = Template::compile(src) {
        for element in &template.elements {
            if let TemplateElement::Expression(h) | TemplateElement::HelperBlock(h) = element {
                helper_literals(h, &mut out);
            }
        }
    }
    out
}

fn helper_literals(h: &HelperTemplate, out: &mut Vec<Value>) {
    let comparison = matches!(
        name_of(&h.name).as_deref(),
        Some("eq" | "ne" | "gt" | "gte" | "lt" | "lte")
    );
    let against_answer = h
        .params
        .iter()
        .any(|p| matches!(p, Parameter::Name(_) | Parameter::Path(_)));
    for p in h.params.iter().chain(h.hash.values()) {
        match p {
            Parameter::Literal(v) if comparison && against_answer && !out.contains(v) => {
                out.push(v.clone());
            }
            Parameter::Subexpression(sub) => {
                if let TemplateElement::Expression(inner) = sub.as_element() {
                    helper_literals(inner, out);
                }
            }
            _ => {}
        }
    }
}

/// A condition in readable form: `waf=existing`, `region!=us-east-1`, `waf=true and
/// domain is set`. `is_boolean` says which variables are yes/no answers (a bare boolean reads
/// `name=true`, any other `name is set`). A condition this cannot read is shown as written.
pub fn describe(src: &str, is_boolean: &dyn Fn(&str) -> bool) -> String {
    let readable = Template::compile(src).ok().and_then(|template| {
        let mut parts = template
            .elements
            .iter()
            .filter(|e| !matches!(e, TemplateElement::RawString(s) if s.trim().is_empty()));
        match (parts.next(), parts.next()) {
            (Some(TemplateElement::Expression(h)), None) => expression(h, is_boolean),
            _ => None,
        }
    });
    readable.unwrap_or_else(|| src.trim().to_string())
}

fn expression(h: &HelperTemplate, is_boolean: &dyn Fn(&str) -> bool) -> Option<String> {
    if !h.hash.is_empty() || h.template.is_some() || h.block_param.is_some() {
        return None;
    }
    let name = name_of(&h.name)?;
    if h.params.is_empty() && !HELPERS.contains(&name.as_str()) {
        return Some(truthy(&name, true, is_boolean));
    }
    let args = &h.params;
    let compare = |op: &str| -> Option<String> {
        match args.as_slice() {
            [a, b] => Some(format!("{}{op}{}", operand(a)?, operand(b)?)),
            _ => None,
        }
    };
    match name.as_str() {
        "eq" => compare("="),
        "ne" => compare("!="),
        "gt" => compare(">"),
        "gte" => compare(">="),
        "lt" => compare("<"),
        "lte" => compare("<="),
        "contains" => match args.as_slice() {
            [a, b] => Some(format!("{} includes {}", operand(a)?, operand(b)?)),
            _ => None,
        },
        "and" | "or" if args.len() >= 2 => {
            let parts = args
                .iter()
                .map(|a| {
                    let text = condition(a, is_boolean)?;
                    // An `or` inside an `and` (or the reverse) keeps its grouping.
                    Some(if text.contains(" and ") || text.contains(" or ") {
                        format!("({text})")
                    } else {
                        text
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            Some(parts.join(if name == "and" { " and " } else { " or " }))
        }
        "not" => match args.as_slice() {
            [Parameter::Name(_) | Parameter::Path(_)] => {
                Some(truthy(&name_of(&args[0])?, false, is_boolean))
            }
            [other] => Some(format!("not ({})", condition(other, is_boolean)?)),
            _ => None,
        },
        _ => None,
    }
}

fn condition(p: &Parameter, is_boolean: &dyn Fn(&str) -> bool) -> Option<String> {
    match p {
        Parameter::Name(_) | Parameter::Path(_) => Some(truthy(&name_of(p)?, true, is_boolean)),
        Parameter::Subexpression(sub) => match sub.as_element() {
            TemplateElement::Expression(h) => expression(h, is_boolean),
            _ => None,
        },
        _ => None,
    }
}

fn operand(p: &Parameter) -> Option<String> {
    match p {
        Parameter::Name(_) | Parameter::Path(_) => name_of(p),
        Parameter::Literal(Value::String(s)) => Some(s.clone()),
        Parameter::Literal(other) => Some(other.to_string()),
        _ => None,
    }
}

fn truthy(name: &str, yes: bool, is_boolean: &dyn Fn(&str) -> bool) -> String {
    match (is_boolean(name), yes) {
        (true, _) => format!("{name}={yes}"),
        (false, true) => format!("{name} is set"),
        (false, false) => format!("{name} is empty"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(src: &str) -> String {
        describe(src, &|n| n == "waf_on")
    }

    #[test]
    fn comparisons_read_as_name_and_value() {
        assert_eq!(read("{{eq waf 'existing'}}"), "waf=existing");
        assert_eq!(read("{{ne region \"us-east-1\"}}"), "region!=us-east-1");
        assert_eq!(read(" {{gt memory 512}} "), "memory>512");
        assert_eq!(
            read("{{contains features 'auth'}}"),
            "features includes auth"
        );
    }

    #[test]
    fn bare_variables_read_by_type() {
        assert_eq!(read("{{waf_on}}"), "waf_on=true");
        assert_eq!(read("{{not waf_on}}"), "waf_on=false");
        assert_eq!(read("{{domain}}"), "domain is set");
        assert_eq!(read("{{not domain}}"), "domain is empty");
    }

    #[test]
    fn and_or_not_keep_their_grouping() {
        assert_eq!(
            read("{{and (eq waf 'create') (ne region 'us-east-1')}}"),
            "waf=create and region!=us-east-1"
        );
        assert_eq!(
            read("{{and waf_on (or (eq a 'x') (eq b 'y'))}}"),
            "waf_on=true and (a=x or b=y)"
        );
        assert_eq!(read("{{not (eq a 'x')}}"), "not (a=x)");
    }

    #[test]
    fn what_cannot_be_read_is_shown_as_written() {
        assert_eq!(read("{{#if a}}yes{{/if}}"), "{{#if a}}yes{{/if}}");
        assert_eq!(read("{{upper a}}"), "{{upper a}}");
        assert_eq!(read("{{eq a 'x'}} {{b}}"), "{{eq a 'x'}} {{b}}");
    }

    #[test]
    fn variables_and_literals_of_a_rule() {
        let src = "{{and (eq waf 'create') (ne region 'us-east-1') (eq waf 'create')}}";
        assert_eq!(variables("rule", src).unwrap(), ["waf", "region"]);
        assert_eq!(
            literals(src),
            [Value::from("create"), Value::from("us-east-1")]
        );
        assert!(variables("rule", "{{#if a}}").is_err());
        let split = "{{and logs (contains (split 'a-1,b-2' ',') region) (eq 'x' 'y')}}";
        assert!(literals(split).is_empty(), "{:?}", literals(split));
    }
}
