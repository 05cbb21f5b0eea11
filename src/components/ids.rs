//! Element ids that are unique per mounted widget, so labels, `aria-*` references and fragment
//! links never collide when two widgets share a page.

use std::cell::Cell;

use yew::prelude::*;

thread_local! {
    static NEXT_ID: Cell<u64> = const { Cell::new(0) };
}

/// A fresh id such as `bi-7`, stable for the lifetime of the calling component.
#[hook]
pub fn use_unique_id() -> AttrValue {
    let id = use_memo((), |_| {
        let n = NEXT_ID.with(|c| {
            let n = c.get().wrapping_add(1);
            c.set(n);
            n
        });
        AttrValue::from(format!("bi-{n}"))
    });
    (*id).clone()
}
