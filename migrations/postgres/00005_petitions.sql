-- +goose Up
-- Local e-petitions (Law 393/96-ВР, Art. 23-1). The rules of the community's charter in force when a
-- petition is published (threshold, period) are copied onto it, so a later change of the charter does
-- not move the goalposts of a petition already collecting.
CREATE TABLE petitions (
    id                   BIGSERIAL PRIMARY KEY,
    author_person_id     BIGINT NOT NULL REFERENCES persons (id),
    author_name          TEXT NOT NULL,
    author_email         TEXT NOT NULL DEFAULT '',
    title                TEXT NOT NULL,
    text                 TEXT NOT NULL,
    subject_code         TEXT NOT NULL,
    -- Lower-cased in Go for search: SQLite's LOWER() and LIKE fold only Latin letters.
    search_title         TEXT NOT NULL DEFAULT '',
    search_text          TEXT NOT NULL DEFAULT '',
    -- One optional attachment of the author and one of the answer, stored in the attachment store.
    file_name            TEXT NOT NULL DEFAULT '',
    file_sha256          TEXT NOT NULL DEFAULT '',
    file_type            TEXT NOT NULL DEFAULT '',
    file_size            BIGINT NOT NULL DEFAULT 0,
    state                TEXT NOT NULL CHECK (state IN ('moderation', 'rejected', 'collecting', 'consideration', 'answered', 'expired', 'archived')),
    threshold            INTEGER NOT NULL,
    collection_days      INTEGER NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    moderation_due       DATE NOT NULL,
    published_at         TIMESTAMPTZ,
    collection_ends_at   TIMESTAMPTZ,
    threshold_reached_at TIMESTAMPTZ,
    consideration_due    DATE,
    rejection_reason     TEXT NOT NULL DEFAULT '',
    rejection_text       TEXT NOT NULL DEFAULT '',
    answer_kind          TEXT NOT NULL DEFAULT '' CHECK (answer_kind IN ('', 'supported', 'not_supported', 'partly')),
    answer_text          TEXT NOT NULL DEFAULT '',
    answered_at          TIMESTAMPTZ,
    answer_file_name     TEXT NOT NULL DEFAULT '',
    answer_file_sha256   TEXT NOT NULL DEFAULT '',
    answer_file_type     TEXT NOT NULL DEFAULT '',
    answer_file_size     BIGINT NOT NULL DEFAULT 0,
    signature_count      INTEGER NOT NULL DEFAULT 0,
    appeal_id            BIGINT REFERENCES appeals (id),
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX petitions_state ON petitions (state, collection_ends_at);
CREATE INDEX petitions_author ON petitions (author_person_id);

-- One signature per person and petition, enforced here on the keyed hash of the tax number: a check
-- before the insert would let two concurrent requests both pass.
CREATE TABLE petition_signatures (
    id          BIGSERIAL PRIMARY KEY,
    petition_id BIGINT NOT NULL REFERENCES petitions (id),
    person_id   BIGINT NOT NULL REFERENCES persons (id),
    signer_key  TEXT NOT NULL,
    signer_name TEXT NOT NULL,
    signed_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (petition_id, signer_key)
);
CREATE INDEX petition_signatures_list ON petition_signatures (petition_id, id);
CREATE INDEX petition_signatures_person ON petition_signatures (person_id);

-- The public history of a petition, moderators' corrections included.
CREATE TABLE petition_events (
    id              BIGSERIAL PRIMARY KEY,
    petition_id     BIGINT NOT NULL REFERENCES petitions (id),
    occurred_at     TIMESTAMPTZ NOT NULL,
    kind            TEXT NOT NULL,
    actor_person_id BIGINT REFERENCES persons (id),
    note            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX petition_events_petition ON petition_events (petition_id, occurred_at);

-- +goose Down
DROP TABLE petition_events;
DROP TABLE petition_signatures;
DROP TABLE petitions;
