//! Yew-facing stores: reducers with an `Action` enum and a context provider per mounted root.
//! There are no globals: two widgets on one page never share state.
