//! With `--webhook-url`, a freshly seeded demo history is also delivered as webhooks, as if it
//! had happened live, so a gateway started beside the sandbox has real history from the first
//! second: every client message as `on_incoming_message`, every reply and file as
//! `on_outgoing_message` (oldest first, across conversations), then `on_conversation_closed`
//! with its `messages[]` for each closed conversation. Notes fire no webhook live, so a note
//! reaches a gateway only in a closed conversation's backfill.

use serde_json::Value;

use crate::db::{ActionError, Db};
use crate::model::MessageKind;
use crate::webhooks::{Event, payload};

/// The webhooks that replay everything in `db`, in delivery order.
pub fn seeded_history(db: &Db) -> Result<Vec<Value>, ActionError> {
    let ids: Vec<i64> = {
        let conn = db.lock();
        let mut stmt = conn.prepare("SELECT id FROM conversations ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut live = Vec::new();
    let mut closed = Vec::new();
    for id in ids {
        let conversation = db.conversation(id)?;
        let messages = db.messages(id)?;
        for m in &messages {
            let (event, operator) = match m.kind {
                MessageKind::Client => (Event::IncomingMessage, None),
                MessageKind::Message | MessageKind::File => {
                    let operator = match m.operator_id {
                        Some(op) => Some(db.operator(op)?),
                        None => None,
                    };
                    (Event::OutgoingMessage, operator)
                }
                MessageKind::Note => continue,
            };
            let body = payload(event, &conversation, operator.as_ref(), &[], Some(m));
            live.push(((m.date_created, m.id), body));
        }
        if conversation.status == "closed" {
            closed.push(payload(Event::Closed, &conversation, None, &messages, None));
        }
    }
    live.sort_by_key(|(order, _)| *order);
    Ok(live
        .into_iter()
        .map(|(_, body)| body)
        .chain(closed)
        .collect())
}
