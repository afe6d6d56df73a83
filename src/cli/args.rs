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
    /// Never use the network: git registries are read from the cache as it is (list, show,
    /// new, update, diff, outdated, feedback submit, blueprint init, blueprint absorb, registry
    /// add and registry verify also take it after their name).
    #[arg(long)]
    pub offline: bool,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

// `--offline`, for the commands that read git registries (and only those, so that it is not
// in the `--help` of the others).
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct Network {
    /// Never use the network: git registries are read from the cache as it is.
    #[arg(long)]
    pub offline: bool,
}

/// The global `--quiet`, shadowed where printing less means nothing: still accepted, kept out
/// of the command's `--help`. It is put on the command itself (`#[command(arg = ...)]`), which
/// clap applies before it adds the global flags, since the command's own arguments are only
/// built when the command is used (`defer`).
fn no_output_flags() -> clap::Arg {
    clap::Arg::new("quiet")
        .long("quiet")
        .short('q')
        .hide(true)
        .action(clap::ArgAction::SetTrue)
}

impl Command {
    /// Whether the command's own `--offline` was given.
    pub fn offline(&self) -> bool {
        match self {
            Command::List(a) => a.network.offline,
            Command::Show(a) => a.network.offline,
            Command::New(a) => a.network.offline,
            Command::Update(a) => a.network.offline,
            Command::Diff(a) => a.network.offline,
            Command::Outdated(a) => a.network.offline,
            Command::Blueprint(BlueprintCommand::Init { offline, .. }) => *offline,
            Command::Blueprint(BlueprintCommand::Absorb(a)) => a.offline,
            Command::Feedback(FeedbackCommand::Submit(a)) => a.network.offline,
            Command::Registry(RegistryArgs {
                command:
                    RegistryCommand::Add { network, .. } | RegistryCommand::Verify { network, .. },
            }) => network.offline,
            _ => false,
        }
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
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
        after_help = "Examples:\n  pave update                         # newest release of the recorded major\n  pave update services/orders --to 2  # cross a major\n  pave update --set routing=none      # same version, new answers\n  pave update --dry-run --diff        # the per-file table and each change, nothing written\n\nWithout DIR, the project the current folder is in (found upward, as git finds .git). New\nparameters are asked on a terminal (the default offered), else take their default; the\nsummary lists each answer added, renamed or dropped, and names a newer major if one is out.\n\nPer file: kept (the blueprint did not change it), updated (you did not), merged (both did,\ncleanly), conflict (both did: markers labelled project / blueprint <old> / blueprint <new>),\nadded, deleted (removed upstream, unedited), kept-removed-upstream (removed upstream, edited),\ndeleted-locally (you deleted it; --recreate-deleted brings it back), moved, binary-conflict\n(yours kept, the new one beside it as <file>.pave-new). In a git work tree conflicted files\nare unmerged in the index, so git status and merge tools see them.\n\nExit codes: 0 updated cleanly (or up to date), 3 conflicts were written, 1 error, 2 usage."
    )]
    Update(UpdateArgs),
    /// Write, lint and test blueprints, and absorb a project's changes (for blueprint authors).
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
    /// Deprecate a blueprint's versions in a git registry (new projects are warned).
    #[command(
        after_help = "Examples:\n  pave deprecate my-api --reason \"Replaced by my-http-api\" --use my-http-api\n  pave deprecate my-api@<2 --reason \"1.x uses the old runtime\" --registry acme\n\nThe record goes in the blueprint's `deprecated:` list of registry.yaml, committed and pushed\nto the registry's default branch. `pave new` still scaffolds a deprecated version, with a\nwarning naming the reason and the replacement; `list`, `show` and `outdated` mark it."
    )]
    Deprecate(DeprecateArgs),
    /// Yank a released version in a git registry (no longer chosen unless pinned exactly).
    #[command(
        after_help = "Examples:\n  pave yank my-api@1.2.0 --reason \"Opens the bucket to everyone\" --registry acme\n\nThe record goes in the blueprint's `yanked:` list of registry.yaml, committed and pushed to\nthe registry's default branch. The tag stays: projects on it still update, and\n`pave new my-api@=1.2.0` still scaffolds it; any other requirement skips it."
    )]
    Yank(YankArgs),
    /// Print shell completions.
    #[command(
        after_help = "Examples:\n  pave completions bash > ~/.local/share/bash-completion/completions/pave\n  pave completions zsh > ~/.zfunc/_pave"
    )]
    #[command(arg = no_output_flags())]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), made from the same definitions as --help.
    #[command(
        after_help = "Examples:\n  pave man > ~/.local/share/man/man1/pave.1\n  pave man | man -l -"
    )]
    #[command(arg = no_output_flags())]
    Man,
    /// Print the blueprint names that shell completion offers: builtin and the cached
    /// registries, never from the network.
    #[command(name = "__complete-blueprints", hide = true)]
    #[command(arg = no_output_flags())]
    CompleteBlueprints,
    /// Tell the platform team about a blueprint, and read what teams told it.
    #[command(subcommand)]
    Feedback(FeedbackCommand),
    /// Show what the project changed against its blueprint (or what an update would bring).
    #[command(
        after_help = "Examples:\n  pave diff                      # the project here vs a fresh render of its recorded version\n  pave diff services/orders --stat\n  pave diff --exit-code          # exit 1 when the project was changed\n  pave diff --to 1.4             # what updating to the newest 1.4.x would bring from the blueprint\n  pave diff --json | jq '.files[].path'\n  cd src && pave diff -- . ../Makefile   # only these paths, relative to the current folder\n\nWithout DIR, the project the current folder is in (found upward, as git finds .git).\nThe project's files are those under its folder except .pave.yaml, .git, node_modules,\ntarget, .venv, .aws-sam, files git ignores, and subfolders holding their own .pave.yaml.\nExit codes: 0 (also with differences, unless --exit-code), 1 differences with --exit-code\nor an error, 2 usage error."
    )]
    Diff(DiffArgs),
    /// List projects and whether their blueprint has newer versions.
    #[command(
        after_help = "Examples:\n  pave outdated                  # the project the current folder is in\n  pave outdated services/ --recursive\n  pave outdated a b c --json\n  pave outdated . --recursive --offline   # from the registries' caches only\n\nWith --recursive every folder holding a .pave.yaml is a project (node_modules, .git,\ntarget, .venv and .aws-sam are not searched; a project inside another one is found too).\nEach registry is fetched at most once per run. DRIFT counts the files that differ from a\nfresh render of the recorded version (as `pave diff --stat`). ADDRESSED counts the\nfeedback items this project sent that a newer version of its major names in its changelog\n(each listed below the row). A project whose registry\ncannot be reached gets a row with the error and the run goes on.\nExit codes: 0 every project is on the newest version and neither deprecated nor yanked,\n1 some project is behind (in its major, or a newer major is out: STATUS major available),\ndeprecated, yanked or could not be checked, 2 usage error."
    )]
    Outdated(OutdatedArgs),
}

