//! Lint: every default is valid for every earlier answer. For each parameter with a default,
//! the `choice` and `boolean` parameters asked before it that can change the outcome are given
//! every combination of their values (at most [`MAX_COMBINATIONS`]), the other earlier
//! parameters their defaults, and the rules checked when the parameter is answered must all
//! hold with its default: `pave new --defaults` and the prompt's offer must not fail a rule.

use super::Report;
use crate::answers;
use crate::blueprint::Blueprint;
use crate::manifest::{ParamType, Parameter};
use crate::template::{Engine, condition};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The most combinations of earlier answers tried for one default.
pub(super) const MAX_COMBINATIONS: usize = 4096;

/// Reports each default that breaks a rule for some combination of the earlier choices.
pub(super) fn check_against_rules(bp: &Blueprint, report: &mut Report) {
    let m = &bp.manifest;
    if m.rules.is_empty() {
        return;
    }
    let Ok(engine) = Engine::new(&bp.partials) else {
        return;
    };
    // A rule that does not parse is reported elsewhere; here it reads nothing and is skipped.
    let reads: Vec<Option<Vec<String>>> = m
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| condition::variables(&format!("rules[{i}].when"), &r.when).ok())
        .collect();
    let position: BTreeMap<&str, usize> = m
        .parameters
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.as_str(), i))
        .collect();
    for (k, param) in m.parameters.iter().enumerate() {
        if param.default.is_none() {
            continue;
        }
        // The rules answers check as soon as this parameter is answered.
        let ready: Vec<usize> = reads
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                let r = r.as_ref()?;
                let at_k = r.iter().any(|n| n == &param.name)
                    && r.iter()
                        .all(|n| position.get(n.as_str()).is_some_and(|&j| j <= k));
                at_k.then_some(i)
            })
            .collect();
        if ready.is_empty() {
            continue;
        }
        let relevant = relevant(
            &m.parameters[..=k],
            ready
                .iter()
                .flat_map(|&i| reads[i].iter().flatten().cloned()),
        );
        let enumerated: Vec<(usize, Vec<Value>)> = m.parameters[..k]
            .iter()
            .enumerate()
            .filter(|(_, q)| relevant.contains(&q.name))
            .filter_map(|(j, q)| values(q).map(|v| (j, v)))
            .collect();
        let mut reported = BTreeSet::new();
        for combination in combinations(&enumerated).take(MAX_COMBINATIONS) {
            let Some((ctx, unknown, default)) = context(&engine, &m.parameters[..=k], &combination)
            else {
                continue;
            };
            for &i in &ready {
                let rule = &m.rules[i];
                let rule_reads = reads[i].iter().flatten();
                if reported.contains(&i) || rule_reads.clone().any(|n| unknown.contains(n)) {
                    continue;
                }
                let ctx = Value::Object(ctx.clone());
                let Ok(true) = engine.truthy(&format!("rules[{i}].when"), &rule.when, &ctx) else {
                    continue;
                };
                reported.insert(i);
                let error = engine
                    .render_str(&format!("rules[{i}].error"), &rule.error, &ctx)
                    .unwrap_or_else(|_| rule.error.clone());
                let shown: Vec<String> = combination
                    .iter()
                    .filter(|(j, _)| !ctx[&m.parameters[*j].name].is_null())
                    .map(|(j, v)| format!("{}={}", m.parameters[*j].name, plain(v)))
                    .collect();
                let when = if shown.is_empty() {
                    String::from("with the defaults before it")
                } else {
                    format!("when {}", shown.join(", "))
                };
                report.warning(
                    "blueprint.yaml",
                    format!(
                        "parameter `{}`: the default `{}` breaks rules[{i}] {when} ({}); make the default a template over the earlier answers (e.g. `{{{{#if ...}}}}...{{{{else}}}}...{{{{/if}}}}`) that gives a valid value, or skip the parameter with `when`",
                        param.name,
                        plain(&default),
                        error.trim()
                    ),
                );
            }
        }
    }
}

