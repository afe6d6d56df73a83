//! Path templating and confinement: a template path's segments may hold `{{parameter}}`; every
//! rendered segment must be a plain name, so no rendered path can leave the project folder.

use super::RenderError;

/// Checks one rendered path (relative, `/`-separated) and returns it normalised.
pub fn confine(template_path: &str, rendered: &str) -> Result<String, RenderError> {
    let refuse = |why: &str| RenderError::Path {
        file: template_path.to_string(),
        rendered: rendered.to_string(),
        reason: why.to_string(),
    };
    if rendered.starts_with('/') {
        return Err(refuse(
            "it is absolute; blueprint paths must stay inside the project",
        ));
    }
    let mut out = Vec::new();
    for segment in rendered.split('/') {
        match segment {
            "" => return Err(refuse("a path segment renders empty")),
            "." | ".." => {
                return Err(refuse(
                    "a path segment is `.` or `..`; blueprint paths must stay inside the project",
                ));
            }
            s if s.contains('\\') || s.contains('\0') => {
                return Err(refuse("a path segment holds `\\` or a NUL byte"));
            }
            s if s.len() > 255 => return Err(refuse("a path segment is longer than 255 bytes")),
            s => out.push(s),
        }
    }
    Ok(out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::confine;

    #[test]
    fn refuses_escapes() {
        assert!(confine("a", "../x").is_err());
        assert!(confine("a", "src/../../x").is_err());
        assert!(confine("a", "/etc/passwd").is_err());
        assert!(confine("a", "src//x").is_err());
        assert!(confine("a", "src/a\\..\\b").is_err());
        assert_eq!(confine("a", "src/app.py").unwrap(), "src/app.py");
    }
}
