//! The library's module graph has no cycle, at any depth: among the modules of one parent (the
//! crate's top-level modules, `registry`'s submodules, `registry::git`'s, ...), none uses one
//! that uses it back, directly or through others. A module stands for itself and everything
//! under it; what a module names of its own ancestors or descendants is not counted (a child
//! using its parent's items is how modules are built). Test code and comments are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A module's path from the crate root (`["registry", "git"]`); the root is `[]`.
type Module = Vec<String>;

/// Every non-test module of the library, with its code (test modules cut off).
fn modules() -> BTreeMap<Module, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap().with_extension("");
        let mut module: Module = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if module.last().is_some_and(|m| m == "mod") {
            module.pop();
        }
        if module == ["main"] || module == ["lib"] {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
        files.insert(module, code_only(code));
    }
    // Modules declared only for tests (`#[cfg(test)]` then `mod name;`) are left out.
    let test_only: BTreeSet<Module> = files
        .iter()
        .flat_map(|(module, code)| {
            let lines: Vec<&str> = code.lines().collect();
            lines
                .windows(2)
                .filter(|w| w[0].trim() == "#[cfg(test)]")
                .filter_map(|w| w[1].trim().strip_prefix("mod ")?.strip_suffix(';'))
                .map(|name| {
                    let mut child = module.clone();
                    child.push(name.to_string());
                    child
                })
                .collect::<Vec<_>>()
        })
        .collect();
    files.retain(|m, _| !test_only.iter().any(|t| m.starts_with(t)));
    files
}

/// `text` without its comment lines (a doc link is no use).
fn code_only(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The module paths `code` names through `crate::` or `super::` (braced groups followed one
/// level deep), each as far as it is a module of `known`.
fn uses(module: &Module, code: &str, known: &BTreeSet<Module>) -> BTreeSet<Module> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut named: Vec<Module> = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let before_ok = i == 0 || !ident(bytes[i - 1] as char) && bytes[i - 1] != b':';
        let rest = &code[i..];
        let start = if before_ok && rest.starts_with("crate::") {
            Some((Vec::new(), 7))
        } else if before_ok && rest.starts_with("super::") {
            // `super` is the parent module, for a `mod.rs` as for any other file.
            let mut base = module.clone();
            let mut at = 0;
            while code[i + at..].starts_with("super::") {
                base.pop();
                at += 7;
            }
            Some((base, at))
        } else {
            None
        };
        let Some((base, skip)) = start else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let tail = &code[i + skip..];
        if let Some(group) = tail.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for piece in inner.split(',') {
                named.push(path_of(&base, piece.trim()));
            }
        } else {
            let path = path_of(&base, tail);
            let after: String = tail
                .chars()
                .take_while(|c| ident(*c) || *c == ':')
                .collect();
            if after.ends_with("::") && tail[after.len()..].starts_with('{') {
                let inner = tail[after.len() + 1..].split('}').next().unwrap_or("");
                for piece in inner.split(',') {
                    named.push(path_of(&path, piece.trim()));
                }
            }
            named.push(path);
        }
        i += skip;
    }
    named
        .into_iter()
        .map(|mut path| {
            while !path.is_empty() && !known.contains(&path) {
                path.pop();
            }
            path
        })
        .collect()
}

/// `base` followed by the leading `a::b::c` of `text`.
fn path_of(base: &Module, text: &str) -> Module {
    let mut path = base.clone();
    for segment in text.split("::") {
        let name: String = segment
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() || name == "self" {
            break;
        }
        path.push(name.clone());
        if name.len() != segment.len() {
            break;
        }
    }
    path
}

/// For every module with submodules: its children, each with the siblings it uses (itself and
/// everything under it counted as one).
fn graphs(edges: &BTreeMap<Module, BTreeSet<Module>>) -> BTreeMap<Module, Graph> {
    let mut out: BTreeMap<Module, Graph> = BTreeMap::new();
    for (from, targets) in edges {
        for to in targets {
            // The deepest common ancestor; a use of an ancestor or descendant is not counted.
            let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                continue;
            }
            let parent = from[..common].to_vec();
            out.entry(parent)
                .or_default()
                .entry(from[common].clone())
                .or_default()
                .insert(to[common].clone());
        }
    }
    out
}

