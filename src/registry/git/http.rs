//! git's smart HTTP protocol for libgit2, spoken over reqwest (rustls): the `http://` and
//! `https://` transport of every fetch and push. libgit2 is built without a TLS library of its
//! own, so the binary holds one TLS stack, the one the feedback sink uses too.
//!
//! libgit2 frames the protocol; this module only moves its bytes: `GET info/refs?service=...`
//! for the advertisement, then one `POST git-upload-pack` (or `git-receive-pack`) per round
//! with the request body libgit2 wrote. A `401` asks [`Credentials`] for the next user name and
//! password (each source once, see [`crate::registry::auth`]) and sends the request again;
//! credentials that worked are kept for the rest of the transfer. A redirect of the
//! advertisement moves the rest of the transfer to where it pointed.

use git2::transport::{Service, SmartSubtransport, SmartSubtransportStream, Transport};
use git2::{ErrorClass, ErrorCode};
use std::cell::RefCell;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long the advertisement may take.
const ADVERTISEMENT_TIMEOUT: Duration = Duration::from_secs(120);
/// How long one pack request and its answer may take.
const PACK_TIMEOUT: Duration = Duration::from_secs(600);

/// Where the user names and passwords of a transfer come from: called with the URL and the
/// user name the URL names, it answers the next pair to try, or `None` when none is left.
pub(crate) type Credentials = Box<dyn FnMut(&str, Option<&str>) -> Option<(String, String)>>;

thread_local! {
    /// The credentials of the transfer running on this thread (libgit2 calls the transport on
    /// the thread that started the fetch or push).
    static CREDENTIALS: RefCell<Option<Credentials>> = const { RefCell::new(None) };
}

/// Runs `transfer` with `credentials` answering the HTTP transport's `401`s on this thread.
pub(crate) fn with_credentials<R>(credentials: Credentials, transfer: impl FnOnce() -> R) -> R {
    struct Reset(Option<Credentials>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let previous = self.0.take();
            CREDENTIALS.with(|c| *c.borrow_mut() = previous);
        }
    }
    let previous = CREDENTIALS.with(|c| c.borrow_mut().replace(credentials));
    let _reset = Reset(previous);
    transfer()
}

/// The next credentials for `url`, if the running transfer has any left.
fn next_credentials(url: &str, username: Option<&str>) -> Option<(String, String)> {
    CREDENTIALS.with(|c| c.borrow_mut().as_mut().and_then(|next| next(url, username)))
}

/// The libgit2 transport factory for `http` and `https`.
pub(crate) fn factory(remote: &git2::Remote<'_>) -> Result<Transport, git2::Error> {
    Transport::smart(remote, true, HttpSubtransport::new()?)
}

/// What the requests of one transfer share: where the repository is (after a redirect) and the
/// credentials that worked.
#[derive(Default)]
struct Session {
    base: Option<String>,
    login: Option<(String, String)>,
}

struct HttpSubtransport {
    client: reqwest::blocking::Client,
    session: Arc<Mutex<Session>>,
}

impl HttpSubtransport {
    fn new() -> Result<Self, git2::Error> {
        Ok(HttpSubtransport {
            client: client()?,
            session: Arc::new(Mutex::new(Session::default())),
        })
    }
}

/// The process's one HTTP client (a fetch and the pushes after it share its connections and
/// its certificate store, read once).
fn client() -> Result<reqwest::blocking::Client, git2::Error> {
    static CLIENT: std::sync::OnceLock<Result<reqwest::blocking::Client, String>> =
        std::sync::OnceLock::new();
    CLIENT
        .get_or_init(|| {
            // TLS goes through ring; installing it fails only when a provider is already set.
            let _ = rustls::crypto::ring::default_provider().install_default();
            reqwest::blocking::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(None)
                .user_agent(concat!("git/2.0 (pave/", env!("CARGO_PKG_VERSION"), ")"))
                .build()
                .map_err(|e| format!("cannot set up HTTP: {}", crate::error::one_line(&e)))
        })
        .clone()
        .map_err(net_error)
}

