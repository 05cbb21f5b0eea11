//! One async method of [`Client`] per Blinger endpoint: the conversation actions (POST) and the
//! reads (GET).

use super::exchange::{Target, encode_pairs, local_rejection};
use super::handle::{Client, ListMemo, Polled};
use crate::api::assumptions::{GET_CONVERSATION_PARAM, NOTE_TEXT_FIELD};
use crate::api::error::ApiError;
use crate::api::ids::{ConversationId, GroupId, OperatorId};
use crate::api::lists::ListName;
use crate::api::transport::{HttpResponse, Method, Transport};
use crate::api::wire::{
    Conversation, Group, HistoryMessage, Listed, Operator, decode_conversation,
    decode_conversations, decode_conversations_cached, decode_groups, decode_history,
    decode_operators, is_http_url,
};

impl<T: Transport> Client<T> {
    // ---- conversation actions (POST) --------------------------------------------------------

    /// `POST /api/conversations/start`: take the conversation into the configured operator's inbox.
    ///
    /// # Errors
    /// [`ApiError`]; e.g. `Validation` "The conversation was assigned to another operator".
    pub async fn start(&self, id: ConversationId) -> Result<Conversation, ApiError> {
        self.action("/api/conversations/start", id, Vec::new(), true)
            .await
    }

