//! [`PollScheduler`]: when to poll one resource (a list view, the open conversation).
//!
//! Pure: time is passed in as `now` (milliseconds on any monotonic clock) and randomness comes
//! from a seeded generator, so every timing rule is tested natively without waiting.
//!
//! Rules: interval while visible (default 5 s) and while hidden (default 60 s); immediately on
//! becoming visible, on `online` and after an action ([`poke`](PollScheduler::poke)); at most one
//! request in flight; exponential backoff with full jitter on errors (base 1 s, cap 60 s);
//! `Retry-After` honoured (never earlier, even for a poke; capped at 5 min); stop on 401 until
//! [`token_changed`](PollScheduler::token_changed). Tickets are numbered, and a response older
//! than the one already applied is dropped.

use crate::api::ApiError;

/// Timing knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollConfig {
    /// Interval while the page is visible (ms).
    pub visible_interval_ms: u64,
    /// Interval while the page is hidden (ms).
    pub hidden_interval_ms: u64,
    /// First backoff step (ms).
    pub backoff_base_ms: u64,
    /// Largest backoff step (ms).
    pub backoff_cap_ms: u64,
    /// Smallest delay after an error, so full jitter never hammers the server (ms).
    pub min_retry_ms: u64,
}

/// Poll interval while the page is visible, unless the host sets one (ms).
pub const DEFAULT_VISIBLE_INTERVAL_MS: u64 = 5_000;
/// The smallest visible poll interval a host may set (ms).
pub const MIN_VISIBLE_INTERVAL_MS: u64 = 1_000;
/// The longest wait a `Retry-After` can impose (s): a server asking for hours (or a bad
/// header) must not silence the inbox for the day.
pub const MAX_RETRY_AFTER_SECS: u64 = 300;

/// A `Retry-After` of `secs`, capped at [`MAX_RETRY_AFTER_SECS`], in ms.
#[must_use]
pub fn retry_after_ms(secs: u64) -> u64 {
    secs.min(MAX_RETRY_AFTER_SECS).saturating_mul(1000)
}

/// Poll interval while the page is hidden (ms); never shorter than the visible one.
pub const DEFAULT_HIDDEN_INTERVAL_MS: u64 = 60_000;

impl Default for PollConfig {
    fn default() -> Self {
        Self {
            visible_interval_ms: DEFAULT_VISIBLE_INTERVAL_MS,
            hidden_interval_ms: DEFAULT_HIDDEN_INTERVAL_MS,
            backoff_base_ms: 1_000,
            backoff_cap_ms: 60_000,
            min_retry_ms: 250,
        }
    }
}

/// A permission to run one request; hand it back to [`PollScheduler::finish`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestTicket {
    seq: u64,
}

impl RequestTicket {
    /// The ticket's sequence number (increasing per scheduler).
    #[must_use]
    pub const fn seq(self) -> u64 {
        self.seq
    }
}

/// What the UI shows about a resource's freshness.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PollState {
    /// Nothing has succeeded yet and nothing has failed.
    Idle,
    /// The last poll succeeded.
    Ok {
        /// When (the `now` passed to `finish`).
        last_success_at: u64,
    },
    /// Polls are failing; the next try is at `retry_at`.
    Backoff {
        /// Consecutive failures (1 = first failure).
        attempt: u32,
        /// When the next try is due.
        retry_at: u64,
        /// The last error.
        error: ApiError,
        /// The last success, if any (to keep showing "updated N s ago").
        last_success_at: Option<u64>,
    },
    /// Stopped (401) until a new token arrives.
    Stopped {
        /// The error that stopped it.
        error: ApiError,
    },
}

/// What [`PollScheduler::finish`] decided about a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Newest response: apply it.
    Apply,
    /// An older response than one already applied (or a superseded ticket): drop it.
    Stale,
}

/// A small seeded generator (SplitMix64): deterministic in tests, seeded from anything in the
/// browser (`Math.random`, the clock).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    #[must_use]
    pub const fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next value in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The poll timing of one resource.
