//! Two tabs over one storage, and what confirms a send: the outbox's per-item storage and merge
//! (no item lost, none posted twice, in any interleaving of two tabs, an owner change and
//! reloads), and reconcile (a client's message with the same words never confirms ours; checks
//! back off; a Retry checks first).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::restriction)] // tests unwrap, index and panic

use std::collections::HashMap;
use std::rc::Rc;

use blinger_inbox::api::wire::{decode_conversation, decode_history};
use blinger_inbox::api::{ApiError, Conversation, ConversationId, HttpResponse, OperatorId};
use blinger_inbox::i18n::Locale;
use blinger_inbox::sync::outbox::{Evidence, LocalId, RECONCILE_BACKOFF_MS};
use blinger_inbox::sync::shared::{item_name, read_item, read_outbox, restore};
use blinger_inbox::sync::storage::keys;
use blinger_inbox::sync::{MemoryStorage, Outbox, Persisted, SendKind, SendState};
use proptest::prelude::*;
use serde_json::{Value, json};

const C1: ConversationId = ConversationId(1);
const T0_MS: u64 = 1_700_000_000_000;
const T0: i64 = 1_700_000_000;

fn conv(v: Value) -> Conversation {
    decode_conversation(&HttpResponse::new(
        200,
        json!({"status": 200, "data": v}).to_string(),
    ))
    .unwrap()
}

/// The conversation whose last message is `text` at `at`, written by the client or by us.
fn last(text: &str, at: i64, operator: bool, note: bool) -> Conversation {
    conv(
        json!({"id": 1, "last_message": text, "last_message_date": at,
        "is_operator_last_message": operator, "is_inner_message": note}),
    )
}

fn evidence(c: &Conversation) -> Evidence<'_> {
    Evidence {
        conversation: c,
        history: None,
        me: None,
    }
}

/// An item sent at T0 whose answer was lost (NeedsReconcile, nothing seen before it).
fn lost(o: &mut Outbox, kind: SendKind, text: &str) -> LocalId {
    let id = o.enqueue(C1, kind, text, T0_MS);
    o.begin(id, Some(&last("before", T0 - 100, false, false)), T0_MS)
        .unwrap();
    o.on_error(id, &ApiError::Timeout, Locale::En);
    id
}

/// Checks until the item leaves NeedsReconcile, the backoff's waits skipped.
fn settle(o: &mut Outbox, id: LocalId, e: &Evidence<'_>) -> SendState {
    let mut now = 0;
    loop {
        let s = o.reconcile(id, e, now, Locale::En).unwrap();
        if !matches!(s, SendState::NeedsReconcile { .. }) {
            return s;
        }
        now += 60_000;
    }
}

proptest! {
    /// Whatever the client writes (the same words included, at any time), it never confirms an
    /// operator's reply, file or note.
    #[test]
    fn a_client_message_never_confirms_an_operator_send(
        kind in prop::sample::select(vec![SendKind::Reply, SendKind::File, SendKind::Note]),
        text in prop::sample::select(vec!["ok", "thanks", " ok ", "https://f.test/a.png"]),
        same_words in any::<bool>(),
        at in (T0 - 200)..(T0 + 200),
    ) {
        let mut o = Outbox::new();
        let id = lost(&mut o, kind, text);
        let words = if same_words { text.trim().to_owned() } else { format!("{text}?") };
        let client = last(&words, at, false, false);
        prop_assert!(!settle(&mut o, id, &evidence(&client)).is_sent());
    }
}

#[test]
fn our_own_message_confirms_it_and_only_as_its_kind() {
    let mut o = Outbox::new();
    let id = lost(&mut o, SendKind::Reply, "ok");
    assert!(settle(&mut o, id, &evidence(&last("ok", T0 + 1, true, false))).is_sent());

    let mut o = Outbox::new();
    let id = lost(&mut o, SendKind::Note, "ok");
    assert!(
        !settle(&mut o, id, &evidence(&last("ok", T0 + 1, true, false))).is_sent(),
        "a reply with the note's words is not the note"
    );
    let mut o = Outbox::new();
    let id = lost(&mut o, SendKind::Note, "ok");
    assert!(settle(&mut o, id, &evidence(&last("ok", T0 + 1, false, true))).is_sent());
}

