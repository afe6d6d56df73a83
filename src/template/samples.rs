//! Test sources for pave's template parser (`parse`): random templates built from what
//! handlebars treats with care, and every template of the built-in blueprints. It must give
//! handlebars' own template for each source it reads.

use handlebars::template::Template;

/// A long line of plain text.
pub(super) const LONG: &str = "a line of plain text long enough to be taken out";

/// A small random number source (xorshift), so that the random tests are the same each run.
pub(super) struct Dice(pub(super) u64);

impl Dice {
    pub(super) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, of: &[&'a str]) -> &'a str {
        of[self.below(of.len())]
    }
}

/// Appends a random template whose blocks are mostly balanced: whitespace and newlines (also
/// `\r\n` and a lone `\r`), tildes, expressions with arguments, blocks with `else` and
/// `else if`, partials, comments, escapes, and now and then a mistake.
pub(super) fn random_template(dice: &mut Dice, depth: usize, out: &mut String) {
    let text = [
        "\n",
        "\r\n",
        "\r",
        "  ",
        "\t",
        " \n",
        "text",
        "{",
        "}",
        "}}",
        "\\",
        "\\\\",
        "\\{{a}}",
        "\\{{{{a}}}}",
        "\\\\\\{{",
        "é",
        LONG,
    ];
    let values = [
        "a",
        "a.b",
        "@root.a",
        "this",
        "../a",
        "[x y]",
        "upper a",
        "eq a \"b}\"",
        "json (split a \",\")",
        "and a (not b)",
        "lookup a 1",
        "x k=1 j='s'",
        "lookup a -1",
        "x k=(eq a 'b') j=true",
        "( upper a )",
        "json null",
        "eq a 01",
        "eq a 1.5",
        "eq a 'it\\'s'",
        "eq a \"tab\there\"",
        "eq a \"q\\\"q\"",
        "eq @root.a ../b",
        "eq this.a a.[b]",
        "x as",
        "x k = 1",
        "x (y)",
        "x (y (z a) \"w\")",
        "true",
        "1",
        " a ",
        "> p",
        ">p-q",
        " > p_1 ",
        "> p a",
        "! note ",
        "!-- long\nnote --",
        "&a",
        "{a}",
        "",
        "else",
        "elsewhere",
        "^",
        "^a",
    ];
    let conditions = [
        "a",
        "(eq a \"b\")",
        "(and a (not b))",
        " a ",
        "xs as |x|",
        "(eq a 'b') k=1",
    ];
    let lines = format!("\n{LONG}\n  {LONG}\t\n{LONG}");
    let tilde = |dice: &mut Dice| if dice.below(10) == 0 { "~" } else { "" };
    for _ in 0..1 + dice.below(6) {
        match dice.below(10) {
            0 | 1 => out.push_str(&lines),
            2..=4 => out.push_str(dice.pick(&text)),
            5 | 6 => {
                let (a, b) = (tilde(dice), tilde(dice));
                let value = dice.pick(&values);
                out.push_str(&format!("{{{{{a}{value}{b}}}}}"));
            }
            _ if depth < 3 => {
                let name = dice.pick(&["if", "if", "unless", "each", "with"]);
                let cond = dice.pick(&conditions);
                let t = |dice: &mut Dice| (tilde(dice), tilde(dice));
                let (a, b) = t(dice);
                out.push_str(&format!("{{{{{a}#{name} {cond}{b}}}}}"));
                random_template(dice, depth + 1, out);
                for _ in 0..dice.below(3) {
                    let (a, b) = t(dice);
                    let other = dice.pick(&["else", "else if b", "else unless (eq a 1)", " else "]);
                    out.push_str(&format!("{{{{{a}{other}{b}}}}}"));
                    random_template(dice, depth + 1, out);
                }
                let (a, b) = t(dice);
                let close = if dice.below(40) == 0 { "nope" } else { name };
                out.push_str(&format!("{{{{{a}/{close}{b}}}}}"));
            }
            _ => out.push_str(&lines),
        }
    }
}

/// Checks that `fast` gives handlebars' own template for `count` random templates, and
/// returns how many it gave one for (it may decline).
pub(super) fn random_agree(count: usize, fast: impl Fn(&str) -> Option<Template>) -> usize {
    let mut dice = Dice(0x2545_F491_4F6C_DD1D);
    let mut taken = 0;
    for _ in 0..count {
        let mut src = String::new();
        random_template(&mut dice, 0, &mut src);
        if let Some(fast) = fast(&src) {
            let whole = Template::compile_with_name(&src, "t".to_string());
            assert_eq!(whole.ok().as_ref(), Some(&fast), "source: {src:?}");
            taken += 1;
        }
    }
    taken
}

/// Checks `fast` against handlebars on every template of the built-in blueprints, whole and
/// in the engine's pieces; returns how many it gave a template for.
pub(super) fn built_ins_agree(fast: impl Fn(&str) -> Option<Template>) -> usize {
    fn visit(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                visit(&path, found);
            } else if path.extension().is_some_and(|e| e == "hbs") {
                found.push(path);
            }
        }
    }
    let mut found = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("blueprints");
    visit(&root, &mut found);
    assert!(found.len() > 30, "{} templates", found.len());
    let mut taken = 0;
    for path in &found {
        let src = std::fs::read_to_string(path).unwrap_or_default();
        let pieces = super::chunks::split(&src, 8);
        for piece in std::iter::once(src.as_str()).chain(pieces.iter().map(|c| c.src)) {
            if let Some(fast) = fast(piece) {
                let whole = Template::compile_with_name(piece, "t".to_string());
                assert_eq!(whole.ok().as_ref(), Some(&fast), "{}", path.display());
                taken += 1;
            }
        }
    }
    taken
}
