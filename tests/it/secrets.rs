//! No rendered project of a built-in blueprint holds anything a secret scanner would take for a
//! real credential: signed-looking JWTs, AWS access key IDs other than the documented `EXAMPLE`
//! ones, or PEM private keys. Organisations that scan every new repository would otherwise
//! block a freshly rendered project.

use crate::support::builtin;
use pave::blueprint::{Entry, FileTree};
use regex::Regex;
use std::sync::OnceLock;

/// What the scan looks for: (kind, pattern).
fn patterns() -> &'static [(&'static str, Regex)] {
    static PATTERNS: OnceLock<Vec<(&str, Regex)>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        [
            (
                "JWT",
                r"eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{20,}",
            ),
            ("AWS access key ID", r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
            (
                "PEM private key",
                r"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----",
            ),
        ]
        .into_iter()
        .map(|(kind, re)| (kind, Regex::new(re).unwrap()))
        .collect()
    })
}

/// The secret-looking strings in `text`, as `kind: match`.
fn findings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (kind, re) in patterns() {
        for m in re.find_iter(text) {
            // AWS documents AKIAIOSFODNN7EXAMPLE-style keys as examples; scanners allow them.
            if *kind == "AWS access key ID" && m.as_str().ends_with("EXAMPLE") {
                continue;
            }
            out.push(format!("{kind}: {}", m.as_str()));
        }
    }
    out
}

/// The findings in every file of a rendered tree, as `path: kind: match`.
fn scan(tree: &FileTree) -> Vec<String> {
    tree.iter()
        .filter_map(|(path, entry)| match entry {
            Entry::File { data, .. } => Some((path, String::from_utf8_lossy(data))),
            _ => None,
        })
        .flat_map(|(path, text)| {
            findings(&text)
                .into_iter()
                .map(move |f| format!("{path}: {f}"))
        })
        .collect()
}

#[test]
fn the_scan_finds_what_scanners_flag_and_spares_documented_examples() {
    // The sample token of cloudfront-lambda-url 1.0.0, in pieces so that this file does not
    // trip the scanners itself.
    let jwt = [
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9",
        "eyJzdWIiOiJsb2NhbC11c2VyIiwibmFtZSI6IkxvY2FsIFVzZXIiLCJpYXQiOjE3OTU4MjQwMDAsImV4cCI6NDEwMjQ0NDgwMH0",
        "V5rBPE8NMGFkYiUJZwqb0ejiT5n7arUEUIRdxOyyB5s",
    ]
    .join(".");
    let key = ["AKIA", "Z7Q2", "M4XW", "9RTB", "K3NP"].concat();
    let pem = ["-----BEGIN RSA ", "PRIVATE KEY-----"].concat();
    for text in [jwt.as_str(), key.as_str(), pem.as_str()] {
        assert_eq!(findings(&format!("x = \"{text}\"\n")).len(), 1, "{text}");
    }
    for text in [
        "AKIAIOSFODNN7EXAMPLE",
        "ASIAEXAMPLE",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.example-signature",
        "-----BEGIN PUBLIC KEY-----",
    ] {
        assert!(findings(text).is_empty(), "{text}: {:?}", findings(text));
    }
}

#[test]
fn no_rendered_example_holds_a_secret_looking_string() {
    let mut found = Vec::new();
    let mut scanned = 0;
    for blueprint in builtin::names() {
        let loaded = builtin::load(&blueprint);
        for (name, example) in builtin::valid_examples(&loaded.blueprint) {
            let generated = builtin::render(&loaded, &example)
                .unwrap_or_else(|e| panic!("{blueprint}/{name}: {e}"));
            let tree = builtin::output(generated.tree);
            scanned += tree.len();
            found.extend(
                scan(&tree)
                    .into_iter()
                    .map(|f| format!("{blueprint}/{name}/{f}")),
            );
        }
    }
    assert!(scanned > 0, "no rendered file was scanned");
    assert!(
        found.is_empty(),
        "secret-looking strings:\n  {}",
        found.join("\n  ")
    );
}
