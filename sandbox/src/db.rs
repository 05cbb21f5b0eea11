//! SQLite storage: schema migrations, queries and the conversation lifecycle.
//!
//! One `rusqlite::Connection` behind a `std::sync::Mutex`; every operation takes the lock, runs
//! one short transaction and releases it before any `.await` (the guard is never held across one).

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::channels::{APPLICATIONS, app_label};
use crate::clock::now;
use crate::model::{BlingerUser, Conversation, Group, Message, MessageKind, Operator};
use crate::rng::Rng;

/// The migrations, in order; migration `i` brings the schema to `user_version = i + 1`.
const MIGRATIONS: &[&str] = &[include_str!("../migrations/0001_init.sql")];

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

/// A lifecycle action on one conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// Take it into the operator's inbox; refused if another operator holds it.
    Start,
    /// Give it to the operator, whoever held it.
    AssignOperator,
    /// Close it.
    Close,
    /// Back to the unassigned queue.
    Unassign,
}

/// A client message to store (see [`Db::customer_message`]).
#[derive(Debug, Clone, Default)]
pub struct CustomerMessage {
    pub conversation_id: Option<i64>,
    pub text: String,
    pub from_user_name: Option<String>,
    pub application: Option<String>,
}

/// What [`Db::seed_bulk`] creates.
#[derive(Debug, Clone, Copy)]
pub struct BulkSpec<'a> {
    /// `unassigned`, `inbox` or `closed`.
    pub status: &'a str,
    /// The operator `id` holding them (for inbox/closed).
    pub operator_id: Option<i64>,
    /// `unread_count` of each (and `waiting_operator_response` when > 0).
    pub unread_count: i64,
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

const CONVERSATION_SELECT: &str = "SELECT c.id, c.user_id, c.operator_user_id, \
    c.from_blinger_user_id, c.to_blinger_user_id, c.from_user_name, ch.account_name, \
    c.application, c.last_message, c.unread_count, c.status, c.date_created, c.date_updated, \
    c.from_user_avatar, c.is_outgoing, c.token, c.is_new_conversation, \
    c.waiting_operator_response, c.group_id, c.is_inner_message, c.is_operator_last_message, \
    c.is_group_closed, c.type, c.unassigned_date, c.last_message_date, c.from_user_custom_name, \
    ch.id, ch.name, ch.application, ch.date_created, ch.date_updated, ch.extra_field_secret_key \
    FROM conversations c JOIN channels ch ON ch.id = c.to_blinger_user_id";

fn conversation_from_row(r: &Row<'_>) -> rusqlite::Result<Conversation> {
    Ok(Conversation {
        id: r.get(0)?,
        user_id: r.get(1)?,
        operator_user_id: r.get(2)?,
        from_blinger_user_id: r.get(3)?,
        to_blinger_user_id: r.get(4)?,
        from_user_name: r.get(5)?,
        to_user_name: r.get(6)?,
        application: r.get(7)?,
        last_message: r.get(8)?,
        unread_count: r.get(9)?,
        status: r.get(10)?,
        date_created: r.get(11)?,
        date_updated: r.get(12)?,
        from_user_avatar: r.get(13)?,
        is_outgoing: r.get(14)?,
        token: r.get(15)?,
        is_new_conversation: r.get(16)?,
        waiting_operator_response: r.get(17)?,
        group_id: r.get(18)?,
        is_inner_message: r.get(19)?,
        is_operator_last_message: r.get(20)?,
        is_group_closed: r.get(21)?,
        close_group: None,
        kind: r.get(22)?,
        comment_post_id: None,
        comment_post_url: None,
        comment_post_title: None,
        comment_post_img: None,
        unassigned_date: r.get(23)?,
        last_message_date: r.get(24)?,
        from_user_custom_name: r.get(25)?,
        to_blinger_user: BlingerUser {
            id: r.get(26)?,
            service_blinger_id: 1,
            blinger_user_id: r.get(26)?,
            is_active: true,
            date_updated: r.get(30)?,
            date_created: r.get(29)?,
            tags: None,
            name: r.get(27)?,
            role: "customer".to_owned(),
            avatar: None,
            application: r.get(28)?,
            service_user_id: None,
            status: "enabled".to_owned(),
            group_id: None,
            is_comments: None,
            page_url: None,
            page_title: None,
            extra_fields: None,
            extra_field_secret_key: r.get(31)?,
            custom_name: None,
        },
    })
}

