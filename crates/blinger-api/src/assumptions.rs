//! Every point where `blinger-api.md` says **\[ASSUMED]**, kept in one place so it can change when
//! the real API says otherwise. The rest of `api` refers to these items instead of repeating them.

/// Header that carries the token: this exact name, the raw token, no `Bearer` prefix. \[DOC]
pub const AUTH_HEADER: &str = "Authentication";

/// POST bodies are sent as `application/x-www-form-urlencoded`. \[ASSUMED: the docs list typed
/// fields but not their encoding.]
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// GET parameters (`conversation_id` for `get`, `operator_id` for `unread` / `not-answered`) go in
/// the query string. \[ASSUMED]
pub const GET_PARAMS_IN_QUERY: bool = true;

/// `unread` and `not-answered` take the operator as `operator_id` in the query. \[ASSUMED] Without
/// it the server answers for the account owner.
pub const LIST_OPERATOR_PARAM: &str = "operator_id";

/// `get` takes the conversation as `conversation_id` in the query. \[ASSUMED]
pub const GET_CONVERSATION_PARAM: &str = "conversation_id";

/// `send-note` takes its text as `text`, like `send-message`. \[ASSUMED]
pub const NOTE_TEXT_FIELD: &str = "text";

/// Every action (`unassign`, `assign-*`, `send-*`), not only `start`/`close`, answers with the
/// conversation object in `data`. \[ASSUMED: only `start` and `close` are shown.]
pub const ACTIONS_RETURN_CONVERSATION: bool = true;

/// List endpoints answer with an array of conversations in `data`, at most this many, newest
/// `date_updated` first. \[DOC for the limit; ASSUMED for the shape]
pub const LIST_LIMIT: usize = 1000;

/// The HTTP status matches the envelope's `status`; when they disagree under HTTP 2xx, the
/// envelope's error wins (an error envelope under HTTP 200 is an error). \[ASSUMED]
pub const ENVELOPE_STATUS_WINS_UNDER_2XX: bool = true;

/// A zero `operator_user_id` or `group_id` means "none" (some servers write 0 instead of null).
/// \[ASSUMED]
pub const ZERO_ID_MEANS_NONE: bool = true;

/// Timestamps are integer Unix seconds. \[EX]
pub const TIMESTAMPS_ARE_UNIX_SECONDS: bool = true;

/// A note (`send-note`) also updates the conversation's `last_message` (with `is_inner_message`
/// true), so a note's send can be reconciled against `get` like a reply. \[ASSUMED]
pub const NOTE_UPDATES_LAST_MESSAGE: bool = true;

/// A file message (`send-file-message`) shows up in `last_message` as its `file_url`. \[ASSUMED]
pub const FILE_SHOWS_URL_AS_LAST_MESSAGE: bool = true;

/// Message history is not part of Blinger's API. The sandbox's extension answers
/// `GET /sandbox/conversations/{id}/messages` with
/// `{"status":200,"data":[{"id","conversation_id","kind":"client"|"message"|"file"|"note",
/// "text","file_url","operator_id","from_user_name","date_created"}]}`; the widget uses it only when
/// configured with a history URL template containing this placeholder.
pub const HISTORY_ID_PLACEHOLDER: &str = "{id}";

/// The token is sent to a history URL only when that URL lies under the configured base URL, so a
/// history template pointing elsewhere never receives the account's token. \[our rule]
pub const HISTORY_TOKEN_ONLY_UNDER_BASE_URL: bool = true;

/// `Retry-After` is read as whole seconds (the HTTP-date form is ignored). \[ASSUMED: Blinger does
/// not document rate limiting at all.]
pub const RETRY_AFTER_SECONDS_ONLY: bool = true;
