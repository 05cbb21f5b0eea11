//! Presentational states reused everywhere: banners, empty states and loading skeletons.

use yew::prelude::*;

/// Props of [`Banner`].
#[derive(Properties, PartialEq)]
pub struct BannerProps {
    /// `error`, `offline`, `auth` or `info` (a CSS modifier).
    pub kind: AttrValue,
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
    let role = if props.kind == "info" {
        "status"
    } else {
        "alert"
    };
    html! {
        <div class={classes!("bi-banner", format!("bi-banner--{}", props.kind))} {role} data-testid={format!("banner-{}", props.kind)}>
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