/// Module -> the modules it uses, among the children of one parent.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// A path from `from` back to itself, if any.
fn cycle_through(graph: &Graph, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![(from.to_string(), vec![from.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((at, path)) = stack.pop() {
        for next in graph.get(&at).into_iter().flatten() {
            if next == from {
                let mut cycle = path.clone();
                cycle.push(next.clone());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push((next.clone(), longer));
            }
        }
    }
    None
}

/// Every cycle found, one line each (`registry::git -> registry::auth -> registry::git`).
fn cycles(graphs: &BTreeMap<Module, Graph>) -> Vec<String> {
    let mut found = Vec::new();
    for (parent, graph) in graphs {
        for module in graph.keys() {
            if let Some(cycle) = cycle_through(graph, module) {
                let prefix: String = parent.iter().map(|p| format!("{p}::")).collect();
                let named: Vec<String> = cycle.iter().map(|m| format!("{prefix}{m}")).collect();
                found.push(named.join(" -> "));
            }
        }
    }
    found
}

fn module_graphs() -> BTreeMap<Module, Graph> {
    let modules = modules();
    let known: BTreeSet<Module> = modules.keys().cloned().collect();
    let mut edges = BTreeMap::new();
    for (module, code) in &modules {
        edges.insert(module.clone(), uses(module, code, &known));
    }
    graphs(&edges)
}

#[test]
fn no_module_uses_one_that_uses_it_back() {
    let graphs = module_graphs();
    let top = &graphs[&Module::new()];
    assert!(top.contains_key("cli") && top.contains_key("update"));
    let registry = &graphs[&vec![String::from("registry")]];
    assert!(
        registry.contains_key("git"),
        "submodules are walked: {registry:?}"
    );
    let found = cycles(&graphs);
    assert!(found.is_empty(), "module cycles: {found:#?}");
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let mut graph = Graph::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        cycle_through(&graph, "a").unwrap().join(" -> "),
        "a -> b -> c -> a"
    );
    graph.get_mut("c").unwrap().clear();
    assert!(cycle_through(&graph, "a").is_none());
}

#[test]
fn a_cycle_between_submodules_is_found_at_its_depth() {
    let m = |s: &str| -> Module { s.split("::").map(String::from).collect() };
    let known: BTreeSet<Module> = [
        "registry",
        "registry::git",
        "registry::git::read",
        "registry::auth",
        "cli",
    ]
    .into_iter()
    .map(m)
    .collect();
    let mut edges = BTreeMap::new();
    let git_read =
        "use super::super::auth::Token;\nuse crate::registry::{Loaded, git::tag_name};\n";
    edges.insert(
        m("registry::git::read"),
        uses(&m("registry::git::read"), git_read, &known),
    );
    assert_eq!(
        edges[&m("registry::git::read")],
        [m("registry"), m("registry::auth"), m("registry::git")].into()
    );
    let comment = "//! Reads what [`super::auth`] writes.\n";
    assert!(uses(&m("registry::git"), &code_only(comment), &known).is_empty());
    let auth = "use super::git::read::tag_name;\n";
    edges.insert(
        m("registry::auth"),
        uses(&m("registry::auth"), auth, &known),
    );
    assert_eq!(
        cycles(&graphs(&edges)),
        [
            "registry::auth -> registry::git -> registry::auth",
            "registry::git -> registry::auth -> registry::git"
        ]
    );
    // A use of a parent's items, or a child's, is no cycle.
    edges.insert(
        m("registry::auth"),
        uses(&m("registry::auth"), "use super::Loaded;\n", &known),
    );
    assert!(cycles(&graphs(&edges)).is_empty());
}
