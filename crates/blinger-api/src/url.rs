//! The one test of what counts as an absolute web address, shared by the decoders (only
//! `http`/`https` links are kept) and the widget's configuration checks.

/// `true` when `s` holds whitespace or a control character.
#[must_use]
pub fn has_bad_chars(s: &str) -> bool {
    s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `http://host…` or `https://host…` (scheme in any case) with a non-empty host and no user-info.
#[must_use]
pub fn is_absolute_http(s: &str) -> bool {
    let head: String = s.chars().take(8).collect::<String>().to_ascii_lowercase();
    let rest = if head.starts_with("https://") {
        s.get(8..)
    } else if head.starts_with("http://") {
        s.get(7..)
    } else {
        None
    };
    let Some(rest) = rest else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    !authority.is_empty() && !authority.contains('@') && !has_bad_chars(s)
}
