-- +goose Up
-- Staff search finds a part of a word anywhere in the index, the author's name or the text (LIKE '%…%'
-- over search_text, see registry/staff.go): a trigram index answers it without reading every appeal.
-- pg_trgm is a trusted extension (PostgreSQL 13+), so the database's owner may create it. It goes into
-- public and its operator class is named with its schema, so every schema on the server (each test runs
-- in its own) finds it.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE INDEX appeals_search_trgm ON appeals USING gin (search_text public.gin_trgm_ops);

-- +goose Down
DROP INDEX appeals_search_trgm;
