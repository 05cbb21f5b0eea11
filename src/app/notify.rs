//! The standalone app's opt-in alerts for new client messages: which changes between two list
//! snapshots deserve a desktop notification and a sound, per the operator's rule. Pure logic over
//! [`crate::sync::diff::diff`], tested natively; the browser side (Notification, Web Audio) is in
//! [`super::alerts`].

use crate::api::{Conversation, ConversationId, Status, UserId};
use crate::sync::diff::{Change, dedupe, diff};

/// Which new client messages alert the operator.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NotifyRule {
    /// Never (the default: alerts are opt-in).
    #[default]
    Off,
    /// In conversations assigned to me.
    Mine,
    /// In mine, and in unassigned conversations (including new ones).
    MineAndUnassigned,
}

impl NotifyRule {
    /// The stored / `<select>` value.
    pub fn as_str(self) -> &'static str {
        match self {
            NotifyRule::Off => "off",
            NotifyRule::Mine => "mine",
            NotifyRule::MineAndUnassigned => "unassigned",
        }
    }

    /// Parses [`NotifyRule::as_str`]; anything else is off.
    pub fn parse(s: &str) -> NotifyRule {
        match s {
            "mine" => NotifyRule::Mine,
            "unassigned" => NotifyRule::MineAndUnassigned,
            _ => NotifyRule::Off,
        }
    }

    fn covers(self, c: &Conversation, me: Option<UserId>) -> bool {
        let mine = c.status == Status::Inbox && me.is_some() && c.operator_user_id == me;
        match self {
            NotifyRule::Off => false,
            NotifyRule::Mine => mine,
            NotifyRule::MineAndUnassigned => mine || c.status == Status::Unassigned,
        }
    }
}

/// One alert to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// The conversation (also the notification's tag, so repeats replace each other).
    pub id: ConversationId,
    /// The client's name.
    pub client: String,
    /// The new message, shortened (empty for a file or no text).
    pub text: String,
    /// `true` for a conversation that just appeared (a new client).
    pub new_conversation: bool,
}

/// The longest message excerpt shown in a notification.
pub const EXCERPT_CHARS: usize = 140;

fn excerpt(text: Option<&str>) -> String {
    let text = text.unwrap_or_default().trim();
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

/// The alerts between two snapshots of the lists (each the three lists concatenated; duplicates
/// are fine). `old = None` is the first snapshot: it only sets the baseline, it never alerts.
#[must_use]
pub fn alerts(
    old: Option<&[Conversation]>,
    new: &[Conversation],
    me: Option<UserId>,
    rule: NotifyRule,
) -> Vec<Alert> {
    let Some(old) = old else {
        return Vec::new();
    };
    if rule == NotifyRule::Off {
        return Vec::new();
    }
    let current = dedupe(new);
    let find = |id: ConversationId| current.iter().find(|c| c.id == id);
    let mut out: Vec<Alert> = Vec::new();
    for change in diff(old, new, me) {
        let (id, new_conversation) = match change {
            Change::NewClientMessage { id, .. } => (id, false),
            // A conversation that enters the lists with the client waiting on us.
            Change::Appeared(id) => (id, true),
            _ => continue,
        };
        let Some(c) = find(id) else { continue };
        let client_waiting =
            !c.is_operator_last_message && !c.is_inner_message && c.waiting_operator_response;
        if new_conversation && !client_waiting {
            continue;
        }
        if !rule.covers(c, me) || out.iter().any(|a| a.id == id) {
            continue;
        }
        out.push(Alert {
            id,
            client: c.client_name.clone(),
            text: excerpt(c.last_message.as_deref()),
            new_conversation,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(id: u64, status: Status, op: Option<u64>, last: &str, at: i64) -> Conversation {
        let body = serde_json::json!({"status": 200, "data": {"id": id, "status": "inbox"}});
        let mut c = crate::api::wire::decode_conversation(&crate::api::HttpResponse::new(
            200,
            body.to_string(),
        ))
        .unwrap();
        c.status = status;
        c.operator_user_id = op.map(UserId);
        c.last_message = Some(last.to_owned());
        c.last_message_date = Some(at);
        c.date_updated = Some(at);
        c.waiting_operator_response = true;
        c.is_operator_last_message = false;
        c.client_name = format!("Client {id}");
        c
    }

    const ME: Option<UserId> = Some(UserId(1001));

    #[test]
    fn first_snapshot_and_off_never_alert() {
        let new = vec![conv(1, Status::Inbox, Some(1001), "hi", 10)];
        assert!(alerts(None, &new, ME, NotifyRule::MineAndUnassigned).is_empty());
        assert!(alerts(Some(&[]), &new, ME, NotifyRule::Off).is_empty());
    }

    #[test]
    fn rules_pick_mine_and_optionally_unassigned() {
        let old = vec![
            conv(1, Status::Inbox, Some(1001), "a", 10),
            conv(2, Status::Unassigned, None, "b", 10),
            conv(3, Status::Inbox, Some(1002), "c", 10),
        ];
        let new = vec![
            conv(1, Status::Inbox, Some(1001), "a2", 20),
            conv(2, Status::Unassigned, None, "b2", 20),
            conv(3, Status::Inbox, Some(1002), "c2", 20),
            conv(4, Status::Unassigned, None, "new client", 20),
        ];
        let ids = |rule| {
            alerts(Some(&old), &new, ME, rule)
                .iter()
                .map(|a| a.id.0)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(NotifyRule::Mine), vec![1]);
        assert_eq!(ids(NotifyRule::MineAndUnassigned), vec![1, 2, 4]);
        let all = alerts(Some(&old), &new, ME, NotifyRule::MineAndUnassigned);
        assert!(
            all.iter()
                .any(|a| a.id.0 == 4 && a.new_conversation && a.text == "new client")
        );
        // Without knowing who I am, nothing is "mine".
        assert!(alerts(Some(&old), &new, None, NotifyRule::Mine).is_empty());
    }

    #[test]
    fn operator_messages_notes_and_reordering_do_not_alert() {
        let old = vec![
            conv(1, Status::Inbox, Some(1001), "a", 10),
            conv(2, Status::Inbox, Some(1001), "b", 10),
        ];
        let mut answered = conv(1, Status::Inbox, Some(1001), "our reply", 20);
        answered.is_operator_last_message = true;
        answered.waiting_operator_response = false;
        let mut noted = conv(2, Status::Inbox, Some(1001), "a note", 20);
        noted.is_inner_message = true;
        assert!(alerts(Some(&old), &[noted, answered], ME, NotifyRule::Mine).is_empty());
        let reordered: Vec<Conversation> = old.iter().rev().cloned().collect();
        assert!(alerts(Some(&old), &reordered, ME, NotifyRule::Mine).is_empty());
    }

    #[test]
    fn duplicates_across_lists_alert_once_and_long_text_is_cut() {
        let old = vec![conv(1, Status::Inbox, Some(1001), "a", 10)];
        let long = "x".repeat(500);
        let c = conv(1, Status::Inbox, Some(1001), &long, 20);
        let got = alerts(Some(&old), &[c.clone(), c], ME, NotifyRule::Mine);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].text.chars().count(), EXCERPT_CHARS + 1);
        assert_eq!(
            NotifyRule::parse(NotifyRule::MineAndUnassigned.as_str()),
            NotifyRule::MineAndUnassigned
        );
        assert_eq!(NotifyRule::parse("nope"), NotifyRule::Off);
    }
}
