//! The command line, as clap types. Only the CLI sees these; commands turn them into library
//! calls.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// The paved road for serverless: AWS SAM projects from versioned blueprints.
#[derive(Debug, Parser)]
#[command(
    name = "pave",
    version,
    about,
    after_help = "Examples:\n  pave list\n  pave show cloudfront-static-site\n  pave new cloudfront-static-site my-site --set project_name=my-site\n  pave registry add acme https://git.example.com/platform/blueprints.git\n\nExit codes: 0 success, 1 error, 2 usage error (bad flags, unknown or invalid answers), 3 `update` wrote conflicts to resolve."
)]
pub struct Cli {
    /// Print only errors and the essential result.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Never use the network: git registries are read from the cache as it is.
    #[arg(long, global = true)]
    pub offline: bool,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the blueprints of a registry.
    #[command(
        after_help = "Examples:\n  pave list                      # every registry: builtin and the configured ones\n  pave list --tag cloudfront --json\n  pave list --registry acme\n  pave list --registry https://git.example.com/platform/blueprints.git"
    )]
    List(ListArgs),
    /// Show a blueprint: summary, versions, parameters, changelog.
    #[command(
        after_help = "Examples:\n  pave show cloudfront-http-api\n  pave show acme/cloudfront-http-api@^1.2   # a registry's blueprint at a version\n  pave show cloudfront-http-api --json | jq '.parameters[].name'"
    )]
    Show(ShowArgs),
    /// Create a project from a blueprint.
    #[command(
        after_help = "Examples:\n  pave new cloudfront-static-site my-site                 # asks on a terminal\n  pave new acme/cloudfront-http-api@^1.2 api --defaults  # from registry acme, newest 1.x\n  pave new cloudfront-http-api --registry acme --offline  # from the cache only\n  pave new cloudfront-static-site my-site --set project_name=my-site --defaults\n  pave new cloudfront-http-api api --answers answers.yaml --dry-run\n  pave new ./blueprints/my-blueprint out --set project_name=demo   # a blueprint folder\n\nWithout a terminal nothing is asked: defaults are taken and every missing answer is\nlisted with the --set that fixes it."
    )]
    New(NewArgs),
    /// Bring a project to a newer blueprint version (or new answers), keeping its edits.
    #[command(
        after_help = "Examples:\n  pave update                         # newest release of the recorded major\n  pave update services/orders --to 2  # cross a major\n  pave update --set routing=none      # same version, new answers\n  pave update --dry-run --diff        # the per-file table and each change, nothing written\n\nPer file: kept (the blueprint did not change it), updated (you did not), merged (both did,\ncleanly), conflict (both did: markers labelled project / blueprint <old> / blueprint <new>),\nadded, deleted (removed upstream, unedited), kept-removed-upstream (removed upstream, edited),\ndeleted-locally (you deleted it; --recreate-deleted brings it back), moved, binary-conflict\n(yours kept, the new one beside it as <file>.pave-new). In a git work tree conflicted files\nare unmerged in the index, so git status and merge tools see them.\n\nExit codes: 0 updated cleanly (or up to date), 3 conflicts were written, 1 error, 2 usage."
    )]
    Update(UpdateArgs),
    /// Write, lint and test blueprints (for blueprint authors).
    #[command(subcommand)]
    Blueprint(BlueprintCommand),
    /// Manage git registries: add, list, remove, sync, verify.
    #[command(
        after_help = "Examples:\n  pave registry add acme https://git.example.com/platform/blueprints.git\n  pave registry list --json\n  pave registry sync\n  pave registry verify my-service\n  pave registry remove acme\n\nA registry is a git repository with registry.yaml and blueprints/<name>/; a version is the\ntag <blueprint>/v<semver>. Registries are kept in the config file (PAVE_CONFIG overrides\nits path) and cached as bare clones (PAVE_CACHE_DIR overrides the cache folder)."
    )]
    Registry(RegistryArgs),
    /// Print shell completions.
    #[command(
        after_help = "Examples:\n  pave completions bash > ~/.local/share/bash-completion/completions/pave\n  pave completions zsh > ~/.zfunc/_pave"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// `pave list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this registry: a configured name, `builtin`, or a git URL.
    #[arg(long, value_name = "NAME|URL")]
    pub registry: Option<String>,
    /// Only blueprints with this tag.
    #[arg(long)]
    pub tag: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `pave show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The blueprint: NAME, NAME@REQ, REGISTRY/NAME@REQ, or a blueprint folder (./path).
    pub blueprint: String,
    /// Look only in this registry: a configured name, `builtin`, or a git URL.
    #[arg(long, value_name = "NAME|URL")]
    pub registry: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `pave new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The blueprint: NAME, NAME@REQ (e.g. cloudfront-http-api@^1.2), REGISTRY/NAME@REQ, or a
    /// blueprint folder (./path).
    pub blueprint: String,
    /// Look only in this registry: a configured name, `builtin`, or a git URL.
    #[arg(long, value_name = "NAME|URL")]
    pub registry: Option<String>,
    /// The folder to create (default: the project_name answer, else the blueprint's name).
    pub dir: Option<PathBuf>,
    /// Answer a parameter: --set key=value (repeatable; lists as a,b).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Read answers from a YAML file (a mapping, or a file with an `answers:` mapping such as
    /// another project's .pave.yaml).
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Accept every default without asking.
    #[arg(long)]
    pub defaults: bool,
    /// Print what would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write into a non-empty folder (files not in the blueprint are kept).
    #[arg(long)]
    pub force: bool,
    /// Make the project a git repository with one initial commit.
    #[arg(long)]
    pub git: bool,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `pave update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The project folder (default: the current folder).
    pub dir: Option<PathBuf>,
    /// The version to go to: a requirement such as 1.4, ^1.4, 2, '*' (default: the newest
    /// release with the recorded major).
    #[arg(long, value_name = "REQ")]
    pub to: Option<String>,
    /// Change an answer, or answer a new parameter: --set key=value (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Read answers from a YAML file; they win over the recorded ones.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,
    /// Print the per-file table, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run: also print the unified diff of each change.
    #[arg(long)]
    pub diff: bool,
    /// Update a git work tree with uncommitted changes in the project.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Allow a target version older than the recorded one.
    #[arg(long)]
    pub allow_downgrade: bool,
    /// Bring back files the project deleted and the blueprint changed.
    #[arg(long)]
    pub recreate_deleted: bool,
    /// Print the result as JSON (one entry per file).
    #[arg(long)]
    pub json: bool,
}

/// `pave blueprint ...`.
#[derive(Debug, Subcommand)]
pub enum BlueprintCommand {
    /// Start a new blueprint folder with a manifest, a template, an example answer set and a
    /// changelog.
    #[command(
        after_help = "Examples:\n  pave blueprint init blueprints/my-api\n  pave blueprint init my-api --summary \"Team X's API pattern\""
    )]
    Init {
        /// The folder to create; its last segment is the blueprint's name.
        path: PathBuf,
        /// One line for `pave list`.
        #[arg(
            long,
            default_value = "Describe what this blueprint builds in one line"
        )]
        summary: String,
    },
    /// Check a blueprint folder: manifest, templates, variables, defaults, example answer sets.
    #[command(
        after_help = "Examples:\n  pave blueprint lint blueprints/cloudfront-http-api\n  pave blueprint lint blueprints/* --deny-warnings\n\nExit 1 when any error is found (or any warning, with --deny-warnings)."
    )]
    Lint {
        /// Blueprint folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Render every example answer set (tests/<case>.yaml), compare with its snapshot and run
    /// the manifest's checks inside the rendered project.
    #[command(
        after_help = "Examples:\n  pave blueprint test blueprints/cloudfront-static-site\n  pave blueprint test blueprints/my-api --update-snapshots\n  pave blueprint test blueprints/my-api --case 03 --out build/cases\n\nChecks run with `sh -c` in the rendered project; they are the blueprint author's own\ncommands and never run on `pave new` or `pave update`. Exit 1 when any case fails."
    )]
    Test {
        /// The blueprint folder.
        path: PathBuf,
        /// Record the rendered trees as the new snapshots.
        #[arg(long)]
        update_snapshots: bool,
        /// Skip the manifest's checks.
        #[arg(long)]
        no_checks: bool,
        /// Longest a check may run, in seconds.
        #[arg(long, default_value_t = 300)]
        timeout: u64,
        /// Keep each rendered case in DIR/<case>.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Only cases whose name contains this text.
        #[arg(long = "case", value_name = "TEXT")]
        case: Option<String>,
    },
}

/// `pave registry`.
#[derive(Debug, Args)]
pub struct RegistryArgs {
    #[command(subcommand)]
    pub command: RegistryCommand,
}

/// The `pave registry` subcommands.
#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Add a git registry and clone it into the cache.
    #[command(
        after_help = "Examples:\n  pave registry add acme https://git.example.com/platform/blueprints.git\n  pave registry add acme git@git.example.com:platform/blueprints.git\n  pave registry add local /srv/git/blueprints.git\n  pave registry add acme https://git.example.com/platform/blueprints.git --offline   # no clone now\n\nCredentials in the URL are used for the first clone only and never stored: later fetches\nuse ssh-agent or ~/.ssh keys (ssh), or the git credential helper, then $PAVE_GIT_TOKEN\n(https). The registry is not added if the first clone fails, or if the repository is not a\nregistry: registry.yaml at its root, blueprints/<name>/blueprint.yaml, tags <name>/v<semver>.\n\nAn unqualified name (`pave new orders-api`) comes from the configured registry that holds it,\nand from builtin only when none does (pave says when one shadows another). When several\nconfigured registries hold it, the highest --priority wins (none counts as 0); equal\npriorities are an error listing the qualified names.\n  pave registry add acme https://git.example.com/platform/blueprints.git --priority 10"
    )]
    Add {
        /// The name to use in --registry and NAME/BLUEPRINT (lower-case letters, digits, dashes).
        name: String,
        /// The git URL (https, ssh, git, file) or a local repository path.
        url: String,
        /// Order among configured registries holding the same blueprint name: the highest
        /// priority wins (none counts as 0); equal priorities are an error naming each.
        #[arg(long, value_name = "N", allow_negative_numbers = true)]
        priority: Option<i32>,
    },
    /// List the registries: builtin and the configured ones, with their priority and cache's age.
    #[command(after_help = "Examples:\n  pave registry list\n  pave registry list --json")]
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a registry from the config (and its cache).
    #[command(after_help = "Examples:\n  pave registry remove acme")]
    Remove {
        /// The registry's name.
        name: String,
    },
    /// Fetch registries now, whatever the age of their cache, and report the new versions.
    #[command(
        after_help = "Examples:\n  pave registry sync          # every configured registry\n  pave registry sync acme\n\nWithout sync, a command fetches a registry when its cache is older than\nfetch_interval_secs in the config file (default 300), or lacks what was asked for."
    )]
    Sync {
        /// One registry (default: all configured ones).
        name: Option<String>,
    },
    /// Check that a project's release tag still points to the commit it was made from.
    #[command(
        after_help = "Examples:\n  pave registry verify            # the project in the current folder\n  pave registry verify services/api\n\nExit code 1 when the tag was moved or deleted since the project was made (the version\nwas re-released with other content), 0 when it still matches."
    )]
    Verify {
        /// The project folder (holding .pave.yaml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}
