//! The API's three conversation lists: one enum, with the endpoint of each, and [`PerList`] for
//! one value per list.

/// The three conversation lists of the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListName {
    /// `GET /api/conversations/unassigned`
    Unassigned,
    /// `GET /api/conversations/unread` (for the operator named in the query)
    Unread,
    /// `GET /api/conversations/not-answered` (for the operator named in the query)
    NotAnswered,
}

impl ListName {
    /// All three, in tab order.
    pub const ALL: [ListName; 3] = [
        ListName::Unassigned,
        ListName::Unread,
        ListName::NotAnswered,
    ];

    /// The endpoint's path.
    #[must_use]
    pub const fn path(self) -> &'static str {
        match self {
            ListName::Unassigned => "/api/conversations/unassigned",
            ListName::Unread => "/api/conversations/unread",
            ListName::NotAnswered => "/api/conversations/not-answered",
        }
    }

    /// Whether the endpoint answers for one operator (`operator_id` in the query,
    /// [`crate::assumptions::LIST_OPERATOR_PARAM`]); the unassigned list is the account's.
    #[must_use]
    pub const fn per_operator(self) -> bool {
        match self {
            ListName::Unassigned => false,
            ListName::Unread | ListName::NotAnswered => true,
        }
    }
}

/// One value per list. Three fixed keys need no map: a hash map per value type cost its own
/// copy of the hashing and probing code in the wasm.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PerList<T> {
    unassigned: T,
    unread: T,
    not_answered: T,
}

impl<T> PerList<T> {
    /// The value of each list from `f`.
    pub fn from_fn(mut f: impl FnMut(ListName) -> T) -> Self {
        PerList {
            unassigned: f(ListName::Unassigned),
            unread: f(ListName::Unread),
            not_answered: f(ListName::NotAnswered),
        }
    }

    /// The value of `kind`.
    pub fn get(&self, kind: ListName) -> &T {
        match kind {
            ListName::Unassigned => &self.unassigned,
            ListName::Unread => &self.unread,
            ListName::NotAnswered => &self.not_answered,
        }
    }

    /// The value of `kind`, to change.
    pub fn get_mut(&mut self, kind: ListName) -> &mut T {
        match kind {
            ListName::Unassigned => &mut self.unassigned,
            ListName::Unread => &mut self.unread,
            ListName::NotAnswered => &mut self.not_answered,
        }
    }

    /// The three values, in [`ListName::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        [&self.unassigned, &self.unread, &self.not_answered].into_iter()
    }

    /// The three values, to change.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        [
            &mut self.unassigned,
            &mut self.unread,
            &mut self.not_answered,
        ]
        .into_iter()
    }
}