// `pave list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this registry: a configured name, `builtin`, or a git URL.
    #[arg(long, value_name = "NAME|URL")]
    pub registry: Option<String>,
    /// Only blueprints with this tag (as `pave show` prints them; case does not matter).
    #[arg(long)]
    pub tag: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub network: Network,
}

// `pave show`.
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
    #[command(flatten)]
    pub network: Network,
}

// `pave new`.
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
    #[command(flatten)]
    pub network: Network,
}

// `pave update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub network: Network,
    /// The project folder (default: the nearest of the current folder and its parents that
    /// holds .pave.yaml).
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
    /// Give each new parameter its default without asking (a terminal still asks those
    /// without one).
    #[arg(long)]
    pub defaults: bool,
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
#[command(defer = true)]
pub enum BlueprintCommand {
    /// Start a new blueprint folder: a small SAM starter (one function behind CloudFront, its
    /// test, Makefile, CI, README, changelog and an example with its snapshot), or a renamed
    /// copy of a registry's blueprint.
    #[command(
        after_help = "Examples:\n  pave blueprint init blueprints/my-api\n  pave blueprint init my-api --summary \"Team X's API pattern\"\n  pave blueprint init my-site --from cloudfront-static-site        # a copy of the newest release\n  pave blueprint init my-api --from acme/orders-api@^2             # from registry acme, newest 2.x\n\nThe folder's name is the blueprint's. Either way the new blueprint is at 0.1.0 and passes\n`pave blueprint lint --deny-warnings` and `pave blueprint test` as written (the starter's\nchecks run node and cfn-lint). A copy keeps the template, partials and example answer sets,\ngets a CHANGELOG saying where it started from, and its snapshots rendered again."
    )]
    Init {
        /// The folder to create (new or empty); its last segment is the blueprint's name.
        path: PathBuf,
        /// One line for `pave list` (default: the starter's, or the copied blueprint's).
        #[arg(long)]
        summary: Option<String>,
        /// Start from a copy of this blueprint: `[registry/]name[@requirement]`, newest release
        /// by default.
        #[arg(long, value_name = "BLUEPRINT")]
        from: Option<String>,
        /// The registry to take --from's blueprint from.
        #[arg(long, requires = "from")]
        registry: Option<String>,
        /// Never use the network: a git registry's blueprint is read from the cache as it is.
        // Not `Network` flattened: in a deferred subcommand its doc would become the about.
        #[arg(long)]
        offline: bool,
    },
    /// Make a new blueprint from a working project: each value given becomes a parameter,
    /// proved by rendering the project back.
    #[command(
        after_help = "Examples:\n  pave blueprint extract services/orders blueprints/orders-api --param project_name=orders-api\n  pave blueprint extract . ../blueprints/team-api --params-from-answers   # a pave project's answers\n  pave blueprint extract app bp/app --param project_name=app-one --param memory=512 --exclude 'docs/**'\n  pave blueprint extract app bp/app --param project_name=app-one --json\n\nEvery occurrence of each value (three characters or more), in file contents and path\nsegments, becomes {{KEY}} at token boundaries (`api` does not match inside `rapid`), and its\ncase variants (OrdersApi, ORDERS_API, ...) become helper calls. Files that hold a value become\n.hbs templates with any `{{` escaped; others, and every binary, are copied byte for byte with\ntheir mode. Left out and listed: .git, .pave.yaml, node_modules, .venv, .aws-sam, target,\n__pycache__, what the project's .gitignore ignores, and --exclude globs.\n\nBefore writing, the blueprint is rendered with the values (it must give the project back byte\nfor byte) and with other values (no original value may be left behind). The new folder gets\nblueprint.yaml (version 0.1.0, a summary to edit), tests/extracted.yaml with its snapshot and\na CHANGELOG.md. Exit 2 for bad input (a short or repeated value, a folder that is not empty)."
    )]
    Extract {
        /// The project folder.
        project: PathBuf,
        /// The new blueprint folder (new or empty).
        target: PathBuf,
        /// The blueprint's name (default: the new folder's name).
        #[arg(long)]
        name: Option<String>,
        /// A parameter and the value the project holds for it (repeatable).
        #[arg(long = "param", value_name = "KEY=VALUE")]
        params: Vec<String>,
        /// Also make each text answer of the project's .pave.yaml a parameter.
        #[arg(long)]
        params_from_answers: bool,
        /// Leave out the project paths this glob matches (repeatable; `*` within a folder).
        #[arg(long = "exclude", value_name = "GLOB")]
        excludes: Vec<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Carry a project's changes (what `pave diff` shows) back into its blueprint's folder.
    #[command(
        after_help = "Examples:\n  pave blueprint absorb services/orders --into blueprints/orders-api --dry-run\n  pave blueprint absorb services/orders --into blueprints/orders-api\n  pave blueprint absorb . --into ../registry/blueprints/orders-api --only template.yaml --json\n  pave blueprint absorb svc --into blueprints/orders-api --deletions --allow-dirty\n  pave blueprint absorb --feedback 01JE8Z3W0RM8YV1Q6H2T4N5B7C --into blueprints/orders-api\n\nEach hunk is absorbed (the template is edited where the lines come from), absorbed with\nvariables (answer values became {{name}} or a helper call such as {{pascalCase name}}), or\nnot absorbed, with the reason: it changes what a tag produced, lies in a block or a partial\nthat repeats, or its context is not in the folder's version. The edited blueprint is rendered\nwith the project's answers and must give the project's files byte for byte; every example\nanswer set must still render and the lint pass, else the change is taken back. Changes not\nabsorbed go to absorb.rej in the folder, as a patch against the rendered files; the next\nrun replaces it (or removes it when everything is absorbed).\n\nWith --feedback, the project is rebuilt from the item: its version rendered with the answers\nit carries, its diff applied; lines the submitter's pave masked as possible secrets are not\nabsorbed. Once written, the item is accepted with a note naming the folder; `pave publish\n--addresses ID` later marks it addressed.\n\nExit codes: 0 everything absorbed, 3 some changes are in absorb.rej, 1 error, 2 usage."
    )]
    Absorb(AbsorbArgs),
    /// Check a blueprint folder: manifest, templates, variables, defaults, example answer sets.
    #[command(
        after_help = "Examples:\n  pave blueprint lint blueprints/cloudfront-http-api\n  pave blueprint lint blueprints/* --deny-warnings\n\nExit 1 when any error is found (or any warning, with --deny-warnings)."
    )]
    #[command(arg = no_output_flags())]
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

