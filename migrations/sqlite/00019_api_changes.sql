-- +goose Up
-- Issue 13, the machine API (/api/v1/appeals).
--
-- The changes feed: every status an appeal from a source takes — its registration included — is a row
-- here, written by a trigger in the transaction that changes the appeal, so no code path can change a
-- status without the feed hearing of it. SQLite has one writer at a time, so the ids are in commit
-- order and txid stays 0; PostgreSQL keeps the transaction's id there (see its migration).
CREATE TABLE appeal_status_changes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    txid            INTEGER NOT NULL,
    appeal_id       INTEGER NOT NULL REFERENCES appeals (id),
    source_id       INTEGER NOT NULL REFERENCES appeal_sources (id),
    external_number TEXT NOT NULL,
    status          TEXT NOT NULL,
    result          TEXT NOT NULL,
    changed_at      DATETIME NOT NULL
);
CREATE INDEX appeal_status_changes_feed ON appeal_status_changes (source_id, txid, id);

-- +goose StatementBegin
CREATE TRIGGER appeals_status_registered AFTER INSERT ON appeals
WHEN NEW.source_id IS NOT NULL
BEGIN
    INSERT INTO appeal_status_changes (txid, appeal_id, source_id, external_number, status, result, changed_at)
    VALUES (0, NEW.id, NEW.source_id, NEW.external_number, NEW.status, COALESCE(NEW.result, ''),
            COALESCE(NEW.updated_at, CURRENT_TIMESTAMP));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER appeals_status_changed AFTER UPDATE OF status ON appeals
WHEN NEW.source_id IS NOT NULL AND NEW.status IS NOT OLD.status
BEGIN
    INSERT INTO appeal_status_changes (txid, appeal_id, source_id, external_number, status, result, changed_at)
    VALUES (0, NEW.id, NEW.source_id, NEW.external_number, NEW.status, COALESCE(NEW.result, ''),
            COALESCE(NEW.updated_at, CURRENT_TIMESTAMP));
END;
-- +goose StatementEnd

-- Idempotency keys (the IETF Idempotency-Key header) of appeals registered through the API: kept per
-- client (scope: "api_token:ID") with a fingerprint of the request, written in the registration's own
-- transaction, so a retry finds the appeal and the same key with another request is refused.
CREATE TABLE appeal_idempotency_keys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scope       TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    appeal_id   INTEGER NOT NULL REFERENCES appeals (id),
    created_at  DATETIME NOT NULL,
    UNIQUE (scope, key)
);

-- Who acted, when it was not a person: the API token a machine request came with.
ALTER TABLE audit_log ADD COLUMN actor_token_id INTEGER REFERENCES api_tokens (id);

-- +goose Down
ALTER TABLE audit_log DROP COLUMN actor_token_id;
DROP TABLE appeal_idempotency_keys;
DROP TRIGGER appeals_status_changed;
DROP TRIGGER appeals_status_registered;
DROP TABLE appeal_status_changes;
