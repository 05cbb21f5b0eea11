//! The Postgres store, for several gateway replicas on one database: a connection pool
//! (deadpool), the migrations under an advisory lock (replicas may start at once), webhook events
//! claimed with a lease (`FOR UPDATE SKIP LOCKED`, so two replicas never process one event at the
//! same time and a crashed replica's claim runs out), history writes serialized per conversation
//! (the dedupe rule holds when a send on one replica and its webhook on another meet), and the
//! change log every replica's event streams read ([`changes`]).

pub mod changes;
mod migrate;

use async_trait::async_trait;
use blinger_api::{ConversationId, HistoryMessage, MessageKind, OperatorId};
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::{NoTls, Row};

use super::{
    Disposition, KeyedMessage, NewMessage, QueuedEvent, Store, StoreError, now_secs, to_i64, to_u64,
};
use crate::assumptions::{
    EVENT_REPLAY_WINDOW, PG_CONNECT_TIMEOUT, PG_POOL_SIZE, SEND_MATCH_WINDOW_SECS,
    WEBHOOK_CLAIM_SECS, WEBHOOK_RETENTION_EVENTS, WEBHOOK_RETENTION_SECS,
};

/// The Postgres backend.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    config: tokio_postgres::Config,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgStore(..)")
    }
}

/// A driver error as the log shows it: the server's message when there is one (the driver's
/// own `Display` of a server error is only "db error").
pub(crate) fn err(e: impl Into<PgError>) -> StoreError {
    StoreError(e.into().0)
}

/// Any failure of the driver or the pool, as text.
pub(crate) struct PgError(String);

impl From<tokio_postgres::Error> for PgError {
    fn from(e: tokio_postgres::Error) -> Self {
        Self(match e.as_db_error() {
            Some(db) => format!("postgres: {}", db.message()),
            None => format!("postgres: {e}"),
        })
    }
}

impl From<deadpool_postgres::PoolError> for PgError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            other => Self(format!("postgres pool: {other}")),
        }
    }
}

impl PgStore {
    /// Connects to `url`, runs the migrations (one replica at a time) and keeps a pool.
    ///
    /// # Errors
    /// When the database cannot be reached or migrated.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let mut config: tokio_postgres::Config =
            url.parse().map_err(|e| StoreError(format!("--db: {e}")))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(PG_CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("blinger-gateway");
        }
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(PG_POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(PG_CONNECT_TIMEOUT))
            .create_timeout(Some(PG_CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError(format!("postgres pool: {e}")))?;
        let store = Self { pool, config };
        let mut client = store.pool.get().await.map_err(err)?;
        migrate::run(&mut client).await?;
        Ok(store)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(err)
    }
}

fn event(r: &Row) -> QueuedEvent {
    QueuedEvent {
        id: r.get(0),
        payload: r.get(1),
        received_at: r.get(2),
        attempts: r.get(3),
    }
}

/// Serializes history writes to one conversation until the transaction ends.
async fn lock_conversation(tx: &impl GenericClient, conversation: i64) -> Result<(), StoreError> {
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended('blinger-gateway:conversation', $1))",
        &[&conversation],
    )
    .await
    .map_err(err)?;
    Ok(())
}

async fn insert(
    tx: &impl GenericClient,
    m: &NewMessage,
    key: Option<&str>,
    from_send: bool,
) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO messages (conversation_id, kind, text, file_url, operator_id, from_user_name, \
         date_created, external_key, from_send, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &to_i64(m.conversation_id),
            &m.kind.as_str(),
            &m.text,
            &m.file_url,
            &m.operator_id.map(to_i64),
            &m.from_user_name,
            &m.date_created,
            &key,
            &from_send,
            &now_secs(),
        ],
    )
    .await
    .map_err(err)?;
    Ok(())
}

