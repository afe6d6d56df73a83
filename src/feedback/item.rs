//! A feedback item: what one developer said about one blueprint version (or about a pattern
//! they did not find), with an id that is unique without coordination and sorts by time, and
//! the status the platform team gives it later (with its history: who, when, why).

use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

/// What the item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Something is wrong in the blueprint.
    Bug,
    /// Something could be better.
    Improvement,
    /// A pattern the developer needed and did not find.
    NewPattern,
    /// A question to the platform team.
    Question,
    /// What works.
    Praise,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 5] = [
        Kind::Bug,
        Kind::Improvement,
        Kind::NewPattern,
        Kind::Question,
        Kind::Praise,
    ];

    /// The name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Bug => "bug",
            Kind::Improvement => "improvement",
            Kind::NewPattern => "new-pattern",
            Kind::Question => "question",
            Kind::Praise => "praise",
        }
    }

    /// The kind named `text`, if any.
    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Where an item stands with the platform team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not looked at yet.
    Open,
    /// The team will act on it.
    Accepted,
    /// A released version answers it (`addressed_in`).
    Addressed,
    /// The team will not act on it (the history says why).
    Declined,
}

impl Status {
    /// Every status, in display order.
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Accepted,
        Status::Addressed,
        Status::Declined,
    ];

    /// The name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Accepted => "accepted",
            Status::Addressed => "addressed",
            Status::Declined => "declined",
        }
    }

    /// The status named `text`, if any.
    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Who submitted an item: the git identity of the submitter's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Author {
    /// `user.name`.
    pub name: String,
    /// `user.email`, when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Author {
    /// The identity in the user's git configuration (`user.name`, `user.email`), if it has a
    /// name.
    pub fn from_git_config() -> Option<Author> {
        let config = git2::Config::open_default().ok()?;
        let name = config.get_string("user.name").ok()?;
        if name.trim().is_empty() {
            return None;
        }
        let email = config
            .get_string("user.email")
            .ok()
            .filter(|e| !e.trim().is_empty());
        Some(Author { name, email })
    }
}

/// One status change: who made it, when, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// The new status.
    pub status: Status,
    /// Who changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Author>,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Why (a decline's reason, the version that addresses it, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A feedback item. Never holds a secret answer or a credential: the registry is recorded
/// without credentials and an attached diff went through [`crate::feedback::redact`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Unique without coordination, sortable by creation time ([`new_id`]). A resend carries
    /// the same id, so a sink can drop duplicates.
    pub id: String,
    /// What it is about.
    pub kind: Kind,
    /// 1 (poor) to 5 (great).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    /// What the submitter says.
    pub message: String,
    /// The blueprint; none for a `new-pattern` that names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blueprint: Option<String>,
    /// The blueprint's version the project was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<semver::Version>,
    /// The registry, as recorded in `.pave.yaml` (`builtin`, a URL without credentials).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// The project's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// The submitter; none when anonymous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<Author>,
    /// When it was written (RFC 3339, UTC, milliseconds).
    pub created: String,
    /// The pave version that wrote it.
    pub pave_version: String,
    /// The project's changes against its blueprint version (unified diff, secrets masked,
    /// at most [`crate::feedback::redact::DIFF_CAP`] bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// Whether the diff was cut at the cap.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub diff_truncated: bool,
    /// The project's answers as its `.pave.yaml` holds them (never a secret: secrets are not
    /// recorded there): with an attached diff, and for a `new-pattern` sent from a project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<serde_json::Map<String, serde_json::Value>>,
    /// The git remote URL of the project a `new-pattern` item was sent from, without
    /// credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_remote: Option<String>,
    /// Where it stands.
    pub status: Status,
    /// The version that addresses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addressed_in: Option<semver::Version>,
    /// Every status change after submission, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<StatusChange>,
}

impl Item {
    /// The first line of the message, at most `max` characters.
    pub fn summary(&self, max: usize) -> String {
        let line = self.message.lines().next().unwrap_or("").trim();
        if line.chars().count() <= max {
            line.to_string()
        } else {
            let cut: String = line.chars().take(max.saturating_sub(3)).collect();
            format!("{cut}...")
        }
    }
}

/// `blueprint@version`, the blueprint alone without a version, or nothing without a
/// blueprint: how an item's subject is named.
pub fn named(blueprint: &Option<String>, version: &Option<semver::Version>) -> Option<String> {
    let blueprint = blueprint.as_ref()?;
    Some(match version {
        Some(v) => format!("{blueprint}@{v}"),
        None => blueprint.clone(),
    })
}

