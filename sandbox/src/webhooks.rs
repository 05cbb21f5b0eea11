//! Blinger-shaped webhooks, delivered by background tasks: the API call never waits for them.

use std::time::Duration;

use serde_json::{Value, json};

use crate::log::LogSink;
use crate::model::{Conversation, Message, Operator};

/// The events the sandbox fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Assigned,
    Unassigned,
    Closed,
    IncomingMessage,
    OutgoingMessage,
}

impl Event {
    /// The `webhook` member.
    pub fn name(self) -> &'static str {
        match self {
            Self::Assigned => "on_conversation_assigned",
            Self::Unassigned => "on_conversation_unassigned",
            Self::Closed => "on_conversation_closed",
            Self::IncomingMessage => "on_incoming_message",
            Self::OutgoingMessage => "on_outgoing_message",
        }
    }
}

/// A message as the `on_conversation_closed` webhook lists it (Blinger's keys where known).
fn webhook_message(m: &Message, c: &Conversation, operator_user_id: Option<i64>) -> Value {
    let from_client = m.operator_id.is_none();
    json!({
        "id": m.id,
        "conversation_id": m.conversation_id,
        "from_blinger_user_id": if from_client { Some(c.from_blinger_user_id) } else { None },
        "to_blinger_user_id": c.to_blinger_user_id,
        "from_user_id": if from_client { None } else { operator_user_id },
        "operator_id": m.operator_id,
        "type": m.kind.as_str(),
        "text": m.text,
        "file_url": m.file_url,
        "is_inner": m.kind == crate::model::MessageKind::Note,
        "date_created": m.date_created,
    })
}

/// Builds a payload. `operator` is for assigned; `messages` for closed; `message` for messages.
pub fn payload(
    event: Event,
    conversation: &Conversation,
    operator: Option<&Operator>,
    messages: &[Message],
    message: Option<&Message>,
) -> Value {
    let mut body = json!({"webhook": event.name(), "conversation": conversation});
    if let Some(obj) = body.as_object_mut() {
        if let Some(op) = operator {
            obj.insert(
                "operator".into(),
                json!({"id": op.id, "name": op.name, "email": op.invite_email}),
            );
        }
        if event == Event::Closed {
            let list: Vec<Value> = messages
                .iter()
                .map(|m| webhook_message(m, conversation, conversation.operator_user_id))
                .collect();
            obj.insert("messages".into(), Value::Array(list));
        }
        if let Some(m) = message {
            obj.insert(
                "message".into(),
                webhook_message(m, conversation, operator.map(|o| o.user_id)),
            );
        }
    }
    body
}

/// Where and how webhooks go.
#[derive(Clone)]
pub struct Webhooks {
    url: String,
    client: reqwest::Client,
    backoff: Duration,
    log: LogSink,
}

impl std::fmt::Debug for Webhooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhooks").field("url", &self.url).finish()
    }
}

/// Retries after the first failed attempt.
pub const RETRIES: u32 = 3;

/// How long [`Webhooks::fire_sequence`] keeps retrying one delivery.
pub const SEQUENCE_PATIENCE: Duration = Duration::from_secs(60);
/// Its longest wait between two attempts.
pub const SEQUENCE_MAX_DELAY: Duration = Duration::from_secs(2);

impl Webhooks {
    /// A sender to `url`; retries wait `backoff`, 2×, 4×.
    pub fn new(url: String, backoff: Duration, log: LogSink) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Self {
            url,
            client,
            backoff,
            log,
        }
    }

    /// Sends `bodies` one after the other in one background task, each retried patiently
    /// (backoff doubling up to [`SEQUENCE_MAX_DELAY`], for up to [`SEQUENCE_PATIENCE`]): the
    /// receiver may start after the sandbox (the demo starts the gateway second). If one is still
    /// refused after that, the rest are dropped (one log line).
    pub fn fire_sequence(&self, bodies: Vec<Value>) {
        let this = self.clone();
        tokio::spawn(async move {
            let total = bodies.len();
            for (n, body) in bodies.into_iter().enumerate() {
                let started = std::time::Instant::now();
                let mut delay = this.backoff;
                loop {
                    match this.client.post(&this.url).json(&body).send().await {
                        Ok(resp) if resp.status().is_success() => break,
                        _ if started.elapsed() < SEQUENCE_PATIENCE => {
                            tokio::time::sleep(delay).await;
                            delay = delay.saturating_mul(2).min(SEQUENCE_MAX_DELAY);
                        }
                        _ => {
                            (this.log)(
                                &json!({"webhook": "replay", "delivered": n, "dropped": total - n})
                                    .to_string(),
                            );
                            return;
                        }
                    }
                }
            }
        });
    }

    /// Sends `body` in the background (1 attempt + [`RETRIES`] retries with backoff).
    pub fn fire(&self, body: Value) {
        let this = self.clone();
        tokio::spawn(async move {
            let event = body
                .get("webhook")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            let mut delay = this.backoff;
            for attempt in 0..=RETRIES {
                let result = this.client.post(&this.url).json(&body).send().await;
                let error = match result {
                    Ok(resp) if resp.status().is_success() => return,
                    Ok(resp) => format!("status {}", resp.status().as_u16()),
                    Err(e) => format!("{e}"),
                };
                (this.log)(
                    &json!({"webhook": event, "attempt": attempt + 1, "error": error, "will_retry": attempt < RETRIES})
                        .to_string(),
                );
                if attempt < RETRIES {
                    tokio::time::sleep(delay).await;
                    delay = delay.saturating_mul(2);
                }
            }
        });
    }
}
