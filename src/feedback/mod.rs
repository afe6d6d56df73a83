//! The feedback loop: what a developer tells the platform team about a blueprint, and how it
//! gets there. [`item`] is the model (ids, kinds, statuses, history); [`redact`] masks lines of
//! an attached diff that look like secrets and caps its size; [`sink`] is the seam to where
//! items go and the configuration that names it; [`http`] is the webhook sink and [`git`] the
//! branch-of-a-repository sink (with the platform team's status changes); [`spool`] keeps
//! every item that was not confirmed yet and the ids a submitter sent; [`report`] aggregates
//! items for the platform team (pure); [`jsonl`] reads a JSON Lines export of items;
//! [`addressed`] finds, in a newer version's changelog, the items a project sent that it
//! addresses; [`route`] picks the sink of each item and the platform team's git sink;
//! [`submit`] writes an item (masking any diff), keeps it in the spool and flushes;
//! [`replay`] rebuilds the project an item's diff describes, for `blueprint absorb --feedback`.

pub mod addressed;
pub mod git;
pub mod http;
pub mod item;
pub mod jsonl;
pub mod redact;
pub mod replay;
pub mod report;
pub mod route;
pub mod sink;
pub mod spool;
pub mod submit;

pub use item::{Author, Item, Kind, Status, StatusChange};
pub use sink::{FeedbackSink, Sent, SinkError};
