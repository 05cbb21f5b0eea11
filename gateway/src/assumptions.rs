//! Every choice the gateway makes where GATEWAY.md and Blinger's docs are silent, in one place,
//! so it can change when the real API (or the spec) says otherwise. The rest of the crate refers
//! to these items instead of repeating them.
//!
//! ## Requests and the policy
//! - Only the documented endpoints are forwarded ([`crate::policy::Endpoint`]); any other
//!   `/api/...` path answers 404 without reaching Blinger, so no undocumented endpoint can bypass
//!   the policy.
//! - The policy *adds* `operator_id` only where Blinger reads it (the actions, the sends and the
//!   `unread` / `not-answered` lists). On `unassigned`, `get` and the operator lists it is only
//!   *checked* (present and not the caller's → 403) and never added, so every operator's poll of
//!   `unassigned` is one coalescable request.
//! - A repeated `operator_id` (`operator_id=2&operator_id=3`) is refused unless every value is
//!   the caller's (or the caller is a supervisor); one value is forwarded.
//! - A POST's query string is checked like its body and then not forwarded: Blinger's parameters
//!   of a POST are in its body, and a server that merged the two could otherwise act as someone
//!   else.
//! - A POST body is forwarded in the encoding it came in (form, multipart text fields, JSON
//!   object). A multipart field that is not UTF-8 → 400.
//!
//! ## Answers
//! - An upstream answer that is not JSON (an nginx HTML page, a truncated body) cannot be checked
//!   for secrets, so it is never passed on: it becomes a 502 envelope naming the upstream status.
//! - Upstream `Retry-After` is passed on; other upstream headers are not.
//!
//! ## History: each message once (the dedupe key)
//! Blinger's send answers carry the conversation, not the message, so a send through the gateway
//! has no Blinger message id; its webhook (and `on_conversation_closed`'s `messages[]`) has one.
//! - A message from a webhook is keyed by Blinger's message `id` within its conversation
//!   (`id:<n>`); without an `id`, by a hash of kind, text, file URL, operator and time
//!   (`hash:<hex>`). A key already stored is a redelivery: nothing is added.
//! - A send recorded by the gateway is stored without a key. A webhook message with a new key
//!   first looks for such an unmatched send in the same conversation with the same kind, content
//!   and operator, recorded within [`SEND_MATCH_WINDOW_SECS`] of the message's time: if one exists
//!   it *becomes* that message (gets its key and Blinger's time) instead of a new entry.
//! - Symmetrically, a send first looks for a webhook message of the same conversation, kind,
//!   content and operator within the window that no send has claimed yet, and claims it instead
//!   of adding an entry. So a send and its webhook are one entry in either order, and two
//!   identical sends are two entries.
//! - Kinds from webhooks: `is_inner` true or `type` `note` → note; an `on_incoming_*` event or
//!   `type` `client` (or, in `messages[]`, no operator and a client sender) → client; otherwise
//!   `type` `file` or a `file_url` without text → file; else message.
//! - Event names Blinger does not show are ours: `on_incoming_message`, `on_outgoing_message`,
//!   `on_incoming_comment`, `on_outgoing_comment`, `on_new_client` (the sandbox sends the same);
//!   a message is in `message` (or `comment`).
//!
//! ## Webhook queue
//! - Every accepted event (known or not) is written to the store before the 200, with its payload
//!   as received; processed events are kept for debugging up to [`WEBHOOK_RETENTION_EVENTS`]
//!   events and [`WEBHOOK_RETENTION_SECS`], whichever keeps fewer.
//! - An event whose processing fails is retried with the next wake-up, at most
//!   [`WEBHOOK_MAX_ATTEMPTS`] times, then kept as failed.

use std::time::Duration;

