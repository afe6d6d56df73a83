//! git over ssh through the system `ssh` program, as git itself does it: a libgit2 smart
//! subtransport ([`factory`]) that runs `<ssh> [-p PORT] [user@]host "git-upload-pack 'PATH'"`
//! (or `git-receive-pack`) and speaks the git protocol over the child's stdin and stdout, so
//! the user's ssh config, agent, keys and known_hosts work as they do with git.
//!
//! It owns: splitting an ssh URL (`ssh://`, `git+ssh://`, `ssh+git://`, scp-like
//! `[user@]host:path`) into user, host, port and path ([`Target`]); quoting the path for the
//! remote shell; choosing the program (`$GIT_SSH_COMMAND`, else `$GIT_SSH`, else `ssh`); and the
//! child's life: its stderr kept (the last few KiB) to say what went wrong, and the child
//! killed and reaped when libgit2 frees the stream.

use git2::transport::{Service, SmartSubtransport, SmartSubtransportStream, Transport};
use git2::{ErrorClass, ErrorCode};
use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// What an ssh authentication failure says was tried: pave gives no credentials of its own to
/// ssh, the program uses its agent, keys and config.
pub(crate) const TRIED: &str = "the ssh program (its agent, keys and config)";

/// How much of the program's stderr is kept for messages: the last 4 KiB.
const STDERR_KEPT: usize = 4096;

/// How long a child gets to exit on its own once its stdin is closed, before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(1);

/// How long the stderr reader gets to finish after the child exited (a connection-sharing
/// master forked by ssh may hold the pipe open for much longer).
const STDERR_GRACE: Duration = Duration::from_millis(500);

/// The transport libgit2 uses for ssh URLs: the smart protocol over a stateful connection
/// (one child per connection) to the system ssh program.
pub(crate) fn factory(remote: &git2::Remote<'_>) -> Result<Transport, git2::Error> {
    Transport::smart(remote, false, SshSubtransport)
}

/// Starts one ssh child per connection. It keeps no state: in a stateful smart transport
/// libgit2 (through git2) asks for a stream only for `UploadPackLs`/`ReceivePackLs` and reuses
/// that stream, and so that child, for the `UploadPack`/`ReceivePack` that follows; the stream
/// owns the child and ends it when libgit2 frees the stream, before it calls [`close`].
///
/// [`close`]: SmartSubtransport::close
#[derive(Debug, Default)]
pub(crate) struct SshSubtransport;

impl SmartSubtransport for SshSubtransport {
    fn action(
        &self,
        url: &str,
        action: Service,
    ) -> Result<Box<dyn SmartSubtransportStream>, git2::Error> {
        let service = match action {
            Service::UploadPackLs | Service::UploadPack => "git-upload-pack",
            Service::ReceivePackLs | Service::ReceivePack => "git-receive-pack",
        };
        let target = Target::parse(url).map_err(|m| error(ErrorCode::GenericError, m))?;
        let program = Program::from_env();
        let remote_command = format!("{service} {}", sh_quote(&target.path));
        let args = program.args(&target, &remote_command, has_terminal());
        let stream = SshStream::start(&program, args)?;
        Ok(Box::new(stream))
    }

    fn close(&self) -> Result<(), git2::Error> {
        Ok(())
    }
}

fn error(code: ErrorCode, message: impl AsRef<str>) -> git2::Error {
    git2::Error::new(code, ErrorClass::Ssh, message.as_ref())
}

/// Where an ssh URL points: the account, host, port and repository path on that host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// The user name before `@`, if any.
    pub user: Option<String>,
    /// The host name or address (without brackets).
    pub host: String,
    /// The port of an `ssh://` URL, if given.
    pub port: Option<u16>,
    /// The path as the remote side sees it (`~/x` and `x` are relative to the home folder).
    pub path: String,
}