/// The names that can change the outcome: `seed` (what the rules read) and, for each of those
/// parameters among `params`, what its `when` and its default read, to a fixed point. The last
/// of `params` is the one whose default is checked: its own `when` and default count too.
fn relevant(params: &[Parameter], seed: impl Iterator<Item = String>) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = seed.collect();
    if let Some(last) = params.last() {
        names.insert(last.name.clone());
    }
    loop {
        let before = names.len();
        let mut found = Vec::new();
        for p in params.iter().filter(|p| names.contains(&p.name)) {
            let when = p.when.as_deref();
            let default = match &p.default {
                Some(Value::String(s)) => Some(s.as_str()),
                _ => None,
            };
            for src in when.into_iter().chain(default) {
                found.extend(condition::variables("", src).unwrap_or_default());
            }
        }
        names.extend(found);
        if names.len() == before {
            return names;
        }
    }
}

/// Every value a `choice` or `boolean` answer can take; `None` for other types.
fn values(param: &Parameter) -> Option<Vec<Value>> {
    match param.kind {
        ParamType::Boolean => Some(vec![Value::Bool(true), Value::Bool(false)]),
        ParamType::Choice if !param.choices.is_empty() => Some(
            param
                .choices
                .iter()
                .map(|c| Value::String(c.clone()))
                .collect(),
        ),
        _ => None,
    }
}

/// The answers up to the last of `params` as resolving gives them with `combination` for the
/// enumerated ones and defaults for the others (`null` when skipped), the names with no value
/// to give (no default), and the last one's default. `None` when the last one is skipped or a
/// template fails (reported elsewhere).
fn context(
    engine: &Engine,
    params: &[Parameter],
    combination: &[(usize, Value)],
) -> Option<(Map<String, Value>, BTreeSet<String>, Value)> {
    let mut ctx = Map::new();
    let mut unknown = BTreeSet::new();
    let last = params.len().checked_sub(1)?;
    let mut default = Value::Null;
    for (j, p) in params.iter().enumerate() {
        let here = Value::Object(ctx.clone());
        let asked = match &p.when {
            Some(when) => engine.truthy("when", when, &here).ok()?,
            None => true,
        };
        let value = if !asked {
            if j == last {
                return None;
            }
            Value::Null
        } else if let Some((_, v)) = combination.iter().find(|(i, _)| *i == j) {
            v.clone()
        } else {
            match answers::default_value(engine, p, &here).ok()? {
                Some(v) => v,
                None => {
                    unknown.insert(p.name.clone());
                    Value::Null
                }
            }
        };
        if j == last {
            default = value.clone();
        }
        ctx.insert(p.name.clone(), value);
    }
    Some((ctx, unknown, default))
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Every combination of one value per enumerated parameter, as (parameter index, value), the
/// last parameter's value changing fastest: combination `n` read as a number whose digits are
/// value positions.
fn combinations(sets: &[(usize, Vec<Value>)]) -> impl Iterator<Item = Vec<(usize, Value)>> + '_ {
    let count = sets
        .iter()
        .try_fold(1usize, |n, (_, values)| n.checked_mul(values.len()));
    (0..count.unwrap_or(usize::MAX)).map(move |mut n| {
        let mut item: Vec<(usize, Value)> = sets
            .iter()
            .rev()
            .map(|(j, values)| {
                let value = values[n % values.len()].clone();
                n /= values.len();
                (*j, value)
            })
            .collect();
        item.reverse();
        item
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_cover_every_pair_once() {
        let sets = vec![
            (0, vec![Value::Bool(true), Value::Bool(false)]),
            (
                2,
                vec![Value::from("a"), Value::from("b"), Value::from("c")],
            ),
        ];
        let all: Vec<_> = combinations(&sets).collect();
        assert_eq!(all.len(), 6);
        let unique: BTreeSet<String> = all.iter().map(|c| format!("{c:?}")).collect();
        assert_eq!(unique.len(), 6);
        assert_eq!(combinations(&[]).count(), 1);
    }
}
