//! `blinger-gateway` command line: reads the flags (and `BLINGER_GATEWAY_*`), starts the
//! gateway, prints `blinger-gateway listening on http://ADDR` as its first line, and stops
//! cleanly on SIGINT/SIGTERM. A bad flag or missing secret: one line on stderr, exit 2.

use std::process::ExitCode;

use blinger_gateway::cli::{Cli, one_line};
use blinger_gateway::{StartError, start};
use clap::Parser;

/// Listens for SIGINT/SIGTERM from now on: installed before the listening line is printed, so a
/// signal sent as soon as that line is read stops the gateway gracefully instead of killing it
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

fn usage_error(message: &str) -> ExitCode {
    eprintln!("blinger-gateway: {message}");
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help, --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => return usage_error(&one_line(&e)),
    };
    let env = |name: &str| std::env::var(name).ok();
    let config = match cli.into_config(&env) {
        Ok(config) => config,
        Err(e) => return usage_error(&e.0),
    };
    let dev_login = config.dev_login;
    let gateway = match start(config).await {
        Ok(gateway) => gateway,
        Err(StartError::Config(e)) => return usage_error(&e),
        Err(e) => {
            eprintln!("blinger-gateway: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stop = signals();
    // Scripts wait for this exact first line.
    println!("blinger-gateway listening on {}", gateway.url());
    if dev_login {
        println!(
            "WARNING: --dev-login is on: any local process can get a token for any operator (POST /gateway/dev-token). Demo only."
        );
    }
    stop.await;
    println!("blinger-gateway shutting down");
    gateway.shutdown().await;
    ExitCode::SUCCESS
}
