//! Credentials for git registries, each tried at most once per operation (no loops):
//!
//! - ssh URLs: the ssh-agent, then the default keys in `~/.ssh` (through auth-git2, which also
//!   asks for a key's passphrase when a prompter is given);
//! - https URLs: credentials that came with the URL (used, never stored), the git credential
//!   helper, then the `PAVE_GIT_TOKEN` environment variable, then a prompt when a prompter is
//!   given (the command line gives one only on a terminal).
//!
//! What was tried is kept, so that an authentication failure can say it. Secrets never appear
//! in what is kept: only the names of the methods.

use super::url::RemoteUrl;
use git2::{Cred, CredentialType};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Environment variable holding a token for https registries.
pub const TOKEN_ENV: &str = "PAVE_GIT_TOKEN";

/// The user name sent with `PAVE_GIT_TOKEN` when the URL names none (git servers that take
/// tokens accept any user name with them).
pub const TOKEN_USER: &str = "x-access-token";

/// Asks the user for credentials. Implemented by the command line, only on a terminal.
pub trait CredentialPrompter: Send + Sync {
    /// A user name and password (or token) for `url` (without credentials); `None` to give up.
    fn username_password(&self, url: &str, username: Option<&str>) -> Option<(String, String)>;
    /// The passphrase of an encrypted ssh key; `None` to skip the key.
    fn ssh_passphrase(&self, key: &Path) -> Option<String>;
}

/// Where credentials may come from.
#[derive(Clone, Default)]
pub struct AuthOptions {
    /// A token for https (from `PAVE_GIT_TOKEN`).
    pub token: Option<String>,
    /// Who to ask when nothing else worked; `None` never asks.
    pub prompter: Option<Arc<dyn CredentialPrompter>>,
}

impl std::fmt::Debug for AuthOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthOptions")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("prompter", &self.prompter.is_some())
            .finish()
    }
}

impl AuthOptions {
    /// The token from `PAVE_GIT_TOKEN` (when set and not empty) and the given prompter.
    pub fn from_env(prompter: Option<Arc<dyn CredentialPrompter>>) -> Self {
        AuthOptions {
            token: std::env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()),
            prompter,
        }
    }
}

/// auth-git2's prompt hook, forwarding to our prompter.
#[derive(Clone)]
struct PromptBridge(Arc<dyn CredentialPrompter>);

impl auth_git2::Prompter for PromptBridge {
    fn prompt_username_password(
        &mut self,
        url: &str,
        _config: &git2::Config,
    ) -> Option<(String, String)> {
        self.0.username_password(url, None)
    }

    fn prompt_password(
        &mut self,
        username: &str,
        url: &str,
        _config: &git2::Config,
    ) -> Option<String> {
        self.0
            .username_password(url, Some(username))
            .map(|(_, p)| p)
    }

    fn prompt_ssh_key_passphrase(
        &mut self,
        private_key_path: &Path,
        _config: &git2::Config,
    ) -> Option<String> {
        self.0.ssh_passphrase(private_key_path)
    }
}

/// The credentials of one clone or fetch.
pub(crate) struct Attempt<'a> {
    url: &'a RemoteUrl,
    options: &'a AuthOptions,
    ssh: auth_git2::GitAuthenticator,
    ssh_labels: Vec<String>,
    config: Option<git2::Config>,
    tried: RefCell<Vec<String>>,
    exhausted: RefCell<bool>,
}

impl<'a> Attempt<'a> {
    pub(crate) fn new(url: &'a RemoteUrl, options: &'a AuthOptions) -> Self {
        let mut ssh = auth_git2::GitAuthenticator::new_empty()
            .add_default_username()
            .try_ssh_agent(true)
            .add_default_ssh_keys();
        if let Some(prompter) = &options.prompter {
            ssh = ssh
                .prompt_ssh_key_password(true)
                .set_prompter(PromptBridge(prompter.clone()));
        }
        let mut ssh_labels = vec![String::from("ssh-agent")];
        ssh_labels.extend(default_ssh_keys().iter().map(|k| display_key(k)));
        ssh_labels.reverse(); // popped from the end, in auth-git2's order
        Attempt {
            url,
            options,
            ssh,
            ssh_labels,
            config: git2::Config::open_default().ok(),
            tried: RefCell::new(Vec::new()),
            exhausted: RefCell::new(false),
        }
    }

    /// What was tried, in order (method names only).
    pub(crate) fn tried(&self) -> Vec<String> {
        self.tried.borrow().clone()
    }

    /// Whether every credential was used up (so a failure is an authentication failure).
    pub(crate) fn exhausted(&self) -> bool {
        *self.exhausted.borrow()
    }