#[test]
fn checks_back_off_and_a_late_commit_still_confirms() {
    let mut o = Outbox::new();
    let id = lost(&mut o, SendKind::Reply, "late");
    let before = last("before", T0 - 100, false, false);
    let mut now = 10_000;
    for wait in RECONCILE_BACKOFF_MS {
        assert_eq!(o.needs_reconcile(now), vec![(id, C1)]);
        let s = o
            .reconcile(id, &evidence(&before), now, Locale::En)
            .unwrap();
        assert!(matches!(s, SendState::NeedsReconcile { .. }), "{s:?}");
        assert!(
            o.needs_reconcile(now + wait - 1).is_empty(),
            "waits {wait} ms"
        );
        now += wait;
    }
    // The send committed late: the last check sees it.
    let s = o
        .reconcile(
            id,
            &evidence(&last("late", T0 + 40, true, false)),
            now,
            Locale::En,
        )
        .unwrap();
    assert!(s.is_sent(), "{s:?}");
    assert!(o.ready().is_empty(), "never posted again");
}

#[test]
fn retry_of_an_unconfirmed_send_checks_before_it_goes_out() {
    let before = last("before", T0 - 100, false, false);
    let mut o = Outbox::new();
    let id = lost(&mut o, SendKind::Reply, "hello");
    assert!(matches!(
        settle(&mut o, id, &evidence(&before)),
        SendState::Unconfirmed { .. }
    ));
    assert!(o.retry(id, Locale::En));
    assert!(o.ready().is_empty(), "the check comes first");
    // It arrived after all: Sent, no second POST.
    let s = o
        .reconcile(
            id,
            &evidence(&last("hello", T0 + 50, true, false)),
            0,
            Locale::En,
        )
        .unwrap();
    assert!(s.is_sent());

    let mut o = Outbox::new();
    let id = lost(&mut o, SendKind::Reply, "hello");
    settle(&mut o, id, &evidence(&before));
    o.retry(id, Locale::En);
    let s = o.reconcile(id, &evidence(&before), 0, Locale::En).unwrap();
    assert_eq!(s, SendState::Queued, "not there: it goes out again");
    assert_eq!(o.ready(), vec![id]);
}

fn history(messages: Value) -> Vec<blinger_inbox::api::HistoryMessage> {
    decode_history(&HttpResponse::new(
        200,
        json!({"status": 200, "data": messages}).to_string(),
    ))
    .unwrap()
    .items
}

#[test]
fn history_confirms_by_kind_operator_and_count() {
    let client_said_ok = last("ok", T0 + 5, false, false);
    let msg = |id: u64, kind: &str, op: u64, at: i64| {
        json!({"id": id, "conversation_id": 1, "kind": kind, "text": "ok", "operator_id": op,
            "date_created": at})
    };
    let me = Some(OperatorId(7));
    let check = |o: &mut Outbox, id, h: &[blinger_inbox::api::HistoryMessage]| {
        let e = Evidence {
            conversation: &client_said_ok,
            history: Some(h),
            me,
        };
        settle(o, id, &e)
    };
    // Our "ok" is in the history although the client wrote "ok" after it.
    let mut o = Outbox::new();
    let id = lost(&mut o, SendKind::Reply, "ok");
    assert!(check(&mut o, id, &history(json!([msg(1, "message", 7, T0 + 1)]))).is_sent());
    // Another operator's "ok", the client's "ok", or a note "ok": not ours.
    for h in [
        msg(1, "message", 8, T0 + 1),
        msg(1, "client", 7, T0 + 1),
        msg(1, "note", 7, T0 + 1),
    ] {
        let mut o = Outbox::new();
        let id = lost(&mut o, SendKind::Reply, "ok");
        assert!(
            !check(&mut o, id, &history(json!([h.clone()]))).is_sent(),
            "{h}"
        );
    }
    // Two sends of "ok": the first was answered; one "ok" in the history is the first one's.
    let mut o = Outbox::new();
    let first = o.enqueue(C1, SendKind::Reply, "ok", T0_MS);
    o.begin(first, None, T0_MS).unwrap();
    o.on_success(first, &last("ok", T0 + 1, true, false));
    let second = lost(&mut o, SendKind::Reply, "ok");
    let one = history(json!([msg(1, "message", 7, T0 + 1)]));
    assert!(
        !check(&mut o, second, &one).is_sent(),
        "ambiguous: never Sent"
    );
    let mut o2 = Outbox::new();
    let first = o2.enqueue(C1, SendKind::Reply, "ok", T0_MS);
    o2.begin(first, None, T0_MS).unwrap();
    o2.on_success(first, &last("ok", T0 + 1, true, false));
    let second = lost(&mut o2, SendKind::Reply, "ok");
    let two = history(json!([
        msg(1, "message", 7, T0 + 1),
        msg(2, "message", 7, T0 + 2)
    ]));
    assert!(check(&mut o2, second, &two).is_sent(), "both are there");
}

