//! The rendered project around `template.yaml`: the Makefile's `lint` target checks the
//! template against the project's own region, and the CI workflows pin every action to a
//! commit, keep the checkout token out of the workspace, grant each job only what it needs and
//! deploy through a GitHub environment.

use super::{Case, Report, assert_all, file_text};

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

#[test]
fn make_lint_checks_the_project_region() {
    assert_all("cfn-lint --regions in make lint", check_lint_regions);
}
