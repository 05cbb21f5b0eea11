-- blinger-sandbox schema, version 1. Applied once; the version is tracked in PRAGMA user_version.
CREATE TABLE operators (
    id                  INTEGER PRIMARY KEY,
    user_id             INTEGER NOT NULL UNIQUE,
    owner_user_id       INTEGER NOT NULL,
    invite_email        TEXT    NOT NULL UNIQUE,
    name                TEXT    NOT NULL,
    conversations_token TEXT    NOT NULL,
    is_owner            INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE operator_groups (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    title      TEXT    NOT NULL,
    priority   INTEGER NOT NULL,
    color      TEXT    NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0
);

-- The company's channel accounts (one per application): a conversation's to_* / toBlingerUser.
CREATE TABLE channels (
    id                     INTEGER PRIMARY KEY,
    application            TEXT    NOT NULL UNIQUE,
    name                   TEXT,
    account_name           TEXT    NOT NULL,
    date_created           INTEGER NOT NULL,
    date_updated           INTEGER NOT NULL,
    extra_field_secret_key TEXT    NOT NULL
);

CREATE TABLE conversations (
    id                        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id                   INTEGER NOT NULL,
    operator_user_id          INTEGER,
    from_blinger_user_id      INTEGER NOT NULL,
    to_blinger_user_id        INTEGER NOT NULL REFERENCES channels (id),
    from_user_name            TEXT,
    from_user_custom_name     TEXT,
    from_user_avatar          TEXT,
    application               TEXT    NOT NULL,
    last_message              TEXT,
    last_message_date         INTEGER,
    unread_count              INTEGER NOT NULL DEFAULT 0,
    status                    TEXT    NOT NULL CHECK (status IN ('unassigned', 'inbox', 'closed')),
    date_created              INTEGER NOT NULL,
    date_updated              INTEGER NOT NULL,
    is_outgoing               INTEGER NOT NULL DEFAULT 0,
    token                     TEXT    NOT NULL,
    is_new_conversation       INTEGER NOT NULL DEFAULT 1,
    waiting_operator_response INTEGER NOT NULL DEFAULT 0,
    group_id                  INTEGER,
    is_inner_message          INTEGER,
    is_operator_last_message  INTEGER NOT NULL DEFAULT 0,
    is_group_closed           INTEGER NOT NULL DEFAULT 0,
    type                      TEXT    NOT NULL DEFAULT 'message',
    unassigned_date           INTEGER
);

CREATE INDEX conversations_by_status ON conversations (status, date_updated DESC, id DESC);
CREATE INDEX conversations_by_operator ON conversations (operator_user_id, status, date_updated DESC, id DESC);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id INTEGER NOT NULL REFERENCES conversations (id),
    kind            TEXT    NOT NULL CHECK (kind IN ('client', 'message', 'file', 'note')),
    text            TEXT,
    file_url        TEXT,
    operator_id     INTEGER,
    from_user_name  TEXT,
    date_created    INTEGER NOT NULL
);

CREATE INDEX messages_by_conversation ON messages (conversation_id, date_created, id);
