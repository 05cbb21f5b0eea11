//! The push channel's logic, tested natively: the Server-Sent Events parser (the WHATWG
//! "event stream interpretation", fed raw bytes in whatever chunks `fetch` hands over), what the
//! gateway's events mean ([`PushEvent`]), the messages the tab holding the stream shares with
//! the other tabs ([`TabMessage`]), the reconnect delay ([`Reconnect`]) and whether a tab that
//! only hears the stream second-hand may still call it live ([`Liveness`]).
//!
//! The stream itself (`fetch` streaming, one tab per origin through Web Locks) lives in
//! `state/session/push.rs`; the gateway's side in `gateway/src/stream.rs`.

use crate::api::ConversationId;
use crate::sync::scheduler::Rng;

/// The gateway sends a heartbeat comment every 15 s: a stream silent for three of them is
/// broken (a proxy that holds the connection open without passing anything on).
pub const IDLE_TIMEOUT_MS: u32 = 45_000;
/// While the stream is up the lists and the open conversation are still polled, this slowly, in
/// case an event was lost on the way (a safety net, not the way changes arrive).
pub const SAFETY_NET_POLL_MS: u64 = 60_000;
/// A tab that hears the stream through another tab calls it live while it heard that tab say so
/// within this long (the holder passes every heartbeat on).
pub const FOLLOWER_LIVE_MS: u64 = 45_000;
/// The first reconnect waits this long unless the server's `retry:` says otherwise (ms).
pub const RECONNECT_BASE_MS: u64 = 1_000;
/// The longest reconnect delay (ms).
pub const RECONNECT_CAP_MS: u64 = 30_000;
/// After an answer that says the address is wrong (404, 400…), try again only this often (ms):
/// polling goes on meanwhile.
pub const MISCONFIGURED_RETRY_MS: u64 = 300_000;
/// After a poll's answer, an announced change waits at least this long (ms) before the next
/// poll of the same list (or conversation): the first change of a quiet moment is fetched at
/// once, a burst costs one request per answer and gap.
pub const PUSH_REFRESH_GAP_MS: u64 = 250;
/// A line longer than this is not an event stream (the connection is dropped and made again).
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// One dispatched event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseEvent {
    /// `event:` (`message` when the block had none).
    pub event: String,
    /// The `data:` lines joined by `\n`.
    pub data: String,
}

/// What the parser found in a chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SseItem {
    /// An event (a block ended by a blank line, with data).
    Event(SseEvent),
    /// A comment line (`: …`): the gateway's heartbeat.
    Comment,
    /// `retry:`: the reconnection time the server asks for (ms).
    Retry(u64),
}

/// The parse failed: the stream is not an event stream (drop it and connect again).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineTooLong;

/// An incremental event-stream parser. Lines end with CRLF, LF or CR (a CR at the end of one
/// chunk and an LF at the start of the next are one line end); a leading BOM is skipped; the
/// last event id is kept across events, as the specification says, for `Last-Event-ID`.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    after_cr: bool,
    started: bool,
    event: String,
    data: String,
    has_data: bool,
    id_buffer: Option<String>,
    last_event_id: Option<String>,
}

impl SseParser {
    /// A parser at the start of a stream.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The id of the last event dispatched (what `Last-Event-ID` carries on a reconnect).
    #[must_use]
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref().filter(|id| !id.is_empty())
    }

    /// Feeds the next bytes; what they completed is appended to `out`.
    ///
    /// # Errors
    /// [`LineTooLong`] when a line grows past [`MAX_LINE_BYTES`].
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<SseItem>) -> Result<(), LineTooLong> {
        let mut rest = bytes;
        if !self.started {
            // The BOM may itself arrive split: wait for three bytes before deciding.
            self.line.extend_from_slice(rest);
            if self.line.len() < 3 && b"\xEF\xBB\xBF".starts_with(&self.line) {
                return Ok(());
            }
            self.started = true;
            let pending = std::mem::take(&mut self.line);
            let body = pending.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&pending);
            return self.feed_lines(body, out);
        }
        if self.after_cr && !rest.is_empty() {
            // An empty chunk says nothing about the byte after the CR: keep waiting for it.
            if let Some((&b'\n', tail)) = rest.split_first() {
                rest = tail;
            }
            self.after_cr = false;
        }
        self.feed_lines(rest, out)
    }

    fn feed_lines(&mut self, mut rest: &[u8], out: &mut Vec<SseItem>) -> Result<(), LineTooLong> {
        while let Some(end) = rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
            let (head, tail) = rest.split_at(end);
            self.line.extend_from_slice(head);
            if self.line.len() > MAX_LINE_BYTES {
                return Err(LineTooLong);
            }
            let line = std::mem::take(&mut self.line);
            self.line_done(&line, out);
            rest = match tail.split_first() {
                Some((b'\r', after)) => match after.split_first() {
                    Some((b'\n', after_lf)) => after_lf,
                    Some(_) => after,
                    None => {
                        self.after_cr = true;
                        after
                    }
                },
                Some((_, after)) => after,
                None => tail,
            };
        }
        self.line.extend_from_slice(rest);
        if self.line.len() > MAX_LINE_BYTES {
            return Err(LineTooLong);
        }
        Ok(())
    }

    fn line_done(&mut self, line: &[u8], out: &mut Vec<SseItem>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line.first() == Some(&b':') {
            out.push(SseItem::Comment);
            return;
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => value.clone_into(&mut self.event),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.id_buffer = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(ms) = value.parse::<u64>() {
                    out.push(SseItem::Retry(ms));
                }
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<SseItem>) {
        if let Some(id) = self.id_buffer.take() {
            self.last_event_id = Some(id);
        }
        let event = std::mem::take(&mut self.event);
        let data = std::mem::take(&mut self.data);
        if std::mem::take(&mut self.has_data) {
            out.push(SseItem::Event(SseEvent {
                event: if event.is_empty() {
                    "message".to_owned()
                } else {
                    event
                },
                data,
            }));
        }
    }
}

