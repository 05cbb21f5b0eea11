//! The demo account: operators, groups, channels and (for `--seed demo`) conversations with
//! histories full of the text that breaks naive UIs (emoji, RTL, Cyrillic, very long lines, URLs).

use rusqlite::{Transaction, params};

use crate::channels::{APPLICATIONS, app_label};
use crate::clock::now;
use crate::db::{ActionError, Db, NewConversation, create_conversation, insert_message};
use crate::model::MessageKind;
use crate::rng::Rng;

/// What to put in a fresh database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedMode {
    /// The account only (operators, groups, channels), no conversations.
    Empty,
    /// The account plus the demo conversations.
    Demo,
}

impl std::str::FromStr for SeedMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "empty" => Ok(Self::Empty),
            "demo" => Ok(Self::Demo),
            other => Err(format!("unknown seed {other:?} (expected demo or empty)")),
        }
    }
}

fn channel_account(application: &str) -> &'static str {
    match application {
        "livechat" => "support@demo.blinger.test",
        "telegrambot" => "@demo_support_bot",
        "whatsapp" => "+1 555 0100",
        "facebook" => "Demo Shop (Facebook page)",
        "viber" => "Demo Shop Viber",
        "vk" => "vk.com/demo_shop",
        "email" => "help@demo.blinger.test",
        _ => "Demo Shop",
    }
}

/// Operators of the account: (id, user_id, email, name). The first is the owner.
pub const OPERATORS: &[(i64, i64, &str, &str)] = &[
    (1, 1001, "owner@demo.blinger.test", "Olivia Owner"),
    (2, 1002, "anna@demo.blinger.test", "Анна Петрова"),
    (3, 1003, "omar@demo.blinger.test", "عمر حداد"),
    (4, 1004, "li@demo.blinger.test", "Li Wei 🐼"),
];

/// Groups: (id, title, priority, color, is_default).
pub const GROUPS: &[(i64, &str, i64, &str, bool)] = &[
    (1, "Default", 1, "#22539c", true),
    (2, "Billing", 2, "#b5443a", false),
    (3, "VIP", 3, "#6b3fa0", false),
];

/// Seeds a fresh database (one with no operators); does nothing on a non-empty one. Returns
/// whether it seeded.
pub fn seed(db: &Db, mode: SeedMode) -> Result<bool, ActionError> {
    db.with_transaction(|tx| {
        let operators: i64 = tx.query_row("SELECT COUNT(*) FROM operators", [], |r| r.get(0))?;
        if operators > 0 {
            return Ok(false);
        }
        let mut rng = Rng::seeded(0x5EED);
        let now = now();
        seed_account(tx, &mut rng, now)?;
        if mode == SeedMode::Demo {
            seed_demo(tx, &mut rng, now)?;
        }
        Ok(true)
    })
}

fn seed_account(tx: &Transaction<'_>, rng: &mut Rng, now: i64) -> Result<(), ActionError> {
    let owner_user_id = OPERATORS.first().map(|o| o.1).unwrap_or(1001);
    for (i, (id, user_id, email, name)) in OPERATORS.iter().enumerate() {
        tx.execute(
            "INSERT INTO operators (id, user_id, owner_user_id, invite_email, name, conversations_token, is_owner) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, user_id, owner_user_id, email, name, rng.hex(13), i == 0],
        )?;
    }
    for (id, title, priority, color, is_default) in GROUPS {
        tx.execute(
            "INSERT INTO operator_groups (id, user_id, title, priority, color, is_default) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, owner_user_id, title, priority, color, is_default],
        )?;
    }
    let created = now - 400 * 86_400;
    for (id, application) in (1_i64..).zip(APPLICATIONS) {
        tx.execute(
            "INSERT INTO channels (id, application, name, account_name, date_created, date_updated, extra_field_secret_key) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
            params![
                id,
                application,
                format!("Demo Shop · {}", app_label(application)),
                channel_account(application),
                created,
                rng.token(32)
            ],
        )?;
    }
    Ok(())
}

/// Client names: plain, emoji, RTL, Cyrillic, CJK, very long, markup-looking.
pub const CLIENT_NAMES: &[&str] = &[
    "Maria Garcia",
    "Иван Смирнов",
    "محمد الأحمد",
    "נועה כהן",
    "🦄 Unicorn Fan 🌈",
    "李小龙",
    "Jean-Éloïse d'Arcy-Øresund",
    "Ольга Кузнецова-Длиннофамильная",
    "<script>alert('x')</script>",
    "Bartholomew Alexander Montgomery-Fitzgerald the Third of Somewhere Very Far Away",
    "Kwame Mensah",
    "Fatma Yılmaz",
    "Aarav Sharma",
    "Søren Kierkegaard",
    "سارة",
    "Дмитрий",
];

