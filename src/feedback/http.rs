//! The `http` feedback sink: each item is one JSON POST (the schema is
//! `docs/feedback.schema.json`), with `Authorization: Bearer <token>` when the configuration
//! names the environment variable that holds the token. A 2xx answer confirms the item; a 4xx
//! answer refuses it with the server's message; a 5xx answer, a timeout or a connection that
//! fails means "later". The token is never put in a message or an error, and the URL only
//! without credentials.

use super::item::Item;
use super::sink::{FeedbackSink, Sent, SinkError};
use crate::url::redact_url;
use std::time::Duration;

/// The default time allowed to connect.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default time allowed for the whole request.
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(15);
/// How much of a refusal's body is shown.
const MESSAGE_MAX: usize = 500;

/// Posts items to a URL.
pub struct HttpSink {
    url: String,
    token: Option<String>,
    client: Result<reqwest::blocking::Client, String>,
}

/// How to reach an `http` sink.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// The endpoint.
    pub url: String,
    /// The bearer token, already read from its environment variable.
    pub token: Option<String>,
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Time allowed for the whole request.
    pub timeout: Duration,
}

impl HttpOptions {
    /// Options for `url` with the default timeouts and no token.
    pub fn new(url: &str) -> Self {
        HttpOptions {
            url: url.to_string(),
            token: None,
            connect_timeout: CONNECT_TIMEOUT,
            timeout: TOTAL_TIMEOUT,
        }
    }
}

impl std::fmt::Debug for HttpSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpSink")
            .field("url", &redact_url(&self.url))
            .field("token", &self.token.as_ref().map(|_| "<hidden>"))
            .finish()
    }
}

impl HttpSink {
    /// A sink posting to `options.url`.
    pub fn new(options: HttpOptions) -> Self {
        // TLS goes through ring; installing it fails only when a provider is already set.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::blocking::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .user_agent(concat!("pave/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.without_url().to_string());
        HttpSink {
            url: options.url,
            token: options.token,
            client,
        }
    }
}

impl FeedbackSink for HttpSink {
    fn send(&self, item: &Item) -> Result<Sent, SinkError> {
        let client = self
            .client
            .as_ref()
            .map_err(|e| SinkError::Refused(format!("cannot make an HTTP client: {e}")))?;
        let mut request = client.post(&self.url).json(item);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        let shown = redact_url(&self.url);
        let response = request.send().map_err(|e| {
            let why = if e.is_timeout() {
                "timed out"
            } else if e.is_connect() {
                "cannot connect"
            } else {
                "request failed"
            };
            let cause = std::error::Error::source(&e)
                .map(|s| format!(": {}", scrub(&s.to_string(), self.token.as_deref())))
                .unwrap_or_default();
            SinkError::Unavailable(format!("{shown}: {why}{cause}"))
        })?;
        let status = response.status();
        if status.is_success() {
            return Ok(Sent { to: shown });
        }
        let body = response.text().unwrap_or_default();
        let message = scrub(&server_message(&body), self.token.as_deref());
        let code = status.as_u16();
        let text = if message.is_empty() {
            format!("{shown} answered {status}")
        } else {
            format!("{shown} answered {status}: {message}")
        };
        if (400..500).contains(&code) {
            Err(SinkError::Refused(text))
        } else {
            Err(SinkError::Unavailable(text))
        }
    }

    fn describe(&self) -> String {
        redact_url(&self.url)
    }
}

/// The message of an error body: its `message` or `error` field when it is JSON, else the
/// text; one line, at most [`MESSAGE_MAX`] characters.
fn server_message(body: &str) -> String {
    let from_json = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            ["message", "error", "detail"]
                .iter()
                .find_map(|k| v.get(k).and_then(|m| m.as_str()).map(str::to_string))
        });
    let text = from_json.unwrap_or_else(|| body.to_string());
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > MESSAGE_MAX {
        let cut: String = one_line.chars().take(MESSAGE_MAX).collect();
        format!("{cut}...")
    } else {
        one_line
    }
}

/// `text` with the token, if it appears, replaced.
fn scrub(text: &str, token: Option<&str>) -> String {
    match token {
        Some(t) if !t.is_empty() => text.replace(t, "<token>"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_messages_are_read_from_json_or_text() {
        assert_eq!(
            server_message(r#"{"message":"rating must be 1-5"}"#),
            "rating must be 1-5"
        );
        assert_eq!(server_message(r#"{"error":"bad"}"#), "bad");
        assert_eq!(server_message("plain\n text"), "plain text");
        assert!(server_message(&"x".repeat(900)).len() < 520);
    }

    #[test]
    fn the_token_is_scrubbed_and_hidden_from_debug() {
        assert_eq!(scrub("echo s3cr3t", Some("s3cr3t")), "echo <token>");
        let mut options = HttpOptions::new("https://u:pw@fb.example/items");
        options.token = Some("s3cr3t".into());
        let sink = HttpSink::new(options);
        let debug = format!("{sink:?}");
        assert!(
            !debug.contains("s3cr3t") && !debug.contains("pw@"),
            "{debug}"
        );
    }
}
