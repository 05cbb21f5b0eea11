//! Creating conversations: one row on its application's channel ([`create_conversation`], used
//! by client messages and the seed) and many at once with a first client message each
//! ([`Db::seed_bulk`], for tests and load experiments).

use rusqlite::{Connection, OptionalExtension, params};

use super::rows::{insert_message, operator_in, owner_in};
use super::store::{ActionError, Db};
use crate::channels::{APPLICATIONS, app_label};
use crate::clock::now;
use crate::model::MessageKind;
use crate::rng::Rng;

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

impl Db {
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
}
