-- +goose Up
-- Issue 15: PostgreSQL's petition_sign procedure has no counterpart here. SQLite counts a signature's rate
-- limits and inserts it in one transaction on its one writer (internal/petition, Sign): the writer is
-- in this process, so the transaction costs no network round trip, and it is held by one writer at a time
-- anyway.
SELECT 1;

-- +goose Down
SELECT 1;