impl Target {
    /// Splits `url` (`ssh://[user@]host[:port]/path`, `git+ssh://`, `ssh+git://`, or scp-like
    /// `[user@]host:path`). Under `ssh://` a path starting with `/~` is home-relative, as in
    /// git. The error says what is wrong with the URL.
    pub(crate) fn parse(url: &str) -> Result<Self, String> {
        let target = match url.split_once("://") {
            Some((scheme, rest)) => {
                if !matches!(
                    scheme.to_ascii_lowercase().as_str(),
                    "ssh" | "git+ssh" | "ssh+git"
                ) {
                    return Err(format!("`{url}` is not an ssh URL"));
                }
                let slash = rest.find('/').unwrap_or(rest.len());
                let (authority, path) = rest.split_at(slash);
                let (user, host_port) = split_user(authority);
                let (host, port) = split_port(host_port, url)?;
                let path = crate::url::percent_decode(path);
                let path = match path.strip_prefix("/~") {
                    Some(home) => format!("~{home}"),
                    None => path,
                };
                Target {
                    user,
                    host,
                    port,
                    path,
                }
            }
            None => {
                // git's rule: scp-like only when a `:` comes before any `/` (libgit2 sends
                // every URL with a `:` here, local paths such as `/srv/a:b/reg.git` too).
                let colon = url.find(':');
                if colon.is_none_or(|c| url.find('/').is_some_and(|s| s < c)) {
                    return Err(format!(
                        "`{url}` is not an ssh address (`[user@]host:path`); a local path with a `:` in it can be given as a file:// URL"
                    ));
                }
                let (user, rest) = match rest_after_user(url) {
                    Some((user, rest)) => (Some(user.to_string()), rest),
                    None => (None, url),
                };
                let (host, path) = if let Some(inner) = rest.strip_prefix('[') {
                    let (host, after) = inner
                        .split_once(']')
                        .ok_or_else(|| format!("`{url}` has an unclosed `[` in its host"))?;
                    let path = after
                        .strip_prefix(':')
                        .ok_or_else(|| format!("`{url}` needs a `:` after `]`"))?;
                    (host.to_string(), path.to_string())
                } else {
                    let (host, path) = rest
                        .split_once(':')
                        .ok_or_else(|| format!("`{url}` is not an ssh address (host:path)"))?;
                    (host.to_string(), path.to_string())
                };
                Target {
                    user,
                    host,
                    port: None,
                    path,
                }
            }
        };
        target.check(url)
    }

    fn check(self, url: &str) -> Result<Self, String> {
        if self.host.is_empty() {
            return Err(format!("`{url}` has no host"));
        }
        if self.path.is_empty() || self.path == "/" {
            return Err(format!("`{url}` has no repository path after the host"));
        }
        // A leading `-` would be taken for an option by the ssh program.
        if self.host.starts_with('-') || self.user.as_deref().is_some_and(|u| u.starts_with('-')) {
            return Err(format!(
                "`{url}`: a host or user name starting with `-` is refused (ssh would read it as an option)"
            ));
        }
        Ok(self)
    }

    /// `user@host`, or `host`.
    fn destination(&self) -> String {
        match &self.user {
            Some(user) => format!("{user}@{}", self.host),
            None => self.host.clone(),
        }
    }
}

/// `user@rest` in a scp-like address: the `@` must come before the `:` that ends the host.
fn rest_after_user(url: &str) -> Option<(&str, &str)> {
    let at = url.find('@')?;
    let colon = url.find(':')?;
    (at < colon).then(|| (&url[..at], &url[at + 1..]))
}

/// `[user[:password]@]host[:port]` into the user and the rest (a password is dropped: the URL
/// given here is already without one, and ssh could not use it anyway).
fn split_user(authority: &str) -> (Option<String>, &str) {
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            let user = userinfo.split(':').next().unwrap_or(userinfo);
            (
                (!user.is_empty()).then(|| crate::url::percent_decode(user)),
                &authority[at + 1..],
            )
        }
        None => (None, authority),
    }
}

