//! Reading items from JSON Lines (one item per line, as an `http` sink's export gives them):
//! blank lines are skipped, a malformed line is an error with its line number.

use super::item::Item;

/// A line that is not an item.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: not a feedback item: {reason}")]
pub struct JsonlError {
    /// The file as shown to the user.
    pub file: String,
    /// The 1-based line.
    pub line: usize,
    /// Why.
    pub reason: String,
}

/// Parses every line of `text`.
pub fn parse(text: &str, file: &str) -> Result<Vec<Item>, JsonlError> {
    let mut items = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let item = serde_json::from_str(line).map_err(|e| JsonlError {
            file: file.to_string(),
            line: i + 1,
            reason: e.to_string(),
        })?;
        items.push(item);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    #[test]
    fn malformed_lines_are_positioned() {
        let err = super::parse("\n{\"id\":1}\n", "x.jsonl").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.to_string().starts_with("x.jsonl:2: "), "{err}");
        assert!(super::parse("", "x").unwrap().is_empty());
    }
}
