-- +goose Up
-- The author's normalised name and address (internal/registry/repeat.go): the registrar's form finds
-- the author's earlier appeals by one indexed equality, the same way on both databases. The key is
-- made in Go, never in SQL, because SQLite's LOWER() leaves Cyrillic as it is; rows registered
-- before this migration are keyed by the application on the first lookup (the partial index below
-- finds them without reading the table).
ALTER TABLE appeals ADD COLUMN author_key TEXT NOT NULL DEFAULT '';
CREATE INDEX appeals_author_key ON appeals (author_key) WHERE author_key <> '';
CREATE INDEX appeals_author_key_missing ON appeals (id)
    WHERE author_key = '' AND author_last_name <> '' AND author_address <> '';

-- +goose Down
DROP INDEX appeals_author_key_missing;
DROP INDEX appeals_author_key;
ALTER TABLE appeals DROP COLUMN author_key;
