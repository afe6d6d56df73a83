//! CloudFront API rules that cfn-lint does not catch, over every blueprint: read-only methods
//! on origin groups and S3 origins, the Authorization header only in a cache policy's key (and
//! there exactly when per-user responses need it), no AllViewer origin request policy, ordered
//! cache policy TTLs, CLOUDFRONT web ACLs only in us-east-1, origins with exactly one config.

use super::cfn::{
    allowed_methods, behaviours, cache_key_headers, field, items, lit_str, number, path,
    ref_target, strings, walk, write_methods,
};
use super::{Case, Report, assert_all};
use serde_yaml::Value;
use std::collections::BTreeSet;

/// The managed AllViewer origin request policy: forwards the viewer's Host, which breaks
/// execute-api and Lambda URL origins.
pub(super) const ALL_VIEWER: &str = "216adef6-5c7f-47e4-b989-5492eafa07d3";

pub(super) fn check_origin_group_methods(case: &Case, report: &mut Report) {
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

pub(super) fn check_authorization_placement(case: &Case, report: &mut Report) {
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

pub(super) fn check_no_all_viewer(case: &Case, report: &mut Report) {
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
pub(super) struct Ttl {
    value: f64,
    param: Option<(Option<f64>, Option<f64>)>,
}

pub(super) fn ttl(case: &Case, config: &Value, key: &str) -> Result<Ttl, String> {
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

pub(super) fn check_ttl_order(case: &Case, report: &mut Report) {
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

pub(super) fn check_web_acl_region(case: &Case, report: &mut Report) {
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

pub(super) fn check_origins(case: &Case, report: &mut Report) {
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
fn origins_are_read_only_s3_or_https_only_custom() {
    assert_all("origins", check_origins);
}