/// Largest request body (browser or webhook): 1 MiB (GATEWAY.md).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Largest body read and discarded past the limit, so the client reads the 413.
pub const MAX_DRAIN_BYTES: usize = 64 * 1024 * 1024;
/// No upstream answer within this → 504 (GATEWAY.md).
pub const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(15);
/// Requests waiting for an upstream slot beyond this many → 503 + `Retry-After`.
pub const UPSTREAM_QUEUE: usize = 64;
/// The longest a request waits for an upstream slot before 503.
pub const UPSTREAM_QUEUE_WAIT: Duration = Duration::from_secs(10);
/// `Retry-After` (seconds) of the 503 for a full queue.
pub const QUEUE_FULL_RETRY_AFTER_SECS: u64 = 1;
/// A send and a webhook message match when their times are at most this far apart.
pub const SEND_MATCH_WINDOW_SECS: i64 = 300;
/// Processed webhook events kept for debugging (by count).
pub const WEBHOOK_RETENTION_EVENTS: i64 = 10_000;
/// Processed webhook events kept for debugging (by age).
pub const WEBHOOK_RETENTION_SECS: i64 = 7 * 86_400;
/// Processing attempts per webhook event.
pub const WEBHOOK_MAX_ATTEMPTS: i64 = 5;
/// Leeway on `exp` (clock skew between the app minting JWTs and the gateway).
pub const JWT_LEEWAY_SECS: u64 = 5;
/// Shortest accepted JWT secret (GATEWAY.md).
pub const MIN_JWT_SECRET_BYTES: usize = 32;
/// Lifetime of a `--dev-login` token.
pub const DEV_TOKEN_TTL_SECS: u64 = 12 * 3600;
/// The Content-Security-Policy of every answer: the sandbox's, so an app served by either
/// behaves the same (a test compares the two).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' http: https: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
/// Changes kept for `Last-Event-ID` replay on `GET /gateway/events` (GATEWAY.md leaves the
/// window open): a client away for longer than this many changes is told to resync.
pub const EVENT_REPLAY_WINDOW: usize = 4096;
/// Changes one event stream may fall behind before it gets `event: resync` (and skips ahead):
/// a slow client never holds the others back.
pub const EVENT_STREAM_BUFFER: usize = 256;
/// A comment line this often keeps proxies and the browser from closing an idle stream.
pub const EVENT_HEARTBEAT: Duration = Duration::from_secs(15);
/// The `retry:` field of the stream: how long a client waits before reconnecting.
pub const EVENT_RETRY_MS: u64 = 3000;
/// Without webhooks, the gateway polls the lists this often while event streams are open
/// (`--poll-ms`): a change reaches the browsers within about this, at 1 + 2 × (operators online)
/// upstream requests per interval, however many tabs they have open.
pub const UPSTREAM_POLL_INTERVAL: Duration = Duration::from_secs(2);
/// The poller keeps the last snapshot of a list whose operator's streams all closed for this
/// long, so a reconnect (token expiry, a reload) hears of what changed in between.
pub const POLLER_BASELINE_GRACE: Duration = Duration::from_secs(300);
/// How long a graceful shutdown waits for open requests before it closes their connections.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);
/// Answers shorter than this go uncompressed (gzip's header and the CPU would eat the gain).
pub const GZIP_MIN_BYTES: usize = 1024;

/// Postgres (`--db postgres://`): how long connecting (or waiting for a pooled connection) may
/// take before the call fails, unless the URL sets `connect_timeout`.
pub const PG_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Postgres: connections in each replica's pool (the relay's LISTEN connection is one more).
pub const PG_POOL_SIZE: usize = 16;
/// Postgres: how long a replica's claim on a pending webhook event lasts; a replica that died
/// while processing it leaves it to another after this (processing takes milliseconds).
pub const WEBHOOK_CLAIM_SECS: i64 = 60;
/// Postgres: how often the relay checks that its LISTEN connection still answers (a half-open
/// connection reports nothing), and how long the check may take.
pub const PG_LISTEN_CHECK: Duration = Duration::from_secs(10);
/// Postgres: the relay's first wait before listening again after a lost connection (then
/// doubled up to [`PG_RECONNECT_MAX`]).
pub const PG_RECONNECT_MIN: Duration = Duration::from_millis(100);
/// Postgres: the relay's longest wait between attempts.
pub const PG_RECONNECT_MAX: Duration = Duration::from_secs(5);
