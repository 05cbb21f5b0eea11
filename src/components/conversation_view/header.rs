//! The conversation's header: who (client, channel, status, operator, group) and the actions
//! (Take/Reopen, Unassign, Close, Assign operator, Assign group) with their pending, scheduled
//! (Undo) and failed states.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::{Conversation, GroupId, OperatorId, Status};
use crate::components::feedback::{Banner, BannerKind};
use crate::i18n::{Key, Locale};
use crate::state::session::SyncState;
use crate::state::{Action, ActionKind, ActionState, OpenState, SessionHandle};

/// Client, channel, status, assignee and group.
pub(super) fn who(c: &Conversation, sync: &SyncState, mine: bool, locale: Locale) -> Html {
    let t = |k: Key| k.text(locale);
    let operator = c
        .operator_user_id
        .and_then(|u| sync.operators.iter().find(|o| o.user_id == u).cloned());
    let group = c
        .group_id
        .and_then(|g| sync.groups.iter().find(|x| x.id == g).cloned());
    let status_key = match c.status {
        Status::Unassigned => Key::StatusUnassigned,
        Status::Inbox => Key::StatusInbox,
        Status::Closed => Key::StatusClosed,
        Status::Other(_) => Key::StatusOther,
    };

    html! {
        <div class="bi-header__who">
            <h2 class="bi-header__name" dir="auto">{ c.client_name.clone() }</h2>
            <div class="bi-header__meta">
                <span class="bi-chip">{ c.channel.label().to_owned() }</span>
                <span class={classes!("bi-status", format!("bi-status--{}", c.status.as_str().chars().filter(char::is_ascii_alphanumeric).collect::<String>()))}
                    data-testid="conversation-status" data-status={c.status.as_str().to_owned()}
                    aria-label={t(status_key)}>{ c.status.as_str().to_owned() }</span>
                if let Some(op) = &operator {
                    <span class="bi-header__operator" dir="auto">{ if mine { t(Key::AssignedToMe).to_owned() } else { op.email.clone() } }</span>
                }
                if let Some(g) = &group {
                    <span class="bi-group" dir="auto">
                        <span class={classes!("bi-group__dot", g.color.as_deref().map(color_class))} aria-hidden="true"></span>
                        { g.title.clone() }
                    </span>
                }
            </div>
        </div>
    }
}

/// The action toolbar.
pub(super) fn toolbar(
    session: &SessionHandle,
    open: &UseReducerHandle<OpenState>,
    sync: &SyncState,
    c: &Conversation,
    mine: bool,
    locale: Locale,
) -> Html {
    let t = |k: Key| k.text(locale);
    let busy = matches!(
        open.action,
        ActionState::Pending(_) | ActionState::Scheduled { .. }
    );
    let act = |action: Action| {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.act(action))
    };
    let onassign_operator = {
        let session = session.clone();
        Callback::from(move |e: Event| {
            let select = e.target_unchecked_into::<HtmlSelectElement>();
            if let Ok(n) = select.value().parse::<u64>() {
                session.act(Action::AssignOperator(OperatorId(n)));
            }
            select.set_value("");
        })
    };
    let onassign_group = {
        let session = session.clone();
        Callback::from(move |e: Event| {
            let select = e.target_unchecked_into::<HtmlSelectElement>();
            if let Ok(n) = select.value().parse::<u64>() {
                session.act(Action::AssignGroup(GroupId(n)));
            }
            select.set_value("");
        })
    };
    let pending = |kind: ActionKind| matches!(open.action, ActionState::Pending(k) if k == kind);
    let label = |kind: ActionKind, idle: Key| {
        if pending(kind) {
            t(Key::Working)
        } else {
            t(idle)
        }
    };
    html! {
        <div class="bi-actions" role="toolbar" aria-label={t(Key::ActionsLabel)}>
            if c.status != Status::Inbox || !mine {
                <button type="button" class="bi-button" data-testid="action-take" disabled={busy} onclick={act(Action::Take)}>
                    { label(ActionKind::Take, if c.status == Status::Closed { Key::Reopen } else { Key::Take }) }
                </button>
            }
            if c.status == Status::Inbox {
                <button type="button" class="bi-button" data-testid="action-unassign" disabled={busy} onclick={act(Action::Unassign)}>
                    { label(ActionKind::Unassign, Key::Unassign) }
                </button>
            }
            if c.status != Status::Closed {
                <button type="button" class="bi-button" data-testid="action-close" disabled={busy} onclick={act(Action::Close)}>
                    { label(ActionKind::Close, Key::Close) }
                </button>
            }
            <select class="bi-select" data-testid="action-assign-operator" disabled={busy} onchange={onassign_operator}
                aria-label={t(Key::AssignOperator)}>
                <option value="" selected=true>{ if pending(ActionKind::AssignOperator) { t(Key::Working) } else { t(Key::AssignOperator) } }</option>
                { for sync.operators.iter().map(|o| html! { <option value={o.id.to_string()}>{ o.email.clone() }</option> }) }
            </select>
            <select class="bi-select" data-testid="action-assign-group" disabled={busy} onchange={onassign_group}
                aria-label={t(Key::AssignGroup)}>
                <option value="" selected=true>{ if pending(ActionKind::AssignGroup) { t(Key::Working) } else { t(Key::AssignGroup) } }</option>
                { for sync.groups.iter().map(|g| html! { <option value={g.id.to_string()}>{ g.title.clone() }</option> }) }
            </select>
        </div>
    }
}

