//! The database handle: one SQLite connection behind a mutex, opened with the pending schema
//! migrations applied, and the error every storage action can fail with.
//!
//! Every operation takes the lock, runs one short transaction and releases it before any
//! `.await` (the guard is never held across one).

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::Connection;

/// The migrations, in order; migration `i` brings the schema to `user_version = i + 1`.
const MIGRATIONS: &[&str] = &[include_str!("../../migrations/0001_init.sql")];

/// Why an action could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("conversation not found")]
    ConversationNotFound,
    #[error("operator not found")]
    OperatorNotFound,
    #[error("group not found")]
    GroupNotFound,
    #[error("the conversation was assigned to another operator")]
    AssignedToAnother,
    #[error("the conversation is closed")]
    ConversationClosed,
    #[error("unknown application {0:?}")]
    UnknownApplication(String),
    #[error("storage: {0}")]
    Db(#[from] rusqlite::Error),
}

/// The database.
pub struct Db {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Db")
    }
}

impl Db {
    /// Opens (creating if needed) the database at `path` (`:memory:` for a private in-memory one)
    /// and applies the pending migrations.
    pub fn open(path: &str) -> rusqlite::Result<Self> {
        let mut conn = if path == ":memory:" {
            Connection::open_in_memory()?
        } else {
            Connection::open(path)?
        };
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", true)?;
        migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }

    /// The connection, held briefly (a poisoned lock is still usable: SQLite rolled back).
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> rusqlite::Result<i64> {
        self.lock()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
    }

    /// Runs `f` in one transaction (seeding).
    pub fn with_transaction<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, ActionError>,
    ) -> Result<T, ActionError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (version, sql) in (1_i64..).zip(MIGRATIONS) {
        if version <= current {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}
