-- +goose Up
-- Issue 13, the machine API (/api/v1/appeals).
--
-- The changes feed: every status an appeal from a source takes — its registration included — is a row
-- here, written by a trigger in the transaction that changes the appeal, so no code path can change a
-- status without the feed hearing of it. An integration reads the feed by a cursor and must see every
-- change once and in order. A sequence id is not commit order on PostgreSQL (a transaction holding
-- id 10 may commit after one holding id 11, and a reader past 11 would skip 10 for ever), so each row
-- also keeps its transaction's id (pg_current_xact_id) and the feed serves only rows of transactions
-- older than every transaction still running (pg_snapshot_xmin), ordered by (txid, id): nothing can
-- appear later below a position already served.
CREATE TABLE appeal_status_changes (
    id              BIGSERIAL PRIMARY KEY,
    txid            BIGINT NOT NULL,
    appeal_id       BIGINT NOT NULL REFERENCES appeals (id),
    source_id       BIGINT NOT NULL REFERENCES appeal_sources (id),
    external_number TEXT NOT NULL,
    status          TEXT NOT NULL,
    result          TEXT NOT NULL,
    changed_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX appeal_status_changes_feed ON appeal_status_changes (source_id, txid, id);

-- +goose StatementBegin
CREATE FUNCTION appeal_status_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO appeal_status_changes (txid, appeal_id, source_id, external_number, status, result, changed_at)
    VALUES (pg_current_xact_id()::text::bigint, NEW.id, NEW.source_id, NEW.external_number, NEW.status,
            COALESCE(NEW.result, ''), COALESCE(NEW.updated_at, now()));
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER appeals_status_registered AFTER INSERT ON appeals
    FOR EACH ROW WHEN (NEW.source_id IS NOT NULL) EXECUTE FUNCTION appeal_status_change();
CREATE TRIGGER appeals_status_changed AFTER UPDATE OF status ON appeals
    FOR EACH ROW WHEN (NEW.source_id IS NOT NULL AND NEW.status IS DISTINCT FROM OLD.status)
    EXECUTE FUNCTION appeal_status_change();

-- Idempotency keys (the IETF Idempotency-Key header) of appeals registered through the API: kept per
-- client (scope: "api_token:ID") with a fingerprint of the request, written in the registration's own
-- transaction, so a retry finds the appeal and the same key with another request is refused.
CREATE TABLE appeal_idempotency_keys (
    id          BIGSERIAL PRIMARY KEY,
    scope       TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    appeal_id   BIGINT NOT NULL REFERENCES appeals (id),
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (scope, key)
);

-- Who acted, when it was not a person: the API token a machine request came with.
ALTER TABLE audit_log ADD COLUMN actor_token_id BIGINT REFERENCES api_tokens (id);

-- +goose Down
ALTER TABLE audit_log DROP COLUMN actor_token_id;
DROP TABLE appeal_idempotency_keys;
DROP TRIGGER appeals_status_changed ON appeals;
DROP TRIGGER appeals_status_registered ON appeals;
DROP FUNCTION appeal_status_change();
DROP TABLE appeal_status_changes;
