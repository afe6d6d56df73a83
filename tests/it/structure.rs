//! Structural assertions over the parsed `template.yaml` of every valid example answer set
//! (`blueprints/*/tests/*.yaml` without `expect_error`) of every built-in blueprint: the
//! CloudFront API rejections cfn-lint does not catch, region-bound resources, cache policy TTL
//! ordering, SAM properties that must stay literal, and each blueprint's render-time toggles
//! (spec `blueprints.md` §1.7, the "Assert" items of §§2-5, §6). Also that every example
//! renders, leaves no handlebars braces behind and renders the same twice.
//!
//! This module owns those checks; byte-level snapshots live in `snapshots.rs` and in each
//! blueprint's `snapshots/`. Each check is a function over one rendered case that records its
//! findings, so the tests in [`breaks`] can damage a copy of a real rendered template and show
//! that the check reports it.

use pave::answers::{self, Supplied};
use pave::blueprint::{Blueprint, Entry, FileTree, TestCase};
use pave::registry::{BlueprintSource, builtin::Builtin};
use pave::template::Engine;
use serde_json::Value as Json;
use serde_yaml::Value;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// The managed AllViewer origin request policy: forwards the viewer's Host, which breaks
/// execute-api and Lambda URL origins.
const ALL_VIEWER: &str = "216adef6-5c7f-47e4-b989-5492eafa07d3";
/// Methods a behaviour may allow when it targets an origin group or an S3 origin.
const READ_METHODS: [&str; 3] = ["GET", "HEAD", "OPTIONS"];
/// The blueprints the spec describes; the per-blueprint checks below rely on these names.
const BLUEPRINTS: [&str; 4] = [
    "cloudfront-static-site",
    "cloudfront-http-api",
    "cloudfront-lambda-url",
    "cloudfront-edge-functions",
];

// ---------------------------------------------------------------------------------------------
// Rendering the examples
// ---------------------------------------------------------------------------------------------

/// One valid example rendered: its resolved answers, its files and its parsed `template.yaml`.
#[derive(Clone)]
struct Case {
    blueprint: String,
    name: String,
    answers: serde_json::Map<String, Json>,
    tree: FileTree,
    template: Value,
}

fn load(blueprint: &str) -> Blueprint {
    let source = Builtin;
    let version = source
        .resolve(blueprint, &semver::VersionReq::STAR)
        .unwrap_or_else(|e| panic!("{blueprint}: {e}"));
    source
        .load(blueprint, &version)
        .unwrap_or_else(|e| panic!("{blueprint}: {e}"))
        .blueprint
}

/// Every blueprint of the built-in registry, in index order.
fn builtin_names() -> Vec<String> {
    Builtin
        .index()
        .unwrap()
        .blueprints
        .into_iter()
        .map(|e| e.name)
        .collect()
}

/// The example answer sets of `bp` without `expect_error`, by case name.
fn valid_examples(bp: &Blueprint) -> Vec<(String, TestCase)> {
    bp.tests
        .iter()
        .map(|(name, src)| {
            let case: TestCase = pave::yaml::parse(src, name)
                .unwrap_or_else(|e| panic!("{}/{name}: {e}", bp.name()));
            (name.clone(), case)
        })
        .filter(|(_, case)| case.expect_error.is_none())
        .collect()
}

/// Renders one example with a fresh engine, as `pave blueprint test` does.
fn render_example(
    bp: &Blueprint,
    case: &TestCase,
) -> Result<(serde_json::Map<String, Json>, FileTree), String> {
    let mut engine = Engine::new(&bp.partials).map_err(|e| e.to_string())?;
    let supplied = Supplied {
        file: case.answers.clone(),
        ..Supplied::default()
    };
    let answers =
        answers::resolve(&bp.manifest, &engine, &supplied, None).map_err(|e| e.to_string())?;
    let tree = pave::render::render_with(&mut engine, bp, &answers.context())
        .map_err(|e| e.to_string())?;
    let Json::Object(context) = answers.context() else {
        return Err(String::from("the answers context is not a mapping"));
    };
    Ok((context, tree))
}

/// The text of a rendered file, when it exists and is UTF-8.
fn file_text<'a>(tree: &'a FileTree, path: &str) -> Option<&'a str> {
    match tree.get(path) {
        Some(Entry::File { data, .. }) => std::str::from_utf8(data).ok(),
        _ => None,
    }
}

/// `template.yaml` of a rendered tree, parsed; it must be a mapping with a `Resources` mapping.
fn parse_template(tree: &FileTree) -> Result<Value, String> {
    let text = file_text(tree, "template.yaml").ok_or("no UTF-8 template.yaml was rendered")?;
    let template: Value =
        serde_yaml::from_str(text).map_err(|e| format!("template.yaml does not parse: {e}"))?;
    match field(&template, "Resources") {
        Some(Value::Mapping(m)) if !m.is_empty() => Ok(template),
        _ => Err(String::from(
            "template.yaml has no non-empty Resources mapping",
        )),
    }
}

/// Every valid example of every built-in blueprint, rendered once per test run.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for blueprint in builtin_names() {
            let bp = load(&blueprint);
            for (name, example) in valid_examples(&bp) {
                let rendered = render_example(&bp, &example)
                    .and_then(|(answers, tree)| Ok((answers, parse_template(&tree)?, tree)));
                match rendered {
                    Ok((answers, template, tree)) => out.push(Case {
                        blueprint: blueprint.clone(),
                        name,
                        answers,
                        tree,
                        template,
                    }),
                    Err(e) => errors.push(format!("{blueprint}/{name}: {e}")),
                }
            }
        }
        assert!(
            errors.is_empty(),
            "examples that do not render:\n{}",
            errors.join("\n")
        );
        out
    })
}

/// One rendered example, copied so a test may damage it.
fn case(blueprint: &str, name: &str) -> Case {
    cases()
        .iter()
        .find(|c| c.blueprint == blueprint && c.name == name)
        .unwrap_or_else(|| panic!("no valid example {blueprint}/{name}"))
        .clone()
}

impl Case {
    fn label(&self) -> String {
        format!("{}/{}", self.blueprint, self.name)
    }

    fn answer_str(&self, name: &str) -> Option<&str> {
        self.answers.get(name).and_then(Json::as_str)
    }

    fn answer_bool(&self, name: &str) -> Option<bool> {
        self.answers.get(name).and_then(Json::as_bool)
    }

