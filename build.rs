//! The stylesheet of the widget's shadow root, minified into `OUT_DIR/shadow.css` for
//! `embed/mount.rs` to embed: the suite's stylesheet (`www/inbox.css`, also served to the
//! standalone app, which esbuild minifies in `scripts/build-app.sh`) plus the shadow-only rules.
//! The embedded copy is part of the wasm every page downloads, so its comments and indentation
//! are dropped here (about a sixth of the text).
//!
//! The minifier only removes what CSS never needs: comments, and whitespace that is either a
//! run (kept as one space) or next to `{`, `}`, `;`, `,` or `>`. Strings are copied as they are.
//! Spaces next to `+`, `-`, `(` and `:` stay (`calc(1px + 2px)`, `and (…)`, `a :hover`).

use std::path::PathBuf;

const SOURCES: [&str; 2] = ["www/inbox.css", "src/embed/shadow.css"];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut css = String::new();
    for source in SOURCES {
        println!("cargo:rerun-if-changed={source}");
        css.push_str(&std::fs::read_to_string(source)?);
        css.push('\n');
    }
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("shadow.css");
    std::fs::write(out, minify(&css))?;
    Ok(())
}

/// Characters around which whitespace never matters.
fn tight(c: char) -> bool {
    matches!(c, '{' | '}' | ';' | ',' | '>')
}

fn minify(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut pending_space = false;
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for d in chars.by_ref() {
                    if last == '*' && d == '/' {
                        break;
                    }
                    last = d;
                }
                pending_space = true;
            }
            c if c.is_whitespace() => pending_space = true,
            '"' | '\'' => {
                flush_space(&mut out, &mut pending_space, c);
                out.push(c);
                let mut escaped = false;
                for d in chars.by_ref() {
                    out.push(d);
                    if escaped {
                        escaped = false;
                    } else if d == '\\' {
                        escaped = true;
                    } else if d == c {
                        break;
                    }
                }
            }
            c => {
                flush_space(&mut out, &mut pending_space, c);
                out.push(c);
            }
        }
    }
    out
}

/// Writes the one space a whitespace run (or comment) before `next` stands for, unless it is
/// at the start or next to a [`tight`] character.
fn flush_space(out: &mut String, pending: &mut bool, next: char) {
    if std::mem::take(pending) && !tight(next) && out.chars().last().is_some_and(|p| !tight(p)) {
        out.push(' ');
    }
}