// `pave blueprint absorb`.
#[derive(Debug, Args)]
pub struct AbsorbArgs {
    /// The project folder (holding .pave.yaml); or give --feedback instead.
    #[arg(required_unless_present = "feedback", conflicts_with = "feedback")]
    pub project: Option<PathBuf>,
    /// Absorb the project a feedback item's attached diff describes (sent with
    /// `pave feedback submit --include-diff`), read from the platform team's git sink;
    /// the item is accepted afterwards.
    #[arg(long, value_name = "ID")]
    pub feedback: Option<String>,
    /// The registry whose feedback sink holds the item (name or URL; default: the only
    /// registry with a git sink).
    #[arg(long, value_name = "NAME", requires = "feedback")]
    pub registry: Option<String>,
    /// The blueprint folder to edit (the author's checkout).
    #[arg(long, value_name = "BLUEPRINT-DIR")]
    pub into: PathBuf,
    /// Only these paths of the project (files or folders, relative to the current folder);
    /// repeatable.
    #[arg(long = "only", value_name = "PATH")]
    pub only: Vec<PathBuf>,
    /// Remove the template files of files the project deleted (otherwise only listed).
    #[arg(long)]
    pub deletions: bool,
    /// Print the blueprint's diff and the per-hunk table; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Edit a blueprint folder that has uncommitted changes.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Print JSON: each hunk and file with its outcome.
    #[arg(long)]
    pub json: bool,
    /// Never use the network: a git registry's recorded version is read from the cache.
    #[arg(long)]
    pub offline: bool,
}

