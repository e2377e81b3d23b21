-- +goose Up
-- The sweep of stored files (attachment.Store.Sweep, every six hours) asks which of the old files a row
-- still names, 500 hashes at a time.
CREATE INDEX appeal_attachments_sha256 ON appeal_attachments (sha256);

-- +goose Down
DROP INDEX appeal_attachments_sha256;
