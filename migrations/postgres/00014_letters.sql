-- +goose Up
-- Letters about appeals and the outgoing register (вихідна кореспонденція): every letter the council
-- sends to an author or to another body gets an outgoing number of its year, never repeated or skipped;
-- e-mail carries files (the letter's PDF) kept with the outbox row.

-- How the author is to be answered: email, post, in_person or hotline ('' until the card is next saved,
-- when registry/derive.go sets it).
ALTER TABLE appeals ADD COLUMN reply_by TEXT NOT NULL DEFAULT '';

-- The yearly outgoing sequence, taken like registry_counters inside the transaction that makes the letter.
CREATE TABLE outgoing_counters (
    year     INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL
);

-- One row per letter: the register's line and the letter itself, fixed when it is made (text, letterhead,
-- signatory and executor as they were), so a reprint years later is the same letter.
CREATE TABLE outgoing_letters (
    id                 BIGSERIAL PRIMARY KEY,
    appeal_id          BIGINT NOT NULL REFERENCES appeals (id),
    year               INTEGER NOT NULL,
    seq                INTEGER NOT NULL,
    out_number         TEXT NOT NULL UNIQUE,
    out_date           DATE NOT NULL,
    kind               TEXT NOT NULL,
    reference          TEXT NOT NULL DEFAULT '',
    delivery           TEXT NOT NULL CHECK (delivery IN ('email', 'post', 'in_person', 'hotline', 'body_system')),
    addressee_name     TEXT NOT NULL,
    addressee_address  TEXT NOT NULL DEFAULT '',
    addressee_email    TEXT NOT NULL DEFAULT '',
    subject            TEXT NOT NULL,
    body               TEXT NOT NULL,
    enclosure          TEXT NOT NULL DEFAULT '',
    signatory_position TEXT NOT NULL DEFAULT '',
    signatory_name     TEXT NOT NULL DEFAULT '',
    executor_name      TEXT NOT NULL DEFAULT '',
    executor_phone     TEXT NOT NULL DEFAULT '',
    letterhead         TEXT NOT NULL,
    created_by         BIGINT REFERENCES persons (id),
    created_at         TIMESTAMPTZ NOT NULL,
    dispatched_at      TIMESTAMPTZ,
    dispatched_by      BIGINT REFERENCES persons (id),
    UNIQUE (year, seq)
);
CREATE INDEX outgoing_letters_appeal ON outgoing_letters (appeal_id, id);
CREATE INDEX outgoing_letters_date ON outgoing_letters (out_date, seq);
-- "До відправлення": the letters not yet dispatched.
CREATE INDEX outgoing_letters_waiting ON outgoing_letters (out_date, seq) WHERE dispatched_at IS NULL;

-- Files an outbox message carries, written with it in the caller's transaction.
CREATE TABLE mail_attachments (
    id           BIGSERIAL PRIMARY KEY,
    message_id   BIGINT NOT NULL REFERENCES mail_messages (id) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content      BYTEA NOT NULL
);
CREATE INDEX mail_attachments_message ON mail_attachments (message_id);

-- +goose Down
DROP TABLE mail_attachments;
DROP TABLE outgoing_letters;
DROP TABLE outgoing_counters;
ALTER TABLE appeals DROP COLUMN reply_by;
