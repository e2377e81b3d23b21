-- +goose Up
-- Issue 17, the citizen's side. An e-appeal is checked before it is sent ("check your answers"): what the
-- form held waits here, one draft per person, with the files already stored (content-addressed, in the
-- attachment store), so "змінити" can go back to the form and the files survive the check step without
-- JavaScript and without the browser sending them twice. Sending registers the appeal and deletes the
-- draft in the registering transaction, so a double click cannot register it twice. A draft older than a
-- day is gone (deleted whenever any draft is saved); its files stay in the store like any unreferenced one.
CREATE TABLE appeal_drafts (
    person_id  BIGINT PRIMARY KEY REFERENCES persons (id) ON DELETE CASCADE,
    form       TEXT NOT NULL,
    files      TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX appeal_drafts_updated ON appeal_drafts (updated_at);

-- The author's rating of the answer: satisfied or not, with an optional comment, once per appeal (the
-- primary key) and only once it is answered. Staff see it on the card; the report counts it.
CREATE TABLE appeal_ratings (
    appeal_id  BIGINT PRIMARY KEY REFERENCES appeals (id) ON DELETE CASCADE,
    person_id  BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    satisfied  BOOLEAN NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX appeal_ratings_created ON appeal_ratings (created_at);

-- +goose Down
DROP TABLE appeal_ratings;
DROP TABLE appeal_drafts;
