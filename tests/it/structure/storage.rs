//! What a stack keeps and for how long: every bucket aborts incomplete multipart uploads, every
//! versioned bucket expires noncurrent versions, a log bucket's expiry is a bounded stack
//! parameter, and log groups are retained with the stack's data as the buckets are.

use super::cfn::{field, getatt_target, items, lit_str, number, path, ref_target};
use super::{Case, Report, assert_all, file_text};
use serde_yaml::Value;

/// The enabled lifecycle rules of a bucket's properties.
fn lifecycle_rules(props: &Value) -> Vec<&Value> {
    items(path(props, &["LifecycleConfiguration", "Rules"]))
        .iter()
        .filter(|r| lit_str(field(r, "Status")) == Some("Enabled"))
        .collect()
}

/// The logical IDs of the buckets distributions write their standard logs to.
fn log_buckets(case: &Case) -> Vec<String> {
    case.distributions()
        .into_iter()
        .filter_map(|(_, dc)| getatt_target(path(dc, &["Logging", "Bucket"])))
        .filter_map(|t| t.split('.').next().map(String::from))
        .collect()
}

pub(super) fn check_bucket_lifecycles(case: &Case, report: &mut Report) {
    let logs = log_buckets(case);
    for (id, props) in case.of_type("AWS::S3::Bucket") {
        report.checked += 1;
        let rules = lifecycle_rules(props);
        let has = |keys: &[&str]| rules.iter().any(|r| number(path(r, keys)).is_some());
        if !has(&["AbortIncompleteMultipartUpload", "DaysAfterInitiation"]) {
            report.fail(
                case,
                format!("{id}: no enabled lifecycle rule aborts incomplete multipart uploads"),
            );
        }
        let versioned =
            lit_str(path(props, &["VersioningConfiguration", "Status"])) == Some("Enabled");
        if versioned && !has(&["NoncurrentVersionExpiration", "NoncurrentDays"]) {
            report.fail(
                case,
                format!(
                    "{id}: versioned, but no enabled lifecycle rule expires noncurrent versions"
                ),
            );
        }
        if !logs.iter().any(|l| l == id) {
            continue;
        }
        let expiries: Vec<&Value> = rules
            .iter()
            .filter_map(|r| field(r, "ExpirationInDays"))
            .collect();
        if expiries.is_empty() {
            report.fail(case, format!("{id}: log bucket whose logs never expire"));
        }
        for expiry in expiries {
            let Some(param) = ref_target(Some(expiry)) else {
                report.fail(
                    case,
                    format!("{id}: log expiry {expiry:?} is not a stack parameter"),
                );
                continue;
            };
            let Some(p) = case.parameter(param) else {
                report.fail(case, format!("{id}: log expiry names no parameter {param}"));
                continue;
            };
            let bounded = (number(field(p, "MinValue")).is_some()
                && number(field(p, "MaxValue")).is_some())
                || !items(field(p, "AllowedValues")).is_empty();
            if lit_str(field(p, "Type")) != Some("Number")
                || !bounded
                || number(field(p, "Default")).is_none()
            {
                report.fail(
                    case,
                    format!(
                        "{id}: log expiry parameter {param} is not a bounded Number with a default"
                    ),
                );
            }
        }
    }
}

pub(super) fn check_retained_data(case: &Case, report: &mut Report) {
    let Some(Value::Mapping(resources)) = field(&case.template, "Resources") else {
        return;
    };
    for (id, res) in resources {
        let kind = lit_str(field(res, "Type")).unwrap_or("?");
        if !matches!(kind, "AWS::S3::Bucket" | "AWS::Logs::LogGroup") {
            continue;
        }
        report.checked += 1;
        let id = id.as_str().unwrap_or("?");
        for policy in ["DeletionPolicy", "UpdateReplacePolicy"] {
            if lit_str(field(res, policy)) != Some("Retain") {
                report.fail(case, format!("{id} ({kind}): {policy} is not Retain"));
            }
        }
    }
}

/// The README says what `sam delete` leaves behind and how to remove it: every project has a
/// retained bucket, and a project with a log group says how to delete it.
pub(super) fn check_teardown_notes(case: &Case, report: &mut Report) {
    report.checked += 1;
    let Some(readme) = file_text(&case.tree, "README.md") else {
        report.fail(case, "no README.md was rendered");
        return;
    };
    if !readme.contains("DeletionPolicy: Retain") {
        report.fail(
            case,
            "README.md does not say which resources sam delete keeps",
        );
    }
    if !case.of_type("AWS::Logs::LogGroup").is_empty()
        && !readme.contains("aws logs delete-log-group")
    {
        report.fail(
            case,
            "README.md does not say how to delete the retained log groups",
        );
    }
}

#[test]
fn readme_says_what_is_kept_after_delete() {
    assert_all("teardown notes in README.md", check_teardown_notes);
}

#[test]
fn buckets_abort_uploads_expire_old_versions_and_take_log_expiry_as_a_parameter() {
    assert_all("bucket lifecycle rules", check_bucket_lifecycles);
}

#[test]
fn buckets_and_log_groups_are_retained() {
    assert_all("retained buckets and log groups", check_retained_data);
}
