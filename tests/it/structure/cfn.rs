//! Reading parsed CloudFormation (`template.yaml` as a `serde_yaml::Value`). The accessors of
//! `serde_yaml::Value` look through tags (a `!Ref X` reads as the string `X`), so these helpers
//! never do: a tagged value is an intrinsic, not a literal.

use serde_yaml::Value;

/// Methods a behaviour may allow when it targets an origin group or an S3 origin.
const READ_METHODS: [&str; 3] = ["GET", "HEAD", "OPTIONS"];

/// A key of a mapping; `None` for anything else, tagged values included.
pub(super) fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Mapping(m) => m.get(key),
        _ => None,
    }
}

/// The value under a chain of mapping keys.
pub(super) fn path<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(v, |cur, key| field(cur, key))
}

/// A literal (untagged) string.
pub(super) fn lit_str(v: Option<&Value>) -> Option<&str> {
    match v {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// The items of a literal sequence; empty for anything else.
pub(super) fn items(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::Sequence(s)) => s,
        _ => &[],
    }
}

/// A CloudFormation intrinsic: a short-form tag (`!If`, `!Ref`, ...) or a one-key mapping
/// `Ref` / `Fn::*` / `Condition`.
pub(super) fn is_intrinsic(v: &Value) -> bool {
    match v {
        Value::Tagged(_) => true,
        Value::Mapping(m) if m.len() == 1 => m.keys().any(|k| {
            k.as_str()
                .is_some_and(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
        }),
        _ => false,
    }
}

/// The parameter or resource a `!Ref X` / `{Ref: X}` names.
pub(super) fn ref_target(v: Option<&Value>) -> Option<&str> {
    match v? {
        Value::Tagged(t) if t.tag == "Ref" => lit_str(Some(&t.value)),
        Value::Mapping(m) if m.len() == 1 => lit_str(m.get("Ref")),
        _ => None,
    }
}

/// `Resource.Attribute` of a `!GetAtt` in either form.
pub(super) fn getatt_target(v: Option<&Value>) -> Option<String> {
    let (tagged, arg) = match v? {
        Value::Tagged(t) if t.tag == "GetAtt" => (true, &t.value),
        Value::Mapping(m) if m.len() == 1 => (false, m.get("Fn::GetAtt")?),
        _ => return None,
    };
    match arg {
        Value::String(s) if tagged => Some(s.clone()),
        Value::Sequence(parts) => {
            let parts: Option<Vec<&str>> = parts.iter().map(|p| lit_str(Some(p))).collect();
            Some(parts?.join("."))
        }
        _ => None,
    }
}

/// `v` with every tag removed (`!Sub "a${B}"` becomes `"a${B}"`), for reading through
/// intrinsics on purpose.
pub(super) fn strip_tags(v: &Value) -> Value {
    match v {
        Value::Tagged(t) => strip_tags(&t.value),
        Value::Sequence(s) => Value::Sequence(s.iter().map(strip_tags).collect()),
        Value::Mapping(m) => Value::Mapping(
            m.iter()
                .map(|(k, v)| (strip_tags(k), strip_tags(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Calls `visit` with `v` and every value under it, each with its path from `v` (keys, sequence
/// indices, and tags as `!Tag`).
pub(super) fn walk<'a>(
    v: &'a Value,
    at: &mut Vec<String>,
    visit: &mut dyn FnMut(&[String], &'a Value),
) {
    visit(at, v);
    match v {
        Value::Mapping(m) => {
            for (k, child) in m {
                at.push(k.as_str().map_or_else(|| format!("{k:?}"), str::to_string));
                walk(child, at, visit);
                at.pop();
            }
        }
        Value::Sequence(s) => {
            for (i, child) in s.iter().enumerate() {
                at.push(i.to_string());
                walk(child, at, visit);
                at.pop();
            }
        }
        Value::Tagged(t) => {
            at.push(t.tag.to_string());
            walk(&t.value, at, visit);
            at.pop();
        }
        _ => {}
    }
}

/// Every string under `v`, tags stripped.
pub(super) fn strings(v: &Value) -> Vec<String> {
    let stripped = strip_tags(v);
    let mut out = Vec::new();
    walk(&stripped, &mut Vec::new(), &mut |_, node| {
        if let Value::String(s) = node {
            out.push(s.clone());
        }
    });
    out
}

/// The behaviours of a distribution config: the default one, then `CacheBehaviors` in order.
pub(super) fn behaviours(dc: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    if let Some(b) = field(dc, "DefaultCacheBehavior") {
        out.push((String::from("DefaultCacheBehavior"), b));
    }
    for (i, b) in items(field(dc, "CacheBehaviors")).iter().enumerate() {
        let pattern = lit_str(field(b, "PathPattern")).unwrap_or("?");
        out.push((format!("CacheBehaviors[{i}] ({pattern})"), b));
    }
    out
}

/// A behaviour's `AllowedMethods`; CloudFront's default when absent, an error when the value
/// is not a literal list of literal strings (then it cannot be checked).
pub(super) fn allowed_methods(behaviour: &Value) -> Result<Vec<String>, String> {
    match field(behaviour, "AllowedMethods") {
        None => Ok(vec![String::from("GET"), String::from("HEAD")]),
        Some(Value::Sequence(s)) => s
            .iter()
            .map(|m| {
                lit_str(Some(m))
                    .map(str::to_string)
                    .ok_or_else(|| format!("AllowedMethods item {m:?} is not a literal string"))
            })
            .collect(),
        Some(other) => Err(format!("AllowedMethods is not a literal list: {other:?}")),
    }
}

/// The methods of `methods` beyond GET, HEAD and OPTIONS.
pub(super) fn write_methods(methods: &[String]) -> Vec<String> {
    methods
        .iter()
        .filter(|m| !READ_METHODS.contains(&m.as_str()))
        .cloned()
        .collect()
}

/// The literal header names a cache policy keys on.
pub(super) fn cache_key_headers(props: &Value) -> Vec<&str> {
    items(path(
        props,
        &[
            "CachePolicyConfig",
            "ParametersInCacheKeyAndForwardedToOrigin",
            "HeadersConfig",
            "Headers",
        ],
    ))
    .iter()
    .filter_map(|h| lit_str(Some(h)))
    .collect()
}

/// A number, literal or quoted; `None` for anything else.
pub(super) fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
