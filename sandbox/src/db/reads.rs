//! Read-only queries: operators, groups, one conversation, its history, the three conversation
//! lists (newest update first, capped at [`crate::assumptions::LIST_LIMIT`]) and the ids the
//! simulator picks from.

use super::rows::{
    CONVERSATION_SELECT, OPERATOR_SELECT, conversation_exists, conversation_from_row,
    conversation_in, messages_in, operator_from_row, operator_in, owner_in,
};
use super::store::{ActionError, Db};
use crate::model::{Conversation, Group, Message, Operator};

impl Db {
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

    /// Ids of conversations that are not closed (the simulator picks from them).
    pub fn open_conversation_ids(&self) -> rusqlite::Result<Vec<i64>> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached("SELECT id FROM conversations WHERE status != 'closed' ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect()
    }
}
