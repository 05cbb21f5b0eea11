//! Typed identifiers, so an operator's `id` can never be passed where its `user_id` is expected.
//!
//! Blinger operators carry two numbers: `id` (what a request's `operator_id` means) and `user_id`
//! (what a conversation's `operator_user_id` holds). They differ, so they get different types.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl $name {
            /// The raw number, as the API spells it.
            #[must_use]
            pub const fn get(self) -> u64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl From<u64> for $name {
            fn from(v: u64) -> Self {
                Self(v)
            }
        }
    };
}

id_type!(
    /// A conversation's `id` (the `conversation_id` of every request).
    ConversationId
);
id_type!(
    /// An operator's `id`: what a request's `operator_id` field means.
    OperatorId
);
id_type!(
    /// A user account id: what a conversation's `operator_user_id` holds (an operator's `user_id`).
    UserId
);
id_type!(
    /// An operator group's `id` (the `group_id` of `assign-group`).
    GroupId
);
