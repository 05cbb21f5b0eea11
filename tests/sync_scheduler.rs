//! Poll scheduler timing, with injected time and seeded randomness.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::restriction)] // tests unwrap, index and panic

use blinger_inbox::api::ApiError;
use blinger_inbox::sync::{
    MAX_RETRY_AFTER_SECS, PollConfig, PollScheduler, PollState, Verdict, retry_after_ms,
};
use proptest::prelude::*;

fn sched() -> PollScheduler {
    PollScheduler::new(PollConfig::default(), 42)
}

fn server() -> ApiError {
    ApiError::Server { status: 503 }
}

#[test]
fn first_poll_is_immediate_then_every_visible_interval() {
    let mut s = sched();
    assert_eq!(s.state(), PollState::Idle);
    assert_eq!(s.delay(1_000), Some(0));
    let t = s.begin(1_000).unwrap();
    assert_eq!(s.finish(t, Ok(()), 1_200), Verdict::Apply);
    assert_eq!(
        s.state(),
        PollState::Ok {
            last_success_at: 1_200
        }
    );
    assert_eq!(s.next_due(1_200), Some(6_200));
    assert!(s.begin(6_199).is_none());
    assert!(s.begin(6_200).is_some());
}

#[test]
fn one_request_in_flight() {
    let mut s = sched();
    let t = s.begin(0).unwrap();
    assert!(s.in_flight());
    assert_eq!(s.next_due(0), None);
    assert!(s.begin(0).is_none());
    assert!(s.begin(1_000_000).is_none());
    s.poke(10);
    assert!(
        s.begin(10).is_none(),
        "a poke does not start a second request"
    );
    assert_eq!(s.finish(t, Ok(()), 20), Verdict::Apply);
    assert_eq!(
        s.next_due(20),
        Some(20),
        "the poke made mid-flight runs right after"
    );
}

#[test]
fn stale_and_superseded_tickets_are_dropped() {
    let mut s = sched();
    let old = s.begin(0).unwrap();
    let new = s.restart(5).unwrap();
    assert!(new.seq() > old.seq());
    assert_eq!(s.finish(new, Ok(()), 10), Verdict::Apply);
    assert_eq!(
        s.finish(old, Ok(()), 11),
        Verdict::Stale,
        "older response after a newer one"
    );
    assert_eq!(
        s.finish(new, Ok(()), 12),
        Verdict::Stale,
        "a ticket applies once"
    );
    assert_eq!(
        s.state(),
        PollState::Ok {
            last_success_at: 10
        }
    );
}

#[test]
fn hidden_slows_and_visible_refreshes_at_once() {
    let mut s = sched();
    let t = s.begin(0).unwrap();
    s.finish(t, Ok(()), 0);
    s.set_visible(false, 100);
    assert_eq!(s.next_due(100), Some(60_000));
    assert!(
        s.begin(5_000).is_none(),
        "no visible-rate polling while hidden"
    );
    s.set_visible(true, 7_000);
    assert_eq!(s.next_due(7_000), Some(7_000));
    let t = s.begin(7_000).unwrap();
    s.set_visible(false, 7_001);
    s.finish(t, Ok(()), 7_100);
    assert_eq!(s.next_due(7_100), Some(67_100));
}

#[test]
fn online_and_poke_are_immediate() {
    let mut s = sched();
    let t = s.begin(0).unwrap();
    s.finish(t, Ok(()), 0);
    s.online(1_000);
    assert_eq!(s.delay(1_000), Some(0));
    let t = s.begin(1_000).unwrap();
    s.finish(t, Ok(()), 1_000);
    s.poke(2_000);
    assert!(s.begin(2_000).is_some());
}

#[test]
fn backoff_grows_within_bounds_and_resets_on_success() {
    let mut s = sched();
    let mut now = 0;
    for attempt in 1..=10u32 {
        let t = s.begin(now).unwrap();
        assert_eq!(s.finish(t, Err(&server()), now), Verdict::Apply);
        let ceiling = s.backoff_ceiling(attempt);
        assert_eq!(ceiling, (1_000u64 << (attempt - 1)).min(60_000));
        let delay = s.delay(now).unwrap();
        assert!(
            delay <= ceiling && delay >= 250,
            "attempt {attempt}: {delay} vs {ceiling}"
        );
        match s.state() {
            PollState::Backoff {
                attempt: a,
                retry_at,
                error,
                ..
            } => {
                assert_eq!(a, attempt);
                assert_eq!(retry_at, now + delay);
                assert_eq!(error, server());
            }
            other => panic!("{other:?}"),
        }
        assert!(s.begin(now + delay - 1).is_none() || delay == 0);
        now += delay;
    }
    let t = s.begin(now).unwrap();
    s.finish(t, Ok(()), now);
    assert_eq!(
        s.state(),
        PollState::Ok {
            last_success_at: now
        }
    );
    assert_eq!(s.delay(now), Some(5_000));
}

