//! Making an attached diff safe to send: every line that looks like a secret (AWS access key
//! ids, AWS secret keys in assignments, private key blocks, `password`/`token`/`secret`
//! assignments in `=` and `:` forms) is replaced by [`MARKER`], keeping the diff's `+`/`-`/` `
//! prefix so it stays a valid diff; then the text is cut at a line boundary to [`DIFF_CAP`].

use regex::{Regex, RegexSet};
use std::sync::LazyLock;

/// What a masked line says instead (defined beside the code that reads a masked diff back).
pub use crate::project::patch::MASKED as MARKER;
/// The largest diff attached to an item, in bytes.
pub const DIFF_CAP: usize = 64 * 1024;

/// A diff made safe to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Masked {
    /// The text, masked and capped.
    pub text: String,
    /// How many lines were masked.
    pub masked: usize,
    /// Whether the text was cut at [`DIFF_CAP`].
    pub truncated: bool,
}

/// Single lines that look like secrets. A value that is a reference (a YAML tag such as
/// `!Ref`, `${...}`, `{{resolve:...}}`) is not a secret and is kept.
static SECRET_LINE: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([
        // AWS access key ids.
        r"\b(AKIA|ASIA)[0-9A-Z]{16}\b",
        // AWS secret access keys after an assignment that names them.
        r#"(?i)aws.{0,30}[=:]\s*["']?[A-Za-z0-9/+]{40}\b"#,
        // password / token / secret (and their compounds) assigned a literal, as
        // `key=value`, `key: value`, `"key": "value"`, `export KEY=value`.
        r#"(?i)(^|[\s"'{,;])[a-z0-9_.-]*(pass(word|wd)?|pwd|token|secret|api[_-]?key|private[_-]?key|credentials?)[a-z0-9_.-]*["']?\s*[:=]\s*["']?[^\s"'!$\{][^\s"']*"#,
    ])
    .unwrap_or_else(|e| unreachable!("secret patterns are valid: {e}"))
});

static KEY_BEGIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")
        .unwrap_or_else(|e| unreachable!("pattern is valid: {e}"))
});
static KEY_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")
        .unwrap_or_else(|e| unreachable!("pattern is valid: {e}"))
});

/// Masks every line of `diff` that looks like a secret, then caps the result at [`DIFF_CAP`].
pub fn mask_diff(diff: &str) -> Masked {
    let mut out = String::with_capacity(diff.len().min(DIFF_CAP + 1024));
    let mut masked = 0;
    let mut in_key = false;
    for line in diff.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let is_header = body.starts_with("+++ ") || body.starts_with("--- ");
        let (prefix, content) = match body.as_bytes().first() {
            Some(b'+' | b'-' | b' ') if !is_header => body.split_at(1),
            _ => ("", body),
        };
        let secret = if in_key {
            if KEY_END.is_match(content) {
                in_key = false;
            }
            true
        } else if KEY_BEGIN.is_match(content) {
            in_key = !KEY_END.is_match(content);
            true
        } else {
            SECRET_LINE.is_match(content)
        };
        if secret {
            masked += 1;
            out.push_str(prefix);
            out.push_str(MARKER);
            out.push_str(newline);
        } else {
            out.push_str(line);
        }
    }
    let (text, truncated) = cap(out, DIFF_CAP);
    Masked {
        text,
        masked,
        truncated,
    }
}

/// `text` cut to at most `max` bytes at the end of a line; whether it was cut.
pub fn cap(text: String, max: usize) -> (String, bool) {
    if text.len() <= max {
        return (text, false);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = text[..end].rfind('\n').map(|i| i + 1).unwrap_or(0);
    (text[..end].to_string(), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masks(line: &str) -> bool {
        mask_diff(&format!("+{line}\n")).masked == 1
    }

    #[test]
    fn aws_access_key_ids() {
        assert!(masks("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"));
        assert!(masks("  key: ASIAY34FZKBOKMUTVV7A"));
        assert!(masks("\"AKIAIOSFODNN7EXAMPLE\""));
        assert!(!masks("AKIA is a prefix"));
    }

    #[test]
    fn aws_secret_keys_in_assignments() {
        let key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assert!(masks(&format!("aws_secret_access_key = {key}")));
        assert!(masks(&format!("AWS_SECRET_ACCESS_KEY={key}")));
        assert!(masks(&format!("\"awsSecret\": \"{key}\"")));
        assert!(masks(&format!("aws_key: {key}")));
    }

    #[test]
    fn password_token_secret_assignments_in_every_form() {
        for line in [
            "password=hunter2",
            "PASSWORD = hunter2",
            "export DB_PASSWORD=hunter2",
            "db_password: hunter2",
            "  password: 'hunter2'",
            "\"password\": \"hunter2\",",
            "token=abc123",
            "GITHUB_TOKEN: ghp_abc",
            "\"accessToken\": \"eyJhbGci\"",
            "secret=s3cr3t",
            "client_secret: s3cr3t",
            "\"secret\":\"s3cr3t\"",
            "api_key = k-123",
            "passwd=x",
        ] {
            assert!(masks(line), "not masked: {line}");
        }
    }

    #[test]
    fn references_and_prose_are_kept() {
        for line in [
            "MasterUserPassword: !Ref DbPassword",
            "SecretString: '{{resolve:secretsmanager:x}}'",
            "token: ${TOKEN}",
            "Resources:",
            "  Handler: app.handler",
            "# rotate the password every month",
            "Value: '{{resolve:secretsmanager:db:SecretString:password}}'",
        ] {
            assert!(!masks(line), "masked: {line}");
        }
    }

    #[test]
    fn private_key_blocks_are_masked_through_their_end() {
        let diff = "@@ -1,0 +1,5 @@\n+before\n+-----BEGIN RSA PRIVATE KEY-----\n+MIIEpAIBAAKCAQEA\n+abcdef\n+-----END RSA PRIVATE KEY-----\n+after\n";
        let m = mask_diff(diff);
        assert_eq!(m.masked, 4, "{}", m.text);
        assert!(m.text.contains("+before\n") && m.text.contains("+after\n"));
        assert!(!m.text.contains("MIIE"));
        let open = mask_diff("+-----BEGIN OPENSSH PRIVATE KEY-----\n+b3Blbn\n");
        assert_eq!(open.masked, 2);
        assert!(!open.text.contains("b3Blbn"));
    }

    #[test]
    fn keeps_diff_prefixes_and_headers() {
        let m = mask_diff("--- a/.env\n+++ b/.env\n-token=old\n+token=new\n context\n");
        assert_eq!(m.masked, 2);
        assert_eq!(
            m.text,
            format!("--- a/.env\n+++ b/.env\n-{MARKER}\n+{MARKER}\n context\n")
        );
    }

    #[test]
    fn caps_at_a_line_boundary() {
        let line = "+".to_string() + &"x".repeat(99) + "\n";
        let big = line.repeat(1000);
        let m = mask_diff(&big);
        assert!(m.truncated);
        assert!(m.text.len() <= DIFF_CAP);
        assert!(m.text.ends_with('\n'));
        assert_eq!(m.text.len() % 101, 0);
        let small = mask_diff("+a\n");
        assert!(!small.truncated);
    }
}