    /// `(logical id, type, properties)` of every resource; missing properties read as null.
    fn resources(&self) -> Vec<(&str, &str, &Value)> {
        static NULL: Value = Value::Null;
        let Some(Value::Mapping(resources)) = field(&self.template, "Resources") else {
            return Vec::new();
        };
        resources
            .iter()
            .map(|(id, res)| {
                (
                    id.as_str().unwrap_or("?"),
                    lit_str(field(res, "Type")).unwrap_or("?"),
                    field(res, "Properties").unwrap_or(&NULL),
                )
            })
            .collect()
    }

    /// `(logical id, properties)` of the resources of one type.
    fn of_type(&self, kind: &str) -> Vec<(&str, &Value)> {
        self.resources()
            .into_iter()
            .filter(|(_, t, _)| *t == kind)
            .map(|(id, _, props)| (id, props))
            .collect()
    }

    /// `(logical id, DistributionConfig)` of every distribution.
    fn distributions(&self) -> Vec<(&str, &Value)> {
        self.of_type("AWS::CloudFront::Distribution")
            .into_iter()
            .filter_map(|(id, props)| Some((id, field(props, "DistributionConfig")?)))
            .collect()
    }

    fn parameter(&self, name: &str) -> Option<&Value> {
        path(&self.template, &["Parameters", name])
    }
}

// ---------------------------------------------------------------------------------------------
// Reading parsed CloudFormation. The accessors of `serde_yaml::Value` look through tags (a
// `!Ref X` reads as the string `X`), so these helpers never do: a tagged value is an intrinsic,
// not a literal.
// ---------------------------------------------------------------------------------------------

/// A key of a mapping; `None` for anything else, tagged values included.
fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Mapping(m) => m.get(key),
        _ => None,
    }
}

fn path<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().try_fold(v, |cur, key| field(cur, key))
}

/// A literal (untagged) string.
fn lit_str(v: Option<&Value>) -> Option<&str> {
    match v {
        Some(Value::String(s)) => Some(s),
        _ => None,
    }
}

/// The items of a literal sequence; empty for anything else.
fn items(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::Sequence(s)) => s,
        _ => &[],
    }
}