impl SmartSubtransport for HttpSubtransport {
    fn action(
        &self,
        url: &str,
        action: Service,
    ) -> Result<Box<dyn SmartSubtransportStream>, git2::Error> {
        let (service, advertisement) = match action {
            Service::UploadPackLs => ("git-upload-pack", true),
            Service::UploadPack => ("git-upload-pack", false),
            Service::ReceivePackLs => ("git-receive-pack", true),
            Service::ReceivePack => ("git-receive-pack", false),
        };
        let base = {
            let session = lock(&self.session);
            session
                .base
                .clone()
                .unwrap_or_else(|| url.trim_end_matches('/').to_string())
        };
        let request = Request {
            client: self.client.clone(),
            session: self.session.clone(),
            service,
            base,
        };
        if advertisement {
            let response = request.advertisement()?;
            Ok(Box::new(Stream::Answer(response)))
        } else {
            Ok(Box::new(Stream::Asking {
                request,
                body: Vec::new(),
            }))
        }
    }

    fn close(&self) -> Result<(), git2::Error> {
        Ok(())
    }
}

/// One request of the protocol.
struct Request {
    client: reqwest::blocking::Client,
    session: Arc<Mutex<Session>>,
    service: &'static str,
    base: String,
}

impl Request {
    /// `GET info/refs?service=...`, checked to be a smart server's advertisement.
    fn advertisement(&self) -> Result<reqwest::blocking::Response, git2::Error> {
        let url = format!("{}/info/refs?service={}", self.base, self.service);
        let response = self.send(&url, None)?;
        let expected = format!("application/x-{}-advertisement", self.service);
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        if !content_type.starts_with(&expected) {
            return Err(net_error(format!(
                "{} is not a git repository served over smart HTTP (it answered `{}`, not `{expected}`)",
                self.base,
                if content_type.is_empty() {
                    "no content type"
                } else {
                    &content_type
                }
            )));
        }
        // A redirect moves the repository: the pack requests follow it.
        let suffix = format!("/info/refs?service={}", self.service);
        let landed = response.url().as_str();
        if let Some(base) = landed.strip_suffix(&suffix)
            && base != self.base
        {
            lock(&self.session).base = Some(base.to_string());
        }
        Ok(response)
    }

    /// `POST <service>` with `body`.
    fn pack(&self, body: Vec<u8>) -> Result<reqwest::blocking::Response, git2::Error> {
        let url = format!("{}/{}", self.base, self.service);
        self.send(&url, Some(body))
    }

    /// Sends the request, answering `401`s with the next credentials, and returns a `2xx`
    /// answer.
    fn send(
        &self,
        url: &str,
        body: Option<Vec<u8>>,
    ) -> Result<reqwest::blocking::Response, git2::Error> {
        loop {
            let login = lock(&self.session).login.clone();
            let mut request = match &body {
                None => self.client.get(url).timeout(ADVERTISEMENT_TIMEOUT),
                Some(data) => self
                    .client
                    .post(url)
                    .timeout(PACK_TIMEOUT)
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        format!("application/x-{}-request", self.service),
                    )
                    .header(
                        reqwest::header::ACCEPT,
                        format!("application/x-{}-result", self.service),
                    )
                    .body(data.clone()),
            };
            if let Some((user, password)) = &login {
                request = request.basic_auth(user, Some(password));
            }
            let response = request.send().map_err(|e| {
                net_error(format!(
                    "cannot reach {}: {}",
                    without_query(url),
                    request_cause(&e)
                ))
            })?;
            let status = response.status();
            if status == reqwest::StatusCode::UNAUTHORIZED {
                let username = url_username(&self.base);
                match next_credentials(&self.base, username.as_deref()) {
                    Some(next) => {
                        lock(&self.session).login = Some(next);
                        continue;
                    }
                    None => {
                        return Err(git2::Error::new(
                            ErrorCode::Auth,
                            ErrorClass::Http,
                            format!(
                                "{} refused the credentials (HTTP 401){}",
                                without_query(url),
                                if login.is_none() {
                                    ": it needs some and none were given"
                                } else {
                                    ""
                                }
                            ),
                        ));
                    }
                }
            }
            if status == reqwest::StatusCode::FORBIDDEN && login.is_some() {
                return Err(git2::Error::new(
                    ErrorCode::Auth,
                    ErrorClass::Http,
                    format!(
                        "{} refused access with these credentials (HTTP 403)",
                        without_query(url)
                    ),
                ));
            }
            if !status.is_success() {
                // What the server said, unless it is a web page.
                let plain = response
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_none_or(|t| !t.starts_with("text/html"));
                let said = if plain {
                    response.text().unwrap_or_default()
                } else {
                    String::new()
                };
                let said = said.lines().next().unwrap_or("").trim();
                let mut text = format!("{} answered HTTP {}", without_query(url), status);
                if !said.is_empty() {
                    text.push_str(": ");
                    text.extend(said.chars().take(200));
                }
                return Err(net_error(text));
            }
            return Ok(response);
        }
    }
}

