//! Credentials for git registries, each tried at most once per operation (no loops):
//!
//! - ssh URLs: the ssh program itself (its agent, keys and `~/.ssh/config`; see
//!   [`super::git`]'s ssh transport), which asks on the terminal when it needs to;
//! - http(s) URLs: credentials that came with the URL (used, never stored), the git credential
//!   helper, then the `PAVE_GIT_TOKEN` environment variable, then a prompt when a prompter is
//!   given (the command line gives one only on a terminal). The HTTP transport asks for them
//!   when the server answers `401`.
//!
//! What was tried is kept, so that an authentication failure can say it. Secrets never appear
//! in what is kept: only the names of the methods.

use super::url::RemoteUrl;
use std::cell::RefCell;
use std::rc::Rc;
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

/// What one transfer has tried and has left.
struct State {
    username: Option<String>,
    url_password: Option<String>,
    token: Option<String>,
    prompter: Option<Arc<dyn CredentialPrompter>>,
    url_creds_left: bool,
    helper_left: bool,
    token_left: bool,
    prompt_left: bool,
    tried: Vec<String>,
    exhausted: bool,
}

impl State {
    /// The next user name and password for `url`, each source once; `None` when all are used.
    fn next(&mut self, url: &str, username: Option<&str>) -> Option<(String, String)> {
        let username = username
            .map(str::to_string)
            .or_else(|| self.username.clone());
        if self.url_creds_left {
            self.url_creds_left = false;
            if let Some(password) = self.url_password.clone() {
                self.tried.push(String::from("the credentials in the URL"));
                return Some((username.unwrap_or_default(), password));
            }
        }
        if self.helper_left {
            self.helper_left = false;
            let answer = git2::Config::open_default().ok().and_then(|config| {
                let mut helper = git2::CredentialHelper::new(url);
                helper.config(&config);
                if let Some(name) = &username {
                    helper.username(Some(name));
                }
                helper.execute()
            });
            match answer {
                Some(pair) => {
                    self.tried.push(String::from("the git credential helper"));
                    return Some(pair);
                }
                None => self
                    .tried
                    .push(String::from("the git credential helper (it had none)")),
            }
        }
        if self.token_left {
            self.token_left = false;
            match self.token.clone() {
                Some(token) => {
                    self.tried.push(format!("${TOKEN_ENV}"));
                    return Some((username.unwrap_or_else(|| String::from(TOKEN_USER)), token));
                }
                None => self.tried.push(format!("${TOKEN_ENV} (not set)")),
            }
        }
        if self.prompt_left {
            self.prompt_left = false;
            if let Some(prompter) = self.prompter.clone() {
                self.tried.push(String::from("a prompt on the terminal"));
                if let Some(pair) = prompter.username_password(url, username.as_deref()) {
                    return Some(pair);
                }
            }
        }
        self.exhausted = true;
        None
    }
}

/// The credentials of one clone, fetch or push.
pub(crate) struct Attempt {
    state: Rc<RefCell<State>>,
}

impl Attempt {
    pub(crate) fn new(url: &RemoteUrl, options: &AuthOptions) -> Self {
        let mut tried = Vec::new();
        if url.is_ssh() {
            tried.push(String::from(super::git::SSH_TRIED));
        }
        Attempt {
            state: Rc::new(RefCell::new(State {
                username: url.username().map(str::to_string),
                url_password: url.password().map(str::to_string),
                token: options.token.clone(),
                prompter: options.prompter.clone(),
                url_creds_left: true,
                helper_left: true,
                token_left: true,
                prompt_left: options.prompter.is_some(),
                tried,
                exhausted: false,
            })),
        }
    }

    /// What was tried, in order (method names only).
    pub(crate) fn tried(&self) -> Vec<String> {
        self.state.borrow().tried.clone()
    }

    /// Whether every credential was used up (so a failure is an authentication failure).
    pub(crate) fn exhausted(&self) -> bool {
        self.state.borrow().exhausted
    }

    /// Runs `transfer` (a libgit2 fetch or push) with this attempt answering the HTTP
    /// transport's requests for credentials.
    pub(crate) fn run<R>(&self, transfer: impl FnOnce() -> R) -> R {
        let state = self.state.clone();
        super::git::with_credentials(
            Box::new(move |url, username| state.borrow_mut().next(url, username)),
            transfer,
        )
    }

    #[cfg(test)]
    fn next(&self, url: &str, username: Option<&str>) -> Option<(String, String)> {
        self.state.borrow_mut().next(url, username)
    }
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
        let mut given = Vec::new();
        for _ in 0..10 {
            if let Some(pair) = attempt.next("https://127.0.0.1:1/x.git", None) {
                given.push(pair);
            }
        }
        // URL credentials and the token (the helper has nothing in a test environment or does).
        assert!((2..=3).contains(&given.len()), "{given:?}");
        assert_eq!(given[0], (String::from("me"), String::from("from-url")));
        assert_eq!(
            given.last(),
            Some(&(String::from("me"), String::from("tok")))
        );
        assert!(attempt.exhausted());
        let tried = attempt.tried().join(", ");
        assert!(tried.contains("the credentials in the URL"), "{tried}");
        assert!(tried.contains("$PAVE_GIT_TOKEN"), "{tried}");
        assert!(
            !tried.contains("from-url") && !tried.contains("tok,"),
            "{tried}"
        );
    }

    #[test]
    fn a_token_without_a_user_name_goes_as_the_token_user() {
        let url = RemoteUrl::parse("https://127.0.0.1:1/x.git");
        let options = AuthOptions {
            token: Some(String::from("tok")),
            prompter: None,
        };
        let attempt = Attempt::new(&url, &options);
        let mut last = None;
        while let Some(pair) = attempt.next("https://127.0.0.1:1/x.git", None) {
            last = Some(pair);
        }
        assert_eq!(last, Some((String::from(TOKEN_USER), String::from("tok"))));
    }
}