#[derive(Clone, Debug)]
pub struct PollScheduler {
    config: PollConfig,
    rng: Rng,
    visible: bool,
    due_at: u64,
    not_before: u64,
    in_flight: Option<u64>,
    again_after_flight: bool,
    /// The follow-up request after the one in flight waits this long after it (a nudge's gap;
    /// `None`: at once).
    again_gap: Option<u64>,
    /// When the last request ended.
    finished_at: Option<u64>,
    next_seq: u64,
    last_applied: u64,
    failures: u32,
    last_success_at: Option<u64>,
    last_error: Option<ApiError>,
    stopped: Option<ApiError>,
}

impl PollScheduler {
    /// A scheduler that is due at once (visible).
    #[must_use]
    pub fn new(config: PollConfig, seed: u64) -> Self {
        Self {
            config,
            rng: Rng::new(seed),
            visible: true,
            due_at: 0,
            not_before: 0,
            in_flight: None,
            again_after_flight: false,
            again_gap: None,
            finished_at: None,
            next_seq: 0,
            last_applied: 0,
            failures: 0,
            last_success_at: None,
            last_error: None,
            stopped: None,
        }
    }

    /// The configuration in force.
    #[must_use]
    pub fn config(&self) -> PollConfig {
        self.config
    }

    /// Changes the intervals (e.g. the `poll-interval` attribute); applies from the next poll.
    pub fn set_intervals(&mut self, visible_ms: u64, hidden_ms: u64) {
        self.config.visible_interval_ms = visible_ms.max(1);
        self.config.hidden_interval_ms = hidden_ms.max(visible_ms).max(1);
    }

    fn interval(&self) -> u64 {
        if self.visible {
            self.config.visible_interval_ms
        } else {
            self.config.hidden_interval_ms
        }
    }

    /// When the next request is due (may be `<= now`: due already). `None` while a request is
    /// in flight or polling is stopped.
    #[must_use]
    pub fn next_due(&self, _now: u64) -> Option<u64> {
        if self.stopped.is_some() || self.in_flight.is_some() {
            return None;
        }
        Some(self.due_at.max(self.not_before))
    }

    /// Milliseconds to wait before calling [`begin`](Self::begin) (0 = now). `None` as in
    /// [`next_due`](Self::next_due).
    #[must_use]
    pub fn delay(&self, now: u64) -> Option<u64> {
        self.next_due(now).map(|due| due.saturating_sub(now))
    }

