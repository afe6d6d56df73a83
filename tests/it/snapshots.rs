//! Snapshots of the built-in static-site blueprint rendered for two of its example answer sets;
//! a change to any rendered byte shows up here for review.

use crate::support::builtin;

/// The blueprint's output for one example, as snapshot text (`.pave.yaml` left out: it carries
/// pave's own version).
fn render_case(blueprint: &str, case: &str) -> String {
    let tree = builtin::output(builtin::render_case(blueprint, case).tree);
    pave::snapshot::tree_text(&tree)
}

#[test]
fn static_site_spa_with_logs() {
    insta::assert_snapshot!(render_case("cloudfront-static-site", "01-spa-logs"));
}

#[test]
fn static_site_static_index_domain_waf_blocklist() {
    insta::assert_snapshot!(render_case(
        "cloudfront-static-site",
        "03-static-index-domain-waf-blocklist"
    ));
}
