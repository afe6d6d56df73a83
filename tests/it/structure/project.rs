//! The rendered project around `template.yaml`: the Makefile's `lint` target checks the
//! template against the project's own region, and the CI workflows pin every action to a
//! commit, keep the checkout token out of the workspace, grant each job only what it needs and
//! deploy through a GitHub environment.

use super::cfn::{field, items, lit_str};
use super::{Case, Report, assert_all, file_text};
use serde_yaml::Value;

/// The value of `NAME ?= value` (or `=`, `:=`) in a Makefile.
fn make_variable<'a>(makefile: &'a str, name: &str) -> Option<&'a str> {
    makefile.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?.trim_start();
        let value = ["?=", ":=", "="]
            .iter()
            .find_map(|op| rest.strip_prefix(op))?;
        Some(value.trim())
    })
}

/// The recipe lines of one Makefile target.
fn recipe<'a>(makefile: &'a str, target: &str) -> Vec<&'a str> {
    let mut lines = makefile.lines().skip_while(|l| {
        !l.strip_prefix(target)
            .is_some_and(|rest| rest.starts_with(':'))
    });
    if lines.next().is_none() {
        return Vec::new();
    }
    lines.take_while(|l| l.starts_with('\t')).collect()
}

pub(super) fn check_lint_regions(case: &Case, report: &mut Report) {
    let Some(makefile) = file_text(&case.tree, "Makefile") else {
        report.fail(case, "no Makefile was rendered");
        return;
    };
    let Some(region) = case.answer_str("region") else {
        report.fail(case, "no region answer");
        return;
    };
    let lints: Vec<&str> = recipe(makefile, "lint")
        .into_iter()
        .filter(|l| l.contains("cfn-lint"))
        .collect();
    if lints.is_empty() {
        report.fail(case, "Makefile: the lint target runs no cfn-lint");
    }
    for line in lints {
        report.checked += 1;
        let words: Vec<&str> = line.split_whitespace().collect();
        let named = words.windows(2).find(|w| w[0] == "--regions").map(|w| w[1]);
        let resolved = match named {
            Some("$(REGION)") => make_variable(makefile, "REGION"),
            other => other,
        };
        if resolved != Some(region) {
            report.fail(
                case,
                format!(
                    "Makefile lint: `{}` does not pass --regions {region} (got {named:?})",
                    line.trim()
                ),
            );
        }
    }
}

const WORKFLOW: &str = ".github/workflows/ci.yml";

/// Whether `uses` names an action by a full 40-hex commit SHA.
fn pinned(uses: &str) -> bool {
    uses.rsplit_once('@').is_some_and(|(action, rev)| {
        action.contains('/')
            && rev.len() == 40
            && rev
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Whether a permissions value grants at most `contents: read`.
fn read_only(permissions: Option<&Value>) -> bool {
    match permissions {
        Some(Value::Mapping(m)) => m
            .iter()
            .all(|(k, v)| k.as_str() == Some("contents") && v.as_str() == Some("read")),
        _ => false,
    }
}

pub(super) fn check_workflow(case: &Case, report: &mut Report) {
    let Some(text) = file_text(&case.tree, WORKFLOW) else {
        report.fail(case, format!("no {WORKFLOW} was rendered"));
        return;
    };
    let workflow: Value = match serde_yaml::from_str(text) {
        Ok(w) => w,
        Err(e) => return report.fail(case, format!("{WORKFLOW} does not parse: {e}")),
    };
    report.checked += 1;
    if !read_only(field(&workflow, "permissions")) {
        report.fail(
            case,
            "workflow permissions are not `{}` or `contents: read`",
        );
    }
    // The version tag is a comment, which the parsed YAML drops: read it from the text.
    for line in text.lines() {
        let Some(uses) = line
            .trim_start()
            .strip_prefix("- uses: ")
            .or_else(|| line.trim_start().strip_prefix("uses: "))
        else {
            continue;
        };
        let (action, comment) = uses.split_once(" # ").unwrap_or((uses, ""));
        if !pinned(action.trim()) || !comment.trim_start().starts_with('v') {
            report.fail(
                case,
                format!(
                    "`{}` is not pinned to a commit SHA with its version tag in a comment",
                    uses.trim()
                ),
            );
        }
    }
    let Some(Value::Mapping(jobs)) = field(&workflow, "jobs") else {
        return report.fail(case, "workflow has no jobs");
    };
    let mut deploy_environments = Vec::new();
    let mut deploy_jobs = 0;
    for (name, job) in jobs {
        let name = name.as_str().unwrap_or("?");
        let steps = items(field(job, "steps"));
        let uses = |prefix: &str| {
            steps
                .iter()
                .any(|s| lit_str(field(s, "uses")).is_some_and(|u| u.starts_with(prefix)))
        };
        for step in steps {
            if lit_str(field(step, "uses")).is_some_and(|u| u.starts_with("actions/checkout@"))
                && field(step, "with")
                    .and_then(|w| field(w, "persist-credentials"))
                    .and_then(Value::as_bool)
                    != Some(false)
            {
                report.fail(
                    case,
                    format!("job {name}: actions/checkout without persist-credentials: false"),
                );
            }
        }
        let permissions = field(job, "permissions");
        let deploys = uses("aws-actions/configure-aws-credentials@");
        if deploys {
            deploy_jobs += 1;
            let id_token = permissions
                .and_then(|p| field(p, "id-token"))
                .and_then(Value::as_str);
            let others_read_only = match permissions {
                Some(Value::Mapping(m)) => m.iter().all(|(k, v)| match k.as_str() {
                    Some("id-token") => true,
                    Some("contents") => v.as_str() == Some("read"),
                    _ => false,
                }),
                _ => false,
            };
            if id_token != Some("write") || !others_read_only {
                report.fail(case, format!("job {name}: deploys but its permissions are not `contents: read` and `id-token: write`"));
            }
            match lit_str(field(job, "environment")) {
                Some(env) => deploy_environments.push(env.to_string()),
                None => report.fail(
                    case,
                    format!("job {name}: deploys outside a GitHub environment"),
                ),
            }
            if !lit_str(field(job, "if"))
                .is_some_and(|c| c.contains("vars.DEPLOY_ENABLED == 'true'"))
            {
                report.fail(
                    case,
                    format!("job {name}: deploys without the DEPLOY_ENABLED switch"),
                );
            }
        } else if !read_only(permissions) {
            report.fail(
                case,
                format!("job {name}: permissions are not exactly `contents: read`"),
            );
        }
    }
    if deploy_jobs == 0 {
        report.fail(case, "workflow has no deploy job");
    }
    let readme = file_text(&case.tree, "README.md").unwrap_or("");
    for env in deploy_environments {
        let condition = format!(":environment:{env}\"");
        if !(readme.contains("token.actions.githubusercontent.com:sub")
            && readme.contains(&condition))
        {
            report.fail(
                case,
                format!("README.md does not show the OIDC trust condition for environment {env}"),
            );
        }
    }
}

#[test]
fn workflows_pin_actions_and_grant_least_privilege() {
    assert_all("CI workflow hardening", check_workflow);
}

#[test]
fn make_lint_checks_the_project_region() {
    assert_all("cfn-lint --regions in make lint", check_lint_regions);
}
