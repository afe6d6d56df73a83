//! Shell integration made from the clap definitions: `pave completions <shell>` (clap_complete's
//! script, plus blueprint names for the blueprint argument of `new` and `show` in bash, zsh and
//! fish), `pave man` (clap_mangen), and the hidden `pave __complete-blueprints` those scripts
//! call: the names of builtin and the cached registries, never from the network.

use super::{Output, args::Cli, source};
use anyhow::Result;
use clap::CommandFactory;
use clap_complete::Shell;
use std::collections::BTreeSet;
use std::process::ExitCode;

/// The hidden command the scripts call for blueprint names.
const NAMES_COMMAND: &str = "__complete-blueprints";

/// Prints the completion script of `shell`.
pub(crate) fn script(shell: Shell) -> Result<ExitCode> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "pave", &mut buf);
    let generated = String::from_utf8(buf)?;
    say!("{}", with_blueprint_names(shell, &generated).trim_end());
    Ok(ExitCode::SUCCESS)
}

/// Prints the man page, in roff.
pub(crate) fn man() -> Result<ExitCode> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut buf)?;
    say!("{}", String::from_utf8(buf)?.trim_end());
    Ok(ExitCode::SUCCESS)
}

/// Prints the blueprint names completion offers, one a line: every name of builtin and of the
/// configured registries whose cache holds an index, then `<registry>/<name>` for the
/// configured ones. Never uses the network, never fails: a broken config or a missing cache
/// gives fewer names.
pub(crate) fn blueprints() -> ExitCode {
    let offline = Output {
        quiet: true,
        offline: true,
    };
    let mut names = BTreeSet::new();
    let mut qualified = BTreeSet::new();
    let sources = match source::registries(&offline) {
        Ok(registries) => registries.all(),
        Err(_) => vec![Box::new(crate::registry::builtin::Builtin) as _],
    };
    for source in sources {
        let Ok(index) = source.index() else { continue };
        for entry in index.blueprints {
            if source.name() != crate::registry::builtin::NAME {
                qualified.insert(format!("{}/{}", source.name(), entry.name));
            }
            names.insert(entry.name);
        }
    }
    for name in names.iter().chain(&qualified) {
        say!("{name}");
    }
    ExitCode::SUCCESS
}

/// The generated script, with the hidden command left out of the offered words and the
/// blueprint argument completed from `pave __complete-blueprints`.
fn with_blueprint_names(shell: Shell, generated: &str) -> String {
    let script = generated.replace(&format!(" {NAMES_COMMAND}"), "");
    match shell {
        Shell::Bash => bash(&script),
        Shell::Zsh => zsh(&script),
        Shell::Fish => format!(
            "{script}\n# Blueprint names, from builtin and the cached registries (no network).\n\
             complete -c pave -n \"__fish_pave_using_subcommand new; or __fish_pave_using_subcommand show\" \
             -a \"(pave {NAMES_COMMAND} 2>/dev/null)\" -d blueprint\n"
        ),
        _ => script,
    }
}

/// Bash: a wrapper around clap's `_pave` answers the first argument of `new` and `show`.
fn bash(script: &str) -> String {
    let wrapper = format!(
        r#"
# The first argument of `pave new` and `pave show` is a blueprint: its names come from builtin
# and the cached registries (`pave {NAMES_COMMAND}` never uses the network).
_pave_with_blueprints() {{
    local i word command="" arguments=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${{COMP_WORDS[i]}}"
        case "$word" in
            --registry|--set|--answers) ((i++)) ;;
            -*) ;;
            *) if [[ -z "$command" ]]; then command="$word"; else ((arguments++)); fi ;;
        esac
    done
    local cur="${{COMP_WORDS[COMP_CWORD]}}"
    if [[ ( "$command" == new || "$command" == show ) && $arguments -eq 0 && "$cur" != -* ]]; then
        COMPREPLY=( $(compgen -W "$("${{COMP_WORDS[0]}}" {NAMES_COMMAND} 2>/dev/null)" -- "$cur") )
        return 0
    fi
    _pave "$@"
}}
"#
    );
    let script = script.replace("complete -F _pave ", "complete -F _pave_with_blueprints ");
    match script.rfind("\nif [[ \"${BASH_VERSINFO") {
        Some(at) => format!("{}{wrapper}{}", &script[..at], &script[at..]),
        None => format!(
            "{script}{wrapper}complete -F _pave_with_blueprints -o bashdefault -o default pave\n"
        ),
    }
}

/// Zsh: the blueprint argument's action becomes a function that asks pave for the names.
fn zsh(script: &str) -> String {
    let function = format!(
        "# Blueprint names, from builtin and the cached registries (no network).\n\
         _pave_blueprints() {{\n    local -a names\n    names=(${{(f)\"$(${{words[1]}} {NAMES_COMMAND} 2>/dev/null)\"}})\n    compadd -a names\n}}\n\n"
    );
    let mut out = String::with_capacity(script.len() + function.len());
    let mut placed = false;
    for line in script.split_inclusive('\n') {
        if !placed && line.starts_with("_pave() {") {
            out.push_str(&function);
            placed = true;
        }
        if line.trim_start().starts_with("':blueprint -- ") {
            out.push_str(&line.replacen(":_default' \\", ":_pave_blueprints' \\", 1));
        } else {
            out.push_str(line);
        }
    }
    out
}
