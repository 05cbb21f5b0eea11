//! Writes that change a conversation's state: start / assign-operator / close / unassign,
//! assign-group, an operator's reply, file or note, and a client writing in (see
//! [`crate::assumptions`] for the flags each one sets).

use rusqlite::{OptionalExtension, params};

use super::create::{NewConversation, create_conversation};
use super::rows::{conversation_exists, conversation_in, insert_message};
use super::store::{ActionError, Db};
use crate::clock::now;
use crate::model::{Conversation, Message, MessageKind, Operator};
use crate::rng::Rng;

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

impl Db {
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
}