#[test]
fn full_jitter_spreads_delays() {
    let mut delays = Vec::new();
    for seed in 0..200u64 {
        let mut s = PollScheduler::new(PollConfig::default(), seed);
        let mut now = 0;
        for _ in 0..5 {
            now = s.next_due(now).unwrap().max(now);
            let t = s.begin(now).unwrap();
            s.finish(t, Err(&server()), now);
        }
        delays.push(s.delay(now).unwrap());
    }
    // After the 5th failure the ceiling is 16 s: full jitter spreads delays over [0.25, 16] s.
    assert_eq!(
        PollScheduler::new(PollConfig::default(), 0).backoff_ceiling(5),
        16_000
    );
    let min = *delays.iter().min().unwrap();
    let max = *delays.iter().max().unwrap();
    assert!(delays.iter().all(|d| (250..=16_000).contains(d)));
    assert!(
        min < 4_000 && max > 12_000,
        "spread too narrow: {min}..{max}"
    );
    let distinct: std::collections::HashSet<_> = delays.iter().collect();
    assert!(distinct.len() > 150);
    let mean = delays.iter().sum::<u64>() / delays.len() as u64;
    assert!((5_000..11_000).contains(&mean), "mean {mean} not near 8 s");
}

#[test]
fn retry_after_is_honoured_even_for_pokes() {
    let mut s = sched();
    let t = s.begin(0).unwrap();
    s.finish(
        t,
        Err(&ApiError::RateLimited {
            retry_after_secs: Some(30),
        }),
        1_000,
    );
    assert_eq!(s.next_due(1_000), Some(31_000));
    s.poke(2_000);
    s.online(2_000);
    s.set_visible(false, 2_000);
    s.set_visible(true, 2_001);
    assert!(s.begin(30_999).is_none(), "never earlier than Retry-After");
    assert!(s.restart(30_999).is_none());
    assert!(s.begin(31_000).is_some());
}

#[test]
fn retry_after_longer_than_backoff_cap_still_holds() {
    let mut s = sched();
    let t = s.begin(0).unwrap();
    s.finish(
        t,
        Err(&ApiError::RateLimited {
            retry_after_secs: Some(240),
        }),
        0,
    );
    assert_eq!(s.next_due(0), Some(240_000));
    match s.state() {
        PollState::Backoff { retry_at, .. } => assert_eq!(retry_at, 240_000),
        other => panic!("{other:?}"),
    }
}

#[test]
fn retry_after_is_capped_at_five_minutes() {
    assert_eq!(MAX_RETRY_AFTER_SECS, 300);
    assert_eq!(retry_after_ms(30), 30_000);
    assert_eq!(retry_after_ms(86_400), 300_000);
    assert_eq!(retry_after_ms(u64::MAX), 300_000);
    let mut s = sched();
    let t = s.begin(0).unwrap();
    s.finish(
        t,
        Err(&ApiError::RateLimited {
            retry_after_secs: Some(86_400),
        }),
        1_000,
    );
    assert_eq!(
        s.next_due(1_000),
        Some(301_000),
        "a day-long Retry-After waits 5 min"
    );
    assert!(s.begin(300_999).is_none());
    assert!(s.begin(301_000).is_some());
}

#[test]
fn a_hold_from_another_request_delays_polls_and_never_shortens() {
    let mut s = sched();
    let t = s.begin(0).unwrap();
    s.finish(t, Ok(()), 0);
    // A send answered 429 with Retry-After: 20 at t = 1 s: the host is held, polls included.
    s.hold_until(21_000);
    s.poke(2_000);
    assert!(s.begin(2_000).is_none(), "poke waits for the hold");
    assert!(s.begin(20_999).is_none());
    // A shorter hold later never shortens the first.
    s.hold_until(5_000);
    assert!(s.begin(20_999).is_none());
    assert!(s.begin(21_000).is_some());
}

#[test]
fn unauthorized_stops_until_token_changed() {
    let mut s = sched();
    let t = s.begin(0).unwrap();
    let e = ApiError::Unauthorized {
        message: "Wrong token".into(),
    };
    s.finish(t, Err(&e), 10);
    assert_eq!(s.state(), PollState::Stopped { error: e });
    assert_eq!(s.next_due(10), None);
    s.poke(20);
    s.online(20);
    s.set_visible(false, 20);
    s.set_visible(true, 21);
    assert!(s.begin(1_000_000).is_none());
    assert!(s.restart(1_000_000).is_none());
    s.token_changed(2_000_000);
    assert_eq!(s.state(), PollState::Idle);
    assert!(s.begin(2_000_000).is_some());
}

#[test]
fn aborted_requests_are_not_errors() {
    let mut s = sched();
    let t = s.begin(0).unwrap();
    assert_eq!(s.finish(t, Err(&ApiError::Aborted), 10), Verdict::Stale);
    assert_eq!(s.state(), PollState::Idle);
    assert_eq!(s.next_due(10), Some(5_010));
}