// `pave registry`.
#[derive(Debug, Args)]
pub struct RegistryArgs {
    #[command(subcommand)]
    pub command: RegistryCommand,
}

/// The `pave registry` subcommands.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
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
        after_help = "Examples:\n  pave registry add acme https://git.example.com/platform/blueprints.git\n  pave registry add acme git@git.example.com:platform/blueprints.git\n  pave registry add local /srv/git/blueprints.git\n  pave registry add acme https://git.example.com/platform/blueprints.git --offline   # no clone now\n\nCredentials in the URL are used for the first clone only and never stored: later fetches\ngo through the ssh program (its agent, keys and config), or the git credential helper, then $PAVE_GIT_TOKEN\n(https). The registry is not added if the first clone fails, or if the repository is not a\nregistry: registry.yaml at its root, blueprints/<name>/blueprint.yaml, tags <name>/v<semver>.\n\nAn unqualified name (`pave new orders-api`) comes from the configured registry that holds it,\nand from builtin only when none does (pave says when one shadows another). When several\nconfigured registries hold it, the highest --priority wins (none counts as 0); equal\npriorities are an error listing the qualified names.\n  pave registry add acme https://git.example.com/platform/blueprints.git --priority 10"
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
        #[command(flatten)]
        network: Network,
    },
    /// List the registries: builtin and the configured ones, with their priority and cache's age.
    #[command(after_help = "Examples:\n  pave registry list\n  pave registry list --json")]
    #[command(arg = no_output_flags())]
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a registry from the config (and its cache).
    #[command(after_help = "Examples:\n  pave registry remove acme")]
    #[command(arg = no_output_flags())]
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
        #[command(flatten)]
        network: Network,
    },
}

