//! "Updated 4 s ago": how fresh the lists are, ticking every second on its own so nothing else
//! re-renders for it.

use yew::prelude::*;

use crate::i18n::{Key, Locale};
use crate::state::session::PushState;

/// Props of [`Freshness`].
#[derive(Properties, PartialEq)]
pub struct FreshnessProps {
    /// When all lists last succeeded (ms since the epoch).
    pub updated_at: Option<u64>,
    /// Language.
    pub locale: Locale,
    /// The push channel.
    #[prop_or_default]
    pub push: PushState,
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
    let locale = props.locale;
    let live = props.push == PushState::Live && props.updated_at.is_some();
    let mut text = match props.updated_at {
        // While the stream is up the lists are as fresh as the last change: "updated 50 s
        // ago" (the slow safety-net poll) would say the opposite of the truth.
        Some(_) if live => Key::PushLive.text(locale).to_owned(),
        None => Key::NotUpdatedYet.text(locale).to_owned(),
        Some(at) => {
            let secs = now.saturating_sub(at) / 1000;
            format!(
                "{} {}",
                Key::UpdatedPrefix.text(locale),
                super::time::relative(locale, secs as i64)
            )
        }
    };
    if props.push == PushState::Down {
        text.push_str(" · ");
        text.push_str(Key::PushDown.text(locale));
    }
    let stale = !live
        && props
            .updated_at
            .is_some_and(|at| now.saturating_sub(at) > 60_000);
    let title = live.then(|| Key::PushLiveHint.text(locale));
    html! {
        <span class={classes!("bi-freshness", stale.then_some("bi-freshness--stale"), live.then_some("bi-freshness--live"))}
            data-testid="freshness" data-push={props.push.as_str()} {title}>{ text }</span>
    }
}
