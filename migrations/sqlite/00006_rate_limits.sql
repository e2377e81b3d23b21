-- +goose Up
-- Counters of Fiber's rate limiter, shared by every process on this database.
CREATE TABLE rate_limits (
    id         TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    expires_at DATETIME
);
CREATE INDEX rate_limits_expires_at ON rate_limits (expires_at);

-- +goose Down
DROP TABLE rate_limits;
