//! The timeline: history, what this widget sent and client messages seen by polling, with day
//! separators, sender grouping, notes styled unmistakably, files, and per-item send states.
//! `role=log` announces new entries politely; it sticks to the bottom only when already there.
//! Its entries are `div`s: a list inside `role=log` loses its list semantics, and `li`s outside
//! a list are invalid (axe: listitem).

use std::rc::Rc;

use web_sys::{Element, HtmlElement};
use yew::prelude::*;

use super::time;
use crate::api::{ConversationId, MessageKind, Operator};
use crate::i18n::{Key, Locale};
use crate::state::OpenState;
use crate::state::SessionHandle;
use crate::state::session::SendsState;
use crate::sync::outbox::LocalId;
use crate::sync::timeline::{EntrySource, EntryState, TimelineEntry, merge};

/// Props of [`Timeline`].
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The conversation.
    pub id: ConversationId,
    /// Its store.
    pub open: UseReducerHandle<OpenState>,
    /// Outbox.
    pub sends: UseReducerHandle<SendsState>,
    /// Operators (authors of history messages).
    pub operators: Rc<Vec<Operator>>,
    /// Language.
    pub locale: Locale,
}

/// Image previews only for these extensions (the URL is shown as a link chip otherwise).
const IMAGE_EXTENSIONS: [&str; 6] = [".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"];

/// `true` for an http(s) URL whose path ends like an image.
pub fn is_image_url(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    crate::api::wire::is_http_url(url) && IMAGE_EXTENSIONS.iter().any(|e| path.ends_with(e))
}

/// The host name of an http(s) URL, for link chips.
pub fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The timeline pane.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let session = use_context::<SessionHandle>();
    let t = |k: Key| k.text(props.locale);
    let scroller = use_node_ref();
    let unseen = use_state(|| false);

    let entries = {
        let history = props.open.history.clone();
        let outbox = props.sends.outbox.clone();
        let observed = props.open.observed.clone();
        let id = props.id;
        use_memo(
            (history, outbox, observed, id),
            |(history, outbox, observed, id)| {
                let history: &[crate::api::HistoryMessage] =
                    history.as_deref().map(Vec::as_slice).unwrap_or(&[]);
                merge(*id, history, outbox.items(), observed)
            },
        )
    };

    let (onscroll, onpill) = use_follow_bottom(&scroller, &unseen, props.id, entries.len());

    let mut last_day = None;
    let mut last_author: Option<(String, String)> = None;
    let items = entries.iter().map(|entry| {
        let mut out = Vec::new();
        if let Some(at) = entry.at {
            let day = time::day_key(at);
            if last_day != Some(day) {
                last_day = Some(day);
                last_author = None;
                out.push(html! { <div class="bi-day" role="separator"><span>{ time::day(props.locale, at) }</span></div> });
            }
        }
        let author_key = (entry.kind.as_str().to_owned(), entry.author.clone().unwrap_or_default());
        let continued = last_author.as_ref() == Some(&author_key);
        last_author = Some(author_key);
        out.push(entry_view(entry, continued, props, session.as_ref(), t));
        out.into_iter().collect::<Html>()
    });

    html! {
        <div class="bi-timeline-wrap">
            if props.open.history_error.is_some() {
                <p class="bi-notice" role="status">{ t(Key::HistoryUnavailable) }</p>
            }
            <div class="bi-timeline" role="log" aria-live="polite" aria-label={t(Key::TimelineLabel)}
                ref={scroller} {onscroll} tabindex="0" data-testid="timeline">
                if entries.is_empty() {
                    <div class="bi-empty"><p>{ t(Key::TimelineEmpty) }</p></div>
                }
                { for items }
            </div>
            if *unseen {
                <button type="button" class="bi-pill" onclick={onpill} data-testid="timeline-new">{ t(Key::NewMessages) }</button>
            }
        </div>
    }
}

/// New entries are followed only when the operator was already at the bottom; otherwise a
/// "new messages" pill appears (`unseen`), and scrolling down or clicking it clears it.
#[hook]
fn use_follow_bottom(
    scroller: &NodeRef,
    unseen: &UseStateHandle<bool>,
    id: ConversationId,
    count: usize,
) -> (Callback<Event>, Callback<MouseEvent>) {
    let at_bottom = use_mut_ref(|| true);
    {
        // New entries: follow them only when the operator was already at the bottom.
        let scroller = scroller.clone();
        let at_bottom = at_bottom.clone();
        let unseen = unseen.clone();
        use_effect_with((id, count), move |_| {
            if let Some(el) = scroller.cast::<Element>() {
                if *at_bottom.borrow() {
                    el.set_scroll_top(el.scroll_height());
                } else {
                    unseen.set(true);
                }
            }
        });
    }
    let onscroll = {
        let at_bottom = at_bottom.clone();
        let unseen = unseen.clone();
        Callback::from(move |e: Event| {
            let el: Element = e.target_unchecked_into();
            let bottom = el.scroll_height() - el.scroll_top() - el.client_height() < 40;
            *at_bottom.borrow_mut() = bottom;
            if bottom && *unseen {
                unseen.set(false);
            }
        })
    };
    let onpill = {
        let scroller = scroller.clone();
        let unseen = unseen.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(el) = scroller.cast::<HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
            unseen.set(false);
        })
    };

    (onscroll, onpill)
}

