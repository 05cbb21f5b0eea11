//! The account's directory: operators (`operators/all`) and groups (`operators/groups`).

use serde_json::Value;

use super::fields::{FieldError, FromWire, Obj, is_hex_color};
use crate::ids::{GroupId, OperatorId, UserId};

/// An operator (for the assignment picker).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Operator {
    /// `id`: what a request's `operator_id` means.
    pub id: OperatorId,
    /// `user_id`: what a conversation's `operator_user_id` holds.
    pub user_id: UserId,
    /// `invite_email` (the API has no display name).
    pub email: String,
}

/// An operator group.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Group {
    /// `id`
    pub id: GroupId,
    /// `title`
    pub title: String,
    /// `color`, only when it is a valid `#rgb` / `#rrggbb`.
    pub color: Option<String>,
    /// `priority` (0 when absent).
    pub priority: i64,
    /// `is_default`
    pub is_default: bool,
}

impl FromWire for Operator {
    fn from_wire(v: &Value, path: &str) -> Result<Self, FieldError> {
        let o = Obj::of(v, path)?;
        Ok(Self {
            id: OperatorId(o.req_u64("id")?),
            user_id: UserId(o.req_u64("user_id")?),
            email: o.opt_string("invite_email")?.unwrap_or_default(),
        })
    }
}

impl FromWire for Group {
    fn from_wire(v: &Value, path: &str) -> Result<Self, FieldError> {
        let o = Obj::of(v, path)?;
        Ok(Self {
            id: GroupId(o.req_u64("id")?),
            title: o.opt_string("title")?.unwrap_or_default(),
            color: o
                .opt_string("color")?
                .map(|c| c.trim().to_owned())
                .filter(|c| is_hex_color(c)),
            priority: o.opt_i64("priority")?.unwrap_or(0),
            is_default: o.bool("is_default")?,
        })
    }
}
