//! `POST /sandbox/fixtures` (`--faults`; loopback only): overwrite the display fields the public
//! API cannot change (operator e-mails, group titles and colours, a conversation's client name,
//! custom name and avatar URL), so tests can put hostile strings into every field the widget
//! shows. Everything in one request is applied in one transaction, or nothing is.

use axum::extract::State;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::body::ApiRequest;
use crate::db::ActionError;
use crate::error::{ApiError, ApiResult, ok};
use crate::faults::{Peer, forbid_remote};
use crate::state::Shared;

/// Longest string a fixture field takes (bytes).
pub const MAX_FIELD_LEN: usize = 10_000;

/// New values for one operator.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatorFixture {
    /// The operator's `id`.
    pub id: i64,
    /// New `invite_email` (must stay unique).
    #[serde(default)]
    pub invite_email: Option<String>,
}

/// New values for one group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupFixture {
    /// The group's `id`.
    pub id: i64,
    /// New title.
    #[serde(default)]
    pub title: Option<String>,
    /// New colour (any string: the widget must cope).
    #[serde(default)]
    pub color: Option<String>,
}

/// New values for one conversation (`null` members are left alone).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConversationFixture {
    /// The conversation's `id`.
    pub id: i64,
    /// New `from_user_name`.
    #[serde(default)]
    pub from_user_name: Option<String>,
    /// New `from_user_custom_name`.
    #[serde(default)]
    pub from_user_custom_name: Option<String>,
    /// New `from_user_avatar`.
    #[serde(default)]
    pub from_user_avatar: Option<String>,
}

/// The body of `POST /sandbox/fixtures`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    /// Operators to change.
    #[serde(default)]
    pub operators: Vec<OperatorFixture>,
    /// Groups to change.
    #[serde(default)]
    pub groups: Vec<GroupFixture>,
    /// Conversations to change.
    #[serde(default)]
    pub conversations: Vec<ConversationFixture>,
}

impl Fixtures {
    fn strings(&self) -> impl Iterator<Item = &String> {
        let ops = self
            .operators
            .iter()
            .filter_map(|o| o.invite_email.as_ref());
        let groups = self
            .groups
            .iter()
            .flat_map(|g| [g.title.as_ref(), g.color.as_ref()])
            .flatten();
        let convs = self
            .conversations
            .iter()
            .flat_map(|c| {
                [
                    c.from_user_name.as_ref(),
                    c.from_user_custom_name.as_ref(),
                    c.from_user_avatar.as_ref(),
                ]
            })
            .flatten();
        ops.chain(groups).chain(convs)
    }

    fn validate(&self) -> Result<(), ApiError> {
        if self.strings().any(|s| s.len() > MAX_FIELD_LEN) {
            return Err(ApiError::bad_request(format!(
                "fixture strings must be at most {MAX_FIELD_LEN} bytes"
            )));
        }
        Ok(())
    }

    /// Applies every change in one transaction. Unknown ids → 400; a duplicate e-mail → 400.
    pub fn apply(&self, conn: &mut Connection) -> Result<serde_json::Value, ApiError> {
        self.validate()?;
        let tx = conn.transaction().map_err(|_| ApiError::Internal)?;
        for o in &self.operators {
            if let Some(email) = &o.invite_email {
                let changed = tx
                    .execute(
                        "UPDATE operators SET invite_email = ?1 WHERE id = ?2",
                        params![email, o.id],
                    )
                    .map_err(|_| ApiError::bad_request("invite_email must be unique"))?;
                if changed == 0 {
                    return Err(ActionError::OperatorNotFound.into());
                }
            } else {
                exists(&tx, "operators", o.id, ActionError::OperatorNotFound)?;
            }
        }
        for g in &self.groups {
            exists(&tx, "operator_groups", g.id, ActionError::GroupNotFound)?;
            tx.execute(
                "UPDATE operator_groups SET title = COALESCE(?1, title), color = COALESCE(?2, color) WHERE id = ?3",
                params![g.title, g.color, g.id],
            )
            .map_err(|_| ApiError::Internal)?;
        }
        for c in &self.conversations {
            exists(
                &tx,
                "conversations",
                c.id,
                ActionError::ConversationNotFound,
            )?;
            tx.execute(
                "UPDATE conversations SET from_user_name = COALESCE(?1, from_user_name), \
                 from_user_custom_name = COALESCE(?2, from_user_custom_name), \
                 from_user_avatar = COALESCE(?3, from_user_avatar) WHERE id = ?4",
                params![
                    c.from_user_name,
                    c.from_user_custom_name,
                    c.from_user_avatar,
                    c.id
                ],
            )
            .map_err(|_| ApiError::Internal)?;
        }
        tx.commit().map_err(|_| ApiError::Internal)?;
        Ok(json!({
            "operators": self.operators.len(),
            "groups": self.groups.len(),
            "conversations": self.conversations.len(),
        }))
    }
}

fn exists(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    id: i64,
    missing: ActionError,
) -> Result<(), ApiError> {
    let found: i64 = tx
        .query_row(
            &format!("SELECT COUNT(*) FROM {table} WHERE id = ?1"),
            params![id],
            |r| r.get(0),
        )
        .map_err(|_| ApiError::Internal)?;
    if found == 0 {
        Err(missing.into())
    } else {
        Ok(())
    }
}

/// `POST /sandbox/fixtures`.
pub async fn post_fixtures(
    State(state): State<Shared>,
    Peer(peer): Peer,
    req: ApiRequest,
) -> ApiResult {
    forbid_remote(peer)?;
    let body = req.body?;
    let fixtures: Fixtures = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("Invalid fixtures: {e}")))?;
    let mut conn = state.db.lock();
    let applied = fixtures.apply(&mut conn)?;
    Ok(ok(applied))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_overlong_strings() {
        let f = Fixtures {
            groups: vec![GroupFixture {
                id: 1,
                title: Some("x".repeat(MAX_FIELD_LEN + 1)),
                color: None,
            }],
            ..Fixtures::default()
        };
        assert!(f.validate().is_err());
    }
}
