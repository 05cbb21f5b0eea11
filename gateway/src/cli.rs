//! The command line (GATEWAY.md's table; each flag also `BLINGER_GATEWAY_<FLAG>`), read into a
//! [`Config`]. Every mistake is one line naming the flag; the binary exits 2 on it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use clap::builder::BoolishValueParser;

use crate::Config;
use crate::logging::LogFormat;
use crate::store::DbUrl;
use crate::upstream::Limits;

/// The gateway beside the widget: per-operator tokens, no leaked secrets, message history.
#[derive(Debug, Parser)]
#[command(name = "blinger-gateway", version, about)]
pub struct Cli {
    /// Listen address (port 0 = a free port; the real one is printed).
    #[arg(long, env = "BLINGER_GATEWAY_ADDR", default_value = "127.0.0.1:8788")]
    pub addr: SocketAddr,
    /// Blinger (or the sandbox).
    #[arg(
        long,
        env = "BLINGER_GATEWAY_UPSTREAM",
        default_value = "https://app.blinger.io"
    )]
    pub upstream: String,
    /// File holding the account token (else the variable BLINGER_TOKEN holds the token).
    #[arg(long, env = "BLINGER_GATEWAY_TOKEN_FILE", value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// File holding the HS256 key, at least 32 bytes (else BLINGER_GATEWAY_JWT_SECRET holds it).
    #[arg(long, env = "BLINGER_GATEWAY_JWT_SECRET_FILE", value_name = "PATH")]
    pub jwt_secret_file: Option<PathBuf>,
    /// Store: sqlite://PATH, sqlite::memory: (one process) or postgres://… (several replicas).
    /// `--help` never shows the variable's value (a Postgres URL may hold a password).
    #[arg(
        long,
        env = "BLINGER_GATEWAY_DB",
        hide_env_values = true,
        default_value = "sqlite://./blinger-gateway.sqlite"
    )]
    pub db: String,
    /// Webhooks are accepted at POST /hooks/blinger/<S> (none: ingest off).
    #[arg(
        long,
        env = "BLINGER_GATEWAY_WEBHOOK_SECRET",
        hide_env_values = true,
        value_name = "S"
    )]
    pub webhook_secret: Option<String>,
    /// CORS: an exact origin allowed (repeatable; the variable takes a comma-separated list).
    #[arg(
        long = "allow-origin",
        env = "BLINGER_GATEWAY_ALLOW_ORIGIN",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    pub allow_origins: Vec<String>,
    /// Identical upstream GETs within N ms share one answer.
    #[arg(
        long,
        env = "BLINGER_GATEWAY_COALESCE_MS",
        default_value_t = 1000,
        value_name = "N"
    )]
    pub coalesce_ms: u64,
    /// Without --webhook-secret: while event streams are open, poll the lists every N ms to push
    /// their changes (0: never).
    #[arg(
        long,
        env = "BLINGER_GATEWAY_POLL_MS",
        default_value_t = 2000,
        value_name = "N"
    )]
    pub poll_ms: u64,
    /// At most N upstream requests at once (the rest wait in a bounded queue, then 503).
    #[arg(
        long,
        env = "BLINGER_GATEWAY_UPSTREAM_CONCURRENCY",
        default_value_t = 8,
        value_name = "N",
        value_parser = clap::value_parser!(u16).range(1..)
    )]
    pub upstream_concurrency: u16,
    /// Serves a built app at /.
    #[arg(long = "static", env = "BLINGER_GATEWAY_STATIC", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
    /// Demo only: POST /gateway/dev-token {"operator_id":N} → {"token":…}, loopback peers only.
    #[arg(long, env = "BLINGER_GATEWAY_DEV_LOGIN", value_parser = BoolishValueParser::new())]
    pub dev_login: bool,
    /// Request log lines: text or json.
    #[arg(long, env = "BLINGER_GATEWAY_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// A setting that cannot be used, as one line naming it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CliError(pub String);

fn read_secret_file(flag: &str, path: &Path) -> Result<Vec<u8>, CliError> {
    let mut bytes = std::fs::read(path)
        .map_err(|e| CliError(format!("{flag}: cannot read {}: {e}", path.display())))?;
    // A file written by `echo` ends in a newline that is not part of the secret.
    while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        bytes.pop();
    }
    Ok(bytes)
}

/// Where the environment is read from (a test passes its own).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

impl Cli {
    /// The configuration these flags (and `env`) describe.
    ///
    /// # Errors
    /// A missing or unusable token, secret, store, origin or address.
    pub fn into_config(self, env: Env<'_>) -> Result<Config, CliError> {
        let token = match &self.token_file {
            Some(path) => String::from_utf8(read_secret_file("--token-file", path)?)
                .map_err(|_| CliError("--token-file: the token is not UTF-8".to_owned()))?,
            None => env("BLINGER_TOKEN").unwrap_or_default(),
        };
        if token.trim().is_empty() {
            return Err(CliError(
                "the account token is missing: give --token-file PATH or set BLINGER_TOKEN"
                    .to_owned(),
            ));
        }
        let jwt_secret = match &self.jwt_secret_file {
            Some(path) => read_secret_file("--jwt-secret-file", path)?,
            None => env("BLINGER_GATEWAY_JWT_SECRET")
                .unwrap_or_default()
                .into_bytes(),
        };
        if jwt_secret.is_empty() {
            return Err(CliError(
                "the JWT secret is missing: give --jwt-secret-file PATH or set BLINGER_GATEWAY_JWT_SECRET".to_owned(),
            ));
        }
        if jwt_secret.len() < crate::assumptions::MIN_JWT_SECRET_BYTES {
            return Err(CliError(format!(
                "--jwt-secret-file: the JWT secret is {} bytes; it must be at least {}",
                jwt_secret.len(),
                crate::assumptions::MIN_JWT_SECRET_BYTES
            )));
        }
        let db: DbUrl = self.db.parse().map_err(CliError)?;
        if !blinger_api::wire::is_http_url(&self.upstream) {
            return Err(CliError(format!(
                "--upstream must be an absolute http(s) URL, got {:?}",
                self.upstream
            )));
        }
        if self.webhook_secret.as_deref().is_some_and(str::is_empty) {
            return Err(CliError("--webhook-secret must not be empty".to_owned()));
        }
        let _checked = crate::web::cors_layer(&self.allow_origins).map_err(CliError)?;
        if let Some(dir) = &self.static_dir
            && !dir.is_dir()
        {
            return Err(CliError(format!(
                "--static: {} is not a directory",
                dir.display()
            )));
        }
        let defaults = Config::default();
        Ok(Config {
            addr: self.addr,
            upstream: self.upstream,
            token: token.trim().to_owned(),
            jwt_secret,
            db,
            webhook_secret: self.webhook_secret,
            allow_origins: self.allow_origins,
            coalesce: Duration::from_millis(self.coalesce_ms),
            poll: Duration::from_millis(self.poll_ms),
            limits: Limits {
                concurrency: usize::from(self.upstream_concurrency),
                ..defaults.limits
            },
            static_dir: self.static_dir,
            dev_login: self.dev_login,
            log_format: self.log_format,
            ..defaults
        })
    }
}

/// The first line of a clap error (its usage block is not one line).
#[must_use]
pub fn one_line(error: &clap::Error) -> String {
    let rendered = error.to_string();
    rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ")
        .to_owned()
}
