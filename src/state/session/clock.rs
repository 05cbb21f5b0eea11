//! The clocks and the browser state the session reads.

/// Monotonic milliseconds (`performance.now()`): for waits and ages within this page, which a
/// clock change must not stretch or shrink.
pub fn mono_ms() -> u64 {
    let now = web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now());
    if now.is_finite() && now > 0.0 {
        now as u64
    } else {
        0
    }
}

/// Milliseconds since the epoch (compared with server times, stored).
pub fn now_ms() -> u64 {
    let now = js_sys::Date::now();
    if now.is_finite() && now > 0.0 {
        now as u64
    } else {
        0
    }
}

pub(super) fn page_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() != web_sys::VisibilityState::Hidden)
}

pub(super) fn browser_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}
