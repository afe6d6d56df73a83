//! Registry URLs: taking credentials out of them ([`redact_url`], the one function every URL
//! goes through before it is shown or stored), keeping those credentials apart for the one
//! operation that may use them ([`RemoteUrl`]), and naming a registry's cache entry after its
//! URL ([`cache_key`]).
//!
//! Supported forms are the ones git knows: `scheme://[user[:password]@]host[:port]/path`
//! (https, http, ssh, git, file), scp-like `[user@]host:path`, and local paths.

/// A URL as given by the user, split into what may be shown and what must not.
///
/// `Debug` is implemented by hand so the password never shows up in a debug print either.
#[derive(Clone, PartialEq, Eq)]
pub struct RemoteUrl {
    clean: String,
    username: Option<String>,
    password: Option<String>,
}

impl std::fmt::Debug for RemoteUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RemoteUrl")
            .field("clean", &self.clean)
            .field("username", &self.username.as_ref().map(|_| "<redacted>"))
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl RemoteUrl {
    /// Splits `url` into its credential-free form and the credentials it carried.
    pub fn parse(url: &str) -> Self {
        let url = url.trim();
        if let Some((scheme, rest)) = url.split_once("://") {
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(authority_end);
            if let Some(at) = authority.rfind('@') {
                let (userinfo, host) = (&authority[..at], &authority[at + 1..]);
                let (raw_user, password) = match userinfo.split_once(':') {
                    Some((u, p)) => (u, Some(p)),
                    None => (userinfo, None),
                };
                let user = (!raw_user.is_empty()).then(|| percent_decode(raw_user));
                let clean = if is_ssh_scheme(scheme) && user.is_some() {
                    // An ssh user name (`git@`) selects the account; it is not a secret.
                    format!("{scheme}://{raw_user}@{host}{tail}")
                } else {
                    format!("{scheme}://{host}{tail}")
                };
                return RemoteUrl {
                    clean,
                    username: user,
                    password: password.map(percent_decode),
                };
            }
        } else if is_scp_like(url)
            && let Some((userinfo, rest)) = url.split_once('@')
        {
            // `user@host:path`: scp syntax has no password, but a `user:secret@` still goes.
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p.to_string())),
                None => (userinfo, None),
            };
            return RemoteUrl {
                clean: format!("{user}@{rest}"),
                username: Some(user.to_string()),
                password,
            };
        }
        RemoteUrl {
            clean: url.to_string(),
            username: None,
            password: None,
        }
    }

    /// The URL without credentials: what is shown, stored, recorded and handed to git.
    pub fn clean(&self) -> &str {
        &self.clean
    }

    /// The user name the URL carried, if any (kept in [`Self::clean`] for ssh URLs only).
    pub fn username(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// The password or token the URL carried, if any. Never shown; used once to authenticate.
    pub fn password(&self) -> Option<&str> {
        self.password.as_deref()
    }

    /// Whether the URL carried credentials that [`Self::clean`] dropped.
    pub fn had_credentials(&self) -> bool {
        self.password.is_some() || (self.username.is_some() && !self.clean.contains('@'))
    }

    /// Whether this is an ssh URL (`ssh://...` or scp-like `host:path`).
    pub fn is_ssh(&self) -> bool {
        match self.clean.split_once("://") {
            Some((scheme, _)) => is_ssh_scheme(scheme),
            None => is_scp_like(&self.clean),
        }
    }
}

/// The URL with any password or token removed, for messages, files and cache names.
///
/// `https://user:token@host/x.git` becomes `https://host/x.git` (a user name alone can be a
/// token on https, so it goes too); `ssh://git:pw@host/x.git` becomes `ssh://git@host/x.git`.
pub fn redact_url(url: &str) -> String {
    RemoteUrl::parse(url).clean
}

/// Replaces every occurrence of `url`'s secrets in `text`, for messages that come from
/// elsewhere (git, a server) and might quote the URL they were given.
pub fn scrub(text: &str, url: &RemoteUrl) -> String {
    let mut out = text.to_string();
    for secret in [url.password.as_deref(), url.username.as_deref()]
        .into_iter()
        .flatten()
    {
        // A bare user name on ssh is not secret, and short strings would mangle the text.
        if secret.len() >= 4 && !(url.is_ssh() && Some(secret) == url.username.as_deref()) {
            out = out.replace(secret, "***");
        }
    }
    out
}