    /// `true` when a request is in flight.
    #[must_use]
    pub fn in_flight(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Starts a request if one is due and none is in flight.
    pub fn begin(&mut self, now: u64) -> Option<RequestTicket> {
        match self.next_due(now) {
            Some(due) if due <= now => Some(self.issue()),
            _ => None,
        }
    }

    /// Starts a request now even if one is in flight (manual refresh); the in-flight one's
    /// response will be [`Verdict::Stale`]. Still refuses while stopped or before `Retry-After`.
    pub fn restart(&mut self, now: u64) -> Option<RequestTicket> {
        if self.stopped.is_some() || now < self.not_before {
            return None;
        }
        Some(self.issue())
    }

    fn issue(&mut self) -> RequestTicket {
        self.next_seq += 1;
        self.in_flight = Some(self.next_seq);
        self.again_after_flight = false;
        self.again_gap = None;
        RequestTicket { seq: self.next_seq }
    }

    /// Records a response (`Ok(())`) or failure and says whether to apply it.
    pub fn finish(
        &mut self,
        ticket: RequestTicket,
        outcome: Result<(), &ApiError>,
        now: u64,
    ) -> Verdict {
        if self.in_flight != Some(ticket.seq) || ticket.seq <= self.last_applied {
            return Verdict::Stale;
        }
        self.in_flight = None;
        let again = std::mem::take(&mut self.again_after_flight);
        let again_at = now.saturating_add(self.again_gap.take().unwrap_or(0));
        self.finished_at = Some(now);
        match outcome {
            Ok(()) => {
                self.last_applied = ticket.seq;
                self.failures = 0;
                self.last_error = None;
                self.last_success_at = Some(now);
                self.due_at = if again {
                    again_at
                } else {
                    now + self.interval()
                };
                Verdict::Apply
            }
            Err(ApiError::Aborted) => {
                self.due_at = if again {
                    again_at
                } else {
                    now + self.interval()
                };
                Verdict::Stale
            }
            Err(e) if e.is_unauthorized() => {
                self.stopped = Some(e.clone());
                self.last_error = Some(e.clone());
                Verdict::Apply
            }
            Err(e) => {
                self.failures = self.failures.saturating_add(1);
                let delay = self.backoff_delay(self.failures);
                self.due_at = now + delay;
                if let Some(secs) = e.retry_after_secs() {
                    self.hold_until(now.saturating_add(retry_after_ms(secs)));
                }
                self.last_error = Some(e.clone());
                Verdict::Apply
            }
        }
    }

    /// The capped exponential step for `attempt` (1-based), before jitter.
    #[must_use]
    pub fn backoff_ceiling(&self, attempt: u32) -> u64 {
        let exp = attempt.saturating_sub(1).min(32);
        self.config
            .backoff_base_ms
            .saturating_mul(1u64 << exp)
            .min(self.config.backoff_cap_ms)
    }

    fn backoff_delay(&mut self, attempt: u32) -> u64 {
        let ceiling = self.backoff_ceiling(attempt);
        let jittered = (self.rng.next_f64() * ceiling as f64) as u64;
        jittered.max(self.config.min_retry_ms.min(ceiling))
    }

    /// The page became visible or hidden. Visible → due at once; hidden → the slow interval.
    pub fn set_visible(&mut self, visible: bool, now: u64) {
        if visible == self.visible {
            return;
        }
        self.visible = visible;
        if visible {
            self.poke(now);
        } else if self.failures == 0 {
            let base = self.last_success_at.unwrap_or(now);
            self.due_at = self.due_at.max(base + self.config.hidden_interval_ms);
        }
    }

    /// `true` while the page is visible.
    #[must_use]
    pub fn is_visible(&self) -> bool {
        self.visible
    }

    /// No request before `until` (a `Retry-After` the host answered to any request).
    pub fn hold_until(&mut self, until: u64) {
        self.not_before = self.not_before.max(until);
    }

    /// The browser came back online: poll at once (Retry-After still holds).
    pub fn online(&mut self, now: u64) {
        self.poke(now);
    }

    /// Poll at once (after an action, or a manual refresh that may wait for the in-flight one).
    /// With a request in flight, another follows as soon as it finishes.
    pub fn poke(&mut self, now: u64) {
        if self.in_flight.is_some() {
            self.again_after_flight = true;
            self.again_gap = None;
        } else {
            self.due_at = now;
        }
    }

    /// Poll soon for a change announced by push: at once, unless a request ended less than
    /// `gap` ms ago, then `gap` after it (with one in flight: `gap` after it ends). A burst of
    /// announcements costs one request per answer and `gap`, never one per announcement.
    /// Backoff and `Retry-After` still hold.
    pub fn nudge(&mut self, now: u64, gap: u64) {
        if self.in_flight.is_some() {
            if !self.again_after_flight {
                self.again_gap = Some(gap);
            }
            self.again_after_flight = true;
        } else if self.failures == 0 {
            let at = self
                .finished_at
                .map_or(now, |ended| ended.saturating_add(gap).max(now));
            self.due_at = self.due_at.min(at);
        }
    }

    /// A new token arrived: resume polling at once, backoff forgotten.
    pub fn token_changed(&mut self, now: u64) {
        self.stopped = None;
        self.failures = 0;
        self.last_error = None;
        self.in_flight = None;
        self.due_at = now;
    }

    /// What the UI shows.
    #[must_use]
    pub fn state(&self) -> PollState {
        if let Some(error) = &self.stopped {
            return PollState::Stopped {
                error: error.clone(),
            };
        }
        if let Some(error) = &self.last_error {
            return PollState::Backoff {
                attempt: self.failures,
                retry_at: self.due_at.max(self.not_before),
                error: error.clone(),
                last_success_at: self.last_success_at,
            };
        }
        match self.last_success_at {
            Some(last_success_at) => PollState::Ok { last_success_at },
            None => PollState::Idle,
        }
    }
}
