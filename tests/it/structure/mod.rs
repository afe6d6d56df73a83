//! Structural assertions over the parsed `template.yaml` of every valid example answer set
//! (`blueprints/*/tests/*.yaml` without `expect_error`) of every built-in blueprint, each
//! rendered through `pave::generate::generate`; byte-level snapshots live in `snapshots.rs` and
//! in each blueprint's `snapshots/`.
//!
//! - [`cfn`] reads parsed CloudFormation without looking through intrinsics.
//! - [`rendering`]: every example renders, leaves no handlebars braces behind and renders the
//!   same twice.
//! - [`cloudfront`]: the CloudFront API rejections cfn-lint does not catch (write methods on
//!   origin groups and S3 origins, where the Authorization header may appear, the AllViewer
//!   policy, cache policy TTL order, CLOUDFRONT web ACLs outside us-east-1, origin configs).
//! - [`sam`]: SAM properties that must stay literal.
//! - [`storage`]: bucket lifecycle rules (noncurrent versions, incomplete uploads, log expiry as
//!   a bounded parameter), retained buckets and log groups, and the README's teardown notes.
//! - [`project`]: the files around the template: `make lint` checks the project's region, and
//!   the CI workflow pins actions to commit SHAs, keeps no checkout credentials, grants each job
//!   only what it needs and deploys through a GitHub environment.
//! - [`toggles`]: each blueprint's render-time toggles (static-site routing and domain,
//!   edge-functions KeyValueStore, lambda-url permissions and origin access control, TLS on
//!   custom domains).
//! - [`truth`]: what a project says about itself: its own blueprint version, `make test` and
//!   `make lint` alike in every blueprint, `pave update --set` to change an answer, and no
//!   credential-like name holding a literal value.
//! - [`breaks`]: each check reports a damaged copy of a real rendered example, so none of them
//!   passes for want of looking.
//!
//! Each check is a function over one rendered [`Case`] that counts what it looked at and records
//! its findings in a [`Report`].

mod breaks;
mod cfn;
mod cloudfront;
mod project;
mod rendering;
mod sam;
mod storage;
mod toggles;
mod truth;

use crate::support::builtin;
use cfn::{field, lit_str, path};
use pave::blueprint::{Entry, FileTree, TestCase};
use pave::registry::Loaded;
use serde_json::Value as Json;
use serde_yaml::Value;
use std::sync::OnceLock;

/// The built-in blueprints these checks are written for; the per-blueprint checks rely on
/// these names.
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

/// Renders one example through `generate`, as `pave new --answers` does: its resolved answers
/// as a JSON mapping and the blueprint's output (without `.pave.yaml`).
fn render_example(
    loaded: &Loaded,
    example: &TestCase,
) -> Result<(serde_json::Map<String, Json>, FileTree), String> {
    let generated = builtin::render(loaded, example).map_err(|e| e.to_string())?;
    let Json::Object(context) = generated.answers.context() else {
        return Err(String::from("the answers context is not a mapping"));
    };
    Ok((context, builtin::output(generated.tree)))
}

/// Every valid example of every built-in blueprint, rendered once per test run.
fn cases() -> &'static [Case] {
    static CASES: OnceLock<Vec<Case>> = OnceLock::new();
    CASES.get_or_init(|| {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for blueprint in builtin::names() {
            let loaded = builtin::load(&blueprint);
            for (name, example) in builtin::valid_examples(&loaded.blueprint) {
                let rendered = render_example(&loaded, &example)
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
