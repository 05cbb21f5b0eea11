//! The component suite, one component per file. Components render state and dispatch actions;
//! they hold no business logic of their own.

mod ids;

pub use ids::use_unique_id;
