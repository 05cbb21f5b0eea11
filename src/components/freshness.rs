//! "Updated 4 s ago": how fresh the lists are, ticking every second on its own so nothing else
//! re-renders for it.

use yew::prelude::*;

use crate::i18n::{Key, Locale};

/// Props of [`Freshness`].
#[derive(Properties, PartialEq)]
pub struct FreshnessProps {
    /// When all lists last succeeded (ms since the epoch).
    pub updated_at: Option<u64>,
    /// Language.
    pub locale: Locale,
}

/// The freshness label.
#[component]
pub fn Freshness(props: &FreshnessProps) -> Html {
    let tick = use_state(|| 0_u32);
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let interval =
                gloo_timers::callback::Interval::new(1_000, move || tick.set(tick.wrapping_add(1)));
            move || drop(interval)
        });
    }
    let now = crate::state::session::now_ms();
    let text = match props.updated_at {
        None => Key::NotUpdatedYet.text(props.locale).to_owned(),
        Some(at) => {
            let secs = now.saturating_sub(at) / 1000;
            format!(
                "{} {}",
                Key::UpdatedPrefix.text(props.locale),
                super::time::relative(props.locale, secs as i64)
            )
        }
    };
    let stale = props
        .updated_at
        .is_some_and(|at| now.saturating_sub(at) > 60_000);
    html! {
        <span class={classes!("bi-freshness", stale.then_some("bi-freshness--stale"))} data-testid="freshness">{ text }</span>
    }
}