/// `host[:port]` or `[v6-address][:port]`.
fn split_port(host_port: &str, url: &str) -> Result<(String, Option<u16>), String> {
    let (host, port) = if let Some(inner) = host_port.strip_prefix('[') {
        let (host, after) = inner
            .split_once(']')
            .ok_or_else(|| format!("`{url}` has an unclosed `[` in its host"))?;
        (host, after.strip_prefix(':'))
    } else {
        match host_port.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(p.parse::<u16>().map_err(|_| {
            format!("`{url}` has port `{p}`, which is not a number from 1 to 65535")
        })?),
    };
    Ok((host.to_string(), port))
}

/// `text` in single quotes for a POSIX shell, as git quotes it: `'` becomes `'\''` and `!`
/// becomes `'\!'` (for shells with history expansion).
pub(crate) fn sh_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        match c {
            '\'' | '!' => {
                out.push_str("'\\");
                out.push(c);
                out.push('\'');
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Which ssh program runs, and how it is named in messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Program {
    /// `$GIT_SSH_COMMAND`: a shell command line, run as `sh -c '<cmd> "$@"' ssh ARGS...`.
    Command(String),
    /// `$GIT_SSH`, or `ssh` from PATH: a program run directly.
    Direct {
        /// The program.
        program: OsString,
        /// Where it came from, for messages (`GIT_SSH` or `PATH`).
        from: &'static str,
    },
}

impl Program {
    /// The program git would use: `$GIT_SSH_COMMAND`, else `$GIT_SSH`, else `ssh`.
    pub(crate) fn from_env() -> Self {
        if let Some(cmd) = std::env::var_os("GIT_SSH_COMMAND").filter(|c| !c.is_empty()) {
            return Program::Command(cmd.to_string_lossy().into_owned());
        }
        match std::env::var_os("GIT_SSH").filter(|c| !c.is_empty()) {
            Some(program) => Program::Direct {
                program,
                from: "GIT_SSH",
            },
            None => Program::Direct {
                program: OsString::from("ssh"),
                from: "PATH",
            },
        }
    }

    /// How the program is named in messages.
    fn label(&self) -> String {
        match self {
            Program::Command(cmd) => format!("`{cmd}` (GIT_SSH_COMMAND)"),
            Program::Direct { program, from } => {
                format!("`{}` (from {from})", program.to_string_lossy())
            }
        }
    }

    /// Whether the program is PuTTY's (plink, tortoiseplink), which spells its options
    /// differently from OpenSSH.
    fn is_plink(&self) -> bool {
        let first = match self {
            Program::Command(cmd) => cmd.split_whitespace().next().unwrap_or("").to_string(),
            Program::Direct { program, .. } => program.to_string_lossy().into_owned(),
        };
        let base = first
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let base = base.strip_suffix(".exe").unwrap_or(&base);
        matches!(base, "plink" | "tortoiseplink")
    }

    /// The arguments after the program: the port, batch mode when no one can answer a prompt,
    /// the destination and the command for the remote side.
    pub(crate) fn args(&self, target: &Target, command: &str, terminal: bool) -> Vec<String> {
        let plink = self.is_plink();
        let mut args = Vec::new();
        if let Some(port) = target.port {
            args.push(String::from(if plink { "-P" } else { "-p" }));
            args.push(port.to_string());
        }
        if !terminal {
            if plink {
                args.push(String::from("-batch"));
            } else {
                args.push(String::from("-o"));
                args.push(String::from("BatchMode=yes"));
            }
        }
        args.push(target.destination());
        args.push(command.to_string());
        args
    }

    fn command(&self, args: &[String]) -> Command {
        match self {
            Program::Command(cmd) => {
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("{cmd} \"$@\""))
                    .arg("ssh")
                    .args(args);
                c
            }
            Program::Direct { program, .. } => {
                let mut c = Command::new(program);
                c.args(args);
                c
            }
        }
    }
}

/// Whether someone can answer the ssh program's prompts (it asks on the terminal, not on
/// stdin).
fn has_terminal() -> bool {
    #[cfg(unix)]
    {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .is_ok()
    }
    #[cfg(not(unix))]
    {
        use std::io::IsTerminal;
        io::stdin().is_terminal() && io::stderr().is_terminal()
    }
}

/// The last [`STDERR_KEPT`] bytes the child wrote to stderr, filled by a thread.
struct StderrTail {
    kept: Arc<Mutex<Vec<u8>>>,
    done: Receiver<()>,
}

impl StderrTail {
    fn start(mut stderr: impl Read + Send + 'static) -> Self {
        let kept = Arc::new(Mutex::new(Vec::new()));
        let (tx, done) = mpsc::channel();
        let sink = Arc::clone(&kept);
        std::thread::spawn(move || {
            let mut buf = [0u8; 1024];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut kept = sink.lock().unwrap_or_else(PoisonError::into_inner);
                kept.extend_from_slice(&buf[..n]);
                if kept.len() > STDERR_KEPT {
                    let excess = kept.len() - STDERR_KEPT;
                    kept.drain(..excess);
                }
            }
            let _ = tx.send(());
        });
        StderrTail { kept, done }
    }

    /// What the child said, on one line; waits a little for the reader to finish first.
    fn text(&self) -> String {
        let _ = self.done.recv_timeout(STDERR_GRACE);
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&kept)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The git protocol over one ssh child: reads from its stdout, writes to its stdin.
struct SshStream {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    /// The first bytes read at start (proof that the server answered), handed out first.
    first: Vec<u8>,
    stderr: StderrTail,
    label: String,
}

impl SshStream {
    /// Starts the child and waits for the server's first bytes, so a refused login or an
    /// unknown host is an error of this call, with the program's words in it.
    fn start(program: &Program, args: Vec<String>) -> Result<Self, git2::Error> {
        let label = program.label();
        let mut child = program
            .command(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                let why = if e.kind() == io::ErrorKind::NotFound {
                    String::from("no such program")
                } else {
                    e.to_string()
                };
                error(
                    ErrorCode::GenericError,
                    format!(
                        "cannot run the ssh program {label}: {why}; install OpenSSH, or point GIT_SSH_COMMAND or GIT_SSH at an ssh program"
                    ),
                )
            })?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(error(
                ErrorCode::GenericError,
                format!("the ssh program {label} started without its pipes"),
            ));
        };
        let mut stream = SshStream {
            child,
            stdin: Some(stdin),
            stdout,
            first: Vec::new(),
            stderr: StderrTail::start(stderr),
            label,
        };
        let mut buf = [0u8; 4096];
        let n = loop {
            match stream.stdout.read(&mut buf) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        match n {
            Ok(0) => {
                let (message, auth) = stream.ended_early();
                let code = if auth {
                    ErrorCode::Auth
                } else {
                    ErrorCode::GenericError
                };
                Err(error(code, message))
            }
            Ok(n) => {
                stream.first.extend_from_slice(&buf[..n]);
                Ok(stream)
            }
            Err(e) => Err(error(
                ErrorCode::GenericError,
                format!("cannot read from the ssh program {}: {e}", stream.label),
            )),
        }
    }

    /// Waits (briefly) for the child after its output ended and says why: its exit status and
    /// its stderr. The flag is whether it reads as an authentication failure.
    fn ended_early(&mut self) -> (String, bool) {
        let status = wait_for(&mut self.child, EXIT_GRACE);
        let said = self.stderr.text();
        let how = match status {
            Some(s) if s.success() => String::from("ended the connection early"),
            Some(s) => match s.code() {
                Some(code) => format!("exited with status {code}"),
                None => String::from("was killed by a signal"),
            },
            None => String::from("stopped sending"),
        };
        let lower = said.to_ascii_lowercase();
        let auth = lower.contains("permission denied") || lower.contains("authentication");
        let said = if said.is_empty() {
            String::from("it said nothing on stderr")
        } else {
            said
        };
        (
            format!("the ssh program {} {how}: {said}", self.label),
            auth,
        )
    }
}