const OPERATOR_SELECT: &str =
    "SELECT id, user_id, owner_user_id, invite_email, conversations_token, name FROM operators";

fn operator_from_row(r: &Row<'_>) -> rusqlite::Result<Operator> {
    Ok(Operator {
        id: r.get(0)?,
        user_id: r.get(1)?,
        owner_user_id: r.get(2)?,
        invite_email: r.get(3)?,
        conversations_token: r.get(4)?,
        name: r.get(5)?,
    })
}

fn message_from_row(r: &Row<'_>) -> rusqlite::Result<Message> {
    let kind: String = r.get(2)?;
    Ok(Message {
        id: r.get(0)?,
        conversation_id: r.get(1)?,
        kind: MessageKind::parse(&kind).unwrap_or(MessageKind::Client),
        text: r.get(3)?,
        file_url: r.get(4)?,
        operator_id: r.get(5)?,
        from_user_name: r.get(6)?,
        date_created: r.get(7)?,
    })
}

/// Reads one conversation inside a transaction or connection.
pub fn conversation_in(conn: &Connection, id: i64) -> Result<Conversation, ActionError> {
    conn.query_row(
        &format!("{CONVERSATION_SELECT} WHERE c.id = ?1"),
        [id],
        conversation_from_row,
    )
    .optional()?
    .ok_or(ActionError::ConversationNotFound)
}

/// The messages of one conversation, oldest first.
pub fn messages_in(conn: &Connection, conversation_id: i64) -> rusqlite::Result<Vec<Message>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, conversation_id, kind, text, file_url, operator_id, from_user_name, date_created \
         FROM messages WHERE conversation_id = ?1 ORDER BY date_created ASC, id ASC",
    )?;
    let rows = stmt.query_map([conversation_id], message_from_row)?;
    rows.collect()
}