fn entry_view(
    entry: &TimelineEntry,
    continued: bool,
    props: &TimelineProps,
    session: Option<&SessionHandle>,
    t: impl Fn(Key) -> &'static str + Copy,
) -> Html {
    let kind = entry.kind.as_str().to_owned();
    let author = match (&entry.kind, entry.operator_id) {
        (MessageKind::Client, _) => entry
            .author
            .clone()
            .unwrap_or_else(|| t(Key::ClientWord).to_owned()),
        (_, Some(op)) => props
            .operators
            .iter()
            .find(|o| o.id == op)
            .map_or_else(|| t(Key::OperatorWord).to_owned(), |o| o.email.clone()),
        (_, None) => t(Key::YouWord).to_owned(),
    };
    let is_note = entry.kind == MessageKind::Note;
    let from_client = entry.kind == MessageKind::Client;
    let body = match (&entry.kind, &entry.file_url) {
        (MessageKind::File, Some(url)) if is_image_url(url) => html! {
            <a class="bi-file" href={url.clone()} target="_blank" rel="noopener noreferrer">
                <img class="bi-file__img" src={url.clone()} alt={t(Key::ImageAlt)} loading="lazy" referrerpolicy="no-referrer" />
            </a>
        },
        (MessageKind::File, Some(url)) => html! {
            <a class="bi-chip bi-chip--link" href={url.clone()} target="_blank" rel="noopener noreferrer" title={url.clone()}>
                { format!("📎 {}", host_of(url)) }
            </a>
        },
        _ => {
            html! { <p class="bi-msg__text" dir="auto">{ entry.text.clone().unwrap_or_default() }</p> }
        }
    };
    let local = match entry.source {
        EntrySource::Local { local_id } => Some(local_id),
        _ => None,
    };
    let state_line = match (&entry.state, local) {
        (EntryState::Sending, _) => {
            html! { <span class="bi-msg__state">{ t(Key::Sending) }</span> }
        }
        (EntryState::Failed { message: why }, Some(id))
        | (EntryState::Unconfirmed { reason: why }, Some(id)) => {
            let failed = matches!(entry.state, EntryState::Failed { .. });
            html! {
                <div class="bi-msg__problem" role="alert">
                    <span>{ if failed { t(Key::SendFailed) } else { t(Key::SendUnconfirmed) } }{ " " }{ why.clone() }</span>
                    { retry_buttons(id, session, t) }
                </div>
            }
        }
        _ => html! {},
    };
    let note_label =
        is_note.then(|| html! { <span class="bi-msg__notelabel">{ t(Key::NoteLabel) }</span> });
    html! {
        <div key={entry.id.clone()} data-testid="timeline-item" data-kind={kind.clone()} data-state={entry.state.hook()}
            class={classes!("bi-msg", format!("bi-msg--{kind}"), from_client.then_some("bi-msg--in"), (!from_client).then_some("bi-msg--out"), continued.then_some("bi-msg--cont"))}>
            if !continued || is_note {
                <div class="bi-msg__head">
                    { note_label }
                    <span class="bi-msg__author" dir="auto">{ author }</span>
                    if let Some(at) = entry.at {
                        <time class="bi-msg__time" title={time::full(props.locale, at)}>{ time::clock(props.locale, at) }</time>
                    }
                </div>
            }
            { body }
            { state_line }
        </div>
    }
}

fn retry_buttons(
    id: LocalId,
    session: Option<&SessionHandle>,
    t: impl Fn(Key) -> &'static str + Copy,
) -> Html {
    let Some(session) = session.cloned() else {
        return html! {};
    };
    let onretry = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.retry(id))
    };
    let ondiscard = Callback::from(move |_: MouseEvent| {
        let _ = session.discard(id);
    });
    html! {
        <>
            <button type="button" class="bi-button bi-button--small" onclick={onretry} data-testid="timeline-retry">{ t(Key::Retry) }</button>
            <button type="button" class="bi-button bi-button--small" onclick={ondiscard} data-testid="timeline-discard">{ t(Key::Discard) }</button>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_only_for_http_urls_with_image_paths() {
        assert!(is_image_url("https://cdn.example/a/b.PNG?x=1"));
        assert!(!is_image_url("javascript:alert(1)//.png"));
        assert!(!is_image_url("data:image/png;base64,AAAA.png"));
        assert!(!is_image_url("https://example.com/file.pdf"));
        assert_eq!(
            host_of("https://user@files.example.com:8443/x?y"),
            "files.example.com:8443"
        );
    }
}
