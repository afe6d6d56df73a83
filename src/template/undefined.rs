//! Every variable that compiled templates read and a context lacks, found at once. Strict mode
//! stops a render at its first undefined variable; a blueprint author fixing them one run at a
//! time would see them all only after as many runs. The same reference walker as lint's is used.

use super::{Engine, HELPERS, TemplateError};
use std::collections::BTreeSet;

/// The undefined variables of the engine's compiled templates whose names start with `prefix`
/// (and of the partials they include), in name and position order. `ctx` is the render context:
/// a variable is defined when it is one of its keys.
pub fn undefined(engine: &Engine, prefix: &str, ctx: &serde_json::Value) -> Vec<TemplateError> {
    let defined = |name: &str| ctx.as_object().is_some_and(|o| o.contains_key(name));
    // Each name's pieces (a file may be compiled in several), with the lines before each.
    let mut compiled: std::collections::BTreeMap<&str, Vec<_>> = Default::default();
    for (name, before, template) in engine.compiled() {
        compiled.entry(name).or_default().push((before, template));
    }
    let mut todo: Vec<&str> = compiled
        .keys()
        .copied()
        .filter(|n| n.starts_with(prefix))
        .collect();
    let mut seen: BTreeSet<&str> = todo.iter().copied().collect();
    let mut found = Vec::new();
    while let Some(name) = todo.pop() {
        let Some((key, pieces)) = compiled.get_key_value(name) else {
            continue;
        };
        for (before, template) in pieces {
            let refs = super::refs::refs(template, &|n| HELPERS.contains(&n));
            for v in refs.variables.iter().filter(|v| !defined(&v.name)) {
                let file = if key.starts_with(prefix) {
                    key.to_string()
                } else {
                    format!("partials/{key}.hbs")
                };
                found.push(TemplateError {
                    file,
                    line: Some(v.line + before),
                    column: Some(v.column),
                    message: format!(
                        "`{}` is not defined (strict mode: every variable must be a declared parameter)",
                        v.name
                    ),
                });
            }
            for p in refs.partials {
                if let Some((partial, _)) = compiled.get_key_value(p.name.as_str())
                    && seen.insert(partial)
                {
                    todo.push(partial);
                }
            }
        }
    }
    // The files first, then the partials they include.
    let key = |e: &TemplateError| {
        (
            !e.file.starts_with(prefix),
            e.file.clone(),
            e.line,
            e.column,
        )
    };
    found.sort_by_key(key);
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn lists_every_undefined_variable_of_the_files_and_their_partials() {
        let partials = BTreeMap::from([
            (String::from("used"), String::from("{{in_partial}}")),
            (String::from("unused"), String::from("{{never_included}}")),
        ]);
        let mut engine = Engine::new(&partials).unwrap();
        let sources = [
            (String::from("template/a.hbs"), "{{one}} {{known}}\n{{two}}"),
            (String::from("template/b.hbs"), "{{> used}}"),
        ];
        engine.compile_many(&sources).unwrap();
        let ctx = serde_json::json!({"known": 1});
        let found: Vec<String> = undefined(&engine, "template/", &ctx)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].starts_with("template/a.hbs:1:1: `one`"),
            "{found:?}"
        );
        assert!(
            found[1].starts_with("template/a.hbs:2:1: `two`"),
            "{found:?}"
        );
        assert!(
            found[2].starts_with("partials/used.hbs:1:1: `in_partial`"),
            "{found:?}"
        );
    }
}
