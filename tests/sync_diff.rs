//! Snapshot diffing: correctness, reordering and duplicates (property tests).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::restriction)] // tests unwrap, index and panic

use blinger_inbox::api::wire::decode_conversation;
use blinger_inbox::api::{Conversation, ConversationId, HttpResponse, Status, UserId};
use blinger_inbox::sync::{Change, dedupe, diff, same_content};
use proptest::prelude::*;
use serde_json::{Value, json};

fn conv(v: Value) -> Conversation {
    decode_conversation(&HttpResponse::new(
        200,
        json!({"status": 200, "data": v}).to_string(),
    ))
    .unwrap()
}

fn c(id: u64, updated: i64) -> Conversation {
    conv(
        json!({"id": id, "status": "inbox", "date_updated": updated, "last_message": "a",
                "last_message_date": updated, "unread_count": 0, "operator_user_id": 1}),
    )
}

const ME: Option<UserId> = Some(UserId(1));

#[test]
fn identical_snapshots_have_no_changes() {
    let a = vec![c(1, 10), c(2, 20)];
    assert!(diff(&a, &a.clone(), ME).is_empty());
    assert!(same_content(&a, &a.clone()));
}

#[test]
fn appeared_and_disappeared() {
    let old = vec![c(1, 10), c(2, 20)];
    let new = vec![c(3, 30), c(1, 10)];
    assert_eq!(
        diff(&old, &new, ME),
        vec![
            Change::Appeared(ConversationId(3)),
            Change::Disappeared(ConversationId(2))
        ]
    );
    assert!(!same_content(&old, &new));
}

#[test]
fn new_client_message_but_not_own_reply_or_note() {
    let old = vec![c(1, 10)];
    let mut client = c(1, 20);
    client.last_message = Some("help".into());
    assert_eq!(
        diff(&old, &[client.clone()], ME),
        vec![Change::NewClientMessage {
            id: ConversationId(1),
            text: Some("help".into()),
            at: Some(20)
        }]
    );
    let mut mine = client.clone();
    mine.is_operator_last_message = true;
    assert!(diff(&old, &[mine], ME).is_empty());
    let mut note = client;
    note.is_inner_message = true;
    assert!(diff(&old, &[note], ME).is_empty());
}

#[test]
fn assigned_elsewhere_closed_and_unread() {
    let old = vec![c(1, 10)];
    let mut n = c(1, 10);
    n.operator_user_id = Some(UserId(9));
    n.status = Status::Closed;
    n.unread_count = 4;
    assert_eq!(
        diff(&old, &[n.clone()], ME),
        vec![
            Change::AssignedElsewhere {
                id: ConversationId(1),
                to: UserId(9)
            },
            Change::ClosedElsewhere(ConversationId(1)),
            Change::UnreadChanged {
                id: ConversationId(1),
                from: 0,
                to: 4
            },
        ]
    );
    // Assigned to me: not "elsewhere".
    let mut old2 = c(1, 10);
    old2.operator_user_id = None;
    assert!(diff(&[old2], &[c(1, 10)], ME).is_empty());
}

#[test]
fn duplicates_keep_the_newest() {
    let list = vec![c(1, 10), c(2, 20), c(1, 30), c(1, 5)];
    let d = dedupe(&list);
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].id, ConversationId(1));
    assert_eq!(d[0].date_updated, Some(30));
    // Duplicates in the new snapshot do not produce duplicate changes.
    let changes = diff(&[c(1, 10)], &[c(2, 1), c(2, 2), c(1, 10)], ME);
    assert_eq!(changes, vec![Change::Appeared(ConversationId(2))]);
}

fn arb_conv() -> impl Strategy<Value = Conversation> {
    (1u64..12, 0i64..5, 0u32..3, prop::option::of(1u64..4), any::<bool>(), any::<bool>()).prop_map(
        |(id, t, unread, op, closed, mine)| {
            conv(json!({"id": id, "date_updated": t, "last_message_date": t,
                "last_message": format!("m{t}"), "unread_count": unread, "operator_user_id": op,
                "status": if closed { "closed" } else { "inbox" }, "is_operator_last_message": mine}))
        },
    )
}

fn canonical(mut changes: Vec<Change>) -> Vec<String> {
    let mut v: Vec<String> = changes.drain(..).map(|c| format!("{c:?}")).collect();
    v.sort();
    v
}

proptest! {
    #[test]
    fn diff_ignores_order_and_duplicates(
        old in prop::collection::vec(arb_conv(), 0..15),
        new in prop::collection::vec(arb_conv(), 0..15),
        seed in any::<u64>(),
    ) {
        let base = canonical(diff(&old, &new, ME));
        // Reordering either side changes nothing but the order of the change list.
        let mut old2 = dedupe(&old);
        let mut new2 = dedupe(&new);
        let k = (seed % 7) as usize + 1;
        let n = old2.len();
        old2.rotate_left(k.min(n));
        new2.reverse();
        prop_assert_eq!(&canonical(diff(&old2, &new2, ME)), &base);
        // Adding stale duplicates (older copies) changes nothing.
        let mut with_dups = new.clone();
        for x in dedupe(&new) {
            let mut older = x.clone();
            older.date_updated = Some(-1);
            older.unread_count += 1;
            with_dups.push(older);
        }
        prop_assert_eq!(&canonical(diff(&old, &with_dups, ME)), &base);
    }

    #[test]
    fn diff_of_a_snapshot_with_itself_is_empty(list in prop::collection::vec(arb_conv(), 0..15)) {
        prop_assert!(diff(&list, &list, ME).is_empty());
        prop_assert!(same_content(&list, &list));
    }

    #[test]
    fn appear_disappear_match_id_sets(
        old in prop::collection::vec(arb_conv(), 0..15),
        new in prop::collection::vec(arb_conv(), 0..15),
    ) {
        use std::collections::BTreeSet;
        let o: BTreeSet<_> = old.iter().map(|c| c.id).collect();
        let n: BTreeSet<_> = new.iter().map(|c| c.id).collect();
        let changes = diff(&old, &new, ME);
        let appeared: BTreeSet<_> = changes.iter().filter_map(|c| match c { Change::Appeared(id) => Some(*id), _ => None }).collect();
        let gone: BTreeSet<_> = changes.iter().filter_map(|c| match c { Change::Disappeared(id) => Some(*id), _ => None }).collect();
        prop_assert_eq!(appeared, n.difference(&o).copied().collect::<BTreeSet<_>>());
        prop_assert_eq!(gone, o.difference(&n).copied().collect::<BTreeSet<_>>());
    }
}
