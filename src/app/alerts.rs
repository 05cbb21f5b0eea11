//! The browser side of the app's opt-in alerts: the Notification permission, desktop
//! notifications, and a short tone made with Web Audio (no audio file, so nothing extra to serve
//! and nothing for the CSP to allow). Every call tolerates a browser without these APIs.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{AudioContext, Notification, NotificationOptions, NotificationPermission};

use super::notify::Alert;
use crate::i18n::{Key, Locale};

/// What the browser allows for desktop notifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// The API does not exist here.
    Unsupported,
    /// Not asked yet.
    Default,
    /// Allowed.
    Granted,
    /// Refused (only the user can change it, in the browser's settings).
    Denied,
}

fn supported() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::has(&w, &JsValue::from_str("Notification")).ok())
        .unwrap_or(false)
}

/// The current permission.
pub fn permission() -> Permission {
    if !supported() {
        return Permission::Unsupported;
    }
    match Notification::permission() {
        NotificationPermission::Granted => Permission::Granted,
        NotificationPermission::Denied => Permission::Denied,
        _ => Permission::Default,
    }
}

/// Asks for the permission (call it from the operator's click or change) and reports the answer.
pub fn request(done: impl FnOnce(Permission) + 'static) {
    if permission() != Permission::Default {
        done(permission());
        return;
    }
    match Notification::request_permission() {
        Ok(promise) => wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            done(permission());
        }),
        Err(_) => done(permission()),
    }
}

/// `true` while the operator is not looking at this tab (hidden, or another window focused).
pub fn page_in_background() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.hidden() || !d.has_focus().unwrap_or(true))
}

/// Shows one desktop notification per alert; a click focuses the tab and calls `open`.
pub fn notify(alerts: &[Alert], locale: Locale, open: impl Fn(u64) + Clone + 'static) {
    if permission() != Permission::Granted {
        return;
    }
    for alert in alerts {
        let options = NotificationOptions::new();
        let body = if alert.text.is_empty() {
            Key::NotifyFile.text(locale).to_owned()
        } else {
            alert.text.clone()
        };
        options.set_body(&body);
        // One notification per conversation: a newer message replaces the older one.
        options.set_tag(&format!("blinger-conversation-{}", alert.id.0));
        let title = if alert.new_conversation {
            format!(
                "{}: {}",
                Key::NotifyNewConversation.text(locale),
                alert.client
            )
        } else {
            alert.client.clone()
        };
        let Ok(notification) = Notification::new_with_options(&title, &options) else {
            continue;
        };
        let id = alert.id.0;
        let open = open.clone();
        let onclick = Closure::once_into_js(move || {
            if let Some(w) = web_sys::window() {
                let _ = w.focus();
            }
            open(id);
        });
        notification.set_onclick(onclick.dyn_ref::<js_sys::Function>());
    }
}

/// A short two-note tone. Needs an `AudioContext` made during a user gesture (browsers keep a
/// context made without one suspended); `None` plays nothing.
pub fn chime(context: Option<&AudioContext>) {
    let Some(ctx) = context else { return };
    let _ = ctx.resume();
    let now = ctx.current_time();
    for (i, freq) in [880.0_f32, 1318.5].into_iter().enumerate() {
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else {
            return;
        };
        let start = now + 0.12 * i as f64;
        osc.frequency().set_value(freq);
        let g = gain.gain();
        let _ = g.set_value_at_time(0.0001, start);
        let _ = g.exponential_ramp_to_value_at_time(0.12, start + 0.02);
        let _ = g.exponential_ramp_to_value_at_time(0.0001, start + 0.25);
        if osc.connect_with_audio_node(&gain).is_err()
            || gain.connect_with_audio_node(&ctx.destination()).is_err()
        {
            return;
        }
        let _ = osc.start_with_when(start);
        let _ = osc.stop_with_when(start + 0.3);
    }
}

/// A new audio context (call from a user gesture).
pub fn audio_context() -> Option<AudioContext> {
    AudioContext::new().ok()
}