    /// The callback for `git2::RemoteCallbacks::credentials`.
    pub(crate) fn callback<'s>(
        &'s self,
    ) -> impl FnMut(&str, Option<&str>, CredentialType) -> Result<Cred, git2::Error> + 's {
        let mut ssh_inner = self.config.as_ref().map(|c| self.ssh.credentials(c));
        let mut ssh_labels = self.ssh_labels.clone();
        let mut url_creds_left = self.url.password().is_some();
        let mut helper_left = true;
        let mut token_left = true;
        let mut prompt_left = self.options.prompter.is_some();
        move |url: &str, username: Option<&str>, allowed: CredentialType| {
            let username = username.or(self.url.username());
            if allowed.contains(CredentialType::USERNAME) {
                if let Some(name) = username {
                    return Cred::username(name);
                }
                if let Some(inner) = ssh_inner.as_mut() {
                    return inner(url, username, allowed);
                }
            }
            if allowed.contains(CredentialType::SSH_KEY)
                && let Some(inner) = ssh_inner.as_mut()
            {
                let label = ssh_labels.pop();
                match inner(url, username, allowed) {
                    Ok(cred) => {
                        if let Some(label) = label {
                            self.tried.borrow_mut().push(label);
                        }
                        return Ok(cred);
                    }
                    Err(_) => ssh_labels.clear(),
                }
            }
            if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) {
                if url_creds_left {
                    url_creds_left = false;
                    if let Some(password) = self.url.password() {
                        self.tried
                            .borrow_mut()
                            .push(String::from("the credentials in the URL"));
                        return Cred::userpass_plaintext(username.unwrap_or(""), password);
                    }
                }
                if helper_left {
                    helper_left = false;
                    let answer = self
                        .config
                        .as_ref()
                        .and_then(|c| Cred::credential_helper(c, url, username).ok());
                    match answer {
                        Some(cred) => {
                            self.tried
                                .borrow_mut()
                                .push(String::from("the git credential helper"));
                            return Ok(cred);
                        }
                        None => self
                            .tried
                            .borrow_mut()
                            .push(String::from("the git credential helper (it had none)")),
                    }
                }
                if token_left {
                    token_left = false;
                    match &self.options.token {
                        Some(token) => {
                            self.tried.borrow_mut().push(format!("${TOKEN_ENV}"));
                            return Cred::userpass_plaintext(username.unwrap_or(TOKEN_USER), token);
                        }
                        None => self
                            .tried
                            .borrow_mut()
                            .push(format!("${TOKEN_ENV} (not set)")),
                    }
                }
                if prompt_left {
                    prompt_left = false;
                    if let Some(prompter) = &self.options.prompter {
                        self.tried
                            .borrow_mut()
                            .push(String::from("a prompt on the terminal"));
                        if let Some((user, password)) = prompter.username_password(url, username) {
                            return Cred::userpass_plaintext(&user, &password);
                        }
                    }
                }
            }
            *self.exhausted.borrow_mut() = true;
            Err(git2::Error::from_str(
                "no more credentials to try for this registry",
            ))
        }
    }
}

/// The default key files auth-git2 tries, in its order, that exist.
fn default_ssh_keys() -> Vec<PathBuf> {
    let Some(home) = std::env::var_os("HOME").map(PathBuf::from) else {
        return Vec::new();
    };
    [
        "id_rsa",
        "id_ecdsa",
        "id_ecdsa_sk",
        "id_ed25519",
        "id_ed25519_sk",
        "id_dsa",
    ]
    .iter()
    .map(|name| home.join(".ssh").join(name))
    .filter(|p| p.is_file())
    .collect()
}

fn display_key(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("ssh key ~/.ssh/{name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_tries_each_source_once_then_gives_up() {
        let url = RemoteUrl::parse("https://me:from-url@127.0.0.1:1/x.git");
        let options = AuthOptions {
            token: Some(String::from("tok")),
            prompter: None,
        };
        let attempt = Attempt::new(&url, &options);
        let mut callback = attempt.callback();
        let mut successes = 0;
        for _ in 0..10 {
            if callback(
                "https://127.0.0.1:1/x.git",
                None,
                CredentialType::USER_PASS_PLAINTEXT,
            )
            .is_ok()
            {
                successes += 1;
            }
        }
        drop(callback);
        // URL credentials and the token (the helper has nothing in a test environment or does).
        assert!((2..=3).contains(&successes), "{successes}");
        assert!(attempt.exhausted());
        let tried = attempt.tried().join(", ");
        assert!(tried.contains("the credentials in the URL"), "{tried}");
        assert!(tried.contains("$PAVE_GIT_TOKEN"), "{tried}");
        assert!(
            !tried.contains("from-url") && !tried.contains("tok,"),
            "{tried}"
        );
    }
}