/// The child's exit status, waiting up to `limit` for it; `None` if it is still running.
fn wait_for(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(10)),
            _ => return None,
        }
    }
}

impl Read for SshStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.first.is_empty() {
            let n = buf.len().min(self.first.len());
            buf[..n].copy_from_slice(&self.first[..n]);
            self.first.drain(..n);
            return Ok(n);
        }
        let n = self.stdout.read(buf)?;
        if n == 0 && !buf.is_empty() {
            // libgit2 reads only what the protocol promises: an end here is always early.
            return Err(io::Error::other(self.ended_early().0));
        }
        Ok(n)
    }
}

impl Write for SshStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(io::Error::from(io::ErrorKind::BrokenPipe));
        };
        match stdin.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                Err(io::Error::other(self.ended_early().0))
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.stdin.as_mut() {
            Some(stdin) => stdin.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for SshStream {
    /// Closes the child's stdin (the remote side ends), gives it a moment to exit, then kills
    /// and reaps it, so no child outlives the connection.
    fn drop(&mut self) {
        drop(self.stdin.take());
        if wait_for(&mut self.child, EXIT_GRACE).is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(user: Option<&str>, host: &str, port: Option<u16>, path: &str) -> Target {
        Target {
            user: user.map(str::to_string),
            host: host.to_string(),
            port,
            path: path.to_string(),
        }
    }

    #[test]
    fn splits_every_url_form() {
        let cases = [
            (
                "ssh://git@host.example/srv/reg.git",
                target(Some("git"), "host.example", None, "/srv/reg.git"),
            ),
            (
                "ssh://host:2222/srv/reg.git",
                target(None, "host", Some(2222), "/srv/reg.git"),
            ),
            (
                "git+ssh://me@host/~/reg.git",
                target(Some("me"), "host", None, "~/reg.git"),
            ),
            (
                "ssh+git://host/~alice/reg.git",
                target(None, "host", None, "~alice/reg.git"),
            ),
            (
                "SSH://[::1]:22/srv/my%20reg.git",
                target(None, "::1", Some(22), "/srv/my reg.git"),
            ),
            (
                "git@host.example:team/reg.git",
                target(Some("git"), "host.example", None, "team/reg.git"),
            ),
            (
                "host:/abs/reg.git",
                target(None, "host", None, "/abs/reg.git"),
            ),
            ("[::1]:reg.git", target(None, "::1", None, "reg.git")),
        ];
        for (url, want) in cases {
            assert_eq!(Target::parse(url), Ok(want), "{url}");
        }
    }

    #[test]
    fn refuses_what_ssh_cannot_use() {
        for (url, says) in [
            ("ssh://host", "no repository path"),
            ("ssh:///srv/reg.git", "no host"),
            ("ssh://host:99999/x", "not a number"),
            ("ssh://-oProxyCommand=x/srv", "starting with `-`"),
            ("-oProxyCommand=x:srv", "starting with `-`"),
            ("https://host/x", "not an ssh URL"),
            ("host:", "no repository path"),
            ("/srv/a:b/reg.git", "file:// URL"),
        ] {
            let err = Target::parse(url).unwrap_err();
            assert!(err.contains(says), "{url}: {err}");
        }
    }

    #[test]
    fn quotes_like_git() {
        assert_eq!(sh_quote("/srv/reg.git"), "'/srv/reg.git'");
        assert_eq!(sh_quote("it's"), "'it'\\''s'");
        assert_eq!(sh_quote("a!b"), "'a'\\!'b'");
        assert_eq!(sh_quote("$(rm -rf x) `y`"), "'$(rm -rf x) `y`'");
    }

    #[test]
    fn builds_the_command_line() {
        let ssh = Program::Direct {
            program: OsString::from("ssh"),
            from: "PATH",
        };
        let t = target(Some("git"), "host", Some(2222), "/r.git");
        assert_eq!(
            ssh.args(&t, "git-upload-pack '/r.git'", false),
            [
                "-p",
                "2222",
                "-o",
                "BatchMode=yes",
                "git@host",
                "git-upload-pack '/r.git'"
            ]
        );
        let t = target(None, "host", None, "/r.git");
        assert_eq!(
            ssh.args(&t, "git-receive-pack '/r.git'", true),
            ["host", "git-receive-pack '/r.git'"]
        );
        let plink = Program::Command(String::from("C:/PuTTY/plink.exe -v"));
        let t = target(None, "host", Some(22), "/r.git");
        assert_eq!(
            plink.args(&t, "c", false),
            ["-P", "22", "-batch", "host", "c"]
        );
        let cmd = Program::Command(String::from("my-ssh -F cfg"));
        let built = cmd.command(&[String::from("host"), String::from("c")]);
        let argv: Vec<_> = built.get_args().map(|a| a.to_string_lossy()).collect();
        assert_eq!(argv, ["-c", "my-ssh -F cfg \"$@\"", "ssh", "host", "c"]);
    }

    #[test]
    fn a_silent_failure_and_a_refusal_say_what_the_program_said() {
        let program = Program::Command(String::from(
            "echo 'Permission denied (publickey).' >&2; exit 255; :",
        ));
        let err = match SshStream::start(&program, vec![String::from("h"), String::from("c")]) {
            Ok(_) => panic!("a refused login must fail"),
            Err(e) => e,
        };
        assert_eq!(err.code(), ErrorCode::Auth);
        assert!(
            err.message().contains("Permission denied (publickey).")
                && err.message().contains("exited with status 255"),
            "{}",
            err.message()
        );
        let missing = Program::Direct {
            program: OsString::from("/nonexistent/pave-test-ssh"),
            from: "GIT_SSH",
        };
        let err = match SshStream::start(&missing, vec![String::from("h")]) {
            Ok(_) => panic!("a missing program must fail"),
            Err(e) => e,
        };
        assert_eq!(err.code(), ErrorCode::GenericError);
        assert!(
            err.message().contains("/nonexistent/pave-test-ssh")
                && err.message().contains("no such program"),
            "{}",
            err.message()
        );
    }

    #[test]
    fn the_stream_hands_out_the_first_bytes_then_the_rest_and_reaps_the_child() {
        let program = Program::Command(String::from("printf 0000; cat; :"));
        let mut stream = match SshStream::start(&program, Vec::new()) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let mut buf = [0u8; 4];
        stream.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"0000");
        stream.write_all(b"ping").unwrap();
        stream.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"ping");
        let pid = stream.child.id();
        drop(stream);
        assert!(reaped(pid), "child {pid} left behind");
    }

    #[test]
    fn a_child_that_does_not_exit_is_killed_on_drop() {
        let program = Program::Command(String::from("printf 0000; exec sleep 30"));
        let stream = match SshStream::start(&program, Vec::new()) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        };
        let pid = stream.child.id();
        let start = Instant::now();
        drop(stream);
        assert!(start.elapsed() < Duration::from_secs(10), "drop hung");
        assert!(reaped(pid), "child {pid} left behind");
    }

    /// Whether `pid` is gone: neither running nor a zombie (a reaped child leaves no
    /// `/proc` entry on Linux; elsewhere this cannot tell, and says so).
    fn reaped(pid: u32) -> bool {
        !std::path::Path::new("/proc/self").exists()
            || !std::path::Path::new(&format!("/proc/{pid}")).exists()
    }
}
