//! The inbox reducer's unit tests.
use super::*;

fn conv(id: u64, updated: i64) -> Conversation {
    crate::state::sample_conversation(id, updated)
}

fn listed(items: Vec<Conversation>) -> Listed<Conversation> {
    Listed {
        items,
        skipped: Vec::new(),
    }
}

fn ids(rows: &[Conversation]) -> Vec<u64> {
    rows.iter().map(|c| c.id.0).collect()
}

fn reduce(state: Rc<InboxState>, action: InboxAction) -> Rc<InboxState> {
    state.reduce(action)
}

/// A state whose `unread` and `not-answered` lists have answered (empty), so the attention view
/// is complete once `unassigned` answers.
fn others_loaded() -> Rc<InboxState> {
    let s = reduce(
        Rc::new(InboxState::default()),
        InboxAction::Loaded(ListName::Unread, listed(vec![])),
    );
    reduce(
        s,
        InboxAction::Loaded(ListName::NotAnswered, listed(vec![])),
    )
}

#[test]
fn attention_merges_and_dedupes_newest_first() {
    let s = Rc::new(InboxState::default());
    assert!(s.is_loading());
    let s = reduce(
        s,
        InboxAction::Loaded(ListName::Unassigned, listed(vec![conv(1, 10), conv(2, 30)])),
    );
    let s = reduce(
        s,
        InboxAction::Loaded(ListName::Unread, listed(vec![conv(2, 40), conv(3, 20)])),
    );
    let s = reduce(
        s,
        InboxAction::Loaded(ListName::NotAnswered, listed(vec![])),
    );
    assert!(!s.is_loading());
    assert_eq!(ids(&s.shown), vec![2, 3, 1]);
    assert_eq!(s.count(View::Attention), Some(3));
    assert_eq!(s.count(View::Unread), Some(2));
    assert_eq!(
        s.find(ConversationId(2)).and_then(|c| c.date_updated),
        Some(40)
    );
}

#[test]
fn the_attention_view_is_loaded_once_all_three_lists_answered() {
    let s = reduce(
        Rc::new(InboxState::default()),
        InboxAction::Loaded(ListName::Unassigned, listed(vec![conv(1, 10)])),
    );
    assert!(
        !s.view_loaded(),
        "one list of three: its rows would reorder"
    );
    let s = reduce(s, InboxAction::Failed(ListName::Unread, ApiError::Timeout));
    assert!(!s.view_loaded());
    let s = reduce(s, InboxAction::SetView(View::Unassigned));
    assert!(
        s.view_loaded(),
        "a one-list view waits only for its own list"
    );
    let s = reduce(s, InboxAction::SetView(View::Attention));
    let s = reduce(
        s,
        InboxAction::Loaded(ListName::NotAnswered, listed(vec![conv(2, 20)])),
    );
    assert!(s.view_loaded(), "an error counts as an answer");
    assert_eq!(ids(&s.shown), vec![2, 1]);
}

#[test]
fn an_unchanged_poll_returns_the_same_state() {
    let s = reduce(
        Rc::new(InboxState::default()),
        InboxAction::Loaded(ListName::Unassigned, listed(vec![conv(1, 10)])),
    );
    let again = reduce(
        s.clone(),
        InboxAction::Loaded(ListName::Unassigned, listed(vec![conv(1, 10)])),
    );
    assert!(Rc::ptr_eq(&s, &again));
}

#[test]
fn rows_do_not_jump_while_engaged_but_show_fresh_content() {
    let s = reduce(
        others_loaded(),
        InboxAction::Loaded(ListName::Unassigned, listed(vec![conv(2, 20), conv(1, 10)])),
    );
    let s = reduce(s, InboxAction::Engage(true));
    let mut bumped = conv(1, 30);
    bumped.unread_count = 5;
    let s = reduce(
        s,
        InboxAction::Loaded(
            ListName::Unassigned,
            listed(vec![bumped, conv(2, 20), conv(3, 25)]),
        ),
    );
    assert_eq!(ids(&s.shown), vec![2, 1], "order frozen");
    assert_eq!(s.shown[1].unread_count, 5, "content fresh");
    assert_eq!(s.pending_count(), 2, "row 1 moves up, row 3 appears");
    let s = reduce(s, InboxAction::ApplyUpdates);
    assert_eq!(ids(&s.shown), vec![1, 3, 2]);
    assert_eq!(s.pending_count(), 0);
}

#[test]
fn leaving_the_list_applies_held_updates() {
    let s = reduce(
        others_loaded(),
        InboxAction::Loaded(ListName::Unassigned, listed(vec![conv(1, 10)])),
    );
    let s = reduce(s, InboxAction::Engage(true));
    let s = reduce(
        s,
        InboxAction::Loaded(ListName::Unassigned, listed(vec![conv(2, 20), conv(1, 10)])),
    );
    assert_eq!(ids(&s.shown), vec![1]);
    let s = reduce(s, InboxAction::Engage(false));
    assert_eq!(ids(&s.shown), vec![2, 1]);
}

