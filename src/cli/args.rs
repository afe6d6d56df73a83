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
    after_help = "Examples:\n  pave list\n  pave show cloudfront-static-site\n  pave new cloudfront-static-site my-site --set project_name=my-site\n  pave registry add acme https://git.example.com/platform/blueprints.git\n\nExit codes: 0 success, 1 error, 2 usage error (bad flags, unknown or invalid answers)."
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
    /// Write, lint and test blueprints (for blueprint authors).
    #[command(subcommand)]
    Blueprint(BlueprintCommand),
    /// Manage git registries: add, list, remove, sync, verify.
    #[command(
        after_help = "Examples:\n  pave registry add acme https://git.example.com/platform/blueprints.git\n  pave registry list --json\n  pave registry sync\n  pave registry verify my-service\n  pave registry remove acme\n\nA registry is a git repository with registry.yaml and blueprints/<name>/; a version is the\ntag <blueprint>/v<semver>. Registries are kept in the config file (PAVE_CONFIG overrides\nits path) and cached as bare clones (PAVE_CACHE_DIR overrides the cache folder)."
    )]
    Registry(RegistryArgs),
    /// Publish a blueprint folder as a new version of a git registry.
    #[command(
        after_help = "Examples:\n  pave publish blueprints/my-api --registry acme -m \"Adds a WAF option\"\n  pave publish my-api --registry acme --review           # a branch to review, no tag\n  pave publish my-api --registry acme --bump major --addresses fb-12\n  pave publish my-api --registry acme --dry-run\n\nThe folder must pass `pave blueprint lint` and `pave blueprint test`. The version is the\nnewest released one bumped as the change needs (a smaller --bump is refused with the\nreasons). pave commits and pushes from its cache copy of the registry, never from your\ncheckout."
    )]
    Publish(PublishArgs),
    /// Tag the versions on a registry's default branch that have no tag yet (after review).
    #[command(
        after_help = "Examples:\n  pave release --all --registry acme\n  pave release my-api --registry acme --dry-run"
    )]
    Release(ReleaseArgs),
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
    /// Create a new registry repository: registry.yaml, a contributor README and a CI workflow.
    #[command(
        after_help = "Examples:\n  pave registry init platform-blueprints\n  pave registry init ./reg --name acme"
    )]
    Init {
        /// The folder to create (missing or empty).
        dir: PathBuf,
        /// The registry's name (default: the folder's name).
        #[arg(long)]
        name: Option<String>,
    },
    /// Add a git registry and clone it into the cache.
    #[command(
        after_help = "Examples:\n  pave registry add acme https://git.example.com/platform/blueprints.git\n  pave registry add acme git@git.example.com:platform/blueprints.git\n  pave registry add local /srv/git/blueprints.git\n  pave registry add acme https://git.example.com/platform/blueprints.git --offline   # no clone now\n\nCredentials in the URL are used for the first clone only and never stored: later fetches\nuse ssh-agent or ~/.ssh keys (ssh), or the git credential helper, then $PAVE_GIT_TOKEN\n(https). The registry is not added if the first clone fails."
    )]
    Add {
        /// The name to use in --registry and NAME/BLUEPRINT (lower-case letters, digits, dashes).
        name: String,
        /// The git URL (https, ssh, git, file) or a local repository path.
        url: String,
    },
    /// List the registries: builtin and the configured ones, with their cache's age.
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
    /// Fetch registries now, whatever the age of their cache.
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

// Publishing: `pave publish` and `pave release`.

/// `pave publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The blueprint folder.
    pub path: PathBuf,
    /// The registry: a configured name or a git URL.
    #[arg(long, value_name = "NAME|URL")]
    pub registry: String,
    /// The bump (default: the one the change needs).
    #[arg(long, value_enum, conflicts_with = "version")]
    pub bump: Option<BumpArg>,
    /// An exact version.
    #[arg(long, value_name = "X.Y.Z")]
    pub version: Option<semver::Version>,
    /// The changelog message.
    #[arg(long, short)]
    pub message: Option<String>,
    /// A feedback item this version addresses (repeatable).
    #[arg(long = "addresses", value_name = "ID")]
    pub addresses: Vec<String>,
    /// Push to a branch publish/<name>-<version> for review, without a tag.
    #[arg(long)]
    pub review: bool,
    /// Print what would be committed; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Skip the gate (for benchmarks).
    #[arg(long, hide = true)]
    pub no_gate: bool,
}

/// A version bump on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum BumpArg {
    /// X.0.0
    Major,
    /// x.Y.0
    Minor,
    /// x.y.Z
    Patch,
}

/// `pave release`.
#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// One blueprint (or --all).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub name: Option<String>,
    /// Every blueprint of the registry.
    #[arg(long)]
    pub all: bool,
    /// The registry: a configured name or a git URL.
    #[arg(long, value_name = "NAME|URL")]
    pub registry: String,
    /// Print what would be tagged; change nothing.
    #[arg(long)]
    pub dry_run: bool,
}
