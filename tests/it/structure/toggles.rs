//! Each blueprint's render-time toggles follow its answers: static-site routing, custom domain
//! and viewer certificate; edge-functions KeyValueStore use; lambda-url's two invoke
//! permissions through a lambda origin access control.

use super::cfn::{
    behaviours, field, getatt_target, is_intrinsic, items, lit_str, path, ref_target, strings,
};
use super::{Case, Report, assert_all, file_text};
use serde_yaml::Value;

pub(super) fn check_site_toggles(case: &Case, report: &mut Report) {
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
pub(super) fn imports_cloudfront(code: &str) -> bool {
    code.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("import ")
            && (line.contains("'cloudfront'") || line.contains("\"cloudfront\""))
    })
}

pub(super) fn check_edge_kvs(case: &Case, report: &mut Report) {
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

pub(super) fn check_lambda_url_access(case: &Case, report: &mut Report) {
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

/// With `custom_domain`, viewers are held to TLSv1.2_2021 over SNI with an ACM certificate whose
/// ARN parameter only accepts us-east-1.
pub(super) fn check_custom_domain_tls(case: &Case, report: &mut Report) {
    if case.answer_bool("custom_domain") != Some(true) {
        return;
    }
    for (dist, dc) in case.distributions() {
        report.checked += 1;
        let cert = field(dc, "ViewerCertificate");
        let get = |key: &str| lit_str(cert.and_then(|c| field(c, key)));
        if get("MinimumProtocolVersion") != Some("TLSv1.2_2021")
            || get("SslSupportMethod") != Some("sni-only")
        {
            report.fail(
                case,
                format!("{dist}: custom domain without TLSv1.2_2021 and sni-only"),
            );
        }
        let param = ref_target(cert.and_then(|c| field(c, "AcmCertificateArn")));
        let pattern = param
            .and_then(|p| case.parameter(p))
            .and_then(|p| lit_str(field(p, "AllowedPattern")));
        if !pattern.is_some_and(|p| p.contains(":acm:us-east-1:")) {
            report.fail(
                case,
                format!("{dist}: certificate parameter {param:?} does not require us-east-1"),
            );
        }
    }
}

#[test]
fn custom_domains_hold_viewers_to_tls_1_2_with_sni() {
    assert_all("custom domain viewer certificates", check_custom_domain_tls);
}

#[test]
fn every_blueprint_has_an_example_on_a_custom_domain() {
    for blueprint in super::BLUEPRINTS {
        assert!(
            super::cases()
                .iter()
                .any(|c| c.blueprint == blueprint && c.answer_bool("custom_domain") == Some(true)),
            "{blueprint}: no valid example with custom_domain true"
        );
    }
}
