//! The inbox's views: one enum, and every form a view takes (its attribute / `setView` name, its
//! switch's test id, its label and its empty-list text) declared beside each variant. Adding a
//! view means adding one line to [`views!`]; the compiler then asks for what it feeds on
//! (`InboxState`'s exhaustive matches over the lists a view shows).

use crate::i18n::Key;

macro_rules! views {
    ($($(#[$attr:meta])* $view:ident = $name:literal, label: $label:ident, empty: $empty:ident;)*) => {
        /// A view switch of the inbox.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub enum View {
            $($(#[$attr])* $view,)*
        }

        impl View {
            /// Every view, in tab order.
            pub const ALL: &'static [View] = &[$(View::$view),*];

            /// The name used by the JS API (`setView`) and the `view` attribute.
            pub const fn name(self) -> &'static str {
                match self {
                    $(View::$view => $name,)*
                }
            }

            /// The `data-testid` of its switch.
            pub const fn testid(self) -> &'static str {
                match self {
                    $(View::$view => concat!("inbox-view-", $name),)*
                }
            }

            /// Its switch's label.
            pub const fn label(self) -> Key {
                match self {
                    $(View::$view => Key::$label,)*
                }
            }

            /// What an empty list says in it.
            pub const fn empty_text(self) -> Key {
                match self {
                    $(View::$view => Key::$empty,)*
                }
            }
        }
    };
}

views! {
    /// Everything that needs an operator: the union of the three lists.
    #[default]
    Attention = "attention", label: ViewAttention, empty: EmptyAttention;
    /// Waiting for someone to take it.
    Unassigned = "unassigned", label: ViewUnassigned, empty: EmptyUnassigned;
    /// In my inbox with unread messages.
    Unread = "unread", label: ViewUnread, empty: EmptyUnread;
    /// In my inbox, the client spoke last.
    NotAnswered = "not-answered", label: ViewNotAnswered, empty: EmptyNotAnswered;
}

impl View {
    /// Parses [`View::name`].
    pub fn parse(name: &str) -> Option<View> {
        View::ALL.iter().copied().find(|v| v.name() == name.trim())
    }

    /// The names of every view, for error messages (`attention, unassigned, …`).
    pub fn names() -> String {
        View::ALL
            .iter()
            .map(|v| v.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