/// The bytes of one round: an answer to read, or a request being written (sent at the first
/// read).
enum Stream {
    Answer(reqwest::blocking::Response),
    Asking { request: Request, body: Vec<u8> },
    Done,
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if matches!(self, Stream::Asking { .. })
            && let Stream::Asking { request, body } = std::mem::replace(self, Stream::Done)
        {
            let answer = request
                .pack(body)
                .map_err(|e| std::io::Error::other(e.message().to_string()))?;
            *self = Stream::Answer(answer);
        }
        match self {
            Stream::Answer(response) => response.read(buf),
            _ => Ok(0),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::Asking { body, .. } => {
                body.extend_from_slice(data);
                Ok(data.len())
            }
            _ => Err(std::io::Error::other(
                "the request was already sent; libgit2 wrote after reading",
            )),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn lock(session: &Mutex<Session>) -> std::sync::MutexGuard<'_, Session> {
    session
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn net_error(message: String) -> git2::Error {
    git2::Error::new(ErrorCode::GenericError, ErrorClass::Net, message)
}

/// Why a request could not be made, without the URL reqwest puts in front.
fn request_cause(e: &reqwest::Error) -> String {
    match std::error::Error::source(e) {
        Some(cause) => crate::error::one_line(cause),
        None => e.to_string(),
    }
}

fn without_query(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

/// The user name in `url`, if it names one (`https://me@host/x`).
fn url_username(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    let name = parsed.username();
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_those_of_the_transfer_on_this_thread_and_go_with_it() {
        assert_eq!(next_credentials("https://h/x", None), None);
        let mut given = 0;
        let answer = with_credentials(
            Box::new(move |_url, user| {
                given += 1;
                (given == 1).then(|| (user.unwrap_or("u").to_string(), String::from("p")))
            }),
            || {
                let first = next_credentials("https://h/x", Some("me"));
                let second = next_credentials("https://h/x", Some("me"));
                let elsewhere = std::thread::spawn(|| next_credentials("https://h/x", None))
                    .join()
                    .ok()
                    .flatten();
                (first, second, elsewhere)
            },
        );
        assert_eq!(
            answer,
            (Some((String::from("me"), String::from("p"))), None, None)
        );
        assert_eq!(next_credentials("https://h/x", None), None);
    }

    #[test]
    fn queries_stay_out_of_messages_and_user_names_are_read() {
        assert_eq!(
            without_query("https://h/x/info/refs?service=git-upload-pack"),
            "https://h/x/info/refs"
        );
        assert_eq!(url_username("https://me@h/x"), Some(String::from("me")));
        assert_eq!(url_username("https://h/x"), None);
    }
}
