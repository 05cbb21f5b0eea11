//! `blinger-sandbox` command line: parses flags (each mirrored by a `BLINGER_SANDBOX_*` variable),
//! starts the server, prints the URL and token, and stops cleanly on SIGINT/SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use blinger_sandbox::{Config, SeedMode};
use clap::Parser;
use clap::builder::BoolishValueParser;

/// A local server that behaves like Blinger's conversations API.
#[derive(Debug, Parser)]
#[command(name = "blinger-sandbox", version, about)]
struct Cli {
    /// Address to listen on (port 0 = any free port; the real one is printed).
    #[arg(long, env = "BLINGER_SANDBOX_ADDR", default_value = "127.0.0.1:8787")]
    addr: SocketAddr,
    /// SQLite database file, or `:memory:`.
    #[arg(
        long,
        env = "BLINGER_SANDBOX_DB",
        default_value = "./blinger-sandbox.sqlite"
    )]
    db: String,
    /// The account token clients must send in `Authentication`.
    #[arg(long, env = "BLINGER_SANDBOX_TOKEN", default_value = blinger_sandbox::DEFAULT_TOKEN)]
    token: String,
    /// What a fresh database gets: demo (default) or empty. A non-empty database is never re-seeded.
    #[arg(long, env = "BLINGER_SANDBOX_SEED")]
    seed: Option<SeedMode>,
    /// A simulated client writes in every SECONDS.
    #[arg(long, env = "BLINGER_SANDBOX_SIMULATE", value_name = "SECONDS")]
    simulate: Option<f64>,
    /// Enables the loopback-only control endpoints /sandbox/faults, /sandbox/requests and
    /// /sandbox/fixtures (JSON POSTs only; no Origin but this server's or a --cors-origin).
    #[arg(long, env = "BLINGER_SANDBOX_FAULTS", value_parser = BoolishValueParser::new())]
    faults: bool,
    /// Serves this built app directory at /.
    #[arg(
        long = "static",
        alias = "static-dir",
        env = "BLINGER_SANDBOX_STATIC",
        value_name = "DIR"
    )]
    static_dir: Option<PathBuf>,
    /// POSTs Blinger-shaped webhooks here.
    #[arg(long, env = "BLINGER_SANDBOX_WEBHOOK_URL", value_name = "URL")]
    webhook_url: Option<String>,
    /// Allows this exact origin through CORS (repeatable; the variable takes a comma-separated list).
    #[arg(
        long = "cors-origin",
        env = "BLINGER_SANDBOX_CORS_ORIGIN",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    cors_origins: Vec<String>,
    /// Serves /proxy/api/... and /proxy/sandbox/conversations/... adding the token server-side.
    #[arg(long, env = "BLINGER_SANDBOX_PROXY", value_parser = BoolishValueParser::new())]
    proxy: bool,
    /// Also answers requests whose Host is HOST (any port) or HOST:PORT (that port only), e.g. a
    /// reverse proxy's name or a second test name (repeatable; the variable takes a comma-separated
    /// list). Without it only localhost and IP addresses with the listening port are answered;
    /// any other Host gets 421 (DNS-rebinding defence).
    #[arg(
        long = "public-host",
        env = "BLINGER_SANDBOX_PUBLIC_HOST",
        value_name = "HOST[:PORT]",
        value_delimiter = ','
    )]
    public_hosts: Vec<String>,
}

/// Listens for SIGINT/SIGTERM from now on: installed before the listening line is printed, so a
/// signal sent as soon as that line is read stops the sandbox gracefully instead of killing it
/// (the default action) before the handler exists.
fn signals() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        // `signal` registers when called (`ctrl_c()` only when first polled).
        let int = signal(SignalKind::interrupt());
        let term = signal(SignalKind::terminate());
        async move {
            let wait = |s: std::io::Result<tokio::signal::unix::Signal>| async move {
                match s {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(int) => {}
                () = wait(term) => {}
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let simulate = match cli.simulate {
        Some(secs) if secs.is_finite() && secs > 0.0 => Some(Duration::from_secs_f64(secs)),
        Some(_) => {
            eprintln!("blinger-sandbox: --simulate must be a positive number of seconds");
            return ExitCode::from(2);
        }
        None => None,
    };
    let config = Config {
        addr: cli.addr,
        db: cli.db,
        token: cli.token,
        seed: cli.seed,
        simulate,
        faults: cli.faults,
        static_dir: cli.static_dir,
        webhook_url: cli.webhook_url,
        cors_origins: cli.cors_origins,
        proxy: cli.proxy,
        public_hosts: cli.public_hosts,
        ..Config::default()
    };
    let token = config.token.clone();
    let server = match blinger_sandbox::start(config).await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("blinger-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Scripts wait for this exact line: the URL alone after the prefix.
    let stop = signals();
    println!("blinger-sandbox listening on {}", server.url());
    println!("token: {token}");
    println!(
        "started in {} ms{}",
        server.startup.as_millis(),
        if server.seeded {
            " (database seeded)"
        } else {
            ""
        }
    );
    stop.await;
    println!("blinger-sandbox shutting down");
    server.shutdown().await;
    ExitCode::SUCCESS
}