/// Adds one webhook message unless its key is known; a matching unkeyed send becomes it (the
/// rule of [`crate::assumptions`], "each message once", as in the SQLite store).
async fn add_keyed(tx: &impl GenericClient, k: &KeyedMessage) -> Result<bool, StoreError> {
    let m = &k.message;
    let conversation = to_i64(m.conversation_id);
    let known = tx
        .query_opt(
            "SELECT id FROM messages WHERE conversation_id = $1 AND external_key = $2",
            &[&conversation, &k.key],
        )
        .await
        .map_err(err)?;
    if known.is_some() {
        return Ok(false);
    }
    let send = tx
        .query_opt(
            "SELECT id FROM messages WHERE conversation_id = $1 AND external_key IS NULL \
             AND from_send AND kind = $2 AND COALESCE(text, '') = $3 \
             AND COALESCE(file_url, '') = $4 AND ($5::BIGINT IS NULL OR operator_id = $5) \
             AND ABS(date_created - $6) <= $7 ORDER BY date_created, id LIMIT 1",
            &[
                &conversation,
                &m.kind.as_str(),
                &m.text.as_deref().unwrap_or_default(),
                &m.file_url.as_deref().unwrap_or_default(),
                &m.operator_id.map(to_i64),
                &m.date_created,
                &SEND_MATCH_WINDOW_SECS,
            ],
        )
        .await
        .map_err(err)?;
    if let Some(row) = send {
        let id: i64 = row.get(0);
        tx.execute(
            "UPDATE messages SET external_key = $2, date_created = $3, \
             from_user_name = COALESCE(from_user_name, $4) WHERE id = $1",
            &[&id, &k.key, &m.date_created, &m.from_user_name],
        )
        .await
        .map_err(err)?;
        return Ok(true);
    }
    insert(tx, m, Some(&k.key), false).await?;
    Ok(true)
}

#[async_trait]
impl Store for PgStore {
    async fn ping(&self) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute("SELECT 1", &[])
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn enqueue_event(
        &self,
        event: String,
        payload: String,
        disposition: Disposition,
        now: i64,
    ) -> Result<i64, StoreError> {
        let state = disposition.state();
        let row = self
            .client()
            .await?
            .query_one(
                "INSERT INTO webhook_events (received_at, event, payload, state) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &[&now, &event, &payload, &state],
            )
            .await
            .map_err(err)?;
        Ok(row.get(0))
    }

