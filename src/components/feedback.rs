//! Presentational states reused everywhere: banners, empty states and loading skeletons.

use yew::prelude::*;

/// What a banner says: its CSS modifier, its test id and its ARIA role follow from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BannerKind {
    /// Something failed (announced as an alert).
    Error,
    /// The browser is offline.
    Offline,
    /// The token was refused.
    Auth,
    /// News that is not a failure (a scheduled Close with Undo); a polite status.
    Info,
}

impl BannerKind {
    /// The CSS modifier and `data-testid` suffix (`banner-error`, …).
    pub const fn name(self) -> &'static str {
        match self {
            BannerKind::Error => "error",
            BannerKind::Offline => "offline",
            BannerKind::Auth => "auth",
            BannerKind::Info => "info",
        }
    }

    /// The ARIA role: only failures interrupt a screen reader.
    pub const fn role(self) -> &'static str {
        match self {
            BannerKind::Info => "status",
            BannerKind::Error | BannerKind::Offline | BannerKind::Auth => "alert",
        }
    }
}

/// Props of [`Banner`].
#[derive(Properties, PartialEq)]
pub struct BannerProps {
    /// What it is.
    pub kind: BannerKind,
    /// The headline.
    pub title: AttrValue,
    /// The details, in user words.
    #[prop_or_default]
    pub message: AttrValue,
    /// Optional action buttons.
    #[prop_or_default]
    pub children: Html,
}

/// A state the operator must know about (errors are announced as alerts).
#[component]
pub fn Banner(props: &BannerProps) -> Html {
    let kind = props.kind.name();
    html! {
        <div class={classes!("bi-banner", format!("bi-banner--{kind}"))} role={props.kind.role()} data-testid={format!("banner-{kind}")}>
            <strong>{ props.title.clone() }</strong>
            if !props.message.is_empty() { <span>{ " " }{ props.message.clone() }</span> }
            { props.children.clone() }
        </div>
    }
}

/// Props of [`EmptyState`].
#[derive(Properties, PartialEq)]
pub struct EmptyStateProps {
    /// What is (not) there.
    pub title: AttrValue,
}

/// Nothing to show, said plainly.
#[component]
pub fn EmptyState(props: &EmptyStateProps) -> Html {
    html! { <div class="bi-empty" role="status" data-testid="empty-state"><p>{ props.title.clone() }</p></div> }
}

/// Props of [`Skeleton`].
#[derive(Properties, PartialEq)]
pub struct SkeletonProps {
    /// How many placeholder rows.
    pub rows: usize,
    /// What is loading (for screen readers).
    pub label: AttrValue,
}

/// A loading placeholder.
#[component]
pub fn Skeleton(props: &SkeletonProps) -> Html {
    html! {
        <div class="bi-skeleton" role="status" aria-busy="true" data-testid="loading">
            <span class="bi-visually-hidden">{ props.label.clone() }</span>
            { for (0..props.rows).map(|_| html! { <div class="bi-skeleton__row" aria-hidden="true"></div> }) }
        </div>
    }
}
