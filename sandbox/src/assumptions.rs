//! Every choice the sandbox makes where Blinger's public docs are silent, in one place.
//!
//! The contract (`shared/blinger-api.md`) tags what it knows as [DOC]/[EX]; everything below is
//! **[ASSUMED]** and may change when the real API says otherwise. `sandbox/README.md` repeats this
//! list for people who do not read code. The texts of the error messages live here too, so a test
//! and the server can never disagree about them.
//!
//! ## Identity
//! - Operators have an `id` (what `operator_id` means in requests and in the sandbox message
//!   history) and a `user_id` (what a conversation's `operator_user_id` holds). The seed makes them
//!   differ on purpose: owner = operator 1 / user 1001, then 2 / 1002, 3 / 1003, …
//! - `operator_id` omitted (or empty) = the account owner. A conversation's `user_id` is the owner's
//!   `user_id`.
//!
//! ## Lifecycle
//! - `start` on an unassigned or closed conversation puts it in the acting operator's inbox; on a
//!   conversation already in the same operator's inbox it is a no-op that answers 200; on one in
//!   another operator's inbox it is refused with [`ASSIGNED_TO_ANOTHER`].
//! - `assign-operator` always (re)assigns, also over another operator and also reopening a closed
//!   conversation. `operator_id` is required there.
//! - `close` works from any status and keeps `operator_user_id`; `unassign` works from any status,
//!   clears `operator_user_id` and sets `unassigned_date`.
//! - `assign-group` only sets `group_id` (status and operator unchanged) and fires no webhook.
//! - `start` / `assign-operator` clear `is_new_conversation`; nothing else changes on them except
//!   `date_updated`.
//!
//! ## Messages
//! - Sending (reply, file or note) into a **closed** conversation is refused with
//!   [`CONVERSATION_CLOSED`]; sending into an unassigned one is allowed and does not assign it.
//! - A reply or a file sets `last_message` (the text, or the file URL), `last_message_date`,
//!   `date_updated`, `is_operator_last_message = true`, `waiting_operator_response = false`,
//!   `is_inner_message = false`, `is_new_conversation = false` and `unread_count = 0` (the operator
//!   has read what they answer).
//! - A note sets `last_message` to the note's text, `last_message_date`, `date_updated` and
//!   `is_inner_message = true`; it leaves `is_operator_last_message`, `waiting_operator_response`
//!   and `unread_count` alone (the client never sees a note, so it answers nothing). No webhook.
//! - `get` does **not** clear `unread_count` (reading is not an action in the API).
//! - Empty or whitespace-only `text` is refused with a field error; `file_url` must be an absolute
//!   `http`/`https` URL.
//! - "Not answered" = status inbox ∧ operator matches ∧ `waiting_operator_response` (the last
//!   message the client can see is the client's: notes do not answer). "Unread" = status inbox ∧
//!   operator matches ∧ `unread_count > 0`.
//!
//! ## Client messages (`POST /sandbox/customer-message`)
//! - Without `conversation_id` a new conversation is created: status unassigned, application
//!   default `livechat` (one of [`crate::channels::APPLICATIONS`]), name default `"<App> client #N"`,
//!   `is_new_conversation = true`, the default group.
//! - With `conversation_id`: a closed conversation goes back to **unassigned** (operator cleared,
//!   `unassigned_date` set); unassigned stays unassigned; inbox stays with its operator.
//!   `from_user_name` and `application` are ignored for an existing conversation.
//! - Either way: `unread_count += 1`, `waiting_operator_response = true`,
//!   `is_operator_last_message = false`, `is_inner_message = false`, `last_message*` and
//!   `date_updated` = now. Fires `on_incoming_message` unless `disable_webhook=1`.
//!
//! ## Transport
//! - POST bodies may be form-urlencoded, multipart or JSON (object). A body with no `Content-Type`
//!   is read as form-urlencoded. Any other type → 415. Integers may be strings (`"12"`); JSON
//!   `null` counts as absent. `disable_webhook` accepts 0/1 (or `true`/`false`).
//! - Bodies over [`MAX_BODY_BYTES`] → 413 (the rest of the body is drained so the client reads
//!   the answer).
//! - Unknown conversation/operator/group → 400 with [`CONVERSATION_NOT_FOUND`] /
//!   [`OPERATOR_NOT_FOUND`] / [`GROUP_NOT_FOUND`] (Blinger shows 400 for "Operator not found").
//! - Wrong token → 401 [`INVALID_TOKEN`]; missing or empty → 401 [`EMPTY_TOKEN`].
//! - Unknown route → 404, wrong method → 405, both in the error envelope.
//!
//! ## Webhooks
//! - `start`/`assign-operator` → `on_conversation_assigned` (+ `operator{id,name,email}`);
//!   `unassign` → `on_conversation_unassigned`; `close` → `on_conversation_closed` (+ `messages[]`);
//!   reply/file → `on_outgoing_message` (+ `message`); client message → `on_incoming_message`
//!   (+ `message`). Notes and `assign-group` fire nothing.
//!
//! ## Sandbox extensions
//! - `/sandbox/faults` and `/sandbox/requests` need no token (they exist only with `--faults` and
//!   only answer loopback peers). Faults and request counts use the *canonical* path: a request to
//!   `/proxy/api/x` counts and faults as `/api/x`.
//! - Seeding happens only on a database with no operators: `--seed empty` creates the account
//!   (operators, groups, channels) without conversations; `--seed demo` (the default) adds the demo
//!   conversations. A non-empty database is never seeded again.

/// Largest accepted request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Largest body we read (and discard) after the limit was exceeded, so the client gets the 413.
pub const MAX_DRAIN_BYTES: usize = 64 * 1024 * 1024;
/// Lists return at most this many conversations [DOC].
pub const LIST_LIMIT: i64 = 1000;

/// [DOC] missing token.
pub const EMPTY_TOKEN: &str = "Empty token";
/// Wrong token.
pub const INVALID_TOKEN: &str =
    "Invalid token: the Authentication header does not match this account";
/// [EX] `start` on a conversation another operator holds.
pub const ASSIGNED_TO_ANOTHER: &str = "The conversation was assigned to another operator";
/// [EX] unknown operator.
pub const OPERATOR_NOT_FOUND: &str = "Operator not found";
/// Unknown conversation.
pub const CONVERSATION_NOT_FOUND: &str = "Conversation not found";
/// Unknown group.
pub const GROUP_NOT_FOUND: &str = "Group not found";
/// Sending into a closed conversation.
pub const CONVERSATION_CLOSED: &str = "The conversation is closed";

/// The Content-Security-Policy sent with every response (tune it here only).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' http: https: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