// ---- two tabs over one storage ---------------------------------------------------------------

/// One tab: its outbox over the shared store.
struct Tab {
    storage: Persisted,
    outbox: Outbox,
}

impl Tab {
    fn open(shared: &Rc<MemoryStorage>) -> Self {
        let storage = Persisted::new(Some(Box::new(Rc::clone(shared))), "ns".into());
        let (outbox, _, unreadable) = restore(&storage);
        assert_eq!(unreadable, 0);
        Self { storage, outbox }
    }

    /// Writes one item as the session does (every change, before anything else).
    fn store(&self, id: LocalId) {
        if let Some(item) = self.outbox.item(id) {
            self.storage
                .set(&item_name(id), &serde_json::to_string(item).unwrap())
                .unwrap();
        }
    }

    /// The storage events of everything the other tab wrote.
    fn sync(&mut self) {
        for name in self.storage.names(keys::OUTBOX_ITEM) {
            if let Some(item) = self.storage.get(&name).as_deref().and_then(read_item) {
                self.outbox.merge(item);
            }
        }
    }

    /// Became the queue's owner: takes over what the tab before left.
    fn take_over(&mut self) {
        self.sync();
        for id in self.outbox.adopt_sending(Locale::En) {
            self.store(id);
        }
    }
}

#[derive(Clone, Debug)]
enum Step {
    /// The operator sends in tab 0 or 1.
    Send(usize),
    /// The owner starts what is ready (persist, then POST).
    Begin,
    /// The oldest POST in flight is answered: ok, or lost.
    Answer(bool),
    /// Storage events reach both tabs.
    Sync,
    /// The owner tab is reloaded (its POSTs in flight are cut off); the other takes over.
    OwnerGone,
    /// The owner checks what is unknown; the server has it or not.
    Check(bool),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0usize..2).prop_map(Step::Send),
        Just(Step::Begin),
        any::<bool>().prop_map(Step::Answer),
        Just(Step::Sync),
        Just(Step::OwnerGone),
        any::<bool>().prop_map(Step::Check),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Two tabs, any interleaving of sends, POSTs, answers, storage events, owner changes and
    /// checks: no item is lost (storage and both tabs hold every item not yet delivered), none
    /// is posted twice, and the tabs agree once the events are through.
    #[test]
    fn two_tabs_lose_nothing_and_post_nothing_twice(steps in prop::collection::vec(step(), 0..80)) {
        let shared = Rc::new(MemoryStorage::new());
        let mut tabs = [Tab::open(&shared), Tab::open(&shared)];
        let mut owner = 0;
        let mut in_flight: Vec<(LocalId, String)> = Vec::new();
        let mut posts: HashMap<LocalId, usize> = HashMap::new();
        let mut delivered: Vec<LocalId> = Vec::new();
        let mut typed: Vec<LocalId> = Vec::new();
        let mut n = 0;
        for s in steps {
            match s {
                Step::Send(t) => {
                    n += 1;
                    let tab = &mut tabs[t];
                    let id = tab.outbox.enqueue(C1, SendKind::Reply, format!("m{n}"), T0_MS + n);
                    tab.store(id);
                    typed.push(id);
                }
                Step::Begin => {
                    let tab = &mut tabs[owner];
                    for id in tab.outbox.ready() {
                        let job = tab.outbox.begin(id, None, T0_MS + n).unwrap();
                        tab.store(id);
                        *posts.entry(id).or_default() += 1;
                        in_flight.push((id, job.text));
                    }
                }
                Step::Answer(ok) => if !in_flight.is_empty() {
                    let (id, text) = in_flight.remove(0);
                    // The server got it either way (a lost answer, not a lost request).
                    delivered.push(id);
                    let tab = &mut tabs[owner];
                    if ok {
                        tab.outbox.on_success(id, &last(&text, T0 + 10, true, false));
                    } else {
                        tab.outbox.on_error(id, &ApiError::Timeout, Locale::En);
                    }
                    tab.store(id);
                },
                Step::Sync => {
                    for tab in &mut tabs {
                        tab.sync();
                    }
                }
                Step::OwnerGone => {
                    // Cut-off POSTs may or may not have arrived: say they did.
                    delivered.extend(in_flight.drain(..).map(|(id, _)| id));
                    tabs[owner] = Tab::open(&shared);
                    owner = 1 - owner;
                    tabs[owner].take_over();
                }
                Step::Check(arrived) => {
                    let tab = &mut tabs[owner];
                    for (id, _) in tab.outbox.needs_reconcile(u64::MAX) {
                        let text = tab.outbox.item(id).unwrap().text.clone();
                        let c = if arrived && delivered.contains(&id) {
                            last(&text, T0 + 20, true, false)
                        } else {
                            last("other", T0 + 20, false, false)
                        };
                        tab.outbox.reconcile(id, &evidence(&c), u64::MAX, Locale::En);
                        tab.store(id);
                    }
                }
            }
            for (id, count) in &posts {
                prop_assert!(*count <= 1, "{id:?} posted {count} times");
            }
        }
        let (stored, _) = read_outbox(&tabs[0].storage);
        for id in &typed {
            prop_assert!(stored.item(*id).is_some(), "{id:?} lost from storage");
        }
        for tab in &mut tabs {
            tab.sync();
        }
        // The same items in the same states (the time of a next check is each page's own).
        let view = |t: &Tab| -> Vec<(LocalId, SendState, u64)> {
            t.outbox.items().iter().map(|i| (i.local_id, i.state.clone(), i.rev)).collect()
        };
        prop_assert_eq!(view(&tabs[0]), view(&tabs[1]));
    }
}

