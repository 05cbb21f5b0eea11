//! A decoded list: the elements that decoded, and a report of each one that did not.

use super::fields::FieldError;

/// One list element that could not be decoded and was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeIssue {
    /// Position in the list.
    pub index: usize,
    /// Path of the bad field, e.g. `data[3].id`.
    pub path: String,
    /// What was wrong.
    pub message: String,
}

/// A decoded list: the elements that decoded, and a report of those that did not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listed<T> {
    /// Decoded elements, in server order.
    pub items: Vec<T>,
    /// Skipped elements.
    pub skipped: Vec<DecodeIssue>,
}

impl<T> Listed<T> {
    /// Keeps a decoded element, or reports the one at `index` that did not decode.
    pub(crate) fn push(&mut self, index: usize, decoded: Result<T, FieldError>) {
        match decoded {
            Ok(item) => self.items.push(item),
            Err(e) => self.skipped.push(DecodeIssue {
                index,
                path: e.path,
                message: e.message,
            }),
        }
    }
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            skipped: Vec::new(),
        }
    }
}