/// `pave feedback ...`.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
pub enum FeedbackCommand {
    /// Send feedback about the blueprint a project was made from (or a pattern you missed).
    #[command(
        after_help = "Examples:\n  pave feedback submit --kind improvement --rating 4 -m \"cache POST responses too\"\n  pave feedback submit services/api --kind bug -m \"the alarm fires on deploy\" --include-diff\n  pave feedback submit --kind new-pattern --registry acme -m \"an SQS worker with a DLQ\"\n  pave feedback submit --kind question --blueprint cloudfront-http-api@1.2.0 --registry builtin -m \"...\"\n\nInside a project (the nearest of the current folder and its parents with a .pave.yaml),\nthe blueprint, version, registry and project come from .pave.yaml.\nThe item goes to the sink the registry names (registry.yaml `feedback:`, or the\n`feedback:` of your config for that registry). An item that cannot be sent is kept in\nthe spool (PAVE_STATE_DIR overrides its folder) and sent by `pave feedback flush` or the\nnext submit. Lines of an attached diff that look like secrets are removed."
    )]
    Submit(FeedbackSubmitArgs),
    /// Send every item waiting in the spool.
    #[command(after_help = "Examples:\n  pave feedback flush\n  pave feedback flush --json")]
    Flush {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the items waiting in the spool, and why.
    #[command(after_help = "Examples:\n  pave feedback status\n  pave feedback status --json")]
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List feedback items (platform team).
    #[command(
        after_help = "Examples:\n  pave feedback list --kind bug --status open\n  pave feedback list --from items.jsonl --kind bug --status open\n  pave feedback list --from items.jsonl --blueprint cloudfront-http-api --version '^1.2' --json"
    )]
    List(FeedbackListArgs),
    /// Show one feedback item (platform team).
    #[command(
        after_help = "Examples:\n  pave feedback show 01JC3Z5X0M6V7Q2W9R4T8Y1B3N\n  pave feedback show 01JC3Z5X0M6V7Q2W9R4T8Y1B3N --registry acme --json\n  pave feedback show 01JC3Z5X0M6V7Q2W9R4T8Y1B3N --from items.jsonl"
    )]
    Show {
        /// The item's id.
        id: String,
        #[command(flatten)]
        from: FeedbackFrom,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Aggregate feedback per blueprint and version, with drift hotspots (platform team).
    #[command(
        after_help = "Examples:\n  pave feedback report\n  pave feedback report --registry acme --html report.html\n  pave feedback report --from items.jsonl\n  pave feedback report --from items.jsonl --json\n  pave feedback report --from items.jsonl --html report.html"
    )]
    Report(FeedbackReportArgs),
    /// Accept an item: the team will act on it (platform team; a commit on the git sink).
    #[command(
        after_help = "Examples:\n  pave feedback accept 01JC3Z5X0M6V7Q2W9R4T8Y1B3N\n  pave feedback accept 01JC3Z5X0M6V7Q2W9R4T8Y1B3N --registry acme"
    )]
    Accept {
        /// The item's id.
        id: String,
        #[command(flatten)]
        registry: FeedbackRegistry,
        /// Print JSON (the item as it is now).
        #[arg(long)]
        json: bool,
    },
    /// Mark an item addressed in a released version (platform team; a commit on the git sink).
    #[command(
        after_help = "Examples:\n  pave feedback resolve 01JC3Z5X0M6V7Q2W9R4T8Y1B3N --in 1.3.0"
    )]
    Resolve {
        /// The item's id.
        id: String,
        /// The version that addresses it.
        #[arg(long = "in", value_name = "VERSION")]
        version: semver::Version,
        #[command(flatten)]
        registry: FeedbackRegistry,
        /// Print JSON (the item as it is now).
        #[arg(long)]
        json: bool,
    },
    /// Decline an item, saying why (platform team; a commit on the git sink).
    #[command(
        after_help = "Examples:\n  pave feedback decline 01JC3Z5X0M6V7Q2W9R4T8Y1B3N --reason \"out of scope: use the queue-worker blueprint\""
    )]
    Decline {
        /// The item's id.
        id: String,
        /// Why it is declined (recorded in the item's history and the commit).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        registry: FeedbackRegistry,
        /// Print JSON (the item as it is now).
        #[arg(long)]
        json: bool,
    },
}

// Which registry's git feedback sink a platform-team command works on.
#[derive(Debug, Args)]
pub struct FeedbackRegistry {
    /// The registry whose git sink holds the items (a configured name or a git URL; default:
    /// the only configured registry with a git sink).
    #[arg(long, value_name = "NAME|URL")]
    pub registry: Option<String>,
}

// Where `list`, `show` and `report` read items: the git sink of a registry, or a file.
#[derive(Debug, Args)]
pub struct FeedbackFrom {
    /// A JSON Lines file of items (an http sink's export) instead of a git sink.
    #[arg(long, value_name = "FILE", conflicts_with = "registry")]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub registry: FeedbackRegistry,
}