/// A scheduled Close/Unassign with Undo, or a failed action with Dismiss.
pub(super) fn action_feedback(
    session: &SessionHandle,
    open: &UseReducerHandle<OpenState>,
    locale: Locale,
) -> Html {
    let t = |k: Key| k.text(locale);
    let onundo = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.undo())
    };
    let ondismiss = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| session.dismiss_action_error())
    };
    match &open.action {
        ActionState::Scheduled { kind, .. } => html! {
            <Banner kind={BannerKind::Info} title={if *kind == ActionKind::Close { t(Key::ClosingSoon) } else { t(Key::UnassigningSoon) }}>
                <button type="button" class="bi-button bi-button--small" onclick={onundo} data-testid="action-undo">{ t(Key::Undo) }</button>
            </Banner>
        },
        ActionState::Failed { message, .. } => html! {
            <Banner kind={BannerKind::Error} title={t(Key::ActionFailed)} message={message.clone()}>
                <button type="button" class="bi-button bi-button--small" onclick={ondismiss}>{ t(Key::Dismiss) }</button>
            </Banner>
        },
        _ => html! {},
    }
}

/// Group colours come from the server: they become one of a fixed set of classes (never a
/// `style` attribute, which a strict CSP forbids and which would let server data into CSS).
pub fn color_class(color: &str) -> String {
    let hex = color.trim_start_matches('#');
    let expand = |s: &str| -> Option<(u8, u8, u8)> {
        let v = |i: usize| s.get(i..i + 1).and_then(|c| u8::from_str_radix(c, 16).ok());
        match s.len() {
            3 => Some((v(0)? * 17, v(1)? * 17, v(2)? * 17)),
            6 => {
                let p = |i: usize| s.get(i..i + 2).and_then(|c| u8::from_str_radix(c, 16).ok());
                Some((p(0)?, p(2)?, p(4)?))
            }
            _ => None,
        }
    };
    let Some((r, g, b)) = expand(hex) else {
        return "bi-hue-none".into();
    };
    let (r, g, b) = (f32::from(r), f32::from(g), f32::from(b));
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    if max - min < 16.0 {
        return "bi-hue-grey".into();
    }
    let hue = if (max - r).abs() < f32::EPSILON {
        60.0 * (((g - b) / (max - min)).rem_euclid(6.0))
    } else if (max - g).abs() < f32::EPSILON {
        60.0 * ((b - r) / (max - min) + 2.0)
    } else {
        60.0 * ((r - g) / (max - min) + 4.0)
    };
    format!("bi-hue-{}", ((hue / 30.0).round() as u32) % 12)
}