#[test]
fn one_unreadable_stored_item_is_skipped_and_the_old_single_key_moves() {
    let shared = Rc::new(MemoryStorage::new());
    let storage = Persisted::new(Some(Box::new(Rc::clone(&shared))), "ns".into());
    let mut old = Outbox::new();
    let a = old.enqueue(C1, SendKind::Reply, "from the old version", T0_MS);
    storage
        .set(keys::OUTBOX, &serde_json::to_string(&old).unwrap())
        .unwrap();
    storage.set("outbox:99", "{broken").unwrap();
    storage
        .set(
            keys::DRAFTS,
            r#"[{"conversation":1,"mode":"Reply","text":"draft"}]"#,
        )
        .unwrap();
    let (outbox, drafts, unreadable) = restore(&storage);
    assert_eq!(unreadable, 1);
    assert_eq!(outbox.items().len(), 1);
    assert_eq!(outbox.item(a).unwrap().text, "from the old version");
    assert_eq!(drafts.get(C1, SendKind::Reply), "draft");
    assert_eq!(storage.get(keys::OUTBOX), None, "moved to its own keys");
    assert!(storage.get(&item_name(a)).is_some());
    assert_eq!(storage.get(keys::DRAFTS), None);
    assert_eq!(storage.get("draft:1:reply").as_deref(), Some("draft"));
}

