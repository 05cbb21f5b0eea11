//! The Blinger API as the sandbox serves it: endpoints, documented errors, lifecycle, lists,
//! body encodings and the sandbox extensions.
// Helpers outside #[test] functions are test code too: a failed unwrap is a failed test.
#![allow(clippy::restriction)] // tests unwrap, index and panic

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use blinger_sandbox::rng::Rng;
use blinger_sandbox::{BulkSpec, SeedMode};
use common::{Sandbox, api_error, data_items, fixture};
use serde_json::{Value, json};

const GET_ENDPOINTS: &[&str] = &[
    "/api/conversations/unassigned",
    "/api/conversations/unread",
    "/api/conversations/not-answered",
    "/api/conversations/get?conversation_id=1",
    "/api/operators/all",
    "/api/operators/groups",
    "/sandbox/conversations/1/messages",
];

fn key_paths(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    if let Value::Object(map) = v {
        for (k, child) in map {
            let path = format!("{prefix}{k}");
            out.insert(path.clone());
            key_paths(child, &format!("{path}."), out);
        }
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "int",
        Value::Number(_) => "float",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every non-null fixture value has the same JSON type in `ours`.
fn same_types(fixture: &Value, ours: &Value, path: &str) {
    if let (Value::Object(f), Value::Object(o)) = (fixture, ours) {
        for (k, fv) in f {
            let ov = &o[k];
            if !fv.is_null() {
                assert_eq!(
                    json_type(fv),
                    json_type(ov),
                    "type of {path}{k}: fixture {fv}, ours {ov}"
                );
            }
            same_types(fv, ov, &format!("{path}{k}."));
        }
    }
}

#[test]
fn fixtures_match_shared() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures");
    let Ok(entries) = std::fs::read_dir(&shared) else {
        return; // shared/ not beside the repo: nothing to compare with
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let theirs: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            fixture(&name),
            theirs,
            "sandbox/tests/fixtures/{name} is stale"
        );
    }
}

#[tokio::test]
async fn start_response_has_exactly_the_fixture_fields() {
    let sb = Sandbox::start(SeedMode::Empty).await;
    let id = sb.new_conversation("124124").await;
    let (status, body) = sb.act("start", &id.to_string(), &[]).await;
    assert_eq!(status, 200, "{body}");
    let documented = fixture("conversation-start-200.json");
    let (mut want, mut got) = (BTreeSet::new(), BTreeSet::new());
    key_paths(&documented, "", &mut want);
    key_paths(&body, "", &mut got);
    assert_eq!(
        got, want,
        "key set of the start response differs from the fixture"
    );
    same_types(&documented, &body, "");
    // decoded as the typed model too
    let conv: blinger_sandbox::model::Conversation =
        serde_json::from_value(body["data"].clone()).unwrap();
    assert_eq!(conv.status, "inbox");
    assert_eq!(conv.operator_user_id, Some(1001));
    assert_eq!(conv.user_id, 1001);
    assert_eq!(conv.last_message.as_deref(), Some("124124"));
    sb.server.shutdown().await;
}

