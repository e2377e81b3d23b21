-- +goose Up
-- The outbox: every e-mail Hromada sends, written in the same transaction as the change that causes it,
-- together with the job that sends it (River, migration 2). Staff see failed messages and retry them.
CREATE TABLE mail_messages (
    id         BIGSERIAL PRIMARY KEY,
    kind       TEXT NOT NULL,
    person_id  BIGINT REFERENCES persons (id),
    to_address TEXT NOT NULL,
    lang       TEXT NOT NULL,
    data       TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    sent_at    TIMESTAMPTZ
);
CREATE INDEX mail_messages_status ON mail_messages (status, created_at);
CREATE INDEX mail_messages_person ON mail_messages (person_id);

-- A citizen's choice for an optional notice; no row means the default (on).
CREATE TABLE notice_preferences (
    person_id  BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, kind)
);

-- +goose Down
DROP TABLE notice_preferences;
DROP TABLE mail_messages;