#[test]
fn drafts_of_two_tabs_never_clobber_each_other() {
    use blinger_inbox::sync::drafts::Drafts;
    let mut a = Drafts::new(0, 0);
    let mut b = Drafts::new(0, 0);
    a.set(C1, SendKind::Reply, "tab A's reply", 0);
    b.set(ConversationId(2), SendKind::Note, "tab B's note", 0);
    let written_a = a.take_dirty();
    let written_b = b.take_dirty();
    assert_eq!(written_a.len(), 1, "a tab writes only what it edited");
    for (c, m, t) in written_b {
        a.adopt(c, m, t.as_deref());
    }
    for (c, m, t) in written_a {
        b.adopt(c, m, t.as_deref());
    }
    for d in [&a, &b] {
        assert_eq!(d.get(C1, SendKind::Reply), "tab A's reply");
        assert_eq!(d.get(ConversationId(2), SendKind::Note), "tab B's note");
    }
    // An edit not yet saved wins over what the other tab wrote.
    a.set(C1, SendKind::Reply, "newer, unsaved", 1);
    assert!(!a.adopt(C1, SendKind::Reply, Some("older")));
    assert_eq!(a.get(C1, SendKind::Reply), "newer, unsaved");
    assert_eq!(
        Drafts::parse_name(&Drafts::stored_name(C1, SendKind::File)),
        Some((C1, SendKind::File))
    );
}

#[test]
fn pruning_keeps_what_is_pending_and_bounds_what_was_sent() {
    let mut o = Outbox::new();
    let pending = lost(&mut o, SendKind::Reply, "pending");
    for i in 0..(blinger_inbox::sync::outbox::MAX_SENT_KEPT + 10) {
        let id = o.enqueue(
            ConversationId(2),
            SendKind::Reply,
            format!("s{i}"),
            T0_MS + i as u64,
        );
        o.begin(id, None, T0_MS).unwrap();
        o.on_success(id, &last("x", T0, true, false));
    }
    let gone = o.prune_sent(T0_MS + 100, blinger_inbox::sync::outbox::SENT_MAX_AGE_MS);
    assert_eq!(gone.len(), 10, "the oldest beyond the cap");
    assert!(o.item(pending).is_some());
    let gone = o.prune_sent(
        T0_MS + 2 * blinger_inbox::sync::outbox::SENT_MAX_AGE_MS,
        blinger_inbox::sync::outbox::SENT_MAX_AGE_MS,
    );
    assert_eq!(
        gone.len(),
        blinger_inbox::sync::outbox::MAX_SENT_KEPT,
        "a day old"
    );
    assert!(o.item(pending).is_some(), "pending items always stay");
}

// ---- drafts of two tabs over one storage ------------------------------------------------------

/// One tab's drafts over the shared store, with the storage events the other tab's writes
/// queue for it (a name; the tab reads the value when the event runs, as the session does: an
/// event's own `newValue` may be older than this tab's latest write).
struct DraftTab {
    storage: Persisted,
    drafts: blinger_inbox::sync::drafts::Drafts,
    events: Vec<String>,
}

#[derive(Clone, Debug)]
enum DraftStep {
    /// Tab `.0` edits draft `.1` (of 4: two conversations × two modes) to text `.2` ("" clears).
    Edit(usize, usize, u8),
    /// Tab `.0` saves what it edited (the debounce fired).
    Flush(usize),
    /// Tab `.0` runs its oldest queued storage event.
    Event(usize),
}

fn draft_key(k: usize) -> (ConversationId, SendKind) {
    let c = ConversationId(1 + (k / 2) as u64);
    (
        c,
        if k % 2 == 0 {
            SendKind::Reply
        } else {
            SendKind::Note
        },
    )
}

