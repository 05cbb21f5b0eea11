-- blinger-gateway schema for PostgreSQL, version 1. Applied at start under an advisory lock
-- (several replicas may start at once); the applied versions are in gateway_schema.

-- Webhook events as received: the durable queue (state 'pending') and, once processed, the
-- debugging record (bounded retention, see assumptions.rs). `claimed_until` is a replica's
-- lease on a pending event (Unix seconds): another replica takes it only after the lease ran out.
CREATE TABLE webhook_events (
    id            BIGSERIAL PRIMARY KEY,
    received_at   BIGINT  NOT NULL,
    event         TEXT    NOT NULL,
    payload       TEXT    NOT NULL,
    state         TEXT    NOT NULL CHECK (state IN ('pending', 'done', 'ignored', 'failed')),
    attempts      BIGINT  NOT NULL DEFAULT 0,
    error         TEXT,
    claimed_until BIGINT
);

CREATE INDEX webhook_events_by_state ON webhook_events (state, id);

-- The message history (same columns and dedupe rule as the SQLite store).
CREATE TABLE messages (
    id              BIGSERIAL PRIMARY KEY,
    conversation_id BIGINT  NOT NULL,
    kind            TEXT    NOT NULL,
    text            TEXT,
    file_url        TEXT,
    operator_id     BIGINT,
    from_user_name  TEXT,
    date_created    BIGINT  NOT NULL,
    external_key    TEXT,
    from_send       BOOLEAN NOT NULL DEFAULT FALSE,
    recorded_at     BIGINT  NOT NULL
);

CREATE UNIQUE INDEX messages_by_key ON messages (conversation_id, external_key);
CREATE INDEX messages_by_conversation ON messages (conversation_id, date_created, id);

-- The change log every replica's event streams read. One row holds the log's epoch (made once,
-- when the database is created, so event ids stay valid across replicas and restarts) and the
-- last sequence number; taking the next number locks that row until commit, so numbers commit
-- in order and a reader that has seen N has seen every change up to N.
CREATE TABLE change_log (
    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    epoch     BIGINT  NOT NULL,
    seq       BIGINT  NOT NULL
);

INSERT INTO change_log (epoch, seq)
VALUES ((EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT, 0);

CREATE TABLE changes (
    seq             BIGINT PRIMARY KEY,
    conversation_id BIGINT NOT NULL,
    at              BIGINT NOT NULL
);