/// What one of the gateway's events means to the widget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushEvent {
    /// The stream is up (`ready`): from here on every change is announced.
    Ready,
    /// A conversation changed: refresh it (when open) and the lists.
    Changed(ConversationId),
    /// Changes were missed (this client lagged, or its `Last-Event-ID` could not be replayed):
    /// refresh everything.
    Resync,
    /// An event this widget does not know (a newer gateway): ignored.
    Other,
}

impl PushEvent {
    /// Reads an event. A `changed` event whose data cannot be read asks for a resync, so a
    /// change is never dropped because its announcement was garbled.
    #[must_use]
    pub fn read(event: &SseEvent) -> Self {
        match event.event.as_str() {
            "ready" => Self::Ready,
            "resync" => Self::Resync,
            "changed" => serde_json::from_str::<serde_json::Value>(&event.data)
                .ok()
                .and_then(|v| v.get("conversation_id").and_then(serde_json::Value::as_u64))
                .map_or(Self::Resync, |id| Self::Changed(ConversationId(id))),
            _ => Self::Other,
        }
    }
}

/// What the tab holding the stream tells the other tabs of its namespace (a `BroadcastChannel`
/// string).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TabMessage {
    /// The stream is up (sent on `ready` and on every heartbeat).
    Live,
    /// The stream broke, or the tab holding it let go.
    Down,
    /// A conversation changed.
    Changed(ConversationId),
    /// Refresh everything.
    Resync,
    /// A tab that just joined asks the holder how the stream is (answered `live` or `down`).
    Ask,
}

impl TabMessage {
    /// The channel string.
    #[must_use]
    pub fn encode(self) -> String {
        match self {
            Self::Live => "live".to_owned(),
            Self::Down => "down".to_owned(),
            Self::Changed(id) => format!("changed:{}", id.0),
            Self::Resync => "resync".to_owned(),
            Self::Ask => "ask".to_owned(),
        }
    }

    /// Reads a channel string (`None`: not one of ours).
    #[must_use]
    pub fn decode(s: &str) -> Option<Self> {
        match s {
            "live" => Some(Self::Live),
            "down" => Some(Self::Down),
            "resync" => Some(Self::Resync),
            "ask" => Some(Self::Ask),
            _ => s
                .strip_prefix("changed:")
                .and_then(|n| n.parse::<u64>().ok())
                .map(|n| Self::Changed(ConversationId(n))),
        }
    }
}

/// The reconnect delay: exponential from the server's `retry:` (or [`RECONNECT_BASE_MS`]) to
/// [`RECONNECT_CAP_MS`], each drawn between half and all of its step so that many widgets that
/// lost one gateway do not come back at the same instant; back to the first step once a stream
/// came up.
#[derive(Clone, Debug)]
pub struct Reconnect {
    base_ms: u64,
    failures: u32,
    rng: Rng,
}

impl Reconnect {
    /// A fresh policy.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self {
            base_ms: RECONNECT_BASE_MS,
            failures: 0,
            rng: Rng::new(seed),
        }
    }

    /// The server's `retry:` (kept between 250 ms and the cap).
    pub fn set_base(&mut self, ms: u64) {
        self.base_ms = ms.clamp(250, RECONNECT_CAP_MS);
    }

    /// The stream came up: the next break waits the first step again.
    pub fn connected(&mut self) {
        self.failures = 0;
    }

    /// The wait before the next attempt (ms), one step further than the last.
    pub fn next_delay(&mut self) -> u64 {
        let exp = self.failures.min(16);
        self.failures = self.failures.saturating_add(1);
        let step = self
            .base_ms
            .saturating_mul(1u64 << exp)
            .min(RECONNECT_CAP_MS);
        let half = step / 2;
        half + (self.rng.next_f64() * (step - half) as f64) as u64
    }
}

/// How a tab that does not hold the stream knows whether it is up: the holder says `live` on
/// `ready` and on every heartbeat, `down` when it breaks or lets go; silence longer than
/// [`FOLLOWER_LIVE_MS`] (a holder frozen or gone without a word) counts as down.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Liveness {
    heard_live_at: Option<u64>,
    heard_any: bool,
}

impl Liveness {
    /// Hears a message of the holder at `now` (monotonic ms).
    pub fn hear(&mut self, message: TabMessage, now: u64) {
        match message {
            // Another follower's question says nothing of the stream.
            TabMessage::Ask => return,
            TabMessage::Down => self.heard_live_at = None,
            // Events come only from a live stream.
            TabMessage::Live | TabMessage::Changed(_) | TabMessage::Resync => {
                self.heard_live_at = Some(now);
            }
        }
        self.heard_any = true;
    }

    /// Whether the stream counts as up at `now`.
    #[must_use]
    pub fn is_live(&self, now: u64) -> bool {
        self.heard_live_at
            .is_some_and(|at| now.saturating_sub(at) <= FOLLOWER_LIVE_MS)
    }

    /// Whether the holder said anything yet (before that the stream is "connecting").
    #[must_use]
    pub fn heard(&self) -> bool {
        self.heard_any
    }
}