const CUSTOM_NAMES: &[&str] = &[
    "VIP: Maria (wholesale)",
    "Иван — повторный заказ",
    "⭐ Key account",
];

/// Texts clients write.
pub const CLIENT_TEXTS: &[&str] = &[
    "Hi! Where is my order #48213?",
    "Здравствуйте! Когда будет доставка?",
    "مرحبا، أريد إرجاع المنتج من فضلك",
    "שלום, ההזמנה שלי לא הגיעה",
    "👋😀 can you help? 🙏🙏🙏",
    "The tracking link https://tracking.example.com/track?id=ZX81&lang=en does not open",
    "I paid twice, see https://example.com/receipts/2024-11-03.pdf",
    "ok",
    "?",
    "This is a very long line without any break to test wrapping: Lorem-ipsum-dolor-sit-amet-consectetur-adipiscing-elit-sed-do-eiusmod-tempor-incididunt-ut-labore-et-dolore-magna-aliqua-Ut-enim-ad-minim-veniam-quis-nostrud-exercitation-ullamco-laboris-nisi-ut-aliquip-ex-ea-commodo-consequat-Duis-aute-irure-dolor-in-reprehenderit-in-voluptate-velit-esse-cillum-dolore-eu-fugiat-nulla-pariatur",
    "Mixed scripts: Hello / Привет / مرحبا / שלום / 你好 / こんにちは 🎉",
    "Can I change the delivery address to ул. Ленина, д. 1, кв. 2?",
    "<b>bold?</b> <img src=x onerror=alert(1)> & \"quotes\"",
    "Line one\nLine two\nLine three",
    "Спасибо большое! 👍",
    "هل لديكم هذا المقاس؟ XL",
    "Is the 🧥 still available in blue?",
];

const OPERATOR_TEXTS: &[&str] = &[
    "Hello! Let me check that for you.",
    "Здравствуйте! Сейчас проверю.",
    "Your order is on its way: https://tracking.example.com/track?id=ZX81",
    "مرحباً! سنساعدك حالاً",
    "Thanks for waiting 🙏",
    "Refund issued, it takes 3–5 business days.",
    "שלום! אני בודקת",
];

const NOTES: &[&str] = &[
    "Customer is VIP, offer free shipping",
    "Проверить оплату в банке",
    "Escalated to billing 💸",
];

const FILES: &[&str] = &[
    "https://picsum.photos/seed/blinger/640/480.jpg",
    "https://example.com/files/invoice-48213.pdf",
    "https://example.com/files/return-label.png",
];

/// How a demo conversation ends up.
#[derive(Debug, Clone, Copy)]
enum DemoState {
    Unassigned,
    InboxUnread(usize),
    InboxWaitingRead(usize),
    InboxAnswered(usize),
    InboxNoteLast(usize),
    Closed(usize),
}

fn demo_state(i: usize) -> DemoState {
    // operator index into OPERATORS: the owner gets the most.
    let op = [0, 0, 1, 2, 0, 3].get(i % 6).copied().unwrap_or(0);
    match i % 8 {
        0 | 1 | 5 => DemoState::Unassigned,
        2 => DemoState::InboxUnread(op),
        3 => DemoState::InboxAnswered(op),
        4 => DemoState::InboxWaitingRead(op),
        6 => DemoState::Closed(op),
        _ => DemoState::InboxNoteLast(op),
    }
}

const DEMO_CONVERSATIONS: usize = 48;

fn seed_demo(tx: &Transaction<'_>, rng: &mut Rng, now: i64) -> Result<(), ActionError> {
    for i in 0..DEMO_CONVERSATIONS {
        seed_demo_conversation(tx, rng, now, i)?;
    }
    Ok(())
}

