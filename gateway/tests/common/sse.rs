//! A client of `GET /gateway/events` as a browser's parser reads it, and a customer writing
//! into the sandbox.
#![allow(dead_code, clippy::restriction)] // test support: a failed unwrap is a failed test

use std::time::{Duration, Instant};

use serde_json::Value;

use super::Setup;

/// One event as a browser's parser sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sse {
    pub event: String,
    pub id: Option<String>,
    pub data: String,
}

impl Sse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap()
    }
}

/// A client of the stream: reads the body chunk by chunk and splits it into events.
pub struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    pub async fn open(s: &Setup, token: &str, last_event_id: Option<&str>) -> Result<Self, u16> {
        Self::open_at(&s.http, &s.gateway.url(), token, last_event_id).await
    }

    /// A stream of the gateway at `base` (another replica).
    pub async fn open_at(
        http: &reqwest::Client,
        base: &str,
        token: &str,
        last_event_id: Option<&str>,
    ) -> Result<Self, u16> {
        let mut req = http
            .get(format!("{base}/gateway/events"))
            .header("Authentication", token);
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id);
        }
        let response = req.send().await.unwrap();
        if response.status() != 200 {
            return Err(response.status().as_u16());
        }
        let ct = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(ct.starts_with("text/event-stream"), "{ct}");
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert_eq!(response.headers()["x-accel-buffering"], "no");
        Ok(Self {
            response,
            buffer: String::new(),
        })
    }

    /// The next event (comments skipped); `None` when the stream ended or after `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<Sse> {
        let end = Instant::now() + wait;
        loop {
            if let Some(at) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..at + 2).collect();
                let mut e = Sse {
                    event: "message".to_owned(),
                    id: None,
                    data: String::new(),
                };
                let mut any = false;
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        e.event = v.trim().to_owned();
                        any = true;
                    } else if let Some(v) = line.strip_prefix("id:") {
                        e.id = Some(v.trim().to_owned());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        e.data.push_str(v.trim());
                        any = true;
                    }
                }
                if any {
                    return Some(e);
                }
                continue;
            }
            let left = end.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.response.chunk()).await {
                Ok(Ok(Some(bytes))) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                Ok(_) | Err(_) => return None,
            }
        }
    }

    pub async fn expect(&mut self, event: &str) -> Sse {
        let e = self.next(Duration::from_secs(5)).await;
        let e = e.unwrap_or_else(|| panic!("no {event} event"));
        assert_eq!(e.event, event, "{e:?}");
        e
    }

    /// The next `changed` event for `conversation` (the demo sandbox changes others on its own).
    pub async fn until(&mut self, conversation: u64, wait: Duration) -> Option<Sse> {
        let end = Instant::now() + wait;
        loop {
            let left = end.checked_duration_since(Instant::now())?;
            let e = self.next(left).await?;
            if e.event == "changed" && e.json()["conversation_id"] == conversation {
                return Some(e);
            }
        }
    }

    /// Every event until the stream has been quiet for `quiet`.
    pub async fn drain(&mut self, quiet: Duration) -> Vec<Sse> {
        let mut all = Vec::new();
        while let Some(e) = self.next(quiet).await {
            all.push(e);
        }
        all
    }

    /// True when the server ended the response within `wait`.
    pub async fn ends_within(&mut self, wait: Duration) -> bool {
        let end = Instant::now() + wait;
        loop {
            let Some(left) = end.checked_duration_since(Instant::now()) else {
                return false;
            };
            match tokio::time::timeout(left, self.response.chunk()).await {
                Ok(Ok(Some(_))) => {}
                Ok(Ok(None) | Err(_)) => return true,
                Err(_) => return false,
            }
        }
    }
}

pub async fn customer_writes(s: &Setup, conversation: &str, text: &str) {
    let r = s
        .http
        .post(format!("{}/sandbox/customer-message", s.sandbox.url()))
        .header("Authentication", super::ACCOUNT_TOKEN)
        .form(&[("conversation_id", conversation), ("text", text)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