// `pave feedback submit`.
#[derive(Debug, Args)]
pub struct FeedbackSubmitArgs {
    #[command(flatten)]
    pub network: Network,
    /// The project folder (default: the nearest of the current folder and its parents that
    /// holds .pave.yaml; none: outside a project).
    pub dir: Option<PathBuf>,
    /// What it is: bug, improvement, new-pattern, question or praise.
    #[arg(long, value_parser = ["bug", "improvement", "new-pattern", "question", "praise"])]
    pub kind: String,
    /// 1 (poor) to 5 (great).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=5))]
    pub rating: Option<u8>,
    /// The message (without it, $VISUAL or $EDITOR opens on a terminal).
    #[arg(long, short)]
    pub message: Option<String>,
    /// Attach the project's changes against its blueprint version (secrets removed, at most
    /// 64 KiB).
    #[arg(long)]
    pub include_diff: bool,
    /// Outside a project: the blueprint, NAME or NAME@VERSION.
    #[arg(long, value_name = "NAME[@VERSION]")]
    pub blueprint: Option<String>,
    /// Outside a project: the registry (a configured name, `builtin`, or a git URL).
    #[arg(long, value_name = "NAME|URL")]
    pub registry: Option<String>,
    /// Do not record your git identity.
    #[arg(long)]
    pub anonymous: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

// The filters of `pave feedback list` and `report`.
#[derive(Debug, Args)]
pub struct FeedbackFilterArgs {
    /// Only this blueprint.
    #[arg(long)]
    pub blueprint: Option<String>,
    /// Only versions matching this requirement (e.g. ^1.2).
    #[arg(long, value_name = "REQ")]
    pub version: Option<String>,
    /// Only this kind.
    #[arg(long, value_parser = ["bug", "improvement", "new-pattern", "question", "praise"])]
    pub kind: Option<String>,
    /// Only this status.
    #[arg(long, value_parser = ["open", "accepted", "addressed", "declined"])]
    pub status: Option<String>,
}

// `pave feedback list`, and the items `report` aggregates.
#[derive(Debug, Args)]
pub struct FeedbackListArgs {
    #[command(flatten)]
    pub from: FeedbackFrom,
    #[command(flatten)]
    pub filter: FeedbackFilterArgs,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

// `pave feedback report`.
#[derive(Debug, Args)]
pub struct FeedbackReportArgs {
    #[command(flatten)]
    pub items: FeedbackListArgs,
    /// Write a self-contained HTML page (inline charts, no script) to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

// `pave diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub network: Network,
    /// The project folder (default: the current folder's project, found as git finds `.git`:
    /// the nearest of the current folder and its parents that holds .pave.yaml).
    pub dir: Option<PathBuf>,
    /// Only these paths (files or folders, relative to the current folder), after `--`.
    #[arg(last = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Per-file counts instead of the patch.
    #[arg(long)]
    pub stat: bool,
    /// Exit 1 when there is a difference (0 when there is none).
    #[arg(long)]
    pub exit_code: bool,
    /// Show the blueprint's own change from the recorded version to the newest one matching
    /// REQ (e.g. 1.4, ^2, '*'), both rendered with the project's answers.
    #[arg(long, value_name = "REQ")]
    pub to: Option<String>,
    /// Print JSON: per-file status, modes, counts and hunks.
    #[arg(long)]
    pub json: bool,
}

// `pave outdated`.
#[derive(Debug, Args)]
pub struct OutdatedArgs {
    #[command(flatten)]
    pub network: Network,
    /// Project folders (default: the project the current folder is in, else the current
    /// folder); with --recursive, folders to search (default: the current folder).
    pub dirs: Vec<PathBuf>,
    /// Search below each folder for projects.
    #[arg(long, short)]
    pub recursive: bool,
    /// Print JSON: a list of objects, one per project.
    #[arg(long)]
    pub json: bool,
}

// Publishing: `pave publish` and `pave release`.

// `pave publish`.
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
    /// Print what would change against the registry; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON: what was (or would be) published, pushed and written.
    #[arg(long)]
    pub json: bool,
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

// `pave release`.
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
    /// The blueprint's folder: after the release, its `version` and CHANGELOG.md are set to
    /// the registry's.
    #[arg(long, value_name = "FOLDER", requires = "name")]
    pub path: Option<std::path::PathBuf>,
}

// Retiring versions: `pave deprecate` and `pave yank`.

// `pave deprecate`.
#[derive(Debug, Args)]
pub struct DeprecateArgs {
    /// The blueprint, with the versions to deprecate (`name@<2`; every version when none).
    #[arg(value_name = "NAME[@REQ]")]
    pub blueprint: String,
    /// Why (shown to everyone who scaffolds it).
    #[arg(long)]
    pub reason: String,
    /// The blueprint to use instead.
    #[arg(long = "use", value_name = "BLUEPRINT")]
    pub replacement: Option<String>,
    /// The registry: a configured name or a git URL (default: the configured registry that
    /// lists the blueprint).
    #[arg(long, value_name = "NAME|URL")]
    pub registry: Option<String>,
}

// `pave yank`.
#[derive(Debug, Args)]
pub struct YankArgs {
    /// The blueprint and the exact version to yank (`name@1.2.0`).
    #[arg(value_name = "NAME@VERSION")]
    pub blueprint: String,
    /// Why (shown when a requirement matches only yanked versions).
    #[arg(long)]
    pub reason: String,
    /// The registry: a configured name or a git URL (default: the configured registry that
    /// lists the blueprint).
    #[arg(long, value_name = "NAME|URL")]
    pub registry: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// The commands (`feedback submit`) whose own arguments include `--offline`.
    fn taking_offline(cmd: &clap::Command, path: &mut Vec<String>, found: &mut Vec<String>) {
        for sub in cmd.get_subcommands() {
            path.push(sub.get_name().to_string());
            if sub.get_arguments().any(|a| a.get_id() == "offline") {
                found.push(path.join(" "));
            }
            taking_offline(sub, path, found);
            path.pop();
        }
    }

