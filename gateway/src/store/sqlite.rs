//! The SQLite store: one file (or memory), WAL, `synchronous=FULL` (an acknowledged webhook
//! survives a crash or power loss), migrations from `migrations/` at open. rusqlite is blocking,
//! so every call runs on tokio's blocking pool against one connection.

use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use blinger_api::{ConversationId, HistoryMessage, MessageKind, OperatorId};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{
    Disposition, KeyedMessage, NewMessage, QueuedEvent, Store, StoreError, now_secs, to_i64, to_u64,
};
use crate::assumptions::{
    SEND_MATCH_WINDOW_SECS, WEBHOOK_RETENTION_EVENTS, WEBHOOK_RETENTION_SECS,
};

/// The schema, in order; `PRAGMA user_version` is how many are applied.
const MIGRATIONS: &[&str] = &[include_str!("../../migrations/sqlite/0001_init.sql")];

/// The SQLite backend.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteStore(..)")
    }
}

fn err(e: impl std::fmt::Display) -> StoreError {
    StoreError(e.to_string())
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (n, sql) in MIGRATIONS.iter().enumerate() {
        let n = i64::try_from(n).unwrap_or(i64::MAX);
        if n < version {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", n + 1)?;
        tx.commit()?;
    }
    Ok(())
}

impl SqliteStore {
    /// Opens `path` (`None`: in memory), sets WAL and runs the migrations.
    ///
    /// # Errors
    /// When the file cannot be opened or migrated.
    pub async fn open(path: Option<&str>) -> Result<Self, StoreError> {
        let path = path.map(str::to_owned);
        let conn = tokio::task::spawn_blocking(move || -> rusqlite::Result<Connection> {
            let mut conn = match path {
                Some(p) => Connection::open(p)?,
                None => Connection::open_in_memory()?,
            };
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            migrate(&mut conn)?;
            Ok(conn)
        })
        .await
        .map_err(err)?
        .map_err(err)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(PoisonError::into_inner);
            f(&mut guard)
        })
        .await
        .map_err(err)?
        .map_err(err)
    }
}

/// The content two entries are compared on (besides kind, conversation and operator).
fn content(m: &NewMessage) -> (String, String) {
    (
        m.text.clone().unwrap_or_default(),
        m.file_url.clone().unwrap_or_default(),
    )
}

