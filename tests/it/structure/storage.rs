//! What a stack keeps and for how long: every bucket aborts incomplete multipart uploads, every
//! versioned bucket expires noncurrent versions, a log bucket's expiry is a bounded stack
//! parameter.

use super::cfn::{field, getatt_target, items, lit_str, number, path, ref_target};
use super::{Case, Report, assert_all};
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

#[test]
fn buckets_abort_uploads_expire_old_versions_and_take_log_expiry_as_a_parameter() {
    assert_all("bucket lifecycle rules", check_bucket_lifecycles);
}