    /// Every command below `cmd`, with its path (`registry add`).
    fn all_commands(cmd: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands() {
            let name = format!("{path} {}", sub.get_name()).trim().to_string();
            out.push((name.clone(), sub.clone()));
            all_commands(sub, &name, out);
        }
    }

    #[test]
    fn each_command_is_described_in_words_not_by_a_comment_on_its_arguments() {
        // A doc comment on an `Args` struct becomes the description of every command that
        // holds or flattens it: `pave new --help` once opened with "`pave new`", `pave
        // registry add --help` with the doc of `--offline`.
        let mut cmd = Cli::command();
        cmd.build();
        let mut commands = Vec::new();
        all_commands(&cmd, "", &mut commands);
        assert!(commands.len() > 20, "{}", commands.len());
        for (name, mut sub) in commands {
            let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
            assert!(
                about.starts_with(|c: char| c.is_ascii_uppercase()) && about.contains(' '),
                "`pave {name}` is described as {about:?}"
            );
            let help = sub.render_long_help().to_string();
            let flat = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                flat(&help).starts_with(&flat(&about)),
                "`pave {name} --help` opens with {:?}, not {about:?}",
                help.lines().next().unwrap_or_default()
            );
        }
    }

    /// `a, b c and d` as `[a, b c, d]`.
    fn words_list(text: &str) -> Vec<String> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut items: Vec<String> = text
            .replace(" and ", ", ")
            .split(", ")
            .map(|s| s.trim_matches('`').to_string())
            .collect();
        items.sort();
        items
    }

    #[test]
    fn the_commands_said_to_take_offline_are_those_that_do() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut found = Vec::new();
        taking_offline(&cmd, &mut Vec::new(), &mut found);
        found.sort();
        assert!(
            found.contains(&String::from("feedback submit")),
            "{found:?}"
        );

        let help = cmd
            .get_arguments()
            .find(|a| a.get_id() == "offline")
            .and_then(|a| a.get_help())
            .map(ToString::to_string)
            .unwrap_or_default();
        let listed = help
            .split_once('(')
            .and_then(|(_, rest)| rest.split_once(" also take it"))
            .map(|(list, _)| words_list(list))
            .unwrap_or_default();
        assert_eq!(listed, found, "`pave --help`: {help}");

        let readme = include_str!("../../README.md");
        let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
        let listed = readme
            .split_once("`--offline` (before the command, or after ")
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(list, _)| words_list(list))
            .unwrap_or_default();
        assert_eq!(
            listed, found,
            "README.md's list of commands taking --offline"
        );
    }
}