    async fn pending_events(&self, limit: usize) -> Result<Vec<QueuedEvent>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // The database's clock, not the replica's: leases compare across replicas.
        let rows = self
            .client()
            .await?
            .query(
                "WITH now AS (SELECT EXTRACT(EPOCH FROM now())::BIGINT AS t) \
                 UPDATE webhook_events SET claimed_until = (SELECT t FROM now) + $2 WHERE id IN ( \
                   SELECT id FROM webhook_events WHERE state = 'pending' \
                   AND (claimed_until IS NULL OR claimed_until < (SELECT t FROM now)) \
                   ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED) \
                 RETURNING id, payload, received_at, attempts",
                &[&limit, &WEBHOOK_CLAIM_SECS],
            )
            .await
            .map_err(err)?;
        let mut events: Vec<QueuedEvent> = rows.iter().map(event).collect();
        events.sort_by_key(|e| e.id);
        Ok(events)
    }

    async fn complete_event(
        &self,
        id: i64,
        messages: Vec<KeyedMessage>,
    ) -> Result<usize, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(err)?;
        let mut conversations: Vec<i64> = messages
            .iter()
            .map(|m| to_i64(m.message.conversation_id))
            .collect();
        // Always in the same order, so two transactions never wait for each other's locks.
        conversations.sort_unstable();
        conversations.dedup();
        for c in conversations {
            lock_conversation(&tx, c).await?;
        }
        let mut added = 0;
        for m in &messages {
            if add_keyed(&tx, m).await? {
                added += 1;
            }
        }
        tx.execute(
            "UPDATE webhook_events SET state = 'done', attempts = attempts + 1, error = NULL, \
             claimed_until = NULL WHERE id = $1",
            &[&id],
        )
        .await
        .map_err(err)?;
        tx.commit().await.map_err(err)?;
        Ok(added)
    }

    async fn fail_event(
        &self,
        id: i64,
        error: String,
        max_attempts: i64,
    ) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "UPDATE webhook_events SET attempts = attempts + 1, error = $2, claimed_until = NULL, \
                 state = CASE WHEN attempts + 1 >= $3 THEN 'failed' ELSE state END \
                 WHERE id = $1 AND state = 'pending'",
                &[&id, &error, &max_attempts],
            )
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn record_send(&self, message: NewMessage) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(err)?;
        let conversation = to_i64(message.conversation_id);
        lock_conversation(&tx, conversation).await?;
        let operator = message.operator_id.map(to_i64);
        let delivered = tx
            .query_opt(
                "SELECT id FROM messages WHERE conversation_id = $1 AND external_key IS NOT NULL \
                 AND NOT from_send AND kind = $2 AND COALESCE(text, '') = $3 \
                 AND COALESCE(file_url, '') = $4 AND (operator_id IS NULL OR operator_id = $5) \
                 AND ABS(date_created - $6) <= $7 ORDER BY date_created, id LIMIT 1",
                &[
                    &conversation,
                    &message.kind.as_str(),
                    &message.text.as_deref().unwrap_or_default(),
                    &message.file_url.as_deref().unwrap_or_default(),
                    &operator,
                    &message.date_created,
                    &SEND_MATCH_WINDOW_SECS,
                ],
            )
            .await
            .map_err(err)?;
        let added = match delivered {
            Some(row) => {
                let id: i64 = row.get(0);
                tx.execute(
                    "UPDATE messages SET from_send = TRUE, operator_id = COALESCE(operator_id, $2) \
                     WHERE id = $1",
                    &[&id, &operator],
                )
                .await
                .map_err(err)?;
                false
            }
            None => {
                insert(&tx, &message, None, true).await?;
                true
            }
        };
        tx.commit().await.map_err(err)?;
        Ok(added)
    }

    async fn history(&self, conversation_id: u64) -> Result<Vec<HistoryMessage>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT id, conversation_id, kind, text, file_url, operator_id, from_user_name, \
                 date_created FROM messages WHERE conversation_id = $1 ORDER BY date_created, id",
                &[&to_i64(conversation_id)],
            )
            .await
            .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| HistoryMessage {
                id: to_u64(r.get(0)),
                conversation_id: ConversationId(to_u64(r.get(1))),
                kind: MessageKind::parse(r.get::<_, &str>(2)),
                text: r.get(3),
                file_url: r.get(4),
                operator_id: r.get::<_, Option<i64>>(5).map(|v| OperatorId(to_u64(v))),
                from_user_name: r.get(6),
                date_created: r.get(7),
            })
            .collect())
    }

    async fn prune_events(&self, now: i64) -> Result<usize, StoreError> {
        let client = self.client().await?;
        let events = client
            .execute(
                "DELETE FROM webhook_events WHERE state != 'pending' AND (received_at < $1 OR id <= \
                 (SELECT id FROM webhook_events ORDER BY id DESC LIMIT 1 OFFSET $2))",
                &[&(now - WEBHOOK_RETENTION_SECS), &WEBHOOK_RETENTION_EVENTS],
            )
            .await
            .map_err(err)?;
        // The change log keeps what a replica loads for replay at start, and no more.
        client
            .execute(
                "DELETE FROM changes WHERE seq <= (SELECT seq FROM change_log) - $1",
                &[&i64::try_from(EVENT_REPLAY_WINDOW).unwrap_or(i64::MAX)],
            )
            .await
            .map_err(err)?;
        Ok(usize::try_from(events).unwrap_or(usize::MAX))
    }

    async fn release_events(&self, ids: Vec<i64>) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        self.client()
            .await?
            .execute(
                "UPDATE webhook_events SET claimed_until = NULL \
                 WHERE id = ANY($1) AND state = 'pending'",
                &[&ids],
            )
            .await
            .map_err(err)?;
        Ok(())
    }
}