/// A CloudFormation intrinsic: a short-form tag (`!If`, `!Ref`, ...) or a one-key mapping
/// `Ref` / `Fn::*` / `Condition`.
fn is_intrinsic(v: &Value) -> bool {
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
fn ref_target(v: Option<&Value>) -> Option<&str> {
    match v? {
        Value::Tagged(t) if t.tag == "Ref" => lit_str(Some(&t.value)),
        Value::Mapping(m) if m.len() == 1 => lit_str(m.get("Ref")),
        _ => None,
    }
}

/// `Resource.Attribute` of a `!GetAtt` in either form.
fn getatt_target(v: Option<&Value>) -> Option<String> {
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
fn strip_tags(v: &Value) -> Value {
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
fn walk<'a>(v: &'a Value, at: &mut Vec<String>, visit: &mut dyn FnMut(&[String], &'a Value)) {
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
fn strings(v: &Value) -> Vec<String> {
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
fn behaviours(dc: &Value) -> Vec<(String, &Value)> {
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
fn allowed_methods(behaviour: &Value) -> Result<Vec<String>, String> {
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
fn write_methods(methods: &[String]) -> Vec<String> {
    methods
        .iter()
        .filter(|m| !READ_METHODS.contains(&m.as_str()))
        .cloned()
        .collect()
}

/// The literal header names a cache policy keys on.
fn cache_key_headers(props: &Value) -> Vec<&str> {
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

// ---------------------------------------------------------------------------------------------
// Checks: each inspects one case, counts what it looked at and records findings.
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Report {
    checked: usize,
    failures: Vec<String>,
}

impl Report {
    fn fail(&mut self, case: &Case, what: impl std::fmt::Display) {
        self.failures.push(format!("{}: {what}", case.label()));
    }
}

type Check = fn(&Case, &mut Report);

fn run(check: Check, cases: &[Case]) -> Report {
    let mut report = Report::default();
    for case in cases {
        check(case, &mut report);
    }
    report
}

/// Runs `check` over every case: something must have been checked and nothing found.
fn assert_all(what: &str, check: Check) {
    let report = run(check, cases());
    assert!(
        report.checked > 0,
        "{what}: nothing was checked in {} cases; did the templates change shape?",
        cases().len()
    );
    assert!(
        report.failures.is_empty(),
        "{what}:\n  {}",
        report.failures.join("\n  ")
    );
}

/// Places of `{{` other than `{{resolve:` (CloudFormation dynamic references) and `${{`
/// (GitHub Actions expressions).
fn stray_braces(text: &str) -> Vec<usize> {
    text.match_indices("{{")
        .map(|(i, _)| i)
        .filter(|&i| !text[i..].starts_with("{{resolve:") && !text[..i].ends_with('$'))
        .collect()
}

fn check_no_stray_braces(case: &Case, report: &mut Report) {
    for (path, entry) in &case.tree {
        report.checked += 1;
        if !stray_braces(path).is_empty() {
            report.fail(case, format!("file name {path} keeps `{{{{`"));
        }
        let Entry::File { data, .. } = entry else {
            continue;
        };
        let Ok(text) = std::str::from_utf8(data) else {
            continue;
        };
        for at in stray_braces(text) {
            let line = text[..at].lines().count().max(1);
            let snippet: String = text[at..]
                .lines()
                .next()
                .unwrap_or_default()
                .chars()
                .take(40)
                .collect();
            report.fail(case, format!("{path}:{line} keeps `{snippet}`"));
        }
    }
}

fn check_origin_group_methods(case: &Case, report: &mut Report) {
    for (dist, dc) in case.distributions() {
        let mut groups = BTreeSet::new();
        for group in items(path(dc, &["OriginGroups", "Items"])) {
            match lit_str(field(group, "Id")) {
                Some(id) => {
                    groups.insert(id);
                }
                None => report.fail(case, format!("{dist}: an origin group has no literal Id")),
            }
        }
        for (label, behaviour) in behaviours(dc) {
            let Some(target) = lit_str(field(behaviour, "TargetOriginId")) else {
                report.fail(
                    case,
                    format!("{dist} {label}: TargetOriginId is not a literal"),
                );
                continue;
            };
            if !groups.contains(target) {
                continue;
            }
            report.checked += 1;
            match allowed_methods(behaviour) {
                Err(e) => report.fail(case, format!("{dist} {label}: {e}")),
                Ok(methods) => {
                    let writes = write_methods(&methods);
                    if !writes.is_empty() {
                        report.fail(
                            case,
                            format!(
                                "{dist} {label} targets origin group {target} but allows {writes:?}"
                            ),
                        );
                    }
                }
            }
        }
    }
}

fn check_authorization_placement(case: &Case, report: &mut Report) {
    const CACHE_KEY: [&str; 4] = [
        "CachePolicyConfig",
        "ParametersInCacheKeyAndForwardedToOrigin",
        "HeadersConfig",
        "Headers",
    ];
    // Header names anywhere: items of a `Headers` list, values of `Header` / `HeaderName`.
    for (id, kind, props) in case.resources() {
        let mut found = Vec::new();
        walk(props, &mut Vec::new(), &mut |at, node| {
            let key = at.last().map(String::as_str);
            let parent = at.len().checked_sub(2).map(|i| at[i].as_str());
            let in_headers_list =
                parent == Some("Headers") && key.is_some_and(|k| k.parse::<usize>().is_ok());
            let is_header = in_headers_list || matches!(key, Some("Header" | "HeaderName"));
            if let (true, Value::String(name)) = (is_header, node) {
                found.push((at.to_vec(), name.clone()));
            }
        });
        for (at, name) in found {
            report.checked += 1;
            let in_cache_key = kind == "AWS::CloudFront::CachePolicy"
                && at.len() == CACHE_KEY.len() + 1
                && at[..CACHE_KEY.len()] == CACHE_KEY;
            if name.eq_ignore_ascii_case("authorization") && !in_cache_key {
                report.fail(
                    case,
                    format!(
                        "{id} ({kind}): header {name} at {} (only a cache policy's HeadersConfig \
                         may name it)",
                        at.join(".")
                    ),
                );
            }
        }
    }
    let policies = case.of_type("AWS::CloudFront::CachePolicy");
    let keys_on_authorization = policies.iter().any(|(_, p)| {
        cache_key_headers(p)
            .iter()
            .any(|h| h.eq_ignore_ascii_case("authorization"))
    });
    match case.blueprint.as_str() {
        "cloudfront-http-api" => {
            report.checked += 1;
            match case.answer_str("auth") {
                Some("none") if keys_on_authorization => {
                    report.fail(case, "auth=none but a cache policy keys on Authorization")
                }
                Some("jwt") if !keys_on_authorization => report.fail(
                    case,
                    "auth=jwt but no cache policy keys on Authorization (per-user responses \
                     would be shared)",
                ),
                Some("none" | "jwt") => {}
                other => report.fail(case, format!("unexpected auth answer {other:?}")),
            }
        }
        "cloudfront-lambda-url" => {
            report.checked += 1;
            let Some(token) = case.answer_str("user_token_header") else {
                report.fail(case, "no user_token_header answer");
                return;
            };
            if token.eq_ignore_ascii_case("authorization") {
                report.fail(case, "user_token_header is Authorization");
            }
            if policies.is_empty() {
                report.fail(case, "no AWS::CloudFront::CachePolicy");
            }
            for (id, props) in policies {
                let behavior = lit_str(path(
                    props,
                    &[
                        "CachePolicyConfig",
                        "ParametersInCacheKeyAndForwardedToOrigin",
                        "HeadersConfig",
                        "HeaderBehavior",
                    ],
                ));
                let headers = cache_key_headers(props);
                if behavior != Some("whitelist") || headers != [token] {
                    report.fail(
                        case,
                        format!(
                            "{id}: cache key headers are {behavior:?} {headers:?}, want whitelist \
                             [{token}] (user_token_header)"
                        ),
                    );
                }
            }
        }
        _ => {}
    }
}

fn check_no_all_viewer(case: &Case, report: &mut Report) {
    let mut seen = Vec::new();
    walk(&case.template, &mut Vec::new(), &mut |at, node| {
        if at.last().map(String::as_str) == Some("OriginRequestPolicyId") {
            seen.push((at.join("."), node));
        }
    });
    for (at, value) in seen {
        report.checked += 1;
        let mut ids = strings(value);
        if let Some(param) = ref_target(Some(value))
            && let Some(default) = case.parameter(param).and_then(|p| field(p, "Default"))
        {
            ids.extend(strings(default));
        }
        if ids.iter().any(|id| id == ALL_VIEWER) {
            report.fail(case, format!("{at} is the AllViewer policy {ALL_VIEWER}"));
        }
    }
}

/// A TTL value: its effective number (a literal, or the referenced parameter's Default) and,
/// for a parameter, the range its MinValue/MaxValue/AllowedValues admit.
struct Ttl {
    value: f64,
    param: Option<(Option<f64>, Option<f64>)>,
}

fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn ttl(case: &Case, config: &Value, key: &str) -> Result<Ttl, String> {
    let v = field(config, key).ok_or_else(|| format!("{key} is missing"))?;
    if let Some(value) = number(Some(v)) {
        return Ok(Ttl { value, param: None });
    }
    let param = ref_target(Some(v))
        .ok_or_else(|| format!("{key} is neither a number nor a !Ref: {v:?}"))?;
    let p = case
        .parameter(param)
        .ok_or_else(|| format!("{key} refers to {param}, which is not a parameter"))?;
    let value = number(field(p, "Default"))
        .ok_or_else(|| format!("{key} refers to {param}, which has no numeric Default"))?;
    let allowed: Vec<f64> = items(field(p, "AllowedValues"))
        .iter()
        .filter_map(|a| number(Some(a)))
        .collect();
    let lo = number(field(p, "MinValue")).or_else(|| allowed.iter().copied().reduce(f64::min));
    let hi = number(field(p, "MaxValue")).or_else(|| allowed.iter().copied().reduce(f64::max));
    Ok(Ttl {
        value,
        param: Some((lo, hi)),
    })
}

fn check_ttl_order(case: &Case, report: &mut Report) {
    for (id, props) in case.of_type("AWS::CloudFront::CachePolicy") {
        report.checked += 1;
        let Some(config) = field(props, "CachePolicyConfig") else {
            report.fail(case, format!("{id}: no CachePolicyConfig"));
            continue;
        };
        let read = |key| ttl(case, config, key);
        let (min, default, max) = match (read("MinTTL"), read("DefaultTTL"), read("MaxTTL")) {
            (Ok(a), Ok(b), Ok(c)) => (a, b, c),
            (a, b, c) => {
                for e in [a.err(), b.err(), c.err()].into_iter().flatten() {
                    report.fail(case, format!("{id}: {e}"));
                }
                continue;
            }
        };
        if !(min.value <= default.value && default.value <= max.value) {
            report.fail(
                case,
                format!(
                    "{id}: MinTTL {} <= DefaultTTL {} <= MaxTTL {} does not hold",
                    min.value, default.value, max.value
                ),
            );
        }
        // A parameter against a literal: every value the parameter admits must keep the order.
        for ((lower_name, lower), (upper_name, upper)) in [
            (("MinTTL", &min), ("DefaultTTL", &default)),
            (("DefaultTTL", &default), ("MaxTTL", &max)),
            (("MinTTL", &min), ("MaxTTL", &max)),
        ] {
            match (lower.param, upper.param) {
                (Some((_, Some(hi))), None) if hi > upper.value => report.fail(
                    case,
                    format!(
                        "{id}: {lower_name} admits {hi}, above {upper_name} {}",
                        upper.value
                    ),
                ),
                (None, Some((Some(lo), _))) if lo < lower.value => report.fail(
                    case,
                    format!(
                        "{id}: {upper_name} admits {lo}, below {lower_name} {}",
                        lower.value
                    ),
                ),
                _ => {}
            }
        }
    }
}

fn check_web_acl_region(case: &Case, report: &mut Report) {
    let region = case.answer_str("region");
    let mut cloudfront_acls = 0;
    for (id, props) in case.of_type("AWS::WAFv2::WebACL") {
        report.checked += 1;
        match lit_str(field(props, "Scope")) {
            Some("CLOUDFRONT") => cloudfront_acls += 1,
            Some(_) => continue,
            None => {
                report.fail(case, format!("{id}: Scope is not a literal"));
                continue;
            }
        }
        if let Some(region) = region
            && region != "us-east-1"
        {
            report.fail(
                case,
                format!(
                    "{id}: AWS::WAFv2::WebACL with Scope CLOUDFRONT rendered for region {region}"
                ),
            );
        }
    }
    if case.answer_str("waf") == Some("create") && cloudfront_acls == 0 {
        report.fail(case, "waf=create but no CLOUDFRONT web ACL was rendered");
    }
}

fn check_sam_literals(case: &Case, report: &mut Report) {
    let mut targets: Vec<(String, &Value)> = case
        .resources()
        .into_iter()
        .filter(|(_, kind, _)| {
            matches!(
                *kind,
                "AWS::Serverless::Function" | "AWS::Serverless::HttpApi"
            )
        })
        .map(|(id, kind, props)| (format!("{id} ({kind})"), props))
        .collect();
    for section in ["Function", "HttpApi"] {
        if let Some(globals) = path(&case.template, &["Globals", section]) {
            targets.push((format!("Globals.{section}"), globals));
        }
    }
    for (owner, props) in targets {
        if is_intrinsic(props) {
            report.fail(case, format!("{owner}: Properties is an intrinsic"));
            continue;
        }
        for key in ["Auth", "Events", "FunctionUrlConfig"] {
            let Some(value) = field(props, key) else {
                continue;
            };
            report.checked += 1;
            let top_level_fn = match value {
                Value::Mapping(m) => m
                    .keys()
                    .filter_map(Value::as_str)
                    .any(|k| k.starts_with("Fn::")),
                _ => false,
            };
            if is_intrinsic(value) || top_level_fn {
                report.fail(
                    case,
                    format!("{owner}: {key} is an intrinsic, which SAM rejects"),
                );
                continue;
            }
            if key == "Events" {
                let Value::Mapping(events) = value else {
                    report.fail(case, format!("{owner}: Events is not a mapping"));
                    continue;
                };
                for (name, event) in events {
                    let name = name.as_str().unwrap_or("?");
                    if is_intrinsic(event) || field(event, "Type").is_some_and(is_intrinsic) {
                        report.fail(case, format!("{owner}: event {name} is an intrinsic"));
                    }
                }
            }
        }
    }
}

fn check_origins(case: &Case, report: &mut Report) {
    for (dist, dc) in case.distributions() {
        let Some(Value::Sequence(origins)) = field(dc, "Origins") else {
            report.fail(case, format!("{dist}: Origins is not a literal list"));
            continue;
        };
        let mut s3 = BTreeSet::new();
        for origin in origins {
            report.checked += 1;
            let id = lit_str(field(origin, "Id")).unwrap_or("?");
            let s3_config = field(origin, "S3OriginConfig").is_some();
            let custom = field(origin, "CustomOriginConfig");
            if s3_config == custom.is_some() {
                report.fail(
                    case,
                    format!(
                        "{dist} origin {id}: needs exactly one of S3OriginConfig and \
                         CustomOriginConfig"
                    ),
                );
            }
            if s3_config {
                s3.insert(id);
            }
            if let Some(custom) = custom {
                let policy = lit_str(field(custom, "OriginProtocolPolicy"));
                if policy != Some("https-only") {
                    report.fail(
                        case,
                        format!(
                            "{dist} origin {id}: OriginProtocolPolicy is {policy:?}, not https-only"
                        ),
                    );
                }
            }
        }
        // An origin group with an S3 member serves S3 content too.
        let mut s3_targets = s3.clone();
        for group in items(path(dc, &["OriginGroups", "Items"])) {
            let members = items(path(group, &["Members", "Items"]));
            if members
                .iter()
                .any(|m| lit_str(field(m, "OriginId")).is_some_and(|o| s3.contains(o)))
                && let Some(id) = lit_str(field(group, "Id"))
            {
                s3_targets.insert(id);
            }
        }
        for (label, behaviour) in behaviours(dc) {
            let target = lit_str(field(behaviour, "TargetOriginId")).unwrap_or("?");
            if !s3_targets.contains(target) {
                continue;
            }
            match allowed_methods(behaviour) {
                Err(e) => report.fail(case, format!("{dist} {label}: {e}")),
                Ok(methods) => {
                    let writes = write_methods(&methods);
                    if !writes.is_empty() {
                        report.fail(
                            case,
                            format!(
                                "{dist} {label} targets S3 origin {target} but allows {writes:?}"
                            ),
                        );
                    }
                }
            }
        }
    }
}

fn check_site_toggles(case: &Case, report: &mut Report) {
    for (dist, dc) in case.distributions() {
        let cert = field(dc, "ViewerCertificate");
        let default_cert = cert
            .and_then(|c| field(c, "CloudFrontDefaultCertificate"))
            .is_some();
        let min_protocol = cert
            .and_then(|c| field(c, "MinimumProtocolVersion"))
            .is_some();
        if default_cert && min_protocol {
            report.fail(
                case,
                format!(
                    "{dist}: ViewerCertificate sets CloudFrontDefaultCertificate and \
                     MinimumProtocolVersion"
                ),
            );
        }
        // custom_domain, in every blueprint that offers it.
        if let Some(custom_domain) = case.answer_bool("custom_domain") {
            report.checked += 1;
            let aliases = !items(field(dc, "Aliases")).is_empty()
                || field(dc, "Aliases").is_some_and(is_intrinsic);
            let acm = cert.and_then(|c| field(c, "AcmCertificateArn")).is_some();
            if aliases != custom_domain || acm != custom_domain {
                report.fail(
                    case,
                    format!(
                        "{dist}: custom_domain={custom_domain} but Aliases present={aliases}, \
                         AcmCertificateArn present={acm}"
                    ),
                );
            }
        }
    }
    if case.blueprint != "cloudfront-static-site" {
        return;
    }
    report.checked += 1;
    let Some(routing) = case.answer_str("routing") else {
        report.fail(case, "no routing answer");
        return;
    };
    let wanted = routing != "none";
    let functions: Vec<&str> = case
        .of_type("AWS::CloudFront::Function")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let mut associations = Vec::new();
    for (dist, dc) in case.distributions() {
        for (label, behaviour) in behaviours(dc) {
            for a in items(field(behaviour, "FunctionAssociations")) {
                associations.push((format!("{dist} {label}"), a));
            }
        }
    }
    if functions.is_empty() == wanted {
        report.fail(
            case,
            format!("routing={routing} but CloudFront Function resources are {functions:?}"),
        );
    }
    if associations.is_empty() == wanted {
        report.fail(
            case,
            format!(
                "routing={routing} but {} FunctionAssociations",
                associations.len()
            ),
        );
    }
    for (at, a) in associations {
        let event = lit_str(field(a, "EventType"));
        let arn = getatt_target(field(a, "FunctionARN"));
        let points_at_function = arn.as_deref().is_some_and(|arn| {
            functions
                .iter()
                .any(|f| arn == format!("{f}.FunctionMetadata.FunctionARN"))
        });
        if event != Some("viewer-request") || !points_at_function {
            report.fail(
                case,
                format!(
                    "{at}: association {event:?} -> {arn:?} is not viewer-request to a \
                     rendered function"
                ),
            );
        }
    }
}

/// Whether JavaScript source imports the `cloudfront` module (KeyValueStore access).
fn imports_cloudfront(code: &str) -> bool {
    code.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("import ")
            && (line.contains("'cloudfront'") || line.contains("\"cloudfront\""))
    })
}

fn check_edge_kvs(case: &Case, report: &mut Report) {
    if case.blueprint != "cloudfront-edge-functions" {
        return;
    }
    report.checked += 1;
    let Some(kvs) = case.answer_bool("kvs") else {
        report.fail(case, "no kvs answer");
        return;
    };
    let mut code: Vec<(String, &str)> = case
        .tree
        .keys()
        .filter(|p| p.starts_with("functions/") && p.ends_with(".js"))
        .filter_map(|p| Some((p.clone(), file_text(&case.tree, p)?)))
        .collect();
    if code.is_empty() {
        report.fail(case, "no functions/*.js file was rendered");
    }
    let functions = case.of_type("AWS::CloudFront::Function");
    if functions.is_empty() {
        report.fail(case, "no AWS::CloudFront::Function resource");
    }
    for (id, props) in &functions {
        match lit_str(field(props, "FunctionCode")) {
            Some(inline) => code.push((format!("{id} FunctionCode"), inline)),
            None => report.fail(case, format!("{id}: FunctionCode is not a literal string")),
        }
        let associated = path(props, &["FunctionConfig", "KeyValueStoreAssociations"]).is_some();
        if associated != kvs {
            report.fail(
                case,
                format!("{id}: kvs={kvs} but KeyValueStoreAssociations present={associated}"),
            );
        }
    }
    for (what, text) in code {
        if kvs && !text.contains("import cf from 'cloudfront'") {
            report.fail(
                case,
                format!("{what}: kvs=true but no `import cf from 'cloudfront'`"),
            );
        }
        if !kvs && imports_cloudfront(text) {
            report.fail(
                case,
                format!(
                    "{what}: kvs=false but the code imports 'cloudfront' (rejected at publish time)"
                ),
            );
        }
    }
    let stores = case.of_type("AWS::CloudFront::KeyValueStore");
    if stores.is_empty() == kvs {
        report.fail(
            case,
            format!(
                "kvs={kvs} but {} AWS::CloudFront::KeyValueStore resources",
                stores.len()
            ),
        );
    }
}

fn check_lambda_url_access(case: &Case, report: &mut Report) {
    if case.blueprint != "cloudfront-lambda-url" {
        return;
    }
    report.checked += 1;
    let distributions = case.distributions();
    let Some(&(dist, dc)) = distributions.first() else {
        report.fail(case, "no distribution");
        return;
    };
    let functions: Vec<&str> = case
        .of_type("AWS::Serverless::Function")
        .into_iter()
        .filter(|(_, props)| field(props, "FunctionUrlConfig").is_some())
        .map(|(id, props)| {
            let auth = lit_str(path(props, &["FunctionUrlConfig", "AuthType"]));
            if auth != Some("AWS_IAM") {
                report.fail(
                    case,
                    format!("{id}: FunctionUrlConfig.AuthType is {auth:?}, not AWS_IAM"),
                );
            }
            id
        })
        .collect();
    if functions.is_empty() {
        report.fail(
            case,
            "no AWS::Serverless::Function with a FunctionUrlConfig",
        );
    }
    let permissions = case.of_type("AWS::Lambda::Permission");
    let source_arn = format!(":distribution/${{{dist}}}");
    for (action, extra_key, extra_value) in [
        (
            "lambda:InvokeFunctionUrl",
            "FunctionUrlAuthType",
            Value::from("AWS_IAM"),
        ),
        (
            "lambda:InvokeFunction",
            "InvokedViaFunctionUrl",
            Value::Bool(true),
        ),
    ] {
        let matching: Vec<&(&str, &Value)> = permissions
            .iter()
            .filter(|(_, p)| lit_str(field(p, "Action")) == Some(action))
            .collect();
        if matching.len() != 1 {
            report.fail(
                case,
                format!(
                    "want one AWS::Lambda::Permission with Action {action}, found {}",
                    matching.len()
                ),
            );
        }
        for (id, p) in matching {
            let extra = field(p, extra_key);
            let extra_ok = extra == Some(&extra_value)
                || (extra_value == Value::Bool(true) && lit_str(extra) == Some("true"));
            if !extra_ok {
                report.fail(
                    case,
                    format!("{id}: {extra_key} is {extra:?}, want {extra_value:?}"),
                );
            }
            let principal = lit_str(field(p, "Principal"));
            if principal != Some("cloudfront.amazonaws.com") {
                report.fail(
                    case,
                    format!("{id}: Principal is {principal:?}, not cloudfront.amazonaws.com"),
                );
            }
            let scoped = field(p, "SourceArn")
                .is_some_and(|arn| strings(arn).iter().any(|s| s.ends_with(&source_arn)));
            if !scoped {
                report.fail(
                    case,
                    format!("{id}: SourceArn is not scoped to distribution {dist}"),
                );
            }
            let name = field(p, "FunctionName");
            let target = getatt_target(name)
                .and_then(|t| t.strip_suffix(".Arn").map(str::to_string))
                .or_else(|| ref_target(name).map(str::to_string));
            if !target.is_some_and(|t| functions.contains(&t.as_str())) {
                report.fail(
                    case,
                    format!("{id}: FunctionName does not name the Function URL's function"),
                );
            }
        }
    }
    let oacs: Vec<&str> = case
        .of_type("AWS::CloudFront::OriginAccessControl")
        .into_iter()
        .filter(|(_, p)| {
            lit_str(path(
                p,
                &["OriginAccessControlConfig", "OriginAccessControlOriginType"],
            )) == Some("lambda")
        })
        .map(|(id, _)| id)
        .collect();
    if oacs.is_empty() {
        report.fail(
            case,
            "no AWS::CloudFront::OriginAccessControl of type lambda",
        );
    }
    let signed = items(field(dc, "Origins")).iter().any(|o| {
        getatt_target(field(o, "OriginAccessControlId"))
            .is_some_and(|t| oacs.iter().any(|oac| t == format!("{oac}.Id")))
    });
    if !signed {
        report.fail(
            case,
            format!("{dist}: no origin uses the lambda origin access control"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The assertions over every valid example
// ---------------------------------------------------------------------------------------------

#[test]
fn every_valid_example_of_every_builtin_blueprint_renders() {
    let names = builtin_names();
    for wanted in BLUEPRINTS {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} is not built in: {names:?}"
        );
    }
    let mut total = 0;
    let mut failures = Vec::new();
    for blueprint in &names {
        let bp = load(blueprint);
        let examples = valid_examples(&bp);
        if examples.is_empty() {
            failures.push(format!("{blueprint}: no valid example answer set"));
        }
        total += examples.len();
        for (name, example) in examples {
            if let Err(e) =
                render_example(&bp, &example).and_then(|(_, tree)| parse_template(&tree))
            {
                failures.push(format!("{blueprint}/{name}: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(total >= 20, "only {total} valid examples across {names:?}");
    assert_eq!(cases().len(), total);
}

#[test]
fn no_handlebars_braces_left_in_rendered_files() {
    assert_all("`{{` left in rendered output", check_no_stray_braces);
}

/// The first path where two trees differ.
fn first_difference(a: &FileTree, b: &FileTree) -> Option<String> {
    let paths: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    paths.into_iter().find(|p| a.get(*p) != b.get(*p)).cloned()
}

#[test]
fn rendering_the_same_answers_twice_gives_identical_trees() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for blueprint in builtin_names() {
        let bp = load(&blueprint);
        for (name, example) in valid_examples(&bp) {
            let first = render_example(&bp, &example).unwrap().1;
            let second = render_example(&bp, &example).unwrap().1;
            compared += 1;
            if let Some(path) = first_difference(&first, &second) {
                failures.push(format!(
                    "{blueprint}/{name}: {path} differs between two renders"
                ));
            }
        }
    }
    assert!(compared >= 20, "{compared} examples compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn origin_group_behaviours_allow_only_read_methods() {
    assert_all(
        "origin group behaviours with write methods",
        check_origin_group_methods,
    );
}

#[test]
fn authorization_header_only_in_cache_policies() {
    assert_all(
        "Authorization header placement",
        check_authorization_placement,
    );
}

#[test]
fn no_all_viewer_origin_request_policy() {
    assert_all("AllViewer origin request policy", check_no_all_viewer);
}

#[test]
fn cache_policy_ttls_are_ordered() {
    assert_all("cache policy TTL order", check_ttl_order);
}

#[test]
fn cloudfront_web_acl_only_for_us_east_1() {
    assert_all("CLOUDFRONT web ACL outside us-east-1", check_web_acl_region);
}

#[test]
fn sam_auth_events_and_function_url_config_are_not_intrinsics() {
    assert_all("SAM properties that must be literal", check_sam_literals);
}

#[test]
fn origins_are_read_only_s3_or_https_only_custom() {
    assert_all("origins", check_origins);
}

#[test]
fn static_site_routing_domain_and_certificate_follow_answers() {
    assert_all(
        "static-site toggles and viewer certificates",
        check_site_toggles,
    );
}

#[test]
fn edge_functions_import_cloudfront_only_with_kvs() {
    assert_all("edge-functions kvs toggle", check_edge_kvs);
}

#[test]
fn lambda_url_grants_both_permissions_through_a_lambda_oac() {
    assert_all("lambda-url permissions and OAC", check_lambda_url_access);
}

/// Each check reports a damaged copy of a real rendered example (and nothing on the intact one).
mod breaks {
    use super::*;

    fn yaml(src: &str) -> Value {
        serde_yaml::from_str(src).unwrap()
    }

    /// The value at a dotted path (sequence items by index); panics when it is missing.
    fn at_mut<'a>(v: &'a mut Value, dotted: &str) -> &'a mut Value {
        let mut cur = v;
        for seg in dotted.split('.') {
            cur = match cur {
                Value::Mapping(m) => m
                    .get_mut(seg)
                    .unwrap_or_else(|| panic!("no {seg} in {dotted}")),
                Value::Sequence(s) => &mut s[seg.parse::<usize>().unwrap()],
                other => panic!("{dotted}: {seg} under {other:?}"),
            };
        }
        cur
    }

    fn push(v: &mut Value, dotted: &str, item: Value) {
        at_mut(v, dotted).as_sequence_mut().unwrap().push(item);
    }

    fn insert(v: &mut Value, dotted: &str, key: &str, value: Value) {
        at_mut(v, dotted)
            .as_mapping_mut()
            .unwrap()
            .insert(Value::from(key), value);
    }

    fn remove(v: &mut Value, dotted: &str, key: &str) {
        at_mut(v, dotted)
            .as_mapping_mut()
            .unwrap()
            .remove(key)
            .unwrap();
    }

    /// `check` passes on the intact example and reports `needle` once `damage` is applied.
    fn assert_catches(
        check: Check,
        blueprint: &str,
        name: &str,
        damage: impl FnOnce(&mut Case),
        needle: &str,
    ) {
        let mut case = case(blueprint, name);
        let intact = run(check, std::slice::from_ref(&case));
        assert!(intact.failures.is_empty(), "intact: {:?}", intact.failures);
        damage(&mut case);
        let broken = run(check, std::slice::from_ref(&case));
        assert!(
            broken
                .failures
                .iter()
                .any(|f| f.contains(needle) && f.contains(&case.label())),
            "damage not reported as {needle:?}: {:?}",
            broken.failures
        );
    }

    const DIST: &str = "Resources.Distribution.Properties.DistributionConfig";
    const API_CACHE_HEADERS: &str = concat!(
        "Resources.ApiCachePolicy.Properties.CachePolicyConfig.",
        "ParametersInCacheKeyAndForwardedToOrigin.HeadersConfig"
    );

    #[test]
    fn stray_braces_in_a_file() {
        assert_catches(
            check_no_stray_braces,
            "cloudfront-static-site",
            "01-spa-logs",
            |c| {
                c.tree.insert(
                    String::from("README.md"),
                    Entry::file("ok ${{ x }} and {{resolve:ssm:/a}}\nbad {{project_name}}\n"),
                );
            },
            "README.md:2 keeps `{{project_name}}",
        );
    }

    #[test]
    fn differing_trees() {
        let c = case("cloudfront-static-site", "01-spa-logs");
        let mut other = c.tree.clone();
        assert_eq!(first_difference(&c.tree, &other), None);
        other.insert(String::from("template.yaml"), Entry::file("changed"));
        assert_eq!(
            first_difference(&c.tree, &other).as_deref(),
            Some("template.yaml")
        );
    }

    #[test]
    fn write_method_on_an_origin_group_behaviour() {
        assert_catches(
            check_origin_group_methods,
            "cloudfront-http-api",
            "03-node24-jwt-existing-failover-shield",
            |c| {
                push(
                    &mut c.template,
                    &format!("{DIST}.DefaultCacheBehavior.AllowedMethods"),
                    Value::from("POST"),
                )
            },
            "DefaultCacheBehavior targets origin group api-failover but allows [\"POST\"]",
        );
    }

    #[test]
    fn authorization_in_an_origin_request_policy() {
        assert_catches(
            check_authorization_placement,
            "cloudfront-http-api",
            "01-node22-jwt-waf-create",
            |c| {
                insert(
                    &mut c.template,
                    "Resources",
                    "ForwardAuth",
                    yaml(
                        "{Type: AWS::CloudFront::OriginRequestPolicy, Properties: \
                         {OriginRequestPolicyConfig: {Name: x, HeadersConfig: \
                         {HeaderBehavior: whitelist, Headers: [authorization]}}}}",
                    ),
                );
            },
            "ForwardAuth (AWS::CloudFront::OriginRequestPolicy): header authorization",
        );
    }

    #[test]
    fn authorization_in_the_cache_key_without_auth() {
        assert_catches(
            check_authorization_placement,
            "cloudfront-http-api",
            "02-python312-open-no-waf",
            |c| {
                *at_mut(&mut c.template, API_CACHE_HEADERS) =
                    yaml("{HeaderBehavior: whitelist, Headers: [Authorization]}");
            },
            "auth=none but a cache policy keys on Authorization",
        );
    }

    #[test]
    fn lambda_url_cache_key_other_than_the_token_header() {
        assert_catches(
            check_authorization_placement,
            "cloudfront-lambda-url",
            "06-python313-eu-west-1-custom-header",
            |c| {
                *at_mut(&mut c.template, &format!("{API_CACHE_HEADERS}.Headers.0")) =
                    Value::from("X-User-Token");
            },
            "want whitelist [X-Session-Token]",
        );
    }

    #[test]
    fn all_viewer_policy_on_the_function_url() {
        assert_catches(
            check_no_all_viewer,
            "cloudfront-lambda-url",
            "01-python-buffered-nowaf-logs",
            |c| {
                *at_mut(
                    &mut c.template,
                    &format!("{DIST}.DefaultCacheBehavior.OriginRequestPolicyId"),
                ) = Value::from(ALL_VIEWER);
            },
            "DefaultCacheBehavior.OriginRequestPolicyId is the AllViewer policy",
        );
    }

    #[test]
    fn min_ttl_above_default_ttl() {
        assert_catches(
            check_ttl_order,
            "cloudfront-edge-functions",
            "01-kvs-country-defaults",
            |c| {
                *at_mut(
                    &mut c.template,
                    "Resources.ViewerCountryCachePolicy.Properties.CachePolicyConfig.MinTTL",
                ) = Value::from(100_000);
            },
            "MinTTL 100000 <= DefaultTTL 86400 <= MaxTTL 31536000 does not hold",
        );
    }

    #[test]
    fn default_ttl_parameter_default_above_max_ttl() {
        assert_catches(
            check_ttl_order,
            "cloudfront-http-api",
            "01-node22-jwt-waf-create",
            |c| {
                *at_mut(&mut c.template, "Parameters.ApiCacheTtlSeconds.Default") =
                    Value::from(120);
            },
            "MinTTL 0 <= DefaultTTL 120 <= MaxTTL 60 does not hold",
        );
    }

    #[test]
    fn default_ttl_parameter_range_above_a_literal_max_ttl() {
        assert_catches(
            check_ttl_order,
            "cloudfront-lambda-url",
            "01-python-buffered-nowaf-logs",
            |c| {
                *at_mut(&mut c.template, "Parameters.ApiCacheTtlSeconds.MaxValue") =
                    Value::from(3600);
            },
            "DefaultTTL admits 3600, above MaxTTL 60",
        );
    }

    #[test]
    fn cloudfront_web_acl_outside_us_east_1() {
        assert_catches(
            check_web_acl_region,
            "cloudfront-http-api",
            "01-node22-jwt-waf-create",
            |c| {
                c.answers
                    .insert(String::from("region"), Json::from("eu-west-1"));
            },
            "WebAcl: AWS::WAFv2::WebACL with Scope CLOUDFRONT rendered for region eu-west-1",
        );
    }

    #[test]
    fn conditional_http_api_auth() {
        assert_catches(
            check_sam_literals,
            "cloudfront-http-api",
            "01-node22-jwt-waf-create",
            |c| {
                let auth = at_mut(&mut c.template, "Resources.HttpApi.Properties.Auth").clone();
                let conditional = Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
                    tag: serde_yaml::value::Tag::new("If"),
                    value: Value::Sequence(vec![
                        Value::from("HasJwt"),
                        auth,
                        yaml("!Ref AWS::NoValue"),
                    ]),
                }));
                *at_mut(&mut c.template, "Resources.HttpApi.Properties.Auth") = conditional;
            },
            "HttpApi (AWS::Serverless::HttpApi): Auth is an intrinsic",
        );
    }

    #[test]
    fn long_form_if_on_function_url_config() {
        assert_catches(
            check_sam_literals,
            "cloudfront-lambda-url",
            "03-node-stream-nowaf",
            |c| {
                *at_mut(
                    &mut c.template,
                    "Resources.ApiFunction.Properties.FunctionUrlConfig",
                ) = yaml("Fn::If: [Streaming, {AuthType: AWS_IAM}, {Ref: AWS::NoValue}]");
            },
            "ApiFunction (AWS::Serverless::Function): FunctionUrlConfig is an intrinsic",
        );
    }

    #[test]
    fn post_on_an_s3_behaviour() {
        assert_catches(
            check_origins,
            "cloudfront-static-site",
            "01-spa-logs",
            |c| {
                push(
                    &mut c.template,
                    &format!("{DIST}.DefaultCacheBehavior.AllowedMethods"),
                    Value::from("POST"),
                )
            },
            "DefaultCacheBehavior targets S3 origin site-bucket but allows [\"POST\"]",
        );
    }

    #[test]
    fn custom_origin_over_plain_http() {
        assert_catches(
            check_origins,
            "cloudfront-http-api",
            "02-python312-open-no-waf",
            |c| {
                *at_mut(
                    &mut c.template,
                    &format!("{DIST}.Origins.0.CustomOriginConfig.OriginProtocolPolicy"),
                ) = Value::from("match-viewer");
            },
            "origin api-primary: OriginProtocolPolicy is Some(\"match-viewer\"), not https-only",
        );
    }

    #[test]
    fn origin_with_both_configs() {
        assert_catches(
            check_origins,
            "cloudfront-edge-functions",
            "05-no-kvs-country",
            |c| {
                insert(
                    &mut c.template,
                    &format!("{DIST}.Origins.0"),
                    "CustomOriginConfig",
                    yaml("{OriginProtocolPolicy: https-only}"),
                );
            },
            "origin fallback-s3: needs exactly one of S3OriginConfig and CustomOriginConfig",
        );
    }

    #[test]
    fn routing_function_without_its_association() {
        assert_catches(
            check_site_toggles,
            "cloudfront-static-site",
            "01-spa-logs",
            |c| {
                remove(
                    &mut c.template,
                    &format!("{DIST}.DefaultCacheBehavior"),
                    "FunctionAssociations",
                )
            },
            "routing=spa but 0 FunctionAssociations",
        );
    }

    #[test]
    fn default_certificate_with_a_minimum_protocol() {
        assert_catches(
            check_site_toggles,
            "cloudfront-static-site",
            "02-plain-no-logs",
            |c| {
                insert(
                    &mut c.template,
                    &format!("{DIST}.ViewerCertificate"),
                    "MinimumProtocolVersion",
                    Value::from("TLSv1.2_2021"),
                );
            },
            "ViewerCertificate sets CloudFrontDefaultCertificate and MinimumProtocolVersion",
        );
    }

    #[test]
    fn aliases_without_custom_domain() {
        assert_catches(
            check_site_toggles,
            "cloudfront-static-site",
            "06-static-index-waf-allowlist",
            |c| insert(&mut c.template, DIST, "Aliases", yaml("[www.example.com]")),
            "custom_domain=false but Aliases present=true",
        );
    }

    #[test]
    fn cloudfront_import_without_kvs() {
        assert_catches(
            check_edge_kvs,
            "cloudfront-edge-functions",
            "05-no-kvs-country",
            |c| {
                let code = at_mut(
                    &mut c.template,
                    "Resources.EdgeRouterFunction.Properties.FunctionCode",
                );
                *code = Value::from(format!(
                    "import cf from 'cloudfront';\n{}",
                    code.as_str().unwrap()
                ));
            },
            "EdgeRouterFunction FunctionCode: kvs=false but the code imports 'cloudfront'",
        );
    }

    #[test]
    fn kvs_without_the_import_in_the_file() {
        assert_catches(
            check_edge_kvs,
            "cloudfront-edge-functions",
            "01-kvs-country-defaults",
            |c| {
                let text = file_text(&c.tree, "functions/edge-router.js").unwrap();
                let without = text.replace("import cf from 'cloudfront';", "");
                c.tree.insert(
                    String::from("functions/edge-router.js"),
                    Entry::file(without),
                );
            },
            "functions/edge-router.js: kvs=true but no `import cf from 'cloudfront'`",
        );
    }

    #[test]
    fn missing_invoke_function_permission() {
        assert_catches(
            check_lambda_url_access,
            "cloudfront-lambda-url",
            "02-python-buffered-existing-waf",
            |c| {
                remove(
                    &mut c.template,
                    "Resources",
                    "CloudFrontInvokeFunctionPermission",
                )
            },
            "want one AWS::Lambda::Permission with Action lambda:InvokeFunction, found 0",
        );
    }

    #[test]
    fn oac_of_the_wrong_type() {
        assert_catches(
            check_lambda_url_access,
            "cloudfront-lambda-url",
            "04-node-stream-existing-waf-logs",
            |c| {
                *at_mut(
                    &mut c.template,
                    concat!(
                        "Resources.FunctionUrlOriginAccessControl.Properties.",
                        "OriginAccessControlConfig.OriginAccessControlOriginType"
                    ),
                ) = Value::from("s3");
            },
            "no AWS::CloudFront::OriginAccessControl of type lambda",
        );
    }
}
