//! The change log shared by every replica: the database numbers each change (one row holds the
//! epoch and the last number; taking the next one locks it until commit, so numbers commit in
//! order), keeps the recent ones for replay, and NOTIFYs in the same statement. Each replica runs
//! one relay: a dedicated connection that LISTENs, feeds the changes in order into its
//! [`Broadcast`] (and so into its event streams) and drops what its cache holds for them. After a
//! lost connection the relay connects again with backoff, LISTENs first and then reads what it
//! missed from the table, so nothing falls between; a hole longer than the table keeps becomes a
//! `resync` on every stream.

use std::sync::Arc;

use async_trait::async_trait;
use deadpool_postgres::Pool;
use futures_util::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_postgres::{AsyncMessage, Client, NoTls};

use super::{PgError, PgStore, err};
use crate::assumptions::{PG_LISTEN_CHECK, PG_RECONNECT_MAX, PG_RECONNECT_MIN};
use crate::events::{Broadcast, Change, ChangeSink};
use crate::logging::LogSink;
use crate::store::StoreError;
use crate::store::{now_secs, to_i64, to_u64};

/// The NOTIFY channel; the payload is `SEQ:CONVERSATION`.
const CHANNEL: &str = "blinger_gateway_changes";

/// Numbers a change in the database and notifies every replica.
#[derive(Clone)]
pub struct PgChanges {
    pool: Pool,
}

impl std::fmt::Debug for PgChanges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PgChanges(..)")
    }
}

#[async_trait]
impl ChangeSink for PgChanges {
    async fn changed(&self, conversation_id: u64) -> Result<(), String> {
        let client = self.pool.get().await.map_err(|e| err(e).0)?;
        client
            .execute(
                "WITH next AS (UPDATE change_log SET seq = seq + 1 RETURNING seq), \
                 added AS (INSERT INTO changes (seq, conversation_id, at) \
                   SELECT seq, $1, $2 FROM next RETURNING seq) \
                 SELECT pg_notify($3, seq::TEXT || ':' || $1::TEXT) FROM added",
                &[&to_i64(conversation_id), &now_secs(), &CHANNEL],
            )
            .await
            .map_err(|e| err(e).0)?;
        Ok(())
    }
}

impl PgStore {
    /// The change sink for this database.
    #[must_use]
    pub fn changes(&self) -> PgChanges {
        PgChanges {
            pool: self.pool.clone(),
        }
    }

    /// The log as it stands: a [`Broadcast`] with the database's epoch, its last number and the
    /// most recent `window` changes, so a stream resuming on this replica after a restart (or on
    /// a replica it never saw) is replayed from where it was.
    ///
    /// # Errors
    /// When the database does not answer.
    pub async fn broadcast(&self, window: usize, buffer: usize) -> Result<Broadcast, StoreError> {
        let client = self.client().await?;
        let head = client
            .query_one("SELECT epoch, seq FROM change_log", &[])
            .await
            .map_err(err)?;
        let (epoch, seq): (i64, i64) = (head.get(0), head.get(1));
        let window = i64::try_from(window).unwrap_or(i64::MAX);
        let recent = client
            .query(
                "SELECT seq, conversation_id FROM changes WHERE seq > $1 AND seq <= $2 ORDER BY seq",
                &[&seq.saturating_sub(window), &seq],
            )
            .await
            .map_err(err)?;
        let recent: Vec<Change> = recent.iter().map(change).collect();
        Ok(Broadcast::resumed(
            to_u64(epoch),
            to_u64(seq),
            &recent,
            usize::try_from(window).unwrap_or(usize::MAX),
            buffer,
        ))
    }

    /// Starts this replica's relay (until `stop`); `touched` is told each conversation that
    /// changed (to drop what the cache holds for it).
    pub fn spawn_relay(
        &self,
        broadcast: Arc<Broadcast>,
        touched: Arc<dyn Fn(u64) + Send + Sync>,
        log: LogSink,
        stop: watch::Receiver<bool>,
    ) -> JoinHandle<()> {
        let mut config = self.config.clone();
        // Its own name, so an operator can tell the LISTEN connection in pg_stat_activity.
        config.application_name("blinger-gateway-relay");
        let relay = Relay {
            config,
            broadcast,
            touched,
            log,
            stop,
        };
        tokio::spawn(relay.run())
    }
}

fn change(r: &tokio_postgres::Row) -> Change {
    Change {
        seq: to_u64(r.get(0)),
        conversation_id: to_u64(r.get(1)),
    }
}

