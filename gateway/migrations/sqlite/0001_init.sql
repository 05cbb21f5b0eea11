-- blinger-gateway schema, version 1. Applied once at start; the version is PRAGMA user_version.

-- Webhook events as received: the durable queue (state 'pending') and, once processed, the
-- debugging record (bounded retention, see assumptions.rs).
CREATE TABLE webhook_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at INTEGER NOT NULL,
    event       TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('pending', 'done', 'ignored', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT
);

CREATE INDEX webhook_events_by_state ON webhook_events (state, id);

-- The message history. `external_key` is the webhook's dedupe key (`id:<n>` or `hash:<hex>`),
-- NULL for a send through the gateway that no webhook has matched yet; `from_send` says a send
-- through the gateway recorded or claimed the entry (see assumptions.rs, "each message once").
CREATE TABLE messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL,
    kind            TEXT    NOT NULL,
    text            TEXT,
    file_url        TEXT,
    operator_id     INTEGER,
    from_user_name  TEXT,
    date_created    INTEGER NOT NULL,
    external_key    TEXT,
    from_send       INTEGER NOT NULL DEFAULT 0,
    recorded_at     INTEGER NOT NULL
);

CREATE UNIQUE INDEX messages_by_key ON messages (conversation_id, external_key);
CREATE INDEX messages_by_conversation ON messages (conversation_id, date_created, id);
