-- +goose Up
-- Persons are recognised across sign-ins by the keyed hash of their tax number (never the number itself),
-- or by issuer and subject when the provider sends no tax number.
CREATE TABLE persons (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    issuer          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    tax_id_hash     TEXT UNIQUE,
    last_name       TEXT NOT NULL DEFAULT '',
    first_name      TEXT NOT NULL DEFAULT '',
    patronymic      TEXT NOT NULL DEFAULT '',
    email           TEXT NOT NULL DEFAULT '',
    phone           TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    auth_type       TEXT NOT NULL DEFAULT '',
    language        TEXT NOT NULL DEFAULT 'uk',
    created_at      DATETIME NOT NULL,
    last_sign_in_at DATETIME NOT NULL,
    UNIQUE (issuer, subject)
);

-- Server-side sessions, shared by every instance.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    expires_at DATETIME
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- One row per year: the registration sequence. Taking a number is an UPDATE of this row inside the
-- registering transaction, so numbers never repeat and a rolled-back registration leaves no gap.
CREATE TABLE registry_counters (
    year     INTEGER PRIMARY KEY,
    last_seq INTEGER NOT NULL
);

CREATE TABLE appeals (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    reg_index            TEXT NOT NULL UNIQUE,
    reg_year             INTEGER NOT NULL,
    reg_seq              INTEGER NOT NULL,
    received_at          DATETIME NOT NULL,
    channel              TEXT NOT NULL CHECK (channel IN ('portal','email','mail','reception','phone','representative','gov_hotline','oda_hotline','authority','media','other_org')),
    external_ref         TEXT NOT NULL DEFAULT '',
    type                 TEXT NOT NULL CHECK (type IN ('proposal','application','complaint')),
    nature               TEXT NOT NULL DEFAULT 'individual' CHECK (nature IN ('individual','collective','anonymous')),
    signers              INTEGER NOT NULL DEFAULT 1 CHECK (signers >= 1),
    sign                 TEXT NOT NULL DEFAULT 'primary' CHECK (sign IN ('primary','repeat','duplicate','multiple','mass')),
    document_kind        TEXT NOT NULL DEFAULT 'electronic',
    person_id            INTEGER REFERENCES persons (id),
    author_last_name     TEXT NOT NULL DEFAULT '',
    author_first_name    TEXT NOT NULL DEFAULT '',
    author_patronymic    TEXT NOT NULL DEFAULT '',
    author_address       TEXT NOT NULL DEFAULT '',
    author_email         TEXT NOT NULL DEFAULT '',
    author_phone         TEXT NOT NULL DEFAULT '',
    author_gender        TEXT NOT NULL DEFAULT '',
    author_categories    TEXT NOT NULL DEFAULT '',
    author_social_status TEXT NOT NULL DEFAULT '',
    priority             BOOLEAN NOT NULL DEFAULT 0,
    summary              TEXT NOT NULL,
    status               TEXT NOT NULL,
    due_date             DATE NOT NULL,
    result               TEXT NOT NULL DEFAULT '',
    answered_at          DATETIME,
    answer_text          TEXT NOT NULL DEFAULT '',
    created_at           DATETIME NOT NULL,
    updated_at           DATETIME NOT NULL,
    UNIQUE (reg_year, reg_seq)
);
CREATE INDEX appeals_person ON appeals (person_id, received_at DESC);
CREATE INDEX appeals_received_at ON appeals (received_at);

-- One appeal can raise several questions, each with its own subject code for statistics.
CREATE TABLE appeal_questions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    appeal_id    INTEGER NOT NULL REFERENCES appeals (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    subject_code TEXT NOT NULL,
    text         TEXT NOT NULL DEFAULT '',
    result       TEXT NOT NULL DEFAULT '',
    UNIQUE (appeal_id, position)
);
CREATE INDEX appeal_questions_subject ON appeal_questions (subject_code);

-- The timeline of an appeal: append-only.
CREATE TABLE appeal_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    appeal_id       INTEGER NOT NULL REFERENCES appeals (id) ON DELETE CASCADE,
    occurred_at     DATETIME NOT NULL,
    kind            TEXT NOT NULL,
    actor_person_id INTEGER REFERENCES persons (id),
    note            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX appeal_events_appeal ON appeal_events (appeal_id, occurred_at);

-- Attachments are stored outside the web root under their SHA-256; the row keeps the original name.
CREATE TABLE appeal_attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    appeal_id    INTEGER NOT NULL REFERENCES appeals (id) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       TEXT NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX appeal_attachments_appeal ON appeal_attachments (appeal_id);

-- +goose Down
DROP TABLE appeal_attachments;
DROP TABLE appeal_events;
DROP TABLE appeal_questions;
DROP TABLE appeals;
DROP TABLE registry_counters;
DROP TABLE sessions;
DROP TABLE persons;
