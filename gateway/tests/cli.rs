//! GATEWAY.md, "Command line": the built binary. Bad flags and missing or short secrets are one
//! line naming them and exit 2; a good start prints the listening line first and stops on
//! SIGTERM.
#![allow(clippy::restriction)] // tests unwrap, index and panic

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_blinger-gateway");
const SECRET: &str = "0123456789abcdef0123456789abcdef";

fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_clear().stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// name, arguments, environment, what the error line must name
type Case<'a> = (&'a str, Vec<&'a str>, &'a [(&'a str, &'a str)], &'a str);

#[test]
fn mistakes_are_one_line_and_exit_2() {
    let token = [("BLINGER_TOKEN", "t")];
    let both = [
        ("BLINGER_TOKEN", "t"),
        ("BLINGER_GATEWAY_JWT_SECRET", SECRET),
    ];
    let cases: Vec<Case<'_>> = vec![
        (
            "no token",
            vec![],
            &[("BLINGER_GATEWAY_JWT_SECRET", SECRET)],
            "token",
        ),
        ("no secret", vec![], &token, "JWT secret"),
        (
            "short secret",
            vec![],
            &[
                ("BLINGER_TOKEN", "t"),
                ("BLINGER_GATEWAY_JWT_SECRET", "short"),
            ],
            "at least 32",
        ),
        (
            "missing secret file",
            vec!["--jwt-secret-file", "/nonexistent/x"],
            &token,
            "--jwt-secret-file",
        ),
        ("unknown flag", vec!["--frobnicate"], &both, "--frobnicate"),
        ("bad address", vec!["--addr", "nowhere"], &both, "--addr"),
        (
            "bad coalesce",
            vec!["--coalesce-ms", "soon"],
            &both,
            "--coalesce-ms",
        ),
        (
            "zero concurrency",
            vec!["--upstream-concurrency", "0"],
            &both,
            "--upstream-concurrency",
        ),
        (
            "bad postgres url",
            vec!["--db", "postgres://localhost:port/x"],
            &both,
            "postgres:// URL",
        ),
        ("bad db", vec!["--db", "mysql://x"], &both, "--db"),
        (
            "bad upstream",
            vec!["--upstream", "ftp://x"],
            &both,
            "--upstream",
        ),
        (
            "star origin",
            vec!["--allow-origin", "*"],
            &both,
            "--allow-origin",
        ),
        (
            "env flag",
            vec![],
            &[
                ("BLINGER_TOKEN", "t"),
                ("BLINGER_GATEWAY_JWT_SECRET", SECRET),
                ("BLINGER_GATEWAY_ADDR", "x"),
            ],
            "ADDR",
        ),
    ];
    for (name, args, env, needle) in cases {
        let (code, stderr) = run(&args, env);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "{name}: one line: {stderr}"
        );
        assert!(stderr.contains(needle), "{name}: {stderr}");
        assert!(!stderr.contains(SECRET), "{name}");
    }
}

#[test]
fn help_never_shows_the_database_url_or_the_webhook_secret_from_the_environment() {
    let out = Command::new(BIN)
        .arg("--help")
        .env_clear()
        .env("BLINGER_GATEWAY_DB", "postgres://gw:pg-password-9f1@db/gw")
        .env("BLINGER_GATEWAY_WEBHOOK_SECRET", "hook-secret-77c")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("BLINGER_GATEWAY_DB"), "{text}");
    assert!(!text.contains("pg-password-9f1"), "{text}");
    assert!(!text.contains("hook-secret-77c"), "{text}");
    // A mistyped scheme: the error names the scheme, never the rest of the URL.
    let (code, stderr) = run(
        &["--db", "postgress://gw:pg-password-9f1@db/gw"],
        &[
            ("BLINGER_TOKEN", "t"),
            ("BLINGER_GATEWAY_JWT_SECRET", SECRET),
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("postgress"), "{stderr}");
    assert!(!stderr.contains("pg-password-9f1"), "{stderr}");
}

#[test]
fn first_line_is_the_address_and_sigterm_stops_it() {
    let dir = std::env::temp_dir().join(format!("gw-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let secret_file = dir.join("secret");
    std::fs::write(&secret_file, format!("{SECRET}\n")).unwrap();
    let token_file = dir.join("token");
    std::fs::write(&token_file, "account-token-xyz\n").unwrap();
    let mut child = Command::new(BIN)
        .args([
            "--addr",
            "127.0.0.1:0",
            "--db",
            "sqlite::memory:",
            "--upstream",
            "http://127.0.0.1:9",
            "--dev-login",
        ])
        .arg("--jwt-secret-file")
        .arg(&secret_file)
        .arg("--token-file")
        .arg(&token_file)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let addr = first
        .strip_prefix("blinger-gateway listening on http://")
        .unwrap();
    let port: u16 = addr.rsplit(':').next().unwrap().parse().unwrap();
    assert_ne!(port, 0);
    assert!(lines.next().unwrap().unwrap().contains("--dev-login"));
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0), "graceful exit");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("shutting down")));
    assert!(!rest.join("\n").contains("account-token-xyz"));
    let _ = std::fs::remove_dir_all(&dir);
}
