//! Snapshots of the built-in static-site blueprint rendered for two of its example answer sets;
//! a change to any rendered byte shows up here for review.

use pave::answers::Supplied;
use pave::blueprint::TestCase;
use pave::registry::{BlueprintSource, builtin::Builtin};

fn render_case(blueprint: &str, case: &str) -> String {
    let source = Builtin;
    let version = source
        .resolve(blueprint, &semver::VersionReq::STAR)
        .unwrap();
    let loaded = source.load(blueprint, &version).unwrap();
    let case: TestCase = pave::yaml::parse(&loaded.blueprint.tests[case], case).unwrap();
    let supplied = Supplied {
        file: case.answers,
        ..Supplied::default()
    };
    let mut tree = pave::generate::generate(&loaded, &supplied, None)
        .unwrap()
        .tree;
    // .pave.yaml carries pave's own version; the snapshot is the blueprint's output.
    tree.remove(pave::project::FILE_NAME);
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