fn draft_step() -> impl Strategy<Value = DraftStep> {
    prop_oneof![
        (0usize..2, 0usize..4, 0u8..4).prop_map(|(t, k, x)| DraftStep::Edit(t, k, x)),
        (0usize..2).prop_map(DraftStep::Flush),
        (0usize..2).prop_map(DraftStep::Event),
    ]
}

fn flush(tabs: &mut [DraftTab; 2], t: usize) {
    use blinger_inbox::sync::drafts::Drafts;
    for (c, m, text) in tabs[t].drafts.take_dirty() {
        let name = Drafts::stored_name(c, m);
        match text {
            Some(text) => tabs[t].storage.set(&name, &text).unwrap(),
            None => tabs[t].storage.remove(&name).unwrap(),
        }
        tabs[1 - t].events.push(name);
    }
}

fn run_event(tab: &mut DraftTab) {
    use blinger_inbox::sync::drafts::Drafts;
    if tab.events.is_empty() {
        return;
    }
    let name = tab.events.remove(0);
    let (c, m) = Drafts::parse_name(&name).unwrap();
    let value = tab.storage.get(&name);
    tab.drafts.adopt(c, m, value.as_deref());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Two tabs editing, saving and hearing each other's writes in any order: an edit not yet
    /// saved is never replaced by the other tab's, a draft only one tab touched ends as that
    /// tab typed it, and once everything is saved and heard both tabs show what storage holds.
    #[test]
    #[allow(clippy::needless_range_loop)] // k names a draft in four tables at once
    fn drafts_of_two_tabs_lose_no_edit_and_end_equal(steps in prop::collection::vec(draft_step(), 0..60)) {
        use blinger_inbox::sync::drafts::Drafts;
        let shared = Rc::new(MemoryStorage::new());
        let open = || DraftTab {
            storage: Persisted::new(Some(Box::new(Rc::clone(&shared))), "ns".into()),
            drafts: Drafts::new(0, 0),
            events: Vec::new(),
        };
        let mut tabs = [open(), open()];
        // The last text each tab typed in each draft, and which tabs touched it.
        let mut last: [[Option<String>; 4]; 2] = Default::default();
        let mut unsaved = [[false; 4]; 2];
        for s in steps {
            match s {
                DraftStep::Edit(t, k, x) => {
                    let text = if x == 0 { String::new() } else { format!("tab{t} text{x}") };
                    let (c, m) = draft_key(k);
                    // Typing what the field already shows changes nothing (no edit to keep).
                    if tabs[t].drafts.get(c, m) == text {
                        continue;
                    }
                    tabs[t].drafts.set(c, m, &text, 0);
                    last[t][k] = Some(text);
                    unsaved[t][k] = true;
                }
                DraftStep::Flush(t) => {
                    flush(&mut tabs, t);
                    unsaved[t] = [false; 4];
                }
                DraftStep::Event(t) => run_event(&mut tabs[t]),
            }
            for (t, tab) in tabs.iter().enumerate() {
                for k in 0..4 {
                    if unsaved[t][k] {
                        let (c, m) = draft_key(k);
                        prop_assert_eq!(tab.drafts.get(c, m), last[t][k].as_deref().unwrap(),
                            "tab {}'s unsaved edit of draft {} was replaced", t, k);
                    }
                }
            }
        }
        for _ in 0..2 {
            flush(&mut tabs, 0);
            flush(&mut tabs, 1);
            for tab in &mut tabs {
                while !tab.events.is_empty() {
                    run_event(tab);
                }
            }
        }
        for k in 0..4 {
            let (c, m) = draft_key(k);
            let stored = tabs[0].storage.get(&Drafts::stored_name(c, m)).unwrap_or_default();
            for tab in &tabs {
                prop_assert_eq!(tab.drafts.get(c, m), stored.as_str(), "draft {} differs", k);
            }
            for t in 0..2 {
                if last[1 - t][k].is_none() {
                    if let Some(typed) = &last[t][k] {
                        prop_assert_eq!(&stored, typed, "only tab {} typed draft {}", t, k);
                    }
                }
            }
        }
    }
}