/// Inserts one message row and returns it.
pub fn insert_message(
    conn: &Connection,
    conversation_id: i64,
    kind: MessageKind,
    content: &str,
    operator_id: Option<i64>,
    from_user_name: Option<&str>,
    at: i64,
) -> rusqlite::Result<Message> {
    let (text, file_url) = match kind {
        MessageKind::File => (None, Some(content.to_owned())),
        _ => (Some(content.to_owned()), None),
    };
    conn.prepare_cached(
        "INSERT INTO messages (conversation_id, kind, text, file_url, operator_id, from_user_name, date_created) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        conversation_id,
        kind.as_str(),
        text,
        file_url,
        operator_id,
        from_user_name,
        at
    ])?;
    Ok(Message {
        id: conn.last_insert_rowid(),
        conversation_id,
        kind,
        text,
        file_url,
        operator_id,
        from_user_name: from_user_name.map(str::to_owned),
        date_created: at,
    })
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

    /// One operator by `id`.
    pub fn operator(&self, id: i64) -> Result<Operator, ActionError> {
        operator_in(&self.lock(), id)
    }

    /// `operator_id` given → that operator, else the owner.
    pub fn operator_or_owner(&self, id: Option<i64>) -> Result<Operator, ActionError> {
        let conn = self.lock();
        match id {
            Some(id) => operator_in(&conn, id),
            None => owner_in(&conn),
        }
    }

    /// Every operator, by id.
    pub fn operators(&self) -> rusqlite::Result<Vec<Operator>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&format!("{OPERATOR_SELECT} ORDER BY id"))?;
        let rows = stmt.query_map([], operator_from_row)?;
        rows.collect()
    }

    /// Every group, by id.
    pub fn groups(&self) -> rusqlite::Result<Vec<Group>> {
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(
            "SELECT id, user_id, title, priority, color, is_default FROM operator_groups ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Group {
                id: r.get(0)?,
                user_id: r.get(1)?,
                title: r.get(2)?,
                priority: r.get(3)?,
                color: r.get(4)?,
                is_default: r.get(5)?,
            })
        })?;
        rows.collect()
    }

    /// One conversation.
    pub fn conversation(&self, id: i64) -> Result<Conversation, ActionError> {
        conversation_in(&self.lock(), id)
    }

    /// Its history (the conversation must exist).
    pub fn messages(&self, conversation_id: i64) -> Result<Vec<Message>, ActionError> {
        let conn = self.lock();
        conversation_exists(&conn, conversation_id)?;
        Ok(messages_in(&conn, conversation_id)?)
    }

    /// Status unassigned, newest update first, ≤ 1000.
    pub fn list_unassigned(&self) -> rusqlite::Result<Vec<Conversation>> {
        self.list("c.status = 'unassigned'", None)
    }

    /// Status inbox ∧ held by `operator_user_id` ∧ unread.
    pub fn list_unread(&self, operator_user_id: i64) -> rusqlite::Result<Vec<Conversation>> {
        self.list(
            "c.status = 'inbox' AND c.operator_user_id = ?1 AND c.unread_count > 0",
            Some(operator_user_id),
        )
    }

    /// Status inbox ∧ held by `operator_user_id` ∧ the client waits for an answer.
    pub fn list_not_answered(&self, operator_user_id: i64) -> rusqlite::Result<Vec<Conversation>> {
        self.list(
            "c.status = 'inbox' AND c.operator_user_id = ?1 AND c.waiting_operator_response = 1",
            Some(operator_user_id),
        )
    }

    fn list(
        &self,
        filter: &str,
        operator_user_id: Option<i64>,
    ) -> rusqlite::Result<Vec<Conversation>> {
        let conn = self.lock();
        let sql = format!(
            "{CONVERSATION_SELECT} WHERE {filter} ORDER BY c.date_updated DESC, c.id DESC LIMIT {}",
            crate::assumptions::LIST_LIMIT
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows: Vec<Conversation> = match operator_user_id {
            Some(id) => stmt
                .query_map([id], conversation_from_row)?
                .collect::<Result<_, _>>()?,
            None => stmt
                .query_map([], conversation_from_row)?
                .collect::<Result<_, _>>()?,
        };
        Ok(rows)
    }

    /// Applies a lifecycle transition as `operator`; returns the updated conversation.
    pub fn transition(
        &self,
        conversation_id: i64,
        operator: &Operator,
        transition: Transition,
    ) -> Result<Conversation, ActionError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let current = conversation_in(&tx, conversation_id)?;
        let now = now();
        match transition {
            Transition::Start | Transition::AssignOperator => {
                if transition == Transition::Start
                    && current.status == "inbox"
                    && current
                        .operator_user_id
                        .is_some_and(|u| u != operator.user_id)
                {
                    return Err(ActionError::AssignedToAnother);
                }
                tx.execute(
                    "UPDATE conversations SET status = 'inbox', operator_user_id = ?2, \
                     is_new_conversation = 0, date_updated = ?3 WHERE id = ?1",
                    params![conversation_id, operator.user_id, now],
                )?;
            }
            Transition::Close => {
                tx.execute(
                    "UPDATE conversations SET status = 'closed', date_updated = ?2 WHERE id = ?1",
                    params![conversation_id, now],
                )?;
            }
            Transition::Unassign => {
                tx.execute(
                    "UPDATE conversations SET status = 'unassigned', operator_user_id = NULL, \
                     unassigned_date = ?2, date_updated = ?2 WHERE id = ?1",
                    params![conversation_id, now],
                )?;
            }
        }
        let updated = conversation_in(&tx, conversation_id)?;
        tx.commit()?;
        Ok(updated)
    }

    /// Sets a conversation's group.
    pub fn assign_group(
        &self,
        conversation_id: i64,
        group_id: i64,
    ) -> Result<Conversation, ActionError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        conversation_exists(&tx, conversation_id)?;
        let group: Option<i64> = tx
            .query_row(
                "SELECT id FROM operator_groups WHERE id = ?1",
                [group_id],
                |r| r.get(0),
            )
            .optional()?;
        if group.is_none() {
            return Err(ActionError::GroupNotFound);
        }
        tx.execute(
            "UPDATE conversations SET group_id = ?2, date_updated = ?3 WHERE id = ?1",
            params![conversation_id, group_id, now()],
        )?;
        let updated = conversation_in(&tx, conversation_id)?;
        tx.commit()?;
        Ok(updated)
    }

    /// An operator's reply, file or note (see the assumptions module for the flags it sets).
    pub fn operator_send(
        &self,
        conversation_id: i64,
        operator: &Operator,
        kind: MessageKind,
        content: &str,
    ) -> Result<(Conversation, Message), ActionError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let current = conversation_in(&tx, conversation_id)?;
        if current.status == "closed" {
            return Err(ActionError::ConversationClosed);
        }
        let now = now();
        let message = insert_message(
            &tx,
            conversation_id,
            kind,
            content,
            Some(operator.id),
            None,
            now,
        )?;
        if kind == MessageKind::Note {
            tx.execute(
                "UPDATE conversations SET last_message = ?2, last_message_date = ?3, date_updated = ?3, \
                 is_inner_message = 1 WHERE id = ?1",
                params![conversation_id, content, now],
            )?;
        } else {
            tx.execute(
                "UPDATE conversations SET last_message = ?2, last_message_date = ?3, date_updated = ?3, \
                 is_inner_message = 0, is_operator_last_message = 1, waiting_operator_response = 0, \
                 unread_count = 0, is_new_conversation = 0 WHERE id = ?1",
                params![conversation_id, content, now],
            )?;
        }
        let updated = conversation_in(&tx, conversation_id)?;
        tx.commit()?;
        Ok((updated, message))
    }

    /// A client writes in: creates the conversation when `conversation_id` is absent.
    pub fn customer_message(
        &self,
        input: &CustomerMessage,
        rng: &mut Rng,
    ) -> Result<(Conversation, Message), ActionError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let now = now();
        let conversation_id = match input.conversation_id {
            Some(id) => {
                let current = conversation_in(&tx, id)?;
                if current.status == "closed" {
                    tx.execute(
                        "UPDATE conversations SET status = 'unassigned', operator_user_id = NULL, \
                         unassigned_date = ?2 WHERE id = ?1",
                        params![id, now],
                    )?;
                }
                id
            }
            None => {
                let application = input.application.as_deref().unwrap_or("livechat");
                let spec = NewConversation {
                    application,
                    from_user_name: input.from_user_name.as_deref(),
                    from_user_custom_name: None,
                    status: "unassigned",
                    operator_user_id: None,
                    at: now,
                };
                create_conversation(&tx, &spec, rng)?
            }
        };
        let name: Option<String> = tx.query_row(
            "SELECT from_user_name FROM conversations WHERE id = ?1",
            [conversation_id],
            |r| r.get(0),
        )?;
        let message = insert_message(
            &tx,
            conversation_id,
            MessageKind::Client,
            &input.text,
            None,
            name.as_deref(),
            now,
        )?;
        tx.execute(
            "UPDATE conversations SET unread_count = unread_count + 1, waiting_operator_response = 1, \
             is_operator_last_message = 0, is_inner_message = 0, last_message = ?2, \
             last_message_date = ?3, date_updated = ?3 WHERE id = ?1",
            params![conversation_id, input.text, now],
        )?;
        let updated = conversation_in(&tx, conversation_id)?;
        tx.commit()?;
        Ok((updated, message))
    }

    /// Inserts `n` conversations with one client message each, in one transaction (tests and
    /// load experiments). Returns the ids created.
    pub fn seed_bulk(
        &self,
        n: usize,
        spec: BulkSpec<'_>,
        rng: &mut Rng,
    ) -> Result<Vec<i64>, ActionError> {
        let mut conn = self.lock();
        let tx = conn.transaction()?;
        let operator_user_id = match spec.operator_id {
            Some(id) => Some(operator_in(&tx, id)?.user_id),
            None => None,
        };
        let now = now();
        let mut ids = Vec::with_capacity(n);
        for i in 0..n {
            let at = now - i64::try_from(i % 5000).unwrap_or(0);
            let new = NewConversation {
                application: APPLICATIONS
                    .get(i % APPLICATIONS.len())
                    .copied()
                    .unwrap_or("livechat"),
                from_user_name: Some(&format!("Bulk client {i}")),
                from_user_custom_name: None,
                status: spec.status,
                operator_user_id,
                at,
            };
            let id = create_conversation(&tx, &new, rng)?;
            let text = format!("Bulk message {i}");
            insert_message(
                &tx,
                id,
                MessageKind::Client,
                &text,
                None,
                new.from_user_name,
                at,
            )?;
            tx.execute(
                "UPDATE conversations SET unread_count = ?2, waiting_operator_response = ?3, \
                 last_message = ?4, last_message_date = ?5, is_inner_message = 0 WHERE id = ?1",
                params![id, spec.unread_count, spec.unread_count > 0, text, at],
            )?;
            ids.push(id);
        }
        tx.commit()?;
        Ok(ids)
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

    /// Ids of conversations that are not closed (the simulator picks from them).
    pub fn open_conversation_ids(&self) -> rusqlite::Result<Vec<i64>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached("SELECT id FROM conversations WHERE status != 'closed' ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect()
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

fn owner_in(conn: &Connection) -> Result<Operator, ActionError> {
    conn.query_row(
        &format!("{OPERATOR_SELECT} WHERE is_owner = 1 ORDER BY id LIMIT 1"),
        [],
        operator_from_row,
    )
    .optional()?
    .ok_or(ActionError::OperatorNotFound)
}

fn operator_in(conn: &Connection, id: i64) -> Result<Operator, ActionError> {
    conn.query_row(
        &format!("{OPERATOR_SELECT} WHERE id = ?1"),
        [id],
        operator_from_row,
    )
    .optional()?
    .ok_or(ActionError::OperatorNotFound)
}

fn conversation_exists(conn: &Connection, id: i64) -> Result<(), ActionError> {
    let found: Option<i64> = conn
        .query_row("SELECT id FROM conversations WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    found.map(|_| ()).ok_or(ActionError::ConversationNotFound)
}

/// A conversation to create (without messages: the caller adds them and the derived flags).
#[derive(Debug, Clone)]
pub struct NewConversation<'a> {
    pub application: &'a str,
    pub from_user_name: Option<&'a str>,
    pub from_user_custom_name: Option<&'a str>,
    pub status: &'a str,
    pub operator_user_id: Option<i64>,
    pub at: i64,
}

/// Inserts a conversation row for `spec` on the application's channel; returns its id.
pub fn create_conversation(
    conn: &Connection,
    spec: &NewConversation<'_>,
    rng: &mut Rng,
) -> Result<i64, ActionError> {
    let channel: Option<i64> = conn
        .prepare_cached("SELECT id FROM channels WHERE application = ?1")?
        .query_row([spec.application], |r| r.get(0))
        .optional()?;
    let channel =
        channel.ok_or_else(|| ActionError::UnknownApplication(spec.application.to_owned()))?;
    let owner = owner_in(conn)?;
    let default_group: Option<i64> = conn
        .prepare_cached("SELECT id FROM operator_groups WHERE is_default = 1 ORDER BY id LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    let from_blinger_user_id: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(from_blinger_user_id), 5000) + 1 FROM conversations")?
        .query_row([], |r| r.get(0))?;
    let name = match spec.from_user_name {
        Some(name) => name.to_owned(),
        None => format!(
            "{} client #{from_blinger_user_id}",
            app_label(spec.application)
        ),
    };
    let unassigned_date = (spec.status == "unassigned").then_some(spec.at);
    conn.prepare_cached(
        "INSERT INTO conversations (user_id, operator_user_id, from_blinger_user_id, to_blinger_user_id, \
         from_user_name, from_user_custom_name, application, status, date_created, date_updated, token, \
         is_new_conversation, group_id, is_inner_message, unassigned_date) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, 0, ?13)",
    )?
    .execute(params![
        owner.user_id,
        spec.operator_user_id,
        from_blinger_user_id,
        channel,
        name,
        spec.from_user_custom_name,
        spec.application,
        spec.status,
        spec.at,
        rng.token(64),
        spec.status == "unassigned",
        default_group,
        unassigned_date,
    ])?;
    Ok(conn.last_insert_rowid())
}