    /// `POST /api/conversations/close`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn close(&self, id: ConversationId) -> Result<Conversation, ApiError> {
        self.action("/api/conversations/close", id, Vec::new(), true)
            .await
    }

    /// `POST /api/conversations/unassign`: back to the unassigned queue.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn unassign(&self, id: ConversationId) -> Result<Conversation, ApiError> {
        self.action("/api/conversations/unassign", id, Vec::new(), true)
            .await
    }

    /// `POST /api/conversations/assign-operator` to `operator` (its `id`, not its `user_id`).
    ///
    /// # Errors
    /// [`ApiError`]; `Validation` "Operator not found" for an unknown operator.
    pub async fn assign_operator(
        &self,
        id: ConversationId,
        operator: OperatorId,
    ) -> Result<Conversation, ApiError> {
        let fields = vec![("operator_id", operator.to_string())];
        self.action("/api/conversations/assign-operator", id, fields, false)
            .await
    }

    /// `POST /api/conversations/assign-group` (fields: `conversation_id`, `group_id` only).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn assign_group(
        &self,
        id: ConversationId,
        group: GroupId,
    ) -> Result<Conversation, ApiError> {
        let form = encode_pairs(&[
            ("conversation_id", id.to_string()),
            ("group_id", group.to_string()),
        ]);
        let target = self.api_target("/api/conversations/assign-group", &[]);
        self.call(Method::Post, target, Some(form), decode_conversation)
            .await
    }

    /// `POST /api/conversations/send-message`: a text message to the client. Never retried.
    ///
    /// # Errors
    /// [`ApiError`]: use [`ApiError::outcome_unknown`] to decide whether to reconcile.
    /// An empty text is refused locally with `Validation`.
    pub async fn send_message(
        &self,
        id: ConversationId,
        text: &str,
    ) -> Result<Conversation, ApiError> {
        if text.trim().is_empty() {
            return Err(local_rejection("The message is empty."));
        }
        let fields = vec![("text", text.to_owned())];
        self.action("/api/conversations/send-message", id, fields, true)
            .await
    }

    /// `POST /api/conversations/send-file-message`: a file, by `http(s)` URL. Never retried.
    ///
    /// # Errors
    /// [`ApiError`]; a URL that is not `http(s)` is refused locally with `Validation`.
    pub async fn send_file_message(
        &self,
        id: ConversationId,
        file_url: &str,
    ) -> Result<Conversation, ApiError> {
        if !is_http_url(file_url) {
            return Err(local_rejection(
                "The file link must be an http:// or https:// URL.",
            ));
        }
        let fields = vec![("file_url", file_url.trim().to_owned())];
        self.action("/api/conversations/send-file-message", id, fields, true)
            .await
    }

    /// `POST /api/conversations/send-note`: an internal note, never shown to the client.
    ///
    /// # Errors
    /// [`ApiError`]; an empty text is refused locally with `Validation`.
    pub async fn send_note(
        &self,
        id: ConversationId,
        text: &str,
    ) -> Result<Conversation, ApiError> {
        if text.trim().is_empty() {
            return Err(local_rejection("The note is empty."));
        }
        let fields = vec![(NOTE_TEXT_FIELD, text.to_owned())];
        self.action("/api/conversations/send-note", id, fields, true)
            .await
    }

    // ---- reads (GET; retried once after a 401 when a token provider is configured) -----------

    /// `GET /api/conversations/unassigned`.
    ///
    /// # Errors
    /// [`ApiError`]; undecodable elements are skipped into [`Listed::skipped`].
    pub async fn unassigned(&self) -> Result<Listed<Conversation>, ApiError> {
        self.list(ListName::Unassigned).await
    }

    /// `GET /api/conversations/unread` (for the configured operator).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn unread(&self) -> Result<Listed<Conversation>, ApiError> {
        self.list(ListName::Unread).await
    }

    /// `GET /api/conversations/not-answered` (for the configured operator).
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn not_answered(&self) -> Result<Listed<Conversation>, ApiError> {
        self.list(ListName::NotAnswered).await
    }

    /// One of the three conversation lists.
    ///
    /// # Errors
    /// [`ApiError`]; undecodable elements are skipped into [`Listed::skipped`].
    pub async fn list(&self, name: ListName) -> Result<Listed<Conversation>, ApiError> {
        let target = self.list_target(name);
        self.call(Method::Get, target, None, decode_conversations)
            .await
    }

    /// Polls one of the three lists: [`Polled::Same`] when the answer is byte-identical to the
    /// last one decoded through `memo` (nothing is copied or decoded then). The poller keeps one
    /// memo per list for as long as it keeps what that list last answered.
    ///
    /// # Errors
    /// [`ApiError`] (and the memo is disarmed: the next answer is decoded in full).
    pub async fn poll_list(
        &self,
        name: ListName,
        memo: &ListMemo,
    ) -> Result<Polled<Listed<Conversation>>, ApiError> {
        let target = self.list_target(name);
        let decode = |resp: &HttpResponse| match memo.elements.try_borrow_mut() {
            Ok(mut cache) => decode_conversations_cached(resp, &mut cache),
            Err(_) => decode_conversations(resp),
        };
        self.call_memo(Method::Get, target, None, Some(&memo.body), decode)
            .await
    }

    fn list_target(&self, name: ListName) -> Target {
        let q = if name.per_operator() {
            self.operator_query()
        } else {
            Vec::new()
        };
        self.api_target(name.path(), &q)
    }

    /// `GET /api/conversations/get?conversation_id=…`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn get(&self, id: ConversationId) -> Result<Conversation, ApiError> {
        let q = [(GET_CONVERSATION_PARAM, id.to_string())];
        let target = self.api_target("/api/conversations/get", &q);
        self.call(Method::Get, target, None, decode_conversation)
            .await
    }

    /// `GET /api/operators/all`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn operators(&self) -> Result<Listed<Operator>, ApiError> {
        let target = self.api_target("/api/operators/all", &[]);
        self.call(Method::Get, target, None, decode_operators).await
    }

    /// `GET /api/operators/groups`.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn groups(&self) -> Result<Listed<Group>, ApiError> {
        let target = self.api_target("/api/operators/groups", &[]);
        self.call(Method::Get, target, None, decode_groups).await
    }

    /// The conversation's message history from the configured history URL (a sandbox
    /// extension; Blinger itself has none). `Ok(None)` when no history URL is configured.
    ///
    /// The token is sent only when the history URL lies under the base URL.
    ///
    /// # Errors
    /// [`ApiError`].
    pub async fn history(
        &self,
        id: ConversationId,
    ) -> Result<Option<Listed<HistoryMessage>>, ApiError> {
        let Some(target) = self.history_target(id) else {
            return Ok(None);
        };
        self.call(Method::Get, target, None, decode_history)
            .await
            .map(Some)
    }
}
