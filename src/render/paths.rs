//! Path templating and confinement: a template path's segments may hold `{{parameter}}`; every
//! rendered segment must be a plain name, so no rendered path can leave the project folder,
//! and each segment renders to one segment: an answer holding `/` cannot make folders.

use super::RenderError;

/// Checks that each segment of `template_path` (its output form `out_path`, without `.hbs`)
/// rendered to one segment of `rendered`: an answer used in a segment is one file or folder
/// name and cannot hold `/`. The error names the answer and its value when it can tell.
pub fn one_segment_each(
    template_path: &str,
    out_path: &str,
    rendered: &str,
    ctx: &serde_json::Value,
) -> Result<(), RenderError> {
    if rendered.split('/').count() <= out_path.split('/').count() {
        return Ok(());
    }
    let culprit = out_path
        .split('/')
        .filter(|segment| segment.contains("{{"))
        .flat_map(|segment| segment.split(|c: char| !(c.is_alphanumeric() || c == '_')))
        .find_map(|word| {
            let value = ctx.get(word)?.as_str()?;
            value.contains('/').then_some((word, value))
        });
    let (reason, fix) = match culprit {
        Some((name, value)) => (
            format!(
                "the answer `{name}` (`{value}`) is used as one file or folder name, which cannot hold `/`; give `{name}` without `/`"
            ),
            Some(format!("e.g. --set {name}={}", value.replace('/', "-"))),
        ),
        None => (
            String::from(
                "a path segment renders to a value holding `/`, and each segment is one file or folder name; give the answers it uses without `/`",
            ),
            None,
        ),
    };
    Err(RenderError::Path {
        file: template_path.to_string(),
        rendered: rendered.to_string(),
        reason,
        fix,
    })
}

/// Checks one rendered path (relative, `/`-separated) and returns it normalised.
pub fn confine(template_path: &str, rendered: &str) -> Result<String, RenderError> {
    let refuse = |why: &str| RenderError::Path {
        file: template_path.to_string(),
        rendered: rendered.to_string(),
        reason: why.to_string(),
        fix: None,
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

    #[test]
    fn an_answer_is_one_segment() {
        let ctx = serde_json::json!({"sub": "a/b", "name": "x"});
        let e = super::one_segment_each("{{sub}}/f.txt.hbs", "{{sub}}/f.txt", "a/b/f.txt", &ctx)
            .unwrap_err()
            .to_string();
        assert!(e.contains("the answer `sub` (`a/b`)"), "{e}");
        assert!(
            super::one_segment_each("{{name}}/f.txt", "{{name}}/f.txt", "x/f.txt", &ctx).is_ok()
        );
    }
}
