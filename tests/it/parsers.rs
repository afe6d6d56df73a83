//! Every parser of user input (registry.yaml, blueprint.yaml, .pave.yaml, answers files,
//! templates, --set) is fed thousands of mutated inputs and must answer with an error or a
//! value, never a panic.

use pave::answers::{parse_answers_file, parse_set};
use pave::blueprint::{Blueprint, Entry, FileTree};
use pave::manifest::{parse_index, parse_manifest};
use pave::project::ProjectFile;

/// A small deterministic generator, so a failure reproduces.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const PIECES: &[&str] = &[
    ":",
    "- ",
    "\n",
    "  ",
    "{{",
    "}}",
    "[",
    "]",
    "{",
    "}",
    "'",
    "\"",
    "#",
    "&a",
    "*a",
    "!Ref ",
    "|",
    ">",
    "~",
    "null",
    "1.0.0",
    "-1",
    "99999999999999999999",
    "\t",
    "\\",
    "{{#if x}}",
    "{{/if}}",
    "{{> p}}",
    "\u{0}",
    "é",
];

fn mutate(rng: &mut Lcg, seed: &str) -> String {
    let mut s: Vec<char> = seed.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(s.len() + 1);
        match rng.below(3) {
            0 if !s.is_empty() => {
                let end = (at + rng.below(8)).min(s.len());
                s.drain(at.min(end)..end);
            }
            1 => {
                let piece = PIECES[rng.below(PIECES.len())];
                for (i, c) in piece.chars().enumerate() {
                    s.insert((at + i).min(s.len()), c);
                }
            }
            _ => {
                if let Some(c) = s.get_mut(at) {
                    *c = PIECES[rng.below(PIECES.len())]
                        .chars()
                        .next()
                        .unwrap_or('x');
                }
            }
        }
    }
    s.into_iter().collect()
}

fn never_panics(seed: &str, parse: impl Fn(&str)) {
    let mut rng = Lcg(0x5eed);
    for i in 0..3000 {
        let input = mutate(&mut rng, seed);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse(&input)));
        assert!(
            result.is_ok(),
            "iteration {i} panicked on input:\n{input:?}"
        );
    }
}

#[test]
fn blueprint_manifests() {
    let seed = include_str!("../../blueprints/cloudfront-http-api/blueprint.yaml");
    never_panics(seed, |s| {
        let _ = parse_manifest(s, "blueprint.yaml");
    });
}

#[test]
fn registry_indexes() {
    never_panics(include_str!("../../registry.yaml"), |s| {
        let _ = parse_index(s, "registry.yaml");
    });
}

#[test]
fn project_files_and_answers_files() {
    let seed = "registry: builtin\nblueprint: x\nversion: 1.0.0\nanswers:\n  project_name: demo\n  waf: true\n  n: 3\npave_version: 0.1.0\n";
    never_panics(seed, |s| {
        let _ = ProjectFile::parse(s, ".pave.yaml");
        let _ = parse_answers_file(s, "answers.yaml");
    });
}

#[test]
fn templates_paths_and_set_flags() {
    let manifest = "apiVersion: pave/v1\nname: t\nversion: 1.0.0\nsummary: s\nparameters:\n  - name: x\n    default: a\n";
    let seed = "{{#if x}}{{upper x}}{{else}}{{json x}}{{/if}} {{> p}} \\{{resolve:x}} {{#each (split x ',')}}{{this}}{{/each}}";
    never_panics(seed, |s| {
        let files: FileTree = [
            ("blueprint.yaml".to_string(), Entry::file(manifest)),
            ("template/a.hbs".to_string(), Entry::file(s)),
            (format!("template/{s}"), Entry::file("x")),
            ("partials/p.hbs".to_string(), Entry::file(s)),
        ]
        .into_iter()
        .collect();
        if let Ok(bp) = Blueprint::from_tree("fuzz", files)
            && let Ok(engine) = pave::template::Engine::new(&bp.partials)
        {
            let supplied = pave::answers::Supplied {
                set: vec![("x".into(), s.into())],
                ..Default::default()
            };
            if let Ok(answers) = pave::answers::resolve(&bp.manifest, &engine, &supplied, None) {
                let _ = pave::render::render(&bp, &answers.context());
            }
        }
        let _ = parse_set(s);
    });
}