#[tokio::test]
async fn documented_errors_match_the_fixtures() {
    let sb = Sandbox::start(SeedMode::Empty).await;
    let empty_token = fixture("error-401-empty-token.json");
    for path in common::TOKEN_POSTS {
        let resp = sb
            .http
            .post(sb.at(path))
            .form(&[("conversation_id", "1")])
            .send()
            .await
            .unwrap();
        let (status, body) = common::decode(resp).await;
        assert_eq!((status, &body), (401, &empty_token), "POST {path}");
        let resp = sb
            .http
            .post(sb.at(path))
            .header("Authentication", "")
            .send()
            .await
            .unwrap();
        assert_eq!(
            common::decode(resp).await,
            (401, empty_token.clone()),
            "empty header on {path}"
        );
    }
    for path in GET_ENDPOINTS {
        let resp = sb.http.get(sb.at(path)).send().await.unwrap();
        assert_eq!(
            common::decode(resp).await,
            (401, empty_token.clone()),
            "GET {path}"
        );
        let resp = sb
            .http
            .get(sb.at(path))
            .header("Authentication", "nope")
            .send()
            .await
            .unwrap();
        let (status, body) = common::decode(resp).await;
        assert_eq!(status, 401);
        assert_eq!(body["status"], 401);
        assert!(
            body["error"].as_str().unwrap().contains("Invalid token"),
            "{body}"
        );
        // Authorization (not our header) does not count
        let resp = sb
            .http
            .get(sb.at(path))
            .header("Authorization", common::TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(common::decode(resp).await.0, 401);
    }

    let id = sb.new_conversation("hi").await.to_string();
    let (status, body) = sb.act("start", &id, &[("operator_id", "99")]).await;
    assert_eq!(
        (status, body),
        (400, fixture("error-400-operator-not-found.json"))
    );
    let (status, _) = sb.act("start", &id, &[("operator_id", "2")]).await;
    assert_eq!(status, 200);
    let (status, body) = sb.act("start", &id, &[]).await;
    assert_eq!(
        (status, body),
        (400, fixture("error-400-assigned-to-another-operator.json"))
    );

    assert_eq!(
        sb.act("close", "4242", &[]).await,
        api_error(400, json!("Conversation not found"))
    );
    assert_eq!(
        sb.act("assign-group", &id, &[("group_id", "77")]).await,
        api_error(400, json!("Group not found"))
    );
    assert_eq!(
        sb.post_form("/api/conversations/start", &[]).await,
        api_error(
            400,
            json!({"conversation_id": "conversation_id is required"})
        )
    );
    assert_eq!(
        sb.act("assign-operator", "x", &[]).await,
        api_error(
            400,
            json!({
                "conversation_id": "conversation_id must be an integer",
                "operator_id": "operator_id is required"
            })
        )
    );
    assert_eq!(
        sb.get("/api/conversations/get").await,
        api_error(
            400,
            json!({"conversation_id": "conversation_id is required"})
        )
    );
    let (status, body) = sb.get("/api/conversations/unread?operator_id=12345").await;
    assert_eq!(
        (status, body),
        (400, fixture("error-400-operator-not-found.json"))
    );
    sb.server.shutdown().await;
}

#[tokio::test]
async fn operators_and_groups_have_the_documented_shape_and_distinct_ids() {
    let sb = Sandbox::start(SeedMode::Empty).await;
    for (path, name) in [
        ("/api/operators/all", "operators-all-200.json"),
        ("/api/operators/groups", "operators-groups-200.json"),
    ] {
        let (status, body) = sb.get(path).await;
        assert_eq!(status, 200);
        let documented = fixture(name);
        let want: BTreeSet<&String> = documented["data"][0].as_object().unwrap().keys().collect();
        let items = data_items(&body);
        assert!(items.len() >= 2, "{path}: {body}");
        for item in items {
            let got: BTreeSet<&String> = item.as_object().unwrap().keys().collect();
            assert_eq!(got, want, "{path}");
            same_types(&documented["data"][0], item, "");
        }
    }
    let (_, ops) = sb.get("/api/operators/all").await;
    let ops = data_items(&ops);
    assert!(ops.len() >= 3);
    assert_eq!(ops[0]["id"], 1);
    assert_eq!(ops[0]["user_id"], 1001);
    assert_eq!(ops[0]["invite_email"], "owner@demo.blinger.test");
    for op in ops {
        assert_ne!(op["id"], op["user_id"], "ids and user_ids must differ");
        assert_eq!(op["owner_user_id"], 1001);
    }
    let (_, groups) = sb.get("/api/operators/groups").await;
    assert!(
        data_items(&groups)
            .iter()
            .any(|g| g["color"] == "#22539c" && g["is_default"] == true)
    );
    sb.server.shutdown().await;
}

#[tokio::test]
async fn lifecycle_and_message_flags() {
    let sb = Sandbox::start(SeedMode::Empty).await;
    let c = sb
        .customer(
            json!({"text": "Привет 👋", "from_user_name": "Иван", "application": "telegrambot"}),
        )
        .await;
    let id = c["id"].as_i64().unwrap();
    let ids = id.to_string();
    assert_eq!(c["status"], "unassigned");
    assert_eq!(c["application"], "telegrambot");
    assert_eq!(c["from_user_name"], "Иван");
    assert_eq!(c["unread_count"], 1);
    assert_eq!(c["waiting_operator_response"], true);
    assert_eq!(c["is_operator_last_message"], false);
    assert_eq!(c["operator_user_id"], Value::Null);
    assert_eq!(c["toBlingerUser"]["application"], "telegrambot");
    assert!(c["unassigned_date"].is_i64());
    assert_eq!(sb.list_ids("/api/conversations/unassigned").await, vec![id]);

    // start as the owner (operator_id omitted)
    let (status, body) = sb.act("start", &ids, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["status"], "inbox");
    assert_eq!(body["data"]["operator_user_id"], 1001);
    assert!(
        sb.list_ids("/api/conversations/unassigned")
            .await
            .is_empty()
    );
    assert_eq!(sb.list_ids("/api/conversations/unread").await, vec![id]);
    assert_eq!(
        sb.list_ids("/api/conversations/unread?operator_id=1").await,
        vec![id]
    );
    assert_eq!(
        sb.list_ids("/api/conversations/not-answered").await,
        vec![id]
    );
    assert!(
        sb.list_ids("/api/conversations/unread?operator_id=2")
            .await
            .is_empty()
    );
    // start again by the same operator: fine; by another: refused
    assert_eq!(sb.act("start", &ids, &[("operator_id", "1")]).await.0, 200);
    assert_eq!(sb.act("start", &ids, &[("operator_id", "3")]).await.0, 400);

    // get does not clear unread
    assert_eq!(sb.conversation(id).await["unread_count"], 1);

    // reply
    let (status, body) = sb
        .act("send-message", &ids, &[("text", "Здравствуйте!")])
        .await;
    assert_eq!(status, 200, "{body}");
    let d = &body["data"];
    assert_eq!(d["last_message"], "Здравствуйте!");
    assert_eq!(d["is_operator_last_message"], true);
    assert_eq!(d["waiting_operator_response"], false);
    assert_eq!(d["is_inner_message"], false);
    assert_eq!(d["unread_count"], 0);
    assert!(d["last_message_date"].as_i64().unwrap() >= c["last_message_date"].as_i64().unwrap());
    assert!(sb.list_ids("/api/conversations/unread").await.is_empty());
    assert!(
        sb.list_ids("/api/conversations/not-answered")
            .await
            .is_empty()
    );

    // client again: back in unread / not answered, still the owner's inbox
    let c2 = sb
        .customer(json!({"text": "ещё вопрос", "conversation_id": id}))
        .await;
    assert_eq!(c2["status"], "inbox");
    assert_eq!(c2["unread_count"], 1);
    assert_eq!(
        sb.list_ids("/api/conversations/not-answered").await,
        vec![id]
    );

    // a note: last_message is the note, inner; still not answered
    let (status, body) = sb
        .post_json(
            "/api/conversations/send-note",
            json!({"conversation_id": id, "text": "VIP client", "operator_id": 2}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["last_message"], "VIP client");
    assert_eq!(body["data"]["is_inner_message"], true);
    assert_eq!(body["data"]["waiting_operator_response"], true);
    assert_eq!(
        sb.list_ids("/api/conversations/not-answered").await,
        vec![id]
    );

    // a file
    let (status, body) = sb
        .act(
            "send-file-message",
            &ids,
            &[("file_url", "https://example.com/a.png")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["last_message"], "https://example.com/a.png");
    assert_eq!(body["data"]["is_operator_last_message"], true);
    assert_eq!(body["data"]["is_inner_message"], false);

    // close; sending is refused; lists drop it
    let (status, body) = sb.act("close", &ids, &[]).await;
    assert_eq!(
        (status, body["data"]["status"].as_str()),
        (200, Some("closed"))
    );
    assert_eq!(
        sb.act("send-message", &ids, &[("text", "late")]).await,
        api_error(400, json!("The conversation is closed"))
    );
    assert!(sb.list_ids("/api/conversations/unread").await.is_empty());

    // start reopens a closed conversation (even for another operator)
    let (status, body) = sb.act("start", &ids, &[("operator_id", "2")]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["status"], "inbox");
    assert_eq!(body["data"]["operator_user_id"], 1002);

    // unassign
    let (status, body) = sb.act("unassign", &ids, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["status"], "unassigned");
    assert_eq!(body["data"]["operator_user_id"], Value::Null);
    assert!(body["data"]["unassigned_date"].is_i64());
    assert_eq!(sb.list_ids("/api/conversations/unassigned").await, vec![id]);

    // assign-operator, assign-group
    let (status, body) = sb
        .act("assign-operator", &ids, &[("operator_id", "3")])
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["operator_user_id"], 1003);
    assert!(
        sb.list_ids("/api/conversations/unread?operator_id=3")
            .await
            .is_empty()
    );
    sb.customer(json!({"text": "for operator 3", "conversation_id": id}))
        .await;
    assert_eq!(
        sb.list_ids("/api/conversations/unread?operator_id=3").await,
        vec![id]
    );
    assert!(sb.list_ids("/api/conversations/unread").await.is_empty());
    let (status, body) = sb.act("assign-group", &ids, &[("group_id", "2")]).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["group_id"], 2);
    assert_eq!(body["data"]["status"], "inbox");

    // a client writing into a closed conversation sends it back to unassigned
    sb.act("close", &ids, &[]).await;
    let c3 = sb
        .customer(json!({"text": "hello again", "conversation_id": id}))
        .await;
    assert_eq!(c3["status"], "unassigned");
    assert_eq!(c3["operator_user_id"], Value::Null);

    // the history has everything, oldest first, in the documented shape
    let (status, body) = sb
        .get(&format!("/sandbox/conversations/{id}/messages"))
        .await;
    assert_eq!(status, 200);
    let items = data_items(&body);
    let kinds: Vec<&str> = items.iter().map(|m| m["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "client", "message", "client", "note", "file", "client", "client"
        ]
    );
    let keys: BTreeSet<&str> = [
        "id",
        "conversation_id",
        "kind",
        "text",
        "file_url",
        "operator_id",
        "from_user_name",
        "date_created",
    ]
    .into_iter()
    .collect();
    for m in items {
        assert_eq!(
            m.as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect::<BTreeSet<_>>(),
            keys
        );
        assert_eq!(m["conversation_id"], id);
        assert!(m["date_created"].is_i64());
    }
    assert_eq!(items[0]["from_user_name"], "Иван");
    assert_eq!(items[0]["operator_id"], Value::Null);
    assert_eq!(items[1]["operator_id"], 1);
    assert_eq!(items[1]["text"], "Здравствуйте!");
    assert_eq!(items[3]["operator_id"], 2);
    assert_eq!(items[4]["file_url"], "https://example.com/a.png");
    assert_eq!(items[4]["text"], Value::Null);
    let ids_in_order: Vec<i64> = items.iter().map(|m| m["id"].as_i64().unwrap()).collect();
    let mut sorted = ids_in_order.clone();
    sorted.sort();
    assert_eq!(ids_in_order, sorted);
    sb.server.shutdown().await;
}

#[tokio::test]
async fn text_and_url_validation() {
    let sb = Sandbox::start(SeedMode::Empty).await;
    let id = sb.new_conversation("x").await.to_string();
    for path in [
        "/api/conversations/send-message",
        "/api/conversations/send-note",
    ] {
        assert_eq!(
            sb.post_form(path, &[("conversation_id", &id), ("text", "  \n\t ")])
                .await,
            api_error(400, json!({"text": "text must not be empty"}))
        );
        assert_eq!(
            sb.post_form(path, &[("conversation_id", &id)]).await,
            api_error(400, json!({"text": "text is required"}))
        );
        assert_eq!(
            sb.post_json(path, json!({"conversation_id": id, "text": 5}))
                .await,
            api_error(400, json!({"text": "text must be a string"}))
        );
    }
    for bad in [
        "ftp://example.com/x",
        "not a url",
        "javascript:alert(1)",
        "/relative.png",
        "https://",
        "http://exa mple.com",
    ] {
        assert_eq!(
            sb.act("send-file-message", &id, &[("file_url", bad)]).await,
            api_error(
                400,
                json!({"file_url": "file_url must be an absolute http or https URL"})
            ),
            "{bad}"
        );
    }
    let (status, _) = sb
        .act(
            "send-file-message",
            &id,
            &[("file_url", "http://example.com/x.pdf?a=1")],
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = sb
        .post_json(
            "/sandbox/customer-message",
            json!({"text": "x", "application": "myspace"}),
        )
        .await;
    assert_eq!(status, 400);
    assert!(body["error"]["application"].is_string());
    assert_eq!(
        sb.post_json(
            "/sandbox/customer-message",
            json!({"text": "x", "conversation_id": 999}),
        )
        .await,
        api_error(400, json!("Conversation not found"))
    );
    sb.server.shutdown().await;
}

#[tokio::test]
async fn every_body_encoding_is_accepted() {
    let sb = Sandbox::start(SeedMode::Empty).await;
    let id = sb.new_conversation("x").await;
    let ids = id.to_string();
    // form with ints as strings
    assert_eq!(
        sb.act("send-message", &ids, &[("text", "form")]).await.0,
        200
    );
    // JSON with ints as numbers and as strings
    assert_eq!(
        sb.post_json(
            "/api/conversations/send-message",
            json!({"conversation_id": id, "text": "json"})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        sb.post_json(
            "/api/conversations/send-message",
            json!({"conversation_id": ids, "text": "json2", "disable_webhook": 1})
        )
        .await
        .0,
        200
    );
    // multipart
    let (status, body) = sb
        .post_multipart(
            "/api/conversations/send-message",
            &[
                ("conversation_id", ids.as_bytes()),
                ("text", "multipart ✓".as_bytes()),
                ("operator_id", b"2"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // form with charset parameter, no content type at all
    assert_eq!(
        sb.post_raw(
            "/api/conversations/send-message",
            "application/x-www-form-urlencoded; charset=UTF-8",
            format!("conversation_id={id}&text=charset%20%F0%9F%98%80").into_bytes()
        )
        .await
        .0,
        200
    );
    let resp = sb
        .http
        .post(sb.at("/api/conversations/send-message"))
        .header("Authentication", common::TOKEN)
        .body(format!("conversation_id={id}&text=bare"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);

    let (_, body) = sb
        .get(&format!("/sandbox/conversations/{id}/messages"))
        .await;
    let texts: Vec<&str> = data_items(&body)
        .iter()
        .filter_map(|m| m["text"].as_str())
        .collect();
    assert_eq!(
        texts,
        [
            "x",
            "form",
            "json",
            "json2",
            "multipart ✓",
            "charset 😀",
            "bare"
        ]
    );
    let ops: Vec<&Value> = data_items(&body)
        .iter()
        .map(|m| &m["operator_id"])
        .collect();
    assert_eq!(ops[4], &json!(2));

    // unsupported and broken bodies
    for (content_type, bytes, want) in [
        ("text/plain", &b"hello"[..], 415),
        ("application/json", b"[1,2]", 400),
        ("application/json", b"{\"a\":", 400),
        ("multipart/form-data", b"--x", 400),
    ] {
        let (status, body) = sb
            .post_raw(
                "/api/conversations/send-message",
                content_type,
                bytes.to_vec(),
            )
            .await;
        assert_eq!(
            (status, &body["status"]),
            (want, &json!(want)),
            "{content_type} {bytes:?}: {body}"
        );
    }
    let (status, body) = sb
        .post_multipart(
            "/api/conversations/send-message",
            &[("conversation_id", ids.as_bytes()), ("text", b"\xff\xfe")],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    sb.server.shutdown().await;
}

#[tokio::test]
async fn lists_are_sorted_filtered_and_capped() {
    let sb = Sandbox::start(SeedMode::Empty).await;
    let mut rng = Rng::seeded(1);
    let db = sb.server.db();
    for (n, status, operator_id, unread_count) in [
        (1100, "unassigned", None, 1),
        (1050, "inbox", Some(1), 2),
        (30, "inbox", Some(2), 0),
        (40, "closed", Some(1), 3),
    ] {
        let spec = BulkSpec {
            status,
            operator_id,
            unread_count,
        };
        db.seed_bulk(n, spec, &mut rng).unwrap();
    }

    let check_sorted = |list: &Value| {
        let items = data_items(list);
        for pair in items.windows(2) {
            let a = (
                pair[0]["date_updated"].as_i64().unwrap(),
                pair[0]["id"].as_i64().unwrap(),
            );
            let b = (
                pair[1]["date_updated"].as_i64().unwrap(),
                pair[1]["id"].as_i64().unwrap(),
            );
            assert!(
                a > b,
                "not sorted by date_updated desc, id desc: {a:?} then {b:?}"
            );
        }
        items.len()
    };
    let (_, unassigned) = sb.get("/api/conversations/unassigned").await;
    assert_eq!(check_sorted(&unassigned), 1000);
    assert!(
        data_items(&unassigned)
            .iter()
            .all(|c| c["status"] == "unassigned")
    );
    let (_, unread) = sb.get("/api/conversations/unread").await;
    assert_eq!(check_sorted(&unread), 1000);
    assert!(
        data_items(&unread)
            .iter()
            .all(|c| c["status"] == "inbox" && c["operator_user_id"] == 1001)
    );
    let (_, not_answered) = sb
        .get("/api/conversations/not-answered?operator_id=1")
        .await;
    assert_eq!(check_sorted(&not_answered), 1000);
    // operator 2 holds 30 that are read and answered? (unread 0 → not waiting)
    assert!(
        sb.list_ids("/api/conversations/unread?operator_id=2")
            .await
            .is_empty()
    );
    assert!(
        sb.list_ids("/api/conversations/not-answered?operator_id=2")
            .await
            .is_empty()
    );
    assert!(
        sb.list_ids("/api/conversations/unread?operator_id=3")
            .await
            .is_empty()
    );

    // the newest activity comes first
    let newest = sb.new_conversation("newest").await;
    assert_eq!(
        sb.list_ids("/api/conversations/unassigned").await[0],
        newest
    );
    sb.server.shutdown().await;
}

#[tokio::test]
async fn demo_seed_is_rich_and_fast() {
    let sb = Sandbox::start(SeedMode::Demo).await;
    assert!(sb.server.seeded);
    assert!(
        sb.server.startup.as_millis() < 1000,
        "demo start took {:?}",
        sb.server.startup
    );
    let (_, ops) = sb.get("/api/operators/all").await;
    assert!(data_items(&ops).len() >= 3);
    let (_, groups) = sb.get("/api/operators/groups").await;
    assert!(data_items(&groups).len() >= 2);

    let mut all = Vec::new();
    for id in 1.. {
        let (status, body) = sb
            .get(&format!("/api/conversations/get?conversation_id={id}"))
            .await;
        if status != 200 {
            break;
        }
        all.push(body["data"].clone());
    }
    assert!(all.len() >= 45, "{} conversations", all.len());
    let apps: BTreeSet<&str> = all
        .iter()
        .map(|c| c["application"].as_str().unwrap())
        .collect();
    for app in [
        "telegrambot",
        "whatsapp",
        "livechat",
        "facebook",
        "viber",
        "vk",
        "email",
    ] {
        assert!(apps.contains(app), "no {app} conversation");
    }
    let statuses: BTreeSet<&str> = all.iter().map(|c| c["status"].as_str().unwrap()).collect();
    assert_eq!(
        statuses,
        ["closed", "inbox", "unassigned"].into_iter().collect()
    );
    let holders: BTreeSet<i64> = all
        .iter()
        .filter_map(|c| c["operator_user_id"].as_i64())
        .collect();
    assert!(holders.len() >= 3, "{holders:?}");
    assert!(all.iter().any(|c| c["from_user_custom_name"].is_string()));
    assert!(all.iter().any(|c| c["is_inner_message"] == true));
    let names: String = all
        .iter()
        .filter_map(|c| c["from_user_name"].as_str())
        .collect();
    let texts: String = all
        .iter()
        .filter_map(|c| c["last_message"].as_str())
        .collect();
    let everything = format!("{names}{texts}");
    assert!(
        everything
            .chars()
            .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
        "no Arabic"
    );
    assert!(
        everything
            .chars()
            .any(|c| ('\u{0590}'..='\u{05FF}').contains(&c)),
        "no Hebrew"
    );
    assert!(
        everything
            .chars()
            .any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)),
        "no Cyrillic"
    );
    assert!(everything.chars().any(|c| c as u32 >= 0x1F300), "no emoji");
    assert!(!sb.list_ids("/api/conversations/unread").await.is_empty());
    assert!(
        !sb.list_ids("/api/conversations/not-answered")
            .await
            .is_empty()
    );
    assert!(
        !sb.list_ids("/api/conversations/unassigned")
            .await
            .is_empty()
    );

    // histories: a few to ~30 messages, two of 500, consistent with the conversation
    let mut sizes = Vec::new();
    let mut long_line = false;
    let mut url = false;
    for c in &all {
        let (_, body) = sb
            .get(&format!("/sandbox/conversations/{}/messages", c["id"]))
            .await;
        let items = data_items(&body);
        sizes.push(items.len());
        let last = items.last().unwrap();
        let last_content = last["text"].as_str().or(last["file_url"].as_str()).unwrap();
        assert_eq!(c["last_message"].as_str().unwrap(), last_content);
        assert_eq!(c["last_message_date"], last["date_created"]);
        for m in items {
            let t = m["text"].as_str().unwrap_or("");
            long_line |= t.len() > 300 && !t.contains(' ');
            long_line |= t.split(' ').any(|w| w.len() > 200);
            url |= t.contains("https://");
        }
    }
    assert!(long_line && url);
    assert_eq!(sizes.iter().filter(|&&n| n == 500).count(), 2);
    assert!(sizes.iter().filter(|&&n| (2..=31).contains(&n)).count() >= 40);
    sb.server.shutdown().await;
}

#[tokio::test]
async fn customer_message_defaults_and_form_body() {
    let sb = Sandbox::start(SeedMode::Empty).await;
    let (status, body) = sb
        .post_form("/sandbox/customer-message", &[("text", "form hello")])
        .await;
    assert_eq!(status, 200, "{body}");
    let c = &body["data"];
    assert_eq!(c["application"], "livechat");
    assert!(
        c["from_user_name"]
            .as_str()
            .unwrap()
            .starts_with("LiveChat client #")
    );
    assert_eq!(c["is_new_conversation"], true);
    assert_eq!(c["to_user_name"], "support@demo.blinger.test");
    assert_eq!(c["toBlingerUser"]["id"], c["to_blinger_user_id"]);
    assert_eq!(c["token"].as_str().unwrap().len(), 64);
    assert_eq!(
        sb.post_form("/sandbox/customer-message", &[("text", " ")])
            .await,
        api_error(400, json!({"text": "text must not be empty"}))
    );
    sb.server.shutdown().await;
}
