-- +goose Up
-- Counters of Fiber's rate limiter, shared by every instance. UNLOGGED: a counter lost in a crash only
-- resets a limit early, and skipping the write-ahead log keeps this hot table cheap.
CREATE UNLOGGED TABLE rate_limits (
    id         TEXT PRIMARY KEY,
    data       BYTEA NOT NULL,
    expires_at TIMESTAMPTZ
);
CREATE INDEX rate_limits_expires_at ON rate_limits (expires_at);

-- +goose Down
DROP TABLE rate_limits;
