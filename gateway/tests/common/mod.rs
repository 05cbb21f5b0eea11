//! Shared helpers: the real sandbox (playing Blinger) and the gateway, both in-process on
//! ephemeral ports, and a client that speaks to the gateway as a browser would.
#![allow(dead_code, clippy::restriction)] // test support: a failed unwrap is a failed test

pub mod pg;
pub mod sse;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use blinger_gateway::auth::Role;
use blinger_gateway::store::DbUrl;
use blinger_gateway::{Config, RunningGateway};
use blinger_sandbox::SeedMode;
use serde_json::Value;

/// Sends a request and reads its answer as JSON, failing the test on any error on the way.
pub trait JsonBody {
    async fn json_body(self) -> Value;
}

impl JsonBody for reqwest::RequestBuilder {
    async fn json_body(self) -> Value {
        self.send().await.unwrap().json().await.unwrap()
    }
}

pub const ACCOUNT_TOKEN: &str = "demo-token-0f3c9a7e-account-wide";
pub const JWT_SECRET: &[u8] = b"test-secret-test-secret-test-secret!";
pub const HOOK_SECRET: &str = "hook-secret-7d1e";

pub struct Setup {
    pub sandbox: blinger_sandbox::RunningServer,
    pub gateway: RunningGateway,
    pub http: reqwest::Client,
    pub logs: Arc<Mutex<Vec<String>>>,
}

/// A port that was free a moment ago (so the sandbox can be told the gateway's webhook URL
/// before the gateway starts).
pub fn free_port() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

pub fn gateway_config(upstream: &str, logs: &Arc<Mutex<Vec<String>>>) -> Config {
    let sink = logs.clone();
    Config {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        upstream: upstream.to_owned(),
        token: ACCOUNT_TOKEN.to_owned(),
        jwt_secret: JWT_SECRET.to_vec(),
        db: DbUrl::SqliteMemory,
        webhook_secret: Some(HOOK_SECRET.to_owned()),
        log: Arc::new(move |line: &str| sink.lock().unwrap().push(line.to_owned())),
        ..Config::default()
    }
}

pub fn sandbox_config(webhook_to: Option<SocketAddr>) -> blinger_sandbox::Config {
    blinger_sandbox::Config {
        token: ACCOUNT_TOKEN.to_owned(),
        faults: true,
        webhook_url: webhook_to.map(|a| format!("http://{a}/hooks/blinger/{HOOK_SECRET}")),
        ..blinger_sandbox::Config::for_tests(SeedMode::Demo)
    }
}

impl Setup {
    /// Sandbox (demo seed, faults on) + gateway; webhooks from the sandbox go to the gateway
    /// when `webhooks`.
    pub async fn start(webhooks: bool) -> Self {
        Self::start_with(webhooks, |c| c).await
    }

    pub async fn start_with(webhooks: bool, adjust: impl FnOnce(Config) -> Config) -> Self {
        let gw_addr = free_port();
        let sandbox = blinger_sandbox::start(sandbox_config(webhooks.then_some(gw_addr)))
            .await
            .unwrap();
        let logs = Arc::new(Mutex::new(Vec::new()));
        let mut config = gateway_config(&sandbox.url(), &logs);
        if webhooks {
            config.addr = gw_addr;
        }
        let gateway = blinger_gateway::start(adjust(config)).await.unwrap();
        Self {
            sandbox,
            gateway,
            http: reqwest::Client::new(),
            logs,
        }
    }

    pub fn gw(&self, path: &str) -> String {
        format!("{}{}", self.gateway.url(), path)
    }

    pub fn jwt(&self, operator: u64) -> String {
        self.gateway.mint(operator, Role::Operator, 600).unwrap()
    }

    pub async fn get(&self, operator: u64, path: &str) -> (u16, Value) {
        self.get_with_token(&self.jwt(operator), path).await
    }

    /// A GET with this `Authentication` token (minted elsewhere).
    pub async fn get_with_token(&self, token: &str, path: &str) -> (u16, Value) {
        self.get_at(&self.gateway.url(), token, path).await
    }

    /// A GET to the gateway at `base` (another replica).
    pub async fn get_at(&self, base: &str, token: &str, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{base}{path}"))
            .header("Authentication", token)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post_form(
        &self,
        operator: u64,
        path: &str,
        form: &[(&str, &str)],
    ) -> (u16, Value) {
        self.post_form_at(&self.gateway.url(), operator, path, form)
            .await
    }

    /// A form POST to the gateway at `base` (another replica).
    pub async fn post_form_at(
        &self,
        base: &str,
        operator: u64,
        path: &str,
        form: &[(&str, &str)],
    ) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{base}{path}"))
            .header("Authentication", self.jwt(operator))
            .form(form)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The sandbox's request counts by path.
    pub async fn upstream_counts(&self) -> Value {
        let r: Value = self
            .http
            .get(format!("{}/sandbox/requests", self.sandbox.url()))
            .json_body()
            .await;
        r["data"].clone()
    }

    pub async fn upstream_count(&self, path: &str) -> u64 {
        self.upstream_counts().await[path].as_u64().unwrap_or(0)
    }

    pub async fn reset_counts(&self) {
        self.http
            .delete(format!("{}/sandbox/requests", self.sandbox.url()))
            .send()
            .await
            .unwrap();
    }

    pub async fn arm_fault(&self, fault: Value) {
        let r = self
            .http
            .post(format!("{}/sandbox/faults", self.sandbox.url()))
            .json(&fault)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }

    /// The sandbox's own history of a conversation (the truth).
    pub async fn sandbox_history(&self, id: u64) -> Vec<Value> {
        let r: Value = self
            .http
            .get(format!(
                "{}/sandbox/conversations/{id}/messages",
                self.sandbox.url()
            ))
            .header("Authentication", ACCOUNT_TOKEN)
            .json_body()
            .await;
        r["data"].as_array().unwrap().clone()
    }

    pub async fn history(&self, id: u64) -> Vec<Value> {
        self.history_at(&self.gateway.url(), id).await
    }

    /// The history as the gateway at `base` (another replica) serves it.
    pub async fn history_at(&self, base: &str, id: u64) -> Vec<Value> {
        let path = format!("/gateway/conversations/{id}/messages");
        let (status, body) = self.get_at(base, &self.jwt(2), &path).await;
        assert_eq!(status, 200, "{body}");
        body["data"].as_array().unwrap().clone()
    }

    /// Polls `f` until it is true (webhooks are asynchronous), at most 5 s.
    pub async fn eventually<F, Fut>(&self, what: &str, mut f: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for _ in 0..100 {
            if f().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("timed out waiting for: {what}");
    }

    pub async fn hook(&self, body: &Value) -> u16 {
        self.http
            .post(self.gw(&format!("/hooks/blinger/{HOOK_SECRET}")))
            .json(body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    pub fn log_text(&self) -> String {
        self.logs.lock().unwrap().join("\n")
    }
}
