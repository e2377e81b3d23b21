-- +goose Up
-- When signature_count was last recounted from the signatures. Lists recount the open petitions whose
-- count is older than a page's cached count (two seconds), whichever instance serves them, so they do not
-- depend on the queue leader's periodic refresh being alive; the condition on this column lets only one
-- of several concurrent recounts touch a row.
ALTER TABLE petitions ADD COLUMN counted_at DATETIME;

-- +goose Down
ALTER TABLE petitions DROP COLUMN counted_at;