/// Demo conversation `i`: its row, its history, then the fields derived from the history.
fn seed_demo_conversation(
    tx: &Transaction<'_>,
    rng: &mut Rng,
    now: i64,
    i: usize,
) -> Result<(), ActionError> {
    let state = demo_state(i);
    let application = APPLICATIONS.get(i % 7).copied().unwrap_or("livechat");
    let name = CLIENT_NAMES.get(i % CLIENT_NAMES.len()).copied();
    let custom = (i % 9 == 4)
        .then(|| CUSTOM_NAMES.get(i % CUSTOM_NAMES.len()).copied())
        .flatten();
    // last activity: from 1 minute to ~6 days ago, growing with i
    let last_at = now - 60 - (i as i64) * (i as i64) * 240;
    let count = match i {
        10 | 11 => 500,
        _ => 2 + (i * 7) % 29,
    };
    let (status, op_index) = match state {
        DemoState::Unassigned => ("unassigned", None),
        DemoState::Closed(op) => ("closed", Some(op)),
        DemoState::InboxUnread(op)
        | DemoState::InboxWaitingRead(op)
        | DemoState::InboxAnswered(op)
        | DemoState::InboxNoteLast(op) => ("inbox", Some(op)),
    };
    let operator = op_index.and_then(|o| OPERATORS.get(o));
    let first_at = last_at - (count as i64) * 300;
    let spec = NewConversation {
        application,
        from_user_name: name,
        from_user_custom_name: custom,
        status,
        operator_user_id: operator.map(|o| o.1),
        at: first_at,
    };
    let id = create_conversation(tx, &spec, rng)?;
    let history = DemoHistory {
        conversation_id: id,
        i,
        state,
        count,
        first_at,
        last_at,
        operator_id: operator.map(|o| o.0),
        client_name: name,
    };
    let end = write_demo_history(tx, rng, &history)?;
    let unread = match state {
        DemoState::Unassigned | DemoState::InboxUnread(_) => end.trailing_client,
        _ => 0,
    };
    tx.execute(
        "UPDATE conversations SET last_message = ?2, last_message_date = ?3, date_updated = ?3, \
         unread_count = ?4, waiting_operator_response = ?5, is_operator_last_message = ?6, \
         is_inner_message = ?7, is_new_conversation = ?8, unassigned_date = CASE WHEN status = 'unassigned' THEN ?3 ELSE ?9 END \
         WHERE id = ?1",
        params![
            id,
            end.last_text,
            last_at,
            unread,
            end.last_visible_is_client,
            !end.last_visible_is_client,
            end.last_kind == MessageKind::Note,
            operator.is_none() && count < 4,
            (i % 3 == 0).then_some(first_at),
        ],
    )?;
    Ok(())
}

/// The history one demo conversation gets.
struct DemoHistory<'a> {
    conversation_id: i64,
    /// The conversation's index (picks the texts).
    i: usize,
    state: DemoState,
    /// How many messages.
    count: usize,
    first_at: i64,
    /// When the last message is written.
    last_at: i64,
    /// The operator `id` holding it, if any.
    operator_id: Option<i64>,
    client_name: Option<&'a str>,
}

/// How a demo history ended: what the conversation's derived fields are computed from.
struct HistoryEnd {
    last_kind: MessageKind,
    last_text: String,
    /// Client messages since the last reply or file.
    trailing_client: i64,
    /// Whether the last message the client can see (notes excluded) is the client's.
    last_visible_is_client: bool,
}

/// The kind of message `m` of `h`: client and operator alternate, and the last one is what the
/// state requires.
fn demo_message_kind(h: &DemoHistory<'_>, m: usize) -> MessageKind {
    let ends_with_client = matches!(
        h.state,
        DemoState::Unassigned | DemoState::InboxUnread(_) | DemoState::InboxWaitingRead(_)
    );
    let no_operator = h.operator_id.is_none();
    if h.count - m == 1 {
        match h.state {
            DemoState::InboxNoteLast(_) => MessageKind::Note,
            _ if ends_with_client || no_operator => MessageKind::Client,
            _ => MessageKind::Message,
        }
    } else if m % 2 == 0 || no_operator {
        MessageKind::Client
    } else if m % 11 == 5 {
        MessageKind::Note
    } else if m % 7 == 3 {
        MessageKind::File
    } else {
        MessageKind::Message
    }
}

/// Writes the `count` messages of `h`, spread between `first_at` and `last_at`.
fn write_demo_history(
    tx: &Transaction<'_>,
    rng: &mut Rng,
    h: &DemoHistory<'_>,
) -> Result<HistoryEnd, ActionError> {
    let mut at = h.first_at;
    let mut end = HistoryEnd {
        last_kind: MessageKind::Client,
        last_text: String::new(),
        trailing_client: 0,
        last_visible_is_client: true,
    };
    for m in 0..h.count {
        at += 1 + rng.below(290) as i64;
        let kind = demo_message_kind(h, m);
        let at_now = if h.count - m == 1 {
            h.last_at
        } else {
            at.min(h.last_at)
        };
        let texts = match kind {
            MessageKind::Client => CLIENT_TEXTS,
            MessageKind::Message => OPERATOR_TEXTS,
            MessageKind::Note => NOTES,
            MessageKind::File => FILES,
        };
        let content = texts.get((h.i + m) % texts.len()).copied().unwrap_or("…");
        let (operator_id, from_name) = match kind {
            MessageKind::Client => (None, h.client_name),
            _ => (h.operator_id.or(Some(1)), None),
        };
        insert_message(
            tx,
            h.conversation_id,
            kind,
            content,
            operator_id,
            from_name,
            at_now,
        )?;
        match kind {
            MessageKind::Client => {
                end.trailing_client += 1;
                end.last_visible_is_client = true;
            }
            MessageKind::Message | MessageKind::File => {
                end.trailing_client = 0;
                end.last_visible_is_client = false;
            }
            MessageKind::Note => {}
        }
        end.last_kind = kind;
        end.last_text = content.to_owned();
    }
    Ok(end)
}
