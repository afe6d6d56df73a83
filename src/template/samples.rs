//! Random template sources built from what handlebars treats with care, for the tests that
//! check that a template cut into pieces (`chunks`) renders as the whole does; the random
//! choices come from a proptest-made tape, so a failing template shrinks to a small one.

/// A long line of plain text.
const LONG: &str = "a line of plain text long enough to be taken out";

/// The choices behind one random template, read from a tape of numbers that proptest
/// generates and shrinks: each draw takes the next number (0 once the tape is used up), so a
/// shorter tape or smaller numbers give a simpler template.
pub(super) struct Dice<'a> {
    tape: &'a [u32],
    at: usize,
}

impl<'a> Dice<'a> {
    pub(super) fn new(tape: &'a [u32]) -> Self {
        Dice { tape, at: 0 }
    }

    pub(super) fn below(&mut self, n: usize) -> usize {
        let drawn = self.tape.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        drawn as usize % n
    }

    fn pick<'s>(&mut self, of: &[&'s str]) -> &'s str {
        of[self.below(of.len())]
    }
}

/// Tapes for [`Dice`]: long enough for a template three blocks deep.
pub(super) fn tapes() -> impl proptest::strategy::Strategy<Value = Vec<u32>> {
    proptest::collection::vec(proptest::num::u32::ANY, 0..256)
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