/// Adds one webhook message unless its key is known; a matching unkeyed send becomes it.
fn add_keyed(tx: &Transaction<'_>, k: &KeyedMessage, now: i64) -> rusqlite::Result<bool> {
    let m = &k.message;
    let conversation = to_i64(m.conversation_id);
    let known: Option<i64> = tx
        .prepare_cached("SELECT id FROM messages WHERE conversation_id = ?1 AND external_key = ?2")?
        .query_row(params![conversation, k.key], |r| r.get(0))
        .optional()?;
    if known.is_some() {
        return Ok(false);
    }
    let (text, file_url) = content(m);
    let operator = m.operator_id.map(to_i64);
    let send: Option<i64> = tx
        .prepare_cached(
            "SELECT id FROM messages WHERE conversation_id = ?1 AND external_key IS NULL \
             AND from_send = 1 AND kind = ?2 AND COALESCE(text, '') = ?3 \
             AND COALESCE(file_url, '') = ?4 AND (?5 IS NULL OR operator_id = ?5) \
             AND ABS(date_created - ?6) <= ?7 ORDER BY date_created, id LIMIT 1",
        )?
        .query_row(
            params![
                conversation,
                m.kind.as_str(),
                text,
                file_url,
                operator,
                m.date_created,
                SEND_MATCH_WINDOW_SECS
            ],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = send {
        tx.prepare_cached(
            "UPDATE messages SET external_key = ?2, date_created = ?3, \
             from_user_name = COALESCE(from_user_name, ?4) WHERE id = ?1",
        )?
        .execute(params![id, k.key, m.date_created, m.from_user_name])?;
        return Ok(true);
    }
    insert(tx, m, Some(&k.key), false, now)?;
    Ok(true)
}

fn insert(
    tx: &Connection,
    m: &NewMessage,
    key: Option<&str>,
    from_send: bool,
    now: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO messages (conversation_id, kind, text, file_url, operator_id, from_user_name, \
         date_created, external_key, from_send, recorded_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        to_i64(m.conversation_id),
        m.kind.as_str(),
        m.text,
        m.file_url,
        m.operator_id.map(to_i64),
        m.from_user_name,
        m.date_created,
        key,
        from_send,
        now,
    ])?;
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.run(|c| {
            c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))
                .map(|_| ())
        })
        .await
    }

    async fn enqueue_event(
        &self,
        event: String,
        payload: String,
        disposition: Disposition,
        now: i64,
    ) -> Result<i64, StoreError> {
        let state = disposition.state();
        self.run(move |c| {
            c.prepare_cached(
                "INSERT INTO webhook_events (received_at, event, payload, state) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![now, event, payload, state])?;
            Ok(c.last_insert_rowid())
        })
        .await
    }

    async fn pending_events(&self, limit: usize) -> Result<Vec<QueuedEvent>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.run(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, payload, received_at, attempts FROM webhook_events \
                 WHERE state = 'pending' ORDER BY id LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                Ok(QueuedEvent {
                    id: r.get(0)?,
                    payload: r.get(1)?,
                    received_at: r.get(2)?,
                    attempts: r.get(3)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    async fn complete_event(
        &self,
        id: i64,
        messages: Vec<KeyedMessage>,
    ) -> Result<usize, StoreError> {
        self.run(move |c| {
            let tx = c.transaction()?;
            let now = now_secs();
            let mut added = 0;
            for m in &messages {
                if add_keyed(&tx, m, now)? {
                    added += 1;
                }
            }
            tx.execute(
                "UPDATE webhook_events SET state = 'done', attempts = attempts + 1, error = NULL WHERE id = ?1",
                [id],
            )?;
            tx.commit()?;
            Ok(added)
        })
        .await
    }

    async fn fail_event(
        &self,
        id: i64,
        error: String,
        max_attempts: i64,
    ) -> Result<(), StoreError> {
        self.run(move |c| {
            c.execute(
                "UPDATE webhook_events SET attempts = attempts + 1, error = ?2, \
                 state = CASE WHEN attempts + 1 >= ?3 THEN 'failed' ELSE state END WHERE id = ?1",
                params![id, error, max_attempts],
            )?;
            Ok(())
        })
        .await
    }

    async fn record_send(&self, message: NewMessage) -> Result<bool, StoreError> {
        self.run(move |c| {
            let tx = c.transaction()?;
            let (text, file_url) = content(&message);
            let operator = message.operator_id.map(to_i64);
            let delivered: Option<i64> = tx
                .prepare_cached(
                    "SELECT id FROM messages WHERE conversation_id = ?1 AND external_key IS NOT NULL \
                     AND from_send = 0 AND kind = ?2 AND COALESCE(text, '') = ?3 \
                     AND COALESCE(file_url, '') = ?4 AND (operator_id IS NULL OR operator_id = ?5) \
                     AND ABS(date_created - ?6) <= ?7 ORDER BY date_created, id LIMIT 1",
                )?
                .query_row(
                    params![
                        to_i64(message.conversation_id),
                        message.kind.as_str(),
                        text,
                        file_url,
                        operator,
                        message.date_created,
                        SEND_MATCH_WINDOW_SECS
                    ],
                    |r| r.get(0),
                )
                .optional()?;
            let added = match delivered {
                Some(id) => {
                    tx.execute(
                        "UPDATE messages SET from_send = 1, operator_id = COALESCE(operator_id, ?2) WHERE id = ?1",
                        params![id, operator],
                    )?;
                    false
                }
                None => {
                    insert(&tx, &message, None, true, now_secs())?;
                    true
                }
            };
            tx.commit()?;
            Ok(added)
        })
        .await
    }

    async fn history(&self, conversation_id: u64) -> Result<Vec<HistoryMessage>, StoreError> {
        self.run(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, conversation_id, kind, text, file_url, operator_id, from_user_name, date_created \
                 FROM messages WHERE conversation_id = ?1 ORDER BY date_created, id",
            )?;
            let rows = stmt.query_map([to_i64(conversation_id)], |r| {
                Ok(HistoryMessage {
                    id: to_u64(r.get(0)?),
                    conversation_id: ConversationId(to_u64(r.get(1)?)),
                    kind: MessageKind::parse(&r.get::<_, String>(2)?),
                    text: r.get(3)?,
                    file_url: r.get(4)?,
                    operator_id: r.get::<_, Option<i64>>(5)?.map(|v| OperatorId(to_u64(v))),
                    from_user_name: r.get(6)?,
                    date_created: r.get(7)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    async fn prune_events(&self, now: i64) -> Result<usize, StoreError> {
        self.run(move |c| {
            c.execute(
                "DELETE FROM webhook_events WHERE state != 'pending' AND (received_at < ?1 OR id <= \
                 (SELECT id FROM webhook_events ORDER BY id DESC LIMIT 1 OFFSET ?2))",
                params![now - WEBHOOK_RETENTION_SECS, WEBHOOK_RETENTION_EVENTS],
            )
        })
        .await
    }
}

// The dedupe rule is checked against this store and the Postgres one alike:
// `gateway/tests/postgres.rs`, `keeps_each_message_once`.