#[test]
fn set_intervals_applies_to_next_poll() {
    let mut s = sched();
    s.set_intervals(2_000, 1_000);
    assert_eq!(s.config().visible_interval_ms, 2_000);
    assert_eq!(
        s.config().hidden_interval_ms,
        2_000,
        "hidden never faster than visible"
    );
    let t = s.begin(0).unwrap();
    s.finish(t, Ok(()), 0);
    assert_eq!(s.next_due(0), Some(2_000));
}

#[derive(Clone, Debug)]
enum Ev {
    Tick(u64),
    Finish(bool, bool),
    Visible(bool),
    Poke,
    Restart,
    RateLimited(u64),
}

fn ev() -> impl Strategy<Value = Ev> {
    prop_oneof![
        (0u64..20_000).prop_map(Ev::Tick),
        (any::<bool>(), any::<bool>()).prop_map(|(a, b)| Ev::Finish(a, b)),
        any::<bool>().prop_map(Ev::Visible),
        Just(Ev::Poke),
        Just(Ev::Restart),
        (0u64..120).prop_map(Ev::RateLimited),
    ]
}

proptest! {
    /// Over random event sequences: never two requests in flight, the applied sequence numbers
    /// only grow, no request starts before Retry-After or while stopped, and the delay after an
    /// error never exceeds the cap (unless Retry-After says so).
    #[test]
    fn invariants_hold_over_random_sequences(events in prop::collection::vec(ev(), 1..80), seed in any::<u64>()) {
        let mut s = PollScheduler::new(PollConfig::default(), seed);
        let mut now = 0u64;
        let mut tickets = Vec::new();
        let mut last_applied = 0u64;
        let mut not_before = 0u64;
        for e in events {
            match e {
                Ev::Tick(dt) => {
                    now += dt;
                    if let Some(t) = s.begin(now) {
                        prop_assert!(now >= not_before);
                        tickets.push(t);
                    }
                }
                Ev::Finish(ok, newest) => {
                    let t = if newest { tickets.pop() } else if tickets.is_empty() { None } else { Some(tickets.remove(0)) };
                    if let Some(t) = t {
                        let outcome = if ok { Ok(()) } else { Err(&ApiError::Timeout) };
                        if s.finish(t, outcome, now) == Verdict::Apply {
                            prop_assert!(t.seq() > last_applied);
                            last_applied = t.seq();
                            if !ok {
                                let d = s.delay(now).unwrap();
                                prop_assert!(now + d <= (now + 60_000).max(not_before));
                            }
                        }
                    }
                }
                Ev::RateLimited(secs) => {
                    if let Some(t) = tickets.pop() {
                        let e = ApiError::RateLimited { retry_after_secs: Some(secs) };
                        if s.finish(t, Err(&e), now) == Verdict::Apply {
                            last_applied = t.seq();
                            not_before = not_before.max(now + secs * 1000);
                            prop_assert!(s.next_due(now).unwrap() >= not_before);
                        }
                    }
                }
                Ev::Visible(v) => s.set_visible(v, now),
                Ev::Poke => s.poke(now),
                Ev::Restart => {
                    if let Some(t) = s.restart(now) {
                        prop_assert!(now >= not_before);
                        tickets.push(t);
                    }
                }
            }
            if s.in_flight() {
                prop_assert!(s.begin(now).is_none());
            }
        }
    }
}

#[test]
fn a_nudge_polls_at_once_after_a_quiet_moment() {
    let mut s = sched();
    let t = s.begin(0).unwrap();
    s.finish(t, Ok(()), 100);
    // Next due at 5 100; a pushed change 2 s later polls now.
    s.nudge(2_100, 500);
    assert!(s.begin(2_100).is_some());
}

#[test]
fn a_burst_of_nudges_costs_one_request_per_answer_and_gap() {
    let mut s = sched();
    let t = s.begin(0).unwrap();
    s.finish(t, Ok(()), 50);
    // 50 ms after the last answer: wait until 550.
    s.nudge(100, 500);
    assert!(s.begin(100).is_none());
    assert!(s.begin(549).is_none());
    let t = s.begin(550).unwrap();
    // Nudges while it is in flight: one follow-up, `gap` after its answer.
    for now in [560, 570, 580] {
        s.nudge(now, 500);
    }
    s.finish(t, Ok(()), 600);
    assert!(s.begin(1_099).is_none());
    assert!(s.begin(1_100).is_some());
}

#[test]
fn a_poke_in_flight_is_not_slowed_by_an_earlier_nudge() {
    let mut s = sched();
    let t = s.begin(0).unwrap();
    s.nudge(10, 500);
    s.poke(20);
    s.finish(t, Ok(()), 30);
    assert!(s.begin(30).is_some(), "a manual refresh goes at once");
}

#[test]
fn a_nudge_waits_out_backoff_and_retry_after() {
    let mut s = sched();
    let t = s.begin(0).unwrap();
    s.finish(
        t,
        Err(&ApiError::RateLimited {
            retry_after_secs: Some(10),
        }),
        100,
    );
    s.nudge(200, 500);
    assert!(s.begin(200).is_none());
    assert!(s.begin(9_000).is_none());
    assert!(s.begin(10_100).is_some());
}
