//! Shared helpers: start the sandbox in-process on an ephemeral port and talk to it.
// Test-support code: a failed unwrap here is a failed test, which is what we want.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use blinger_sandbox::{Config, RunningServer, SeedMode};
use serde_json::Value;

pub const TOKEN: &str = "demo-token";

/// Every POST endpoint that takes the token (the API's eight and customer-message).
pub const TOKEN_POSTS: &[&str] = &[
    "/api/conversations/start",
    "/api/conversations/close",
    "/api/conversations/unassign",
    "/api/conversations/assign-operator",
    "/api/conversations/assign-group",
    "/api/conversations/send-message",
    "/api/conversations/send-file-message",
    "/api/conversations/send-note",
    "/sandbox/customer-message",
];

/// A running sandbox and an HTTP client for it.
pub struct Sandbox {
    pub server: RunningServer,
    pub http: reqwest::Client,
    pub url: String,
}

impl Sandbox {
    pub async fn start(seed: SeedMode) -> Self {
        Self::with(Config::for_tests(seed)).await
    }

    pub async fn with(config: Config) -> Self {
        let server = blinger_sandbox::start(config)
            .await
            .expect("sandbox starts");
        let url = server.url();
        Self {
            server,
            http: reqwest::Client::new(),
            url,
        }
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    /// GET with the token, the raw response.
    pub async fn get_resp(&self, path: &str) -> reqwest::Response {
        self.get_resp_with(path, &[]).await
    }

    /// GET with the token and extra `headers`, the raw response.
    pub async fn get_resp_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self.http.get(self.at(path)).header("Authentication", TOKEN);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        decode(self.get_resp(path).await).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let resp = self
            .http
            .post(self.at(path))
            .header("Authentication", TOKEN)
            .form(form)
            .send()
            .await
            .unwrap();
        decode(resp).await
    }

    /// A form POST to `/api/conversations/{action}` for conversation `id`, with `more` fields.
    pub async fn act(&self, action: &str, id: &str, more: &[(&str, &str)]) -> (u16, Value) {
        let mut form = vec![("conversation_id", id)];
        form.extend_from_slice(more);
        self.post_form(&format!("/api/conversations/{action}"), &form)
            .await
    }

    pub async fn post_json(&self, path: &str, body: Value) -> (u16, Value) {
        let resp = self
            .http
            .post(self.at(path))
            .header("Authentication", TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap();
        decode(resp).await
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: Vec<u8>) -> (u16, Value) {
        let resp = self
            .http
            .post(self.at(path))
            .header("Authentication", TOKEN)
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        decode(resp).await
    }

    pub async fn post_multipart(&self, path: &str, fields: &[(&str, &[u8])]) -> (u16, Value) {
        let (ct, body) = multipart(fields);
        self.post_raw(path, &ct, body).await
    }

    /// GET without the `Authentication` header (the proxy, the control endpoints, token checks).
    pub async fn get_bare(&self, path: &str) -> (u16, Value) {
        send(self.http.get(self.at(path))).await
    }

    /// GET without the `Authentication` header but with `headers`, the raw response.
    pub async fn get_bare_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut req = self.http.get(self.at(path));
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        req.send().await.unwrap()
    }

    /// POST a JSON body without the `Authentication` header.
    pub async fn post_json_bare(&self, path: &str, body: Value) -> (u16, Value) {
        send(self.http.post(self.at(path)).json(&body)).await
    }

    /// DELETE without the `Authentication` header.
    pub async fn delete_bare(&self, path: &str) -> (u16, Value) {
        send(self.http.delete(self.at(path))).await
    }

    /// Arms a fault through `POST /sandbox/faults` (needs `--faults`) and checks it was taken.
    pub async fn arm(&self, fault: Value) {
        let (status, body) = self.post_json_bare("/sandbox/faults", fault).await;
        assert_eq!(status, 200, "{body}");
    }

    /// A client writes in; returns the conversation.
    pub async fn customer(&self, body: Value) -> Value {
        let (status, v) = self.post_json("/sandbox/customer-message", body).await;
        assert_eq!(status, 200, "{v}");
        v["data"].clone()
    }

    /// A new unassigned conversation; returns its id.
    pub async fn new_conversation(&self, text: &str) -> i64 {
        self.customer(serde_json::json!({"text": text})).await["id"]
            .as_i64()
            .unwrap()
    }

    pub async fn conversation(&self, id: i64) -> Value {
        let (status, v) = self
            .get(&format!("/api/conversations/get?conversation_id={id}"))
            .await;
        assert_eq!(status, 200, "{v}");
        v["data"].clone()
    }

    pub async fn list_ids(&self, path: &str) -> Vec<i64> {
        let (status, v) = self.get(path).await;
        assert_eq!(status, 200, "{v}");
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    }
}

/// What an error answer is: the HTTP status and the envelope `{"status": status, "error": error}`.
pub fn api_error(status: u16, error: Value) -> (u16, Value) {
    (
        status,
        serde_json::json!({"status": status, "error": error}),
    )
}

/// The `data` array of a list answer.
pub fn data_items(body: &Value) -> &[Value] {
    body["data"].as_array().unwrap()
}

/// Sends `req` as built (no token added): status and JSON body.
pub async fn send(req: reqwest::RequestBuilder) -> (u16, Value) {
    decode(req.send().await.unwrap()).await
}

/// Status and JSON body (Null when the body is not JSON).
pub async fn decode(resp: reqwest::Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A multipart/form-data body built by hand (so tests can put any bytes in it).
pub fn multipart(fields: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----blingerSandboxBoundary7MA4YWxk";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A documented fixture (the vendored copy; `fixtures_match_shared` keeps it honest).
pub fn fixture(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
}

/// A fresh temporary directory.
pub fn temp_dir(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "blinger-sandbox-{tag}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
