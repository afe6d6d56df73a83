//! YAML parsing behind one door: every YAML document pave reads (registry.yaml, blueprint.yaml,
//! .pave.yaml, answers files, test cases) goes through [`parse`], which turns parser errors into
//! [`YamlError`]s with the file, line, column and, for unknown fields, the closest known field.

use serde::de::DeserializeOwned;
use std::fmt;

/// A YAML document that could not be read into the expected shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// The file the document came from, as shown to the user.
    pub file: String,
    /// 1-based line, when the parser knows it.
    pub line: Option<usize>,
    /// 1-based column, when the parser knows it.
    pub column: Option<usize>,
    /// What is wrong, without the position.
    pub message: String,
    /// How to fix it, when there is something better to say than the message.
    pub hint: Option<String>,
}

/// Writes `file[:line[:column]]`, the position format of every error pave reports.
pub fn write_position(
    f: &mut fmt::Formatter<'_>,
    file: &str,
    line: Option<usize>,
    column: Option<usize>,
) -> fmt::Result {
    write!(f, "{file}")?;
    if let Some(line) = line {
        write!(f, ":{line}")?;
        if let Some(column) = column {
            write!(f, ":{column}")?;
        }
    }
    Ok(())
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_position(f, &self.file, self.line, self.column)?;
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for YamlError {}

/// Parses `src` (read from `file`) into `T`.
pub fn parse<T: DeserializeOwned>(src: &str, file: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(src).map_err(|err| convert(&err, file))
}

/// Like [`parse`], but reads `prepared` instead when it is given and reads as a `T`: the same
/// document as JSON, made from `src` when pave was built (the built-in registry's). JSON reads
/// in a tenth of the time; the YAML is still what errors are about. The flag says whether the
/// JSON was what was read.
pub fn parse_prepared<T: DeserializeOwned>(
    src: &str,
    prepared: Option<&str>,
    file: &str,
) -> Result<(T, bool), YamlError> {
    match prepared.map(serde_json::from_str) {
        Some(Ok(value)) => Ok((value, true)),
        _ => Ok((parse(src, file)?, false)),
    }
}

/// Serialises `value` as YAML.
pub fn to_string<T: serde::Serialize>(value: &T) -> Result<String, YamlError> {
    serde_yaml::to_string(value).map_err(|err| YamlError {
        file: String::from("<output>"),
        line: None,
        column: None,
        message: err.to_string(),
        hint: None,
    })
}

fn convert(err: &serde_yaml::Error, file: &str) -> YamlError {
    let location = err.location();
    let mut message = err.to_string();
    // The parser appends " at line L column C"; the position is reported separately.
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    // Errors inside nested values are prefixed with their path ("parameters[0]: ...").
    let hint = unknown_field_hint(&message);
    YamlError {
        file: file.to_string(),
        line: location.as_ref().map(|l| l.line()),
        column: location.as_ref().map(|l| l.column()),
        message,
        hint,
    }
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" messages, names the closest field.
fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = &message[message.find("unknown field `")? + "unknown field `".len()..];
    let field = &rest[..rest.find('`')?];
    let expected = &rest[rest.find("expected")?..];
    let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    Some(match closest(field, known.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("known fields: {}", known.join(", ")),
    })
}

/// The candidate closest to `word`, if one is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Best-effort position of the first line containing `needle`, for errors found after parsing
/// (semantic checks), so they can still point into the file.
pub fn locate(src: &str, needle: &str) -> Option<(usize, usize)> {
    src.lines()
        .enumerate()
        .find_map(|(i, line)| line.find(needle).map(|col| (i + 1, col + 1)))
}

impl crate::error::Classify for YamlError {
    fn kind(&self) -> crate::error::ErrorKind {
        crate::error::ErrorKind::Failure
    }

    fn hint(&self) -> Option<String> {
        self.hint.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        name: String,
        version: String,
    }

    #[test]
    fn prepared_json_is_read_when_it_reads_and_the_yaml_otherwise() {
        let yaml = "name: a\nversion: 1.0.0\n";
        // The JSON is what is read when it reads (here it says something else, to tell).
        let (doc, json): (Doc, bool) =
            parse_prepared(yaml, Some(r#"{"name":"b","version":"2"}"#), "f").unwrap();
        assert_eq!(
            (doc.name.as_str(), doc.version.as_str(), json),
            ("b", "2", true)
        );
        for broken in [None, Some("not json"), Some(r#"{"name":"b"}"#)] {
            let (doc, json): (Doc, bool) = parse_prepared(yaml, broken, "f").unwrap();
            assert_eq!((doc.name.as_str(), json), ("a", false), "{broken:?}");
        }
        // Errors are the YAML's, with its positions.
        let err = parse_prepared::<Doc>("name: a\nversoin: 1\n", Some("{}"), "f").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(1)), "{err}");
    }

    #[test]
    fn unknown_field_names_position_and_closest() {
        let err = parse::<Doc>("name: a\nversoin: 1\n", "x.yaml").unwrap_err();
        assert_eq!((err.line, err.column), (Some(2), Some(1)));
        assert!(
            err.message.contains("unknown field `versoin`"),
            "{}",
            err.message
        );
        assert_eq!(err.hint.as_deref(), Some("did you mean `version`?"));
        assert!(err.to_string().starts_with("x.yaml:2:1: unknown field"));
    }

    #[test]
    fn malformed_yaml_has_position() {
        let err = parse::<Doc>("name: [a\nversion: 1\n", "y.yaml").unwrap_err();
        assert!(err.line.is_some());
        assert!(!err.message.contains(" at line "));
    }
}