/// The name of a registry's cache entry: a readable slug of the URL's last segment plus a
/// hash of the credential-free URL, so one repository has one entry whatever token was used.
pub fn cache_key(url: &str) -> String {
    let clean = redact_url(url);
    let normalized = clean.trim_end_matches('/');
    let last = normalized
        .rsplit(['/', ':'])
        .find(|s| !s.is_empty())
        .unwrap_or("registry");
    let last = last.strip_suffix(".git").unwrap_or(last);
    let mut slug: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(40)
        .collect();
    if slug.is_empty() || slug.starts_with('.') {
        slug = String::from("registry");
    }
    let hash = git2::Oid::hash_object(git2::ObjectType::Blob, normalized.as_bytes())
        .map(|oid| oid.to_string())
        .unwrap_or_else(|_| fallback_hash(normalized));
    format!("{slug}-{}", &hash[..16])
}

/// FNV-1a, used only if libgit2 cannot hash (it always can; this keeps the function total).
fn fallback_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Whether `text` is a URL or path rather than a registry name (names have neither `/` nor `:`).
pub fn looks_like_url(text: &str) -> bool {
    text.contains('/') || text.contains(':') || text.contains('\\') || text.starts_with('.')
}

fn is_ssh_scheme(scheme: &str) -> bool {
    matches!(
        scheme.to_ascii_lowercase().as_str(),
        "ssh" | "git+ssh" | "ssh+git"
    )
}

/// git's rule: a `:` before any `/` makes `host:path` an scp-like ssh address.
fn is_scp_like(url: &str) -> bool {
    match (url.find(':'), url.find('/')) {
        (Some(colon), Some(slash)) => colon < slash && colon > 0,
        (Some(colon), None) => colon > 0,
        _ => false,
    }
}

/// `text` with its `%XX` escapes decoded (invalid escapes are kept as they are).
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_every_form() {
        let cases = [
            (
                "https://user:secret-token@127.0.0.1:1/x.git",
                "https://127.0.0.1:1/x.git",
            ),
            (
                "https://ghp_token@github.example/o/r",
                "https://github.example/o/r",
            ),
            ("https://host/o/r.git", "https://host/o/r.git"),
            ("ssh://git:pw@host/o/r.git", "ssh://git@host/o/r.git"),
            ("ssh://git@host/o/r.git", "ssh://git@host/o/r.git"),
            ("git@host:o/r.git", "git@host:o/r.git"),
            ("git:pw@host:o/r.git", "git@host:o/r.git"),
            ("file:///srv/reg.git", "file:///srv/reg.git"),
            ("file://u:p@/srv/reg.git", "file:///srv/reg.git"),
            ("/srv/reg.git", "/srv/reg.git"),
            ("git://127.0.0.1:9418/reg", "git://127.0.0.1:9418/reg"),
            ("https://a:b@host?x=1", "https://host?x=1"),
        ];
        for (input, want) in cases {
            assert_eq!(redact_url(input), want, "{input}");
        }
    }

    #[test]
    fn keeps_credentials_apart() {
        let url = RemoteUrl::parse("https://me:to%40ken@host/x.git");
        assert_eq!(url.clean(), "https://host/x.git");
        assert_eq!(url.username(), Some("me"));
        assert_eq!(url.password(), Some("to@ken"));
        assert!(url.had_credentials());
        assert!(!format!("{url:?}").contains("to@ken"));
        assert!(!RemoteUrl::parse("ssh://git@host/x").had_credentials());
        assert!(RemoteUrl::parse("git@host:x").is_ssh());
        assert!(!RemoteUrl::parse("/srv/x").is_ssh());
    }

    #[test]
    fn scrubs_secrets_from_foreign_text() {
        let url = RemoteUrl::parse("https://me:secret-token@host/x.git");
        assert_eq!(
            scrub("failed for https://me:secret-token@host", &url),
            "failed for https://me:***@host"
        );
    }

    #[test]
    fn cache_keys_ignore_credentials() {
        let a = cache_key("https://u:one@host/team/blueprints.git");
        let b = cache_key("https://u:two@host/team/blueprints.git/");
        assert_eq!(a, b);
        assert!(a.starts_with("blueprints-"), "{a}");
        assert_ne!(a, cache_key("https://host/other/blueprints.git"));
        assert!(!cache_key("/").is_empty());
    }

    #[test]
    fn tells_urls_from_names() {
        assert!(looks_like_url("https://x/y"));
        assert!(looks_like_url("git@h:x"));
        assert!(looks_like_url("/srv/x"));
        assert!(!looks_like_url("acme"));
    }
}