/// Why an item cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum ItemError {
    /// The operating system gave no random bytes.
    #[error("cannot make a feedback id: no random bytes from the operating system: {0}")]
    Random(String),
    /// A rating outside 1-5.
    #[error("rating {0} is not between 1 and 5")]
    Rating(u8),
    /// An empty message.
    #[error("the feedback message is empty; say what works, what is missing or what is wrong")]
    EmptyMessage,
}

/// Checks the parts of an item a submitter gives.
pub fn check(rating: Option<u8>, message: &str) -> Result<(), ItemError> {
    if let Some(r) = rating
        && !(1..=5).contains(&r)
    {
        return Err(ItemError::Rating(r));
    }
    if message.trim().is_empty() {
        return Err(ItemError::EmptyMessage);
    }
    Ok(())
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new id: 48 bits of milliseconds since 1970 and 80 random bits, as 26 characters of
/// Crockford base32 (the ULID layout). Ids of different times sort by time.
pub fn new_id() -> Result<String, ItemError> {
    let mut random = [0u8; 10];
    getrandom::fill(&mut random).map_err(|e| ItemError::Random(e.to_string()))?;
    Ok(id_from(unix_millis(SystemTime::now()), random))
}

/// The id of `millis` and `random` (see [`new_id`]).
pub fn id_from(millis: u64, random: [u8; 10]) -> String {
    let mut value: u128 = u128::from(millis & 0xFFFF_FFFF_FFFF) << 80;
    for (i, b) in random.iter().enumerate() {
        value |= u128::from(*b) << (8 * (9 - i));
    }
    (0..26)
        .map(|i| CROCKFORD[((value >> (5 * (25 - i))) & 0x1F) as usize] as char)
        .collect()
}

/// Whether `text` has the shape of an id (26 Crockford base32 characters).
pub fn is_id(text: &str) -> bool {
    text.len() == 26 && text.bytes().all(|b| CROCKFORD.contains(&b))
}

fn unix_millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Now, as RFC 3339 in UTC with milliseconds (`2026-11-02T09:15:00.123Z`).
pub fn now_rfc3339() -> String {
    rfc3339(unix_millis(SystemTime::now()))
}

/// Milliseconds since 1970 as RFC 3339 in UTC, to the millisecond.
pub fn rfc3339(millis: u64) -> String {
    // Beyond jiff's range (the year 9999) is no time pave writes; say the last one it can.
    let ts = i64::try_from(millis)
        .ok()
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .unwrap_or(jiff::Timestamp::MAX);
    format!("{ts:.3}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_26_chars_and_sort_by_time() {
        let a = id_from(1_700_000_000_000, [0xFF; 10]);
        let b = id_from(1_700_000_000_001, [0; 10]);
        assert_eq!(a.len(), 26);
        assert!(is_id(&a) && is_id(&b));
        assert!(a < b, "{a} {b}");
        let x = new_id().unwrap();
        let y = new_id().unwrap();
        assert_ne!(x, y);
        assert!(is_id(&x));
    }

    #[test]
    fn formats_utc_times() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn checks_rating_and_message() {
        assert!(check(Some(0), "x").is_err());
        assert!(check(Some(6), "x").is_err());
        assert!(check(Some(5), " ").is_err());
        assert!(check(None, "ok").is_ok());
    }

    #[test]
    fn round_trips_json_with_kebab_kinds() {
        let item = Item {
            id: id_from(1, [1; 10]),
            kind: Kind::NewPattern,
            rating: None,
            message: "a queue worker".into(),
            blueprint: None,
            version: None,
            registry: Some("builtin".into()),
            project: None,
            author: None,
            created: rfc3339(1),
            pave_version: "0.1.0".into(),
            diff: None,
            diff_truncated: false,
            answers: None,
            project_remote: None,
            status: Status::Open,
            addressed_in: None,
            history: vec![],
        };
        let text = serde_json::to_string(&item).unwrap();
        assert!(text.contains("\"kind\":\"new-pattern\""), "{text}");
        assert!(!text.contains("diff_truncated"), "{text}");
        let back: Item = serde_json::from_str(&text).unwrap();
        assert_eq!(back, item);
        assert!(
            !text.contains("answers") && !text.contains("project_remote"),
            "{text}"
        );
    }
}