#[test]
fn waiting_longest_puts_the_oldest_unanswered_first() {
    let mut answered = conv(1, 5);
    answered.is_operator_last_message = true;
    let mut rows = vec![conv(2, 50), answered, conv(3, 20)];
    sort_rows(&mut rows, SortOrder::WaitingLongest);
    assert_eq!(ids(&rows), vec![3, 2, 1]);
    sort_rows(&mut rows, SortOrder::Latest);
    assert_eq!(ids(&rows), vec![2, 3, 1]);
}

#[test]
fn errors_keep_the_last_items() {
    let s = reduce(
        Rc::new(InboxState::default()),
        InboxAction::Loaded(ListName::Unassigned, listed(vec![conv(1, 10)])),
    );
    let s = reduce(
        s,
        InboxAction::Failed(ListName::Unassigned, ApiError::Timeout),
    );
    assert_eq!(s.error(), Some(&ApiError::Timeout));
    assert_eq!(ids(&s.shown), vec![1]);
    let s = reduce(
        s,
        InboxAction::Loaded(ListName::Unassigned, listed(vec![conv(1, 10)])),
    );
    assert_eq!(s.error(), None);
}

#[test]
fn patched_conversation_moves_between_lists() {
    let me = Some(UserId(1001));
    let s = reduce(Rc::new(InboxState::default()), InboxAction::Me(me));
    let s = reduce(
        s,
        InboxAction::Loaded(ListName::Unassigned, listed(vec![conv(1, 10)])),
    );
    let s = reduce(
        s,
        InboxAction::Loaded(ListName::NotAnswered, listed(vec![])),
    );
    let mut taken = conv(1, 11);
    taken.status = Status::Inbox;
    taken.operator_user_id = me;
    let s = reduce(s, InboxAction::Patched(Box::new(taken)));
    assert_eq!(s.count(View::Unassigned), Some(0));
    assert_eq!(s.count(View::NotAnswered), Some(1));
    let mut closed = conv(1, 12);
    closed.status = Status::Closed;
    let s = reduce(s, InboxAction::Patched(Box::new(closed)));
    assert_eq!(s.count(View::Attention), Some(0));
}

#[test]
fn longest_increasing_counts_rows_already_in_order() {
    assert_eq!(longest_increasing(&[]), 0);
    assert_eq!(longest_increasing(&[0, 1, 2]), 3);
    assert_eq!(longest_increasing(&[2, 0, 1]), 2);
    assert_eq!(longest_increasing(&[3, 2, 1, 0]), 1);
}

#[test]
fn views_round_trip_their_names() {
    for &v in View::ALL {
        assert_eq!(View::parse(v.name()), Some(v));
    }
    assert_eq!(View::parse("nope"), None);
}

/// Found by the Firefox chaos suite: a reload with the pointer resting over the list engaged it
/// while only the first of the attention view's three lists had answered, and the other rows
/// stayed held back as "updates" (4 of 30 rows shown) until the pointer left.
#[test]
fn rows_still_arriving_are_not_held_back_by_a_resting_pointer() {
    let s = reduce(
        Rc::new(InboxState::default()),
        InboxAction::Loaded(ListName::Unread, listed(vec![conv(5, 50)])),
    );
    let s = reduce(s, InboxAction::Engage(true));
    let s = reduce(
        s,
        InboxAction::Loaded(ListName::Unassigned, listed(vec![conv(1, 10), conv(9, 90)])),
    );
    assert_eq!(
        ids(&s.shown),
        vec![9, 5, 1],
        "the view is still loading: nothing frozen"
    );
    assert_eq!(s.pending_count(), 0);
    let s = reduce(
        s,
        InboxAction::Loaded(ListName::NotAnswered, listed(vec![conv(7, 70)])),
    );
    assert_eq!(ids(&s.shown), vec![9, 7, 5, 1]);
    // Complete now: a later change waits while the operator works in the list.
    let s = reduce(
        s,
        InboxAction::Loaded(
            ListName::Unassigned,
            listed(vec![conv(1, 10), conv(9, 90), conv(8, 95)]),
        ),
    );
    assert_eq!(ids(&s.shown), vec![9, 7, 5, 1]);
    assert_eq!(s.pending_count(), 1);
}

#[test]
fn a_list_that_keeps_failing_does_not_keep_the_rows_unfrozen() {
    let s = reduce(
        Rc::new(InboxState::default()),
        InboxAction::Failed(ListName::Unread, ApiError::Timeout),
    );
    let s = reduce(
        s,
        InboxAction::Loaded(ListName::NotAnswered, listed(vec![])),
    );
    let s = reduce(
        s,
        InboxAction::Loaded(ListName::Unassigned, listed(vec![conv(1, 10)])),
    );
    let s = reduce(s, InboxAction::Engage(true));
    let s = reduce(
        s,
        InboxAction::Loaded(ListName::Unassigned, listed(vec![conv(2, 20), conv(1, 10)])),
    );
    assert_eq!(
        ids(&s.shown),
        vec![1],
        "frozen: every list has answered, one with an error"
    );
    assert_eq!(s.pending_count(), 1);
}
