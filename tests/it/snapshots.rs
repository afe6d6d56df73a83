//! Snapshots of the built-in static-site blueprint rendered for two of its example answer sets;
//! a change to any rendered byte shows up here for review.

use pave::answers::{self, Supplied};
use pave::blueprint::TestCase;
use pave::registry::{BlueprintSource, builtin::Builtin};
use pave::render::Engine;

fn render_case(blueprint: &str, case: &str) -> String {
    let source = Builtin;
    let version = source
        .resolve(blueprint, &semver::VersionReq::STAR)
        .unwrap();
    let loaded = source.load(blueprint, &version).unwrap();
    let bp = &loaded.blueprint;
    let case: TestCase = pave::yaml::parse(&bp.tests[case], case).unwrap();
    let mut engine = Engine::new(&bp.partials).unwrap();
    let supplied = Supplied {
        file: case.answers,
        ..Supplied::default()
    };
    let answers = answers::resolve(&bp.manifest, &engine, &supplied, None).unwrap();
    let tree = pave::render::render_with(&mut engine, bp, &answers).unwrap();
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
