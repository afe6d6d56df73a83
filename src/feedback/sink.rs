//! The seam to where feedback goes. A [`FeedbackSink`] sends one item and either confirms it
//! ([`Sent`]) or says why not ([`SinkError`]): try again later (the sink is unreachable, busy
//! or broken) or show the submitter (the sink refused the item). Either way the caller keeps
//! the item in the spool; only a confirmed item leaves it.

use super::item::Item;

/// Where an item goes.
pub trait FeedbackSink {
    /// Sends `item`. Sending the same item twice must not make two items: sinks key items
    /// by [`Item::id`].
    fn send(&self, item: &Item) -> Result<Sent, SinkError>;

    /// Where items go, for messages (no credentials).
    fn describe(&self) -> String;
}

/// A sink's confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// Where the item went (no credentials).
    pub to: String,
}

/// Why a sink did not take an item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SinkError {
    /// The sink could not be reached or failed on its side (connection refused, timeout,
    /// a 5xx answer): keep the item and send it later.
    #[error("{0}")]
    Unavailable(String),
    /// The sink refused the item (a 4xx answer, a sink that cannot be used as configured):
    /// show the reason; the item is kept, marked with it.
    #[error("{0}")]
    Refused(String),
}

impl SinkError {
    /// Whether sending again later may succeed without anyone changing anything.
    pub fn retry_later(&self) -> bool {
        matches!(self, SinkError::Unavailable(_))
    }

    /// The reason, for the spool and the terminal.
    pub fn reason(&self) -> &str {
        match self {
            SinkError::Unavailable(r) | SinkError::Refused(r) => r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unavailable_is_retried() {
        assert!(SinkError::Unavailable("503".into()).retry_later());
        assert!(!SinkError::Refused("400".into()).retry_later());
    }
}
