//! The gateway's storage behind one small async trait, so the backend is chosen from `--db` at
//! start (`Arc<dyn Store>`) and the handlers never name it: SQLite for one process ([`sqlite`]),
//! Postgres for several replicas on one database ([`postgres`], which also keeps the shared
//! change log the event streams read). What a store keeps: the webhook queue (events as received, processed in
//! order, kept for a while) and the message history with its dedupe rule
//! ([`crate::assumptions`], "each message once"), which every backend implements the same way.

pub mod postgres;
pub mod sqlite;

use std::sync::Arc;

use async_trait::async_trait;
use blinger_api::{HistoryMessage, MessageKind};

/// A store failure (the handlers answer 503; the details go to the log).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("store: {0}")]
pub struct StoreError(pub String);

/// A message to add to the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// The conversation.
    pub conversation_id: u64,
    /// client, message, file or note.
    pub kind: MessageKind,
    /// Text (not for files).
    pub text: Option<String>,
    /// File URL (files).
    pub file_url: Option<String>,
    /// The operator who wrote it.
    pub operator_id: Option<u64>,
    /// The client's name (client messages).
    pub from_user_name: Option<String>,
    /// Unix seconds.
    pub date_created: i64,
}

/// A message a webhook delivered, with its dedupe key (`id:<n>` or `hash:<hex>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedMessage {
    /// The message.
    pub message: NewMessage,
    /// Unique within the conversation.
    pub key: String,
}

/// A webhook event waiting in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedEvent {
    /// Queue order.
    pub id: i64,
    /// The body as received.
    pub payload: String,
    /// When it was acknowledged (Unix seconds).
    pub received_at: i64,
    /// Processing attempts so far.
    pub attempts: i64,
}

/// Where an accepted event goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Known: to be processed.
    Pending,
    /// Unknown name: kept for debugging only.
    Ignored,
}

impl Disposition {
    /// Its `webhook_events.state` value (both schemas).
    #[must_use]
    pub fn state(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Ignored => "ignored",
        }
    }
}

/// Ids and counts as the databases store them (signed 64-bit), saturating.
pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// A stored id back (a negative one, which the gateway never writes, reads as 0).
pub(crate) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Now, in the stores' Unix seconds.
pub(crate) fn now_secs() -> i64 {
    to_i64(crate::auth::unix_now())
}

/// The storage the gateway needs. Every method is one transaction.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Whether the store answers (`/healthz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Writes an accepted webhook event durably; returns its queue id. The webhook is
    /// acknowledged only after this returns.
    async fn enqueue_event(
        &self,
        event: String,
        payload: String,
        disposition: Disposition,
        now: i64,
    ) -> Result<i64, StoreError>;

    /// The oldest pending events.
    async fn pending_events(&self, limit: usize) -> Result<Vec<QueuedEvent>, StoreError>;

    /// Adds the event's messages to the history (each once) and marks it done, atomically.
    /// Returns how many history entries were added or matched to a send.
    async fn complete_event(
        &self,
        id: i64,
        messages: Vec<KeyedMessage>,
    ) -> Result<usize, StoreError>;

    /// Records a failed attempt; after `max_attempts` the event is kept as failed.
    async fn fail_event(&self, id: i64, error: String, max_attempts: i64)
    -> Result<(), StoreError>;

    /// Records a send that Blinger accepted (once, also when its webhook came first). Returns
    /// whether it added an entry (false: it matched one a webhook had delivered).
    async fn record_send(&self, message: NewMessage) -> Result<bool, StoreError>;

    /// A conversation's history, by `date_created` then `id` (empty when never seen).
    async fn history(&self, conversation_id: u64) -> Result<Vec<HistoryMessage>, StoreError>;

    /// Deletes processed events beyond the retention bounds; returns how many.
    async fn prune_events(&self, now: i64) -> Result<usize, StoreError>;

    /// Gives back events taken by [`Self::pending_events`] and not processed (the worker
    /// stopped early), so any replica may take them at once. Nothing to do for a store that
    /// does not claim events.
    async fn release_events(&self, ids: Vec<i64>) -> Result<(), StoreError> {
        let _ = ids;
        Ok(())
    }
}

/// A store, shared.
pub type SharedStore = Arc<dyn Store>;

/// Which backend `--db` names.
#[derive(Clone, PartialEq, Eq)]
pub enum DbUrl {
    /// `sqlite://PATH`
    SqliteFile(String),
    /// `sqlite::memory:`
    SqliteMemory,
    /// `postgres://…` / `postgresql://…` (a libpq connection URL; checked when parsed).
    Postgres(String),
}

impl std::fmt::Debug for DbUrl {
    /// Never the Postgres URL itself: it may hold a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SqliteFile(path) => f.debug_tuple("SqliteFile").field(path).finish(),
            Self::SqliteMemory => f.write_str("SqliteMemory"),
            Self::Postgres(_) => f.write_str("Postgres(..)"),
        }
    }
}

impl std::str::FromStr for DbUrl {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "sqlite::memory:" {
            return Ok(Self::SqliteMemory);
        }
        if let Some(path) = s.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("--db sqlite:// needs a file path".to_owned());
            }
            return Ok(Self::SqliteFile(path.to_owned()));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            // The parser's message names the part that is wrong, never the password.
            return match s.parse::<tokio_postgres::Config>() {
                Ok(_) => Ok(Self::Postgres(s.to_owned())),
                Err(e) => Err(format!("--db: not a usable postgres:// URL: {e}")),
            };
        }
        // Only the scheme: the rest of a mistyped URL may hold a password.
        let scheme = s.split_once("://").map_or("(none)", |(scheme, _)| scheme);
        Err(format!(
            "--db must be sqlite://PATH, sqlite::memory: or postgres://…, got the scheme {scheme:?}"
        ))
    }
}

/// Opens the store `url` names and runs its migrations.
///
/// # Errors
/// When it cannot be opened or migrated.
pub async fn open(url: &DbUrl) -> Result<Opened, StoreError> {
    match url {
        DbUrl::SqliteFile(path) => Ok(Opened::Local(sqlite::SqliteStore::open(Some(path)).await?)),
        DbUrl::SqliteMemory => Ok(Opened::Local(sqlite::SqliteStore::open(None).await?)),
        DbUrl::Postgres(url) => Ok(Opened::Shared(Box::new(
            postgres::PgStore::open(url).await?,
        ))),
    }
}

/// An opened store: one process's, or one shared by replicas (which also holds the change log).
#[derive(Debug)]
pub enum Opened {
    /// SQLite: changes are numbered in process.
    Local(sqlite::SqliteStore),
    /// Postgres: changes are numbered and relayed by the database.
    Shared(Box<postgres::PgStore>),
}