struct Relay {
    config: tokio_postgres::Config,
    broadcast: Arc<Broadcast>,
    touched: Arc<dyn Fn(u64) + Send + Sync>,
    log: LogSink,
    stop: watch::Receiver<bool>,
}

/// Why one connection's relaying ended.
enum Ended {
    /// Shutdown.
    Stopped,
    /// The connection failed (after working when `was_up`).
    Lost { error: PgError, was_up: bool },
}

impl Relay {
    async fn run(mut self) {
        let mut backoff = PG_RECONNECT_MIN;
        loop {
            match self.listen().await {
                Ended::Stopped => return,
                Ended::Lost { error, was_up } => {
                    if was_up {
                        backoff = PG_RECONNECT_MIN;
                    }
                    (self.log)(&format!(
                        "change relay: {}; listening again in {} ms",
                        error.0,
                        backoff.as_millis()
                    ));
                }
            }
            tokio::select! {
                () = tokio::time::sleep(backoff) => {}
                _ = self.stop.changed() => return,
            }
            backoff = backoff.saturating_mul(2).min(PG_RECONNECT_MAX);
        }
    }

    /// One connection: LISTEN, catch up, then relay until it fails or the gateway stops.
    async fn listen(&mut self) -> Ended {
        let lost = |error: PgError, was_up| Ended::Lost { error, was_up };
        let (client, mut connection) = match self.config.connect(NoTls).await {
            Ok(pair) => pair,
            Err(e) => return lost(e.into(), false),
        };
        let (tx, mut notes) = mpsc::unbounded_channel::<Result<String, PgError>>();
        // The connection is driven here; notifications arrive between the query answers.
        let driver = tokio::spawn(async move {
            let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(message) = messages.next().await {
                let item = match message {
                    Ok(AsyncMessage::Notification(n)) => Ok(n.payload().to_owned()),
                    Ok(_) => continue,
                    Err(e) => Err(e.into()),
                };
                let failed = item.is_err();
                if tx.send(item).is_err() || failed {
                    return;
                }
            }
        });
        let _abort = AbortOnDrop(driver);
        if let Err(e) = client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
            return lost(e.into(), false);
        }
        // After LISTEN: anything committed before it is in the table, anything after is notified.
        if let Err(e) = self.catch_up(&client).await {
            return lost(e, false);
        }
        let mut check = tokio::time::interval(PG_LISTEN_CHECK);
        check.reset();
        loop {
            tokio::select! {
                _ = self.stop.changed() => return Ended::Stopped,
                note = notes.recv() => match note {
                    None => return lost(PgError("the connection closed".to_owned()), true),
                    Some(Err(e)) => return lost(e, true),
                    Some(Ok(payload)) => {
                        let next = self.broadcast.position().seq.saturating_add(1);
                        match parse(&payload) {
                            Some(c) if c.seq < next => {}
                            Some(c) if c.seq == next => self.publish(c),
                            // Out of order or unreadable: the table is the truth.
                            _ => if let Err(e) = self.catch_up(&client).await {
                                return lost(e, true);
                            },
                        }
                    }
                },
                _ = check.tick() => {
                    // A half-open connection sends no error; a query finds it.
                    let alive = tokio::time::timeout(PG_LISTEN_CHECK, client.simple_query("SELECT 1"));
                    match alive.await {
                        Ok(Ok(_)) => {}
                        Ok(Err(e)) => return lost(e.into(), true),
                        Err(_) => return lost(PgError("the database stopped answering".to_owned()), true),
                    }
                }
            }
        }
    }

    /// Reads every change after this replica's position, in order.
    async fn catch_up(&self, client: &Client) -> Result<(), PgError> {
        loop {
            let after = to_i64(self.broadcast.position().seq);
            let rows = client
                .query(
                    "SELECT seq, conversation_id FROM changes WHERE seq > $1 ORDER BY seq LIMIT 1000",
                    &[&after],
                )
                .await?;
            for row in &rows {
                self.publish(change(row));
            }
            if rows.len() < 1000 {
                return Ok(());
            }
        }
    }

    fn publish(&self, c: Change) {
        // The cache first: a stream's reader that refetches at once must not get the old answer.
        if c.seq > self.broadcast.position().seq {
            (self.touched)(c.conversation_id);
        }
        self.broadcast.publish(c);
    }
}

/// `SEQ:CONVERSATION`.
fn parse(payload: &str) -> Option<Change> {
    let (seq, conversation) = payload.split_once(':')?;
    Some(Change {
        seq: seq.parse().ok()?,
        conversation_id: conversation.parse().ok()?,
    })
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
