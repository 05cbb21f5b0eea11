//! Row-level SQL on one connection (or transaction): the SELECTs and their row mappings, reading
//! one conversation, operator or history, and inserting one message. The `Db` methods build on
//! these.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::store::ActionError;
use crate::model::{BlingerUser, Conversation, Message, MessageKind, Operator};

pub(super) const CONVERSATION_SELECT: &str = "SELECT c.id, c.user_id, c.operator_user_id, \
    c.from_blinger_user_id, c.to_blinger_user_id, c.from_user_name, ch.account_name, \
    c.application, c.last_message, c.unread_count, c.status, c.date_created, c.date_updated, \
    c.from_user_avatar, c.is_outgoing, c.token, c.is_new_conversation, \
    c.waiting_operator_response, c.group_id, c.is_inner_message, c.is_operator_last_message, \
    c.is_group_closed, c.type, c.unassigned_date, c.last_message_date, c.from_user_custom_name, \
    ch.id, ch.name, ch.application, ch.date_created, ch.date_updated, ch.extra_field_secret_key \
    FROM conversations c JOIN channels ch ON ch.id = c.to_blinger_user_id";

pub(super) fn conversation_from_row(r: &Row<'_>) -> rusqlite::Result<Conversation> {
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

pub(super) const OPERATOR_SELECT: &str =
    "SELECT id, user_id, owner_user_id, invite_email, conversations_token, name FROM operators";

pub(super) fn operator_from_row(r: &Row<'_>) -> rusqlite::Result<Operator> {
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

pub(super) fn owner_in(conn: &Connection) -> Result<Operator, ActionError> {
    conn.query_row(
        &format!("{OPERATOR_SELECT} WHERE is_owner = 1 ORDER BY id LIMIT 1"),
        [],
        operator_from_row,
    )
    .optional()?
    .ok_or(ActionError::OperatorNotFound)
}

pub(super) fn operator_in(conn: &Connection, id: i64) -> Result<Operator, ActionError> {
    conn.query_row(
        &format!("{OPERATOR_SELECT} WHERE id = ?1"),
        [id],
        operator_from_row,
    )
    .optional()?
    .ok_or(ActionError::OperatorNotFound)
}

pub(super) fn conversation_exists(conn: &Connection, id: i64) -> Result<(), ActionError> {
    let found: Option<i64> = conn
        .query_row("SELECT id FROM conversations WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    found.map(|_| ()).ok_or(ActionError::ConversationNotFound)
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
