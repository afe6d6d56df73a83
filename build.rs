//! Freezes the built-in registry into the binary: `registry.yaml`, the embeddable part of each
//! folder in `blueprints/` (snapshots stay out) as frozen text, and every older release kept in
//! `history/<blueprint>/<version>.txt`. Writes `$OUT_DIR/builtin.rs`, which
//! `src/registry/builtin/mod.rs` includes, and reruns when any of those inputs change.
//! `registry.yaml` and each folder's `blueprint.yaml` are also written as JSON, which pave
//! reads in place of the YAML (a tenth of the time); a document that does not convert is
//! simply left out, and pave reads (and reports on) its YAML.

#[path = "src/registry/builtin/write.rs"]
#[allow(dead_code, unreachable_pub)] // shared with the library, where these items are public
mod write;

#[path = "src/mode.rs"]
#[allow(unreachable_pub)] // shared with the library, where it is public
mod mode;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    if let Err(e) = run() {
        println!("cargo::error=cannot embed the built-in registry: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    for input in ["registry.yaml", "blueprints", "history"] {
        println!("cargo::rerun-if-changed={input}");
    }
    let frozen_dir = out.join("builtin");
    std::fs::create_dir_all(&frozen_dir)?;

    let mut code = String::new();
    let index = root.join("registry.yaml");
    writeln!(
        code,
        "static INDEX: &str = include_str!({:?});",
        path_str(&index)?
    )?;
    let index_json = prepared(&std::fs::read_to_string(&index)?, &frozen_dir, "registry")?;
    let index_json =
        index_json.map_or_else(|| String::from("None"), |json| format!("Some({json})"));
    writeln!(code, "static INDEX_JSON: Option<&str> = {index_json};")?;
    let mut manifests = String::new();

    // The newest release of each blueprint: its folder, frozen now.
    let mut current = Vec::new();
    writeln!(code, "static CURRENT: &[(&str, &str)] = &[")?;
    for folder in sorted_dirs(&root.join("blueprints"))? {
        let name = file_name(&folder)?;
        let text = write::freeze_folder(&folder)?;
        let frozen = frozen_dir.join(format!("{name}.txt"));
        write_if_changed(&frozen, &text)?;
        writeln!(
            code,
            "    ({:?}, include_str!({:?})),",
            format!("blueprints/{name}"),
            path_str(&frozen)?
        )?;
        let manifest = std::fs::read_to_string(folder.join("blueprint.yaml")).unwrap_or_default();
        let json = prepared(&manifest, &frozen_dir, &format!("{name}.manifest"))?;
        if let Some(json) = json {
            writeln!(
                manifests,
                "    ({:?}, {json}),",
                format!("blueprints/{name}")
            )?;
        }
        current.push((name, text));
    }
    writeln!(code, "];")?;
    writeln!(
        code,
        "static MANIFEST_JSON: &[(&str, &str)] = &[\n{manifests}];"
    )?;

    // Older releases, as committed. A frozen copy identical to the folder is not embedded twice.
    writeln!(code, "static HISTORY: &[(&str, &str, &str)] = &[")?;
    let history = root.join("history");
    if history.is_dir() {
        for blueprint in sorted_dirs(&history)? {
            let name = file_name(&blueprint)?;
            for release in sorted_files(&blueprint)? {
                let Some(version) = file_name(&release)?
                    .strip_suffix(".txt")
                    .map(str::to_string)
                else {
                    continue;
                };
                let text = std::fs::read_to_string(&release)?;
                if current.iter().any(|(n, t)| *n == name && *t == text) {
                    continue;
                }
                writeln!(
                    code,
                    "    ({name:?}, {version:?}, include_str!({:?})),",
                    path_str(&release)?
                )?;
            }
        }
    }
    writeln!(code, "];")?;
    write_if_changed(&out.join("builtin.rs"), &code)?;
    Ok(())
}

/// `yaml` as JSON in `dir/<stem>.json`, as the Rust expression that includes it
/// (`include_str!(..)`), or `None` when it does not convert.
fn prepared(
    yaml: &str,
    dir: &Path,
    stem: &str,
) -> Result<Option<String>, Box<dyn std::error::Error>> {
    let json = serde_yaml::from_str::<serde_json::Value>(yaml)
        .ok()
        .and_then(|value| serde_json::to_string(&value).ok());
    let Some(json) = json else {
        return Ok(None);
    };
    let path = dir.join(format!("{stem}.json"));
    write_if_changed(&path, &json)?;
    Ok(Some(format!("include_str!({:?})", path_str(&path)?)))
}

fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text)
}

fn path_str(path: &Path) -> Result<&str, String> {
    path.to_str()
        .ok_or_else(|| format!("{} is not a UTF-8 path", path.display()))
}

fn file_name(path: &Path) -> Result<String, String> {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_string)
        .ok_or_else(|| format!("{} has no UTF-8 name", path.display()))
}

fn sorted(dir: &Path, dirs: bool) -> std::io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() == dirs {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

fn sorted_dirs(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    sorted(dir, true)
}

fn sorted_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    sorted(dir, false)
}
