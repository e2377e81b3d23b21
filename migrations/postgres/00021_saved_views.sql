-- +goose Up
-- Issue 14, the registry journal. Its pages are read by keyset (internal/registry/staff.go): each page
-- continues from the last row's sort key instead of skipping OFFSET rows, which at 1,000,000 appeals would
-- read every row before a deep page. Each order needs an index on its whole key, ending with the id that
-- breaks ties, so a page is one range scan of at most a page's entries:
-- newest or oldest first (received_at, id); the nearest or latest deadline first (due_date, received_at, id),
-- which replaces appeals_due_date (it leads with the same column, so the dashboard's due filters keep it).
CREATE INDEX appeals_journal_received ON appeals (received_at, id);
CREATE INDEX appeals_journal_due ON appeals (due_date, received_at, id);
DROP INDEX appeals_due_date;
-- The views by status ("без резолюції", "на затвердженні") newest first: a range of one status already in
-- the journal's order (SQLite otherwise took the status-and-due-date index and sorted 100,000 rows).
CREATE INDEX appeals_journal_status ON appeals (status, received_at, id);

-- Filters a person saves under a name of their own ("Мої прострочені"): the query string as the journal's
-- filter reader normalised it, so a saved view never holds what the reader would refuse. Only the person
-- sees, opens and deletes theirs; a name is taken once per person (saving it again replaces the filter).
CREATE TABLE saved_views (
    id         BIGSERIAL PRIMARY KEY,
    person_id  BIGINT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (person_id, name)
);

-- +goose Down
DROP TABLE saved_views;
DROP INDEX appeals_journal_status;
CREATE INDEX appeals_due_date ON appeals (due_date);
DROP INDEX appeals_journal_due;
DROP INDEX appeals_journal_received;
